/*
 * rules.c - the points rules: parsing, versions, and the earning formula.
 *
 * A rules document is merged over the built-in defaults (share/rules.json,
 * embedded as jf_rules_json): a key left out takes its default, an object
 * given in part (earn, bonuses, expiry, offset) keeps the defaults of the
 * keys it leaves out, and a list or the activities object given replaces
 * the default whole.  The merged document is then read into struct
 * jf_rules with every value checked; the first fault is reported with its
 * JSON path and nothing is returned.
 *
 * Stored versions are parsed once per struct jf_ctx and kept in
 * c->rules_cache until jf_close(): a version never changes once stored,
 * so the cache needs no invalidation.
 *
 * The earning formula is evaluated in 128-bit integers and rounded down
 * once, at the end; see jf_earn().
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "money.h"
#include "rules.h"

extern const char jf_rules_json[];

/* Bounds that keep every product of the formula inside 128 bits. */
#define FACTOR_MAX 100000	/* 1000.00 */
#define COUNT_MAX 1000000000LL	/* points, counts, thresholds */

/* The days a rule may name: the week from Sunday, bit 0, and the holidays. */
static const char *daynames[] = { "sun", "mon", "tue", "wed", "thu", "fri",
    "sat", "holiday" };
#define HOLIDAY (1 << 7)

/* The path and the first fault of one parse. */
struct pctx {
	const char *name;
	int rc;
};

static int fault(struct pctx *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fault(struct pctx *p, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->rc = jf_error(JF_EDATA, "%s: %s: %s", p->name, path, msg);
	return -1;
}

static int
want_int(struct pctx *p, json_t *v, const char *path, int64_t min,
    int64_t *out)
{
	json_int_t x;

	if (!json_is_integer(v))
		return fault(p, path, "%s", _("not a whole number"));
	x = json_integer_value(v);
	if (x < 0)
		return fault(p, path, "%s", _("negative"));
	if (x < min)
		return fault(p, path, _("less than %s"), min == 1 ? "1" : "0");
	if (x > COUNT_MAX)
		return fault(p, path, "%s", _("too large"));
	*out = x;
	return 0;
}

static int
want_str(struct pctx *p, json_t *v, const char *path, const char **out)
{
	*out = NULL;
	if (!json_is_string(v))
		return fault(p, path, "%s", _("not a string"));
	*out = json_string_value(v);
	return 0;
}

/* An exact decimal in hundredths: a factor (positive) or money. */
static int
want_dec(struct pctx *p, json_t *v, const char *path, int money, int64_t min,
    int64_t *out)
{
	const char *s = NULL;
	int64_t h;

	if (want_str(p, v, path, &s) == -1)
		return -1;
	if (s[0] == '-')
		return fault(p, path, _("negative: \"%s\""), s);
	if (s[0] == '+' || (money ? jf_money_parse(s, &h) :
	    jf_dec2_parse(s, &h)) == -1)
		return fault(p, path, money ? _("not an amount (yuan, at "
		    "most two decimals: 12.50): \"%s\"") :
		    _("not a decimal: \"%s\""), s);
	if (!money && h > FACTOR_MAX)
		return fault(p, path, _("too large (at most 1000): \"%s\""), s);
	if (h < min)
		return fault(p, path, _("must be more than zero: \"%s\""), s);
	*out = h;
	return 0;
}

static int
check_keys(struct pctx *p, json_t *o, const char *path, const char **keys)
{
	const char *k;
	json_t *v;
	char sub[256];

	json_object_foreach(o, k, v) {
		int i;

		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (keys[i] == NULL) {
			if (*path)
				snprintf(sub, sizeof(sub), "%s.%s", path, k);
			else
				snprintf(sub, sizeof(sub), "%s", k);
			return fault(p, sub, "%s", _("unknown key"));
		}
	}
	return 0;
}

/* A NULL-terminated copy of a list of strings; NULL when absent. */
static int
want_strlist(struct pctx *p, json_t *v, const char *path, char ***out)
{
	char sub[256];
	size_t i, n;
	char **l;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return fault(p, path, "%s", _("not a list"));
	n = json_array_size(v);
	if ((l = calloc(n + 1, sizeof(*l))) == NULL)
		return fault(p, path, "%s", _("out of memory"));
	*out = l;
	for (i = 0; i < n; i++) {
		const char *s;

		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (want_str(p, json_array_get(v, i), sub, &s) == -1)
			return -1;
		if (*s == '\0')
			return fault(p, sub, "%s", _("empty"));
		if ((l[i] = strdup(s)) == NULL)
			return fault(p, sub, "%s", _("out of memory"));
	}
	return 0;
}

static int
hhmm(const char *s, int *min)
{
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] == ':' && s[3] >= '0' && s[3] <= '9' && s[4] >= '0' &&
	    s[4] <= '9'))
		return -1;
	*min = ((s[0] - '0') * 10 + s[1] - '0') * 60 +
	    (s[3] - '0') * 10 + s[4] - '0';
	if ((s[3] - '0') > 5 || *min > 24 * 60)
		return -1;
	return 0;
}

/* A key's path, "multipliers[0].name", in sub. */
static const char *
keypath(char *sub, size_t n, const char *path, const char *key)
{
	snprintf(sub, n, "%s.%s", path, key);
	return sub;
}

/* The object's name: a string, not empty, copied to *out. */
static int
want_name(struct pctx *p, json_t *o, const char *path, char **out)
{
	char sub[128];
	const char *s;
	json_t *v;

	keypath(sub, sizeof(sub), path, "name");
	if ((v = json_object_get(o, "name")) == NULL)
		return fault(p, sub, "%s", _("missing"));
	if (want_str(p, v, sub, &s) == -1)
		return -1;
	if (*s == '\0')
		return fault(p, sub, "%s", _("empty"));
	if ((*out = strdup(s)) == NULL)
		return fault(p, sub, "%s", _("out of memory"));
	return 0;
}

/* The object's factor: a decimal, needed. */
static int
want_factor(struct pctx *p, json_t *o, const char *path, int64_t *out)
{
	char sub[128];
	json_t *v;

	keypath(sub, sizeof(sub), path, "factor");
	if ((v = json_object_get(o, "factor")) == NULL)
		return fault(p, sub, "%s", _("missing"));
	return want_dec(p, v, sub, 0, 0, out);
}

