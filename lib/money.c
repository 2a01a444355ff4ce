/*
 * money.c - the strict parser and printer of money.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"

int
jf_money_parse(const char *s, int64_t *fen)
{
	const char *p = s;
	int neg = 0, ndig = 0, nfrac = 0;
	int64_t v = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++ndig > 14)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (ndig == 0)
		goto bad;
	v *= 100;
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++nfrac > 2)
				goto bad;
			v += (*p - '0') * (nfrac == 1 ? 10 : 1);
		}
		if (nfrac == 0)
			goto bad;
	}
	if (*p != '\0' || v > JF_MONEY_MAX)
		goto bad;
	*fen = neg ? -v : v;
	return 0;
bad:
	jf_error(JF_EDATA, _("not an amount (yuan, at most two decimals: "
	    "12.50): \"%s\""), s);
	return -1;
}

int
jf_dec2_parse(const char *s, int64_t *h)
{
	if (s[0] == '-' || s[0] == '+' || jf_money_parse(s, h) == -1) {
		jf_error(JF_EDATA, _("not a decimal: \"%s\""), s);
		return -1;
	}
	return 0;
}

char *
jf_money_fmt(int64_t fen, char *buf)
{
	uint64_t a = fen < 0 ? -(uint64_t)fen : (uint64_t)fen;

	snprintf(buf, JF_MONEY_BUF, "%s%" PRIu64 ".%02" PRIu64,
	    fen < 0 ? "-" : "", a / 100, a % 100);
	return buf;
}

int
jf_int_parse(const char *s, int64_t max, int64_t *v)
{
	const char *p = s;
	int neg = 0, n = 0;
	int64_t x = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++n > 18)
			goto bad;
		x = x * 10 + (*p - '0');
	}
	if (n == 0 || *p != '\0' || x > max)
		goto bad;
	*v = neg ? -x : x;
	return 0;
bad:
	jf_error(JF_EDATA, _("not a whole number: \"%s\""), s);
	return -1;
}

void
jf_spread(int64_t total, const int64_t *w, int n, int64_t *out)
{
	__int128 sum = 0;
	int64_t left = total;

	if (n <= 0)
		return;
	for (int i = 0; i < n; i++)
		sum += w[i];
	if (sum == 0) {
		memset(out, 0, n * sizeof(*out));
		out[0] = total;
		return;
	}
	for (int i = 0; i < n; i++) {
		out[i] = (int64_t)((__int128)total * w[i] / sum);
		left -= out[i];
	}
	/* left < n: one each to the largest remainders, earliest first */
	while (left > 0) {
		__int128 best = -1;
		int bi = 0;

		for (int i = 0; i < n; i++) {
			__int128 rem = (__int128)total * w[i] % sum;

			if (rem > best && (out[i] + 1) * sum <=
			    (__int128)total * w[i] + sum) {
				best = rem;
				bi = i;
			}
		}
		out[bi]++;
		left--;
	}
}
