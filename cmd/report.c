/*
 * report - what the owner reads: the store-close report, sales, points,
 * members, stock, the points leaderboard, offers to members (recommend),
 * the staff's figures, and the audit of the book.
 *
 * The tables below give each subcommand its options, which fill one
 * struct jf_report_args; the subcommand opens the book, takes one
 * snapshot and has lib/reportfmt.c write its report in the chosen
 * format.  daily, points and sales also write one self-contained HTML
 * page with inline SVG charts (-o html, before or after the command).
 * audit runs the checks of lib/audit.c, which take their own snapshot.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "chain.h"
#include "db.h"
#include "err.h"
#include "opts.h"
#include "output.h"
#include "report.h"

#define A(f) offsetof(struct jf_report_args, f)

static int sales_by(const char *arg, void *field);
static int points_by(const char *arg, void *field);
static int period(const char *arg, void *field);
static int purchases_by(const char *arg, void *field);

static const struct jf_opt daily_opts[] = {
	{ "date", 0, JF_DATE, A(date), "D", N_("the day, if not today") },
	{ "top", 0, JF_INT, A(top), "N",
	    N_("how many best sellers, 10 if not said"), 1, 100000 },
	{ NULL }
};

static const struct jf_opt sales_opts[] = {
	{ "by", 0, JF_FN, A(by), "day|month|year|product|category|member",
	    N_("the grouping, by day if not said"), 0, 0, sales_by },
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ NULL }
};

static const struct jf_opt points_opts[] = {
	{ "by", 0, JF_FN, A(by), "day|month|year",
	    N_("a row per period; one for the whole range if not said"),
	    0, 0, points_by },
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ NULL }
};

static const struct jf_opt stock_opts[] = {
	{ "days", 0, JF_INT, A(days), "N",
	    N_("slow: stock on hand and no sale in N days (30)"), 0, 100000 },
	{ "since", 0, JF_DATE, A(since), "D",
	    N_("reconcile the value at cost from this day") },
	{ "until", 0, JF_DATE, A(until), "D",
	    N_("reconcile the value at cost to this day") },
	{ NULL }
};

static const struct jf_opt leader_opts[] = {
	{ "period", 0, JF_FN, A(year), "month|year",
	    N_("the calendar month (the default) or year"), 0, 0, period },
	{ "date", 0, JF_DATE, A(date), "D",
	    N_("a day in the period, if not today") },
	{ "top", 0, JF_INT, A(top), "N",
	    N_("how many members, 10 if not said"), 1, 100000 },
	{ NULL }
};

static const struct jf_opt log_opts[] = {
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ "by", 0, JF_STR, A(who), "NAME",
	    N_("what this operator did or approved") },
	{ "tool", 0, JF_STR, A(tool), "TOOL", N_("what this tool did") },
	{ NULL }
};

static const struct jf_opt purchases_opts[] = {
	{ "by", 0, JF_FN, A(by), "supplier|product|month",
	    N_("the grouping, by supplier if not said"), 0, 0, purchases_by },
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ NULL }
};

static const struct jf_opt recommend_opts[] = {
	{ "top", 0, JF_INT, A(top), "N",
	    N_("how many products or pairs, 10 if not said"), 1, 100000 },
	{ "since", 0, JF_DATE, A(since), "D",
	    N_("the first day of the receipts counted") },
	{ "until", 0, JF_DATE, A(until), "D",
	    N_("the last day of the receipts counted") },
	{ NULL }
};

static const struct jf_opt staff_opts[] = {
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ NULL }
};

static void
init(void *arg)
{
	struct jf_report_args *a = arg;

	a->top = 10;
	a->days = 30;
	a->by = -1;
}

/* --by NAME: its JF_BY_*, or -1 and why not (an unknown name). */
static int
by(const char *arg, int *v)
{
	if ((*v = jf_report_by(arg)) == -1)
		jf_error(JF_EUSAGE, _("unknown grouping \"%s\""), arg);
	return *v == -1 ? -1 : 0;
}

