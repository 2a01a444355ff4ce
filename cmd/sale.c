/*
 * sale - the till (销): add, quote, import, return, show and list sales.
 *
 * Each subcommand parses its options, opens the book and does its one
 * job through lib/sale.h: add and return in one transaction, quote in
 * one that is rolled back, import in large batches of whole receipts.
 * An import reads its input twice: once for the receipt numbers alone,
 * refusing a file where the lines of one receipt stand apart (it names
 * both rows), then for good, gathering a receipt's rows until the number
 * changes and recording, skipping (recorded already) or rejecting it
 * whole.  Standard input is spooled to a temporary file for that.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "input.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "sale.h"

static const char usage[] =
    "usage: sale add [--member ID] [--receipt R] [--at TS] [--use-points N]\n"
    "                SKU:QTY[@PRICE] ...\n"
    "       sale quote [--member ID] [--at TS] [--use-points N]\n"
    "                SKU:QTY[@PRICE] ...\n"
    "       sale import [FILE|-] [--rejects F] [--strict] [--ignore-unknown]\n"
    "                [--input csv|jsonl] [--batch N]\n"
    "       sale return RECEIPT [SKU:QTY ...] [--at TS]\n"
    "       sale show RECEIPT [--lines]\n"
    "       sale list [--since D] [--until D] [--member ID] [--lines]\n"
    "common: [-d PATH] [-o table|csv|json|jsonl] [-n] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

static const char *const sale_cols[] = { "receipt", "at", "member", "gross",
	"offset", "paid", "points_used", "points_earned", "bonus_points",
	"balance", NULL };
static const char *const line_cols[] = { "receipt", "line", "sku", "name",
	"qty", "price", "amount", "multiplier", "points", "returned", NULL };
static const char *const list_cols[] = { "receipt", "at", "store", "member",
	"gross", "offset", "paid", "points_used", "points_earned",
	"bonus_points", "returned", NULL };
/* the columns sale import reads, so `list --lines` feeds `import` */
static const char *const import_cols[] = { "receipt", "at", "store",
	"member", "sku", "qty", "price", "points_used", NULL };
static const char *const return_cols[] = { "receipt", "returned_gross",
	"points_reversed", "points_restored", "balance", NULL };

enum {
	O_MEMBER = JF_OPT_LOCAL, O_RECEIPT, O_AT, O_USE, O_REJECTS, O_STRICT,
	O_IGNORE, O_INPUT, O_BATCH, O_LINES, O_SINCE, O_UNTIL
};

static const struct option longopts[] = {
	{ "member", required_argument, NULL, O_MEMBER },
	{ "receipt", required_argument, NULL, O_RECEIPT },
	{ "at", required_argument, NULL, O_AT },
	{ "use-points", required_argument, NULL, O_USE },
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "ignore-unknown", no_argument, NULL, O_IGNORE },
	{ "input", required_argument, NULL, O_INPUT },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "lines", no_argument, NULL, O_LINES },
	{ "since", required_argument, NULL, O_SINCE },
	{ "until", required_argument, NULL, O_UNTIL },
	JF_COMMON_LONG
};

/* Everything any subcommand may be given; each takes what it allows. */
struct args {
	const char *member, *receipt, *rejects;
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	int64_t use, batch;
	int strict, ignore, jsonl, lines;
};

