/*
 * stock - products and the stock book: add, update, import, receive,
 * adjust, count, list, moves.
 *
 * Each subcommand parses its options, opens the book, does its one job
 * through lib/stock.h inside one transaction when it writes (a batch in
 * few large ones), and prints what it did in the chosen format.  File
 * rows that fail go to the rejects with an "error" column; the good ones
 * are booked unless --strict.
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
#include "stock.h"

static const char usage[] =
    "usage: stock add --sku S --name N --price P [--cost C] [--category C]\n"
    "                 [--reorder N] [--no-points] [--gift-points N]\n"
    "       stock update SKU [--sku S] [--name N] [--price P] [--cost C]\n"
    "                 [--category C] [--reorder N] [--no-points | --points]\n"
    "                 [--gift-points N | --no-gift]\n"
    "       stock import [FILE|-] [--rejects F] [--strict] [--ignore-unknown]\n"
    "                 [--input csv|jsonl]\n"
    "       stock receive --sku S --qty N --cost C [--supplier NAME] [--ref PO]\n"
    "                 [--at TS]\n"
    "       stock receive [FILE|-] [--rejects F] [--strict] [--ignore-unknown]\n"
    "                 [--input csv|jsonl] [--at TS]\n"
    "       stock adjust --sku S --qty ±N --reason TEXT [--at TS]\n"
    "       stock count [FILE|-] [--rejects F] [--strict] [--ignore-unknown]\n"
    "                 [--input csv|jsonl] [--at TS]\n"
    "       stock list [--low] [--negative] [--category C]\n"
    "       stock moves [--sku S] [--since D] [--until D] [--kind K]\n"
    "common: [-d PATH] [-o table|csv|json|jsonl] [-n] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

static const char *const product_cols[] = { "sku", "name", "category",
	"price", "cost", "reorder_level", "no_points", "gift_points", NULL };
static const char *const move_cols[] = { "at", "store", "sku", "kind", "qty",
	"cost", "on_hand", "avg_cost", NULL };

enum {
	O_SKU = JF_OPT_LOCAL, O_NAME, O_PRICE, O_COST, O_CATEGORY, O_REORDER,
	O_NOPOINTS, O_GIFT, O_POINTS, O_NOGIFT, O_QTY, O_SUPPLIER, O_REF,
	O_REASON, O_AT, O_REJECTS, O_STRICT, O_IGNORE, O_INPUT, O_LOW,
	O_NEGATIVE, O_SINCE, O_UNTIL, O_KIND, O_LAST = O_KIND
};

/* The letter that allows each option: 'a' + its offset from O_SKU. */
#define PRODUCT_OPTS	"abcdefgh"
#define BATCH_OPTS	"pqrs"

static const struct option longopts[] = {
	{ "sku", required_argument, NULL, O_SKU },
	{ "name", required_argument, NULL, O_NAME },
	{ "price", required_argument, NULL, O_PRICE },
	{ "cost", required_argument, NULL, O_COST },
	{ "category", required_argument, NULL, O_CATEGORY },
	{ "reorder", required_argument, NULL, O_REORDER },
	{ "no-points", no_argument, NULL, O_NOPOINTS },
	{ "gift-points", required_argument, NULL, O_GIFT },
	{ "points", no_argument, NULL, O_POINTS },
	{ "no-gift", no_argument, NULL, O_NOGIFT },
	{ "qty", required_argument, NULL, O_QTY },
	{ "supplier", required_argument, NULL, O_SUPPLIER },
	{ "ref", required_argument, NULL, O_REF },
	{ "reason", required_argument, NULL, O_REASON },
	{ "at", required_argument, NULL, O_AT },
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "ignore-unknown", no_argument, NULL, O_IGNORE },
	{ "input", required_argument, NULL, O_INPUT },
	{ "low", no_argument, NULL, O_LOW },
	{ "negative", no_argument, NULL, O_NEGATIVE },
	{ "since", required_argument, NULL, O_SINCE },
	{ "until", required_argument, NULL, O_UNTIL },
	{ "kind", required_argument, NULL, O_KIND },
	JF_COMMON_LONG
};

