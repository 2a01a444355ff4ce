/*
 * member.c - the members' register, and the staff who may use the tools.
 *
 * Codes and phones are both unique, so a member is found by either.  A
 * code not given is generated as "M" and seven digits from a counter
 * past the highest such code.  Import decides per row whether it adds,
 * leaves or updates a member, so the same file twice changes nothing.
 * Who may do what is checked here, by the operation: a status is a
 * manager's to change, and so are forgetting and whole phones and
 * emails in a listing; the staff is an admin's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "member.h"
#include "pin.h"
#include "rules.h"
#include "seal.h"

#define MEMBER_COLS "m.id, m.code, m.phone, m.name, m.email, m.birthday, " \
	"r.code, m.joined, m.tier, m.status, m.balance - (SELECT " \
	"coalesce(sum(remaining), 0) FROM lot WHERE member_id = m.id " \
	"AND remaining > 0 AND expires_on < jf_today()), m.debt " \
	"FROM member m LEFT JOIN member r ON r.id = m.referrer_id "

static char *
dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

void
jf_member_clear(struct jf_member *m)
{
	free(m->code);
	free(m->phone);
	free(m->name);
	free(m->email);
	free(m->birthday);
	free(m->referrer);
	free(m->joined);
	free(m->tier);
	free(m->status);
	memset(m, 0, sizeof(*m));
}

/* A row of MEMBER_COLS into m, its personal fields opened (seal.h). */
static int
from_row(struct jf_ctx *c, const struct jf_rows *r, struct jf_member *m)
{
	int rc;

	jf_member_clear(m);
	m->id = jf_r_int(r, 0);
	m->code = dup_opt(jf_r_opt(r, 1));
	if ((rc = jf_unseal(c, "phone", jf_r_opt(r, 2), &m->phone)) != 0 ||
	    (rc = jf_unseal(c, "name", jf_r_opt(r, 3), &m->name)) != 0 ||
	    (rc = jf_unseal(c, "email", jf_r_opt(r, 4), &m->email)) != 0 ||
	    (rc = jf_unseal(c, "birthday", jf_r_opt(r, 5), &m->birthday)) != 0)
		return rc;
	m->referrer = dup_opt(jf_r_opt(r, 6));
	m->joined = dup_opt(jf_r_opt(r, 7));
	m->tier = dup_opt(jf_r_opt(r, 8));
	m->status = dup_opt(jf_r_opt(r, 9));
	m->balance = jf_r_int(r, 10);
	m->debt = jf_r_int(r, 11);
	return 0;
}

int
jf_member_id(struct jf_ctx *c, const char *id, int64_t *mid)
{
	static const char sql[] = "SELECT id FROM member WHERE code = ?1 "
	    "UNION ALL " JF_BY_PHONE("id", 2) " LIMIT 1";
	char ix[JF_PHONE_IX_BUF];
	int rc;

	if ((rc = jf_q_int(c, sql, mid, "tt", id,
	    jf_phone_ix(c, id, ix))) == JF_ENOROW)
		return jf_error(JF_EREFUSED, _("no member \"%s\""), id);
	return rc;
}

int
jf_member_get(struct jf_ctx *c, int64_t mid, struct jf_member *m)
{
	static const char sql[] = "SELECT " MEMBER_COLS "WHERE m.id = ?";
	struct jf_rows r;
	int found, rc = 0;

	jf_q_open(c, &r, sql, "i", mid);
	if ((found = jf_q_next(&r)))
		rc = from_row(c, &r, m);
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (rc != 0)
		return rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no member #%lld"),
		    (long long)mid);
	return 0;
}

int
jf_member_find(struct jf_ctx *c, const char *id, struct jf_member *m)
{
	int64_t mid;
	int rc;

	if ((rc = jf_member_id(c, id, &mid)) != 0)
		return rc;
	return jf_member_get(c, mid, m);
}

