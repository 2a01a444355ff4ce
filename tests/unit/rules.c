/*
 * Unit tests: the rules document and the earning formula (DESIGN.md 4).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "rules.h"
#include "tap.h"

extern const char jf_rules_json[];

#define WED "2026-11-18 10:00:00"
#define SAT "2026-11-21 10:00:00"

static struct jf_rules *
rules(const char *doc)
{
	struct jf_rules *r = NULL;

	if (jf_rules_parse(doc, "rules.json", &r) != 0) {
		printf("# parse: %s\n", jf_errmsg());
		exit(1);
	}
	return r;
}

static int64_t
one(const struct jf_rules *r, const char *ts, int64_t amount, int64_t t,
    int64_t off)
{
	struct jf_earn_in l = { "SKU1", NULL, 0, amount, 0, 0 };

	return jf_earn(r, &l, 1, ts, t, off, NULL);
}

/* A document that must be refused with exactly this message. */
static void
bad(const char *doc, const char *want)
{
	struct jf_rules *r = (struct jf_rules *)&r;
	int rc = jf_rules_parse(doc, "rules.json", &r);

	ok(rc == JF_EDATA && r == (struct jf_rules *)&r, "refused: %s", want);
	is_str(jf_errmsg(), want, "  its message");
}

static void
table(void)
{
	struct jf_rules *r = rules(jf_rules_json);
	struct jf_rules *cat, *mul, *ten;
	struct jf_earn_in two[2] = {
		{ "TEA1", "tea", 0, 12000, 0, 0 },
		{ "CUP1", "cup", 0, 8000, 0, 0 },
	};
	struct jf_earn_out out[2];

	is_int(one(r, WED, 12000, 100, 0), 120, "W, one line 120.00: 120");
	is_int(one(r, SAT, 8000, 100, 0), 120, "S, 80.00 (weekend 1.5): 120");
	is_int(one(r, WED, 24000, 100, 2000), 220,
	    "W, 240.00 with 20.00 offset: 220");

	cat = rules("{ \"multipliers\": ["
	    "{ \"name\": \"weekend\", \"days\": [\"sat\", \"sun\"], "
	    "\"factor\": \"1.5\" },"
	    "{ \"name\": \"tea\", \"categories\": [\"tea\"], \"factor\": \"2\" }"
	    "] }");
	is_int(jf_earn(cat, two, 2, SAT, 100, 0, out), 360,
	    "S, tea 120.00 at 2x + cup 80.00, max: 360");
	is_int(out[0].points, 240, "  tea line 240");
	is_int(out[0].mult, 200, "  tea multiplier 2.00");
	is_str(out[0].rule, "tea", "  tea rule");
	is_int(out[1].points, 120, "  cup line 120");
	is_str(out[1].rule, "weekend", "  cup rule");

	mul = rules("{ \"stacking\": \"multiply\", \"multipliers\": ["
	    "{ \"name\": \"weekend\", \"days\": [\"sat\", \"sun\"], "
	    "\"factor\": \"1.5\" },"
	    "{ \"name\": \"tea\", \"categories\": [\"tea\"], \"factor\": \"2\" }"
	    "] }");
	is_int(jf_earn(mul, two, 2, SAT, 100, 0, out), 480,
	    "the same, multiply: 480");
	is_int(out[0].mult, 300, "  tea multiplier 3.00");
	is_str(out[0].rule, "weekend+tea", "  tea rules");
	is_int(out[0].points, 360, "  tea line 360");

	is_int(one(r, WED, 8000, 120, 0), 96, "W, 80.00 silver 1.2: 96");
	is_int(one(r, SAT, 1999, 100, 0), 29, "S, 19.99 (29.985): 29");
	is_int(one(r, WED, 99, 100, 0), 0, "W, 0.99: 0");
	ten = rules("{ \"earn\": { \"points\": 1, \"per_amount\": \"10.00\" } }");
	is_int(one(ten, WED, 19999, 100, 0), 19,
	    "W, 199.99 at 1 per 10.00: 19");
	is_int(ten->earn_points, 1, "  earn.points kept");
	is_int(ten->bonus_signup, 100, "  other keys default");

	jf_rules_free(r);
	jf_rules_free(cat);
	jf_rules_free(mul);
	jf_rules_free(ten);
}

