/*
 * reserve.c - a gift's terms, reservations, and the listings that show
 * them: the catalog and the redemptions.
 *
 * A gift may carry a limit (the most one member may have of it, over
 * every redemption of it not cancelled) and a window (the first and
 * last days it may be redeemed); jf_gift_allowed() holds a redemption
 * to both, inside the caller's BEGIN IMMEDIATE, so two tills cannot
 * both take the last one a member may have.
 *
 * A reservation is a redemption with a last day held (hold_until): the
 * points and the unit left at once, as for a gift, and nobody else can
 * take them.  Picking it up only marks it; letting it lapse (expire,
 * for the days before its run) books what cancelling books, the points
 * back to their lots and the unit back to stock, and marks it cancelled;
 * the unit's move says "lapsed", which tells a lapse from a cancel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "redeem.h"
#include "stock.h"

int
jf_redeem_catalog(struct jf_ctx *c, const char *store, jf_gift_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT p.sku, p.name, p.gift_points, "
	    "coalesce(s.on_hand, 0), coalesce(p.gift_limit, 0), "
	    "p.gift_from, p.gift_to FROM product p LEFT JOIN stock s "
	    "ON s.product_id = p.id AND s.store = ? "
	    "WHERE p.gift_points > 0 ORDER BY p.sku";
	struct jf_rows r;
	int stop = 0;

	jf_q_open(c, &r, sql, "t", store ? store : c->store);
	while (stop == 0 && jf_q_next(&r)) {
		struct jf_gift g = {
			.sku = jf_r_text(&r, 0),
			.name = jf_r_text(&r, 1),
			.gift_points = jf_r_int(&r, 2),
			.on_hand = jf_r_int(&r, 3),
			.gift_limit = jf_r_int(&r, 4),
			.gift_from = jf_r_opt(&r, 5),
			.gift_to = jf_r_opt(&r, 6),
		};

		stop = fn(arg, &g);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return stop;
}

int
jf_redeem_each(struct jf_ctx *c, const struct jf_redeem_filter *f,
    jf_redeemed_fn *fn, void *arg)
{
	static const char sql[] = "SELECT r.code, r.at, r.store, m.code, "
	    "p.sku, r.qty, r.points, r.cancelled, r.operator, r.hold_until, "
	    "r.picked_up FROM redemption r "
	    "JOIN member m ON m.id = r.member_id "
	    "JOIN product p ON p.id = r.product_id "
	    "WHERE (CAST(?1 AS TEXT) IS NULL OR r.at >= ?1) "
	    "AND (CAST(?2 AS TEXT) IS NULL OR r.at < ?2) "
	    "AND (CAST(?3 AS BIGINT) IS NULL OR r.member_id = ?3) "
	    "AND (CAST(?4 AS TEXT) IS NULL OR r.store = ?4) "
	    "AND (?5 = 0 OR (r.hold_until IS NOT NULL "
	    "AND r.picked_up IS NULL AND r.cancelled IS NULL)) "
	    "ORDER BY r.at, r.id";
	char until[JF_DATE_LEN];
	struct jf_rows r;
	int64_t mid = 0;
	int stop = 0;

	if (f->member != NULL && (stop = jf_member_id(c, f->member, &mid)) != 0)
		return stop;
	jf_q_open(c, &r, sql, "TTnTi", f->since, jf_day_after(f->until, until),
	    mid, f->store, (int64_t)(f->held != 0));
	while (stop == 0 && jf_q_next(&r)) {
		struct jf_redeemed d = {
			.code = jf_r_text(&r, 0), .at = jf_r_text(&r, 1),
			.store = jf_r_text(&r, 2), .member = jf_r_text(&r, 3),
			.sku = jf_r_text(&r, 4), .qty = jf_r_int(&r, 5),
			.points = jf_r_int(&r, 6),
			.cancelled = jf_r_text(&r, 7),
			.operator = jf_r_text(&r, 8),
			.hold_until = jf_r_text(&r, 9),
			.picked_up = jf_r_text(&r, 10),
		};

		stop = fn(arg, &d);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return stop;
}

/* 0 if today is within p's days, else JF_EREFUSED saying which they are. */
static int
in_window(struct jf_ctx *c, const struct jf_product *p)
{
	const char *from = p->gift_from, *to = p->gift_to;

	if ((from == NULL || strcmp(c->today, from) >= 0) &&
	    (to == NULL || strcmp(c->today, to) <= 0))
		return 0;
	if (from != NULL && to != NULL)
		return jf_error(JF_EREFUSED, _("gift \"%s\" may be redeemed "
		    "from %s through %s, not on %s"), p->sku, from, to,
		    c->today);
	if (from != NULL)
		return jf_error(JF_EREFUSED, _("gift \"%s\" may be redeemed "
		    "from %s, not on %s"), p->sku, from, c->today);
	return jf_error(JF_EREFUSED, _("gift \"%s\" may be redeemed through "
	    "%s, not on %s"), p->sku, to, c->today);
}

int
jf_gift_allowed(struct jf_ctx *c, const struct jf_member *m,
    const struct jf_product *p, int64_t qty)
{
	/* gifts and reservations, live or picked up: all but cancelled */
	static const char sql[] = "SELECT coalesce(sum(qty), 0) "
	    "FROM redemption WHERE member_id = ? AND product_id = ? "
	    "AND cancelled IS NULL";
	int64_t had;
	int rc;

	if (p->gift_points <= 0)
		return jf_error(JF_EREFUSED, _("product \"%s\" is not a gift"),
		    p->sku);
	if ((rc = in_window(c, p)) != 0 || p->gift_limit <= 0)
		return rc;
	if ((rc = jf_q_int(c, sql, &had, "ii", m->id, p->id)) != 0)
		return rc;
	if (qty <= p->gift_limit - had)
		return 0;
	return jf_error(JF_EREFUSED, _("gift \"%s\" is limited to %lld a "
	    "member: member %s has %lld, %lld more would be over"), p->sku,
	    (long long)p->gift_limit, m->code, (long long)had,
	    (long long)qty);
}

