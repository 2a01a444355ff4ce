/*
 * rules.c - fuzzes the rules parser (jf_rules_parse in lib/rules.c) and
 * what is computed from rules it accepted.
 *
 * Rules that parse are the contract of everything downstream, so each
 * accepted document is also put through the formula, the cash offset
 * and the tier lookups with ordinary figures: a divisor the parser let
 * be zero, or a bound it let overflow, shows up there.
 */
#include <string.h>

#include "err.h"
#include "money.h"
#include "rules.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ts[] = { "2026-11-21 09:12:00",
		"2026-11-23 23:59:59", "2024-02-29 00:00:00" };
	struct jf_rules *r = NULL;
	struct jf_earn_in lines[3];
	struct jf_earn_out out[3];
	char *text;
	int64_t v, p;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jf_rules_parse(text, "fuzz.json", &r) != 0) {
		FZ_ASSERT(r == NULL, "a refused document left rules");
		FZ_ASSERT(*jf_errmsg() != '\0', "refused without a message");
		free(text);
		return 0;
	}
	free(text);	/* the rules must not borrow from the text */
	FZ_ASSERT(r->ntiers >= 1 && r->tiers[0].min_points == 0,
	    "no tier from 0 points");
	for (int i = 1; i < r->ntiers; i++)
		FZ_ASSERT(r->tiers[i].min_points > r->tiers[i - 1].min_points,
		    "tiers not ascending");
	memset(lines, 0, sizeof(lines));
	lines[0].sku = "TEA-LJ";
	lines[0].category = "tea";
	lines[0].amount = 24000;
	lines[1].sku = r->nmults > 0 && r->mults[0].skus != NULL ?
	    r->mults[0].skus[0] : "CUP-01";
	lines[1].category = r->nmults > 0 && r->mults[0].categories != NULL ?
	    r->mults[0].categories[0] : NULL;
	lines[1].amount = JF_MONEY_MAX / 2;
	lines[2].sku = "POT-01";
	lines[2].no_points = 1;
	lines[2].amount = 1;
	for (int t = 0; t < 3; t++)
		for (int k = 0; k < r->ntiers; k++) {
			int64_t e = jf_earn(r, lines, 3, ts[t],
			    r->tiers[k].factor, 0, out);

			FZ_ASSERT(e >= 0, "earned %lld", (long long)e);
			FZ_ASSERT(out[2].points == 0, "a no-points line earned");
		}
	for (int64_t g = 0; g <= JF_MONEY_MAX; g = g * 10 + 1) {
		p = jf_offset_max(r, g, INT64_MAX, &v);
		FZ_ASSERT(p >= 0 && v >= 0 && v <= g, "offset_max %lld on %lld",
		    (long long)p, (long long)g);
		if (p > 0) {
			int64_t v2;

			FZ_ASSERT(jf_offset_check(r, p, g, &v2) == 0 && v2 == v,
			    "offset_max %lld refused by offset_check: %s",
			    (long long)p, jf_errmsg());
		}
		(void)jf_offset_check(r, r->off_points, g, &v);
		(void)jf_offset_check(r, INT64_MAX, g, &v);
	}
	(void)jf_rules_tier_for(r, 0);
	(void)jf_rules_tier_for(r, INT64_MAX);
	(void)jf_rules_tier_factor(r, "gold");
	(void)jf_rules_activity(r, "share");
	jf_rules_free(r);
	return 0;
}
