/*
 * points.c - the ledger as the `points` tool sees it: history,
 * adjustments, activity awards and the explanation of a receipt.
 *
 * The bookkeeping itself (lots, debt, the order of spending) is
 * ledger.c's; this file adds the checks of a person's request (who may
 * make it, a reason, an activity and its daily cap) and reads the ledger
 * and the till's rows back for people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "member.h"
#include "points.h"
#include "rules.h"
#include "sale.h"

int
jf_points_history(struct jf_ctx *c, int64_t member_id, const char *since,
    const char *until, jf_history_fn *fn, void *arg)
{
	static const char sql[] = "SELECT l.at, l.kind, l.delta, l.ref, "
	    "l.rule, l.reason, lot.expires_on, l.operator FROM ledger l "
	    "LEFT JOIN lot ON lot.entry_id = l.id "
	    "WHERE l.member_id = ? AND l.at >= ? AND l.at < ? "
	    "ORDER BY l.at, l.id";
	char hi[JF_DATE_LEN] = "9999-99-99";
	struct jf_history h;
	struct jf_rows r;
	int rc = 0;

	/* until a day is before the start of the next */
	if (until != NULL)
		jf_date_add_days(until, 1, hi);
	jf_q_open(c, &r, sql, "itt", member_id, since ? since : "", hi);
	while (rc == 0 && jf_q_next(&r)) {
		h.at = jf_r_text(&r, 0);
		h.kind = jf_r_text(&r, 1);
		h.delta = jf_r_int(&r, 2);
		h.ref = jf_r_opt(&r, 3);
		h.rule = jf_r_opt(&r, 4);
		h.reason = jf_r_opt(&r, 5);
		h.expires_on = jf_r_opt(&r, 6);
		h.operator = jf_r_text(&r, 7);
		rc = fn(arg, &h);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}

int
jf_points_may_change(struct jf_ctx *c, const struct jf_change *k)
{
	if (k->delta != 0)
		return jf_need_role(c, JF_ROLE_MANAGER, _("adjusting points"));
	if (k->points > 0)
		return jf_need_role(c, JF_ROLE_MANAGER, _("awarding other than "
		    "the rules' points"));
	return 0;
}

int
jf_points_adjust(struct jf_ctx *c, int64_t member_id, int64_t delta,
    const char *reason, int64_t *entry_id)
{
	struct jf_entry e = { .member_id = member_id, .kind = "adjust",
		.reason = reason };
	int rc;

	if ((rc = jf_points_may_change(c, &(struct jf_change){
	    .delta = delta })) != 0)
		return rc;
	if (delta == 0)
		return jf_error(JF_EUSAGE, _("an adjustment of 0 points "
		    "changes nothing"));
	if (reason == NULL || *reason == '\0')
		return jf_error(JF_EUSAGE, _("an adjustment needs a reason"));
	if (delta > 0) {
		e.points = delta;
		return jf_ledger_gain(c, &e, entry_id);
	}
	e.points = -delta;
	return jf_ledger_spend(c, &e, entry_id);
}

static int
award(struct jf_ctx *c, int64_t member_id, const char *kind, int64_t points,
    int64_t *awarded)
{
	static const char today_sql[] = "SELECT count(*) FROM ledger "
	    "WHERE member_id = ? AND at >= ? AND at <= ? "
	    "AND kind = 'award' AND rule = ?";
	const struct jf_rules *r;
	const struct jf_activity *a;
	struct jf_entry e = { .member_id = member_id, .kind = "award",
		.rule = kind };
	char from[JF_TS_LEN], to[JF_TS_LEN];
	int64_t n;
	int rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if ((a = jf_rules_activity(r, kind)) == NULL)
		return jf_error(JF_EREFUSED, _("no activity \"%s\" in the "
		    "rules"), kind);
	if (a->daily_cap > 0) {
		snprintf(from, sizeof(from), "%.10s 00:00:00", c->now);
		snprintf(to, sizeof(to), "%.10s 23:59:59", c->now);
		if ((rc = jf_q_int(c, today_sql, &n, "ittt", member_id, from, to,
		    kind)) != 0)
			return rc;
		if (n >= a->daily_cap)
			return jf_error(JF_EREFUSED, _("\"%s\": the daily cap "
			    "of %lld is reached on %.10s"), kind,
			    (long long)a->daily_cap, c->now);
	}
	e.points = points > 0 ? points : a->points;
	if ((rc = jf_ledger_gain(c, &e, NULL)) != 0)
		return rc;
	if (awarded != NULL)
		*awarded = e.points;
	return 0;
}

