/*
 * expire - cron's tool: lets lapsed points go, and tells members whose
 * points are about to.
 *
 * Both are one write each.  The rows are spooled to a temporary file
 * while the work runs, so that a run that fails prints nothing; then,
 * still in the transaction, they are copied to stdout, and the
 * transaction commits only once stdout has been flushed and closed
 * without error.  A full disk (exit 70) or a reader that went away
 * (SIGPIPE, 141) thus leaves the lots unannounced and unexpired, for
 * the next run to do.  The price is that the write lock is held while
 * the reader takes the rows: other writers wait up to the busy timeout.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "ledger.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "redeem.h"
#include "remind.h"
#include "rules.h"

static const char *const expire_cols[] = {
	NC_("column", "member"), NC_("column", "points"),
	NC_("column", "expired_on"), NULL
};
static const char *const lapse_cols[] = {
	NC_("column", "redemption"), NC_("column", "member"),
	NC_("column", "sku"), NC_("column", "qty"), NC_("column", "points"),
	NC_("column", "hold_until"), NC_("column", "lapsed_on"), NULL
};
static const char *const remind_cols[] = {
	NC_("column", "member"), NC_("person", "name"), NC_("column", "phone"),
	NC_("column", "email"), NC_("column", "points"),
	NC_("column", "expires_on"), NC_("column", "message"), NULL
};

struct args {
	char date[JF_DATE_LEN];	/* "" when not given */
	int64_t days;		/* -1 when not given */
	const char *template;
	int again;
	int holds;
};

#define A(f) offsetof(struct args, f)

static const struct jf_opt expire_opts[] = {
	{ "date", 0, JF_DATE, A(date), "D",
	    N_("expire as that day's run would (a later day: with -n)") },
	{ "holds", 0, JF_FLAG, A(holds), NULL,
	    N_("only lapse the reservations, and list them") },
	JF_DRYRUN_OPT,
	{ NULL }
};

static const struct jf_opt remind_opts[] = {
	{ "days", 0, JF_INT, A(days), "N",
	    N_("points expiring within N days (the rules' remind_days)"),
	    0, 36500 },
	{ "template", 0, JF_STR, A(template), "F",
	    N_("the message, from file F (share/remind.txt)") },
	{ "again", 0, JF_FLAG, A(again), NULL,
	    N_("remind those reminded already of the same points") },
	JF_DRYRUN_OPT,
	{ NULL }
};

static void
init(void *arg)
{
	struct args *a = arg;

	a->days = -1;
}

/*
 * Copies the spooled rows to stdout, flushes and closes it: 0; or the
 * status of jf_stdout_close(), which jf_run() reports.
 */
static int
unspool(FILE *tmp)
{
	int rc;

	rewind(tmp);
	if ((rc = jf_stdout_copy(tmp, _("spool file"))) != 0)
		return rc;
	return jf_stdout_close();
}

/*
 * The frame both commands share: out writes into a spool while work
 * runs in one transaction; the rows reach stdout before it commits, and
 * it commits only when they did.  Reports its failures (a failed write
 * to stdout is left to jf_run, which reports it once).
 */
static int
spooled(struct jf_ctx *c, const char *const *cols,
    int (*work)(struct jf_ctx *, struct jf_out *, void *), void *arg)
{
	struct jf_out *out;
	FILE *tmp;
	int rc;

	if ((tmp = tmpfile()) == NULL)
		return jf_fail(jf_error(JF_ESOFTWARE,
		    _("cannot make a spool file: %s"), strerror(errno)));
	out = jf_out_new(c->fmt, tmp, cols);
	jf_out_labels(out, "person");	/* remind's name is the member's */
	if ((rc = jf_begin(c)) != 0) {
		jf_out_free(out);
		fclose(tmp);
		return jf_fail(rc);
	}
	rc = work(c, out, arg);
	if (jf_out_free(out) != 0 && rc == 0)
		rc = jf_error(JF_ESOFTWARE, _("spool file: %s"),
		    strerror(errno));
	if (rc != 0) {
		jf_rollback(c);
		jf_fail(rc);
	} else if ((rc = unspool(tmp)) != 0)
		jf_rollback(c);
	else if ((rc = jf_commit(c)) != 0)
		jf_fail(rc);
	fclose(tmp);
	return rc;
}