static int
check_email(const char *e)
{
	const char *at = strchr(e, '@');

	if (at == NULL || at == e || at[1] == '\0' || strchr(at + 1, '@') ||
	    strchr(at + 1, '.') == NULL || e[strcspn(e, " \t,;<>\"")] != '\0')
		return -1;
	return 0;
}

static int
check_code(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return -1;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z') || *s == '-' || *s == '_'))
			return -1;
	return 0;
}

static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

/* What normal() writes: a copy of the fields it rewrites. */
struct normal {
	struct jf_member_in in;
	char phone[32], birthday[JF_DATE_LEN], joined[JF_DATE_LEN];
};

/*
 * The fields as the book keeps them, however people wrote them: the
 * phone without spaces, dashes or +86, the days as YYYY-MM-DD.  A field
 * that does not read is left for jf_member_check() to say why.  The
 * result borrows from in and n.
 */
static const struct jf_member_in *
normal(const struct jf_member_in *in, struct normal *n)
{
	n->in = *in;
	if (given(in->phone))
		n->in.phone = jf_phone_norm(in->phone, n->phone,
		    sizeof(n->phone));
	if (given(in->birthday) && jf_date_parse(in->birthday, n->birthday) ==
	    0)
		n->in.birthday = n->birthday;
	if (given(in->joined) && jf_date_parse(in->joined, n->joined) == 0)
		n->in.joined = n->joined;
	return &n->in;
}

const char *const jf_member_statuses[] = { "active", "frozen", "closed",
	NULL };

int
jf_member_status_ok(const char *s)
{
	for (int i = 0; jf_member_statuses[i] != NULL; i++)
		if (strcmp(s, jf_member_statuses[i]) == 0)
			return 1;
	return 0;
}

/* jf_member_check() of fields normal() has rewritten already. */
static int
check(const struct jf_member_in *in, const char **col)
{
	char d[JF_DATE_LEN];

	if (given(in->code) && check_code(in->code) == -1) {
		*col = "code";
		return jf_error(JF_EDATA,
		    _("not a member code (letters, digits, - and _, up to 32): \"%s\""),
		    in->code);
	}
	if (given(in->phone) && jf_phone_check(in->phone) == -1) {
		*col = "phone";
		return jf_error(JF_EDATA, _("not a phone number: \"%s\""),
		    in->phone);
	}
	if (given(in->email) && check_email(in->email) == -1) {
		*col = "email";
		return jf_error(JF_EDATA, _("not an email address: \"%s\""),
		    in->email);
	}
	if (given(in->birthday) && jf_date_parse(in->birthday, d) == -1) {
		*col = "birthday";
		return JF_EDATA;
	}
	if (given(in->joined) && jf_date_parse(in->joined, d) == -1) {
		*col = "joined";
		return JF_EDATA;
	}
	if (given(in->status) && !jf_member_status_ok(in->status)) {
		*col = "status";
		return jf_error(JF_EDATA,
		    _("not a status (active, frozen, closed): \"%s\""),
		    in->status);
	}
	if (given(in->name) && strlen(in->name) > 200) {
		*col = "name";
		return jf_error(JF_EDATA, _("name longer than 200 bytes"));
	}
	return 0;
}

int
jf_member_check(const struct jf_member_in *in, const char **col)
{
	struct normal n;

	return check(normal(in, &n), col);
}

static const char by_code[] = "SELECT id FROM member WHERE code = ?";
static const char by_phone[] = JF_BY_PHONE("id", 1) " LIMIT 1";
static int owner(struct jf_ctx *, const char *, const char *, int64_t *);

/*
 * The next free generated code past the highest "M" + 7 digits.  The
 * highest is looked up once a process; an import then counts on, and
 * checks each code it hands out is free (one index probe).
 */