/* An optional day, "from" or "to", normalised into out. */
static int
want_day(struct pctx *p, json_t *o, const char *path, const char *key,
    char *out)
{
	char sub[128];
	const char *s;
	json_t *v;

	if ((v = json_object_get(o, key)) == NULL)
		return 0;
	keypath(sub, sizeof(sub), path, key);
	if (want_str(p, v, sub, &s) == -1)
		return -1;
	if (strlen(s) != 10 || jf_date_parse(s, out) == -1)
		return fault(p, sub, _("not a date (YYYY-MM-DD): \"%s\""), s);
	return 0;
}

/* A multiplier's days of the week: a bit each, Sunday bit 0. */
static int
want_days(struct pctx *p, json_t *o, const char *path, int *days)
{
	char sub[128];
	const char *s;
	json_t *v;

	if ((v = json_object_get(o, "days")) == NULL)
		return 0;
	if (!json_is_array(v))
		return fault(p, keypath(sub, sizeof(sub), path, "days"), "%s",
		    _("not a list"));
	for (size_t j = 0; j < json_array_size(v); j++) {
		int d;

		snprintf(sub, sizeof(sub), "%s.days[%zu]", path, j);
		if (want_str(p, json_array_get(v, j), sub, &s) == -1)
			return -1;
		for (d = 0; d < 8; d++)
			if (strcmp(s, daynames[d]) == 0)
				break;
		if (d == 8)
			return fault(p, sub, _("not a day (mon ... sun, "
			    "holiday): \"%s\""), s);
		*days |= 1 << d;
	}
	return 0;
}

/* When a multiplier applies: days, from, to, hours. */
static int
parse_when(struct pctx *p, json_t *o, const char *path, struct jf_mult *m)
{
	char sub[128];
	const char *s;
	json_t *v;

	if (want_days(p, o, path, &m->days) == -1 ||
	    want_day(p, o, path, "from", m->from) == -1 ||
	    want_day(p, o, path, "to", m->to) == -1)
		return -1;
	if (m->from[0] && m->to[0] && strcmp(m->from, m->to) > 0)
		return fault(p, keypath(sub, sizeof(sub), path, "to"),
		    _("before from: \"%s\""), m->to);
	if ((v = json_object_get(o, "hours")) != NULL) {
		keypath(sub, sizeof(sub), path, "hours");
		if (want_str(p, v, sub, &s) == -1)
			return -1;
		if (strlen(s) != 11 || s[5] != '-' || hhmm(s, &m->hfrom) == -1 ||
		    hhmm(s + 6, &m->hto) == -1 || m->hfrom >= 24 * 60 ||
		    m->hfrom == m->hto)
			return fault(p, sub, _("not hours (HH:MM-HH:MM): \"%s\""),
			    s);
	}
	return 0;
}

static int
parse_mult(struct pctx *p, json_t *o, size_t i, struct jf_mult *m)
{
	static const char *keys[] = { "name", "skus", "categories", "days",
	    "from", "to", "hours", "factor", NULL };
	char path[64], sub[128];

	m->hfrom = m->hto = -1;
	snprintf(path, sizeof(path), "multipliers[%zu]", i);
	if (!json_is_object(o))
		return fault(p, path, "%s", _("not an object"));
	if (check_keys(p, o, path, keys) == -1 ||
	    want_name(p, o, path, &m->name) == -1 ||
	    want_factor(p, o, path, &m->factor) == -1 ||
	    want_strlist(p, json_object_get(o, "skus"),
	    keypath(sub, sizeof(sub), path, "skus"), &m->skus) == -1 ||
	    want_strlist(p, json_object_get(o, "categories"),
	    keypath(sub, sizeof(sub), path, "categories"),
	    &m->categories) == -1)
		return -1;
	return parse_when(p, o, path, m);
}

/* A VIP rate, "0.95": above 0, at most 1; 100 hundredths when absent. */
static int
want_rate(struct pctx *p, json_t *o, const char *path, const char *key,
    int64_t *out)
{
	char sub[128];
	json_t *v;

	*out = 100;
	if ((v = json_object_get(o, key)) == NULL)
		return 0;
	keypath(sub, sizeof(sub), path, key);
	if (want_dec(p, v, sub, 0, 1, out) == -1)
		return -1;
	if (*out > 100)
		return fault(p, sub, _("above 1: \"%s\""), json_string_value(v));
	return 0;
}

static int
parse_tier(struct pctx *p, json_t *o, size_t i, struct jf_tier *t)
{
	static const char *keys[] = { "name", "min_points", "factor",
	    "discount", "gift_discount", NULL };
	char path[64], sub[128];
	json_t *v;

	snprintf(path, sizeof(path), "tiers[%zu]", i);
	if (!json_is_object(o))
		return fault(p, path, "%s", _("not an object"));
	if (check_keys(p, o, path, keys) == -1 ||
	    want_name(p, o, path, &t->name) == -1)
		return -1;
	keypath(sub, sizeof(sub), path, "min_points");
	if ((v = json_object_get(o, "min_points")) == NULL)
		return fault(p, sub, "%s", _("missing"));
	if (want_int(p, v, sub, 0, &t->min_points) == -1)
		return -1;
	if (want_rate(p, o, path, "discount", &t->discount) == -1 ||
	    want_rate(p, o, path, "gift_discount", &t->gift_discount) == -1)
		return -1;
	return want_factor(p, o, path, &t->factor);
}

