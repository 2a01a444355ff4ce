/*
 * db.c - opening the book, and the frame every write runs in.
 *
 * The database is found, created (0600, in a 0700 directory) and
 * migrated here; the operator is checked against the registered staff;
 * and each unit of work gets its BEGIN IMMEDIATE and its audit row, so
 * a killed process leaves either all of a write or none of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "chain.h"
#include "db.h"
#include "err.h"
#include "kind.h"
#include "pg.h"
#include "pin.h"
#include "seal.h"
#include "stock.h"

/*
 * The statement layer under the query interface: SQLite's types stay in
 * this file.
 */
struct jf_stmt_slot {
	const char *sql;
	void *st;		/* sqlite3_stmt, or struct jf_pg_stmt */
};

static sqlite3_stmt *jf_stmt(struct jf_ctx *, const char *);
static int jf_step(struct jf_ctx *, sqlite3_stmt *);
static void jf_audit_role_refusal(struct jf_ctx *);
static void forget_cached(struct jf_ctx *);
static int jf_dberr(struct jf_ctx *, int);
static const char *jf_col(sqlite3_stmt *, int);
static const char *jf_col_opt(sqlite3_stmt *, int);

extern const char jf_schema_sql[];
extern const char jf_schema_pg_sql[];
extern const char jf_rules_json[];

#define SCHEMA_VERSION 13
#define STR(x) STR_(x)
#define STR_(x) #x

static const char *roles[] = { "none", "cashier", "manager", "admin" };

const char *
jf_role_name(int r)
{
	return r >= 0 && r <= JF_ROLE_ADMIN ? roles[r] : "none";
}

int
jf_role_parse(const char *s)
{
	for (int i = JF_ROLE_CASHIER; i <= JF_ROLE_ADMIN; i++)
		if (strcmp(s, roles[i]) == 0)
			return i;
	return JF_ROLE_NONE;
}

/* The directory a path is in (new). */
static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (sl == NULL)
		return strdup(".");
	if (sl == path)
		return strdup("/");
	return strndup(path, sl - path);
}

/*
 * Why the book cannot be written, as the one thing to fix: the file,
 * its directory (SQLite keeps the -wal and -shm files beside it), or a
 * -shm file another user's reader left.  JF_ECANTCREAT with the message
 * set, or 0 when all look writable.
 */
static int
not_writable(struct jf_ctx *c)
{
	char *dir = dir_of(c->path), *wal = NULL, *shm = NULL;
	int rc = 0;

	if (dir == NULL || asprintf(&wal, "%s-wal", c->path) == -1 ||
	    asprintf(&shm, "%s-shm", c->path) == -1)
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
	else if (access(c->path, W_OK) == -1 && errno != ENOENT)
		rc = jf_error(JF_ECANTCREAT, _("%s: not writable: %s"),
		    c->path, strerror(errno));
	else if (access(dir, W_OK) == -1 && (rc = errno) != 0 &&
	    access(wal, W_OK) == -1)
		rc = jf_error(JF_ECANTCREAT, _("%s: directory not writable "
		    "(the book %s keeps its -wal and -shm files there): %s"),
		    dir, c->path, strerror(rc));
	else if (access(shm, F_OK) == 0 && access(shm, W_OK) == -1)
		rc = jf_error(JF_ECANTCREAT, _("%s: not writable: %s"), shm,
		    strerror(errno));
	else
		rc = 0;
	free(shm);
	free(wal);
	free(dir);
	return rc;
}

static int
jf_dberr(struct jf_ctx *c, int rc)
{
	int x = rc & 0xff;

	if (x == SQLITE_BUSY || x == SQLITE_LOCKED)
		return jf_error(JF_EBUSY,
		    _("database is busy: try again later"));
	if (x == SQLITE_CONSTRAINT)
		return jf_error(JF_EREFUSED, "%s", sqlite3_errmsg(c->db));
	if (x == SQLITE_NOTADB)
		return jf_error(JF_EDATA, _("%s: not a jifen book"), c->path);
	if (x == SQLITE_CANTOPEN || x == SQLITE_READONLY || x == SQLITE_PERM) {
		if (!c->readonly && not_writable(c) != 0)
			return JF_ECANTCREAT;
		return jf_error(JF_ECANTCREAT, "%s: %s", c->path,
		    sqlite3_errmsg(c->db));
	}
	return jf_error(JF_ESOFTWARE, _("database: %s"), sqlite3_errmsg(c->db));
}

/* The slot of sql in a table of n (a power of 2): its own, or a free one. */
static struct jf_stmt_slot *
slot(struct jf_stmt_slot *t, size_t n, const char *sql)
{
	size_t h = ((size_t)sql >> 4) & (n - 1);

	while (t[h].sql != NULL && t[h].sql != sql)
		h = (h + 1) & (n - 1);
	return &t[h];
}

/* Doubles the statement cache (or makes its first 128 slots). */
static int
grow(struct jf_ctx *c)
{
	size_t n = c->ncache ? c->ncache * 2 : 128;
	struct jf_stmt_slot *t = calloc(n, sizeof(*t));

	if (t == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	for (size_t i = 0; i < c->ncache; i++)
		if (c->cache[i].sql != NULL)
			*slot(t, n, c->cache[i].sql) = c->cache[i];
	free(c->cache);
	c->cache = t;
	c->ncache = n;
	return 0;
}

/* sql's slot in the statement cache, claimed for it; NULL: out of memory. */
static struct jf_stmt_slot *
stmt_slot(struct jf_ctx *c, const char *sql)
{
	struct jf_stmt_slot *s;

	if ((c->nused + 1) * 4 > c->ncache * 3 && grow(c) != 0)
		return NULL;
	s = slot(c->cache, c->ncache, sql);
	if (s->sql != sql) {
		s->sql = sql;
		s->st = NULL;
		c->nused++;
	}
	return s;
}

static sqlite3_stmt *
jf_stmt(struct jf_ctx *c, const char *sql)
{
	struct jf_stmt_slot *s;
	int rc;

	if ((s = stmt_slot(c, sql)) == NULL)
		return NULL;
	if (s->st != NULL) {
		sqlite3_reset(s->st);
		return s->st;
	}
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    (sqlite3_stmt **)&s->st, NULL);
	if (rc != SQLITE_OK) {
		jf_dberr(c, rc);
		return NULL;
	}
	return s->st;
}

static int
jf_step(struct jf_ctx *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	rc = -jf_dberr(c, rc);
	sqlite3_reset(st);
	return rc;
}