/*
 * Parses argv with the subcommand's allowed options (a string of
 * letters, 'a' for O_MEMBER on).  0, or the status to return (-1: -h
 * or --version answered).
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *allow,
    struct args *a)
{
	int ch, rc;

	memset(a, 0, sizeof(*a));
	a->batch = 10000;
	while ((ch = jf_getopt(argc, argv, JF_COMMON_SHORT, longopts,
	    allow)) != -1) {
		switch (ch) {
		case O_MEMBER:
			a->member = optarg;
			break;
		case O_RECEIPT:
			if (*optarg == '\0' || strlen(optarg) > JF_RECEIPT_MAX)
				return jf_usage_error(_("--receipt: not a "
				    "receipt number: \"%s\""), optarg);
			a->receipt = optarg;
			break;
		case O_AT:
			o->at = optarg;
			break;
		case O_USE:
			if (jf_int_parse(optarg, JF_MONEY_MAX, &a->use) == -1 ||
			    a->use < 0)
				return jf_usage_error(_("--use-points: not a "
				    "number of points: \"%s\""), optarg);
			break;
		case O_REJECTS:
			a->rejects = optarg;
			break;
		case O_STRICT:
			a->strict = 1;
			break;
		case O_IGNORE:
			a->ignore = 1;
			break;
		case O_INPUT:
			if (strcmp(optarg, "csv") && strcmp(optarg, "jsonl"))
				return jf_usage_error(_("--input: csv or "
				    "jsonl, not \"%s\""), optarg);
			a->jsonl = strcmp(optarg, "jsonl") == 0;
			break;
		case O_BATCH:
			if (jf_int_parse(optarg, 100000000, &a->batch) == -1 ||
			    a->batch < 1)
				return jf_usage_error(_("--batch: not a number "
				    "of receipts: \"%s\""), optarg);
			break;
		case O_LINES:
			a->lines = 1;
			break;
		case O_SINCE:
		case O_UNTIL:
			if (jf_date_parse(optarg, ch == O_SINCE ? a->since :
			    a->until) == -1)
				return jf_usage_error("%s: %s", ch == O_SINCE ?
				    "--since" : "--until", jf_errmsg());
			break;
		case '?':
			return JF_EUSAGE;
		default:
			if ((rc = jf_opt_common(ch, optarg, o)) != 0)
				return rc;
		}
	}
	return 0;
}

/* "1.50" for 150 hundredths: factors print as the rules write them. */
static const char *
factor(int64_t h, char *buf)
{
	return jf_money_fmt(h, buf);
}

static json_t *
lines_json(const struct jf_sale *s, int returned)
{
	json_t *a = json_array();
	char b1[JF_MONEY_BUF], b2[JF_MONEY_BUF], b3[JF_MONEY_BUF];

	for (int i = 0; i < s->nlines; i++) {
		const struct jf_sale_line *l = &s->lines[i];
		json_t *o = json_pack("{s:s?, s:I, s:s, s:s, s:s, s:I}",
		    "sku", l->sku, "qty", (json_int_t)l->qty,
		    "price", jf_money_fmt(l->price, b1),
		    "amount", jf_money_fmt(l->amount, b2),
		    "multiplier", factor(l->mult, b3),
		    "points", (json_int_t)l->points);

		if (o == NULL)
			continue;
		if (returned)
			json_object_set_new(o, "returned",
			    json_integer(l->returned));
		json_array_append_new(a, o);
	}
	return a;
}

