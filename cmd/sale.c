/*
 * sale - the till (销): add, quote, import, return, show and list sales.
 *
 * The tables below give each subcommand its options; the work is
 * lib/sale.h's, and the output lib/salefmt.c's.  add and return are one
 * transaction each and quote one that is rolled back; they check their
 * SKU:QTY operands before the book is opened, so they open it
 * themselves (booked()).  import runs the import engine (lib/import.h)
 * over sale's lines and receipts (lib/saleimport.c), in large batches
 * of whole receipts; show and list only read.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "import.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "sale.h"

/* Everything any subcommand may be given; each takes what it allows. */
struct args {
	const char *member, *receipt;
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	int64_t use, batch;
	int lines;
	struct jf_import im;		/* import's options */
	struct jf_sale_item *items;	/* the SKU:QTY operands */
	int nitems;
};

#define A(f) offsetof(struct args, f)

static int receipt_arg(const char *arg, void *field);
static int points_arg(const char *arg, void *field);
static int batch_arg(const char *arg, void *field);

#define MEMBER_OPT { "member", 0, JF_STR, A(member), "ID", \
	N_("the member, by code or phone; none: an anonymous sale") }
#define USE_OPT { "use-points", 0, JF_FN, A(use), "N", \
	N_("points the member pays with, 10 fen each"), 0, 0, points_arg }

static const struct jf_opt add_opts[] = {
	MEMBER_OPT,
	{ "receipt", 0, JF_FN, A(receipt), "R",
	    N_("the receipt number, if not the store's next of the day"),
	    0, 0, receipt_arg },
	JF_AT_OPT,
	USE_OPT,
	JF_DRYRUN_OPT,
	{ NULL }
};

static const struct jf_opt quote_opts[] = {
	MEMBER_OPT,
	JF_AT_OPT,
	USE_OPT,
	{ NULL }
};

static const struct jf_opt import_opts[] = {
	JF_IMPORT_OPTS(A(im)),
	{ "batch", 0, JF_FN, A(batch), "N",
	    N_("receipts a transaction; the whole file in one if not said"),
	    0, 0,
	    batch_arg },
	JF_DRYRUN_OPT,
	{ NULL }
};

static const struct jf_opt stream_opts[] = { JF_DRYRUN_OPT, { NULL } };

static const struct jf_opt return_opts[] = {
	{ "receipt", 0, JF_FN, A(receipt), "R",
	    N_("the return's own number, if not RECEIPT-R1, -R2, ..."), 0, 0,
	    receipt_arg },
	JF_AT_OPT,
	JF_DRYRUN_OPT,
	{ NULL }
};

#define LINES_OPT { "lines", 0, JF_FLAG, A(lines), NULL, \
	N_("a row per line of each sale") }

static const struct jf_opt show_opts[] = {
	LINES_OPT,
	{ NULL }
};

static const struct jf_opt list_opts[] = {
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ "member", 0, JF_STR, A(member), "ID",
	    N_("only the sales of that member, by code or phone") },
	LINES_OPT,
	{ NULL }
};

/* A value refused: what it is not, and the value; -1 for the frame. */
static int
refuse(const char *what, const char *arg)
{
	jf_error(JF_EUSAGE, "%s: \"%s\"", what, arg);
	return -1;
}

static int
receipt_arg(const char *arg, void *field)
{
	if (*arg == '\0' || strlen(arg) > JF_RECEIPT_MAX)
		return refuse(_("not a receipt number"), arg);
	*(const char **)field = arg;
	return 0;
}

static int
points_arg(const char *arg, void *field)
{
	int64_t *v = field;

	if (jf_int_parse(arg, JF_MONEY_MAX, v) == -1 || *v < 0)
		return refuse(_("not a number of points"), arg);
	return 0;
}

static int
batch_arg(const char *arg, void *field)
{
	int64_t *v = field;

	if (jf_int_parse(arg, 100000000, v) == -1 || *v < 1)
		return refuse(_("not a number of receipts"), arg);
	return 0;
}

/*
 * The SKU:QTY operands from the first one on, checked before the book
 * is opened: 0, or JF_EUSAGE reported.
 */
static int
items(struct jf_call *k, int first, int price_ok)
{
	struct args *a = k->a;
	int rc;

	a->nitems = k->argc - first;
	rc = jf_sale_items_parse(a->nitems, k->argv + first, price_ok,
	    &a->items);
	if (rc == JF_EUSAGE)
		return jf_usage_error("%s", jf_errmsg());
	return jf_fail(rc);
}

/*
 * Opens the book where the frame would have (a usage error has touched
 * none) and runs work in one transaction, committed when keep is set
 * and work returns 0, rolled back otherwise.  work prints before the
 * commit, so that output lost books nothing.
 */
static int
booked(struct jf_call *k, int keep, int (*work)(struct jf_call *))
{
	int rc;

	if ((rc = jf_open_tool(k->o, k->wargc, k->wargv, &k->c)) == 0) {
		if ((rc = jf_begin(k->c)) != 0)
			jf_fail(rc);
		else if ((rc = work(k)) != 0 || !keep)
			jf_rollback(k->c);
		else if ((rc = jf_commit(k->c)) != 0)
			jf_fail(rc);
	}
	jf_close(k->c);
	k->c = NULL;
	return rc;
}

/* A sale as add and quote make it, printed. */
static int
till(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_sale s = { 0 };
	struct jf_sale_in in = { 0 };
	int rc;

	in.receipt = a->receipt;
	in.member = a->member;
	in.points_used = a->use;
	in.items = a->items;
	in.nitems = a->nitems;
	if ((rc = jf_sale_record(k->c, &in, &s)) != 0)
		jf_fail(rc);
	else
		rc = jf_sale_write(stdout, k->o->fmt, &s, 0);
	jf_sale_clear(&s);
	return rc;
}

