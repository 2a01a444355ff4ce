/*
 * sale.c - the till: recording a sale, reading it back, returning it.
 *
 * jf_sale_record() turns what the till is told into the book's rows.
 * It reads first (the receipt is new, the member and the products
 * exist, the rules in force at the sale's time), computes with
 * jf_earn() -- the one copy of the earning formula -- and only then
 * writes: the offset spent (refused when the balance is short), the
 * points earned, the bonuses of a first purchase and of the birthday
 * month, the sale row, its lines and their stock moves, and finally
 * the member's tier.  All of it runs in a savepoint (jf_sale), so a
 * refusal anywhere undoes the receipt and nothing else.
 *
 * A return reads the sale back with the rules version and tier factor
 * it was computed with, so a later change of rules never changes what a
 * return takes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "ledger.h"
#include "member.h"
#include "money.h"
#include "rules.h"
#include "sale.h"
#include "seal.h"
#include "stock.h"


static char *
dup_opt(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

void
jf_sale_clear(struct jf_sale *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->nlines; i++) {
		free(s->lines[i].sku);
		free(s->lines[i].name);
		free(s->lines[i].rule);
	}
	free(s->lines);
	free(s->store);
	free(s->member);
	free(s->tier);
	memset(s, 0, sizeof(*s));
}

void
jf_return_clear(struct jf_return *r)
{
	if (r == NULL)
		return;
	free(r->member);
	memset(r, 0, sizeof(*r));
}

int
jf_sale_item_parse(char *s, int price_ok, struct jf_sale_item *it)
{
	char *colon = strrchr(s, ':'), *at, q[32];
	const char *form = price_ok ? "SKU:QTY[@PRICE]" : "SKU:QTY";
	int64_t qty, price = -1;
	size_t n;

	if (colon == NULL || colon == s)
		return jf_error(JF_EUSAGE, _("not %s: \"%s\""), form, s);
	at = strchr(colon + 1, '@');
	if (at != NULL && !price_ok)
		return jf_error(JF_EUSAGE, _("not %s: \"%s\""), form, s);
	n = at != NULL ? (size_t)(at - colon - 1) : strlen(colon + 1);
	if (n == 0 || n >= sizeof(q))
		return jf_error(JF_EUSAGE, _("not %s: \"%s\""), form, s);
	memcpy(q, colon + 1, n);
	q[n] = '\0';
	if (jf_int_parse(q, JF_MONEY_MAX, &qty) == -1 || qty <= 0 ||
	    q[0] == '+')
		return jf_error(JF_EUSAGE, _("%s: not a quantity above 0: "
		    "\"%s\""), s, q);
	if (at != NULL && (jf_money_parse(at + 1, &price) == -1 || price < 0))
		return jf_error(JF_EUSAGE, _("%s: not a price: \"%s\""), s,
		    at + 1);
	*colon = '\0';
	it->sku = s;
	it->qty = qty;
	it->price = price;
	return 0;
}

int
jf_sale_items_parse(int n, char *const *argv, int price_ok,
    struct jf_sale_item **items)
{
	size_t size = (n > 0 ? n : 1) * sizeof(**items);
	char *p;
	int rc;

	for (int i = 0; i < n; i++)
		size += strlen(argv[i]) + 1;
	if ((*items = calloc(1, size)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	p = (char *)(*items + (n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		strcpy(p, argv[i]);
		if ((rc = jf_sale_item_parse(p, price_ok, &(*items)[i])) != 0) {
			free(*items);
			*items = NULL;
			return rc;
		}
		p += strlen(argv[i]) + 1;
	}
	return 0;
}

/*
 * The products of the open transaction, by SKU: an import sells the
 * same few thousand products again and again.  An entry is good while
 * the transaction that read it (the ctx and its audit row) is open, as
 * nothing else can change a product meanwhile.
 */
#define PC_BUCKETS 4096

struct pc_ent {
	struct pc_ent *next;
	struct jf_product p;
};

static struct {
	const struct jf_ctx *c;
	int64_t audit;
	struct pc_ent *b[PC_BUCKETS];
} pc;

static void
pc_flush(void)
{
	for (int i = 0; i < PC_BUCKETS; i++)
		while (pc.b[i] != NULL) {
			struct pc_ent *e = pc.b[i];

			pc.b[i] = e->next;
			jf_product_clear(&e->p);
			free(e);
		}
}

/* The product of sku (borrowed until the transaction ends). */
static int
product(struct jf_ctx *c, const char *sku, const struct jf_product **pp)
{
	unsigned h = 5381;
	struct pc_ent *e;
	int rc;

	if (pc.c != c || pc.audit != c->audit_id || !c->in_tx) {
		pc_flush();
		pc.c = c;
		pc.audit = c->audit_id;
	}
	for (const char *q = sku; *q; q++)
		h = h * 33 + (unsigned char)*q;
	h %= PC_BUCKETS;
	for (e = pc.b[h]; e != NULL; e = e->next)
		if (strcmp(e->p.sku, sku) == 0) {
			*pp = &e->p;
			return 0;
		}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if ((rc = jf_product_find(c, sku, &e->p)) != 0) {
		free(e);
		return rc;
	}
	e->next = pc.b[h];
	pc.b[h] = e;
	*pp = &e->p;
	return 0;
}

/* *yes: the receipt is recorded. */
static int
receipt_exists(struct jf_ctx *c, const char *receipt, int *yes)
{
	static const char sql[] = "SELECT 1 FROM sale WHERE receipt = ?";
	int64_t one;
	int rc = jf_q_int(c, sql, &one, "t", receipt);

	*yes = rc == 0;
	return rc == JF_ENOROW ? 0 : rc;
}

/*
 * The next free STORE-YYYYMMDD-NNNN: one past the highest number of the
 * store's day, or past their count when someone chose a receipt of that
 * form by hand; then the first that is free.
 */
static int
next_receipt(struct jf_ctx *c, const char *store, const char *at, char *out)
{
	static const char sql[] = "SELECT receipt, (SELECT count(*) FROM "
	    "sale WHERE receipt > ?1 AND receipt < ?2) FROM sale "
	    "WHERE receipt > ?1 AND receipt < ?2 ORDER BY receipt DESC "
	    "LIMIT 1";
	char lo[JF_RECEIPT_MAX + 1], hi[JF_RECEIPT_MAX + 1];
	long long n = 1;
	struct jf_rows r;
	size_t len;
	int rc, yes;

	len = snprintf(lo, sizeof(lo), "%s-%.4s%.2s%.2s-", store, at, at + 5,
	    at + 8);
	if (len + 4 > JF_RECEIPT_MAX)
		return jf_error(JF_EUSAGE, _("store name too long for a "
		    "receipt number: \"%s\""), store);
	memcpy(hi, lo, len + 1);
	hi[len - 1] = '-' + 1;
	jf_q_open(c, &r, sql, "tt", lo, hi);
	if (jf_q_next(&r)) {
		const char *last = jf_r_text(&r, 0) + len;
		char *end;

		n = strtoll(last, &end, 10);
		if (*last == '\0' || *end != '\0' || n < 0)
			n = jf_r_int(&r, 1);
		n++;
	}
	if ((rc = jf_q_close(&r)) != 0)
		return rc;
	for (;; n++) {
		if (snprintf(out, JF_RECEIPT_MAX + 1, "%s%04lld", lo, n) >
		    JF_RECEIPT_MAX)
			return jf_error(JF_ESOFTWARE, _("no receipt number "
			    "left for store \"%s\""), store);
		if ((rc = receipt_exists(c, out, &yes)) != 0 || !yes)
			return rc;
	}
}

