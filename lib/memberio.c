/*
 * memberio.c - the member tool's rows in and out.
 *
 * In: member import's rows through the import engine, each added when
 * new, else left as it is or (--update) updated by jf_member_import();
 * and member update -, each member of a stream updated and written as
 * it is left.
 *
 * Out: a member's record (add, update, forget), show's with the points
 * about to expire, the list, the tiers and the staff, through output.c
 * to the FILE * the caller gives.  A table is begun at its first row,
 * so that a run refused before it writes nothing.  Column names are an
 * interface and do not change.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "import.h"
#include "input.h"
#include "ledger.h"
#include "member.h"
#include "money.h"
#include "output.h"
#include "rules.h"

/* a person's "name" (姓名, not a product's 品名): see out_of() */
static const char *const member_cols[] = {
	NC_("column", "code"), NC_("column", "phone"), NC_("person", "name"),
	NC_("column", "email"), NC_("column", "birthday"),
	NC_("column", "joined"), NC_("column", "referrer"),
	NC_("column", "tier"), NC_("column", "status"),
	NC_("column", "balance"), NULL
};
static const char *const show_cols[] = {
	NC_("column", "code"), NC_("column", "phone"), NC_("person", "name"),
	NC_("column", "email"), NC_("column", "birthday"),
	NC_("column", "joined"), NC_("column", "referrer"),
	NC_("column", "tier"), NC_("column", "status"),
	NC_("column", "balance"), NC_("column", "expiring"),
	NC_("column", "expiring_on"), NULL
};
static const char *const tier_cols[] = { NC_("column", "tier"),
	NC_("column", "min_points"), NC_("column", "factor"),
	NC_("column", "members"), NULL };
static const char *const operator_cols[] = { NC_("person", "name"),
	NC_("column", "role"), NC_("column", "added"), NULL };

/* A table begun at its first row. */
struct table {
	FILE *fp;
	int fmt;
	const char *const *cols;
	struct jf_out *out;
	const char *only;	/* the one row's name, or NULL: all */
};

static struct jf_out *
out_of(struct table *t)
{
	if (t->out == NULL) {
		t->out = jf_out_new(t->fmt, t->fp, t->cols);
		jf_out_labels(t->out, "person");
	}
	return t->out;
}

/* Ends the table (its header, or [], when no row came): rc, or a write's. */
static int
table_end(struct table *t, int rc)
{
	if (rc == 0)
		out_of(t);
	if (jf_out_free(t->out) != 0 && rc == 0)
		rc = jf_error(JF_ESOFTWARE, "%s", "");
	t->out = NULL;
	return rc;
}

static void put_masked(struct jf_out *, const struct jf_member *, int);

static void
put_member(struct jf_out *out, const struct jf_member *m)
{
	put_masked(out, m, 0);
}

/* A member's columns, the phone and email masked when mask. */
static void
put_masked(struct jf_out *out, const struct jf_member *m, int mask)
{
	char pb[64], eb[64];

	jf_out_str(out, m->code);
	jf_out_str(out, mask && m->phone ? jf_mask_phone(m->phone, pb) :
	    m->phone);
	jf_out_str(out, m->name);
	jf_out_str(out, mask && m->email ? jf_mask_email(m->email, eb) :
	    m->email);
	jf_out_str(out, m->birthday);
	jf_out_str(out, m->joined);
	jf_out_str(out, m->referrer);
	jf_out_str(out, m->tier);
	jf_out_str(out, m->status);
	jf_out_int(out, m->balance);
}

static int
member_row(void *arg, const struct jf_member *m)
{
	struct jf_out *out = out_of(arg);

	put_member(out, m);
	jf_out_end(out);
	return 0;
}

/* One member as a record, with show's columns when show. */
static int
write_one(struct jf_ctx *c, FILE *fp, int fmt, int64_t mid, int show)
{
	struct jf_member m = { 0 };
	struct table t = { fp, fmt, show ? show_cols : member_cols, NULL };
	char day[JF_DATE_LEN] = "";
	int64_t pts = 0;
	int rc;

	if ((rc = jf_member_get(c, mid, &m)) != 0 ||
	    (show && (rc = jf_points_expiring(c, mid, &pts, day)) != 0)) {
		jf_member_clear(&m);
		return rc;
	}
	jf_out_single(out_of(&t));
	/* show: whole phones and emails are a manager's once staff exist */
	put_masked(t.out, &m, show && c->role < JF_ROLE_MANAGER &&
	    c->approver_role < JF_ROLE_MANAGER);
	if (show) {
		jf_out_int(t.out, pts);
		jf_out_str(t.out, *day ? day : NULL);
	}
	jf_out_end(t.out);
	jf_member_clear(&m);
	return table_end(&t, 0);
}

