/*
 * stock - products and the stock book: add, update, import, receive,
 * adjust, count, list, show, moves.
 *
 * The tables below give each subcommand its options; the frame
 * (lib/opts.h) parses them, opens the book and runs a write in one
 * transaction, committed once the subcommand has printed what it did.
 * A file (import, receive FILE, count) goes through the import engine
 * with stock's row functions (lib/stockimport.c), which opens the book
 * itself; rows that fail go to the rejects with an "error" column, and
 * the good ones are booked unless --strict.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "import.h"
#include "jtime.h"
#include "money.h"
#include "opts.h"
#include "stock.h"

/* What the options set; in.sku and in.category serve every subcommand. */
struct args {
	struct jf_product_in in;
	int points, no_gift;
	int64_t qty;
	const char *supplier, *ref, *reason, *kind, *reverse;
	int low, negative;
	char since[JF_TS_LEN], until[JF_TS_LEN];
	struct jf_import im;
};

#define A(f) offsetof(struct args, f)
#define SKU(t, h) { "sku", 0, JF_FN | (t), A(in.sku), "S", h, 0, 0, \
	jf_stock_sku_arg }
#define PRODUCT(t) \
	{ "name", 0, JF_FN | (t), A(in.name), "N", N_("its name"), 0, 0, \
	    jf_stock_name_arg }, \
	{ "price", 0, JF_FN | (t), A(in.price), "P", \
	    N_("its shelf price, in yuan"), 0, 0, jf_stock_money_arg }, \
	{ "cost", 0, JF_FN, A(in.cost), "C", \
	    N_("its list cost, which values it until a receipt"), 0, 0, \
	    jf_stock_money_arg }, \
	{ "category", 0, JF_STR, A(in.category), "C", N_("its category") }, \
	{ "reorder", 0, JF_INT, A(in.reorder_level), "N", \
	    N_("the reorder level: at or below it, it is low"), 0, JF_QTY_MAX }
#define NO_POINTS(t) { "no-points", 0, JF_FLAG | (t), A(in.no_points), NULL, \
	N_("it earns no points") }
#define GIFT(t) { "gift-points", 0, JF_INT | (t), A(in.gift_points), "N", \
	N_("in the gift catalog at N points"), 1, JF_MONEY_MAX }
#define GIFT_TERMS \
	{ "gift-limit", 0, JF_INT, A(in.gift_limit), "N", \
	    N_("a member may redeem N of it at most; 0: no limit"), \
	    0, JF_QTY_MAX }, \
	{ "gift-from", 0, JF_FN, A(in.gift_from), "D", \
	    N_("redeemed from day D on; '' for no first day"), 0, 0, \
	    jf_stock_day_arg }, \
	{ "gift-to", 0, JF_FN, A(in.gift_to), "D", \
	    N_("redeemed through day D; '' for no last day"), 0, 0, \
	    jf_stock_day_arg }
#define FILE_OPTS JF_IMPORT_OPTS(A(im))

static const struct jf_opt add_opts[] = {
	SKU(JF_REQUIRED, N_("the new product's SKU")),
	PRODUCT(JF_REQUIRED),
	NO_POINTS(0),
	GIFT(0),
	GIFT_TERMS,
	{ NULL }
};

static const struct jf_opt update_opts[] = {
	SKU(0, N_("renames the product")),
	PRODUCT(0),
	NO_POINTS(JF_OR),
	{ "points", 0, JF_FLAG, A(points), NULL, N_("it earns points again") },
	GIFT(JF_OR),
	{ "no-gift", 0, JF_FLAG, A(no_gift), NULL, N_("no longer a gift") },
	GIFT_TERMS,
	{ NULL }
};

static const struct jf_opt import_opts[] = { FILE_OPTS, { NULL } };
static const struct jf_opt file_opts[] = { FILE_OPTS, JF_AT_OPT, { NULL } };

static const struct jf_opt receive_opts[] = {
	SKU(JF_REQUIRED, N_("the product received")),
	{ "qty", 0, JF_INT | JF_REQUIRED, A(qty), "N", N_("how many"),
	    1, JF_QTY_MAX },
	{ "cost", 0, JF_FN | JF_REQUIRED, A(in.cost), "C",
	    N_("the unit cost, in yuan"), 0, 0, jf_stock_money_arg },
	{ "supplier", 0, JF_STR, A(supplier), "NAME", N_("the supplier") },
	{ "ref", 0, JF_STR, A(ref), "PO", N_("its order number: booked once") },
	JF_AT_OPT,
	{ NULL }
};

