/*
 * jtime.h - dates and timestamps as the fixed-width text SQLite sorts.
 *
 * A date is "YYYY-MM-DD" (11 bytes with the NUL), a timestamp
 * "YYYY-MM-DD HH:MM:SS" (20 bytes).  The clock is local wall time per TZ
 * unless $JIFEN_NOW replaces it.
 */
#ifndef JF_JTIME_H
#define JF_JTIME_H

#include <stdint.h>

#define JF_DATE_LEN 11
#define JF_TS_LEN 20

/*
 * A day as people write it into out as YYYY-MM-DD: 2026-11-21,
 * 2026/11/21, 2026.11.21, 2026-1-5, 2026年11月21日, today, yesterday.
 * 0, or -1 with "not a date (the forms): \"s\"" set.  Rejects
 * 2026-02-30.
 */
int jf_date_parse(const char *s, char *out);
/*
 * A day, or a month (2026-11, 2026年11月) as its first day or, with
 * last, its last: for --since and --until.
 */
int jf_bound_parse(const char *s, int last, char *out);
/*
 * A day (midnight) or a day and a time, H:MM or HH:MM[:SS], after a
 * space or a T (or straight after 日): 2026/11/21 9:12.
 */
int jf_ts_parse(const char *s, char *out);
/* Now per $JIFEN_NOW or the clock; -1 if $JIFEN_NOW is malformed. */
int jf_now(char *ts);
/* date + n months, the same day clamped to the month's end. */
void jf_date_add_months(const char *date, int n, char *out);
void jf_date_add_days(const char *date, int n, char *out);
/*
 * The end of an inclusive last day as an exclusive bound: the day after
 * day into out (JF_DATE_LEN), or "" (an open end, bound as NULL by the
 * T of jf_q_open) when day is NULL or "".  Returns out.
 */
const char *jf_day_after(const char *day, char *out);
/* 0 = Sunday ... 6 = Saturday. */
int jf_weekday(const char *date);
/* Days since 1970-01-01 of a valid date. */
int64_t jf_date_days(const char *date);
void jf_days_date(int64_t days, char *out);

#endif
