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

#include "db.h"

struct jf_product {
	int64_t id;
	char *sku, *name, *category;	/* owned: jf_product_clear() */
	int64_t price, cost, reorder_level;
	int64_t gift_points;		/* 0: not a gift */
	int no_points;
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
 * already is JF_EREFUSED with jf_stock_dup set. */
int jf_stock_move(struct jf_ctx *c, const struct jf_move *m);
extern int jf_stock_dup;
/* On hand of a product in a store (0 if never moved). */
int jf_stock_on_hand(struct jf_ctx *c, const char *store, int64_t product_id,
    int64_t *qty);

#endif
