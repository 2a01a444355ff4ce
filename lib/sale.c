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
#include "stock.h"

int jf_sale_dup;

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
	sqlite3_int64 audit;
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

/* 1 if the receipt is recorded, 0 if not, or -status. */
static int
receipt_exists(struct jf_ctx *c, const char *receipt)
{
	static const char sql[] = "SELECT 1 FROM sale WHERE receipt = ?";
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return -JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	rc = jf_step(c, st);
	sqlite3_reset(st);
	if (rc < 0)
		return rc;
	return rc == SQLITE_ROW;
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
	sqlite3_stmt *st;
	size_t len;
	int rc;

	len = snprintf(lo, sizeof(lo), "%s-%.4s%.2s%.2s-", store, at, at + 5,
	    at + 8);
	if (len + 4 > JF_RECEIPT_MAX)
		return jf_error(JF_EUSAGE, _("store name too long for a "
		    "receipt number: \"%s\""), store);
	memcpy(hi, lo, len + 1);
	hi[len - 1] = '-' + 1;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	if ((rc = jf_step(c, st)) < 0)
		return -rc;
	if (rc == SQLITE_ROW) {
		const char *last = jf_col(st, 0) + len;
		char *end;

		n = strtoll(last, &end, 10);
		if (*last == '\0' || *end != '\0' || n < 0)
			n = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	for (;; n++) {
		if (snprintf(out, JF_RECEIPT_MAX + 1, "%s%04lld", lo, n) >
		    JF_RECEIPT_MAX)
			return jf_error(JF_ESOFTWARE, _("no receipt number "
			    "left for store \"%s\""), store);
		if ((rc = receipt_exists(c, out)) < 0)
			return -rc;
		if (rc == 0)
			return 0;
	}
}

/* What the till needs of a member. */
struct who {
	int64_t id, referrer;
	int referrer_active;
	int64_t balance, debt;
	int active;
	char code[128];
	char tier[64];
	char birthday[JF_DATE_LEN];
};

static int
who_load(struct jf_ctx *c, const char *id, struct who *w)
{
	/* jf_member_id()'s lookup (code, else phone), with what we need */
#define WHO_COLS "SELECT id, code, status, tier, birthday, referrer_id, " \
	"(SELECT status FROM member r WHERE r.id = m.referrer_id), " \
	"balance, debt FROM member m "
	static const char sql[] = WHO_COLS "WHERE code = ?1 UNION ALL "
	    WHO_COLS "WHERE phone = ?1 LIMIT 1";
#undef WHO_COLS
	sqlite3_stmt *st;
	int rc;

	memset(w, 0, sizeof(*w));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no member \"%s\""), id);
	}
	w->id = sqlite3_column_int64(st, 0);
	snprintf(w->code, sizeof(w->code), "%s", jf_col(st, 1));
	w->active = strcmp(jf_col(st, 2), "active") == 0;
	snprintf(w->tier, sizeof(w->tier), "%s", jf_col(st, 3));
	snprintf(w->birthday, sizeof(w->birthday), "%s", jf_col(st, 4));
	w->referrer = sqlite3_column_int64(st, 5);
	w->referrer_active = strcmp(jf_col(st, 6), "active") == 0;
	w->balance = sqlite3_column_int64(st, 7);
	w->debt = sqlite3_column_int64(st, 8);
	sqlite3_reset(st);
	return 0;
}