/* Everything any subcommand may be given; each takes what it allows. */
struct args {
	struct jf_product_in in;
	int64_t qty;
	const char *supplier, *ref, *reason;
	const char *rejects;
	int jsonl, strict, ignore;
	struct jf_stock_filter sf;
	struct jf_move_filter mf;
	char at[JF_TS_LEN], since[JF_TS_LEN], until[JF_TS_LEN];
	unsigned seen;		/* bit per O_ option given */
};

#define SEEN(a, opt) ((a)->seen & 1u << ((opt) - O_SKU))

static int
money_opt(const char *opt, const char *s, int64_t *v)
{
	if (jf_money_parse(s, v) == -1)
		return jf_usage_error("%s: %s", opt, jf_errmsg());
	if (*v < 0)
		return jf_usage_error(_("%s: negative amount: \"%s\""), opt, s);
	return 0;
}

static int
int_opt(const char *opt, const char *s, int64_t min, int64_t max, int64_t *v)
{
	if (jf_int_parse(s, max, v) == -1 || *v < min)
		return jf_usage_error(_("%s: not a whole number from %lld to "
		    "%lld: \"%s\""), opt, (long long)min, (long long)max, s);
	return 0;
}

/* A time option: a date means its first second, or its last for until. */
static int
time_opt(const char *opt, const char *s, int end, char *ts)
{
	char d[JF_DATE_LEN];

	if (end && strlen(s) == 10 && jf_date_parse(s, d) == 0) {
		snprintf(ts, JF_TS_LEN, "%s 23:59:59", d);
		return 0;
	}
	if (jf_ts_parse(s, ts) == -1)
		return jf_usage_error("%s: %s", opt, jf_errmsg());
	return 0;
}

