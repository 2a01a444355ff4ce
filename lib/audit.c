/*
 * audit.c - every invariant of DESIGN.md section 5, as queries.
 *
 * Each check is one query that returns only the rows in breach, so a
 * sound book costs a scan and prints nothing.  All run in one read
 * transaction: a till writing meanwhile is not half seen (SQLite's own
 * checks of the file run beside them on a second connection, and again
 * in that transaction when they find something: see file_checks).  The
 * checks, in order:
 *
 *   1 balance_ledger, balance_lots   a member's balance against its
 *				      entries and against its lots less debt
 *   2 ledger_kind, entry_sign,       the book's kinds are kind.h's; each
 *     ledger_total		      entry keeps its kind's sign; all
 *				      entries against all balances
 *   3 lot_range, lot_expired	      remainders within [0, amount]; none
 *				      past its day once expire ran for it
 *   4 on_hand, stock_value	      stock per store and product, and its
 *				      value at cost, against the stock book
 *   5 line_amount, sale_gross,	      a receipt's lines, gross, paid, and
 *     sale_paid, sale_offset	      its offset at its rules' rate
 *   6 audit_row		      every written row has its audit row
 *   7 integrity, foreign_key	      SQLite's own checks
 *   8 return_points, return_used     a receipt returned in full nets to
 *				      what expired from its lots before the
 *				      return; its points used are back
 *   9 line_offset		      a receipt's lines carry its offset and
 *				      paid amounts exactly
 *  11 spent_lapsed, spent_pending    no spending took points past their
 *				      last valid day or still pending
 *  12 audit_chain, ledger_chain,     each row's hash follows from the one
 *     trigger, earn_sale	      before and its fields; the append-only
 *				      triggers are there; each earn entry is
 *				      its sale's points_earned
 *  13 hold_lapsed		      no reservation still held past its
 *				      last day once expire ran for a later
 *				      day after it was made
 *  14 draw_seed, draw_winners,      a run draw's seed hashes to the hash
 *     draw_points, draw_refund,      committed at its opening, its winners
 *     draw_stock		      are those the seed picks; its tickets'
 *				      points, refunds and gifts add up
 *				      (lib/draw.c)
 *
 * A lot counts as past its day only when an expire run for a later day
 * was recorded after the lot last received points (its own entry, or a
 * restore into it): a return may give points back to a lot that expired
 * meanwhile, and the next expire run takes them.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "chain.h"
#include "draw.h"
#include "err.h"
#include "kind.h"
#include "money.h"
#include "rules.h"

struct audit {
	struct jf_ctx *c;
	jf_breach_fn *fn;
	void *arg;
	int64_t n;
};

static void
breach(struct audit *a, const char *check, const char *subject,
    const char *expected, const char *found)
{
	struct jf_breach b = { check, subject, expected, found };

	a->n++;
	a->fn(a->arg, &b);
}

/* Text of a point count or a plain integer. */
static const char *
num(int64_t v, char *buf)
{
	snprintf(buf, JF_MONEY_BUF, "%" PRId64, v);
	return buf;
}

/* Runs sql, calling row(a, r) for each result row; 0 or a status. */
static int
each(struct audit *a, const char *sql, void (*row)(struct audit *,
    const struct jf_rows *))
{
	struct jf_rows r;

	jf_q_open(a->c, &r, sql, "");
	while (jf_q_next(&r))
		row(a, &r);
	return jf_q_close(&r);
}

/*
 * A check walks its table in the order it is stored and sorts only the
 * rows in breach: ORDER BY code || '' (an expression, where the column
 * would be read through its index, the table's rows then fetched at
 * random), and a breach's member code looked up for it alone.
 */
#define CODE_OF(mid) "coalesce((SELECT code FROM member WHERE id = " mid \
    "), '#' || " mid ")"

/* 1. balance = sum of deltas = sum of lot remainders - debt. */
static const char q_balance[] =
    "WITH l AS (SELECT member_id, sum(delta) AS s FROM ledger "
    "GROUP BY member_id), "
    "t AS (SELECT member_id, sum(remaining) AS s FROM lot "
    "GROUP BY member_id) "
    "SELECT m.code, m.balance, coalesce(l.s, 0), "
    "coalesce(t.s, 0) - m.debt "
    "FROM member m LEFT JOIN l ON l.member_id = m.id "
    "LEFT JOIN t ON t.member_id = m.id "
    "WHERE m.balance <> coalesce(l.s, 0) "
    "OR m.balance <> coalesce(t.s, 0) - m.debt "
    "ORDER BY m.code || ''";

static void
row_balance(struct audit *a, const struct jf_rows *r)
{
	char e[JF_MONEY_BUF], f[JF_MONEY_BUF];
	int64_t bal = jf_r_int(r, 1);
	int64_t led = jf_r_int(r, 2);
	int64_t lots = jf_r_int(r, 3);

	if (bal != led)
		breach(a, "balance_ledger", jf_r_text(r, 0), num(led, e),
		    num(bal, f));
	if (bal != lots)
		breach(a, "balance_lots", jf_r_text(r, 0), num(lots, e),
		    num(bal, f));
}