static const char *
jf_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static const char *
jf_col_opt(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * Queries.  Every statement of lib/ is one of these calls: the SQL text
 * is static (cached by its address), the values are bound by a format of
 * one letter each, and the status is one of err.h's, never SQLite's.
 */
static int
bindv(sqlite3_stmt *st, const char *fmt, va_list ap,
    sqlite3_destructor_type how)
{
	/* a value the format leaves out is NULL, not the last call's */
	if (fmt == NULL || (int)strlen(fmt) < sqlite3_bind_parameter_count(st))
		sqlite3_clear_bindings(st);
	for (int i = 1; fmt != NULL && *fmt; fmt++, i++) {
		const char *s;

		switch (*fmt) {
		case 'i':
			sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 't':	/* text; NULL binds NULL */
			if ((s = va_arg(ap, const char *)) == NULL)
				sqlite3_bind_null(st, i);
			else
				sqlite3_bind_text(st, i, s, -1, how);
			break;
		case 'T':	/* text; NULL or "" binds NULL */
			if ((s = va_arg(ap, const char *)) == NULL ||
			    *s == '\0')
				sqlite3_bind_null(st, i);
			else
				sqlite3_bind_text(st, i, s, -1, how);
			break;
		case 'n':	/* an id, 0 binds NULL */
			{
				int64_t v = va_arg(ap, int64_t);

				if (v == 0)
					sqlite3_bind_null(st, i);
				else
					sqlite3_bind_int64(st, i, v);
			}
			break;
		default:
			return jf_error(JF_ESOFTWARE, "query: bad format %c",
			    *fmt);
		}
	}
	return 0;
}

/*
 * The cached statement of sql with the values of fmt bound: 0 or a
 * status.  once: the statement is stepped and reset before the caller
 * returns, so its text is bound where it is, not copied (SQLite reads
 * it only while stepping).
 */
static int
prepv(struct jf_ctx *c, const char *sql, const char *fmt, va_list ap,
    int once, void **st)
{
	struct jf_stmt_slot *s;

	if (c->pg != NULL) {
		if ((s = stmt_slot(c, sql)) == NULL)
			return JF_ESOFTWARE;
		*st = NULL;
		if (jf_pg_prep(c, sql, fmt, ap,
		    (struct jf_pg_stmt **)&s->st) != 0)
			return JF_ESOFTWARE;
		*st = s->st;
		return 0;
	}
	if ((*st = jf_stmt(c, sql)) == NULL)
		return JF_ESOFTWARE;
	return bindv(*st, fmt, ap, once ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

/* One step of either engine: 1 a row, 0 done, minus a status. */
static int
step(struct jf_ctx *c, void *st)
{
	int rc;

	if (c->pg != NULL)
		return jf_pg_step(c, st);
	rc = jf_step(c, st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : rc;
}

static void
reset(struct jf_ctx *c, void *st)
{
	if (c->pg != NULL)
		jf_pg_reset(st);
	else
		sqlite3_reset(st);
}

int
jf_q_exec(struct jf_ctx *c, const char *sql, const char *fmt, ...)
{
	void *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = prepv(c, sql, fmt, ap, 1, &st);
	va_end(ap);
	if (rc != 0)
		return rc;
	if (strncmp(sql, "ROLLBACK", 8) == 0)
		forget_cached(c);
	if (c->pg != NULL)
		return jf_pg_exec(c, st);
	while ((rc = step(c, st)) == 1)
		;
	reset(c, st);
	return rc < 0 ? -rc : 0;
}

int
jf_q_int(struct jf_ctx *c, const char *sql, int64_t *out, const char *fmt,
    ...)
{
	void *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = prepv(c, sql, fmt, ap, 1, &st);
	va_end(ap);
	if (rc != 0)
		return rc;
	if ((rc = step(c, st)) == 1)
		*out = c->pg != NULL ? jf_pg_int(st, 0) :
		    sqlite3_column_int64(st, 0);
	reset(c, st);
	if (rc < 0)
		return -rc;
	return rc == 1 ? 0 : JF_ENOROW;
}

int
jf_q_open(struct jf_ctx *c, struct jf_rows *r, const char *sql,
    const char *fmt, ...)
{
	void *st = NULL;
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->c = c;
	va_start(ap, fmt);
	r->rc = prepv(c, sql, fmt, ap, 0, &st);
	va_end(ap);
	r->st = st;
	return r->rc;
}

int
jf_q_next(struct jf_rows *r)
{
	int rc;

	if (r->st == NULL || r->rc != 0 || r->done)
		return 0;
	if ((rc = step(r->c, r->st)) == 1)
		return 1;
	r->done = 1;
	if (rc < 0)
		r->rc = -rc;
	return 0;
}

int
jf_q_close(struct jf_rows *r)
{
	if (r->st != NULL)
		reset(r->c, r->st);
	r->st = NULL;
	return r->rc;
}

int64_t
jf_r_int(const struct jf_rows *r, int col)
{
	if (r->c->pg != NULL)
		return jf_pg_int(r->st, col);
	return sqlite3_column_int64((sqlite3_stmt *)r->st, col);
}

const char *
jf_r_text(const struct jf_rows *r, int col)
{
	if (r->c->pg != NULL) {
		const char *s = jf_pg_text(r->st, col);

		return s ? s : "";
	}
	return jf_col((sqlite3_stmt *)r->st, col);
}

const char *
jf_r_opt(const struct jf_rows *r, int col)
{
	if (r->c->pg != NULL)
		return jf_pg_text(r->st, col);
	return jf_col_opt((sqlite3_stmt *)r->st, col);
}

int64_t
jf_last_id(struct jf_ctx *c)
{
	if (c->pg != NULL)
		return jf_pg_last_id(c);
	return sqlite3_last_insert_rowid(c->db);
}

int
jf_changes(struct jf_ctx *c)
{
	if (c->pg != NULL)
		return jf_pg_changes(c);
	return sqlite3_changes(c->db);
}

/*
 * What is kept for a transaction (the chains' tips, chain.c; the stock
 * rows, stock.c), forgotten when one begins or is rolled back, to a
 * savepoint too.
 */
static void
forget_cached(struct jf_ctx *c)
{
	c->tip_ok[0] = c->tip_ok[1] = 0;
	c->tx_gen++;
}

/* Runs static SQL text (no input in it): pragmas, BEGIN, the schema. */
static int
run(struct jf_ctx *c, const char *sql)
{
	int rc;

	if (strncmp(sql, "BEGIN", 5) == 0 || strncmp(sql, "ROLLBACK", 8) == 0)
		forget_cached(c);
	if (c->pg != NULL)
		return jf_pg_run(c, sql);
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : jf_dberr(c, rc);
}

static char *
db_path(const char *opt)
{
	const char *e;
	char *p;

	if (opt != NULL && *opt)
		return strdup(opt);
	if ((e = getenv("JIFEN_DB")) != NULL && *e)
		return strdup(e);
	if ((e = getenv("XDG_DATA_HOME")) != NULL && *e) {
		if (asprintf(&p, "%s/jifen/jifen.db", e) == -1)
			return NULL;
		return p;
	}
	if ((e = getenv("HOME")) == NULL || *e == '\0') {
		struct passwd *pw = getpwuid(getuid());

		e = pw ? pw->pw_dir : "/";
	}
	if (asprintf(&p, "%s/.local/share/jifen/jifen.db", e) == -1)
		return NULL;
	return p;
}

/* mkdir -p of path's directory, 0700 for what it creates. */
static int
mkparent(const char *path)
{
	char *d = strdup(path);

	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST) {
			free(d);
			return -1;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

/*
 * 2: a sale line keeps its exact multiplier (hundred-millionths: the
 * product of up to four stacked factors, exact) and its share of the
 * receipt's offset and paid; a lot may be spent only from its spendable
 * day (pending_days).  Lines booked before keep their multiplier in
 * hundredths; their offset is spread in proportion, the rounding's
 * remainder on the first line.
 */
static const char migration_2[] =
    "ALTER TABLE sale_line ADD COLUMN mult_exact INTEGER;"
    "ALTER TABLE sale_line ADD COLUMN offset_amount INTEGER NOT NULL "
    "DEFAULT 0;"
    "ALTER TABLE sale_line ADD COLUMN paid INTEGER;"
    "ALTER TABLE lot ADD COLUMN spendable TEXT;"
    "UPDATE sale_line SET mult_exact = multiplier * 1000000, "
    "offset_amount = coalesce((SELECT s.offset_amount * sale_line.amount "
    "/ s.gross FROM sale s WHERE s.id = sale_line.sale_id "
    "AND s.gross > 0), 0);"
    "UPDATE sale_line SET offset_amount = offset_amount + (SELECT "
    "s.offset_amount - (SELECT sum(l.offset_amount) FROM sale_line l "
    "WHERE l.sale_id = s.id) FROM sale s WHERE s.id = sale_line.sale_id) "
    "WHERE line = (SELECT min(l.line) FROM sale_line l "
    "WHERE l.sale_id = sale_line.sale_id);"
    "UPDATE sale_line SET paid = amount - offset_amount;";

/*
 * Version 3: the audit log and the ledger become hash chains (chain.h);
 * the rows a book has already are given their hashes in order, and the
 * ledger is append-only as the audit log is.
 */
static const char migration_3[] =
    "ALTER TABLE audit ADD COLUMN hash TEXT;"
    "ALTER TABLE ledger ADD COLUMN hash TEXT;"
    "DROP TRIGGER audit_append_only_u;";

static const char migration_3_end[] =
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER ledger_append_only_u BEFORE UPDATE ON ledger "
    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"
    "CREATE TRIGGER ledger_append_only_d BEFORE DELETE ON ledger "
    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;";

static int
fill_audit(void *arg, int64_t id, const char *want, const char *stored)
{
	return jf_q_exec(arg, "UPDATE audit SET hash = ? WHERE id = ?", "ti",
	    want, id);
}

static int
fill_ledger(void *arg, int64_t id, const char *want, const char *stored)
{
	return jf_q_exec(arg, "UPDATE ledger SET hash = ? WHERE id = ?", "ti",
	    want, id);
}

static int
migrate_3(struct jf_ctx *c)
{
	int rc;

	if ((rc = jf_chain_walk(c, JF_CHAIN_AUDIT, 1, fill_audit, c)) != 0 ||
	    (rc = jf_chain_walk(c, JF_CHAIN_LEDGER, 1, fill_ledger, c)) != 0)
		return rc;
	return run(c, migration_3_end);
}

/*
 * Version 4: operators prove who they are (pin.h).  An operator's PIN
 * (a yescrypt hash), the wrong PINs given in a row and until when the
 * operator is locked (Unix seconds: the real clock, not $JIFEN_NOW);
 * the audit row's approver (--approve) and, on a row that records a
 * refused sign-in, why it was refused.  Rows before keep NULL in both,
 * and their hashes stand (chain.h: trailing NULL fields are not hashed).
 */
static const char migration_4[] =
    "ALTER TABLE operator ADD COLUMN pin TEXT;"
    "ALTER TABLE operator ADD COLUMN pin_failures INTEGER NOT NULL "
    "DEFAULT 0;"
    "ALTER TABLE operator ADD COLUMN locked_until INTEGER;"
    "ALTER TABLE audit ADD COLUMN approver TEXT;"
    "ALTER TABLE audit ADD COLUMN refused TEXT;";

/*
 * Version 5: the kinds of points entry and their signs, from kind.h, in
 * table ledger_kind; a trigger refuses an entry of another kind or the
 * wrong sign (books made before keep their CHECK too), and the table
 * cannot be changed.
 */
static const char migration_5[] =
    "CREATE TABLE ledger_kind ("
    "kind TEXT PRIMARY KEY, "
    "sign INTEGER NOT NULL CHECK (sign IN (-1, 0, 1)), "
    "earned INTEGER NOT NULL CHECK (earned IN (0, 1))) WITHOUT ROWID;";

static const char migration_5_end[] =
    "CREATE TRIGGER ledger_kind_sign BEFORE INSERT ON ledger "
    "WHEN NOT EXISTS (SELECT 1 FROM ledger_kind k WHERE k.kind = NEW.kind "
    "AND (NEW.delta * k.sign > 0 OR (k.sign = 0 AND NEW.delta <> 0))) "
    "BEGIN SELECT RAISE(ABORT, 'not a kind of entry, or not its sign'); "
    "END;"
    "CREATE TRIGGER ledger_kind_fixed_i BEFORE INSERT ON ledger_kind "
    "BEGIN SELECT RAISE(ABORT, 'the kinds of entry are fixed'); END;"
    "CREATE TRIGGER ledger_kind_fixed_u BEFORE UPDATE ON ledger_kind "
    "BEGIN SELECT RAISE(ABORT, 'the kinds of entry are fixed'); END;"
    "CREATE TRIGGER ledger_kind_fixed_d BEFORE DELETE ON ledger_kind "
    "BEGIN SELECT RAISE(ABORT, 'the kinds of entry are fixed'); END;";

/* The kinds of entry, as kind.c has them: fixed once written. */
static int
insert_kinds(struct jf_ctx *c)
{
	int i, rc;

	for (i = 0; i < jf_nkinds; i++)
		if ((rc = jf_q_exec(c, "INSERT INTO ledger_kind (kind, sign, "
		    "earned) VALUES (?, ?, ?)", "tii", jf_kinds[i].name,
		    (int64_t)jf_kinds[i].sign,
		    (int64_t)!!(jf_kinds[i].flags & JF_KIND_EARNED))) != 0)
			return rc;
	return 0;
}

static int
migrate_5(struct jf_ctx *c)
{
	int rc;

	if ((rc = insert_kinds(c)) != 0)
		return rc;
	return run(c, migration_5_end);
}

/*
 * Version 6: members' personal data may be sealed (seal.h).  A phone is
 * found by its lookup key, phone_ix: the phone itself until the book is
 * sealed, its blind index after; table seal holds a sealed book's key
 * check.
 */
static const char migration_6[] =
    "ALTER TABLE member ADD COLUMN phone_ix TEXT;"
    "UPDATE member SET phone_ix = phone;"
    "CREATE UNIQUE INDEX member_phone_ix ON member(phone_ix);"
    "CREATE TABLE seal (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "check_value TEXT NOT NULL);";

/*
 * Version 7: a return has its own receipt number, as a till's credit
 * note does ("C536379"), which makes an imported return idempotent, and
 * the store its goods went back to; a refund to stock of goods sold to
 * no member, with no sale to name, has no sale_id.  Returns booked
 * before are numbered after their sale: "main-20261118-0001-R1".
 */
static const char migration_7[] =
    "CREATE TABLE sale_return_7 ("
    "id INTEGER PRIMARY KEY, "
    "sale_id INTEGER REFERENCES sale(id), "
    "receipt TEXT NOT NULL UNIQUE, "
    "at TEXT NOT NULL, "
    "store TEXT NOT NULL, "
    "gross INTEGER NOT NULL, "
    "points_reversed INTEGER NOT NULL DEFAULT 0, "
    "points_restored INTEGER NOT NULL DEFAULT 0, "
    "operator TEXT NOT NULL, "
    "audit_id INTEGER NOT NULL REFERENCES audit(id));"
    "INSERT INTO sale_return_7 SELECT r.id, r.sale_id, s.receipt || '-R' || "
    "(SELECT count(*) FROM sale_return x WHERE x.sale_id = r.sale_id "
    "AND x.id <= r.id), r.at, s.store, r.gross, r.points_reversed, "
    "r.points_restored, r.operator, r.audit_id "
    "FROM sale_return r JOIN sale s ON s.id = r.sale_id;"
    "DROP TABLE sale_return;"
    "ALTER TABLE sale_return_7 RENAME TO sale_return;"
    "CREATE INDEX sale_return_sale ON sale_return(sale_id);"
    "CREATE INDEX sale_return_at ON sale_return(at);";

/*
 * Version 8: a member's first purchase is the first made while active,
 * the one that gives the signup and referral bonuses, so that a member
 * frozen at the first purchase has them on the first after; books made
 * before take each member's first sale, whatever the status was.
 */
static const char migration_8[] =
    "ALTER TABLE member ADD COLUMN first_sale INTEGER;"	/* a sale's id */
    "UPDATE member SET first_sale = (SELECT min(id) FROM sale s "
    "WHERE s.member_id = member.id);";

/*
 * Version 9: cost and margin.  Each move carries its unit cost (the
 * average at which goods went, or the cost they came in at) and the
 * value at cost it added to the stock; each sale line the cost of its
 * goods at the moment of sale.  Books made before are replayed move by
 * move (jf_stock_replay); their lines take the cost of their sale move.
 */
static const char migration_9[] =
    "ALTER TABLE move ADD COLUMN value INTEGER;"
    "ALTER TABLE sale_line ADD COLUMN cost INTEGER;";

static int
migrate_9(struct jf_ctx *c)
{
	static const char lines[] = "UPDATE sale_line SET cost = "
	    "(SELECT m.cost FROM move m JOIN sale s ON s.id = sale_line.sale_id "
	    "WHERE m.kind = 'sale' AND m.ref = s.receipt AND m.store = s.store "
	    "AND m.product_id = sale_line.product_id ORDER BY m.id LIMIT 1)";
	int rc;

	if ((rc = jf_stock_replay(c)) != 0)
		return rc;
	return jf_q_exec(c, lines, "");
}

/*
 * Version 10: marketing.  A line sold at a tier's discount keeps the
 * list price it was discounted from; a redemption may be a reservation
 * held until a day, and is picked up or lapses; a gift may be limited
 * per member and to a window of days.
 */
static const char migration_10[] =
    "ALTER TABLE sale_line ADD COLUMN list_price INTEGER;"
    "ALTER TABLE redemption ADD COLUMN hold_until TEXT;"
    "ALTER TABLE redemption ADD COLUMN picked_up TEXT;"
    "ALTER TABLE product ADD COLUMN gift_limit INTEGER "
    "CHECK (gift_limit IS NULL OR gift_limit > 0);"
    "ALTER TABLE product ADD COLUMN gift_from TEXT;"
    "ALTER TABLE product ADD COLUMN gift_to TEXT;"
    "CREATE INDEX redemption_held ON redemption(hold_until) "
    "WHERE hold_until IS NOT NULL AND picked_up IS NULL "
    "AND cancelled IS NULL;"
    "CREATE INDEX redemption_member ON redemption(member_id, product_id);";

/*
 * Version 11: points draws (lib/draw.c).  A draw keeps the SHA-256 of
 * its seed from the opening and the seed from the run; a ticket the
 * ledger entry that paid for it, its prize and the points given back.
 */
static const char migration_11[] =
    "CREATE TABLE draw ("
    "id INTEGER PRIMARY KEY, "
    "code TEXT NOT NULL UNIQUE, "
    "name TEXT NOT NULL, "
    "store TEXT NOT NULL, "
    "product_id INTEGER NOT NULL REFERENCES product(id), "
    "prizes INTEGER NOT NULL CHECK (prizes > 0), "
    "ticket_points INTEGER NOT NULL CHECK (ticket_points > 0), "
    "refund_losers INTEGER NOT NULL CHECK (refund_losers IN (0, 1)), "
    "seed_hash TEXT NOT NULL, "
    "seed TEXT, "
    "opened TEXT NOT NULL, "
    "ran TEXT, "
    "operator TEXT NOT NULL, "
    "ran_by TEXT, "
    "audit_id INTEGER NOT NULL REFERENCES audit(id), "
    "run_audit_id INTEGER REFERENCES audit(id));"
    "CREATE TABLE draw_ticket ("
    "id INTEGER PRIMARY KEY, "
    "draw_id INTEGER NOT NULL REFERENCES draw(id), "
    "number INTEGER NOT NULL CHECK (number > 0), "
    "member_id INTEGER NOT NULL REFERENCES member(id), "
    "entry_id INTEGER NOT NULL REFERENCES ledger(id), "
    "at TEXT NOT NULL, "
    "prize INTEGER CHECK (prize IS NULL OR prize > 0), "
    "refunded INTEGER NOT NULL DEFAULT 0, "
    "operator TEXT NOT NULL, "
    "audit_id INTEGER NOT NULL REFERENCES audit(id), "
    "UNIQUE (draw_id, number));";

/*
 * Version 12: member_phone_ix holds a sealed book's blind indexes only,
 * where phone_ix and phone differ.  In a book that is not sealed they are
 * the same and the phone column's own index keeps them unique and finds
 * them (seal.h, JF_BY_PHONE): one B-tree entry a member fewer to write.
 */
static const char migration_12[] =
    "DROP INDEX member_phone_ix;"
    "CREATE UNIQUE INDEX member_phone_ix ON member(phone_ix) "
    "WHERE phone_ix <> phone;";

/*
 * Version 13: ledger_member carries each entry's kind and delta, so the
 * sums by member read the index alone: a member's points for tiers over
 * 365 days (sale, member tiers --recalc), report audit's balance of
 * every member and its total of all entries.
 */
static const char migration_13[] =
    "DROP INDEX ledger_member;"
    "CREATE INDEX ledger_member ON ledger(member_id, at, kind, delta);";

/* Version 1: the schema, and the default rules as version 1. */
static int
create(struct jf_ctx *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = run(c, jf_schema_sql)) != 0)
		return rc;
	if ((rc = sqlite3_prepare_v2(c->db, "INSERT INTO rules (version, "
	    "effective, doc) VALUES (1, '0001-01-01 00:00:00', ?)", -1,
	    &st, NULL)) != SQLITE_OK)
		return jf_dberr(c, rc);
	sqlite3_bind_text(st, 1, jf_rules_json, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jf_dberr(c, rc);
}

/*
 * The steps from an older book to this one, in the order they run: a
 * book below a step's version takes it, its SQL and then its function
 * (4's columns come before 3's walk of the audit chain, which reads
 * them).
 */
static const struct {
	int version;
	const char *sql;
	int (*fn)(struct jf_ctx *);
} steps[] = {
	{ 1, NULL, create },
	{ 2, migration_2, NULL },
	{ 4, migration_4, NULL },
	{ 3, migration_3, migrate_3 },
	{ 5, migration_5, migrate_5 },
	{ 6, migration_6, NULL },
	{ 7, migration_7, NULL },
	{ 8, migration_8, NULL },
	{ 9, migration_9, migrate_9 },
	{ 10, migration_10, NULL },
	{ 11, migration_11, NULL },
	{ 12, migration_12, NULL },
	{ 13, migration_13, NULL },
};

/*
 * A PostgreSQL book is made at this version in one go (schema-pg.sql):
 * the default rules as version 1, the kinds of entry, then the trigger
 * that fixes them.  A book made at 11 or later takes the steps past its
 * version, as SQLite's do, and records the version it reached.
 */
#define PG_FIRST 11
static const struct {
	int version;
	const char *sql;
} pg_steps[] = {
	{ 12, migration_12 },
	{ 13, migration_13 },
};
static const char pg_kinds_fixed[] =
    "CREATE TRIGGER ledger_kind_fixed_i BEFORE INSERT ON ledger_kind "
    "FOR EACH ROW EXECUTE FUNCTION jf_refuse('the kinds of entry are fixed');"
    "SELECT setval(pg_get_serial_sequence('rules', 'version'), 1);"
    "INSERT INTO jf_schema (version) VALUES (" STR(SCHEMA_VERSION) ")";

static int
create_pg(struct jf_ctx *c)
{
	int rc;

	if ((rc = run(c, jf_schema_pg_sql)) != 0 ||
	    (rc = jf_q_exec(c, "INSERT INTO rules (version, effective, doc) "
	    "VALUES (1, '0001-01-01 00:00:00', ?)", "t", jf_rules_json)) != 0 ||
	    (rc = insert_kinds(c)) != 0)
		return rc;
	return run(c, pg_kinds_fixed);
}

/* The book's schema version into *v: 0 for a file or database without one. */
static int
schema_version(struct jf_ctx *c, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (jf_engine_pg(c))
		return jf_pg_version(c, v);
	*v = 0;
	if ((rc = sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st,
	    NULL)) != SQLITE_OK)
		return jf_dberr(c, rc);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : jf_dberr(c, rc);
}

/*
 * Takes the book from version v to this one, in the open transaction.
 */
static int
upgrade(struct jf_ctx *c, int v)
{
	size_t i;
	int rc;

	if (jf_engine_pg(c)) {
		if (v == 0)
			return create_pg(c);
		if (v < PG_FIRST)
			return jf_error(JF_ECANTCREAT, _("%s: schema %d, and "
			    "no step from it to %d on PostgreSQL"), c->path, v,
			    SCHEMA_VERSION);
		for (i = 0; i < sizeof(pg_steps) / sizeof(pg_steps[0]); i++)
			if (v < pg_steps[i].version &&
			    (rc = run(c, pg_steps[i].sql)) != 0)
				return rc;
		return run(c, "INSERT INTO jf_schema (version) VALUES ("
		    STR(SCHEMA_VERSION) ")");
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (v < steps[i].version && ((steps[i].sql != NULL &&
		    (rc = run(c, steps[i].sql)) != 0) || (steps[i].fn != NULL &&
		    (rc = steps[i].fn(c)) != 0)))
			return rc;
	return run(c, "PRAGMA user_version = " STR(SCHEMA_VERSION));
}

static int
migrate(struct jf_ctx *c)
{
	int pg = jf_engine_pg(c), v, rc;

	/* up to date: no write lock, so readers never wait on a writer */
	if ((rc = schema_version(c, &v)) != 0)
		return rc;
	if (v == SCHEMA_VERSION)
		return 0;
	/* a reader never makes a book; it updates one if it may write */
	if (c->readonly && v == 0)
		return jf_error(JF_ENOINPUT, pg ? _("%s: no book here (the "
		    "first command that writes creates it)") :
		    _("%s: not a jifen book"), c->path);
	if (!pg && c->readonly && v < SCHEMA_VERSION &&
	    sqlite3_db_readonly(c->db, "main") != 0)
		return jf_error(JF_ENOINPUT, _("%s: made by an older jifen "
		    "(schema %d) and not writable: a command that writes "
		    "updates it"), c->path, v);
	/* two first writers at once: one makes the book, under its lock */
	if ((rc = run(c, pg ? "BEGIN; SELECT pg_advisory_xact_lock(7366891)" :
	    "BEGIN IMMEDIATE")) != 0)
		return rc;
	if ((rc = schema_version(c, &v)) == 0 && v > SCHEMA_VERSION)
		rc = jf_error(JF_ECANTCREAT,
		    _("%s: made by a newer jifen (schema %d)"), c->path, v);
	if (rc == 0 && (rc = upgrade(c, v)) == 0)
		return run(c, "COMMIT");
	run(c, "ROLLBACK");
	return rc;
}

int
jf_operator_role(struct jf_ctx *c, const char *name, int *role)
{
	struct jf_rows r;

	*role = JF_ROLE_NONE;
	jf_q_open(c, &r, "SELECT role FROM operator WHERE name = ?", "t",
	    name);
	if (jf_q_next(&r))
		*role = jf_role_parse(jf_r_text(&r, 0));
	return jf_q_close(&r);
}

/*
 * The staff as the book has it now: how many, and the roles of the
 * operator and the approver, who must be registered once anyone is.
 * Who they are was proven when the book was opened (jf_prove()).
 */
int
jf_check_staff(struct jf_ctx *c)
{
	int64_t n;
	int rc;

	if ((rc = jf_q_int(c, "SELECT count(*) FROM operator", &n, "")) != 0)
		return rc == JF_ENOROW ? JF_ESOFTWARE : rc;
	c->nops = (int)n;
	c->approver_role = JF_ROLE_NONE;
	if (c->nops == 0) {
		c->role = JF_ROLE_ADMIN;
		return 0;
	}
	if ((rc = jf_operator_role(c, c->operator, &c->role)) != 0)
		return rc;
	if (c->role == JF_ROLE_NONE)
		return jf_error(JF_ENOPERM, _("operator \"%s\" is not "
		    "registered (see member operator)"), c->operator);
	if (*c->approver == '\0')
		return 0;
	if ((rc = jf_operator_role(c, c->approver, &c->approver_role)) != 0)
		return rc;
	if (c->approver_role == JF_ROLE_NONE)
		return jf_error(JF_ENOPERM, _("approver \"%s\" is not "
		    "registered (see member operator)"), c->approver);
	return 0;
}

const char *
jf_mask_phone(const char *p, char *buf)
{
	size_t n;

	if (p == NULL)
		return NULL;
	n = strlen(p);
	if (n >= 8)
		snprintf(buf, 64, "%.3s%.*s%s", p, (int)(n - 7), "********",
		    p + n - 4);
	else if (n > 3)
		snprintf(buf, 64, "%.1s%.*s%s", p, (int)(n - 3), "*****",
		    p + n - 2);
	else
		snprintf(buf, 64, "***");
	return buf;
}

/* A phone however written, into buf: see db.h. */
const char *
jf_phone_norm(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n + 1 >= size || ((*p < '0' || *p > '9') &&
		    (*p != '+' || n != 0)))
			return s;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (n > 3 && strncmp(buf, "+86", 3) == 0)
		memmove(buf, buf + 3, n - 2);
	else if (n > 9 && strncmp(buf, "0086", 4) == 0)
		memmove(buf, buf + 4, n - 3);
	return buf;
}

/* Whether s is a phone number as a member ID operand may give it. */
int
jf_phone_check(const char *s)
{
	size_t n = 0;

	if (*s == '+')
		s++;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return -1;
	return n >= 6 && n <= 15 ? 0 : -1;
}

/*
 * The arguments as the audit log keeps them: personal data (the values
 * of --phone, --name but a product's, --email, --birthday, and phone
 * numbers given as member IDs) masked, so that `member forget` leaves none of it behind
 * in a log that is append-only.
 */
static char *
args_json(const char *tool, int argc, char **argv)
{
	static const char *const pii[] = { "--phone", "--name", "--email",
		"--birthday", NULL };
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	json_t *a = json_array();
	int i = 1, mask = 0;
	char buf[64];
	char *s;

	/* a subcommand's argv[0] is its name: keep it */
	base = base ? base + 1 : argc > 0 ? argv[0] : "";
	if (strcmp(base, tool) != 0)
		i = 0;
	json_array_append_new(a, json_string(tool));
	for (; i < argc; i++) {
		const char *v = argv[i], *eq = strchr(v, '=');
		char norm[32];
		json_t *x;
		int opt = 0;

		for (int k = 0; pii[k] != NULL; k++) {
			size_t n = strlen(pii[k]);

			/* a product's name is no one's personal data */
			if (k == 1 && strcmp(tool, "stock") == 0)
				continue;

			if (strncmp(v, pii[k], n) == 0 && (v[n] == '\0' ||
			    v[n] == '='))
				opt = 1;
		}
		/* a phone however written, "138 0013 8000", not a day */
		if (!mask && jf_phone_norm(v, norm, sizeof(norm)) == norm &&
		    strlen(norm) >= 10 && jf_phone_check(norm) == 0)
			v = norm;
		if (mask || jf_phone_check(v) == 0)
			x = json_string(jf_phone_check(v) == 0 ?
			    jf_mask_phone(v, buf) : "***");
		else if (opt && eq != NULL) {
			snprintf(buf, sizeof(buf), "%.*s=***", (int)(eq - v),
			    v);
			x = json_string(buf);
		} else
			x = json_string(v);
		mask = opt && eq == NULL;
		json_array_append_new(a, x ? x : json_string("?"));
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

int
jf_db_uri(const char *name)
{
	return jf_pg_uri(name);
}

char *
jf_db_path(const struct jf_who *w)
{
	return db_path(w->db);
}

/*
 * A savepoint's journal (each receipt has one) stays in memory up to
 * STMT_SPILL: past SQLite's 64 KiB it went to a temporary file, a write
 * and a read back for every page a receipt changed, a third of a sale
 * import's time.  It is emptied at each release; a statement that
 * changes more (a step of the schema on a large book) spills it to a
 * file, which SQLite does in one write of STMT_SPILL bytes.  The unix
 * VFS writes at most 128 KiB less a byte at once (seekAndWriteFd masks
 * the size with 0x1ffff) and takes a short write for a full disk: so the
 * process's VFS is the unix one, but a statement journal's writes are
 * cut into pieces of PIECE bytes (the journal is a unix file whose
 * methods are the unix ones with another xWrite).
 */
#define STMT_SPILL (4 << 20)
#define PIECE (64 << 10)

static sqlite3_vfs *unix_vfs;
static sqlite3_vfs piece_vfs;
/* a statement journal's: the unix file's, but for xWrite */
static const sqlite3_io_methods *unix_methods;
static sqlite3_io_methods piece_methods;

static int
piece_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	const char *p = buf;
	int k, rc = SQLITE_OK;

	for (; n > 0 && rc == SQLITE_OK; p += k, off += k, n -= k) {
		k = n < PIECE ? n : PIECE;
		rc = unix_methods->xWrite(f, p, k, off);
	}
	return rc;
}

static int
piece_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	int rc = unix_vfs->xOpen(unix_vfs, name, f, flags, out);

	if (rc != SQLITE_OK || (flags & SQLITE_OPEN_SUBJOURNAL) == 0)
		return rc;
	if (unix_methods == NULL) {
		unix_methods = f->pMethods;
		piece_methods = *unix_methods;
		piece_methods.xWrite = piece_write;
	}
	if (f->pMethods == unix_methods)
		f->pMethods = &piece_methods;
	return SQLITE_OK;
}

/*
 * Before SQLite's first use in the process: a connection is one thread's,
 * so no mutex on every call, and no count of the memory it allocates; a
 * statement journal in memory up to STMT_SPILL, and the VFS above.
 */
static void
sqlite_once(void)
{
	static int done;

	if (done++)
		return;
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_SPILL);
	if ((unix_vfs = sqlite3_vfs_find(NULL)) == NULL)
		return;
	piece_vfs = *unix_vfs;
	piece_vfs.pNext = NULL;
	piece_vfs.zName = "jifen";
	piece_vfs.xOpen = piece_open;
	sqlite3_vfs_register(&piece_vfs, 1);
}

/*
 * Opens the book for a command that only reads, so that it leaves
 * nothing behind that a later writer could not use.  Where we may
 * write the file and its directory: read-write with PRAGMA query_only,
 * so that the last connection to close removes the -wal and -shm files
 * as a writer's would.  Where we may not, SQLite would make a -shm with
 * the read-only file's mode, and after a chmod it would lock writers
 * out: so immutable, with no lock or -shm file at all, when nobody can
 * be writing (no -wal file exists); else SQLITE_OPEN_READONLY.
 */
static int
open_readonly(struct jf_ctx *c)
{
	static const char hex[] = "0123456789ABCDEF";
	char *wal = NULL, *dir = dir_of(c->path), *uri, *u;
	int dbw, dirw, walx, rc;

	if (dir == NULL || asprintf(&wal, "%s-wal", c->path) == -1) {
		free(dir);
		return SQLITE_NOMEM;
	}
	dbw = access(c->path, W_OK) == 0;
	dirw = access(dir, W_OK) == 0;
	walx = access(wal, F_OK) == 0 || errno != ENOENT;
	free(wal);
	free(dir);
	if (dbw && dirw) {
		/* query_only once migrated: see jf_open() */
		return sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE,
		    NULL);
	}
	if (walx)
		return sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READONLY,
		    NULL);
	/* file:PATH?immutable=1, the path percent-encoded */
	if ((uri = malloc(strlen(c->path) * 3 + 32)) == NULL)
		return SQLITE_NOMEM;
	u = uri + sprintf(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)c->path; *p;
	    p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			*u++ = *p;
		else {
			*u++ = '%';
			*u++ = hex[*p >> 4];
			*u++ = hex[*p & 15];
		}
	}
	strcpy(u, "?immutable=1");
	rc = sqlite3_open_v2(uri, &c->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI, NULL);
	free(uri);
	return rc;
}