static void
expired_one(void *arg, const char *code, int64_t points,
    const char *expired_on)
{
	struct jf_out *out = arg;

	jf_out_str(out, code);
	jf_out_int(out, points);
	jf_out_str(out, expired_on);
	jf_out_end(out);
}

/* Reservations lapse first: points back in lapsed lots expire too. */
static int
expire_work(struct jf_ctx *c, struct jf_out *out, void *arg)
{
	int rc;

	if ((rc = jf_redeem_lapse(c, arg, NULL, NULL)) != 0)
		return rc;
	return jf_ledger_expire(c, arg, expired_one, out);
}

static int
lapsed_one(void *arg, const struct jf_redemption *r, const char *lapsed_on)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->code);
	jf_out_str(out, r->member);
	jf_out_str(out, r->sku);
	jf_out_int(out, r->qty);
	jf_out_int(out, r->points);
	jf_out_str(out, r->hold_until);
	jf_out_str(out, lapsed_on);
	jf_out_end(out);
	return 0;
}

static int
lapse_work(struct jf_ctx *c, struct jf_out *out, void *arg)
{
	return jf_redeem_lapse(c, arg, lapsed_one, out);
}

static int
cmd_expire(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_ctx *c = k->c;

	if (a->date[0] == '\0')
		memcpy(a->date, c->today, sizeof(a->date));
	if (strcmp(a->date, c->today) > 0 && !c->dry_run)
		return jf_fail(jf_error(JF_EREFUSED, a->holds ?
		    _("--date %s is after today (%s): reservations are held "
		    "until then; look ahead with --dry-run") : _("--date %s is "
		    "after today (%s): points may still be used until then; "
		    "look ahead with --dry-run"), a->date, c->today));
	if (a->holds)
		return spooled(c, lapse_cols, lapse_work, a->date);
	return spooled(c, expire_cols, expire_work, a->date);
}

struct reminder {
	struct jf_out *out;
	const struct jf_tpl *tpl;
	int days, again;
};

static const char *
absent(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static int
remind_one(void *arg, const struct jf_remind *r)
{
	struct reminder *w = arg;
	char *msg;

	if ((msg = jf_tpl_render(w->tpl, r)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	jf_out_str(w->out, r->code);
	jf_out_str(w->out, absent(r->name));
	jf_out_str(w->out, absent(r->phone));
	jf_out_str(w->out, absent(r->email));
	jf_out_int(w->out, r->points);
	jf_out_str(w->out, r->expires_on);
	jf_out_str(w->out, msg);
	jf_out_end(w->out);
	free(msg);
	return 0;
}

static int
remind_work(struct jf_ctx *c, struct jf_out *out, void *arg)
{
	struct reminder *w = arg;

	w->out = out;
	return jf_remind_each(c, w->days, w->again, remind_one, w);
}

static int
cmd_remind(struct jf_call *k)
{
	struct args *a = k->a;
	struct reminder w = { 0 };
	const struct jf_rules *rules;
	struct jf_tpl *tpl = NULL;
	int rc;

	rc = a->template ? jf_tpl_load(a->template, &tpl) :
	    jf_tpl_default(&tpl);
	if (rc != 0)
		return jf_fail(rc);
	w.tpl = tpl;
	w.again = a->again;
	w.days = (int)a->days;
	if (w.days < 0 && (rc = jf_rules_at(k->c, k->c->now, &rules)) != 0)
		jf_fail(rc);
	else {
		if (w.days < 0)
			w.days = rules->remind_days;
		rc = spooled(k->c, remind_cols, remind_work, &w);
	}
	if (rc == 0 && (rc = jf_audit_dry_read(k->c)) != 0)
		jf_fail(rc);
	jf_tpl_free(tpl);
	return rc;
}

static const struct jf_sub subs[] = {
	{ "", cmd_expire, expire_opts, "", 0, 0, JF_BOOK,
	    N_("books the points whose last valid day has passed as expired, "
	    "and lets lapsed reservations go") },
	{ "remind", cmd_remind, remind_opts, "", 0, 0, JF_BOOK,
	    N_("the members to tell that points expire soon, with a message") },
	{ NULL }
};

static const struct jf_tool tool = { "expire", .subs = subs,
	.argsize = sizeof(struct args), .init = init };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
