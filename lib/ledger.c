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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "rules.h"

int jf_ledger_dup;

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
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, mid);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no member with id %lld"), (long long)mid);
	}
	snprintf(s->code, sizeof(s->code), "%s", jf_col(st, 0));
	snprintf(s->status, sizeof(s->status), "%s", jf_col(st, 1));
	s->balance = sqlite3_column_int64(st, 2);
	s->debt = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return 0;
}

/* 0 when ikey is new (or NULL); JF_EREFUSED with jf_ledger_dup set. */
static int
check_ikey(struct jf_ctx *c, const char *ikey)
{
	static const char sql[] = "SELECT 1 FROM ledger WHERE ikey = ?";
	sqlite3_stmt *st;
	int rc;

	if (ikey == NULL || *ikey == '\0')
		return 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, ikey, -1, SQLITE_TRANSIENT);
	rc = jf_step(c, st);
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	if (rc == SQLITE_ROW) {
		jf_ledger_dup = 1;
		return jf_error(JF_EREFUSED, _("already booked: %s"), ikey);
	}
	return 0;
}

static int
insert_entry(struct jf_ctx *c, const struct jf_entry *e, const char *kind,
    int64_t delta, const char *ref, int64_t *id)
{
	static const char sql[] = "INSERT INTO ledger (member_id, at, kind, "
	    "delta, ref, rule, reason, operator, ikey, audit_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, e->member_id);
	sqlite3_bind_text(st, 2, e->at ? e->at : c->now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, delta);
	jf_bind_opt(st, 5, ref);
	jf_bind_opt(st, 6, e->rule);
	jf_bind_opt(st, 7, e->reason);
	sqlite3_bind_text(st, 8, c->operator, -1, SQLITE_STATIC);
	jf_bind_opt(st, 9, e->ikey);
	sqlite3_bind_int64(st, 10, c->audit_id);
	if ((rc = jf_exec(c, st)) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
move_member(struct jf_ctx *c, int64_t mid, int64_t dbalance, int64_t ddebt)
{
	static const char sql[] = "UPDATE member SET balance = balance + ?, "
	    "debt = debt + ? WHERE id = ?";
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, dbalance);
	sqlite3_bind_int64(st, 2, ddebt);
	sqlite3_bind_int64(st, 3, mid);
	return jf_exec(c, st);
}

static int
insert_alloc(struct jf_ctx *c, int64_t entry, int64_t lot, int64_t points)
{
	static const char sql[] = "INSERT INTO alloc (entry_id, lot_id, "
	    "points) VALUES (?, ?, ?)";
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, entry);
	if (lot > 0)
		sqlite3_bind_int64(st, 2, lot);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, points);
	return jf_exec(c, st);
}

static int
lot_add(struct jf_ctx *c, int64_t lot, int64_t points)
{
	static const char sql[] = "UPDATE lot SET remaining = remaining + ? "
	    "WHERE id = ?";
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, points);
	sqlite3_bind_int64(st, 2, lot);
	return jf_exec(c, st);
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
	char exp[JF_DATE_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = expiry_of(c, ts, exp)) != 0)
		return rc;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, entry);
	sqlite3_bind_int64(st, 2, mid);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int64(st, 4, remaining);
	sqlite3_bind_text(st, 5, ts, 10, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, exp, -1, SQLITE_TRANSIENT);
	jf_bind_opt(st, 7, spendable);
	return jf_exec(c, st);
}

static int
is_kind(const char *k, const char **kinds)
{
	for (; *kinds != NULL; kinds++)
		if (strcmp(k, *kinds) == 0)
			return 1;
	return 0;
}

/*
 * What a gain and a spending check first: the kind is one of kinds, the
 * points are positive, and the member is active (an adjustment reaches a
 * frozen or closed member too); *s is the member's standing.
 */
static int
admit(struct jf_ctx *c, const struct jf_entry *e, const char **kinds,
    struct standing *s)
{
	int gain = strcmp(kinds[0], "earn") == 0;
	int rc;

