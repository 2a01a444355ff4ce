/*
 * redeem - spending points: the gift catalog, a gift for points, its
 * cancellation, and how many points an order could take as cash.
 *
 * gift and cancel are one transaction each (lib/redeem.c does the
 * checks and the bookings inside it) and print the redemption once it
 * is committed; catalog and quote only read.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "draw.h"
#include "err.h"
#include "member.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "redeem.h"
#include "stock.h"	/* JF_QTY_MAX */
#include "stream.h"

static const char *const catalog_cols[] = {
	NC_("column", "sku"), NC_("column", "name"),
	NC_("column", "gift_points"), NC_("column", "on_hand"),
	NC_("column", "gift_limit"), NC_("column", "gift_from"),
	NC_("column", "gift_to"), NULL
};
static const char *const redemption_cols[] = {
	NC_("column", "redemption"), NC_("column", "member"),
	NC_("column", "sku"), NC_("column", "qty"), NC_("column", "points"),
	NC_("column", "balance"), NC_("column", "list_points"), NULL
};
/* reserve and pickup: a redemption's, then the hold's */
static const char *const hold_cols[] = {
	NC_("column", "redemption"), NC_("column", "member"),
	NC_("column", "sku"), NC_("column", "qty"), NC_("column", "points"),
	NC_("column", "balance"), NC_("column", "list_points"),
	NC_("column", "hold_until"), NC_("column", "picked_up"), NULL
};
static const char *const list_cols[] = {
	NC_("column", "redemption"), NC_("column", "at"),
	NC_("column", "store"), NC_("column", "member"), NC_("column", "sku"),
	NC_("column", "qty"), NC_("column", "points"),
	NC_("column", "cancelled"), NC_("column", "operator"),
	NC_("column", "hold_until"), NC_("column", "picked_up"), NULL
};
static const char *const quote_cols[] = {
	NC_("column", "member"), NC_("column", "amount"),
	NC_("column", "max_points"), NC_("column", "value"), NULL
};

struct args {
	struct jf_draw_args draw;	/* first: lib/drawcmd.c's offsets */
	int64_t qty;
	int64_t amount;
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	const char *member;
	int64_t days;			/* reserve's */
	char hold[JF_DATE_LEN];
	int held;
};

#define A(f) offsetof(struct args, f)

static const struct jf_opt gift_opts[] = {
	{ "qty", 0, JF_INT, A(qty), "N", N_("how many, 1 if not said"),
	    1, JF_QTY_MAX },
	JF_AT_OPT,
	{ NULL }
};

static const struct jf_opt quote_opts[] = {
	{ "amount", 0, JF_MONEY | JF_REQUIRED, A(amount), "TOTAL",
	    N_("the order's total, before points") },
	{ NULL }
};

static const struct jf_opt list_opts[] = {
	{ "since", 0, JF_DATE, A(since), "D", N_("the first day") },
	{ "until", 0, JF_DATE, A(until), "D", N_("the last day") },
	{ "member", 0, JF_STR, A(member), "ID", N_("only this member's") },
	{ "held", 0, JF_FLAG, A(held), NULL,
	    N_("only reservations still held") },
	{ NULL }
};

static const struct jf_opt reserve_opts[] = {
	{ "qty", 0, JF_INT, A(qty), "N", N_("how many, 1 if not said"),
	    1, JF_QTY_MAX },
	{ "days", 0, JF_INT | JF_OR, A(days), "N",
	    N_("held through N days from today (7)"), 0, 366 },
	{ "until", 0, JF_DATE, A(hold), "D", N_("held through day D") },
	{ NULL }
};

static const struct jf_opt cancel_opts[] = {
	JF_AT_OPT,
	{ NULL }
};

static void
init(void *arg)
{
	struct args *a = arg;

	a->qty = 1;
	a->days = JF_HOLD_DAYS;
}

static int
gift_one(void *arg, const struct jf_gift *g)
{
	struct jf_out *out = arg;

	jf_out_str(out, g->sku);
	jf_out_str(out, g->name);
	jf_out_int(out, g->gift_points);
	jf_out_int(out, g->on_hand);
	if (g->gift_limit > 0)
		jf_out_int(out, g->gift_limit);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, g->gift_from);
	jf_out_str(out, g->gift_to);
	jf_out_end(out);
	return 0;
}