static int
parse_acts(struct pctx *p, json_t *o, struct jf_rules *r)
{
	static const char *keys[] = { "points", "daily_cap", NULL };
	char path[256], sub[300];
	const char *k;
	json_t *a, *v;
	size_t n = json_object_size(o);

	if ((r->acts = calloc(n ? n : 1, sizeof(*r->acts))) == NULL)
		return fault(p, "activities", "%s", _("out of memory"));
	json_object_foreach(o, k, a) {
		struct jf_activity *x = &r->acts[r->nacts++];

		snprintf(path, sizeof(path), "activities.%s", k);
		if ((x->name = strdup(k)) == NULL)
			return fault(p, path, "%s", _("out of memory"));
		if (*k == '\0')
			return fault(p, path, "%s", _("empty name"));
		if (!json_is_object(a))
			return fault(p, path, "%s", _("not an object"));
		if (check_keys(p, a, path, keys) == -1)
			return -1;
		snprintf(sub, sizeof(sub), "%s.points", path);
		if ((v = json_object_get(a, "points")) == NULL)
			return fault(p, sub, "%s", _("missing"));
		if (want_int(p, v, sub, 1, &x->points) == -1)
			return -1;
		snprintf(sub, sizeof(sub), "%s.daily_cap", path);
		if ((v = json_object_get(a, "daily_cap")) != NULL &&
		    want_int(p, v, sub, 0, &x->daily_cap) == -1)
			return -1;
	}
	return 0;
}

/* The tiers: a list from 0, in ascending order, names unique. */
static int
parse_tiers(struct pctx *p, json_t *o, struct jf_rules *r)
{
	json_t *v;
	size_t i;

	if (!json_is_array(o))
		return fault(p, "tiers", "%s", _("not a list"));
	if (json_array_size(o) == 0)
		return fault(p, "tiers", "%s", _("empty"));
	if ((r->tiers = calloc(json_array_size(o), sizeof(*r->tiers))) == NULL)
		return fault(p, "tiers", "%s", _("out of memory"));
	json_array_foreach(o, i, v) {
		char path[64];

		r->ntiers++;
		if (parse_tier(p, v, i, &r->tiers[i]) == -1)
			return -1;
		snprintf(path, sizeof(path), "tiers[%zu].min_points", i);
		if (i == 0 && r->tiers[0].min_points != 0)
			return fault(p, path, "%s", _("the first tier must "
			    "start at 0"));
		if (i > 0 && r->tiers[i].min_points <=
		    r->tiers[i - 1].min_points)
			return fault(p, path, "%s", _("not above the tier "
			    "before"));
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->tiers[j].name, r->tiers[i].name) == 0) {
				snprintf(path, sizeof(path), "tiers[%zu].name",
				    i);
				return fault(p, path, _("duplicate: \"%s\""),
				    r->tiers[i].name);
			}
	}

	return 0;
}

/* The shop's holidays: a list of dates. */
static int
parse_holidays(struct pctx *p, json_t *o, struct jf_rules *r)
{
	char path[64];
	const char *s;
	json_t *v;
	size_t i;

	if (!json_is_array(o))
		return fault(p, "holidays", "%s", _("not a list"));
	if ((r->holidays = calloc(json_array_size(o) + 1,
	    sizeof(*r->holidays))) == NULL)
		return fault(p, "holidays", "%s", _("out of memory"));
	json_array_foreach(o, i, v) {
		snprintf(path, sizeof(path), "holidays[%zu]", i);
		if (want_str(p, v, path, &s) == -1)
			return -1;
		if (strlen(s) != 10 || jf_date_parse(s, r->holidays[i]) == -1)
			return fault(p, path, _("not a date (YYYY-MM-DD): "
			    "\"%s\""), s);
		r->nholidays++;
	}
	return 0;
}

/*
 * A spend-threshold bonus: a name no other threshold and no bonus of
 * the ledger has, the least paid total, the points, and when.
 */
static int
parse_threshold(struct pctx *p, json_t *o, size_t i, struct jf_rules *r)
{
	static const char *keys[] = { "name", "min_paid", "points", "days",
	    "from", "to", "hours", NULL };
	static const char *taken[] = { "signup", "profile", "birthday",
	    "referral", "return", NULL };
	struct jf_threshold *t = &r->thresholds[i];
	char path[64], sub[128];
	json_t *v;

	t->when.hfrom = t->when.hto = -1;
	snprintf(path, sizeof(path), "thresholds[%zu]", i);
	if (!json_is_object(o))
		return fault(p, path, "%s", _("not an object"));
	if (check_keys(p, o, path, keys) == -1 ||
	    want_name(p, o, path, &t->name) == -1)
		return -1;
	keypath(sub, sizeof(sub), path, "name");
	for (const char **k = taken; *k != NULL; k++)
		if (strcmp(t->name, *k) == 0)
			return fault(p, sub, _("a name the ledger uses: \"%s\""),
			    t->name);
	for (size_t j = 0; j < i; j++)
		if (strcmp(r->thresholds[j].name, t->name) == 0)
			return fault(p, sub, _("duplicate: \"%s\""), t->name);
	keypath(sub, sizeof(sub), path, "min_paid");
	if ((v = json_object_get(o, "min_paid")) == NULL)
		return fault(p, sub, "%s", _("missing"));
	if (want_dec(p, v, sub, 1, 1, &t->min_paid) == -1)
		return -1;
	keypath(sub, sizeof(sub), path, "points");
	if ((v = json_object_get(o, "points")) == NULL)
		return fault(p, sub, "%s", _("missing"));
	if (want_int(p, v, sub, 1, &t->points) == -1)
		return -1;
	return parse_when(p, o, path, &t->when);
}

static int
parse_thresholds(struct pctx *p, json_t *o, struct jf_rules *r)
{
	json_t *v;
	size_t i;

	if (!json_is_array(o))
		return fault(p, "thresholds", "%s", _("not a list"));
	if ((r->thresholds = calloc(json_array_size(o) + 1,
	    sizeof(*r->thresholds))) == NULL)
		return fault(p, "thresholds", "%s", _("out of memory"));
	json_array_foreach(o, i, v) {
		r->nthresholds++;
		if (parse_threshold(p, v, i, r) == -1)
			return -1;
	}
	return 0;
}

