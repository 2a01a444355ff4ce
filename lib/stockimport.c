/*
 * stockimport.c - stock's files through the import engine (import.h):
 * products (stock import), receipts (stock receive FILE) and a
 * stocktake (stock count).  Each is a row function over the engine:
 * it reads the row's columns, books the row through stock.c and counts
 * it in im->n, or rejects it (JF_EDATA, with its file, row and column).
 *
 * A stocktake prints as it books: its table is opened once the book
 * is, and the manager's role checked (jf_stocktake_new), so that a
 * refused count prints nothing; jf_stock_batch_free() ends it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "import.h"
#include "jtime.h"
#include "money.h"
#include "output.h"
#include "stock.h"


struct jf_stock_batch {
	FILE *fp;
	struct jf_out *out;		/* the stocktake's rows */
	struct jf_stocktake *take;
};

/* The product a row names by its sku column, or JF_EDATA. */
static int
row_product(struct jf_import *im, struct jf_product *p)
{
	const char *sku = jf_row_str(im->in, "sku");
	int rc;

	memset(p, 0, sizeof(*p));
	if (sku == NULL)
		return jf_in_error(im->in, "sku", _("empty SKU"));
	if ((rc = jf_product_find(im->c, sku, p)) == JF_EREFUSED)
		return jf_in_error(im->in, "sku", "%s", jf_errmsg());
	return rc;
}

/* stock import: adds a new SKU, else updates the fields given. */
static int
product_row(struct jf_import *im)
{
	struct jf_product_in p = JF_PRODUCT_IN_INIT;
	struct jf_in *in = im->in;
	const char *col;
	int rc, what;

	p.sku = jf_row_str(in, "sku");
	p.name = jf_row_str(in, "name");
	p.category = jf_row_str(in, "category");
	p.gift_from = jf_row_str(in, "gift_from");
	p.gift_to = jf_row_str(in, "gift_to");
	if ((rc = jf_row_money(in, "price", &p.price)) != 0 ||
	    (rc = jf_row_money(in, "cost", &p.cost)) != 0 ||
	    (rc = jf_row_int(in, "reorder_level", 0, JF_QTY_MAX,
	    &p.reorder_level)) != 0 ||
	    (rc = jf_row_int(in, "gift_points", 0, JF_MONEY_MAX,
	    &p.gift_points)) != 0 ||
	    (rc = jf_row_int(in, "gift_limit", 0, JF_QTY_MAX,
	    &p.gift_limit)) != 0 ||
	    (rc = jf_row_bool(in, "no_points", &p.no_points)) != 0)
		return rc;
	rc = jf_product_upsert(im->c, &p, &what, &col);
	if (rc == JF_EDATA || rc == JF_EREFUSED)
		return jf_in_error(in, col, "%s", jf_errmsg());
	if (rc == 0)
		im->n[what]++;
	return rc;
}

/* A receipt's line: its columns, checked into m (the product aside). */
static int
receipt_line(struct jf_in *in, struct jf_move *m, char *at)
{
	const char *s;
	int rc;

	m->kind = "receive";
	m->ref = jf_row_str(in, "ref");
	m->supplier = jf_row_str(in, "supplier");
	m->cost = -1;
	if (m->ref == NULL)
		return jf_in_error(in, "ref", _("empty: a receipt needs its "
		    "number to be booked once"));
	if (jf_row_str(in, "qty") == NULL)
		return jf_in_error(in, "qty", _("empty"));
	if ((rc = jf_row_int(in, "qty", 1, JF_QTY_MAX, &m->qty)) != 0)
		return rc;
	if (jf_row_str(in, "cost") == NULL)
		return jf_in_error(in, "cost", _("empty"));
	if ((rc = jf_row_money(in, "cost", &m->cost)) != 0)
		return rc;
	if ((s = jf_row_str(in, "at")) != NULL) {
		if (jf_ts_parse(s, at) == -1)
			return jf_in_error(in, "at", "%s", jf_errmsg());
		m->at = at;
	}
	return 0;
}

