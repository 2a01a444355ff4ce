/*
 * reportfmt.c - the reports written out, for `report`.
 *
 * Each jf_report_write_* runs its queries (report.c) in the snapshot
 * the caller has begun and writes what they return to the FILE * it is
 * given: flat rows through output.c in every format, the nested JSON
 * of daily, points, members and stock through jansson, and for daily,
 * sales and points an HTML page with charts (html.c).  Where a report
 * has several parts (daily's summary, best sellers and low stock) they
 * are gathered first, as JSON arrays, and written once all are read, so
 * that a failed query writes nothing.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "html.h"
#include "jtime.h"
#include "money.h"
#include "output.h"
#include "report.h"

static json_t *
jmoney(int64_t fen)
{
	char buf[JF_MONEY_BUF];

	return json_string(jf_money_fmt(fen, buf));
}

/* Writes a JSON value (one line for jsonl) and frees it. */
static int
put_json(FILE *fp, json_t *j, int fmt)
{
	int rc;

	rc = json_dumpf(j, fp, JSON_PRESERVE_ORDER |
	    (fmt == JF_FMT_JSONL ? JSON_COMPACT : JSON_INDENT(2)));
	fputc('\n', fp);
	json_decref(j);
	return rc == 0 ? 0 : JF_ESOFTWARE;
}

/*
 * A row's value in column k out: an integer, or money ("gross", a string
 * of yuan in the JSON rows: back to fen, so that a table aligns it as a
 * number), or text.  What it adds to a total, in *sum.
 */
static void
put_cell(struct jf_out *out, json_t *r, const char *k, int64_t *sum)
{
	json_t *v = json_object_get(r, k);
	int64_t fen;

	if (json_is_integer(v)) {
		jf_out_int(out, json_integer_value(v));
		*sum += json_integer_value(v);
	} else if (json_is_string(v) && strcmp(k, "gross") == 0 &&
	    jf_money_parse(json_string_value(v), &fen) == 0) {
		jf_out_money(out, fen);
		*sum += fen;
	} else
		jf_out_str(out, json_string_value(v));
}

/*
 * Rows of a JSON array of objects as a table (or HTML table); with total,
 * on the page, a last row of the sums of the numbers under "Total".
 */
static int
put_rows(FILE *fp, int fmt, const char *const *cols, json_t *rows,
    int total)
{
	struct jf_out *out;
	int64_t sum[16] = { 0 };
	size_t i;
	json_t *r;
	int rc;

	total = total && fmt == JF_FMT_HTML && json_array_size(rows) > 0;
	if (total)
		fputs("<div class=\"totals\">\n", fp);
	out = jf_out_new(fmt, fp, cols);
	json_array_foreach(rows, i, r) {
		for (int k = 0; cols[k] != NULL && k < 16; k++)
			put_cell(out, r, cols[k], &sum[k]);
		jf_out_end(out);
	}
	r = json_array_get(rows, 0);
	for (int k = 0; total && cols[k] != NULL && k < 16; k++)
		if (k == 0)
			jf_out_str(out, _("Total"));
		else if (json_is_integer(json_object_get(r, cols[k])))
			jf_out_int(out, sum[k]);
		else if (strcmp(cols[k], "gross") == 0)
			jf_out_money(out, sum[k]);
		else
			jf_out_str(out, NULL);
	if (total)
		jf_out_end(out);
	rc = jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
	if (total)
		fputs("</div>\n", fp);
	return rc;
}

/* -- daily -------------------------------------------------------------- */

/* The summary's metrics, in order; money marks the amounts in fen. */
struct metric {
	const char *name;
	size_t off;
	int money;
};

/* a metric's name is a JSON key and a CSV value; a table shows its label */
#define M(f, m) offsetof(struct jf_daily, f), m
static const struct metric metrics[] = {
	{ NC_("column", "receipts"), M(receipts, 0) },
	{ NC_("column", "gross"), M(gross, 1) },
	{ NC_("column", "offset"), M(offset, 1) },
	{ NC_("column", "paid"), M(paid, 1) },
	{ NC_("column", "points_earned"), M(points_earned, 0) },
	{ NC_("column", "points_bonus"), M(points_bonus, 0) },
	{ NC_("column", "points_redeemed"), M(points_redeemed, 0) },
	{ NC_("column", "points_expired"), M(points_expired, 0) },
	{ NC_("column", "new_members"), M(new_members, 0) },
	{ NC_("column", "returns"), M(returns, 0) },
	{ NC_("column", "returned"), M(returned, 1) },
	{ NC_("column", "points_awarded"), M(points_awarded, 0) },
	{ NC_("column", "points_reversed"), M(points_reversed, 0) },
	{ NC_("column", "points_adjusted"), M(points_adjusted, 0) },
	{ NC_("column", "points_restored"), M(points_restored, 0) },
	{ NC_("column", "cost"), M(cost, 1) },
	{ NC_("column", "margin"), M(margin, 1) },
	{ NC_("column", "returned_cost"), M(returned_cost, 1) },
	{ NULL, 0, 0 }
};
#undef M