/* Expiry, the cash offset, pending days, holidays and thresholds. */
static int
parse_limits(struct pctx *p, json_t *d, struct jf_rules *r)
{
	json_t *o;
	int64_t x;

	o = json_object_get(d, "expiry");
	if (want_int(p, json_object_get(o, "months"), "expiry.months", 0,
	    &x) == -1)
		return -1;
	if (x > 1200)
		return fault(p, "expiry.months", "%s",
		    _("too large (at most 1200)"));
	r->expiry_months = (int)x;
	if (want_int(p, json_object_get(o, "remind_days"),
	    "expiry.remind_days", 0, &x) == -1)
		return -1;
	if (x > 36600)
		return fault(p, "expiry.remind_days", "%s",
		    _("too large (at most 36600)"));
	r->remind_days = (int)x;

	o = json_object_get(d, "offset");
	if (want_int(p, json_object_get(o, "points"), "offset.points", 1,
	    &r->off_points) == -1 ||
	    want_dec(p, json_object_get(o, "value"), "offset.value", 1, 1,
	    &r->off_value) == -1 ||
	    want_int(p, json_object_get(o, "min_points"), "offset.min_points",
	    0, &r->off_min_points) == -1 ||
	    want_dec(p, json_object_get(o, "min_order"), "offset.min_order", 1,
	    0, &r->off_min_order) == -1 ||
	    want_dec(p, json_object_get(o, "max_value"), "offset.max_value", 1,
	    0, &r->off_max_value) == -1)
		return -1;

	if (want_int(p, json_object_get(d, "pending_days"), "pending_days", 0,
	    &x) == -1)
		return -1;
	if (x > 366)
		return fault(p, "pending_days", "%s",
		    _("too large (at most 366)"));
	r->pending_days = (int)x;
	if (parse_holidays(p, json_object_get(d, "holidays"), r) == -1)
		return -1;
	return parse_thresholds(p, json_object_get(d, "thresholds"), r);
}

/* Reads the merged document (all keys present, types unchecked). */
static int
parse_doc(struct pctx *p, json_t *d, struct jf_rules *r)
{
	json_t *o, *v;
	const char *s;
	size_t i;

	o = json_object_get(d, "earn");
	if (want_int(p, json_object_get(o, "points"), "earn.points", 0,
	    &r->earn_points) == -1 ||
	    want_dec(p, json_object_get(o, "per_amount"), "earn.per_amount", 1,
	    1, &r->earn_per) == -1)
		return -1;

	o = json_object_get(d, "multipliers");
	if (!json_is_array(o))
		return fault(p, "multipliers", "%s", _("not a list"));
	if ((r->mults = calloc(json_array_size(o) + 1, sizeof(*r->mults))) ==
	    NULL)
		return fault(p, "multipliers", "%s", _("out of memory"));
	json_array_foreach(o, i, v) {
		r->nmults++;
		if (parse_mult(p, v, i, &r->mults[i]) == -1)
			return -1;
	}

	if (want_str(p, json_object_get(d, "stacking"), "stacking", &s) == -1)
		return -1;
	if (strcmp(s, "max") == 0)
		r->stacking = JF_STACK_MAX;
	else if (strcmp(s, "multiply") == 0)
		r->stacking = JF_STACK_MULTIPLY;
	else
		return fault(p, "stacking", _("not max or multiply: \"%s\""), s);

	if (parse_tiers(p, json_object_get(d, "tiers"), r) == -1)
		return -1;

	o = json_object_get(d, "bonuses");
	if (want_int(p, json_object_get(o, "signup"), "bonuses.signup", 0,
	    &r->bonus_signup) == -1 ||
	    want_int(p, json_object_get(o, "profile"), "bonuses.profile", 0,
	    &r->bonus_profile) == -1 ||
	    want_int(p, json_object_get(o, "birthday"), "bonuses.birthday", 0,
	    &r->bonus_birthday) == -1 ||
	    want_int(p, json_object_get(o, "referral"), "bonuses.referral", 0,
	    &r->bonus_referral) == -1)
		return -1;

	o = json_object_get(d, "activities");
	if (!json_is_object(o))
		return fault(p, "activities", "%s", _("not an object"));
	if (parse_acts(p, o, r) == -1)
		return -1;

	if (parse_limits(p, d, r) == -1)
		return -1;
	return 0;
}

/*
 * Lays the user's document over the defaults, refusing unknown keys and
 * a non-object where the defaults have an object.
 */
static int
merge(struct pctx *p, json_t *def, json_t *user)
{
	static const char *partial[] = { "earn", "bonuses", "expiry", "offset",
	    NULL };
	const char *k, *k2;
	json_t *v, *v2, *dv;
	char path[300];

	if (!json_is_object(user))
		return fault(p, "(top)", "%s", _("not an object"));
	json_object_foreach(user, k, v) {
		int part = 0;

		if ((dv = json_object_get(def, k)) == NULL)
			return fault(p, k, "%s", _("unknown key"));
		for (int i = 0; partial[i] != NULL; i++)
			if (strcmp(k, partial[i]) == 0)
				part = 1;
		if (!part) {
			json_object_set(def, k, v);
			continue;
		}
		if (!json_is_object(v))
			return fault(p, k, "%s", _("not an object"));
		json_object_foreach(v, k2, v2) {
			if (json_object_get(dv, k2) == NULL) {
				snprintf(path, sizeof(path), "%s.%s", k, k2);
				return fault(p, path, "%s", _("unknown key"));
			}
			json_object_set(dv, k2, v2);
		}
	}
	return 0;
}

int
jf_rules_parse(const char *text, const char *name, struct jf_rules **rp)
{
	struct pctx p = { name, 0 };
	struct jf_rules *r;
	json_error_t err;
	json_t *def, *user;

	def = json_loads(jf_rules_json, JSON_REJECT_DUPLICATES, &err);
	if (def == NULL)
		return jf_error(JF_ESOFTWARE, "built-in rules: %s", err.text);
	user = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (user == NULL) {
		json_decref(def);
		return jf_error(JF_EDATA, _("%s:%d: column %d: %s"), name,
		    err.line, err.column, err.text);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		json_decref(def);
		json_decref(user);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	if (merge(&p, def, user) == 0)
		parse_doc(&p, def, r);
	json_decref(def);
	json_decref(user);
	if (p.rc != 0) {
		jf_rules_free(r);
		return p.rc;
	}
	*rp = r;
	return 0;
}

static void
strlist_free(char **l)
{
	if (l == NULL)
		return;
	for (char **p = l; *p; p++)
		free(*p);
	free(l);
}

void
jf_rules_free(struct jf_rules *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < r->nmults; i++) {
		free(r->mults[i].name);
		strlist_free(r->mults[i].skus);
		strlist_free(r->mults[i].categories);
	}
	free(r->mults);
	for (int i = 0; i < r->ntiers; i++)
		free(r->tiers[i].name);
	free(r->tiers);
	for (int i = 0; i < r->nacts; i++)
		free(r->acts[i].name);
	free(r->acts);
	free(r->holidays);
	for (int i = 0; i < r->nthresholds; i++)
		free(r->thresholds[i].name);
	free(r->thresholds);
	free(r);
}