/*
 * Parses argv with the subcommand's allowed options (a string of
 * letters, see PRODUCT_OPTS).  Returns 0, or the exit status to return
 * (-1: -h or --version answered).
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *allow,
    struct args *a)
{
	int ch, rc;

	memset(a, 0, sizeof(*a));
	a->in = (struct jf_product_in)JF_PRODUCT_IN_INIT;
	while ((ch = jf_getopt(argc, argv, JF_COMMON_SHORT, longopts,
	    allow)) != -1) {
		if (ch == '?')
			return JF_EUSAGE;
		if (ch >= O_SKU && ch <= O_LAST)
			a->seen |= 1u << (ch - O_SKU);
		rc = 0;
		switch (ch) {
		case O_SKU:
			a->in.sku = optarg;
			a->mf.sku = optarg;
			if (jf_sku_check(optarg) != 0)
				rc = jf_usage_error("--sku: %s", jf_errmsg());
			break;
		case O_NAME:
			a->in.name = optarg;
			if (*optarg == '\0')
				rc = jf_usage_error(_("--name: empty name"));
			break;
		case O_PRICE:
			rc = money_opt("--price", optarg, &a->in.price);
			break;
		case O_COST:
			rc = money_opt("--cost", optarg, &a->in.cost);
			break;
		case O_CATEGORY:
			a->in.category = optarg;
			a->sf.category = optarg;
			break;
		case O_REORDER:
			rc = int_opt("--reorder", optarg, 0, JF_QTY_MAX,
			    &a->in.reorder_level);
			break;
		case O_NOPOINTS:
			a->in.no_points = 1;
			break;
		case O_POINTS:
			a->in.no_points = 0;
			break;
		case O_GIFT:
			rc = int_opt("--gift-points", optarg, 1,
			    JF_MONEY_MAX, &a->in.gift_points);
			break;
		case O_NOGIFT:
			a->in.gift_points = 0;
			break;
		case O_QTY:
			rc = int_opt("--qty", optarg, -JF_QTY_MAX, JF_QTY_MAX,
			    &a->qty);
			break;
		case O_SUPPLIER:
			a->supplier = optarg;
			break;
		case O_REF:
			a->ref = optarg;
			break;
		case O_REASON:
			a->reason = optarg;
			break;
		case O_AT:
			o->at = optarg;
			rc = time_opt("--at", optarg, 0, a->at);
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
			if (strcmp(optarg, "csv") == 0)
				a->jsonl = 0;
			else if (strcmp(optarg, "jsonl") == 0)
				a->jsonl = 1;
			else
				rc = jf_usage_error(
				    _("--input: csv or jsonl, not \"%s\""),
				    optarg);
			break;
		case O_LOW:
			a->sf.low = 1;
			break;
		case O_NEGATIVE:
			a->sf.negative = 1;
			break;
		case O_SINCE:
			rc = time_opt("--since", optarg, 0, a->since);
			a->mf.since = a->since;
			break;
		case O_UNTIL:
			rc = time_opt("--until", optarg, 1, a->until);
			a->mf.until = a->until;
			break;
		case O_KIND:
			a->mf.kind = optarg;
			if (!jf_move_kind_valid(optarg))
				rc = jf_usage_error(_("--kind: receive, sale, "
				    "return, redeem, adjust or count, not "
				    "\"%s\""), optarg);
			break;
		case '?':
			return jf_usage_error(NULL);
		default:
			rc = jf_opt_common(ch, optarg, o);
		}
		if (rc != 0)
			return rc;
	}
	if (SEEN(a, O_NOPOINTS) && SEEN(a, O_POINTS))
		return jf_usage_error(_("--no-points and --points contradict"));
	if (SEEN(a, O_GIFT) && SEEN(a, O_NOGIFT))
		return jf_usage_error(
		    _("--gift-points and --no-gift contradict"));
	return 0;
}

/* Prints the product as it is now in the book. */
static int
print_product(struct jf_ctx *c, const char *sku)
{
	struct jf_product p;
	struct jf_out *out;
	int rc;

	if ((rc = jf_product_find(c, sku, &p)) != 0)
		return rc;
	out = jf_out_new(c->fmt, stdout, product_cols);
	jf_out_single(out);
	jf_out_str(out, p.sku);
	jf_out_str(out, p.name);
	jf_out_str(out, p.category);
	jf_out_money(out, p.price);
	jf_out_money(out, p.cost);
	jf_out_int(out, p.reorder_level);
	jf_out_int(out, p.no_points);
	if (p.gift_points > 0)
		jf_out_int(out, p.gift_points);
	else
		jf_out_str(out, NULL);
	jf_out_end(out);
	jf_product_clear(&p);
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

/* Prints one move just booked, with the stock it left. */
static int
print_move(struct jf_ctx *c, const struct jf_move *m, const char *sku)
{
	struct jf_out *out;
	int64_t on_hand, avg;
	int rc;

	if ((rc = jf_stock_get(c, NULL, m->product_id, &on_hand, &avg)) != 0)
		return rc;
	out = jf_out_new(c->fmt, stdout, move_cols);
	jf_out_single(out);
	jf_out_str(out, c->now);
	jf_out_str(out, c->store);
	jf_out_str(out, sku);
	jf_out_str(out, m->kind);
	jf_out_int(out, m->qty);
	if (m->cost >= 0)
		jf_out_money(out, m->cost);
	else
		jf_out_str(out, NULL);
	jf_out_int(out, on_hand);
	jf_out_money(out, avg);
	jf_out_end(out);
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static int
cmd_add(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct args a;
	int64_t id;
	int rc;

	if ((rc = parse(argc, argv, o, PRODUCT_OPTS, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("add takes no operands"));
	if (a.in.sku == NULL || a.in.name == NULL || a.in.price < 0)
		return jf_usage_error(_("add needs --sku, --name and --price"));
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_begin(c)) != 0 ||
	    (rc = jf_product_add(c, &a.in, &id)) != 0 ||
	    (rc = print_product(c, a.in.sku)) != 0 ||
	    (rc = jf_commit(c)) != 0)
		jf_fail(rc);
out:
	jf_close(c);
	return rc;
}

static int
cmd_update(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct jf_product p = { 0 };
	struct args a;
	int rc, changed;

	if ((rc = parse(argc, argv, o, PRODUCT_OPTS "ij", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("update needs one SKU"));
	if (a.seen == 0)
		return jf_usage_error(_("update needs something to change"));
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_begin(c)) != 0 ||
	    (rc = jf_product_find(c, argv[optind], &p)) != 0 ||
	    (rc = jf_product_update(c, p.id, &a.in, &changed)) != 0 ||
	    (rc = print_product(c, a.in.sku ? a.in.sku : p.sku)) != 0 ||
	    (rc = jf_commit(c)) != 0)
		jf_fail(rc);
out:
	jf_product_clear(&p);
	jf_close(c);
	return rc;
}

/*
 * A file's rows go through the import engine (lib/import.h): each
 * subcommand gives the columns it knows and a function that books one
 * row, returning 0, JF_EDATA (the row is rejected, message set with its
 * file, row and column) or a status that stops the whole batch.
 */
#define IMPORT_BATCH 250000	/* rows a transaction: few, large commits */

/* The batch of a subcommand's FILE operand and options. */
static int
batch_init(struct jf_import *im, int argc, char **argv, const struct args *a,
    const char *const *known, const char *const *needed)
{
	memset(im, 0, sizeof(*im));
	if (argc - optind > 1)
		return jf_usage_error(_("%s takes one FILE or -"), argv[0]);
	im->path = optind < argc ? argv[optind] : "-";
	im->jsonl = a->jsonl;
	im->known = known;
	im->needed = needed;
	im->ignore = a->ignore;
	im->rejects = a->rejects;
	im->strict = a->strict;
	return 0;
}

/* The product a row names by its sku column, or JF_EDATA. */
static int
row_product(struct jf_import *im, struct jf_product *p)
{
	const char *sku = jf_row_str(im->in, "sku");
	int rc;

	memset(p, 0, sizeof(*p));
	if (sku == NULL)
		return jf_in_error(im->in, "sku", _("empty SKU"));
	if ((rc = jf_product_find(im->c, sku, p)) == JF_EREFUSED)
		return jf_in_error(im->in, "sku", "%s", jf_errmsg());
	return rc;
}

static int
import_row(struct jf_import *im)
{
	struct jf_product_in p = JF_PRODUCT_IN_INIT;
	struct jf_in *in = im->in;
	const char *col;
	int rc, what;

	p.sku = jf_row_str(in, "sku");
	p.name = jf_row_str(in, "name");
	p.category = jf_row_str(in, "category");
	if ((rc = jf_row_money(in, "price", &p.price)) != 0 ||
	    (rc = jf_row_money(in, "cost", &p.cost)) != 0 ||
	    (rc = jf_row_int(in, "reorder_level", 0, JF_QTY_MAX,
	    &p.reorder_level)) != 0 ||
	    (rc = jf_row_int(in, "gift_points", 0, JF_MONEY_MAX,
	    &p.gift_points)) != 0 ||
	    (rc = jf_row_bool(in, "no_points", &p.no_points)) != 0)
		return rc;
	rc = jf_product_upsert(im->c, &p, &what, &col);
	if (rc == JF_EDATA || rc == JF_EREFUSED)
		return jf_in_error(in, col, "%s", jf_errmsg());
	if (rc == 0)
		im->n[what]++;
	return rc;
}

static int
cmd_import(int argc, char **argv, struct jf_opts *o)
{
	static const char *const known[] = { "sku", "name", "category",
		"price", "cost", "reorder_level", "gift_points", "no_points",
		"error", NULL };
	static const char *const needed[] = { "sku", NULL };
	struct jf_import im;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, BATCH_OPTS, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = batch_init(&im, argc, argv, &a, known, needed)) != 0)
		return rc;
	im.batch = IMPORT_BATCH;
	im.row = import_row;
	rc = jf_import_run(&im, o, argc, argv);
	if (jf_import_booked(&im) && !o->quiet)
		jf_warnx(_("%s%s: %ld added, %ld updated, %ld unchanged, "
		    "%ld rejected"), o->dry_run ? _("dry run: ") : "",
		    jf_in_name(im.in), im.n[JF_PRODUCT_ADDED],
		    im.n[JF_PRODUCT_UPDATED], im.n[JF_PRODUCT_SAME], im.bad);
	return jf_import_close(&im, rc);
}

