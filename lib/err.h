/*
 * err.h - status codes and the library's last error message.
 *
 * The library never prints and never exits.  A function that fails
 * returns one of the JF_E* statuses below (they are the sysexits-style
 * exit statuses of DESIGN.md section 2, so a tool can return them as
 * they are) and leaves a one-line message that the caller fetches with
 * jf_errmsg() and prints as "tool: message".
 */
#ifndef JF_ERR_H
#define JF_ERR_H

#include <libintl.h>

/*
 * _() translates a message; N_() marks one kept in a table, translated
 * where it is printed.  NC_() marks a column's name, in a context for
 * the catalog: "column", or one that says more where a word has two
 * meanings ("person": a name that is a person's).  CSV and JSON keep the
 * names as they are, in English, for the scripts that read them; a
 * table's header shows jf_label()'s translation.
 */
#define _(s) gettext(s)
#define N_(s) (s)
#define NC_(ctx, s) (s)

enum {
	JF_OK = 0,
	JF_EREFUSED = 1,	/* refused by a business rule */
	JF_EDUP = 2,		/* recorded already: a refusal, exit 1 */
	JF_ENOROW = 3,		/* a query found no row (no message set) */
	JF_EUSAGE = 64,
	JF_EDATA = 65,
	JF_ENOINPUT = 66,
	JF_ESOFTWARE = 70,
	JF_ECANTCREAT = 73,
	JF_EBUSY = 75,
	JF_ENOPERM = 77,
	JF_EPIPE = 141,		/* the reader went away, as with SIGPIPE */
};

/* The name tools print before their messages; set by jf_setprogname(). */
extern const char *jf_progname;
void jf_setprogname(const char *argv0);

/* Sets the message (printf-style) and returns code, for "return jf_error(...)". */
int jf_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Borrowed; valid until the next jf_error(). */
const char *jf_errmsg(void);

/*
 * A column's name as a person reads it: its translation in context ctx,
 * else in context "column" (ctx NULL: only there), else the name itself.
 * Borrowed: the catalog's, or col.
 */
const char *jf_label(const char *ctx, const char *col);

#endif
