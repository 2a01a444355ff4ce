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

int
jf_product_find(struct jf_ctx *c, const char *sku, struct jf_product *p)
{
	static const char sql[] = "SELECT id, sku, name, category, price, "
	    "cost, reorder_level, no_points, coalesce(gift_points, 0) "
	    "FROM product WHERE sku = ?";
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

	if (on_hand <= 0 || qty <= 0 || on_hand + qty <= 0)
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

/* Refuses a receipt booked already, naming it; 0 when it is new. */
static int
receipt_new(struct jf_ctx *c, const struct jf_move *m, const char *store)
{
	static const char sql[] = "SELECT p.sku FROM move m JOIN product p "
	    "ON p.id = m.product_id WHERE m.kind = 'receive' AND m.ref = ? "
	    "AND m.store = ? AND m.product_id = ?";
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, m->ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, m->product_id);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc == SQLITE_ROW) {
		jf_stock_dup = 1;
		rc = jf_error(JF_EREFUSED, _("receipt \"%s\" of \"%s\" is "
		    "booked already in store \"%s\""), m->ref, jf_col(st, 0),
		    store);
	} else
		rc = 0;
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
	int64_t on_hand, avg;
	sqlite3_stmt *st;
	int rc, exists;

	jf_stock_dup = 0;
	if (receipt && m->ref != NULL && *m->ref != '\0' &&
	    (rc = receipt_new(c, m, store)) != 0)
		return rc;
	if ((rc = stock_row(c, store, m->product_id, &on_hand, &avg,
	    &exists)) != 0)
		return rc;

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
	sqlite3_bind_int64(st, 1, on_hand + m->qty);
	sqlite3_bind_int64(st, 2, avg);
	sqlite3_bind_text(st, 3, store, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, m->product_id);
	return jf_exec(c, st);
}
