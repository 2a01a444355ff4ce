/*
 * db.h - the book: opening it, its transactions, operators and audit.
 *
 * A tool opens one struct jf_ctx; it carries the database handle and
 * what every write needs to know: who (operator and role), where (store),
 * when (the clock, or --at), and whether this is a dry run.  Every unit
 * of work is
 *
 *	if ((rc = jf_begin(c)) != 0) return rc;	   BEGIN IMMEDIATE + audit row
 *	... jf_stmt(), jf_step() ...
 *	return jf_commit(c);			   ROLLBACK instead on --dry-run
 *
 * and on failure jf_rollback(c).  SQL lives in lib/ only, always as
 * prepared statements with bound values; jf_stmt() caches them by the
 * address of their (static) text.
 */
#ifndef JF_DB_H
#define JF_DB_H

#include <stdint.h>

#include "jtime.h"

enum { JF_ROLE_NONE, JF_ROLE_CASHIER, JF_ROLE_MANAGER, JF_ROLE_ADMIN };

/*
 * What opening the book needs to know: which book, who (and who
 * approves), and when and where the work is done.
 */
struct jf_who {
	const char *db;		/* a path, or NULL: $JIFEN_DB, the default */
	const char *operator;
	const char *approve;	/* --approve NAME */
	int pin_fd;		/* where PINs are read, when pin_fd_given */
	int pin_fd_given;
	const char *store;
	const char *at;
	int dry_run;
	int quiet;
	int reads;		/* the command only reads: see jf_open() */
};

struct sqlite3;			/* the engines', private to db.c */
struct jf_pg;			/* and pg.c */
struct jf_stmt_slot;

struct jf_ctx {
	struct sqlite3 *db;
	struct jf_pg *pg;	/* a PostgreSQL book's, else NULL */
	char *path;		/* the book's path or URI, for messages */
	const char *tool;
	char operator[128];	/* proven: see pin.h */
	char login[128];	/* the real user's login name */
	char approver[128];	/* --approve's, proven; "" for none */
	int role;		/* the operator's; ADMIN while none registered */
	int approver_role;	/* the approver's, or JF_ROLE_NONE */
	int pin_fd;		/* --pin-fd, or -1: the terminal */
	int nops;		/* operators registered */
	char store[64];
	int store_chosen;	/* by --store or $JIFEN_STORE, not "main" */
	char now[JF_TS_LEN];	/* --at, $JIFEN_NOW, or the clock */
	char clock[JF_TS_LEN];	/* $JIFEN_NOW or the clock: when the book
				   records a write, whatever --at claims */
	int schedules;		/* --at is when it takes effect (rules) */
	char today[JF_DATE_LEN];
	int dry_run;
	int quiet;
	int fmt;		/* the output's: set by the tools' frame */
	char *args;		/* argv as JSON, for the audit log */
	int64_t audit_id;	/* of the open transaction */
	int in_tx;
	int readonly;		/* opened for a command that only reads */
	int initialised;	/* a 0-byte file was made a book by this run */
	struct jf_stmt_slot *cache;	/* open addressing, grows at 3/4 */
	size_t ncache, nused;
	void *seal;		/* a sealed book's keys (seal.h), or NULL */
	char refusal[256];	/* what jf_need_role() refused, for the log */
	int64_t tip_id[2];	/* each chain's last link in this */
	char tip_hash[2][65];	/* transaction, when tip_ok (chain.c) */
	int tip_ok[2];
	unsigned tx_gen;	/* counts them: what stock.c keeps is of one */
	void *rules_cache;	/* lib/rules.c's parsed versions, */
	void (*rules_cache_free)(void *);	/* and how to free them */
};