static void
conditions(void)
{
	struct jf_rules *r = rules("{ \"multipliers\": ["
	    "{ \"name\": \"evening\", \"hours\": \"18:00-22:00\", "
	    "\"factor\": \"2\" },"
	    "{ \"name\": \"double11\", \"from\": \"2026-11-11\", "
	    "\"to\": \"2026-11-12\", \"factor\": \"3\" },"
	    "{ \"name\": \"night\", \"hours\": \"23:00-01:00\", "
	    "\"factor\": \"1.1\" },"
	    "{ \"name\": \"promo\", \"skus\": [\"P1\", \"P2\"], "
	    "\"days\": [\"wed\"], \"factor\": \"1.25\" }"
	    "] }");
	struct jf_earn_in l[3] = {
		{ "P2", NULL, 0, 10000, 0, 0 },
		{ "X", "", 0, 10000, 0, 0 },
		{ "N", NULL, 1, 10000, 0, 0 },
	};
	struct jf_earn_out out[3];

	is_int(one(r, "2026-11-18 17:59:59", 10000, 100, 0), 100,
	    "17:59 is before the evening window");
	is_int(one(r, "2026-11-18 18:00:00", 10000, 100, 0), 200,
	    "18:00 is in it");
	is_int(one(r, "2026-11-18 21:59:00", 10000, 100, 0), 200,
	    "21:59 is in it");
	is_int(one(r, "2026-11-18 22:00:00", 10000, 100, 0), 100,
	    "22:00 is not");
	is_int(one(r, "2026-11-18 23:30:00", 10000, 100, 0), 110,
	    "a window across midnight: 23:30");
	is_int(one(r, "2026-11-19 00:30:00", 10000, 100, 0), 110,
	    "a window across midnight: 00:30");
	is_int(one(r, "2026-11-10 10:00:00", 10000, 100, 0), 100,
	    "the day before from");
	is_int(one(r, "2026-11-11 10:00:00", 10000, 100, 0), 300,
	    "from is inclusive");
	is_int(one(r, "2026-11-12 23:59:59", 10000, 100, 0), 300,
	    "to is inclusive");
	is_int(one(r, "2026-11-13 10:00:00", 10000, 100, 0), 100,
	    "the day after to");
	is_int(jf_earn(r, l, 3, WED, 100, 0, out), 225,
	    "skus and days; no-points line earns nothing");
	is_int(out[0].mult, 125, "  listed sku on a Wednesday: 1.25");
	is_int(out[1].mult, 100, "  other sku: 1");
	is_str(out[1].rule, "", "  no rule");
	is_int(out[2].mult, 0, "  no-points product: 0");
	is_int(out[2].points, 0, "  and no points");
	is_int(jf_earn(r, l, 3, "2026-11-19 10:00:00", 100, 0, out), 200,
	    "the promo is Wednesdays only");
	jf_rules_free(r);

	r = rules("{ \"stacking\": \"multiply\", \"multipliers\": ["
	    "{ \"name\": \"a\", \"factor\": \"1.25\" },"
	    "{ \"name\": \"b\", \"factor\": \"1.25\" } ] }");
	is_int(one(r, WED, 10000, 100, 0), 156,
	    "multiply 1.25 x 1.25 = 1.5625 on 100.00: 156.25, one floor");
	jf_rules_free(r);
	r = rules("{ \"stacking\": \"multiply\", \"multipliers\": ["
	    "{ \"name\": \"a\", \"factor\": \"1.15\" },"
	    "{ \"name\": \"b\", \"factor\": \"1.15\" } ] }");
	is_int(one(r, WED, 100000, 100, 0), 1322,
	    "multiply 1.15 x 1.15 = 1.3225 exactly on 1000.00: 1322, not 1320");
	{
		struct jf_earn_in b = { "SKU1", NULL, 0, 100000, 1, 132250000 };

		is_int(jf_earn(r, &b, 1, SAT, 100, 0, NULL), 1322,
		    "a line booked with 1.3225 earns by it, whatever the day");
	}
	jf_rules_free(r);
	r = rules("{ \"stacking\": \"multiply\", \"multipliers\": ["
	    "{ \"name\": \"a\", \"factor\": \"1000\" },"
	    "{ \"name\": \"b\", \"factor\": \"1000\" },"
	    "{ \"name\": \"c\", \"factor\": \"0.5\" } ] }");
	is_int(one(r, WED, 100, 100, 0), 500,
	    "a product is held at 1000 per step");
	jf_rules_free(r);
}

