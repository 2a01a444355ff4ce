/*
 * report.h - what the owner reads: the queries behind `report`, and
 * the reports written out from them.
 *
 * Every query reads; none writes.  Dates bound a range of days, both
 * inclusive, NULL or "" for open; a store NULL or "" means the whole
 * chain.  Rows are handed to a callback one at a time with borrowed
 * strings (valid during the call); a callback that returns non-zero
 * stops the query, and that value is returned.  Money is fen, points
 * are integers, as everywhere.
 *
 * The day's figures are read through the indexes on the time columns
 * (sale_at, ledger_at, member_joined, sale_return_at), so the daily
 * report costs what the day did, not what the history holds.
 */
#ifndef JF_REPORT_H
#define JF_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* A read snapshot: every query between sees one state of the book. */
int jf_report_begin(struct jf_ctx *c);
void jf_report_end(struct jf_ctx *c);

/* report daily: one day's figures. */
struct jf_daily {
	char day[JF_DATE_LEN];
	int64_t receipts, gross, offset, paid;
	int64_t points_earned, points_bonus, points_redeemed, points_expired;
	int64_t new_members;
	int64_t returns, returned;	/* returns booked that day, gross */
	int64_t points_awarded, points_reversed;
	int64_t points_adjusted, points_restored;	/* net; given back */
	int64_t cost, margin;	/* the sales' goods at cost; paid - cost */
	int64_t returned_cost;	/* the returns' goods, at the cost they left */
	int64_t hour_receipts[24], hour_paid[24];	/* by the sale's hour */
	int64_t hour_offset[24];
	char audit_head[96], ledger_head[96];	/* the chains: "ID:HASH" */
};
/*
 * 0 when store is NULL, "" or a store where anything was ever booked (a
 * stock row, a move, a sale, a return); else JF_EREFUSED naming it.
 */
int jf_report_store(struct jf_ctx *c, const char *store);

int jf_report_daily(struct jf_ctx *c, const char *day, const char *store,
    struct jf_daily *d);

/* A product's sales over a range of days, best sellers (by gross) first. */
struct jf_top {
	const char *sku, *name;
	int64_t qty, gross;
};
typedef int jf_top_fn(void *arg, const struct jf_top *t);
int jf_report_top(struct jf_ctx *c, const char *since, const char *until,
    const char *store, int limit, jf_top_fn *fn, void *arg);

/* report sales: one row per key. */
enum { JF_BY_DAY, JF_BY_MONTH, JF_BY_PRODUCT, JF_BY_CATEGORY, JF_BY_MEMBER,
	JF_BY_YEAR, JF_BY_ALL };
/* "day", "month", ... to JF_BY_*; -1 for an unknown name. */
int jf_report_by(const char *name);

struct jf_sales_row {
	const char *key;	/* NULL: no category, or no member */
	const char *name;	/* the product's or member's; else NULL */
	int64_t receipts, qty, gross, offset, paid;
	int64_t cost, margin;	/* the goods at the cost they left with */
};
typedef int jf_sales_fn(void *arg, const struct jf_sales_row *r);
/*
 * By day or month in time order; by product, category or member the
 * best (by gross) first.  A receipt's offset is shared among its lines
 * in proportion to their amounts, each share rounded down.  The cost
 * is each line's units at the cost they left the stock with; like gross
 * it is the sale as rung up, returns not taken off, and the margin is
 * paid - cost.
 */
int jf_report_sales(struct jf_ctx *c, int by, const char *since,
    const char *until, const char *store, jf_sales_fn *fn, void *arg);
/*
 * margin as a percentage of paid, in hundredths of a percent rounded
 * half away from zero ("23.45" as money formats it): 0, or -1 when paid
 * is 0 (no percentage).
 */
int jf_margin_pct(int64_t margin, int64_t paid, int64_t *hundredths);

/* report points: outstanding points, their value, and the movements. */
int jf_report_outstanding(struct jf_ctx *c, int64_t *points,
    int64_t *liability);

struct jf_points_row {
	const char *period;	/* "2026-11", or "all" */
	int64_t earned, bonus, awarded, adjusted;
	int64_t redeemed, expired, reversed, restored;	/* as positive sizes */
};
typedef int jf_points_fn(void *arg, const struct jf_points_row *r);
/* by is JF_BY_DAY, JF_BY_MONTH, JF_BY_YEAR or JF_BY_ALL. */
int jf_report_points(struct jf_ctx *c, int by, const char *since,
    const char *until, jf_points_fn *fn, void *arg);