/*
 * 2. Each entry is of a kind and keeps its sign (kind.h), and the book's
 * ledger_kind is kind.h's list: a kind added, dropped or changed there
 * would let an entry through.
 */
static const char q_sign[] =
    "SELECT l.id, " CODE_OF("l.member_id") ", l.kind, l.delta "
    "FROM ledger l LEFT JOIN ledger_kind k ON k.kind = l.kind "
    "WHERE k.kind IS NULL OR NOT (l.delta * k.sign > 0 "
    "OR (k.sign = 0 AND l.delta <> 0)) "
    "ORDER BY l.id";

static void
row_sign(struct audit *a, const struct jf_rows *r)
{
	const struct jf_kind *k = jf_kind(jf_r_text(r, 2));
	const char *want = "a known kind";
	char s[160], e[64], f[JF_MONEY_BUF];

	if (k != NULL)
		want = k->sign > 0 ? "> 0" : k->sign < 0 ? "< 0" : "<> 0";
	snprintf(s, sizeof(s), "%s entry %lld", jf_r_text(r, 1),
	    (long long)jf_r_int(r, 0));
	snprintf(e, sizeof(e), "%s %s", jf_r_text(r, 2), want);
	breach(a, "entry_sign", s, e, num(jf_r_int(r, 3), f));
}

/* When ledger_kind is not kind.h's: every entry, held to kind.h here. */
static const char q_sign_all[] =
    "SELECT l.id, " CODE_OF("l.member_id") ", l.kind, l.delta "
    "FROM ledger l ORDER BY l.id";

static void
row_sign_all(struct audit *a, const struct jf_rows *r)
{
	const struct jf_kind *k = jf_kind(jf_r_text(r, 2));
	int64_t d = jf_r_int(r, 3);

	if (k == NULL || (k->sign == 0 ? d == 0 : k->sign > 0 ? d <= 0 :
	    d >= 0))
		row_sign(a, r);
}

static const char q_kinds[] =
    "SELECT kind, sign, earned FROM ledger_kind ORDER BY kind";