static void
limits(void)
{
	struct jf_rules *r = rules(jf_rules_json);
	struct jf_rules *big = rules("{ \"earn\": { \"points\": 1000000, "
	    "\"per_amount\": \"0.01\" }, \"multipliers\": ["
	    "{ \"name\": \"x\", \"factor\": \"1000\" } ] }");
	struct jf_earn_in l[4];

	for (int i = 0; i < 4; i++) {
		l[i].sku = "S";
		l[i].category = NULL;
		l[i].no_points = 0;
		l[i].amount = JF_MONEY_MAX;
		l[i].booked = 0;
		l[i].mult = 0;
	}
	is_int(one(r, WED, JF_MONEY_MAX, 100, 0), 100000000000LL,
	    "10^13 fen earns 10^11 points");
	is_int(one(r, WED, JF_MONEY_MAX - 1, 150, 0), 149999999999LL,
	    "10^13 - 1 fen at gold 1.5");
	is_int(jf_earn(r, l, 4, SAT, 150, JF_MONEY_MAX - 1, NULL),
	    675000000000LL, "four lines of 10^13 on a Saturday, gold, offset");
	/* 10^13 fen x 1000 x 1000 (tier) x 10^6 points per fen: capped */
	is_int(jf_earn(big, l, 1, WED, 100000, 0, NULL), INT64_MAX,
	    "a result beyond 64 bits is held at the largest");
	is_int(jf_earn(big, l, 1, WED, 100, JF_MONEY_MAX, NULL), 0,
	    "all paid with points: nothing earned");
	is_int(jf_earn(r, l, 0, WED, 100, 0, NULL), 0, "no lines: nothing");
	jf_rules_free(r);
	jf_rules_free(big);
}

static void
tiers(void)
{
	struct jf_rules *r = rules(jf_rules_json);

	is_str(jf_rules_tier_for(r, 0)->name, "normal", "0 points: normal");
	is_str(jf_rules_tier_for(r, 1999)->name, "normal", "1999: normal");
	is_str(jf_rules_tier_for(r, 2000)->name, "silver", "2000: silver");
	is_str(jf_rules_tier_for(r, 5000)->name, "gold", "5000: gold");
	is_str(jf_rules_tier_for(r, -50)->name, "normal", "a debt: normal");
	is_int(jf_rules_tier_factor(r, "gold"), 150, "gold factor 1.5");
	is_int(jf_rules_tier_factor(r, "nope"), 100, "unknown tier factor 1");
	ok(jf_rules_tier(r, "nope") == NULL, "no tier \"nope\"");
	ok(jf_rules_activity(r, "share") != NULL &&
	    jf_rules_activity(r, "share")->points == 50 &&
	    jf_rules_activity(r, "share")->daily_cap == 1, "share: 50, cap 1");
	ok(jf_rules_activity(r, "review") != NULL &&
	    jf_rules_activity(r, "review")->daily_cap == 5, "review: cap 5");
	ok(jf_rules_activity(r, "like") == NULL, "no activity \"like\"");
	is_int(r->expiry_months, 24, "expiry 24 months");
	is_int(r->remind_days, 30, "reminder 30 days");
	is_int(r->off_value, 1000, "offset value 10.00");
	is_int(r->off_min_order, 20000, "offset min order 200.00");
	is_int(r->off_max_value, 50000, "offset max 500.00");
	jf_rules_free(r);
}

