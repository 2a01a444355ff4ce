/*
 * drawcmd.c - `redeem draw`'s subcommands: their options, operands and
 * output, glue between the command line and lib/draw.c kept out of
 * cmd/redeem.c (a tool's file stays short).  cmd/redeem.c names the
 * table jf_draw_subs as its group "draw"; the options fill struct
 * jf_draw_args at the start of the tool's arguments.
 *
 * A secret seed is never an operand or an option's value, which the
 * audit log and ps(1) would show: it is read from a file (or stdin), or
 * made here and written to a new file of mode 0600.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "opts.h"
#include "output.h"
#include "stock.h"	/* JF_QTY_MAX */

static const char *const draw_cols[] = {
	NC_("column", "draw"), NC_("column", "name"), NC_("column", "store"),
	NC_("column", "sku"), NC_("column", "prizes"),
	NC_("column", "ticket_points"), NC_("column", "refund_losers"),
	NC_("column", "tickets"), NC_("column", "opened"),
	NC_("column", "ran"), NC_("column", "seed_hash"),
	NC_("column", "seed"), NC_("column", "winners"), NULL
};
static const char *const buy_cols[] = {
	NC_("column", "draw"), NC_("column", "member"),
	NC_("column", "first_ticket"), NC_("column", "last_ticket"),
	NC_("column", "points"), NC_("column", "balance"), NULL
};
static const char *const ticket_cols[] = {
	NC_("column", "ticket"), NC_("column", "at"), NC_("column", "member"),
	NC_("column", "prize"), NC_("column", "refunded"), NULL
};

#define A(f) offsetof(struct jf_draw_args, f)
#define MAX_PRIZES 1000000
#define MAX_TICKET_POINTS 100000000

static const struct jf_opt open_opts[] = {
	{ "sku", 0, JF_STR | JF_REQUIRED, A(sku), "SKU",
	    N_("the gift the winners get") },
	{ "prizes", 0, JF_INT | JF_REQUIRED, A(prizes), "N",
	    N_("how many of it are won"), 1, MAX_PRIZES },
	{ "ticket-points", 0, JF_INT | JF_REQUIRED, A(ticket_points), "P",
	    N_("the points a ticket costs"), 1, MAX_TICKET_POINTS },
	{ "refund-losers", 0, JF_FLAG, A(refund_losers), NULL,
	    N_("give the losing tickets' points back at the run") },
	{ "seed-file", 0, JF_STR | JF_OR, A(seed_file), "F",
	    N_("read the secret seed from F (- stdin)") },
	{ "seed-out", 0, JF_STR, A(seed_out), "F",
	    N_("make a seed and write it to F, a new file (0600)") },
	{ NULL }
};

static const struct jf_opt ticket_opts[] = {
	{ "qty", 0, JF_INT, A(qty), "N", N_("how many tickets, 1 if not said"),
	    1, JF_QTY_MAX },
	{ NULL }
};

static const struct jf_opt run_opts[] = {
	{ "seed-file", 0, JF_STR | JF_REQUIRED, A(seed_file), "F",
	    N_("read the seed committed at the opening from F (- stdin)") },
	{ NULL }
};

/* open takes one source of the seed. */
static int
check_open(struct jf_call *k)
{
	struct jf_draw_args *a = k->a;

	if ((a->seed_file == NULL) == (a->seed_out == NULL))
		return jf_usage_error(_("open needs --seed-file F or "
		    "--seed-out F, one of them"));
	return 0;
}

/* A draw's row; winners absent until the run, and in a list. */
static int
draw_one(void *arg, const struct jf_draw *d)
{
	struct jf_out *out = arg;

	jf_out_str(out, d->code);
	jf_out_str(out, d->name);
	jf_out_str(out, d->store);
	jf_out_str(out, d->sku);
	jf_out_int(out, d->prizes);
	jf_out_int(out, d->ticket_points);
	jf_out_int(out, d->refund_losers);
	jf_out_int(out, d->tickets);
	jf_out_str(out, d->opened);
	jf_out_str(out, *d->ran ? d->ran : NULL);
	jf_out_str(out, d->seed_hash);
	jf_out_str(out, *d->seed ? d->seed : NULL);
	jf_out_str(out, *d->ran && *d->winners ? d->winners : NULL);
	jf_out_end(out);
	return 0;
}

/* Open, run and show print the draw once it is booked (not committed). */
static int
done(struct jf_call *k, int rc, struct jf_draw *d)
{
	struct jf_out *out;

	if (rc == 0) {
		out = jf_out_new(k->o->fmt, stdout, draw_cols);
		jf_out_single(out);
		draw_one(out, d);
		rc = jf_out_done(out, 0);
	} else
		jf_fail(rc);
	jf_draw_clear(d);
	return rc;
}