/* One sale as add, quote and show print it. */
static int
print_sale(int fmt, const struct jf_sale *s, int returned)
{
	struct jf_out *out = jf_out_new(fmt, stdout, sale_cols);

	jf_out_single(out);
	jf_out_str(out, s->receipt);
	jf_out_str(out, s->at);
	jf_out_str(out, s->member);
	jf_out_money(out, s->gross);
	jf_out_money(out, s->offset);
	jf_out_money(out, s->paid);
	jf_out_int(out, s->points_used);
	jf_out_int(out, s->points_earned);
	jf_out_int(out, s->bonus_points);
	if (s->member_id != 0)
		jf_out_int(out, s->balance);
	else
		jf_out_str(out, NULL);
	if (fmt == JF_FMT_JSON || fmt == JF_FMT_JSONL)
		jf_out_json(out, "lines", lines_json(s, returned));
	jf_out_end(out);
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

/* The lines of a sale, one row each (show --lines). */
static int
print_lines(int fmt, const struct jf_sale *s)
{
	struct jf_out *out = jf_out_new(fmt, stdout, line_cols);
	char buf[JF_MONEY_BUF];

	for (int i = 0; i < s->nlines; i++) {
		const struct jf_sale_line *l = &s->lines[i];

		jf_out_str(out, s->receipt);
		jf_out_int(out, i + 1);
		jf_out_str(out, l->sku);
		jf_out_str(out, l->name);
		jf_out_int(out, l->qty);
		jf_out_money(out, l->price);
		jf_out_money(out, l->amount);
		jf_out_str(out, factor(l->mult, buf));
		jf_out_int(out, l->points);
		jf_out_int(out, l->returned);
		jf_out_end(out);
	}
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

/*
 * The SKU:QTY[@PRICE] operands, parsed from copies (argv is recorded in
 * the audit log as given).  *copy holds the strings; free both.
 */
static int
parse_items(int n, char **argv, int price_ok, struct jf_sale_item **items,
    char ***copy)
{
	*items = calloc(n > 0 ? n : 1, sizeof(**items));
	*copy = calloc(n > 0 ? n : 1, sizeof(**copy));
	if (*items == NULL || *copy == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	for (int i = 0; i < n; i++) {
		if (((*copy)[i] = strdup(argv[i])) == NULL)
			return jf_error(JF_ESOFTWARE, _("out of memory"));
		if (jf_sale_item_parse((*copy)[i], price_ok, &(*items)[i]) != 0)
			return JF_EUSAGE;
	}
	return 0;
}

static void
free_items(int n, struct jf_sale_item *items, char **copy)
{
	for (int i = 0; i < n && copy != NULL; i++)
		free(copy[i]);
	free(copy);
	free(items);
}

/* add and quote: the same sale, kept or rolled back. */
static int
till(int argc, char **argv, struct jf_opts *o, int keep)
{
	struct jf_ctx *c = NULL;
	struct jf_sale_item *items = NULL;
	struct jf_sale s = { 0 };
	struct jf_sale_in in = { 0 };
	char **copy = NULL;
	struct args a;
	int rc, n;

	if ((rc = parse(argc, argv, o, keep ? "abcd" : "acd", &a)) != 0)
		return rc < 0 ? 0 : rc;
	n = argc - optind;
	if (n == 0)
		return jf_usage_error(_("%s needs at least one SKU:QTY"),
		    argv[0]);
	if ((rc = parse_items(n, argv + optind, 1, &items, &copy)) != 0) {
		jf_usage_error("%s", jf_errmsg());
		goto out;
	}
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	in.receipt = a.receipt;
	in.member = a.member;
	in.points_used = a.use;
	in.items = items;
	in.nitems = n;
	if ((rc = jf_begin(c)) != 0 || (rc = jf_sale_record(c, &in, &s)) != 0) {
		jf_rollback(c);
		jf_fail(rc);
		goto out;
	}
	if (keep && (rc = jf_commit(c)) != 0) {
		jf_fail(rc);
		goto out;
	}
	if (!keep)
		jf_rollback(c);
	rc = print_sale(o->fmt, &s, 0);
out:
	jf_sale_clear(&s);
	free_items(n, items, copy);
	jf_close(c);
	return rc;
}

static int
cmd_add(int argc, char **argv, struct jf_opts *o)
{
	return till(argc, argv, o, 1);
}

static int
cmd_quote(int argc, char **argv, struct jf_opts *o)
{
	return till(argc, argv, o, 0);
}

static int
cmd_return(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct jf_sale_item *items = NULL;
	struct jf_return r = { 0 };
	struct jf_out *out;
	char **copy = NULL;
	struct args a;
	int rc, n;

	if ((rc = parse(argc, argv, o, "c", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind < 1)
		return jf_usage_error(_("return needs a RECEIPT"));
	n = argc - optind - 1;
	if ((rc = parse_items(n, argv + optind + 1, 0, &items, &copy)) != 0) {
		jf_usage_error("%s", jf_errmsg());
		goto out;
	}
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_begin(c)) != 0 ||
	    (rc = jf_sale_return(c, argv[optind], items, n, &r)) != 0 ||
	    (rc = jf_commit(c)) != 0) {
		jf_rollback(c);
		jf_fail(rc);
		goto out;
	}
	out = jf_out_new(o->fmt, stdout, return_cols);
	jf_out_single(out);
	jf_out_str(out, r.receipt);
	jf_out_money(out, r.gross);
	jf_out_int(out, r.points_reversed);
	jf_out_int(out, r.points_restored);
	if (r.member != NULL)
		jf_out_int(out, r.balance);
	else
		jf_out_str(out, NULL);
	jf_out_end(out);
	rc = jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
out:
	jf_return_clear(&r);
	free_items(n, items, copy);
	jf_close(c);
	return rc;
}

static int
cmd_show(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct jf_sale s = { 0 };
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "j", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("show needs one RECEIPT"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_sale_get(c, argv[optind], &s)) != 0) {
		jf_fail(rc);
		goto out;
	}
	rc = a.lines ? print_lines(o->fmt, &s) : print_sale(o->fmt, &s, 1);
out:
	jf_sale_clear(&s);
	jf_close(c);
	return rc;
}

struct listing {
	struct jf_out *out;
	int lines;
};

static int
list_one(void *arg, const struct jf_sale *s)
{
	struct listing *l = arg;

	if (!l->lines) {
		jf_out_str(l->out, s->receipt);
		jf_out_str(l->out, s->at);
		jf_out_str(l->out, s->store);
		jf_out_str(l->out, s->member);
		jf_out_money(l->out, s->gross);
		jf_out_money(l->out, s->offset);
		jf_out_money(l->out, s->paid);
		jf_out_int(l->out, s->points_used);
		jf_out_int(l->out, s->points_earned);
		jf_out_int(l->out, s->bonus_points);
		jf_out_money(l->out, s->returned);
		jf_out_end(l->out);
		return 0;
	}
	for (int i = 0; i < s->nlines; i++) {
		jf_out_str(l->out, s->receipt);
		jf_out_str(l->out, s->at);
		jf_out_str(l->out, s->store);
		jf_out_str(l->out, s->member);
		jf_out_str(l->out, s->lines[i].sku);
		jf_out_int(l->out, s->lines[i].qty);
		jf_out_money(l->out, s->lines[i].price);
		jf_out_int(l->out, s->points_used);
		jf_out_end(l->out);
	}
	return 0;
}

static int
cmd_list(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct jf_sale_filter f = { 0 };
	struct listing l;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "ajkl", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc != optind)
		return jf_usage_error(_("list takes no operands"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	f.since = a.since[0] ? a.since : NULL;
	f.until = a.until[0] ? a.until : NULL;
	f.member = a.member;
	f.store = jf_store_filter(c);
	l.lines = a.lines;
	l.out = jf_out_new(o->fmt, stdout, a.lines ? import_cols : list_cols);
	rc = jf_sale_each(c, &f, a.lines, list_one, &l);
	if (jf_out_free(l.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (rc != 0)
		jf_fail(rc);
out:
	jf_close(c);
	return rc;
}

/*
 * sale import.  The rows of one receipt are kept in a small arena (the
 * fields of every row, for the rejects) until the receipt number
 * changes; then the receipt is recorded, skipped or rejected whole.
 * Memory is one receipt's worth, whatever the file's size.
 */
enum { F_RECEIPT, F_AT, F_STORE, F_MEMBER, F_SKU, F_QTY, F_PRICE, F_USED,
	NF };
static const char *const fcol[NF] = { "receipt", "at", "store", "member",
	"sku", "qty", "price", "points_used" };

/* The field of a column name the library blamed (the receipt if none). */
static int
field_of(const char *col)
{
	for (int i = 0; i < NF; i++)
		if (strcmp(fcol[i], col) == 0)
			return i;
	return F_RECEIPT;
}

struct grow {
	long rowno;
	size_t f[NF];		/* offsets into the arena */
	int64_t qty, price;
};

struct group {
	char *buf;		/* the arena */
	size_t len, cap;
	struct grow *rows;
	int n, cap_rows;
	int head[NF];		/* the first row giving F_AT... F_USED, or -1 */
	int64_t used;
	char at[JF_TS_LEN];
	char *err;		/* the first fault, or NULL */
};

struct importer {
	struct jf_ctx *c;
	struct jf_in *in;
	FILE *rej;
	int has[NF];
	int rejhdr;
	long receipts, recorded, skipped, rejected, lines;
	struct jf_sale_item *items;
};

static size_t
arena_put(struct group *g, const char *s)
{
	size_t n = strlen(s) + 1, at = g->len;

	if (g->len + n > g->cap) {
		size_t cap = g->cap ? g->cap : 4096;
		char *nb;

		while (g->len + n > cap)
			cap *= 2;
		if ((nb = realloc(g->buf, cap)) == NULL)
			return (size_t)-1;
		g->buf = nb;
		g->cap = cap;
	}
	memcpy(g->buf + g->len, s, n);
	g->len += n;
	return at;
}

static const char *
field(const struct group *g, int r, int f)
{
	return g->buf + g->rows[r].f[f];
}

static void
group_reset(struct group *g)
{
	g->len = 0;
	g->n = 0;
	g->used = 0;
	for (int i = 0; i < NF; i++)
		g->head[i] = -1;
	free(g->err);
	g->err = NULL;
}

static void
group_fault(struct group *g, const char *msg)
{
	if (g->err == NULL)
		g->err = strdup(msg);
}

/*
 * Checks the current row's fields and adds it to the group.  A fault is
 * noted on the group (the whole receipt will be rejected); -1 only when
 * memory runs out.
 */
static int
group_add(struct importer *im, struct group *g, int ok)
{
	struct jf_in *in = im->in;
	struct grow *r;
	const char *v;

	if (g->n == g->cap_rows) {
		int cap = g->cap_rows ? g->cap_rows * 2 : 16;
		struct grow *nr = realloc(g->rows, cap * sizeof(*nr));

		if (nr == NULL)
			return -1;
		g->rows = nr;
		g->cap_rows = cap;
	}
	r = &g->rows[g->n];
	r->rowno = jf_in_row(in);
	for (int i = 0; i < NF; i++) {
		v = jf_in_get(in, fcol[i]);
		if ((r->f[i] = arena_put(g, v ? v : "")) == (size_t)-1)
			return -1;
	}
	g->n++;
	if (!ok) {
		group_fault(g, jf_errmsg());
		return 0;
	}
	if (g->n > JF_SALE_LINES_MAX) {
		jf_in_error(in, NULL, _("more than %d lines on receipt \"%s\""),
		    JF_SALE_LINES_MAX, field(g, 0, F_RECEIPT));
		group_fault(g, jf_errmsg());
		return 0;
	}
	v = field(g, g->n - 1, F_RECEIPT);
	if (*v == '\0' || strlen(v) > JF_RECEIPT_MAX) {
		jf_in_error(in, "receipt", _("not a receipt number: \"%s\""),
		    v);
		group_fault(g, jf_errmsg());
		return 0;
	}
	/* the receipt's own fields: given once, or the same on every row */
	for (int i = F_AT; i <= F_USED; i++) {
		if (i == F_SKU || i == F_QTY || i == F_PRICE)
			continue;
		v = field(g, g->n - 1, i);
		if (*v == '\0')
			continue;
		if (g->head[i] < 0) {
			g->head[i] = g->n - 1;
			if (i == F_AT && jf_ts_parse(v, g->at) == -1) {
				jf_in_error(in, "at", "%s", jf_errmsg());
				group_fault(g, jf_errmsg());
			}
			if (i == F_USED && (jf_int_parse(v, JF_MONEY_MAX,
			    &g->used) == -1 || g->used < 0)) {
				jf_in_error(in, "points_used",
				    _("not a number of points: \"%s\""), v);
				group_fault(g, jf_errmsg());
			}
		} else if (strcmp(v, field(g, g->head[i], i)) != 0) {
			jf_in_error(in, fcol[i], _("\"%s\" where an earlier "
			    "row of receipt \"%s\" has \"%s\""), v,
			    field(g, 0, F_RECEIPT), field(g, g->head[i], i));
			group_fault(g, jf_errmsg());
		}
	}
	v = field(g, g->n - 1, F_SKU);
	if (*v == '\0') {
		jf_in_error(in, "sku", _("empty"));
		group_fault(g, jf_errmsg());
	}
	v = field(g, g->n - 1, F_QTY);
	if (jf_int_parse(v, JF_MONEY_MAX, &r->qty) == -1 || r->qty <= 0) {
		jf_in_error(in, "qty", _("not a quantity above 0: \"%s\""), v);
		group_fault(g, jf_errmsg());
	}
	v = field(g, g->n - 1, F_PRICE);
	r->price = -1;
	if (*v != '\0' && (jf_money_parse(v, &r->price) == -1 ||
	    r->price < 0)) {
		jf_in_error(in, "price", _("not a price: \"%s\""), v);
		group_fault(g, jf_errmsg());
	}
	return 0;
}

/* Writes the group's rows to the rejects, each with the error. */
static void
reject(struct importer *im, const struct group *g, const char *err)
{
	FILE *fp = im->rej;

	if (im->has[F_RECEIPT] < 0) {	/* JSON Lines */
		for (int r = 0; r < g->n; r++) {
			json_t *o = json_object();

			for (int i = 0; i < NF; i++)
				if (*field(g, r, i) != '\0')
					json_object_set_new(o, fcol[i],
					    json_string(field(g, r, i)));
			json_object_set_new(o, "error", json_string(err));
			json_dumpf(o, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fputc('\n', fp);
			json_decref(o);
		}
		return;
	}
	if (!im->rejhdr) {
		for (int i = 0; i < NF; i++)
			if (im->has[i])
				fprintf(fp, "%s,", fcol[i]);
		fputs("error\n", fp);
		im->rejhdr = 1;
	}
	for (int r = 0; r < g->n; r++) {
		for (int i = 0; i < NF; i++)
			if (im->has[i]) {
				jf_csv_put(fp, field(g, r, i));
				fputc(',', fp);
			}
		jf_csv_put(fp, err);
		fputc('\n', fp);
	}
	fflush(fp);
}

/* Records, skips or rejects the gathered receipt: 0 or a fatal status. */
static int
group_done(struct importer *im, struct group *g)
{
	struct jf_sale_in in = { 0 };
	struct jf_sale s;
	char *msg;
	long row;
	int rc;

	if (g->n == 0)
		return 0;
	im->receipts++;
	if (g->err != NULL) {
		im->rejected++;
		reject(im, g, g->err);
		return 0;
	}
	for (int r = 0; r < g->n; r++) {
		im->items[r].sku = field(g, r, F_SKU);
		im->items[r].qty = g->rows[r].qty;
		im->items[r].price = g->rows[r].price;
	}
	in.receipt = field(g, 0, F_RECEIPT);
	in.at = g->head[F_AT] >= 0 ? g->at : NULL;
	in.store = g->head[F_STORE] >= 0 ? field(g, g->head[F_STORE],
	    F_STORE) : NULL;
	in.member = g->head[F_MEMBER] >= 0 ? field(g, g->head[F_MEMBER],
	    F_MEMBER) : NULL;
	in.points_used = g->used;
	in.items = im->items;
	in.nitems = g->n;
	in.quiet = 1;
	rc = jf_sale_record(im->c, &in, &s);
	if (rc == 0) {
		im->recorded++;
		im->lines += g->n;
	} else if (rc == JF_EDUP) {
		im->skipped++;
		rc = 0;
	} else if (!s.written &&
	    (rc == JF_EREFUSED || rc == JF_EDATA || rc == JF_EUSAGE)) {
		/* name the row and column at fault */
		row = g->rows[0].rowno;
		if (s.erritem >= 0 && s.erritem < g->n)
			row = g->rows[s.erritem].rowno;
		else if (s.errcol != NULL && g->head[field_of(s.errcol)] >= 0)
			row = g->rows[g->head[field_of(s.errcol)]].rowno;
		if (asprintf(&msg, "%s:%ld: %s%s%s", jf_in_name(im->in), row,
		    s.errcol ? s.errcol : "", s.errcol ? ": " : "",
		    jf_errmsg()) == -1)
			msg = NULL;
		im->rejected++;
		reject(im, g, msg ? msg : jf_errmsg());
		free(msg);
		rc = 0;
	}
	jf_sale_clear(&s);
	return rc;
}

/*
 * The input as a file that can be read twice: standard input, or a pipe
 * or FIFO named as FILE, is spooled to an unlinked temporary file that
 * then stands in as fd 0 (and *path becomes "-").
 */
static int
spool(const char **path)
{
	char buf[65536];
	struct stat sb;
	FILE *tmp, *in = stdin;
	size_t n;

	if (strcmp(*path, "-") != 0) {
		if (stat(*path, &sb) == -1 || S_ISREG(sb.st_mode))
			return 0;	/* jf_in_open says what is wrong */
		if ((in = fopen(*path, "r")) == NULL)
			return jf_error(JF_ENOINPUT, "%s: %s", *path,
			    strerror(errno));
	} else if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode))
		return 0;	/* a file already: it can be read again */
	if ((tmp = tmpfile()) == NULL)
		return jf_error(JF_ECANTCREAT, _("temporary file: %s"),
		    strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, tmp) != n) {
			fclose(tmp);
			return jf_error(JF_ECANTCREAT, _("temporary file: "
			    "%s"), strerror(errno));
		}
	if (ferror(in) || fflush(tmp) != 0 ||
	    lseek(fileno(tmp), 0, SEEK_SET) == -1 ||
	    dup2(fileno(tmp), STDIN_FILENO) == -1) {
		fclose(tmp);
		if (in != stdin)
			fclose(in);
		return jf_error(JF_ENOINPUT, "%s: %s", *path,
		    strerror(errno));
	}
	fclose(tmp);
	if (in != stdin)
		fclose(in);
	clearerr(stdin);
	*path = "-";
	return 0;
}

/*
 * The first reading: every receipt number once, so that lines of one
 * receipt apart from each other refuse the file before anything is
 * written.
 */
static int
split_check(const char *path, int kind, const char *const *known)
{
	struct jf_seen *seen = NULL;
	struct jf_in *in = NULL;
	char last[JF_RECEIPT_MAX + 2] = "";
	long first;
	int r, rc;

	if ((rc = jf_in_open(path, kind, &in)) != 0 ||
	    (rc = jf_in_header(in, known, 1)) != 0 ||
	    (rc = jf_seen_new(&seen)) != 0)
		goto out;
	while (rc == 0 && (r = jf_in_next(in)) != 0) {
		const char *rec = r == 1 ? jf_in_get(in, "receipt") : NULL;

		if (rec == NULL || *rec == '\0' || strlen(rec) >
		    JF_RECEIPT_MAX || strcmp(rec, last) == 0)
			continue;	/* the second reading says why */
		snprintf(last, sizeof(last), "%s", rec);
		if ((rc = jf_seen_add(seen, rec, jf_in_row(in), &first)) ==
		    0 && first != 0)
			rc = jf_error(JF_EDATA, _("%s:%ld: receipt: \"%s\" "
			    "again, apart from its lines from row %ld: put a "
			    "receipt's lines together (sort -s -t, -k1,1); "
			    "nothing imported"), jf_in_name(in), jf_in_row(in),
			    rec, first);
	}
out:
	jf_seen_free(seen);
	jf_in_close(in);
	if (rc == 0 && strcmp(path, "-") == 0 &&
	    (lseek(STDIN_FILENO, 0, SEEK_SET) == -1 ||
	    fseek(stdin, 0, SEEK_SET) == -1))
		rc = jf_error(JF_ENOINPUT, "stdin: %s", strerror(errno));
	return rc;
}

static int
import_run(struct importer *im, struct group *g, int64_t batch)
{
	struct jf_in *in = im->in;
	long rows = 0;
	int r, rc;

	while ((r = jf_in_next(in)) != 0) {
		const char *rec = jf_in_get(in, "receipt");

		if (rec == NULL)
			rec = "";
		if (g->n > 0 && strcmp(rec, field(g, 0, F_RECEIPT)) != 0) {
			if ((rc = group_done(im, g)) != 0)
				return rc;
			group_reset(g);
			if (batch > 0 && im->receipts % batch == 0 &&
			    ((rc = jf_commit(im->c)) != 0 ||
			    (rc = jf_begin(im->c)) != 0))
				return rc;
		}
		if (group_add(im, g, r == 1) == -1)
			return jf_error(JF_ESOFTWARE, _("out of memory"));
		jf_progress(im->c, "import", ++rows, jf_in_pos(in),
		    jf_in_size(in));
	}
	rc = group_done(im, g);
	jf_progress_end(im->c);
	return rc;
}

static int
cmd_import(int argc, char **argv, struct jf_opts *o)
{
	/* the F_ fields, then "error": a rejects file, mended, imports */
	static const char *const known[NF + 2] = { "receipt", "at", "store",
		"member", "sku", "qty", "price", "points_used", "error", NULL };
	struct importer im = { 0 };
	struct group g = { 0 };
	const char *path;
	struct args a;
	int rc, r;

	if ((rc = parse(argc, argv, o, "efghi", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind > 1)
		return jf_usage_error(_("import takes one FILE or -"));
	group_reset(&g);
	path = optind < argc ? argv[optind] : "-";
	/* before spool(), which would hide a file redirected to stdin */
	if ((rc = jf_rejects_open(a.rejects, o, path, &im.rej)) != 0 ||
	    (rc = spool(&path)) != 0 ||
	    (rc = split_check(path, a.jsonl ? JF_IN_JSONL : JF_IN_CSV,
	    known)) != 0) {
		jf_fail(rc);
		goto out;
	}
	if ((rc = jf_in_open(path, a.jsonl ? JF_IN_JSONL : JF_IN_CSV,
	    &im.in)) != 0) {
		jf_fail(rc);
		goto out;
	}
	if ((rc = jf_in_header(im.in, known, a.ignore)) != 0) {
		jf_fail(rc);
		goto out;
	}
	for (int i = 0; i < NF; i++)
		im.has[i] = a.jsonl ? -1 : jf_in_has(im.in, known[i]);
	for (int i = 0; i < NF; i++)
		if ((i == F_RECEIPT || i == F_SKU || i == F_QTY) && !a.jsonl &&
		    !im.has[i]) {
			rc = jf_fail(jf_error(JF_EDATA, _("%s:1: %s: column "
			    "missing"), jf_in_name(im.in), known[i]));
			goto out;
		}
	if ((im.items = calloc(JF_SALE_LINES_MAX + 1,
	    sizeof(*im.items))) == NULL) {
		rc = jf_fail(jf_error(JF_ESOFTWARE, _("out of memory")));
		goto out;
	}
	if ((rc = jf_open_tool(o, argc, argv, &im.c)) != 0)
		goto out;
	if ((rc = jf_begin(im.c)) != 0 || (rc = import_run(&im, &g,
	    a.strict || o->dry_run ? 0 : a.batch)) != 0) {
		jf_rollback(im.c);
		jf_fail(rc);
		goto out;
	}
	if (a.strict && im.rejected) {
		jf_rollback(im.c);
		jf_warnx(_("%ld receipts rejected: nothing imported "
		    "(--strict)"), im.rejected);
		rc = JF_EDATA;
		goto out;
	}
	if ((rc = jf_commit(im.c)) != 0) {
		jf_fail(rc);
		goto out;
	}
	if (!o->quiet)
		jf_warnx(_("%s%ld receipts recorded (%ld lines), %ld recorded "
		    "already, %ld rejected"), o->dry_run ? _("dry run: ") : "",
		    im.recorded, im.lines, im.skipped, im.rejected);
	rc = im.rejected ? JF_EDATA : 0;
out:
	if ((r = jf_rejects_close(im.rej)) != 0) {
		jf_fail(r);
		if (rc == 0 || rc == JF_EDATA)
			rc = r;
	}
	group_reset(&g);
	free(g.buf);
	free(g.rows);
	free(im.items);
	jf_in_close(im.in);
	jf_close(im.c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "add", cmd_add },
	{ "quote", cmd_quote },
	{ "import", cmd_import },
	{ "return", cmd_return },
	{ "show", cmd_show },
	{ "list", cmd_list },
	{ NULL, NULL }
};

static const struct jf_tool tool = { "sale", usage, cmds, NULL };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
