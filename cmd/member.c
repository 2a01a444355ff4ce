/*
 * member - the members' register: add, show, list, update, import,
 * export, tiers, forget, and the staff who may use the tools.
 *
 * The tables at the end are the subcommands and their options (opts.h);
 * add, show, update and tiers check their operands and values before
 * the book is opened (in_book), so a usage error makes none.  member.h
 * does the work and says who may; memberio.c writes the rows.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "import.h"
#include "ledger.h"
#include "member.h"
#include "money.h"
#include "stock.h"
#include "opts.h"

/* Everything a subcommand may be given; each takes what its table says. */
struct args {
	struct jf_member_in in;
	struct jf_member_filter f;
	struct jf_import im;		/* import's options */
	int update, recalc, role, pin;
	int64_t changed;		/* members tiers --recalc moved */
};

static void
init(void *arg)
{
	struct args *a = arg;

	a->f.inactive_days = -1;
}

/* A value that is not a phone, email, code, date or status: exit 64. */
static int
check_in(const struct jf_member_in *in)
{
	const char *col;

	if (jf_member_check(in, &col) == 0)
		return 0;
	jf_warnx("%s", jf_errmsg());
	return JF_EUSAGE;
}

/*
 * The frame's JF_WRITES (JF_READS if k->o->w.reads) for the subcommands
 * that check their operands and values before the book is opened.
 */
static int
in_book(struct jf_call *k, int (*fn)(struct jf_call *))
{
	int rc;

	if ((rc = jf_open_tool(k->o, k->wargc, k->wargv, &k->c)) != 0)
		return rc;
	if (k->o->w.reads)
		return fn(k);
	if ((rc = jf_begin(k->c)) != 0)
		return jf_fail(rc);
	if ((rc = fn(k)) == 0 && (rc = jf_commit(k->c)) != 0)
		jf_fail(rc);
	return rc;		/* jf_close() rolls back the rest */
}

/* add (no operand) and update ID: the member written as it is left. */
static int
add_or_update(struct jf_call *k)
{
	struct args *a = k->a;
	int64_t mid;
	int rc;

	if (k->argc == 0)
		rc = jf_member_add(k->c, &a->in, &mid);
	else if ((rc = jf_member_id(k->c, k->argv[0], &mid)) == 0)
		rc = jf_member_update(k->c, mid, &a->in);
	if (rc != 0)
		return jf_fail(rc);
	return jf_fail(jf_member_write(k->c, stdout, k->o->fmt, mid));
}

static int
cmd_add(struct jf_call *k)
{
	int rc = check_in(&((struct args *)k->a)->in);

	return rc != 0 ? rc : in_book(k, add_or_update);
}

static int
show_one(struct jf_call *k)
{
	return jf_fail(jf_member_write_show(k->c, stdout, k->o->fmt,
	    k->argv[0]));
}

/* show and update say "one member", where the frame would say "ID". */
static int
cmd_show(struct jf_call *k)
{
	if (k->argc != 1)
		return jf_usage_error(_("show needs one member"));
	k->o->w.reads = 1;
	return in_book(k, show_one);
}

/* --since dates what --bought or --category names, one of them. */
static int
check_list(struct jf_call *k)
{
	const struct jf_member_filter *f = &((struct args *)k->a)->f;

	if (f->bought != NULL && f->category != NULL)
		return jf_usage_error(_("--bought or --category, not both"));
	if (*f->bought_since != '\0' && f->bought == NULL &&
	    f->category == NULL)
		return jf_usage_error(_("--since needs --bought or "
		    "--category"));
	return 0;
}

/* list and export; --unmask is a manager's, and a read on the record. */
static int
cmd_list(struct jf_call *k)
{
	struct args *a = k->a;
	int rc;

	k->o->w.reads = !a->f.unmask;
	if ((rc = jf_open_tool(k->o, k->wargc, k->wargv, &k->c)) != 0)
		return rc;
	if (a->f.unmask && ((rc = jf_need_role(k->c, JF_ROLE_MANAGER,
	    "--unmask")) != 0 || (rc = jf_audit_read(k->c)) != 0))
		return jf_fail(rc);
	return jf_fail(jf_member_write_list(k->c, stdout, k->o->fmt, &a->f));
}

/* update - changes each member of a stream (lib/memberio.c). */
static int
cmd_update(struct jf_call *k)
{
	struct args *a = k->a;
	int rc;

	if (k->argc != 1)
		return jf_usage_error(_("update needs one member"));
	if (k->seen == 0)
		return jf_usage_error(_("update needs something to change"));
	if ((rc = check_in(&a->in)) != 0)
		return rc;
	if (strcmp(k->argv[0], "-") == 0)
		return jf_member_update_stream(&a->in, stdout, k->o,
		    k->wargc, k->wargv);
	return in_book(k, add_or_update);
}