static int
next_code(struct jf_ctx *c, char *buf, size_t n)
{
	static const char max[] = "SELECT coalesce(max(CAST(substr(code, 2) "
	    "AS BIGINT)), 0) FROM member WHERE length(code) = 8 AND "
	    "substr(code, 1, 1) = 'M' AND "
	    "ltrim(substr(code, 2), '0123456789') = ''";
	static long long seq = -1;
	int64_t high, other;
	int rc;

	if (seq < 0) {
		/* an aggregate gives a row, whatever the table holds */
		if ((rc = jf_q_int(c, max, &high, "")) != 0)
			return rc == JF_ENOROW ? JF_ESOFTWARE : rc;
		seq = high;
	}
	do {
		if (++seq > 9999999)
			return jf_error(JF_EREFUSED, _("member codes M0000001 "
			    "to M9999999 are used up: give codes"));
		snprintf(buf, n, "M%07lld", seq);
		if ((rc = owner(c, by_code, buf, &other)) != 0)
			return rc;
	} while (other != 0);
	return 0;
}

static int
resolve_referrer(struct jf_ctx *c, const char *ref, int64_t *rid)
{
	*rid = 0;
	if (!given(ref))
		return 0;
	if (jf_member_id(c, ref, rid) != 0)
		return jf_error(JF_EDATA, _("no referrer \"%s\""), ref);
	return 0;
}

/* A phone or code owned by a member: its id, or 0. */
static int
owner(struct jf_ctx *c, const char *sql, const char *v, int64_t *id)
{
	char ix[JF_PHONE_IX_BUF];
	int rc;

	*id = 0;
	if (!given(v))
		return 0;
	if (sql == by_phone)
		v = jf_phone_ix(c, v, ix);
	if ((rc = jf_q_int(c, sql, id, "t", v)) == JF_ENOROW) {
		*id = 0;
		return 0;
	}
	return rc;
}

/* A member's personal fields as the book stores them (seal.h). */
struct sealed {
	const char *v[4];	/* phone, name, email, birthday */
	char *own[4];
};

static void
sealed_free(struct sealed *f)
{
	for (int i = 0; i < 4; i++)
		free(f->own[i]);
}

static int
seal_in(struct jf_ctx *c, const struct jf_member_in *in, struct sealed *f)
{
	const char *plain[4] = { in->phone, in->name, in->email, in->birthday };
	static const char *const field[4] = { "phone", "name", "email",
		"birthday" };
	int rc = 0;

	for (int i = 0; i < 4; i++)
		if ((f->v[i] = jf_seal(c, field[i], plain[i], &f->own[i])) ==
		    NULL && plain[i] != NULL)
			rc = JF_ESOFTWARE;
	return rc;
}

/*
 * Inserts the member; a code or phone that exists already makes it
 * change nothing and set *mid to 0, so an import pays for the lookups
 * only when a row is not new.
 */
static int
insert(struct jf_ctx *c, const struct jf_member_in *in, const char *code,
    int64_t rid, int64_t *mid)
{
	static const char sql[] = "INSERT INTO member (code, phone, name, "
	    "email, birthday, referrer_id, joined, status, audit_id, "
	    "phone_ix, balance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT DO NOTHING";
	struct sealed f;
	char ix[JF_PHONE_IX_BUF];
	int64_t bonus = 0;
	int rc;

	*mid = 0;
	/*
	 * A complete profile earns its bonus at once: the row is made with
	 * the balance that the bonus's entry and lot then account for.
	 */
	if (given(in->name) && given(in->phone) && given(in->email) &&
	    given(in->birthday) && (!given(in->status) ||
	    strcmp(in->status, "active") == 0) &&
	    (rc = jf_profile_points(c, &bonus)) != 0)
		return rc;
	if ((rc = seal_in(c, in, &f)) == 0)
		rc = jf_q_exec(c, sql, "ttTTTnttiti", code, f.v[0], f.v[1],
		    f.v[2], f.v[3], rid,
		    given(in->joined) ? in->joined : c->today,
		    given(in->status) ? in->status : "active",
		    (int64_t)c->audit_id, jf_phone_ix(c, in->phone, ix), bonus);
	sealed_free(&f);
	if (rc != 0 || jf_changes(c) == 0)
		return rc;
	*mid = jf_last_id(c);
	return bonus > 0 ? jf_bonus_profile_new(c, *mid, bonus) : 0;
}

