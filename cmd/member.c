/*
 * member - the members' register: add, show, list, update, import,
 * export, tiers, forget, and the staff who may use the tools.
 *
 * Each subcommand parses its options, opens the book, does its one job
 * through lib/member.h inside one transaction when it writes, and prints
 * the members it touched in the chosen format.
 */
#include <errno.h>
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
#include "rules.h"

static const char usage[] =
    "usage: member add --phone P [--code C] [--name N] [--email E]\n"
    "                  [--birthday YYYY-MM-DD] [--referrer CODE|PHONE] [--joined DATE]\n"
    "       member show ID\n"
    "       member list [--tier T] [--birthday-month M] [--joined-since D]\n"
    "                   [--inactive-days N] [--status S] [--query TEXT] [--unmask]\n"
    "       member update ID|- [--phone P] [--name N] [--email E]\n"
    "                   [--birthday D] [--referrer CODE|PHONE]\n"
    "                   [--status active|frozen|closed]\n"
    "       member import [FILE|-] [--update] [--rejects F] [--strict]\n"
    "                   [--ignore-unknown] [--input csv|jsonl]\n"
    "       member export [--unmask]\n"
    "       member tiers [--recalc]\n"
    "       member forget ID\n"
    "       member operator add NAME --role cashier|manager|admin\n"
    "       member operator list\n"
    "       member operator remove NAME\n"
    "common: [-d PATH] [-o table|csv|json|jsonl] [-n] [-q] [--operator NAME]\n"
    "        [--store S] [-h] [--version]\n";

static const char *const member_cols[] = { "code", "phone", "name", "email",
	"birthday", "joined", "referrer", "tier", "status", "balance", NULL };
static const char *const show_cols[] = { "code", "phone", "name", "email",
	"birthday", "joined", "referrer", "tier", "status", "balance",
	"expiring", "expiring_on", NULL };

enum {
	O_PHONE = JF_OPT_LOCAL, O_CODE, O_NAME, O_EMAIL, O_BIRTHDAY,
	O_REFERRER, O_JOINED, O_STATUS, O_TIER, O_BMONTH, O_SINCE, O_INACTIVE,
	O_QUERY, O_UNMASK, O_UPDATE, O_REJECTS, O_STRICT, O_IGNORE, O_INPUT,
	O_RECALC, O_ROLE
};

static const struct option longopts[] = {
	{ "phone", required_argument, NULL, O_PHONE },
	{ "code", required_argument, NULL, O_CODE },
	{ "name", required_argument, NULL, O_NAME },
	{ "email", required_argument, NULL, O_EMAIL },
	{ "birthday", required_argument, NULL, O_BIRTHDAY },
	{ "referrer", required_argument, NULL, O_REFERRER },
	{ "joined", required_argument, NULL, O_JOINED },
	{ "status", required_argument, NULL, O_STATUS },
	{ "tier", required_argument, NULL, O_TIER },
	{ "birthday-month", required_argument, NULL, O_BMONTH },
	{ "joined-since", required_argument, NULL, O_SINCE },
	{ "inactive-days", required_argument, NULL, O_INACTIVE },
	{ "query", required_argument, NULL, O_QUERY },
	{ "unmask", no_argument, NULL, O_UNMASK },
	{ "update", no_argument, NULL, O_UPDATE },
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "ignore-unknown", no_argument, NULL, O_IGNORE },
	{ "input", required_argument, NULL, O_INPUT },
	{ "recalc", no_argument, NULL, O_RECALC },
	{ "role", required_argument, NULL, O_ROLE },
	JF_COMMON_LONG
};

/* Everything any subcommand may be given; each takes what it allows. */
struct args {
	struct jf_member_in in;
	struct jf_member_filter f;
	const char *rejects, *input, *role;
	int update, strict, ignore, recalc, unmask;
	unsigned seen;		/* bit per O_ option given */
};

/*
 * Parses argv with the subcommand's allowed options (a string of O_
 * offsets).  Returns 0, or the exit status to return (-1: -h answered).
 */
