/*
 * pg.c - the book on PostgreSQL: libpq under db.h's query interface.
 *
 * The SQL is SQLite's, written in the subset both engines share; what
 * differs is here: ?-parameters become $N, values go as text, untyped:
 * the server infers each parameter's type from its use, so the SQL
 * says it where the use does not (CAST(? AS TEXT) IS NULL); a result is
 * read whole, and errors become err.h's statuses by their SQLSTATE.  Every unit of work is SERIALIZABLE, and its first
 * statement takes the book's write lock before the snapshot, so writers
 * follow one another as on SQLite (the audit and ledger hash chains
 * make each write the successor of the last) and never fail to
 * serialize.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "err.h"
#include "pg.h"

/*
 * libpq, and the twenty-odd libraries it needs (TLS, Kerberos, LDAP),
 * took every command 6 ms to load and bind before main(), a book on
 * SQLite too: 8.7 ms against 2.5 ms for a program that only opens
 * SQLite.  So it is loaded when a book on PostgreSQL is first opened,
 * and its functions are called through this table, under their names.
 */
#define PQ_FUNCS(X) \
	X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams) \
	X(PQconninfoFree) X(PQconninfoParse) X(PQenterPipelineMode) \
	X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQexecPrepared) \
	X(PQexitPipelineMode) X(PQfinish) X(PQgetisnull) X(PQgetResult) \
	X(PQgetvalue) X(PQnfields) X(PQntuples) X(PQpipelineSync) \
	X(PQprepare) X(PQresultErrorField) X(PQresultStatus) \
	X(PQsendQueryPrepared) X(PQstatus) X(PQtransactionStatus)

static struct {
#define X(f) __typeof__(f) *f;
	PQ_FUNCS(X)
#undef X
} pq;

