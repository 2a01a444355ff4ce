/*
 * opts.h - the tools' frame: their subcommands and options as tables,
 * and the options every tool shares.
 *
 * A tool is a table of subcommands (struct jf_sub), each with a table of
 * its options (struct jf_opt) and a function.  jf_run() parses the
 * command line by them, answers TOOL -h, TOOL SUB --help and --version,
 * reports a usage error in one line and "try 'TOOL SUB --help'", opens
 * the book as the subcommand's flags say (for a write, in one
 * transaction committed when the function returns 0), and calls it.
 */
#ifndef JF_OPTS_H
#define JF_OPTS_H

#include <getopt.h>
#include <stddef.h>

#include "db.h"
#include "err.h"

enum {
	JF_OPT_VERSION = 1000,
	JF_OPT_OPERATOR,
	JF_OPT_STORE,
	JF_OPT_PIN_FD,
	JF_OPT_APPROVE,
	JF_OPT_NO_HEADER
};

#define JF_COMMON_SHORT "d:o:nqh"
#define JF_COMMON_LONG \
	{ "db", required_argument, NULL, 'd' }, \
	{ "format", required_argument, NULL, 'o' }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "no-header", no_argument, NULL, JF_OPT_NO_HEADER }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, JF_OPT_VERSION }, \
	{ "operator", required_argument, NULL, JF_OPT_OPERATOR }, \
	{ "store", required_argument, NULL, JF_OPT_STORE }, \
	{ "pin-fd", required_argument, NULL, JF_OPT_PIN_FD }, \
	{ "approve", required_argument, NULL, JF_OPT_APPROVE }, \
	{ NULL, 0, NULL, 0 }

#define JIFEN_VERSION "0.1.0"

/*
 * A subcommand's option: how its value is read and where it goes (at
 * off in the tool's struct of arguments, or in struct jf_opts for
 * JF_COMMON).  Parsing, the usage line, TOOL SUB --help and the check
 * against the man page's SYNOPSIS all come from these tables.
 */
enum {
	JF_FLAG,		/* int: 1 when given */
	JF_STR,			/* const char *: the value as given */
	JF_INT,			/* int64_t: a whole number from lo to hi */
	JF_MONEY,		/* int64_t: fen, from lo (to hi, if not 0) */
	JF_DATE,		/* char[JF_DATE_LEN]: a day, normalised */
	JF_FN,			/* fn(value, field): 0, or -1, message set */
	JF_CHOICE,		/* const char *: one of choices */
	JF_TYPE = 0xff,
	JF_REQUIRED = 0x100,	/* the subcommand needs it */
	JF_COMMON = 0x200,	/* the value is in struct jf_opts */
	JF_OR = 0x400		/* it or the next: [--no-points | --points] */
};

struct jf_opt {
	const char *name;	/* --name */
	int letter;		/* -l as well, or 0 */
	int type;		/* JF_FLAG ... with JF_REQUIRED, JF_COMMON */
	size_t off;		/* offsetof the value */
	const char *arg;	/* the value, as usage shows it: "N" */
	const char *help;	/* one line for TOOL SUB --help */
	int64_t lo, hi;		/* JF_INT and JF_MONEY bounds */
	int (*fn)(const char *arg, void *field);
	const char *const *choices;	/* JF_CHOICE's, ended by NULL */
};

/* The options every tool shares. */
struct jf_opts {
	struct jf_who w;	/* what opening the book needs */
	int fmt;		/* JF_FMT_*, or -1 for the default */
	int unmask;
	int delim;		/* --delimiter: a CSV input's, 0 a comma */
	const char *encoding;	/* --encoding: the input's, NULL UTF-8 */
};

/* Common options a subcommand's synopsis shows as its own. */
#define JF_AT_OPT { "at", 0, JF_STR | JF_COMMON, \
	offsetof(struct jf_opts, w.at), "TS", \
	N_("when it happened, if not now (an earlier day is a manager's)") }
#define JF_DRYRUN_OPT { "dry-run", 'n', JF_FLAG | JF_COMMON, \
	offsetof(struct jf_opts, w.dry_run), NULL, \
	N_("do it all, print it all, and book nothing") }

/* What a subcommand's function is given. */
struct jf_call {
	struct jf_ctx *c;	/* the book: open unless the flags are 0 */
	struct jf_opts *o;
	int argc;		/* the operands */
	char **argv;
	void *a;		/* the tool's arguments, as the options set them */
	unsigned long long seen;	/* bit i: the subcommand's opts[i] given */
	int fmt_given;		/* -o was given (o->fmt is set either way) */
	int wargc;		/* the whole subcommand, for the audit log */
	char **wargv;
	int said_dry;		/* it said "dry run" itself: the frame won't */
};

/* A subcommand's flags: what the frame does around it. */
enum {
	JF_READS = 1,		/* opens the book to read it */
	JF_WRITES = 2,		/* and runs it in one transaction, committed on 0 */
	JF_BOOK = 3,		/* opens it; the subcommand has its own transactions */
	JF_OPEN = 3,
	JF_HTML = 4,		/* -o html is one of its formats */
	JF_OPS_LAST = 8,	/* usage shows the operands after the options */
	JF_SIGNED = 16		/* -5 is an operand, not an option */
};

/*
 * Entries of one name in a row are forms of one subcommand ("stock
 * receive --sku S ..." and "stock receive FILE"): each takes the
 * options of all, and the first whose own options cover those given
 * and whose needs are met runs.  A table's entry named "" is the action
 * of the tool, or of the group, when no command follows.
 */
struct jf_sub {
	const char *name;
	int (*fn)(struct jf_call *k);
	const struct jf_opt *opts;	/* ended by a NULL name; NULL: none */
	const char *operands;	/* as usage shows them: "ID SKU", "[FILE|-]" */
	int min, max;		/* how many operands; max -1: any number */
	int flags;
	const char *help;	/* what it does, one line */
	const struct jf_sub *subs;	/* a group's own: "member operator add" */
	/* checks the operands and values before any book is opened: 0 or
	 * a usage error's status (jf_usage_error()) */
	int (*check)(struct jf_call *k);
};

/*
 * A tool: its name and its subcommands (subs), with the size of the
 * struct their options fill and the function that sets its defaults.
 */
struct jf_tool {
	const char *name;
	const struct jf_sub *subs;	/* ended by a NULL name */
	const char *more;	/* a last synopsis of its own, or NULL */
	size_t argsize;
	void (*init)(void *a);
};

/* Runs the tool's subcommand argv names; returns the exit status. */
int jf_run(const struct jf_tool *t, int argc, char **argv);
/*
 * Prints "tool: message" and "try 'tool sub --help'" to stderr; returns
 * JF_EUSAGE.
 */
int jf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Opens the book for the running tool (jf_run's), choosing the default
 * output format; reports a failure.  argv is the subcommand's: the audit
 * log keeps it, personal data masked.
 */
int jf_open_tool(struct jf_opts *o, int argc, char **argv, struct jf_ctx **c);
/*
 * Reports rc's message (if any) as "tool: msg", and for a usage error
 * where to read more, and returns rc.
 */
int jf_fail(int rc);

/* The frame is the one part of lib/ that prints on its own. */
/* Prints "tool: message" to stderr: for cmd/ only. */
void jf_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes "members" style progress to stderr on a terminal unless -q. */
void jf_progress(struct jf_ctx *c, const char *what, long done, long long pos,
    long long size);
void jf_progress_end(struct jf_ctx *c);

#endif
