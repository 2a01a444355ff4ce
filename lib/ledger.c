/*
 * ledger.c - the points ledger: entries, lots, allocations and debt.
 *
 * Every movement is one row of `ledger`.  A gain is also a `lot` that
 * keeps its own last valid day; a spending takes from the lots in the
 * order they expire (then the oldest) and writes one `alloc` row per lot
 * it took from, so that a restore can give the points back to the same
 * lots.  member.balance and member.debt move in the same transaction, so
 * that for every member
 *
 *	balance = sum(ledger.delta) = sum(lot.remaining) - debt
 *
 * holds after every call.  A reversal that finds no lots left makes
 * debt (an alloc row with no lot); the next gains pay it first.
 *
 * Nothing here begins or commits: the caller holds the transaction, and
 * on an error rolls all of it back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "rules.h"

/* A member's standing, as the ledger needs it. */
struct standing {
	char code[64];
	char status[16];
	int64_t balance, debt;
};

static int
standing(struct jf_ctx *c, int64_t mid, struct standing *s)
{
	static const char sql[] = "SELECT code, status, balance, debt "
	    "FROM member WHERE id = ?";
	struct jf_rows r;
	int found;

	jf_q_open(c, &r, sql, "i", mid);
	if ((found = jf_q_next(&r))) {
		snprintf(s->code, sizeof(s->code), "%s", jf_r_text(&r, 0));
		snprintf(s->status, sizeof(s->status), "%s",
		    jf_r_text(&r, 1));
		s->balance = jf_r_int(&r, 2);
		s->debt = jf_r_int(&r, 3);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return found ? 0 : jf_error(JF_EREFUSED, _("no member with id %lld"),
	    (long long)mid);
}

/* 0 when ikey is new (or NULL); JF_EDUP when it was booked. */
static int
check_ikey(struct jf_ctx *c, const char *ikey)
{
	static const char sql[] = "SELECT 1 FROM ledger WHERE ikey = ?";
	int64_t one;
	int rc;

	if (ikey == NULL || *ikey == '\0')
		return 0;
	if ((rc = jf_q_int(c, sql, &one, "t", ikey)) == JF_ENOROW)
		return 0;
	if (rc != 0)
		return rc;
	return jf_error(JF_EDUP, _("already booked: %s"), ikey);
}

/* NULL for an empty text, as the 'T' of a query binds it. */
static const char *
opt(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* The entry, the next link of the ledger chain (chain.h). */
static int
insert_entry(struct jf_ctx *c, const struct jf_entry *e, const char *kind,
    int64_t delta, const char *ref, int64_t *id)
{
	static const char sql[] = "INSERT INTO ledger (id, member_id, at, "
	    "kind, delta, ref, rule, reason, operator, ikey, audit_id, hash) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char hash[JF_HASH_LEN], sid[24], smid[24], sdelta[24], saudit[24];
	const char *f[11];
	int rc;

	snprintf(smid, sizeof(smid), "%" PRId64, e->member_id);
	snprintf(sdelta, sizeof(sdelta), "%" PRId64, delta);
	snprintf(saudit, sizeof(saudit), "%" PRId64, (int64_t)c->audit_id);
	f[1] = smid;
	f[2] = e->at ? e->at : c->now;
	f[3] = kind;
	f[4] = sdelta;
	f[5] = opt(ref);
	f[6] = opt(e->rule);
	f[7] = opt(e->reason);
	f[8] = c->operator;
	f[9] = opt(e->ikey);
	f[10] = saudit;
	if ((rc = jf_chain_next(c, JF_CHAIN_LEDGER, f, 11, sid, id,
	    hash)) != 0 ||
	    (rc = jf_q_exec(c, sql, "iittiTTTtTit", *id, e->member_id,
	    f[2], kind, delta, ref, e->rule, e->reason, c->operator, e->ikey,
	    (int64_t)c->audit_id, hash)) != 0)
		return rc;
	return 0;
}

static int
move_member(struct jf_ctx *c, int64_t mid, int64_t dbalance, int64_t ddebt)
{
	static const char sql[] = "UPDATE member SET balance = balance + ?, "
	    "debt = debt + ? WHERE id = ?";

	return jf_q_exec(c, sql, "iii", dbalance, ddebt, mid);
}

static int
insert_alloc(struct jf_ctx *c, int64_t entry, int64_t lot, int64_t points)
{
	static const char sql[] = "INSERT INTO alloc (entry_id, lot_id, "
	    "points) VALUES (?, ?, ?)";

	return jf_q_exec(c, sql, "ini", entry, lot > 0 ? lot : 0, points);
}

static int
lot_add(struct jf_ctx *c, int64_t lot, int64_t points)
{
	static const char sql[] = "UPDATE lot SET remaining = remaining + ? "
	    "WHERE id = ?";

	return jf_q_exec(c, sql, "ii", points, lot);
}

/* The last valid day of points gained at ts under the rules then. */
static int
expiry_of(struct jf_ctx *c, const char *ts, char *out)
{
	const struct jf_rules *r;
	char day[JF_DATE_LEN];
	int rc;

	if ((rc = jf_rules_at(c, ts, &r)) != 0)
		return rc;
	memcpy(day, ts, 10);
	day[10] = '\0';
	if (r->expiry_months == 0)
		snprintf(out, JF_DATE_LEN, "%s", "9999-12-31");
	else
		jf_date_add_months(day, r->expiry_months, out);
	return 0;
}

static int
insert_lot(struct jf_ctx *c, int64_t entry, int64_t mid, int64_t amount,
    int64_t remaining, const char *ts, const char *spendable)
{
	static const char sql[] = "INSERT INTO lot (entry_id, member_id, "
	    "amount, remaining, gained, expires_on, spendable) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	char exp[JF_DATE_LEN], day[JF_DATE_LEN];
	int rc;

	if ((rc = expiry_of(c, ts, exp)) != 0)
		return rc;
	snprintf(day, sizeof(day), "%.10s", ts);
	return jf_q_exec(c, sql, "iiiittT", entry, mid, amount, remaining, day,
	    exp, spendable);
}

/*
 * What a gain and a spending check first: the kind is one booked by the
 * caller (JF_KIND_GAIN or _SPEND), the points are positive, and the
 * member is active (an adjustment reaches a frozen or closed member
 * too); *s is the member's standing.
 */
static int
admit(struct jf_ctx *c, const struct jf_entry *e, int as,
    struct standing *s)
{
	const struct jf_kind *k = jf_kind(e->kind);
	int gain = as == JF_KIND_GAIN;
	int rc;

	if (k == NULL || (k->flags & as) == 0)
		return jf_error(JF_ESOFTWARE, "ledger: not a %s: %s",
		    gain ? "gain" : "spending", e->kind ? e->kind : "(null)");
	if (e->points <= 0)
		return jf_error(JF_EREFUSED, _("points must be more than 0"));
	if ((rc = standing(c, e->member_id, s)) != 0)
		return rc;
	/* an adjustment, of either sign, reaches any member */
	if (strcmp(s->status, "active") != 0 && k->sign != 0)
		return jf_error(JF_EREFUSED, gain ?
		    _("member %s is %s: no points are earned") :
		    _("member %s is %s: no points are redeemed"),
		    s->code, s->status);
	return 0;
}

int
jf_ledger_gain(struct jf_ctx *c, const struct jf_entry *e, int64_t *entry_id)
{
	const char *at = e->at ? e->at : c->now;
	struct standing s;
	int64_t id, pay;
	int rc;

	if (e->fresh)
		memset(&s, 0, sizeof(s));
	else if ((rc = admit(c, e, JF_KIND_GAIN, &s)) != 0 ||
	    (rc = check_ikey(c, e->ikey)) != 0)
		return rc;
	if ((rc = insert_entry(c, e, e->kind, e->points, e->ref, &id)) != 0)
		return rc;
	pay = s.debt < e->points ? s.debt : e->points;
	if ((rc = insert_lot(c, id, e->member_id, e->points, e->points - pay,
	    at, e->spendable)) != 0)
		return rc;
	if (!e->fresh &&
	    (rc = move_member(c, e->member_id, e->points, -pay)) != 0)
		return rc;
	if (entry_id != NULL)
		*entry_id = id;
	return 0;
}

/* A lot to take from, and how much. */
struct take {
	int64_t lot, points;
};

/*
 * Takes up to need points from the lots that the open query r yields
 * (lot id and remaining per row), writing the lots and the alloc rows of
 * entry; *need is left with what could not be found.  The rows are read
 * first and r closed before the writes, so no cursor is open on a table
 * it changes.
 */
static int
take_from(struct jf_ctx *c, struct jf_rows *r, int64_t entry, int64_t *need)
{
	static const char upd[] = "UPDATE lot SET remaining = remaining - ? "
	    "WHERE id = ?";
	struct take *t = NULL;
	size_t n = 0, cap = 0;
	int64_t left = *need;
	int rc = 0;

	while (left > 0 && jf_q_next(r)) {
		int64_t rem = jf_r_int(r, 1);

		if (rem <= 0)
			continue;
		if (n == cap) {
			struct take *nt;

			cap = cap ? cap * 2 : 16;
			if ((nt = realloc(t, cap * sizeof(*t))) == NULL) {
				jf_q_close(r);
				free(t);
				return jf_error(JF_ESOFTWARE,
				    _("out of memory"));
			}
			t = nt;
		}
		t[n].lot = jf_r_int(r, 0);
		t[n].points = rem < left ? rem : left;
		left -= t[n++].points;
	}
	if ((rc = jf_q_close(r)) != 0) {
		free(t);
		return rc;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((rc = jf_q_exec(c, upd, "ii", t[i].points, t[i].lot)) == 0)
			rc = insert_alloc(c, entry, t[i].lot, t[i].points);
	free(t);
	if (rc != 0)
		return rc;
	*need = left;
	return 0;
}

/* The member's lots with points, the soonest to expire first. */
static int expire_member(struct jf_ctx *, int64_t, const char *, const char *,
    int64_t *);

static const char lots_sql[] = "SELECT id, remaining FROM lot "
    "WHERE member_id = ? AND remaining > 0 ORDER BY expires_on, id";
/* ... of them, those a spending on day ?2 may take */
static const char spend_sql[] = "SELECT id, remaining FROM lot "
    "WHERE member_id = ?1 AND remaining > 0 AND expires_on >= ?2 "
    "AND (spendable IS NULL OR spendable <= ?2) ORDER BY expires_on, id";

int
jf_ledger_spend(struct jf_ctx *c, const struct jf_entry *e, int64_t *entry_id)
{
	struct jf_points_now p;
	char day[JF_DATE_LEN];
	struct standing s;
	struct jf_rows r;
	int64_t id, need, gone;
	int rc;

	if ((rc = admit(c, e, JF_KIND_SPEND, &s)) != 0)
		return rc;
	if (s.debt > 0)
		return jf_error(JF_EREFUSED, _("member %s owes %lld points "
		    "and cannot spend any"), s.code, (long long)s.debt);
	/*
	 * Points past their last valid day are not spent: they expire now,
	 * in this transaction, even if tonight's expire has not run yet.
	 */
	/*
	 * What may be spent leaves out lapsed lots; they are expired only
	 * when the spending goes through, so a refusal books nothing.
	 */
	snprintf(day, sizeof(day), "%.10s", e->at ? e->at : c->now);
	if ((rc = jf_points_now(c, e->member_id, day, &p)) != 0)
		return rc;
	if (p.spendable < e->points && p.pending > 0)
		return jf_error(JF_EREFUSED, _("member %s has %lld points to "
		    "spend, not %lld (%lld more are pending)"), s.code,
		    (long long)p.spendable, (long long)e->points,
		    (long long)p.pending);
	if (p.spendable < e->points)
		return jf_error(JF_EREFUSED, _("member %s has %lld points, "
		    "not %lld"), s.code, (long long)p.spendable,
		    (long long)e->points);
	if ((rc = check_ikey(c, e->ikey)) != 0 ||
	    (rc = expire_member(c, e->member_id, day, e->at, &gone)) != 0)
		return rc;
	if ((rc = insert_entry(c, e, e->kind, -e->points, e->ref, &id)) != 0)
		return rc;
	jf_q_open(c, &r, spend_sql, "it", e->member_id, day);
	need = e->points;
	if ((rc = take_from(c, &r, id, &need)) != 0)
		return rc;
	if (need > 0)
		return jf_error(JF_ESOFTWARE, _("member %s: the lots hold less "
		    "than the spendable points"), s.code);
	if ((rc = move_member(c, e->member_id, -e->points, 0)) != 0)
		return rc;
	if (entry_id != NULL)
		*entry_id = id;
	return 0;
}

int
jf_ledger_reverse(struct jf_ctx *c, const struct jf_entry *e,
    int64_t *entry_id)
{
	static const char own_sql[] = "SELECT lot.id, lot.remaining "
	    "FROM ledger JOIN lot ON lot.entry_id = ledger.id "
	    "WHERE ledger.ref = ? AND ledger.member_id = ? "
	    "AND lot.remaining > 0 ORDER BY lot.expires_on, lot.id";
	struct standing s;
	struct jf_rows r;
	int64_t id, need;
	int rc;

	if (e->points <= 0)
		return jf_error(JF_EREFUSED, _("points must be more than 0"));
	if ((rc = standing(c, e->member_id, &s)) != 0)
		return rc;
	if ((rc = check_ikey(c, e->ikey)) != 0)
		return rc;
	if ((rc = insert_entry(c, e, "reverse", -e->points, e->ref, &id)) != 0)
		return rc;
	need = e->points;
	if (e->ref != NULL && *e->ref) {
		jf_q_open(c, &r, own_sql, "ti", e->ref, e->member_id);
		if ((rc = take_from(c, &r, id, &need)) != 0)
			return rc;
	}
	if (need > 0) {
		jf_q_open(c, &r, lots_sql, "i", e->member_id);
		if ((rc = take_from(c, &r, id, &need)) != 0)
			return rc;
	}
	if (need > 0 && (rc = insert_alloc(c, id, 0, need)) != 0)
		return rc;
	if ((rc = move_member(c, e->member_id, -e->points, need)) != 0)
		return rc;
	if (entry_id != NULL)
		*entry_id = id;
	return 0;
}

/*
 * What spent took, lot by lot, the last taken first: a return gives back
 * the later-expiring points before the sooner ones.
 */
struct back {
	int64_t lot, points, room;
};

/* The spending entry id: its member, what it spent, its kind and ref. */
static int
spent_entry(struct jf_ctx *c, int64_t id, int64_t *mid, int64_t *spent,
    char *kind, size_t kindsz, char *ref, size_t refsz)
{
	static const char sql[] = "SELECT member_id, kind, -delta, ref "
	    "FROM ledger WHERE id = ?";
	struct jf_rows r;
	int found;

	jf_q_open(c, &r, sql, "i", id);
	if ((found = jf_q_next(&r))) {
		*mid = jf_r_int(&r, 0);
		snprintf(kind, kindsz, "%s", jf_r_text(&r, 1));
		*spent = jf_r_int(&r, 2);
		snprintf(ref, refsz, "%s", jf_r_text(&r, 3));
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no ledger entry %lld"),
		    (long long)id);
	if (*spent <= 0 || strcmp(kind, "expire") == 0)
		return jf_error(JF_EREFUSED, _("ledger entry %lld spent "
		    "nothing to give back"), (long long)id);
	return 0;
}

/*
 * The lots entry id took from, the last first, into *bp (free it): each
 * with what it took less what earlier restores of ref gave back to it.
 */
static int
taken(struct jf_ctx *c, int64_t id, const char *ref, int64_t mid,
    struct back **bp, size_t *np)
{
	static const char sql[] = "SELECT a.lot_id, a.points - coalesce("
	    "(SELECT sum(b.points) FROM alloc b JOIN ledger r "
	    "ON r.id = b.entry_id WHERE r.kind = 'restore' AND r.ref = ?2 "
	    "AND r.member_id = ?3 AND b.lot_id = a.lot_id), 0), "
	    "lot.amount - lot.remaining FROM alloc a LEFT JOIN lot "
	    "ON lot.id = a.lot_id WHERE a.entry_id = ?1 ORDER BY a.id DESC";
	struct back *b = NULL;
	size_t n = 0, cap = 0;
	struct jf_rows r;

	jf_q_open(c, &r, sql, "iTi", id, ref, mid);
	while (jf_q_next(&r)) {
		if (n == cap) {
			struct back *nb;

			cap = cap ? cap * 2 : 16;
			if ((nb = realloc(b, cap * sizeof(*b))) == NULL) {
				jf_q_close(&r);
				free(b);
				return jf_error(JF_ESOFTWARE,
				    _("out of memory"));
			}
			b = nb;
		}
		b[n].lot = jf_r_int(&r, 0);
		b[n].points = jf_r_int(&r, 1);
		b[n++].room = jf_r_int(&r, 2);
	}
	if (jf_q_close(&r) != 0) {
		free(b);
		return r.rc;
	}
	*bp = b;
	*np = n;
	return 0;
}

/*
 * Books the restore entry id of give points of member mid: the debt
 * first, then back into the lots of b as far as each has room, and a lot
 * of its own for the rest.
 */
static int
give_back(struct jf_ctx *c, int64_t id, int64_t mid, int64_t give,
    const struct back *b, size_t n, const char *at)
{
	struct standing s;
	int64_t relief, left;
	int rc;

	if ((rc = standing(c, mid, &s)) != 0)
		return rc;
	relief = s.debt < give ? s.debt : give;
	if (relief > 0 && (rc = insert_alloc(c, id, 0, relief)) != 0)
		return rc;
	left = give - relief;
	for (size_t i = 0; i < n && left > 0; i++) {
		int64_t p = b[i].points < left ? b[i].points : left;

		if (b[i].lot == 0 || (p = p < b[i].room ? p : b[i].room) <= 0)
			continue;
		if ((rc = lot_add(c, b[i].lot, p)) != 0 ||
		    (rc = insert_alloc(c, id, b[i].lot, p)) != 0)
			return rc;
		left -= p;
	}
	if (left > 0 && (rc = insert_lot(c, id, mid, left, left, at,
	    NULL)) != 0)
		return rc;
	return move_member(c, mid, give, -relief);
}

int
jf_ledger_restore(struct jf_ctx *c, int64_t spent_id, const struct jf_entry *e,
    int64_t *entry_id)
{
	static const char before_sql[] = "SELECT coalesce(sum(delta), 0) "
	    "FROM ledger WHERE member_id = ? AND kind = 'restore' AND ref = ?";
	struct jf_entry r = *e;
	struct back *b = NULL;
	size_t n = 0;
	int64_t mid = 0, spent = 0, before = 0, give, id;
	char kind[16], ref[256];
	int rc;

	if (e->points <= 0)
		return jf_error(JF_EREFUSED, _("points must be more than 0"));
	if ((rc = spent_entry(c, spent_id, &mid, &spent, kind, sizeof(kind),
	    ref, sizeof(ref))) != 0)
		return rc;
	if (e->member_id != 0 && e->member_id != mid)
		return jf_error(JF_ESOFTWARE, "ledger: restore of another "
		    "member's entry");
	r.member_id = mid;
	if (r.ref == NULL || *r.ref == '\0')
		r.ref = ref[0] ? ref : NULL;
	/* what was given back for this ref before */
	if (r.ref != NULL && (rc = jf_q_int(c, before_sql, &before, "it", mid,
	    r.ref)) != 0)
		return rc;
	give = spent - before;
	if (give > e->points)
		give = e->points;
	if (give <= 0)
		return jf_error(JF_EREFUSED, _("the points of %s were given "
		    "back already"), r.ref ? r.ref : _("the entry"));
	if ((rc = check_ikey(c, e->ikey)) != 0 ||
	    (rc = taken(c, spent_id, r.ref, mid, &b, &n)) != 0)
		return rc;
	if ((rc = insert_entry(c, &r, "restore", give, r.ref, &id)) == 0 &&
	    (rc = give_back(c, id, mid, give, b, n, r.at ? r.at :
	    c->now)) == 0 && entry_id != NULL)
		*entry_id = id;
	free(b);
	return rc;
}

/*
 * The first member with a lot expiring before day (JF_ENOROW: none).
 * Both engines read it from the partial index lot_expiry unasked.
 */
static int
next_expiring(struct jf_ctx *c, const char *day, int64_t *mid)
{
	static const char sql[] = "SELECT member_id FROM lot "
	    "WHERE remaining > 0 AND expires_on < ? "
	    "ORDER BY expires_on LIMIT 1";

	return jf_q_int(c, sql, mid, "t", day);
}

/*
 * Expires one member's lots whose last valid day is before day: one
 * "expire" entry for their remainders (none when there are none).
 */
static int
expire_member(struct jf_ctx *c, int64_t mid, const char *day, const char *at,
    int64_t *pts)
{
	static const char sum_sql[] = "SELECT coalesce(sum(remaining), 0) "
	    "FROM lot WHERE member_id = ? AND remaining > 0 "
	    "AND expires_on < ?";
	static const char mlots_sql[] = "SELECT id, remaining FROM lot "
	    "WHERE member_id = ? AND remaining > 0 AND expires_on < ? "
	    "ORDER BY expires_on, id";
	struct jf_entry e = { .member_id = mid, .kind = "expire", .at = at };
	struct jf_rows r;
	int64_t id, need;
	int rc;

	if ((rc = jf_q_int(c, sum_sql, pts, "it", mid, day)) != 0)
		return rc;
	if (*pts == 0)
		return 0;
	if ((rc = insert_entry(c, &e, "expire", -*pts, NULL, &id)) != 0)
		return rc;
	jf_q_open(c, &r, mlots_sql, "it", mid, day);
	need = *pts;
	if ((rc = take_from(c, &r, id, &need)) != 0)
		return rc;
	if (need != 0)
		return jf_error(JF_ESOFTWARE, "ledger: an expiry changed under us");
	return move_member(c, mid, -*pts, 0);
}

int
jf_ledger_expire(struct jf_ctx *c, const char *day, jf_expire_fn *fn,
    void *arg)
{
	static const char ran_sql[] = "SELECT 1 FROM expire_run WHERE day = ?";
	static const char run_sql[] = "INSERT INTO expire_run (day, at, "
	    "audit_id) VALUES (?, ?, ?)";
	int64_t mid, pts, one;
	struct standing s;
	int rc;

	if ((rc = jf_q_int(c, ran_sql, &one, "t", day)) != JF_ENOROW)
		return rc;	/* 0: it ran that day already */
	while ((rc = next_expiring(c, day, &mid)) == 0) {
		if ((rc = standing(c, mid, &s)) != 0 ||
		    (rc = expire_member(c, mid, day, NULL, &pts)) != 0)
			return rc;
		if (fn != NULL)
			fn(arg, s.code, pts, day);
	}
	if (rc != JF_ENOROW)
		return rc;
	return jf_q_exec(c, run_sql, "tti", day, c->now, (int64_t)c->audit_id);
}

int
jf_points_now(struct jf_ctx *c, int64_t member_id, const char *day,
    struct jf_points_now *p)
{
	static const char sql[] = "SELECT m.balance, m.debt, "
	    "(SELECT coalesce(sum(remaining), 0) FROM lot WHERE member_id = "
	    "m.id AND remaining > 0 AND expires_on < ?2), "
	    "(SELECT coalesce(sum(remaining), 0) FROM lot WHERE member_id = "
	    "m.id AND remaining > 0 AND expires_on >= ?2 AND spendable > ?2) "
	    "FROM member m WHERE m.id = ?1";
	struct jf_rows r;
	int found;

	memset(p, 0, sizeof(*p));
	jf_q_open(c, &r, sql, "it", member_id, day);
	if ((found = jf_q_next(&r))) {
		p->balance = jf_r_int(&r, 0);
		p->debt = jf_r_int(&r, 1);
		p->lapsed = jf_r_int(&r, 2);
		p->pending = jf_r_int(&r, 3);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no member with id %lld"),
		    (long long)member_id);
	p->balance -= p->lapsed;
	p->spendable = p->debt > 0 ? 0 : p->balance - p->pending;
	if (p->spendable < 0)
		p->spendable = 0;
	return 0;
}

int
jf_ledger_ref_points(struct jf_ctx *c, const char *ref, int64_t member_id,
    int64_t *gained, int64_t *reversed, int64_t *expired)
{
	static const char sql[] = "SELECT coalesce(sum(CASE WHEN kind = "
	    "'earn' OR kind = 'bonus' THEN delta END), 0), "
	    "coalesce(-sum(CASE WHEN kind = 'reverse' THEN delta END), 0), "
	    "(SELECT coalesce(sum(a.points), 0) FROM ledger g "
	    "JOIN lot ON lot.entry_id = g.id JOIN alloc a ON a.lot_id = lot.id "
	    "JOIN ledger x ON x.id = a.entry_id AND x.kind = 'expire' "
	    "WHERE g.ref = ?1 AND g.member_id = ?2 AND (g.kind = 'earn' OR "
	    "g.kind = 'bonus')) FROM ledger WHERE ref = ?1 AND member_id = ?2";
	struct jf_rows r;

	*gained = *reversed = *expired = 0;
	jf_q_open(c, &r, sql, "ti", ref, member_id);
	if (jf_q_next(&r)) {
		*gained = jf_r_int(&r, 0);
		*reversed = jf_r_int(&r, 1);
		*expired = jf_r_int(&r, 2);
	}
	return jf_q_close(&r);
}

int
jf_points_expiring(struct jf_ctx *c, int64_t member_id, int64_t *points,
    char *first_day)
{
	static const char sql[] = "SELECT coalesce(sum(remaining), 0), "
	    "min(expires_on) FROM lot WHERE member_id = ? AND remaining > 0 "
	    "AND expires_on <= ? AND expires_on >= ?";
	const struct jf_rules *ru;
	char horizon[JF_DATE_LEN];
	struct jf_rows r;
	int rc;

	if ((rc = jf_rules_at(c, c->now, &ru)) != 0)
		return rc;
	jf_date_add_days(c->today, ru->remind_days, horizon);
	*points = 0;
	if (first_day != NULL)
		first_day[0] = '\0';
	jf_q_open(c, &r, sql, "itt", member_id, horizon, c->today);
	if (jf_q_next(&r)) {
		*points = jf_r_int(&r, 0);
		if (first_day != NULL)
			snprintf(first_day, JF_DATE_LEN, "%s",
			    jf_r_text(&r, 1));
	}
	return jf_q_close(&r);
}

/*
 * The profile bonus; fresh: of a member just made, complete, active, with
 * the bonus as their balance.
 */
static int
profile(struct jf_ctx *c, int64_t member_id, int fresh)
{
	static const char sql[] = "SELECT 1 FROM member WHERE id = ? "
	    "AND status = 'active' AND coalesce(name, '') <> '' "
	    "AND coalesce(phone, '') <> '' AND coalesce(email, '') <> '' "
	    "AND coalesce(birthday, '') <> ''";
	const struct jf_rules *r;
	struct jf_entry e = { .fresh = fresh };
	char ikey[64];
	int64_t one;
	int rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if (r->bonus_profile <= 0)
		return 0;
	if (!fresh && (rc = jf_q_int(c, sql, &one, "i", member_id)) != 0)
		return rc == JF_ENOROW ? 0 : rc;	/* not complete */
	snprintf(ikey, sizeof(ikey), "profile:%lld", (long long)member_id);
	e.member_id = member_id;
	e.kind = "bonus";
	e.points = r->bonus_profile;
	e.rule = "profile";
	e.ikey = ikey;
	rc = jf_ledger_gain(c, &e, NULL);
	if (rc == JF_EDUP)
		return 0;
	return rc;
}

int
jf_bonus_profile(struct jf_ctx *c, int64_t member_id)
{
	return profile(c, member_id, 0);
}

int
jf_profile_points(struct jf_ctx *c, int64_t *points)
{
	const struct jf_rules *r;
	int rc;

	*points = 0;
	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	*points = r->bonus_profile;
	return 0;
}

int
jf_bonus_profile_new(struct jf_ctx *c, int64_t member_id, int64_t points)
{
	const struct jf_rules *r;
	int rc;

	/* the points the row was made with are the rules' still */
	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if (r->bonus_profile != points)
		return jf_error(JF_ESOFTWARE, "profile bonus: %lld, not %lld",
		    (long long)r->bonus_profile, (long long)points);
	return profile(c, member_id, 1);
}

/* The points that count for tiers in the 365 days up to at. */
static int
tier_points(struct jf_ctx *c, int64_t mid, const char *at, int64_t *pts)
{
	static const char sql[] = "SELECT coalesce(sum(delta), 0) FROM ledger "
	    "WHERE member_id = ? AND at > ? AND at <= ? "
	    "AND (kind = 'earn' OR kind = 'bonus' OR kind = 'reverse')";
	char from[JF_TS_LEN], day[JF_DATE_LEN];

	memcpy(day, at, 10);
	day[10] = '\0';
	jf_date_add_days(day, -365, from);
	snprintf(from + 10, sizeof(from) - 10, "%s", at + 10);
	return jf_q_int(c, sql, pts, "itt", mid, from, at);
}

static int
set_tier(struct jf_ctx *c, int64_t mid, const char *tier)
{
	static const char sql[] = "UPDATE member SET tier = ? WHERE id = ?";

	return jf_q_exec(c, sql, "ti", tier, mid);
}

/* The rank of a tier name in r, -1 for a name the rules do not know. */
static int
tier_rank(const struct jf_rules *r, const char *name)
{
	const struct jf_tier *t = jf_rules_tier(r, name);

	return t ? (int)(t - r->tiers) : -1;
}

int
jf_tier_upgrade(struct jf_ctx *c, int64_t member_id, const char *at)
{
	static const char sql[] = "SELECT tier FROM member WHERE id = ?";
	const struct jf_rules *r;
	const struct jf_tier *t;
	struct jf_rows q;
	char tier[128] = "";
	int64_t pts;
	int rc;

	if (at == NULL)
		at = c->now;
	if ((rc = jf_rules_at(c, at, &r)) != 0 ||
	    (rc = tier_points(c, member_id, at, &pts)) != 0)
		return rc;
	jf_q_open(c, &q, sql, "i", member_id);
	if (jf_q_next(&q))
		snprintf(tier, sizeof(tier), "%s", jf_r_text(&q, 0));
	if ((rc = jf_q_close(&q)) != 0)
		return rc;
	t = jf_rules_tier_for(r, pts);
	if ((int)(t - r->tiers) <= tier_rank(r, tier))
		return 0;
	return set_tier(c, member_id, t->name);
}

int
jf_tier_recalc(struct jf_ctx *c, int64_t *changed)
{
	static const char sql[] = "SELECT id, tier FROM member WHERE id > ? "
	    "ORDER BY id LIMIT 512";
	struct chg {
		int64_t id;
		const char *tier;
	} *ch;
	const struct jf_rules *r;
	struct jf_rows q;
	int64_t last = 0, pts;
	size_t n;
	int rc, more = 1;

	*changed = 0;
	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if ((ch = calloc(512, sizeof(*ch))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	while (more) {
		n = 0;
		jf_q_open(c, &q, sql, "i", last);
		more = 0;
		while (jf_q_next(&q)) {
			/* remember the tier only when the rules know it */
			const struct jf_tier *t = jf_rules_tier(r,
			    jf_r_text(&q, 1));

			more = 1;
			last = jf_r_int(&q, 0);
			ch[n].id = last;
			ch[n].tier = t ? t->name : "";
			n++;
		}
		if ((rc = jf_q_close(&q)) != 0)
			break;
		for (size_t i = 0; i < n; i++) {
			const struct jf_tier *t;

			if ((rc = tier_points(c, ch[i].id, c->now, &pts)) != 0)
				break;
			t = jf_rules_tier_for(r, pts);
			if (strcmp(t->name, ch[i].tier) == 0)
				continue;
			if ((rc = set_tier(c, ch[i].id, t->name)) != 0)
				break;
			(*changed)++;
		}
		if (rc != 0)
			break;
	}
	free(ch);
	return rc;
}