/*
 * The parsed versions of one ctx, in a list, and the answer to the last
 * jf_rules_at(), which most callers ask again and again for c->now (an
 * import asks once a row).
 */
struct cached {
	struct cached *next;
	struct jf_rules *r;
};

struct cache {
	struct cached *list;
	char last_ts[JF_TS_LEN];	/* the last time asked, and its answer */
	const struct jf_rules *last;
};

void
jf_rules_cache_free(void *cache)
{
	struct cache *h = cache;
	struct cached *p, *n;

	if (h == NULL)
		return;
	for (p = h->list; p != NULL; p = n) {
		n = p->next;
		jf_rules_free(p->r);
		free(p);
	}
	free(h);
}

static struct cache *
cache_of(struct jf_ctx *c)
{
	if (c->rules_cache == NULL) {
		c->rules_cache = calloc(1, sizeof(struct cache));
		c->rules_cache_free = jf_rules_cache_free;
	}
	return c->rules_cache;
}

static const struct jf_rules *
cache_find(struct jf_ctx *c, int64_t v)
{
	struct cache *h = c->rules_cache;

	for (struct cached *k = h ? h->list : NULL; k != NULL; k = k->next)
		if (k->r->version == v)
			return k->r;
	return NULL;
}

/* The version in row q (version, effective, doc), parsed or cached. */
static int
from_row(struct jf_ctx *c, const struct jf_rows *q, const struct jf_rules **rp)
{
	int64_t v = jf_r_int(q, 0);
	struct cache *h;
	struct jf_rules *r;
	struct cached *k;
	char name[64];
	int rc;

	if ((*rp = cache_find(c, v)) != NULL)
		return 0;
	if ((h = cache_of(c)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	snprintf(name, sizeof(name), "rules version %lld", (long long)v);
	if ((rc = jf_rules_parse(jf_r_text(q, 2), name, &r)) != 0)
		return rc;
	r->version = v;
	snprintf(r->effective, sizeof(r->effective), "%s", jf_r_text(q, 1));
	if ((k = malloc(sizeof(*k))) == NULL) {
		jf_rules_free(r);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	k->r = r;
	k->next = h->list;
	h->list = k;
	*rp = r;
	return 0;
}

int
jf_rules_at(struct jf_ctx *c, const char *ts, const struct jf_rules **r)
{
	static const char sql[] = "SELECT version, effective, doc FROM rules "
	    "WHERE effective <= ? ORDER BY effective DESC, version DESC "
	    "LIMIT 1";
	struct cache *h = c->rules_cache;
	struct jf_rows q;
	int rc = 0, found;

	if (ts == NULL)
		ts = c->now;
	if (h != NULL && h->last != NULL && strcmp(ts, h->last_ts) == 0) {
		*r = h->last;
		return 0;
	}
	jf_q_open(c, &q, sql, "t", ts);
	if ((found = jf_q_next(&q)))
		rc = from_row(c, &q, r);
	if (jf_q_close(&q) != 0)
		return q.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no rules in force at %s"), ts);
	if (rc == 0 && strlen(ts) < JF_TS_LEN) {
		h = c->rules_cache;
		snprintf(h->last_ts, sizeof(h->last_ts), "%s", ts);
		h->last = *r;
	}
	return rc;
}

int
jf_rules_version(struct jf_ctx *c, int64_t v, const struct jf_rules **r)
{
	static const char sql[] = "SELECT version, effective, doc FROM rules "
	    "WHERE version = ?";
	struct jf_rows q;
	int rc = 0, found;

	if ((*r = cache_find(c, v)) != NULL)
		return 0;
	jf_q_open(c, &q, sql, "i", v);
	if ((found = jf_q_next(&q)))
		rc = from_row(c, &q, r);
	if (jf_q_close(&q) != 0)
		return q.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no rules version %lld"),
		    (long long)v);
	return rc;
}

/*
 * The whole of a file, NUL-terminated; NULL with the error set and *rc
 * its status: JF_ENOINPUT when it cannot be read, JF_EDATA when what it
 * holds cannot be a document (too large, a NUL byte).
 */
static char *
slurp(const char *path, int *rc)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	*rc = JF_ENOINPUT;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		jf_error(JF_ENOINPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb;

			if (cap >= (1 << 20)) {
				*rc = jf_error(JF_EDATA, _("%s: too large"),
				    path);
				goto fail;
			}
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				*rc = jf_error(JF_ESOFTWARE,
				    _("out of memory"));
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		jf_error(JF_ENOINPUT, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		*rc = jf_error(JF_EDATA, _("%s: a NUL byte in the document "
		    "(byte %zu)"), strcmp(path, "-") == 0 ? "stdin" : path,
		    (size_t)((char *)memchr(buf, '\0', len) - buf) + 1);
		goto fail;
	}
	buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}

int
jf_rules_load(struct jf_ctx *c, const char *path, int64_t *version)
{
	static const char ins[] = "INSERT INTO rules (version, effective, doc, "
	    "audit_id) VALUES ((SELECT coalesce(max(version), 0) + 1 FROM "
	    "rules), ?, ?, ?) RETURNING version";
	struct jf_rules *r;
	const char *name;
	char *text;
	int64_t v;
	int rc;

	if ((text = slurp(path, &rc)) == NULL)
		return rc;
	name = strcmp(path, "-") == 0 ? "stdin" : path;
	if ((rc = jf_rules_parse(text, name, &r)) != 0) {
		free(text);
		return rc;
	}
	jf_rules_free(r);
	/*
	 * the version the row was given, not the last id: on PostgreSQL the
	 * explicit version draws nothing from the identity's sequence
	 */
	rc = jf_q_int(c, ins, &v, "tti", c->now, text, (int64_t)c->audit_id);
	free(text);
	if (rc != 0)
		return rc;
	if (c->rules_cache != NULL)	/* a new version is in force now */
		((struct cache *)c->rules_cache)->last = NULL;
	if (version != NULL)
		*version = v;
	return 0;
}

int
jf_rules_text(struct jf_ctx *c, char **text, int64_t *version)
{
	static const char sql[] = "SELECT version, doc FROM rules "
	    "WHERE effective <= ? ORDER BY effective DESC, version DESC "
	    "LIMIT 1";
	struct jf_rows q;
	int found;

	*text = NULL;
	jf_q_open(c, &q, sql, "t", c->now);
	if ((found = jf_q_next(&q))) {
		if (version != NULL)
			*version = jf_r_int(&q, 0);
		*text = strdup(jf_r_text(&q, 1));
	}
	if (jf_q_close(&q) != 0) {
		free(*text);
		*text = NULL;
		return q.rc;
	}
	if (!found)
		return jf_error(JF_EREFUSED, _("no rules in force at %s"),
		    c->now);
	if (*text == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	return 0;
}

const struct jf_tier *
jf_rules_tier(const struct jf_rules *r, const char *name)
{
	if (name == NULL)
		return NULL;
	for (int i = 0; i < r->ntiers; i++)
		if (strcmp(r->tiers[i].name, name) == 0)
			return &r->tiers[i];
	return NULL;
}

int64_t
jf_rules_tier_factor(const struct jf_rules *r, const char *name)
{
	const struct jf_tier *t = jf_rules_tier(r, name);

	return t ? t->factor : 100;
}

const struct jf_tier *
jf_rules_tier_for(const struct jf_rules *r, int64_t points)
{
	const struct jf_tier *t = &r->tiers[0];

	for (int i = 1; i < r->ntiers; i++)
		if (r->tiers[i].min_points <= points)
			t = &r->tiers[i];
	return t;
}

const struct jf_activity *
jf_rules_activity(const struct jf_rules *r, const char *name)
{
	for (int i = 0; i < r->nacts; i++)
		if (strcmp(r->acts[i].name, name) == 0)
			return &r->acts[i];
	return NULL;
}

static int
in_list(char **l, const char *s)
{
	if (s == NULL)
		return 0;
	for (; *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* Whether multiplier m applies to a line sold at ts (wday, date, minute). */
static int
applies(const struct jf_mult *m, const struct jf_earn_in *l, int dbits,
    const char *date, int minute)
{
	if (l != NULL && m->skus != NULL && !in_list(m->skus, l->sku))
		return 0;
	if (l != NULL && m->categories != NULL &&
	    !in_list(m->categories, l->category))
		return 0;
	if (m->days != 0 && !(m->days & dbits))
		return 0;
	if (m->from[0] && strcmp(date, m->from) < 0)
		return 0;
	if (m->to[0] && strcmp(date, m->to) > 0)
		return 0;
	if (m->hfrom >= 0) {
		if (m->hfrom < m->hto) {
			if (minute < m->hfrom || minute >= m->hto)
				return 0;
		} else if (minute < m->hfrom && minute >= m->hto)
			return 0;	/* a window across midnight */
	}
	return 1;
}

/*
 * A line's multiplier in JF_MULT_ONE units and the names of the rules
 * that made it.  Under "multiply" the product of the factors (each in
 * hundredths) is exact for up to four of them; after every fourth it is
 * rounded down to the unit to stay in range, and it is held at
 * FACTOR_MAX.
 */
static int64_t
line_mult(const struct jf_rules *r, const struct jf_earn_in *l, int dbits,
    const char *date, int minute, char *rule, size_t rulesz)
{
	__int128 num = JF_MULT_ONE, den = 1;
	int64_t best = 100;
	int k = 0;

	rule[0] = '\0';
	if (l->no_points) {
		snprintf(rule, rulesz, "%s", "no-points");
		return 0;
	}
	for (int i = 0; i < r->nmults; i++) {
		const struct jf_mult *m = &r->mults[i];

		if (!applies(m, l, dbits, date, minute))
			continue;
		if (r->stacking == JF_STACK_MAX) {
			if (rule[0] == '\0' || m->factor > best) {
				best = m->factor;
				snprintf(rule, rulesz, "%s", m->name);
			}
			continue;
		}
		if (rule[0] != '\0')
			strncat(rule, "+", rulesz - strlen(rule) - 1);
		strncat(rule, m->name, rulesz - strlen(rule) - 1);
		num *= m->factor;
		den *= 100;
		if (++k == 4) {
			num /= den;
			den = 1;
			k = 0;
		}
		if (num > (__int128)FACTOR_MAX * JF_MULT_ONE / 100 * den) {
			num = (__int128)FACTOR_MAX * JF_MULT_ONE / 100;
			den = 1;
			k = 0;
		}
	}
	if (r->stacking == JF_STACK_MAX)
		return best * (JF_MULT_ONE / 100);
	return (int64_t)(num / den);
}

/* The day of ts and its bits (weekday, holiday) and minute of the day. */
static void
when_of(const struct jf_rules *r, const char *ts, char *date, int *dbits,
    int *minute)
{
	memcpy(date, ts, 10);
	date[10] = '\0';
	*dbits = 1 << jf_weekday(date);
	if (jf_rules_holiday(r, date))
		*dbits |= HOLIDAY;
	*minute = 0;
	if (strlen(ts) >= 16)
		*minute = ((ts[11] - '0') * 10 + ts[12] - '0') * 60 +
		    (ts[14] - '0') * 10 + ts[15] - '0';
}

int
jf_rules_holiday(const struct jf_rules *r, const char *date)
{
	for (int i = 0; i < r->nholidays; i++)
		if (strncmp(r->holidays[i], date, 10) == 0)
			return 1;
	return 0;
}

int
jf_threshold_when(const struct jf_rules *r, const struct jf_threshold *t,
    const char *ts)
{
	char date[JF_DATE_LEN];
	int dbits, minute;

	when_of(r, ts, date, &dbits, &minute);
	return applies(&t->when, NULL, dbits, date, minute);
}

const struct jf_threshold *
jf_rules_threshold(const struct jf_rules *r, const char *name)
{
	for (int i = 0; i < r->nthresholds; i++)
		if (strcmp(r->thresholds[i].name, name) == 0)
			return &r->thresholds[i];
	return NULL;
}

int64_t
jf_rules_price(const struct jf_rules *r, const char *tier, int64_t price)
{
	const struct jf_tier *t = tier != NULL ? jf_rules_tier(r, tier) : NULL;

	if (t == NULL || t->discount >= 100)
		return price;
	return (int64_t)(((__int128)price * t->discount + 50) / 100);
}

int64_t
jf_rules_gift_points(const struct jf_rules *r, const char *tier,
    int64_t points)
{
	const struct jf_tier *t = tier != NULL ? jf_rules_tier(r, tier) : NULL;

	if (t == NULL || t->gift_discount >= 100)
		return points;
	return (int64_t)(((__int128)points * t->gift_discount + 99) / 100);
}

/*
 * earned = floor(S * P / G * t * E / A), S = sum(a_i * m_i).  With m in
 * JF_MULT_ONE units and t in hundredths that is
 * floor(S * t * P * E / (G * A * 10^10)), rounded once: S * t * P is
 * split as q * G + r (r < G), so the numerator over G is q * E plus
 * floor(r * E / G), exactly, and since floor(floor(n / a) / b) =
 * floor(n / (a * b)) the last two divisions lose nothing either.  No
 * step leaves 128 bits for amounts up to 10^13 fen a line.
 */
static int64_t
formula(unsigned __int128 s, int64_t t, int64_t e, int64_t paid, int64_t gross,
    int64_t per)
{
	unsigned __int128 x = s * (unsigned __int128)t;
	unsigned __int128 g = (unsigned __int128)gross;
	unsigned __int128 p = (unsigned __int128)paid;
	unsigned __int128 r = x % g * p;
	unsigned __int128 q = x / g * p + r / g;

	x = q * (unsigned __int128)e + r % g * (unsigned __int128)e / g;
	x /= (unsigned __int128)JF_MULT_ONE * 100;
	x /= (unsigned __int128)per;
	return x > INT64_MAX ? INT64_MAX : (int64_t)x;
}

int64_t
jf_earn(const struct jf_rules *r, const struct jf_earn_in *lines, int n,
    const char *ts, int64_t tier_factor, int64_t offset,
    struct jf_earn_out *out)
{
	char date[JF_DATE_LEN], rule[128];
	unsigned __int128 s = 0;
	int64_t gross = 0, paid;
	int dbits, minute;

	when_of(r, ts, date, &dbits, &minute);
	for (int i = 0; i < n; i++)
		if (lines[i].amount > 0)
			gross += lines[i].amount;
	paid = gross - offset;
	if (tier_factor < 0)
		tier_factor = 0;
	for (int i = 0; i < n; i++) {
		int64_t m, a = lines[i].amount > 0 ? lines[i].amount : 0;

		if (lines[i].booked) {
			m = lines[i].mult > 0 ? lines[i].mult : 0;
			rule[0] = '\0';
		} else
			m = line_mult(r, &lines[i], dbits, date, minute, rule,
			    sizeof(rule));
		s += (unsigned __int128)a * (unsigned __int128)m;
		if (out == NULL)
			continue;
		out[i].mult = m / (JF_MULT_ONE / 100);
		out[i].mult_exact = m;
		snprintf(out[i].rule, sizeof(out[i].rule), "%s", rule);
		out[i].points = paid <= 0 ? 0 : formula((unsigned __int128)a *
		    (unsigned __int128)m, tier_factor, r->earn_points, paid,
		    gross, r->earn_per);
	}
	if (paid <= 0 || gross <= 0)
		return 0;
	return formula(s, tier_factor, r->earn_points, paid, gross,
	    r->earn_per);
}

int
jf_offset_check(const struct jf_rules *r, int64_t points, int64_t gross,
    int64_t *value)
{
	char b1[JF_MONEY_BUF], b2[JF_MONEY_BUF];
	int64_t v;

	if (points <= 0)
		return jf_error(JF_EREFUSED, _("points to use must be more "
		    "than 0"));
	if (points % r->off_points != 0)
		return jf_error(JF_EREFUSED, _("points are used in multiples "
		    "of %lld"), (long long)r->off_points);
	if (points < r->off_min_points)
		return jf_error(JF_EREFUSED, _("at least %lld points must be "
		    "used"), (long long)r->off_min_points);
	if (gross < r->off_min_order)
		return jf_error(JF_EREFUSED, _("the order total %s is below "
		    "the minimum of %s for using points"),
		    jf_money_fmt(gross, b1), jf_money_fmt(r->off_min_order, b2));
	if (points / r->off_points > INT64_MAX / r->off_value)
		return jf_error(JF_EREFUSED, _("too many points"));
	v = points / r->off_points * r->off_value;
	if (v > r->off_max_value)
		return jf_error(JF_EREFUSED, _("%lld points are worth %s, above "
		    "the most of %s per order"), (long long)points,
		    jf_money_fmt(v, b1), jf_money_fmt(r->off_max_value, b2));
	if (v > gross)
		return jf_error(JF_EREFUSED, _("%lld points are worth %s, more "
		    "than the order total %s"), (long long)points,
		    jf_money_fmt(v, b1), jf_money_fmt(gross, b2));
	if (value != NULL)
		*value = v;
	return 0;
}

int64_t
jf_offset_max(const struct jf_rules *r, int64_t gross, int64_t balance,
    int64_t *value)
{
	int64_t units, cap;

	if (value != NULL)
		*value = 0;
	if (gross < r->off_min_order || balance <= 0)
		return 0;
	units = balance / r->off_points;
	cap = r->off_max_value < gross ? r->off_max_value : gross;
	if (units > cap / r->off_value)
		units = cap / r->off_value;
	if (units * r->off_points < r->off_min_points)
		return 0;
	if (value != NULL)
		*value = units * r->off_value;
	return units * r->off_points;
}

static void when_text(const struct jf_mult *, char *, size_t, size_t);

/* A multiplier as `points rules` shows it: "x2.00 categories tea ...". */
static void
mult_text(const struct jf_mult *m, char *v, size_t size)
{
	char b[JF_MONEY_BUF];
	size_t len;

	len = (size_t)snprintf(v, size, "x%s", jf_money_fmt(m->factor, b));
	for (char **s = m->skus; s != NULL && *s && len < size; s++)
		len += snprintf(v + len, size - len, "%s%s",
		    s == m->skus ? " skus " : ",", *s);
	for (char **s = m->categories; s != NULL && *s && len < size; s++)
		len += snprintf(v + len, size - len, "%s%s",
		    s == m->categories ? " categories " : ",", *s);
	when_text(m, v, size, len);
}

/* When a rule applies, as `points rules` shows it, after v's len bytes. */
static void
when_text(const struct jf_mult *m, char *v, size_t size, size_t len)
{
	/* Monday first, the holidays last */
	for (int d = 1, f = 1; d <= 8 && len < size; d++) {
		int b = d == 8 ? 7 : d % 7;

		if (m->days & (1 << b)) {
			len += snprintf(v + len, size - len, "%s%s",
			    f ? " days " : ",", daynames[b]);
			f = 0;
		}
	}
	if ((m->from[0] || m->to[0]) && len < size)
		len += snprintf(v + len, size - len, " %s..%s", m->from, m->to);
	if (m->hfrom >= 0 && len < size)
		snprintf(v + len, size - len, " hours %02d:%02d-%02d:%02d",
		    m->hfrom / 60, m->hfrom % 60, m->hto / 60, m->hto % 60);
}

/* A tier: "from 2000 points, x1.20, discount 0.95, gifts 0.90". */
static void
tier_text(const struct jf_tier *t, char *v, size_t size)
{
	char b[JF_MONEY_BUF];
	size_t len;

	len = (size_t)snprintf(v, size, "from %lld points, x%s",
	    (long long)t->min_points, jf_money_fmt(t->factor, b));
	if (t->discount < 100 && len < size)
		len += snprintf(v + len, size - len, ", discount %s",
		    jf_money_fmt(t->discount, b));
	if (t->gift_discount < 100 && len < size)
		snprintf(v + len, size - len, ", gifts %s",
		    jf_money_fmt(t->gift_discount, b));
}

/* The holidays, "2026-10-01,2026-10-02", and the thresholds. */
static void
settings_marketing(const struct jf_rules *r, jf_setting_fn *fn, void *arg)
{
	char k[256], v[1024], b[JF_MONEY_BUF];
	size_t len = 0;

	v[0] = '\0';
	for (int i = 0; i < r->nholidays && len + 12 < sizeof(v); i++)
		len += snprintf(v + len, sizeof(v) - len, "%s%s",
		    i ? "," : "", r->holidays[i]);
	if (r->nholidays > 0)
		fn(arg, "holidays", v);
	for (int i = 0; i < r->nthresholds; i++) {
		const struct jf_threshold *t = &r->thresholds[i];

		snprintf(k, sizeof(k), "threshold %s", t->name);
		len = (size_t)snprintf(v, sizeof(v), "%lld points from %s "
		    "paid", (long long)t->points, jf_money_fmt(t->min_paid, b));
		when_text(&t->when, v, sizeof(v), len);
		fn(arg, k, v);
	}
}

/* The tiers, the bonuses and the activities. */
static void
settings_members(const struct jf_rules *r, jf_setting_fn *fn, void *arg)
{
	char k[256], v[1024];

	for (int i = 0; i < r->ntiers; i++) {
		snprintf(k, sizeof(k), "tier %s", r->tiers[i].name);
		tier_text(&r->tiers[i], v, sizeof(v));
		fn(arg, k, v);
	}
	snprintf(v, sizeof(v), "signup %lld, profile %lld, birthday %lld, "
	    "referral %lld", (long long)r->bonus_signup,
	    (long long)r->bonus_profile, (long long)r->bonus_birthday,
	    (long long)r->bonus_referral);
	fn(arg, "bonuses", v);
	for (int i = 0; i < r->nacts; i++) {
		const struct jf_activity *a = &r->acts[i];

		snprintf(k, sizeof(k), "activity %s", a->name);
		if (a->daily_cap > 0)
			snprintf(v, sizeof(v), "%lld points, at most %lld a "
			    "day", (long long)a->points,
			    (long long)a->daily_cap);
		else
			snprintf(v, sizeof(v), "%lld points",
			    (long long)a->points);
		fn(arg, k, v);
	}
}

void
jf_rules_settings(const struct jf_rules *r, jf_setting_fn *fn, void *arg)
{
	char k[256], v[1024], b1[JF_MONEY_BUF], b2[JF_MONEY_BUF],
	    b3[JF_MONEY_BUF];

	snprintf(v, sizeof(v), "%lld", (long long)r->version);
	fn(arg, "version", v);
	fn(arg, "effective", r->effective);
	snprintf(v, sizeof(v), "%lld per %s", (long long)r->earn_points,
	    jf_money_fmt(r->earn_per, b1));
	fn(arg, "earn", v);
	for (int i = 0; i < r->nmults; i++) {
		snprintf(k, sizeof(k), "multiplier %s", r->mults[i].name);
		mult_text(&r->mults[i], v, sizeof(v));
		fn(arg, k, v);
	}
	fn(arg, "stacking", r->stacking == JF_STACK_MAX ? "max" : "multiply");
	settings_members(r, fn, arg);
	settings_marketing(r, fn, arg);
	if (r->expiry_months > 0)
		snprintf(v, sizeof(v), "%d months, reminder %d days before",
		    r->expiry_months, r->remind_days);
	else
		snprintf(v, sizeof(v), "never");
	fn(arg, "expiry", v);
	snprintf(v, sizeof(v), "%lld points = %s, at least %lld points, "
	    "order at least %s, at most %s", (long long)r->off_points,
	    jf_money_fmt(r->off_value, b1), (long long)r->off_min_points,
	    jf_money_fmt(r->off_min_order, b2),
	    jf_money_fmt(r->off_max_value, b3));
	fn(arg, "offset", v);
}
