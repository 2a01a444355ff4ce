/*
 * opts.c - common options, usage and subcommand dispatch for every tool.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"
#include "output.h"

static const struct jf_tool *tool;

int
jf_usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fprintf(stderr, "%s: ", jf_progname);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	if (tool != NULL)
		fputs(tool->usage, stderr);
	return JF_EUSAGE;
}

int
jf_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, const char *allow)
{
	const struct option *l;
	int ch;

	opterr = 0;
	ch = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (ch == '?' || ch == ':') {
		jf_usage_error(_("%s: unknown option, or its value is missing"),
		    argv[optind - 1]);
		return '?';
	}
	if (ch >= JF_OPT_LOCAL && ch < JF_OPT_LOCAL + 26 &&
	    strchr(allow, 'a' + ch - JF_OPT_LOCAL) == NULL) {
		for (l = longopts; l->name != NULL && l->val != ch; l++)
			;
		jf_usage_error(_("--%s: option not allowed here"),
		    l->name ? l->name : "?");
		return '?';
	}
	return ch;
}

int
jf_opt_common(int ch, const char *arg, struct jf_opts *o)
{
	switch (ch) {
	case 'd':
		o->db = arg;
		return 0;
	case 'o':
		if (jf_fmt_parse(arg, &o->fmt) == -1 || o->fmt == JF_FMT_HTML)
			return jf_usage_error(
			    _("unknown format \"%s\" (table, csv, json, jsonl)"),
			    arg);
		return 0;
	case 'n':
		o->dry_run = 1;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case JF_OPT_OPERATOR:
		o->operator = arg;
		return 0;
	case JF_OPT_STORE:
		o->store = arg;
		return 0;
	case 'h':
		fputs(tool->usage, stdout);
		return -1;
	case JF_OPT_VERSION:
		printf("%s (jifen) %s\n", tool->name, JIFEN_VERSION);
		return -1;
	}
	return jf_usage_error(NULL);
}

int
jf_out_format(const struct jf_opts *o)
{
	return o->fmt >= 0 ? o->fmt : jf_fmt_default();
}

int
jf_open_tool(struct jf_opts *o, int argc, char **argv, struct jf_ctx **c)
{
	int rc;

	if (o->fmt < 0)
		o->fmt = jf_fmt_default();
	if ((rc = jf_open(tool->name, o, argc, argv, c)) != 0)
		jf_fail(rc);
	else if ((*c)->initialised)
		jf_warnx(_("initialising empty book %s"), (*c)->path);
	return rc;
}

int
jf_fail(int rc)
{
	if (rc != 0 && *jf_errmsg() != '\0')
		jf_warnx("%s", jf_errmsg());
	return rc;
}

/*
 * The end of every run: stdout flushed and closed, and a write to it
 * that failed is the run's failure, with its cause ("stdout: No space
 * left on device", exit 70), unless the run failed otherwise already; a
 * reader gone (EPIPE, when SIGPIPE is ignored) ends it quietly with 141,
 * as the signal would have.  A tool that writes the book prints before
 * it commits, so that such a failure leaves the book as it was.
 */
static int
finish(int rc)
{
	int r = jf_stdout_close();

	if (rc == JF_EDUP || rc == JF_ENOROW)	/* refusals, to the shell */
		rc = JF_EREFUSED;
	if (r == JF_EPIPE)
		return r;
	if (r != 0) {
		jf_warnx("%s", jf_errmsg());
		if (rc == 0 || rc == JF_EDATA || rc == JF_ESOFTWARE)
			rc = r;
	}
	return rc;
}

static int
run_tool(const struct jf_tool *t, int argc, char **argv)
{
	static const struct option longopts[] = { JF_COMMON_LONG };
	struct jf_opts o = { .fmt = -1 };
	int ch, rc;

	tool = t;
	jf_setprogname(t->name);
	if (t->cmds == NULL)
		return t->main(argc, argv, &o);
	/* a tool with a default action: "expire --date D" vs "expire remind" */
	if (t->main != NULL) {
		const struct jf_cmd *c = t->cmds;

		while (c->name != NULL && (argc < 2 || strcmp(c->name, argv[1])))
			c++;
		if (c->name == NULL)
			return t->main(argc, argv, &o);
	}
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+" JF_COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			opterr = 1;
			return jf_usage_error(_("bad option: %s"),
			    argv[optind - 1]);
		}
		if ((rc = jf_opt_common(ch, optarg, &o)) != 0)
			return rc == -1 ? 0 : rc;
	}
	opterr = 1;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return jf_usage_error(_("a command is needed"));
	for (const struct jf_cmd *c = t->cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0) {
			optind = 0;	/* glibc: reinitialise getopt */
			return c->fn(argc, argv, &o);
		}
	return jf_usage_error(_("unknown command \"%s\""), argv[0]);
}

int
jf_run(const struct jf_tool *t, int argc, char **argv)
{
	return finish(run_tool(t, argc, argv));
}

void
jf_warnx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", jf_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
jf_progress(struct jf_ctx *c, const char *what, long done, long long pos,
    long long size)
{
	if (c->quiet || !isatty(STDERR_FILENO) || (done & 4095) != 0)
		return;
	if (size > 0)
		fprintf(stderr, "\r%s: %s %3lld%% %ld rows", jf_progname, what,
		    pos * 100 / size, done);
	else
		fprintf(stderr, "\r%s: %s %ld rows", jf_progname, what, done);
}

void
jf_progress_end(struct jf_ctx *c)
{
	if (!c->quiet && isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}
