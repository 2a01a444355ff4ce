/*
 * Unit tests: the points ledger on a scratch database - lots and their
 * expiry, spending order, debt, restores, expiry runs, idempotency,
 * tiers and the profile bonus - with the invariant of DESIGN.md 5
 * checked after every scenario.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "ledger.h"
#include "member.h"
#include "rules.h"
#include "tap.h"

static char dbpath[256];

/* Removes the scratch database: each scenario starts on a new book. */
static void
scratch(void)
{
	char p[300];

	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
}

static struct jf_ctx *
ctx(const char *at)
{
	struct jf_who o = { .db = dbpath, .at = at, .operator = "tester" };
	struct jf_ctx *c;

	if (jf_open("unit", &o, 0, NULL, &c) != 0) {
		printf("# open: %s\n", jf_errmsg());
		exit(1);
	}
	return c;
}

static void
begin(struct jf_ctx *c)
{
	if (jf_begin(c) != 0) {
		printf("# begin: %s\n", jf_errmsg());
		exit(1);
	}
}

static int64_t
q(struct jf_ctx *c, const char *sql, int64_t arg)
{
	int64_t v = -999;

	if (jf_q_int(c, sql, &v, "i", arg) != 0)
		printf("# sql: %s\n", jf_errmsg());
	return v;
}

static const char *
qs(struct jf_ctx *c, const char *sql, int64_t arg)
{
	static char buf[256];
	struct jf_rows r;

	buf[0] = '\0';
	jf_q_open(c, &r, sql, "i", arg);
	if (jf_q_next(&r))
		snprintf(buf, sizeof(buf), "%s", jf_r_text(&r, 0));
	return jf_q_close(&r) == 0 ? buf : "(error)";
}

static int64_t
member(struct jf_ctx *c, const char *phone)
{
	struct jf_member_in in = { .phone = phone };
	int64_t mid = 0;

	begin(c);
	if (jf_member_add(c, &in, &mid) != 0 || jf_commit(c) != 0) {
		printf("# member: %s\n", jf_errmsg());
		exit(1);
	}
	return mid;
}

static int
gain(struct jf_ctx *c, int64_t mid, const char *kind, int64_t pts,
    const char *at, const char *ref, int64_t *id)
{
	struct jf_entry e = { .member_id = mid, .kind = kind, .points = pts,
		.at = at, .ref = ref };

	return jf_ledger_gain(c, &e, id);
}

static int
spend(struct jf_ctx *c, int64_t mid, const char *kind, int64_t pts,
    const char *ref, int64_t *id)
{
	struct jf_entry e = { .member_id = mid, .kind = kind, .points = pts,
		.ref = ref };

	return jf_ledger_spend(c, &e, id);
}

static int64_t
lot_rem(struct jf_ctx *c, int64_t entry)
{
	return q(c, "SELECT remaining FROM lot WHERE entry_id = ?", entry);
}

/* balance = sum of deltas = sum of remainders - debt, for every member */
static void
invariant(struct jf_ctx *c, const char *when)
{
	int64_t bad = q(c, "SELECT count(*) FROM member m WHERE balance <> "
	    "(SELECT coalesce(sum(delta), 0) FROM ledger WHERE member_id = "
	    "m.id) OR balance <> (SELECT coalesce(sum(remaining), 0) FROM lot "
	    "WHERE member_id = m.id) - debt OR ? < 0", 0);
	int64_t lots = q(c, "SELECT count(*) FROM lot WHERE remaining < 0 "
	    "OR remaining > amount OR ? < 0", 0);

	ok(bad == 0 && lots == 0, "invariant holds %s", when);
}