enum { R_BOOKED, R_DUP };

static int
receive_row(struct jf_import *im)
{
	struct jf_in *in = im->in;
	struct jf_move m = { 0 };
	struct jf_product p;
	char at[JF_TS_LEN];
	const char *s;
	int rc;

	m.kind = "receive";
	m.ref = jf_row_str(in, "ref");
	m.supplier = jf_row_str(in, "supplier");
	m.cost = -1;
	if (m.ref == NULL)
		return jf_in_error(in, "ref", _("empty: a receipt needs its "
		    "number to be booked once"));
	if (jf_row_str(in, "qty") == NULL)
		return jf_in_error(in, "qty", _("empty"));
	if ((rc = jf_row_int(in, "qty", 1, JF_QTY_MAX, &m.qty)) != 0)
		return rc;
	if (jf_row_str(in, "cost") == NULL)
		return jf_in_error(in, "cost", _("empty"));
	if ((rc = jf_row_money(in, "cost", &m.cost)) != 0)
		return rc;
	if ((s = jf_row_str(in, "at")) != NULL) {
		if (jf_ts_parse(s, at) == -1)
			return jf_in_error(in, "at", "%s", jf_errmsg());
		m.at = at;
	}
	if ((rc = row_product(im, &p)) != 0)
		return rc;
	m.product_id = p.id;
	jf_product_clear(&p);
	rc = jf_stock_move(im->c, &m);
	if (rc == JF_EDUP) {
		im->n[R_DUP]++;
		return 0;
	}
	if (rc == JF_EREFUSED)
		return jf_in_error(in, NULL, "%s", jf_errmsg());
	if (rc == 0)
		im->n[R_BOOKED]++;
	return rc;
}

