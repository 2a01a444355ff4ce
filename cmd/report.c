/*
 * report - what the owner reads: the store-close report, sales, points,
 * members, stock, the points leaderboard, and the audit of the book.
 *
 * Each subcommand parses its options, opens the book, reads its figures
 * through lib/report.h in one snapshot, and prints them in the chosen
 * format.  daily, points and sales also print one self-contained HTML
 * page with inline SVG charts (-o html); lib/opts.c refuses "html" for
 * every other tool, so this tool reads -o itself before handing the
 * other common options to jf_opt_common().
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "report.h"

static const char usage[] =
    "usage: report daily [--date D] [--top N]\n"
    "       report sales [--by day|month|year|product|category|member]\n"
    "                    [--since D] [--until D]\n"
    "       report points [--by day|month|year] [--since D] [--until D]\n"
    "       report members\n"
    "       report stock [--days N]\n"
    "       report leaderboard [--period month|year] [--date D] [--top N]\n"
    "       report audit\n"
    "common: [-d PATH] [-o table|csv|json|jsonl|html] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

enum { O_DATE = JF_OPT_LOCAL, O_TOP, O_BY, O_SINCE, O_UNTIL, O_DAYS,
	O_PERIOD };

static const struct option longopts[] = {
	{ "date", required_argument, NULL, O_DATE },
	{ "top", required_argument, NULL, O_TOP },
	{ "by", required_argument, NULL, O_BY },
	{ "since", required_argument, NULL, O_SINCE },
	{ "until", required_argument, NULL, O_UNTIL },
	{ "days", required_argument, NULL, O_DAYS },
	{ "period", required_argument, NULL, O_PERIOD },
	JF_COMMON_LONG
};

/* Everything a subcommand may be given. */
struct args {
	char date[JF_DATE_LEN], since[JF_DATE_LEN], until[JF_DATE_LEN];
	int top, days, by, year;
};

/* -o, which may say html here; the rest goes to jf_opt_common(). */
static int
common(int ch, const char *arg, struct jf_opts *o)
{
	if (ch == 'o' && strcmp(arg, "html") == 0) {
		o->fmt = JF_FMT_HTML;
		return 0;
	}
	if (ch == 'o' && jf_fmt_parse(arg, &o->fmt) == -1)
		return jf_usage_error(
		    _("unknown format \"%s\" (table, csv, json, jsonl, html)"),
		    arg);
	return jf_opt_common(ch, arg, o);
}

static int
date_arg(const char *opt, const char *arg, char *out)
{
	if (jf_date_parse(arg, out) == -1)
		return jf_usage_error("%s: %s", opt, jf_errmsg());
	return 0;
}

static int
count_arg(const char *opt, const char *arg, int64_t min, int64_t max, int *v)
{
	int64_t n;

	if (jf_int_parse(arg, max, &n) == -1 || n < min)
		return jf_usage_error(_("%s: not a number from %lld to %lld: "
		    "\"%s\""), opt, (long long)min, (long long)max, arg);
	*v = (int)n;
	return 0;
}