/*
 * jf_today(): the command's day (the clock, $JIFEN_NOW or --at), for
 * queries that read the book as of today, as a shown balance does.
 */
static void
sql_today(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct jf_ctx *c = sqlite3_user_data(ctx);

	sqlite3_result_text(ctx, c->today, -1, SQLITE_TRANSIENT);
}

/* When, who and where: the clock and --at, the operator, the store. */
static int
who_when_where(struct jf_ctx *c, const struct jf_who *w)
{
	struct passwd *pw;
	const char *e;

	if (jf_now(c->clock) == -1)
		return JF_EUSAGE;
	memcpy(c->now, c->clock, sizeof(c->now));
	if (w->at != NULL && jf_ts_parse(w->at, c->now) == -1) {
		char why[512];

		snprintf(why, sizeof(why), "%s", jf_errmsg());
		return jf_error(JF_EUSAGE, "--at: %s", why);
	}
	memcpy(c->today, c->now, 10);
	c->today[10] = '\0';
	/* who runs this: the real user, never $USER or $LOGNAME; anyone
	 * else named must be proven (jf_prove()) */
	pw = getpwuid(getuid());
	snprintf(c->login, sizeof(c->login), "%s", pw ? pw->pw_name :
	    "unknown");
	e = w->operator;
	if (e == NULL || *e == '\0')
		e = getenv("JIFEN_OPERATOR");
	if (e == NULL || *e == '\0')
		e = c->login;
	if (strlen(e) >= sizeof(c->operator))
		return jf_error(JF_EUSAGE, _("--operator: name too long"));
	snprintf(c->operator, sizeof(c->operator), "%s", e);
	e = w->approve != NULL ? w->approve : "";
	if (strlen(e) >= sizeof(c->approver))
		return jf_error(JF_EUSAGE, _("--approve: name too long"));
	snprintf(c->approver, sizeof(c->approver), "%s", e);
	c->pin_fd = w->pin_fd_given ? w->pin_fd : -1;
	e = w->store;
	if (e == NULL || *e == '\0')
		e = getenv("JIFEN_STORE");
	c->store_chosen = e != NULL && *e != '\0';
	if (!c->store_chosen)
		e = "main";
	if (strlen(e) >= sizeof(c->store))
		return jf_error(JF_EUSAGE, _("--store: name too long"));
	snprintf(c->store, sizeof(c->store), "%s", e);
	return 0;
}