static void
expiry_days(void)
{
	struct jf_ctx *c = ctx("2024-01-01 09:00:00");
	char path[300];
	FILE *f;
	int64_t mid, id, v = 0;

	mid = member(c, "13800000001");
	begin(c);
	is_int(gain(c, mid, "earn", 100, "2024-02-29 10:00:00", "R1", &id), 0,
	    "earn on 2024-02-29");
	is_str(qs(c, "SELECT expires_on FROM lot WHERE entry_id = ?", id),
	    "2026-02-28", "  valid through 2026-02-28");
	is_str(qs(c, "SELECT gained FROM lot WHERE entry_id = ?", id),
	    "2024-02-29", "  gained 2024-02-29");
	jf_commit(c);

	/* a version with one month of validity, in force from 2024-03-01 */
	snprintf(path, sizeof(path), "%s.rules", dbpath);
	f = fopen(path, "w");
	fputs("{ \"expiry\": { \"months\": 1 } }\n", f);
	fclose(f);
	jf_close(c);
	c = ctx("2024-03-01 00:00:00");
	begin(c);
	is_int(jf_rules_load(c, path, &v), 0, "load a rules version");
	is_int(v, 2, "  version 2");
	is_int(gain(c, mid, "bonus", 10, "2025-01-31 12:00:00", NULL, &id), 0,
	    "gain on 2025-01-31");
	is_str(qs(c, "SELECT expires_on FROM lot WHERE entry_id = ?", id),
	    "2025-02-28", "  + 1 month = 2025-02-28");
	is_int(gain(c, mid, "bonus", 10, "2024-01-31 12:00:00", NULL, &id), 0,
	    "gain on 2024-01-31, under version 1");
	is_str(qs(c, "SELECT expires_on FROM lot WHERE entry_id = ?", id),
	    "2026-01-31", "  + 24 months: the rules of its own time");
	is_int(gain(c, mid, "bonus", 10, "2024-03-31 12:00:00", NULL, &id), 0,
	    "gain on 2024-03-31");
	is_str(qs(c, "SELECT expires_on FROM lot WHERE entry_id = ?", id),
	    "2024-04-30", "  + 1 month = 2024-04-30");
	jf_commit(c);
	invariant(c, "after the dated gains");
	jf_close(c);
	unlink(path);

	/* a bad document changes nothing */
	c = ctx("2024-05-01 00:00:00");
	f = fopen(path, "w");
	fputs("{ \"tiers\": [ { \"name\": \"x\", \"min_points\": 1, "
	    "\"factor\": \"1\" } ] }", f);
	fclose(f);
	begin(c);
	is_int(jf_rules_load(c, path, &v), JF_EDATA, "a bad document refused");
	ok(strstr(jf_errmsg(), "tiers[0].min_points") != NULL,
	    "  naming its path (%s)", jf_errmsg());
	jf_rollback(c);
	is_int(q(c, "SELECT max(version) FROM rules WHERE ? = 0", 0), 2,
	    "  no version stored");
	unlink(path);
	begin(c);
	is_int(jf_rules_load(c, path, &v), JF_ENOINPUT, "a missing file: 66");
	jf_rollback(c);
	jf_close(c);
}

static void
spending(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	int64_t mid, a, b, d, s, x;
	const struct jf_rules *r;

	mid = member(c, "13800000002");
	begin(c);
	gain(c, mid, "earn", 100, "2025-01-10 10:00:00", "R1", &a);
	gain(c, mid, "earn", 50, "2024-12-01 10:00:00", "R2", &b);
	gain(c, mid, "award", 30, "2025-01-10 10:00:00", NULL, &d);
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 180,
	    "three gains: 180");
	is_int(spend(c, mid, "redeem", 120, "X1", &s), 0, "spend 120");
	is_int(lot_rem(c, b), 0, "  the soonest to expire first (50)");
	is_int(lot_rem(c, a), 30, "  then the oldest of one day (70 of 100)");
	is_int(lot_rem(c, d), 30, "  the newest untouched");
	is_int(q(c, "SELECT count(*) FROM alloc WHERE entry_id = ?", s), 2,
	    "  two alloc rows");
	is_int(spend(c, mid, "offset", 100, "X2", &x), JF_EREFUSED,
	    "spending 100 of 60 refused");
	ok(strstr(jf_errmsg(), "has 60 points") != NULL, "  says why: %s",
	    jf_errmsg());
	is_int(q(c, "SELECT count(*) FROM ledger WHERE member_id = ?", mid), 4,
	    "  nothing written");
	is_int(spend(c, mid, "adjust", 60, NULL, &x), 0, "adjust -60");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 0,
	    "  balance 0");
	is_int(spend(c, mid, "expire", 1, NULL, &x), JF_ESOFTWARE,
	    "expire is not a spending kind");
	is_int(gain(c, mid, "redeem", 1, NULL, NULL, &x), JF_ESOFTWARE,
	    "redeem is not a gain kind");
	is_int(gain(c, mid, "earn", 0, NULL, NULL, &x), JF_EREFUSED,
	    "a gain of 0 refused");
	is_int(gain(c, 999, "earn", 5, NULL, NULL, &x), JF_EREFUSED,
	    "no such member");
	jf_commit(c);
	invariant(c, "after spending");

	/* rules at a time: version 1 from the start of time */
	is_int(jf_rules_at(c, "2026-01-01 00:00:00", &r), 0, "rules at a time");
	is_int(r->version, 1, "  version 1");
	is_str(r->effective, "0001-01-01 00:00:00", "  effective forever");
	jf_close(c);
}