static int
check_kinds(struct audit *a)
{
	const struct jf_kind *k;
	struct jf_rows r;
	char e[32], f[32];
	int64_t seen = 0, n = a->n;

	jf_q_open(a->c, &r, q_kinds, "");
	while (jf_q_next(&r)) {
		k = jf_kind(jf_r_text(&r, 0));
		snprintf(f, sizeof(f), "sign %lld, earned %lld",
		    (long long)jf_r_int(&r, 1), (long long)jf_r_int(&r, 2));
		if (k == NULL) {
			breach(a, "ledger_kind", jf_r_text(&r, 0), "no such kind",
			    f);
			continue;
		}
		seen++;
		snprintf(e, sizeof(e), "sign %d, earned %d", k->sign,
		    !!(k->flags & JF_KIND_EARNED));
		if (strcmp(e, f) != 0)
			breach(a, "ledger_kind", k->name, e, f);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	if (seen != jf_nkinds)
		breach(a, "ledger_kind", "ledger_kind", "every kind of entry",
		    "some missing");
	/* the table is kind.h's: the engine holds each entry to it */
	if (a->n == n)
		return each(a, q_sign, row_sign);
	return each(a, q_sign_all, row_sign_all);
}

/* 2. The sum of all entries is the sum of all balances. */
static const char q_total[] =
    "SELECT (SELECT coalesce(sum(delta), 0) FROM ledger), "
    "(SELECT coalesce(sum(balance), 0) FROM member)";

static void
row_total(struct audit *a, const struct jf_rows *r)
{
	char e[JF_MONEY_BUF], f[JF_MONEY_BUF];
	int64_t led = jf_r_int(r, 0);
	int64_t bal = jf_r_int(r, 1);

	if (led != bal)
		breach(a, "ledger_total", "all members", num(led, e),
		    num(bal, f));
}

/* 3. No remainder below zero or above its lot's amount. */
static const char q_lot_range[] =
    "SELECT lot.id, coalesce(m.code, '#' || lot.member_id), lot.amount, "
    "lot.remaining FROM lot LEFT JOIN member m ON m.id = lot.member_id "
    "WHERE lot.remaining < 0 OR lot.remaining > lot.amount "
    "ORDER BY lot.id";

static void
row_lot_range(struct audit *a, const struct jf_rows *r)
{
	char s[160], e[64], f[JF_MONEY_BUF];

	snprintf(s, sizeof(s), "%s lot %lld", jf_r_text(r, 1),
	    (long long)jf_r_int(r, 0));
	snprintf(e, sizeof(e), "0..%lld", (long long)jf_r_int(r, 2));
	breach(a, "lot_range", s, e, num(jf_r_int(r, 3), f));
}

/*
 * 3. No remainder in a lot past its last valid day once an expire run
 * for a later day came after the lot last received points.
 */
static const char q_lot_expired[] =
    "SELECT lot.id, coalesce(m.code, '#' || lot.member_id), "
    "lot.remaining, lot.expires_on, max(r.day) "
    "FROM lot LEFT JOIN member m ON m.id = lot.member_id "
    "JOIN ledger e ON e.id = lot.entry_id "
    "JOIN expire_run r ON r.day > lot.expires_on "
    "WHERE lot.remaining > 0 "
    "AND lot.expires_on < (SELECT max(day) FROM expire_run) "
    "AND r.audit_id > e.audit_id AND r.audit_id > coalesce((SELECT "
    "max(x.audit_id) FROM alloc al JOIN ledger x ON x.id = al.entry_id "
    "WHERE al.lot_id = lot.id AND x.kind = 'restore'), 0) "
    "GROUP BY lot.id, m.code ORDER BY lot.id";

static void
row_lot_expired(struct audit *a, const struct jf_rows *r)
{
	char s[200], e[64], f[JF_MONEY_BUF];

	snprintf(s, sizeof(s), "%s lot %lld (valid through %s)",
	    jf_r_text(r, 1), (long long)jf_r_int(r, 0), jf_r_text(r, 3));
	snprintf(e, sizeof(e), "0 after expire for %s", jf_r_text(r, 4));
	breach(a, "lot_expired", s, e, num(jf_r_int(r, 2), f));
}

/*
 * 13. A reservation held through a day before an expire run's, made
 * before that run, was let go by it (expire lapses holds first).
 */
static const char q_hold[] =
    "SELECT r.code, r.hold_until, max(x.day) FROM redemption r "
    "JOIN expire_run x ON x.day > r.hold_until AND x.audit_id > r.audit_id "
    "WHERE r.hold_until IS NOT NULL AND r.picked_up IS NULL "
    "AND r.cancelled IS NULL GROUP BY r.id ORDER BY r.id";

static void
row_hold(struct audit *a, const struct jf_rows *r)
{
	char s[160], e[64];

	snprintf(s, sizeof(s), "%s (held through %s)", jf_r_text(r, 0),
	    jf_r_text(r, 1));
	snprintf(e, sizeof(e), "lapsed by expire for %s", jf_r_text(r, 2));
	breach(a, "hold_lapsed", s, e, "held");
}

/*
 * 4. On hand per store and product is the sum of its moves; and 4b, the
 * stock's value at cost, on hand x average cost, is the sum of what its
 * moves added: the period's moves reconcile opening and closing value to
 * the fen (report stock).  A move with no value (a book's rows written
 * behind the tools' back) breaks it too.  One pass over the moves for
 * both; a stock row's columns are NULL where moves have none.
 */
static const char q_stock[] =
    "WITH mv AS (SELECT store, product_id, sum(qty) AS q, sum(value) AS v, "
    "count(*) - count(value) AS missing FROM move "
    "GROUP BY store, product_id) "
    "SELECT coalesce(p.sku, '#' || s.product_id), s.store, "
    "coalesce(mv.q, 0), s.on_hand, s.on_hand * s.avg_cost, "
    "coalesce(mv.v, 0), coalesce(mv.missing, 0) "
    "FROM stock s LEFT JOIN mv ON mv.store = s.store "
    "AND mv.product_id = s.product_id "
    "LEFT JOIN product p ON p.id = s.product_id "
    "WHERE s.on_hand <> coalesce(mv.q, 0) "
    "OR s.on_hand * s.avg_cost <> coalesce(mv.v, 0) OR mv.missing > 0 "
    "UNION ALL "
    "SELECT coalesce(p.sku, '#' || mv.product_id), mv.store, mv.q, NULL, "
    "NULL, NULL, 0 "
    "FROM mv LEFT JOIN stock s ON s.store = mv.store "
    "AND s.product_id = mv.product_id "
    "LEFT JOIN product p ON p.id = mv.product_id "
    "WHERE s.product_id IS NULL AND mv.q <> 0 "
    "ORDER BY 1, 2";

static void
row_stock(struct audit *a, const struct jf_rows *r)
{
	char s[200], e[JF_MONEY_BUF], f[JF_MONEY_BUF + 40];

	snprintf(s, sizeof(s), "%s@%s", jf_r_text(r, 0), jf_r_text(r, 1));
	if (jf_r_opt(r, 3) == NULL) {
		breach(a, "on_hand", s, num(jf_r_int(r, 2), e), "no stock row");
		return;
	}
	if (jf_r_int(r, 2) != jf_r_int(r, 3))
		breach(a, "on_hand", s, num(jf_r_int(r, 2), e),
		    num(jf_r_int(r, 3), f));
	if (jf_r_int(r, 4) == jf_r_int(r, 5) && jf_r_int(r, 6) == 0)
		return;
	jf_money_fmt(jf_r_int(r, 4), e);
	if (jf_r_int(r, 6) > 0)
		snprintf(f, sizeof(f), "%lld moves with no value",
		    (long long)jf_r_int(r, 6));
	else
		jf_money_fmt(jf_r_int(r, 5), f);
	breach(a, "stock_value", s, e, f);
}

/* 5. Each line's amount is its quantity times its price. */
static const char q_line[] =
    "SELECT coalesce(s.receipt, '#' || l.sale_id), l.line, "
    "l.qty * l.price, l.amount "
    "FROM sale_line l LEFT JOIN sale s ON s.id = l.sale_id "
    "WHERE l.amount <> l.qty * l.price ORDER BY l.sale_id, l.line";

static void
row_line(struct audit *a, const struct jf_rows *r)
{
	char s[200], e[JF_MONEY_BUF], f[JF_MONEY_BUF];

	snprintf(s, sizeof(s), "%s line %lld", jf_r_text(r, 0),
	    (long long)jf_r_int(r, 1));
	breach(a, "line_amount", s, jf_money_fmt(jf_r_int(r, 2), e),
	    jf_money_fmt(jf_r_int(r, 3), f));
}

/* 5. gross = the sum of the lines; paid = gross - offset. */
static const char q_sale[] =
    "WITH ln AS (SELECT sale_id, sum(amount) AS s FROM sale_line "
    "GROUP BY sale_id) "
    "SELECT s.receipt, s.gross, coalesce(ln.s, 0), s.paid, "
    "s.gross - s.offset_amount "
    "FROM sale s LEFT JOIN ln ON ln.sale_id = s.id "
    "WHERE s.gross <> coalesce(ln.s, 0) "
    "OR s.paid <> s.gross - s.offset_amount "
    "ORDER BY s.receipt || ''";

static void
row_sale(struct audit *a, const struct jf_rows *r)
{
	char e[JF_MONEY_BUF], f[JF_MONEY_BUF];
	int64_t gross = jf_r_int(r, 1);
	int64_t lines = jf_r_int(r, 2);
	int64_t paid = jf_r_int(r, 3);
	int64_t want = jf_r_int(r, 4);

	if (gross != lines)
		breach(a, "sale_gross", jf_r_text(r, 0), jf_money_fmt(lines, e),
		    jf_money_fmt(gross, f));
	if (paid != want)
		breach(a, "sale_paid", jf_r_text(r, 0), jf_money_fmt(want, e),
		    jf_money_fmt(paid, f));
}

/*
 * 8. A receipt returned in full: its member's earn and bonus entries less
 * its reversals equal what expire took from the lots those entries made
 * before the last return (never charged twice, never kept), and the
 * points it used were all given back.  Those lots may also have held
 * points other restores put back; when more expired than the receipt
 * had left, the last return reverses nothing and the net is what was
 * left (and every reversal of the receipt is one its returns booked).
 */
static const char q_return[] =
    "WITH whole AS (SELECT s.id, s.receipt, s.member_id, s.points_used, "
    "(SELECT max(audit_id) FROM sale_return r WHERE r.sale_id = s.id) "
    "AS ret FROM sale s WHERE s.member_id IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM sale_line l WHERE l.sale_id = s.id "
    "AND l.returned < l.qty)), "
    "net AS (SELECT w.receipt, w.points_used, "
    "(SELECT coalesce(sum(delta), 0) FROM ledger g WHERE g.ref = w.receipt "
    "AND g.member_id = w.member_id AND (g.kind = 'earn' OR g.kind = "
    "'bonus' OR g.kind = 'reverse')) AS net, "
    "(SELECT coalesce(sum(a.points), 0) FROM ledger g JOIN lot "
    "ON lot.entry_id = g.id JOIN alloc a ON a.lot_id = lot.id "
    "JOIN ledger x ON x.id = a.entry_id WHERE g.ref = w.receipt "
    "AND g.member_id = w.member_id AND (g.kind = 'earn' OR "
    "g.kind = 'bonus') AND x.kind = 'expire' AND x.audit_id < w.ret) "
    "AS expired, "
    "(SELECT coalesce(sum(delta), 0) FROM ledger g WHERE g.ref = w.receipt "
    "AND g.member_id = w.member_id AND g.kind = 'restore') AS restored, "
    "(SELECT r.points_reversed FROM sale_return r WHERE r.sale_id = w.id "
    "ORDER BY r.id DESC LIMIT 1) AS last, "
    "(SELECT coalesce(-sum(delta), 0) FROM ledger g WHERE g.ref = w.receipt "
    "AND g.member_id = w.member_id AND g.kind = 'reverse') = "
    "(SELECT coalesce(sum(points_reversed), 0) FROM sale_return r "
    "WHERE r.sale_id = w.id) AS booked "
    "FROM whole w) "
    "SELECT receipt, net, expired, points_used, restored FROM net "
    "WHERE (net <> expired AND NOT (booked AND net >= 0 AND "
    "net < expired AND last = 0)) OR restored <> points_used "
    "ORDER BY receipt || ''";

static void
row_return(struct audit *a, const struct jf_rows *r)
{
	char e[JF_MONEY_BUF], f[JF_MONEY_BUF];
	int64_t net = jf_r_int(r, 1);
	int64_t expired = jf_r_int(r, 2);
	int64_t used = jf_r_int(r, 3);
	int64_t restored = jf_r_int(r, 4);

	if (net != expired)
		breach(a, "return_points", jf_r_text(r, 0), num(expired, e),
		    num(net, f));
	if (used != restored)
		breach(a, "return_used", jf_r_text(r, 0), num(used, e),
		    num(restored, f));
}

/* 9. The lines carry the receipt's offset and paid, to the fen. */
static const char q_line_offset[] =
    "WITH ln AS (SELECT sale_id, sum(offset_amount) AS o, sum(paid) AS p, "
    "sum(CASE WHEN paid <> amount - offset_amount THEN 1 ELSE 0 END) "
    "AS bad FROM sale_line "
    "GROUP BY sale_id) "
    "SELECT s.receipt, s.offset_amount, ln.o, s.paid, ln.p "
    "FROM sale s JOIN ln ON ln.sale_id = s.id "
    "WHERE ln.o <> s.offset_amount OR ln.p <> s.paid OR ln.bad > 0 "
    "ORDER BY s.receipt";

static void
row_line_offset(struct audit *a, const struct jf_rows *r)
{
	char e[2 * JF_MONEY_BUF + 8], f[2 * JF_MONEY_BUF + 8];
	char b1[JF_MONEY_BUF], b2[JF_MONEY_BUF];

	snprintf(e, sizeof(e), "offset %s paid %s",
	    jf_money_fmt(jf_r_int(r, 1), b1), jf_money_fmt(jf_r_int(r, 3), b2));
	snprintf(f, sizeof(f), "offset %s paid %s",
	    jf_money_fmt(jf_r_int(r, 2), b1), jf_money_fmt(jf_r_int(r, 4), b2));
	breach(a, "line_offset", jf_r_text(r, 0), e, f);
}

/* 11. What a spending took was valid and no longer pending that day. */
static const char q_spent[] =
    "SELECT m.code, x.id, x.kind, x.at, lot.expires_on, lot.spendable "
    "FROM alloc a JOIN ledger x ON x.id = a.entry_id "
    "JOIN lot ON lot.id = a.lot_id JOIN member m ON m.id = x.member_id "
    "WHERE (x.kind = 'redeem' OR x.kind = 'offset' OR (x.kind = 'adjust' "
    "AND x.delta < 0)) AND (lot.expires_on < substr(x.at, 1, 10) "
    "OR lot.spendable > substr(x.at, 1, 10)) ORDER BY x.id";

static void
row_spent(struct audit *a, const struct jf_rows *r)
{
	char s[200], f[64];
	int lapsed = strcmp(jf_r_text(r, 4), jf_r_text(r, 3)) < 0;

	snprintf(s, sizeof(s), "%s %s entry %lld at %s", jf_r_text(r, 0),
	    jf_r_text(r, 2), (long long)jf_r_int(r, 1), jf_r_text(r, 3));
	snprintf(f, sizeof(f), lapsed ? "valid through %s" :
	    "spendable from %s", jf_r_text(r, lapsed ? 4 : 5));
	breach(a, lapsed ? "spent_lapsed" : "spent_pending", s,
	    lapsed ? "points still valid" : "points no longer pending", f);
}

/* 5. The versions of the rules that receipts paid with points under. */
static const char q_offset_versions[] =
    "SELECT DISTINCT rules_version FROM sale "
    "WHERE points_used <> 0 OR offset_amount <> 0 ORDER BY 1";

/* points_used x offset.value = offset x offset.points, in integers. */
static const char q_offset[] =
    "SELECT receipt, points_used, offset_amount FROM sale "
    "WHERE rules_version = ?1 AND (points_used <> 0 OR offset_amount <> 0) "
    "AND points_used * ?2 <> offset_amount * ?3 ORDER BY receipt || ''";

/* The versions of q_offset_versions into *vp (free it), *np of them. */
static int
offset_versions(struct audit *a, int64_t **vp, size_t *np)
{
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	struct jf_rows r;

	jf_q_open(a->c, &r, q_offset_versions, "");
	while (jf_q_next(&r)) {
		if (n == cap) {
			int64_t *nv;

			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				jf_q_close(&r);
				free(v);
				return jf_error(JF_ESOFTWARE,
				    _("out of memory"));
			}
			v = nv;
		}
		v[n++] = jf_r_int(&r, 0);
	}
	if (jf_q_close(&r) != 0) {
		free(v);
		return r.rc;
	}
	*vp = v;
	*np = n;
	return 0;
}

