/*
 * report.c - the queries behind `report`.
 *
 * A report reads in one snapshot (jf_report_begin) and hands its rows
 * to a callback one at a time.  Ranges of days become half-open ranges of
 * the text SQLite sorts: [since, the day after until), so "2026-11-18"
 * takes in every timestamp of that day and an index on the time column
 * finds them without reading the rest of the history.  reportfmt.c
 * writes what they return.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "err.h"
#include "jtime.h"
#include "member.h"
#include "report.h"
#include "rules.h"
#include "seal.h"
#include "stock.h"

static const char q_begin[] = "BEGIN";
static const char q_end[] = "COMMIT";

int
jf_report_begin(struct jf_ctx *c)
{
	return jf_q_exec(c, q_begin, "");
}

void
jf_report_end(struct jf_ctx *c)
{
	if (jf_q_exec(c, q_end, "") != 0)
		jf_rollback(c);
}

/*
 * The bounds of [since, until] as text: lo is since itself (or the
 * lowest text), hi the day after until (or the highest).
 */
struct range {
	char lo[JF_DATE_LEN], hi[JF_DATE_LEN];
};

static void
range(const char *since, const char *until, struct range *r)
{
	snprintf(r->lo, sizeof(r->lo), "%s", since && *since ? since : "0000");
	if (until && *until)
		jf_date_add_days(until, 1, r->hi);
	else
		snprintf(r->hi, sizeof(r->hi), "9999-99-99");
}

/* -- stores ------------------------------------------------------------- */

/*
 * A store is known once anything was booked there: a stock row (every
 * move makes one, and every sale line moves stock), a sale or a return.
 */
static const char q_store[] =
    "SELECT EXISTS (SELECT 1 FROM stock WHERE store = ?1) "
    "OR EXISTS (SELECT 1 FROM move WHERE store = ?1) "
    "OR EXISTS (SELECT 1 FROM sale WHERE store = ?1) "
    "OR EXISTS (SELECT 1 FROM sale_return WHERE store = ?1)";

int
jf_report_store(struct jf_ctx *c, const char *store)
{
	int64_t known = 0;
	int rc;

	if (store == NULL || *store == '\0')
		return 0;
	if ((rc = jf_q_int(c, q_store, &known, "t", store)) != 0)
		return rc;
	if (!known)
		return jf_error(JF_EREFUSED, _("no store \"%s\": nothing was "
		    "ever sold, received or counted there"), store);
	return 0;
}

int
jf_margin_pct(int64_t margin, int64_t paid, int64_t *hundredths)
{
	__int128 n = (__int128)margin * 10000, q;

	if (paid == 0)
		return -1;
	if (paid < 0) {
		n = -n;
		paid = -paid;
	}
	/* half away from zero, in whole hundredths of a percent */
	q = (n + (n < 0 ? -(__int128)paid : paid) / 2) / paid;
	if (q > INT64_MAX || q < -INT64_MAX)
		return -1;
	*hundredths = (int64_t)q;
	return 0;
}

/* -- daily -------------------------------------------------------------- */

/* a line whose cost no move recorded (an old book's) counts at 0 */
static const char q_day_sales[] =
    "SELECT CAST(substr(s.at, 12, 2) AS INTEGER), count(*), sum(s.gross), "
    "sum(s.offset_amount), sum(s.paid), "
    "sum((SELECT coalesce(sum(l.qty * l.cost), 0) FROM sale_line l "
    "WHERE l.sale_id = s.id)) FROM sale s "
    "WHERE s.at >= ?1 AND s.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.store = ?3) "
    "GROUP BY 1";

static const char q_day_points[] =
    "SELECT kind, sum(delta) FROM ledger WHERE at >= ?1 AND at < ?2 "
    "GROUP BY kind";

static const char q_day_members[] =
    "SELECT count(*) FROM member WHERE joined >= ?1 AND joined < ?2";

static const char q_day_returns[] =
    "SELECT count(*), coalesce(sum(r.gross), 0) FROM sale_return r "
    "WHERE r.at >= ?1 AND r.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR r.store = ?3)";