/*
 * Parses the subcommand's options; allow names the local ones it takes
 * (a letter per O_ option: 'a' O_DATE, 'b' O_TOP, ...).  Returns 0, the
 * status to exit with, or -1 when -h or --version was answered.
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *allow,
    struct args *a)
{
	int ch, rc;

	memset(a, 0, sizeof(*a));
	a->top = 10;
	a->days = 30;
	a->by = -1;
	while ((ch = jf_getopt(argc, argv, JF_COMMON_SHORT, longopts,
	    allow)) != -1) {
		switch (ch) {
		case O_DATE:
			if ((rc = date_arg("--date", optarg, a->date)) != 0)
				return rc;
			break;
		case O_SINCE:
			if ((rc = date_arg("--since", optarg, a->since)) != 0)
				return rc;
			break;
		case O_UNTIL:
			if ((rc = date_arg("--until", optarg, a->until)) != 0)
				return rc;
			break;
		case O_TOP:
			if ((rc = count_arg("--top", optarg, 1, 100000,
			    &a->top)) != 0)
				return rc;
			break;
		case O_DAYS:
			if ((rc = count_arg("--days", optarg, 0, 100000,
			    &a->days)) != 0)
				return rc;
			break;
		case O_BY:
			if ((a->by = jf_report_by(optarg)) == -1)
				return jf_usage_error(_("--by: unknown grouping "
				    "\"%s\""), optarg);
			break;
		case O_PERIOD:
			if (strcmp(optarg, "month") == 0)
				a->year = 0;
			else if (strcmp(optarg, "year") == 0)
				a->year = 1;
			else
				return jf_usage_error(_("--period: month or "
				    "year, not \"%s\""), optarg);
			break;
		case '?':
			return JF_EUSAGE;
		default:
			if ((rc = common(ch, optarg, o)) != 0)
				return rc;
		}
	}
	if (optind != argc)
		return jf_usage_error(_("%s takes no operands"), argv[0]);
	return 0;
}

/*
 * Opens the book for reading and takes a snapshot.  html says whether
 * the subcommand prints HTML.
 */
static int
open_db(struct jf_opts *o, int argc, char **argv, int html,
    struct jf_ctx **c)
{
	int rc;

	*c = NULL;
	if (o->fmt == JF_FMT_HTML && !html)
		return jf_usage_error(_("%s: no html output (daily, points and "
		    "sales have it)"), argv[0]);
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, c)) != 0)
		return rc;
	if ((rc = jf_report_begin(*c)) != 0)
		return jf_fail(rc);
	return 0;
}

static json_t *
jmoney(int64_t fen)
{
	char buf[JF_MONEY_BUF];

	return json_string(jf_money_fmt(fen, buf));
}

/* Prints a JSON value (one line for jsonl) and frees it. */
static int
put_json(json_t *j, int fmt)
{
	int rc;

	rc = json_dumpf(j, stdout, JSON_PRESERVE_ORDER |
	    (fmt == JF_FMT_JSONL ? JSON_COMPACT : JSON_INDENT(2)));
	fputc('\n', stdout);
	json_decref(j);
	return rc == 0 ? 0 : JF_ESOFTWARE;
}

static int
flush(int rc)
{
	if (fflush(stdout) != 0 && rc == 0)
		rc = jf_error(JF_ESOFTWARE, _("stdout: write error"));
	return rc;
}

/* -- daily -------------------------------------------------------------- */

/* The summary's metrics, in order; money marks the amounts in fen. */
struct metric {
	const char *name;
	size_t off;
	int money;
};

#define M(f, m) { #f, offsetof(struct jf_daily, f), m }
static const struct metric metrics[] = {
	M(receipts, 0), M(gross, 1), M(offset, 1), M(paid, 1),
	M(points_earned, 0), M(points_bonus, 0), M(points_redeemed, 0),
	M(points_expired, 0), M(new_members, 0), M(returns, 0),
	M(returned, 1), M(points_awarded, 0), M(points_reversed, 0),
	M(points_adjusted, 0), M(points_restored, 0),
	{ NULL, 0, 0 }
};
#undef M

static int64_t
metric(const struct jf_daily *d, const struct metric *m)
{
	return *(const int64_t *)((const char *)d + m->off);
}

static const char *const top_cols[] = { "sku", "name", "qty", "gross", NULL };
static const char *const low_cols[] = { "store", "sku", "name", "on_hand",
	"reorder_level", "status", NULL };

/* What the daily report gathers before it prints. */
struct day {
	struct jf_daily d;
	json_t *top, *low;	/* arrays of row objects */
};

static int
day_top(void *arg, const struct jf_top *t)
{
	struct day *y = arg;

	json_array_append_new(y->top, json_pack("{s:s, s:s, s:I, s:o}",
	    "sku", t->sku, "name", t->name, "qty", (json_int_t)t->qty,
	    "gross", jmoney(t->gross)));
	return 0;
}