static int
sales_by(const char *arg, void *field)
{
	int *v = field;

	if (by(arg, v) == -1)
		return -1;
	if (*v == JF_BY_ALL) {
		jf_error(JF_EUSAGE, _("day, month, year, product, category "
		    "or member"));
		return -1;
	}
	return 0;
}

static int
points_by(const char *arg, void *field)
{
	int *v = field;

	if (by(arg, v) == -1)
		return -1;
	if (*v != JF_BY_DAY && *v != JF_BY_MONTH && *v != JF_BY_YEAR &&
	    *v != JF_BY_ALL) {
		jf_error(JF_EUSAGE, _("day, month or year"));
		return -1;
	}
	return 0;
}

/* purchases --by: supplier (-1), product or month. */
static int
purchases_by(const char *arg, void *field)
{
	int *v = field;

	if (strcmp(arg, "supplier") == 0)
		*v = -1;
	else if (strcmp(arg, "product") == 0)
		*v = JF_BY_PRODUCT;
	else if (strcmp(arg, "month") == 0)
		*v = JF_BY_MONTH;
	else {
		jf_error(JF_EUSAGE, _("supplier, product or month, not "
		    "\"%s\""), arg);
		return -1;
	}
	return 0;
}

/* --period month|year: 1 for the year. */
static int
period(const char *arg, void *field)
{
	int *year = field;

	if (strcmp(arg, "month") != 0 && strcmp(arg, "year") != 0) {
		jf_error(JF_EUSAGE, _("month or year, not \"%s\""), arg);
		return -1;
	}
	*year = strcmp(arg, "year") == 0;
	return 0;
}

/* A report: the book open, one snapshot, the report to stdout. */
static int
report(struct jf_call *k, jf_report_write_fn *fn)
{
	int rc;

	if ((rc = jf_report_begin(k->c)) != 0)
		return jf_fail(rc);
	rc = fn(k->c, stdout, k->o->fmt, k->a);
	jf_report_end(k->c);
	return jf_fail(rc);
}

static int
cmd_daily(struct jf_call *k)
{
	return report(k, jf_report_write_daily);
}

static int
cmd_sales(struct jf_call *k)
{
	return report(k, jf_report_write_sales);
}

static int
cmd_points(struct jf_call *k)
{
	return report(k, jf_report_write_points);
}

static int
cmd_members(struct jf_call *k)
{
	return report(k, jf_report_write_members);
}

static int
cmd_stock(struct jf_call *k)
{
	return report(k, jf_report_write_stock);
}

static int
cmd_leaderboard(struct jf_call *k)
{
	return report(k, jf_report_write_leaderboard);
}

static int
cmd_purchases(struct jf_call *k)
{
	return report(k, jf_report_write_purchases);
}

static int
cmd_log(struct jf_call *k)
{
	return report(k, jf_report_write_log);
}

static int
cmd_recommend(struct jf_call *k)
{
	struct jf_report_args *a = k->a;

	a->member = k->argc > 0 ? k->argv[0] : NULL;
	return report(k, jf_report_write_recommend);
}

static int
cmd_staff(struct jf_call *k)
{
	return report(k, jf_report_write_staff);
}

/* -- audit -------------------------------------------------------------- */

static const char *const audit_cols[] = {
	NC_("column", "check"), NC_("column", "subject"),
	NC_("column", "expected"), NC_("column", "found"), NULL
};

static void
breach_line(void *arg, const struct jf_breach *b)
{
	struct jf_out *out = arg;

	if (out == NULL) {
		printf(_("%s: %s: expected %s, found %s\n"), b->check,
		    b->subject, b->expected, b->found);
		return;
	}
	jf_out_str(out, b->check);
	jf_out_str(out, b->subject);
	jf_out_str(out, b->expected);
	jf_out_str(out, b->found);
	jf_out_end(out);
}

