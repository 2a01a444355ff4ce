/*
 * earn.c - fuzzes the earning formula (jf_earn in lib/rules.c).
 *
 * The input is the sale, then optionally the rules:
 *
 *	flags, year, month, day, hour, minute, tier, n	8 bytes
 *	per line: sku, category, flags; amount (8); mult (8)
 *	offset (8)
 *	the rest: a rules document; none, or one that does not parse,
 *	    is the embedded share/rules.json
 *
 * Every figure is brought inside what the callers guarantee (a real
 * time, a tier's factor, amounts summing to at most JF_MONEY_MAX, an
 * offset at most the gross), so a failure here is the formula's.  Beyond
 * the sanitizers it checks DESIGN.md's "one floor at the end" against
 * a plain computation wherever that fits 128 bits, that the lines'
 * shares do not sum past the total, that out changes nothing, and that
 * paying part with points never earns more.
 */
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "money.h"
#include "rules.h"

#include "fuzz.h"

#define MAXLINES 32

#ifdef JF_MULT_ONE
#define UNIT ((unsigned __int128)JF_MULT_ONE)	/* a multiplier's 1x */
#define MULT(o) ((o).mult_exact)
#define BOOKED(l) ((l).booked)
#else
#define UNIT ((unsigned __int128)100)
#define MULT(o) ((o).mult)
#define BOOKED(l) 0
#endif

extern const char jf_rules_json[];

struct src {
	const uint8_t *p;
	size_t n;
};

static uint64_t
take(struct src *s, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		v = v << 8 | (s->n > 0 ? *s->p : 0);
		if (s->n > 0)
			s->p++, s->n--;
	}
	return v;
}

/* *r = a * b, or 0 if it does not fit. */
static int
mul(unsigned __int128 a, unsigned __int128 b, unsigned __int128 *r)
{
	if (a != 0 && b > ~(unsigned __int128)0 / a)
		return 0;
	*r = a * b;
	return 1;
}

/* floor(s * t * P * E / (G * A * 100 * UNIT)), or -1 if it does not fit. */
static int64_t
plain(unsigned __int128 s, int64_t t, int64_t paid, int64_t gross,
    const struct jf_rules *r)
{
	unsigned __int128 num, den;

	if (gross <= 0 || paid <= 0)
		return paid < 0 ? -1 : 0;
	if (!mul(s, t, &num) || !mul(num, paid, &num) ||
	    !mul(num, r->earn_points, &num) ||
	    !mul(gross, r->earn_per, &den) || !mul(den, 100, &den) ||
	    !mul(den, UNIT, &den))
		return -1;
	num /= den;
	return num > INT64_MAX ? INT64_MAX : (int64_t)num;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jf_rules *def;
	static const char *const skus[] = { "TEA-LJ", "TEA-PE", "CUP-01",
		"POT-01", "GIFT-TIN" };
	static const char *const cats[] = { NULL, "", "tea", "ware", "gift" };
	struct src s = { data, size };
	struct jf_rules *own = NULL;
	const struct jf_rules *r;
	struct jf_earn_in in[MAXLINES];
	struct jf_earn_out out[MAXLINES];
	char ts[32], tsn[JF_TS_LEN];
	int64_t gross = 0, offset, tf, e, e0, enull, want;
	__int128 sum = 0;	/* shares saturate at INT64_MAX each */
	unsigned __int128 st = 0;
	int flags, n, tier, y, mo, d, h, mi;
	char *text;

	if (def == NULL && jf_rules_parse(jf_rules_json, "rules.json",
	    &def) != 0) {
		fprintf(stderr, "%s\n", jf_errmsg());
		abort();
	}
	flags = take(&s, 1);
	y = 2000 + take(&s, 1) % 100;
	mo = 1 + take(&s, 1) % 12;
	d = 1 + take(&s, 1) % 31;
	h = take(&s, 1) % 24;
	mi = take(&s, 1) % 60;
	tier = take(&s, 1);
	n = 1 + take(&s, 1) % MAXLINES;
	snprintf(ts, sizeof(ts), "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h,
	    mi, flags & 0x3f);
	if (jf_ts_parse(ts, tsn) == -1) {	/* the 31st of a short month */
		snprintf(ts, sizeof(ts), "%04d-%02d-28 %02d:%02d:00", y, mo, h,
		    mi);
		if (jf_ts_parse(ts, tsn) == -1)
			abort();
	}
	memset(in, 0, sizeof(in));
	for (int i = 0; i < n; i++) {
		int f;

		in[i].sku = skus[take(&s, 1) % 5];
		in[i].category = cats[take(&s, 1) % 5];
		f = take(&s, 1);
		in[i].no_points = f & 1;
		in[i].amount = take(&s, 8) % (JF_MONEY_MAX - gross + 1);
		gross += in[i].amount;
#ifdef JF_MULT_ONE
		/* a return recomputes with the multiplier it was sold with */
		in[i].booked = (f & 2) != 0;
		in[i].mult = take(&s, 8) % (1000 * JF_MULT_ONE + 1);
#else
		(void)take(&s, 8);
#endif
	}
	offset = take(&s, 8) % (gross + 1);
	r = def;
	if (s.n > 0 && (text = malloc(s.n + 1)) != NULL) {
		memcpy(text, s.p, s.n);
		text[s.n] = '\0';
		if (jf_rules_parse(text, "fuzz.json", &own) == 0)
			r = own;
		free(text);
	}
	tf = r->tiers[tier % r->ntiers].factor;

	e = jf_earn(r, in, n, tsn, tf, offset, out);
	enull = jf_earn(r, in, n, tsn, tf, offset, NULL);
	e0 = jf_earn(r, in, n, tsn, tf, 0, NULL);
	FZ_ASSERT(e >= 0, "earned %lld", (long long)e);
	FZ_ASSERT(e == enull, "%lld with out, %lld without", (long long)e,
	    (long long)enull);
	FZ_ASSERT(e <= e0, "%lld with an offset, %lld without", (long long)e,
	    (long long)e0);
	for (int i = 0; i < n; i++) {
		FZ_ASSERT(MULT(out[i]) >= 0 &&
		    MULT(out[i]) <= (int64_t)(1000 * UNIT),
		    "line %d: multiplier %lld", i, (long long)MULT(out[i]));
		FZ_ASSERT(!in[i].no_points || BOOKED(in[i]) ||
		    MULT(out[i]) == 0, "line %d: no-points with a multiplier",
		    i);
		FZ_ASSERT(out[i].points >= 0, "line %d: %lld points", i,
		    (long long)out[i].points);
		want = plain((unsigned __int128)in[i].amount * MULT(out[i]), tf,
		    gross - offset, gross, r);
		FZ_ASSERT(gross == 0 || gross == offset || want < 0 ||
		    out[i].points == want, "line %d: %lld points, exactly %lld",
		    i, (long long)out[i].points, (long long)want);
		sum += out[i].points;
		st += (unsigned __int128)in[i].amount * MULT(out[i]);
	}
	FZ_ASSERT(sum <= e || e == INT64_MAX,
	    "the lines' shares %lld, the total %lld", (long long)sum,
	    (long long)e);
	want = plain(st, tf, gross - offset, gross, r);
	FZ_ASSERT(gross == 0 || want < 0 || e == want,
	    "earned %lld, exactly %lld", (long long)e, (long long)want);
	jf_rules_free(own);
	return 0;
}