static int
parse(int argc, char **argv, struct jf_opts *o, const char *allow,
    struct args *a)
{
	int ch, rc;
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->f.inactive_days = -1;
	while ((ch = jf_getopt(argc, argv, JF_COMMON_SHORT, longopts,
	    allow)) != -1) {
		if (ch >= JF_OPT_LOCAL && ch <= O_ROLE)
			a->seen |= 1u << (ch - JF_OPT_LOCAL);
		switch (ch) {
		case O_PHONE: a->in.phone = optarg; break;
		case O_CODE: a->in.code = optarg; break;
		case O_NAME: a->in.name = optarg; break;
		case O_EMAIL: a->in.email = optarg; break;
		case O_BIRTHDAY: a->in.birthday = optarg; break;
		case O_REFERRER: a->in.referrer = optarg; break;
		case O_JOINED: a->in.joined = optarg; break;
		case O_STATUS:
			a->in.status = optarg;
			a->f.status = optarg;
			break;
		case O_TIER: a->f.tier = optarg; break;
		case O_BMONTH:
			if (jf_int_parse(optarg, 12, &v) == -1 || v < 1)
				return jf_usage_error(
				    _("--birthday-month: not a month: \"%s\""),
				    optarg);
			a->f.birthday_month = (int)v;
			break;
		case O_SINCE: {
			static char d[JF_DATE_LEN];

			if (jf_date_parse(optarg, d) == -1)
				return jf_usage_error("--joined-since: %s",
				    jf_errmsg());
			a->f.joined_since = d;
			break;
		}
		case O_INACTIVE:
			if (jf_int_parse(optarg, 100000, &v) == -1 || v < 0)
				return jf_usage_error(
				    _("--inactive-days: not a number of days: \"%s\""),
				    optarg);
			a->f.inactive_days = (int)v;
			break;
		case O_QUERY: a->f.query = optarg; break;
		case O_UNMASK: a->unmask = 1; break;
		case O_UPDATE: a->update = 1; break;
		case O_REJECTS: a->rejects = optarg; break;
		case O_STRICT: a->strict = 1; break;
		case O_IGNORE: a->ignore = 1; break;
		case O_INPUT:
			if (strcmp(optarg, "csv") && strcmp(optarg, "jsonl"))
				return jf_usage_error(
				    _("--input: csv or jsonl, not \"%s\""), optarg);
			a->input = optarg;
			break;
		case O_RECALC: a->recalc = 1; break;
		case O_ROLE: a->role = optarg; break;
		case '?':
			return JF_EUSAGE;
		default:
			if ((rc = jf_opt_common(ch, optarg, o)) != 0)
				return rc;
		}
	}
	return 0;
}

static void
put_member(struct jf_out *out, const struct jf_member *m, int mask)
{
	char pb[64], eb[64];

	jf_out_str(out, m->code);
	jf_out_str(out, mask ? jf_mask_phone(m->phone, pb) : m->phone);
	jf_out_str(out, m->name);
	jf_out_str(out, mask ? jf_mask_email(m->email, eb) : m->email);
	jf_out_str(out, m->birthday);
	jf_out_str(out, m->joined);
	jf_out_str(out, m->referrer);
	jf_out_str(out, m->tier);
	jf_out_str(out, m->status);
	jf_out_int(out, m->balance);
}

