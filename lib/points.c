/*
 * points.c - the ledger as the `points` tool sees it: history,
 * adjustments, activity awards and the explanation of a receipt.
 *
 * The bookkeeping itself (lots, debt, the order of spending) is
 * ledger.c's; this file adds the checks of a person's request (a reason,
 * an activity and its daily cap) and reads the ledger and the till's
 * rows back for people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "points.h"
#include "rules.h"

int
jf_points_history(struct jf_ctx *c, int64_t member_id, const char *since,
    jf_history_fn *fn, void *arg)
{
	static const char sql[] = "SELECT l.at, l.kind, l.delta, l.ref, "
	    "l.rule, l.reason, lot.expires_on, l.operator FROM ledger l "
	    "LEFT JOIN lot ON lot.entry_id = l.id "
	    "WHERE l.member_id = ? AND l.at >= ? ORDER BY l.at, l.id";
	struct jf_history h;
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, member_id);
	sqlite3_bind_text(st, 2, since ? since : "", -1, SQLITE_TRANSIENT);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		h.at = jf_col(st, 0);
		h.kind = jf_col(st, 1);
		h.delta = sqlite3_column_int64(st, 2);
		h.ref = jf_col_opt(st, 3);
		h.rule = jf_col_opt(st, 4);
		h.reason = jf_col_opt(st, 5);
		h.expires_on = jf_col_opt(st, 6);
		h.operator = jf_col(st, 7);
		if ((rc = fn(arg, &h)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

int
jf_points_adjust(struct jf_ctx *c, int64_t member_id, int64_t delta,
    const char *reason, int64_t *entry_id)
{
	struct jf_entry e = { .member_id = member_id, .kind = "adjust",
		.reason = reason };

	if (delta == 0)
		return jf_error(JF_EUSAGE, _("an adjustment of 0 points "
		    "changes nothing"));
	if (reason == NULL || *reason == '\0')
		return jf_error(JF_EUSAGE, _("an adjustment needs a reason"));
	if (delta > 0) {
		e.points = delta;
		return jf_ledger_gain(c, &e, entry_id);
	}
	e.points = -delta;
	return jf_ledger_spend(c, &e, entry_id);
}

/* Runs a savepoint statement (static text). */
static int
savepoint(struct jf_ctx *c, const char *sql)
{
	sqlite3_stmt *st = jf_stmt(c, sql);

	return st ? jf_exec(c, st) : JF_ESOFTWARE;
}

static int
award(struct jf_ctx *c, int64_t member_id, const char *kind, int64_t points,
    int64_t *awarded)
{
	static const char today_sql[] = "SELECT count(*) FROM ledger "
	    "WHERE member_id = ? AND at >= ? AND at <= ? "
	    "AND kind = 'award' AND rule = ?";
	const struct jf_rules *r;
	const struct jf_activity *a;
	struct jf_entry e = { .member_id = member_id, .kind = "award",
		.rule = kind };
	char from[JF_TS_LEN], to[JF_TS_LEN];
	sqlite3_stmt *st;
	int64_t n;
	int rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if ((a = jf_rules_activity(r, kind)) == NULL)
		return jf_error(JF_EREFUSED, _("no activity \"%s\" in the "
		    "rules"), kind);
	if (a->daily_cap > 0) {
		snprintf(from, sizeof(from), "%.10s 00:00:00", c->now);
		snprintf(to, sizeof(to), "%.10s 23:59:59", c->now);
		if ((st = jf_stmt(c, today_sql)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_int64(st, 1, member_id);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, kind, -1, SQLITE_TRANSIENT);
		if ((rc = jf_step(c, st)) != SQLITE_ROW) {
			sqlite3_reset(st);
			return rc < 0 ? -rc : JF_ESOFTWARE;
		}
		n = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (n >= a->daily_cap)
			return jf_error(JF_EREFUSED, _("\"%s\": the daily cap "
			    "of %lld is reached on %.10s"), kind,
			    (long long)a->daily_cap, c->now);
	}
	e.points = points > 0 ? points : a->points;
	if ((rc = jf_ledger_gain(c, &e, NULL)) != 0)
		return rc;
	if (awarded != NULL)
		*awarded = e.points;
	return 0;
}

int
jf_points_award(struct jf_ctx *c, int64_t member_id, const char *kind,
    int64_t points, int64_t *awarded)
{
	static const char sp[] = "SAVEPOINT jf_award";
	static const char rel[] = "RELEASE jf_award";
	static const char back[] = "ROLLBACK TO jf_award";
	int rc;

	if ((rc = savepoint(c, sp)) != 0)
		return rc;
	if ((rc = award(c, member_id, kind, points, awarded)) != 0) {
		char msg[1024];

		/* keep the refusal's message over the savepoint's */
		snprintf(msg, sizeof(msg), "%s", jf_errmsg());
		savepoint(c, back);
		savepoint(c, rel);
		jf_error(rc, "%s", msg);
		return rc;
	}
	return savepoint(c, rel);
}

/* The sale row of a receipt into x; *sale_id its row id. */
static int
explain_sale(struct jf_ctx *c, const char *receipt, struct jf_explain *x,
    int64_t *sale_id)
{
	static const char sql[] = "SELECT s.id, s.at, coalesce(m.code, ''), "
	    "coalesce(s.tier, ''), s.rules_version, s.tier_factor, s.gross, "
	    "s.offset_amount, s.paid, s.points_earned FROM sale s "
	    "LEFT JOIN member m ON m.id = s.member_id WHERE s.receipt = ?";
	sqlite3_stmt *st;
	int rc;

	memset(x, 0, sizeof(*x));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_TRANSIENT);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no receipt \"%s\""), receipt);
	}
	*sale_id = sqlite3_column_int64(st, 0);
	snprintf(x->receipt, sizeof(x->receipt), "%s", receipt);
	snprintf(x->at, sizeof(x->at), "%s", jf_col(st, 1));
	snprintf(x->member, sizeof(x->member), "%s", jf_col(st, 2));
	snprintf(x->tier, sizeof(x->tier), "%s", jf_col(st, 3));
	x->rules_version = sqlite3_column_int64(st, 4);
	x->tier_factor = sqlite3_column_int64(st, 5);
	x->gross = sqlite3_column_int64(st, 6);
	x->offset = sqlite3_column_int64(st, 7);
	x->paid = sqlite3_column_int64(st, 8);
	x->booked = sqlite3_column_int64(st, 9);
	sqlite3_reset(st);
	return 0;
}

