/*
 * stock.h - products and the stock book (进 and 存).
 *
 * Every change of stock is one row of `move` (kind receive, sale,
 * return, redeem, adjust, count) and on-hand per store and product is
 * their sum, kept in `stock` in the same transaction together with the
 * moving weighted average cost.  A sale is never refused for stock;
 * on-hand may go below zero.  Writes run inside the caller's jf_begin().
 */
#ifndef JF_STOCK_H
#define JF_STOCK_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

struct jf_product {
	int64_t id;
	char *sku, *name, *category;	/* owned: jf_product_clear() */
	int64_t price, cost, reorder_level;
	int64_t gift_points;		/* 0: not a gift */
	int no_points;
	int64_t gift_limit;		/* a member's most; 0: no limit */
	char *gift_from, *gift_to;	/* the window's days; NULL: open */
};

struct jf_move {
	int64_t product_id;
	const char *kind;	/* "receive", "sale", "return", "redeem", ... */
	int64_t qty;		/* signed: a sale is negative */
	int64_t cost;		/* unit cost in fen for a receipt, else -1 */
	const char *store;	/* NULL: c->store */
	const char *at;		/* NULL: c->now */
	const char *ref, *supplier, *reason;
};

void jf_product_clear(struct jf_product *p);
/* By SKU: 0, or JF_EREFUSED "no product \"sku\"". */
int jf_product_find(struct jf_ctx *c, const char *sku, struct jf_product *p);
/* Books one movement and updates on-hand (and the average cost on a
 * receipt).  A receipt whose ref was booked for this product and store
 * already is JF_EDUP; but after
 * jf_stock_receipts_begin(), one this run booked takes the line's
 * quantity too (at the same cost; at another, JF_EREFUSED). */
int jf_stock_move(struct jf_ctx *c, const struct jf_move *m);
/*
 * jf_stock_move(), and *unit the move's unit cost: a costed one's, else
 * the average cost at which the goods went (a sale's cost of goods).
 * Every move records its unit cost and the value at cost it added.
 */
int jf_stock_move_cost(struct jf_ctx *c, const struct jf_move *m,
    int64_t *unit);
/*
 * For a book from before moves carried their value (schema 9): each
 * move's unit cost and value, replayed in the order they were booked as
 * jf_stock_move_cost() books them now; a store's row keeps its average,
 * and a replay that ends elsewhere (a list cost changed before the
 * first receipt) books the difference on the row's last move.
 */
int jf_stock_replay(struct jf_ctx *c);
/*
 * A file of receipts starts (stock receive FILE), outside any
 * transaction: from now on the lines of one ref and SKU in this run are
 * summed into one move (split deliveries), while a ref booked by an
 * earlier run stays "booked already", so a re-import books nothing
 * twice.
 */
int jf_stock_receipts_begin(struct jf_ctx *c);
/*
 * stock receive --sku and stock adjust: one move of the product sku,
 * whose id it sets in m.  An adjustment is a manager's (JF_ENOPERM).
 */
int jf_stock_book(struct jf_ctx *c, const char *sku, struct jf_move *m);
/* On hand of a product in a store (0 if never moved). */
int jf_stock_on_hand(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *qty);

/*
 * Products as a person or an import row gives them.  NULL, or -1 for a
 * number, is "not given"; a category of "" is none, gift_points 0 takes
 * the product out of the gift catalog.  A gift's terms: gift_limit, the
 * most one member may hold of it (0 lifts the limit), and the first and
 * last days it may be redeemed, as jf_date_parse() reads them ("" opens
 * that end).
 */
struct jf_product_in {
	const char *sku, *name, *category;
	int64_t price, cost, reorder_level, gift_points;
	int no_points;
	int64_t gift_limit;
	const char *gift_from, *gift_to;
};
#define JF_PRODUCT_IN_INIT { NULL, NULL, NULL, -1, -1, -1, -1, -1, -1, \
	NULL, NULL }
#define JF_QTY_MAX 1000000000LL	/* a quantity's bound, either sign */

