/*
 * jtime.c - calendar arithmetic on civil dates, no time_t in between, so
 * no time zone or DST can move a day.  days_from_civil and its inverse
 * are Howard Hinnant's algorithms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "jtime.h"

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

/* Parses YYYY-MM-DD at s; returns 0 and the parts or -1. */
static int
ymd(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	*y = digits(s, 4);
	*m = digits(s + 5, 2);
	*d = digits(s + 8, 2);
	if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > mdays(*y, *m))
		return -1;
	return 0;
}

int
jf_date_parse(const char *s, char *out)
{
	int y, m, d;

	if (strlen(s) != 10 || ymd(s, &y, &m, &d) == -1) {
		jf_error(JF_EDATA, _("not a date: \"%s\""), s);
		return -1;
	}
	snprintf(out, JF_DATE_LEN, "%04d-%02d-%02d", y, m, d);
	return 0;
}

int
jf_ts_parse(const char *s, char *out)
{
	int y, m, d, hh = 0, mm = 0, ss = 0;
	size_t n = strlen(s);

	if (ymd(s, &y, &m, &d) == -1)
		goto bad;
	if (n != 10) {
		if ((n != 16 && n != 19) || (s[10] != ' ' && s[10] != 'T') ||
		    s[13] != ':')
			goto bad;
		hh = digits(s + 11, 2);
		mm = digits(s + 14, 2);
		if (n == 19 && s[16] != ':')
			goto bad;
		ss = n == 19 ? digits(s + 17, 2) : 0;
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
			goto bad;
	}
	snprintf(out, JF_TS_LEN, "%04d-%02d-%02d %02d:%02d:%02d",
	    y, m, d, hh, mm, ss);
	return 0;
bad:
	jf_error(JF_EDATA, _("not a time: \"%s\""), s);
	return -1;
}

int
jf_now(char *ts)
{
	const char *e = getenv("JIFEN_NOW");
	time_t t;
	struct tm tm;

	if (e != NULL && *e != '\0') {
		if (jf_ts_parse(e, ts) == -1)
			return jf_error(JF_EUSAGE,
			    _("JIFEN_NOW: not a time: \"%s\""), e), -1;
		return 0;
	}
	t = time(NULL);
	localtime_r(&t, &tm);
	strftime(ts, JF_TS_LEN, "%Y-%m-%d %H:%M:%S", &tm);
	return 0;
}

int64_t
jf_date_days(const char *date)
{
	int y, m, d;
	int64_t era, yoe, doy, doe;

	y = digits(date, 4);
	m = digits(date + 5, 2);
	d = digits(date + 8, 2);
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
jf_days_date(int64_t z, char *out)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, JF_DATE_LEN, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

void
jf_date_add_months(const char *date, int n, char *out)
{
	int y = digits(date, 4), m = digits(date + 5, 2), d = digits(date + 8, 2);
	int t = y * 12 + (m - 1) + n;

	char buf[32];

	y = t / 12;
	m = t % 12 + 1;
	if (d > mdays(y, m))
		d = mdays(y, m);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, JF_DATE_LEN - 1);
	out[JF_DATE_LEN - 1] = '\0';
}

void
jf_date_add_days(const char *date, int n, char *out)
{
	jf_days_date(jf_date_days(date) + n, out);
}

int
jf_weekday(const char *date)
{
	int64_t z = jf_date_days(date);

	return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}
