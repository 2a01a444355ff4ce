/*
 * import.h - the one loop every import runs: stock import, receive and
 * count, member import, sale import, and the member streams of points
 * adjust|award - and member update -.
 *
 * The caller fills a struct jf_import with what its input is (the
 * columns it knows and needs), how it is booked (rows a transaction,
 * --strict, where rejects go) and a row function; jf_import_run() opens
 * the rejects, the input and the book, calls the row function once per
 * good row inside a transaction, writes each bad row to the rejects,
 * and commits, or books nothing under --strict when a row was bad.
 *
 * With a key column, consecutive rows with the same key are a group (a
 * receipt's lines): the group keeps the fields of the columns in keep
 * for each of its rows, the row function checks each row as it comes,
 * and the group function books the group once its last row is read.  A
 * group is booked whole or rejected whole, every row of it with the
 * first fault.  Memory is one group's worth whatever the file's size.
 *
 * Like the frame (opts.h), the engine reports what stops it (jf_fail)
 * and draws the progress; the summary is the caller's.
 */
#ifndef JF_IMPORT_H
#define JF_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "input.h"
#include "opts.h"

struct jf_import;
struct jf_group;

/*
 * Books or checks the current row (im->in): 0, JF_EDATA with the
 * message set as jf_in_error() sets it (the row is rejected), or a
 * status that stops the import.
 */
typedef int jf_import_row_fn(struct jf_import *im);
/*
 * Books a group none of whose rows was at fault: 0, JF_EDATA with the
 * message set (the group is rejected with it), or a status that stops
 * the import.
 */
typedef int jf_import_group_fn(struct jf_import *im, const struct jf_group *g);
/* A hook: 0, or a status that stops the import. */
typedef int jf_import_hook_fn(struct jf_import *im);

struct jf_import {
	/* the caller's, set before jf_import_run() */
	const char *path;		/* FILE, or "-" (NULL) for stdin */
	int jsonl;			/* JSON Lines, else CSV */
	const char *const *known;	/* the columns understood; NULL ends */
	const char *const *needed;	/* a CSV header must have each */
	const char *missing;		/* what lacking one is: "column needed" */
	int ignore;			/* --ignore-unknown */
	const char *rejects;		/* --rejects PATH; NULL: stderr */
	int warn;			/* bad rows only reported, as a stream's */
	int strict;			/* --strict: all or nothing */
	long batch;			/* rows (groups) a transaction; 0: one */
	const char *label;		/* for the progress; NULL: the file */
	int delim;			/* the CSV's delimiter; 0: a comma */
	const char *encoding;		/* the input's; NULL: UTF-8 */
	const char *unit, *verb;	/* "rows", "booked": for --strict */
	jf_import_hook_fn *header;	/* checks the header, before the book */
	jf_import_hook_fn *start;	/* the book open, before BEGIN */
	jf_import_hook_fn *end;		/* before the last COMMIT; reports */
	jf_import_row_fn *row;
	void *arg;			/* the caller's, for the functions */

	/* grouping: consecutive rows with the same key column */
	const char *key;
	size_t key_max;			/* a longer key is the row's fault */
	int together;			/* a key apart from its rows refuses */
	const char *const *keep;	/* kept for each row: key first; NULL ends */
	void *gstate;			/* zeroed as each group starts */
	size_t gsize;
	jf_import_group_fn *group;

	/* the engine's, to read */
	struct jf_ctx *c;
	struct jf_in *in;
	long rows;			/* rows read */
	long groups;			/* groups ended */
	long bad;			/* rows (groups) rejected */
	long n[4];			/* the caller's counts */

	/* private */
	FILE *rej;
	struct jf_group *g;
	int rejhdr;
	int committed;
};

/*
 * Runs the import: 0; JF_EDATA when rows were rejected (the others
 * booked, or none under --strict: said here); or the status that
 * stopped it, reported.  o's dry run and --strict make one transaction.
 * The input stays open for the summary until jf_import_close().
 */
int jf_import_run(struct jf_import *im, struct jf_opts *o, int argc,
    char **argv);