	jf_ledger_dup = 0;
	if (e->kind == NULL || !is_kind(e->kind, kinds))
		return jf_error(JF_ESOFTWARE, "ledger: not a %s: %s",
		    gain ? "gain" : "spending", e->kind ? e->kind : "(null)");
	if (e->points <= 0)
		return jf_error(JF_EREFUSED, _("points must be more than 0"));
	if ((rc = standing(c, e->member_id, s)) != 0)
		return rc;
	if (strcmp(s->status, "active") != 0 && strcmp(e->kind, "adjust") != 0)
		return jf_error(JF_EREFUSED, gain ?
		    _("member %s is %s: no points are earned") :
		    _("member %s is %s: no points are redeemed"),
		    s->code, s->status);
	return 0;
}

int
jf_ledger_gain(struct jf_ctx *c, const struct jf_entry *e, int64_t *entry_id)
{
	static const char *kinds[] = { "earn", "bonus", "award", "adjust",
	    NULL };
	const char *at = e->at ? e->at : c->now;
	struct standing s;
	int64_t id, pay;
	int rc;

	if ((rc = admit(c, e, kinds, &s)) != 0)
		return rc;
	if ((rc = check_ikey(c, e->ikey)) != 0)
		return rc;
	if ((rc = insert_entry(c, e, e->kind, e->points, e->ref, &id)) != 0)
		return rc;
	pay = s.debt < e->points ? s.debt : e->points;
	if ((rc = insert_lot(c, id, e->member_id, e->points, e->points - pay,
	    at, e->spendable)) != 0)
		return rc;
	if ((rc = move_member(c, e->member_id, e->points, -pay)) != 0)
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
 * Takes up to need points from the lots that st (bound, lot id and
 * remaining per row) yields, writing the lots and the alloc rows of
 * entry; *need is left with what could not be found.  The rows are read
 * first and written after, so no cursor is open on a table it changes.
 */
static int
take_from(struct jf_ctx *c, sqlite3_stmt *st, int64_t entry, int64_t *need)
{
	static const char upd[] = "UPDATE lot SET remaining = remaining - ? "
	    "WHERE id = ?";
	struct take *t = NULL;
	size_t n = 0, cap = 0;
	int64_t left = *need;
	int rc = 0;

	while (left > 0 && (rc = jf_step(c, st)) == SQLITE_ROW) {
		int64_t rem = sqlite3_column_int64(st, 1);

		if (rem <= 0)
			continue;
		if (n == cap) {
			struct take *nt;

			cap = cap ? cap * 2 : 16;
			if ((nt = realloc(t, cap * sizeof(*t))) == NULL) {
				sqlite3_reset(st);
				free(t);
				return jf_error(JF_ESOFTWARE,
				    _("out of memory"));
			}
			t = nt;
		}
		t[n].lot = sqlite3_column_int64(st, 0);
		t[n].points = rem < left ? rem : left;
		left -= t[n++].points;
	}
	sqlite3_reset(st);
	if (rc < 0) {
		free(t);
		return -rc;
	}
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *u;

		if ((u = jf_stmt(c, upd)) == NULL) {
			rc = JF_ESOFTWARE;
			break;
		}
		sqlite3_bind_int64(u, 1, t[i].points);
		sqlite3_bind_int64(u, 2, t[i].lot);
		if ((rc = jf_exec(c, u)) != 0 ||
		    (rc = insert_alloc(c, entry, t[i].lot, t[i].points)) != 0)
			break;
	}
	free(t);
	if (rc > 0)
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
	static const char *kinds[] = { "redeem", "offset", "adjust", NULL };
	struct jf_points_now p;
	char day[JF_DATE_LEN];
	struct standing s;
	sqlite3_stmt *st;
	int64_t id, need, gone;
	int rc;

	if ((rc = admit(c, e, kinds, &s)) != 0)
		return rc;
	if (s.debt > 0)
		return jf_error(JF_EREFUSED, _("member %s owes %lld points "
		    "and cannot spend any"), s.code, (long long)s.debt);
	/*
	 * Points past their last valid day are not spent: they expire now,
	 * in this transaction, even if tonight's expire has not run yet.
	 */
	snprintf(day, sizeof(day), "%.10s", e->at ? e->at : c->now);
	if ((rc = expire_member(c, e->member_id, day, e->at, &gone)) != 0 ||
	    (rc = jf_points_now(c, e->member_id, day, &p)) != 0)
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
	if ((rc = check_ikey(c, e->ikey)) != 0)
		return rc;
	if ((rc = insert_entry(c, e, e->kind, -e->points, e->ref, &id)) != 0)
		return rc;
	if ((st = jf_stmt(c, spend_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, e->member_id);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	need = e->points;
	if ((rc = take_from(c, st, id, &need)) != 0)
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
	sqlite3_stmt *st;
	int64_t id, need;
	int rc;

	jf_ledger_dup = 0;
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
		if ((st = jf_stmt(c, own_sql)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_text(st, 1, e->ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, e->member_id);
		if ((rc = take_from(c, st, id, &need)) != 0)
			return rc;
	}
	if (need > 0) {
		if ((st = jf_stmt(c, lots_sql)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_int64(st, 1, e->member_id);
		if ((rc = take_from(c, st, id, &need)) != 0)
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

int
jf_ledger_restore(struct jf_ctx *c, int64_t spent_id, const struct jf_entry *e,
    int64_t *entry_id)
{
	static const char spent_sql[] = "SELECT member_id, kind, -delta, ref "
	    "FROM ledger WHERE id = ?";
	static const char before_sql[] = "SELECT coalesce(sum(delta), 0) "
	    "FROM ledger WHERE member_id = ? AND kind = 'restore' AND ref = ?";
	static const char alloc_sql[] = "SELECT alloc.lot_id, alloc.points, "
	    "lot.amount - lot.remaining FROM alloc LEFT JOIN lot "
	    "ON lot.id = alloc.lot_id WHERE alloc.entry_id = ? "
	    "ORDER BY alloc.id DESC";
	struct jf_entry r = *e;
	struct standing s;
	struct back *b = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int64_t mid, spent, before = 0, give, left, relief = 0, id;
	char kind[16], ref[256];
	int rc;

	jf_ledger_dup = 0;
	if (e->points <= 0)
		return jf_error(JF_EREFUSED, _("points must be more than 0"));
	if ((st = jf_stmt(c, spent_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, spent_id);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no ledger entry %lld"), (long long)spent_id);
	}
	mid = sqlite3_column_int64(st, 0);
	snprintf(kind, sizeof(kind), "%s", jf_col(st, 1));
	spent = sqlite3_column_int64(st, 2);
	snprintf(ref, sizeof(ref), "%s", jf_col(st, 3));
	sqlite3_reset(st);
	if (spent <= 0 || strcmp(kind, "expire") == 0)
		return jf_error(JF_EREFUSED, _("ledger entry %lld spent "
		    "nothing to give back"), (long long)spent_id);
	if (e->member_id != 0 && e->member_id != mid)
		return jf_error(JF_ESOFTWARE, "ledger: restore of another "
		    "member's entry");
	r.member_id = mid;
	if (r.ref == NULL || *r.ref == '\0')
		r.ref = ref[0] ? ref : NULL;
	if ((rc = standing(c, mid, &s)) != 0)
		return rc;

	/* what was given back for this ref before */
	if (r.ref != NULL) {
		if ((st = jf_stmt(c, before_sql)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_text(st, 2, r.ref, -1, SQLITE_TRANSIENT);
		if ((rc = jf_step(c, st)) == SQLITE_ROW)
			before = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc < 0)
			return -rc;
	}
	give = spent - before;
	if (give > e->points)
		give = e->points;
	if (give <= 0)
		return jf_error(JF_EREFUSED, _("the points of %s were given "
		    "back already"), r.ref ? r.ref : "the entry");
	if ((rc = check_ikey(c, e->ikey)) != 0)
		return rc;

	if ((st = jf_stmt(c, alloc_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, spent_id);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		if (n == cap) {
			struct back *nb;

			cap = cap ? cap * 2 : 16;
			if ((nb = realloc(b, cap * sizeof(*b))) == NULL) {
				sqlite3_reset(st);
				free(b);
				return jf_error(JF_ESOFTWARE,
				    _("out of memory"));
			}
			b = nb;
		}
		b[n].lot = sqlite3_column_int64(st, 0);
		b[n].points = sqlite3_column_int64(st, 1);
		b[n++].room = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc < 0) {
		free(b);
		return -rc;
	}
	if ((rc = insert_entry(c, &r, "restore", give, r.ref, &id)) != 0)
		goto out;
	/* points given back pay the member's debt first */
	relief = s.debt < give ? s.debt : give;
	if (relief > 0 && (rc = insert_alloc(c, id, 0, relief)) != 0)
		goto out;
	left = give - relief;
	for (size_t i = 0; i < n && left > 0; i++) {
		int64_t p = b[i].points < left ? b[i].points : left;

		if (b[i].lot == 0)
			continue;
		if (p > b[i].room)
			p = b[i].room;
		if (p <= 0)
			continue;
		if ((rc = lot_add(c, b[i].lot, p)) != 0 ||
		    (rc = insert_alloc(c, id, b[i].lot, p)) != 0)
			goto out;
		left -= p;
	}
	/* lots that cannot take it all back: a lot of the restore's own */
	if (left > 0 && (rc = insert_lot(c, id, mid, left, left,
	    r.at ? r.at : c->now, NULL)) != 0)
		goto out;
	if ((rc = move_member(c, mid, give, -relief)) != 0)
		goto out;
	if (entry_id != NULL)
		*entry_id = id;
out:
	free(b);
	return rc;
}

/* The first member with a lot expiring before day, by lot_expiry. */
static int
next_expiring(struct jf_ctx *c, const char *day, int64_t *mid)
{
	static const char sql[] = "SELECT member_id FROM lot "
	    "INDEXED BY lot_expiry WHERE remaining > 0 AND expires_on < ? "
	    "ORDER BY expires_on LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return -JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
	rc = jf_step(c, st);
	if (rc == SQLITE_ROW)
		*mid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
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
	sqlite3_stmt *st;
	int64_t id, need;
	int rc;

	if ((st = jf_stmt(c, sum_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : JF_ESOFTWARE;
	}
	*pts = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (*pts == 0)
		return 0;
	if ((rc = insert_entry(c, &e, "expire", -*pts, NULL, &id)) != 0)
		return rc;
	if ((st = jf_stmt(c, mlots_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	need = *pts;
	if ((rc = take_from(c, st, id, &need)) != 0)
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
	sqlite3_stmt *st;
	int64_t mid, pts;
	struct standing s;
	int rc;

	if ((st = jf_stmt(c, ran_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
	rc = jf_step(c, st);
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	if (rc == SQLITE_ROW)
		return 0;
	while ((rc = next_expiring(c, day, &mid)) == SQLITE_ROW) {
		if ((rc = standing(c, mid, &s)) != 0 ||
		    (rc = expire_member(c, mid, day, NULL, &pts)) != 0)
			return rc;
		if (fn != NULL)
			fn(arg, s.code, pts, day);
	}
	if (rc < 0)
		return -rc;
	if ((st = jf_stmt(c, run_sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->audit_id);
	return jf_exec(c, st);
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
	sqlite3_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, member_id);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no member with id %lld"), (long long)member_id);
	}
	p->balance = sqlite3_column_int64(st, 0);
	p->debt = sqlite3_column_int64(st, 1);
	p->lapsed = sqlite3_column_int64(st, 2);
	p->pending = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
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
	sqlite3_stmt *st;
	int rc;

	*gained = *reversed = *expired = 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, member_id);
	if ((rc = jf_step(c, st)) == SQLITE_ROW) {
		*gained = sqlite3_column_int64(st, 0);
		*reversed = sqlite3_column_int64(st, 1);
		*expired = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

int
jf_points_expiring(struct jf_ctx *c, int64_t member_id, int64_t *points,
    char *first_day)
{
	static const char sql[] = "SELECT coalesce(sum(remaining), 0), "
	    "min(expires_on) FROM lot WHERE member_id = ? AND remaining > 0 "
	    "AND expires_on <= ? AND expires_on >= ?";
	const struct jf_rules *r;
	char horizon[JF_DATE_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	jf_date_add_days(c->today, r->remind_days, horizon);
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, member_id);
	sqlite3_bind_text(st, 2, horizon, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->today, -1, SQLITE_STATIC);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : JF_ESOFTWARE;
	}
	*points = sqlite3_column_int64(st, 0);
	if (first_day != NULL)
		snprintf(first_day, JF_DATE_LEN, "%s", jf_col(st, 1));
	sqlite3_reset(st);
	return 0;
}

int
jf_bonus_profile(struct jf_ctx *c, int64_t member_id)
{
	static const char sql[] = "SELECT 1 FROM member WHERE id = ? "
	    "AND status = 'active' AND coalesce(name, '') <> '' "
	    "AND coalesce(phone, '') <> '' AND coalesce(email, '') <> '' "
	    "AND coalesce(birthday, '') <> ''";
	const struct jf_rules *r;
	struct jf_entry e = { 0 };
	sqlite3_stmt *st;
	char ikey[64];
	int rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if (r->bonus_profile <= 0)
		return 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, member_id);
	rc = jf_step(c, st);
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	if (rc != SQLITE_ROW)
		return 0;
	snprintf(ikey, sizeof(ikey), "profile:%lld", (long long)member_id);
	e.member_id = member_id;
	e.kind = "bonus";
	e.points = r->bonus_profile;
	e.rule = "profile";
	e.ikey = ikey;
	rc = jf_ledger_gain(c, &e, NULL);
	if (rc == JF_EREFUSED && jf_ledger_dup) {
		jf_ledger_dup = 0;
		return 0;
	}
	return rc;
}

/* The points that count for tiers in the 365 days up to at. */
static int
tier_points(struct jf_ctx *c, int64_t mid, const char *at, int64_t *pts)
{
	static const char sql[] = "SELECT coalesce(sum(delta), 0) FROM ledger "
	    "WHERE member_id = ? AND at > ? AND at <= ? "
	    "AND (kind = 'earn' OR kind = 'bonus' OR kind = 'reverse')";
	char from[JF_TS_LEN], day[JF_DATE_LEN];
	sqlite3_stmt *st;
	int rc;

	memcpy(day, at, 10);
	day[10] = '\0';
	jf_date_add_days(day, -365, from);
	snprintf(from + 10, sizeof(from) - 10, "%s", at + 10);
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : JF_ESOFTWARE;
	}
	*pts = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
set_tier(struct jf_ctx *c, int64_t mid, const char *tier)
{
	static const char sql[] = "UPDATE member SET tier = ? WHERE id = ?";
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, tier, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, mid);
	return jf_exec(c, st);
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
	sqlite3_stmt *st;
	char tier[128];
	int64_t pts;
	int rc;

	if (at == NULL)
		at = c->now;
	if ((rc = jf_rules_at(c, at, &r)) != 0 ||
	    (rc = tier_points(c, member_id, at, &pts)) != 0)
		return rc;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, member_id);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no member with id %lld"), (long long)member_id);
	}
	snprintf(tier, sizeof(tier), "%s", jf_col(st, 0));
	sqlite3_reset(st);
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
	sqlite3_stmt *st;
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
		if ((st = jf_stmt(c, sql)) == NULL) {
			rc = JF_ESOFTWARE;
			break;
		}
		sqlite3_bind_int64(st, 1, last);
		more = 0;
		while ((rc = jf_step(c, st)) == SQLITE_ROW) {
			more = 1;
			last = sqlite3_column_int64(st, 0);
			ch[n].id = last;
			ch[n].tier = NULL;
			/* remember the tier only when the rules know it */
			{
				const struct jf_tier *t = jf_rules_tier(r,
				    jf_col(st, 1));

				ch[n].tier = t ? t->name : "";
			}
			n++;
		}
		sqlite3_reset(st);
		if (rc < 0) {
			rc = -rc;
			break;
		}
		rc = 0;
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