int
jf_member_add(struct jf_ctx *c, const struct jf_member_in *in, int64_t *mid)
{
	struct normal n;
	char code[32];
	const char *col;
	int64_t rid, other;
	int rc;

	in = normal(in, &n);
	if ((rc = check(in, &col)) != 0)
		return rc;
	if (!given(in->phone))
		return jf_error(JF_EUSAGE, _("a phone number is needed"));
	if (given(in->code))
		snprintf(code, sizeof(code), "%s", in->code);
	else if ((rc = next_code(c, code, sizeof(code))) != 0)
		return rc;
	if ((rc = resolve_referrer(c, in->referrer, &rid)) != 0)
		return rc == JF_EDATA ? JF_EREFUSED : rc;
	if ((rc = insert(c, in, code, rid, mid)) != 0 || *mid != 0)
		return rc;
	if ((rc = owner(c, by_phone, in->phone, &other)) != 0)
		return rc;
	if (other != 0)
		return jf_error(JF_EREFUSED,
		    _("phone %s belongs to a member already"), in->phone);
	return jf_error(JF_EREFUSED, _("member code %s exists already"), code);
}

int
jf_member_update(struct jf_ctx *c, int64_t mid, const struct jf_member_in *in)
{
	/*
	 * each field: the stored value when not given (NULL), cleared when
	 * given empty, else the given value
	 */
	static const char sql[] = "UPDATE member SET "
	    "phone = coalesce(nullif(?2, ''), phone), "
	    "phone_ix = coalesce(nullif(?9, ''), phone_ix), "
	    "name = CASE WHEN CAST(?3 AS TEXT) IS NULL THEN name "
	    "ELSE nullif(?3, '') END, "
	    "email = CASE WHEN CAST(?4 AS TEXT) IS NULL THEN email "
	    "ELSE nullif(?4, '') END, "
	    "birthday = CASE WHEN CAST(?5 AS TEXT) IS NULL THEN birthday "
	    "ELSE nullif(?5, '') END, "
	    "referrer_id = coalesce(?6, referrer_id), "
	    "status = coalesce(nullif(?7, ''), status), "
	    "joined = coalesce(nullif(?8, ''), joined) "
	    "WHERE id = ?1";
	/* the referrer's own chain of referrers must not lead back here */
	static const char cycle[] = "WITH RECURSIVE up(id) AS "
	    "(SELECT CAST(?1 AS BIGINT) "
	    "UNION SELECT m.referrer_id FROM member m JOIN up ON m.id = up.id "
	    "WHERE m.referrer_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?2";
	char ix[JF_PHONE_IX_BUF];
	struct sealed f;
	struct normal n;
	const char *col;
	int64_t rid, other, one;
	int rc;

	in = normal(in, &n);
	if ((rc = check(in, &col)) != 0)
		return rc;
	if (given(in->status) && (rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("changing a member's status"))) != 0)
		return rc;
	if ((rc = owner(c, by_phone, in->phone, &other)) != 0)
		return rc;
	if (other != 0 && other != mid)
		return jf_error(JF_EREFUSED,
		    _("phone %s belongs to another member"), in->phone);
	if ((rc = resolve_referrer(c, in->referrer, &rid)) != 0)
		return rc == JF_EDATA ? JF_EREFUSED : rc;
	if (rid == mid)
		return jf_error(JF_EREFUSED, _("a member cannot refer itself"));
	if (rid != 0) {
		if ((rc = jf_q_int(c, cycle, &one, "ii", rid, mid)) == 0)
			return jf_error(JF_EREFUSED,
			    _("%s was referred by this member: no cycles"),
			    in->referrer);
		if (rc != JF_ENOROW)
			return rc;
	}
	/* name, email, birthday: NULL keeps, "" (given empty) clears */
	if ((rc = seal_in(c, in, &f)) == 0)
		rc = jf_q_exec(c, sql, "iTtttnTTT", mid, f.v[0], f.v[1],
		    f.v[2], f.v[3], rid, in->status, in->joined,
		    jf_phone_ix(c, in->phone, ix));
	sealed_free(&f);
	if (rc != 0)
		return rc;
	return jf_bonus_profile(c, mid);
}

