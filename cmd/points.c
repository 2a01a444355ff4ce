/*
 * points - the ledger: a member's balance and history, manual
 * adjustments, activity awards, the explanation of a receipt's points,
 * and the rules that govern them.
 *
 * Each subcommand parses its options, opens the book, asks lib/ledger.h,
 * lib/points.h or lib/rules.h for its one job (inside one transaction
 * when it writes) and prints the rows in the chosen format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "import.h"
#include "input.h"
#include "ledger.h"
#include "member.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "points.h"
#include "rules.h"

static const char usage[] =
    "usage: points balance ID\n"
    "       points history ID [--since D]\n"
    "       points adjust ID|- ±N --reason TEXT [--at TS]\n"
    "       points award [ID|-] --kind K [--points N] [--at TS]\n"
    "       points explain RECEIPT\n"
    "       points rules [show | load FILE | export] [--at TS]\n"
    "common: [-d PATH] [-o table|csv|json|jsonl] [-n] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

enum { O_SINCE = JF_OPT_LOCAL, O_REASON, O_KIND, O_POINTS, O_AT };

static const struct option longopts[] = {
	{ "since", required_argument, NULL, O_SINCE },
	{ "reason", required_argument, NULL, O_REASON },
	{ "kind", required_argument, NULL, O_KIND },
	{ "points", required_argument, NULL, O_POINTS },
	{ "at", required_argument, NULL, O_AT },
	JF_COMMON_LONG
};

#define POINTS_MAX 1000000000000LL	/* 10^12: any one movement */

struct args {
	char since[JF_DATE_LEN];
	const char *reason, *kind;
	int64_t points;		/* --points, 0: not given */
};

/*
 * Parses the subcommand's options; allow holds the O_ offsets it takes
 * ('a' is O_SINCE ...).  Returns 0, or the status to return (-1: -h or
 * --version answered).
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *allow,
    struct args *a)
{
	int ch, rc;

	memset(a, 0, sizeof(*a));
	while ((ch = jf_getopt(argc, argv, JF_COMMON_SHORT, longopts,
	    allow)) != -1) {
		switch (ch) {
		case O_SINCE:
			if (jf_date_parse(optarg, a->since) == -1)
				return jf_usage_error("--since: %s",
				    jf_errmsg());
			break;
		case O_REASON:
			a->reason = optarg;
			break;
		case O_KIND:
			a->kind = optarg;
			break;
		case O_POINTS:
			if (jf_int_parse(optarg, POINTS_MAX, &a->points) == -1 ||
			    a->points <= 0)
				return jf_usage_error(
				    _("--points: not a number of points above "
				    "0: \"%s\""), optarg);
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
	return 0;
}

/* Fails the open transaction: rolls back and reports. */
static int
fail(struct jf_ctx *c, int rc)
{
	if (c != NULL && c->in_tx)
		jf_rollback(c);
	return jf_fail(rc);
}