/* A SKU is 1-64 bytes, no spaces, no control characters, no ',' or '"'
 * (CSV in pipes) and no ':' or '@' (the till writes SKU:QTY@PRICE): 0,
 * or JF_EDATA with the message. */
int jf_sku_check(const char *sku);
/* Checks the fields given (SKU, name not empty, amounts in range): 0, or
 * JF_EDATA with the message and *col the column at fault. */
int jf_product_check(const struct jf_product_in *in, const char **col);
/* A new product: sku, name and price needed; JF_EREFUSED for a SKU that
 * exists. */
int jf_product_add(struct jf_ctx *c, const struct jf_product_in *in,
    int64_t *id);
/* Sets the fields given (a new SKU renames); *changed says whether any
 * differed.  JF_EREFUSED when the new SKU is another product's. */
int jf_product_update(struct jf_ctx *c, int64_t id,
    const struct jf_product_in *in, int *changed);
enum { JF_PRODUCT_ADDED, JF_PRODUCT_UPDATED, JF_PRODUCT_SAME };
/* An import row: adds a new SKU (name and price needed: JF_EDATA with
 * *col), else updates the fields given; *what says which. */
int jf_product_upsert(struct jf_ctx *c, const struct jf_product_in *in,
    int *what, const char **col);

/* On hand and average cost of a product in a store (0 and the product's
 * list cost where it never moved). */
int jf_stock_get(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *on_hand, int64_t *avg_cost);

/*
 * A stocktake row: books counted - on hand as a "count" move (nothing
 * when they agree).  *on_hand is what the book said before.
 */
int jf_stock_count(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t counted, int64_t *on_hand, int64_t *diff);

/*
 * A stocktake (stock count) of the context's store: each SKU counted is
 * booked by jf_stock_count().  A SKU counted on two shelves (two rows)
 * is booked as the sum of its rows: *counted comes back as the running
 * total.  A stocktake is a manager's: jf_stocktake_new() refuses anyone
 * else (JF_ENOPERM).  *tp is new: jf_stocktake_free() it.
 */
struct jf_stocktake;
int jf_stocktake_new(struct jf_ctx *c, struct jf_stocktake **tp);
int jf_stocktake_count(struct jf_stocktake *t, int64_t product_id,
    int64_t *counted, int64_t *on_hand, int64_t *diff);
void jf_stocktake_free(struct jf_stocktake *t);

/*
 * stock import, receive FILE and count through the import engine
 * (import.h, lib/stockimport.c): sets im's columns, row function and
 * hooks for what; the counts are in im->n (JF_PRODUCT_ADDED..., the
 * JF_RECEIPT_ and JF_COUNT_ below).  A stocktake writes a row a line
 * to fp, in the book's format, as it books it.  *bp is new:
 * jf_stock_batch_free() it after the run, which ends the stocktake's
 * table: 0, or -1 when a write to fp failed.
 */
enum { JF_BATCH_PRODUCTS, JF_BATCH_RECEIPTS, JF_BATCH_COUNT };
enum { JF_RECEIPT_BOOKED, JF_RECEIPT_DUP };
enum { JF_COUNT_SAME, JF_COUNT_DIFF };
struct jf_import;
struct jf_stock_batch;
int jf_stock_batch_new(struct jf_import *im, int what, FILE *fp,
    struct jf_stock_batch **bp);
int jf_stock_batch_free(struct jf_stock_batch *b);

/*
 * A row of the stock list, or a product's card; strings borrowed for the
 * callback's time.  The product's own fields are those stock import
 * reads (gift_points 0: not a gift).  last_received and last_sale are
 * the card's: the time of the store's last receipt of it, and of the
 * last that went out (sold, or given as a gift); NULL for none, and
 * always in the list.
 */
