/*
 * salestream.c - sale add -: the till as a point-of-sale's co-process.
 *
 * One receipt a line of JSON on the input, one line of JSON answering
 * it on the output: the sale as `sale add -o json` prints it, or
 * {"error": why, "status": the exit status `sale add` would have had}.
 * Each receipt is its own transaction, committed before its answer is
 * written and flushed, so a killed stream loses nothing it answered,
 * and a receipt sent again after a crash is refused as recorded already
 * (status 1) instead of being booked twice.  Memory is one line's.
 *
 *	{"receipt": "R1", "member": "13800138000", "use_points": 100,
 *	 "at": "2026-11-21 09:12", "lines": [{"sku": "TEA", "qty": 2},
 *	 {"sku": "CUP", "qty": 1, "price": "70.00"}]}
 *
 * Only lines is needed; a price is a string of yuan ("70.00") or a
 * whole number of yuan, never a fraction in binary.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "money.h"
#include "output.h"
#include "sale.h"
#include "stock.h"	/* JF_QTY_MAX */
#include "stream.h"

/* A line {"sku", "qty", "price"} into it; sku borrowed from o. */
static int
item(json_t *o, struct jf_sale_item *it)
{
	static const char *const known[] = { "sku", "qty", "price", NULL };
	json_t *q = json_object_get(o, "qty"), *p = json_object_get(o, "price");

	if (!json_is_object(o))
		return jf_error(JF_EDATA, _("lines: not an object")), -1;
	if (jf_json_keys(o, known) == -1 || jf_json_str(o, "sku", &it->sku) == -1)
		return -1;
	if (it->sku == NULL || *it->sku == '\0')
		return jf_error(JF_EDATA, _("lines: a sku is needed")), -1;
	if (!json_is_integer(q) || json_integer_value(q) <= 0 ||
	    json_integer_value(q) > JF_QTY_MAX)
		return jf_error(JF_EDATA, _("%s: qty: not a quantity above 0"),
		    it->sku), -1;
	it->qty = json_integer_value(q);
	it->price = -1;
	if (json_is_string(p)) {
		if (jf_money_parse(json_string_value(p), &it->price) == -1 ||
		    it->price < 0)
			return jf_error(JF_EDATA, _("%s: price: not a price: "
			    "\"%s\""), it->sku, json_string_value(p)), -1;
	} else if (json_is_integer(p) && json_integer_value(p) >= 0 &&
	    json_integer_value(p) <= JF_MONEY_MAX / 100)
		it->price = json_integer_value(p) * 100;
	else if (p != NULL && !json_is_null(p))
		return jf_error(JF_EDATA, _("%s: price: a string of yuan, "
		    "\"12.50\", or a whole number"), it->sku), -1;
	return 0;
}

/* A receipt's object into in, its lines into items[]: 0 or -1. */
static int
receipt(json_t *j, struct jf_sale_in *in, struct jf_sale_item *items)
{
	static const char *const known[] = { "receipt", "member", "at",
		"use_points", "lines", NULL };
	json_t *lines = json_object_get(j, "lines"), *u, *l;
	size_t i;

	if (jf_json_str(j, "receipt", &in->receipt) == -1 ||
	    jf_json_keys(j, known) == -1 ||
	    jf_json_str(j, "member", &in->member) == -1 ||
	    jf_json_str(j, "at", &in->at) == -1)
		return -1;
	u = json_object_get(j, "use_points");
	if (u != NULL && !json_is_null(u) && (!json_is_integer(u) ||
	    json_integer_value(u) < 0))
		return jf_error(JF_EDATA, _("use_points: not a number of "
		    "points")), -1;
	in->points_used = u ? json_integer_value(u) : 0;
	if (!json_is_array(lines) || json_array_size(lines) == 0 ||
	    json_array_size(lines) > JF_SALE_LINES_MAX)
		return jf_error(JF_EDATA, _("lines: an array of 1 to %d "
		    "lines is needed"), JF_SALE_LINES_MAX), -1;
	json_array_foreach(lines, i, l)
		if (item(l, &items[i]) == -1)
			return -1;
	in->items = items;
	in->nitems = (int)json_array_size(lines);
	return 0;
}

struct stream {
	struct jf_sale_item *items;
	int keep;
};

/* One receipt, in its own transaction, committed (keep) and answered. */
static int
one(struct jf_ctx *c, json_t *j, FILE *out, void *arg)
{
	struct stream *st = arg;
	struct jf_sale_in in = { 0 };
	struct jf_sale s = { 0 };
	int rc;

	if (receipt(j, &in, st->items) == -1)
		return jf_stream_error(out, "receipt", in.receipt, JF_EDATA);
	if ((rc = jf_clock_tick(c)) != 0 || (rc = jf_begin(c)) != 0)
		return jf_stream_error(out, "receipt", in.receipt, rc);
	if ((rc = jf_sale_record(c, &in, &s)) != 0 || !st->keep)
		jf_rollback(c);
	else
		rc = jf_commit(c);
	if (rc != 0)
		rc = jf_stream_error(out, "receipt", in.receipt, rc);
	else if ((rc = jf_sale_write(out, JF_FMT_JSONL, &s, 0)) == 0 &&
	    fflush(out) == EOF)
		rc = JF_ESOFTWARE;
	jf_sale_clear(&s);
	return rc;
}

int
jf_sale_stream(struct jf_ctx *c, FILE *in, FILE *out, int keep)
{
	struct stream st = { NULL, keep };
	int rc;

	if ((st.items = calloc(JF_SALE_LINES_MAX, sizeof(*st.items))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	rc = jf_stream(c, in, out, one, &st);
	free(st.items);
	return rc;
}