static int
receive_start(struct jf_import *im)
{
	return jf_stock_receipts_begin(im->c);
}

static int
receive_file(int argc, char **argv, struct jf_opts *o, struct args *a)
{
	static const char *const known[] = { "ref", "supplier", "sku", "qty",
		"cost", "at", "error", NULL };
	static const char *const needed[] = { "ref", "sku", "qty", "cost",
		NULL };
	struct jf_import im;
	int rc;

	if ((rc = batch_init(&im, argc, argv, a, known, needed)) != 0)
		return rc;
	/* one transaction: a killed run leaves no part of a receipt whose
	 * later lines a re-run would take for booked already */
	im.start = receive_start;
	im.row = receive_row;
	rc = jf_import_run(&im, o, argc, argv);
	if (jf_import_booked(&im) && !o->quiet)
		jf_warnx(_("%s%s: %ld booked, %ld booked already, %ld "
		    "rejected"), o->dry_run ? _("dry run: ") : "",
		    jf_in_name(im.in), im.n[R_BOOKED], im.n[R_DUP], im.bad);
	return jf_import_close(&im, rc);
}

/* receive and adjust from the command line: one move, printed. */
static int
one_move(int argc, char **argv, struct jf_opts *o, struct jf_move *m,
    const char *sku, int role, const char *what)
{
	struct jf_ctx *c = NULL;
	struct jf_product p = { 0 };
	int rc;

	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_begin(c)) != 0 ||
	    (role != JF_ROLE_NONE && (rc = jf_need_role(c, role, what)) != 0) ||
	    (rc = jf_product_find(c, sku, &p)) != 0)
		goto fail;
	m->product_id = p.id;
	if ((rc = jf_stock_move(c, m)) != 0 ||
	    (rc = print_move(c, m, p.sku)) != 0 ||
	    (rc = jf_commit(c)) != 0)
		goto fail;
	goto out;
fail:
	jf_rollback(c);
	jf_fail(rc);
out:
	jf_product_clear(&p);
	jf_close(c);
	return rc;
}