static void
idempotent(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	struct jf_entry e = { .kind = "earn", .points = 40, .ref = "R9",
		.ikey = "sale:R9" };
	int64_t mid, id;

	mid = member(c, "13800000003");
	e.member_id = mid;
	begin(c);
	is_int(jf_ledger_gain(c, &e, &id), 0, "gain with a key");
	is_int(jf_ledger_gain(c, &e, &id), JF_EDUP,
	    "the same key again: a duplicate");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 40,
	    "  booked once");
	e.kind = "redeem";
	e.points = 10;
	is_int(jf_ledger_spend(c, &e, &id), JF_EDUP,
	    "a spending with a used key: a duplicate");
	e.ikey = "redeem:1";
	is_int(jf_ledger_spend(c, &e, &id), 0, "a new key spends");
	jf_commit(c);
	invariant(c, "after duplicates");
	jf_close(c);
}

static void
debt(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	struct jf_entry rv = { .kind = "reverse", .points = 80, .ref = "R1" };
	int64_t mid, own, other, id, rid;

	mid = member(c, "13800000004");
	begin(c);
	gain(c, mid, "earn", 50, "2026-01-01 10:00:00", "R0", &other);
	gain(c, mid, "earn", 60, "2026-10-01 10:00:00", "R1", &own);
	is_int(spend(c, mid, "redeem", 40, "G1", &id), 0, "spend 40");
	is_int(lot_rem(c, other), 10, "  from the sooner lot");
	rv.member_id = mid;
	is_int(jf_ledger_reverse(c, &rv, &rid), 0, "reverse 80 of R1");
	is_int(lot_rem(c, own), 0, "  its own lot first (60)");
	is_int(lot_rem(c, other), 0, "  then the others (10)");
	is_int(q(c, "SELECT debt FROM member WHERE id = ?", mid), 10,
	    "  the rest is debt: 10");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), -10,
	    "  balance -10");
	is_int(q(c, "SELECT points FROM alloc WHERE entry_id = ? "
	    "AND lot_id IS NULL", rid), 10, "  an alloc row of debt");
	invariant(c, "in debt");
	is_int(spend(c, mid, "redeem", 1, "G2", &id), JF_EREFUSED,
	    "a member in debt cannot spend");
	ok(strstr(jf_errmsg(), "owes 10") != NULL, "  says so: %s",
	    jf_errmsg());
	is_int(gain(c, mid, "earn", 25, NULL, "R2", &id), 0, "earn 25");
	is_int(q(c, "SELECT debt FROM member WHERE id = ?", mid), 0,
	    "  pays the debt first");
	is_int(lot_rem(c, id), 15, "  the lot keeps 15");
	is_int(q(c, "SELECT amount FROM lot WHERE entry_id = ?", id), 25,
	    "  of 25");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 15,
	    "  balance 15");
	invariant(c, "after the debt is paid");
	jf_commit(c);
	jf_close(c);
}

static void
restore(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	struct jf_entry e = { .kind = "restore", .points = 70 };
	int64_t mid, a, b, s, id;

	mid = member(c, "13800000005");
	begin(c);
	gain(c, mid, "earn", 50, "2024-10-01 10:00:00", "R1", &a);
	gain(c, mid, "earn", 100, "2025-06-01 10:00:00", "R2", &b);
	{
		/* spent in September, while the first lot was still valid */
		struct jf_entry sp = { .member_id = mid, .kind = "offset",
			.points = 120, .ref = "R3", .at = "2026-09-01 10:00:00" };

		jf_ledger_spend(c, &sp, &s);
	}
	is_int(lot_rem(c, a), 0, "spend took all of the first lot");
	is_int(lot_rem(c, b), 30, "  and 70 of the second");
	e.member_id = mid;
	e.ref = "R3";
	is_int(jf_ledger_restore(c, s, &e, &id), 0, "restore 70 of 120");
	is_int(lot_rem(c, b), 100, "  the later lot gets 70 back first");
	is_int(lot_rem(c, a), 0, "  the sooner lot nothing yet");
	e.points = 100;
	is_int(jf_ledger_restore(c, s, &e, &id), 0, "restore the rest");
	is_int(q(c, "SELECT delta FROM ledger WHERE id = ?", id), 50,
	    "  only the 50 left to give back");
	is_int(lot_rem(c, a), 50, "  to the first lot");
	is_str(qs(c, "SELECT expires_on FROM lot WHERE entry_id = ?", a),
	    "2026-10-01", "  with its own expiry, now past");
	is_int(q(c, "SELECT count(*) FROM alloc WHERE entry_id = ? "
	    "AND lot_id IS NOT NULL", id), 1, "  an alloc row naming the lot");
	is_int(jf_ledger_restore(c, s, &e, &id), JF_EREFUSED,
	    "a third restore refused");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 150,
	    "balance back to 150");
	invariant(c, "after restores");
	is_int(jf_ledger_restore(c, a, &e, &id), JF_EREFUSED,
	    "a gain is not a spending to restore");
	jf_commit(c);
	jf_close(c);
}