/* What the till needs of a member. */
struct who {
	int64_t id, referrer;
	int referrer_active;
	int64_t balance, debt;
	int active;
	int bought;		/* made a first purchase while active */
	char code[128];
	char tier[64];
	char birthday[JF_DATE_LEN];
};

static int
who_load(struct jf_ctx *c, const char *id, struct who *w)
{
	/* jf_member_id()'s lookup (code, else phone), with what we need */
#define WHO_COLS "id, code, status, tier, birthday, referrer_id, " \
	"(SELECT status FROM member r WHERE r.id = m.referrer_id), " \
	"balance, debt, first_sale"
	static const char sql[] = "SELECT " WHO_COLS " FROM member m "
	    "WHERE code = ?1 UNION ALL " JF_BY_PHONE(WHO_COLS, 2) " LIMIT 1";
#undef WHO_COLS
	char ix[JF_PHONE_IX_BUF], *birthday = NULL;
	struct jf_rows r;
	int found, rc = 0;

	memset(w, 0, sizeof(*w));
	jf_q_open(c, &r, sql, "tt", id, jf_phone_ix(c, id, ix));
	if ((found = jf_q_next(&r))) {
		w->id = jf_r_int(&r, 0);
		snprintf(w->code, sizeof(w->code), "%s", jf_r_text(&r, 1));
		w->active = strcmp(jf_r_text(&r, 2), "active") == 0;
		snprintf(w->tier, sizeof(w->tier), "%s", jf_r_text(&r, 3));
		if ((rc = jf_unseal(c, "birthday", jf_r_opt(&r, 4),
		    &birthday)) == 0 && birthday != NULL)
			snprintf(w->birthday, sizeof(w->birthday), "%s",
			    birthday);
		free(birthday);
		w->referrer = jf_r_int(&r, 5);
		w->referrer_active = strcmp(jf_r_text(&r, 6), "active") == 0;
		w->balance = jf_r_int(&r, 7);
		w->debt = jf_r_int(&r, 8);
		w->bought = jf_r_int(&r, 9) != 0;
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (rc != 0)
		return rc;
	return found ? 0 : jf_error(JF_EREFUSED, _("no member \"%s\""), id);
}

/*
 * Books a bonus once per ikey; *booked is what was booked (0 when the
 * key was booked before, by an earlier sale).
 */
static int
bonus(struct jf_ctx *c, int64_t mid, int64_t points, const char *at,
    const char *receipt, const char *rule, const char *ikey,
    const char *spendable, int64_t *booked)
{
	struct jf_entry e = { mid, "bonus", points, at, receipt, rule, NULL,
		ikey, spendable };
	int rc;

	*booked = 0;
	if (mid == 0 || points <= 0)
		return 0;
	rc = jf_ledger_gain(c, &e, NULL);
	if (rc == JF_EDUP)
		return 0;
	if (rc == 0)
		*booked = points;
	return rc;
}

/*
 * The bonuses a sale gives: signup and referral on a member's first
 * purchase, birthday on the first in the birthday month of a year.
 * *own is what went to the sale's member.
 */
static int
bonuses(struct jf_ctx *c, const struct jf_rules *r, const struct who *w,
    int first, const char *at, const char *receipt, const char *spendable,
    int64_t *own)
{
	char key[96];
	int64_t b;
	int rc;

	*own = 0;
	if (first) {
		snprintf(key, sizeof(key), "signup:%lld", (long long)w->id);
		if ((rc = bonus(c, w->id, r->bonus_signup, at, receipt,
		    "signup", key, spendable, &b)) != 0)
			return rc;
		*own += b;
	}
	if (w->birthday[0] != '\0' && memcmp(w->birthday + 5, at + 5, 2) == 0) {
		snprintf(key, sizeof(key), "birthday:%lld:%.4s",
		    (long long)w->id, at);
		if ((rc = bonus(c, w->id, r->bonus_birthday, at, receipt,
		    "birthday", key, spendable, &b)) != 0)
			return rc;
		*own += b;
	}
	if (first && w->referrer != 0) {
		snprintf(key, sizeof(key), "referral:%lld:referee",
		    (long long)w->id);
		if ((rc = bonus(c, w->id, r->bonus_referral, at, receipt,
		    "referral", key, spendable, &b)) != 0)
			return rc;
		*own += b;
		/* a frozen or closed referrer gets none; the referee does */
		snprintf(key, sizeof(key), "referral:%lld:referrer",
		    (long long)w->id);
		if (w->referrer_active && (rc = bonus(c, w->referrer,
		    r->bonus_referral, at, receipt, "referral", key, spendable,
		    &b)) != 0)
			return rc;
	}
	return 0;
}

/*
 * The spend thresholds the sale reaches: a bonus each, named by the
 * threshold, booked once per receipt; added to *own.
 */
static int
thresholds(struct jf_ctx *c, const struct jf_rules *r,
    const struct jf_sale *s, const char *spendable, int64_t *own)
{
	char key[JF_RECEIPT_MAX + 256];
	int64_t b;
	int rc;

	for (int i = 0; i < r->nthresholds; i++) {
		const struct jf_threshold *t = &r->thresholds[i];

		if (s->paid < t->min_paid || !jf_threshold_when(r, t, s->at))
			continue;
		snprintf(key, sizeof(key), "threshold:%s:%s", s->receipt,
		    t->name);
		if ((rc = bonus(c, s->member_id, t->points, s->at, s->receipt,
		    t->name, key, spendable, &b)) != 0)
			return rc;
		*own += b;
	}
	return 0;
}

/* The distinct multiplier names of the lines, ","-joined, for the ledger. */
static void
earn_rule(const struct jf_earn_out *eo, int n, char *buf, size_t sz)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *p = eo[i].rule;
		size_t len = strlen(p), bl;
		const char *f;
		int seen = 0;

		if (len == 0 || eo[i].mult == 0)
			continue;
		for (f = buf; (f = strstr(f, p)) != NULL; f += len)
			if ((f == buf || f[-1] == ',') &&
			    (f[len] == ',' || f[len] == '\0')) {
				seen = 1;
				break;
			}
		bl = strlen(buf);
		if (seen || bl + len + 2 > sz)
			continue;
		snprintf(buf + bl, sz - bl, "%s%s", bl ? "," : "", p);
	}
}

