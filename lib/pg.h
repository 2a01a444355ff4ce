/*
 * pg.h - the book on PostgreSQL, through libpq (DESIGN.md section 7).
 *
 * Private to db.c, which calls these where it would call SQLite: the
 * query interface of db.h is the same for both engines.  A statement is
 * prepared once per connection from the same static SQL text, its ?
 * (and ?N) parameters numbered $N; values travel as text, their types
 * the server's inference, and come back as text.  A whole result is read at once:
 * a query may be open while another runs, as with SQLite.
 */
#ifndef JF_PG_H
#define JF_PG_H

#include <stdarg.h>
#include <stdint.h>

struct jf_ctx;
struct jf_pg;
struct jf_pg_stmt;

/* Whether name is a libpq connection URI rather than a SQLite path. */
int jf_pg_uri(const char *name);
/*
 * Connects c->pg to the book name names; 0 or a status (a password in
 * the URI is a usage error: libpq reads it from ~/.pgpass).  shown is
 * name without its user's password, for messages.
 */
int jf_pg_open(struct jf_ctx *c, const char *name);
void jf_pg_close(struct jf_ctx *c);
/* Static SQL without parameters, one or more statements. */
int jf_pg_run(struct jf_ctx *c, const char *sql);
/* The statement of sql (cached by address) with fmt's values bound. */
int jf_pg_prep(struct jf_ctx *c, const char *sql, const char *fmt,
    va_list ap, struct jf_pg_stmt **st);
/*
 * A statement run for its effect: 0 or a status.  Under jf_pg_bulk(c, 1)
 * (an import) it is sent down libpq's pipeline, unanswered, and a write
 * that failed fails the next call that reads (a query, jf_pg_changes(),
 * a savepoint's RELEASE, COMMIT): a batch's writes cost no round trip
 * each.
 */
int jf_pg_exec(struct jf_ctx *c, struct jf_pg_stmt *st);
void jf_pg_bulk(struct jf_ctx *c, int on);
/* 1: a row; 0: no more; else minus a status (message set). */
int jf_pg_step(struct jf_ctx *c, struct jf_pg_stmt *st);
void jf_pg_reset(struct jf_pg_stmt *st);
void jf_pg_free(struct jf_pg_stmt *st);
int64_t jf_pg_int(const struct jf_pg_stmt *st, int col);
const char *jf_pg_text(const struct jf_pg_stmt *st, int col);
int64_t jf_pg_last_id(struct jf_ctx *c);
int jf_pg_changes(struct jf_ctx *c);
/* Whether a transaction is open on the connection. */
int jf_pg_in_tx(struct jf_ctx *c);
/*
 * BEGIN for a unit of work: SERIALIZABLE, its first statement the
 * book's write lock (LOCK TABLE jf_schema), taken before the snapshot,
 * as BEGIN IMMEDIATE takes SQLite's; waiting at most $JIFEN_BUSY_MS.
 */
int jf_pg_begin(struct jf_ctx *c);
/* The book's schema version, 0 for an empty database. */
int jf_pg_version(struct jf_ctx *c, int *v);
/* The command's day for jf_today(), after each tick of the clock. */
int jf_pg_today(struct jf_ctx *c);

#endif