static int
out_done(struct jf_out *out, int rc)
{
	if (jf_out_free(out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	return rc;
}

static int
cmd_balance(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "member", "balance", "pending",
		"expiring", "expiring_on", NULL };
	struct jf_ctx *c = NULL;
	struct jf_member m = { 0 };
	struct jf_points_now pn;
	struct jf_out *out;
	struct args a;
	char day[JF_DATE_LEN] = "";
	int64_t pts = 0;
	int rc;

	if ((rc = parse(argc, argv, o, "", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("balance needs one member"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if ((rc = jf_member_find(c, argv[optind], &m)) != 0 ||
	    (rc = jf_points_now(c, m.id, c->today, &pn)) != 0 ||
	    (rc = jf_points_expiring(c, m.id, &pts, day)) != 0) {
		jf_fail(rc);
		goto done;
	}
	out = jf_out_new(o->fmt, stdout, cols);
	jf_out_single(out);
	jf_out_str(out, m.code);
	jf_out_int(out, pn.balance);
	jf_out_int(out, pn.pending);
	jf_out_int(out, pts);
	jf_out_str(out, day[0] ? day : NULL);
	jf_out_end(out);
	rc = out_done(out, 0);
done:
	jf_member_clear(&m);
	jf_close(c);
	return rc;
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
cmd_history(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "at", "kind", "delta", "ref",
		"rule", "reason", "expires_on", "operator", NULL };
	struct jf_ctx *c = NULL;
	struct jf_out *out;
	struct args a;
	int64_t mid;
	int rc;

	if ((rc = parse(argc, argv, o, "a", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("history needs one member"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if ((rc = jf_member_id(c, argv[optind], &mid)) != 0) {
		jf_fail(rc);
		goto done;
	}
	out = jf_out_new(o->fmt, stdout, cols);
	if ((rc = jf_points_history(c, mid, a.since[0] ? a.since : NULL,
	    history_row, out)) != 0)
		jf_fail(rc);
	rc = out_done(out, rc);
done:
	jf_close(c);
	return rc;
}

/*
 * Takes the signed number of `points adjust ID -50` out of argv before
 * getopt sees it as options: an operand of a minus sign and digits (no
 * member's code or phone starts with "-"), or of a plus sign and digits
 * after the first operand (a phone may be "+8613812345678").
 */
static const char *
take_number(int *argcp, char **argv)
{
	static const char *const witharg[] = { "-d", "-o", "--db", "--format",
		"--reason", "--operator", "--store", "--at", NULL };
	int argc = *argcp, nops = 0;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		int j, num;

		if (strcmp(s, "--") == 0)
			break;
		for (j = 0; witharg[j] != NULL; j++)
			if (strcmp(s, witharg[j]) == 0)
				break;
		if (witharg[j] != NULL) {
			i++;
			continue;
		}
		num = (s[0] == '-' || s[0] == '+') && s[1] >= '0' &&
		    s[1] <= '9' && strspn(s + 1, "0123456789") == strlen(s + 1);
		if (num && (s[0] == '-' || nops > 0)) {
			memmove(&argv[i], &argv[i + 1],
			    (argc - i) * sizeof(*argv));
			(*argcp)--;
			return s;
		}
		if (s[0] != '-' || s[1] == '\0')
			nops++;
	}
	return NULL;
}

static const char *const change_cols[] = { "member", "kind", "delta",
	"rule", "reason", "balance", NULL };

/* Prints the row of one change to a member's points. */
static int
print_change(struct jf_ctx *c, struct jf_out *out, int64_t mid,
    const char *kind, int64_t delta, const char *rule, const char *reason)
{
	struct jf_member m = { 0 };
	int rc;

	if ((rc = jf_member_get(c, mid, &m)) != 0)
		return rc;
	jf_out_str(out, m.code);
	jf_out_str(out, kind);
	jf_out_int(out, delta);
	jf_out_str(out, rule);
	jf_out_str(out, reason);
	jf_out_int(out, m.balance);
	jf_out_end(out);
	jf_member_clear(&m);
	return 0;
}

/* A change to members' points: adjust's or award's, one or a stream. */
struct change {
	struct jf_ctx *c;
	struct jf_out *out;
	const struct args *a;
	int64_t delta;		/* adjust's points; 0 for award */
	int stream;
	int role;		/* the role it needs, and for what */
	const char *what;
};

/* Adjusts or awards the member named by id, and prints the row. */
static int
change_one(struct change *k, const char *id)
{
	int64_t mid, pts = k->delta;
	int rc;

	if ((rc = jf_member_id(k->c, id, &mid)) != 0)
		return rc;
	if (k->delta != 0)
		rc = jf_points_adjust(k->c, mid, k->delta, k->a->reason, NULL);
	else
		rc = jf_points_award(k->c, mid, k->a->kind, k->a->points,
		    &pts);
	if (rc != 0)
		return rc;
	if (k->out == NULL) {
		k->out = jf_out_new(k->c->fmt, stdout, change_cols);
		if (!k->stream)
			jf_out_single(k->out);
	}
	return k->delta ? print_change(k->c, k->out, mid, "adjust", pts,
	    NULL, k->a->reason) : print_change(k->c, k->out, mid, "award",
	    pts, k->a->kind, NULL);
}

static int
change_start(struct jf_import *im)
{
	struct change *k = im->arg;
	int rc;

	k->c = im->c;
	if (k->role != JF_ROLE_NONE &&
	    (rc = jf_need_role(k->c, k->role, k->what)) != 0)
		return rc;
	k->out = jf_out_new(k->c->fmt, stdout, change_cols);
	return 0;
}

static int
change_row(struct jf_import *im)
{
	const char *id, *col;
	int rc;

	if ((rc = jf_import_member(im, &id, &col)) != 0)
		return rc;
	return jf_import_blame(im, col, change_one(im->arg, id));
}

/* The rows are written before the commit (jf_run says why not). */
static int
change_end(struct jf_import *im)
{
	struct change *k = im->arg;
	int rc = jf_out_free(k->out);

	k->out = NULL;
	return rc != 0 ? JF_ESOFTWARE : 0;
}

/* Each member of the stream on stdin, through the import engine. */
static int
change_stream(int argc, char **argv, struct jf_opts *o, struct change *k)
{
	struct jf_import im = { 0 };
	int rc;

	k->stream = 1;
	jf_import_members(&im);
	im.label = k->delta ? _("adjusting") : _("awarding");
	im.start = change_start;
	im.row = change_row;
	im.end = change_end;
	im.arg = k;
	rc = jf_import_run(&im, o, argc, argv);
	jf_out_free(k->out);
	k->c = NULL;
	return jf_import_close(&im, rc);
}

/*
 * The frame adjust and award share: the member named by id, or each
 * member of the stream on stdin when id is "-" (DESIGN: `member list -o
 * csv | points adjust - +10 --reason ...`), changed in one transaction.
 * The stream is opened before the book, so that the tool writing it is
 * not kept waiting for our lock.  The rows are printed and flushed
 * before the commit, so that output that cannot be written changes
 * nothing.  A row of a stream that is refused is reported, the others
 * are kept, and the status is 65.
 */
static int
change(int argc, char **argv, struct jf_opts *o, const char *id,
    struct change *k, int role, const char *what)
{
	int rc;

	k->role = role;
	k->what = what;
	if (strcmp(id, "-") == 0)
		return change_stream(argc, argv, o, k);
	if ((rc = jf_open_tool(o, argc, argv, &k->c)) != 0)
		goto done;
	if ((role != JF_ROLE_NONE &&
	    (rc = jf_need_role(k->c, role, what)) != 0) ||
	    (rc = jf_begin(k->c)) != 0 || (rc = change_one(k, id)) != 0) {
		fail(k->c, rc);
		goto done;
	}
	if (k->out != NULL && jf_out_free(k->out) != 0) {
		k->out = NULL;
		jf_rollback(k->c);	/* jf_run says why */
		rc = JF_ESOFTWARE;
		goto done;
	}
	k->out = NULL;
	if ((rc = jf_commit(k->c)) != 0)
		fail(k->c, rc);
done:
	jf_out_free(k->out);
	jf_close(k->c);
	return rc;
}

static int
cmd_adjust(int argc, char **argv, struct jf_opts *o)
{
	struct change k = { 0 };
	const char *num;
	struct args a;
	int rc;

	num = take_number(&argc, argv);
	if ((rc = parse(argc, argv, o, "be", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (num == NULL && argc - optind == 2) {
		num = argv[optind + 1];
		argc--;
	}
	if (argc - optind != 1 || num == NULL)
		return jf_usage_error(_("adjust needs a member (or -) and +N "
		    "or -N"));
	if (jf_int_parse(num, POINTS_MAX, &k.delta) == -1 || k.delta == 0)
		return jf_usage_error(_("not a number of points other than 0: "
		    "\"%s\""), num);
	if (a.reason == NULL || a.reason[0] == '\0')
		return jf_usage_error(_("adjust needs --reason"));
	k.a = &a;
	return change(argc, argv, o, argv[optind], &k, JF_ROLE_MANAGER,
	    _("adjusting points"));
}

static int
cmd_award(int argc, char **argv, struct jf_opts *o)
{
	struct change k = { 0 };
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "cde", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind > 1)
		return jf_usage_error(_("award takes one member or -"));
	if (a.kind == NULL || a.kind[0] == '\0')
		return jf_usage_error(_("award needs --kind"));
	k.a = &a;
	return change(argc, argv, o, optind < argc ? argv[optind] : "-", &k,
	    a.points > 0 ? JF_ROLE_MANAGER : JF_ROLE_NONE,
	    _("awarding other than the rules' points"));
}

static int
explain_row(void *arg, const struct jf_explain_row *r)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->kind);
	if (r->line > 0)
		jf_out_int(out, r->line);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, r->sku);
	if (r->qty >= 0)
		jf_out_int(out, r->qty);
	else
		jf_out_str(out, NULL);
	if (r->amount >= 0)
		jf_out_money(out, r->amount);
	else
		jf_out_str(out, NULL);
	if (r->mult >= 0)
		jf_out_money(out, r->mult);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, r->rule);
	jf_out_int(out, r->points);
	jf_out_str(out, r->member);
	jf_out_end(out);
	return 0;
}

static int
cmd_explain(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "kind", "line", "sku", "qty",
		"amount", "multiplier", "rule", "points", "member", NULL };
	struct jf_ctx *c = NULL;
	struct jf_explain x;
	struct jf_out *out;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("explain needs one receipt"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	out = jf_out_new(o->fmt, stdout, cols);
	if ((rc = jf_points_explain(c, argv[optind], &x, explain_row,
	    out)) != 0)
		jf_fail(rc);
	rc = out_done(out, rc);
	if (rc == 0 && x.earned != x.booked)
		jf_warnx(_("receipt %s: %lld points were booked, the rules give "
		    "%lld (a product changed since?)"), x.receipt,
		    (long long)x.booked, (long long)x.earned);
done:
	jf_close(c);
	return rc;
}

/* "1.50" for hundredths, into buf (JF_MONEY_BUF). */
static const char *
dec(int64_t h, char *buf)
{
	return jf_money_fmt(h, buf);
}

static void
kv(struct jf_out *out, const char *k, const char *v)
{
	jf_out_str(out, k);
	jf_out_str(out, v);
	jf_out_end(out);
}

/* The rules in force as setting,value rows. */
static void
rules_show(struct jf_out *out, const struct jf_rules *r)
{
	char k[256], v[1024], b1[JF_MONEY_BUF], b2[JF_MONEY_BUF],
	    b3[JF_MONEY_BUF];
	static const char *days[] = { "sun", "mon", "tue", "wed", "thu",
	    "fri", "sat" };

	snprintf(v, sizeof(v), "%lld", (long long)r->version);
	kv(out, "version", v);
	kv(out, "effective", r->effective);
	snprintf(v, sizeof(v), "%lld per %s", (long long)r->earn_points,
	    dec(r->earn_per, b1));
	kv(out, "earn", v);
	for (int i = 0; i < r->nmults; i++) {
		const struct jf_mult *m = &r->mults[i];
		size_t len;

		snprintf(k, sizeof(k), "multiplier %s", m->name);
		len = (size_t)snprintf(v, sizeof(v), "x%s", dec(m->factor, b1));
		if (m->skus != NULL)
			for (char **s = m->skus; *s && len < sizeof(v); s++)
				len += snprintf(v + len, sizeof(v) - len,
				    "%s%s", s == m->skus ? " skus " : ",", *s);
		if (m->categories != NULL && len < sizeof(v))
			for (char **s = m->categories; *s && len < sizeof(v);
			    s++)
				len += snprintf(v + len, sizeof(v) - len,
				    "%s%s", s == m->categories ?
				    " categories " : ",", *s);
		for (int d = 0, f = 1; d < 7 && len < sizeof(v); d++)
			if (m->days & (1 << ((d + 1) % 7))) {
				len += snprintf(v + len, sizeof(v) - len,
				    "%s%s", f ? " days " : ",",
				    days[(d + 1) % 7]);
				f = 0;
			}
		if ((m->from[0] || m->to[0]) && len < sizeof(v))
			len += snprintf(v + len, sizeof(v) - len, " %s..%s",
			    m->from, m->to);
		if (m->hfrom >= 0 && len < sizeof(v))
			snprintf(v + len, sizeof(v) - len,
			    " hours %02d:%02d-%02d:%02d", m->hfrom / 60,
			    m->hfrom % 60, m->hto / 60, m->hto % 60);
		kv(out, k, v);
	}
	kv(out, "stacking", r->stacking == JF_STACK_MAX ? "max" : "multiply");
	for (int i = 0; i < r->ntiers; i++) {
		snprintf(k, sizeof(k), "tier %s", r->tiers[i].name);
		snprintf(v, sizeof(v), "from %lld points, x%s",
		    (long long)r->tiers[i].min_points,
		    dec(r->tiers[i].factor, b1));
		kv(out, k, v);
	}
	snprintf(v, sizeof(v), "signup %lld, profile %lld, birthday %lld, "
	    "referral %lld", (long long)r->bonus_signup,
	    (long long)r->bonus_profile, (long long)r->bonus_birthday,
	    (long long)r->bonus_referral);
	kv(out, "bonuses", v);
	for (int i = 0; i < r->nacts; i++) {
		snprintf(k, sizeof(k), "activity %s", r->acts[i].name);
		if (r->acts[i].daily_cap > 0)
			snprintf(v, sizeof(v), "%lld points, at most %lld a day",
			    (long long)r->acts[i].points,
			    (long long)r->acts[i].daily_cap);
		else
			snprintf(v, sizeof(v), "%lld points",
			    (long long)r->acts[i].points);
		kv(out, k, v);
	}
	if (r->expiry_months > 0)
		snprintf(v, sizeof(v), "%d months, reminder %d days before",
		    r->expiry_months, r->remind_days);
	else
		snprintf(v, sizeof(v), "never");
	kv(out, "expiry", v);
	snprintf(v, sizeof(v), "%lld points = %s, at least %lld points, "
	    "order at least %s, at most %s", (long long)r->off_points,
	    dec(r->off_value, b1), (long long)r->off_min_points,
	    dec(r->off_min_order, b2), dec(r->off_max_value, b3));
	kv(out, "offset", v);
}

static int
cmd_rules(int argc, char **argv, struct jf_opts *o)
{
	static const char *const show_cols[] = { "setting", "value", NULL };
	static const char *const load_cols[] = { "version", "effective",
		NULL };
	struct jf_ctx *c = NULL;
	const struct jf_rules *r;
	struct jf_out *out;
	const char *what;
	struct args a;
	char *text = NULL;
	int64_t v;
	int rc;

	if ((rc = parse(argc, argv, o, "e", &a)) != 0)
		return rc < 0 ? 0 : rc;
	what = optind < argc ? argv[optind] : "show";
	if (strcmp(what, "load") == 0 ? argc - optind != 2 :
	    argc - optind > 1)
		return jf_usage_error(_("rules: show, load FILE or export"));
	if (strcmp(what, "show") && strcmp(what, "load") &&
	    strcmp(what, "export"))
		return jf_usage_error(_("rules: show, load FILE or export, not "
		    "\"%s\""), what);
	o->reads = strcmp(what, "load") != 0;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if (strcmp(what, "show") == 0) {
		if ((rc = jf_rules_at(c, c->now, &r)) != 0) {
			jf_fail(rc);
			goto done;
		}
		out = jf_out_new(o->fmt, stdout, show_cols);
		rules_show(out, r);
		rc = out_done(out, 0);
	} else if (strcmp(what, "export") == 0) {
		if ((rc = jf_rules_text(c, &text, &v)) != 0) {
			jf_fail(rc);
			goto done;
		}
		fputs(text, stdout);
		if (text[0] && text[strlen(text) - 1] != '\n')
			putchar('\n');
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = JF_ESOFTWARE;
	} else {
		/* --at here says when the version takes effect: any time */
		c->schedules = 1;
		if ((rc = jf_need_role(c, JF_ROLE_MANAGER,
		    _("loading rules"))) != 0 ||
		    (rc = jf_begin(c)) != 0 ||
		    (rc = jf_rules_load(c, argv[optind + 1], &v)) != 0 ||
		    (rc = jf_commit(c)) != 0) {
			fail(c, rc);
			goto done;
		}
		out = jf_out_new(o->fmt, stdout, load_cols);
		jf_out_single(out);
		jf_out_int(out, v);
		jf_out_str(out, c->now);
		jf_out_end(out);
		rc = out_done(out, 0);
	}
done:
	free(text);
	jf_close(c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "balance", cmd_balance },
	{ "history", cmd_history },
	{ "adjust", cmd_adjust },
	{ "award", cmd_award },
	{ "explain", cmd_explain },
	{ "rules", cmd_rules },
	{ NULL, NULL }
};

static const struct jf_tool tool = { "points", usage, cmds, NULL };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
