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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "ledger.h"
#include "money.h"
#include "opts.h"
#include "output.h"
#include "remind.h"
#include "rules.h"

static const char usage[] =
    "usage: expire [--date D] [-n]\n"
    "       expire remind [--days N] [--template F] [--again] [-n]\n"
    "common: [-d PATH] [-o table|csv|json|jsonl] [-n] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

static const char *const expire_cols[] = { "member", "points", "expired_on",
	NULL };
static const char *const remind_cols[] = { "member", "name", "phone", "email",
	"points", "expires_on", "message", NULL };

enum { O_DATE = JF_OPT_LOCAL, O_DAYS, O_TEMPLATE, O_AGAIN };

static const struct option longopts[] = {
	{ "date", required_argument, NULL, O_DATE },
	{ "days", required_argument, NULL, O_DAYS },
	{ "template", required_argument, NULL, O_TEMPLATE },
	{ "again", no_argument, NULL, O_AGAIN },
	JF_COMMON_LONG
};

struct args {
	char date[JF_DATE_LEN];	/* "" when not given */
	int days;		/* -1 when not given */
	const char *template;
	int again;
};

/*
 * Parses options up to the first operand (short is the getopt string)
 * with those allow names (O_ offsets as letters).  0, or the exit
 * status (-1: -h or --version answered).
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *shortopts,
    const char *allow, struct args *a)
{
	int64_t v;
	int ch, rc;

	memset(a, 0, sizeof(*a));
	a->days = -1;
	while ((ch = jf_getopt(argc, argv, shortopts, longopts,
	    allow)) != -1) {
		switch (ch) {
		case O_DATE:
			if (jf_date_parse(optarg, a->date) == -1)
				return jf_usage_error("--date: %s",
				    jf_errmsg());
			break;
		case O_DAYS:
			if (jf_int_parse(optarg, 36500, &v) == -1 || v < 0)
				return jf_usage_error(
				    _("--days: not a number of days: \"%s\""),
				    optarg);
			a->days = (int)v;
			break;
		case O_TEMPLATE:
			a->template = optarg;
			break;
		case O_AGAIN:
			a->again = 1;
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

/*
 * Copies the spooled rows to stdout, flushes and closes it: 0; or the
 * status of jf_stdout_close(), which jf_run() reports.
 */
static int
unspool(FILE *tmp)
{
	char buf[8192];
	size_t n;

	rewind(tmp);
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			jf_stdout_failed(errno);
			break;
		}
	if (ferror(tmp))
		return jf_error(JF_ESOFTWARE, _("spool file: %s"),
		    strerror(errno));
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

static int
expire_work(struct jf_ctx *c, struct jf_out *out, void *arg)
{
	return jf_ledger_expire(c, arg, expired_one, out);
}

static int cmd_remind(int, char **, struct jf_opts *);

static int
cmd_expire(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "+" JF_COMMON_SHORT, "a", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind < argc) {
		/* "expire -d book.db remind ...": the command after options */
		if (strcmp(argv[optind], "remind") != 0)
			return jf_usage_error(_("unknown command \"%s\""),
			    argv[optind]);
		argc -= optind;
		argv += optind;
		optind = 0;
		return cmd_remind(argc, argv, o);
	}
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if (a.date[0] == '\0')
		memcpy(a.date, c->today, sizeof(a.date));
	if (strcmp(a.date, c->today) > 0 && !c->dry_run) {
		rc = jf_fail(jf_error(JF_EREFUSED, _("--date %s is after "
		    "today (%s): points may still be used until then; "
		    "look ahead with --dry-run"), a.date, c->today));
		goto done;
	}
	rc = spooled(c, expire_cols, expire_work, a.date);
done:
	jf_close(c);
	return rc;
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
cmd_remind(int argc, char **argv, struct jf_opts *o)
{
	struct reminder w = { 0 };
	const struct jf_rules *rules;
	struct jf_ctx *c = NULL;
	struct jf_tpl *tpl = NULL;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, JF_COMMON_SHORT, "bcd", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("remind takes no operands"));
	rc = a.template ? jf_tpl_load(a.template, &tpl) : jf_tpl_default(&tpl);
	if (rc != 0)
		return jf_fail(rc);
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	w.tpl = tpl;
	w.again = a.again;
	w.days = a.days;
	if (w.days < 0) {
		if ((rc = jf_rules_at(c, c->now, &rules)) != 0) {
			jf_fail(rc);
			goto done;
		}
		w.days = rules->remind_days;
	}
	rc = spooled(c, remind_cols, remind_work, &w);
done:
	jf_tpl_free(tpl);
	jf_close(c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "remind", cmd_remind },
	{ NULL, NULL }
};

static const struct jf_tool tool = { "expire", usage, cmds, cmd_expire };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
