/*
 * saleimport.c - sale import's rows, through the import engine: the
 * lines of a receipt are gathered by their receipt number (the engine's
 * key), each checked as it comes, and the receipt recorded whole by
 * jf_sale_record() (its own savepoint) once its last line is read, or
 * skipped when it was recorded already, or rejected whole.
 *
 * A receipt's own fields (store, member, points_used, return_of) may
 * be given once, on any of its lines, or the same on every line; the
 * receipt remembers the first line giving each.  Its time is its first
 * line's that gives one: a till stamps each line, and a long receipt
 * runs over a minute.
 *
 * A receipt whose quantities are below 0 is a return (a till's credit
 * note): of the goods of receipt return_of, booked as `sale return`
 * books them under the credit note's own number; with no return_of,
 * goods sold to no member come back to stock with no points.  A
 * member's return must say which receipt it undoes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "import.h"
#include "jtime.h"
#include "money.h"
#include "sale.h"

/* The fields a line keeps, in the engine's keep order. */
enum { F_RECEIPT, F_AT, F_STORE, F_MEMBER, F_SKU, F_QTY, F_PRICE, F_USED,
	F_RET, NF };
const char *const jf_sale_line_cols[NF + 1] = {
	NC_("column", "receipt"), NC_("column", "at"), NC_("column", "store"),
	NC_("column", "member"), NC_("column", "sku"), NC_("column", "qty"),
	NC_("column", "price"), NC_("column", "points_used"),
	NC_("column", "return_of"), NULL
};
/* the F_ fields, then "error": a rejects file, mended, imports */
static const char *const known[NF + 2] = { "receipt", "at", "store",
	"member", "sku", "qty", "price", "points_used", "return_of", "error",
	NULL };
static const char *const needed[] = { "receipt", "sku", "qty", NULL };

/* The receipt being gathered: zeroed by the engine as each starts. */
struct receipt {
	int head[NF];		/* 1 + the first line giving F_AT... F_RET */
	int64_t used;
	int sold, returned;	/* lines with a quantity above 0, below */
	char at[JF_TS_LEN];
};

struct jf_sale_import {
	struct receipt r;
	struct jf_sale_item items[JF_SALE_LINES_MAX + 1];
};

/* The field of a column name the library blamed (the receipt if none). */
static int
field_of(const char *col)
{
	for (int i = 0; i < NF; i++)
		if (strcmp(jf_sale_line_cols[i], col) == 0)
			return i;
	return F_RECEIPT;
}

/* A receipt's own field on line l: the first, or the same as the first. */
static int
own_field(struct jf_import *im, struct receipt *h, int l, int i)
{
	const struct jf_group *g = jf_import_group(im);
	const char *v = jf_group_get(g, l, i);

	if (*v == '\0')
		return 0;
	if (h->head[i] == 0) {
		h->head[i] = l + 1;
		if (i == F_AT && jf_ts_parse(v, h->at) == -1)
			return jf_in_error(im->in, "at", "%s", jf_errmsg());
		if (i == F_USED && (jf_int_parse(v, JF_MONEY_MAX,
		    &h->used) == -1 || h->used < 0))
			return jf_in_error(im->in, "points_used",
			    _("not a number of points: \"%s\""), v);
	} else if (i != F_AT &&
	    strcmp(v, jf_group_get(g, h->head[i] - 1, i)) != 0)
		return jf_in_error(im->in, jf_sale_line_cols[i],
		    _("\"%s\" where an earlier row of receipt \"%s\" has "
		    "\"%s\""), v, jf_group_get(g, 0, F_RECEIPT),
		    jf_group_get(g, h->head[i] - 1, i));
	return 0;
}