/* The receipts of rules version ver whose offset is not at its rate. */
static int
check_offset(struct audit *a, int64_t ver)
{
	const struct jf_rules *ru;
	struct jf_rows r;

	if (jf_rules_version(a->c, ver, &ru) != 0) {
		char s[64];

		snprintf(s, sizeof(s), "rules version %lld", (long long)ver);
		breach(a, "sale_rules", s, "a valid rules document",
		    jf_errmsg());
		return 0;
	}
	jf_q_open(a->c, &r, q_offset, "iii", ver, ru->off_value,
	    ru->off_points);
	while (jf_q_next(&r)) {
		char e[96], f[JF_MONEY_BUF], m[JF_MONEY_BUF];
		int64_t pts = jf_r_int(&r, 1);
		int64_t want = ru->off_points ?
		    pts * ru->off_value / ru->off_points : 0;

		snprintf(e, sizeof(e), "%s for %lld points",
		    jf_money_fmt(want, m), (long long)pts);
		breach(a, "sale_offset", jf_r_text(&r, 0), e,
		    jf_money_fmt(jf_r_int(&r, 2), f));
	}
	return jf_q_close(&r);
}

static int
check_offsets(struct audit *a)
{
	int64_t *v = NULL;
	size_t nv = 0;
	int rc;

	/* collect first: jf_rules_version may run statements of its own */
	if ((rc = offset_versions(a, &v, &nv)) != 0)
		return rc;
	for (size_t i = 0; i < nv && rc == 0; i++)
		rc = check_offset(a, v[i]);
	free(v);
	return rc;
}

