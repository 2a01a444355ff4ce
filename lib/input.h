/*
 * input.h - a stream of records from a CSV file (libcsv) or JSON Lines.
 *
 * Columns are found by the header's names, in any order.  Rows come one
 * at a time and memory stays flat whatever the file's size: libcsv
 * parses a block, the finished rows wait in a small queue, and the next
 * block is read only when the queue is empty.  Every field is checked
 * before a caller sees it: valid UTF-8, no NUL and no control character
 * (a tab or a line break included), at most 4 KiB, a row at
 * most 64 KiB, as many fields as the header.  A bad row is reported with
 * its file, row and column and the caller may go on to the next.
 */
#ifndef JF_INPUT_H
#define JF_INPUT_H

#include <stdio.h>
#include <sys/types.h>

#define JF_FIELD_MAX 4096
#define JF_LINE_MAX 65536

enum { JF_IN_CSV, JF_IN_JSONL };

struct jf_in;

/* Opens path ("-" or NULL for stdin); JF_ENOINPUT if it is missing. */
int jf_in_open(const char *path, int kind, struct jf_in **in);
/*
 * Before the header: the CSV's delimiter (0: a comma) and the input's
 * encoding ("gbk", "gb18030"; NULL or "utf-8": as it is).  Without an
 * encoding, a field that is not UTF-8 but GB18030 stops the input
 * (jf_in_next() -2) with the iconv(1) line or option that reads it.
 */
int jf_in_set(struct jf_in *in, int delim, const char *encoding);
void jf_in_close(struct jf_in *in);
/*
 * Reads the header.  known is a NULL-terminated list of the columns the
 * caller understands; another column is an error unless ignore_unknown.
 * For JSON Lines the keys of each object play the header's part.
 */
int jf_in_header(struct jf_in *in, const char *const *known, int ignore_unknown);
/* Whether the header has the column. */
int jf_in_has(struct jf_in *in, const char *col);
/*
 * 1: a row is ready; 0: end of input; -1: a bad row (message set, go
 * on); -2: input that cannot be read on (message set, stop).  A header
 * name is matched without case or surrounding spaces, and a Chinese
 * one (姓名, 手机号, 商品编码, ...) stands for its column.
 */
int jf_in_next(struct jf_in *in);
/* A borrowed field of the current row, or NULL when the column is absent. */
const char *jf_in_get(struct jf_in *in, const char *col);
/* The row's number (the header is row 1) and the file's name for messages. */
long jf_in_row(struct jf_in *in);
const char *jf_in_name(struct jf_in *in);
/* Returns JF_EDATA after setting "file:row: col: msg". */
int jf_in_error(struct jf_in *in, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Bytes read so far and the file's size (0 when unknown), for progress. */
off_t jf_in_pos(struct jf_in *in);
off_t jf_in_size(struct jf_in *in);
/*
 * Writes the current row to fp with an extra "error" column (CSV) or an
 * "error" key (JSON Lines), the header first the first time.
 */
void jf_in_reject(struct jf_in *in, FILE *fp, const char *error);

struct jf_who;
/*
 * Opens the rejects output of a batch import: path, or stderr when path
 * is NULL.  Refuses with JF_EUSAGE and "--rejects: PATH: is ..." a path
 * that is the book w names (or its -wal, -shm or -journal file), the
 * input (its name; NULL or "-" for stdin, compared when it is a file),
 * or a symbolic link: by device and inode where the files exist, by
 * their full names where they do not yet.  Nothing is created or
 * emptied here: the first reject written opens the file (O_NOFOLLOW,
 * created 0600), checks it again and empties it; a file that got no
 * reject is emptied at jf_rejects_close(), so that it holds exactly this
 * run's rejects (and is not made at all when there are none).  *fp is
 * new: give it to jf_in_reject() and close it with jf_rejects_close().
 */
int jf_rejects_open(const char *path, const struct jf_who *w,
    const char *input, FILE **fp);
/*
 * What path would overwrite ("the book", "a file of the book": its -wal,
 * -shm or -journal), or NULL: for any output a command line names.
 */
const char *jf_book_file(const char *path, const struct jf_who *w);
/*
 * Flushes and closes what jf_rejects_open() opened (stderr is flushed,
 * not closed; NULL is fine): 0, or JF_ESOFTWARE with "PATH: rejects not
 * written: why" when any reject could not be written (a full disk).
 */
int jf_rejects_close(FILE *fp);

/* UTF-8 validation, shared with the rules loader: 1 if valid. */
int jf_utf8_valid(const char *s, size_t n);
/*
 * The first control character in s that could move a terminal's cursor,
 * clear it or retitle it (C0 but tab, CR and LF, which a quoted CSV
 * field may hold; DEL; C1 in UTF-8), or NULL; its code in *code.
 * Names, SKUs and reasons refuse them (DESIGN.md section 6).
 */
const char *jf_text_control(const char *s, size_t n, unsigned *code);

#endif