/*
 * report members: counts, each a (group, key, members) row, in order:
 * total/all; status/active|frozen|closed; tier/NAME (the rules' tiers and
 * any other name in use); activity/active|inactive (a purchase in the 90
 * days up to today or not); new/30_days (joined in the 30 days up to
 * today); segment/NAME; rfm/"RFM" (three digits 1-5).
 */
struct jf_count {
	const char *group, *key;
	int64_t members;
};
typedef int jf_count_fn(void *arg, const struct jf_count *r);
int jf_report_members(struct jf_ctx *c, jf_count_fn *fn, void *arg);

/* report stock: per store and product, as stock list shows them. */
struct jf_stock_line {
	const char *store, *sku, *name, *category;
	int64_t on_hand, reorder_level, avg_cost, value;
	const char *last_out;	/* the last sale or redemption, NULL: never */
	int low, negative, slow;
};
typedef int jf_stock_line_fn(void *arg, const struct jf_stock_line *r);
/*
 * low: on hand at or below the reorder level; negative: below zero;
 * slow: some on hand and no sale or redemption since slow_since (a date).
 */
int jf_report_stock(struct jf_ctx *c, const char *store,
    const char *slow_since, jf_stock_line_fn *fn, void *arg);

/*
 * report stock --since --until: a store's value at cost at the opening
 * (before since) and the closing (the end of until), and what each kind
 * of move did between, from the values the moves booked, so that
 * opening + purchases - sales + returns + adjustments - gifts = closing
 * to the fen.  sales (the cost of the goods sold) and gifts (of
 * redemptions) are positive sizes; adjustments (adjust and count moves)
 * are signed.  One row per store with a move by the closing, in order
 * of its code; with a store, that store's only (all 0 when it had
 * none), and JF_EREFUSED when no such store was ever booked.
 */
struct jf_recon {
	const char *store;
	int64_t opening, purchases, sales, returns, adjustments, gifts;
	int64_t closing;
};
typedef int jf_recon_fn(void *arg, const struct jf_recon *r);
int jf_report_reconcile(struct jf_ctx *c, const char *since,
    const char *until, const char *store, jf_recon_fn *fn, void *arg);

/* report leaderboard: points gained in [since, until] (dates). */
struct jf_leader {
	int64_t rank;
	const char *code, *name;
	int64_t points;
};
typedef int jf_leader_fn(void *arg, const struct jf_leader *r);
int jf_report_leaderboard(struct jf_ctx *c, const char *since,
    const char *until, int top, jf_leader_fn *fn, void *arg);

/*
 * The reports written out (reportfmt.c): each runs its queries, in the
 * snapshot the caller has begun, and writes the report to fp in format
 * fmt (JF_FMT_*; daily, sales and points also JF_FMT_HTML, a page with
 * charts).  a holds what was asked for; its defaults are the reports'
 * (today, the whole range, and so on; stock with a since or an until
 * is the reconciliation of its value).  Returns 0, or a status with
 * the message set (JF_ESOFTWARE, no message, when fp failed).
 */
struct jf_report_args {
	char date[JF_DATE_LEN];	/* daily, leaderboard: "" for today */
	char since[JF_DATE_LEN], until[JF_DATE_LEN];	/* "": open */
	int64_t top;		/* daily's products, leaderboard's members */
	int64_t days;		/* stock: slow after so many days */
	int by;			/* JF_BY_*; -1: by day (sales), all (points) */
	int year;		/* leaderboard: the calendar year, not month */
	const char *audit_head, *ledger_head;	/* audit: kept heads */
	const char *who, *tool;	/* log: one operator's, one tool's */
	int full;		/* audit: integrity_check, not quick_check */
	const char *member;	/* recommend: the member's code or phone */
};
typedef int jf_report_write_fn(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_report_args *a);
jf_report_write_fn jf_report_write_daily;
jf_report_write_fn jf_report_write_sales;
jf_report_write_fn jf_report_write_points;
jf_report_write_fn jf_report_write_members;
jf_report_write_fn jf_report_write_stock;
jf_report_write_fn jf_report_write_leaderboard;
/* reportbook.c: the audit log (a manager's), the receipts of goods. */
jf_report_write_fn jf_report_write_log;
jf_report_write_fn jf_report_write_purchases;
/*
 * reportmkt.c: recommend, for a member (a->member, JF_EREFUSED when no
 * such member) the products they never bought, most often on one
 * receipt with one they bought first; without one, the pairs of
 * products most often on one receipt; staff, what each operator did (a
 * manager's).
 */
jf_report_write_fn jf_report_write_recommend;
jf_report_write_fn jf_report_write_staff;

#endif
