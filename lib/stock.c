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
#include "jtime.h"
#include "money.h"
#include "stock.h"


void
jf_product_clear(struct jf_product *p)
{
	if (p == NULL)
		return;
	free(p->sku);
	free(p->name);
	free(p->category);
	free(p->gift_from);
	free(p->gift_to);
	memset(p, 0, sizeof(*p));
}

static char *
dup_col(const struct jf_rows *r, int i)
{
	const char *s = jf_r_opt(r, i);

	return s ? strdup(s) : NULL;
}

/* The product columns every reader selects, in struct order. */
#define PRODUCT_COLS "id, sku, name, category, price, cost, reorder_level, " \
	"no_points, coalesce(gift_points, 0), coalesce(gift_limit, 0), " \
	"gift_from, gift_to"

static int
product_read(const struct jf_rows *r, struct jf_product *p)
{
	p->id = jf_r_int(r, 0);
	p->sku = dup_col(r, 1);
	p->name = dup_col(r, 2);
	p->category = dup_col(r, 3);
	p->price = jf_r_int(r, 4);
	p->cost = jf_r_int(r, 5);
	p->reorder_level = jf_r_int(r, 6);
	p->no_points = (int)jf_r_int(r, 7);
	p->gift_points = jf_r_int(r, 8);
	p->gift_limit = jf_r_int(r, 9);
	p->gift_from = dup_col(r, 10);
	p->gift_to = dup_col(r, 11);
	if (p->sku == NULL || p->name == NULL ||
	    (jf_r_opt(r, 10) != NULL && p->gift_from == NULL) ||
	    (jf_r_opt(r, 11) != NULL && p->gift_to == NULL)) {
		jf_product_clear(p);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return 0;
}

/* The product of the open query's first row into *p; *found says if any. */
static int
product_first(struct jf_rows *r, struct jf_product *p, int *found)
{
	int rc = 0;

	memset(p, 0, sizeof(*p));
	if ((*found = jf_q_next(r)))
		rc = product_read(r, p);
	if (jf_q_close(r) != 0) {
		jf_product_clear(p);
		return r->rc;
	}
	return rc;
}

int
jf_product_find(struct jf_ctx *c, const char *sku, struct jf_product *p)
{
	static const char sql[] = "SELECT " PRODUCT_COLS
	    " FROM product WHERE sku = ?";
	struct jf_rows r;
	int rc, found;

	jf_q_open(c, &r, sql, "t", sku);
	if ((rc = product_first(&r, p, &found)) != 0)
		return rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no product \"%s\""), sku);
	return 0;
}

