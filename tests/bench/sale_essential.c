/*
 * sale_essential - the least any program must write to book a sales
 * file: the first yardstick for `sale import` (share/bench/sale.sh), the
 * "minimal essential-writes loop" of issue 15.
 *
 * Its own minimal book: members (code, balance), products (sku), the
 * on-hand per product, the sales, their lines and a points ledger, each
 * table with no index but its primary key and the unique that names a
 * row (a member's code, a product's SKU, a receipt).  Per receipt of the
 * same CSV as `sale import` reads (receipt,at,member,sku,qty,price; the
 * generated file has no quoting), with prepared statements: find the
 * member and the products, insert the sale (a receipt recorded already
 * is skipped), its lines and their on-hand updates, and for a member an
 * earn entry of 1 point per yuan and the balance.  One transaction.
 * No rules, no bonuses, no lots, no stock moves, no audit, no checks.
 *
 *	cc -O2 tests/bench/sale_essential.c -lsqlite3
 *	./a.out -i book.db members.csv products.csv	(the book, untimed)
 *	./a.out book.db sales.csv
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXL	1000
#define MAXF	16

static const char schema[] =
	"CREATE TABLE member (id INTEGER PRIMARY KEY, code TEXT NOT NULL "
	"UNIQUE, balance INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE product (id INTEGER PRIMARY KEY, sku TEXT NOT NULL "
	"UNIQUE, price INTEGER NOT NULL);"
	"CREATE TABLE stock (product_id INTEGER PRIMARY KEY, "
	"on_hand INTEGER NOT NULL);"
	"CREATE TABLE sale (id INTEGER PRIMARY KEY, receipt TEXT NOT NULL "
	"UNIQUE, at TEXT NOT NULL, member_id INTEGER, gross INTEGER NOT NULL, "
	"points INTEGER NOT NULL);"
	"CREATE TABLE sale_line (id INTEGER PRIMARY KEY, sale_id INTEGER "
	"NOT NULL, line INTEGER NOT NULL, product_id INTEGER NOT NULL, "
	"qty INTEGER NOT NULL, price INTEGER NOT NULL, amount INTEGER NOT NULL);"
	"CREATE TABLE ledger (id INTEGER PRIMARY KEY, member_id INTEGER "
	"NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, delta INTEGER "
	"NOT NULL, ref TEXT);";

enum { S_MEMBER, S_PRODUCT, S_SALE, S_LINE, S_STOCK, S_LEDGER, S_BALANCE,
	S_ADDMEMBER, S_ADDPRODUCT, NS };

static const char *sql[NS] = {
	"SELECT id FROM member WHERE code = ?",
	"SELECT id FROM product WHERE sku = ?",
	"INSERT INTO sale (receipt, at, member_id, gross, points) "
	    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (receipt) DO NOTHING",
	"INSERT INTO sale_line (sale_id, line, product_id, qty, price, amount) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	"UPDATE stock SET on_hand = on_hand - ? WHERE product_id = ?",
	"INSERT INTO ledger (member_id, at, kind, delta, ref) "
	    "VALUES (?, ?, 'earn', ?, ?)",
	"UPDATE member SET balance = balance + ? WHERE id = ?",
	"INSERT INTO member (code) VALUES (?)",
	"INSERT INTO product (sku, price) VALUES (?, ?)",
};

static sqlite3 *db;
static sqlite3_stmt *st[NS];

static void
die(const char *what)
{
	fprintf(stderr, "sale_essential: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void
run(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die(sqlite3_sql(s));
	sqlite3_reset(s);
}

static void
exec(const char *s)
{
	if (sqlite3_exec(db, s, NULL, NULL, NULL) != SQLITE_OK)
		die(s);
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

/* "12.50" in fen; the generated files always have two decimals. */
static int64_t
fen(const char *s)
{
	char *dot;
	int64_t y = strtoll(s, &dot, 10);

	return y * 100 + (*dot == '.' ? strtoll(dot + 1, NULL, 10) : 0);
}

/* Splits an unquoted CSV line at its commas; the number of fields. */
static int
split(char *p, char **f)
{
	int n = 0;

	p[strcspn(p, "\r\n")] = '\0';
	while (n < MAXF) {
		f[n++] = p;
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	return n;
}

/* The column named name in a header split into f. */
static int
column(char **f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i], name) == 0)
			return i;
	fprintf(stderr, "sale_essential: no column %s\n", name);
	exit(65);
}

static FILE *
open_csv(const char *path, char *buf, size_t len)
{
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		exit(66);
	}
	if (fgets(buf, len, fp) == NULL) {
		fprintf(stderr, "sale_essential: %s: empty\n", path);
		exit(65);
	}
	return fp;
}