/* Points past their last valid day are not spendable, expire or no expire. */
static void
lapsed(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	int64_t mid, a, b, s;

	mid = member(c, "13800000015");
	begin(c);
	gain(c, mid, "earn", 100, "2024-11-01 10:00:00", "R1", &a);
	gain(c, mid, "earn", 40, "2026-01-01 10:00:00", "R2", &b);
	is_int(spend(c, mid, "redeem", 50, "G1", &s), JF_EREFUSED,
	    "lapsed points do not pay: 50 of 40 valid refused");
	is_int(spend(c, mid, "redeem", 30, "G2", &s), 0,
	    "30 of the 40 valid spent");
	is_int(lot_rem(c, a), 0, "  the lapsed lot expired at the spending");
	is_int(lot_rem(c, b), 10, "  the valid lot paid");
	is_int(q(c, "SELECT delta FROM ledger WHERE member_id = ? "
	    "AND kind = 'expire'", mid), -100, "  one expire entry of 100");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 10,
	    "  balance 10");
	invariant(c, "after a lapsed lot");
	jf_commit(c);
	jf_close(c);
}

static int ncalls;
static int64_t called_pts;

static void
on_expire(void *arg, const char *code, int64_t pts, const char *day)
{
	ncalls++;
	called_pts += pts;
	(void)arg;
	(void)code;
	(void)day;
}

static void
expire(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	int64_t m1, m2, a, b, d, pts;
	char first[JF_DATE_LEN];

	m1 = member(c, "13800000006");
	m2 = member(c, "13800000007");
	begin(c);
	gain(c, m1, "earn", 30, "2024-11-17 10:00:00", NULL, &a);
	gain(c, m1, "earn", 20, "2024-11-10 10:00:00", NULL, &b);
	gain(c, m1, "earn", 5, "2024-11-18 10:00:00", NULL, &d);
	gain(c, m2, "earn", 7, "2024-01-01 10:00:00", NULL, NULL);
	gain(c, m2, "earn", 9, "2026-11-01 10:00:00", NULL, NULL);
	jf_commit(c);
	is_int(jf_points_expiring(c, m1, &pts, first), 0, "expiring points");
	is_int(pts, 5, "  5 within 30 days; the 50 lapsed are not counted");
	is_str(first, "2026-11-18", "  the soonest 2026-11-18, never a day past");
	is_int(jf_points_expiring(c, m2, &pts, first), 0, "member 2");
	is_int(pts, 0, "  none (one lot lapsed, the other is far)");

	begin(c);
	is_int(jf_ledger_expire(c, "2026-11-18", on_expire, NULL), 0,
	    "expire before 2026-11-18");
	is_int(ncalls, 2, "  one call per member");
	is_int(called_pts, 57, "  57 points");
	is_int(lot_rem(c, a), 0, "  the lot valid through 11-17 expired");
	is_int(lot_rem(c, b), 0, "  the lot valid through 11-10 expired");
	is_int(lot_rem(c, d), 5, "  the lot valid through 11-18 kept");
	is_int(q(c, "SELECT delta FROM ledger WHERE member_id = ? "
	    "AND kind = 'expire'", m1), -50, "  one expire entry of -50");
	is_int(q(c, "SELECT count(*) FROM alloc JOIN ledger ON ledger.id = "
	    "alloc.entry_id WHERE ledger.kind = 'expire' AND ? = 0", 0), 3,
	    "  alloc rows for the three lots");
	jf_commit(c);
	invariant(c, "after expiry");
	ncalls = 0;
	begin(c);
	is_int(jf_ledger_expire(c, "2026-11-18", on_expire, NULL), 0,
	    "expire the same day again");
	is_int(ncalls, 0, "  does nothing");
	jf_commit(c);
	is_int(q(c, "SELECT count(*) FROM ledger WHERE kind = 'expire' "
	    "AND ? = 0", 0), 2, "  no new entries");
	is_int(q(c, "SELECT count(*) FROM expire_run WHERE ? = 0", 0), 1,
	    "  one expire_run row");
	begin(c);
	is_int(jf_ledger_expire(c, "2026-11-19", on_expire, NULL), 0,
	    "expire the next day");
	is_int(ncalls, 1, "  the 5 of 11-18");
	jf_commit(c);
	invariant(c, "after the second run");
	jf_close(c);
}

