/*
 * points - the ledger: a member's balance and history, manual
 * adjustments, activity awards, the explanation of a receipt's points,
 * and the rules that govern them.
 *
 * The frame (lib/opts.h) parses and opens the book; each subcommand asks
 * lib/ledger.h, lib/points.h or lib/rules.h for its one job.  adjust and
 * award run in lib/pointsrun.h's transaction, since their stream ("-")
 * is open before the book is; rules load begins its own, --at saying
 * when the version takes effect.  Rows are printed before the commit.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balance.h"
#include "db.h"
#include "err.h"
#include "import.h"
#include "ledger.h"
#include "member.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "points.h"
#include "pointsrun.h"
#include "rules.h"

static const char *const history_cols[] = {
	NC_("column", "at"), NC_("column", "kind"), NC_("column", "delta"),
	NC_("column", "ref"), NC_("column", "rule"), NC_("column", "reason"),
	NC_("column", "expires_on"), NC_("column", "operator"), NULL
};
static const char *const change_cols[] = {
	NC_("column", "member"), NC_("column", "kind"), NC_("column", "delta"),
	NC_("column", "rule"), NC_("column", "reason"),
	NC_("column", "balance"), NULL
};
static const char *const explain_cols[] = {
	NC_("column", "kind"), NC_("column", "line"), NC_("column", "sku"),
	NC_("column", "qty"), NC_("column", "amount"),
	NC_("column", "multiplier"), NC_("column", "rule"),
	NC_("column", "points"), NC_("column", "member"), NULL
};
static const char *const show_cols[] = {
	NC_("column", "setting"), NC_("setting", "value"), NULL
};
static const char *const load_cols[] = {
	NC_("column", "version"), NC_("column", "effective"), NULL
};

struct args {
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	const char *reason, *kind;
	int64_t points;		/* --points, 0: not given */
};

#define A(f) offsetof(struct args, f)

static const struct jf_opt history_opts[] = {
	{ "since", 0, JF_DATE, A(since), "D",
	    N_("the entries from the start of that day on") },
	{ "until", 0, JF_DATE, A(until), "D",
	    N_("the entries up to the end of that day") },
	{ NULL }
};

static const struct jf_opt adjust_opts[] = {
	{ "reason", 0, JF_STR | JF_REQUIRED, A(reason), "TEXT",
	    N_("why the points are adjusted (not empty)") },
	JF_AT_OPT,
	JF_INPUT_OPTS,
	{ NULL }
};

static const struct jf_opt award_opts[] = {
	{ "kind", 0, JF_STR | JF_REQUIRED, A(kind), "K",
	    N_("the activity: a key of the rules' activities") },
	{ "points", 0, JF_INT, A(points), "N",
	    N_("instead of the activity's points (a manager's)"),
	    1, JF_POINTS_MAX },
	JF_AT_OPT,
	JF_INPUT_OPTS,
	{ NULL }
};

static const struct jf_opt show_opts[] = {
	{ "at", 0, JF_STR | JF_COMMON, offsetof(struct jf_opts, w.at), "TS",
	    N_("the rules in force then, not now") },
	{ NULL }
};

static const struct jf_opt load_opts[] = {
	{ "at", 0, JF_STR | JF_COMMON, offsetof(struct jf_opts, w.at), "TS",
	    N_("when the version takes effect, if not now (any time)") },
	{ NULL }
};

static int
cmd_balance(struct jf_call *k)
{
	if (strcmp(k->argv[0], "-") == 0)
		return jf_fail(jf_balance_stream(k->c, stdin, stdout));
	return jf_fail(jf_balance_write(k->c, k->argv[0], k->o->fmt, stdout));
}

static int
history_row(void *arg, const struct jf_history *h)
{
	struct jf_out *out = arg;

	jf_out_str(out, h->at);
	jf_out_str(out, h->kind);
	jf_out_int(out, h->delta);
	jf_out_str(out, h->ref);
	jf_out_str(out, h->rule);
	jf_out_str(out, h->reason);
	jf_out_str(out, h->expires_on);
	jf_out_str(out, h->operator);
	jf_out_end(out);
	return 0;
}