static int
day_low(void *arg, const struct jf_stock_line *l)
{
	struct day *y = arg;

	if (!l->low && !l->negative)
		return 0;
	json_array_append_new(y->low, json_pack("{s:s, s:s, s:s, s:I, s:I, "
	    "s:s}", "store", l->store, "sku", l->sku, "name", l->name,
	    "on_hand", (json_int_t)l->on_hand, "reorder_level",
	    (json_int_t)l->reorder_level, "status",
	    l->negative ? "negative" : "low"));
	return 0;
}

/*
 * Rows of a JSON array of objects as a table (or HTML table).  "gross"
 * is money, a string of yuan in the JSON rows: back to fen, so that the
 * table aligns it as a number.
 */
static int
put_rows(int fmt, const char *const *cols, json_t *rows)
{
	struct jf_out *out = jf_out_new(fmt, stdout, cols);
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) {
		for (int k = 0; cols[k] != NULL; k++) {
			json_t *v = json_object_get(r, cols[k]);
			int64_t fen;

			if (json_is_integer(v))
				jf_out_int(out, json_integer_value(v));
			else if (json_is_string(v) && strcmp(cols[k], "gross")
			    == 0 && jf_money_parse(json_string_value(v),
			    &fen) == 0)
				jf_out_money(out, fen);
			else
				jf_out_str(out, json_string_value(v));
		}
		jf_out_end(out);
	}
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static void
day_html(struct day *y, const char *store)
{
	static const char *const hours[24] = { "00", "01", "02", "03", "04",
		"05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
		"15", "16", "17", "18", "19", "20", "21", "22", "23" };
	const char *const paid[] = { _("paid") };
	const char *const pts_labels[] = { _("earned"), _("redeemed"),
		_("expired") };
	const char *const pts[] = { _("points") };
	const char *const gross[] = { _("gross") };
	const char *labels[64];
	int64_t v[64];
	char title[128];
	size_t n, i;
	json_t *r;

	snprintf(title, sizeof(title), _("Daily report %s%s%s"), y->d.day,
	    store ? " — " : "", store ? store : "");
	jf_html_begin(stdout, title);
	jf_html_heading(stdout, _("Summary"));
	{
		struct jf_out *out;
		static const char *const cols[] = { "metric", "value", NULL };

		out = jf_out_new(JF_FMT_HTML, stdout, cols);
		for (const struct metric *m = metrics; m->name; m++) {
			jf_out_str(out, m->name);
			if (m->money)
				jf_out_money(out, metric(&y->d, m));
			else
				jf_out_int(out, metric(&y->d, m));
			jf_out_end(out);
		}
		jf_out_free(out);
	}
	jf_html_chart(stdout, _("Sales by hour (paid)"), 24, hours, 1, paid,
	    y->d.hour_paid, 1);
	v[0] = y->d.points_earned + y->d.points_bonus + y->d.points_awarded;
	v[1] = y->d.points_redeemed;
	v[2] = y->d.points_expired;
	jf_html_chart(stdout, _("Points earned, redeemed and expired"), 3,
	    pts_labels, 1, pts, v, 0);
	n = json_array_size(y->top);
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		r = json_array_get(y->top, i);
		labels[i] = json_string_value(json_object_get(r, "sku"));
		if (jf_money_parse(json_string_value(json_object_get(r,
		    "gross")), &v[i]) == -1)
			v[i] = 0;
	}
	jf_html_chart(stdout, _("Top products (gross)"), (int)n, labels, 1,
	    gross, v, 1);
	put_rows(JF_FMT_HTML, top_cols, y->top);
	jf_html_heading(stdout, _("Low and negative stock"));
	put_rows(JF_FMT_HTML, low_cols, y->low);
	jf_html_end(stdout);
}