/* 6. Every row a tool wrote names an audit row that exists. */
static const char q_audit_rows[] =
    "SELECT 'member ' || code, audit_id FROM member x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'ledger entry ' || id, audit_id FROM ledger x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'move ' || id, audit_id FROM move x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'receipt ' || receipt, audit_id FROM sale x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'return ' || id, audit_id FROM sale_return x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'redemption ' || code, audit_id FROM redemption x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'product ' || sku, audit_id FROM product x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'expire run ' || day, audit_id FROM expire_run x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "UNION ALL SELECT 'rules version ' || version, audit_id FROM rules x "
    "WHERE audit_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id)";

static void
row_audit(struct audit *a, const struct jf_rows *r)
{
	char e[64];

	if (jf_r_opt(r, 1) == NULL)
		snprintf(e, sizeof(e), "an audit row");
	else
		snprintf(e, sizeof(e), "audit row %lld",
		    (long long)jf_r_int(r, 1));
	breach(a, "audit_row", jf_r_text(r, 0), e, "none");
}

/* 7. SQLite's own checks. */
static const char q_integrity[] = "PRAGMA integrity_check";
static const char q_quick[] = "PRAGMA quick_check";
static const char q_fkey[] = "PRAGMA foreign_key_check";

static void
row_integrity(struct audit *a, const struct jf_rows *r)
{
	if (strcmp(jf_r_text(r, 0), "ok") != 0)
		breach(a, "integrity", "database", "ok", jf_r_text(r, 0));
}

