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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "import.h"
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
 * sale import: the import engine (lib/import.h) with sale's lines and
 * receipts (lib/saleimport.c).  Memory is one receipt's worth, whatever
 * the file's size.
 */
static int
cmd_import(int argc, char **argv, struct jf_opts *o)
{
	struct jf_sale_import *si = NULL;
	struct jf_import im = { 0 };
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "efghi", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind > 1)
		return jf_usage_error(_("import takes one FILE or -"));
	if ((rc = jf_sale_import_new(&im, &si)) != 0)
		return jf_fail(rc);
	im.path = optind < argc ? argv[optind] : "-";
	im.jsonl = a.jsonl;
	im.ignore = a.ignore;
	im.rejects = a.rejects;
	im.strict = a.strict;
	im.batch = a.batch;
	rc = jf_import_run(&im, o, argc, argv);
	if (jf_import_booked(&im) && !o->quiet)
		jf_warnx(_("%s%ld receipts recorded (%ld lines), %ld recorded "
		    "already, %ld rejected"), o->dry_run ? _("dry run: ") : "",
		    im.n[JF_SALE_RECORDED], im.n[JF_SALE_LINES],
		    im.n[JF_SALE_SKIPPED], im.bad);
	rc = jf_import_close(&im, rc);
	jf_sale_import_free(si);
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