/* the goods that came back, at the cost they left with */
static const char q_day_returned_cost[] =
    "SELECT coalesce(sum(qty * cost), 0) FROM move "
    "WHERE at >= ?1 AND at < ?2 AND kind = 'return' "
    "AND (CAST(?3 AS TEXT) IS NULL OR store = ?3)";

/* The day's receipts in d, in all and by the hour. */
static int
day_sales(struct jf_ctx *c, const struct range *r, const char *store,
    struct jf_daily *d)
{
	struct jf_rows q;

	jf_q_open(c, &q, q_day_sales, "ttT", r->lo, r->hi, store);
	while (jf_q_next(&q)) {
		int64_t h = jf_r_int(&q, 0);

		if (h < 0 || h > 23)
			h = 0;
		d->hour_receipts[h] += jf_r_int(&q, 1);
		d->hour_paid[h] += jf_r_int(&q, 4);
		d->hour_offset[h] += jf_r_int(&q, 3);
		d->receipts += jf_r_int(&q, 1);
		d->gross += jf_r_int(&q, 2);
		d->offset += jf_r_int(&q, 3);
		d->paid += jf_r_int(&q, 4);
		d->cost += jf_r_int(&q, 5);
	}
	d->margin = d->paid - d->cost;
	return jf_q_close(&q);
}

/* Adds the points of kind k, v of them, to their sum in d. */
static void
day_kind(struct jf_daily *d, const char *k, int64_t v)
{
	if (strcmp(k, "earn") == 0)
		d->points_earned += v;
	else if (strcmp(k, "bonus") == 0)
		d->points_bonus += v;
	else if (strcmp(k, "award") == 0)
		d->points_awarded += v;
	else if (strcmp(k, "redeem") == 0 || strcmp(k, "offset") == 0)
		d->points_redeemed -= v;
	else if (strcmp(k, "expire") == 0)
		d->points_expired -= v;
	else if (strcmp(k, "reverse") == 0)
		d->points_reversed -= v;
	else if (strcmp(k, "adjust") == 0)
		d->points_adjusted += v;
	else if (strcmp(k, "restore") == 0)
		d->points_restored += v;
}

/* The day's points by kind in d. */
static int
day_points(struct jf_ctx *c, const struct range *r, struct jf_daily *d)
{
	struct jf_rows q;

	jf_q_open(c, &q, q_day_points, "tt", r->lo, r->hi);
	while (jf_q_next(&q))
		day_kind(d, jf_r_text(&q, 0), jf_r_int(&q, 1));
	return jf_q_close(&q);
}

/* The day's new members and its returns, their gross and cost, in d. */
static int
day_counts(struct jf_ctx *c, const struct range *r, const char *store,
    struct jf_daily *d)
{
	struct jf_rows q;
	int rc;

	jf_q_open(c, &q, q_day_members, "tt", r->lo, r->hi);
	if (jf_q_next(&q))
		d->new_members = jf_r_int(&q, 0);
	if ((rc = jf_q_close(&q)) != 0)
		return rc;
	jf_q_open(c, &q, q_day_returns, "ttT", r->lo, r->hi, store);
	if (jf_q_next(&q)) {
		d->returns = jf_r_int(&q, 0);
		d->returned = jf_r_int(&q, 1);
	}
	if ((rc = jf_q_close(&q)) != 0)
		return rc;
	jf_q_open(c, &q, q_day_returned_cost, "ttT", r->lo, r->hi, store);
	if (jf_q_next(&q))
		d->returned_cost = jf_r_int(&q, 0);
	return jf_q_close(&q);
}

/*
 * A chain's head as the report prints it, "ID:HASH": kept with the daily
 * reports, it holds the book to the history it had (chain.h).
 */
static int
chain_head(struct jf_ctx *c, int chain, char *out)
{
	char hash[JF_HASH_LEN];
	int64_t id;
	int rc;

	if ((rc = jf_chain_tip(c, chain, &id, hash)) != 0)
		return rc;
	snprintf(out, 96, "%lld:%s", (long long)id, hash);
	return 0;
}