static int
cmd_history(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_out *out;
	int64_t mid;
	int rc;

	if ((rc = jf_member_id(k->c, k->argv[0], &mid)) != 0)
		return jf_fail(rc);
	out = jf_out_new(k->o->fmt, stdout, history_cols);
	if ((rc = jf_points_history(k->c, mid, a->since[0] ? a->since : NULL,
	    a->until[0] ? a->until : NULL, history_row, out)) != 0)
		jf_fail(rc);
	return jf_out_done(out, rc);
}

/* adjust's and award's rows: one member's, or a stream's. */
struct changes {
	struct jf_out *out;
	int fmt, single;
};

/* Prints a change; NULL: the last is printed, before the commit. */
static int
changed(void *arg, const struct jf_changed *d)
{
	struct changes *p = arg;

	if (p->out == NULL) {
		p->out = jf_out_new(p->fmt, stdout, change_cols);
		if (p->single)
			jf_out_single(p->out);
	}
	if (d == NULL) {
		struct jf_out *out = p->out;

		p->out = NULL;
		return jf_out_done(out, 0);
	}
	jf_out_str(p->out, d->member);
	jf_out_str(p->out, d->kind);
	jf_out_int(p->out, d->delta);
	jf_out_str(p->out, d->rule);
	jf_out_str(p->out, d->reason);
	jf_out_int(p->out, d->balance);
	jf_out_end(p->out);
	return 0;
}

/* The member id names, or each of the stream on stdin ("-"). */
static int
change(struct jf_call *k, const struct jf_change *ch, const char *id)
{
	struct changes p = { NULL, k->o->fmt, strcmp(id, "-") != 0 };
	int rc;

	rc = jf_points_change_run(k->o, k->wargc, k->wargv, id, ch, changed,
	    &p);
	jf_out_free(p.out);
	return rc;
}

/* "-50": adjust's number, which may come before the member's ID. */
static int
negative(const char *s)
{
	return s[0] == '-' && s[1] != '\0' &&
	    strspn(s + 1, "0123456789") == strlen(s + 1);
}

static int
cmd_adjust(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_change ch = { .reason = a->reason };
	int first = negative(k->argv[0]);
	const char *id = k->argv[first], *num = k->argv[!first];

	if (jf_int_parse(num, JF_POINTS_MAX, &ch.delta) == -1 || ch.delta == 0)
		return jf_usage_error(_("not a number of points other than 0: "
		    "\"%s\""), num);
	if (a->reason[0] == '\0')
		return jf_usage_error(_("adjust needs --reason"));
	return change(k, &ch, id);
}

static int
cmd_award(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_change ch = { .kind = a->kind, .points = a->points };

	if (a->kind[0] == '\0')
		return jf_usage_error(_("award needs --kind"));
	return change(k, &ch, k->argc > 0 ? k->argv[0] : "-");
}

/* A figure, or null when it does not apply (-1). */
static void
out_opt(struct jf_out *out, int64_t v, int money)
{
	if (v < 0)
		jf_out_str(out, NULL);
	else if (money)
		jf_out_money(out, v);
	else
		jf_out_int(out, v);
}

static int
explain_row(void *arg, const struct jf_explain_row *r)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->kind);
	out_opt(out, r->line > 0 ? r->line : -1, 0);
	jf_out_str(out, r->sku);
	out_opt(out, r->qty, 0);
	out_opt(out, r->amount, 1);
	out_opt(out, r->mult, 1);
	jf_out_str(out, r->rule);
	jf_out_int(out, r->points);
	jf_out_str(out, r->member);
	jf_out_end(out);
	return 0;
}

static int
cmd_explain(struct jf_call *k)
{
	struct jf_out *out = jf_out_new(k->o->fmt, stdout, explain_cols);
	struct jf_explain x;
	int rc;

	if ((rc = jf_points_explain(k->c, k->argv[0], &x, explain_row,
	    out)) != 0)
		jf_fail(rc);
	if ((rc = jf_out_done(out, rc)) == 0 && x.earned != x.booked)
		jf_warnx(_("receipt %s: %lld points were booked, the rules "
		    "give %lld (a product changed since?)"), x.receipt,
		    (long long)x.booked, (long long)x.earned);
	return rc;
}

