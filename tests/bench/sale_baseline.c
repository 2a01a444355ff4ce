/*
 * sale_baseline - the least a program must do to book a sales file, the
 * yardstick for `sale import` (share/bench/sale.sh).
 *
 * It reads the same CSV (receipt,at,member,sku,qty,price; the generated
 * file has no quoting) into a copy of the same jifen database, and per
 * receipt does the writes the till does, with sqlite3 prepared
 * statements and nothing else: find the member and the products, insert
 * the sale, its lines and their stock moves (and the on-hand), and for a
 * member the earn entry, its lot and the balance; one transaction (with
 * its audit row) for the file, as `sale import` by default, or one per
 * BATCH receipts.  No rules, no bonuses, no checks.
 *
 *	cc -O2 tests/bench/sale_baseline.c -lsqlite3
 *	./a.out jifen.db sales.csv [batch]
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXL 1000

enum { S_AUDIT, S_MEMBER, S_PRODUCT, S_SALE, S_LINE, S_MOVE, S_STOCK,
	S_LEDGER, S_LOT, S_BALANCE, NS };

static const char *sql[NS] = {
	"INSERT INTO audit (at, operator, tool, args) VALUES "
	    "('2026-11-18 10:00:00', 'bench', 'baseline', '[]')",
	"SELECT id FROM member WHERE code = ?",
	"SELECT id FROM product WHERE sku = ?",
	"INSERT INTO sale (receipt, at, store, member_id, gross, "
	    "offset_amount, paid, points_used, points_earned, bonus_points, "
	    "rules_version, tier, tier_factor, operator, audit_id) VALUES "
	    "(?, ?, 'main', ?, ?, 0, ?, 0, ?, 0, 1, 'normal', 100, 'bench', ?)",
	"INSERT INTO sale_line (sale_id, line, product_id, qty, price, amount, "
	    "multiplier, rule, points) VALUES (?, ?, ?, ?, ?, ?, 100, NULL, ?)",
	"INSERT INTO move (at, store, product_id, kind, qty, operator, "
	    "audit_id) VALUES (?, 'main', ?, 'sale', ?, 'bench', ?)",
	"INSERT INTO stock (store, product_id, on_hand) VALUES ('main', ?, ?) "
	    "ON CONFLICT (store, product_id) DO UPDATE SET on_hand = on_hand "
	    "+ excluded.on_hand",
	"INSERT INTO ledger (member_id, at, kind, delta, ref, operator, ikey, "
	    "audit_id) VALUES (?, ?, 'earn', ?, ?, 'bench', ?, ?)",
	"INSERT INTO lot (entry_id, member_id, amount, remaining, gained, "
	    "expires_on) VALUES (?, ?, ?, ?, substr(?, 1, 10), '2028-12-31')",
	"UPDATE member SET balance = balance + ? WHERE id = ?",
};

static sqlite3 *db;
static sqlite3_stmt *st[NS];
static sqlite3_int64 audit;

static void
die(const char *what)
{
	fprintf(stderr, "sale_baseline: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void
run(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die(sqlite3_sql(s));
	sqlite3_reset(s);
}

static sqlite3_int64
lookup(sqlite3_stmt *s, const char *key)
{
	sqlite3_int64 id = 0;

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

struct line {
	char sku[64];
	int64_t qty, price;
};

struct receipt {
	char receipt[128], at[32], member[64];
	struct line l[MAXL];
	int n;
};

static void
begin(void)
{
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		die("begin");
	run(st[S_AUDIT]);
	audit = sqlite3_last_insert_rowid(db);
}

static void
book(const struct receipt *r)
{
	sqlite3_int64 mid = 0, sid, lid, pid[MAXL];
	int64_t gross = 0, pts;
	char ikey[160];

	if (r->member[0] != '\0')
		mid = lookup(st[S_MEMBER], r->member);
	for (int i = 0; i < r->n; i++) {
		pid[i] = lookup(st[S_PRODUCT], r->l[i].sku);
		gross += r->l[i].qty * r->l[i].price;
	}
	pts = mid ? gross / 100 : 0;
	sqlite3_bind_text(st[S_SALE], 1, r->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_SALE], 2, r->at, -1, SQLITE_STATIC);
	if (mid)
		sqlite3_bind_int64(st[S_SALE], 3, mid);
	else
		sqlite3_bind_null(st[S_SALE], 3);
	sqlite3_bind_int64(st[S_SALE], 4, gross);
	sqlite3_bind_int64(st[S_SALE], 5, gross);
	sqlite3_bind_int64(st[S_SALE], 6, pts);
	sqlite3_bind_int64(st[S_SALE], 7, audit);
	run(st[S_SALE]);
	sid = sqlite3_last_insert_rowid(db);
	for (int i = 0; i < r->n; i++) {
		int64_t a = r->l[i].qty * r->l[i].price;

		sqlite3_bind_int64(st[S_LINE], 1, sid);
		sqlite3_bind_int(st[S_LINE], 2, i + 1);
		sqlite3_bind_int64(st[S_LINE], 3, pid[i]);
		sqlite3_bind_int64(st[S_LINE], 4, r->l[i].qty);
		sqlite3_bind_int64(st[S_LINE], 5, r->l[i].price);
		sqlite3_bind_int64(st[S_LINE], 6, a);
		sqlite3_bind_int64(st[S_LINE], 7, mid ? a / 100 : 0);
		run(st[S_LINE]);
		sqlite3_bind_text(st[S_MOVE], 1, r->at, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[S_MOVE], 2, pid[i]);
		sqlite3_bind_int64(st[S_MOVE], 3, -r->l[i].qty);
		sqlite3_bind_int64(st[S_MOVE], 4, audit);
		run(st[S_MOVE]);
		sqlite3_bind_int64(st[S_STOCK], 1, pid[i]);
		sqlite3_bind_int64(st[S_STOCK], 2, -r->l[i].qty);
		run(st[S_STOCK]);
	}
	if (pts <= 0)
		return;
	snprintf(ikey, sizeof(ikey), "earn:%s", r->receipt);
	sqlite3_bind_int64(st[S_LEDGER], 1, mid);
	sqlite3_bind_text(st[S_LEDGER], 2, r->at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_LEDGER], 3, pts);
	sqlite3_bind_text(st[S_LEDGER], 4, r->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_LEDGER], 5, ikey, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_LEDGER], 6, audit);
	run(st[S_LEDGER]);
	lid = sqlite3_last_insert_rowid(db);
	sqlite3_bind_int64(st[S_LOT], 1, lid);
	sqlite3_bind_int64(st[S_LOT], 2, mid);
	sqlite3_bind_int64(st[S_LOT], 3, pts);
	sqlite3_bind_int64(st[S_LOT], 4, pts);
	sqlite3_bind_text(st[S_LOT], 5, r->at, -1, SQLITE_STATIC);
	run(st[S_LOT]);
	sqlite3_bind_int64(st[S_BALANCE], 1, pts);
	sqlite3_bind_int64(st[S_BALANCE], 2, mid);
	run(st[S_BALANCE]);
}

/* "12.50" in fen; the generated file always has two decimals. */
static int64_t
fen(const char *s)
{
	char *dot;
	int64_t y = strtoll(s, &dot, 10);

	return y * 100 + (*dot == '.' ? strtoll(dot + 1, NULL, 10) : 0);
}

