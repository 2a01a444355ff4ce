/*
 * tap.h - the smallest TAP producer, for the C unit tests.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_fail;

#define ok(cond, ...) do {						\
	tap_n++;							\
	if (!(cond)) tap_fail++;					\
	printf("%sok %d - ", (cond) ? "" : "not ", tap_n);		\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

#define is_str(got, want, name) do {					\
	const char *g_ = (got), *w_ = (want);				\
	ok(g_ && strcmp(g_, w_) == 0, "%s", name);			\
	if (!(g_ && strcmp(g_, w_) == 0))				\
		printf("# got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_); \
} while (0)

#define is_int(got, want, name) do {					\
	long long g_ = (got), w_ = (want);				\
	ok(g_ == w_, "%s", name);					\
	if (g_ != w_)							\
		printf("# got %lld, want %lld\n", g_, w_);		\
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail != 0;
}

#endif
