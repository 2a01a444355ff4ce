/*
 * stockbook.c - the purchase side of the stock book (进): the suppliers
 * goods came from, and a receipt of goods corrected.
 *
 * A receipt booked is never edited: a wrong one is reversed whole by a
 * counter-receipt, receive moves of the opposite quantities at the same
 * unit costs under a ref of its own (the goods leave at the cost they
 * came in at), and the right one is booked again.  Both stay in the
 * book, so `stock moves` and `report purchases` show what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "output.h"
#include "stock.h"

#define REVERSE_MAX 1000	/* lines of one receipt taken back */

static const char *const supplier_cols[] = {
	NC_("column", "supplier"), NC_("column", "receipts"),
	NC_("column", "qty"), NC_("column", "cost"), NC_("column", "last_at"),
	NC_("column", "last_ref"), NULL
};

static const char *const reverse_cols[] = {
	NC_("column", "at"), NC_("column", "store"), NC_("column", "sku"),
	NC_("column", "kind"), NC_("column", "qty"), NC_("column", "cost"),
	NC_("column", "ref"), NC_("column", "on_hand"),
	NC_("column", "avg_cost"), NULL
};

int
jf_stock_write_suppliers(struct jf_ctx *c, FILE *fp, int fmt)
{
	/* the last receipt: the ref of the supplier's latest receive */
	static const char sql[] = "SELECT m.supplier, "
	    "count(DISTINCT coalesce(m.ref, '#' || m.id)), sum(m.qty), "
	    "sum(m.qty * coalesce(m.cost, 0)), max(m.at), "
	    "(SELECT x.ref FROM move x WHERE x.kind = 'receive' "
	    "AND x.supplier = m.supplier "
	    "AND (CAST(?1 AS TEXT) IS NULL OR x.store = ?1) "
	    "ORDER BY x.at DESC, x.id DESC LIMIT 1) "
	    "FROM move m WHERE m.kind = 'receive' AND m.supplier IS NOT NULL "
	    "AND (CAST(?1 AS TEXT) IS NULL OR m.store = ?1) "
	    "GROUP BY m.supplier ORDER BY m.supplier";
	struct jf_out *out = jf_out_new(fmt, fp, supplier_cols);
	struct jf_rows r;
	int rc;

	jf_q_open(c, &r, sql, "T", jf_store_filter(c));
	while (jf_q_next(&r)) {
		jf_out_str(out, jf_r_text(&r, 0));
		jf_out_int(out, jf_r_int(&r, 1));
		jf_out_int(out, jf_r_int(&r, 2));
		jf_out_money(out, jf_r_int(&r, 3));
		jf_out_str(out, jf_r_text(&r, 4));
		jf_out_str(out, jf_r_opt(&r, 5));
		jf_out_end(out);
	}
	rc = jf_q_close(&r);
	return jf_out_done(out, rc);
}

/* The lines of receipt ref in the store, each SKU at each cost, summed. */
struct rline {
	int64_t product_id, qty, cost;
	char *sku, *supplier;
};

static int
load(struct jf_ctx *c, const char *ref, struct rline *l, int *n)
{
	static const char sql[] = "SELECT m.product_id, sum(m.qty), "
	    "coalesce(m.cost, -1), p.sku, m.supplier, "
	    "sum(CASE WHEN m.reason = 'reverses ' || CAST(?1 AS TEXT) "
	    "THEN 1 ELSE 0 END) "
	    "FROM move m JOIN product p ON p.id = m.product_id "
	    "WHERE m.kind = 'receive' AND m.store = ?2 AND (m.ref = ?1 OR "
	    "m.reason = 'reverses ' || CAST(?1 AS TEXT)) "
	    "GROUP BY m.product_id, m.cost, m.supplier, p.sku "
	    "ORDER BY min(m.id)";
	struct jf_rows r;
	int reversed = 0;

	*n = 0;
	jf_q_open(c, &r, sql, "tt", ref, c->store);
	while (*n < REVERSE_MAX && jf_q_next(&r)) {
		reversed |= jf_r_int(&r, 5) > 0;
		l[*n] = (struct rline){ jf_r_int(&r, 0), jf_r_int(&r, 1),
		    jf_r_int(&r, 2), strdup(jf_r_text(&r, 3)),
		    jf_r_opt(&r, 4) ? strdup(jf_r_text(&r, 4)) : NULL };
		(*n)++;
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (reversed)
		return jf_error(JF_EREFUSED, _("receipt \"%s\" is reversed "
		    "already in store \"%s\""), ref, c->store);
	if (*n == 0)
		return jf_error(JF_EREFUSED, _("no receipt \"%s\" in store "
		    "\"%s\""), ref, c->store);
	return 0;
}

/* Books the counter-receipt's lines and writes them as booked. */
static int
book(struct jf_ctx *c, const char *ref, const char *counter,
    const struct rline *l, int n, FILE *fp)
{
	struct jf_out *out = jf_out_new(c->fmt, fp, reverse_cols);
	char reason[256];
	int64_t on_hand, avg;
	int rc = 0;

	snprintf(reason, sizeof(reason), "reverses %s", ref);
	for (int i = 0; rc == 0 && i < n; i++) {
		struct jf_move m = { l[i].product_id, "receive", -l[i].qty,
			l[i].cost, NULL, NULL, counter, l[i].supplier, reason };

		if ((rc = jf_stock_move(c, &m)) != 0 || (rc = jf_stock_get(c,
		    NULL, m.product_id, &on_hand, &avg)) != 0)
			break;
		jf_out_str(out, c->now);
		jf_out_str(out, c->store);
		jf_out_str(out, l[i].sku);
		jf_out_str(out, m.kind);
		jf_out_int(out, m.qty);
		if (m.cost >= 0)
			jf_out_money(out, m.cost);
		else
			jf_out_str(out, NULL);
		jf_out_str(out, counter);
		jf_out_int(out, on_hand);
		jf_out_money(out, avg);
		jf_out_end(out);
	}
	return jf_out_done(out, rc);
}

int
jf_stock_reverse(struct jf_ctx *c, const char *ref, const char *counter,
    FILE *fp)
{
	struct rline *l;
	int n = 0, rc;

	if ((rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("reversing a receipt of goods"))) != 0)
		return rc;
	if ((l = calloc(REVERSE_MAX, sizeof(*l))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if ((rc = load(c, ref, l, &n)) == 0)
		rc = book(c, ref, counter, l, n, fp);
	for (int i = 0; i < n; i++) {
		free(l[i].sku);
		free(l[i].supplier);
	}
	free(l);
	return rc;
}