/* add and quote: the same sale, kept or rolled back. */
static int
sell(struct jf_call *k, int keep)
{
	struct args *a = k->a;
	int rc;

	if (k->argc == 0)
		return jf_usage_error(_("%s needs at least one SKU:QTY"),
		    k->wargv[0]);
	if ((rc = items(k, 0, 1)) == 0)
		rc = booked(k, keep, till);
	free(a->items);
	return rc;
}

/* sale add -: receipts as JSON lines in, answers out (salestream.c). */
static int
stream(struct jf_call *k)
{
	int rc;

	if ((rc = jf_open_tool(k->o, k->wargc, k->wargv, &k->c)) == 0)
		rc = jf_fail(jf_sale_stream(k->c, stdin, stdout,
		    !k->o->w.dry_run));
	jf_close(k->c);
	k->c = NULL;
	return rc;
}

static int
cmd_add(struct jf_call *k)
{
	if (k->argc == 1 && strcmp(k->argv[0], "-") == 0)
		return stream(k);
	return sell(k, 1);
}

static int
cmd_quote(struct jf_call *k)
{
	return sell(k, 0);
}

static int
give_back(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_return_in in = { k->argv[0], a->receipt, NULL, NULL, NULL,
		a->items, a->nitems };
	struct jf_return r = { 0 };
	int rc;

	rc = jf_sale_return(k->c, &in, &r);
	if (rc != 0)
		jf_fail(rc);
	else
		rc = jf_return_write(stdout, k->o->fmt, &r);
	jf_return_clear(&r);
	return rc;
}

static int
cmd_return(struct jf_call *k)
{
	struct args *a = k->a;
	int rc;

	if ((rc = items(k, 1, 0)) == 0)
		rc = booked(k, 1, give_back);
	free(a->items);
	return rc;
}

static int
cmd_show(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_sale s = { 0 };
	int rc;

	if ((rc = jf_sale_get(k->c, k->argv[0], &s)) != 0)
		jf_fail(rc);
	else if (a->lines)
		rc = jf_sale_write_lines(stdout, k->o->fmt, &s);
	else
		rc = jf_sale_write(stdout, k->o->fmt, &s, 1);
	jf_sale_clear(&s);
	return rc;
}

static int
cmd_list(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_sale_filter f = { 0 };

	f.since = a->since[0] ? a->since : NULL;
	f.until = a->until[0] ? a->until : NULL;
	f.member = a->member;
	f.store = jf_store_filter(k->c);
	return jf_fail(jf_sale_list_write(k->c, stdout, k->o->fmt, &f,
	    a->lines));
}

/*
 * sale import: the engine opens the book itself.  Memory is one
 * receipt's worth, whatever the file's size.
 */
static int
cmd_import(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_sale_import *si = NULL;
	struct jf_import im = a->im;
	struct jf_opts *o = k->o;
	int rc;

	if ((rc = jf_sale_import_new(&im, &si)) != 0)
		return jf_fail(rc);
	im.path = k->argc > 0 ? k->argv[0] : "-";
	im.batch = a->batch;
	rc = jf_import_run(&im, o, k->wargc, k->wargv);
	if (jf_import_booked(&im) && !o->w.quiet) {
		const char *dry = o->w.dry_run ? _("dry run: ") : "";

		if (im.n[JF_SALE_RETURNS] > 0)
			jf_warnx(_("%s%ld receipts recorded (%ld lines), %ld of "
			    "them returns, %ld recorded already, %ld rejected"),
			    dry, im.n[JF_SALE_RECORDED], im.n[JF_SALE_LINES],
			    im.n[JF_SALE_RETURNS], im.n[JF_SALE_SKIPPED],
			    im.bad);
		else
			jf_warnx(_("%s%ld receipts recorded (%ld lines), %ld "
			    "recorded already, %ld rejected"), dry,
			    im.n[JF_SALE_RECORDED], im.n[JF_SALE_LINES],
			    im.n[JF_SALE_SKIPPED], im.bad);
		k->said_dry = 1;
	}
	rc = jf_import_close(&im, rc);
	jf_sale_import_free(si);
	return rc;
}

static const struct jf_sub subs[] = {
	{ "add", cmd_add, add_opts, "SKU:QTY[@PRICE] ...", 0, -1, JF_OPS_LAST,
	    N_("records a sale, the points it uses and earns, its stock; "
	    "or a stream of them") },
	{ "add", cmd_add, stream_opts, "-", 1, 1, JF_OPS_LAST },
	{ "quote", cmd_quote, quote_opts, "SKU:QTY[@PRICE] ...", 0, -1,
	    JF_OPS_LAST, N_("what a sale would come to, recording nothing") },
	{ "import", cmd_import, import_opts, "[FILE|-]", 0, 1, 0,
	    N_("records the sales of a file, a receipt's lines together") },
	{ "return", cmd_return, return_opts, "RECEIPT [SKU:QTY ...]", 1, -1,
	    0, N_("takes back a receipt, or some of its lines, and its points") },
	{ "show", cmd_show, show_opts, "RECEIPT", 1, 1, JF_READS,
	    N_("prints a sale, with its lines in json") },
	{ "list", cmd_list, list_opts, "", 0, 0, JF_READS,
	    N_("lists the sales by time, or their lines as import reads them") },
	{ NULL }
};

static const struct jf_tool tool = { "sale", .subs = subs,
	.argsize = sizeof(struct args) };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