/* Checks a line as it joins its receipt: 0 or JF_EDATA (message set). */
static int
sale_line(struct jf_import *im)
{
	struct jf_sale_import *si = im->arg;
	const struct jf_group *g = jf_import_group(im);
	int l = jf_group_rows(g) - 1, rc;
	struct jf_sale_item *it = &si->items[l < JF_SALE_LINES_MAX ? l : 0];
	const char *v = jf_group_get(g, l, F_RECEIPT);

	if (l >= JF_SALE_LINES_MAX)
		return jf_in_error(im->in, NULL, _("more than %d lines on "
		    "receipt \"%s\""), JF_SALE_LINES_MAX,
		    jf_group_get(g, 0, F_RECEIPT));
	if (*v == '\0' || strlen(v) > JF_RECEIPT_MAX)
		return jf_in_error(im->in, "receipt", _("not a receipt "
		    "number: \"%s\""), v);
	for (int i = F_AT; i <= F_RET; i++)
		if (i != F_SKU && i != F_QTY && i != F_PRICE &&
		    (rc = own_field(im, &si->r, l, i)) != 0)
			return rc;
	if (*jf_group_get(g, l, F_SKU) == '\0')
		return jf_in_error(im->in, "sku", _("empty"));
	v = jf_group_get(g, l, F_QTY);
	if (jf_int_parse(v, JF_MONEY_MAX, &it->qty) == -1 || it->qty == 0)
		return jf_in_error(im->in, "qty", _("not a quantity: \"%s\" "
		    "(above 0 sold, below 0 returned)"), v);
	if (it->qty > 0)
		si->r.sold++;
	else {
		si->r.returned++;
		it->qty = -it->qty;
	}
	if (si->r.sold > 0 && si->r.returned > 0)
		return jf_in_error(im->in, "qty", _("receipt \"%s\" both "
		    "sells and takes back: a receipt's quantities are all "
		    "above 0 or all below"), jf_group_get(g, 0, F_RECEIPT));
	v = jf_group_get(g, l, F_PRICE);
	it->price = -1;
	if (*v != '\0' && (jf_money_parse(v, &it->price) == -1 ||
	    it->price < 0))
		return jf_in_error(im->in, "price", _("not a price: \"%s\""),
		    v);
	return 0;
}

/*
 * A receipt refused: the row and column at fault before the message
 * (the item's row, or the first giving the column, or the first).
 */
static int
blame(struct jf_import *im, const struct jf_group *g, const char *col,
    int item)
{
	const struct receipt *h = &((struct jf_sale_import *)im->arg)->r;
	long row = jf_group_rowno(g, 0);
	char *msg;
	int rc;

	if (item >= 0 && item < jf_group_rows(g))
		row = jf_group_rowno(g, item);
	else if (col != NULL && h->head[field_of(col)] > 0)
		row = jf_group_rowno(g, h->head[field_of(col)] - 1);
	if (asprintf(&msg, "%s:%ld: %s%s%s", jf_in_name(im->in), row,
	    col ? col : "", col ? ": " : "", jf_errmsg()) == -1)
		return JF_EDATA;
	rc = jf_error(JF_EDATA, "%s", msg);
	free(msg);
	return rc;
}

/* The receipt's own field i, as its first line giving it has it. */
static const char *
own(const struct receipt *h, const struct jf_group *g, int i)
{
	return h->head[i] ? jf_group_get(g, h->head[i] - 1, i) : NULL;
}

/*
 * A receipt of returns: of the goods of receipt return_of, or a refund
 * to stock of goods sold to no member.  0, JF_EDUP for a credit note
 * recorded already, or a refusal with the column at fault.
 */