static int
cmd_daily(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c;
	struct args a;
	struct day y = { 0 };
	const char *store;
	char slow[JF_DATE_LEN];
	json_t *sum;
	int rc, fmt;

	if ((rc = parse(argc, argv, o, "ab", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = open_db(o, argc, argv, 1, &c)) != 0)
		goto out;
	store = jf_store_filter(c);
	if (*a.date == '\0')
		memcpy(a.date, c->today, JF_DATE_LEN);
	y.top = json_array();
	y.low = json_array();
	/* only low and negative matter here: no product is slow */
	jf_date_add_days(c->today, -36500, slow);
	if ((rc = jf_report_daily(c, a.date, store, &y.d)) != 0 ||
	    (rc = jf_report_top(c, a.date, a.date, store, a.top, day_top,
	    &y)) != 0 ||
	    (rc = jf_report_stock(c, store, slow, day_low, &y)) != 0) {
		jf_fail(rc);
		goto out;
	}
	jf_report_end(c);
	fmt = jf_out_format(o);
	switch (fmt) {
	case JF_FMT_JSON:
	case JF_FMT_JSONL:
		sum = json_object();
		for (const struct metric *m = metrics; m->name; m++)
			json_object_set_new(sum, m->name, m->money ?
			    jmoney(metric(&y.d, m)) :
			    json_integer(metric(&y.d, m)));
		rc = put_json(json_pack("{s:s, s:s?, s:o, s:O, s:O}", "date",
		    y.d.day, "store", store, "summary", sum, "top_products",
		    y.top, "low_stock", y.low), fmt);
		break;
	case JF_FMT_HTML:
		day_html(&y, store);
		break;
	case JF_FMT_TABLE:
		printf(_("Daily report %s (%s)\n\n"), y.d.day,
		    store ? store : _("all stores"));
		/* FALLTHROUGH */
	case JF_FMT_CSV: {
		static const char *const cols[] = { "metric", "value", NULL };
		struct jf_out *out = jf_out_new(fmt, stdout, cols);

		for (const struct metric *m = metrics; m->name; m++) {
			jf_out_str(out, m->name);
			if (m->money)
				jf_out_money(out, metric(&y.d, m));
			else
				jf_out_int(out, metric(&y.d, m));
			jf_out_end(out);
		}
		rc = jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
		if (fmt != JF_FMT_TABLE)
			break;
		printf(_("\nTop products\n"));
		put_rows(fmt, top_cols, y.top);
		printf(_("\nLow and negative stock\n"));
		put_rows(fmt, low_cols, y.low);
		break;
	}
	}
	rc = flush(rc);
out:
	json_decref(y.top);
	json_decref(y.low);
	jf_close(c);
	return rc;
}

/* -- sales -------------------------------------------------------------- */

static const char *const by_names[] = { "day", "month", "product",
	"category", "member", "year", "all" };

static const char *const sales_cols[] = { "key", "receipts", "qty", "gross",
	"offset", "paid", NULL };

struct sales {
	struct jf_out *out;
	int nkeys;
	char **keys;
	int64_t *gross, *paid;
};

static int
sales_row(void *arg, const struct jf_sales_row *r)
{
	struct sales *s = arg;

	jf_out_str(s->out, r->key);
	jf_out_int(s->out, r->receipts);
	jf_out_int(s->out, r->qty);
	jf_out_money(s->out, r->gross);
	jf_out_money(s->out, r->offset);
	jf_out_money(s->out, r->paid);
	jf_out_end(s->out);
	/* for the chart: the first 60 keys */
	if (s->keys != NULL && s->nkeys < 60) {
		s->keys[s->nkeys] = strdup(r->key ? r->key : "-");
		s->gross[s->nkeys] = r->gross;
		s->paid[s->nkeys] = r->paid;
		s->nkeys++;
	}
	return 0;
}

static int
cmd_sales(int argc, char **argv, struct jf_opts *o)
{
	const char *const series[] = { _("gross"), _("paid") };
	struct jf_ctx *c;
	struct args a;
	struct sales s = { 0 };
	int rc, fmt;
	char title[160];
	int64_t *v = NULL;

	if ((rc = parse(argc, argv, o, "cde", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (a.by == -1)
		a.by = JF_BY_DAY;
	if (a.by == JF_BY_ALL)
		return jf_usage_error(_("--by: day, month, year, product, "
		    "category or member"));
	if ((rc = open_db(o, argc, argv, 1, &c)) != 0)
		goto out;
	fmt = jf_out_format(o);
	if (fmt == JF_FMT_HTML) {
		s.keys = calloc(60, sizeof(*s.keys));
		s.gross = calloc(60, sizeof(*s.gross));
		s.paid = calloc(60, sizeof(*s.paid));
		snprintf(title, sizeof(title), _("Sales by %s%s%s%s%s"),
		    by_names[a.by], *a.since ? _(" since ") : "", a.since,
		    *a.until ? _(" until ") : "", a.until);
		jf_html_begin(stdout, title);
		jf_html_heading(stdout, _("Sales"));
	}
	s.out = jf_out_new(fmt, stdout, sales_cols);
	rc = jf_report_sales(c, a.by, a.since, a.until, jf_store_filter(c),
	    sales_row, &s);
	jf_report_end(c);
	if (jf_out_free(s.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc != 0)
		jf_fail(rc);
	else if (fmt == JF_FMT_HTML) {
		v = calloc(2 * (s.nkeys ? s.nkeys : 1), sizeof(*v));
		for (int i = 0; i < s.nkeys; i++) {
			v[i] = s.gross[i];
			v[s.nkeys + i] = s.paid[i];
		}
		jf_html_chart(stdout, _("Gross and paid"), s.nkeys,
		    (const char *const *)s.keys, 2, series, v, 1);
		jf_html_end(stdout);
	}
	rc = flush(rc);
out:
	for (int i = 0; i < s.nkeys; i++)
		free(s.keys[i]);
	free(s.keys);
	free(s.gross);
	free(s.paid);
	free(v);
	jf_close(c);
	return rc;
}

/* -- points ------------------------------------------------------------- */

static const char *const points_cols[] = { "period", "earned", "bonus",
	"awarded", "adjusted", "redeemed", "expired", "reversed", "restored",
	NULL };

static int
points_row(void *arg, const struct jf_points_row *p)
{
	json_array_append_new(arg, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I}", "period", p->period, "earned",
	    (json_int_t)p->earned, "bonus", (json_int_t)p->bonus, "awarded",
	    (json_int_t)p->awarded, "adjusted", (json_int_t)p->adjusted,
	    "redeemed", (json_int_t)p->redeemed, "expired",
	    (json_int_t)p->expired, "reversed", (json_int_t)p->reversed,
	    "restored", (json_int_t)p->restored));
	return 0;
}

static int
put_points(int fmt, json_t *rows)
{
	struct jf_out *out = jf_out_new(fmt, stdout, points_cols);
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) {
		jf_out_str(out, json_string_value(json_object_get(r,
		    "period")));
		for (int k = 1; points_cols[k] != NULL; k++)
			jf_out_int(out, json_integer_value(json_object_get(r,
			    points_cols[k])));
		jf_out_end(out);
	}
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static void
points_html(int64_t outstanding, int64_t liability, json_t *rows)
{
	const char *const series[] = { _("earned"), _("redeemed"),
		_("expired") };
	size_t n = json_array_size(rows), i;
	const char **labels = calloc(n ? n : 1, sizeof(*labels));
	int64_t *v = calloc(3 * (n ? n : 1), sizeof(*v));
	char buf[JF_MONEY_BUF];
	json_t *r;

	jf_html_begin(stdout, _("Points"));
	printf("<p>%s <b>%lld</b> &nbsp; %s <b>%s</b></p>\n",
	    _("outstanding points"), (long long)outstanding,
	    _("liability (yuan)"), jf_money_fmt(liability, buf));
	json_array_foreach(rows, i, r) {
		labels[i] = json_string_value(json_object_get(r, "period"));
		v[i] = json_integer_value(json_object_get(r, "earned")) +
		    json_integer_value(json_object_get(r, "bonus")) +
		    json_integer_value(json_object_get(r, "awarded"));
		v[n + i] = json_integer_value(json_object_get(r, "redeemed"));
		v[2 * n + i] = json_integer_value(json_object_get(r,
		    "expired"));
	}
	jf_html_chart(stdout, _("Points earned, redeemed and expired"),
	    (int)n, labels, 3, series, v, 0);
	jf_html_heading(stdout, _("Periods"));
	put_points(JF_FMT_HTML, rows);
	jf_html_end(stdout);
	free(labels);
	free(v);
}

static int
cmd_points(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c;
	struct args a;
	int64_t outstanding, liability;
	json_t *rows = json_array();
	char buf[JF_MONEY_BUF];
	int rc, fmt;

	if ((rc = parse(argc, argv, o, "cde", &a)) != 0) {
		json_decref(rows);
		return rc < 0 ? 0 : rc;
	}
	if (a.by == -1)
		a.by = JF_BY_ALL;
	if (a.by != JF_BY_DAY && a.by != JF_BY_MONTH && a.by != JF_BY_YEAR &&
	    a.by != JF_BY_ALL) {
		json_decref(rows);
		return jf_usage_error(_("--by: day, month or year"));
	}
	if ((rc = open_db(o, argc, argv, 1, &c)) != 0)
		goto out;
	if ((rc = jf_report_outstanding(c, &outstanding, &liability)) != 0 ||
	    (rc = jf_report_points(c, a.by, a.since, a.until, points_row,
	    rows)) != 0) {
		jf_fail(rc);
		goto out;
	}
	jf_report_end(c);
	fmt = jf_out_format(o);
	switch (fmt) {
	case JF_FMT_JSON:
		rc = put_json(json_pack("{s:I, s:o, s:O}", "outstanding",
		    (json_int_t)outstanding, "liability", jmoney(liability),
		    "periods", rows), fmt);
		break;
	case JF_FMT_HTML:
		points_html(outstanding, liability, rows);
		break;
	case JF_FMT_TABLE:
		printf(_("outstanding  %lld points\nliability    %s yuan\n\n"),
		    (long long)outstanding, jf_money_fmt(liability, buf));
		/* FALLTHROUGH */
	default:
		rc = put_points(fmt, rows);
	}
	rc = flush(rc);
out:
	json_decref(rows);
	jf_close(c);
	return rc;
}

/* -- members ------------------------------------------------------------ */

static const char *const count_cols[] = { "group", "key", "members", NULL };

struct counts {
	struct jf_out *out;	/* rows, or */
	json_t *obj;		/* the JSON object */
};

static int
count_row(void *arg, const struct jf_count *k)
{
	struct counts *s = arg;
	json_t *g;

	if (s->out != NULL) {
		jf_out_str(s->out, k->group);
		jf_out_str(s->out, k->key);
		jf_out_int(s->out, k->members);
		jf_out_end(s->out);
		return 0;
	}
	if (strcmp(k->group, "total") == 0 || strcmp(k->group, "new") == 0) {
		json_object_set_new(s->obj, k->group, json_integer(k->members));
		return 0;
	}
	if ((g = json_object_get(s->obj, k->group)) == NULL) {
		g = json_object();
		json_object_set_new(s->obj, k->group, g);
	}
	json_object_set_new(g, k->key, json_integer(k->members));
	return 0;
}

static int
cmd_members(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c;
	struct args a;
	struct counts s = { 0 };
	int rc, fmt;

	if ((rc = parse(argc, argv, o, "", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = open_db(o, argc, argv, 0, &c)) != 0)
		goto out;
	fmt = jf_out_format(o);
	if (fmt == JF_FMT_JSON)
		s.obj = json_object();
	else
		s.out = jf_out_new(fmt, stdout, count_cols);
	rc = jf_report_members(c, count_row, &s);
	jf_report_end(c);
	if (s.out != NULL && jf_out_free(s.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc != 0)
		jf_fail(rc);
	else if (s.obj != NULL) {
		rc = put_json(s.obj, fmt);
		s.obj = NULL;
	}
	json_decref(s.obj);
	rc = flush(rc);
out:
	jf_close(c);
	return rc;
}

/* -- stock -------------------------------------------------------------- */

static const char *const stock_cols[] = { "store", "sku", "name", "category",
	"on_hand", "reorder_level", "avg_cost", "value", "last_sale", "flags",
	NULL };

struct stockr {
	struct jf_out *out;	/* rows, or */
	json_t *items;		/* JSON's */
	int64_t value, low, negative, slow, n;
};

static int
stock_row(void *arg, const struct jf_stock_line *l)
{
	struct stockr *s = arg;
	char flags[32] = "";

	if (l->negative)
		strcat(flags, "negative");
	else if (l->low)
		strcat(flags, "low");
	if (l->slow)
		strcat(flags, *flags ? " slow" : "slow");
	s->value += l->value;
	s->low += l->low && !l->negative;
	s->negative += l->negative;
	s->slow += l->slow;
	s->n++;
	if (s->items != NULL) {
		json_array_append_new(s->items, json_pack("{s:s, s:s, s:s, "
		    "s:s?, s:I, s:I, s:o, s:o, s:s?, s:s}", "store", l->store,
		    "sku", l->sku, "name", l->name, "category", l->category,
		    "on_hand", (json_int_t)l->on_hand, "reorder_level",
		    (json_int_t)l->reorder_level, "avg_cost",
		    jmoney(l->avg_cost), "value", jmoney(l->value),
		    "last_sale", l->last_out, "flags", flags));
		return 0;
	}
	jf_out_str(s->out, l->store);
	jf_out_str(s->out, l->sku);
	jf_out_str(s->out, l->name);
	jf_out_str(s->out, l->category);
	jf_out_int(s->out, l->on_hand);
	jf_out_int(s->out, l->reorder_level);
	jf_out_money(s->out, l->avg_cost);
	jf_out_money(s->out, l->value);
	jf_out_str(s->out, l->last_out ? l->last_out : NULL);
	jf_out_str(s->out, flags);
	jf_out_end(s->out);
	return 0;
}

static int
cmd_stock(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c;
	struct args a;
	struct stockr s = { 0 };
	char since[JF_DATE_LEN], buf[JF_MONEY_BUF];
	int rc, fmt;

	if ((rc = parse(argc, argv, o, "f", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = open_db(o, argc, argv, 0, &c)) != 0)
		goto out;
	jf_date_add_days(c->today, -a.days, since);
	fmt = jf_out_format(o);
	/* json: {"value": ..., the counts, "items": [the rows]} */
	if (fmt == JF_FMT_JSON)
		s.items = json_array();
	else
		s.out = jf_out_new(fmt, stdout, stock_cols);
	rc = jf_report_stock(c, jf_store_filter(c), since, stock_row, &s);
	jf_report_end(c);
	if (s.out != NULL && jf_out_free(s.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc != 0) {
		json_decref(s.items);
		jf_fail(rc);
		goto out;
	}
	if (fmt == JF_FMT_JSON)
		rc = put_json(json_pack("{s:o, s:I, s:I, s:I, s:i, s:o}",
		    "value", jmoney(s.value), "low", (json_int_t)s.low,
		    "negative", (json_int_t)s.negative, "slow",
		    (json_int_t)s.slow, "slow_days", a.days, "items", s.items),
		    fmt);
	else if (fmt == JF_FMT_TABLE)
		printf(_("\nvalue at cost %s; %lld low, %lld negative, %lld "
		    "slow (no sale in %d days)\n"), jf_money_fmt(s.value, buf),
		    (long long)s.low, (long long)s.negative,
		    (long long)s.slow, a.days);
	rc = flush(rc);
out:
	jf_close(c);
	return rc;
}

/* -- leaderboard -------------------------------------------------------- */

static const char *const leader_cols[] = { "rank", "member", "name",
	"points", NULL };

static int
leader_row(void *arg, const struct jf_leader *b)
{
	struct jf_out *out = arg;

	jf_out_int(out, b->rank);
	jf_out_str(out, b->code);
	jf_out_str(out, b->name);
	jf_out_int(out, b->points);
	jf_out_end(out);
	return 0;
}

static int
cmd_leaderboard(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c;
	struct args a;
	struct jf_out *out;
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	int rc;

	if ((rc = parse(argc, argv, o, "abg", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = open_db(o, argc, argv, 0, &c)) != 0)
		goto out;
	if (*a.date == '\0')
		memcpy(a.date, c->today, JF_DATE_LEN);
	/* the calendar month or year holding the date */
	memcpy(since, a.date, JF_DATE_LEN);
	if (a.year) {
		memcpy(since + 5, "01-01", 5);
		jf_date_add_months(since, 12, until);
	} else {
		memcpy(since + 8, "01", 2);
		jf_date_add_months(since, 1, until);
	}
	jf_date_add_days(until, -1, until);
	out = jf_out_new(jf_out_format(o), stdout, leader_cols);
	rc = jf_report_leaderboard(c, since, until, a.top, leader_row, out);
	jf_report_end(c);
	if (jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc != 0)
		jf_fail(rc);
	rc = flush(rc);
out:
	jf_close(c);
	return rc;
}

/* -- audit -------------------------------------------------------------- */

static const char *const audit_cols[] = { "check", "subject", "expected",
	"found", NULL };

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
cmd_audit(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c;
	struct jf_out *out = NULL;
	struct args a;
	int64_t n = 0;
	int rc, plain;

	if ((rc = parse(argc, argv, o, "", &a)) != 0)
		return rc < 0 ? 0 : rc;
	/* without -o, one line a breach, for a person or a mail */
	plain = o->fmt < 0;
	if (o->fmt == JF_FMT_HTML)
		return jf_usage_error(_("%s: no html output (daily, points and "
		    "sales have it)"), argv[0]);
	o->reads = 1;
	if ((rc = jf_open("report", o, argc, argv, &c)) != 0) {
		jf_fail(rc);
		goto out;
	}
	if (!plain)
		out = jf_out_new(o->fmt, stdout, audit_cols);
	rc = jf_audit_run(c, breach_line, out, &n);
	if (out != NULL && jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc != 0)
		jf_fail(rc);
	else if (n > 0)
		rc = JF_EREFUSED;
	else if (plain && isatty(STDOUT_FILENO))
		puts(_("ok"));
	rc = flush(rc);
out:
	jf_close(c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "daily", cmd_daily },
	{ "sales", cmd_sales },
	{ "points", cmd_points },
	{ "members", cmd_members },
	{ "stock", cmd_stock },
	{ "leaderboard", cmd_leaderboard },
	{ "audit", cmd_audit },
	{ NULL, NULL }
};

/*
 * jf_run()'s dispatch, but reading -o itself so that "report -o html
 * daily" is allowed as well as "report daily -o html".
 */
static int
dispatch(int argc, char **argv, struct jf_opts *o)
{
	static const struct option common_long[] = { JF_COMMON_LONG };
	int ch, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+" JF_COMMON_SHORT, common_long,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			opterr = 1;
			return jf_usage_error(_("bad option: %s"),
			    argv[optind - 1]);
		}
		if ((rc = common(ch, optarg, o)) != 0)
			return rc == -1 ? 0 : rc;
	}
	opterr = 1;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return jf_usage_error(_("a command is needed"));
	for (const struct jf_cmd *k = cmds; k->name != NULL; k++)
		if (strcmp(k->name, argv[0]) == 0) {
			optind = 0;	/* glibc: reinitialise getopt */
			return k->fn(argc, argv, o);
		}
	return jf_usage_error(_("unknown command \"%s\""), argv[0]);
}

static const struct jf_tool tool = { "report", usage, NULL, dispatch };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