static const struct jf_opt reverse_opts[] = {
	{ "reverse", 0, JF_STR | JF_REQUIRED, A(reverse), "PO",
	    N_("the receipt to take back whole, by its order number") },
	{ "ref", 0, JF_STR, A(ref), "PO",
	    N_("the counter-receipt's own number, PO-R if not said") },
	JF_AT_OPT,
	{ NULL }
};

static const struct jf_opt adjust_opts[] = {
	SKU(JF_REQUIRED, N_("the product")),
	{ "qty", 0, JF_FN | JF_REQUIRED, A(qty), "±N",
	    N_("how many more, or fewer; not 0"), 0, 0, jf_stock_adjust_qty },
	{ "reason", 0, JF_FN | JF_REQUIRED, A(reason), "TEXT",
	    N_("why: damage, loss, goods found"), 0, 0, jf_stock_reason_arg },
	JF_AT_OPT,
	{ NULL }
};

static const struct jf_opt list_opts[] = {
	{ "low", 0, JF_FLAG, A(low), NULL, N_("only those low on stock") },
	{ "negative", 0, JF_FLAG, A(negative), NULL, N_("only those below 0") },
	{ "category", 0, JF_STR, A(in.category), "C", N_("only category C") },
	{ NULL }
};

static const struct jf_opt moves_opts[] = {
	SKU(0, N_("only the moves of that product")),
	{ "since", 0, JF_FN, A(since), "D", N_("from the start of day D"),
	    0, 0, jf_stock_since_arg },
	{ "until", 0, JF_FN, A(until), "D", N_("up to the end of day D"),
	    0, 0, jf_stock_until_arg },
	{ "kind", 0, JF_FN, A(kind), "K",
	    N_("only of kind K: receive, sale, return, ..."), 0, 0,
	    jf_stock_kind_arg },
	{ NULL }
};

static void
init(void *arg)
{
	struct args *a = arg;

	a->in = (struct jf_product_in)JF_PRODUCT_IN_INIT;
}

static int
cmd_add(struct jf_call *k)
{
	struct args *a = k->a;
	int64_t id;
	int rc;

	if ((rc = jf_product_add(k->c, &a->in, &id)) == 0)
		rc = jf_stock_write_product(k->c, stdout, a->in.sku);
	return jf_fail(rc);
}

static int
cmd_update(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_product p = { 0 };
	int rc, changed;

	if (k->seen == 0)
		return jf_usage_error(_("update needs something to change"));
	if (a->in.no_points == 1 && a->points)
		return jf_usage_error(_("--no-points and --points contradict"));
	if (a->in.gift_points > 0 && a->no_gift)
		return jf_usage_error(
		    _("--gift-points and --no-gift contradict"));
	if (a->points)
		a->in.no_points = 0;
	if (a->no_gift)
		a->in.gift_points = 0;
	if ((rc = jf_product_find(k->c, k->argv[0], &p)) == 0 &&
	    (rc = jf_product_update(k->c, p.id, &a->in, &changed)) == 0)
		rc = jf_stock_write_product(k->c, stdout,
		    a->in.sku ? a->in.sku : p.sku);
	jf_product_clear(&p);
	return jf_fail(rc);
}

/* The summary of a file booked, to stderr. */
static void
summary(const struct jf_import *im, int what, int dry_run)
{
	const char *dry = dry_run ? _("dry run: ") : "";
	const char *name = jf_in_name(im->in);
	const long *n = im->n;

	if (what == JF_BATCH_PRODUCTS)
		jf_warnx(_("%s%s: %ld added, %ld updated, %ld unchanged, %ld "
		    "rejected"), dry, name, n[JF_PRODUCT_ADDED],
		    n[JF_PRODUCT_UPDATED], n[JF_PRODUCT_SAME], im->bad);
	else if (what == JF_BATCH_RECEIPTS)
		jf_warnx(_("%s%s: %ld booked, %ld booked already, %ld "
		    "rejected"), dry, name, n[JF_RECEIPT_BOOKED],
		    n[JF_RECEIPT_DUP], im->bad);
	else
		jf_warnx(_("%s%s: %ld counted, %ld differences booked, %ld "
		    "rejected"), dry, name, n[JF_COUNT_SAME] +
		    n[JF_COUNT_DIFF], n[JF_COUNT_DIFF], im->bad);
}

