/*
 * money.h - decimal yuan to integer fen and back, strictly.
 *
 * Money is int64_t fen everywhere.  Input is decimal yuan with at most
 * two decimals; anything else (more decimals, exponents, separators,
 * spaces, a value beyond +-10^13 fen) is refused, never rounded.
 * The same two-decimal grammar carries the rules' factors ("1.5" is 150
 * hundredths).
 */
#ifndef JF_MONEY_H
#define JF_MONEY_H

#include <stdint.h>

#define JF_MONEY_MAX 10000000000000LL	/* 10^13 fen */
#define JF_MONEY_BUF 24

/* 0 and *fen set, or -1 (message set: "not an amount: \"s\""). */
int jf_money_parse(const char *s, int64_t *fen);
/* A non-negative exact decimal with at most two places, in hundredths. */
int jf_dec2_parse(const char *s, int64_t *hundredths);
/* Writes "-12.50" into buf (JF_MONEY_BUF bytes) and returns buf. */
char *jf_money_fmt(int64_t fen, char *buf);
/* A whole number (points, quantities): optional sign, digits, |v| <= max. */
int jf_int_parse(const char *s, int64_t max, int64_t *v);
/*
 * Spreads total (>= 0) over n parts in proportion to w[] (each >= 0):
 * out[i] = floor(total * w[i] / sum(w)), and what the floors leave goes
 * one unit each to the parts with the largest remainders, the earlier
 * part first on a tie; so sum(out) = total exactly.  All zero weights:
 * everything on the first part.
 */
void jf_spread(int64_t total, const int64_t *w, int n, int64_t *out);

#endif