static void
setting_row(void *arg, const char *setting, const char *value)
{
	struct jf_out *out = arg;

	jf_out_str(out, setting);
	jf_out_str(out, value);
	jf_out_end(out);
}

static int
cmd_rules_show(struct jf_call *k)
{
	const struct jf_rules *r;
	struct jf_out *out;
	int rc;

	if ((rc = jf_rules_at(k->c, k->c->now, &r)) != 0)
		return jf_fail(rc);
	out = jf_out_new(k->o->fmt, stdout, show_cols);
	jf_out_labels(out, "setting");
	jf_rules_settings(r, setting_row, out);
	return jf_out_done(out, 0);
}

static int
cmd_rules_export(struct jf_call *k)
{
	char *text = NULL;
	int64_t v;
	int rc;

	if ((rc = jf_rules_text(k->c, &text, &v)) != 0) {
		free(text);
		return jf_fail(rc);
	}
	fputs(text, stdout);
	if (text[0] && text[strlen(text) - 1] != '\n')
		putchar('\n');
	free(text);
	return fflush(stdout) != 0 || ferror(stdout) ? JF_ESOFTWARE : 0;
}

static int
cmd_rules_load(struct jf_call *k)
{
	struct jf_out *out;
	int64_t v;
	int rc;

	if ((rc = jf_points_rules_begin(k->c)) != 0 ||
	    (rc = jf_rules_load(k->c, k->argv[0], &v)) != 0) {
		jf_rollback(k->c);
		return jf_fail(rc);
	}
	out = jf_out_new(k->o->fmt, stdout, load_cols);
	jf_out_single(out);
	jf_out_int(out, v);
	jf_out_str(out, k->c->now);
	jf_out_end(out);
	if (jf_out_free(out) != 0) {
		jf_rollback(k->c);	/* jf_run says why */
		return JF_ESOFTWARE;
	}
	if ((rc = jf_commit(k->c)) != 0)
		return jf_fail(rc);
	return 0;
}

static const struct jf_sub rules_subs[] = {
	{ "", cmd_rules_show, show_opts, "", 0, 0, JF_READS,
	    N_("shows the rules in force, a setting a row") },
	{ "show", cmd_rules_show, show_opts, "", 0, 0, JF_READS,
	    N_("shows the rules in force, a setting a row") },
	{ "load", cmd_rules_load, load_opts, "FILE", 1, 1, JF_BOOK,
	    N_("stores a rules document as a new version (a manager's)") },
	{ "export", cmd_rules_export, show_opts, "", 0, 0, JF_READS,
	    N_("prints the rules document in force, as it was loaded") },
	{ NULL }
};

/* adjust and award open the book themselves: see change(). */
static const struct jf_sub subs[] = {
	{ "balance", cmd_balance, NULL, "ID", 1, 1, JF_READS,
	    N_("a member's balance, pending points and points expiring soon; "
	    "or a stream of lookups") },
	{ "balance", cmd_balance, NULL, "-", 1, 1, JF_READS },
	{ "history", cmd_history, history_opts, "ID", 1, 1, JF_READS,
	    N_("every entry of a member's points, oldest first") },
	{ "adjust", cmd_adjust, adjust_opts, "ID|- ±N", 2, 2, JF_SIGNED,
	    N_("adds or takes away points, with a reason (a manager's)") },
	{ "award", cmd_award, award_opts, "[ID|-]", 0, 1, 0,
	    N_("an activity's points, to a member or to a stream of them") },
	{ "explain", cmd_explain, NULL, "RECEIPT", 1, 1, JF_READS,
	    N_("which rules gave a receipt's points") },
	{ "rules", NULL, NULL, NULL, 0, 0, 0,
	    N_("shows, loads or exports the points rules"), rules_subs },
	{ NULL }
};

static const struct jf_tool tool = { "points", .subs = subs,
	.argsize = sizeof(struct args) };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
