/*
 * reportmkt.c - the reports for marketing and the staff: what to offer a
 * member (report recommend), which products go together on a receipt,
 * and what each operator did (report staff).
 *
 * Every figure is a plain count or sum a person can check against the
 * receipts, computed in SQL in the report's snapshot (jf_report_begin)
 * and written through output.c in every format.  A receipt is counted
 * in the days since..until (inclusive) and, with --store, in that store.
 *
 * Bought, for the recommendations: a line of a receipt that was not
 * returned in full (sale_line.returned < qty).  A product a member took
 * back whole is not theirs, and a line returned whole does not put its
 * product on that receipt.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "jtime.h"
#include "member.h"
#include "output.h"
#include "report.h"

static const char *const rec_cols[] = {
	NC_("column", "sku"), NC_("column", "name"),
	NC_("column", "category"), NC_("column", "price"),
	NC_("column", "receipts"), NC_("column", "because"), NULL
};

static const char *const pair_cols[] = {
	NC_("column", "sku_a"), NC_("column", "name_a"),
	NC_("column", "sku_b"), NC_("column", "name_b"),
	NC_("column", "receipts"), NULL
};

static const char *const staff_cols[] = {
	NC_("column", "operator"), NC_("column", "receipts"),
	NC_("column", "gross"), NC_("column", "paid"),
	NC_("column", "returns"), NC_("column", "returned"),
	NC_("column", "members"), NC_("column", "redemptions"), NULL
};

/* the receipts considered: ?1 the first moment, ?2 past the last, ?3 store */
#define IN_RANGE(s) "(CAST(?1 AS TEXT) IS NULL OR " s ".at >= ?1) " \
	"AND (CAST(?2 AS TEXT) IS NULL OR " s ".at < ?2) " \
	"AND (CAST(?3 AS TEXT) IS NULL OR " s ".store = ?3) "

/*
 * For member ?4: ever, what they bought at any time; mine, in the
 * receipts considered; basket, each receipt considered holding one of
 * mine (sid) with which (x); cand, how many of those receipts hold each
 * product y they never bought (a receipt with two of mine counted
 * once); top, the ?5 with the most; together, how many hold each of
 * those with each x; why, the x of each y with the most.  together is
 * read from top's products' lines, not from every receipt's (CROSS JOIN
 * keeps that order).
 */
static const char rec_sql[] = "WITH "
    "ever AS (SELECT DISTINCT l.product_id AS pid FROM sale s "
    "JOIN sale_line l ON l.sale_id = s.id "
    "WHERE s.member_id = ?4 AND l.returned < l.qty), "
    "mine AS (SELECT DISTINCT l.product_id AS pid FROM sale s "
    "JOIN sale_line l ON l.sale_id = s.id "
    "WHERE s.member_id = ?4 AND l.returned < l.qty AND " IN_RANGE("s") "), "
    "basket AS (SELECT DISTINCT l.sale_id AS sid, l.product_id AS x "
    "FROM mine JOIN sale_line l ON l.product_id = mine.pid "
    "JOIN sale s ON s.id = l.sale_id "
    "WHERE l.returned < l.qty AND " IN_RANGE("s") "), "
    "cand AS (SELECT l.product_id AS y, count(DISTINCT l.sale_id) AS n "
    "FROM sale_line l WHERE l.sale_id IN (SELECT sid FROM basket) "
    "AND l.returned < l.qty AND l.product_id NOT IN (SELECT pid FROM ever) "
    "GROUP BY l.product_id), "
    "top AS (SELECT cand.y AS y, cand.n AS n FROM cand "
    "JOIN product p ON p.id = cand.y ORDER BY cand.n DESC, p.sku "
    "LIMIT ?5), "
    "together AS (SELECT b.x AS x, t.y AS y, count(DISTINCT b.sid) AS n "
    "FROM top t CROSS JOIN sale_line l CROSS JOIN basket b "
    "WHERE l.product_id = t.y AND b.sid = l.sale_id "
    "AND l.returned < l.qty "
    "GROUP BY b.x, t.y), "
    "why AS (SELECT t.y AS y, px.sku AS sku, row_number() OVER "
    "(PARTITION BY t.y ORDER BY t.n DESC, px.sku) AS k "
    "FROM together t JOIN product px ON px.id = t.x) "
    "SELECT p.sku, p.name, p.category, p.price, top.n, why.sku "
    "FROM top JOIN product p ON p.id = top.y "
    "JOIN why ON why.y = top.y AND why.k = 1 ORDER BY top.n DESC, p.sku";

/*
 * Without a member: each two products on one receipt considered (a
 * line returned whole left out), a before b by SKU, by how many
 * receipts hold both.
 */
static const char pair_sql[] = "WITH "
    "l AS (SELECT DISTINCT l.sale_id AS sid, l.product_id AS pid "
    "FROM sale_line l JOIN sale s ON s.id = l.sale_id "
    "WHERE l.returned < l.qty AND " IN_RANGE("s") ") "
    "SELECT a.sku, a.name, b.sku, b.name, count(*) AS n "
    "FROM l x JOIN l y ON y.sid = x.sid AND y.pid <> x.pid "
    "JOIN product a ON a.id = x.pid JOIN product b ON b.id = y.pid "
    "WHERE a.sku < b.sku GROUP BY a.id, b.id "
    "ORDER BY n DESC, a.sku, b.sku LIMIT ?4";