int
jf_member_write(struct jf_ctx *c, FILE *fp, int fmt, int64_t mid)
{
	return write_one(c, fp, fmt, mid, 0);
}

int
jf_member_write_show(struct jf_ctx *c, FILE *fp, int fmt, const char *id)
{
	int64_t mid;
	int rc;

	if ((rc = jf_member_id(c, id, &mid)) != 0)
		return rc;
	/*
	 * whole to a manager where staff are registered: a read of
	 * personal data, on the record (a shop with no staff has no one
	 * to tell apart, and its till's lookups never wait on a writer)
	 */
	if (c->nops > 0 && (c->role >= JF_ROLE_MANAGER ||
	    c->approver_role >= JF_ROLE_MANAGER) &&
	    (rc = jf_audit_read(c)) != 0)
		return rc;
	return write_one(c, fp, fmt, mid, 1);
}

int
jf_member_write_list(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_member_filter *f)
{
	struct table t = { fp, fmt, member_cols, NULL };

	return table_end(&t, jf_member_each(c, f, member_row, &t));
}

static int
tier_row(void *arg, const struct jf_tier *tier, int64_t members)
{
	struct jf_out *out = out_of(arg);
	char buf[JF_MONEY_BUF];

	jf_out_str(out, tier->name);
	jf_out_int(out, tier->min_points);
	jf_out_str(out, jf_money_fmt(tier->factor, buf));
	jf_out_int(out, members);
	jf_out_end(out);
	return 0;
}

int
jf_member_write_tiers(struct jf_ctx *c, FILE *fp, int fmt)
{
	struct table t = { fp, fmt, tier_cols, NULL };

	return table_end(&t, jf_member_tiers(c, tier_row, &t));
}

static void
operator_row(void *arg, const char *name, const char *role,
    const char *added)
{
	struct table *t = arg;
	struct jf_out *out;

	if (t->only != NULL && strcmp(t->only, name) != 0)
		return;
	out = out_of(t);
	if (t->only != NULL)
		jf_out_single(out);
	jf_out_str(out, name);
	jf_out_str(out, role);
	jf_out_str(out, added);
	jf_out_end(out);
}

int
jf_operator_write(struct jf_ctx *c, FILE *fp, int fmt, const char *name)
{
	struct table t = { fp, fmt, operator_cols, NULL, name };

	return table_end(&t, jf_operator_each(c, operator_row, &t));
}

/* member import */

/*
 * The columns export writes; tier and balance are read and not imported
 * (a tier follows from the points, a balance from the ledger), so that
 * export | import round-trips.
 */
static const char *const known[] = { "code", "phone", "name", "email",
	"birthday", "referrer", "joined", "status", "tier", "balance", NULL };


static int
import_header(struct jf_import *im)
{
	if (!im->jsonl && !jf_in_has(im->in, "phone") &&
	    !jf_in_has(im->in, "code"))
		return jf_error(JF_EDATA, _("%s:1: a code or phone column is "
		    "needed"), jf_in_name(im->in));
	return 0;
}

/* A status column is the manager's to import: said once, not per row. */
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
	const int *update = im->arg;
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
	rc = jf_member_import(im->c, &m, *update, &what, &col);
	if (rc == JF_EDATA)
		return jf_in_error(im->in, col, "%s", jf_errmsg());
	if (rc == 0)
		im->n[what]++;
	return rc;
}

void
jf_member_importer(struct jf_import *im, int *update)
{
	im->known = known;
	im->batch = 0;		/* one transaction: the fewest writes */
	im->label = "import";
	im->verb = _("imported");
	im->header = import_header;
	im->start = import_start;
	im->row = import_row;
	im->arg = update;
}

/* member update - */

struct updates {
	const struct jf_member_in *in;
	struct table t;
};

/* Updates the member a row of the stream names, and writes it. */
static int
update_row(struct jf_import *im)
{
	struct updates *u = im->arg;
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
	member_row(&u->t, &m);
	jf_member_clear(&m);
	return 0;
}

/* The rows are written before the commit (jf_run says why). */
static int
update_end(struct jf_import *im)
{
	struct updates *u = im->arg;

	return table_end(&u->t, 0);
}

int
jf_member_update_stream(const struct jf_member_in *in, FILE *fp,
    struct jf_opts *o, int argc, char **argv)
{
	struct updates u = { in, { fp, o->fmt, member_cols, NULL } };
	struct jf_import im = { 0 };
	int rc;

	jf_import_members(&im);
	im.label = _("updating");
	im.row = update_row;
	im.end = update_end;
	im.arg = &u;
	rc = jf_import_run(&im, o, argc, argv);
	jf_out_free(u.t.out);	/* the rows of a run stopped half-way */
	return jf_import_close(&im, rc);
}