/* Whether a given field differs from the member's. */
static int
differs(const char *given_v, const char *have)
{
	return given(given_v) && strcmp(given_v, have ? have : "") != 0;
}

/*
 * *same: nothing u gives (a field not given is kept) differs from what
 * member mid has, so an update would change nothing.
 */
static int
unchanged(struct jf_ctx *c, int64_t mid, const struct jf_member_in *u,
    int64_t rid, int *same)
{
	struct jf_member m = { 0 };
	int64_t had = 0;
	int rc;

	if ((rc = jf_member_get(c, mid, &m)) != 0)
		return rc;
	if (m.referrer != NULL && (rc = jf_member_id(c, m.referrer,
	    &had)) != 0) {
		jf_member_clear(&m);
		return rc;
	}
	*same = !differs(u->phone, m.phone) && !differs(u->name, m.name) &&
	    !differs(u->email, m.email) && !differs(u->birthday, m.birthday) &&
	    !differs(u->status, m.status) && !differs(u->joined, m.joined) &&
	    (rid == 0 || rid == had);
	jf_member_clear(&m);
	return 0;
}

int
jf_member_import(struct jf_ctx *c, const struct jf_member_in *in, int update,
    int *what, const char **col)
{
	struct normal n;
	char code[32];
	int64_t byc = 0, byp = 0, rid, mid = 0;
	int rc;

	in = normal(in, &n);
	if ((rc = check(in, col)) != 0)
		return rc;
	if ((rc = resolve_referrer(c, in->referrer, &rid)) != 0) {
		*col = "referrer";
		return rc;
	}
	*what = JF_IMPORT_ADDED;
	/* the usual case, a new member, costs one INSERT */
	if (given(in->phone)) {
		if (given(in->code))
			snprintf(code, sizeof(code), "%s", in->code);
		else if ((rc = owner(c, by_phone, in->phone, &byp)) != 0 ||
		    (byp == 0 && (rc = next_code(c, code, sizeof(code))) != 0))
			return rc;
		if (byp == 0 && ((rc = insert(c, in, code, rid, &mid)) != 0 ||
		    mid != 0))
			return rc;
	}
	if ((rc = owner(c, by_code, in->code, &byc)) != 0 ||
	    (byp == 0 && (rc = owner(c, by_phone, in->phone, &byp)) != 0))
		return rc;
	if (byp != 0 && given(in->code) && byp != byc) {
		*col = "phone";
		return jf_error(JF_EDATA,
		    _("phone %s belongs to another member"), in->phone);
	}
	if ((mid = byc ? byc : byp) == 0) {
		*col = "phone";
		return jf_error(JF_EDATA, _("a phone number is needed"));
	}
	*what = JF_IMPORT_SAME;
	if (!update)
		return 0;
	{
		/* an empty cell leaves the field as it is */
		struct jf_member_in u = *in;
		int same;

		u.name = given(u.name) ? u.name : NULL;
		u.email = given(u.email) ? u.email : NULL;
		u.birthday = given(u.birthday) ? u.birthday : NULL;
		if ((rc = unchanged(c, mid, &u, rid, &same)) != 0 || same)
			return rc;
		*what = JF_IMPORT_UPDATED;
		rc = jf_member_update(c, mid, &u);
	}
	if (rc == JF_EREFUSED)
		*col = "phone";
	return rc == JF_EREFUSED ? JF_EDATA : rc;
}

int
jf_member_forget(struct jf_ctx *c, int64_t mid)
{
	static const char sql[] = "UPDATE member SET phone = NULL, "
	    "phone_ix = NULL, name = NULL, email = NULL, birthday = NULL, "
	    "forgotten = ? "
	    "WHERE id = ?";
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("forgetting a member"))) != 0)
		return rc;
	return jf_q_exec(c, sql, "ti", c->now, mid);
}