/* import, receive FILE and count: the FILE operand through the engine. */
static int
batch(struct jf_call *k, int what)
{
	struct jf_import *im = &((struct args *)k->a)->im;
	struct jf_stock_batch *b;
	int rc;

	im->path = k->argc > 0 ? k->argv[0] : "-";
	if ((rc = jf_stock_batch_new(im, what, stdout, &b)) != 0)
		return jf_fail(rc);
	rc = jf_import_run(im, k->o, k->wargc, k->wargv);
	if (jf_stock_batch_free(b) != 0 && rc == 0)
		rc = JF_ESOFTWARE;	/* jf_run says why */
	if (jf_import_booked(im) && rc != JF_ESOFTWARE && !k->o->w.quiet) {
		summary(im, what, k->o->w.dry_run);
		k->said_dry = 1;
	}
	return jf_import_close(im, rc);
}

static int
cmd_import(struct jf_call *k)
{
	return batch(k, JF_BATCH_PRODUCTS);
}

static int
cmd_receive_file(struct jf_call *k)
{
	return batch(k, JF_BATCH_RECEIPTS);
}

static int
cmd_count(struct jf_call *k)
{
	return batch(k, JF_BATCH_COUNT);
}

/* receive --sku and adjust: one move, printed with the stock it left. */
static int
one_move(struct jf_call *k, struct jf_move *m)
{
	const char *sku = ((struct args *)k->a)->in.sku;
	int rc;

	if ((rc = jf_stock_book(k->c, sku, m)) == 0)
		rc = jf_stock_write_move(k->c, stdout, m, sku);
	return jf_fail(rc);
}

static int
cmd_receive(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_move m = { .kind = "receive", .qty = a->qty,
		.cost = a->in.cost, .ref = a->ref, .supplier = a->supplier };

	return one_move(k, &m);
}

/* receive --reverse PO: the counter-receipt's moves, printed as booked. */
static int
cmd_reverse(struct jf_call *k)
{
	struct args *a = k->a;
	char ref[256];

	if (a->ref == NULL)
		snprintf(ref, sizeof(ref), "%s-R", a->reverse);
	return jf_fail(jf_stock_reverse(k->c, a->reverse, a->ref ? a->ref :
	    ref, stdout));
}

static int
cmd_suppliers(struct jf_call *k)
{
	return jf_fail(jf_stock_write_suppliers(k->c, stdout, k->o->fmt));
}

static int
cmd_adjust(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_move m = { .kind = "adjust", .qty = a->qty, .cost = -1,
		.reason = a->reason };

	return one_move(k, &m);
}

static int
cmd_list(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_stock_filter f = { jf_store_filter(k->c), a->in.category,
		a->low, a->negative };

	return jf_fail(jf_stock_write_list(k->c, stdout, &f));
}

static int
cmd_show(struct jf_call *k)
{
	return jf_fail(jf_stock_write_card(k->c, stdout, k->argv[0]));
}

static int
cmd_moves(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_move_filter f = { jf_store_filter(k->c), a->in.sku, a->kind,
		*a->since ? a->since : NULL, *a->until ? a->until : NULL };

	return jf_fail(jf_stock_write_moves(k->c, stdout, &f));
}

static const struct jf_sub subs[] = {
	{ "add", cmd_add, add_opts, "", 0, 0, JF_WRITES,
	    N_("adds a product and prints it") },
	{ "update", cmd_update, update_opts, "SKU", 1, 1, JF_WRITES,
	    N_("changes the fields given and prints the product") },
	{ "import", cmd_import, import_opts, "[FILE|-]", 0, 1, 0,
	    N_("adds or updates products from a file, by SKU") },
	{ "receive", cmd_receive, receive_opts, "", 0, 0, JF_WRITES,
	    N_("books goods received and prints the move; or a file of them") },
	{ "receive", cmd_reverse, reverse_opts, "", 0, 0, JF_WRITES },
	{ "receive", cmd_receive_file, file_opts, "[FILE|-]", 0, 1, 0 },
	{ "adjust", cmd_adjust, adjust_opts, "", 0, 0, JF_WRITES,
	    N_("books a correction with its reason (a manager's)") },
	{ "count", cmd_count, file_opts, "[FILE|-]", 0, 1, 0,
	    N_("a stocktake: books what was counted, and prints each line") },
	{ "list", cmd_list, list_opts, "", 0, 0, JF_READS,
	    N_("on hand, average cost and value, per store and product") },
	{ "show", cmd_show, NULL, "SKU", 1, 1, JF_READS,
	    N_("a product: its fields, on hand, value, last in and out") },
	{ "moves", cmd_moves, moves_opts, "", 0, 0, JF_READS,
	    N_("the stock book, in time order") },
	{ "suppliers", cmd_suppliers, NULL, "", 0, 0, JF_READS,
	    N_("the suppliers goods came from, each with its last receipt") },
	{ NULL }
};

static const struct jf_tool tool = { "stock", .subs = subs,
	.argsize = sizeof(struct args), .init = init };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
