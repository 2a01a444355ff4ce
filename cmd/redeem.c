/*
 * redeem - spending points: the gift catalog, a gift for points, its
 * cancellation, and how many points an order could take as cash.
 *
 * gift and cancel are one transaction each (lib/redeem.c does the
 * checks and the bookings inside it) and print the redemption once it
 * is committed; catalog and quote only read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "member.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "redeem.h"
#include "stock.h"	/* JF_QTY_MAX */

static const char usage[] =
    "usage: redeem catalog\n"
    "       redeem gift ID SKU [--qty N] [--at TS]\n"
    "       redeem quote ID --amount TOTAL\n"
    "       redeem cancel REDEMPTION [--at TS]\n"
    "common: [-d PATH] [-o table|csv|json|jsonl] [-n] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

static const char *const catalog_cols[] = { "sku", "name", "gift_points",
	"on_hand", NULL };
static const char *const redemption_cols[] = { "redemption", "member", "sku",
	"qty", "points", "balance", NULL };
static const char *const quote_cols[] = { "member", "amount", "max_points",
	"value", NULL };

enum { O_QTY = JF_OPT_LOCAL, O_AMOUNT, O_AT };

static const struct option longopts[] = {
	{ "qty", required_argument, NULL, O_QTY },
	{ "amount", required_argument, NULL, O_AMOUNT },
	{ "at", required_argument, NULL, O_AT },
	JF_COMMON_LONG
};

struct args {
	int64_t qty;
	int64_t amount;		/* -1: not given */
};

/*
 * Parses argv with the options the subcommand allows (a string of O_
 * offsets as letters) and expects nargs operands, left at argv[optind].
 * Returns 0, or the exit status (-1: -h or --version answered).
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *allow, int nargs,
    struct args *a)
{
	int ch, rc;

	a->qty = 1;
	a->amount = -1;
	while ((ch = jf_getopt(argc, argv, JF_COMMON_SHORT, longopts,
	    allow)) != -1) {
		switch (ch) {
		case O_QTY:
			if (jf_int_parse(optarg, JF_QTY_MAX, &a->qty) == -1 ||
			    a->qty < 1)
				return jf_usage_error(
				    _("--qty: not a quantity: \"%s\""), optarg);
			break;
		case O_AMOUNT:
			if (jf_money_parse(optarg, &a->amount) == -1 ||
			    a->amount < 0)
				return jf_usage_error(
				    _("--amount: not an amount: \"%s\""),
				    optarg);
			break;
		case O_AT:
			o->at = optarg;
			break;
		case '?':
			return JF_EUSAGE;
		default:
			if ((rc = jf_opt_common(ch, optarg, o)) != 0)
				return rc;
		}
	}
	if (argc - optind != nargs)
		return jf_usage_error(nargs == 0 ?
		    _("%s takes no operands") : nargs == 1 ?
		    _("%s needs one operand") : _("%s needs two operands"),
		    argv[0]);
	return 0;
}

static int
gift_one(void *arg, const struct jf_gift *g)
{
	struct jf_out *out = arg;

	jf_out_str(out, g->sku);
	jf_out_str(out, g->name);
	jf_out_int(out, g->gift_points);
	jf_out_int(out, g->on_hand);
	jf_out_end(out);
	return 0;
}

static int
cmd_catalog(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct jf_out *out;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "", 0, &a)) != 0)
		return rc < 0 ? 0 : rc;
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	out = jf_out_new(o->fmt, stdout, catalog_cols);
	if ((rc = jf_redeem_catalog(c, NULL, gift_one, out)) != 0)
		jf_fail(rc);
	if (jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
done:
	jf_close(c);
	return rc;
}

static int
print_redemption(int fmt, const struct jf_redemption *r)
{
	struct jf_out *out = jf_out_new(fmt, stdout, redemption_cols);

	jf_out_single(out);
	jf_out_str(out, r->code);
	jf_out_str(out, r->member);
	jf_out_str(out, r->sku);
	jf_out_int(out, r->qty);
	jf_out_int(out, r->points);
	jf_out_int(out, r->balance);
	jf_out_end(out);
	if (jf_out_free(out) != 0)
		return JF_ESOFTWARE;
	return 0;
}

/*
 * gift and cancel: one transaction, the redemption printed before it
 * commits.
 */
static int
book(int argc, char **argv, struct jf_opts *o, int cancel)
{
	struct jf_redemption r = { 0 };
	struct jf_ctx *c = NULL;
	struct args a;
	char **ops;
	int rc;

	if ((rc = parse(argc, argv, o, cancel ? "c" : "ac", cancel ? 1 : 2,
	    &a)) != 0)
		return rc < 0 ? 0 : rc;
	ops = argv + optind;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if ((rc = jf_begin(c)) != 0)
		goto fail;
	rc = cancel ? jf_redeem_cancel(c, ops[0], &r) :
	    jf_redeem_gift(c, ops[0], ops[1], a.qty, &r);
	if (rc != 0) {
		jf_rollback(c);
		goto fail;
	}
	/* printed before the commit: output lost books nothing */
	if ((rc = print_redemption(o->fmt, &r)) != 0) {
		jf_rollback(c);	/* jf_run says why */
		goto done;
	}
	if ((rc = jf_commit(c)) != 0)
		goto fail;
	goto done;
fail:
	jf_fail(rc);
done:
	jf_redemption_clear(&r);
	jf_close(c);
	return rc;
}

static int
cmd_gift(int argc, char **argv, struct jf_opts *o)
{
	return book(argc, argv, o, 0);
}

static int
cmd_cancel(int argc, char **argv, struct jf_opts *o)
{
	return book(argc, argv, o, 1);
}

static int
cmd_quote(int argc, char **argv, struct jf_opts *o)
{
	struct jf_member m = { 0 };
	struct jf_ctx *c = NULL;
	struct jf_out *out;
	struct args a;
	int64_t points, value;
	int rc;

	if ((rc = parse(argc, argv, o, "b", 1, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (a.amount < 0)
		return jf_usage_error(_("quote needs --amount"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if ((rc = jf_member_find(c, argv[optind], &m)) != 0 ||
	    (rc = jf_redeem_quote(c, &m, a.amount, &points, &value)) != 0) {
		jf_fail(rc);
		goto done;
	}
	out = jf_out_new(o->fmt, stdout, quote_cols);
	jf_out_single(out);
	jf_out_str(out, m.code);
	jf_out_money(out, a.amount);
	jf_out_int(out, points);
	jf_out_money(out, value);
	jf_out_end(out);
	if (jf_out_free(out) != 0)
		rc = JF_ESOFTWARE;
done:
	jf_member_clear(&m);
	jf_close(c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "catalog", cmd_catalog },
	{ "gift", cmd_gift },
	{ "quote", cmd_quote },
	{ "cancel", cmd_cancel },
	{ NULL, NULL }
};

static const struct jf_tool tool = { "redeem", usage, cmds, NULL };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
