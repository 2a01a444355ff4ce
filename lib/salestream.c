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

/* A string member of o, or NULL when absent or null; -1 if not a string. */
static int
opt_str(json_t *o, const char *key, const char **v)
{
	json_t *x = json_object_get(o, key);

	*v = NULL;
	if (x == NULL || json_is_null(x))
		return 0;
	if (!json_is_string(x))
		return jf_error(JF_EDATA, _("%s: not a string"), key), -1;
	*v = json_string_value(x);
	return 0;
}

/* Only the keys of known (NULL-ended): -1 naming another. */
static int
keys_known(json_t *o, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		int i;

		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL)
			return jf_error(JF_EDATA, _("unknown key \"%s\""), key),
			    -1;
	}
	return 0;
}

/* A line {"sku", "qty", "price"} into it; sku borrowed from o. */
static int
item(json_t *o, struct jf_sale_item *it)
{
	static const char *const known[] = { "sku", "qty", "price", NULL };
	json_t *q = json_object_get(o, "qty"), *p = json_object_get(o, "price");

	if (!json_is_object(o))
		return jf_error(JF_EDATA, _("lines: not an object")), -1;
	if (keys_known(o, known) == -1 || opt_str(o, "sku", &it->sku) == -1)
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

	if (!json_is_object(j))
		return jf_error(JF_EDATA, _("not a JSON object")), -1;
	if (opt_str(j, "receipt", &in->receipt) == -1 ||
	    keys_known(j, known) == -1 ||
	    opt_str(j, "member", &in->member) == -1 ||
	    opt_str(j, "at", &in->at) == -1)
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

/*
 * The answer to a receipt refused or failed: its number when it gave
 * one, why, and the exit status sale add would have had.
 */
static int
answer_error(FILE *out, const char *receipt, int status)
{
	json_t *e = json_pack("{s:s?, s:s, s:i}", "receipt", receipt, "error",
	    jf_errmsg(), "status", status == JF_EDUP ? JF_EREFUSED : status);
	int rc = e == NULL || json_dumpf(e, out, JSON_COMPACT) == -1;

	json_decref(e);
	fputc('\n', out);
	return rc || fflush(out) == EOF ? JF_ESOFTWARE : 0;
}

/* One receipt, in its own transaction, committed (keep) and answered. */
static int
one(struct jf_ctx *c, json_t *j, struct jf_sale_item *items, int keep,
    FILE *out)
{
	struct jf_sale_in in = { 0 };
	struct jf_sale s = { 0 };
	int rc;

	if (receipt(j, &in, items) == -1)
		return answer_error(out, in.receipt, JF_EDATA);
	if ((rc = jf_clock_tick(c)) != 0 || (rc = jf_begin(c)) != 0)
		return answer_error(out, in.receipt, rc);
	if ((rc = jf_sale_record(c, &in, &s)) != 0 || !keep)
		jf_rollback(c);
	else
		rc = jf_commit(c);
	if (rc != 0)
		rc = answer_error(out, in.receipt, rc);
	else if ((rc = jf_sale_write(out, JF_FMT_JSONL, &s, 0)) == 0 &&
	    fflush(out) == EOF)
		rc = JF_ESOFTWARE;
	jf_sale_clear(&s);
	return rc;
}

int
jf_sale_stream(struct jf_ctx *c, FILE *in, FILE *out, int keep)
{
	struct jf_sale_item *items;
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	int rc = 0;

	if ((items = calloc(JF_SALE_LINES_MAX, sizeof(*items))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	while (rc == 0 && getline(&line, &cap, in) != -1) {
		json_error_t err;
		json_t *j;

		n++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if ((j = json_loads(line, 0, &err)) == NULL) {
			jf_error(JF_EDATA, _("line %ld: not JSON: %s"), n,
			    err.text);
			rc = answer_error(out, NULL, JF_EDATA);
			continue;
		}
		rc = one(c, j, items, keep, out);
		json_decref(j);
	}
	free(line);
	free(items);
	return rc;
}