static int
cmd_open(struct jf_call *k)
{
	struct jf_draw_args *a = k->a;
	struct jf_draw_in in = { k->argv[0], a->sku, a->prizes,
		a->ticket_points, a->refund_losers, NULL };
	struct jf_draw d = { 0 };
	char seed[JF_SEED_MAX + 1];
	int rc;

	rc = a->seed_file ? jf_draw_seed_read(a->seed_file, seed) :
	    jf_draw_seed_new(seed);
	in.seed = seed;
	if (rc == 0)
		rc = jf_draw_open(k->c, &in, &d);
	/* the file once the draw is booked, and only when it will be */
	if (rc == 0 && a->seed_out != NULL && !k->c->dry_run)
		rc = jf_draw_seed_write(a->seed_out, seed);
	memset(seed, 0, sizeof(seed));
	return done(k, rc, &d);
}

static int
cmd_run(struct jf_call *k)
{
	struct jf_draw_args *a = k->a;
	struct jf_draw d = { 0 };
	char seed[JF_SEED_MAX + 1];
	int rc;

	if ((rc = jf_draw_seed_read(a->seed_file, seed)) == 0)
		rc = jf_draw_run(k->c, k->argv[0], seed, &d);
	return done(k, rc, &d);
}

static int
cmd_show(struct jf_call *k)
{
	struct jf_draw d = { 0 };

	return done(k, jf_draw_get(k->c, k->argv[0], &d), &d);
}

static int
cmd_ticket(struct jf_call *k)
{
	struct jf_draw_args *a = k->a;
	struct jf_draw_buy b;
	struct jf_out *out;
	int rc;

	if ((rc = jf_draw_ticket(k->c, k->argv[0], k->argv[1],
	    a->qty ? a->qty : 1, &b)) != 0)
		return jf_fail(rc);
	out = jf_out_new(k->o->fmt, stdout, buy_cols);
	jf_out_single(out);
	jf_out_str(out, b.code);
	jf_out_str(out, b.member);
	jf_out_int(out, b.first);
	jf_out_int(out, b.last);
	jf_out_int(out, b.points);
	jf_out_int(out, b.balance);
	jf_out_end(out);
	return jf_out_done(out, 0);
}

static int
ticket_one(void *arg, const struct jf_draw_ticket *t)
{
	struct jf_out *out = arg;

	jf_out_int(out, t->number);
	jf_out_str(out, t->at);
	jf_out_str(out, t->member);
	if (t->prize > 0)
		jf_out_int(out, t->prize);
	else
		jf_out_str(out, NULL);
	jf_out_int(out, t->refunded);
	jf_out_end(out);
	return 0;
}

static int
cmd_tickets(struct jf_call *k)
{
	struct jf_out *out = jf_out_new(k->o->fmt, stdout, ticket_cols);
	int rc;

	if ((rc = jf_draw_tickets(k->c, k->argv[0], ticket_one, out)) != 0)
		jf_fail(rc);
	return jf_out_done(out, rc);
}

static int
cmd_list(struct jf_call *k)
{
	struct jf_out *out = jf_out_new(k->o->fmt, stdout, draw_cols);
	int rc;

	if ((rc = jf_draw_each(k->c, draw_one, out)) != 0)
		jf_fail(rc);
	return jf_out_done(out, rc);
}

const struct jf_sub jf_draw_subs[] = {
	{ "open", cmd_open, open_opts, "NAME", 1, 1, JF_WRITES,
	    N_("opens a draw for a gift, committed to a seed's hash "
	    "(a manager's)"), .check = check_open },
	{ "ticket", cmd_ticket, ticket_opts, "DRAW ID", 2, 2, JF_WRITES,
	    N_("sells a member tickets of a draw for its points") },
	{ "run", cmd_run, run_opts, "DRAW", 1, 1, JF_WRITES,
	    N_("draws the winners with the committed seed, once "
	    "(a manager's)") },
	{ "show", cmd_show, NULL, "DRAW", 1, 1, JF_READS,
	    N_("a draw, and once it ran its seed and winners") },
	{ "tickets", cmd_tickets, NULL, "DRAW", 1, 1, JF_READS,
	    N_("a draw's tickets by number: member, prize, points back") },
	{ "list", cmd_list, NULL, "", 0, 0, JF_READS,
	    N_("the draws, in the order opened") },
	{ NULL }
};
