/*
 * stock.c - products and the stock book.
 *
 * A movement of goods is one row of `move`; the same transaction adds
 * its quantity to the store's `stock` row, so on-hand is always the sum
 * of the book.  A receipt with a cost also moves the weighted average
 * cost: (on_hand x avg + qty x cost) / (on_hand + qty), rounded half up
 * to the fen; when nothing (or less than nothing) was on hand the
 * receipt's cost becomes the average.  A stock row starts at the
 * product's list cost, so goods sold before any receipt are valued at
 * what the owner said they cost.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "stock.h"

int jf_stock_dup;

void
jf_product_clear(struct jf_product *p)
{
	if (p == NULL)
		return;
	free(p->sku);
	free(p->name);
	free(p->category);
	memset(p, 0, sizeof(*p));
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
	const char *s = jf_col_opt(st, i);

	return s ? strdup(s) : NULL;
}

/* The product columns every reader selects, in struct order. */
#define PRODUCT_COLS "id, sku, name, category, price, cost, reorder_level, " \
	"no_points, coalesce(gift_points, 0)"

static int
product_read(sqlite3_stmt *st, struct jf_product *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->sku = dup_col(st, 1);
	p->name = dup_col(st, 2);
	p->category = dup_col(st, 3);
	p->price = sqlite3_column_int64(st, 4);
	p->cost = sqlite3_column_int64(st, 5);
	p->reorder_level = sqlite3_column_int64(st, 6);
	p->no_points = sqlite3_column_int(st, 7);
	p->gift_points = sqlite3_column_int64(st, 8);
	sqlite3_reset(st);
	if (p->sku == NULL || p->name == NULL) {
		jf_product_clear(p);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return 0;
}

int
jf_product_find(struct jf_ctx *c, const char *sku, struct jf_product *p)
{
	static const char sql[] = "SELECT " PRODUCT_COLS
	    " FROM product WHERE sku = ?";
	sqlite3_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, sku, -1, SQLITE_TRANSIENT);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc != SQLITE_ROW)
		return jf_error(JF_EREFUSED, _("no product \"%s\""), sku);
	return product_read(st, p);
}

int
jf_stock_on_hand(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *qty)
{
	static const char sql[] = "SELECT on_hand FROM stock "
	    "WHERE store = ? AND product_id = ?";
	sqlite3_stmt *st;
	int rc;

	*qty = 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, store ? store : c->store, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, product_id);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc == SQLITE_ROW)
		*qty = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/*
 * The average after receiving qty at cost onto on_hand at avg, half up
 * to the fen.  All terms are non-negative here; the products fit in 128
 * bits whatever the quantities.
 */
static int64_t
new_average(int64_t on_hand, int64_t avg, int64_t qty, int64_t cost)
{
	__int128 num, den;

	if (qty <= 0)
		return avg;
	if (on_hand <= 0)
		return cost;
	num = (__int128)on_hand * avg + (__int128)qty * cost;
	den = (__int128)on_hand + qty;
	return (int64_t)((2 * num + den) / (2 * den));
}

/* The store's row for the product: on hand and average cost. */
static int
stock_row(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *on_hand, int64_t *avg, int *exists)
{
	static const char sql[] = "SELECT on_hand, avg_cost FROM stock "
	    "WHERE store = ? AND product_id = ?";
	sqlite3_stmt *st;
	int rc;

	*on_hand = *avg = 0;
	*exists = 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, product_id);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc == SQLITE_ROW) {
		*on_hand = sqlite3_column_int64(st, 0);
		*avg = sqlite3_column_int64(st, 1);
		*exists = 1;
	}
	sqlite3_reset(st);
	return 0;
}

static int receipts_run;	/* jf_stock_receipts_begin() was called */

int
jf_stock_receipts_begin(struct jf_ctx *c)
{
	int rc;

	/* outside the transactions, so that a batch's commit or a dry
	 * run's rollback keeps the table (not the rows of a rollback) */
	rc = sqlite3_exec(c->db, "CREATE TEMP TABLE IF NOT EXISTS "
	    "receipt_run (move_id INTEGER PRIMARY KEY)", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return jf_dberr(c, rc);
	receipts_run = 1;
	return 0;
}

/* Whether this run booked the move (jf_stock_receipts_begin). */
static int
booked_in_run(struct jf_ctx *c, int64_t move_id, int *yes)
{
	static const char sql[] = "SELECT 1 FROM temp.receipt_run "
	    "WHERE move_id = ?";
	sqlite3_stmt *st;
	int rc;

	*yes = 0;
	if (!receipts_run)
		return 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, move_id);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	*yes = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return 0;
}

