/*
 * stockfmt.c - stock's tables written out, for `stock`: a product, a
 * move just booked with the stock it left, the stock list, a product's
 * card and the stock book, each read through stock.c and written to the
 * FILE * it is given, in the book's format (output.h).
 *
 * A failed query is the caller's to report, with its message; a failed
 * write is JF_ESOFTWARE with none, for jf_run() reports what went wrong
 * with stdout once, at the end.
 */
#include <stdio.h>

#include "err.h"
#include "output.h"
#include "stock.h"

/* A gift's terms, the last columns of a product: none are empty. */
static void
out_terms(struct jf_out *out, int64_t limit, const char *from,
    const char *to)
{
	if (limit > 0)
		jf_out_int(out, limit);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, from);
	jf_out_str(out, to);
}

/* Frees out: 0, or JF_ESOFTWARE, with no message, when a write failed. */
static int
out_end(struct jf_out *out)
{
	if (jf_out_free(out) == 0)
		return 0;
	return jf_error(JF_ESOFTWARE, "%s", "");
}

int
jf_stock_write_product(struct jf_ctx *c, FILE *fp, const char *sku)
{
	static const char *const cols[] = {
		NC_("column", "sku"), NC_("column", "name"),
		NC_("column", "category"), NC_("column", "price"),
		NC_("column", "cost"), NC_("column", "reorder_level"),
		NC_("column", "no_points"), NC_("column", "gift_points"),
		NC_("column", "gift_limit"), NC_("column", "gift_from"),
		NC_("column", "gift_to"), NULL
	};
	struct jf_product p;
	struct jf_out *out;
	int rc;

	if ((rc = jf_product_find(c, sku, &p)) != 0)
		return rc;
	out = jf_out_new(c->fmt, fp, cols);
	jf_out_single(out);
	jf_out_str(out, p.sku);
	jf_out_str(out, p.name);
	jf_out_str(out, p.category);
	jf_out_money(out, p.price);
	jf_out_money(out, p.cost);
	jf_out_int(out, p.reorder_level);
	jf_out_int(out, p.no_points);
	if (p.gift_points > 0)
		jf_out_int(out, p.gift_points);
	else
		jf_out_str(out, NULL);
	out_terms(out, p.gift_limit, p.gift_from, p.gift_to);
	jf_out_end(out);
	jf_product_clear(&p);
	return out_end(out);
}

int
jf_stock_write_move(struct jf_ctx *c, FILE *fp, const struct jf_move *m,
    const char *sku)
{
	static const char *const cols[] = {
		NC_("column", "at"), NC_("column", "store"),
		NC_("column", "sku"), NC_("column", "kind"),
		NC_("column", "qty"), NC_("column", "cost"),
		NC_("column", "on_hand"), NC_("column", "avg_cost"), NULL
	};
	struct jf_out *out;
	int64_t on_hand, avg;
	int rc;

	if ((rc = jf_stock_get(c, NULL, m->product_id, &on_hand, &avg)) != 0)
		return rc;
	out = jf_out_new(c->fmt, fp, cols);
	jf_out_single(out);
	jf_out_str(out, c->now);
	jf_out_str(out, c->store);
	jf_out_str(out, sku);
	jf_out_str(out, m->kind);
	jf_out_int(out, m->qty);
	if (m->cost >= 0)
		jf_out_money(out, m->cost);
	else
		jf_out_str(out, NULL);
	jf_out_int(out, on_hand);
	jf_out_money(out, avg);
	jf_out_end(out);
	return out_end(out);
}

/*
 * The product's fields the list adds after its own, for stock import to
 * read back: price, cost (the list cost), no_points, gift_points.
 */
static void
product_fields(struct jf_out *out, const struct jf_stock_row *r)
{
	jf_out_money(out, r->price);
	jf_out_money(out, r->cost);
	jf_out_int(out, r->no_points);
	if (r->gift_points > 0)
		jf_out_int(out, r->gift_points);
	else
		jf_out_str(out, NULL);
}

static int
list_row(void *arg, const struct jf_stock_row *r)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->store);
	jf_out_str(out, r->sku);
	jf_out_str(out, r->name);
	jf_out_str(out, r->category);
	jf_out_int(out, r->on_hand);
	jf_out_int(out, r->reorder_level);
	jf_out_money(out, r->avg_cost);
	jf_out_money(out, r->value);
	product_fields(out, r);
	jf_out_end(out);
	return 0;
}