/* Whether -d or $JIFEN_DB named the book, rather than the default. */
static int
chosen(const struct jf_who *w)
{
	const char *e = getenv("JIFEN_DB");

	return (w->db != NULL && *w->db != '\0') || (e != NULL && *e != '\0');
}

/* 0, or JF_ECANTCREAT when the directory path is in is not there. */
static int
parent_exists(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *d;
	int rc = 0;

	if (slash == NULL || slash == path)
		return 0;
	if ((d = strndup(path, (size_t)(slash - path))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if (stat(d, &st) == -1 || !S_ISDIR(st.st_mode))
		rc = jf_error(JF_ECANTCREAT, _("%s: no directory %s to make "
		    "the book in (a typo?)"), path, d);
	free(d);
	return rc;
}

/*
 * The book's file: a missing one is made 0600 for a command that writes
 * (the default's directory too, 0700; one -d or $JIFEN_DB names must be
 * there), refused (66) for one that only reads; an empty one is
 * initialised only by a writer.
 */
static int
book_file(struct jf_ctx *c, const struct jf_who *w)
{
	struct stat st;
	int fd, rc;

	if ((c->path = db_path(w->db)) == NULL)
		return jf_error(JF_ECANTCREAT, _("cannot name the database"));
	c->readonly = w->reads;
	if (stat(c->path, &st) == -1) {
		if (errno != ENOENT)
			return jf_error(w->reads ? JF_ENOINPUT : JF_ECANTCREAT,
			    "%s: %s", c->path, strerror(errno));
		if (w->reads)
			return jf_error(JF_ENOINPUT, _("%s: no book here (the "
			    "first command that writes creates it)"), c->path);
		/*
		 * a book named by -d or $JIFEN_DB is made only where its
		 * directory is, so a typo makes no tree of its own
		 */
		if (chosen(w) && (rc = parent_exists(c->path)) != 0)
			return rc;
		/* created 0600 by us, not by SQLite under the umask */
		if (mkparent(c->path) == -1 ||
		    (fd = open(c->path, O_RDWR | O_CREAT | O_EXCL, 0600)) == -1) {
			if (errno != EEXIST)
				return jf_error(JF_ECANTCREAT, "%s: %s",
				    c->path, strerror(errno));
		} else
			close(fd);
	} else if (S_ISREG(st.st_mode) && st.st_size == 0) {
		/* a typo'd or truncated book must not pass for a new one */
		if (w->reads)
			return jf_error(JF_ENOINPUT, _("%s: an empty file, not "
			    "a book (a command that writes initialises it)"),
			    c->path);
		c->initialised = 1;
	}
	return 0;
}

/* A PostgreSQL book: connected, made or migrated, the operator proven. */
static int
open_pg(struct jf_ctx *c, const struct jf_who *w)
{
	int rc;

	if ((c->path = db_path(w->db)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	c->readonly = w->reads;
	if ((rc = jf_pg_open(c, c->path)) != 0 ||
	    (rc = jf_pg_today(c)) != 0 ||
	    (rc = migrate(c)) != 0 ||
	    (rc = jf_seal_load(c)) != 0 ||
	    (rc = jf_prove(c)) != 0 ||
	    (w->reads &&
	    (rc = run(c, "SET default_transaction_read_only = on")) != 0))
		return rc;
	return 0;
}

int
jf_open(const char *tool, const struct jf_who *w, int argc, char **argv,
    struct jf_ctx **cp)
{
	struct jf_ctx *c = calloc(1, sizeof(*c));
	const char *e;
	int rc;

	*cp = c;
	c->tool = tool;
	c->dry_run = w->dry_run;
	c->quiet = w->quiet;
	c->args = args_json(tool, argc, argv);
	if ((rc = who_when_where(c, w)) != 0)
		return rc;
	if (jf_pg_uri(w->db != NULL && *w->db ? w->db : getenv("JIFEN_DB")))
		return open_pg(c, w);
	if ((rc = book_file(c, w)) != 0)
		return rc;
	/* before SQLite opens a file it cannot write read-only, making a
	 * -shm file with its mode that locks writers out after a chmod */
	if (!w->reads && not_writable(c) != 0)
		return JF_ECANTCREAT;
	sqlite_once();
	if (w->reads)
		rc = open_readonly(c);
	else
		rc = sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE,
		    NULL);
	if (rc != SQLITE_OK) {
		if (!w->reads && not_writable(c) != 0)
			return JF_ECANTCREAT;
		return jf_error(w->reads ? JF_ENOINPUT : JF_ECANTCREAT,
		    "%s: %s", c->path, c->db ? sqlite3_errmsg(c->db) :
		    _("cannot open"));
	}
	e = getenv("JIFEN_BUSY_MS");
	sqlite3_busy_timeout(c->db, e && *e ? atoi(e) : 5000);
	sqlite3_create_function(c->db, "jf_today", 0, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, c, sql_today, NULL, NULL);
	/*
	 * A till commits every receipt, and at SQLite's default the WAL was
	 * copied back into the book every 1000 pages (about 50 receipts),
	 * with an fsync: 13% of a stream's time.  Most of those pages are
	 * the same few (the indexes' last leaves, the stock and balances),
	 * so every 10000 pages (40 MiB of WAL) copies them a tenth as often.
	 */
	if ((!w->reads &&
	    (rc = run(c, "PRAGMA journal_mode = WAL")) != 0) ||
	    (rc = run(c, "PRAGMA synchronous = NORMAL")) != 0 ||
	    (rc = run(c, "PRAGMA foreign_keys = ON")) != 0 ||
	    (rc = run(c, "PRAGMA cache_size = -65536")) != 0 ||
	    (rc = run(c, "PRAGMA secure_delete = ON")) != 0 ||
	    (rc = run(c, "PRAGMA wal_autocheckpoint = 10000")) != 0 ||
	    (rc = migrate(c)) != 0 ||
	    (rc = jf_seal_load(c)) != 0 ||
	    (rc = jf_prove(c)) != 0 ||
	    (w->reads && (rc = run(c, "PRAGMA query_only = 1")) != 0))
		return rc;
	return 0;
}

void
jf_close(struct jf_ctx *c)
{
	if (c == NULL)
		return;
	if (c->in_tx)
		jf_rollback(c);
	jf_audit_role_refusal(c);
	for (size_t i = 0; i < c->ncache; i++)
		if (c->pg != NULL)
			jf_pg_free(c->cache[i].st);
		else
			sqlite3_finalize(c->cache[i].st);
	free(c->cache);
	jf_pg_close(c);
	sqlite3_close(c->db);
	jf_seal_free(c);
	if (c->rules_cache_free != NULL)
		c->rules_cache_free(c->rules_cache);
	free(c->path);
	free(c->args);
	free(c);
}

int
jf_future(const struct jf_ctx *c, const char *ts)
{
	char day[JF_DATE_LEN];
	int64_t d, secs, now;

	/* seconds from the clock's day 0, enough to compare two stamps */
	memcpy(day, ts, 10);
	day[10] = '\0';
	d = jf_date_days(day) - jf_date_days(c->today);
	secs = d * 86400 + atoi(ts + 11) * 3600 + atoi(ts + 14) * 60 +
	    atoi(ts + 17);
	now = (jf_date_days(c->clock) - jf_date_days(c->today)) * 86400 +
	    atoi(c->clock + 11) * 3600 + atoi(c->clock + 14) * 60 +
	    atoi(c->clock + 17);
	return secs - now > JF_CLOCK_SKEW;
}

/*
 * --at moves a write in time only so far: never past the clock (beyond
 * JF_CLOCK_SKEW), and into an earlier day than the clock's only for a
 * manager.  What depends on time (the return window) reads c->clock.
 */
static int
check_at(struct jf_ctx *c)
{
	if (strcmp(c->now, c->clock) == 0 || c->schedules)
		return 0;
	if (jf_future(c, c->now))
		return jf_error(JF_EUSAGE, _("--at %s: later than the clock "
		    "(%s)"), c->now, c->clock);
	if (memcmp(c->now, c->clock, 10) < 0)
		return jf_need_role(c, JF_ROLE_MANAGER, _("--at on an earlier "
		    "day than today"));
	return 0;
}

/*
 * An audit row, the next link of the audit chain: the transaction's
 * (refused NULL), or one that records a refused sign-in (refused says
 * why), with the approver when one was named.
 */
static int
audit_row(struct jf_ctx *c, const char *refused, int64_t *id)
{
	char hash[JF_HASH_LEN], ids[24];
	const char *f[JF_AUDIT_FIELDS];
	int rc;

	f[0] = "";		/* the id, jf_chain_next()'s */
	f[1] = c->clock;
	f[2] = c->operator;
	f[3] = c->tool;
	f[4] = c->args;
	f[5] = *c->approver ? c->approver : NULL;
	f[6] = refused;
	if ((rc = jf_chain_next(c, JF_CHAIN_AUDIT, f, jf_chain_audit_n(f),
	    ids, id, hash)) != 0)
		return rc;
	return jf_q_exec(c, "INSERT INTO audit (id, at, operator, tool, args, "
	    "approver, refused, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    "ittttttt", *id, c->clock, c->operator, c->tool, c->args, f[5],
	    refused, hash);
}

/* BEGIN IMMEDIATE, or PostgreSQL's SERIALIZABLE under the write lock. */
static int
begin_write(struct jf_ctx *c)
{
	forget_cached(c);
	return c->pg != NULL ? jf_pg_begin(c) : run(c, "BEGIN IMMEDIATE");
}

static int
insert_audit(struct jf_ctx *c)
{
	return audit_row(c, NULL, &c->audit_id);
}

int
jf_begin(struct jf_ctx *c)
{
	int rc;

	if (c->readonly)
		return jf_error(JF_ESOFTWARE, _("%s: a write, but the book "
		    "was opened for reading only"), c->path);
	if ((rc = begin_write(c)) != 0)
		return rc;
	c->in_tx = 1;
	/* the staff may have changed since we opened */
	if ((rc = jf_check_staff(c)) != 0 || (rc = check_at(c)) != 0)
		goto fail;
	if ((rc = insert_audit(c)) != 0)
		goto fail;
	return 0;
fail:
	jf_rollback(c);
	return rc;
}

int
jf_clock_tick(struct jf_ctx *c)
{
	if (jf_now(c->clock) == -1)
		return JF_EUSAGE;
	memcpy(c->now, c->clock, sizeof(c->now));
	memcpy(c->today, c->now, 10);
	c->today[10] = '\0';
	return c->pg != NULL ? jf_pg_today(c) : 0;
}

int
jf_tx_begin(struct jf_ctx *c)
{
	int rc;

	if ((rc = begin_write(c)) != 0)
		return rc;
	c->in_tx = 1;
	return 0;
}

int
jf_tx_commit(struct jf_ctx *c)
{
	int rc = run(c, "COMMIT");

	if (rc != 0)
		jf_rollback(c);
	c->in_tx = 0;
	return rc;
}

/* An audit row in a transaction of its own, committed on a dry run too. */
static int
audit_alone(struct jf_ctx *c, const char *refused)
{
	int64_t id;
	int rc;

	/* a reader's book is query_only: this one row is its only write */
	if (c->readonly)
		run(c, c->pg != NULL ? "SET default_transaction_read_only = off" :
		    "PRAGMA query_only = 0");
	if ((rc = jf_tx_begin(c)) != 0)
		return rc;
	if ((rc = audit_row(c, refused, &id)) != 0) {
		jf_rollback(c);
		return rc;
	}
	return jf_tx_commit(c);
}

int
jf_audit_read(struct jf_ctx *c)
{
	return audit_alone(c, NULL);
}

int
jf_audit_dry_read(struct jf_ctx *c)
{
	return c->dry_run ? audit_alone(c, NULL) : 0;
}

int
jf_audit_refused(struct jf_ctx *c, const char *why)
{
	int64_t id;

	return audit_row(c, why, &id);
}

static void
jf_audit_role_refusal(struct jf_ctx *c)
{
	if (*c->refusal == '\0')
		return;
	audit_alone(c, c->refusal);
	*c->refusal = '\0';
}

static int dry_rolled;

int
jf_dry_rolled(void)
{
	return dry_rolled;
}

int
jf_commit(struct jf_ctx *c)
{
	int rc;

	if (c->dry_run) {
		jf_rollback(c);
		dry_rolled = 1;
		return 0;
	}
	rc = run(c, "COMMIT");
	if (rc != 0) {
		jf_rollback(c);
		return rc;
	}
	c->in_tx = 0;
	return 0;
}

void
jf_rollback(struct jf_ctx *c)
{
	forget_cached(c);
	if (c->pg != NULL) {
		if (jf_pg_in_tx(c))
			jf_pg_run(c, "ROLLBACK");
	} else if (sqlite3_get_autocommit(c->db) == 0)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	c->in_tx = 0;
}

void
jf_bulk(struct jf_ctx *c, int on)
{
	if (c->pg != NULL)
		jf_pg_bulk(c, on);
}

int
jf_engine_pg(const struct jf_ctx *c)
{
	return c->pg != NULL;
}

const char *
jf_store_filter(const struct jf_ctx *c)
{
	return c->store_chosen ? c->store : NULL;
}

int
jf_need_role(struct jf_ctx *c, int role, const char *what)
{
	const char *a = role == JF_ROLE_ADMIN ? "an" : "a";

	if (c->role >= role || c->approver_role >= role)
		return 0;
	/* what the audit log keeps of it: jf_audit_role_refusal() */
	snprintf(c->refusal, sizeof(c->refusal), "%s needs %s %s", what, a,
	    jf_role_name(role));
	if (*c->approver != '\0')
		return jf_error(JF_ENOPERM, _("%s needs %s %s; operator \"%s\" "
		    "is %s %s and approver \"%s\" %s %s"), what, a,
		    jf_role_name(role), c->operator,
		    c->role == JF_ROLE_ADMIN ? "an" : "a",
		    jf_role_name(c->role), c->approver,
		    c->approver_role == JF_ROLE_ADMIN ? "an" : "a",
		    jf_role_name(c->approver_role));
	return jf_error(JF_ENOPERM, _("%s needs %s %s; operator \"%s\" is %s %s"),
	    what, a, jf_role_name(role), c->operator,
	    c->role == JF_ROLE_ADMIN ? "an" : "a", jf_role_name(c->role));
}

/*
 * The keys an import has met (see db.h), in a private temporary database.
 */
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
	sqlite_once();
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

/*
 * Backups.  SQLite's online backup API copies the book page by page in
 * one read snapshot (tills may go on writing meanwhile); a restore copies
 * a backup over the book under its write lock, in one step.
 */

/* The schema version of the book at path, or -1 (message set) if none. */
static int
book_version(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1, ok = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	st = NULL;
	if (ok && sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM "
	    "sqlite_master WHERE name IN ('audit', 'ledger', 'member')), "
	    "(SELECT user_version FROM pragma_user_version)", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int(st, 0) == 3)
		v = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (v < 1)
		jf_error(JF_EDATA, _("%s: not a jifen book"), path);
	else if (v > SCHEMA_VERSION) {
		jf_error(JF_EDATA, _("%s: made by a newer jifen (schema %d)"),
		    path, v);
		v = -1;
	}
	return v;
}

/* Copies all of from's main database into to's; 0 or a status. */
static int
copy_book(struct jf_ctx *c, sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b;
	int rc;

	if ((b = sqlite3_backup_init(to, "main", from, "main")) == NULL)
		return jf_error(JF_ESOFTWARE, "%s", sqlite3_errmsg(to));
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return jf_dberr(c, rc);
	return 0;
}

int
jf_backup(struct jf_ctx *c, const char *path)
{
	sqlite3 *to = NULL;
	int fd, rc;

	if (c->pg != NULL)
		return jf_error(JF_EUSAGE, _("%s: a PostgreSQL book is backed "
		    "up with pg_dump (see jifen-chain(7))"), c->path);
	/* 0600 from the start: a backup holds the customers' data */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return jf_error(JF_ECANTCREAT, "%s: %s", path,
		    strerror(errno));
	close(fd);
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = jf_error(JF_ECANTCREAT, "%s: %s", path,
		    sqlite3_errmsg(to));
		sqlite3_close(to);
		return rc;
	}
	rc = copy_book(c, to, c->db);
	if (rc == 0 && sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL,
	    NULL, NULL) != SQLITE_OK)
		rc = jf_error(JF_ECANTCREAT, "%s: %s", path,
		    sqlite3_errmsg(to));
	if (sqlite3_close(to) != SQLITE_OK && rc == 0)
		rc = jf_error(JF_ECANTCREAT, _("%s: cannot close"), path);
	return rc;
}

int
jf_restore(struct jf_ctx *c, const char *path)
{
	sqlite3 *from = NULL;
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_ADMIN, _("restoring a book"))) != 0)
		return rc;
	if (c->pg != NULL)
		return jf_error(JF_EUSAGE, _("%s: a PostgreSQL book is restored "
		    "with pg_restore (see jifen-chain(7))"), c->path);
	if (c->dry_run)
		return 0;
	if (book_version(path) == -1)
		return JF_EDATA;
	if (sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = jf_error(JF_ENOINPUT, "%s: %s", path,
		    sqlite3_errmsg(from));
		sqlite3_close(from);
		return rc;
	}
	rc = copy_book(c, c->db, from);
	sqlite3_close(from);
	if (rc != 0 || (rc = migrate(c)) != 0)
		return rc;
	/*
	 * The restored book's audit log gets the restore as its last row,
	 * whoever its staff are: it happened.
	 */
	if ((rc = run(c, "BEGIN IMMEDIATE")) != 0)
		return rc;
	if ((rc = insert_audit(c)) != 0) {
		run(c, "ROLLBACK");
		return rc;
	}
	return run(c, "COMMIT");
}
