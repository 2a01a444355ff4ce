/*
 * output.h - rows out as an aligned table, CSV, JSON or JSON Lines.
 *
 * A tool names its columns once, then gives each row value by value:
 *
 *	o = jf_out_new(fmt, stdout, cols);
 *	jf_out_str(o, code); jf_out_money(o, fen); jf_out_int(o, pts);
 *	jf_out_end(o);
 *	...
 *	jf_out_free(o);
 *
 * TSV is CSV for cut(1) and awk(1): fields split by tabs, never quoted,
 * a tab, newline, carriage return or backslash in a field written as
 * \t, \n, \r or \\.
 *
 * Column names are the interface (lower_snake_case), English in CSV and
 * JSON whatever the language; the header of a table (and of an HTML
 * table) shows each name's label, jf_label(): mark the names with
 * NC_("column", name) for the catalog.  Money goes out as
 * "12.50" (a string in JSON), points as integers, an absent value as an
 * empty CSV field or JSON null.  A table waits for its last row to know
 * its widths and aligns CJK text by display width.
 */
#ifndef JF_OUTPUT_H
#define JF_OUTPUT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

enum { JF_FMT_TABLE, JF_FMT_CSV, JF_FMT_JSON, JF_FMT_JSONL, JF_FMT_HTML,
	JF_FMT_TSV };

struct jf_out;

/* -1 (message set) for an unknown name. */
int jf_fmt_parse(const char *s, int *fmt);
/* table on a terminal, csv otherwise. */
int jf_fmt_default(void);
/* 0: CSV, TSV and tables without their line of column names. */
void jf_out_header(int on);

/* cols is NULL-terminated and borrowed: it must outlive the writer. */
struct jf_out *jf_out_new(int fmt, FILE *fp, const char *const *cols);
/* JSON: print the one row as an object, not an array of one. */
void jf_out_single(struct jf_out *o);
/*
 * The context of the header's labels where "column" is not enough
 * (jf_label): "person" for a table whose name is a person's.  Borrowed.
 */
void jf_out_labels(struct jf_out *o, const char *ctx);
void jf_out_str(struct jf_out *o, const char *s);	/* NULL: absent */
void jf_out_int(struct jf_out *o, int64_t v);
void jf_out_money(struct jf_out *o, int64_t fen);
/* JSON only: adds key to the current row's object; val is stolen. */
void jf_out_json(struct jf_out *o, const char *key, json_t *val);
void jf_out_end(struct jf_out *o);
/*
 * Flushes (a table, JSON's closing bracket) and frees; -1 on a write
 * error, which for stdout jf_stdout_close() reports.
 */
int jf_out_free(struct jf_out *o);
/* jf_out_free(), and rc, or JF_ESOFTWARE for a write that failed. */
int jf_out_done(struct jf_out *o, int rc);
/*
 * Flushes and closes stdout, once, at the end of a run (jf_run does):
 * 0; JF_EPIPE when the reader has gone (a write failed with EPIPE: the
 * tool ends as if SIGPIPE had killed it, quietly, status 141); or
 * JF_ESOFTWARE with "stdout: why" when any write to it failed (a full
 * disk).  jf_stdout_failed() notes such a failure for writes made
 * outside jf_out (errno of the write).
 */
int jf_stdout_close(void);
void jf_stdout_failed(int err);
/*
 * Copies what is left of in (called name in a message) to stdout, a
 * failed write noted as jf_stdout_failed() notes it: 0, or JF_ESOFTWARE
 * with "name: why" when in cannot be read.
 */
int jf_stdout_copy(FILE *in, const char *name);

/*
 * Writes s as one CSV field, quoted only where it must be, and guarded
 * against spreadsheets: a field that starts with "=", "+", "-" or "@"
 * and is not a number ("-10", "+8613812345678" and "-0.5" are numbers
 * and stay as they are) is written quoted with a single quote before
 * it, "'=SUM(A1)", which a spreadsheet shows as text and never runs.  So
 * that the guard can be taken off again, a field that starts with
 * single quotes before one of those characters gets one more.
 * jf_csv_formula() says whether s gets the guard; jf_csv_unguard(), the
 * CSV reader's, takes it off in place.
 */
void jf_csv_put(FILE *fp, const char *s);
int jf_csv_formula(const char *s);
char *jf_csv_unguard(char *s);
/* The display width of UTF-8 text: CJK and fullwidth count two. */
int jf_text_width(const char *s);

#endif
