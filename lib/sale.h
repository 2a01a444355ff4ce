/*
 * sale.h - the till (销): sales, returns, and the points they move.
 *
 * A sale is one `sale` row, a `sale_line` per line, a 'sale' move per
 * line in the stock book, and in the points ledger: the offset (points
 * paid as cash), the points earned by jf_earn(), and the bonuses of a
 * first purchase (signup, referral) and of the birthday month.  All of
 * it is booked or none: every refusal is found before the first
 * write, so an import can go on past a refused receipt in the same
 * transaction.  A return undoes a receipt or some of its lines with
 * the rules of the original sale.
 *
 * Every function here runs inside the caller's jf_begin() ... jf_commit()
 * and never commits by itself.
 */
#ifndef JF_SALE_H
#define JF_SALE_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

#define JF_RECEIPT_MAX 100	/* bytes of a receipt number */
#define JF_SALE_LINES_MAX 1000	/* lines of one receipt */
#define JF_RETURN_DAYS 30	/* then only a manager takes goods back */

/*
 * 0 while the book's clock is within JF_RETURN_DAYS days of at (a sale, a
 * redemption); after, JF_ENOPERM unless a manager: "what" is undone
 * ("a return").  Counted to the day the book records it, not to --at.
 */
int jf_window(struct jf_ctx *c, const char *at, const char *what);

/* One SKU:QTY[@PRICE] as given; sku is borrowed. */
struct jf_sale_item {
	const char *sku;
	int64_t qty;		/* > 0 */
	int64_t price;		/* fen; -1: the product's price */
};

/*
 * Parses "SKU:QTY[@PRICE]" (a SKU has no ':' or '@'; see stock(1)):
 * 0, or JF_EUSAGE with the message set.  With price_ok 0, an @PRICE is
 * refused (a return names quantities only).  it->sku points into s,
 * which is modified.
 */
int jf_sale_item_parse(char *s, int price_ok, struct jf_sale_item *it);
/*
 * Parses n operands "SKU:QTY[@PRICE]" into *items (new: free() it; the
 * SKUs are copies within it, so argv, which the audit log records, is
 * left as given): 0, JF_EUSAGE with the message set, or JF_ESOFTWARE.
 */
int jf_sale_items_parse(int n, char *const *argv, int price_ok,
    struct jf_sale_item **items);

/* What the till is told. */
struct jf_sale_in {
	const char *receipt;	/* NULL or "": generated */
	const char *member;	/* code or phone; NULL or "": anonymous */
	const char *at;		/* NULL: c->now */
	const char *store;	/* NULL: c->store */
	int64_t points_used;	/* 0: none */
	const struct jf_sale_item *items;
	int nitems;
	int quiet;		/* an import: no balance to print after */
};

/* A line as booked; strings owned (jf_sale_clear). */
struct jf_sale_line {
	char *sku, *name, *rule;
	int64_t qty, price, amount;
	int64_t mult;		/* hundredths, rounded down */
	int64_t mult_exact;	/* JF_MULT_ONE = 1x, as the formula used it */
	int64_t offset, paid;	/* the line's share of the receipt's */
	int64_t points;		/* the line's own share, rounded down */
	int64_t returned;	/* qty returned so far */
	int64_t cost;		/* unit cost of its goods when sold, fen */
	int64_t list_price;	/* before the tier's discount; 0: none */
};

/* A sale as booked or read back; strings owned (jf_sale_clear). */
struct jf_sale {
	int64_t id;
	char receipt[JF_RECEIPT_MAX + 1];
	char at[JF_TS_LEN];
	char *store;
	char *member;		/* the member's code, NULL: anonymous */
	int64_t member_id;	/* 0: anonymous */
	int64_t gross, offset, paid;
	int64_t points_used, points_earned, bonus_points;
	int64_t balance;	/* the member's, after the sale */
	int64_t rules_version;
	char *tier;
	int64_t tier_factor;	/* hundredths */
	int64_t returned;	/* gross returned so far */
	int64_t discount;	/* the tier's discount on the lines, fen */
	struct jf_sale_line *lines;
	int nlines;
	/* on failure: the input column at fault and the item's index */
	const char *errcol;
	int erritem;
	int written;		/* failed after writing: roll back */
};

void jf_sale_clear(struct jf_sale *s);


/*
 * Records a sale and fills *s (clear it after).  A receipt not given is
 * generated as STORE-YYYYMMDD-NNNN (the sale's day and the next number
 * of that store and day).  Refusals (JF_EREFUSED): the receipt exists
 * (JF_EDUP), no such member or product, points used by no or an
 * inactive member, the offset rules, a short balance.  JF_EDATA for an
 * amount beyond the money range.  A refusal writes nothing; a failure
 * with s->written set (the database's: 70, 75) leaves part of the sale
 * in the transaction, which the caller must roll back.
 */