static void
row_fkey(struct audit *a, const struct jf_rows *r)
{
	char s[160], e[160];

	snprintf(s, sizeof(s), "%s row %lld", jf_r_text(r, 0),
	    (long long)jf_r_int(r, 1));
	snprintf(e, sizeof(e), "a row of %s", jf_r_text(r, 2));
	breach(a, "foreign_key", s, e, "none");
}

/*
 * 7. SQLite's checks read the whole file and take as long as all the
 * others together, so on a 2-core machine they run beside them: on a
 * connection of their own, in a thread that only says whether they
 * found anything.  A sound book (nearly every run) is then done in the
 * time of the longer half.  When they found something, or could not
 * run there (no second connection to a read-only book), they run again
 * on the audit's own connection, in its snapshot, and name what they
 * find there, after the other checks' breaches.  They hold for the file
 * as any commit left it, so a till's write landing between the two
 * connections' reads cannot hide a breach from them.
 */
struct file_checks {
	const char *path;
	int full;
	int found;		/* a breach, or the checks did not run */
	pthread_t thread;
	int started;
};

static void *
file_checks_run(void *arg)
{
	struct file_checks *f = arg;
	const char *const sql[] = { f->full ? q_integrity : q_quick, q_fkey };
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int rc = SQLITE_OK, bad = 0;

	if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(db, 5000);
	for (int i = 0; i < 2 && rc == SQLITE_OK; i++) {
		if ((rc = sqlite3_prepare_v2(db, sql[i], -1, &st, NULL)) !=
		    SQLITE_OK)
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st,
			    0);

			if (sql[i] == q_fkey || t == NULL || strcmp(t, "ok"))
				bad = 1;
		}
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_finalize(st);
	}
	f->found = rc != SQLITE_OK || bad;