/* Prints one member by row id, as add and update do. */
static int
print_one(struct jf_ctx *c, int64_t mid)
{
	struct jf_member m = { 0 };
	struct jf_out *out;
	int rc;

	if ((rc = jf_member_get(c, mid, &m)) != 0)
		return rc;
	out = jf_out_new(c->fmt >= 0 ? c->fmt : jf_fmt_default(), stdout,
	    member_cols);
	jf_out_single(out);
	put_member(out, &m, 0);
	jf_out_end(out);
	jf_member_clear(&m);
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static int
cmd_add(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct args a;
	int64_t mid;
	int rc;

	if ((rc = parse(argc, argv, o, "abcdefg", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("add takes no operands"));
	if (a.in.phone == NULL)
		return jf_usage_error(_("add needs --phone"));
	if ((rc = jf_member_check(&a.in, &(const char *){ NULL })) != 0) {
		jf_warnx("%s", jf_errmsg());
		return JF_EUSAGE;
	}
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_begin(c)) != 0 || (rc = jf_member_add(c, &a.in, &mid)) != 0 ||
	    (rc = print_one(c, mid)) != 0 || (rc = jf_commit(c)) != 0)
		jf_fail(rc);
out:
	jf_close(c);
	return rc;
}

static int
cmd_show(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct jf_member m = { 0 };
	struct jf_out *out;
	struct args a;
	char day[JF_DATE_LEN] = "";
	int64_t pts = 0;
	int rc;

	if ((rc = parse(argc, argv, o, "", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("show needs one member"));
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if ((rc = jf_member_find(c, argv[optind], &m)) != 0 ||
	    (rc = jf_points_expiring(c, m.id, &pts, day)) != 0) {
		jf_fail(rc);
		goto done;
	}
	out = jf_out_new(o->fmt, stdout, show_cols);
	jf_out_single(out);
	put_member(out, &m, 0);
	jf_out_int(out, pts);
	jf_out_str(out, *day ? day : NULL);
	jf_out_end(out);
	rc = jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
done:
	jf_member_clear(&m);
	jf_close(c);
	return rc;
}

struct lister {
	struct jf_out *out;
	int mask;
};

static int
list_one(void *arg, const struct jf_member *m)
{
	struct lister *l = arg;

	put_member(l->out, m, l->mask);
	jf_out_end(l->out);
	return 0;
}

/* list and export: the same rows; export has no filters. */
static int
list_or_export(int argc, char **argv, struct jf_opts *o, const char *allow)
{
	struct jf_ctx *c = NULL;
	struct lister l;
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, allow, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("%s takes no operands"), argv[0]);
	if (a.in.status != NULL && strcmp(a.in.status, "active") &&
	    strcmp(a.in.status, "frozen") && strcmp(a.in.status, "closed"))
		return jf_usage_error(
		    _("--status: active, frozen or closed, not \"%s\""),
		    a.in.status);
	o->reads = 1;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto done;
	if (a.unmask && (rc = jf_need_role(c, JF_ROLE_MANAGER, "--unmask"))) {
		jf_fail(rc);
		goto done;
	}
	l.out = jf_out_new(o->fmt, stdout, member_cols);
	l.mask = !a.unmask;
	if ((rc = jf_member_each(c, &a.f, list_one, &l)) != 0)
		jf_fail(rc);
	if (jf_out_free(l.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
done:
	jf_close(c);
	return rc;
}

static int
cmd_list(int argc, char **argv, struct jf_opts *o)
{
	return list_or_export(argc, argv, o, "hijklmn");
}

static int
cmd_export(int argc, char **argv, struct jf_opts *o)
{
	return list_or_export(argc, argv, o, "n");
}

struct updater {
	struct jf_out *out;
	const struct jf_member_in *in;
};

/* Changing a status is the manager's; the rows print as they go. */
static int
update_start(struct jf_import *im)
{
	struct updater *u = im->arg;
	int rc;

	if (u->in->status && (rc = jf_need_role(im->c, JF_ROLE_MANAGER,
	    _("changing a member's status"))) != 0)
		return rc;
	u->out = jf_out_new(im->c->fmt, stdout, member_cols);
	return 0;
}

/* Updates one member of a stream and prints it. */
static int
update_row(struct jf_import *im)
{
	struct updater *u = im->arg;
	struct jf_member m = { 0 };
	const char *id, *col;
	int64_t mid;
	int rc;

	if ((rc = jf_import_member(im, &id, &col)) != 0)
		return rc;
	if ((rc = jf_member_id(im->c, id, &mid)) != 0 ||
	    (rc = jf_member_update(im->c, mid, u->in)) != 0 ||
	    (rc = jf_member_get(im->c, mid, &m)) != 0)
		return jf_import_blame(im, col, rc);
	put_member(u->out, &m, 0);
	jf_out_end(u->out);
	jf_member_clear(&m);
	return 0;
}

/* The rows are written before the commit (jf_run says why not). */
static int
update_end(struct jf_import *im)
{
	struct updater *u = im->arg;
	int rc = jf_out_free(u->out);

	u->out = NULL;
	return rc != 0 ? JF_ESOFTWARE : 0;
}

/*
 * member update - ...: each member of the stream on stdin (a code or
 * phone column, as member list -o csv prints), in one transaction, the
 * rows printed before it commits.  A refused row is reported and the
 * others kept: 65.
 */
static int
update_stream(int argc, char **argv, struct jf_opts *o, struct args *a)
{
	struct updater u = { NULL, &a->in };
	struct jf_import im = { 0 };
	int rc;

	jf_import_members(&im);
	im.label = _("updating");
	im.start = update_start;
	im.row = update_row;
	im.end = update_end;
	im.arg = &u;
	rc = jf_import_run(&im, o, argc, argv);
	jf_out_free(u.out);
	return jf_import_close(&im, rc);
}

static int
cmd_update(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct args a;
	int64_t mid;
	int rc;

	if ((rc = parse(argc, argv, o, "acdefh", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("update needs one member"));
	if (a.seen == 0)
		return jf_usage_error(_("update needs something to change"));
	if ((rc = jf_member_check(&a.in, &(const char *){ NULL })) != 0) {
		jf_warnx("%s", jf_errmsg());
		return JF_EUSAGE;
	}
	if (strcmp(argv[optind], "-") == 0)
		return update_stream(argc, argv, o, &a);
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((a.in.status && (rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("changing a member's status")))) ||
	    (rc = jf_begin(c)) != 0 ||
	    (rc = jf_member_id(c, argv[optind], &mid)) != 0 ||
	    (rc = jf_member_update(c, mid, &a.in)) != 0 ||
	    (rc = print_one(c, mid)) != 0 || (rc = jf_commit(c)) != 0)
		jf_fail(rc);
out:
	jf_close(c);
	return rc;
}

static int
cmd_forget(int argc, char **argv, struct jf_opts *o)
{
	struct jf_ctx *c = NULL;
	struct args a;
	int64_t mid;
	int rc;

	if ((rc = parse(argc, argv, o, "", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return jf_usage_error(_("forget needs one member"));
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if ((rc = jf_need_role(c, JF_ROLE_MANAGER, _("forgetting a member"))) ||
	    (rc = jf_begin(c)) != 0 ||
	    (rc = jf_member_id(c, argv[optind], &mid)) != 0 ||
	    (rc = jf_member_forget(c, mid)) != 0 ||
	    (rc = print_one(c, mid)) != 0 || (rc = jf_commit(c)) != 0)
		jf_fail(rc);
out:
	jf_close(c);
	return rc;
}

#define IMPORT_BATCH 250000	/* rows a transaction: few, large commits */

static int
import_header(struct jf_import *im)
{
	if (!im->jsonl && !jf_in_has(im->in, "phone") &&
	    !jf_in_has(im->in, "code"))
		return jf_error(JF_EDATA, _("%s:1: a code or phone column is "
		    "needed"), jf_in_name(im->in));
	return 0;
}

/* A status column is the manager's to import. */
static int
import_start(struct jf_import *im)
{
	if (jf_in_has(im->in, "status"))
		return jf_need_role(im->c, JF_ROLE_MANAGER,
		    _("importing a status column"));
	return 0;
}

static int
import_row(struct jf_import *im)
{
	const struct args *a = im->arg;
	struct jf_member_in m = { 0 };
	const char *col = NULL;
	int rc, what;

	m.code = jf_in_get(im->in, "code");
	m.phone = jf_in_get(im->in, "phone");
	m.name = jf_in_get(im->in, "name");
	m.email = jf_in_get(im->in, "email");
	m.birthday = jf_in_get(im->in, "birthday");
	m.referrer = jf_in_get(im->in, "referrer");
	m.joined = jf_in_get(im->in, "joined");
	m.status = jf_in_get(im->in, "status");
	rc = jf_member_import(im->c, &m, a->update, &what, &col);
	if (rc == JF_EDATA)
		return jf_in_error(im->in, col, "%s", jf_errmsg());
	if (rc == 0)
		im->n[what]++;
	return rc;
}

static int
cmd_import(int argc, char **argv, struct jf_opts *o)
{
	static const char *const known[] = { "code", "phone", "name", "email",
		"birthday", "referrer", "joined", "status", NULL };
	struct jf_import im = { 0 };
	struct args a;
	int rc;

	if ((rc = parse(argc, argv, o, "opqrs", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind > 1)
		return jf_usage_error(_("import takes one FILE or -"));
	im.path = optind < argc ? argv[optind] : "-";
	im.jsonl = a.input && strcmp(a.input, "jsonl") == 0;
	im.known = known;
	im.ignore = a.ignore;
	im.rejects = a.rejects;
	im.strict = a.strict;
	im.batch = IMPORT_BATCH;
	im.label = "import";
	im.verb = _("imported");
	im.header = import_header;
	im.start = import_start;
	im.row = import_row;
	im.arg = &a;
	rc = jf_import_run(&im, o, argc, argv);
	if (jf_import_booked(&im) && !o->quiet)
		jf_warnx(_("%s%ld added, %ld updated, %ld unchanged, %ld "
		    "rejected"), o->dry_run ? _("dry run: ") : "",
		    im.n[JF_IMPORT_ADDED], im.n[JF_IMPORT_UPDATED],
		    im.n[JF_IMPORT_SAME], im.bad);
	return jf_import_close(&im, rc);
}

struct tierrow {
	const char *name;
	int64_t n;
};

static void
count_tier(void *arg, const char *tier, int64_t n)
{
	struct tierrow *t = arg;

	for (; t->name != NULL; t++)
		if (strcmp(t->name, tier) == 0)
			t->n = n;
}

static int
cmd_tiers(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "tier", "min_points", "factor",
		"members", NULL };
	struct jf_ctx *c = NULL;
	const struct jf_rules *r;
	struct tierrow *t = NULL;
	struct jf_out *out;
	struct args a;
	int64_t changed = 0;
	char buf[JF_MONEY_BUF];
	int rc;

	if ((rc = parse(argc, argv, o, "t", &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return jf_usage_error(_("tiers takes no operands"));
	o->reads = !a.recalc;
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		goto out;
	if (a.recalc && ((rc = jf_begin(c)) != 0 ||
	    (rc = jf_tier_recalc(c, &changed)) != 0))
		goto fail;
	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		goto fail;
	t = calloc(r->ntiers + 1, sizeof(*t));
	for (int i = 0; i < r->ntiers; i++)
		t[i].name = r->tiers[i].name;
	if ((rc = jf_member_tier_counts(c, count_tier, t)) != 0)
		goto fail;
	out = jf_out_new(o->fmt, stdout, cols);
	for (int i = 0; i < r->ntiers; i++) {
		jf_out_str(out, r->tiers[i].name);
		jf_out_int(out, r->tiers[i].min_points);
		jf_out_str(out, jf_money_fmt(r->tiers[i].factor, buf));
		jf_out_int(out, t[i].n);
		jf_out_end(out);
	}
	jf_out_free(out);
	if (a.recalc && (rc = jf_commit(c)) != 0)
		goto fail;
	if (a.recalc && !o->quiet)
		jf_warnx(_("%smembers whose tier changed: %lld"),
		    o->dry_run ? _("dry run: ") : "", (long long)changed);
	goto out;
fail:
	jf_fail(rc);
out:
	free(t);
	jf_close(c);
	return rc;
}

struct oplist {
	struct jf_out *out;
};

static void
op_one(void *arg, const char *name, const char *role, const char *added)
{
	struct jf_out *out = arg;

	jf_out_str(out, name);
	jf_out_str(out, role);
	jf_out_str(out, added);
	jf_out_end(out);
}

static int
cmd_operator(int argc, char **argv, struct jf_opts *o)
{
	static const char *const cols[] = { "name", "role", "added", NULL };
	struct jf_ctx *c = NULL;
	struct jf_out *out;
	struct args a;
	char **all = argv;
	int nall = argc;
	const char *sub;
	int rc, role = JF_ROLE_NONE;

	if ((rc = parse(argc, argv, o, "u", &a)) != 0)
		return rc < 0 ? 0 : rc;
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return jf_usage_error(_("operator needs add, list or remove"));
	sub = argv[0];
	if (strcmp(sub, "list") == 0) {
		if (argc != 1)
			return jf_usage_error(_("operator list takes no operands"));
	} else if (strcmp(sub, "add") == 0) {
		if (argc != 2 || a.role == NULL)
			return jf_usage_error(
			    _("operator add needs NAME and --role"));
		if ((role = jf_role_parse(a.role)) == JF_ROLE_NONE)
			return jf_usage_error(
			    _("--role: cashier, manager or admin, not \"%s\""),
			    a.role);
	} else if (strcmp(sub, "remove") == 0) {
		if (argc != 2)
			return jf_usage_error(_("operator remove needs NAME"));
	} else
		return jf_usage_error(_("unknown operator command \"%s\""), sub);
	o->reads = strcmp(sub, "list") == 0;
	if ((rc = jf_open_tool(o, nall, all, &c)) != 0)
		goto out;
	if (strcmp(sub, "list") == 0) {
		out = jf_out_new(o->fmt, stdout, cols);
		rc = jf_operator_each(c, op_one, out);
		jf_out_free(out);
	} else if ((rc = jf_need_role(c, JF_ROLE_ADMIN,
	    _("managing operators"))) == 0 && (rc = jf_begin(c)) == 0) {
		rc = role ? jf_operator_add(c, argv[1], role) :
		    jf_operator_remove(c, argv[1]);
		if (rc == 0)
			rc = jf_commit(c);
	}
	if (rc != 0)
		jf_fail(rc);
out:
	jf_close(c);
	return rc;
}

static const struct jf_cmd cmds[] = {
	{ "add", cmd_add },
	{ "show", cmd_show },
	{ "list", cmd_list },
	{ "update", cmd_update },
	{ "import", cmd_import },
	{ "export", cmd_export },
	{ "tiers", cmd_tiers },
	{ "forget", cmd_forget },
	{ "operator", cmd_operator },
	{ NULL, NULL }
};

static const struct jf_tool tool = { "member", usage, cmds, NULL };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