static int64_t
metric(const struct jf_daily *d, const struct metric *m)
{
	return *(const int64_t *)((const char *)d + m->off);
}

static const char *const summary_cols[] = {
	NC_("column", "metric"), NC_("summary", "value"), NULL
};
static const char *const top_cols[] = {
	NC_("column", "sku"), NC_("column", "name"), NC_("column", "qty"),
	NC_("column", "gross"), NULL
};
static const char *const low_cols[] = {
	NC_("column", "store"), NC_("column", "sku"), NC_("column", "name"),
	NC_("column", "on_hand"), NC_("column", "reorder_level"),
	NC_("column", "status"), NULL
};

/* What the daily report gathers before it writes. */
struct day {
	struct jf_daily d;
	const char *store;	/* NULL: the chain */
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
 * The summary as metric, value rows: CSV's metrics by name, a table's
 * (and the page's) by their labels.
 */
static int
put_summary(FILE *fp, int fmt, const struct jf_daily *d)
{
	struct jf_out *out = jf_out_new(fmt, fp, summary_cols);
	int csv = fmt != JF_FMT_TABLE && fmt != JF_FMT_HTML;

	jf_out_labels(out, "summary");
	for (const struct metric *m = metrics; m->name; m++) {
		jf_out_str(out, csv ? m->name : jf_label(NULL, m->name));
		if (m->money)
			jf_out_money(out, metric(d, m));
		else
			jf_out_int(out, metric(d, m));
		jf_out_end(out);
	}
	jf_out_str(out, csv ? "audit_head" : jf_label(NULL,
	    NC_("column", "audit_head")));
	jf_out_str(out, d->audit_head);
	jf_out_end(out);
	jf_out_str(out, csv ? "ledger_head" : jf_label(NULL,
	    NC_("column", "ledger_head")));
	jf_out_str(out, d->ledger_head);
	jf_out_end(out);
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static int
day_json(FILE *fp, int fmt, const struct day *y)
{
	json_t *sum = json_object();

	for (const struct metric *m = metrics; m->name; m++)
		json_object_set_new(sum, m->name, m->money ?
		    jmoney(metric(&y->d, m)) : json_integer(metric(&y->d, m)));
	json_object_set_new(sum, "audit_head", json_string(y->d.audit_head));
	json_object_set_new(sum, "ledger_head", json_string(y->d.ledger_head));
	return put_json(fp, json_pack("{s:s, s:s?, s:o, s:O, s:O}", "date",
	    y->d.day, "store", y->store, "summary", sum, "top_products",
	    y->top, "low_stock", y->low), fmt);
}

/* The top products' chart: their gross, by name, at most 64 of them. */
static void
day_top_chart(FILE *fp, const struct day *y)
{
	const char *const gross[] = { jf_label(NULL,
		NC_("column", "gross")) };
	const char *labels[64];
	int64_t v[64];
	size_t n = json_array_size(y->top), i;
	json_t *r;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		r = json_array_get(y->top, i);
		labels[i] = json_string_value(json_object_get(r, "name"));
		if (labels[i] == NULL || *labels[i] == '\0')
			labels[i] = json_string_value(json_object_get(r,
			    "sku"));
		if (jf_money_parse(json_string_value(json_object_get(r,
		    "gross")), &v[i]) == -1)
			v[i] = 0;
	}
	jf_html_chart(fp, _("Top products (gross)"), (int)n, labels, 1,
	    gross, v, 1);
}

/*
 * The day's points as the summary has them, a bar each, under the
 * summary's labels: earned, redeemed and expired always, the others
 * when there were any.
 */
static void
day_points_chart(FILE *fp, const struct day *y)
{
	const char *const pts[] = { jf_label(NULL,
		NC_("column", "points")) };
	const char *labels[16];
	int64_t v[16];
	int n = 0;

	for (const struct metric *m = metrics; m->name; m++) {
		if (strncmp(m->name, "points_", 7) != 0 || (metric(&y->d, m)
		    == 0 && strcmp(m->name, "points_earned") != 0 &&
		    strcmp(m->name, "points_redeemed") != 0 &&
		    strcmp(m->name, "points_expired") != 0))
			continue;
		labels[n] = jf_label(NULL, m->name);
		v[n++] = metric(&y->d, m);
	}
	jf_html_chart(fp, _("Points earned, redeemed and expired"), n,
	    labels, 1, pts, v, 0);
}

static int
day_html(FILE *fp, const struct day *y)
{
	static const char *const hours[24] = { "00", "01", "02", "03", "04",
		"05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
		"15", "16", "17", "18", "19", "20", "21", "22", "23" };
	const char *const parts[] = {
		jf_label(NULL, NC_("column", "paid")),
		jf_label(NULL, NC_("column", "offset"))
	};
	int64_t v[48];
	char title[128];
	int rc;

	snprintf(title, sizeof(title), _("Daily report %s%s%s"), y->d.day,
	    y->store ? " — " : "", y->store ? y->store : "");
	jf_html_begin(fp, title);
	jf_html_heading(fp, _("Summary"));
	rc = put_summary(fp, JF_FMT_HTML, &y->d);
	/* each hour's gross: what was paid, and what points paid */
	memcpy(v, y->d.hour_paid, sizeof(y->d.hour_paid));
	memcpy(v + 24, y->d.hour_offset, sizeof(y->d.hour_offset));
	jf_html_stack(fp, _("Sales by hour: paid and points offset"), 24,
	    hours, 2, parts, v, 1);
	day_points_chart(fp, y);
	day_top_chart(fp, y);
	if (put_rows(fp, JF_FMT_HTML, top_cols, y->top, 1) != 0)
		rc = JF_ESOFTWARE;
	jf_html_heading(fp, _("Low and negative stock"));
	if (json_array_size(y->low) == 0)
		fprintf(fp, "<p class=\"note\">%s</p>\n", _("None."));
	else if (put_rows(fp, JF_FMT_HTML, low_cols, y->low, 0) != 0)
		rc = JF_ESOFTWARE;
	jf_html_end(fp);
	return rc;
}

/* table: a title, the summary, best sellers and low stock; csv: the summary */
static int
day_text(FILE *fp, int fmt, const struct day *y)
{
	int rc;

	if (fmt == JF_FMT_TABLE)
		fprintf(fp, _("Daily report %s (%s)\n\n"), y->d.day,
		    y->store ? y->store : _("all stores"));
	if ((rc = put_summary(fp, fmt, &y->d)) != 0 || fmt != JF_FMT_TABLE)
		return rc;
	fprintf(fp, _("\nTop products\n"));
	rc = put_rows(fp, fmt, top_cols, y->top, 0);
	fprintf(fp, _("\nLow and negative stock\n"));
	if (put_rows(fp, fmt, low_cols, y->low, 0) != 0)
		rc = JF_ESOFTWARE;
	return rc;
}

/* The day's figures, its best sellers and the stock low or below zero. */
static int
day_read(struct jf_ctx *c, const struct jf_report_args *a, struct day *y)
{
	char day[JF_DATE_LEN], slow[JF_DATE_LEN];
	int rc;

	if ((rc = jf_report_store(c, y->store)) != 0)
		return rc;
	snprintf(day, sizeof(day), "%s", *a->date ? a->date : c->today);
	/* only low and negative matter here: no product is slow */
	jf_date_add_days(c->today, -36500, slow);
	if ((rc = jf_report_daily(c, day, y->store, &y->d)) != 0 ||
	    (rc = jf_report_top(c, day, day, y->store, (int)a->top, day_top,
	    y)) != 0)
		return rc;
	return jf_report_stock(c, y->store, slow, day_low, y);
}

int
jf_report_write_daily(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	struct day y = { .store = jf_store_filter(c) };
	int rc;

	y.top = json_array();
	y.low = json_array();
	if ((rc = day_read(c, a, &y)) == 0) {
		if (fmt == JF_FMT_JSON || fmt == JF_FMT_JSONL)
			rc = day_json(fp, fmt, &y);
		else if (fmt == JF_FMT_HTML)
			rc = day_html(fp, &y);
		else
			rc = day_text(fp, fmt, &y);
	}
	json_decref(y.top);
	json_decref(y.low);
	return rc;
}

/* -- sales -------------------------------------------------------------- */

/* the page's title, by JF_BY_* */
static const char *const by_titles[] = { N_("Sales by day"),
	N_("Sales by month"), N_("Sales by product"), N_("Sales by category"),
	N_("Sales by member"), N_("Sales by year"), N_("Sales") };

static const char *const sales_cols[] = {
	NC_("column", "key"), NC_("column", "receipts"), NC_("column", "qty"),
	NC_("column", "gross"), NC_("column", "offset"), NC_("column", "paid"),
	NC_("column", "cost"), NC_("column", "margin"),
	NC_("column", "margin_pct"), NULL
};

/*
 * The page's columns, by JF_BY_*: the key under its own name, and a
 * product's or member's name beside its SKU or code.
 */
#define SALES_FIGURES NC_("column", "receipts"), NC_("column", "qty"), \
	NC_("column", "gross"), NC_("column", "offset"), \
	NC_("column", "paid"), NC_("column", "cost"), \
	NC_("column", "margin"), NC_("column", "margin_pct"), NULL
static const char *const sales_page_cols[][11] = {
	{ NC_("column", "day"), SALES_FIGURES },
	{ NC_("column", "month"), SALES_FIGURES },
	{ NC_("column", "sku"), NC_("column", "name"), SALES_FIGURES },
	{ NC_("column", "category"), SALES_FIGURES },
	{ NC_("column", "member"), NC_("person", "name"), SALES_FIGURES },
	{ NC_("column", "year"), SALES_FIGURES },
};
#undef SALES_FIGURES

#define KEYS 60			/* the chart's: the first keys */

struct sales {
	struct jf_out *out;
	int by;
	int page;		/* the HTML page: names, totals, a chart */
	int nkeys;		/* the keys kept for the chart, and all */
	int64_t nrows;
	char *keys[KEYS];
	int64_t paid[KEYS], offset[KEYS];
	struct jf_sales_row sum;
};

/*
 * A row's key as the page shows it: a receipt without a member, or a
 * product without a category, said so.
 */
static const char *
sales_key(const struct sales *s, const struct jf_sales_row *r)
{
	if (r->key != NULL)
		return r->key;
	return s->by == JF_BY_MEMBER ? _("(not a member)") :
	    _("(no category)");
}

/*
 * The money of a row, or of the totals: gross to margin, and the margin
 * as a percentage of paid (hundredths, written as money is: "23.45"),
 * absent when nothing was paid.
 */
static void
sales_money(struct jf_out *out, const struct jf_sales_row *r)
{
	int64_t pct;

	jf_out_money(out, r->gross);
	jf_out_money(out, r->offset);
	jf_out_money(out, r->paid);
	jf_out_money(out, r->cost);
	jf_out_money(out, r->margin);
	if (jf_margin_pct(r->margin, r->paid, &pct) == 0)
		jf_out_money(out, pct);
	else
		jf_out_str(out, NULL);
	jf_out_end(out);
}

/* The figures of a row, or of the totals. */
static void
sales_figures(struct jf_out *out, const struct jf_sales_row *r)
{
	jf_out_int(out, r->receipts);
	jf_out_int(out, r->qty);
	sales_money(out, r);
}

static int
sales_row(void *arg, const struct jf_sales_row *r)
{
	struct sales *s = arg;
	int named = s->by == JF_BY_PRODUCT || s->by == JF_BY_MEMBER;
	const char *label;

	s->nrows++;
	if (!s->page) {
		jf_out_str(s->out, r->key);
		sales_figures(s->out, r);
		return 0;
	}
	jf_out_str(s->out, sales_key(s, r));
	if (named)
		jf_out_str(s->out, r->name);
	sales_figures(s->out, r);
	s->sum.receipts += r->receipts;
	s->sum.qty += r->qty;
	s->sum.gross += r->gross;
	s->sum.offset += r->offset;
	s->sum.paid += r->paid;
	s->sum.cost += r->cost;
	s->sum.margin += r->margin;
	if (s->nkeys < KEYS) {
		label = named && r->name != NULL && *r->name != '\0' ?
		    r->name : sales_key(s, r);
		if ((s->keys[s->nkeys] = strdup(label)) == NULL)
			return jf_error(JF_ESOFTWARE, _("out of memory"));
		s->paid[s->nkeys] = r->paid;
		s->offset[s->nkeys] = r->offset;
		s->nkeys++;
	}
	return 0;
}

/*
 * The page's last row: the sums.  A receipt with lines of several
 * products (or categories) counts under each, so there the receipts do
 * not add up and their total is left out.
 */
static void
sales_total(struct sales *s)
{
	if (s->nrows == 0)
		return;
	jf_out_str(s->out, _("Total"));
	if (s->by == JF_BY_PRODUCT || s->by == JF_BY_MEMBER)
		jf_out_str(s->out, NULL);
	if (s->by == JF_BY_PRODUCT || s->by == JF_BY_CATEGORY) {
		jf_out_str(s->out, NULL);
		jf_out_int(s->out, s->sum.qty);
		sales_money(s->out, &s->sum);
	} else
		sales_figures(s->out, &s->sum);
}

/* The page's chart: each key's gross, what was paid and what points paid. */
static void
sales_chart(FILE *fp, const struct sales *s)
{
	const char *const series[] = { jf_label(NULL, NC_("column", "paid")),
		jf_label(NULL, NC_("column", "offset")) };
	int64_t v[2 * KEYS];

	for (int i = 0; i < s->nkeys; i++) {
		v[i] = s->paid[i];
		v[s->nkeys + i] = s->offset[i];
	}
	jf_html_stack(fp, _("Gross: paid and points offset"), s->nkeys,
	    (const char *const *)s->keys, 2, series, v, 1);
	if (s->nrows > s->nkeys) {
		fputs("<p class=\"note\">", fp);
		fprintf(fp, _("The chart shows the first %d of the %lld rows."),
		    s->nkeys, (long long)s->nrows);
		fputs("</p>\n", fp);
	}
}

/* The page's title: the grouping and the range of days. */
static void
sales_title(const struct jf_report_args *a, int by, char *title,
    size_t size)
{
	const char *t = _(by_titles[by]);

	if (*a->since && *a->until)
		snprintf(title, size, _("%s, %s to %s"), t, a->since,
		    a->until);
	else if (*a->since || *a->until)
		snprintf(title, size, *a->since ? _("%s, since %s") :
		    _("%s, until %s"), t, *a->since ? a->since : a->until);
	else
		snprintf(title, size, "%s", t);
}

/*
 * The page: the chart, then the table it was drawn from, which is
 * written first to memory as the rows come.
 */
static int
sales_page(struct jf_ctx *c, FILE *fp, const struct jf_report_args *a,
    struct sales *s)
{
	char title[160], *table = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (s->by > JF_BY_YEAR)
		return jf_error(JF_EUSAGE, _("--by: not a grouping for sales"));
	if ((mem = open_memstream(&table, &len)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	s->out = jf_out_new(JF_FMT_HTML, mem, sales_page_cols[s->by]);
	if (s->by == JF_BY_MEMBER)
		jf_out_labels(s->out, "person");
	rc = jf_report_sales(c, s->by, a->since, a->until, jf_store_filter(c),
	    sales_row, s);
	if (rc == 0)
		sales_total(s);
	rc = jf_out_done(s->out, rc);
	if (fclose(mem) != 0 && rc == 0)
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
	if (rc == 0) {
		sales_title(a, s->by, title, sizeof(title));
		jf_html_begin(fp, title);
		sales_chart(fp, s);
		jf_html_heading(fp, _("Sales"));
		fprintf(fp, "<div class=\"totals\">\n%s</div>\n", table);
		jf_html_end(fp);
	}
	free(table);
	return rc;
}

int
jf_report_write_sales(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	struct sales s = { .page = fmt == JF_FMT_HTML };
	int rc;

	s.by = a->by < 0 ? JF_BY_DAY : a->by;
	if (s.page)
		rc = sales_page(c, fp, a, &s);
	else {
		s.out = jf_out_new(fmt, fp, sales_cols);
		rc = jf_report_sales(c, s.by, a->since, a->until,
		    jf_store_filter(c), sales_row, &s);
		rc = jf_out_done(s.out, rc);
	}
	for (int i = 0; i < s.nkeys; i++)
		free(s.keys[i]);
	return rc;
}

/* -- points ------------------------------------------------------------- */

#define POINTS_COLS NC_("column", "period"), NC_("column", "earned"), \
	NC_("column", "bonus"), NC_("column", "awarded"), \
	NC_("column", "adjusted"), NC_("column", "redeemed"), \
	NC_("column", "expired"), NC_("column", "reversed"), \
	NC_("column", "restored")
enum { NPOINTS = 9 };		/* the period and the movements */
static const char *const points_cols[] = { POINTS_COLS, NULL };
/* CSV, TSV and JSON Lines: every row also has what the table heads */
static const char *const points_flat_cols[] = { POINTS_COLS,
	NC_("column", "outstanding"), NC_("column", "liability"), NULL };
#undef POINTS_COLS

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

/* A row's integer in column k. */
static int64_t
col(json_t *r, const char *k)
{
	return json_integer_value(json_object_get(r, k));
}

/* What report points read: the book's outstanding points, the periods. */
struct pts {
	int64_t outstanding, liability;
	json_t *rows;
};

/*
 * One period's row: its movements, added to sum; flat (CSV, TSV, JSON
 * Lines), the outstanding points and liability too.
 */
static void
points_line(struct jf_out *out, json_t *r, const struct pts *p, int flat,
    int64_t *sum)
{
	const char *period = json_string_value(json_object_get(r, "period"));

	jf_out_str(out, period ? period : "all");
	for (int k = 1; k < NPOINTS; k++) {
		jf_out_int(out, col(r, points_cols[k]));
		sum[k] += col(r, points_cols[k]);
	}
	if (flat) {
		jf_out_int(out, p->outstanding);
		jf_out_money(out, p->liability);
	}
	jf_out_end(out);
}

/*
 * The periods; flat, one row "all" of no movement when there is none,
 * so the outstanding points are there; on the page, a row of totals.
 */
static int
put_points(FILE *fp, int fmt, const struct pts *p)
{
	int flat = fmt == JF_FMT_CSV || fmt == JF_FMT_TSV ||
	    fmt == JF_FMT_JSONL;
	int total = fmt == JF_FMT_HTML && json_array_size(p->rows) > 0;
	struct jf_out *out;
	int64_t sum[NPOINTS] = { 0 };
	size_t i;
	json_t *r;
	int rc;

	if (total)
		fputs("<div class=\"totals\">\n", fp);
	out = jf_out_new(fmt, fp, flat ? points_flat_cols : points_cols);
	json_array_foreach(p->rows, i, r)
		points_line(out, r, p, flat, sum);
	if (flat && json_array_size(p->rows) == 0) {
		r = json_object();
		points_line(out, r, p, flat, sum);
		json_decref(r);
	}
	if (total) {
		jf_out_str(out, _("Total"));
		for (int k = 1; k < NPOINTS; k++)
			jf_out_int(out, sum[k]);
		jf_out_end(out);
	}
	rc = jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
	if (total)
		fputs("</div>\n", fp);
	return rc;
}

/*
 * The chart of the periods: a bar for each movement the table has a
 * column for, under the column's label, leaving out those that never
 * moved (earned is always there).
 */
static void
points_chart(FILE *fp, json_t *rows)
{
	size_t n = json_array_size(rows), i;
	const char **labels = calloc(n ? n : 1, sizeof(*labels));
	int64_t *v = calloc(NPOINTS * (n ? n : 1), sizeof(*v));
	const char *series[NPOINTS];
	int ns = 0;
	json_t *r;

	if (labels == NULL || v == NULL)
		n = 0;
	for (int k = 1; k < NPOINTS; k++) {
		int any = k == 1;

		json_array_foreach(rows, i, r)
			any |= col(r, points_cols[k]) != 0;
		if (!any || n == 0)
			continue;
		json_array_foreach(rows, i, r) {
			labels[i] = json_string_value(json_object_get(r,
			    "period"));
			v[ns * n + i] = col(r, points_cols[k]);
		}
		series[ns++] = jf_label(NULL, points_cols[k]);
	}
	if (ns == 0)
		series[ns++] = jf_label(NULL, points_cols[1]);
	jf_html_chart(fp, _("Points earned, redeemed and expired"),
	    (int)n, labels, ns, series, v, 0);
	free(labels);
	free(v);
}

static int
points_html(FILE *fp, const struct pts *p)
{
	char buf[JF_MONEY_BUF];
	int rc;

	jf_html_begin(fp, _("Points"));
	fprintf(fp, "<p>%s <b>%lld</b> &nbsp; %s <b>%s</b></p>\n",
	    _("outstanding points"), (long long)p->outstanding,
	    _("liability (yuan)"), jf_money_fmt(p->liability, buf));
	points_chart(fp, p->rows);
	jf_html_heading(fp, _("Periods"));
	rc = put_points(fp, JF_FMT_HTML, p);
	jf_html_end(fp);
	return rc;
}

/* points: json one object; else the periods, under a header in a table. */
static int
points_put(FILE *fp, int fmt, const struct pts *p)
{
	char buf[JF_MONEY_BUF];

	if (fmt == JF_FMT_JSON)
		return put_json(fp, json_pack("{s:I, s:o, s:O}", "outstanding",
		    (json_int_t)p->outstanding, "liability",
		    jmoney(p->liability), "periods", p->rows), fmt);
	if (fmt == JF_FMT_HTML)
		return points_html(fp, p);
	if (fmt == JF_FMT_TABLE)
		fprintf(fp, _("outstanding  %lld points\n"
		    "liability    %s yuan\n\n"), (long long)p->outstanding,
		    jf_money_fmt(p->liability, buf));
	return put_points(fp, fmt, p);
}

int
jf_report_write_points(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	int by = a->by < 0 ? JF_BY_ALL : a->by;
	struct pts p = { .rows = json_array() };
	int rc;

	if ((rc = jf_report_outstanding(c, &p.outstanding,
	    &p.liability)) == 0 && (rc = jf_report_points(c, by, a->since,
	    a->until, points_row, p.rows)) == 0)
		rc = points_put(fp, fmt, &p);
	json_decref(p.rows);
	return rc;
}

/* -- members ------------------------------------------------------------ */

static const char *const count_cols[] = {
	NC_("count", "group"), NC_("count", "key"), NC_("column", "members"),
	NULL
};

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

int
jf_report_write_members(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	struct counts s = { 0 };
	int rc;

	if (fmt == JF_FMT_JSON)
		s.obj = json_object();
	else {
		s.out = jf_out_new(fmt, fp, count_cols);
		jf_out_labels(s.out, "count");
	}
	rc = jf_report_members(c, count_row, &s);
	rc = jf_out_done(s.out, rc);
	if (rc == 0 && s.obj != NULL) {
		rc = put_json(fp, s.obj, fmt);
		s.obj = NULL;
	}
	json_decref(s.obj);
	return rc;
}

/* -- stock -------------------------------------------------------------- */

static const char *const stock_cols[] = {
	NC_("column", "store"), NC_("column", "sku"), NC_("column", "name"),
	NC_("column", "category"), NC_("column", "on_hand"),
	NC_("column", "reorder_level"), NC_("column", "avg_cost"),
	NC_("column", "value"), NC_("column", "last_sale"),
	NC_("column", "flags"), NULL
};

struct stockr {
	struct jf_out *out;	/* rows, or */
	json_t *items;		/* JSON's */
	int64_t value, low, negative, slow, n;
};

static void
stock_out(struct jf_out *out, const struct jf_stock_line *l,
    const char *flags)
{
	jf_out_str(out, l->store);
	jf_out_str(out, l->sku);
	jf_out_str(out, l->name);
	jf_out_str(out, l->category);
	jf_out_int(out, l->on_hand);
	jf_out_int(out, l->reorder_level);
	jf_out_money(out, l->avg_cost);
	jf_out_money(out, l->value);
	jf_out_str(out, l->last_out ? l->last_out : NULL);
	jf_out_str(out, flags);
	jf_out_end(out);
}

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
	if (s->items == NULL) {
		stock_out(s->out, l, flags);
		return 0;
	}
	json_array_append_new(s->items, json_pack("{s:s, s:s, s:s, s:s?, s:I, "
	    "s:I, s:o, s:o, s:s?, s:s}", "store", l->store, "sku", l->sku,
	    "name", l->name, "category", l->category, "on_hand",
	    (json_int_t)l->on_hand, "reorder_level",
	    (json_int_t)l->reorder_level, "avg_cost", jmoney(l->avg_cost),
	    "value", jmoney(l->value), "last_sale", l->last_out, "flags",
	    flags));
	return 0;
}

/* json: {"value": ..., the counts, "items": [the rows]}; table: a footer. */
static int
stock_end(FILE *fp, int fmt, struct stockr *s, int64_t days)
{
	char buf[JF_MONEY_BUF];

	if (fmt == JF_FMT_JSON) {
		json_t *items = s->items;

		s->items = NULL;
		return put_json(fp, json_pack("{s:o, s:I, s:I, s:I, s:I, s:o}",
		    "value", jmoney(s->value), "low", (json_int_t)s->low,
		    "negative", (json_int_t)s->negative, "slow",
		    (json_int_t)s->slow, "slow_days", (json_int_t)days,
		    "items", items), fmt);
	}
	if (fmt == JF_FMT_TABLE)
		fprintf(fp, _("\nvalue at cost %s; %lld low, %lld negative, "
		    "%lld slow (no sale in %lld days)\n"),
		    jf_money_fmt(s->value, buf), (long long)s->low,
		    (long long)s->negative, (long long)s->slow,
		    (long long)days);
	return 0;
}

/*
 * The reconciliation (report stock --since --until): a row per store,
 * read before any is written; a table or JSON adds the chain's total.
 */
static const char *const recon_cols[] = {
	NC_("column", "store"), NC_("column", "since"), NC_("column", "until"),
	NC_("column", "opening"), NC_("column", "purchases"),
	NC_("column", "cost_of_sales"), NC_("column", "returned_cost"),
	NC_("column", "adjustments"), NC_("column", "gifts"),
	NC_("column", "closing"), NULL
};

struct recon {
	const char *since, *until;	/* NULL: from the first move */
	struct jf_recon *rows, sum;
	int n;
};

/* Adds the figures of k to those of sum. */
static void
recon_add(struct jf_recon *sum, const struct jf_recon *k)
{
	sum->opening += k->opening;
	sum->purchases += k->purchases;
	sum->sales += k->sales;
	sum->returns += k->returns;
	sum->adjustments += k->adjustments;
	sum->gifts += k->gifts;
	sum->closing += k->closing;
}

static int
recon_row(void *arg, const struct jf_recon *k)
{
	struct recon *r = arg;
	struct jf_recon *x = realloc(r->rows, (r->n + 1) * sizeof(*x));

	if (x == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	r->rows = x;
	x[r->n] = *k;
	if ((x[r->n].store = strdup(k->store)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	r->n++;
	recon_add(&r->sum, k);
	return 0;
}

static void
recon_out(struct jf_out *out, const struct recon *r, const struct jf_recon *k)
{
	jf_out_str(out, k->store);
	jf_out_str(out, r->since);
	jf_out_str(out, r->until);
	jf_out_money(out, k->opening);
	jf_out_money(out, k->purchases);
	jf_out_money(out, k->sales);
	jf_out_money(out, k->returns);
	jf_out_money(out, k->adjustments);
	jf_out_money(out, k->gifts);
	jf_out_money(out, k->closing);
	jf_out_end(out);
}

/* A row's figures as a JSON object, its store too when it has one. */
static json_t *
recon_json(const struct jf_recon *k)
{
	return json_pack("{s:s*, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "store",
	    k->store, "opening", jmoney(k->opening), "purchases",
	    jmoney(k->purchases), "cost_of_sales", jmoney(k->sales),
	    "returned_cost", jmoney(k->returns), "adjustments",
	    jmoney(k->adjustments), "gifts", jmoney(k->gifts), "closing",
	    jmoney(k->closing));
}

/*
 * json: {since, until, stores: [...], total: {...}}; else a row per
 * store, and in a table a title and, for more than one store, a total.
 */
static int
recon_put(FILE *fp, int fmt, struct recon *r)
{
	struct jf_out *out;
	json_t *rows;

	if (fmt == JF_FMT_JSON) {
		rows = json_array();
		for (int i = 0; i < r->n; i++)
			json_array_append_new(rows, recon_json(&r->rows[i]));
		r->sum.store = NULL;
		return put_json(fp, json_pack("{s:s?, s:s, s:o, s:o}", "since",
		    r->since, "until", r->until, "stores", rows, "total",
		    recon_json(&r->sum)), fmt);
	}
	if (fmt == JF_FMT_TABLE)
		fprintf(fp, _("Stock value at cost, %s to %s: opening + "
		    "purchases - cost of sales + returns + adjustments - gifts "
		    "= closing\n\n"), r->since ? r->since : _("the start"),
		    r->until);
	out = jf_out_new(fmt, fp, recon_cols);
	for (int i = 0; i < r->n; i++)
		recon_out(out, r, &r->rows[i]);
	if (fmt == JF_FMT_TABLE && r->n > 1) {
		r->sum.store = _("Total");
		recon_out(out, r, &r->sum);
	}
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static int
stock_reconcile(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	struct recon r = { .since = *a->since ? a->since : NULL,
		.until = *a->until ? a->until : c->today };
	int rc;

	rc = jf_report_reconcile(c, a->since, a->until, jf_store_filter(c),
	    recon_row, &r);
	if (rc == 0)
		rc = recon_put(fp, fmt, &r);
	for (int i = 0; i < r.n; i++)
		free((char *)r.rows[i].store);
	free(r.rows);
	return rc;
}

int
jf_report_write_stock(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	struct stockr s = { 0 };
	char since[JF_DATE_LEN];
	int rc;

	if (*a->since || *a->until)
		return stock_reconcile(c, fp, fmt, a);

	jf_date_add_days(c->today, -(int)a->days, since);
	if (fmt == JF_FMT_JSON)
		s.items = json_array();
	else
		s.out = jf_out_new(fmt, fp, stock_cols);
	rc = jf_report_stock(c, jf_store_filter(c), since, stock_row, &s);
	if (s.out != NULL && jf_out_free(s.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc == 0)
		rc = stock_end(fp, fmt, &s, a->days);
	json_decref(s.items);
	return rc;
}

/* -- leaderboard -------------------------------------------------------- */

static const char *const leader_cols[] = {
	NC_("column", "rank"), NC_("column", "member"), NC_("person", "name"),
	NC_("column", "points"), NULL
};

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

/* The calendar month (or year) holding day, as its first and last days. */
static void
period(const char *day, int year, char *since, char *until)
{
	memcpy(since, day, JF_DATE_LEN);
	if (year) {
		memcpy(since + 5, "01-01", 5);
		jf_date_add_months(since, 12, until);
	} else {
		memcpy(since + 8, "01", 2);
		jf_date_add_months(since, 1, until);
	}
	jf_date_add_days(until, -1, until);
}

int
jf_report_write_leaderboard(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a)
{
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	struct jf_out *out;
	int rc;

	period(*a->date ? a->date : c->today, a->year, since, until);
	out = jf_out_new(fmt, fp, leader_cols);
	jf_out_labels(out, "person");
	rc = jf_report_leaderboard(c, since, until, (int)a->top, leader_row,
	    out);
	if (jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	return rc;
}