static void
offset(void)
{
	struct jf_rules *r = rules(jf_rules_json);
	int64_t v = -1;

	is_int(jf_offset_check(r, 200, 24000, &v), 0, "200 points on 240.00");
	is_int(v, 2000, "  worth 20.00");
	is_int(jf_offset_check(r, 150, 24000, &v), JF_EREFUSED,
	    "150 points: not a multiple of 100");
	is_int(jf_offset_check(r, 100, 19999, &v), JF_EREFUSED,
	    "order below 200.00");
	is_int(jf_offset_check(r, 100, 20000, &v), 0, "order of 200.00");
	is_int(jf_offset_check(r, 5100, 100000, &v), JF_EREFUSED,
	    "5100 points are worth over 500.00");
	is_int(jf_offset_check(r, 5000, 100000, &v), 0, "5000 points: 500.00");
	is_int(jf_offset_check(r, 0, 100000, &v), JF_EREFUSED, "0 points");
	is_int(jf_offset_max(r, 24000, 1234, &v), 1200, "max on 240.00, 1234");
	is_int(v, 12000, "  worth 120.00");
	is_int(jf_offset_max(r, 24000, 99999, &v), 2400,
	    "max on 240.00 is its total");
	is_int(jf_offset_max(r, 100000, 99999, &v), 5000, "max is 500.00");
	is_int(jf_offset_max(r, 19999, 99999, &v), 0, "below min order");
	is_int(v, 0, "  worth 0");
	is_int(jf_offset_max(r, 24000, 99, &v), 0, "balance below 100");
	jf_rules_free(r);
}