/* A field replaced by its mask; left empty, never whole, without memory. */
static void
mask(char **f, const char *masked)
{
	char *s;

	if (*f == NULL)
		return;
	s = masked != NULL ? strdup(masked) : NULL;
	free(*f);
	*f = s;
}

/*
 * The filters on personal fields, which a sealed book holds encrypted:
 * the query in the code, name, phone or email (letters in any case), the
 * month of the birthday.
 */
static int
matches(const struct jf_member_filter *f, const struct jf_member *m)
{
	const char *q = f->query;

	if (q != NULL && *q != '\0' && strcasestr(m->code, q) == NULL &&
	    (m->name == NULL || strcasestr(m->name, q) == NULL) &&
	    (m->phone == NULL || strstr(m->phone, q) == NULL) &&
	    (m->email == NULL || strcasestr(m->email, q) == NULL))
		return 0;
	if (f->birthday_month > 0 && (m->birthday == NULL ||
	    strlen(m->birthday) < 7 || atoi(m->birthday + 5) !=
	    f->birthday_month))
		return 0;
	return 1;
}

const char *const jf_rfm_segments[] = { "champions", "loyal", "promising",
	"needs_attention", "at_risk", "lost", NULL };

/*
 * every filter is a bound value; an unset one is NULL and passes (cast,
 * for PostgreSQL types no parameter by IS NULL alone)
 */
#define EACH_WHERE \
	"WHERE (CAST(?1 AS TEXT) IS NULL OR m.tier = ?1) " \
	"AND (CAST(?2 AS TEXT) IS NULL OR m.status = ?2) " \
	"AND (CAST(?3 AS TEXT) IS NULL OR m.joined >= ?3) " \
	"AND (CAST(?4 AS TEXT) IS NULL OR (m.joined < ?4 " \
	"  AND NOT EXISTS (SELECT 1 " \
	"  FROM sale s WHERE s.member_id = m.id AND s.at >= ?4))) " \
	"AND (CAST(?6 AS TEXT) IS NULL OR m.joined < ?6) " \
	"AND (CAST(?7 AS TEXT) IS NULL AND CAST(?8 AS TEXT) IS NULL " \
	"  OR m.id IN (SELECT s.member_id " \
	"  FROM product p JOIN sale_line l ON l.product_id = p.id " \
	"  JOIN sale s ON s.id = l.sale_id WHERE l.returned < l.qty " \
	"  AND (CAST(?7 AS TEXT) IS NULL OR p.sku = ?7) " \
	"  AND (CAST(?8 AS TEXT) IS NULL OR p.category = ?8) " \
	"  AND (CAST(?9 AS TEXT) IS NULL OR s.at >= ?9))) "

/* --bought and --category: 0, or JF_EREFUSED for what no product is. */
static int
bought_known(struct jf_ctx *c, const struct jf_member_filter *f)
{
	static const char sku[] = "SELECT id FROM product WHERE sku = ?";
	static const char cat[] = "SELECT id FROM product "
	    "WHERE category = ? LIMIT 1";
	int64_t id;
	int rc;

	if (f->bought != NULL && (rc = jf_q_int(c, sku, &id, "t",
	    f->bought)) != 0)
		return rc != JF_ENOROW ? rc : jf_error(JF_EREFUSED,
		    _("no product \"%s\""), f->bought);
	if (f->category != NULL && (rc = jf_q_int(c, cat, &id, "t",
	    f->category)) != 0)
		return rc != JF_ENOROW ? rc : jf_error(JF_EREFUSED,
		    _("no product in category \"%s\""), f->category);
	return 0;
}