int
jf_report_daily(struct jf_ctx *c, const char *day, const char *store,
    struct jf_daily *d)
{
	struct range r;
	int rc;

	memset(d, 0, sizeof(*d));
	snprintf(d->day, sizeof(d->day), "%s", day);
	range(day, day, &r);
	if ((rc = day_sales(c, &r, store, d)) != 0 ||
	    (rc = day_points(c, &r, d)) != 0 ||
	    (rc = chain_head(c, JF_CHAIN_AUDIT, d->audit_head)) != 0 ||
	    (rc = chain_head(c, JF_CHAIN_LEDGER, d->ledger_head)) != 0)
		return rc;
	return day_counts(c, &r, store, d);
}

static const char q_top[] =
    "SELECT p.sku, p.name, sum(l.qty), sum(l.amount) "
    "FROM sale s CROSS JOIN sale_line l "
    "JOIN product p ON p.id = l.product_id "
    "WHERE l.sale_id = s.id AND s.at >= ?1 AND s.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.store = ?3) "
    "GROUP BY p.id ORDER BY 4 DESC, 1 LIMIT ?4";

int
jf_report_top(struct jf_ctx *c, const char *since, const char *until,
    const char *store, int limit, jf_top_fn *fn, void *arg)
{
	struct range r;
	struct jf_top t;
	struct jf_rows q;
	int rc = 0;

	range(since, until, &r);
	jf_q_open(c, &q, q_top, "ttTi", r.lo, r.hi, store, (int64_t)limit);
	while (rc == 0 && jf_q_next(&q)) {
		t.sku = jf_r_text(&q, 0);
		t.name = jf_r_text(&q, 1);
		t.qty = jf_r_int(&q, 2);
		t.gross = jf_r_int(&q, 3);
		rc = fn(arg, &t);
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	return rc;
}

/* -- sales -------------------------------------------------------------- */

int
jf_report_by(const char *name)
{
	static const char *names[] = { "day", "month", "product", "category",
		"member", "year", "all" };

	for (int i = 0; i < 7; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/*
 * The cost of a receipt's goods: each line's units at the cost they
 * left the stock with (a line whose cost no move recorded, an old
 * book's, at 0).  As gross is, it is the sale as rung up: goods
 * returned later are not taken off.
 */
#define SALE_COST "sum((SELECT coalesce(sum(l.qty * l.cost), 0) " \
	"FROM sale_line l WHERE l.sale_id = s.id))"
#define LINE_COST "coalesce(sum(l.qty * l.cost), 0)"

/* By day, month or year: ?4 is the length of the key's prefix of at. */
static const char q_sales_time[] =
    "SELECT substr(s.at, 1, ?4), count(*), "
    "sum((SELECT coalesce(sum(qty), 0) FROM sale_line l "
    "WHERE l.sale_id = s.id)), "
    "sum(s.gross), sum(s.offset_amount), sum(s.paid), " SALE_COST " "
    "FROM sale s "
    "WHERE s.at >= ?1 AND s.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.store = ?3) "
    "GROUP BY 1 ORDER BY 1";

static const char q_sales_member[] =
    "SELECT m.code, count(*), "
    "sum((SELECT coalesce(sum(qty), 0) FROM sale_line l "
    "WHERE l.sale_id = s.id)), "
    "sum(s.gross), sum(s.offset_amount), sum(s.paid), " SALE_COST ", "
    "m.name FROM sale s LEFT JOIN member m ON m.id = s.member_id "
    "WHERE s.at >= ?1 AND s.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.store = ?3) "
    "GROUP BY s.member_id, m.code, m.name ORDER BY 4 DESC, 1";

/*
 * A line carries its share of the receipt's offset, spread by largest
 * remainders when it was sold, so the lines of a receipt add up to it
 * and every grouping agrees with --by day to the fen.
 */
static const char q_sales_product[] =
    "SELECT p.sku, count(DISTINCT s.id), sum(l.qty), sum(l.amount), "
    "sum(l.offset_amount), sum(l.paid), " LINE_COST ", p.name "
    "FROM sale s CROSS JOIN sale_line l "
    "JOIN product p ON p.id = l.product_id "
    "WHERE l.sale_id = s.id AND s.at >= ?1 AND s.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.store = ?3) "
    "GROUP BY p.id ORDER BY 4 DESC, 1";

static const char q_sales_category[] =
    "SELECT p.category, count(DISTINCT s.id), sum(l.qty), sum(l.amount), "
    "sum(l.offset_amount), sum(l.paid), " LINE_COST " "
    "FROM sale s CROSS JOIN sale_line l "
    "JOIN product p ON p.id = l.product_id "
    "WHERE l.sale_id = s.id AND s.at >= ?1 AND s.at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.store = ?3) "
    "GROUP BY p.category ORDER BY 4 DESC, 1";

/* The query of grouping by, and the length of its key's prefix of at. */
static const char *
sales_sql(int by, int *len)
{
	*len = 0;
	switch (by) {
	case JF_BY_DAY:
		*len = 10;
		return q_sales_time;
	case JF_BY_MONTH:
		*len = 7;
		return q_sales_time;
	case JF_BY_YEAR:
		*len = 4;
		return q_sales_time;
	case JF_BY_PRODUCT:
		return q_sales_product;
	case JF_BY_CATEGORY:
		return q_sales_category;
	case JF_BY_MEMBER:
		return q_sales_member;
	}
	return NULL;
}

int
jf_report_sales(struct jf_ctx *c, int by, const char *since,
    const char *until, const char *store, jf_sales_fn *fn, void *arg)
{
	struct jf_sales_row s;
	struct range r;
	struct jf_rows q;
	const char *sql;
	char *name = NULL;
	int rc = 0, len;

	if ((sql = sales_sql(by, &len)) == NULL)
		return jf_error(JF_EUSAGE, _("--by: not a grouping for sales"));
	range(since, until, &r);
	/* only q_sales_time has a ?4: the length of its key */
	if (len)
		jf_q_open(c, &q, sql, "ttTi", r.lo, r.hi, store, (int64_t)len);
	else
		jf_q_open(c, &q, sql, "ttT", r.lo, r.hi, store);
	while (rc == 0 && jf_q_next(&q)) {
		s.key = jf_r_opt(&q, 0);
		s.receipts = jf_r_int(&q, 1);
		s.qty = jf_r_int(&q, 2);
		s.gross = jf_r_int(&q, 3);
		s.offset = jf_r_int(&q, 4);
		s.paid = jf_r_int(&q, 5);
		s.cost = jf_r_int(&q, 6);
		s.margin = s.paid - s.cost;
		s.name = sql == q_sales_product ? jf_r_opt(&q, 7) : NULL;
		/* a member's name is sealed in a sealed book */
		if (sql == q_sales_member) {
			free(name);
			if ((rc = jf_unseal(c, "name", jf_r_opt(&q, 7),
			    &name)) != 0)
				break;
			s.name = name;
		}
		rc = fn(arg, &s);
	}
	free(name);
	if (jf_q_close(&q) != 0)
		return q.rc;
	return rc;
}

/* -- points ------------------------------------------------------------- */

static const char q_outstanding[] =
    "SELECT coalesce(sum(balance), 0) FROM member WHERE balance > 0";

int
jf_report_outstanding(struct jf_ctx *c, int64_t *points, int64_t *liability)
{
	const struct jf_rules *r;
	int rc;

	*points = *liability = 0;
	if ((rc = jf_q_int(c, q_outstanding, points, "")) != 0 &&
	    rc != JF_ENOROW)
		return rc;
	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	if (r->off_points > 0)
		*liability = *points * r->off_value / r->off_points;
	return 0;
}

/*
 * Each period's sum of each kind, as a positive size (the sign is the
 * kind's: kind.h), and the column of report points it adds to.
 */
static const char q_points[] =
    "SELECT CASE WHEN ?3 > 0 THEN substr(l.at, 1, ?3) ELSE 'all' END, "
    "l.kind, sum(CASE WHEN k.sign < 0 THEN -l.delta ELSE l.delta END) "
    "FROM ledger l JOIN ledger_kind k ON k.kind = l.kind "
    "WHERE l.at >= ?1 AND l.at < ?2 GROUP BY 1, 2 ORDER BY 1, 2";

static const struct {
	const char *kind;
	size_t off;
} points_col[] = {
	{ "earn", offsetof(struct jf_points_row, earned) },
	{ "bonus", offsetof(struct jf_points_row, bonus) },
	{ "award", offsetof(struct jf_points_row, awarded) },
	{ "adjust", offsetof(struct jf_points_row, adjusted) },
	{ "redeem", offsetof(struct jf_points_row, redeemed) },
	{ "offset", offsetof(struct jf_points_row, redeemed) },
	{ "expire", offsetof(struct jf_points_row, expired) },
	{ "reverse", offsetof(struct jf_points_row, reversed) },
	{ "restore", offsetof(struct jf_points_row, restored) },
};

/* Adds the sum n of kind to row p's column. */
static void
points_add(struct jf_points_row *p, const char *kind, int64_t n)
{
	size_t i;

	for (i = 0; i < sizeof(points_col) / sizeof(points_col[0]); i++)
		if (strcmp(kind, points_col[i].kind) == 0)
			*(int64_t *)((char *)p + points_col[i].off) += n;
}

static int
period_len(int by)
{
	switch (by) {
	case JF_BY_DAY:
		return 10;
	case JF_BY_MONTH:
		return 7;
	case JF_BY_YEAR:
		return 4;
	case JF_BY_ALL:
		return 0;
	}
	return -1;
}

int
jf_report_points(struct jf_ctx *c, int by, const char *since,
    const char *until, jf_points_fn *fn, void *arg)
{
	struct jf_points_row p = { 0 };
	char period[16] = "";
	struct range r;
	struct jf_rows q;
	int rc = 0, len;

	if ((len = period_len(by)) < 0)
		return jf_error(JF_EUSAGE, _("--by: not a period"));
	range(since, until, &r);
	jf_q_open(c, &q, q_points, "tti", r.lo, r.hi, (int64_t)len);
	while (rc == 0 && jf_q_next(&q)) {
		if (*period != '\0' && strcmp(period, jf_r_text(&q, 0)) != 0) {
			p.period = period;
			rc = fn(arg, &p);
			memset(&p, 0, sizeof(p));
		}
		snprintf(period, sizeof(period), "%s", jf_r_text(&q, 0));
		points_add(&p, jf_r_text(&q, 1), jf_r_int(&q, 2));
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	if (rc == 0 && *period != '\0') {
		p.period = period;
		rc = fn(arg, &p);
	}
	return rc;
}

/* -- members ------------------------------------------------------------ */

static const char q_mem_status[] =
    "SELECT count(*), "
    "coalesce(sum(status = 'active'), 0), "
    "coalesce(sum(status = 'frozen'), 0), "
    "coalesce(sum(status = 'closed'), 0), "
    "coalesce(sum(joined >= ?2), 0), "
    "coalesce(sum(joined < ?1 AND NOT EXISTS (SELECT 1 FROM sale s "
    "WHERE s.member_id = member.id AND s.at >= ?1)), 0) "
    "FROM member";

static const char q_mem_tiers[] =
    "SELECT tier, count(*) FROM member GROUP BY tier";

/* The RFM scores that occur, with how many members have each. */
static const char q_mem_rfm[] =
    "WITH " JF_RFM_CTE "SELECT r, f, m, count(*) FROM rfm GROUP BY r, f, m "
    "ORDER BY r DESC, f DESC, m DESC";

static const char q_mem_segments[] =
    "WITH " JF_RFM_CTE "SELECT segment, count(*) FROM rfm GROUP BY segment";

static int
count(jf_count_fn *fn, void *arg, const char *group, const char *key,
    int64_t n)
{
	struct jf_count k = { group, key, n };

	return fn(arg, &k);
}

/* The tiers in use, in the rules' order, then any other name in use. */
static int
member_tiers(struct jf_ctx *c, jf_count_fn *fn, void *arg)
{
	const struct jf_rules *r;
	struct jf_rows q;
	struct tc {
		char *name;
		int64_t n;
		int shown;
	} *t = NULL;
	int nt = 0, rc;

	if ((rc = jf_rules_at(c, c->now, &r)) != 0)
		return rc;
	jf_q_open(c, &q, q_mem_tiers, "");
	while (jf_q_next(&q)) {
		struct tc *x = realloc(t, (nt + 1) * sizeof(*t));

		if (x == NULL) {
			rc = jf_error(JF_ESOFTWARE, _("out of memory"));
			break;
		}
		t = x;
		t[nt].name = strdup(jf_r_text(&q, 0));
		t[nt].n = jf_r_int(&q, 1);
		t[nt].shown = 0;
		nt++;
	}
	if (jf_q_close(&q) != 0)
		rc = q.rc;
	for (int i = 0; rc == 0 && i < r->ntiers; i++) {
		const char *name = r->tiers[i].name;
		int64_t n = 0;

		for (int j = 0; j < nt; j++)
			if (t[j].name && strcmp(t[j].name, name) == 0) {
				n = t[j].n;
				t[j].shown = 1;
			}
		rc = count(fn, arg, "tier", name, n);
	}
	for (int j = 0; rc == 0 && j < nt; j++)
		if (!t[j].shown)
			rc = count(fn, arg, "tier", t[j].name, t[j].n);
	for (int j = 0; j < nt; j++)
		free(t[j].name);
	free(t);
	return rc;
}

/* The members in all, by status, tier and activity, and the new. */
static int
member_counts(struct jf_ctx *c, jf_count_fn *fn, void *arg)
{
	char inactive[JF_DATE_LEN], joined[JF_DATE_LEN];
	struct jf_rows q;
	int64_t v[6];
	int rc, found;

	jf_date_add_days(c->today, -90, inactive);
	jf_date_add_days(c->today, -30, joined);
	jf_q_open(c, &q, q_mem_status, "tt", inactive, joined);
	if ((found = jf_q_next(&q)))
		for (int i = 0; i < 6; i++)
			v[i] = jf_r_int(&q, i);
	if ((rc = jf_q_close(&q)) != 0)
		return rc;
	if (!found)
		return jf_error(JF_ESOFTWARE, _("no member counts"));
	if ((rc = count(fn, arg, "total", "all", v[0])) != 0 ||
	    (rc = count(fn, arg, "status", "active", v[1])) != 0 ||
	    (rc = count(fn, arg, "status", "frozen", v[2])) != 0 ||
	    (rc = count(fn, arg, "status", "closed", v[3])) != 0 ||
	    (rc = member_tiers(c, fn, arg)) != 0 ||
	    (rc = count(fn, arg, "activity", "active", v[0] - v[5])) != 0 ||
	    (rc = count(fn, arg, "activity", "inactive", v[5])) != 0)
		return rc;
	return count(fn, arg, "new", "30_days", v[4]);
}

/* The members in each segment, every segment named. */
static int
member_segments(struct jf_ctx *c, jf_count_fn *fn, void *arg)
{
	int64_t seg[8] = { 0 };
	struct jf_rows q;
	int rc;

	jf_q_open(c, &q, q_mem_segments, "");
	while (jf_q_next(&q))
		for (int i = 0; jf_rfm_segments[i] != NULL; i++)
			if (strcmp(jf_r_text(&q, 0), jf_rfm_segments[i]) == 0)
				seg[i] = jf_r_int(&q, 1);
	if ((rc = jf_q_close(&q)) != 0)
		return rc;
	for (int i = 0; jf_rfm_segments[i] != NULL; i++)
		if ((rc = count(fn, arg, "segment", jf_rfm_segments[i],
		    seg[i])) != 0)
			return rc;
	return 0;
}

/* The members with each RFM score, as "rfm" counts keyed "545". */
static int
member_scores(struct jf_ctx *c, jf_count_fn *fn, void *arg)
{
	struct jf_rows q;
	char code[8];
	int rc = 0;

	jf_q_open(c, &q, q_mem_rfm, "");
	while (rc == 0 && jf_q_next(&q)) {
		snprintf(code, sizeof(code), "%d%d%d",
		    (int)jf_r_int(&q, 0) % 10, (int)jf_r_int(&q, 1) % 10,
		    (int)jf_r_int(&q, 2) % 10);
		rc = count(fn, arg, "rfm", code, jf_r_int(&q, 3));
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	return rc;
}

int
jf_report_members(struct jf_ctx *c, jf_count_fn *fn, void *arg)
{
	int rc;

	/* the counts, the segments, then the scores */
	if ((rc = member_counts(c, fn, arg)) != 0 ||
	    (rc = member_segments(c, fn, arg)) != 0)
		return rc;
	return member_scores(c, fn, arg);
}

/* -- stock -------------------------------------------------------------- */

/*
 * As stock list: every store with a stock row and the context's own (or
 * the one asked for) with every product, on hand 0 and the list cost
 * where it never moved.
 */
static const char q_stock[] =
    "WITH s(store) AS (SELECT store FROM stock "
    "WHERE CAST(?1 AS TEXT) IS NULL "
    "UNION SELECT coalesce(CAST(?1 AS TEXT), ?2)) "
    "SELECT s.store, p.sku, p.name, p.category, coalesce(k.on_hand, 0), "
    "p.reorder_level, coalesce(k.avg_cost, p.cost), "
    "(SELECT max(m.at) FROM move m WHERE m.product_id = p.id "
    "AND m.store = s.store AND m.kind IN ('sale', 'redeem')) "
    "FROM s CROSS JOIN product p "
    "LEFT JOIN stock k ON k.store = s.store AND k.product_id = p.id "
    "ORDER BY s.store, p.sku";

/* Fills l from the row of q_stock r; 0, or a value out of range. */
static int
stock_line(const struct jf_rows *r, const char *slow_since,
    struct jf_stock_line *l)
{
	l->store = jf_r_text(r, 0);
	l->sku = jf_r_text(r, 1);
	l->name = jf_r_text(r, 2);
	l->category = jf_r_opt(r, 3);
	l->on_hand = jf_r_int(r, 4);
	l->reorder_level = jf_r_int(r, 5);
	l->avg_cost = jf_r_int(r, 6);
	l->last_out = jf_r_opt(r, 7);
	if (__builtin_mul_overflow(l->on_hand, l->avg_cost, &l->value))
		return jf_error(JF_ESOFTWARE,
		    _("value of \"%s\" in \"%s\" out of range"),
		    l->sku, l->store);
	l->low = l->on_hand <= l->reorder_level;
	l->negative = l->on_hand < 0;
	l->slow = l->on_hand > 0 && (l->last_out == NULL ||
	    strcmp(l->last_out, slow_since) < 0);
	return 0;
}

int
jf_report_stock(struct jf_ctx *c, const char *store, const char *slow_since,
    jf_stock_line_fn *fn, void *arg)
{
	struct jf_stock_line l;
	struct jf_rows q;
	int rc = 0;

	jf_q_open(c, &q, q_stock, "Tt", store, c->store);
	while (rc == 0 && jf_q_next(&q))
		if ((rc = stock_line(&q, slow_since, &l)) == 0)
			rc = fn(arg, &l);
	if (jf_q_close(&q) != 0)
		return q.rc;
	return rc;
}

/*
 * The stock's value at cost over [since, until], per store, from the
 * values the moves booked (move.value: on hand at the average after the
 * move less before it).  The opening is the sum before since, the
 * closing up to the end of until, and each kind of move between adds
 * its own column, so opening + the columns = closing to the fen.  A
 * receipt's value takes in the revaluation its rounding of the average
 * books; adjustments are adjust and count moves.
 */
static const char q_reconcile[] =
    "SELECT store, "
    "coalesce(sum(CASE WHEN at < ?1 THEN value END), 0), "
    "coalesce(sum(CASE WHEN at >= ?1 AND kind = 'receive' THEN value END), "
    "0), "
    "coalesce(sum(CASE WHEN at >= ?1 AND kind = 'sale' THEN value END), 0), "
    "coalesce(sum(CASE WHEN at >= ?1 AND kind = 'return' THEN value END), "
    "0), "
    "coalesce(sum(CASE WHEN at >= ?1 AND kind IN ('adjust', 'count') "
    "THEN value END), 0), "
    "coalesce(sum(CASE WHEN at >= ?1 AND kind = 'redeem' THEN value END), "
    "0), "
    "coalesce(sum(value), 0) "
    "FROM move WHERE at < ?2 AND (CAST(?3 AS TEXT) IS NULL OR store = ?3) "
    "GROUP BY store ORDER BY store";

int
jf_report_reconcile(struct jf_ctx *c, const char *since, const char *until,
    const char *store, jf_recon_fn *fn, void *arg)
{
	struct jf_recon k;
	struct range r;
	struct jf_rows q;
	int rc = 0, any = 0;

	if (since && *since && until && *until && strcmp(since, until) > 0)
		return jf_error(JF_EUSAGE, _("--since %s is after --until %s"),
		    since, until);
	if ((rc = jf_report_store(c, store)) != 0)
		return rc;
	range(since, until, &r);
	jf_q_open(c, &q, q_reconcile, "ttT", r.lo, r.hi, store);
	while (rc == 0 && jf_q_next(&q)) {
		k.store = jf_r_text(&q, 0);
		k.opening = jf_r_int(&q, 1);
		k.purchases = jf_r_int(&q, 2);
		k.sales = -jf_r_int(&q, 3);
		k.returns = jf_r_int(&q, 4);
		k.adjustments = jf_r_int(&q, 5);
		k.gifts = -jf_r_int(&q, 6);
		k.closing = jf_r_int(&q, 7);
		any = 1;
		rc = fn(arg, &k);
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	/* a store that is known but had no move by then: all at 0 */
	if (rc == 0 && !any && store != NULL && *store != '\0') {
		memset(&k, 0, sizeof(k));
		k.store = store;
		rc = fn(arg, &k);
	}
	return rc;
}

/* -- leaderboard -------------------------------------------------------- */

/* Points gained: earn, bonus and award entries, less reversals. */
static const char q_leaders[] =
    "SELECT m.code, m.name, sum(l.delta) AS pts FROM ledger l "
    "JOIN member m ON m.id = l.member_id "
    "WHERE l.at >= ?1 AND l.at < ?2 "
    "AND l.kind IN (SELECT kind FROM ledger_kind WHERE earned <> 0) "
    "GROUP BY m.id HAVING sum(l.delta) > 0 "
    "ORDER BY pts DESC, m.code LIMIT ?3";

int
jf_report_leaderboard(struct jf_ctx *c, const char *since, const char *until,
    int top, jf_leader_fn *fn, void *arg)
{
	struct jf_leader b;
	struct range r;
	struct jf_rows q;
	int64_t n = 0, last = -1;
	char *name = NULL;
	int rc = 0;

	range(since, until, &r);
	jf_q_open(c, &q, q_leaders, "tti", r.lo, r.hi, (int64_t)top);
	while (rc == 0 && jf_q_next(&q)) {
		free(name);
		if ((rc = jf_unseal(c, "name", jf_r_opt(&q, 1), &name)) != 0)
			break;
		b.code = jf_r_text(&q, 0);
		b.name = name;
		b.points = jf_r_int(&q, 2);
		n++;
		/* ties share a rank: 1, 2, 2, 4 */
		if (b.points != last)
			b.rank = n;
		last = b.points;
		rc = fn(arg, &b);
	}
	free(name);
	if (jf_q_close(&q) != 0)
		return q.rc;
	return rc;
}
