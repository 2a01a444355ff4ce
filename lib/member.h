/*
 * member.h - the members' register and the staff (operators).
 *
 * A member is named on the command line by code ("M0000123") or phone;
 * jf_member_find() takes either.  The functions that write run inside the
 * caller's jf_begin() ... jf_commit(), and check that the operator's role
 * allows what they do (JF_ENOPERM): a status is a manager's to change,
 * forgetting a member and whole phones and emails are a manager's, the
 * staff is an admin's.
 */
#ifndef JF_MEMBER_H
#define JF_MEMBER_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* A member as the tools print it; strings are owned (jf_member_clear). */
struct jf_member {
	int64_t id;
	char *code, *phone, *name, *email, *birthday;
	char *referrer;		/* the referrer's code */
	char *joined, *tier, *status;
	int64_t balance, debt;	/* balance: lapsed lots not counted */
};

/* What a person or an import row gives; NULL or "" is "not given". */
struct jf_member_in {
	const char *code, *phone, *name, *email, *birthday, *referrer;
	const char *joined, *status;
};

void jf_member_clear(struct jf_member *m);
/* By code, else by phone: 0, or JF_EREFUSED "no member \"id\"". */
int jf_member_find(struct jf_ctx *c, const char *id, struct jf_member *m);
/* Just the row id, for the hot paths: 0 or JF_EREFUSED. */
int jf_member_id(struct jf_ctx *c, const char *id, int64_t *mid);
/* A member by row id. */
int jf_member_get(struct jf_ctx *c, int64_t mid, struct jf_member *m);

/*
 * Checks every given field; on a fault returns JF_EDATA with the message
 * and *col set to the field's column name ("phone", "birthday", ...).
 * Like adding, updating and importing, it takes a phone with spaces,
 * dashes or +86 and a day as people write it (jtime.h), and the book
 * keeps them as 13800138000 and YYYY-MM-DD.
 */
int jf_member_check(const struct jf_member_in *in, const char **col);
/* Whether s is a status: active, frozen or closed. */
int jf_member_status_ok(const char *s);
/* Inserts a new member (generating a code if none): 0, or JF_EREFUSED for
 * a duplicate code or phone. */
int jf_member_add(struct jf_ctx *c, const struct jf_member_in *in,
    int64_t *mid);
/* Sets the fields given; status too (a manager's). */
int jf_member_update(struct jf_ctx *c, int64_t mid,
    const struct jf_member_in *in);

enum { JF_IMPORT_ADDED, JF_IMPORT_UPDATED, JF_IMPORT_SAME };
/*
 * One import row: a new member is added; one that exists (by code, or by
 * phone when no code is given) is left as it is, or updated when update
 * is set.  *what says which.  A phone that belongs to another member is
 * JF_EDATA with *col "phone".
 */
int jf_member_import(struct jf_ctx *c, const struct jf_member_in *in,
    int update, int *what, const char **col);

/*
 * Erases name, phone, email and birthday; keeps the code and the books.
 * A manager's.
 */
int jf_member_forget(struct jf_ctx *c, int64_t mid);

/*
 * RFM, the one definition (report members counts it, member list
 * --segment lists it): a CTE "rfm(member_id, r, f, m, segment)" over
 * every member who ever bought.  Each score is 1 to 5 by quintile of
 * rank, 1 + 5 (rank - 1) / n, ranked from the worst and ties sharing a
 * rank: recency by the day of the last purchase, frequency by
 * receipts, monetary value by the sum paid.  The segments are decided
 * in the order of jf_rfm_segments.
 */
#define JF_RFM_CTE \
	"b AS (SELECT member_id, substr(max(at), 1, 10) AS last, " \
	"count(*) AS f, sum(paid) AS m FROM sale " \
	"WHERE member_id IS NOT NULL GROUP BY member_id), " \
	"n AS (SELECT count(*) AS n FROM b), " \
	"s AS (SELECT member_id, " \
	"1 + (rank() OVER (ORDER BY last) - 1) * 5 / n.n AS r, " \
	"1 + (rank() OVER (ORDER BY f) - 1) * 5 / n.n AS f, " \
	"1 + (rank() OVER (ORDER BY m) - 1) * 5 / n.n AS m FROM b, n), " \
	"rfm AS (SELECT member_id, r, f, m, CASE " \
	"WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champions' " \
	"WHEN r <= 2 AND f >= 3 THEN 'at_risk' " \
	"WHEN r <= 2 THEN 'lost' " \
	"WHEN f >= 4 THEN 'loyal' " \
	"WHEN r >= 4 THEN 'promising' " \
	"ELSE 'needs_attention' END AS segment FROM s) "