/* The book: its schema, the members' codes and the products. */
static void
init(const char *members, const char *products)
{
	char buf[4096], *f[MAXF];
	int n, code, sku, price;
	FILE *fp;

	exec("BEGIN");
	fp = open_csv(members, buf, sizeof(buf));
	n = split(buf, f);
	code = column(f, n, "code");
	while (fgets(buf, sizeof(buf), fp) != NULL)
		if (split(buf, f) > code) {
			sqlite3_bind_text(st[S_ADDMEMBER], 1, f[code], -1,
			    SQLITE_STATIC);
			run(st[S_ADDMEMBER]);
		}
	fclose(fp);
	fp = open_csv(products, buf, sizeof(buf));
	n = split(buf, f);
	sku = column(f, n, "sku");
	price = column(f, n, "price");
	while (fgets(buf, sizeof(buf), fp) != NULL)
		if ((n = split(buf, f)) > price && n > sku) {
			sqlite3_bind_text(st[S_ADDPRODUCT], 1, f[sku], -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(st[S_ADDPRODUCT], 2, fen(f[price]));
			run(st[S_ADDPRODUCT]);
		}
	fclose(fp);
	exec("INSERT INTO stock (product_id, on_hand) "
	    "SELECT id, 0 FROM product; COMMIT");
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
lines(const struct receipt *r, sqlite3_int64 sid, const sqlite3_int64 *pid)
{
	for (int i = 0; i < r->n; i++) {
		sqlite3_bind_int64(st[S_LINE], 1, sid);
		sqlite3_bind_int(st[S_LINE], 2, i + 1);
		sqlite3_bind_int64(st[S_LINE], 3, pid[i]);
		sqlite3_bind_int64(st[S_LINE], 4, r->l[i].qty);
		sqlite3_bind_int64(st[S_LINE], 5, r->l[i].price);
		sqlite3_bind_int64(st[S_LINE], 6, r->l[i].qty * r->l[i].price);
		run(st[S_LINE]);
		sqlite3_bind_int64(st[S_STOCK], 1, r->l[i].qty);
		sqlite3_bind_int64(st[S_STOCK], 2, pid[i]);
		run(st[S_STOCK]);
	}
}

static void
book(const struct receipt *r)
{
	sqlite3_int64 mid = 0, pid[MAXL];
	int64_t gross = 0, pts;

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
	sqlite3_bind_int64(st[S_SALE], 5, pts);
	run(st[S_SALE]);
	if (sqlite3_changes(db) == 0)	/* recorded already */
		return;
	lines(r, sqlite3_last_insert_rowid(db), pid);
	if (pts <= 0)
		return;
	sqlite3_bind_int64(st[S_LEDGER], 1, mid);
	sqlite3_bind_text(st[S_LEDGER], 2, r->at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_LEDGER], 3, pts);
	sqlite3_bind_text(st[S_LEDGER], 4, r->receipt, -1, SQLITE_STATIC);
	run(st[S_LEDGER]);
	sqlite3_bind_int64(st[S_BALANCE], 1, pts);
	sqlite3_bind_int64(st[S_BALANCE], 2, mid);
	run(st[S_BALANCE]);
}

static void
import(const char *path)
{
	static struct receipt r;
	char buf[4096], *f[MAXF];
	FILE *fp;

	fp = open_csv(path, buf, sizeof(buf));
	exec("BEGIN IMMEDIATE");
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		if (split(buf, f) < 6)
			continue;
		if (r.n > 0 && (strcmp(f[0], r.receipt) != 0 || r.n == MAXL)) {
			book(&r);
			r.n = 0;
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
	exec("COMMIT");
	fclose(fp);
}

int
main(int argc, char **argv)
{
	int initing = argc == 5 && strcmp(argv[1], "-i") == 0;

	if (argc != 3 && !initing) {
		fputs("usage: sale_essential -i DB MEMBERS PRODUCTS\n"
		    "       sale_essential DB SALES\n", stderr);
		return 64;
	}
	if (sqlite3_open(argv[initing ? 2 : 1], &db) != SQLITE_OK)
		die(argv[initing ? 2 : 1]);
	exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	    "PRAGMA cache_size = -65536");
	if (initing)
		exec(schema);
	for (int i = 0; i < NS; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st[i], NULL) != SQLITE_OK)
			die(sql[i]);
	if (initing)
		init(argv[3], argv[4]);
	else
		import(argv[2]);
	for (int i = 0; i < NS; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	return 0;
}