int
jf_member_each(struct jf_ctx *c, const struct jf_member_filter *f,
    jf_member_fn *fn, void *arg)
{
	/* ?5, the segment, is unset here: said, for PostgreSQL to type it */
	static const char all[] = "SELECT " MEMBER_COLS EACH_WHERE
	    "AND CAST(?5 AS TEXT) IS NULL ORDER BY m.code";
	/* the segment's members: the RFM scores computed only when asked */
	static const char seg[] = "WITH " JF_RFM_CTE "SELECT " MEMBER_COLS
	    EACH_WHERE "AND m.id IN (SELECT member_id FROM rfm "
	    "WHERE segment = ?5) ORDER BY m.code";
	struct jf_member m = { 0 };
	char since[JF_DATE_LEN], until[JF_DATE_LEN];
	char buf[64];
	struct jf_rows r;
	int rc = 0;

	if (f->unmask && (rc = jf_need_role(c, JF_ROLE_MANAGER,
	    "--unmask")) != 0)
		return rc;
	if ((rc = bought_known(c, f)) != 0)
		return rc;
	if (f->inactive_days >= 0)
		jf_date_add_days(c->today, -f->inactive_days, since);
	/* a month of 0 or less binds NULL: any month */
	jf_q_open(c, &r, f->segment ? seg : all, "TTTttT" "ttT", f->tier,
	    f->status, f->joined_since, f->inactive_days >= 0 ? since : NULL,
	    f->segment, jf_day_after(f->joined_until, until), f->bought,
	    f->category, f->bought_since);
	while (jf_q_next(&r)) {
		if ((rc = from_row(c, &r, &m)) != 0)
			break;
		if (!matches(f, &m))
			continue;
		if (!f->unmask) {
			mask(&m.phone, jf_mask_phone(m.phone, buf));
			mask(&m.email, jf_mask_email(m.email, buf));
		}
		if ((rc = fn(arg, &m)) != 0)
			break;
	}
	jf_member_clear(&m);
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}

const char *
jf_mask_email(const char *e, char *buf)
{
	const char *at;

	if (e == NULL)
		return NULL;
	at = strchr(e, '@');
	if (at == NULL || strlen(at) > 56)
		return snprintf(buf, 64, "***"), buf;
	snprintf(buf, 64, "%.1s***%s", e, at);
	return buf;
}

int
jf_member_tiers(struct jf_ctx *c, jf_tier_fn *fn, void *arg)
{
	static const char sql[] =
	    "SELECT tier, count(*) FROM member GROUP BY tier";
	const struct jf_rules *r;
	struct jf_rows q;
	int64_t *n;
	int rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if ((n = calloc(r->ntiers + 1, sizeof(*n))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	/* one pass over the register; a tier the rules dropped is not shown */
	jf_q_open(c, &q, sql, "");
	while (jf_q_next(&q))
		for (int i = 0; i < r->ntiers; i++)
			if (strcmp(r->tiers[i].name, jf_r_text(&q, 0)) == 0)
				n[i] = jf_r_int(&q, 1);
	rc = jf_q_close(&q);
	for (int i = 0; rc == 0 && i < r->ntiers; i++)
		rc = fn(arg, &r->tiers[i], n[i]);
	free(n);
	return rc;
}

static const char managing[] = N_("managing operators");

static int
operator_add(struct jf_ctx *c, const char *name, int role)
{
	static const char sql[] = "INSERT INTO operator (name, role, added) "
	    "VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = "
	    "excluded.role";
	static const char admins[] = "SELECT count(*) FROM operator "
	    "WHERE role = 'admin' AND name <> ?";
	int64_t others;
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_ADMIN, _(managing))) != 0)
		return rc;
	if (*name == '\0' || strlen(name) > 64 ||
	    name[strcspn(name, " \t\r\n,\"")] != '\0')
		return jf_error(JF_EUSAGE, _("not an operator name (up to 64 "
		    "bytes, no spaces or commas): \"%s\""), name);
	if (c->nops == 0 && role != JF_ROLE_ADMIN)
		return jf_error(JF_EREFUSED, _("the first operator must be an "
		    "admin, or nobody could manage the staff"));
	if (role != JF_ROLE_ADMIN) {
		/* demoting the last admin would lock the staff list */
		if ((rc = jf_q_int(c, admins, &others, "t", name)) != 0)
			return rc == JF_ENOROW ? JF_ESOFTWARE : rc;
		if (others == 0 && c->nops > 0)
			return jf_error(JF_EREFUSED,
			    _("\"%s\" is the last admin: add another first"),
			    name);
	}
	return jf_q_exec(c, sql, "ttt", name, jf_role_name(role), c->now);
}