int
jf_stock_write_list(struct jf_ctx *c, FILE *fp,
    const struct jf_stock_filter *f)
{
	static const char *const cols[] = {
		NC_("column", "store"), NC_("column", "sku"),
		NC_("column", "name"), NC_("column", "category"),
		NC_("column", "on_hand"), NC_("column", "reorder_level"),
		NC_("column", "avg_cost"), NC_("column", "value"),
		NC_("column", "price"), NC_("column", "cost"),
		NC_("column", "no_points"), NC_("column", "gift_points"), NULL
	};
	struct jf_out *out = jf_out_new(c->fmt, fp, cols);
	int rc;

	if ((rc = jf_stock_each(c, f, list_row, out)) != 0) {
		jf_out_free(out);
		return rc;
	}
	return out_end(out);
}

/* A card's writer, made once its row is found: nothing for no product. */
struct card {
	struct jf_ctx *c;
	FILE *fp;
	struct jf_out *out;
};

/* The card: the product as stock add prints it, then its stock here. */
static int
card_row(void *arg, const struct jf_stock_row *r)
{
	static const char *const cols[] = {
		NC_("column", "sku"), NC_("column", "name"),
		NC_("column", "category"), NC_("column", "price"),
		NC_("column", "cost"), NC_("column", "reorder_level"),
		NC_("column", "no_points"), NC_("column", "gift_points"),
		NC_("column", "store"), NC_("column", "on_hand"),
		NC_("column", "avg_cost"), NC_("column", "value"),
		NC_("column", "last_received"), NC_("column", "last_sale"),
		NC_("column", "gift_limit"), NC_("column", "gift_from"),
		NC_("column", "gift_to"), NULL
	};
	struct card *k = arg;
	struct jf_out *out;

	out = k->out = jf_out_new(k->c->fmt, k->fp, cols);
	jf_out_single(out);
	jf_out_str(out, r->sku);
	jf_out_str(out, r->name);
	jf_out_str(out, r->category);
	jf_out_money(out, r->price);
	jf_out_money(out, r->cost);
	jf_out_int(out, r->reorder_level);
	jf_out_int(out, r->no_points);
	if (r->gift_points > 0)
		jf_out_int(out, r->gift_points);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, r->store);
	jf_out_int(out, r->on_hand);
	jf_out_money(out, r->avg_cost);
	jf_out_money(out, r->value);
	jf_out_str(out, r->last_received);
	jf_out_str(out, r->last_sale);
	out_terms(out, r->gift_limit, r->gift_from, r->gift_to);
	jf_out_end(out);
	return 0;
}

int
jf_stock_write_card(struct jf_ctx *c, FILE *fp, const char *sku)
{
	struct card k = { c, fp, NULL };
	int rc;

	if ((rc = jf_stock_card(c, sku, card_row, &k)) != 0) {
		jf_out_free(k.out);
		return rc;
	}
	return out_end(k.out);
}

static int
moves_row(void *arg, const struct jf_move_row *r)
{
	struct jf_out *out = arg;

	jf_out_str(out, r->at);
	jf_out_str(out, r->store);
	jf_out_str(out, r->sku);
	jf_out_str(out, r->kind);
	jf_out_int(out, r->qty);
	if (r->cost >= 0)
		jf_out_money(out, r->cost);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, r->ref);
	jf_out_str(out, r->supplier);
	jf_out_str(out, r->reason);
	jf_out_str(out, r->operator);
	jf_out_end(out);
	return 0;
}

int
jf_stock_write_moves(struct jf_ctx *c, FILE *fp,
    const struct jf_move_filter *f)
{
	static const char *const cols[] = {
		NC_("column", "at"), NC_("column", "store"),
		NC_("column", "sku"), NC_("column", "kind"),
		NC_("column", "qty"), NC_("column", "cost"),
		NC_("column", "ref"), NC_("column", "supplier"),
		NC_("column", "reason"), NC_("column", "operator"), NULL
	};
	struct jf_product p;
	struct jf_out *out;
	int rc;

	if (f->sku != NULL) {
		if ((rc = jf_product_find(c, f->sku, &p)) != 0)
			return rc;
		jf_product_clear(&p);
	}
	out = jf_out_new(c->fmt, fp, cols);
	if ((rc = jf_move_each(c, f, moves_row, out)) != 0) {
		jf_out_free(out);
		return rc;
	}
	return out_end(out);
}
