/*
 * salefmt.c - the till's output, for `sale`: a sale as add, quote and
 * show print it, its lines, a return, and the list of sales.
 *
 * Each jf_*_write writes to the FILE * it is given through output.c,
 * in the format asked for; the columns are the interface.  `list
 * --lines` writes the columns sale import reads (jf_sale_line_cols), so
 * that one book's sales import into another.
 */
#include <jansson.h>
#include <stdio.h>

#include "err.h"
#include "money.h"
#include "output.h"
#include "sale.h"

static const char *const sale_cols[] = {
	NC_("column", "receipt"), NC_("column", "at"), NC_("column", "member"),
	NC_("column", "gross"), NC_("column", "offset"), NC_("column", "paid"),
	NC_("column", "points_used"), NC_("column", "points_earned"),
	NC_("column", "bonus_points"), NC_("column", "balance"),
	NC_("column", "discount"), NULL
};
static const char *const line_cols[] = {
	NC_("column", "receipt"), NC_("column", "line"), NC_("column", "sku"),
	NC_("column", "name"), NC_("column", "qty"), NC_("column", "price"),
	NC_("column", "amount"), NC_("column", "multiplier"),
	NC_("column", "points"), NC_("column", "returned"), NULL
};
static const char *const list_cols[] = {
	NC_("column", "receipt"), NC_("column", "at"), NC_("column", "store"),
	NC_("column", "member"), NC_("column", "gross"),
	NC_("column", "offset"), NC_("column", "paid"),
	NC_("column", "points_used"), NC_("column", "points_earned"),
	NC_("column", "bonus_points"), NC_("column", "returned"), NULL
};
static const char *const return_cols[] = {
	NC_("column", "receipt"), NC_("column", "returned_gross"),
	NC_("column", "points_reversed"), NC_("column", "points_restored"),
	NC_("column", "balance"), NC_("column", "return"), NULL
};

/* "1.50" for 150 hundredths: factors print as the rules write them. */
static const char *
factor(int64_t h, char *buf)
{
	return jf_money_fmt(h, buf);
}

static int
done(struct jf_out *out)
{
	return jf_out_free(out) == 0 ? 0 : JF_ESOFTWARE;
}

static json_t *
lines_json(const struct jf_sale *s, int returned)
{
	json_t *a = json_array();
	char b1[JF_MONEY_BUF], b2[JF_MONEY_BUF], b3[JF_MONEY_BUF];

	for (int i = 0; i < s->nlines; i++) {
		const struct jf_sale_line *l = &s->lines[i];
		json_t *o = json_pack("{s:s?, s:I, s:s, s:s, s:s, s:I}",
		    "sku", l->sku, "qty", (json_int_t)l->qty,
		    "price", jf_money_fmt(l->price, b1),
		    "amount", jf_money_fmt(l->amount, b2),
		    "multiplier", factor(l->mult, b3),
		    "points", (json_int_t)l->points);

		if (o == NULL)
			continue;
		if (l->list_price > 0)
			json_object_set_new(o, "list_price",
			    json_string(jf_money_fmt(l->list_price, b1)));
		if (returned)
			json_object_set_new(o, "returned",
			    json_integer(l->returned));
		json_array_append_new(a, o);
	}
	return a;
}

int
jf_sale_write(FILE *fp, int fmt, const struct jf_sale *s, int returned)
{
	struct jf_out *out = jf_out_new(fmt, fp, sale_cols);

	jf_out_single(out);
	jf_out_str(out, s->receipt);
	jf_out_str(out, s->at);
	jf_out_str(out, s->member);
	jf_out_money(out, s->gross);
	jf_out_money(out, s->offset);
	jf_out_money(out, s->paid);
	jf_out_int(out, s->points_used);
	jf_out_int(out, s->points_earned);
	jf_out_int(out, s->bonus_points);
	if (s->member_id != 0)
		jf_out_int(out, s->balance);
	else
		jf_out_str(out, NULL);
	jf_out_money(out, s->discount);
	if (fmt == JF_FMT_JSON || fmt == JF_FMT_JSONL)
		jf_out_json(out, "lines", lines_json(s, returned));
	jf_out_end(out);
	return done(out);
}

int
jf_sale_write_lines(FILE *fp, int fmt, const struct jf_sale *s)
{
	struct jf_out *out = jf_out_new(fmt, fp, line_cols);
	char buf[JF_MONEY_BUF];

	for (int i = 0; i < s->nlines; i++) {
		const struct jf_sale_line *l = &s->lines[i];

		jf_out_str(out, s->receipt);
		jf_out_int(out, i + 1);
		jf_out_str(out, l->sku);
		jf_out_str(out, l->name);
		jf_out_int(out, l->qty);
		jf_out_money(out, l->price);
		jf_out_money(out, l->amount);
		jf_out_str(out, factor(l->mult, buf));
		jf_out_int(out, l->points);
		jf_out_int(out, l->returned);
		jf_out_end(out);
	}
	return done(out);
}

int
jf_return_write(FILE *fp, int fmt, const struct jf_return *r)
{
	struct jf_out *out = jf_out_new(fmt, fp, return_cols);

	jf_out_single(out);
	jf_out_str(out, r->receipt);
	jf_out_money(out, r->gross);
	jf_out_int(out, r->points_reversed);
	jf_out_int(out, r->points_restored);
	if (r->member != NULL)
		jf_out_int(out, r->balance);
	else
		jf_out_str(out, NULL);
	jf_out_str(out, r->ret);
	jf_out_end(out);
	return done(out);
}

struct listing {
	struct jf_out *out;
	int lines;
};

/* A sale of the list: its row, or with lines a row per line. */
static int
list_one(void *arg, const struct jf_sale *s)
{
	struct listing *l = arg;

	for (int i = 0; i < (l->lines ? s->nlines : 1); i++) {
		jf_out_str(l->out, s->receipt);
		jf_out_str(l->out, s->at);
		jf_out_str(l->out, s->store);
		jf_out_str(l->out, s->member);
		if (l->lines) {
			jf_out_str(l->out, s->lines[i].sku);
			jf_out_int(l->out, s->lines[i].qty);
			jf_out_money(l->out, s->lines[i].price);
			jf_out_int(l->out, s->points_used);
		} else {
			jf_out_money(l->out, s->gross);
			jf_out_money(l->out, s->offset);
			jf_out_money(l->out, s->paid);
			jf_out_int(l->out, s->points_used);
			jf_out_int(l->out, s->points_earned);
			jf_out_int(l->out, s->bonus_points);
			jf_out_money(l->out, s->returned);
		}
		jf_out_end(l->out);
	}
	return 0;
}

int
jf_sale_list_write(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_sale_filter *f, int lines)
{
	struct listing l;
	int rc;

	l.lines = lines;
	l.out = jf_out_new(fmt, fp, lines ? jf_sale_line_cols : list_cols);
	rc = jf_sale_each(c, f, lines, list_one, &l);
	if (done(l.out) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	return rc;
}