/*
 * Refuses a receipt booked already, naming it; 0 when it is new.  A
 * receipt this run booked (a second line of the same SKU on one
 * purchase order in one file: a split delivery) is no duplicate:
 * *merge is then its move, to which the line's quantity is added, when
 * the line has the same unit cost; at another cost it is refused,
 * since one move of the stock book carries one cost.
 */
static int
receipt_new(struct jf_ctx *c, const struct jf_move *m, const char *store,
    int64_t *merge)
{
	static const char sql[] = "SELECT p.sku, m.id, m.cost FROM move m "
	    "JOIN product p ON p.id = m.product_id WHERE m.kind = 'receive' "
	    "AND m.ref = ? AND m.store = ? AND m.product_id = ?";
	char b1[JF_MONEY_BUF], b2[JF_MONEY_BUF];
	sqlite3_stmt *st;
	int64_t id, cost;
	int rc, ours;

	*merge = 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, m->ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, m->product_id);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	id = sqlite3_column_int64(st, 1);
	cost = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 2);
	if ((rc = booked_in_run(c, id, &ours)) != 0) {
		sqlite3_reset(st);
		return rc;
	}
	if (!ours) {
		jf_stock_dup = 1;
		rc = jf_error(JF_EREFUSED, _("receipt \"%s\" of \"%s\" is "
		    "booked already in store \"%s\""), m->ref, jf_col(st, 0),
		    store);
	} else if (cost != m->cost)
		rc = jf_error(JF_EREFUSED, _("receipt \"%s\" of \"%s\" has "
		    "a line at %s in this file: a line at %s needs a ref of "
		    "its own"), m->ref, jf_col(st, 0), jf_money_fmt(cost, b1),
		    jf_money_fmt(m->cost, b2));
	else {
		*merge = id;
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

int
jf_stock_move(struct jf_ctx *c, const struct jf_move *m)
{
	static const char ins_move[] = "INSERT INTO move (at, store, "
	    "product_id, kind, qty, cost, ref, supplier, reason, operator, "
	    "audit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_stock[] = "INSERT INTO stock (store, "
	    "product_id, on_hand, avg_cost) VALUES (?, ?, ?, "
	    "coalesce(?, (SELECT cost FROM product WHERE id = ?), 0))";
	static const char upd_stock[] = "UPDATE stock SET on_hand = ?, "
	    "avg_cost = ? WHERE store = ? AND product_id = ?";
	const char *store = m->store && *m->store ? m->store : c->store;
	const char *at = m->at && *m->at ? m->at : c->now;
	int receipt = strcmp(m->kind, "receive") == 0;
	static const char add_move[] = "UPDATE move SET qty = qty + ? "
	    "WHERE id = ?";
	static const char ins_run[] = "INSERT INTO temp.receipt_run "
	    "(move_id) VALUES (?)";
	int64_t on_hand, avg, sum, merge = 0;
	sqlite3_stmt *st;
	int rc, exists;

	jf_stock_dup = 0;
	if (receipt && m->ref != NULL && *m->ref != '\0' &&
	    (rc = receipt_new(c, m, store, &merge)) != 0)
		return rc;
	if ((rc = stock_row(c, store, m->product_id, &on_hand, &avg,
	    &exists)) != 0)
		return rc;
	if (__builtin_add_overflow(on_hand, m->qty, &sum))
		return jf_error(JF_EREFUSED, _("on hand would be out of range"));

	if (merge != 0) {
		/* the quantity of a move is bounded as a line's is */
		if ((st = jf_stmt(c, add_move)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_int64(st, 1, m->qty);
		sqlite3_bind_int64(st, 2, merge);
		if ((rc = jf_exec(c, st)) != 0)
			return rc;
		goto stock;
	}
	if ((st = jf_stmt(c, ins_move)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, m->product_id);
	sqlite3_bind_text(st, 4, m->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, m->qty);
	if (m->cost >= 0)
		sqlite3_bind_int64(st, 6, m->cost);
	else
		sqlite3_bind_null(st, 6);
	jf_bind_opt(st, 7, m->ref);
	jf_bind_opt(st, 8, m->supplier);
	jf_bind_opt(st, 9, m->reason);
	sqlite3_bind_text(st, 10, c->operator, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 11, c->audit_id);
	if ((rc = jf_exec(c, st)) != 0)
		return rc;
	if (receipts_run && receipt && m->ref != NULL && *m->ref != '\0') {
		if ((st = jf_stmt(c, ins_run)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(c->db));
		if ((rc = jf_exec(c, st)) != 0)
			return rc;
	}
stock:
	if (!exists) {
		if ((st = jf_stmt(c, ins_stock)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_text(st, 1, store, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, m->product_id);
		sqlite3_bind_int64(st, 3, m->qty);
		if (receipt && m->cost >= 0)
			sqlite3_bind_int64(st, 4, m->cost);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_int64(st, 5, m->product_id);
		return jf_exec(c, st);
	}
	if (receipt && m->cost >= 0)
		avg = new_average(on_hand, avg, m->qty, m->cost);
	if ((st = jf_stmt(c, upd_stock)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, sum);
	sqlite3_bind_int64(st, 2, avg);
	sqlite3_bind_text(st, 3, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, m->product_id);
	return jf_exec(c, st);
}

static int
product_get(struct jf_ctx *c, int64_t id, struct jf_product *p)
{
	static const char sql[] = "SELECT " PRODUCT_COLS
	    " FROM product WHERE id = ?";
	sqlite3_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc != SQLITE_ROW)
		return jf_error(JF_EREFUSED, _("no product #%lld"),
		    (long long)id);
	return product_read(st, p);
}

/* The id of the product with this SKU, or 0. */
static int
sku_id(struct jf_ctx *c, const char *sku, int64_t *id)
{
	static const char sql[] = "SELECT id FROM product WHERE sku = ?";
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, sku, -1, SQLITE_TRANSIENT);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
jf_sku_check(const char *sku)
{
	size_t n = strlen(sku);

	if (n == 0)
		return jf_error(JF_EDATA, _("empty SKU"));
	if (n > 64)
		return jf_error(JF_EDATA, _("SKU longer than 64 bytes: \"%s\""),
		    sku);
	for (const unsigned char *s = (const unsigned char *)sku; *s; s++)
		if (*s <= ' ' || *s == 0x7f || strchr(",\":@", *s) != NULL)
			return jf_error(JF_EDATA, _("not a SKU (no spaces, "
			    "',', '\"', ':' or '@'): \"%s\""), sku);
	return 0;
}

int
jf_product_check(const struct jf_product_in *in, const char **col)
{
	int rc;

	*col = NULL;
	if (in->sku != NULL && (rc = jf_sku_check(in->sku)) != 0) {
		*col = "sku";
		return rc;
	}
	if (in->name != NULL && *in->name == '\0') {
		*col = "name";
		return jf_error(JF_EDATA, _("empty name"));
	}
	if (in->price < -1 || in->cost < -1) {
		*col = in->price < -1 ? "price" : "cost";
		return jf_error(JF_EDATA, _("negative amount"));
	}
	if (in->reorder_level < -1 || in->reorder_level > JF_QTY_MAX) {
		*col = "reorder_level";
		return jf_error(JF_EDATA, _("not a quantity of 0 or more"));
	}
	if (in->gift_points < -1) {
		*col = "gift_points";
		return jf_error(JF_EDATA, _("negative points"));
	}
	return 0;
}

int
jf_product_add(struct jf_ctx *c, const struct jf_product_in *in, int64_t *id)
{
	static const char sql[] = "INSERT INTO product (sku, name, category, "
	    "price, cost, reorder_level, no_points, gift_points, audit_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	const char *col;
	int rc;

	if ((rc = jf_product_check(in, &col)) != 0)
		return rc;
	if (in->sku == NULL || in->name == NULL || in->price < 0)
		return jf_error(JF_EDATA, _("a product needs a SKU, a name "
		    "and a price"));
	if ((rc = sku_id(c, in->sku, id)) != 0)
		return rc;
	if (*id != 0)
		return jf_error(JF_EREFUSED, _("product \"%s\" exists already"),
		    in->sku);
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, in->sku, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, in->name, -1, SQLITE_TRANSIENT);
	jf_bind_opt(st, 3, in->category);
	sqlite3_bind_int64(st, 4, in->price);
	sqlite3_bind_int64(st, 5, in->cost >= 0 ? in->cost : 0);
	sqlite3_bind_int64(st, 6, in->reorder_level >= 0 ?
	    in->reorder_level : 0);
	sqlite3_bind_int(st, 7, in->no_points > 0);
	if (in->gift_points > 0)
		sqlite3_bind_int64(st, 8, in->gift_points);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int64(st, 9, c->audit_id);
	if ((rc = jf_exec(c, st)) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
str_differs(const char *given, const char *have)
{
	if (given == NULL)
		return 0;
	if (*given == '\0')
		given = NULL;
	if (given == NULL || have == NULL)
		return given != have;
	return strcmp(given, have) != 0;
}

int
jf_product_update(struct jf_ctx *c, int64_t id,
    const struct jf_product_in *in, int *changed)
{
	static const char sql[] = "UPDATE product SET sku = ?, name = ?, "
	    "category = ?, price = ?, cost = ?, reorder_level = ?, "
	    "no_points = ?, gift_points = ?, audit_id = ? WHERE id = ?";
	struct jf_product p;
	sqlite3_stmt *st;
	const char *col;
	int64_t other;
	int rc;

	*changed = 0;
	if ((rc = jf_product_check(in, &col)) != 0)
		return rc;
	if ((rc = product_get(c, id, &p)) != 0)
		return rc;
	if (in->sku != NULL && strcmp(in->sku, p.sku) != 0) {
		if ((rc = sku_id(c, in->sku, &other)) != 0)
			goto out;
		if (other != 0) {
			rc = jf_error(JF_EREFUSED,
			    _("product \"%s\" exists already"), in->sku);
			goto out;
		}
		*changed = 1;
	}
	if (str_differs(in->name, p.name) ||
	    str_differs(in->category, p.category) ||
	    (in->price >= 0 && in->price != p.price) ||
	    (in->cost >= 0 && in->cost != p.cost) ||
	    (in->reorder_level >= 0 && in->reorder_level != p.reorder_level) ||
	    (in->gift_points >= 0 && in->gift_points != p.gift_points) ||
	    (in->no_points >= 0 && (in->no_points > 0) != p.no_points))
		*changed = 1;
	if (!*changed)
		goto out;
	if ((st = jf_stmt(c, sql)) == NULL) {
		rc = JF_ESOFTWARE;
		goto out;
	}
	sqlite3_bind_text(st, 1, in->sku ? in->sku : p.sku, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, in->name ? in->name : p.name, -1,
	    SQLITE_TRANSIENT);
	jf_bind_opt(st, 3, in->category ? in->category : p.category);
	sqlite3_bind_int64(st, 4, in->price >= 0 ? in->price : p.price);
	sqlite3_bind_int64(st, 5, in->cost >= 0 ? in->cost : p.cost);
	sqlite3_bind_int64(st, 6, in->reorder_level >= 0 ?
	    in->reorder_level : p.reorder_level);
	sqlite3_bind_int(st, 7, in->no_points >= 0 ? in->no_points > 0 :
	    p.no_points);
	if (in->gift_points >= 0 ? in->gift_points > 0 : p.gift_points > 0)
		sqlite3_bind_int64(st, 8, in->gift_points >= 0 ?
		    in->gift_points : p.gift_points);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int64(st, 9, c->audit_id);
	sqlite3_bind_int64(st, 10, id);
	rc = jf_exec(c, st);
out:
	jf_product_clear(&p);
	return rc;
}

int
jf_product_upsert(struct jf_ctx *c, const struct jf_product_in *in,
    int *what, const char **col)
{
	int64_t id;
	int rc, changed;

	*col = NULL;
	if (in->sku == NULL) {
		*col = "sku";
		return jf_error(JF_EDATA, _("empty SKU"));
	}
	if ((rc = jf_product_check(in, col)) != 0)
		return rc;
	if ((rc = sku_id(c, in->sku, &id)) != 0)
		return rc;
	if (id == 0) {
		if (in->name == NULL || in->price < 0) {
			*col = in->name == NULL ? "name" : "price";
			return jf_error(JF_EDATA,
			    _("needed for a new product"));
		}
		*what = JF_PRODUCT_ADDED;
		return jf_product_add(c, in, &id);
	}
	if ((rc = jf_product_update(c, id, in, &changed)) != 0)
		return rc;
	*what = changed ? JF_PRODUCT_UPDATED : JF_PRODUCT_SAME;
	return 0;
}

int
jf_stock_get(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *on_hand, int64_t *avg_cost)
{
	struct jf_product p;
	int rc, exists;

	if ((rc = stock_row(c, store ? store : c->store, product_id, on_hand,
	    avg_cost, &exists)) != 0 || exists)
		return rc;
	if ((rc = product_get(c, product_id, &p)) != 0)
		return rc;
	*avg_cost = p.cost;
	jf_product_clear(&p);
	return 0;
}

int
jf_stock_count(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t counted, int64_t *on_hand, int64_t *diff)
{
	struct jf_move m = { 0 };
	int rc;

	if ((rc = jf_stock_on_hand(c, store, product_id, on_hand)) != 0)
		return rc;
	*diff = counted - *on_hand;
	if (*diff == 0)
		return 0;
	m.product_id = product_id;
	m.kind = "count";
	m.qty = *diff;
	m.cost = -1;
	m.store = store;
	m.reason = "stocktake";
	return jf_stock_move(c, &m);
}

int
jf_stock_each(struct jf_ctx *c, const struct jf_stock_filter *f,
    jf_stock_fn *fn, void *arg)
{
	/*
	 * Every product in every store in question: those with a stock row,
	 * and the one named (or the context's own), so a product never
	 * received shows at 0 rather than not at all.
	 */
	static const char sql[] = "WITH s(store) AS ("
	    "SELECT store FROM stock WHERE ?1 IS NULL "
	    "UNION SELECT coalesce(?1, ?2)) "
	    "SELECT s.store, p.sku, p.name, p.category, "
	    "coalesce(k.on_hand, 0), p.reorder_level, "
	    "coalesce(k.avg_cost, p.cost) "
	    "FROM s CROSS JOIN product p "
	    "LEFT JOIN stock k ON k.store = s.store AND k.product_id = p.id "
	    "WHERE (?3 IS NULL OR p.category = ?3) "
	    "AND ((?4 = 0 AND ?5 = 0) "
	    "OR (?4 AND coalesce(k.on_hand, 0) <= p.reorder_level) "
	    "OR (?5 AND coalesce(k.on_hand, 0) < 0)) "
	    "ORDER BY s.store, p.sku";
	struct jf_stock_row r;
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	jf_bind_opt(st, 1, f->store);
	sqlite3_bind_text(st, 2, c->store, -1, SQLITE_TRANSIENT);
	jf_bind_opt(st, 3, f->category);
	sqlite3_bind_int(st, 4, f->low != 0);
	sqlite3_bind_int(st, 5, f->negative != 0);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		r.store = jf_col(st, 0);
		r.sku = jf_col(st, 1);
		r.name = jf_col(st, 2);
		r.category = jf_col_opt(st, 3);
		r.on_hand = sqlite3_column_int64(st, 4);
		r.reorder_level = sqlite3_column_int64(st, 5);
		r.avg_cost = sqlite3_column_int64(st, 6);
		if (__builtin_mul_overflow(r.on_hand, r.avg_cost, &r.value)) {
			sqlite3_reset(st);
			return jf_error(JF_ESOFTWARE,
			    _("value of \"%s\" in \"%s\" out of range"),
			    r.sku, r.store);
		}
		if ((rc = fn(arg, &r)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

static const char *const kinds[] = { "receive", "sale", "return", "redeem",
	"adjust", "count", NULL };

int
jf_move_kind_valid(const char *kind)
{
	for (int i = 0; kinds[i] != NULL; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

int
jf_move_each(struct jf_ctx *c, const struct jf_move_filter *f,
    jf_move_fn *fn, void *arg)
{
	static const char sql[] = "SELECT m.at, m.store, p.sku, m.kind, "
	    "m.qty, coalesce(m.cost, -1), m.ref, m.supplier, m.reason, "
	    "m.operator FROM move m JOIN product p ON p.id = m.product_id "
	    "WHERE (?1 IS NULL OR m.store = ?1) AND (?2 IS NULL OR p.sku = ?2) "
	    "AND (?3 IS NULL OR m.kind = ?3) AND (?4 IS NULL OR m.at >= ?4) "
	    "AND (?5 IS NULL OR m.at <= ?5) ORDER BY m.at, m.id";
	struct jf_move_row r;
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	jf_bind_opt(st, 1, f->store);
	jf_bind_opt(st, 2, f->sku);
	jf_bind_opt(st, 3, f->kind);
	jf_bind_opt(st, 4, f->since);
	jf_bind_opt(st, 5, f->until);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		r.at = jf_col(st, 0);
		r.store = jf_col(st, 1);
		r.sku = jf_col(st, 2);
		r.kind = jf_col(st, 3);
		r.qty = sqlite3_column_int64(st, 4);
		r.cost = sqlite3_column_int64(st, 5);
		r.ref = jf_col_opt(st, 6);
		r.supplier = jf_col_opt(st, 7);
		r.reason = jf_col_opt(st, 8);
		r.operator = jf_col(st, 9);
		if ((rc = fn(arg, &r)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}