/*
 * Opens (creating 0600, migrating) the database named by w->db,
 * $JIFEN_DB or $XDG_DATA_HOME/jifen/jifen.db and checks the operator.
 * argv is recorded in the audit rows of this run's writes.
 *
 * When w->reads is set the command only reads: a missing or empty
 * (0-byte) file is JF_ENOINPUT naming the path, never a new book, and
 * the book is opened so that it leaves nothing behind that a later
 * writer could not use: read-write with PRAGMA query_only where the
 * file and its directory are writable (the last to close removes the
 * -wal and -shm files), else immutable, with no lock file, when no -wal
 * exists, else read-only.  Otherwise a missing book is created, and an
 * empty file is initialised, setting c->initialised for the caller to
 * say so.  A book that cannot be written is JF_ECANTCREAT naming what
 * to fix: the file, its directory or a -shm file.
 */
int jf_open(const char *tool, const struct jf_who *w, int argc,
    char **argv, struct jf_ctx **cp);
void jf_close(struct jf_ctx *c);
/*
 * Whether name (-d's, $JIFEN_DB's) is a PostgreSQL connection URI, a
 * book on a server, rather than a SQLite file's path.
 */
int jf_db_uri(const char *name);
/* The path of the book w names (new: free()), NULL when out of memory. */
char *jf_db_path(const struct jf_who *w);

int jf_begin(struct jf_ctx *c);		/* BEGIN IMMEDIATE; 75 when busy */

/* How far a time given may run ahead of the clock (tills drift). */
#define JF_CLOCK_SKEW 300
/* 1 if ts is later than c->clock by more than JF_CLOCK_SKEW seconds. */
int jf_future(const struct jf_ctx *c, const char *ts);
int jf_commit(struct jf_ctx *c);	/* or ROLLBACK on a dry run */
/* 1 once a dry run's work was rolled back by jf_commit(), in any book. */
int jf_dry_rolled(void);
void jf_rollback(struct jf_ctx *c);

/*
 * Queries: sql is static text with ?-parameters (never text built from
 * input), cached by its address; fmt gives the parameters' types, one
 * letter each: i int64_t, t const char * (NULL binds NULL), T likewise
 * but "" binds NULL too, n an int64_t id (0 binds NULL).  Each returns 0
 * or an err.h status with the message set.
 */
int jf_q_exec(struct jf_ctx *c, const char *sql, const char *fmt, ...);
/* The first column of the first row into *out; JF_ENOROW when none. */
int jf_q_int(struct jf_ctx *c, const char *sql, int64_t *out,
    const char *fmt, ...);

/*
 * Rows, as stdio reads lines:
 *
 *	struct jf_rows r;
 *
 *	jf_q_open(c, &r, sql, "i", id);
 *	while (jf_q_next(&r))
 *		... jf_r_int(&r, 0), jf_r_text(&r, 1) ...
 *	if ((rc = jf_q_close(&r)) != 0)
 *		return rc;
 *
 * A column's text is borrowed until the next jf_q_next().  Nothing may
 * write the tables a query reads while it is open.
 */
struct jf_rows {
	struct jf_ctx *c;
	void *st;		/* the engine's statement */
	int rc, done;
};
int jf_q_open(struct jf_ctx *c, struct jf_rows *r, const char *sql,
    const char *fmt, ...);
int jf_q_next(struct jf_rows *r);		/* 1: a row; 0: no more */
int jf_q_close(struct jf_rows *r);		/* 0 or the status */
int64_t jf_r_int(const struct jf_rows *r, int col);
const char *jf_r_text(const struct jf_rows *r, int col);	/* "" for NULL */
const char *jf_r_opt(const struct jf_rows *r, int col);	/* NULL for NULL */
/* The row id the last INSERT made. */
int64_t jf_last_id(struct jf_ctx *c);
/*
 * The rows the last INSERT, UPDATE or DELETE changed: 0 after an INSERT
 * ... ON CONFLICT DO NOTHING that met a conflict.  (RETURNING would tell
 * too, but SQLite buffers its rows in a temporary table each time.)
 */
int jf_changes(struct jf_ctx *c);

/*
 * "138****5678" into buf (at least 64 bytes): all a list, an export or
 * the audit log shows of a phone.
 */