static void
frozen(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	struct jf_member_in up = { .status = "frozen" };
	int64_t mid, id;

	mid = member(c, "13800000008");
	begin(c);
	gain(c, mid, "earn", 100, NULL, NULL, NULL);
	jf_member_update(c, mid, &up);
	is_int(gain(c, mid, "earn", 10, NULL, NULL, &id), JF_EREFUSED,
	    "a frozen member earns nothing");
	is_int(spend(c, mid, "redeem", 10, NULL, &id), JF_EREFUSED,
	    "a frozen member redeems nothing");
	is_int(gain(c, mid, "adjust", 10, NULL, NULL, &id), 0,
	    "a manager's adjustment goes through");
	is_int(spend(c, mid, "adjust", 20, NULL, &id), 0,
	    "  either way");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 90,
	    "  balance 90");
	jf_commit(c);
	invariant(c, "frozen");
	jf_close(c);
}

static void
tiers(void)
{
	struct jf_ctx *c = ctx("2026-11-18 10:00:00");
	struct jf_member_in full = { .phone = "13800000010", .name = "Li",
		.email = "li@example.com", .birthday = "1990-05-01" };
	struct jf_member_in part = { .phone = "13800000011", .name = "Wang" };
	struct jf_entry rv = { .kind = "reverse", .points = 600, .ref = "T2" };
	int64_t mid, m2, changed;
	char key[64];

	begin(c);
	jf_member_add(c, &full, &mid);
	jf_member_add(c, &part, &m2);
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", mid), 50,
	    "a full profile: 50 points");
	is_int(q(c, "SELECT balance FROM member WHERE id = ?", m2), 0,
	    "a partial profile: nothing");
	is_int(jf_bonus_profile(c, mid), 0, "profile bonus again");
	is_int(q(c, "SELECT count(*) FROM ledger WHERE member_id = ?", mid), 1,
	    "  is given once");
	snprintf(key, sizeof(key), "profile:%lld", (long long)mid);
	is_str(qs(c, "SELECT ikey FROM ledger WHERE member_id = ?", mid),
	    key, "  keyed by the member");

	gain(c, mid, "earn", 1500, "2025-11-10 10:00:00", "T0", NULL);
	gain(c, mid, "earn", 1000, "2026-06-01 10:00:00", "T1", NULL);
	gain(c, mid, "award", 3000, "2026-06-01 10:00:00", NULL, NULL);
	is_int(jf_tier_upgrade(c, mid, c->now), 0, "upgrade");
	is_str(qs(c, "SELECT tier FROM member WHERE id = ?", mid), "normal",
	    "  1050 in the year (awards and old points do not count): normal");
	gain(c, mid, "earn", 1000, "2026-11-01 10:00:00", "T2", NULL);
	is_int(jf_tier_upgrade(c, mid, c->now), 0, "upgrade");
	is_str(qs(c, "SELECT tier FROM member WHERE id = ?", mid), "silver",
	    "  2050: silver");
	is_int(jf_tier_upgrade(c, mid, "2025-11-20 10:00:00"), 0,
	    "upgrade as of a year ago");
	is_str(qs(c, "SELECT tier FROM member WHERE id = ?", mid), "silver",
	    "  never lowers");
	rv.member_id = mid;
	jf_ledger_reverse(c, &rv, NULL);
	is_int(jf_tier_recalc(c, &changed), 0, "recalc");
	is_int(changed, 1, "  one member changed");
	is_str(qs(c, "SELECT tier FROM member WHERE id = ?", mid), "normal",
	    "  1450 after a reversal: normal");
	is_int(jf_tier_recalc(c, &changed), 0, "recalc again");
	is_int(changed, 0, "  nothing changed");
	jf_commit(c);
	invariant(c, "after tiers");
	jf_close(c);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dbpath, sizeof(dbpath), "%s/jf-ledger-%ld.db",
	    tmp && *tmp ? tmp : "/tmp", (long)getpid());
	void (*scenario[])(void) = { expiry_days, spending, idempotent, debt,
	    restore, lapsed, expire, frozen, tiers };

	for (size_t i = 0; i < sizeof(scenario) / sizeof(*scenario); i++) {
		scratch();
		scenario[i]();
	}
	scratch();
	return tap_done();
}