/* stock receive FILE: a line booked, or booked already by a run before. */
static int
receipt_row(struct jf_import *im)
{
	struct jf_move m = { 0 };
	struct jf_product p;
	char at[JF_TS_LEN];
	int rc;

	if ((rc = receipt_line(im->in, &m, at)) != 0 ||
	    (rc = row_product(im, &p)) != 0)
		return rc;
	m.product_id = p.id;
	jf_product_clear(&p);
	rc = jf_stock_move(im->c, &m);
	if (rc == JF_EDUP) {
		im->n[JF_RECEIPT_DUP]++;
		return 0;
	}
	if (rc == JF_EREFUSED)
		return jf_in_error(im->in, NULL, "%s", jf_errmsg());
	if (rc == 0)
		im->n[JF_RECEIPT_BOOKED]++;
	return rc;
}

/*
 * The whole file is one transaction: a killed run leaves no part of a
 * receipt whose later lines a re-run would take for booked already.
 */
static int
receipts_start(struct jf_import *im)
{
	return jf_stock_receipts_begin(im->c);
}

/* A stocktake is the manager's; its rows print as they are booked. */
static int
count_start(struct jf_import *im)
{
	static const char *const cols[] = {
		NC_("column", "sku"), NC_("column", "on_hand"),
		NC_("column", "counted"), NC_("column", "difference"), NULL
	};
	struct jf_stock_batch *b = im->arg;
	int rc;

	if ((rc = jf_stocktake_new(im->c, &b->take)) != 0)
		return rc;
	b->out = jf_out_new(im->c->fmt, b->fp, cols);
	return 0;
}

/* stock count: a SKU's count booked, and printed. */
static int
count_row(struct jf_import *im)
{
	struct jf_stock_batch *b = im->arg;
	struct jf_product p;
	int64_t counted, on_hand, diff;
	int rc;

	if (jf_row_str(im->in, "counted") == NULL)
		return jf_in_error(im->in, "counted", _("empty"));
	if ((rc = jf_row_int(im->in, "counted", 0, JF_QTY_MAX,
	    &counted)) != 0 || (rc = row_product(im, &p)) != 0)
		return rc;
	if ((rc = jf_stocktake_count(b->take, p.id, &counted, &on_hand,
	    &diff)) == 0) {
		jf_out_str(b->out, p.sku);
		jf_out_int(b->out, on_hand);
		jf_out_int(b->out, counted);
		jf_out_int(b->out, diff);
		jf_out_end(b->out);
		im->n[diff != 0 ? JF_COUNT_DIFF : JF_COUNT_SAME]++;
	}
	jf_product_clear(&p);
	return rc;
}

/*
 * The columns stock list and show write beside the product's own, known
 * to an import and not read (stock moves only through the book), so that
 * `stock list -o csv | stock import` carries the products to another book.
 */
#define READ_ONLY "store", "on_hand", "avg_cost", "value", \
	"last_received", "last_sale"

int
jf_stock_batch_new(struct jf_import *im, int what, FILE *fp,
    struct jf_stock_batch **bp)
{
	static const char *const known[][20] = {
		[JF_BATCH_PRODUCTS] = { "sku", "name", "category", "price",
		    "cost", "reorder_level", "gift_points", "no_points",
		    "gift_limit", "gift_from", "gift_to", "error", READ_ONLY,
		    NULL },
		[JF_BATCH_RECEIPTS] = { "ref", "supplier", "sku", "qty",
		    "cost", "at", "error", NULL },
		[JF_BATCH_COUNT] = { "sku", "counted", "error", NULL },
	};
	static const char *const needed[][5] = {
		[JF_BATCH_PRODUCTS] = { "sku", NULL },
		[JF_BATCH_RECEIPTS] = { "ref", "sku", "qty", "cost", NULL },
		[JF_BATCH_COUNT] = { "sku", "counted", NULL },
	};
	static jf_import_row_fn *const row[] = { product_row, receipt_row,
		count_row };
	static jf_import_hook_fn *const start[] = { NULL, receipts_start,
		count_start };

	if ((*bp = calloc(1, sizeof(**bp))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	(*bp)->fp = fp;
	im->known = known[what];
	im->needed = needed[what];
	im->row = row[what];
	im->start = start[what];
	im->batch = 0;		/* one transaction: the fewest writes */
	im->arg = *bp;
	return 0;
}

int
jf_stock_batch_free(struct jf_stock_batch *b)
{
	int rc;

	if (b == NULL)
		return 0;
	rc = jf_out_free(b->out);
	jf_stocktake_free(b->take);
	free(b);
	return rc;
}