/*
 * Closes what the run opened; returns rc, or the failure to write a
 * reject (a full disk), reported, when rc was 0 or JF_EDATA.
 */
int jf_import_close(struct jf_import *im, int rc);
/* Whether the run committed its good rows: the summary's cue. */
int jf_import_booked(const struct jf_import *im);

/* A group's rows: how many, the row number and a kept field of each. */
int jf_group_rows(const struct jf_group *g);
long jf_group_rowno(const struct jf_group *g, int r);
const char *jf_group_get(const struct jf_group *g, int r, int keep);
/* The group the current row joined (it is the last), for the row function. */
const struct jf_group *jf_import_group(const struct jf_import *im);

/*
 * Fields of the current row, checked.  jf_row_str() gives a borrowed
 * value, or NULL when the column is absent or the cell empty; the others
 * leave *v alone then, and return JF_EDATA (message set) for a value
 * that is not a non-negative amount, a whole number from min to max, or
 * one of 0/1/yes/no/y/n/true/false.
 */
const char *jf_row_str(struct jf_in *in, const char *col);
int jf_row_money(struct jf_in *in, const char *col, int64_t *v);
int jf_row_int(struct jf_in *in, const char *col, int64_t min, int64_t max,
    int64_t *v);
int jf_row_bool(struct jf_in *in, const char *col, int *v);

/*
 * A stream of members on stdin, as `member list -o csv` prints them (a
 * code or phone column; the others ignored), for the commands that act
 * on members given "-": sets im's input to it, one transaction, bad
 * rows reported to stderr and the status 65 with "N of M rows refused".
 * jf_import_member() gives the member the current row names (its code,
 * else its phone; borrowed) and the column it is in; jf_import_blame()
 * makes what acting on it refused (JF_EREFUSED, JF_EDUP, JF_EDATA) the
 * row's fault, "stdin:ROW: column: why".
 */
void jf_import_members(struct jf_import *im);
int jf_import_member(struct jf_import *im, const char **id, const char **col);
int jf_import_blame(struct jf_import *im, const char *col, int rc);

/*
 * The options of every import, for a subcommand's table: they fill the
 * struct jf_import at offset off of the tool's arguments.
 */
#define JF_IMPORT_OPTS(off) \
	JF_INPUT_OPTS, \
	{ "rejects", 0, JF_STR, (off) + offsetof(struct jf_import, rejects), \
	    "F", N_("the rejected rows to F, with an error column") }, \
	{ "strict", 0, JF_FLAG, (off) + offsetof(struct jf_import, strict), \
	    NULL, N_("all rows or none") }, \
	{ "ignore-unknown", 0, JF_FLAG, (off) + \
	    offsetof(struct jf_import, ignore), NULL, \
	    N_("skips the columns it does not know") }, \
	{ "input", 0, JF_FN, (off) + offsetof(struct jf_import, jsonl), \
	    "csv|jsonl", N_("the input's format, csv if not said"), 0, 0, \
	    jf_import_format }
/*
 * How a CSV input is written, for every import and every stream of
 * members: its delimiter and its encoding (struct jf_opts).
 */
#define JF_INPUT_OPTS \
	{ "delimiter", 0, JF_FN | JF_COMMON, offsetof(struct jf_opts, delim), \
	    ",|;|tab", N_("the CSV's delimiter, a comma if not said"), 0, 0, \
	    jf_import_delim }, \
	{ "encoding", 0, JF_FN | JF_COMMON, \
	    offsetof(struct jf_opts, encoding), "utf-8|gbk|gb18030", \
	    N_("the input's encoding, UTF-8 if not said"), 0, 0, \
	    jf_import_encoding }
/* --delimiter's value into an int: 0 or -1 (message set). */
int jf_import_delim(const char *arg, void *field);
/* --encoding's value into a const char *: 0 or -1 (message set). */
int jf_import_encoding(const char *arg, void *field);
/* --input's value: csv or jsonl into an int (1: jsonl); 0 or -1. */
int jf_import_format(const char *arg, void *field);

#endif