int jf_sale_record(struct jf_ctx *c, const struct jf_sale_in *in,
    struct jf_sale *s);

/* A receipt as booked, with its lines and the member's balance now. */
int jf_sale_get(struct jf_ctx *c, const char *receipt, struct jf_sale *s);

/* What a return is told. */
struct jf_return_in {
	const char *of;		/* the sale's receipt; NULL: a refund, no sale */
	const char *receipt;	/* its own number; NULL: OF-R1, OF-R2, ... */
	const char *at;		/* NULL: c->now */
	const char *store;	/* a refund's; NULL: c->store */
	const char *member;	/* NULL, or the sale's member, checked */
	const struct jf_sale_item *items;	/* n 0: the whole receipt */
	int n;
};

/* What a return did. */
struct jf_return {
	char receipt[JF_RECEIPT_MAX + 1];	/* the sale's */
	char ret[JF_RECEIPT_MAX + 1];		/* the return's own */
	char at[JF_TS_LEN];
	char *member;		/* owned; NULL: anonymous */
	int64_t gross;		/* the returned lines' amounts */
	int64_t points_reversed;	/* taken back from the sale's member */
	int64_t points_restored;	/* of the points used, given back */
	int64_t balance;
	int whole;		/* nothing of the receipt is kept now */
};

void jf_return_clear(struct jf_return *r);

/*
 * Returns the whole receipt in->of (n == 0: every line not returned
 * yet) or the quantities named, under its own number (JF_EDUP when
 * that is recorded already) at in->at.  With no in->of, a refund: the
 * goods named come back to in->store at their prices (or the
 * products'), with no points.  A return that leaves nothing kept is whole: it
 * reverses everything the receipt earned, its bonuses included, and
 * gives back the rest of the points used.  A partial one reverses
 * earned_before - earned(kept lines), by the sale's rules version and
 * tier factor, and gives back floor(points_used x returned / gross).
 * Goods go back to the sale's store.  JF_EREFUSED for an unknown
 * receipt, an SKU not on it, or more than is left; JF_ENOPERM after 30
 * days for less than a manager.
 */
int jf_sale_return(struct jf_ctx *c, const struct jf_return_in *in,
    struct jf_return *r);

struct jf_sale_filter {
	const char *since, *until;	/* dates, inclusive; NULL: open */
	const char *member;		/* code or phone */
	const char *store;
};
/* Called per sale; s is borrowed for the call.  Non-zero stops. */
typedef int jf_sale_fn(void *arg, const struct jf_sale *s);
/*
 * Calls fn for each sale matching f, by time; with lines set, each with
 * its lines (s->balance is not filled).
 */
int jf_sale_each(struct jf_ctx *c, const struct jf_sale_filter *f,
    int lines, jf_sale_fn *fn, void *arg);

/*
 * sale import through the import engine (import.h): sets im's columns,
 * the receipt as its key (a receipt's lines together, recorded whole or
 * rejected whole) and the functions that check each line and record
 * each receipt, counting in im->n[JF_SALE_RECORDED], [JF_SALE_LINES]
 * and [JF_SALE_SKIPPED].  *sp is new: jf_sale_import_free() it after
 * the run.
 */
enum { JF_SALE_RECORDED, JF_SALE_LINES, JF_SALE_SKIPPED, JF_SALE_RETURNS };
struct jf_import;
struct jf_sale_import;
int jf_sale_import_new(struct jf_import *im, struct jf_sale_import **sp);
void jf_sale_import_free(struct jf_sale_import *si);
/* The columns sale import reads, and `sale list --lines` writes. */
extern const char *const jf_sale_line_cols[];

/*
 * sale add -: receipts as JSON lines from in, each answered on out by a
 * line of JSON once committed (rolled back unless keep); see
 * salestream.c.  0 when every line was answered, else why it stopped
 * (out could not be written).
 */
int jf_sale_stream(struct jf_ctx *c, FILE *in, FILE *out, int keep);

/*
 * The till's output (salefmt.c), written to fp in format fmt (output.h):
 * a sale as add, quote and show print it (returned: JSON's lines say
 * what of each was returned), its lines a row each, a return, and the
 * sales f selects (jf_sale_each; lines: a row per line, in
 * jf_sale_line_cols).  0, JF_ESOFTWARE when fp could not be written, or
 * jf_sale_each's failure.
 */
int jf_sale_write(FILE *fp, int fmt, const struct jf_sale *s, int returned);
int jf_sale_write_lines(FILE *fp, int fmt, const struct jf_sale *s);
int jf_return_write(FILE *fp, int fmt, const struct jf_return *r);
int jf_sale_list_write(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_sale_filter *f, int lines);

#endif