/* The lines of a sale, as the earning formula wants them. */
struct xline {
	int line;
	char *sku, *category;
	int no_points;
	int64_t qty, amount, points;
};

static void
xlines_free(struct xline *l, int n)
{
	for (int i = 0; i < n; i++) {
		free(l[i].sku);
		free(l[i].category);
	}
	free(l);
}

static int
explain_lines(struct jf_ctx *c, int64_t sale_id, struct xline **lp, int *np)
{
	static const char sql[] = "SELECT l.line, p.sku, p.category, "
	    "p.no_points, l.qty, l.amount, l.points FROM sale_line l "
	    "JOIN product p ON p.id = l.product_id WHERE l.sale_id = ? "
	    "ORDER BY l.line";
	struct xline *l = NULL;
	int n = 0, cap = 0, rc;
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, sale_id);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		if (n == cap) {
			struct xline *nl;

			cap = cap ? cap * 2 : 16;
			if ((nl = realloc(l, cap * sizeof(*l))) == NULL) {
				rc = -jf_error(JF_ESOFTWARE,
				    _("out of memory"));
				break;
			}
			l = nl;
		}
		l[n].line = sqlite3_column_int(st, 0);
		l[n].sku = strdup(jf_col(st, 1));
		l[n].category = strdup(jf_col(st, 2));
		l[n].no_points = sqlite3_column_int(st, 3);
		l[n].qty = sqlite3_column_int64(st, 4);
		l[n].amount = sqlite3_column_int64(st, 5);
		l[n].points = sqlite3_column_int64(st, 6);
		n++;
	}
	sqlite3_reset(st);
	*lp = l;
	*np = n;
	return rc < 0 ? -rc : 0;
}

/* The receipt's ledger entries other than its earning. */
static int
explain_entries(struct jf_ctx *c, const char *receipt, jf_explain_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT l.kind, l.rule, l.delta, m.code "
	    "FROM ledger l JOIN member m ON m.id = l.member_id "
	    "WHERE l.ref = ? AND l.kind <> 'earn' ORDER BY l.id";
	struct jf_explain_row row = { .qty = -1, .amount = -1, .mult = -1 };
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_TRANSIENT);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		row.kind = jf_col(st, 0);
		row.rule = jf_col_opt(st, 1);
		row.points = sqlite3_column_int64(st, 2);
		row.member = jf_col(st, 3);
		if ((rc = fn(arg, &row)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

int
jf_points_explain(struct jf_ctx *c, const char *receipt,
    struct jf_explain *x, jf_explain_fn *fn, void *arg)
{
	const struct jf_rules *r;
	struct jf_earn_in *in = NULL;
	struct jf_earn_out *out = NULL;
	struct xline *l = NULL;
	struct jf_explain_row row;
	int64_t sale_id = 0, stored = 0;
	int n = 0, rc;

	if ((rc = explain_sale(c, receipt, x, &sale_id)) != 0)
		return rc;
	if ((rc = jf_rules_version(c, x->rules_version, &r)) != 0 ||
	    (rc = explain_lines(c, sale_id, &l, &n)) != 0)
		goto done;
	in = calloc(n ? n : 1, sizeof(*in));
	out = calloc(n ? n : 1, sizeof(*out));
	if (in == NULL || out == NULL) {
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
		goto done;
	}
	for (int i = 0; i < n; i++) {
		in[i].sku = l[i].sku;
		in[i].category = l[i].category;
		in[i].no_points = l[i].no_points;
		in[i].amount = l[i].amount;
		stored += l[i].points;
	}
	x->earned = jf_earn(r, in, n, x->at, x->tier_factor, x->offset, out);
	/*
	 * The till books nothing for a sale without a member or by one not
	 * active then; its lines then carry no points either.
	 */
	x->earns = x->member[0] != '\0' && (x->booked > 0 || stored > 0 ||
	    x->earned == 0);
	if (!x->earns)
		x->earned = 0;
	for (int i = 0; i < n; i++) {
		memset(&row, 0, sizeof(row));
		row.kind = "line";
		row.line = l[i].line;
		row.sku = l[i].sku;
		row.qty = l[i].qty;
		row.amount = l[i].amount;
		row.mult = out[i].mult;
		row.rule = out[i].rule[0] ? out[i].rule : NULL;
		row.member = x->member[0] ? x->member : NULL;
		row.points = x->earns ? out[i].points : 0;
		if ((rc = fn(arg, &row)) != 0)
			goto done;
	}
	memset(&row, 0, sizeof(row));
	row.kind = "earn";
	row.qty = -1;
	row.amount = x->paid;
	row.mult = x->tier_factor;
	row.rule = x->tier[0] ? x->tier : NULL;
	row.member = x->member[0] ? x->member : NULL;
	row.points = x->earned;
	if ((rc = fn(arg, &row)) != 0)
		goto done;
	rc = explain_entries(c, receipt, fn, arg);
done:
	free(in);
	free(out);
	xlines_free(l, n);
	return rc;
}
