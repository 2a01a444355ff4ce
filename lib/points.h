/*
 * points.h - what the `points` tool asks of the ledger: a member's
 * history, manual adjustments, activity awards, and the explanation of
 * a receipt's points.
 *
 * The writers run inside the caller's jf_begin() ... jf_commit(); the
 * readers call fn once per row with borrowed strings, valid for the call.
 */
#ifndef JF_POINTS_H
#define JF_POINTS_H

#include <stdint.h>

#include "db.h"

/* One ledger entry as `points history` prints it. */
struct jf_history {
	const char *at, *kind;
	int64_t delta;
	const char *ref, *rule, *reason;
	const char *expires_on;	/* a gain's last valid day, or NULL */
	const char *operator;
};
typedef int jf_history_fn(void *arg, const struct jf_history *h);
/*
 * The member's entries from since to until (dates, that day included;
 * NULL: no bound), oldest first.
 */
int jf_points_history(struct jf_ctx *c, int64_t member_id, const char *since,
    const char *until,
    jf_history_fn *fn, void *arg);

#define JF_POINTS_MAX 1000000000000LL	/* 10^12: any one movement */

/*
 * A change to a member's points by hand: an adjustment of delta points
 * (not 0) for reason, or, when delta is 0, an award of the activity kind
 * (its points, or points when > 0).
 */
struct jf_change {
	int64_t delta;
	const char *reason;
	const char *kind;
	int64_t points;
};

/* What a change did, as `points adjust` and `award` print it. */
struct jf_changed {
	const char *member;	/* the member's code */
	const char *kind;	/* "adjust" or "award" */
	int64_t delta;
	const char *rule, *reason;
	int64_t balance;	/* after the change */
};
typedef int jf_changed_fn(void *arg, const struct jf_changed *d);

/*
 * Who may make it: adjusting is a manager's, and so is awarding other
 * than the rules' points.  0, or JF_ENOPERM.  jf_points_adjust() and
 * jf_points_award() ask it themselves; a stream of members (pointsrun.h)
 * asks once, before its first row.
 */
int jf_points_may_change(struct jf_ctx *c, const struct jf_change *k);
/*
 * Makes the change to the member id names (a code, or a phone) and
 * tells fn what it did (borrowed strings): fn's status, or the refusal.
 */
int jf_points_change(struct jf_ctx *c, const char *id,
    const struct jf_change *k, jf_changed_fn *fn, void *arg);

/*
 * A manual adjustment of delta points (not 0) for reason (not empty):
 * a gain, or a spending that is refused (JF_EREFUSED) when larger than
 * the balance.
 */
int jf_points_adjust(struct jf_ctx *c, int64_t member_id, int64_t delta,
    const char *reason, int64_t *entry_id);

/*
 * Awards the activity kind (a key of the rules' activities) to a member:
 * its points, or points when > 0.  Refused (JF_EREFUSED) for an unknown
 * kind, a member who is not active, or when the member has had the
 * activity's daily_cap awards of kind on this day already.  Runs in a
 * savepoint: a refusal leaves nothing.  *awarded may be NULL.
 */
int jf_points_award(struct jf_ctx *c, int64_t member_id, const char *kind,
    int64_t points, int64_t *awarded);

/*
 * Begins the transaction that loads a rules version (jf_rules_load()):
 * a manager's, and --at says when the version takes effect, which may
 * be any time, not when the loading happened.  The caller commits.
 */
int jf_points_rules_begin(struct jf_ctx *c);

/* A receipt as explained: the sale and the earning recomputed. */
struct jf_explain {
	char receipt[128];
	char at[JF_TS_LEN];
	char member[64];	/* the member's code, "" for none */
	char tier[64];
	int64_t rules_version, tier_factor;
	int64_t gross, offset, paid;
	int64_t earned;		/* by the rules, recomputed */
	int64_t booked;		/* as the till booked it */
	int earns;		/* 0: no member, or a member not active */
};

/*
 * One row of an explanation: kind "line" for each line of the sale
 * (with the multiplier and rule of that line and its own share of the
 * points), "earn" for the sale's whole earning (amount paid, the tier
 * factor as multiplier, the tier as rule), then the other ledger entries
 * of the receipt (bonus, offset, reverse, restore) with their points.
 */
struct jf_explain_row {
	const char *kind;
	int line;		/* 0: not a line */
	const char *sku;
	int64_t qty, amount, mult;	/* -1: not given */
	const char *rule;
	const char *member;	/* whose entry it is */
	int64_t points;
};
typedef int jf_explain_fn(void *arg, const struct jf_explain_row *r);
/* JF_EREFUSED for an unknown receipt. */
int jf_points_explain(struct jf_ctx *c, const char *receipt,
    struct jf_explain *x, jf_explain_fn *fn, void *arg);

#endif