static int
write_recommend(struct jf_ctx *c, FILE *fp, int fmt, int64_t mid,
    const struct jf_report_args *a)
{
	char until[JF_DATE_LEN];
	struct jf_out *out;
	struct jf_rows r;
	int rc;

	out = jf_out_new(fmt, fp, rec_cols);
	jf_q_open(c, &r, rec_sql, "TTTii", a->since,
	    jf_day_after(a->until, until), jf_store_filter(c), mid, a->top);
	while (jf_q_next(&r)) {
		jf_out_str(out, jf_r_text(&r, 0));
		jf_out_str(out, jf_r_text(&r, 1));
		jf_out_str(out, jf_r_opt(&r, 2));
		jf_out_money(out, jf_r_int(&r, 3));
		jf_out_int(out, jf_r_int(&r, 4));
		jf_out_str(out, jf_r_text(&r, 5));
		jf_out_end(out);
	}
	rc = jf_q_close(&r);
	return jf_out_done(out, rc);
}

static int
write_pairs(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	char until[JF_DATE_LEN];
	struct jf_out *out;
	struct jf_rows r;
	int rc;

	out = jf_out_new(fmt, fp, pair_cols);
	jf_q_open(c, &r, pair_sql, "TTTi", a->since,
	    jf_day_after(a->until, until), jf_store_filter(c), a->top);
	while (jf_q_next(&r)) {
		for (int i = 0; i < 4; i++)
			jf_out_str(out, jf_r_text(&r, i));
		jf_out_int(out, jf_r_int(&r, 4));
		jf_out_end(out);
	}
	rc = jf_q_close(&r);
	return jf_out_done(out, rc);
}

int
jf_report_write_recommend(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	int64_t mid;
	int rc;

	if (a->member == NULL)
		return write_pairs(c, fp, fmt, a);
	if ((rc = jf_member_id(c, a->member, &mid)) != 0)
		return rc;
	return write_recommend(c, fp, fmt, mid, a);
}

/*
 * Per operator, what they did in the days: receipts rung up (gross and
 * paid), returns booked (and the gross taken back), members signed up
 * (the operator of the audit row that added the member: member add or
 * import; a member has no store, so every store's report counts them),
 * and redemptions made and not cancelled.  An operator who did none of
 * these is not listed.
 */
static const char staff_sql[] = "WITH "
    "s AS (SELECT operator AS op, count(*) AS n, sum(gross) AS g, "
    "sum(paid) AS p FROM sale s WHERE " IN_RANGE("s") "GROUP BY op), "
    "r AS (SELECT operator AS op, count(*) AS n, sum(gross) AS g "
    "FROM sale_return s WHERE " IN_RANGE("s") "GROUP BY op), "
    "m AS (SELECT a.operator AS op, count(*) AS n FROM member m "
    "JOIN audit a ON a.id = m.audit_id "
    "WHERE (CAST(?1 AS TEXT) IS NULL OR a.at >= ?1) "
    "AND (CAST(?2 AS TEXT) IS NULL OR a.at < ?2) GROUP BY op), "
    "d AS (SELECT operator AS op, count(*) AS n FROM redemption s "
    "WHERE s.cancelled IS NULL AND " IN_RANGE("s") "GROUP BY op), "
    "o AS (SELECT op FROM s UNION SELECT op FROM r UNION SELECT op FROM m "
    "UNION SELECT op FROM d) "
    "SELECT o.op, coalesce(s.n, 0), coalesce(s.g, 0), coalesce(s.p, 0), "
    "coalesce(r.n, 0), coalesce(r.g, 0), coalesce(m.n, 0), "
    "coalesce(d.n, 0) FROM o LEFT JOIN s ON s.op = o.op "
    "LEFT JOIN r ON r.op = o.op LEFT JOIN m ON m.op = o.op "
    "LEFT JOIN d ON d.op = o.op ORDER BY o.op";

/* A row of report staff: gross, paid and returned money, the rest counts. */
static void
staff_row(struct jf_out *out, const char *op, const int64_t *v)
{
	jf_out_str(out, op);
	for (int i = 0; i < 7; i++) {
		if (i == 1 || i == 2 || i == 4)
			jf_out_money(out, v[i]);
		else
			jf_out_int(out, v[i]);
	}
	jf_out_end(out);
}

int
jf_report_write_staff(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	char until[JF_DATE_LEN];
	int64_t v[7], sum[7] = { 0 };
	struct jf_out *out;
	struct jf_rows r;
	int rc, n = 0;

	if ((rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("reading what each operator did"))) != 0)
		return rc;
	out = jf_out_new(fmt, fp, staff_cols);
	jf_q_open(c, &r, staff_sql, "TTT", a->since,
	    jf_day_after(a->until, until), jf_store_filter(c));
	for (; jf_q_next(&r); n++) {
		for (int i = 0; i < 7; i++)
			sum[i] += v[i] = jf_r_int(&r, i + 1);
		staff_row(out, jf_r_text(&r, 0), v);
	}
	rc = jf_q_close(&r);
	if (rc == 0 && fmt == JF_FMT_TABLE && n > 1)
		staff_row(out, _("Total"), sum);
	return jf_out_done(out, rc);
}