static int
insert_sale(struct jf_ctx *c, const struct jf_sale *s, int64_t *id)
{
	static const char sql[] = "INSERT INTO sale (receipt, at, store, "
	    "member_id, gross, offset_amount, paid, points_used, "
	    "points_earned, bonus_points, rules_version, tier, tier_factor, "
	    "operator, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)";
	int rc;

	if ((rc = jf_q_exec(c, sql, "tttniiiiiiiTiti", s->receipt, s->at,
	    s->store, s->member_id, s->gross, s->offset, s->paid,
	    s->points_used, s->points_earned, s->bonus_points,
	    s->rules_version, s->tier, s->tier_factor, c->operator,
	    (int64_t)c->audit_id)) != 0)
		return rc;
	*id = jf_last_id(c);
	return 0;
}

static int
insert_line(struct jf_ctx *c, int64_t sale_id, int line, int64_t product_id,
    const struct jf_sale_line *l)
{
	static const char sql[] = "INSERT INTO sale_line (sale_id, line, "
	    "product_id, qty, price, amount, multiplier, rule, points, "
	    "mult_exact, offset_amount, paid, cost, list_price) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	return jf_q_exec(c, sql, "iiiiiiiTiiiiin", sale_id, (int64_t)line,
	    product_id, l->qty, l->price, l->amount, l->mult, l->rule,
	    l->points, l->mult_exact, l->offset, l->paid, l->cost,
	    l->list_price);
}

/* Fails the sale naming the input column at fault. */
static int
blame(struct jf_sale *s, const char *col, int item, int rc)
{
	s->errcol = col;
	s->erritem = item;
	return rc;
}

/*
 * A sale on its way through the till: what it was told, what the book
 * says of the member and the products, and what the arithmetic gave.
 * till_receipt(), till_member(), till_lines() and till_points() read and
 * compute, and refuse; only till_book() writes.
 */
struct till {
	struct jf_ctx *c;
	const struct jf_sale_in *in;
	struct jf_sale *s;
	const struct jf_rules *r;
	struct who w;
	int earns, first;
	const struct jf_product **prod;
	struct jf_earn_in *ein;
	struct jf_earn_out *eo;
	char spendable[JF_DATE_LEN];	/* "" : at once */
};

/* The receipt number: the one given, new, or the next generated. */
static int
till_receipt(struct till *t)
{
	struct jf_sale *s = t->s;
	const char *want = t->in->receipt;
	int rc, yes;

	if (want == NULL || want[0] == '\0')
		return next_receipt(t->c, s->store, s->at, s->receipt);
	if ((rc = receipt_exists(t->c, want, &yes)) != 0)
		return rc;
	if (yes)
		return blame(s, "receipt", -1, jf_error(JF_EDUP,
		    _("receipt \"%s\" is recorded already"), want));
	snprintf(s->receipt, sizeof(s->receipt), "%s", want);
	return 0;
}

/* The member, if any: whether they earn, and whether this is a first. */
static int
till_member(struct till *t)
{
	const struct jf_sale_in *in = t->in;
	struct jf_sale *s = t->s;
	int rc;

	s->tier_factor = 100;
	if (in->member != NULL && in->member[0] != '\0') {
		if ((rc = who_load(t->c, in->member, &t->w)) != 0)
			return blame(s, "member", -1, rc);
		s->member_id = t->w.id;
		s->member = strdup(t->w.code);
		s->tier = strdup(t->w.tier);
		t->earns = t->w.active;
		t->first = t->earns && !t->w.bought;
	}
	if (in->points_used < 0)
		return blame(s, "points_used", -1, jf_error(JF_EUSAGE,
		    _("points to use must not be negative")));
	if (in->points_used > 0 && !t->earns)
		return blame(s, "points_used", -1, jf_error(JF_EREFUSED,
		    s->member_id == 0 ? _("points can only be used by a "
		    "member") : _("member \"%s\" is not active and cannot use "
		    "points"), s->member));
	return 0;
}

/* The rules in force, the products and each line's amount. */
static int
till_lines(struct till *t)
{
	struct jf_sale *s = t->s;
	int rc;

	if ((rc = jf_rules_at(t->c, s->at, &t->r)) != 0)
		return rc;
	s->rules_version = t->r->version;
	if (t->earns)
		s->tier_factor = jf_rules_tier_factor(t->r, s->tier);
	for (int i = 0; i < t->in->nitems; i++) {
		const struct jf_sale_item *it = &t->in->items[i];
		struct jf_sale_line *l = &s->lines[i];
		__int128 a;

		if ((rc = product(t->c, it->sku, &t->prod[i])) != 0)
			return blame(s, "sku", i, rc);
		s->nlines = i + 1;
		l->sku = strdup(t->prod[i]->sku);
		l->name = strdup(t->prod[i]->name);
		l->qty = it->qty;
		l->price = it->price >= 0 ? it->price : t->prod[i]->price;
		/* a tier's discount: on list prices, to active members */
		if (it->price < 0 && t->earns) {
			l->list_price = l->price;
			l->price = jf_rules_price(t->r, s->tier, l->price);
			if (l->price == l->list_price)
				l->list_price = 0;
		}
		if (it->qty <= 0)
			return blame(s, "qty", i, jf_error(JF_EDATA,
			    _("not a quantity above 0: %lld"),
			    (long long)it->qty));
		a = (__int128)l->qty * l->price;
		if (a > JF_MONEY_MAX || s->gross + a > JF_MONEY_MAX)
			return blame(s, "qty", i, jf_error(JF_EDATA,
			    _("%s: the amount is beyond the money range"),
			    it->sku));
		l->amount = (int64_t)a;
		s->gross += l->amount;
		if (l->list_price > 0)
			s->discount += (l->list_price - l->price) * l->qty;
		t->ein[i].sku = t->prod[i]->sku;
		t->ein[i].category = t->prod[i]->category;
		t->ein[i].no_points = t->prod[i]->no_points;
		t->ein[i].amount = l->amount;
	}
	return 0;
}

/* The points used may pay: the offset rules, no debt, spendable points. */
static int
till_offset(struct till *t)
{
	struct jf_sale *s = t->s;
	struct jf_points_now pn;
	char day[JF_DATE_LEN];
	int rc;

	s->points_used = t->in->points_used;
	if (s->points_used <= 0)
		return 0;
	if ((rc = jf_offset_check(t->r, s->points_used, s->gross,
	    &s->offset)) != 0)
		return blame(s, "points_used", -1, rc);
	if (t->w.debt > 0)
		return blame(s, "points_used", -1, jf_error(JF_EREFUSED,
		    _("member %s owes %lld points and cannot use any"),
		    t->w.code, (long long)t->w.debt));
	/* what a spending on the sale's day may take; lapsed lots do not */
	snprintf(day, sizeof(day), "%.10s", s->at);
	if ((rc = jf_points_now(t->c, t->w.id, day, &pn)) != 0)
		return rc;
	if (s->points_used <= pn.spendable)
		return 0;
	return blame(s, "points_used", -1, jf_error(JF_EREFUSED,
	    pn.pending > 0 ? _("member %s has %lld points to spend, not %lld "
	    "(%lld more are pending)") : _("member %s has %lld points, not "
	    "%lld"), t->w.code, (long long)pn.spendable,
	    (long long)s->points_used, (long long)pn.pending));
}