int
jf_points_award(struct jf_ctx *c, int64_t member_id, const char *kind,
    int64_t points, int64_t *awarded)
{
	static const char sp[] = "SAVEPOINT jf_award";
	static const char rel[] = "RELEASE jf_award";
	static const char back[] = "ROLLBACK TO jf_award";
	int rc;

	if ((rc = jf_points_may_change(c, &(struct jf_change){
	    .points = points })) != 0 ||
	    (rc = jf_q_exec(c, sp, "")) != 0)
		return rc;
	if ((rc = award(c, member_id, kind, points, awarded)) != 0) {
		char msg[1024];

		/* keep the refusal's message over the savepoint's */
		snprintf(msg, sizeof(msg), "%s", jf_errmsg());
		jf_q_exec(c, back, "");
		jf_q_exec(c, rel, "");
		jf_error(rc, "%s", msg);
		return rc;
	}
	return jf_q_exec(c, rel, "");
}

int
jf_points_change(struct jf_ctx *c, const char *id, const struct jf_change *k,
    jf_changed_fn *fn, void *arg)
{
	struct jf_changed d = { .kind = k->delta ? "adjust" : "award",
		.delta = k->delta };
	struct jf_member m = { 0 };
	int64_t mid;
	int rc;

	if ((rc = jf_member_id(c, id, &mid)) != 0)
		return rc;
	if (k->delta != 0) {
		d.reason = k->reason;
		rc = jf_points_adjust(c, mid, k->delta, k->reason, NULL);
	} else {
		d.rule = k->kind;
		rc = jf_points_award(c, mid, k->kind, k->points, &d.delta);
	}
	if (rc != 0 || (rc = jf_member_get(c, mid, &m)) != 0)
		return rc;
	d.member = m.code;
	d.balance = m.balance;
	rc = fn(arg, &d);
	jf_member_clear(&m);
	return rc;
}

int
jf_points_rules_begin(struct jf_ctx *c)
{
	int rc;

	c->schedules = 1;
	if ((rc = jf_need_role(c, JF_ROLE_MANAGER, _("loading rules"))) != 0)
		return rc;
	return jf_begin(c);
}

/* The receipt's ledger entries other than its earning. */
static int
explain_entries(struct jf_ctx *c, const char *receipt, jf_explain_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT l.kind, l.rule, l.delta, m.code "
	    "FROM ledger l JOIN member m ON m.id = l.member_id "
	    "WHERE l.ref = ? AND l.kind <> 'earn' ORDER BY l.id";
	struct jf_explain_row row = { .qty = -1, .amount = -1, .mult = -1 };
	struct jf_rows r;
	int rc = 0;

	jf_q_open(c, &r, sql, "t", receipt);
	while (rc == 0 && jf_q_next(&r)) {
		row.kind = jf_r_text(&r, 0);
		row.rule = jf_r_opt(&r, 1);
		row.points = jf_r_int(&r, 2);
		row.member = jf_r_text(&r, 3);
		rc = fn(arg, &row);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}

/*
 * A line sold at its tier's discount: what the discount took off the
 * list price, at the rate of the tier the sale was made under.
 */
static int
explain_discount(const struct jf_rules *r, const struct jf_sale *s, int i,
    jf_explain_fn *fn, void *arg)
{
	const struct jf_sale_line *l = &s->lines[i];
	const struct jf_tier *t = jf_rules_tier(r, s->tier ? s->tier : "");
	struct jf_explain_row row = { .kind = "discount", .line = i + 1 };

	if (l->list_price <= 0)
		return 0;
	row.sku = l->sku;
	row.qty = l->qty;
	row.amount = (l->list_price - l->price) * l->qty;
	row.mult = t != NULL ? t->discount : -1;
	row.rule = s->tier;
	row.member = s->member;
	return fn(arg, &row);
}

/* The sale's own figures into x. */
static void
explain_head(const struct jf_sale *s, struct jf_explain *x)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->receipt, sizeof(x->receipt), "%s", s->receipt);
	snprintf(x->at, sizeof(x->at), "%s", s->at);
	snprintf(x->member, sizeof(x->member), "%s", s->member ? s->member :
	    "");
	snprintf(x->tier, sizeof(x->tier), "%s", s->tier ? s->tier : "");
	x->rules_version = s->rules_version;
	x->tier_factor = s->tier_factor;
	x->gross = s->gross;
	x->offset = s->offset;
	x->paid = s->paid;
	x->booked = s->points_earned;
}