/* What name's PIN is set to: 0, or a status with the message set. */
static int
set_pin(struct jf_ctx *c, const char *name, const char *hash)
{
	static const char sql[] = "UPDATE operator SET pin = ?, "
	    "pin_failures = 0, locked_until = NULL WHERE name = ? RETURNING 1";
	int64_t one;
	int rc;

	if ((rc = jf_q_int(c, sql, &one, "tt", hash, name)) == JF_ENOROW)
		return jf_error(JF_EREFUSED, _("no operator \"%s\""), name);
	return rc;
}

/*
 * The PIN is asked before the book is locked for writing, so that a
 * till waits on nobody's typing; the role is checked before it is
 * asked, and again in the transaction.
 */
int
jf_operator_add(struct jf_ctx *c, const char *name, int role, int pin)
{
	char hash[JF_PIN_HASH_MAX];
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_ADMIN, _(managing))) != 0 ||
	    (pin && (rc = jf_pin_new(c, name, hash)) != 0) ||
	    (rc = jf_begin(c)) != 0)
		return rc;
	if ((rc = operator_add(c, name, role)) != 0 ||
	    (pin && (rc = set_pin(c, name, hash)) != 0)) {
		jf_rollback(c);
		return rc;
	}
	return jf_commit(c);
}

int
jf_operator_pin(struct jf_ctx *c, const char *name)
{
	char hash[JF_PIN_HASH_MAX];
	int role, rc;

	if (strcmp(name, c->operator) != 0 &&
	    (rc = jf_need_role(c, JF_ROLE_ADMIN, _("setting another "
	    "operator's PIN"))) != 0)
		return rc;
	if ((rc = jf_operator_role(c, name, &role)) != 0)
		return rc;
	if (role == JF_ROLE_NONE)
		return jf_error(JF_EREFUSED, _("no operator \"%s\""), name);
	if ((rc = jf_pin_new(c, name, hash)) != 0 || (rc = jf_begin(c)) != 0)
		return rc;
	if ((rc = set_pin(c, name, hash)) != 0) {
		jf_rollback(c);
		return rc;
	}
	return jf_commit(c);
}

int
jf_operator_remove(struct jf_ctx *c, const char *name)
{
	/* the row deleted comes back: none, no such operator */
	static const char del[] = "DELETE FROM operator WHERE name = ? "
	    "RETURNING 1";
	static const char admins[] = "SELECT count(*) FROM operator "
	    "WHERE role = 'admin'";
	int64_t one, left;
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_ADMIN, _(managing))) != 0)
		return rc;
	if ((rc = jf_q_int(c, del, &one, "t", name)) == JF_ENOROW)
		return jf_error(JF_EREFUSED, _("no operator \"%s\""), name);
	if (rc != 0)
		return rc;
	if ((rc = jf_q_int(c, admins, &left, "")) != 0)
		return rc == JF_ENOROW ? JF_ESOFTWARE : rc;
	if (left == 0 && c->nops > 1)
		return jf_error(JF_EREFUSED,
		    _("\"%s\" is the last admin: add another first"), name);
	return 0;
}

int
jf_operator_each(struct jf_ctx *c, jf_operator_fn *fn, void *arg)
{
	static const char sql[] =
	    "SELECT name, role, added FROM operator ORDER BY name";
	struct jf_rows r;

	jf_q_open(c, &r, sql, "");
	while (jf_q_next(&r))
		fn(arg, jf_r_text(&r, 0), jf_r_text(&r, 1), jf_r_text(&r, 2));
	return jf_q_close(&r);
}