/*
 * What the sale earns (jf_earn), each line's share of the offset (largest
 * remainders, so the lines add up to the receipt) and, with pending_days,
 * the day its points may first be spent.
 */
static int
till_points(struct till *t)
{
	struct jf_sale *s = t->s;
	int n = t->in->nitems;
	int64_t *w;
	int rc;

	if ((rc = till_offset(t)) != 0)
		return rc;
	s->paid = s->gross - s->offset;
	s->points_earned = jf_earn(t->r, t->ein, n, s->at, s->tier_factor,
	    s->offset, t->eo);
	if (!t->earns)
		s->points_earned = 0;
	/* rules may allow more than a ledger can hold: refuse, never wrap */
	if (s->points_earned > JF_MONEY_MAX)
		return blame(s, "qty", -1, jf_error(JF_EDATA, _("the sale would "
		    "earn %lld points, beyond the most a ledger holds"),
		    (long long)s->points_earned));
	if ((w = calloc(2 * n, sizeof(*w))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	for (int i = 0; i < n; i++)
		w[i] = s->lines[i].amount;
	jf_spread(s->offset, w, n, w + n);
	for (int i = 0; i < n; i++) {
		struct jf_sale_line *l = &s->lines[i];

		l->mult = t->eo[i].mult;
		l->mult_exact = t->eo[i].mult_exact;
		l->rule = t->eo[i].rule[0] ? strdup(t->eo[i].rule) : NULL;
		l->points = t->earns ? t->eo[i].points : 0;
		l->offset = w[n + i];
		l->paid = l->amount - w[n + i];
	}
	free(w);
	if (t->r->pending_days > 0) {
		char day[JF_DATE_LEN];

		snprintf(day, sizeof(day), "%.10s", s->at);
		jf_date_add_days(day, t->r->pending_days, t->spendable);
	}
	return 0;
}

/*
 * Books it all.  From here on a failure is the book's or the machine's.
 * The points: spend before earning, so this sale's own points pay
 * nothing.  Then the sale, its lines and the goods out, and the tier.
 */
static int
till_book(struct till *t)
{
	struct jf_sale *s = t->s;
	const char *pend = t->spendable[0] ? t->spendable : NULL;
	char rule[256], key[JF_RECEIPT_MAX + 8];
	const struct jf_tier *tier;
	struct jf_points_now pn;
	int64_t own = 0;
	int rc;

	s->written = 1;
	if (s->offset > 0) {
		struct jf_entry e = { s->member_id, "offset", s->points_used,
			s->at, s->receipt, NULL, NULL, NULL, NULL };

		if ((rc = jf_ledger_spend(t->c, &e, NULL)) != 0)
			return blame(s, "points_used", -1, rc);
	}
	if (s->points_earned > 0) {
		struct jf_entry e = { s->member_id, "earn", s->points_earned,
			s->at, s->receipt, NULL, NULL, key, pend };

		earn_rule(t->eo, t->in->nitems, rule, sizeof(rule));
		e.rule = rule[0] ? rule : NULL;
		snprintf(key, sizeof(key), "earn:%s", s->receipt);
		if ((rc = jf_ledger_gain(t->c, &e, NULL)) != 0)
			return rc;
	}
	if (t->earns && ((rc = bonuses(t->c, t->r, &t->w, t->first, s->at,
	    s->receipt, pend, &own)) != 0 || (rc = thresholds(t->c, t->r, s,
	    pend, &own)) != 0))
		return rc;
	s->bonus_points = own;
	if ((rc = insert_sale(t->c, s, &s->id)) != 0)
		return rc;
	if (t->first && (rc = jf_q_exec(t->c, "UPDATE member SET first_sale "
	    "= ? WHERE id = ?", "ii", s->id, s->member_id)) != 0)
		return rc;
	for (int i = 0; i < t->in->nitems; i++) {
		struct jf_move m = { t->prod[i]->id, "sale", -s->lines[i].qty,
			-1, s->store, s->at, s->receipt, NULL, NULL };

		if ((rc = jf_stock_move_cost(t->c, &m,
		    &s->lines[i].cost)) != 0 || (rc = insert_line(t->c, s->id,
		    i + 1, t->prod[i]->id, &s->lines[i])) != 0)
			return rc;
	}
	/* a tier only goes up here: none above the top one */
	tier = jf_rules_tier(t->r, t->w.tier);
	if (t->earns && s->points_earned + own > 0 && (tier == NULL ||
	    tier != &t->r->tiers[t->r->ntiers - 1]) &&
	    (rc = jf_tier_upgrade(t->c, s->member_id, s->at)) != 0)
		return rc;
	/* the balance as `points balance` shows it: lapsed lots left out */
	if (s->member_id == 0 || t->in->quiet)
		return 0;
	if ((rc = jf_points_now(t->c, s->member_id, t->c->today, &pn)) != 0)
		return rc;
	s->balance = pn.balance;
	return 0;
}

/* The sale's time, given or now, and never later than the clock. */
static int
sale_time(struct jf_ctx *c, const char *at, struct jf_sale *s)
{
	if (at != NULL && at[0] != '\0') {
		if (jf_ts_parse(at, s->at) == -1)
			return blame(s, "at", -1, JF_EDATA);
	} else
		memcpy(s->at, c->now, sizeof(s->at));
	if (jf_future(c, s->at))
		return blame(s, "at", -1, jf_error(JF_EDATA, _("%s is later "
		    "than the clock (%s)"), s->at, c->clock));
	return 0;
}

int
jf_sale_record(struct jf_ctx *c, const struct jf_sale_in *in,
    struct jf_sale *s)
{
	struct till t = { .c = c, .in = in, .s = s };
	int n = in->nitems, rc;

	memset(s, 0, sizeof(*s));
	s->erritem = -1;
	if (n <= 0)
		return jf_error(JF_EUSAGE, _("a sale needs at least one line"));
	if (n > JF_SALE_LINES_MAX)
		return jf_error(JF_EDATA, _("more than %d lines on one "
		    "receipt"), JF_SALE_LINES_MAX);
	if (in->receipt != NULL && strlen(in->receipt) > JF_RECEIPT_MAX)
		return blame(s, "receipt", -1, jf_error(JF_EDATA,
		    _("receipt number longer than %d bytes"), JF_RECEIPT_MAX));
	if ((rc = sale_time(c, in->at, s)) != 0)
		return rc;
	s->store = strdup(in->store && in->store[0] ? in->store : c->store);
	s->lines = calloc(n, sizeof(*s->lines));
	t.prod = calloc(n, sizeof(*t.prod));
	t.ein = calloc(n, sizeof(*t.ein));
	t.eo = calloc(n, sizeof(*t.eo));
	if (s->store == NULL || s->lines == NULL || t.prod == NULL ||
	    t.ein == NULL || t.eo == NULL) {
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
		goto out;
	}
	/* a refusal found late undoes this receipt and nothing else */
	if ((rc = jf_q_exec(c, "SAVEPOINT jf_sale", "")) != 0)
		goto out;
	if ((rc = till_receipt(&t)) == 0 && (rc = till_member(&t)) == 0 &&
	    (rc = till_lines(&t)) == 0 && (rc = till_points(&t)) == 0)
		rc = till_book(&t);
	if (rc != 0 && jf_q_exec(c, "ROLLBACK TO jf_sale", "") == 0 &&
	    (rc == JF_EREFUSED || rc == JF_EDUP || rc == JF_EDATA ||
	    rc == JF_EUSAGE))
		s->written = 0;
	if (jf_q_exec(c, "RELEASE jf_sale", "") != 0 && rc == 0)
		rc = JF_ESOFTWARE;
out:
	free(t.prod);
	free(t.ein);
	free(t.eo);
	return rc;
}

/* sale row columns, in the order fill_sale() reads them */
#define SALE_COLS "s.id, s.receipt, s.at, s.store, s.member_id, m.code, " \
	"s.gross, s.offset_amount, s.paid, s.points_used, s.points_earned, " \
	"s.bonus_points, s.rules_version, s.tier, s.tier_factor, " \
	"m.balance - (SELECT coalesce(sum(remaining), 0) FROM lot " \
	"WHERE member_id = m.id AND remaining > 0 " \
	"AND expires_on < jf_today()), " \
	"(SELECT coalesce(sum(gross), 0) FROM sale_return r " \
	"WHERE r.sale_id = s.id) FROM sale s LEFT JOIN member m " \
	"ON m.id = s.member_id "

static void
fill_sale(const struct jf_rows *r, struct jf_sale *s)
{
	s->id = jf_r_int(r, 0);
	snprintf(s->receipt, sizeof(s->receipt), "%s", jf_r_text(r, 1));
	snprintf(s->at, sizeof(s->at), "%s", jf_r_text(r, 2));
	s->store = strdup(jf_r_text(r, 3));
	s->member_id = jf_r_int(r, 4);
	s->member = dup_opt(jf_r_opt(r, 5));
	s->gross = jf_r_int(r, 6);
	s->offset = jf_r_int(r, 7);
	s->paid = jf_r_int(r, 8);
	s->points_used = jf_r_int(r, 9);
	s->points_earned = jf_r_int(r, 10);
	s->bonus_points = jf_r_int(r, 11);
	s->rules_version = jf_r_int(r, 12);
	s->tier = dup_opt(jf_r_opt(r, 13));
	s->tier_factor = jf_r_int(r, 14);
	s->balance = jf_r_int(r, 15);
	s->returned = jf_r_int(r, 16);
}

static int
fill_lines(struct jf_ctx *c, struct jf_sale *s)
{
	static const char cnt[] = "SELECT count(*) FROM sale_line "
	    "WHERE sale_id = ?";
	static const char sql[] = "SELECT p.sku, p.name, l.rule, l.qty, "
	    "l.price, l.amount, l.multiplier, l.points, l.returned, "
	    "l.mult_exact, l.offset_amount, l.paid, "
	    "coalesce(l.list_price, 0) "
	    "FROM sale_line l JOIN product p ON p.id = l.product_id "
	    "WHERE l.sale_id = ? ORDER BY l.line";
	struct jf_rows r;
	int64_t n = 0;
	int rc;

	if ((rc = jf_q_int(c, cnt, &n, "i", s->id)) != 0)
		return rc;
	if (n > 0 && (s->lines = calloc(n, sizeof(*s->lines))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	jf_q_open(c, &r, sql, "i", s->id);
	while (s->nlines < n && jf_q_next(&r)) {
		struct jf_sale_line *l = &s->lines[s->nlines++];

		l->sku = strdup(jf_r_text(&r, 0));
		l->name = strdup(jf_r_text(&r, 1));
		l->rule = dup_opt(jf_r_opt(&r, 2));
		l->qty = jf_r_int(&r, 3);
		l->price = jf_r_int(&r, 4);
		l->amount = jf_r_int(&r, 5);
		l->mult = jf_r_int(&r, 6);
		l->points = jf_r_int(&r, 7);
		l->returned = jf_r_int(&r, 8);
		l->mult_exact = jf_r_int(&r, 9);
		l->offset = jf_r_int(&r, 10);
		l->paid = jf_r_int(&r, 11);
		l->list_price = jf_r_int(&r, 12);
		if (l->list_price > 0)
			s->discount += (l->list_price - l->price) * l->qty;
	}
	return jf_q_close(&r);
}

int
jf_sale_get(struct jf_ctx *c, const char *receipt, struct jf_sale *s)
{
	static const char sql[] = "SELECT " SALE_COLS "WHERE s.receipt = ?";
	struct jf_rows r;
	int found;

	memset(s, 0, sizeof(*s));
	jf_q_open(c, &r, sql, "t", receipt);
	if ((found = jf_q_next(&r)))
		fill_sale(&r, s);
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no receipt \"%s\""), receipt);
	return fill_lines(c, s);
}

int
jf_sale_each(struct jf_ctx *c, const struct jf_sale_filter *f, int lines,
    jf_sale_fn *fn, void *arg)
{
	static const char sql[] = "SELECT " SALE_COLS
	    "WHERE (CAST(?1 AS TEXT) IS NULL OR s.at >= ?1) "
	    "AND (CAST(?2 AS TEXT) IS NULL OR s.at < ?2) "
	    "AND (CAST(?3 AS BIGINT) IS NULL OR s.member_id = ?3) "
	    "AND (CAST(?4 AS TEXT) IS NULL OR s.store = ?4) "
	    "ORDER BY s.at, s.id";
	char until[JF_DATE_LEN];
	struct jf_rows r;
	int64_t mid = 0;
	int rc = 0;

	if (f->member != NULL && (rc = jf_member_id(c, f->member, &mid)) != 0)
		return rc;
	jf_q_open(c, &r, sql, "TTnT", f->since, jf_day_after(f->until, until),
	    mid, f->store);
	while (rc == 0 && jf_q_next(&r)) {
		struct jf_sale s;

		memset(&s, 0, sizeof(s));
		fill_sale(&r, &s);
		if (!lines || (rc = fill_lines(c, &s)) == 0)
			rc = fn(arg, &s);
		jf_sale_clear(&s);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}

/* A line of the sale being returned. */
struct rline {
	int64_t id, product_id, qty, price, returned, mult_exact;
	int64_t cost;		/* unit cost of goods when sold; -1 unknown */
	int64_t take;		/* returned now */
	char *sku, *category;
	int no_points;
};

/* The sale being returned. */
struct rsale {
	int64_t id, member_id, gross, offset, points_used, points_earned;
	int64_t rules_version, tier_factor;
	int64_t reversed, restored;	/* by earlier returns */
	char at[JF_TS_LEN];
	char *store, *member;
	struct rline *lines;
	int nlines;
	const char *when;	/* the return's time */
};

static void
rsale_clear(struct rsale *r)
{
	for (int i = 0; i < r->nlines; i++) {
		free(r->lines[i].sku);
		free(r->lines[i].category);
	}
	free(r->lines);
	free(r->store);
	free(r->member);
}

static int
rsale_load(struct jf_ctx *c, const char *receipt, struct rsale *r)
{
	static const char sql[] = "SELECT s.id, s.at, s.store, s.member_id, "
	    "m.code, s.gross, s.offset_amount, s.points_used, "
	    "s.points_earned, s.rules_version, s.tier_factor, "
	    "(SELECT coalesce(sum(points_reversed), 0) FROM sale_return "
	    "WHERE sale_id = s.id), (SELECT coalesce(sum(points_restored), "
	    "0) FROM sale_return WHERE sale_id = s.id), (SELECT count(*) "
	    "FROM sale_line WHERE sale_id = s.id) FROM sale s LEFT JOIN "
	    "member m ON m.id = s.member_id WHERE s.receipt = ?";
	static const char lsql[] = "SELECT l.id, l.product_id, l.qty, "
	    "l.price, l.returned, p.sku, p.category, p.no_points, "
	    "l.mult_exact, coalesce(l.cost, -1) "
	    "FROM sale_line l JOIN product p ON p.id = l.product_id "
	    "WHERE l.sale_id = ? ORDER BY l.line";
	struct jf_rows q;
	int64_t n = 0;
	int found;

	jf_q_open(c, &q, sql, "t", receipt);
	if ((found = jf_q_next(&q))) {
		r->id = jf_r_int(&q, 0);
		snprintf(r->at, sizeof(r->at), "%s", jf_r_text(&q, 1));
		r->store = strdup(jf_r_text(&q, 2));
		r->member_id = jf_r_int(&q, 3);
		r->member = dup_opt(jf_r_opt(&q, 4));
		r->gross = jf_r_int(&q, 5);
		r->offset = jf_r_int(&q, 6);
		r->points_used = jf_r_int(&q, 7);
		r->points_earned = jf_r_int(&q, 8);
		r->rules_version = jf_r_int(&q, 9);
		r->tier_factor = jf_r_int(&q, 10);
		r->reversed = jf_r_int(&q, 11);
		r->restored = jf_r_int(&q, 12);
		n = jf_r_int(&q, 13);
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	if (!found)
		return jf_error(JF_EREFUSED, _("no receipt \"%s\""), receipt);
	if (n > 0 && (r->lines = calloc(n, sizeof(*r->lines))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	jf_q_open(c, &q, lsql, "i", r->id);
	while (r->nlines < n && jf_q_next(&q)) {
		struct rline *l = &r->lines[r->nlines++];

		l->id = jf_r_int(&q, 0);
		l->product_id = jf_r_int(&q, 1);
		l->qty = jf_r_int(&q, 2);
		l->price = jf_r_int(&q, 3);
		l->returned = jf_r_int(&q, 4);
		l->sku = strdup(jf_r_text(&q, 5));
		l->category = dup_opt(jf_r_opt(&q, 6));
		l->no_points = (int)jf_r_int(&q, 7);
		l->mult_exact = jf_r_int(&q, 8);
		l->cost = jf_r_int(&q, 9);
	}
	return jf_q_close(&q);
}

/* Spreads the items over the lines (first lines first), or takes all. */
static int
rsale_take(const char *receipt, struct rsale *r,
    const struct jf_sale_item *items, int n)
{
	int64_t total = 0;

	if (n == 0) {
		for (int i = 0; i < r->nlines; i++)
			total += r->lines[i].take = r->lines[i].qty -
			    r->lines[i].returned;
		if (total == 0)
			return jf_error(JF_EREFUSED, _("receipt \"%s\" is "
			    "returned already"), receipt);
		return 0;
	}
	for (int k = 0; k < n; k++) {
		int64_t left = 0, want = items[k].qty;
		int found = 0;

		if (items[k].price >= 0)
			return jf_error(JF_EUSAGE, _("a return names no "
			    "price: %s"), items[k].sku);
		for (int i = 0; i < r->nlines; i++) {
			struct rline *l = &r->lines[i];

			if (strcmp(l->sku, items[k].sku) != 0)
				continue;
			found = 1;
			left += l->qty - l->returned - l->take;
		}
		if (!found)
			return jf_error(JF_EREFUSED, _("no \"%s\" on receipt "
			    "\"%s\""), items[k].sku, receipt);
		if (want > left)
			return jf_error(JF_EREFUSED, _("receipt \"%s\" has "
			    "%lld of \"%s\" left to return, not %lld"), receipt,
			    (long long)left, items[k].sku, (long long)want);
		for (int i = 0; i < r->nlines && want > 0; i++) {
			struct rline *l = &r->lines[i];
			int64_t t;

			if (strcmp(l->sku, items[k].sku) != 0)
				continue;
			t = l->qty - l->returned - l->take;
			if (t > want)
				t = want;
			l->take += t;
			want -= t;
		}
	}
	return 0;
}

/*
 * earned(kept lines) by the sale's rules, tier factor and the lines'
 * multipliers as sold: a product changed since (no points, another
 * category) changes nothing here.
 */
static int
earned_kept(struct jf_ctx *c, const struct rsale *r, int64_t used_left,
    int64_t *earned, int64_t *paid)
{
	const struct jf_rules *ru;
	struct jf_earn_in *ein;
	int64_t gross = 0, offset;
	int rc;

	*earned = 0;
	if ((rc = jf_rules_version(c, r->rules_version, &ru)) != 0)
		return rc;
	if ((ein = calloc(r->nlines, sizeof(*ein))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	for (int i = 0; i < r->nlines; i++) {
		const struct rline *l = &r->lines[i];

		ein[i].sku = l->sku;
		ein[i].category = l->category;
		ein[i].no_points = l->no_points;
		ein[i].booked = 1;
		ein[i].mult = l->mult_exact;
		ein[i].amount = (l->qty - l->returned - l->take) * l->price;
		gross += ein[i].amount;
	}
	/* the points still used on the kept lines, at the sale's rate */
	offset = (int64_t)((__int128)used_left * ru->off_value /
	    ru->off_points);
	if (offset > gross)
		offset = gross;
	*paid = gross - offset;
	if (gross > 0)
		*earned = jf_earn(ru, ein, r->nlines, r->at, r->tier_factor,
		    offset, NULL);
	free(ein);
	return 0;
}

/* The offset entry a receipt spent, 0 if none. */
static int
offset_entry(struct jf_ctx *c, const char *receipt, int64_t mid, int64_t *id)
{
	static const char sql[] = "SELECT id FROM ledger WHERE ref = ? "
	    "AND kind = 'offset' AND member_id = ? ORDER BY id LIMIT 1";
	int rc;

	*id = 0;
	rc = jf_q_int(c, sql, id, "ti", receipt, mid);
	return rc == JF_ENOROW ? 0 : rc;
}

/*
 * Reverses e, no more than the member's lots of the receipt (e->ref)
 * still hold: what expired from them is not charged again.  e->points is
 * left with what was reversed.
 */
static int
reverse_left(struct jf_ctx *c, struct jf_entry *e)
{
	int64_t gained, reversed, expired;
	int rc;

	if ((rc = jf_ledger_ref_points(c, e->ref, e->member_id, &gained,
	    &reversed, &expired)) != 0)
		return rc;
	if (e->points > gained - reversed - expired)
		e->points = gained - reversed - expired;
	if (e->points <= 0) {
		e->points = 0;
		return 0;
	}
	return jf_ledger_reverse(c, e, NULL);
}

/*
 * Reverses the bonuses the receipt gave, member by member: the sale's
 * own member's are added to *own (reversed with the earnings), the
 * others' (a referrer's) are reversed here.
 */
static int
reverse_bonuses(struct jf_ctx *c, const char *receipt, int64_t mid,
    const char *when, int64_t *own)
{
	static const char sql[] = "SELECT member_id, sum(delta) FROM ledger "
	    "WHERE ref = ? AND kind = 'bonus' GROUP BY member_id "
	    "ORDER BY member_id";
	int64_t who[8], pts[8];
	struct jf_rows r;
	int rc, n = 0;

	jf_q_open(c, &r, sql, "t", receipt);
	while (n < 8 && jf_q_next(&r)) {
		who[n] = jf_r_int(&r, 0);
		pts[n++] = jf_r_int(&r, 1);
	}
	if ((rc = jf_q_close(&r)) != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		struct jf_entry e = { who[i], "reverse", pts[i], when, receipt,
			"return", NULL, NULL, NULL };

		if (pts[i] <= 0)
			continue;
		if (who[i] == mid) {
			*own += pts[i];
			continue;
		}
		if ((rc = reverse_left(c, &e)) != 0)
			return rc;
	}
	return 0;
}

/*
 * A partial return whose kept lines pay less than a threshold asked
 * takes that threshold's bonus back, once, as a reversal named by it;
 * *thr is what was taken.  *before, the earnings not yet reversed, had
 * earlier such reversals counted in: they are given back to it.
 */
static int
reverse_thresholds(struct jf_ctx *c, const char *receipt,
    const struct rsale *r, int64_t paid, int64_t *thr, int64_t *before)
{
	static const char sql[] = "SELECT b.rule, b.delta, (SELECT "
	    "coalesce(-sum(v.delta), 0) FROM ledger v WHERE v.ref = b.ref "
	    "AND v.member_id = b.member_id AND v.kind = 'reverse' "
	    "AND v.rule = b.rule) FROM ledger b WHERE b.ref = ? "
	    "AND b.member_id = ? AND b.kind = 'bonus' ORDER BY b.id";
	const struct jf_rules *ru;
	struct { char name[128]; int64_t points; } take[16];
	struct jf_rows q;
	int n = 0, rc;

	*thr = 0;
	if ((rc = jf_rules_version(c, r->rules_version, &ru)) != 0)
		return rc;
	jf_q_open(c, &q, sql, "ti", receipt, r->member_id);
	while (n < 16 && jf_q_next(&q)) {
		const char *name = jf_r_opt(&q, 0);
		const struct jf_threshold *t;
		int64_t left = jf_r_int(&q, 1) - jf_r_int(&q, 2);

		if (name == NULL || (t = jf_rules_threshold(ru, name)) == NULL)
			continue;
		*before += jf_r_int(&q, 2);
		if (left <= 0 || paid >= t->min_paid)
			continue;
		snprintf(take[n].name, sizeof(take[n].name), "%s", name);
		take[n++].points = left;
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	for (int i = 0; i < n; i++) {
		struct jf_entry e = { r->member_id, "reverse", take[i].points,
			r->when, receipt, take[i].name, NULL, NULL, NULL };

		if ((rc = reverse_left(c, &e)) != 0)
			return rc;
		*thr += e.points;
	}
	return 0;
}

/* The return's row: sale_id 0 for a refund that names no sale. */
static int
insert_return(struct jf_ctx *c, int64_t sale_id, const char *store,
    const struct jf_return *out)
{
	static const char sql[] = "INSERT INTO sale_return (sale_id, "
	    "receipt, at, store, gross, points_reversed, points_restored, "
	    "operator, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

	return jf_q_exec(c, sql, "nttti" "iiti", sale_id, out->ret, out->at,
	    store, out->gross, out->points_reversed, out->points_restored,
	    c->operator, (int64_t)c->audit_id);
}

/*
 * The return's own number and time: given (a till's credit note, "a
 * return recorded already" JF_EDUP when it is), or the sale's receipt
 * and "-R" and the return's count; in->at or now, never later than the
 * clock.
 */
static int
return_start(struct jf_ctx *c, const struct jf_return_in *in,
    int64_t sale_id, struct jf_return *out)
{
	int64_t n = 0;
	int rc;

	if (in->at != NULL && *in->at != '\0') {
		if (jf_ts_parse(in->at, out->at) == -1)
			return jf_error(JF_EDATA, "%s", jf_errmsg());
		if (jf_future(c, out->at))
			return jf_error(JF_EDATA, _("%s is later than the "
			    "clock (%s)"), out->at, c->clock);
	} else
		memcpy(out->at, c->now, sizeof(out->at));
	if (in->receipt != NULL && *in->receipt != '\0') {
		if (strlen(in->receipt) > JF_RECEIPT_MAX)
			return jf_error(JF_EDATA, _("receipt number longer "
			    "than %d bytes"), JF_RECEIPT_MAX);
		snprintf(out->ret, sizeof(out->ret), "%s", in->receipt);
		rc = jf_q_int(c, "SELECT 1 FROM sale_return WHERE receipt = ?",
		    &n, "t", out->ret);
		if (rc == 0)
			return jf_error(JF_EDUP, _("return \"%s\" is recorded "
			    "already"), out->ret);
		return rc == JF_ENOROW ? 0 : rc;
	}
	if ((rc = jf_q_int(c, "SELECT count(*) FROM sale_return "
	    "WHERE sale_id = ?", &n, "i", sale_id)) != 0)
		return rc;
	if (snprintf(out->ret, sizeof(out->ret), "%s-R%lld", in->of,
	    (long long)n + 1) >= (int)sizeof(out->ret))
		return jf_error(JF_EDATA, _("receipt number longer than %d "
		    "bytes"), JF_RECEIPT_MAX - 8);
	return 0;
}

static int
mark_returned(struct jf_ctx *c, const struct rsale *r, const char *receipt)
{
	static const char sql[] = "UPDATE sale_line SET returned = "
	    "returned + ? WHERE id = ?";
	int rc;

	for (int i = 0; i < r->nlines; i++) {
		const struct rline *l = &r->lines[i];
		/* back at the cost they left with */
		struct jf_move m = { l->product_id, "return", l->take, l->cost,
			r->store, r->when, receipt, NULL, NULL };

		if (l->take == 0)
			continue;
		if ((rc = jf_q_exec(c, sql, "ii", l->take, l->id)) != 0 ||
		    (rc = jf_stock_move(c, &m)) != 0)
			return rc;
	}
	return 0;
}

/* Gives back and takes back the points of a return. */
static int
return_points(struct jf_ctx *c, const char *receipt, struct rsale *r,
    struct jf_return *out)
{
	int64_t used_left, before, kept, paid = 0, rev = 0, thr = 0, spent;
	int rc;

	used_left = r->points_used - r->restored;
	if (out->whole)
		out->points_restored = used_left;
	else if (r->gross > 0) {
		out->points_restored = (int64_t)((__int128)r->points_used *
		    out->gross / r->gross);
		if (out->points_restored > used_left)
			out->points_restored = used_left;
	}
	before = r->points_earned - r->reversed;
	if (out->whole)
		rev = before > 0 ? before : 0;
	else {
		if ((rc = earned_kept(c, r, used_left - out->points_restored,
		    &kept, &paid)) != 0 ||
		    (rc = reverse_thresholds(c, receipt, r, paid, &thr,
		    &before)) != 0)
			return rc;
		rev = before > kept ? before - kept : 0;
	}
	if (out->whole && (rc = reverse_bonuses(c, receipt, r->member_id,
	    r->when, &rev)) != 0)
		return rc;
	if (out->points_restored > 0) {
		struct jf_entry e = { r->member_id, "restore",
			out->points_restored, r->when, receipt, "return", NULL,
			NULL, NULL };

		if ((rc = offset_entry(c, receipt, r->member_id, &spent)) != 0)
			return rc;
		if (spent == 0)
			return jf_error(JF_ESOFTWARE, _("receipt \"%s\": the "
			    "points it used are not in the ledger"), receipt);
		if ((rc = jf_ledger_restore(c, spent, &e, NULL)) != 0)
			return rc;
	}
	/*
	 * Points that expired from the receipt's own lots are gone already:
	 * a return never charges them a second time (reverse_left).  The
	 * restore above gives to the lots the offset took from, not these.
	 */
	if (rev > 0) {
		struct jf_entry e = { r->member_id, "reverse", rev, r->when,
			receipt, "return", NULL, NULL, NULL };

		if ((rc = reverse_left(c, &e)) != 0)
			return rc;
		rev = e.points;
	}
	out->points_reversed = rev + thr;
	return 0;
}

int
jf_window(struct jf_ctx *c, const char *at, const char *what)
{
	char day[JF_DATE_LEN], msg[128];

	/* the window runs to the day the book records the write */
	snprintf(day, sizeof(day), "%.10s", at);
	if (jf_date_days(c->clock) - jf_date_days(day) <= JF_RETURN_DAYS)
		return 0;
	snprintf(msg, sizeof(msg), _("%s more than %d days after %s"), what,
	    JF_RETURN_DAYS, day);
	return jf_need_role(c, JF_ROLE_MANAGER, msg);
}

/*
 * A refund that names no sale: goods sold to no member come back to the
 * store at the prices given (or the products'), with no points.
 */
static int
refund(struct jf_ctx *c, const struct jf_return_in *in, struct jf_return *out)
{
	const char *store = in->store && *in->store ? in->store : c->store;
	int rc;

	if (in->receipt == NULL || *in->receipt == '\0')
		return jf_error(JF_EUSAGE, _("a refund with no sale needs its "
		    "own receipt number"));
	if ((rc = return_start(c, in, 0, out)) != 0)
		return rc;
	for (int k = 0; k < in->n; k++) {
		const struct jf_sale_item *it = &in->items[k];
		const struct jf_product *p;
		struct jf_move m = { 0, "return", it->qty, -1, store, out->at,
			out->ret, NULL, NULL };

		if ((rc = product(c, it->sku, &p)) != 0)
			return rc;
		m.product_id = p->id;
		out->gross += it->qty * (it->price >= 0 ? it->price : p->price);
		if ((rc = jf_stock_move(c, &m)) != 0)
			return rc;
	}
	out->whole = 1;
	return insert_return(c, 0, store, out);
}

/* A member named with the return is the sale's. */
static int
same_member(struct jf_ctx *c, const struct jf_return_in *in,
    const struct rsale *r)
{
	int64_t mid;
	int rc;

	if (in->member == NULL || *in->member == '\0')
		return 0;
	if ((rc = jf_member_id(c, in->member, &mid)) != 0)
		return rc;
	if (mid != r->member_id)
		return jf_error(JF_EREFUSED, _("receipt \"%s\" was sold to %s, "
		    "not to \"%s\""), in->of, r->member ? r->member :
		    _("no member"), in->member);
	return 0;
}

static int
give_back(struct jf_ctx *c, const struct jf_return_in *in,
    struct jf_return *out)
{
	struct rsale r;
	int rc;

	memset(&r, 0, sizeof(r));
	snprintf(out->receipt, sizeof(out->receipt), "%s", in->of);
	if ((rc = rsale_load(c, in->of, &r)) != 0 ||
	    (rc = return_start(c, in, r.id, out)) != 0)
		goto done;
	r.when = out->at;
	if ((rc = same_member(c, in, &r)) != 0 ||
	    (rc = jf_window(c, r.at, _("a return"))) != 0)
		goto done;
	if ((rc = rsale_take(in->of, &r, in->items, in->n)) != 0)
		goto done;
	out->whole = 1;
	for (int i = 0; i < r.nlines; i++) {
		const struct rline *l = &r.lines[i];

		out->gross += l->take * l->price;
		if (l->qty - l->returned - l->take > 0)
			out->whole = 0;
	}
	if (r.member_id != 0 &&
	    (rc = return_points(c, in->of, &r, out)) != 0)
		goto done;
	if ((rc = mark_returned(c, &r, in->of)) != 0 ||
	    (rc = insert_return(c, r.id, r.store, out)) != 0)
		goto done;
	if (r.member_id != 0) {
		struct jf_points_now pn;

		out->member = dup_opt(r.member);
		if ((rc = jf_points_now(c, r.member_id, c->today, &pn)) == 0)
			out->balance = pn.balance;
	}
done:
	rsale_clear(&r);
	return rc;
}

int
jf_sale_return(struct jf_ctx *c, const struct jf_return_in *in,
    struct jf_return *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	/* a refusal found late undoes this return and nothing else */
	if ((rc = jf_q_exec(c, "SAVEPOINT jf_return", "")) != 0)
		return rc;
	if (in->of == NULL || *in->of == '\0')
		rc = refund(c, in, out);
	else
		rc = give_back(c, in, out);
	if (rc != 0 && jf_q_exec(c, "ROLLBACK TO jf_return", "") != 0)
		rc = JF_ESOFTWARE;
	if (jf_q_exec(c, "RELEASE jf_return", "") != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	return rc;
}