int
main(int argc, char **argv)
{
	static struct receipt r;
	char buf[4096], *f[6];
	long batch = argc > 3 ? atol(argv[3]) : 0, done = 0;
	FILE *fp;

	if (argc < 3) {
		fputs("usage: sale_baseline DB CSV [batch]\n", stderr);
		return 64;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die(argv[1]);
	if ((fp = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 66;
	}
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
	    "NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536",
	    NULL, NULL, NULL);
	for (int i = 0; i < NS; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st[i], NULL) != SQLITE_OK)
			die(sql[i]);
	begin();
	if (fgets(buf, sizeof(buf), fp) == NULL)	/* the header */
		return 0;
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		char *p = buf;

		buf[strcspn(buf, "\r\n")] = '\0';
		for (int i = 0; i < 6; i++) {
			f[i] = p;
			p += strcspn(p, ",");
			if (*p)
				*p++ = '\0';
		}
		if (r.n > 0 && (strcmp(f[0], r.receipt) != 0 || r.n == MAXL)) {
			book(&r);
			r.n = 0;
			if (batch > 0 && ++done % batch == 0) {
				if (sqlite3_exec(db, "COMMIT", NULL, NULL,
				    NULL) != SQLITE_OK)
					die("commit");
				begin();
			}
		}
		if (r.n == 0) {
			snprintf(r.receipt, sizeof(r.receipt), "%s", f[0]);
			snprintf(r.at, sizeof(r.at), "%s", f[1]);
			snprintf(r.member, sizeof(r.member), "%s", f[2]);
		}
		snprintf(r.l[r.n].sku, sizeof(r.l[r.n].sku), "%s", f[3]);
		r.l[r.n].qty = strtoll(f[4], NULL, 10);
		r.l[r.n].price = fen(f[5]);
		r.n++;
	}
	if (r.n > 0)
		book(&r);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit");
	for (int i = 0; i < NS; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	fclose(fp);
	return 0;
}