static int
cmd_receive(int argc, char **argv, struct jf_opts *o)
{
	struct jf_move m = { 0 };
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "adklmo" BATCH_OPTS, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (a.in.sku == NULL) {
		if (SEEN(&a, O_QTY) || SEEN(&a, O_COST) ||
		    SEEN(&a, O_SUPPLIER) || SEEN(&a, O_REF))
			return jf_usage_error(_("receive needs --sku, or a "
			    "FILE and none of --qty, --cost, --supplier, "
			    "--ref"));
		return receive_file(argc, argv, o, &a);
	}
	if (optind != argc)
		return jf_usage_error(_("receive --sku takes no FILE"));
	if (a.seen & (1u << (O_REJECTS - O_SKU) | 1u << (O_STRICT - O_SKU) |
	    1u << (O_IGNORE - O_SKU) | 1u << (O_INPUT - O_SKU)))
		return jf_usage_error(_("--rejects, --strict, --ignore-unknown "
		    "and --input are for a FILE"));
	if (!SEEN(&a, O_QTY) || !SEEN(&a, O_COST))
		return jf_usage_error(_("receive needs --qty and --cost"));
	if (a.qty <= 0)
		return jf_usage_error(_("--qty: a receipt is of 1 or more: "
		    "\"%lld\""), (long long)a.qty);
	m.kind = "receive";
	m.qty = a.qty;
	m.cost = a.in.cost;
	m.ref = a.ref;
	m.supplier = a.supplier;
	return one_move(argc, argv, o, &m, a.in.sku, JF_ROLE_NONE, NULL);
}

static int
cmd_adjust(int argc, char **argv, struct jf_opts *o)
{
	struct jf_move m = { 0 };
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "akno", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("adjust takes no operands"));
	if (a.in.sku == NULL || !SEEN(&a, O_QTY) || a.reason == NULL)
		return jf_usage_error(
		    _("adjust needs --sku, --qty and --reason"));
	if (a.qty == 0)
		return jf_usage_error(_("--qty: an adjustment is not 0"));
	if (a.reason[strspn(a.reason, " \t")] == '\0')
		return jf_usage_error(_("--reason: empty"));
	m.kind = "adjust";
	m.qty = a.qty;
	m.cost = -1;
	m.reason = a.reason;
	return one_move(argc, argv, o, &m, a.in.sku, JF_ROLE_MANAGER,
	    _("stock adjust"));
}

/*
 * The products a stocktake has counted so far, so a SKU counted on two
 * shelves (two rows) is booked as the sum of its rows: an open-addressed
 * set of product ids.
 */
struct idset {
	int64_t *v;
	size_t n, cap;
};

/* Adds id; returns 1 if it was there already. */
static int
idset_add(struct idset *s, int64_t id)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct idset t = { NULL, 0, s->cap ? 2 * s->cap : 1024 };

		t.v = calloc(t.cap, sizeof(*t.v));
		if (t.v == NULL)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->v[i] != 0)
				idset_add(&t, s->v[i]);
		free(s->v);
		*s = t;
	}
	for (i = (size_t)id * 2654435761u % s->cap; s->v[i] != 0;
	    i = (i + 1) % s->cap)
		if (s->v[i] == id)
			return 1;
	s->v[i] = id;
	s->n++;
	return 0;
}

struct count {
	struct jf_out *out;
	const char *const *cols;
	struct idset seen;
};

/* A stocktake is the manager's; its rows print as they are booked. */
static int
count_start(struct jf_import *im)
{
	struct count *k = im->arg;
	int rc;

	if ((rc = jf_need_role(im->c, JF_ROLE_MANAGER, _("stock count"))) != 0)
		return rc;
	k->out = jf_out_new(im->c->fmt, stdout, k->cols);
	return 0;
}