static void
validation(void)
{
	struct jf_rules *r;

	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"x\" } ] }",
	    "rules.json: multipliers[0].factor: not a decimal: \"x\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": 2 } ] }",
	    "rules.json: multipliers[0].factor: not a string");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"-1\" } ] }",
	    "rules.json: multipliers[0].factor: negative: \"-1\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"1.234\" } ] }",
	    "rules.json: multipliers[0].factor: not a decimal: \"1.234\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"1001\" } ] }",
	    "rules.json: multipliers[0].factor: too large (at most 1000): "
	    "\"1001\"");
	bad("{ \"multipliers\": [ { \"factor\": \"2\" } ] }",
	    "rules.json: multipliers[0].name: missing");
	bad("{ \"multipliers\": [ { \"name\": \"w\" } ] }",
	    "rules.json: multipliers[0].factor: missing");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"colour\": \"red\" } ] }",
	    "rules.json: multipliers[0].colour: unknown key");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\" }, "
	    "{ \"name\": \"v\", \"factor\": \"2\", \"days\": [\"sat\", "
	    "\"fun\"] } ] }",
	    "rules.json: multipliers[1].days[1]: not a day (mon ... sun, holiday): "
	    "\"fun\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"days\": \"sat\" } ] }",
	    "rules.json: multipliers[0].days: not a list");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"hours\": \"18:00-25:00\" } ] }",
	    "rules.json: multipliers[0].hours: not hours (HH:MM-HH:MM): "
	    "\"18:00-25:00\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"hours\": \"18:00\" } ] }",
	    "rules.json: multipliers[0].hours: not hours (HH:MM-HH:MM): "
	    "\"18:00\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"from\": \"2026-02-30\" } ] }",
	    "rules.json: multipliers[0].from: not a date (YYYY-MM-DD): \"2026-02-30\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"from\": \"2026-03-01\", \"to\": \"2026-02-01\" } ] }",
	    "rules.json: multipliers[0].to: before from: \"2026-02-01\"");
	bad("{ \"multipliers\": [ { \"name\": \"w\", \"factor\": \"2\", "
	    "\"skus\": [\"A\", 3] } ] }",
	    "rules.json: multipliers[0].skus[1]: not a string");
	bad("{ \"multipliers\": {} }", "rules.json: multipliers: not a list");
	bad("{ \"stacking\": \"sum\" }",
	    "rules.json: stacking: not max or multiply: \"sum\"");
	bad("{ \"tiers\": [ { \"name\": \"a\", \"min_points\": 0, "
	    "\"factor\": \"1\" }, { \"name\": \"b\", \"min_points\": 0, "
	    "\"factor\": \"2\" } ] }",
	    "rules.json: tiers[1].min_points: not above the tier before");
	bad("{ \"tiers\": [ { \"name\": \"a\", \"min_points\": 10, "
	    "\"factor\": \"1\" } ] }",
	    "rules.json: tiers[0].min_points: the first tier must start at 0");
	bad("{ \"tiers\": [ { \"name\": \"a\", \"min_points\": 0, "
	    "\"factor\": \"1\" }, { \"name\": \"a\", \"min_points\": 9, "
	    "\"factor\": \"2\" } ] }",
	    "rules.json: tiers[1].name: duplicate: \"a\"");
	bad("{ \"tiers\": [] }", "rules.json: tiers: empty");
	bad("{ \"earn\": { \"points\": -1 } }",
	    "rules.json: earn.points: negative");
	bad("{ \"earn\": { \"points\": 1.5 } }",
	    "rules.json: earn.points: not a whole number");
	bad("{ \"earn\": { \"per_amount\": \"0\" } }",
	    "rules.json: earn.per_amount: must be more than zero: \"0\"");
	bad("{ \"earn\": { \"per_amount\": \"1.001\" } }",
	    "rules.json: earn.per_amount: not an amount (yuan, at most two decimals: 12.50): \"1.001\"");
	bad("{ \"earn\": { \"per\": \"1.00\" } }",
	    "rules.json: earn.per: unknown key");
	bad("{ \"earn\": 1 }", "rules.json: earn: not an object");
	bad("{ \"bonus\": {} }", "rules.json: bonus: unknown key");
	bad("{ \"bonuses\": { \"signup\": -5 } }",
	    "rules.json: bonuses.signup: negative");
	bad("{ \"activities\": { \"share\": { \"points\": 5, \"cap\": 1 } } }",
	    "rules.json: activities.share.cap: unknown key");
	bad("{ \"activities\": { \"share\": { \"daily_cap\": 1 } } }",
	    "rules.json: activities.share.points: missing");
	bad("{ \"expiry\": { \"months\": \"24\" } }",
	    "rules.json: expiry.months: not a whole number");
	bad("{ \"offset\": { \"value\": \"-10.00\" } }",
	    "rules.json: offset.value: negative: \"-10.00\"");
	bad("{ \"offset\": { \"points\": 0 } }",
	    "rules.json: offset.points: less than 1");
	bad("[1]", "rules.json: (top): not an object");
	bad("{ \"stacking\": \"max\", \"stacking\": \"max\" }",
	    "rules.json:1: column 31: duplicate object key near '\"stacking\"'");
	bad("{ \"earn\": ", "rules.json:1: column 10: unexpected token "
	    "near end of file");

	r = rules("{}");
	is_int(r->nmults, 1, "an empty document is the defaults");
	is_int(r->ntiers, 3, "  three tiers");
	is_int(r->tiers[2].factor, 150, "  gold 1.5");
	jf_rules_free(r);
	r = rules("{ \"multipliers\": [], \"activities\": { \"checkin\": "
	    "{ \"points\": 5 } }, \"expiry\": { \"months\": 12 } }");
	is_int(r->nmults, 0, "multipliers replaced whole");
	is_int(r->nacts, 1, "activities replaced whole");
	is_int(r->acts[0].daily_cap, 0, "  no daily cap when left out");
	is_int(r->expiry_months, 12, "expiry.months given");
	is_int(r->remind_days, 30, "  remind_days kept");
	jf_rules_free(r);
}

int
main(void)
{
	table();
	conditions();
	limits();
	tiers();
	offset();
	validation();
	return tap_done();
}
