/*
 * reportbook.c - the books behind the figures, as an owner or an
 * accountant reads them: the audit log (report log) and what was bought
 * from whom (report purchases).
 *
 * Both read in the report's snapshot (jf_report_begin) and write rows
 * through output.c in every format.  The audit log is a manager's to
 * read: its rows name who did what, with the arguments as they were
 * recorded (phones and emails masked when they were written).
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "jtime.h"
#include "output.h"
#include "report.h"

static const char *const log_cols[] = {
	NC_("column", "id"), NC_("column", "at"), NC_("column", "operator"),
	NC_("column", "approver"), NC_("column", "tool"),
	NC_("column", "args"), NC_("column", "refused"), NULL
};

static const char *const purchase_cols[] = {
	NC_("column", "key"), NC_("column", "receipts"),
	NC_("column", "lines"), NC_("column", "qty"), NC_("column", "cost"),
	NC_("column", "last_at"), NULL
};

int
jf_report_write_log(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	static const char sql[] = "SELECT id, at, operator, approver, tool, "
	    "args, refused FROM audit "
	    "WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1) "
	    "AND (CAST(?2 AS TEXT) IS NULL OR at < ?2) "
	    "AND (CAST(?3 AS TEXT) IS NULL OR operator = ?3 OR approver = ?3) "
	    "AND (CAST(?4 AS TEXT) IS NULL OR tool = ?4) ORDER BY id";
	char until[JF_DATE_LEN];
	struct jf_out *out;
	struct jf_rows r;
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("reading the audit log"))) != 0)
		return rc;
	out = jf_out_new(fmt, fp, log_cols);
	jf_q_open(c, &r, sql, "TTTT", a->since, jf_day_after(a->until, until),
	    a->who, a->tool);
	while (jf_q_next(&r)) {
		jf_out_int(out, jf_r_int(&r, 0));
		for (int i = 1; i <= 6; i++)
			jf_out_str(out, jf_r_opt(&r, i));
		jf_out_end(out);
	}
	rc = jf_q_close(&r);
	return jf_out_done(out, rc);
}

/*
 * The receipts of goods (receive moves), grouped: by supplier (the
 * default), product or month.  A counter-receipt (a negative receive
 * that corrects one) counts against its group's quantity and cost.
 */
int
jf_report_write_purchases(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
#define PURCHASES(key) "SELECT " key " AS k, " \
	"count(DISTINCT coalesce(m.ref, '#' || m.id)), count(*), " \
	"sum(m.qty), sum(m.qty * coalesce(m.cost, 0)), max(m.at) " \
	"FROM move m JOIN product p ON p.id = m.product_id " \
	"WHERE m.kind = 'receive' " \
	"AND (CAST(?1 AS TEXT) IS NULL OR m.at >= ?1) " \
	"AND (CAST(?2 AS TEXT) IS NULL OR m.at < ?2) " \
	"AND (CAST(?3 AS TEXT) IS NULL OR m.store = ?3) " \
	"GROUP BY k ORDER BY k"
	/* static text each: statements are cached by their address */
	static const char *const sql[] = {
		PURCHASES("coalesce(m.supplier, '')"),
		PURCHASES("p.sku"),
		PURCHASES("substr(m.at, 1, 7)"),
	};
#undef PURCHASES
	char until[JF_DATE_LEN];
	struct jf_out *out;
	struct jf_rows r;
	int k = a->by == JF_BY_PRODUCT ? 1 : a->by == JF_BY_MONTH ? 2 : 0;
	int rc;

	out = jf_out_new(fmt, fp, purchase_cols);
	jf_q_open(c, &r, sql[k], "TTT", a->since, jf_day_after(a->until, until),
	    jf_store_filter(c));
	while (jf_q_next(&r)) {
		jf_out_str(out, jf_r_text(&r, 0));
		jf_out_int(out, jf_r_int(&r, 1));
		jf_out_int(out, jf_r_int(&r, 2));
		jf_out_int(out, jf_r_int(&r, 3));
		jf_out_money(out, jf_r_int(&r, 4));
		jf_out_str(out, jf_r_text(&r, 5));
		jf_out_end(out);
	}
	rc = jf_q_close(&r);
	return jf_out_done(out, rc);
}