/* libpq into pq, once a process: 0 or a status. */
static int
load_libpq(void)
{
	static int loaded;
	const char *e;
	void *h;

	if (loaded)
		return 0;
	if ((h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		return jf_error(JF_ESOFTWARE, _("a book on PostgreSQL needs "
		    "libpq (Debian's libpq5): %s"), e ? e : "dlopen");
	}
#define X(f) \
	if ((pq.f = (__typeof__(pq.f))dlsym(h, #f)) == NULL) \
		return jf_error(JF_ESOFTWARE, _("a book on PostgreSQL needs " \
		    "libpq 14 or later (%s)"), #f);
	PQ_FUNCS(X)
#undef X
	loaded = 1;
	return 0;
}

/* From here on, libpq's names call through the table. */
#define PQclear pq.PQclear
#define PQcmdStatus pq.PQcmdStatus
#define PQcmdTuples pq.PQcmdTuples
#define PQconnectdbParams pq.PQconnectdbParams
#define PQconninfoFree pq.PQconninfoFree
#define PQconninfoParse pq.PQconninfoParse
#define PQenterPipelineMode pq.PQenterPipelineMode
#define PQerrorMessage pq.PQerrorMessage
#define PQexec pq.PQexec
#define PQexecParams pq.PQexecParams
#define PQexecPrepared pq.PQexecPrepared
#define PQexitPipelineMode pq.PQexitPipelineMode
#define PQfinish pq.PQfinish
#define PQgetisnull pq.PQgetisnull
#define PQgetResult pq.PQgetResult
#define PQgetvalue pq.PQgetvalue
#define PQnfields pq.PQnfields
#define PQntuples pq.PQntuples
#define PQpipelineSync pq.PQpipelineSync
#define PQprepare pq.PQprepare
#define PQresultErrorField pq.PQresultErrorField
#define PQresultStatus pq.PQresultStatus
#define PQsendQueryPrepared pq.PQsendQueryPrepared
#define PQstatus pq.PQstatus
#define PQtransactionStatus pq.PQtransactionStatus


struct jf_pg {
	PGconn *conn;
	int nstmt;		/* statements prepared: their names */
	int changes;		/* the last command's rows */
	int bulk;		/* jf_pg_bulk(): writes go down a pipeline */
	int piped;		/* in libpq's pipeline mode */
	int pending;		/* writes sent whose results are unread */
	int failed;		/* a write's failure no call could return:
				   every call's until the rollback */
};

static int drain(struct jf_ctx *, struct jf_pg_stmt *);

/* Writes sent down the pipeline before their results are read. */
#define PIPE_MAX 512

struct jf_pg_stmt {
	char name[16];
	int sync;		/* RELEASE: the pipeline drained after it;
				   ROLLBACK (TO): before it */
	int nparams;
	char **vals;		/* owned copies, NULL for NULL */
	PGresult *res;
	int row, nrows, ran;
};

int
jf_pg_uri(const char *name)
{
	return name != NULL && (strncmp(name, "postgresql://", 13) == 0 ||
	    strncmp(name, "postgres://", 11) == 0);
}

/* The first line of libpq's message, for one line on stderr. */
static const char *
firstline(const char *m, char *buf, size_t size)
{
	size_t n = strcspn(m, "\n");

	snprintf(buf, size, "%.*s", (int)n, m);
	return buf;
}

/* An error result as err.h's status, by its SQLSTATE. */
static int
pgerr(struct jf_ctx *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	const char *m = res ? PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char buf[512];

	if (m == NULL)
		m = firstline(PQerrorMessage(c->pg->conn), buf, sizeof(buf));
	if (state == NULL)
		return jf_error(JF_EBUSY, _("database: %s"), m);
	/* serialization failure, deadlock, lock or statement timeout */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return jf_error(JF_EBUSY,
		    _("database is busy: try again later"));
	if (strncmp(state, "23", 2) == 0)
		return jf_error(JF_EREFUSED, "%s", m);
	/* the connection is gone: the server, or the network */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return jf_error(JF_EBUSY, _("database: %s"), m);
	return jf_error(JF_ESOFTWARE, _("database: %s"), m);
}

/* A password written into the URI: libpq's files are where it belongs. */
static int
has_password(const char *name)
{
	PQconninfoOption *o = PQconninfoParse(name, NULL), *p;
	int yes = 0;

	if (o == NULL)
		return -1;
	for (p = o; p->keyword != NULL; p++)
		if (strcmp(p->keyword, "password") == 0 && p->val != NULL &&
		    *p->val != '\0')
			yes = 1;
	PQconninfoFree(o);
	return yes;
}

int
jf_pg_open(struct jf_ctx *c, const char *name)
{
	static const char *const kw[] = { "dbname", "fallback_application_name",
		NULL };
	const char *val[] = { name, "jifen", NULL };
	const char *e;
	char buf[512], set[64];
	int rc;

	if ((rc = load_libpq()) != 0)
		return rc;
	switch (has_password(name)) {
	case -1:
		return jf_error(JF_EUSAGE, _("%s: not a connection URI"),
		    c->path);
	case 1:
		return jf_error(JF_EUSAGE, _("%s: a password in the URI; "
		    "libpq reads it from ~/.pgpass, $PGPASSFILE or "
		    "$PGSERVICE"), c->path);
	}
	if ((c->pg = calloc(1, sizeof(*c->pg))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	c->pg->conn = PQconnectdbParams(kw, val, 1);
	if (PQstatus(c->pg->conn) != CONNECTION_OK)
		return jf_error(c->readonly ? JF_ENOINPUT : JF_ECANTCREAT,
		    "%s: %s", c->path, firstline(PQerrorMessage(c->pg->conn),
		    buf, sizeof(buf)));
	/* how long a writer waits for the lock: $JIFEN_BUSY_MS, as SQLite */
	e = getenv("JIFEN_BUSY_MS");
	snprintf(set, sizeof(set), "SET lock_timeout = %d",
	    e && *e ? atoi(e) : 5000);
	if ((rc = jf_pg_run(c, set)) != 0 ||
	    (rc = jf_pg_run(c, "SET client_min_messages = warning")) != 0)
		return rc;
	return 0;
}

void
jf_pg_close(struct jf_ctx *c)
{
	if (c->pg == NULL)
		return;
	drain(c, NULL);
	PQfinish(c->pg->conn);
	free(c->pg);
	c->pg = NULL;
}

/*
 * The pipeline's results read, up to its sync, and pipeline mode left:
 * 0, or the status of the first write that failed (the rest were not
 * run), which the caller returns as its own.  A query q goes down the
 * pipeline last, its result kept in q->res: the writes before it and it
 * cost one round trip.
 */
static int
drain(struct jf_ctx *c, struct jf_pg_stmt *q)
{
	struct jf_pg *pg = c->pg;
	PGresult *res;
	int rc = 0, st, k = 0;

	if (!pg->piped)
		return 0;
	if (q != NULL && PQsendQueryPrepared(pg->conn, q->name, q->nparams,
	    (const char *const *)q->vals, NULL, NULL, 0) != 1)
		rc = pgerr(c, NULL), q = NULL;
	if (PQpipelineSync(pg->conn) != 1)
		rc = rc ? rc : pgerr(c, NULL);
	for (;;) {
		if ((res = PQgetResult(pg->conn)) == NULL) {
			if (PQstatus(pg->conn) != CONNECTION_OK) {
				rc = rc ? rc : pgerr(c, NULL);
				break;
			}
			k++;		/* the end of one statement's results */
			continue;
		}
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (q != NULL && k == pg->pending && q->res == NULL) {
			q->res = res;
			continue;
		}
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			const char *n = PQcmdTuples(res);

			pg->changes = n && *n ? atoi(n) : 0;
		} else if (st != PGRES_PIPELINE_ABORTED && rc == 0)
			rc = pgerr(c, res);
		PQclear(res);
	}
	pg->pending = 0;
	if (PQexitPipelineMode(pg->conn) == 1)
		pg->piped = 0;
	else if (rc == 0)
		rc = pgerr(c, NULL);
	return rc;
}

void
jf_pg_bulk(struct jf_ctx *c, int on)
{
	if (c->pg == NULL)
		return;
	if (!on)
		drain(c, NULL);
	c->pg->bulk = on;
}

int
jf_pg_exec(struct jf_ctx *c, struct jf_pg_stmt *s)
{
	struct jf_pg *pg = c->pg;
	int rc;

	if (s->sync == 2)
		pg->failed = 0;		/* ROLLBACK TO: the failure undone */
	else if (pg->failed)
		return pg->failed;
	if (!pg->bulk || s->sync == 2) {
		if ((rc = drain(c, NULL)) != 0 && s->sync != 2)
			return rc;
		while ((rc = jf_pg_step(c, s)) == 1)
			;
		return rc < 0 ? -rc : 0;
	}
	if (!pg->piped) {
		if (PQenterPipelineMode(pg->conn) != 1)
			return pgerr(c, NULL);
		pg->piped = 1;
	}
	if (PQsendQueryPrepared(pg->conn, s->name, s->nparams,
	    (const char *const *)s->vals, NULL, NULL, 0) != 1)
		return pgerr(c, NULL);
	/*
	 * A savepoint released: its writes' failures are its own.  And the
	 * server's answers must not fill the socket unread.
	 */
	if (++pg->pending >= PIPE_MAX || s->sync)
		return drain(c, NULL);
	return 0;
}

int
jf_pg_run(struct jf_ctx *c, const char *sql)
{
	PGresult *res;
	int st, rc;

	/* a rollback undoes whatever failed in the pipeline: it runs */
	if (strncmp(sql, "ROLLBACK", 8) == 0) {
		c->pg->failed = 0;
		drain(c, NULL);
	} else if (c->pg->failed)
		return c->pg->failed;
	else if ((rc = drain(c, NULL)) != 0)
		return rc;
	res = PQexec(c->pg->conn, sql);
	st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pgerr(c, res);
	/*
	 * A COMMIT of a transaction an error aborted rolls it back, and
	 * says so only in its tag: the work is lost, which is no success.
	 */
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0 &&
	    strcmp(sql, "COMMIT") == 0)
		rc = jf_error(JF_ESOFTWARE, _("database: the transaction was "
		    "rolled back after an error"));
	PQclear(res);
	return rc;
}

/*
 * SQLite's ?, ?N into PostgreSQL's $N (a bare ? is one more than the
 * largest number before it), outside quoted text and names; the count
 * of parameters into *n.  New text: free().
 */
static char *
dollars(const char *sql, int *n)
{
	char *out = malloc(strlen(sql) * 3 + 1), *o = out;
	int max = 0;
	char q = 0;

	if (out == NULL)
		return NULL;
	for (const char *p = sql; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			*o++ = *p;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
			*o++ = *p;
		} else if (*p == '?') {
			char *end;
			int k = max + 1;

			if (p[1] >= '0' && p[1] <= '9') {
				k = (int)strtol(p + 1, &end, 10);
				p = end - 1;
			}
			if (k > max)
				max = k;
			o += sprintf(o, "$%d", k);
		} else
			*o++ = *p;
	}
	*o = '\0';
	*n = max;
	return out;
}

static struct jf_pg_stmt *
prepare(struct jf_ctx *c, const char *sql)
{
	struct jf_pg_stmt *s = calloc(1, sizeof(*s));
	PGresult *res;
	char *text;
	int n = 0;

	if (drain(c, NULL) != 0)
		return NULL;
	if (s == NULL || (text = dollars(sql, &n)) == NULL) {
		free(s);
		jf_error(JF_ESOFTWARE, _("out of memory"));
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "s%d", ++c->pg->nstmt);
	if (strncmp(sql, "ROLLBACK", 8) == 0)
		s->sync = 2;
	else
		s->sync = strncmp(sql, "RELEASE", 7) == 0;
	s->nparams = n;
	s->vals = calloc(n > 0 ? (size_t)n : 1, sizeof(*s->vals));
	res = PQprepare(c->pg->conn, s->name, text, 0, NULL);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pgerr(c, res);
		PQclear(res);
		free(s->vals);
		free(s);
		return NULL;
	}
	PQclear(res);
	return s;
}

void
jf_pg_reset(struct jf_pg_stmt *s)
{
	if (s == NULL)
		return;
	PQclear(s->res);
	s->res = NULL;
	s->ran = 0;
	s->row = s->nrows = 0;
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
	}
}

void
jf_pg_free(struct jf_pg_stmt *s)
{
	if (s == NULL)
		return;
	jf_pg_reset(s);
	free(s->vals);
	free(s);
}

static int
put(struct jf_pg_stmt *s, int i, const char *v)
{
	if (i >= s->nparams)
		return 0;	/* SQLite ignores them too: none are */
	free(s->vals[i]);
	s->vals[i] = v ? strdup(v) : NULL;
	return v != NULL && s->vals[i] == NULL ?
	    jf_error(JF_ESOFTWARE, _("out of memory")) : 0;
}

int
jf_pg_prep(struct jf_ctx *c, const char *sql, const char *fmt, va_list ap,
    struct jf_pg_stmt **sp)
{
	struct jf_pg_stmt *s = *sp;
	char num[24];
	int rc = 0;

	if (s == NULL && (s = *sp = prepare(c, sql)) == NULL)
		return JF_ESOFTWARE;
	jf_pg_reset(s);
	for (int i = 0; rc == 0 && fmt != NULL && fmt[i]; i++) {
		const char *t;
		int64_t v;

		switch (fmt[i]) {
		case 'i':
		case 'n':
			v = va_arg(ap, int64_t);
			snprintf(num, sizeof(num), "%lld", (long long)v);
			rc = put(s, i, fmt[i] == 'n' && v == 0 ? NULL : num);
			break;
		case 't':
		case 'T':
			t = va_arg(ap, const char *);
			if (fmt[i] == 'T' && t != NULL && *t == '\0')
				t = NULL;
			rc = put(s, i, t);
			break;
		default:
			return jf_error(JF_ESOFTWARE, "query: bad format %c",
			    fmt[i]);
		}
	}
	return rc;
}

int
jf_pg_step(struct jf_ctx *c, struct jf_pg_stmt *s)
{
	const char *n;
	int st;

	if (!s->ran) {
		int rc;

		if ((rc = c->pg->failed) != 0)
			return -rc;
		s->ran = 1;
		if (c->pg->piped) {
			if ((rc = drain(c, s)) != 0)
				return -rc;
		} else
			s->res = PQexecPrepared(c->pg->conn, s->name,
			    s->nparams, (const char *const *)s->vals, NULL,
			    NULL, 0);
		st = PQresultStatus(s->res);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
			return -pgerr(c, s->res);
		s->nrows = PQntuples(s->res);
		s->row = -1;
		n = PQcmdTuples(s->res);
		c->pg->changes = n && *n ? atoi(n) : 0;
	}
	if (s->row + 1 >= s->nrows)
		return 0;
	s->row++;
	return 1;
}

int64_t
jf_pg_int(const struct jf_pg_stmt *s, int col)
{
	const char *v;

	if (s->res == NULL || s->row < 0 || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return 0;
	v = PQgetvalue(s->res, s->row, col);
	/* a boolean, where SQLite's comparisons give 1 or 0 */
	if (strcmp(v, "t") == 0)
		return 1;
	return strtoll(v, NULL, 10);
}

const char *
jf_pg_text(const struct jf_pg_stmt *s, int col)
{
	if (s->res == NULL || s->row < 0 || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

int64_t
jf_pg_last_id(struct jf_ctx *c)
{
	PGresult *res;
	int64_t id = 0;

	if ((c->pg->failed = drain(c, NULL)) != 0)
		return 0;
	res = PQexec(c->pg->conn, "SELECT lastval()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return id;
}

int
jf_pg_changes(struct jf_ctx *c)
{
	if ((c->pg->failed = drain(c, NULL)) != 0)
		return 0;
	return c->pg->changes;
}

int
jf_pg_in_tx(struct jf_ctx *c)
{
	return c->pg != NULL &&
	    PQtransactionStatus(c->pg->conn) != PQTRANS_IDLE;
}

int
jf_pg_begin(struct jf_ctx *c)
{
	return jf_pg_run(c, "BEGIN ISOLATION LEVEL SERIALIZABLE; "
	    "LOCK TABLE jf_schema IN EXCLUSIVE MODE");
}

int
jf_pg_version(struct jf_ctx *c, int *v)
{
	PGresult *res;
	int rc = 0;

	*v = 0;
	res = PQexec(c->pg->conn, "SELECT CASE WHEN to_regclass('jf_schema') "
	    "IS NULL THEN -1 ELSE 0 END");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pgerr(c, res);
	else if (atoi(PQgetvalue(res, 0, 0)) == 0) {
		PQclear(res);
		res = PQexec(c->pg->conn, "SELECT max(version) FROM jf_schema");
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = pgerr(c, res);
		else
			*v = atoi(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return rc;
}

int
jf_pg_today(struct jf_ctx *c)
{
	const char *v[1] = { c->today };
	PGresult *res = PQexecParams(c->pg->conn, "SELECT set_config("
	    "'jifen.today', $1, false)", 1, NULL, v, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pgerr(c, res);
	PQclear(res);
	return rc;
}