int
jf_stock_on_hand(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *qty)
{
	static const char sql[] = "SELECT on_hand FROM stock "
	    "WHERE store = ? AND product_id = ?";
	int rc;

	*qty = 0;
	rc = jf_q_int(c, sql, qty, "ti", store ? store : c->store, product_id);
	return rc == JF_ENOROW ? 0 : rc;
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

/*
 * The average after qty (> 0) taken back at cost from on_hand at avg (a
 * counter-receipt): what is left at what it is left worth, half up; the
 * average as it was when nothing is left, 0 when nothing is worth.
 */
static int64_t
old_average(int64_t on_hand, int64_t avg, int64_t qty, int64_t cost)
{
	__int128 num, den;

	if (on_hand - qty <= 0)
		return avg;
	num = (__int128)on_hand * avg - (__int128)qty * cost;
	den = (__int128)on_hand - qty;
	if (num <= 0)
		return 0;
	return (int64_t)((2 * num + den) / (2 * den));
}

/*
 * The stock rows a transaction read or wrote, kept for it (it holds the
 * write lock, and stock_set() is the one writer of the table): a sale's
 * lines read each product's row once a batch, which on PostgreSQL is a
 * round trip.  An entry is good while its gen is the book's tx_gen,
 * which a new transaction or a rollback moves on (db.c).
 */
struct stock_kept {
	const struct jf_ctx *c;
	unsigned gen;
	int exists;
	int64_t product_id, on_hand, avg;
	char store[64];
};
static struct stock_kept kept[1024];

static struct stock_kept *
stock_kept(const char *store, int64_t product_id)
{
	size_t h = (size_t)product_id * 2654435761u;

	for (const char *p = store; *p; p++)
		h = h * 31 + (unsigned char)*p;
	return &kept[h % (sizeof(kept) / sizeof(kept[0]))];
}

static void
stock_keep(struct jf_ctx *c, const char *store, int64_t product_id,
    int exists, int64_t on_hand, int64_t avg)
{
	struct stock_kept *k = stock_kept(store, product_id);

	if (!c->in_tx || strlen(store) >= sizeof(k->store))
		return;
	k->c = c;
	k->gen = c->tx_gen;
	k->exists = exists;
	k->product_id = product_id;
	k->on_hand = on_hand;
	k->avg = avg;
	strcpy(k->store, store);
}

/* The store's row for the product: on hand and average cost. */
static int
stock_row(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *on_hand, int64_t *avg, int *exists)
{
	static const char sql[] = "SELECT on_hand, avg_cost FROM stock "
	    "WHERE store = ? AND product_id = ?";
	struct stock_kept *k = stock_kept(store, product_id);
	struct jf_rows r;
	int rc;

	if (c->in_tx && k->c == c && k->gen == c->tx_gen &&
	    k->product_id == product_id && strcmp(k->store, store) == 0) {
		*exists = k->exists;
		*on_hand = k->on_hand;
		*avg = k->avg;
		return 0;
	}
	*on_hand = *avg = 0;
	jf_q_open(c, &r, sql, "ti", store, product_id);
	if ((*exists = jf_q_next(&r))) {
		*on_hand = jf_r_int(&r, 0);
		*avg = jf_r_int(&r, 1);
	}
	if ((rc = jf_q_close(&r)) == 0)
		stock_keep(c, store, product_id, *exists, *on_hand, *avg);
	return rc;
}

static int receipts_run;	/* jf_stock_receipts_begin() was called */

int
jf_stock_receipts_begin(struct jf_ctx *c)
{
	static const char sql[] = "CREATE TEMP TABLE IF NOT EXISTS "
	    "receipt_run (move_id BIGINT PRIMARY KEY)";
	int rc;

	/* outside the transactions, so that a batch's commit or a dry
	 * run's rollback keeps the table (not the rows of a rollback) */
	if ((rc = jf_q_exec(c, sql, "")) != 0)
		return rc;
	receipts_run = 1;
	return 0;
}

/* Whether this run booked the move (jf_stock_receipts_begin). */
static int
booked_in_run(struct jf_ctx *c, int64_t move_id, int *yes)
{
	static const char sql[] = "SELECT 1 FROM receipt_run "
	    "WHERE move_id = ?";
	int64_t one;
	int rc;

	*yes = 0;
	if (!receipts_run)
		return 0;
	if ((rc = jf_q_int(c, sql, &one, "i", move_id)) == JF_ENOROW)
		return 0;
	*yes = rc == 0;
	return rc;
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
	static const char sql[] = "SELECT p.sku, m.id, coalesce(m.cost, -1) "
	    "FROM move m JOIN product p ON p.id = m.product_id "
	    "WHERE m.kind = 'receive' AND m.ref = ? AND m.store = ? "
	    "AND m.product_id = ?";
	char b1[JF_MONEY_BUF], b2[JF_MONEY_BUF];
	struct jf_rows r;
	int64_t id, cost;
	int rc, ours;

	*merge = 0;
	jf_q_open(c, &r, sql, "tti", m->ref, store, m->product_id);
	if (!jf_q_next(&r))
		return jf_q_close(&r);
	id = jf_r_int(&r, 1);
	cost = jf_r_int(&r, 2);
	if ((rc = booked_in_run(c, id, &ours)) == 0 && !ours) {
		rc = jf_error(JF_EDUP, _("receipt \"%s\" of \"%s\" is "
		    "booked already in store \"%s\""), m->ref,
		    jf_r_text(&r, 0), store);
	} else if (rc == 0 && cost != m->cost)
		rc = jf_error(JF_EREFUSED, _("receipt \"%s\" of \"%s\" has "
		    "a line at %s in this file: a line at %s needs a ref of "
		    "its own"), m->ref, jf_r_text(&r, 0),
		    jf_money_fmt(cost, b1), jf_money_fmt(m->cost, b2));
	else if (rc == 0)
		*merge = id;
	jf_q_close(&r);
	return rc;
}

/*
 * Books the move's row, with its unit cost and the value it adds to the
 * stock at cost; in a run of receipts, as one of this run's.
 */
static int
move_insert(struct jf_ctx *c, const struct jf_move *m, const char *store,
    int receipt, int64_t unit, int64_t value)
{
	static const char ins_move[] = "INSERT INTO move (at, store, "
	    "product_id, kind, qty, cost, ref, supplier, reason, operator, "
	    "audit_id, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_run[] = "INSERT INTO receipt_run "
	    "(move_id) VALUES (?)";
	const char *at = m->at && *m->at ? m->at : c->now;
	int rc;

	if ((rc = jf_q_exec(c, ins_move, "ttitiiTTTtii", at, store,
	    m->product_id, m->kind, m->qty, unit, m->ref, m->supplier,
	    m->reason, c->operator, (int64_t)c->audit_id, value)) != 0)
		return rc;
	if (!receipts_run || !receipt || m->ref == NULL || *m->ref == '\0')
		return 0;
	return jf_q_exec(c, ins_run, "i", jf_last_id(c));
}

/* The store's row for the product set to on_hand at avg. */
static int
stock_set(struct jf_ctx *c, const char *store, int64_t product_id,
    int exists, int64_t on_hand, int64_t avg)
{
	static const char ins_stock[] = "INSERT INTO stock (store, "
	    "product_id, on_hand, avg_cost) VALUES (?, ?, ?, ?)";
	static const char upd_stock[] = "UPDATE stock SET on_hand = ?, "
	    "avg_cost = ? WHERE store = ? AND product_id = ?";

	int rc;

	if (!exists)
		rc = jf_q_exec(c, ins_stock, "tiii", store, product_id,
		    on_hand, avg);
	else
		rc = jf_q_exec(c, upd_stock, "iiti", on_hand, avg, store,
		    product_id);
	if (rc == 0)
		stock_keep(c, store, product_id, 1, on_hand, avg);
	return rc;
}

/*
 * The stock's value at cost is on hand x average cost, and each move
 * books what it changed: so the moves of a period add up, to the fen,
 * to the closing value less the opening (report audit checks it).
 * Goods that come in at a cost (a receipt; a return, at the cost they
 * left with) move the average; every other move goes at the average.
 * A store's first row starts at the product's list cost.
 */
int
jf_stock_move_cost(struct jf_ctx *c, const struct jf_move *m, int64_t *unit)
{
	static const char add_move[] = "UPDATE move SET qty = qty + ?, "
	    "value = value + ? WHERE id = ?";
	const char *store = m->store && *m->store ? m->store : c->store;
	int receipt = strcmp(m->kind, "receive") == 0;
	int costed = m->qty > 0 && m->cost >= 0 &&
	    (receipt || strcmp(m->kind, "return") == 0);
	int64_t on_hand, avg, sum, after, u, merge = 0;
	__int128 value;
	int rc, exists;

	if (receipt && m->ref != NULL && *m->ref != '\0' &&
	    (rc = receipt_new(c, m, store, &merge)) != 0)
		return rc;
	if ((rc = stock_row(c, store, m->product_id, &on_hand, &avg,
	    &exists)) != 0)
		return rc;
	if (!exists && (rc = jf_q_int(c, "SELECT cost FROM product "
	    "WHERE id = ?", &avg, "i", m->product_id)) != 0)
		return rc == JF_ENOROW ? jf_error(JF_EREFUSED,
		    _("no product #%lld"), (long long)m->product_id) : rc;
	if (__builtin_add_overflow(on_hand, m->qty, &sum))
		return jf_error(JF_EREFUSED,
		    _("on hand would be out of range"));
	if (costed)
		after = new_average(on_hand, avg, m->qty, m->cost);
	else if (receipt && m->qty < 0 && m->cost >= 0)	/* taken back */
		after = old_average(on_hand, avg, -m->qty, m->cost);
	else
		after = avg;
	value = (__int128)sum * after - (__int128)on_hand * avg;
	if (value > INT64_MAX / 4 || value < -(INT64_MAX / 4))
		return jf_error(JF_EREFUSED, _("stock value would be out of "
		    "range"));
	u = m->cost >= 0 ? m->cost : avg;
	if (unit != NULL)
		*unit = u;
	/* the quantity of a move is bounded as a line's is */
	if (merge != 0)
		rc = jf_q_exec(c, add_move, "iii", m->qty, (int64_t)value,
		    merge);
	else
		rc = move_insert(c, m, store, receipt, u, (int64_t)value);
	if (rc != 0)
		return rc;
	return stock_set(c, store, m->product_id, exists, sum, after);
}

int
jf_stock_move(struct jf_ctx *c, const struct jf_move *m)
{
	return jf_stock_move_cost(c, m, NULL);
}

/* One move of the replay: its unit cost and value into revalue. */
static int
replay_one(struct jf_ctx *c, const struct jf_rows *r)
{
	static const char get[] = "SELECT on_hand, avg FROM replay "
	    "WHERE store = ? AND product_id = ?";
	static const char put[] = "INSERT INTO replay VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (store, product_id) DO UPDATE SET "
	    "on_hand = excluded.on_hand, avg = excluded.avg, "
	    "last = excluded.last";
	static const char val[] = "INSERT INTO revalue VALUES (?, ?, ?)";
	int64_t id = jf_r_int(r, 0), pid = jf_r_int(r, 2), qty = jf_r_int(r, 4);
	int64_t cost = jf_r_int(r, 5), on_hand = 0, avg = jf_r_int(r, 6);
	const char *store = jf_r_text(r, 1), *kind = jf_r_text(r, 3);
	int costed = qty > 0 && cost >= 0 && (strcmp(kind, "receive") == 0 ||
	    strcmp(kind, "return") == 0);
	struct jf_rows q;
	int64_t after;
	int rc;

	jf_q_open(c, &q, get, "ti", store, pid);
	if (jf_q_next(&q)) {
		on_hand = jf_r_int(&q, 0);
		avg = jf_r_int(&q, 1);
	}
	if ((rc = jf_q_close(&q)) != 0)
		return rc;
	after = costed ? new_average(on_hand, avg, qty, cost) : avg;
	if ((rc = jf_q_exec(c, val, "iii", id, cost >= 0 ? cost : avg,
	    (int64_t)((__int128)(on_hand + qty) * after -
	    (__int128)on_hand * avg))) != 0)
		return rc;
	return jf_q_exec(c, put, "tiiii", store, pid, on_hand + qty, after, id);
}

int
jf_stock_replay(struct jf_ctx *c)
{
	/* unqualified: a temporary table is found first on either engine,
	 * and PostgreSQL has no schema "temp"; BIGINT, for 64 bits there */
	static const char *const tables[] = {
		"DROP TABLE IF EXISTS replay",
		"DROP TABLE IF EXISTS revalue",
		"CREATE TEMP TABLE replay (store TEXT, product_id BIGINT, "
		"on_hand BIGINT, avg BIGINT, last BIGINT, "
		"PRIMARY KEY (store, product_id))",
		"CREATE TEMP TABLE revalue (id BIGINT PRIMARY KEY, "
		"cost BIGINT, value BIGINT)", NULL
	};
	static const char moves[] = "SELECT m.id, m.store, m.product_id, "
	    "m.kind, m.qty, coalesce(m.cost, -1), p.cost FROM move m "
	    "JOIN product p ON p.id = m.product_id ORDER BY m.id";
	/* a replay that ends off the row's average: the difference on the
	 * row's last move, so that the values add up to what the book has */
	static const char settle[] = "UPDATE revalue SET value = value + "
	    "(SELECT s.on_hand * s.avg_cost - r.on_hand * r.avg "
	    "FROM replay r JOIN stock s ON s.store = r.store "
	    "AND s.product_id = r.product_id WHERE r.last = revalue.id) "
	    "WHERE id IN (SELECT last FROM replay)";
	static const char apply[] = "UPDATE move SET cost = v.cost, "
	    "value = v.value FROM revalue v WHERE v.id = move.id";
	struct jf_rows r;
	int rc = 0;

	for (int i = 0; rc == 0 && tables[i] != NULL; i++)
		rc = jf_q_exec(c, tables[i], "");
	if (rc != 0)
		return rc;
	jf_q_open(c, &r, moves, "");
	while (rc == 0 && jf_q_next(&r))
		rc = replay_one(c, &r);
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (rc != 0 || (rc = jf_q_exec(c, settle, "")) != 0 ||
	    (rc = jf_q_exec(c, apply, "")) != 0)
		return rc;
	if ((rc = jf_q_exec(c, tables[0], "")) != 0)
		return rc;
	return jf_q_exec(c, tables[1], "");
}

static int
product_get(struct jf_ctx *c, int64_t id, struct jf_product *p)
{
	static const char sql[] = "SELECT " PRODUCT_COLS
	    " FROM product WHERE id = ?";
	struct jf_rows r;
	int rc, found;

	jf_q_open(c, &r, sql, "i", id);
	if ((rc = product_first(&r, p, &found)) != 0)
		return rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no product #%lld"),
		    (long long)id);
	return 0;
}