static int
cmd_forget(struct jf_call *k)
{
	int64_t mid;
	int rc;

	if ((rc = jf_member_id(k->c, k->argv[0], &mid)) != 0 ||
	    (rc = jf_member_forget(k->c, mid)) != 0)
		return jf_fail(rc);
	return jf_fail(jf_member_write(k->c, stdout, k->o->fmt, mid));
}

/* member import: the import engine with member's rows (lib/memberio.c). */
static int
cmd_import(struct jf_call *k)
{
	struct args *a = k->a;
	struct jf_import im = a->im;
	int rc;

	if (k->argc > 1)
		return jf_usage_error(_("import takes one FILE or -"));
	jf_member_importer(&im, &a->update);
	im.path = k->argc == 1 ? k->argv[0] : "-";
	rc = jf_import_run(&im, k->o, k->wargc, k->wargv);
	if (jf_import_booked(&im) && !k->o->w.quiet) {
		jf_warnx(_("%s%ld added, %ld updated, %ld unchanged, %ld "
		    "rejected"), k->o->w.dry_run ? _("dry run: ") : "",
		    im.n[JF_IMPORT_ADDED], im.n[JF_IMPORT_UPDATED],
		    im.n[JF_IMPORT_SAME], im.bad);
		k->said_dry = 1;
	}
	return jf_import_close(&im, rc);
}

static int
tiers_one(struct jf_call *k)
{
	struct args *a = k->a;
	int rc;

	if (a->recalc && (rc = jf_tier_recalc(k->c, &a->changed)) != 0)
		return jf_fail(rc);
	/* cron's --recalc -q: nothing to mail */
	if (a->recalc && k->o->w.quiet)
		return 0;
	return jf_fail(jf_member_write_tiers(k->c, stdout, k->o->fmt));
}

/* Only --recalc writes: without it the book is opened to read. */
static int
cmd_tiers(struct jf_call *k)
{
	struct args *a = k->a;
	int rc;

	k->o->w.reads = !a->recalc;
	if ((rc = in_book(k, tiers_one)) == 0 && a->recalc && !k->o->w.quiet) {
		jf_warnx(_("%smembers whose tier changed: %lld"),
		    k->o->w.dry_run ? _("dry run: ") : "",
		    (long long)a->changed);
		k->said_dry = 1;
	}
	return rc;
}

static int
cmd_operator_list(struct jf_call *k)
{
	return jf_fail(jf_operator_write(k->c, stdout, k->o->fmt, NULL));
}

static int
cmd_operator_add(struct jf_call *k)
{
	struct args *a = k->a;
	int rc;

	if ((rc = jf_operator_add(k->c, k->argv[0], a->role, a->pin)) == 0)
		rc = jf_operator_write(k->c, stdout, k->o->fmt, k->argv[0]);
	return jf_fail(rc);
}

static int
cmd_operator_pin(struct jf_call *k)
{
	return jf_fail(jf_operator_pin(k->c, k->argv[0]));
}

static int
cmd_operator_remove(struct jf_call *k)
{
	return jf_fail(jf_operator_remove(k->c, k->argv[0]));
}

#define A(f) offsetof(struct args, f)

static const struct jf_opt add_opts[] = {
	{ "phone", 0, JF_STR | JF_REQUIRED, A(in.phone), "P", N_("a phone") },
	{ "code", 0, JF_STR, A(in.code), "C", N_("the code, if not M...") },
	{ "name", 0, JF_STR, A(in.name), "N", N_("the member's name") },
	{ "email", 0, JF_STR, A(in.email), "E", N_("the email address") },
	{ "birthday", 0, JF_STR, A(in.birthday), "YYYY-MM-DD", N_("born on") },
	{ "referrer", 0, JF_STR, A(in.referrer), "CODE|PHONE",
	    N_("the member who brought this one") },
	{ "joined", 0, JF_STR, A(in.joined), "DATE", N_("joined on (today)") },
	{ NULL }
};

static const struct jf_opt list_opts[] = {
	{ "tier", 0, JF_STR, A(f.tier), "T", N_("members in tier T") },
	{ "birthday-month", 0, JF_FN, A(f.birthday_month), "M",
	    N_("members born in month M (1 to 12)"), 0, 0,
	    jf_member_month_arg },
	{ "joined-since", 0, JF_DATE, A(f.joined_since), "D",
	    N_("members who joined on day D or later") },
	{ "joined-until", 0, JF_DATE, A(f.joined_until), "D",
	    N_("members who joined on day D or earlier") },
	{ "inactive-days", 0, JF_FN, A(f.inactive_days), "N",
	    N_("members with no purchase in N days"), 0, 0,
	    jf_member_days_arg },
	{ "status", 0, JF_CHOICE, A(f.status), "S",
	    N_("members whose status is S"), 0, 0, NULL,
	    jf_member_statuses },
	{ "segment", 0, JF_CHOICE, A(f.segment), "S",
	    N_("members of RFM segment S, as report members counts them"),
	    0, 0, NULL, jf_rfm_segments },
	{ "query", 0, JF_STR, A(f.query), "TEXT",
	    N_("members whose code, name, email or phone holds TEXT") },
	{ "bought", 0, JF_FN, A(f.bought), "SKU",
	    N_("members who bought this product"), 0, 0, jf_stock_sku_arg },
	{ "category", 0, JF_STR, A(f.category), "C",
	    N_("members who bought a product of this category") },
	{ "since", 0, JF_DATE, A(f.bought_since), "D",
	    N_("with --bought or --category: on day D or later") },
	{ "unmask", 0, JF_FLAG, A(f.unmask), NULL, N_("phones, emails whole") },
	{ NULL }
};