static int
return_receipt(struct jf_import *im, const struct jf_group *g)
{
	struct jf_sale_import *si = im->arg;
	const struct receipt *h = &si->r;
	struct jf_return_in in = { 0 };
	struct jf_return r;
	const char *col = "return_of";
	int rc;

	in.of = own(h, g, F_RET);
	in.receipt = jf_group_get(g, 0, F_RECEIPT);
	in.at = h->head[F_AT] ? h->at : NULL;
	in.store = own(h, g, F_STORE);
	in.member = own(h, g, F_MEMBER);
	in.items = si->items;
	in.n = jf_group_rows(g);
	if (h->used > 0)
		rc = jf_error(JF_EDATA, _("a return uses no points"));
	else if (in.of == NULL && own(h, g, F_MEMBER) != NULL)
		rc = jf_error(JF_EDATA, _("a member's return names the receipt "
		    "it takes back: return_of is needed"));
	else {
		for (int i = 0; in.of != NULL && i < in.n; i++)
			si->items[i].price = -1;	/* the sale's prices */
		col = in.of != NULL ? "return_of" : "sku";
		rc = jf_sale_return(im->c, &in, &r);
		jf_return_clear(&r);
	}
	if (rc == JF_EREFUSED || rc == JF_EDATA || rc == JF_EUSAGE)
		rc = blame(im, g, h->used > 0 ? "points_used" : col, -1);
	return rc;
}

/* Records a receipt whose lines were all good; skips one recorded. */
static int
sale_receipt(struct jf_import *im, const struct jf_group *g)
{
	struct jf_sale_import *si = im->arg;
	const struct receipt *h = &si->r;
	struct jf_sale_in in = { 0 };
	struct jf_sale s;
	int n = jf_group_rows(g), rc;

	for (int r = 0; r < n; r++)
		si->items[r].sku = jf_group_get(g, r, F_SKU);
	if (h->returned > 0) {
		if ((rc = return_receipt(im, g)) == 0) {
			im->n[JF_SALE_RECORDED]++;
			im->n[JF_SALE_RETURNS]++;
			im->n[JF_SALE_LINES] += n;
		} else if (rc == JF_EDUP) {
			im->n[JF_SALE_SKIPPED]++;
			rc = 0;
		}
		return rc;
	}
	if (h->head[F_RET]) {
		jf_error(JF_EDATA, _("given on a sale (quantities above 0): "
		    "only a return, below 0, takes back a receipt"));
		return blame(im, g, "return_of", -1);
	}
	in.receipt = jf_group_get(g, 0, F_RECEIPT);
	in.at = h->head[F_AT] ? h->at : NULL;
	in.store = h->head[F_STORE] ? jf_group_get(g, h->head[F_STORE] - 1,
	    F_STORE) : NULL;
	in.member = h->head[F_MEMBER] ? jf_group_get(g,
	    h->head[F_MEMBER] - 1, F_MEMBER) : NULL;
	in.points_used = h->used;
	in.items = si->items;
	in.nitems = n;
	in.quiet = 1;
	rc = jf_sale_record(im->c, &in, &s);
	if (rc == 0) {
		im->n[JF_SALE_RECORDED]++;
		im->n[JF_SALE_LINES] += n;
	} else if (rc == JF_EDUP) {
		im->n[JF_SALE_SKIPPED]++;
		rc = 0;
	} else if (!s.written &&
	    (rc == JF_EREFUSED || rc == JF_EDATA || rc == JF_EUSAGE))
		rc = blame(im, g, s.errcol, s.erritem);
	jf_sale_clear(&s);
	return rc;
}

int
jf_sale_import_new(struct jf_import *im, struct jf_sale_import **sp)
{
	struct jf_sale_import *si;

	if ((*sp = si = calloc(1, sizeof(*si))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	im->known = known;
	im->needed = needed;
	im->missing = _("column missing");
	im->label = "import";
	im->unit = _("receipts");
	im->verb = _("imported");
	im->key = "receipt";
	im->key_max = JF_RECEIPT_MAX;
	im->together = 1;
	im->keep = jf_sale_line_cols;
	im->gstate = &si->r;
	im->gsize = sizeof(si->r);
	im->row = sale_line;
	im->group = sale_receipt;
	im->arg = si;
	return 0;
}

void
jf_sale_import_free(struct jf_sale_import *si)
{
	free(si);
}