struct jf_stock_row {
	const char *store, *sku, *name, *category;
	int64_t on_hand, reorder_level, avg_cost, value;
	int64_t price, cost, gift_points;
	int no_points;
	const char *last_received, *last_sale;
	/* the card's: a gift's limit a member (0 none) and window (NULL) */
	int64_t gift_limit;
	const char *gift_from, *gift_to;
};
/*
 * store NULL: every store that has a stock row, and the context's store,
 * each with every product (on hand 0 and the list cost where the product
 * never moved there).  low and negative together select either.
 */
struct jf_stock_filter {
	const char *store, *category;
	int low, negative;
};
typedef int jf_stock_fn(void *arg, const struct jf_stock_row *r);
/* Calls fn per store and SKU in that order; stops on non-zero, returned. */
int jf_stock_each(struct jf_ctx *c, const struct jf_stock_filter *f,
    jf_stock_fn *fn, void *arg);
/*
 * stock show: calls fn once with the product sku in the context's store
 * (on hand 0 and the list cost where it never moved there), its dates
 * set.  JF_EREFUSED "no product" for a SKU that is none.
 */
int jf_stock_card(struct jf_ctx *c, const char *sku, jf_stock_fn *fn,
    void *arg);

/* A row of the stock book; cost -1 where none was booked. */
struct jf_move_row {
	const char *at, *store, *sku, *kind, *ref, *supplier, *reason;
	const char *operator;
	int64_t qty, cost;
};
/* Any NULL field selects all; since and until are timestamps, inclusive. */
struct jf_move_filter {
	const char *store, *sku, *kind, *since, *until;
};
typedef int jf_move_fn(void *arg, const struct jf_move_row *r);
/* Calls fn per move in time order; stops on non-zero, returned. */
int jf_move_each(struct jf_ctx *c, const struct jf_move_filter *f,
    jf_move_fn *fn, void *arg);
/* 1 for a kind of the stock book, else 0. */
int jf_move_kind_valid(const char *kind);

/*
 * stock's tables written to fp in the book's format (lib/stockfmt.c):
 * the product as it is now; a move just booked by jf_stock_book(), with
 * the stock it left; the stock list; a product's card (stock show); the
 * stock book, of a product that exists.  0, a status with its message
 * (JF_EREFUSED for a SKU that is no product), or JF_ESOFTWARE with no
 * message when a write to fp failed (for stdout, jf_run() reports that).
 */
int jf_stock_write_product(struct jf_ctx *c, FILE *fp, const char *sku);
int jf_stock_write_move(struct jf_ctx *c, FILE *fp, const struct jf_move *m,
    const char *sku);
int jf_stock_write_list(struct jf_ctx *c, FILE *fp,
    const struct jf_stock_filter *f);
int jf_stock_write_card(struct jf_ctx *c, FILE *fp, const char *sku);
int jf_stock_write_moves(struct jf_ctx *c, FILE *fp,
    const struct jf_move_filter *f);

/*
 * stockbook.c: the suppliers, each with its receipts and the last; and
 * receipt ref taken back whole by counter-receipt counter (a manager's):
 * receive moves of the opposite quantities at the same unit costs,
 * written to fp as booked.  JF_EREFUSED when ref is no receipt in the
 * store or was taken back already; JF_EDUP when counter is booked.
 */
int jf_stock_write_suppliers(struct jf_ctx *c, FILE *fp, int fmt);
int jf_stock_reverse(struct jf_ctx *c, const char *ref, const char *counter,
    FILE *fp);

/* stockargs.c: the stock tool's option values (JF_FN, lib/opts.h). */
int jf_stock_sku_arg(const char *arg, void *field);
int jf_stock_name_arg(const char *arg, void *field);
int jf_stock_money_arg(const char *arg, void *field);
int jf_stock_adjust_qty(const char *arg, void *field);
int jf_stock_reason_arg(const char *arg, void *field);
int jf_stock_since_arg(const char *arg, void *field);
int jf_stock_until_arg(const char *arg, void *field);
int jf_stock_kind_arg(const char *arg, void *field);
int jf_stock_day_arg(const char *arg, void *field);	/* a day, or "" */

#endif