static int
count_row(struct jf_import *im)
{
	struct count *k = im->arg;
	struct jf_product p;
	int64_t counted, on_hand, diff;
	int rc, again;

	if (jf_row_str(im->in, "counted") == NULL)
		return jf_in_error(im->in, "counted", _("empty"));
	if ((rc = jf_row_int(im->in, "counted", 0, JF_QTY_MAX,
	    &counted)) != 0 || (rc = row_product(im, &p)) != 0)
		return rc;
	if ((again = idset_add(&k->seen, p.id)) == -1) {
		jf_product_clear(&p);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	if (again) {
		/* on a second shelf: what is on hand now is the first's */
		if ((rc = jf_stock_on_hand(im->c, NULL, p.id, &on_hand)) != 0)
			goto out;
		counted += on_hand;
	}
	if ((rc = jf_stock_count(im->c, NULL, p.id, counted, &on_hand,
	    &diff)) != 0)
		goto out;
	jf_out_str(k->out, p.sku);
	jf_out_int(k->out, on_hand);
	jf_out_int(k->out, counted);
	jf_out_int(k->out, diff);
	jf_out_end(k->out);
	im->n[diff != 0]++;
out:
	jf_product_clear(&p);
	return rc;
}

static int
cmd_count(int argc, char **argv, struct jf_opts *o)
{
	static const char *const known[] = { "sku", "counted", "error", NULL };
	static const char *const needed[] = { "sku", "counted", NULL };
	static const char *const cols[] = { "sku", "on_hand", "counted",
		"difference", NULL };
	struct count k = { 0 };
	struct jf_import im;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "o" BATCH_OPTS, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = batch_init(&im, argc, argv, &a, known, needed)) != 0)
		return rc;
	im.start = count_start;
	im.row = count_row;
	im.arg = &k;
	k.cols = cols;
	rc = jf_import_run(&im, o, argc, argv);
	if (jf_out_free(k.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	if (jf_import_booked(&im) && rc != JF_ESOFTWARE && !o->quiet)
		jf_warnx(_("%s%s: %ld counted, %ld differences booked, %ld "
		    "rejected"), o->dry_run ? _("dry run: ") : "",
		    jf_in_name(im.in), im.n[0] + im.n[1], im.n[1], im.bad);
	free(k.seen.v);
	return jf_import_close(&im, rc);
}

static int
list_one(void *arg, const struct jf_stock_row *r)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->store);
	jf_out_str(out, r->sku);
	jf_out_str(out, r->name);
	jf_out_str(out, r->category);
	jf_out_int(out, r->on_hand);
	jf_out_int(out, r->reorder_level);
	jf_out_money(out, r->avg_cost);
	jf_out_money(out, r->value);
	jf_out_end(out);
	return 0;
}

static int
cmd_list(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "store", "sku", "name",
		"category", "on_hand", "reorder_level", "avg_cost", "value",
		NULL };
	struct jf_ctx *c = NULL;
	struct jf_out *out;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "etu", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("list takes no operands"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	a.sf.store = jf_store_filter(c);
	out = jf_out_new(o->fmt, stdout, cols);
	if ((rc = jf_stock_each(c, &a.sf, list_one, out)) != 0)
		jf_fail(rc);
	if (jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
out:
	jf_close(c);
	return rc;
}

static int
moves_one(void *arg, const struct jf_move_row *r)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->at);
	jf_out_str(out, r->store);
	jf_out_str(out, r->sku);
	jf_out_str(out, r->kind);
	jf_out_int(out, r->qty);
	if (r->cost >= 0)
		jf_out_money(out, r->cost);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, r->ref);
	jf_out_str(out, r->supplier);
	jf_out_str(out, r->reason);
	jf_out_str(out, r->operator);
	jf_out_end(out);
	return 0;
}

static int
cmd_moves(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "at", "store", "sku", "kind",
		"qty", "cost", "ref", "supplier", "reason", "operator", NULL };
	struct jf_ctx *c = NULL;
	struct jf_product p = { 0 };
	struct jf_out *out;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "avwx", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("moves takes no operands"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if (a.mf.sku != NULL && (rc = jf_product_find(c, a.mf.sku, &p)) != 0) {
		jf_fail(rc);
		goto out;
	}
	a.mf.store = jf_store_filter(c);
	out = jf_out_new(o->fmt, stdout, cols);
	if ((rc = jf_move_each(c, &a.mf, moves_one, out)) != 0)
		jf_fail(rc);
	if (jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
out:
	jf_product_clear(&p);
	jf_close(c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "add", cmd_add },
	{ "update", cmd_update },
	{ "import", cmd_import },
	{ "receive", cmd_receive },
	{ "adjust", cmd_adjust },
	{ "count", cmd_count },
	{ "list", cmd_list },
	{ "moves", cmd_moves },
	{ NULL, NULL }
};

static const struct jf_tool tool = { "stock", usage, cmds, NULL };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