/* The id of the product with this SKU, or 0. */
static int
sku_id(struct jf_ctx *c, const char *sku, int64_t *id)
{
	static const char sql[] = "SELECT id FROM product WHERE sku = ?";
	int rc;

	*id = 0;
	rc = jf_q_int(c, sql, id, "t", sku);
	return rc == JF_ENOROW ? 0 : rc;
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

/* 0 for a day jf_date_parse() reads, NULL or "": else 1 (message set). */
static int
day_check(const char *s)
{
	char d[JF_DATE_LEN];

	return s == NULL || *s == '\0' || jf_date_parse(s, d) == 0 ? 0 : 1;
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
	if (in->gift_limit < -1 || in->gift_limit > JF_QTY_MAX) {
		*col = "gift_limit";
		return jf_error(JF_EDATA, _("not a quantity of 0 or more"));
	}
	if (day_check(in->gift_from) != 0 || day_check(in->gift_to) != 0) {
		*col = day_check(in->gift_from) != 0 ? "gift_from" : "gift_to";
		return JF_EDATA;
	}
	return 0;
}

/* A gift's terms as they will be: limit 0 none, days "" open. */
struct terms {
	int64_t limit;
	char from[JF_DATE_LEN], to[JF_DATE_LEN];
};

/* The day given (NULL: have's, "": none) into out, "" for none. */
static void
term_day(const char *given, const char *have, char *out)
{
	if (given == NULL)
		snprintf(out, JF_DATE_LEN, "%s", have ? have : "");
	else if (*given == '\0' || jf_date_parse(given, out) == -1)
		*out = '\0';
}

/*
 * The terms of p (NULL: a new product) after in, into t; *changed set
 * when they differ from p's.  JF_EDATA for a window that ends before it
 * starts.
 */
static int
gift_terms(const struct jf_product_in *in, const struct jf_product *p,
    struct terms *t, int *changed)
{
	static const struct jf_product none;

	if (p == NULL)
		p = &none;
	t->limit = in->gift_limit >= 0 ? in->gift_limit : p->gift_limit;
	term_day(in->gift_from, p->gift_from, t->from);
	term_day(in->gift_to, p->gift_to, t->to);
	if (*t->from && *t->to && strcmp(t->from, t->to) > 0)
		return jf_error(JF_EDATA, _("the gift's window would end "
		    "(%s) before it starts (%s)"), t->to, t->from);
	if (t->limit != p->gift_limit ||
	    strcmp(t->from, p->gift_from ? p->gift_from : "") != 0 ||
	    strcmp(t->to, p->gift_to ? p->gift_to : "") != 0)
		*changed = 1;
	return 0;
}

int
jf_product_add(struct jf_ctx *c, const struct jf_product_in *in, int64_t *id)
{
	static const char sql[] = "INSERT INTO product (sku, name, category, "
	    "price, cost, reorder_level, no_points, gift_points, audit_id, "
	    "gift_limit, gift_from, gift_to) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct terms t;
	const char *col;
	int rc, changed;

	if ((rc = jf_product_check(in, &col)) != 0 ||
	    (rc = gift_terms(in, NULL, &t, &changed)) != 0)
		return rc;
	if (in->sku == NULL || in->name == NULL || in->price < 0)
		return jf_error(JF_EDATA, _("a product needs a SKU, a name "
		    "and a price"));
	if ((rc = sku_id(c, in->sku, id)) != 0)
		return rc;
	if (*id != 0)
		return jf_error(JF_EREFUSED, _("product \"%s\" exists already"),
		    in->sku);
	if ((rc = jf_q_exec(c, sql, "ttTiiiininTT", in->sku, in->name,
	    in->category, in->price, in->cost >= 0 ? in->cost : 0,
	    in->reorder_level >= 0 ? in->reorder_level : 0,
	    (int64_t)(in->no_points > 0),
	    in->gift_points > 0 ? in->gift_points : 0,
	    (int64_t)c->audit_id, t.limit, t.from, t.to)) != 0)
		return rc;
	*id = jf_last_id(c);
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
	    "no_points = ?, gift_points = ?, audit_id = ?, gift_limit = ?, "
	    "gift_from = ?, gift_to = ? WHERE id = ?";
	struct jf_product p;
	struct terms t;
	const char *col;
	int64_t other, gift;
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
	if ((rc = gift_terms(in, &p, &t, changed)) != 0 || !*changed)
		goto out;
	gift = in->gift_points >= 0 ? in->gift_points : p.gift_points;
	rc = jf_q_exec(c, sql, "ttTiiiininTTi", in->sku ? in->sku : p.sku,
	    in->name ? in->name : p.name,
	    in->category ? in->category : p.category,
	    in->price >= 0 ? in->price : p.price,
	    in->cost >= 0 ? in->cost : p.cost,
	    in->reorder_level >= 0 ? in->reorder_level : p.reorder_level,
	    (int64_t)(in->no_points >= 0 ? in->no_points > 0 : p.no_points),
	    gift > 0 ? gift : 0, (int64_t)c->audit_id, t.limit, t.from, t.to,
	    id);
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
jf_stock_book(struct jf_ctx *c, const char *sku, struct jf_move *m)
{
	struct jf_product p;
	int rc;

	if (strcmp(m->kind, "adjust") == 0 &&
	    (rc = jf_need_role(c, JF_ROLE_MANAGER, _("stock adjust"))) != 0)
		return rc;
	if ((rc = jf_product_find(c, sku, &p)) != 0)
		return rc;
	m->product_id = p.id;
	jf_product_clear(&p);
	return jf_stock_move(c, m);
}

/*
 * The products a stocktake has counted so far, so that a SKU counted on
 * two shelves (two rows) is booked as the sum of its rows: an
 * open-addressed set of product ids (never 0).
 */
struct jf_stocktake {
	struct jf_ctx *c;
	int64_t *v;
	size_t n, cap;
};

/* Adds id: 1 if it was there already, 0, or -1 when memory ran out. */
static int
counted_before(struct jf_stocktake *t, int64_t id)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct jf_stocktake u = { t->c, NULL, 0,
			t->cap ? 2 * t->cap : 1024 };

		if ((u.v = calloc(u.cap, sizeof(*u.v))) == NULL)
			return -1;
		for (i = 0; i < t->cap; i++)
			if (t->v[i] != 0)
				counted_before(&u, t->v[i]);
		free(t->v);
		*t = u;
	}
	for (i = (size_t)id * 2654435761u % t->cap; t->v[i] != 0;
	    i = (i + 1) % t->cap)
		if (t->v[i] == id)
			return 1;
	t->v[i] = id;
	t->n++;
	return 0;
}