out:
	sqlite3_close(db);
	return NULL;
}

static void
file_checks_start(struct file_checks *f, struct jf_ctx *c, int full)
{
	f->path = sqlite3_db_filename(c->db, "main");
	f->full = full;
	f->found = 1;
	f->started = f->path != NULL && *f->path != '\0' &&
	    pthread_create(&f->thread, NULL, file_checks_run, f) == 0;
}

/* Waits for the thread; 0 or a status of the checks run again here. */
static int
file_checks_end(struct audit *a, struct file_checks *f)
{
	int rc;

	if (f->started) {
		pthread_join(f->thread, NULL);
		f->started = 0;
	}
	if (!f->found)
		return 0;
	if ((rc = each(a, f->full ? q_integrity : q_quick,
	    row_integrity)) != 0)
		return rc;
	return each(a, q_fkey, row_fkey);
}

/* 12. Each earn entry is its sale's points_earned, and back. */
static const char q_earn[] =
    "SELECT " CODE_OF("e.mid") ", e.ref, e.id, e.delta, e.earned FROM ("
    "SELECT l.member_id AS mid, l.ref AS ref, l.id AS id, l.delta AS delta, "
    "s.points_earned AS earned FROM ledger l "
    "LEFT JOIN sale s ON s.receipt = l.ref AND s.member_id = l.member_id "
    "WHERE l.kind = 'earn' AND (s.id IS NULL OR s.points_earned <> l.delta) "
    "UNION ALL "
    "SELECT s.member_id, s.receipt, NULL, NULL, s.points_earned FROM sale s "
    "WHERE s.points_earned > 0 AND NOT EXISTS (SELECT 1 FROM ledger l "
    "WHERE l.kind = 'earn' AND l.ref = s.receipt "
    "AND l.member_id = s.member_id)) e ORDER BY e.ref || ''";

static void
row_earn(struct audit *a, const struct jf_rows *r)
{
	char s[200], e[64], f[64];

	snprintf(s, sizeof(s), "%s %s", jf_r_text(r, 0), jf_r_text(r, 1));
	if (jf_r_opt(r, 4) == NULL)
		snprintf(e, sizeof(e), "%s", "a sale");
	else
		snprintf(e, sizeof(e), "%lld", (long long)jf_r_int(r, 4));
	if (jf_r_opt(r, 2) == NULL)
		snprintf(f, sizeof(f), "%s", "no earn entry");
	else
		snprintf(f, sizeof(f), "entry %lld of %lld",
		    (long long)jf_r_int(r, 2), (long long)jf_r_int(r, 3));
	breach(a, "earn_sale", s, e, f);
}

/*
 * 12. The triggers that keep the audit log and the ledger append-only,
 * each entry of its kind's sign, and the kinds fixed.
 */
static const char *const triggers[] = { "audit_append_only_u",
	"audit_append_only_d", "ledger_append_only_u", "ledger_append_only_d",
	"ledger_kind_sign", "ledger_kind_fixed_i", "ledger_kind_fixed_u",
	"ledger_kind_fixed_d", NULL };

static const char q_trigger[] =
    "SELECT sql LIKE '%RAISE(ABORT%' FROM sqlite_master "
    "WHERE type = 'trigger' AND name = ?";
/* PostgreSQL's: enabled, and calling the function that refuses */
static const char q_trigger_pg[] =
    "SELECT t.tgenabled <> 'D' AND p.proname IN ('jf_refuse', "
    "'jf_kind_sign') FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
    "WHERE t.tgname = ?";

static int
check_triggers(struct audit *a)
{
	for (int i = 0; triggers[i] != NULL; i++) {
		int64_t ok;
		int rc = jf_q_int(a->c, jf_engine_pg(a->c) ? q_trigger_pg :
		    q_trigger, &ok, "t", triggers[i]);

		if (rc != 0 && rc != JF_ENOROW)
			return rc;
		if (rc == JF_ENOROW || !ok)
			breach(a, "trigger", triggers[i], "present",
			    rc == JF_ENOROW ? "missing" : "altered");
	}
	return 0;
}

/* 12. Each row's hash follows from the hash before it and its fields. */
struct link {
	struct audit *a;
	const char *check, *what;
};

static int
link_row(void *arg, int64_t id, const char *want, const char *stored)
{
	struct link *l = arg;
	char s[64];

	if (stored != NULL && strcmp(want, stored) == 0)
		return 0;
	snprintf(s, sizeof(s), "%s %lld", l->what, (long long)id);
	breach(l->a, l->check, s, want, stored ? stored : "none");
	return 0;
}

