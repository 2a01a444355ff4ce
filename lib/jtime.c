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

/* One or two digits at *s, moving past them: the number, or -1. */
static int
num12(const char **s)
{
	int v;

	if (**s < '0' || **s > '9')
		return -1;
	v = *(*s)++ - '0';
	if (**s >= '0' && **s <= '9')
		v = v * 10 + *(*s)++ - '0';
	return v;
}

/* Whether s starts with the word w, moving past it. */
static int
word(const char **s, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*s, w, n) != 0)
		return 0;
	*s += n;
	return 1;
}

/* Two digits of v (0 to 99) at out. */
static void
put2(char *out, int v)
{
	out[0] = (char)('0' + v / 10 % 10);
	out[1] = (char)('0' + v % 10);
}

/*
 * YYYY-MM-DD into out (JF_DATE_LEN), as snprintf "%04d-%02d-%02d" would
 * write it for a year of 0 to 9999, at a fraction of its cost: imports
 * write two or three a row.
 */
static void
put_date(char *out, int y, int m, int d)
{
	if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99) {
		snprintf(out, JF_DATE_LEN, "%04d-%02d-%02d", y, m, d);
		return;
	}
	put2(out, y / 100);
	put2(out + 2, y % 100);
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = '\0';
}

/*
 * A day as people write it, at *s, moving past it: 2026-11-21,
 * 2026/11/21, 2026.11.21 (months and days of one digit too),
 * 2026年11月21日, today, yesterday (今天, 昨天); with month set, a
 * month alone (2026-11, 2026/11, 2026年11月) gives day 0.  0 or -1.
 */
static int
day_at(const char **sp, int rel, int month, int *y, int *m, int *d)
{
	const char *s = *sp;
	char now[JF_TS_LEN];
	int sep, cn = 0;

	if (rel && (word(&s, "today") || word(&s, "今天") ||
	    (cn = word(&s, "yesterday") || word(&s, "昨天")))) {
		if (jf_now(now) == -1)
			return -1;
		if (cn)
			jf_date_add_days(now, -1, now);
		*y = digits(now, 4), *m = digits(now + 5, 2);
		*d = digits(now + 8, 2);
		*sp = s;
		return 0;
	}
	if ((*y = digits(s, 4)) < 1900)
		return -1;
	s += 4;
	if (word(&s, "年")) {
		if ((*m = num12(&s)) == -1 || !word(&s, "月"))
			return -1;
		if (*s == '\0' && month)
			*d = 0;
		else if ((*d = num12(&s)) == -1 || !word(&s, "日"))
			return -1;
	} else {
		if ((sep = *s) != '-' && sep != '/' && sep != '.')
			return -1;
		s++;
		if ((*m = num12(&s)) == -1)
			return -1;
		if (*s == '\0' && month)
			*d = 0;
		else if (*s++ != sep || (*d = num12(&s)) == -1)
			return -1;
	}
	if (*m < 1 || *m > 12 || *d < (month && *d == 0 ? 0 : 1) ||
	    *d > mdays(*y, *m))
		return -1;
	*sp = s;
	return 0;
}

/* A time of day at s, to its end: H:MM or HH:MM[:SS].  0 or -1. */
static int
hms_at(const char *s, int *hh, int *mm, int *ss)
{
	*ss = 0;
	if ((*hh = num12(&s)) == -1 || *s++ != ':' ||
	    (*mm = digits(s, 2)) == -1)
		return -1;
	s += 2;
	if (*s == ':') {
		if ((*ss = digits(s + 1, 2)) == -1)
			return -1;
		s += 3;
	}
	return *s != '\0' || *hh > 23 || *mm > 59 || *ss > 59 ? -1 : 0;
}

/* A timestamp in any of the forms; rel: today and yesterday too. */
static int
ts_parse(const char *s, int rel, char *out)
{
	int y, m, d, hh = 0, mm = 0, ss = 0;

	if (day_at(&s, rel, 0, &y, &m, &d) == -1)
		return -1;
	if (*s == ' ' || *s == 'T')
		while (*++s == ' ')
			;
	else if (*s != '\0' && s[-1] != "日"[2])
		return -1;
	if (*s != '\0' && hms_at(s, &hh, &mm, &ss) == -1)
		return -1;
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return -1;	/* said again for the compiler's sake */
	put_date(out, y, m, d);
	out[10] = ' ';
	put2(out + 11, hh);
	out[13] = ':';
	put2(out + 14, mm);
	out[16] = ':';
	put2(out + 17, ss);
	out[19] = '\0';
	return 0;
}

int
jf_date_parse(const char *s, char *out)
{
	const char *p = s;
	int y, m, d;

	if (day_at(&p, 1, 0, &y, &m, &d) == -1 || *p != '\0') {
		jf_error(JF_EDATA, _("not a date (2026-11-21, 2026/11/21, "
		    "2026年11月21日, today or yesterday): \"%s\""), s);
		return -1;
	}
	put_date(out, y, m, d);
	return 0;
}

int
jf_bound_parse(const char *s, int last, char *out)
{
	const char *p = s;
	int y, m, d;

	if (day_at(&p, 1, 1, &y, &m, &d) == -1 || *p != '\0') {
		jf_error(JF_EDATA, _("not a date (2026-11-21, 2026/11/21, "
		    "2026年11月21日, today or yesterday) or a month (2026-11): "
		    "\"%s\""), s);
		return -1;
	}
	if (d == 0)
		d = last ? mdays(y, m) : 1;
	put_date(out, y, m, d);
	return 0;
}

int
jf_ts_parse(const char *s, char *out)
{
	if (ts_parse(s, 1, out) == -1) {
		jf_error(JF_EDATA, _("not a time (2026-11-21 09:12:05, "
		    "2026/11/21 9:12, 2026年11月21日 9:12, a date alone, today "
		    "or yesterday): \"%s\""), s);
		return -1;
	}
	return 0;
}

int
jf_now(char *ts)
{
	const char *e = getenv("JIFEN_NOW");
	time_t t;
	struct tm tm;

	if (e != NULL && *e != '\0') {
		if (ts_parse(e, 0, ts) == -1)
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
	put_date(out, (int)y, (int)m, (int)d);
}

void
jf_date_add_months(const char *date, int n, char *out)
{
	int y = digits(date, 4), m = digits(date + 5, 2), d = digits(date + 8, 2);
	int t = y * 12 + (m - 1) + n;

	y = t / 12;
	m = t % 12 + 1;
	if (d > mdays(y, m))
		d = mdays(y, m);
	put_date(out, y, m, d);
}

void
jf_date_add_days(const char *date, int n, char *out)
{
	jf_days_date(jf_date_days(date) + n, out);
}

const char *
jf_day_after(const char *day, char *out)
{
	*out = '\0';
	if (day != NULL && *day != '\0')
		jf_date_add_days(day, 1, out);
	return out;
}

int
jf_weekday(const char *date)
{
	int64_t z = jf_date_days(date);

	return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}