/* The segments' names, in the order report members prints them. */
extern const char *const jf_rfm_segments[];
/* A member's statuses. */
extern const char *const jf_member_statuses[];

struct jf_member_filter {
	const char *tier, *status, *query;
	const char *segment;		/* an RFM segment's name, or NULL */
	char joined_since[JF_DATE_LEN];	/* the first day joined, "" any */
	char joined_until[JF_DATE_LEN];	/* the last, "" any */
	int birthday_month;		/* 0: any */
	int inactive_days;		/* -1: any */
	int unmask;			/* phones and emails whole: a manager's */
	const char *bought;		/* members who bought this SKU, */
	const char *category;		/* or a product of this category */
	char bought_since[JF_DATE_LEN];	/* on day D or later; "" ever */
};
typedef int jf_member_fn(void *arg, const struct jf_member *m);
/*
 * Calls fn for each member matching f, in code order, with its phone and
 * email masked unless f->unmask; stops on non-zero.  Bought (f->bought,
 * f->category): a line of one of the member's receipts not returned in
 * full; a SKU no product has, or a category none is in, is JF_EREFUSED
 * naming it.
 */
int jf_member_each(struct jf_ctx *c, const struct jf_member_filter *f,
    jf_member_fn *fn, void *arg);

/* "z***@example.com" into buf (at least 64 bytes); phones: jf_mask_phone. */
const char *jf_mask_email(const char *e, char *buf);

/* memberargs.c: member's option values (JF_FN, lib/opts.h). */
int jf_member_month_arg(const char *s, void *field);
int jf_member_days_arg(const char *s, void *field);
int jf_member_role_arg(const char *s, void *field);

/*
 * The tiers of the rules in force, lowest first, each with how many
 * members are in it; stops on fn's non-zero.
 */
struct jf_tier;
typedef int jf_tier_fn(void *arg, const struct jf_tier *t, int64_t members);
int jf_member_tiers(struct jf_ctx *c, jf_tier_fn *fn, void *arg);

/*
 * memberio.c: the member tool's rows in and out.
 *
 * The writers write a table to fp in an output.h format, begun only at
 * its first row, so that a run refused before it writes nothing: 0, a
 * status with the message set, or JF_ESOFTWARE with an empty message
 * when a write failed (for stdout, the frame says why).  jf_member_write
 * writes the member of row id mid as add, update and forget print it;
 * _show the member id names, with the points about to expire; _list
 * those f matches (list, export); _tiers jf_member_tiers();
 * jf_operator_write the staff, or the one named (an object in JSON).
 */
int jf_member_write(struct jf_ctx *c, FILE *fp, int fmt, int64_t mid);
int jf_member_write_show(struct jf_ctx *c, FILE *fp, int fmt, const char *id);
int jf_member_write_list(struct jf_ctx *c, FILE *fp, int fmt,
    const struct jf_member_filter *f);
int jf_member_write_tiers(struct jf_ctx *c, FILE *fp, int fmt);
int jf_operator_write(struct jf_ctx *c, FILE *fp, int fmt, const char *name);

/*
 * member import through the import engine (import.h): sets im's columns,
 * the header's check (a code or phone column), the start's (a status
 * column is a manager's) and the row function, which books each row with
 * jf_member_import(), counting in im->n[JF_IMPORT_ADDED], [_UPDATED] and
 * [_SAME].  *update (--update) is borrowed for the run.
 */
struct jf_import;
void jf_member_importer(struct jf_import *im, int *update);
/*
 * member update -: each member of the stream on stdin (a code or phone
 * column, as member list -o csv prints) updated with in and written to
 * fp as it is left, in one transaction, the rows written before it
 * commits; a refused row is reported and the others kept (65).  Runs
 * the import engine (jf_import_run(), which opens the book with o, argc
 * and argv) and, as it does, reports what fails.
 */
struct jf_opts;
int jf_member_update_stream(const struct jf_member_in *in, FILE *fp,
    struct jf_opts *o, int argc, char **argv);

/*
 * Operators: adding (or changing the role of) and removing are an
 * admin's.  jf_operator_add() and jf_operator_pin() run in transactions
 * of their own (not the caller's): add, with pin, sets the new
 * operator's PIN too; pin sets name's, one's own anyone's, another's an
 * admin's.  The PIN is read as pin.h's jf_pin_new() reads it.
 */
int jf_operator_add(struct jf_ctx *c, const char *name, int role, int pin);
int jf_operator_pin(struct jf_ctx *c, const char *name);
int jf_operator_remove(struct jf_ctx *c, const char *name);
typedef void jf_operator_fn(void *arg, const char *name, const char *role,
    const char *added);
int jf_operator_each(struct jf_ctx *c, jf_operator_fn *fn, void *arg);

#endif