static int
cmd_catalog(struct jf_call *k)
{
	struct jf_out *out = jf_out_new(k->o->fmt, stdout, catalog_cols);
	int rc;

	if ((rc = jf_redeem_catalog(k->c, NULL, gift_one, out)) != 0)
		jf_fail(rc);
	return jf_out_done(out, rc);
}

static int
redeemed_one(void *arg, const struct jf_redeemed *d)
{
	struct jf_out *out = arg;

	jf_out_str(out, d->code);
	jf_out_str(out, d->at);
	jf_out_str(out, d->store);
	jf_out_str(out, d->member);
	jf_out_str(out, d->sku);
	jf_out_int(out, d->qty);
	jf_out_int(out, d->points);
	jf_out_str(out, *d->cancelled ? d->cancelled : NULL);
	jf_out_str(out, d->operator);
	jf_out_str(out, *d->hold_until ? d->hold_until : NULL);
	jf_out_str(out, *d->picked_up ? d->picked_up : NULL);
	jf_out_end(out);
	return 0;
}

static int
cmd_list(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_redeem_filter f = { a->since, a->until, a->member,
		jf_store_filter(k->c), a->held };
	struct jf_out *out = jf_out_new(k->o->fmt, stdout, list_cols);
	int rc;

	if ((rc = jf_redeem_each(k->c, &f, redeemed_one, out)) != 0)
		jf_fail(rc);
	return jf_out_done(out, rc);
}

static int
print_redemption(int fmt, FILE *fp, const struct jf_redemption *r, int hold)
{
	struct jf_out *out = jf_out_new(fmt, fp, hold ? hold_cols :
	    redemption_cols);

	jf_out_single(out);
	jf_out_str(out, r->code);
	jf_out_str(out, r->member);
	jf_out_str(out, r->sku);
	jf_out_int(out, r->qty);
	jf_out_int(out, r->points);
	jf_out_int(out, r->balance);
	jf_out_int(out, r->list_points);
	if (hold) {
		jf_out_str(out, r->hold_until);
		jf_out_str(out, *r->picked_up ? r->picked_up : NULL);
	}
	jf_out_end(out);
	return jf_out_done(out, 0);
}

enum { GIFT, CANCEL, RESERVE, PICKUP };

/*
 * gift, cancel, reserve and pickup: the redemption is printed before the
 * frame commits, so that output lost books nothing.
 */
static int
book(struct jf_call *k, int what)
{
	struct args *a = k->a;
	struct jf_redemption r = { 0 };
	int rc;

	if (what == RESERVE)
		rc = jf_redeem_reserve(k->c, k->argv[0], k->argv[1], a->qty,
		    (int)a->days, *a->hold ? a->hold : NULL, &r);
	else if (what == PICKUP)
		rc = jf_redeem_pickup(k->c, k->argv[0], &r);
	else
		rc = what == CANCEL ? jf_redeem_cancel(k->c, k->argv[0], &r) :
		    jf_redeem_gift(k->c, k->argv[0], k->argv[1], a->qty, &r);
	if (rc != 0)
		jf_fail(rc);
	else
		rc = print_redemption(k->o->fmt, stdout, &r, what >= RESERVE);
	jf_redemption_clear(&r);
	return rc;
}

/*
 * redeem gift -: a gift a line, {"member": ID, "sku": SKU, "qty": N},
 * each in its own transaction, committed (unless a dry run) before its
 * answer, the redemption as -o json prints it, is written.
 */
static int
gift_line(struct jf_ctx *c, json_t *j, FILE *out, void *arg)
{
	static const char *const known[] = { "member", "sku", "qty", NULL };
	const int *keep = arg;
	struct jf_redemption r = { 0 };
	const char *member = NULL, *sku = NULL;
	json_t *q = json_object_get(j, "qty");
	int64_t qty = 1;
	int rc;

	if (jf_json_str(j, "member", &member) == -1 ||
	    jf_json_keys(j, known) == -1 || jf_json_str(j, "sku", &sku) == -1)
		return jf_stream_error(out, "member", member, JF_EDATA);
	if (member == NULL || *member == '\0' || sku == NULL || *sku == '\0') {
		jf_error(JF_EDATA, _("a member and a sku are needed"));
		return jf_stream_error(out, "member", member, JF_EDATA);
	}
	if (q != NULL && !json_is_null(q)) {
		if (!json_is_integer(q) || json_integer_value(q) <= 0 ||
		    json_integer_value(q) > JF_QTY_MAX) {
			jf_error(JF_EDATA, _("qty: not a quantity above 0"));
			return jf_stream_error(out, "member", member, JF_EDATA);
		}
		qty = json_integer_value(q);
	}
	if ((rc = jf_clock_tick(c)) != 0 || (rc = jf_begin(c)) != 0)
		return jf_stream_error(out, "member", member, rc);
	if ((rc = jf_redeem_gift(c, member, sku, qty, &r)) != 0 || !*keep)
		jf_rollback(c);
	else
		rc = jf_commit(c);
	if (rc != 0)
		rc = jf_stream_error(out, "member", member, rc);
	else if ((rc = print_redemption(JF_FMT_JSONL, out, &r, 0)) == 0 &&
	    fflush(out) == EOF)
		rc = JF_ESOFTWARE;
	jf_redemption_clear(&r);
	return rc;
}

