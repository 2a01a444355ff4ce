/*
 * redeem.h - spending points: gifts, their catalog, cancellations, and
 * the cash-offset quote.
 *
 * A gift redemption is three bookings in the caller's transaction: a
 * "redeem" entry in the points ledger (which takes from the lots that
 * expire first), a "redeem" move of the gift out of stock, and a
 * `redemption` row whose code ("R0000001") is the ref of both.  A
 * cancellation books their opposites: a "restore" of the very lots the
 * points came from, the gift back into the store it left, and the
 * redemption marked cancelled.
 */
#ifndef JF_REDEEM_H
#define JF_REDEEM_H

#include <stdint.h>

#include "db.h"
#include "jtime.h"
#include "member.h"

/*
 * A gift as the catalog shows it; strings borrowed for the callback.
 * Its terms: the most a member may have of it (0 none), and the days it
 * may be redeemed (NULL: open).
 */
struct jf_gift {
	const char *sku, *name;
	int64_t gift_points;
	int64_t on_hand;	/* in the store asked for */
	int64_t gift_limit;
	const char *gift_from, *gift_to;
};

typedef int jf_gift_fn(void *arg, const struct jf_gift *g);
/* Calls fn for each product with gift points, by SKU; on hand in store. */
int jf_redeem_catalog(struct jf_ctx *c, const char *store, jf_gift_fn *fn,
    void *arg);

/* A redemption as `redeem list` shows it; strings borrowed for fn. */
struct jf_redeemed {
	const char *code, *at, *store, *member, *sku;
	int64_t qty, points;
	const char *cancelled;	/* when, or "" */
	const char *operator;
	const char *hold_until;	/* a reservation's last day, or "" */
	const char *picked_up;	/* when, or "" */
};

/* What `redeem list` lists: NULL or "" is no limit. */
struct jf_redeem_filter {
	const char *since, *until;	/* days, inclusive */
	const char *member;		/* an ID as jf_member_id() reads it */
	const char *store;
	int held;			/* only live reservations */
};

typedef int jf_redeemed_fn(void *arg, const struct jf_redeemed *r);
/*
 * Calls fn for each redemption f admits, in time order; a non-zero
 * return from fn ends the walk and is returned.
 */
int jf_redeem_each(struct jf_ctx *c, const struct jf_redeem_filter *f,
    jf_redeemed_fn *fn, void *arg);

/* A redemption, as `redeem gift` and `redeem cancel` print it. */
struct jf_redemption {
	char code[32];
	char *member;		/* the member's code; owned */
	char *sku;		/* owned */
	int64_t qty;
	int64_t points;
	int64_t balance;	/* the member's, afterwards */
	int64_t list_points;	/* before the tier's gift discount */
	char hold_until[JF_DATE_LEN];	/* a reservation's last day, or "" */
	char picked_up[JF_TS_LEN];	/* when, or "" */
};

/* Frees what r owns; r itself is the caller's. */
void jf_redemption_clear(struct jf_redemption *r);

/*
 * Exchanges qty x gift_points of member's points for qty of gift sku out
 * of c->store.  JF_EREFUSED, with nothing booked, when the member is
 * unknown, frozen, closed or in debt, the product unknown or not a gift,
 * the store has fewer than qty on hand, or the balance is short.  Runs
 * inside the caller's jf_begin().
 */
int jf_redeem_gift(struct jf_ctx *c, const char *member, const char *sku,
    int64_t qty, struct jf_redemption *out);

/*
 * A reservation: jf_redeem_gift() whose redemption is held through the
 * day hold_until (NULL: days from today), for jf_redeem_pickup().  The
 * points and the unit leave at once.  JF_EREFUSED as jf_redeem_gift(),
 * and for a last day before today.
 */
int jf_redeem_reserve(struct jf_ctx *c, const char *member, const char *sku,
    int64_t qty, int days, const char *hold_until,
    struct jf_redemption *out);
#define JF_HOLD_DAYS 7		/* a reservation's, when not said */

/*
 * Marks reservation code picked up; nothing else moves.  JF_EREFUSED when
 * it is no reservation, picked up already, cancelled or lapsed, or past
 * its last day.
 */
int jf_redeem_pickup(struct jf_ctx *c, const char *code,
    struct jf_redemption *out);

/*
 * 0 if member m may redeem qty more of gift p today: within the gift's
 * days, and within its limit counting the member's redemptions of it
 * that were not cancelled (reservations live or picked up included).
 * Else JF_EREFUSED with the message.
 */
struct jf_product;
int jf_gift_allowed(struct jf_ctx *c, const struct jf_member *m,
    const struct jf_product *p, int64_t qty);

/* Called by jf_redeem_lapse for each reservation that lapsed. */
typedef int jf_lapse_fn(void *arg, const struct jf_redemption *r,
    const char *lapsed_on);
/*
 * Lets go every reservation held through a day before day, neither
 * picked up nor cancelled: as jf_redeem_cancel() does, its points back
 * to their lots and its unit back to stock, and it is marked cancelled
 * now.  Idempotent: a lapsed reservation is not live.  Runs inside the
 * caller's jf_begin().
 */
int jf_redeem_lapse(struct jf_ctx *c, const char *day, jf_lapse_fn *fn,
    void *arg);
/*
 * jf_redeem_cancel() for jf_redeem_lapse: the same bookings, as a
 * lapse (the unit's move says why), with no window to keep.
 */
int jf_redeem_release(struct jf_ctx *c, const char *code,
    struct jf_redemption *out);

/*
 * Cancels redemption code: its points back to the lots they came from,
 * the gift back into its store.  JF_EREFUSED if unknown or cancelled
 * already; JF_ENOPERM for a redemption over 30 days old unless the
 * operator is a manager.  Runs inside the caller's jf_begin().
 */
int jf_redeem_cancel(struct jf_ctx *c, const char *code,
    struct jf_redemption *out);

/*
 * The most points m may use as a cash offset on an order of amount fen
 * under the rules in force now, and their value in fen: 0 for a member
 * who is frozen, closed or in debt.
 */
int jf_redeem_quote(struct jf_ctx *c, const struct jf_member *m,
    int64_t amount, int64_t *points, int64_t *value);

#endif
