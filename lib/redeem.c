/*
 * redeem.c - gifts for points, their cancellation, the catalog and the
 * cash-offset quote.
 *
 * Nothing here knows about lots: the ledger chooses which lots pay (the
 * ones that expire first) and where a cancellation puts the points back
 * (the same lots, with their expiry).  What lives here is the shop's
 * side of it: who may redeem, whether the gift is there to be given,
 * and the redemption row that ties the ledger entry and the stock move
 * together by its code.  Every check is made inside the caller's
 * BEGIN IMMEDIATE, so two tills redeeming against one balance are
 * served one after the other and the second sees what the first spent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "redeem.h"
#include "rules.h"
#include "sale.h"
#include "stock.h"


void
jf_redemption_clear(struct jf_redemption *r)
{
	if (r == NULL)
		return;
	free(r->member);
	free(r->sku);
	r->member = r->sku = NULL;
}

/* Whether m may spend points at all: active and not in debt. */
static int
may_spend(const struct jf_member *m)
{
	if (strcmp(m->status, "active") != 0)
		return jf_error(JF_EREFUSED,
		    _("member %s is %s: cannot redeem"), m->code, m->status);
	if (m->debt > 0)
		return jf_error(JF_EREFUSED,
		    _("member %s is in debt (%lld points): cannot redeem"),
		    m->code, (long long)m->debt);
	return 0;
}

static int
balance_of(struct jf_ctx *c, int64_t mid, int64_t *balance)
{
	struct jf_member m = { 0 };
	int rc;

	if ((rc = jf_member_get(c, mid, &m)) != 0)
		return rc;
	*balance = m.balance;
	jf_member_clear(&m);
	return 0;
}

/* The next redemption's row id and code, inside the transaction. */
static int
next_code(struct jf_ctx *c, int64_t *id, char *code, size_t size)
{
	static const char sql[] =
	    "SELECT coalesce(max(id), 0) + 1 FROM redemption";
	int rc;

	if ((rc = jf_q_int(c, sql, id, "")) != 0)
		return rc == JF_ENOROW ? JF_ESOFTWARE : rc;
	snprintf(code, size, "R%07lld", (long long)*id);
	return 0;
}

/* A redemption, held through hold_until ("" or NULL: a gift). */
static int
insert_redemption(struct jf_ctx *c, int64_t id, const char *code,
    int64_t mid, int64_t pid, int64_t qty, int64_t points,
    const char *hold_until)
{
	static const char sql[] = "INSERT INTO redemption (id, code, at, "
	    "store, member_id, product_id, qty, points, operator, audit_id, "
	    "hold_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	return jf_q_exec(c, sql, "itttiiiitiT", id, code, c->now, c->store,
	    mid, pid, qty, points, c->operator, (int64_t)c->audit_id,
	    hold_until);
}

/* 0 if the member may spend points today: lapsed and pending ones do not. */
static int
may_afford(struct jf_ctx *c, const struct jf_member *m, int64_t points,
    int64_t qty, const char *sku)
{
	struct jf_points_now pn;
	int rc;

	if ((rc = jf_points_now(c, m->id, c->today, &pn)) != 0)
		return rc;
	if (pn.spendable >= points)
		return 0;
	if (pn.pending > 0)
		return jf_error(JF_EREFUSED, _("insufficient points: member %s "
		    "has %lld to spend (%lld more are pending), %lld of "
		    "\"%s\" needs %lld"), m->code, (long long)pn.spendable,
		    (long long)pn.pending, (long long)qty, sku,
		    (long long)points);
	return jf_error(JF_EREFUSED, _("insufficient points: member %s has "
	    "%lld, %lld of \"%s\" needs %lld"), m->code,
	    (long long)pn.spendable, (long long)qty, sku, (long long)points);
}