static int
check_chains(struct audit *a)
{
	struct link au = { a, "audit_chain", "audit row" };
	struct link le = { a, "ledger_chain", "ledger entry" };
	int rc;

	if ((rc = jf_chain_walk(a->c, JF_CHAIN_AUDIT, 0, link_row, &au)) != 0)
		return rc;
	return jf_chain_walk(a->c, JF_CHAIN_LEDGER, 0, link_row, &le);
}

/* 14. The draws, checked by lib/draw.c: its breaches counted here. */
static void
draw_breach(void *arg, const struct jf_breach *b)
{
	breach(arg, b->check, b->subject, b->expected, b->found);
}

static const char q_begin[] = "BEGIN";
/* one snapshot for every check, read only */
static const char q_begin_pg[] = "BEGIN ISOLATION LEVEL REPEATABLE READ";
static const char q_end[] = "COMMIT";

int
jf_audit_run(struct jf_ctx *c, int full, jf_breach_fn *fn, void *arg,
    int64_t *n)
{
	struct audit a = { c, fn, arg, 0 };
	struct file_checks f = { 0 };
	int pg = jf_engine_pg(c);
	int rc;

	*n = 0;
	if ((rc = jf_q_exec(c, pg ? q_begin_pg : q_begin, "")) != 0)
		return rc;
	/*
	 * SQLite's own checks of its file; PostgreSQL enforces foreign keys
	 * always, and checks its pages itself (initdb --data-checksums,
	 * pg_amcheck): see jifen-chain(7).
	 */
	if (!pg)
		file_checks_start(&f, c, full);
	if ((rc = each(&a, q_balance, row_balance)) != 0 ||
	    (rc = check_kinds(&a)) != 0 ||
	    (rc = each(&a, q_total, row_total)) != 0 ||
	    (rc = each(&a, q_lot_range, row_lot_range)) != 0 ||
	    (rc = each(&a, q_lot_expired, row_lot_expired)) != 0 ||
	    (rc = each(&a, q_hold, row_hold)) != 0 ||
	    (rc = each(&a, q_stock, row_stock)) != 0 ||
	    (rc = each(&a, q_line, row_line)) != 0 ||
	    (rc = each(&a, q_sale, row_sale)) != 0 ||
	    (rc = check_offsets(&a)) != 0 ||
	    (rc = each(&a, q_return, row_return)) != 0 ||
	    (rc = each(&a, q_line_offset, row_line_offset)) != 0 ||
	    (rc = each(&a, q_spent, row_spent)) != 0 ||
	    (rc = each(&a, q_audit_rows, row_audit)) != 0 ||
	    (rc = each(&a, q_earn, row_earn)) != 0 ||
	    (rc = check_triggers(&a)) != 0 ||
	    (rc = check_chains(&a)) != 0 ||
	    (rc = jf_draw_audit(c, draw_breach, &a)) != 0 ||
	    (!pg && (rc = file_checks_end(&a, &f)) != 0)) {
		if (f.started)
			pthread_join(f.thread, NULL);
		jf_rollback(c);
		*n = a.n;
		return rc;
	}
	*n = a.n;
	return jf_q_exec(c, q_end, "");
}

int
jf_audit_head_parse(const char *s)
{
	const char *h = strchr(s, ':');
	size_t n;

	if (h == NULL || h == s || strspn(s, "0123456789") != (size_t)(h - s) ||
	    (n = strspn(h + 1, "0123456789abcdef")) != JF_HASH_LEN - 1 ||
	    h[1 + n] != '\0')
		return jf_error(JF_EUSAGE, _("not a head ID:HASH as report "
		    "daily prints it: \"%s\""), s), -1;
	return 0;
}

int
jf_audit_head(struct jf_ctx *c, int chain, const char *head,
    jf_breach_fn *fn, void *arg, int64_t *n)
{
	static const char *const sql[] = {
		"SELECT hash FROM audit WHERE id = ?",
		"SELECT hash FROM ledger WHERE id = ?",
	};
	struct audit a = { c, fn, arg, 0 };
	const char *want = strchr(head, ':') + 1;
	int64_t id = strtoll(head, NULL, 10);
	char subject[64];
	struct jf_rows r;
	int found = 0, rc;

	snprintf(subject, sizeof(subject), "%s %lld", chain == JF_CHAIN_AUDIT ?
	    "audit row" : "ledger entry", (long long)id);
	jf_q_open(c, &r, sql[chain], "i", id);
	if (jf_q_next(&r)) {
		found = 1;
		if (jf_r_opt(&r, 0) == NULL || strcmp(jf_r_text(&r, 0), want))
			breach(&a, chain == JF_CHAIN_AUDIT ? "audit_head" :
			    "ledger_head", subject, want, jf_r_opt(&r, 0) ?
			    jf_r_text(&r, 0) : "none");
	}
	if ((rc = jf_q_close(&r)) != 0)
		return rc;
	if (!found)
		breach(&a, chain == JF_CHAIN_AUDIT ? "audit_head" :
		    "ledger_head", subject, want, "no such row");
	*n += a.n;
	return 0;
}