static const struct jf_opt update_opts[] = {
	{ "phone", 0, JF_STR, A(in.phone), "P", N_("a new phone number") },
	{ "name", 0, JF_STR, A(in.name), "N", N_("the name ('' clears)") },
	{ "email", 0, JF_STR, A(in.email), "E", N_("email ('' clears)") },
	{ "birthday", 0, JF_STR, A(in.birthday), "D", N_("born ('' clears)") },
	{ "referrer", 0, JF_STR, A(in.referrer), "CODE|PHONE",
	    N_("the member who brought this one") },
	{ "status", 0, JF_STR, A(in.status), "active|frozen|closed",
	    N_("the member's status (a manager's)") },
	JF_INPUT_OPTS,
	{ NULL }
};

static const struct jf_opt import_opts[] = {
	{ "update", 0, JF_FLAG, A(update), NULL,
	    N_("give members that exist the row's non-empty fields") },
	JF_IMPORT_OPTS(A(im)),
	{ NULL }
};

static const struct jf_opt export_opts[] = {
	{ "unmask", 0, JF_FLAG, A(f.unmask), NULL, N_("phones, emails whole") },
	{ NULL }
};

static const struct jf_opt tiers_opts[] = {
	{ "recalc", 0, JF_FLAG, A(recalc), NULL,
	    N_("first put every member in the tier its points reach") },
	{ NULL }
};

static const struct jf_opt operator_add_opts[] = {
	{ "role", 0, JF_FN | JF_REQUIRED, A(role), "cashier|manager|admin",
	    N_("what the operator may do"), 0, 0, jf_member_role_arg },
	{ "pin", 0, JF_FLAG, A(pin), NULL,
	    N_("set its PIN too (asked twice, or read from --pin-fd)") },
	{ NULL }
};

static const struct jf_sub operator_subs[] = {
	{ "add", cmd_operator_add, operator_add_opts, "NAME", 1, 1, JF_BOOK,
	    N_("adds a member of staff, or changes its role (an admin's)") },
	{ "list", cmd_operator_list, NULL, "", 0, 0, JF_READS,
	    N_("the registered staff: name, role and when added") },
	{ "pin", cmd_operator_pin, NULL, "NAME", 1, 1, JF_BOOK,
	    N_("sets a PIN: one's own, or anyone's by an admin") },
	{ "remove", cmd_operator_remove, NULL, "NAME", 1, 1, JF_WRITES,
	    N_("removes a member of staff (an admin's)") },
	{ NULL }
};

static const struct jf_sub subs[] = {
	{ "add", cmd_add, add_opts, "", 0, 0, 0,
	    N_("adds a member and prints the record") },
	{ "show", cmd_show, NULL, "ID", 0, -1, 0,
	    N_("a member's record, with the points about to expire") },
	{ "list", cmd_list, list_opts, "", 0, 0, 0,
	    N_("the members the filters match, phones and emails masked"),
	    .check = check_list },
	{ "update", cmd_update, update_opts, "ID|-", 0, -1, 0,
	    N_("changes the fields given, of a member or of each on stdin") },
	{ "import", cmd_import, import_opts, "[FILE|-]", 0, -1, 0,
	    N_("adds members from a file, or updates them (--update)") },
	{ "export", cmd_list, export_opts, "", 0, 0, 0,
	    N_("every member, in the form import reads") },
	{ "tiers", cmd_tiers, tiers_opts, "", 0, 0, 0,
	    N_("the tiers in force, with how many members each has") },
	{ "forget", cmd_forget, NULL, "ID", 1, 1, JF_WRITES,
	    N_("erases a member's personal data; the books stay") },
	{ "operator", NULL, NULL, NULL, 0, 0, 0, NULL, operator_subs },
	{ NULL }
};

static const struct jf_tool tool = { "member", .subs = subs,
	.argsize = sizeof(struct args), .init = init };

int
main(int argc, char **argv)
{
	return jf_run(&tool, argc, argv);
}