/* A gift, or a reservation held through hold_until (not NULL). */
static int
redeem(struct jf_ctx *c, const char *id, const char *sku, int64_t qty,
    const char *hold_until, struct jf_redemption *out)
{
	struct jf_member m = { 0 };
	struct jf_product p;
	struct jf_entry e = { .kind = "redeem" };
	struct jf_move mv = { .kind = "redeem", .cost = -1 };
	const struct jf_rules *ru;
	int64_t on_hand, points, list, rid;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (qty <= 0)
		return jf_error(JF_EUSAGE, _("--qty must be at least 1"));
	if ((rc = jf_member_find(c, id, &m)) != 0)
		return rc;
	if ((rc = may_spend(&m)) != 0 ||
	    (rc = jf_product_find(c, sku, &p)) != 0 ||
	    (rc = jf_gift_allowed(c, &m, &p, qty)) != 0)
		goto done;
	/* a tier's VIP gift discount, per unit, up to a whole point */
	if ((rc = jf_rules_at(c, c->now, &ru)) != 0)
		goto done;
	if (__builtin_mul_overflow(qty, p.gift_points, &list) ||
	    __builtin_mul_overflow(qty, jf_rules_gift_points(ru, m.tier,
	    p.gift_points), &points)) {
		rc = jf_error(JF_EREFUSED, _("%lld of \"%s\" is too many"),
		    (long long)qty, p.sku);
		goto done;
	}
	if ((rc = jf_stock_on_hand(c, c->store, p.id, &on_hand)) != 0)
		goto done;
	if (on_hand < qty) {
		rc = jf_error(JF_EREFUSED, _("gift \"%s\" is out of stock: "
		    "%lld on hand in store %s, %lld wanted"), p.sku,
		    (long long)on_hand, c->store, (long long)qty);
		goto done;
	}
	if ((rc = may_afford(c, &m, points, qty, p.sku)) != 0)
		goto done;

	if ((rc = next_code(c, &rid, out->code, sizeof(out->code))) != 0)
		goto done;
	e.member_id = m.id;
	e.points = points;
	e.ref = out->code;
	if ((rc = jf_ledger_spend(c, &e, NULL)) != 0)
		goto done;
	mv.product_id = p.id;
	mv.qty = -qty;
	mv.ref = out->code;
	if ((rc = jf_stock_move(c, &mv)) != 0 ||
	    (rc = insert_redemption(c, rid, out->code, m.id, p.id, qty,
	    points, hold_until)) != 0 ||
	    (rc = balance_of(c, m.id, &out->balance)) != 0)
		goto done;
	if (hold_until != NULL)
		snprintf(out->hold_until, JF_DATE_LEN, "%s", hold_until);
	out->qty = qty;
	out->points = points;
	out->list_points = list;
	out->member = strdup(m.code);
	out->sku = strdup(p.sku);
	if (out->member == NULL || out->sku == NULL) {
		jf_redemption_clear(out);
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
	}
done:
	jf_member_clear(&m);
	jf_product_clear(&p);
	return rc;
}

int
jf_redeem_gift(struct jf_ctx *c, const char *id, const char *sku,
    int64_t qty, struct jf_redemption *out)
{
	return redeem(c, id, sku, qty, NULL, out);
}

int
jf_redeem_reserve(struct jf_ctx *c, const char *id, const char *sku,
    int64_t qty, int days, const char *hold_until,
    struct jf_redemption *out)
{
	char last[JF_DATE_LEN];

	memset(out, 0, sizeof(*out));
	if (hold_until == NULL)
		jf_date_add_days(c->today, days, last);
	else
		snprintf(last, sizeof(last), "%s", hold_until);
	if (strcmp(last, c->today) < 0)
		return jf_error(JF_EREFUSED, _("a reservation held through %s "
		    "would have lapsed already: today is %s"), last, c->today);
	return redeem(c, id, sku, qty, last, out);
}

/* What cancel needs of a redemption. */
struct past {
	int64_t id, member_id, product_id, qty, points, spent;
	char at[JF_TS_LEN];
	char hold_until[JF_DATE_LEN];	/* "" for a gift */
	char *store, *cancelled, *member, *sku;
};

static void
past_clear(struct past *r)
{
	free(r->store);
	free(r->cancelled);
	free(r->member);
	free(r->sku);
}