/*
 * Recomputes the receipt by the rules version, tier factor and offset it
 * was sold under, and each line's multiplier and rule as it was booked:
 * a product changed since changes nothing here.
 */
int
jf_points_explain(struct jf_ctx *c, const char *receipt,
    struct jf_explain *x, jf_explain_fn *fn, void *arg)
{
	const struct jf_rules *r;
	struct jf_earn_in *in = NULL;
	struct jf_earn_out *out = NULL;
	struct jf_explain_row row;
	struct jf_sale s;
	int64_t stored = 0;
	int rc;

	if ((rc = jf_sale_get(c, receipt, &s)) != 0) {
		jf_sale_clear(&s);
		return rc;
	}
	explain_head(&s, x);
	if ((rc = jf_rules_version(c, x->rules_version, &r)) != 0)
		goto done;
	in = calloc(s.nlines ? s.nlines : 1, sizeof(*in));
	out = calloc(s.nlines ? s.nlines : 1, sizeof(*out));
	if (in == NULL || out == NULL) {
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
		goto done;
	}
	for (int i = 0; i < s.nlines; i++) {
		in[i].sku = s.lines[i].sku;
		in[i].amount = s.lines[i].amount;
		in[i].booked = 1;
		in[i].mult = s.lines[i].mult_exact;
		stored += s.lines[i].points;
	}
	x->earned = jf_earn(r, in, s.nlines, x->at, x->tier_factor, x->offset,
	    out);
	/*
	 * The till books nothing for a sale without a member or by one not
	 * active then; its lines then carry no points either.
	 */
	x->earns = x->member[0] != '\0' && (x->booked > 0 || stored > 0 ||
	    x->earned == 0);
	if (!x->earns)
		x->earned = 0;
	for (int i = 0; i < s.nlines; i++) {
		memset(&row, 0, sizeof(row));
		row.kind = "line";
		row.line = i + 1;
		row.sku = s.lines[i].sku;
		row.qty = s.lines[i].qty;
		row.amount = s.lines[i].amount;
		row.mult = s.lines[i].mult;
		row.rule = s.lines[i].rule;
		row.member = x->member[0] ? x->member : NULL;
		row.points = x->earns ? out[i].points : 0;
		if ((rc = fn(arg, &row)) != 0 ||
		    (rc = explain_discount(r, &s, i, fn, arg)) != 0)
			goto done;
	}
	memset(&row, 0, sizeof(row));
	row.kind = "earn";
	row.qty = -1;
	row.amount = x->paid;
	row.mult = x->tier_factor;
	row.rule = x->tier[0] ? x->tier : NULL;
	row.member = x->member[0] ? x->member : NULL;
	row.points = x->earned;
	if ((rc = fn(arg, &row)) == 0)
		rc = explain_entries(c, receipt, fn, arg);
done:
	free(in);
	free(out);
	jf_sale_clear(&s);
	return rc;
}