/* What pickup needs of a redemption. */
struct hold {
	int64_t id, qty, points, balance;
	int lapsed;		/* its unit went back by a lapse */
	char *member, *sku, *hold_until, *picked_up, *cancelled;
};

static void
hold_clear(struct hold *h)
{
	free(h->member);
	free(h->sku);
	free(h->hold_until);
	free(h->picked_up);
	free(h->cancelled);
}

static char *
dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int
find_hold(struct jf_ctx *c, const char *code, struct hold *h)
{
	static const char sql[] = "SELECT r.id, r.qty, r.points, m.balance, "
	    "m.code, p.sku, r.hold_until, r.picked_up, r.cancelled, "
	    "EXISTS (SELECT 1 FROM move v WHERE v.product_id = r.product_id "
	    "AND v.ref = r.code AND v.kind = 'redeem' "
	    "AND v.reason = 'lapsed') "
	    "FROM redemption r JOIN member m ON m.id = r.member_id "
	    "JOIN product p ON p.id = r.product_id WHERE r.code = ?";
	struct jf_rows q;
	int found;

	memset(h, 0, sizeof(*h));
	jf_q_open(c, &q, sql, "t", code);
	if ((found = jf_q_next(&q))) {
		h->id = jf_r_int(&q, 0);
		h->qty = jf_r_int(&q, 1);
		h->points = jf_r_int(&q, 2);
		h->balance = jf_r_int(&q, 3);
		h->member = strdup(jf_r_text(&q, 4));
		h->sku = strdup(jf_r_text(&q, 5));
		h->hold_until = dup_opt(jf_r_opt(&q, 6));
		h->picked_up = dup_opt(jf_r_opt(&q, 7));
		h->cancelled = dup_opt(jf_r_opt(&q, 8));
		h->lapsed = jf_r_int(&q, 9) != 0;
	}
	if (jf_q_close(&q) != 0) {
		hold_clear(h);
		return q.rc;
	}
	if (!found)
		return jf_error(JF_EREFUSED, _("no redemption \"%s\""), code);
	if (h->member == NULL || h->sku == NULL) {
		hold_clear(h);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return 0;
}

/* 0 if h is a reservation still held today, else why not. */
static int
still_held(struct jf_ctx *c, const char *code, const struct hold *h)
{
	if (h->hold_until == NULL)
		return jf_error(JF_EREFUSED, _("redemption %s is a gift, not a "
		    "reservation"), code);
	if (h->picked_up != NULL)
		return jf_error(JF_EREFUSED, _("reservation %s was picked up "
		    "already, at %s"), code, h->picked_up);
	if (h->cancelled != NULL && h->lapsed)
		return jf_error(JF_EREFUSED, _("reservation %s lapsed, at %s: "
		    "it was held through %s"), code, h->cancelled,
		    h->hold_until);
	if (h->cancelled != NULL)
		return jf_error(JF_EREFUSED, _("reservation %s was cancelled, "
		    "at %s"), code, h->cancelled);
	if (strcmp(c->today, h->hold_until) > 0)
		return jf_error(JF_EREFUSED, _("reservation %s was held through "
		    "%s: it has lapsed, and expire gives the points and the "
		    "gift back"), code, h->hold_until);
	return 0;
}

int
jf_redeem_pickup(struct jf_ctx *c, const char *code,
    struct jf_redemption *out)
{
	static const char sql[] = "UPDATE redemption SET picked_up = ? "
	    "WHERE id = ? AND picked_up IS NULL AND cancelled IS NULL";
	struct hold h;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = find_hold(c, code, &h)) != 0)
		return rc;
	if ((rc = still_held(c, code, &h)) != 0 ||
	    (rc = jf_q_exec(c, sql, "ti", c->now, h.id)) != 0)
		goto done;
	snprintf(out->code, sizeof(out->code), "%s", code);
	snprintf(out->hold_until, sizeof(out->hold_until), "%s", h.hold_until);
	snprintf(out->picked_up, sizeof(out->picked_up), "%s", c->now);
	out->qty = h.qty;
	out->points = out->list_points = h.points;
	out->balance = h.balance;
	out->member = h.member;
	out->sku = h.sku;
	h.member = h.sku = NULL;
done:
	hold_clear(&h);
	return rc;
}

int
jf_redeem_lapse(struct jf_ctx *c, const char *day, jf_lapse_fn *fn,
    void *arg)
{
	/* one at a time: each lapse writes the table the query reads */
	static const char sql[] = "SELECT code FROM redemption "
	    "WHERE hold_until < ? AND picked_up IS NULL AND cancelled IS NULL "
	    "ORDER BY hold_until, id LIMIT 1";
	struct jf_redemption r;
	struct jf_rows q;
	char code[32];
	int rc, found;

	for (;;) {
		jf_q_open(c, &q, sql, "t", day);
		if ((found = jf_q_next(&q)))
			snprintf(code, sizeof(code), "%s", jf_r_text(&q, 0));
		if ((rc = jf_q_close(&q)) != 0 || !found)
			return rc;
		if ((rc = jf_redeem_release(c, code, &r)) != 0)
			return rc;
		rc = fn != NULL ? fn(arg, &r, day) : 0;
		jf_redemption_clear(&r);
		if (rc != 0)
			return rc;
	}
}
