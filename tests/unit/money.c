/*
 * Unit tests: money, whole numbers, and dates.
 */
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "jtime.h"
#include "money.h"
#include "tap.h"

static void
money(const char *in, int okwant, int64_t want)
{
	int64_t v = -777;
	int rc = jf_money_parse(in, &v);

	if (okwant) {
		ok(rc == 0 && v == want, "money \"%s\" = %lld", in, (long long)want);
		if (rc != 0 || v != want)
			printf("# rc %d v %lld\n", rc, (long long)v);
	} else
		ok(rc == -1, "money \"%s\" refused", in);
}

static void
fmt(int64_t fen, const char *want)
{
	char buf[JF_MONEY_BUF];

	is_str(jf_money_fmt(fen, buf), want, want);
}

static void
months(const char *d, int n, const char *want)
{
	char out[JF_DATE_LEN];

	jf_date_add_months(d, n, out);
	ok(strcmp(out, want) == 0, "%s + %d months = %s (got %s)", d, n, want, out);
}

int
main(void)
{
	char buf[JF_TS_LEN];
	int64_t v;

	money("12.5", 1, 1250);
	money("12.50", 1, 1250);
	money("0.01", 1, 1);
	money("0.1", 1, 10);
	money("0", 1, 0);
	money("-0.00", 1, 0);
	money("-3.20", 1, -320);
	money("100000000000.00", 1, 10000000000000LL);
	money("-100000000000.00", 1, -10000000000000LL);
	money("100000000000.01", 0, 0);
	money("9999999999999.99", 0, 0);
	money("99999999999999999999", 0, 0);
	money("1e3", 0, 0);
	money("12.345", 0, 0);
	money("1,000.00", 0, 0);
	money("12.", 0, 0);
	money(".5", 0, 0);
	money("", 0, 0);
	money("-", 0, 0);
	money(" 12", 0, 0);
	money("12 ", 0, 0);
	money("0x10", 0, 0);
	money("１２", 0, 0);
	fmt(0, "0.00");
	fmt(1, "0.01");
	fmt(1250, "12.50");
	fmt(-320, "-3.20");
	fmt(-5, "-0.05");
	fmt(10000000000000LL, "100000000000.00");
	fmt(INT64_MIN, "-92233720368547758.08");

	ok(jf_dec2_parse("1.5", &v) == 0 && v == 150, "factor 1.5 = 150");
	ok(jf_dec2_parse("1", &v) == 0 && v == 100, "factor 1 = 100");
	ok(jf_dec2_parse("-1", &v) == -1, "factor -1 refused");
	ok(jf_dec2_parse("1.234", &v) == -1, "factor 1.234 refused");
	ok(jf_int_parse("-50", 1000, &v) == 0 && v == -50, "int -50");
	ok(jf_int_parse("+7", 1000, &v) == 0 && v == 7, "int +7");
	ok(jf_int_parse("1001", 1000, &v) == -1, "int over max refused");
	ok(jf_int_parse("1.0", 1000, &v) == -1, "int 1.0 refused");
	ok(jf_int_parse("", 1000, &v) == -1, "int empty refused");

	ok(jf_date_parse("2024-02-29", buf) == 0, "leap day 2024-02-29");
	ok(jf_date_parse("2023-02-29", buf) == -1, "2023-02-29 refused");
	ok(jf_date_parse("2026-02-30", buf) == -1, "2026-02-30 refused");
	ok(jf_date_parse("2000-02-29", buf) == 0, "2000-02-29 (400 rule)");
	ok(jf_date_parse("1900-02-29", buf) == -1, "1900-02-29 refused");
	ok(jf_date_parse("2026-13-01", buf) == -1, "month 13 refused");
	ok(jf_date_parse("2026-1-5", buf) == 0 &&
	    strcmp(buf, "2026-01-05") == 0, "2026-1-5 as 2026-01-05");
	ok(jf_date_parse("2026/11/21", buf) == 0 &&
	    strcmp(buf, "2026-11-21") == 0, "2026/11/21");
	ok(jf_date_parse("2026年11月21日", buf) == 0 &&
	    strcmp(buf, "2026-11-21") == 0, "2026年11月21日");
	ok(jf_date_parse("2026/11-21", buf) == -1, "mixed separators refused");
	ok(jf_date_parse("2026-011-01", buf) == -1, "three-digit month refused");
	ok(jf_date_parse("2026-11", buf) == -1, "a month is not a day");
	ok(jf_bound_parse("2024-02", 1, buf) == 0 &&
	    strcmp(buf, "2024-02-29") == 0, "--until 2024-02: its last day");
	ok(jf_bound_parse("2026年11月", 0, buf) == 0 &&
	    strcmp(buf, "2026-11-01") == 0, "--since 2026年11月: its first day");
	ok(jf_date_parse("2026-01-01x", buf) == -1, "trailing text refused");
	ok(jf_ts_parse("2026-11-18", buf) == 0 &&
	    strcmp(buf, "2026-11-18 00:00:00") == 0, "date as midnight");
	ok(jf_ts_parse("2026-11-18T09:05", buf) == 0 &&
	    strcmp(buf, "2026-11-18 09:05:00") == 0, "T and no seconds");
	ok(jf_ts_parse("2026/11/18 9:05", buf) == 0 &&
	    strcmp(buf, "2026-11-18 09:05:00") == 0, "2026/11/18 9:05");
	ok(jf_ts_parse("2026年11月18日 9:05:07", buf) == 0 &&
	    strcmp(buf, "2026-11-18 09:05:07") == 0, "2026年11月18日 9:05:07");
	ok(jf_ts_parse("2026-11-18 9:5", buf) == -1, "one-digit minute refused");
	ok(jf_ts_parse("2026-11-18 24:00:00", buf) == -1, "hour 24 refused");
	ok(jf_ts_parse("2026-11-18 10:00:60", buf) == -1, "second 60 refused");

	months("2024-02-29", 24, "2026-02-28");
	months("2024-01-31", 1, "2024-02-29");
	months("2025-01-31", 1, "2025-02-28");
	months("2026-03-31", 1, "2026-04-30");
	months("2026-11-18", 24, "2028-11-18");
	months("2026-12-15", 1, "2027-01-15");
	is_int(jf_weekday("2026-11-18"), 3, "2026-11-18 is a Wednesday");
	is_int(jf_weekday("2026-11-21"), 6, "2026-11-21 is a Saturday");
	is_int(jf_weekday("1970-01-01"), 4, "1970-01-01 is a Thursday");
	is_int(jf_date_days("2026-11-18") - jf_date_days("2025-11-18"), 365,
	    "365 days in a year without Feb 29");
	{
		char d[JF_DATE_LEN];

		jf_date_add_days("2024-02-28", 1, d);
		is_str(d, "2024-02-29", "2024-02-28 + 1 day");
		jf_date_add_days("2026-01-01", -1, d);
		is_str(d, "2025-12-31", "2026-01-01 - 1 day");
	}
	setenv("JIFEN_NOW", "2026-11-18", 1);
	ok(jf_now(buf) == 0 && strcmp(buf, "2026-11-18 00:00:00") == 0,
	    "JIFEN_NOW as a date");
	setenv("JIFEN_NOW", "soon", 1);
	ok(jf_now(buf) == -1, "JIFEN_NOW malformed refused");
	return tap_done();
}