int
jf_stocktake_new(struct jf_ctx *c, struct jf_stocktake **tp)
{
	int rc;

	*tp = NULL;
	if ((rc = jf_need_role(c, JF_ROLE_MANAGER, _("stock count"))) != 0)
		return rc;
	if ((*tp = calloc(1, sizeof(**tp))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	(*tp)->c = c;
	return 0;
}

int
jf_stocktake_count(struct jf_stocktake *t, int64_t product_id,
    int64_t *counted, int64_t *on_hand, int64_t *diff)
{
	int again, rc;

	if ((again = counted_before(t, product_id)) == -1)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if (again) {
		/* on a second shelf: what is on hand now is the first's */
		if ((rc = jf_stock_on_hand(t->c, NULL, product_id,
		    on_hand)) != 0)
			return rc;
		*counted += *on_hand;
	}
	return jf_stock_count(t->c, NULL, product_id, *counted, on_hand,
	    diff);
}

void
jf_stocktake_free(struct jf_stocktake *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

/* The columns of a stock row both queries below select, in this order. */
#define STOCK_COLS "s.store, p.sku, p.name, p.category, " \
	"coalesce(k.on_hand, 0), p.reorder_level, " \
	"coalesce(k.avg_cost, p.cost), p.price, p.cost, p.no_points, " \
	"coalesce(p.gift_points, 0)"

/* A stock row from r's STOCK_COLS into s; 0, or a value out of range. */
static int
stock_row_read(const struct jf_rows *r, struct jf_stock_row *s)
{
	memset(s, 0, sizeof(*s));
	s->store = jf_r_text(r, 0);
	s->sku = jf_r_text(r, 1);
	s->name = jf_r_text(r, 2);
	s->category = jf_r_opt(r, 3);
	s->on_hand = jf_r_int(r, 4);
	s->reorder_level = jf_r_int(r, 5);
	s->avg_cost = jf_r_int(r, 6);
	s->price = jf_r_int(r, 7);
	s->cost = jf_r_int(r, 8);
	s->no_points = jf_r_int(r, 9) != 0;
	s->gift_points = jf_r_int(r, 10);
	if (__builtin_mul_overflow(s->on_hand, s->avg_cost, &s->value))
		return jf_error(JF_ESOFTWARE,
		    _("value of \"%s\" in \"%s\" out of range"),
		    s->sku, s->store);
	return 0;
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
	    "SELECT store FROM stock WHERE CAST(?1 AS TEXT) IS NULL "
	    "UNION SELECT coalesce(CAST(?1 AS TEXT), ?2)) "
	    "SELECT " STOCK_COLS " "
	    "FROM s CROSS JOIN product p "
	    "LEFT JOIN stock k ON k.store = s.store AND k.product_id = p.id "
	    "WHERE (CAST(?3 AS TEXT) IS NULL OR p.category = ?3) "
	    "AND ((?4 = 0 AND ?5 = 0) "
	    "OR (?4 <> 0 AND coalesce(k.on_hand, 0) <= p.reorder_level) "
	    "OR (?5 <> 0 AND coalesce(k.on_hand, 0) < 0)) "
	    "ORDER BY s.store, p.sku";
	struct jf_stock_row s;
	struct jf_rows r;
	int rc = 0;

	jf_q_open(c, &r, sql, "TtTii", f->store, c->store, f->category,
	    (int64_t)(f->low != 0), (int64_t)(f->negative != 0));
	while (rc == 0 && jf_q_next(&r))
		if ((rc = stock_row_read(&r, &s)) == 0)
			rc = fn(arg, &s);
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}

int
jf_stock_card(struct jf_ctx *c, const char *sku, jf_stock_fn *fn, void *arg)
{
	/* goods out, as report stock's last_sale: sold or given as gifts */
	static const char sql[] = "WITH s(store) AS (SELECT CAST(?2 AS TEXT)) "
	    "SELECT " STOCK_COLS ", "
	    "(SELECT max(m.at) FROM move m WHERE m.product_id = p.id "
	    "AND m.store = s.store AND m.kind = 'receive'), "
	    "(SELECT max(m.at) FROM move m WHERE m.product_id = p.id "
	    "AND m.store = s.store AND m.kind IN ('sale', 'redeem')), "
	    "coalesce(p.gift_limit, 0), p.gift_from, p.gift_to "
	    "FROM s CROSS JOIN product p "
	    "LEFT JOIN stock k ON k.store = s.store AND k.product_id = p.id "
	    "WHERE p.sku = ?1";
	struct jf_stock_row s;
	struct jf_rows r;
	int rc = 0, found;

	jf_q_open(c, &r, sql, "tt", sku, c->store);
	if ((found = jf_q_next(&r)) && (rc = stock_row_read(&r, &s)) == 0) {
		s.last_received = jf_r_opt(&r, 11);
		s.last_sale = jf_r_opt(&r, 12);
		s.gift_limit = jf_r_int(&r, 13);
		s.gift_from = jf_r_opt(&r, 14);
		s.gift_to = jf_r_opt(&r, 15);
		rc = fn(arg, &s);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no product \"%s\""), sku);
	return rc;
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
	    "WHERE (CAST(?1 AS TEXT) IS NULL OR m.store = ?1) "
	    "AND (CAST(?2 AS TEXT) IS NULL OR p.sku = ?2) "
	    "AND (CAST(?3 AS TEXT) IS NULL OR m.kind = ?3) "
	    "AND (CAST(?4 AS TEXT) IS NULL OR m.at >= ?4) "
	    "AND (CAST(?5 AS TEXT) IS NULL OR m.at <= ?5) ORDER BY m.at, m.id";
	struct jf_move_row m;
	struct jf_rows r;
	int rc = 0;

	jf_q_open(c, &r, sql, "TTTTT", f->store, f->sku, f->kind, f->since,
	    f->until);
	while (rc == 0 && jf_q_next(&r)) {
		m.at = jf_r_text(&r, 0);
		m.store = jf_r_text(&r, 1);
		m.sku = jf_r_text(&r, 2);
		m.kind = jf_r_text(&r, 3);
		m.qty = jf_r_int(&r, 4);
		m.cost = jf_r_int(&r, 5);
		m.ref = jf_r_opt(&r, 6);
		m.supplier = jf_r_opt(&r, 7);
		m.reason = jf_r_opt(&r, 8);
		m.operator = jf_r_text(&r, 9);
		rc = fn(arg, &m);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}
