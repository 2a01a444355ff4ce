/*
 * ledger.h - the points ledger: entries, lots, spending, debt and expiry.
 *
 * Every movement of points is one append-only row of `ledger`; every
 * positive entry (earn, bonus, award, positive adjust) is also a `lot`
 * with its own last valid day (gained + expiry.months, clamped to the
 * month's end).  Spending takes from the lots that expire first, then the
 * oldest, and `alloc` records which lot paid for which entry, so a return
 * or a cancelled redemption gives points back to the very lots they came
 * from.  member.balance is kept equal to the sum of the member's entries
 * in the same transaction; member.debt is what reversals took beyond the
 * lots, and later gains pay it first.
 *
 * All of these run inside the caller's jf_begin() ... jf_commit() and
 * never commit by themselves.  ikey, when not NULL, makes the entry
 * idempotent: a second booking with the same key changes nothing and
 * returns JF_EDUP, so an import can skip it.
 */
#ifndef JF_LEDGER_H
#define JF_LEDGER_H

#include <stdint.h>

#include "db.h"
#include "kind.h"

struct jf_entry {
	int64_t member_id;
	const char *kind;	/* "earn", "bonus", ... */
	int64_t points;		/* > 0: the size of the movement */
	const char *at;		/* timestamp; NULL: c->now */
	const char *ref;	/* receipt, redemption code, ... or NULL */
	const char *rule;	/* the rule that gave it, or NULL */
	const char *reason;	/* a person's words, or NULL */
	const char *ikey;	/* idempotency key, or NULL */
	const char *spendable;	/* a gain's first spendable day; NULL: now */
	int fresh;		/* a gain of a member this transaction made
				   active, owing nothing, with these points as
				   their balance already, no key of theirs
				   booked: no lookup and no update of them */
};


/*
 * A gain: earn, bonus, award, or adjust (positive).  Pays the member's
 * debt first; the lot keeps what is left.  *entry_id may be NULL.
 */
int jf_ledger_gain(struct jf_ctx *c, const struct jf_entry *e,
    int64_t *entry_id);
/*
 * A spending: redeem, offset, or adjust (negative, e->points > 0 is the
 * size).  It takes only points valid on the spending's day and past
 * their pending days; lapsed lots are expired first, in the same
 * transaction.  Refused (JF_EREFUSED) when the member is in debt, or the
 * spendable points are short.
 */
int jf_ledger_spend(struct jf_ctx *c, const struct jf_entry *e,
    int64_t *entry_id);
/*
 * A reversal of what a receipt earned (kind "reverse", e->ref the
 * receipt): takes first from the lots that entries with the same ref
 * created, then from the lots that expire first; what is left becomes
 * debt.
 */
int jf_ledger_reverse(struct jf_ctx *c, const struct jf_entry *e,
    int64_t *entry_id);
/*
 * Gives back up to e->points of what spending entry spent_id took
 * (kind "restore"): they pay the member's debt first, and the rest go
 * back to the lots they came from, with their expiry.
 */
int jf_ledger_restore(struct jf_ctx *c, int64_t spent_id,
    const struct jf_entry *e, int64_t *entry_id);

/* Called by jf_ledger_expire for each member's expiry. */
typedef void jf_expire_fn(void *arg, const char *code, int64_t points,
    const char *expired_on);
/*
 * Expires every lot whose last valid day is before day, one "expire"
 * entry per member; records that expire ran for day.  Idempotent.
 */
int jf_ledger_expire(struct jf_ctx *c, const char *day, jf_expire_fn *fn,
    void *arg);

/*
 * A member's points as of day: balance (the sum of the entries, less the
 * lots that lapsed before day and that expire has not booked yet),
 * pending (not spendable before a later day) and spendable (what a
 * spending on day may take: 0 while in debt).
 */
struct jf_points_now {
	int64_t balance, pending, spendable, lapsed, debt;
};
int jf_points_now(struct jf_ctx *c, int64_t member_id, const char *day,
    struct jf_points_now *p);

/*
 * What a receipt's points came to for one member: gained (its earn and
 * bonus entries), reversed (its reverse entries) and expired (what
 * expire, or a spending's lapse, took from the lots those entries made).
 */
int jf_ledger_ref_points(struct jf_ctx *c, const char *ref,
    int64_t member_id, int64_t *gained, int64_t *reversed, int64_t *expired);

/* Points expiring within the reminder window of today, and the soonest day. */
int jf_points_expiring(struct jf_ctx *c, int64_t member_id, int64_t *points,
    char *first_day);

/*
 * The profile bonus, once, when name, phone, email and birthday are all
 * filled; nothing when already given or the profile is incomplete.
 */
int jf_bonus_profile(struct jf_ctx *c, int64_t member_id);
/*
 * The profile bonus's points now (0: none), and the bonus of a member
 * this transaction just made with a complete profile, active, and with
 * those points as their balance: no lookup or update of the member.
 */
int jf_profile_points(struct jf_ctx *c, int64_t *points);
int jf_bonus_profile_new(struct jf_ctx *c, int64_t member_id,
    int64_t points);

/*
 * The member's tier from points earned (earn + bonus - reverse) in the
 * 365 days up to at.  jf_tier_upgrade raises it only (after a sale);
 * jf_tier_recalc sets it either way (member tiers --recalc).
 */
int jf_tier_upgrade(struct jf_ctx *c, int64_t member_id, const char *at);
int jf_tier_recalc(struct jf_ctx *c, int64_t *changed);

#endif
