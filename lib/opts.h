/*
 * opts.h - the options every tool shares, and subcommand dispatch.
 *
 * A tool's subcommand parses with getopt_long over its own options
 * followed by JF_COMMON_LONG, with JF_COMMON_SHORT in its short string,
 * and hands every option it does not know to jf_opt_common():
 *
 *	default:
 *		if ((rc = jf_opt_common(ch, optarg, &o)) != 0)
 *			return rc;
 */
#ifndef JF_OPTS_H
#define JF_OPTS_H

#include <getopt.h>

#include "db.h"

enum {
	JF_OPT_VERSION = 1000,
	JF_OPT_OPERATOR,
	JF_OPT_STORE,
	JF_OPT_AT,
	JF_OPT_UNMASK,
	JF_OPT_HELP_FALLBACK,
	JF_OPT_LOCAL = 1100	/* a tool's own long-only options start here */
};

#define JF_COMMON_SHORT "d:o:nqh"
#define JF_COMMON_LONG \
	{ "db", required_argument, NULL, 'd' }, \
	{ "format", required_argument, NULL, 'o' }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, JF_OPT_VERSION }, \
	{ "operator", required_argument, NULL, JF_OPT_OPERATOR }, \
	{ "store", required_argument, NULL, JF_OPT_STORE }, \
	{ NULL, 0, NULL, 0 }

#define JIFEN_VERSION "0.1.0"

/*
 * A tool: its name, its usage text (the man page's SYNOPSIS) and its
 * subcommands.  A subcommand's argv[0] is its own name.
 */
struct jf_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct jf_opts *o);
};

struct jf_tool {
	const char *name;
	const char *usage;
	const struct jf_cmd *cmds;	/* NULL name ends; NULL table: no subcommands */
	int (*main)(int argc, char **argv, struct jf_opts *o);
};

/*
 * Parses the common options before the subcommand, finds it and runs
 * it; returns the exit status.  --help and --version are answered here.
 */
int jf_run(const struct jf_tool *t, int argc, char **argv);
/*
 * getopt_long for a subcommand.  The tool's own options are numbered
 * from JF_OPT_LOCAL, and allow has a letter for each one this subcommand
 * takes ('a' for JF_OPT_LOCAL, 'b' for the next, ...).  Returns the next
 * option, -1 at the end, or '?' after reporting (with the usage) an
 * unknown option, a missing value, or an option the subcommand does not
 * take; the caller then returns JF_EUSAGE.
 */
int jf_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, const char *allow);
/*
 * Handles a common option: 0 done; JF_EUSAGE (message set, or usage
 * printed) for an unknown one; -1 when it was -h or --version and the
 * caller should return 0.
 */
int jf_opt_common(int ch, const char *arg, struct jf_opts *o);
/* Prints "tool: message" and the usage to stderr; returns JF_EUSAGE. */
int jf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The output format chosen, or the default for stdout. */
int jf_out_format(const struct jf_opts *o);
/*
 * Opens the book for the running tool (jf_run's), choosing the default
 * output format; reports a failure.  argv is the subcommand's: the audit
 * log keeps it, personal data masked.
 */
int jf_open_tool(struct jf_opts *o, int argc, char **argv, struct jf_ctx **c);
/* Reports rc's message (if any) as "tool: msg" and returns rc. */
int jf_fail(int rc);

/* The frame is the one part of lib/ that prints on its own. */
/* Prints "tool: message" to stderr: for cmd/ only. */
void jf_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes "members" style progress to stderr on a terminal unless -q. */
void jf_progress(struct jf_ctx *c, const char *what, long done, long long pos,
    long long size);
void jf_progress_end(struct jf_ctx *c);

#endif