static int
cmd_gift(struct jf_call *k)
{
	int keep = !k->o->w.dry_run, rc;

	if (k->c != NULL)
		return book(k, GIFT);
	/* the stream's form, picked for its one operand */
	if (strcmp(k->argv[0], "-") != 0)
		return jf_usage_error(_("%s needs %s"), "gift",
		    "ID SKU");
	if ((rc = jf_open_tool(k->o, k->wargc, k->wargv, &k->c)) == 0)
		rc = jf_stream(k->c, stdin, stdout, gift_line, &keep);
	jf_close(k->c);
	k->c = NULL;
	return jf_fail(rc);
}

static int
cmd_reserve(struct jf_call *k)
{
	return book(k, RESERVE);
}

/* --days and --until are two ways to say one day */
static int
reserve_check(struct jf_call *k)
{
	struct args *a = k->a;

	if (*a->hold && (k->seen & 2))
		return jf_usage_error(_("--days and --until contradict"));
	return 0;
}

static int
cmd_pickup(struct jf_call *k)
{
	return book(k, PICKUP);
}

static int
cmd_cancel(struct jf_call *k)
{
	return book(k, CANCEL);
}

static int
cmd_quote(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_member m = { 0 };
	struct jf_out *out;
	int64_t points, value;
	int rc;

	if ((rc = jf_member_find(k->c, k->argv[0], &m)) != 0 ||
	    (rc = jf_redeem_quote(k->c, &m, a->amount, &points,
	    &value)) != 0) {
		jf_member_clear(&m);
		return jf_fail(rc);
	}
	out = jf_out_new(k->o->fmt, stdout, quote_cols);
	jf_out_single(out);
	jf_out_str(out, m.code);
	jf_out_money(out, a->amount);
	jf_out_int(out, points);
	jf_out_money(out, value);
	jf_out_end(out);
	jf_member_clear(&m);
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static const struct jf_sub subs[] = {
	{ "catalog", cmd_catalog, NULL, "", 0, 0, JF_READS,
	    N_("lists the gifts points can buy, with their stock") },
	{ "gift", cmd_gift, gift_opts, "ID SKU", 2, 2, JF_WRITES,
	    N_("gives a member a gift for its points; the gift leaves stock; "
	    "or a stream of them") },
	{ "gift", cmd_gift, NULL, "-", 1, 1, 0 },
	{ "list", cmd_list, list_opts, "", 0, 0, JF_READS,
	    N_("lists the redemptions, cancelled ones too, in time order") },
	{ "quote", cmd_quote, quote_opts, "ID", 1, 1, JF_READS,
	    N_("how many points an order could take as cash, and their value") },
	{ "cancel", cmd_cancel, cancel_opts, "REDEMPTION", 1, 1, JF_WRITES,
	    N_("cancels a redemption: the points go back, the gift to stock") },
	{ "reserve", cmd_reserve, reserve_opts, "ID SKU", 2, 2, JF_WRITES,
	    N_("holds a gift and its points for a member until pickup"),
	    NULL, reserve_check },
	{ "pickup", cmd_pickup, NULL, "RESERVATION", 1, 1, JF_WRITES,
	    N_("a reserved gift handed over: marks it picked up") },
	{ "draw", NULL, NULL, NULL, 0, 0, 0, NULL, jf_draw_subs },
	{ NULL }
};

static const struct jf_tool tool = { "redeem", .subs = subs,
	.argsize = sizeof(struct args), .init = init };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