const char *jf_mask_phone(const char *p, char *buf);
/*
 * Whether p is a phone number, the one definition the register and the
 * audit log's masking share: an optional "+", then 6 to 15 digits.  0 or
 * -1.
 */
int jf_phone_check(const char *p);
/*
 * A phone as the register keeps it: without spaces and dashes, and a
 * Chinese number without its +86 or 0086 ("138 0013 8000", "+86
 * 138-0013-8000": 13800138000); another country's + stays.  Into buf
 * (size bytes), or s itself (borrowed) when it holds more than digits,
 * spaces, dashes and a leading + (a member code) or is too long.
 */
const char *jf_phone_norm(const char *s, char *buf, size_t size);

/*
 * Bulk work (an import) from here on (1) or no more (0): on PostgreSQL
 * its writes go down one pipeline, their failures reported by the next
 * query, savepoint or commit; nothing changes on SQLite.
 */
void jf_bulk(struct jf_ctx *c, int on);

/* Whether the book is PostgreSQL's (DESIGN.md section 7), not SQLite's. */
int jf_engine_pg(const struct jf_ctx *c);

/*
 * The store a listing or report narrows to: the one --store or
 * $JIFEN_STORE chose, or NULL (every store) when neither did.
 */
const char *jf_store_filter(const struct jf_ctx *c);

/*
 * The clock read again, for a run that books many things over time (a
 * stream): now, and today, are the clock's (or $JIFEN_NOW's).
 */
int jf_clock_tick(struct jf_ctx *c);

/*
 * The sign-in's own writes (pin.c): a transaction with no audit row and
 * no checks, committed even on a dry run; an audit row that records a
 * refusal, why saying what was refused ("wrong PIN").
 */
int jf_tx_begin(struct jf_ctx *c);
int jf_tx_commit(struct jf_ctx *c);
int jf_audit_refused(struct jf_ctx *c, const char *why);
/*
 * A read of personal data whole (member list --unmask) leaves its audit
 * row, in a transaction of its own, on a dry run too; jf_audit_dry_read
 * does so only on a dry run, for a command whose real run writes anyway
 * (expire remind).
 */
int jf_audit_read(struct jf_ctx *c);
int jf_audit_dry_read(struct jf_ctx *c);

/* The operator's registered role, JF_ROLE_NONE when not registered. */
int jf_operator_role(struct jf_ctx *c, const char *name, int *role);
/*
 * Counts the staff (c->nops) and sets c->role and c->approver_role:
 * 0, or JF_ENOPERM when the operator or the approver is not registered
 * while anyone is.
 */
int jf_check_staff(struct jf_ctx *c);

/*
 * jf_backup() copies the book, one consistent snapshot while others may
 * write, into a new file at path (0600); jf_restore() copies the backup
 * at path over the book, in one step under its write lock, migrates it
 * and appends the restore to its audit log: an admin's, and with a dry
 * run only that is checked.  0 or a status: a path that is not a book,
 * or one from a newer jifen, is JF_EDATA.
 */
int jf_backup(struct jf_ctx *c, const char *path);
int jf_restore(struct jf_ctx *c, const char *path);
/*
 * 0, or JF_ENOPERM naming the role needed for what: the operator's role
 * or the approver's (--approve) must be at least role.  A refusal is
 * recorded when the book is closed, the command's transaction rolled
 * back: an audit row of its own whose refused says what was needed.
 */
int jf_need_role(struct jf_ctx *c, int role, const char *what);
const char *jf_role_name(int role);
int jf_role_parse(const char *s);

/*
 * The keys an import's input names (receipt numbers), with the row each
 * was first met at, kept in a private temporary database: flat memory
 * whatever the file's size, and no lock on the book.  jf_seen_add()
 * sets *first to that row, or 0 when key is new.  An import reads its
 * file once through it to find the lines of one receipt that stand
 * apart, before it writes anything.
 */
struct jf_seen;
int jf_seen_new(struct jf_seen **sp);
int jf_seen_add(struct jf_seen *s, const char *key, long row, long *first);
void jf_seen_free(struct jf_seen *s);


#endif