static char *
dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int
find_redemption(struct jf_ctx *c, const char *code, struct past *r)
{
	static const char sql[] = "SELECT r.id, r.at, r.store, r.member_id, "
	    "r.product_id, r.qty, r.points, r.cancelled, m.code, p.sku, "
	    "(SELECT min(id) FROM ledger WHERE kind = 'redeem' "
	    "AND ref = r.code AND member_id = r.member_id), r.hold_until "
	    "FROM redemption r JOIN member m ON m.id = r.member_id "
	    "JOIN product p ON p.id = r.product_id WHERE r.code = ?";
	struct jf_rows q;
	int found;

	memset(r, 0, sizeof(*r));
	jf_q_open(c, &q, sql, "t", code);
	if ((found = jf_q_next(&q))) {
		r->id = jf_r_int(&q, 0);
		snprintf(r->at, sizeof(r->at), "%s", jf_r_text(&q, 1));
		r->store = strdup(jf_r_text(&q, 2));
		r->member_id = jf_r_int(&q, 3);
		r->product_id = jf_r_int(&q, 4);
		r->qty = jf_r_int(&q, 5);
		r->points = jf_r_int(&q, 6);
		r->cancelled = dup_opt(jf_r_opt(&q, 7));
		r->member = strdup(jf_r_text(&q, 8));
		r->sku = strdup(jf_r_text(&q, 9));
		r->spent = jf_r_int(&q, 10);
		snprintf(r->hold_until, sizeof(r->hold_until), "%s",
		    jf_r_text(&q, 11));
	}
	if (jf_q_close(&q) != 0) {
		past_clear(r);
		return q.rc;
	}
	if (!found)
		return jf_error(JF_EREFUSED, _("no redemption \"%s\""), code);
	if (r->store == NULL || r->member == NULL || r->sku == NULL) {
		past_clear(r);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return 0;
}

static int
mark_cancelled(struct jf_ctx *c, int64_t id)
{
	static const char sql[] = "UPDATE redemption SET cancelled = ? "
	    "WHERE id = ? AND cancelled IS NULL";

	return jf_q_exec(c, sql, "ti", c->now, id);
}

/*
 * The bookings of a redemption undone: a cancel, or a reservation's
 * lapse (which keeps no window: expire lets it go whoever runs it).
 */
static int
undo(struct jf_ctx *c, const char *code, int lapse,
    struct jf_redemption *out)
{
	struct past r;
	struct jf_entry e = { .kind = "restore" };
	struct jf_move mv = { .kind = "redeem", .cost = -1,
		.reason = lapse ? "lapsed" : "cancelled" };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = find_redemption(c, code, &r)) != 0)
		return rc;
	if (r.cancelled != NULL) {
		rc = jf_error(JF_EREFUSED,
		    _("redemption %s was cancelled already, at %s"), code,
		    r.cancelled);
		goto done;
	}
	/* as with returns: a manager's after the window */
	if (!lapse &&
	    (rc = jf_window(c, r.at, _("cancelling a redemption"))) != 0)
		goto done;
	if (r.spent == 0) {
		rc = jf_error(JF_ESOFTWARE,
		    _("redemption %s has no ledger entry"), code);
		goto done;
	}
	e.member_id = r.member_id;
	e.points = r.points;
	e.ref = code;
	mv.product_id = r.product_id;
	mv.qty = r.qty;
	mv.store = r.store;
	mv.ref = code;
	if ((rc = jf_ledger_restore(c, r.spent, &e, NULL)) != 0 ||
	    (rc = jf_stock_move(c, &mv)) != 0 ||
	    (rc = mark_cancelled(c, r.id)) != 0 ||
	    (rc = balance_of(c, r.member_id, &out->balance)) != 0)
		goto done;
	snprintf(out->code, sizeof(out->code), "%s", code);
	memcpy(out->hold_until, r.hold_until, sizeof(out->hold_until));
	out->qty = r.qty;
	out->points = r.points;
	out->list_points = r.points;
	out->member = r.member;
	out->sku = r.sku;
	r.member = r.sku = NULL;
done:
	past_clear(&r);
	return rc;
}

int
jf_redeem_cancel(struct jf_ctx *c, const char *code,
    struct jf_redemption *out)
{
	return undo(c, code, 0, out);
}

int
jf_redeem_release(struct jf_ctx *c, const char *code,
    struct jf_redemption *out)
{
	return undo(c, code, 1, out);
}

int
jf_redeem_quote(struct jf_ctx *c, const struct jf_member *m, int64_t amount,
    int64_t *points, int64_t *value)
{
	const struct jf_rules *r;
	struct jf_points_now pn;
	int64_t balance;
	int rc;

	*points = *value = 0;
	if (amount < 0)
		return jf_error(JF_EUSAGE, _("--amount must not be negative"));
	if ((rc = jf_rules_at(c, c->now, &r)) != 0 ||
	    (rc = jf_points_now(c, m->id, c->today, &pn)) != 0)
		return rc;
	/* what the till would take: valid, past pending, no debt */
	balance = pn.spendable;
	if (strcmp(m->status, "active") != 0)
		balance = 0;
	*points = jf_offset_max(r, amount, balance, value);
	if (*points <= 0)
		*points = *value = 0;
	return 0;
}