/* 1 if the member has bought before, 0 if not, or -status. */
static int
bought_before(struct jf_ctx *c, int64_t mid)
{
	static const char sql[] = "SELECT 1 FROM sale WHERE member_id = ? "
	    "LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return -JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, mid);
	rc = jf_step(c, st);
	sqlite3_reset(st);
	if (rc < 0)
		return rc;
	return rc == SQLITE_ROW;
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
	if (rc == JF_EREFUSED && jf_ledger_dup)
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
	sqlite3_stmt *st;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, s->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->store, -1, SQLITE_STATIC);
	if (s->member_id != 0)
		sqlite3_bind_int64(st, 4, s->member_id);
	sqlite3_bind_int64(st, 5, s->gross);
	sqlite3_bind_int64(st, 6, s->offset);
	sqlite3_bind_int64(st, 7, s->paid);
	sqlite3_bind_int64(st, 8, s->points_used);
	sqlite3_bind_int64(st, 9, s->points_earned);
	sqlite3_bind_int64(st, 10, s->bonus_points);
	sqlite3_bind_int64(st, 11, s->rules_version);
	jf_bind_opt(st, 12, s->tier);
	sqlite3_bind_int64(st, 13, s->tier_factor);
	sqlite3_bind_text(st, 14, c->operator, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, c->audit_id);
	if ((rc = jf_exec(c, st)) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

static int
insert_line(struct jf_ctx *c, int64_t sale_id, int line, int64_t product_id,
    const struct jf_sale_line *l)
{
	static const char sql[] = "INSERT INTO sale_line (sale_id, line, "
	    "product_id, qty, price, amount, multiplier, rule, points, "
	    "mult_exact, offset_amount, paid) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, sale_id);
	sqlite3_bind_int(st, 2, line);
	sqlite3_bind_int64(st, 3, product_id);
	sqlite3_bind_int64(st, 4, l->qty);
	sqlite3_bind_int64(st, 5, l->price);
	sqlite3_bind_int64(st, 6, l->amount);
	sqlite3_bind_int64(st, 7, l->mult);
	jf_bind_opt(st, 8, l->rule);
	sqlite3_bind_int64(st, 9, l->points);
	sqlite3_bind_int64(st, 10, l->mult_exact);
	sqlite3_bind_int64(st, 11, l->offset);
	sqlite3_bind_int64(st, 12, l->paid);
	return jf_exec(c, st);
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
 * Reads and computes everything (no writes), then books it.  Runs
 * inside record()'s savepoint.
 */
static int
record(struct jf_ctx *c, const struct jf_sale_in *in, struct jf_sale *s,
    const struct jf_product **prod, struct jf_earn_in *ein,
    struct jf_earn_out *eo)
{
	const struct jf_rules *r;
	const struct jf_tier *t;
	struct who w = { 0 };
	struct jf_points_now pn;
	char rule[256], key[JF_RECEIPT_MAX + 8], spendable[JF_DATE_LEN];
	const char *pend = NULL;
	int64_t own = 0, *w8;
	int n = in->nitems, earns = 0, first = 0, rc;

	/* the receipt */
	if (in->receipt != NULL && in->receipt[0] != '\0') {
		if ((rc = receipt_exists(c, in->receipt)) < 0)
			return -rc;
		if (rc) {
			jf_sale_dup = 1;
			return blame(s, "receipt", -1, jf_error(JF_EREFUSED,
			    _("receipt \"%s\" is recorded already"),
			    in->receipt));
		}
		snprintf(s->receipt, sizeof(s->receipt), "%s", in->receipt);
	} else if ((rc = next_receipt(c, s->store, s->at, s->receipt)) != 0)
		return rc;

	/* the member */
	s->tier_factor = 100;
	if (in->member != NULL && in->member[0] != '\0') {
		if ((rc = who_load(c, in->member, &w)) != 0)
			return blame(s, "member", -1, rc);
		s->member_id = w.id;
		s->member = strdup(w.code);
		s->tier = strdup(w.tier);
		earns = w.active;
		if (earns && (first = bought_before(c, w.id)) < 0)
			return -first;
		first = !first;
	}
	if (in->points_used < 0)
		return blame(s, "points_used", -1, jf_error(JF_EUSAGE,
		    _("points to use must not be negative")));
	if (in->points_used > 0 && !earns)
		return blame(s, "points_used", -1, jf_error(JF_EREFUSED,
		    s->member_id == 0 ? _("points can only be used by a "
		    "member") : _("member \"%s\" is not active and cannot use "
		    "points"), s->member));

	/* the rules, the products and the arithmetic */
	if ((rc = jf_rules_at(c, s->at, &r)) != 0)
		return rc;
	s->rules_version = r->version;
	if (earns)
		s->tier_factor = jf_rules_tier_factor(r, s->tier);
	for (int i = 0; i < n; i++) {
		const struct jf_sale_item *it = &in->items[i];
		struct jf_sale_line *l = &s->lines[i];
		__int128 a;

		if ((rc = product(c, it->sku, &prod[i])) != 0)
			return blame(s, "sku", i, rc);
		s->nlines = i + 1;
		l->sku = strdup(prod[i]->sku);
		l->name = strdup(prod[i]->name);
		l->qty = it->qty;
		l->price = it->price >= 0 ? it->price : prod[i]->price;
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
		ein[i].sku = prod[i]->sku;
		ein[i].category = prod[i]->category;
		ein[i].no_points = prod[i]->no_points;
		ein[i].amount = l->amount;
	}
	s->points_used = in->points_used;
	if (s->points_used > 0 && (rc = jf_offset_check(r, s->points_used,
	    s->gross, &s->offset)) != 0)
		return blame(s, "points_used", -1, rc);
	if (s->points_used > 0 && w.debt > 0)
		return blame(s, "points_used", -1, jf_error(JF_EREFUSED,
		    _("member %s owes %lld points and cannot use any"),
		    w.code, (long long)w.debt));
	/* what a spending on the sale's day may take; lapsed lots do not */
	if (s->points_used > 0) {
		char day[JF_DATE_LEN];

		snprintf(day, sizeof(day), "%.10s", s->at);
		if ((rc = jf_points_now(c, w.id, day, &pn)) != 0)
			return rc;
		if (s->points_used > pn.spendable)
			return blame(s, "points_used", -1, jf_error(
			    JF_EREFUSED, pn.pending > 0 ? _("member %s has "
			    "%lld points to spend, not %lld (%lld more are "
			    "pending)") : _("member %s has %lld points, not "
			    "%lld"), w.code, (long long)pn.spendable,
			    (long long)s->points_used, (long long)pn.pending));
	}
	s->paid = s->gross - s->offset;
	s->points_earned = jf_earn(r, ein, n, s->at, s->tier_factor, s->offset,
	    eo);
	if (!earns)
		s->points_earned = 0;
	/* rules may allow more than a ledger can hold: refuse, never wrap */
	if (s->points_earned > JF_MONEY_MAX)
		return blame(s, "qty", -1, jf_error(JF_EDATA, _("the sale would "
		    "earn %lld points, beyond the most a ledger holds"),
		    (long long)s->points_earned));
	/* the offset over the lines, exactly: largest remainders */
	if ((w8 = calloc(2 * n, sizeof(*w8))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	for (int i = 0; i < n; i++)
		w8[i] = s->lines[i].amount;
	jf_spread(s->offset, w8, n, w8 + n);
	for (int i = 0; i < n; i++) {
		s->lines[i].mult = eo[i].mult;
		s->lines[i].mult_exact = eo[i].mult_exact;
		s->lines[i].rule = eo[i].rule[0] ? strdup(eo[i].rule) : NULL;
		s->lines[i].points = earns ? eo[i].points : 0;
		s->lines[i].offset = w8[n + i];
		s->lines[i].paid = s->lines[i].amount - w8[n + i];
	}
	free(w8);
	/* a sale's points and bonuses wait out the return window */
	if (r->pending_days > 0) {
		char day[JF_DATE_LEN];

		snprintf(day, sizeof(day), "%.10s", s->at);
		jf_date_add_days(day, r->pending_days, spendable);
		pend = spendable;
	}

	/*
	 * Every refusal was found above; from here on a failure is the
	 * book's or the machine's, and the caller rolls back.  The points:
	 * spend before earning, so this sale's own points pay nothing.
	 */
	s->written = 1;
	if (s->offset > 0) {
		struct jf_entry e = { s->member_id, "offset", s->points_used,
			s->at, s->receipt, NULL, NULL, NULL, NULL };

		if ((rc = jf_ledger_spend(c, &e, NULL)) != 0)
			return blame(s, "points_used", -1, rc);
	}
	if (s->points_earned > 0) {
		struct jf_entry e = { s->member_id, "earn", s->points_earned,
			s->at, s->receipt, NULL, NULL, key, pend };

		earn_rule(eo, n, rule, sizeof(rule));
		e.rule = rule[0] ? rule : NULL;
		snprintf(key, sizeof(key), "earn:%s", s->receipt);
		if ((rc = jf_ledger_gain(c, &e, NULL)) != 0)
			return rc;
	}
	if (earns && (rc = bonuses(c, r, &w, first, s->at, s->receipt, pend,
	    &own)) != 0)
		return rc;
	s->bonus_points = own;

	/* the sale, its lines and the goods out */
	if ((rc = insert_sale(c, s, &s->id)) != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		struct jf_move m = { prod[i]->id, "sale", -s->lines[i].qty, -1,
			s->store, s->at, s->receipt, NULL, NULL };

		if ((rc = insert_line(c, s->id, i + 1, prod[i]->id,
		    &s->lines[i])) != 0 || (rc = jf_stock_move(c, &m)) != 0)
			return rc;
	}
	/* a tier only goes up here: none above the top one */
	t = jf_rules_tier(r, w.tier);
	if (earns && s->points_earned + own > 0 &&
	    (t == NULL || t != &r->tiers[r->ntiers - 1]) &&
	    (rc = jf_tier_upgrade(c, s->member_id, s->at)) != 0)
		return rc;
	/* the balance as `points balance` shows it: lapsed lots left out */
	if (s->member_id == 0)
		return 0;
	if ((rc = jf_points_now(c, s->member_id, c->today, &pn)) != 0)
		return rc;
	s->balance = pn.balance;
	return 0;
}

static int
savepoint(struct jf_ctx *c, const char *sql)
{
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	return jf_exec(c, st);
}

int
jf_sale_record(struct jf_ctx *c, const struct jf_sale_in *in,
    struct jf_sale *s)
{
	const struct jf_product **prod;
	struct jf_earn_in *ein;
	struct jf_earn_out *eo;
	int n = in->nitems, rc;

	memset(s, 0, sizeof(*s));
	s->erritem = -1;
	jf_sale_dup = 0;
	if (n <= 0)
		return jf_error(JF_EUSAGE, _("a sale needs at least one line"));
	if (n > JF_SALE_LINES_MAX)
		return jf_error(JF_EDATA, _("more than %d lines on one "
		    "receipt"), JF_SALE_LINES_MAX);
	if (in->receipt != NULL && strlen(in->receipt) > JF_RECEIPT_MAX)
		return blame(s, "receipt", -1, jf_error(JF_EDATA,
		    _("receipt number longer than %d bytes"), JF_RECEIPT_MAX));
	if (in->at != NULL && in->at[0] != '\0') {
		if (jf_ts_parse(in->at, s->at) == -1)
			return blame(s, "at", -1, JF_EDATA);
	} else
		memcpy(s->at, c->now, sizeof(s->at));
	if (jf_future(c, s->at))
		return blame(s, "at", -1, jf_error(JF_EDATA, _("%s is later "
		    "than the clock (%s)"), s->at, c->clock));
	s->store = strdup(in->store && in->store[0] ? in->store : c->store);
	s->lines = calloc(n, sizeof(*s->lines));
	prod = calloc(n, sizeof(*prod));
	ein = calloc(n, sizeof(*ein));
	eo = calloc(n, sizeof(*eo));
	if (s->store == NULL || s->lines == NULL || prod == NULL ||
	    ein == NULL || eo == NULL) {
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
		goto out;
	}
	/* a refusal found late undoes this receipt and nothing else */
	if ((rc = savepoint(c, "SAVEPOINT jf_sale")) != 0)
		goto out;
	rc = record(c, in, s, prod, ein, eo);
	if (rc != 0 && savepoint(c, "ROLLBACK TO jf_sale") == 0 &&
	    (rc == JF_EREFUSED || rc == JF_EDATA || rc == JF_EUSAGE))
		s->written = 0;
	if (savepoint(c, "RELEASE jf_sale") != 0 && rc == 0)
		rc = JF_ESOFTWARE;
out:
	free(prod);
	free(ein);
	free(eo);
	return rc;
}

/* sale row columns, in the order fill_sale() reads them */
#define SALE_COLS "s.id, s.receipt, s.at, s.store, s.member_id, m.code, " \
	"s.gross, s.offset_amount, s.paid, s.points_used, s.points_earned, " \
	"s.bonus_points, s.rules_version, s.tier, s.tier_factor, " \
	"m.balance, (SELECT coalesce(sum(gross), 0) FROM sale_return r " \
	"WHERE r.sale_id = s.id) FROM sale s LEFT JOIN member m " \
	"ON m.id = s.member_id "

static void
fill_sale(sqlite3_stmt *st, struct jf_sale *s)
{
	s->id = sqlite3_column_int64(st, 0);
	snprintf(s->receipt, sizeof(s->receipt), "%s", jf_col(st, 1));
	snprintf(s->at, sizeof(s->at), "%s", jf_col(st, 2));
	s->store = strdup(jf_col(st, 3));
	s->member_id = sqlite3_column_int64(st, 4);
	s->member = dup_opt(jf_col_opt(st, 5));
	s->gross = sqlite3_column_int64(st, 6);
	s->offset = sqlite3_column_int64(st, 7);
	s->paid = sqlite3_column_int64(st, 8);
	s->points_used = sqlite3_column_int64(st, 9);
	s->points_earned = sqlite3_column_int64(st, 10);
	s->bonus_points = sqlite3_column_int64(st, 11);
	s->rules_version = sqlite3_column_int64(st, 12);
	s->tier = dup_opt(jf_col_opt(st, 13));
	s->tier_factor = sqlite3_column_int64(st, 14);
	s->balance = sqlite3_column_int64(st, 15);
	s->returned = sqlite3_column_int64(st, 16);
}

static int
fill_lines(struct jf_ctx *c, struct jf_sale *s)
{
	static const char cnt[] = "SELECT count(*) FROM sale_line "
	    "WHERE sale_id = ?";
	static const char sql[] = "SELECT p.sku, p.name, l.rule, l.qty, "
	    "l.price, l.amount, l.multiplier, l.points, l.returned "
	    "FROM sale_line l JOIN product p ON p.id = l.product_id "
	    "WHERE l.sale_id = ? ORDER BY l.line";
	sqlite3_stmt *st;
	int rc, n = 0;

	if ((st = jf_stmt(c, cnt)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, s->id);
	if ((rc = jf_step(c, st)) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	if (n > 0 && (s->lines = calloc(n, sizeof(*s->lines))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, s->id);
	while (s->nlines < n && (rc = jf_step(c, st)) == SQLITE_ROW) {
		struct jf_sale_line *l = &s->lines[s->nlines++];

		l->sku = strdup(jf_col(st, 0));
		l->name = strdup(jf_col(st, 1));
		l->rule = dup_opt(jf_col_opt(st, 2));
		l->qty = sqlite3_column_int64(st, 3);
		l->price = sqlite3_column_int64(st, 4);
		l->amount = sqlite3_column_int64(st, 5);
		l->mult = sqlite3_column_int64(st, 6);
		l->points = sqlite3_column_int64(st, 7);
		l->returned = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

int
jf_sale_get(struct jf_ctx *c, const char *receipt, struct jf_sale *s)
{
	static const char sql[] = "SELECT " SALE_COLS "WHERE s.receipt = ?";
	sqlite3_stmt *st;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no receipt \"%s\""), receipt);
	}
	fill_sale(st, s);
	sqlite3_reset(st);
	return fill_lines(c, s);
}

int
jf_sale_each(struct jf_ctx *c, const struct jf_sale_filter *f, int lines,
    jf_sale_fn *fn, void *arg)
{
	static const char sql[] = "SELECT " SALE_COLS
	    "WHERE (?1 IS NULL OR s.at >= ?1) AND (?2 IS NULL OR s.at < ?2) "
	    "AND (?3 IS NULL OR s.member_id = ?3) "
	    "AND (?4 IS NULL OR s.store = ?4) ORDER BY s.at, s.id";
	char until[JF_DATE_LEN];
	sqlite3_stmt *st;
	int64_t mid;
	int rc;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	jf_bind_opt(st, 1, f->since);
	if (f->until != NULL) {
		jf_date_add_days(f->until, 1, until);
		sqlite3_bind_text(st, 2, until, -1, SQLITE_TRANSIENT);
	}
	if (f->member != NULL) {
		if ((rc = jf_member_id(c, f->member, &mid)) != 0)
			return rc;
		sqlite3_bind_int64(st, 3, mid);
	}
	jf_bind_opt(st, 4, f->store);
	while ((rc = jf_step(c, st)) == SQLITE_ROW) {
		struct jf_sale s;
		int stop;

		memset(&s, 0, sizeof(s));
		fill_sale(st, &s);
		if (lines && (rc = fill_lines(c, &s)) != 0) {
			jf_sale_clear(&s);
			sqlite3_reset(st);
			return rc;
		}
		stop = fn(arg, &s);
		jf_sale_clear(&s);
		if (stop) {
			sqlite3_reset(st);
			return stop;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

/* A line of the sale being returned. */
struct rline {
	int64_t id, product_id, qty, price, returned, mult_exact;
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
	    "l.mult_exact "
	    "FROM sale_line l JOIN product p ON p.id = l.product_id "
	    "WHERE l.sale_id = ? ORDER BY l.line";
	sqlite3_stmt *st;
	int rc, n;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	if ((rc = jf_step(c, st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc < 0 ? -rc : jf_error(JF_EREFUSED,
		    _("no receipt \"%s\""), receipt);
	}
	r->id = sqlite3_column_int64(st, 0);
	snprintf(r->at, sizeof(r->at), "%s", jf_col(st, 1));
	r->store = strdup(jf_col(st, 2));
	r->member_id = sqlite3_column_int64(st, 3);
	r->member = dup_opt(jf_col_opt(st, 4));
	r->gross = sqlite3_column_int64(st, 5);
	r->offset = sqlite3_column_int64(st, 6);
	r->points_used = sqlite3_column_int64(st, 7);
	r->points_earned = sqlite3_column_int64(st, 8);
	r->rules_version = sqlite3_column_int64(st, 9);
	r->tier_factor = sqlite3_column_int64(st, 10);
	r->reversed = sqlite3_column_int64(st, 11);
	r->restored = sqlite3_column_int64(st, 12);
	n = sqlite3_column_int(st, 13);
	sqlite3_reset(st);
	if (n > 0 && (r->lines = calloc(n, sizeof(*r->lines))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if ((st = jf_stmt(c, lsql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, r->id);
	while (r->nlines < n && (rc = jf_step(c, st)) == SQLITE_ROW) {
		struct rline *l = &r->lines[r->nlines++];

		l->id = sqlite3_column_int64(st, 0);
		l->product_id = sqlite3_column_int64(st, 1);
		l->qty = sqlite3_column_int64(st, 2);
		l->price = sqlite3_column_int64(st, 3);
		l->returned = sqlite3_column_int64(st, 4);
		l->sku = strdup(jf_col(st, 5));
		l->category = dup_opt(jf_col_opt(st, 6));
		l->no_points = sqlite3_column_int(st, 7);
		l->mult_exact = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
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
    int64_t *earned)
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
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, mid);
	if ((rc = jf_step(c, st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc < 0 ? -rc : 0;
}

/*
 * Reverses the bonuses the receipt gave, member by member: the sale's
 * own member's are added to *own (reversed with the earnings), the
 * others' (a referrer's) are reversed here.
 */
static int
reverse_bonuses(struct jf_ctx *c, const char *receipt, int64_t mid,
    int64_t *own)
{
	static const char sql[] = "SELECT member_id, sum(delta) FROM ledger "
	    "WHERE ref = ? AND kind = 'bonus' GROUP BY member_id "
	    "ORDER BY member_id";
	int64_t who[8], pts[8];
	sqlite3_stmt *st;
	int rc, n = 0;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	while (n < 8 && (rc = jf_step(c, st)) == SQLITE_ROW) {
		who[n] = sqlite3_column_int64(st, 0);
		pts[n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	for (int i = 0; i < n; i++) {
		struct jf_entry e = { who[i], "reverse", pts[i], NULL, receipt,
			"return", NULL, NULL, NULL };
		int64_t gained, reversed, expired;

		if (pts[i] <= 0)
			continue;
		if (who[i] == mid) {
			*own += pts[i];
			continue;
		}
		/* what expired from the bonus lot is not charged again */
		if ((rc = jf_ledger_ref_points(c, receipt, who[i], &gained,
		    &reversed, &expired)) != 0)
			return rc;
		if (e.points > gained - reversed - expired)
			e.points = gained - reversed - expired;
		if (e.points > 0 && (rc = jf_ledger_reverse(c, &e, NULL)) != 0)
			return rc;
	}
	return 0;
}

static int
insert_return(struct jf_ctx *c, int64_t sale_id, const struct jf_return *out)
{
	static const char sql[] = "INSERT INTO sale_return (sale_id, at, "
	    "gross, points_reversed, points_restored, operator, audit_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;

	if ((st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	sqlite3_bind_int64(st, 1, sale_id);
	sqlite3_bind_text(st, 2, c->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, out->gross);
	sqlite3_bind_int64(st, 4, out->points_reversed);
	sqlite3_bind_int64(st, 5, out->points_restored);
	sqlite3_bind_text(st, 6, c->operator, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, c->audit_id);
	return jf_exec(c, st);
}

static int
mark_returned(struct jf_ctx *c, const struct rsale *r, const char *receipt)
{
	static const char sql[] = "UPDATE sale_line SET returned = "
	    "returned + ? WHERE id = ?";
	sqlite3_stmt *st;
	int rc;

	for (int i = 0; i < r->nlines; i++) {
		const struct rline *l = &r->lines[i];
		struct jf_move m = { l->product_id, "return", l->take, -1,
			r->store, NULL, receipt, NULL, NULL };

		if (l->take == 0)
			continue;
		if ((st = jf_stmt(c, sql)) == NULL)
			return JF_ESOFTWARE;
		sqlite3_bind_int64(st, 1, l->take);
		sqlite3_bind_int64(st, 2, l->id);
		if ((rc = jf_exec(c, st)) != 0 ||
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
	int64_t used_left, before, kept, rev = 0, spent;
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
	if (before < 0)
		before = 0;
	if (out->whole)
		rev = before;
	else if (before > 0) {
		if ((rc = earned_kept(c, r, used_left - out->points_restored,
		    &kept)) != 0)
			return rc;
		rev = before > kept ? before - kept : 0;
	}
	if (out->whole && (rc = reverse_bonuses(c, receipt, r->member_id,
	    &rev)) != 0)
		return rc;
	/*
	 * Points that expired from the receipt's own lots are gone already:
	 * a return never charges them a second time.
	 */
	{
		int64_t gained, reversed, expired;

		if ((rc = jf_ledger_ref_points(c, receipt, r->member_id,
		    &gained, &reversed, &expired)) != 0)
			return rc;
		if (rev > gained - reversed - expired)
			rev = gained - reversed - expired;
		if (rev < 0)
			rev = 0;
	}
	if (out->points_restored > 0) {
		struct jf_entry e = { r->member_id, "restore",
			out->points_restored, NULL, receipt, "return", NULL,
			NULL, NULL };

		if ((rc = offset_entry(c, receipt, r->member_id, &spent)) != 0)
			return rc;
		if (spent == 0)
			return jf_error(JF_ESOFTWARE, _("receipt \"%s\": the "
			    "points it used are not in the ledger"), receipt);
		if ((rc = jf_ledger_restore(c, spent, &e, NULL)) != 0)
			return rc;
	}
	if (rev > 0) {
		struct jf_entry e = { r->member_id, "reverse", rev, NULL,
			receipt, "return", NULL, NULL, NULL };

		if ((rc = jf_ledger_reverse(c, &e, NULL)) != 0)
			return rc;
	}
	out->points_reversed = rev;
	return 0;
}

int
jf_sale_return(struct jf_ctx *c, const char *receipt,
    const struct jf_sale_item *items, int n, struct jf_return *out)
{
	struct rsale r;
	char day[JF_DATE_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	snprintf(out->receipt, sizeof(out->receipt), "%s", receipt);
	if ((rc = rsale_load(c, receipt, &r)) != 0)
		goto done;
	/* the window runs to the day the book records the return */
	memcpy(day, r.at, 10);
	day[10] = '\0';
	if (jf_date_days(c->clock) - jf_date_days(day) > 30 &&
	    (rc = jf_need_role(c, JF_ROLE_MANAGER, _("a return more than 30 "
	    "days after the sale"))) != 0)
		goto done;
	if ((rc = rsale_take(receipt, &r, items, n)) != 0)
		goto done;
	out->whole = 1;
	for (int i = 0; i < r.nlines; i++) {
		const struct rline *l = &r.lines[i];

		out->gross += l->take * l->price;
		if (l->qty - l->returned - l->take > 0)
			out->whole = 0;
	}
	if (r.member_id != 0 &&
	    (rc = return_points(c, receipt, &r, out)) != 0)
		goto done;
	if ((rc = mark_returned(c, &r, receipt)) != 0 ||
	    (rc = insert_return(c, r.id, out)) != 0)
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

struct jf_seen {
	sqlite3 *db;
	sqlite3_stmt *get, *put;
};

int
jf_seen_new(struct jf_seen **sp)
{
	struct jf_seen *s;

	if ((*sp = s = calloc(1, sizeof(*s))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	/* "": a temporary database on disk, gone when closed */
	if (sqlite3_open("", &s->db) != SQLITE_OK ||
	    sqlite3_exec(s->db, "PRAGMA cache_size = -4096; BEGIN; "
	    "CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) "
	    "WITHOUT ROWID", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT row FROM seen WHERE key = ?",
	    -1, &s->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO seen (key, row) "
	    "VALUES (?, ?)", -1, &s->put, NULL) != SQLITE_OK)
		return jf_error(JF_ECANTCREAT, _("temporary database: %s"),
		    sqlite3_errmsg(s->db));
	return 0;
}

int
jf_seen_add(struct jf_seen *s, const char *key, long row, long *first)
{
	int rc;

	*first = 0;
	sqlite3_bind_text(s->get, 1, key, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(s->get)) == SQLITE_ROW)
		*first = sqlite3_column_int64(s->get, 0);
	sqlite3_reset(s->get);
	if (*first != 0)
		return 0;
	sqlite3_bind_text(s->put, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s->put, 2, row);
	rc = sqlite3_step(s->put);
	sqlite3_reset(s->put);
	if (rc != SQLITE_DONE)
		return jf_error(JF_ECANTCREAT, _("temporary database: %s"),
		    sqlite3_errmsg(s->db));
	return 0;
}

void
jf_seen_free(struct jf_seen *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->get);
	sqlite3_finalize(s->put);
	sqlite3_close(s->db);
	free(s);
}
