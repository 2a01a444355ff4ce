/*
 * rules.h - the points rules (DESIGN.md section 4) and the earning formula.
 *
 * The rules are one JSON document, validated whole on load and stored as
 * a new version with the time it takes effect; a sale is computed, and
 * explained later, by the version in force at its time.  Every figure is
 * an integer: money in fen, factors in hundredths ("1.5" is 150).
 */
#ifndef JF_RULES_H
#define JF_RULES_H

#include <stdint.h>

#include "db.h"

enum { JF_STACK_MAX, JF_STACK_MULTIPLY };

struct jf_mult {
	char *name;
	char **skus;		/* NULL-terminated, or NULL: any */
	char **categories;	/* likewise */
	int days;		/* bit 0 Sunday ... bit 6 Saturday, bit 7
				   the shop's holidays; 0: any */
	char from[11], to[11];	/* inclusive dates, "" for open */
	int hfrom, hto;		/* minutes of the day [hfrom, hto); -1: any */
	int64_t factor;		/* hundredths */
};

struct jf_tier {
	char *name;
	int64_t min_points;
	int64_t factor;		/* hundredths */
	int64_t discount;	/* of list prices, hundredths; 100: none */
	int64_t gift_discount;	/* of gifts' points, hundredths; 100: none */
};

/* A spend-threshold bonus: when.skus and when.categories are unused. */
struct jf_threshold {
	char *name;
	int64_t min_paid;	/* fen */
	int64_t points;
	struct jf_mult when;
};

struct jf_activity {
	char *name;
	int64_t points;
	int64_t daily_cap;
};

struct jf_rules {
	int64_t version;
	char effective[20];
	int64_t earn_points;	/* earn.points ... */
	int64_t earn_per;	/* ... per earn.per_amount fen */
	struct jf_mult *mults;
	int nmults;
	int stacking;
	struct jf_tier *tiers;	/* ascending min_points; tiers[0] from 0 */
	int ntiers;
	int64_t bonus_signup, bonus_profile, bonus_birthday, bonus_referral;
	struct jf_activity *acts;
	int nacts;
	int expiry_months;
	int remind_days;
	int64_t off_points;	/* offset.points are worth ... */
	int64_t off_value;	/* ... offset.value fen */
	int64_t off_min_points, off_min_order, off_max_value;
	int pending_days;	/* a sale's points spendable from day + N */
	char (*holidays)[11];	/* the shop's holidays, YYYY-MM-DD */
	int nholidays;
	struct jf_threshold *thresholds;
	int nthresholds;
};

/*
 * Parses and validates a rules document; name prefixes messages
 * ("rules.json: multipliers[0].factor: not a decimal: \"x\"").
 * JF_EDATA on any fault, and *r untouched.
 */
int jf_rules_parse(const char *text, const char *name, struct jf_rules **r);
void jf_rules_free(struct jf_rules *r);
/* The rules in force at ts (borrowed; cached in the ctx's lifetime). */
int jf_rules_at(struct jf_ctx *c, const char *ts, const struct jf_rules **r);
/* The version number v (borrowed, cached). */
int jf_rules_version(struct jf_ctx *c, int64_t v, const struct jf_rules **r);
/* Validates FILE and stores it as a new version effective at c->now. */
int jf_rules_load(struct jf_ctx *c, const char *path, int64_t *version);
/* The stored text of the version in force now (new reference, free()). */
int jf_rules_text(struct jf_ctx *c, char **text, int64_t *version);

/* A tier by name (NULL if none), and the factor of a tier name (100). */
const struct jf_tier *jf_rules_tier(const struct jf_rules *r, const char *name);
int64_t jf_rules_tier_factor(const struct jf_rules *r, const char *name);
/* The highest tier whose min_points the points reach (borrowed). */
const struct jf_tier *jf_rules_tier_for(const struct jf_rules *r,
    int64_t points);
/* Whether the day (YYYY-MM-DD) is one of the shop's holidays. */
int jf_rules_holiday(const struct jf_rules *r, const char *date);
/* Whether a threshold's days, dates and hours hold at ts. */
int jf_threshold_when(const struct jf_rules *r, const struct jf_threshold *t,
    const char *ts);
/* A threshold by name, or NULL (borrowed). */
const struct jf_threshold *jf_rules_threshold(const struct jf_rules *r,
    const char *name);
/*
 * A tier's VIP privileges: a list price discounted, half up to the fen;
 * a gift's points discounted, up to a whole point.  The tier name may
 * be NULL or unknown: no discount.
 */
int64_t jf_rules_price(const struct jf_rules *r, const char *tier,
    int64_t price);
int64_t jf_rules_gift_points(const struct jf_rules *r, const char *tier,
    int64_t points);
/* An activity by name, or NULL (borrowed). */
const struct jf_activity *jf_rules_activity(const struct jf_rules *r,
    const char *name);
/* Frees a ctx's parsed versions (jf_close calls it). */
void jf_rules_cache_free(void *cache);

/* One line of a sale as the earning formula sees it. */
struct jf_earn_in {
	const char *sku;
	const char *category;	/* NULL or "" for none */
	int no_points;
	int64_t amount;		/* qty x price, fen */
	int booked;		/* 1: mult below as booked, not by the rules */
	int64_t mult;		/* JF_MULT_ONE = 1x */
};

/*
 * Multipliers are exact in hundred-millionths: the product of up to four
 * stacked factors of hundredths.  A fifth and later factor round the
 * product down to that unit.
 */
#define JF_MULT_ONE 100000000LL

/* What the formula says of one line, for the till and `points explain`. */
struct jf_earn_out {
	int64_t mult;		/* hundredths (rounded down), for display */
	int64_t mult_exact;	/* JF_MULT_ONE = 1x; 0 for no points */
	char rule[128];		/* the multipliers that applied, "+"-joined */
	int64_t points;		/* the line's own share, rounded down */
};

/*
 * earned = floor(sum(a_i * m_i) * P / G * t * earn.points / earn.per_amount)
 * in 128-bit integers, one floor at the end.  m_i is by the rules at ts,
 * or, for a line marked booked, the multiplier it was sold with.  ts picks the day and hour;
 * tier_factor is in hundredths; offset is O fen (P = G - O).  out, if not
 * NULL, has n elements.  Returns the points (>= 0).
 */
int64_t jf_earn(const struct jf_rules *r, const struct jf_earn_in *lines,
    int n, const char *ts, int64_t tier_factor, int64_t offset,
    struct jf_earn_out *out);

/*
 * The cash offset rules: 0 if points may pay on an order of gross fen
 * (setting *value in fen), else JF_EREFUSED with the reason.
 */
int jf_offset_check(const struct jf_rules *r, int64_t points, int64_t gross,
    int64_t *value);
/* The most points usable on an order of gross fen (0 if none) and their value. */
int64_t jf_offset_max(const struct jf_rules *r, int64_t gross, int64_t balance,
    int64_t *value);

/*
 * The rules as people read them, for `points rules`: fn once per setting
 * ("version", "earn", "multiplier weekend", "tier silver", ...) with its
 * value as text, in the document's order; both borrowed for the call.
 */
typedef void jf_setting_fn(void *arg, const char *setting, const char *value);
void jf_rules_settings(const struct jf_rules *r, jf_setting_fn *fn, void *arg);

#endif