static int
head_arg(const char *arg, void *field)
{
	if (jf_audit_head_parse(arg) == -1)
		return -1;
	*(const char **)field = arg;
	return 0;
}

static const struct jf_opt audit_opts[] = {
	{ "audit-head", 0, JF_FN, A(audit_head), "ID:HASH",
	    N_("the audit_head a daily report printed: still there?"),
	    .fn = head_arg },
	{ "ledger-head", 0, JF_FN, A(ledger_head), "ID:HASH",
	    N_("the ledger_head a daily report printed: still there?"),
	    .fn = head_arg },
	{ "full", 0, JF_FLAG, A(full), NULL,
	    N_("SQLite's integrity_check, which matches every index too") },
	{ NULL }
};

static int
cmd_audit(struct jf_call *k)
{
	const struct jf_report_args *a = k->a;
	struct jf_out *out = NULL;
	int64_t n = 0;
	int rc, plain = !k->fmt_given;

	if (!plain)
		out = jf_out_new(k->o->fmt, stdout, audit_cols);
	rc = jf_audit_run(k->c, a->full, breach_line, out, &n);
	if (rc == 0 && a->audit_head != NULL)
		rc = jf_audit_head(k->c, JF_CHAIN_AUDIT, a->audit_head,
		    breach_line, out, &n);
	if (rc == 0 && a->ledger_head != NULL)
		rc = jf_audit_head(k->c, JF_CHAIN_LEDGER, a->ledger_head,
		    breach_line, out, &n);
	rc = jf_out_done(out, rc);
	if (rc != 0)
		return jf_fail(rc);
	if (n > 0)
		return JF_EREFUSED;
	if (plain && isatty(STDOUT_FILENO))
		puts(_("ok"));
	return 0;
}

static const struct jf_sub subs[] = {
	{ "daily", cmd_daily, daily_opts, "", 0, 0, JF_READS | JF_HTML,
	    N_("the store-close report of a day: its figures, best sellers "
	    "and low stock") },
	{ "sales", cmd_sales, sales_opts, "", 0, 0, JF_READS | JF_HTML,
	    N_("the receipts of a range of days, grouped") },
	{ "points", cmd_points, points_opts, "", 0, 0, JF_READS | JF_HTML,
	    N_("the points outstanding, their value, and their movements") },
	{ "members", cmd_members, NULL, "", 0, 0, JF_READS,
	    N_("counts of members: status, tier, activity, new, RFM") },
	{ "stock", cmd_stock, stock_opts, "", 0, 0, JF_READS,
	    N_("every product in every store, valued, with what needs "
	    "attention; over days, its value at cost reconciled") },
	{ "leaderboard", cmd_leaderboard, leader_opts, "", 0, 0, JF_READS,
	    N_("the members ranked by the points they gained in a month or "
	    "year") },
	{ "purchases", cmd_purchases, purchases_opts, "", 0, 0, JF_READS,
	    N_("the goods received, grouped by supplier, product or month") },
	{ "log", cmd_log, log_opts, "", 0, 0, JF_READS,
	    N_("the audit log: who did what, when, with which arguments "
	    "(a manager's)") },
	{ "recommend", cmd_recommend, recommend_opts, "[ID]", 0, 1, JF_READS,
	    N_("what a member never bought, most often bought with what "
	    "they did; without one, the pairs most often bought together") },
	{ "staff", cmd_staff, staff_opts, "", 0, 0, JF_READS,
	    N_("per operator: receipts, returns, members signed up, "
	    "redemptions (a manager's)") },
	{ "audit", cmd_audit, audit_opts, "", 0, 0, JF_READS,
	    N_("checks every invariant of the book; exit 1 naming each "
	    "breach") },
	{ NULL }
};

static const struct jf_tool tool = { "report", .subs = subs,
	.argsize = sizeof(struct jf_report_args), .init = init };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
