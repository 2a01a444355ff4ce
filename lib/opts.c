/*
 * opts.c - common options, usage and subcommand dispatch for every tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "input.h"
#include "jtime.h"
#include "money.h"
#include "opts.h"
#include "output.h"

#define WIDTH 79		/* usage lines wrap before this column */
#define OPT_BASE 0x10000	/* getopt values of the subcommands' options */

static const struct jf_tool *tool;
static char path[80];		/* the subcommand run: "gift", "operator add" */
static const struct jf_sub *level;	/* the table it is in */
static char **cmd_argv;		/* from its first word: "rules load F" */
static int cmd_argc;

static int run_level(const struct jf_sub *, int, char **, struct jf_opts *);

static void
add_path(const char *name)
{
	size_t n = strlen(path);

	snprintf(path + n, sizeof(path) - n, "%s%s", n ? " " : "", name);
}

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
		fprintf(stderr, _("try '%s%s%s --help'\n"), tool->name,
		    *path ? " " : "", path);
	return JF_EUSAGE;
}

/* --pin-fd N: an open file descriptor the PINs are read from. */
static int
pin_fd(const char *arg, struct jf_opts *o)
{
	int64_t v;

	if (jf_int_parse(arg, 1 << 20, &v) == -1 || v < 0 ||
	    fcntl((int)v, F_GETFD) == -1)
		return jf_usage_error(_("--pin-fd: not an open file "
		    "descriptor: \"%s\""), arg);
	o->w.pin_fd = (int)v;
	o->w.pin_fd_given = 1;
	return 0;
}

/* A common option: 0, -1 when --version was answered, or JF_EUSAGE. */
static int
jf_opt_common(int ch, const char *arg, struct jf_opts *o)
{
	switch (ch) {
	case 'd':
		o->w.db = arg;
		return 0;
	case 'o':
		if (jf_fmt_parse(arg, &o->fmt) == -1 || o->fmt == JF_FMT_HTML)
			return jf_usage_error(
			    _("unknown format \"%s\" "
			    "(table, csv, tsv, json, jsonl)"), arg);
		return 0;
	case 'n':
		o->w.dry_run = 1;
		return 0;
	case 'q':
		o->w.quiet = 1;
		return 0;
	case JF_OPT_NO_HEADER:
		jf_out_header(0);
		return 0;
	case JF_OPT_OPERATOR:
		o->w.operator = arg;
		return 0;
	case JF_OPT_STORE:
		o->w.store = arg;
		return 0;
	case JF_OPT_PIN_FD:
		return pin_fd(arg, o);
	case JF_OPT_APPROVE:
		o->w.approve = arg;
		return 0;
	case JF_OPT_VERSION:
		printf("%s (jifen) %s\n", tool->name, JIFEN_VERSION);
		return -1;
	}
	return jf_usage_error(NULL);
}

int
jf_open_tool(struct jf_opts *o, int argc, char **argv, struct jf_ctx **c)
{
	int rc;

	if (o->fmt < 0)
		o->fmt = jf_fmt_default();
	if ((rc = jf_open(tool->name, &o->w, argc, argv, c)) != 0) {
		jf_fail(rc);
		jf_close(*c);	/* a caller has nothing to close */
		*c = NULL;
		return rc;
	}
	(*c)->fmt = o->fmt;
	if ((*c)->initialised)
		jf_warnx(_("initialising empty book %s"), (*c)->path);
	return 0;
}

int
jf_fail(int rc)
{
	if (rc == JF_EUSAGE && *jf_errmsg() != '\0')
		return jf_usage_error("%s", jf_errmsg());
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

/*
 * The tools made of jf_sub tables.  Each subcommand's options are
 * parsed by getopt_long over every long option of the tool, so that
 * one belonging to another subcommand is named as "not allowed here"
 * rather than unknown.
 */

/* Prints words, wrapping before WIDTH under the first word's end. */
struct wrap {
	FILE *fp;
	int col, indent;
};

static void
word(struct wrap *w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w->col > w->indent && w->col + 1 + n > WIDTH)
		w->col = fprintf(w->fp, "\n%*s", w->indent, "") - 1;
	else if (w->col > 0)
		w->col += fprintf(w->fp, " ");
	w->col += fprintf(w->fp, "%s", buf);
}

/* An option as usage shows it; alternatives as [--a | --b N]. */
static void
opt_word(struct wrap *w, const struct jf_opt *p, int *in_or)
{
	char name[64];
	int req = p->type & JF_REQUIRED, alt = p->type & JF_OR;

	if (p->letter != 0)
		snprintf(name, sizeof(name), "-%c", p->letter);
	else
		snprintf(name, sizeof(name), "--%s", p->name);
	word(w, "%s%s%s%s%s%s", req || *in_or ? "" : "[", name,
	    p->arg ? " " : "", p->arg ? p->arg : "",
	    req || alt ? "" : "]", alt ? " |" : "");
	*in_or = alt;
}

/*
 * One subcommand's synopsis: "usage: tool path operands options", the
 * first; the others led by blanks as wide as "usage: " in the language.
 */
static void
synopsis(FILE *fp, int first, const char *name, const struct jf_sub *s)
{
	struct wrap w = { fp, 0, 0 };
	int ops = s->operands != NULL && *s->operands != '\0', in_or = 0;
	const char *usage = _("usage:");

	w.col = jf_text_width(usage) + 1;
	if (first)
		fprintf(fp, "%s ", usage);
	else
		fprintf(fp, "%*s", w.col, "");
	w.col += fprintf(fp, "%s%s%s", tool->name, *name ? " " : "", name);
	w.indent = w.col + 1;
	if (ops && !(s->flags & JF_OPS_LAST))
		word(&w, "%s", s->operands);
	for (const struct jf_opt *p = s->opts; p != NULL && p->name; p++)
		opt_word(&w, p, &in_or);
	if (ops && s->flags & JF_OPS_LAST)
		word(&w, "%s", s->operands);
	fputc('\n', fp);
}

/* How many forms the subcommand has: entries of its name in a row. */
static int
forms(const struct jf_sub *s)
{
	int n = 1;

	while (s[n].name != NULL && *s->name != '\0' &&
	    strcmp(s[n].name, s->name) == 0)
		n++;
	return n;
}

/* Whether any subcommand, at any depth, has one of the flags. */
static int
any_flag(const struct jf_sub *s, int flags)
{
	for (; s->name != NULL; s++)
		if ((s->flags & flags) == flags ||
		    (s->subs != NULL && any_flag(s->subs, flags)))
			return 1;
	return 0;
}

static void
common_line(FILE *fp)
{
	const char *common = _("common:");
	struct wrap w = { fp, 0, jf_text_width(common) + 1 };

	fputs(common, fp);
	w.col = w.indent - 2;
	word(&w, "[-d PATH]");
	word(&w, "[-o table|csv|tsv|json|jsonl%s]",
	    any_flag(tool->subs, JF_HTML) ? "|html" : "");
	word(&w, "[--no-header]");
	if (any_flag(tool->subs, JF_WRITES))
		word(&w, "[-n]");
	word(&w, "[-q]");
	word(&w, "[--operator NAME]");
	word(&w, "[--pin-fd N]");
	word(&w, "[--approve NAME]");
	word(&w, "[--store S]");
	word(&w, "[-h]");
	word(&w, "[--version]");
	fputc('\n', fp);
}

static void
usage_of(FILE *fp, const struct jf_sub *s, const char *prefix, int *first)
{
	char name[80];

	for (; s->name != NULL; s++) {
		snprintf(name, sizeof(name), "%s%s%s", prefix,
		    *prefix && *s->name ? " " : "", s->name);
		if (s->subs != NULL) {
			usage_of(fp, s->subs, name, first);
			continue;
		}
		synopsis(fp, *first, name, s);
		*first = 0;
	}
}

/* TOOL --help: every subcommand's synopsis, then the common options. */
static void
tool_help(FILE *fp)
{
	int first = 1;

	usage_of(fp, tool->subs, "", &first);
	if (tool->more != NULL)
		fprintf(fp, "%*s%s %s\n", jf_text_width(_("usage:")) + 1, "",
		    tool->name, tool->more);
	common_line(fp);
}

/* The option of that name in the first nf forms of s, or NULL. */
static const struct jf_opt *
named(const struct jf_sub *s, int nf, const char *name, int *i)
{
	*i = 0;
	for (int f = 0; f < nf; f++)
		for (const struct jf_opt *p = s[f].opts; p && p->name; p++,
		    (*i)++)
			if (strcmp(p->name, name) == 0)
				return p;
	return NULL;
}

/* The width of the option column of TOOL SUB --help. */
static int
help_width(const struct jf_sub *s, int nf)
{
	int w = 16;

	for (int f = 0; f < nf; f++)
		for (const struct jf_opt *p = s[f].opts; p && p->name; p++) {
			int n = 6 + (int)strlen(p->name) +
			    (p->arg ? 1 + (int)strlen(p->arg) : 0);

			if (n > w)
				w = n < 30 ? n : 30;
		}
	return w;
}

/* TOOL SUB --help: its synopses, what it does, a line per option. */
static void
sub_help(const struct jf_sub *s)
{
	int nf = forms(s), i, w = help_width(s, nf);

	if (*s->name == '\0') {	/* a tool's or group's own action */
		int first = 1;

		usage_of(stdout, level, path, &first);
		if (level == tool->subs)
			common_line(stdout);
		putchar('\n');
	} else
		for (int f = 0; f < nf; f++)
			synopsis(stdout, f == 0, path, s + f);
	if (s->help != NULL)
		printf("%s\n", _(s->help));
	for (int f = 0; f < nf; f++)
		for (const struct jf_opt *p = s[f].opts; p && p->name; p++) {
			char name[64];

			if (named(s, nf, p->name, &i) != p)
				continue;	/* in an earlier form */
			if (p == s->opts)
				putchar('\n');
			if (p->letter != 0)
				snprintf(name, sizeof(name), "-%c, --%s%s%s",
				    p->letter, p->name, p->arg ? " " : "",
				    p->arg ? p->arg : "");
			else
				snprintf(name, sizeof(name), "    --%s%s%s",
				    p->name, p->arg ? " " : "",
				    p->arg ? p->arg : "");
			printf("  %-*s  %s\n", w, name,
			    p->help ? _(p->help) : "");
		}
	printf(_("\ncommon options: see '%s --help'\n"), tool->name);
}

/* The long options of every subcommand of s, appended to l at *n. */
static void
collect(const struct jf_sub *s, struct option *l, const struct jf_opt **by,
    size_t *n)
{
	for (; s->name != NULL; s++) {
		if (s->subs != NULL)
			collect(s->subs, l, by, n);
		for (const struct jf_opt *p = s->opts; p && p->name; p++) {
			if (l != NULL) {
				l[*n].name = p->name;
				l[*n].has_arg = (p->type & JF_TYPE) == JF_FLAG ?
				    no_argument : required_argument;
				l[*n].flag = NULL;
				l[*n].val = OPT_BASE + (int)*n;
				by[*n] = p;
			}
			(*n)++;
		}
	}
}

/*
 * Refuses a value or operand with a control character in it (names,
 * SKUs, reasons: DESIGN.md section 6), before anything echoes it to a
 * terminal: 0, or JF_EUSAGE reported.
 */
static int
control(const char *s, const char *opt)
{
	unsigned code;
	char what[80];

	if (jf_text_control(s, strlen(s), &code) == NULL)
		return 0;
	if (opt != NULL)
		snprintf(what, sizeof(what), "--%s", opt);
	else
		snprintf(what, sizeof(what), "%s", _("an operand"));
	return jf_usage_error(code < 0x80 ? _("%s: a control character "
	    "(\\x%02x) is not allowed") : _("%s: a control character "
	    "(\\u%04x) is not allowed"), what, code);
}

/* A JF_CHOICE value: one of p->choices, stored; else a usage error. */
static int
choice(const struct jf_opt *p, const char *arg, void *field)
{
	char list[256] = "";
	size_t n;
	int i;

	for (i = 0; p->choices[i] != NULL; i++)
		if (strcmp(arg, p->choices[i]) == 0) {
			*(const char **)field = p->choices[i];
			return 0;
		}
	for (i = 0; p->choices[i] != NULL; i++) {
		n = strlen(list);
		snprintf(list + n, sizeof(list) - n, "%s%s", i == 0 ? "" :
		    p->choices[i + 1] == NULL ? _(" or ") : ", ",
		    p->choices[i]);
	}
	return jf_usage_error(_("--%s: %s, not \"%s\""), p->name, list, arg);
}

/* Stores an option's value: 0, or JF_EUSAGE reported. */
static int
store(const struct jf_opt *p, const char *arg, struct jf_call *k)
{
	void *f = (p->type & JF_COMMON ? (char *)k->o : (char *)k->a) +
	    p->off;
	int64_t v;

	if (arg != NULL && control(arg, p->name) != 0)
		return JF_EUSAGE;
	switch (p->type & JF_TYPE) {
	case JF_FLAG:
		*(int *)f = 1;
		break;
	case JF_STR:
		*(const char **)f = arg;
		break;
	case JF_INT:
		if (jf_int_parse(arg, p->hi, &v) == -1 || v < p->lo)
			return jf_usage_error(_("--%s: not a whole number "
			    "from %lld to %lld: \"%s\""), p->name,
			    (long long)p->lo, (long long)p->hi, arg);
		*(int64_t *)f = v;
		break;
	case JF_MONEY:
		if (jf_money_parse(arg, &v) == -1 || v < p->lo ||
		    (p->hi != 0 && v > p->hi))
			return jf_usage_error(_("--%s: not an amount (yuan, at "
			    "most two decimals: 12.50): \"%s\""),
			    p->name, arg);
		*(int64_t *)f = v;
		break;
	case JF_DATE:
		/* --since and --until (--joined-…) take a month as its
		 * first, last day */
		if ((strstr(p->name, "until") != NULL ?
		    jf_bound_parse(arg, 1, f) :
		    strstr(p->name, "since") != NULL ?
		    jf_bound_parse(arg, 0, f) : jf_date_parse(arg, f)) == -1)
			return jf_usage_error("--%s: %s", p->name,
			    jf_errmsg());
		break;
	case JF_FN:
		if (p->fn(arg, f) == -1)
			return jf_usage_error("--%s: %s", p->name,
			    jf_errmsg());
		break;
	case JF_CHOICE:
		return choice(p, arg, f);
	}
	return 0;
}

/* The option a short letter names in the forms of s, or NULL. */
static const struct jf_opt *
lettered(const struct jf_sub *s, int nf, int letter, int *i)
{
	*i = 0;
	for (int f = 0; f < nf; f++)
		for (const struct jf_opt *p = s[f].opts; p && p->name; p++,
		    (*i)++)
			if (p->letter == letter)
				return p;
	return NULL;
}

/* Whether the option of that name was given. */
static int
given(const struct jf_sub *s, int nf, const struct jf_call *k,
    const char *name)
{
	int i;

	return named(s, nf, name, &i) != NULL && i < 64 &&
	    (k->seen & 1ULL << i) != 0;
}

/*
 * Marks the words that are negative numbers ("points adjust ID -5") so
 * that getopt takes them for operands; unmark() gives them back.
 */
static void
mark_numbers(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
			argv[i][0] = '\1';
}

static const char *
unmark(char *s)
{
	if (s != NULL && s[0] == '\1')
		s[0] = '-';
	return s;
}

/* The tool's long options, with by[] the jf_opt of each: 0, or -1. */
static int
longopts(struct option **lp, const struct jf_opt ***byp)
{
	static const struct option common[] = { JF_COMMON_LONG };
	size_t n = 0;

	collect(tool->subs, NULL, NULL, &n);
	*lp = calloc(n + sizeof(common) / sizeof(common[0]), sizeof(**lp));
	*byp = calloc(n + 1, sizeof(**byp));
	if (*lp == NULL || *byp == NULL) {
		free(*lp);
		free(*byp);
		return -1;
	}
	n = 0;
	collect(tool->subs, *lp, *byp, &n);
	memcpy(*lp + n, common, sizeof(common));
	return 0;
}

/* The getopt string: the common letters and those of the forms of s. */
static void
shortopts(const struct jf_sub *s, int nf, char *buf, size_t size)
{
	snprintf(buf, size, "+%s", JF_COMMON_SHORT);
	for (int f = 0; f < nf; f++)
		for (const struct jf_opt *p = s[f].opts; p && p->name; p++) {
			size_t e = strlen(buf);

			if (p->letter == 0 || strchr(buf + 1, p->letter) ||
			    e + 3 > size)
				continue;
			buf[e++] = (char)p->letter;
			if ((p->type & JF_TYPE) != JF_FLAG)
				buf[e++] = ':';
			buf[e] = '\0';
		}
}

/* One option getopt returned: 0, -1 (help answered) or JF_EUSAGE. */
static int
one_opt(const struct jf_sub *s, int nf, int ch, const struct jf_opt **by,
    struct jf_call *k)
{
	const struct jf_opt *p;
	int i;

	p = ch >= OPT_BASE ? named(s, nf, by[ch - OPT_BASE]->name, &i) :
	    lettered(s, nf, ch, &i);
	if (p != NULL) {
		k->seen |= i < 64 ? 1ULL << i : 0;
		return store(p, unmark(optarg), k);
	}
	if (ch >= OPT_BASE)
		return jf_usage_error(_("--%s: option not allowed here"),
		    by[ch - OPT_BASE]->name);
	if (ch == 'h') {
		sub_help(s);
		return -1;
	}
	if (ch == 'o' && strcmp(unmark(optarg), "html") == 0 &&
	    any_flag(tool->subs, JF_HTML)) {	/* call_sub() says where */
		k->o->fmt = JF_FMT_HTML;
		return 0;
	}
	return jf_opt_common(ch, unmark(optarg), k->o);
}

/*
 * Parses the subcommand's options into k, leaving its operands in
 * k->argc and k->argv: 0, -1 when --help or --version was answered,
 * or JF_EUSAGE reported.  The tool's own action ("") stops at its first
 * operand, which may name a command.
 */
static int
parse_sub(const struct jf_sub *s, int argc, char **argv, struct jf_call *k)
{
	const struct jf_opt **by;
	struct option *l;
	char so[64];
	int ch, nf = forms(s), rc = 0;

	if (longopts(&l, &by) == -1) {
		jf_warnx("%s", strerror(ENOMEM));
		return JF_ESOFTWARE;
	}
	shortopts(s, nf, so, sizeof(so));
	if (s->flags & JF_SIGNED)
		mark_numbers(argc, argv);
	opterr = 0;
	optind = 0;		/* glibc: reinitialise getopt */
	while (rc == 0 && (ch = getopt_long(argc, argv, so +
	    (*s->name != '\0'), l, NULL)) != -1)
		if (ch == '?' || ch == ':')
			rc = jf_usage_error(_("%s: unknown option, or its "
			    "value is missing"), unmark(argv[optind - 1]));
		else
			rc = one_opt(s, nf, ch, by, k);
	opterr = 1;
	free(l);
	free(by);
	for (int i = 1; i < argc; i++)
		unmark(argv[i]);
	k->argc = argc - optind;
	k->argv = argv + optind;
	return rc;
}

/* The first option given that form f of s does not take, or NULL. */
static const char *
uncovered(const struct jf_sub *s, int nf, int f, const struct jf_call *k)
{
	int i = 0, j;

	for (int g = 0; g < nf; g++)
		for (const struct jf_opt *p = s[g].opts; p && p->name; p++,
		    i++)
			if (i < 64 && k->seen & 1ULL << i &&
			    named(s + f, 1, p->name, &j) == NULL)
				return p->name;
	return NULL;
}

/* 0, or JF_EUSAGE reported: what form f needs is there. */
static int
check_form(const struct jf_sub *s, int nf, int f, const struct jf_call *k)
{
	const struct jf_sub *x = s + f;
	const char *who = *path ? path : tool->name;

	for (const struct jf_opt *p = x->opts; p && p->name; p++)
		if (p->type & JF_REQUIRED && !given(s, nf, k, p->name))
			return jf_usage_error(_("%s needs --%s"), who, p->name);
	if (k->argc >= x->min && (x->max < 0 || k->argc <= x->max))
		return 0;
	if (x->max == 0)
		return jf_usage_error(_("%s takes no operands"), who);
	if (k->argc > x->max && x->max > 0)
		return jf_usage_error(_("%s: one operand too many: \"%s\""),
		    who, k->argv[x->max]);
	return jf_usage_error(_("%s needs %s"), who, x->operands);
}

/*
 * The form of s the options and operands given fit: the first whose
 * options cover those given and whose needs are met; else the first
 * that covers them says what is missing.  NULL when reported.
 */
static const struct jf_sub *
pick_form(const struct jf_sub *s, const struct jf_call *k)
{
	const char *o;
	int nf = forms(s), first = -1, f, quiet;

	/*
	 * A lone "-" is the stream's, where a form takes just that: an
	 * option only another form takes would be passed over unread
	 * ("sale add --member M1 -"), so it is refused, named; and so is
	 * an -o the stream does not answer in.
	 */
	for (f = 0; k->argc == 1 && strcmp(k->argv[0], "-") == 0 && f < nf;
	    f++) {
		if (s[f].operands == NULL || strcmp(s[f].operands, "-") != 0)
			continue;
		if ((o = uncovered(s, nf, f, k)) != NULL) {
			jf_usage_error(_("%s -: the stream takes no --%s"),
			    *path ? path : tool->name, o);
			return NULL;
		}
		if (k->o->fmt >= 0 && k->o->fmt != JF_FMT_JSON &&
		    k->o->fmt != JF_FMT_JSONL) {
			jf_usage_error(_("%s -: the stream answers a line of "
			    "JSON each: -o json or jsonl, or none"),
			    *path ? path : tool->name);
			return NULL;
		}
		return check_form(s, nf, f, k) == 0 ? s + f : NULL;
	}
	for (f = 0; f < nf; f++) {
		if (uncovered(s, nf, f, k) != NULL)
			continue;
		if (first < 0)
			first = f;
		quiet = 1;
		for (const struct jf_opt *p = s[f].opts; p && p->name; p++)
			if (p->type & JF_REQUIRED && !given(s, nf, k, p->name))
				quiet = 0;
		if (quiet && k->argc >= s[f].min &&
		    (s[f].max < 0 || k->argc <= s[f].max))
			return s + f;
	}
	if (first < 0) {
		jf_usage_error(_("%s: those options do not go together"),
		    *path ? path : tool->name);
		return NULL;
	}
	check_form(s, nf, first, k);
	return NULL;
}

/* The subcommand argv[0] names in table s, or NULL. */
static const struct jf_sub *
find_sub(const struct jf_sub *s, const char *name)
{
	for (; s->name != NULL; s++)
		if (*s->name != '\0' && strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* -o html for a command without it: which have it. */
static int
no_html(void)
{
	char list[256] = "";
	int n = 0, i = 0;

	for (const struct jf_sub *x = tool->subs; x->name != NULL; x++)
		n += (x->flags & JF_HTML) != 0;
	for (const struct jf_sub *x = tool->subs; x->name != NULL; x++)
		if (x->flags & JF_HTML) {
			size_t l = strlen(list);

			snprintf(list + l, sizeof(list) - l, "%s%s",
			    i == 0 ? "" : i == n - 1 ? _(" and ") : ", ",
			    x->name);
			i++;
		}
	return jf_usage_error(_("%s: no html output (%s %s it)"), path, list,
	    n == 1 ? _("has") : _("have"));
}

/*
 * Runs the subcommand: its options parsed, the book opened as its flags
 * say, and for JF_WRITES one transaction, committed when it returns 0.
 */
static int
call_sub(const struct jf_sub *s, int argc, char **argv, struct jf_opts *o)
{
	struct jf_call k = { .o = o, .wargc = cmd_argv ? cmd_argc : argc,
		.wargv = cmd_argv ? cmd_argv : argv };
	const struct jf_sub *x;
	int rc;

	if ((k.a = calloc(1, tool->argsize ? tool->argsize : 1)) == NULL)
		return jf_error(JF_ESOFTWARE, "%s", strerror(ENOMEM)),
		    jf_fail(JF_ESOFTWARE);
	if (tool->init != NULL)
		tool->init(k.a);
	if ((rc = parse_sub(s, argc, argv, &k)) != 0)
		goto done;
	if (*s->name == '\0' && k.argc > 0 &&
	    (x = find_sub(level, k.argv[0])) != NULL) {
		/* "expire -d book.db remind ...": the command after options */
		free(k.a);
		add_path(x->name);
		return x->subs ? run_level(x->subs, k.argc - 1, k.argv + 1, o) :
		    call_sub(x, k.argc, k.argv, o);
	}
	if (*s->name == '\0' && k.argc > s->max && s->max >= 0) {
		rc = jf_usage_error(_("unknown command \"%s\""),
		    k.argv[s->max]);
		goto done;
	}
	if ((s = pick_form(s, &k)) == NULL) {
		rc = JF_EUSAGE;
		goto done;
	}
	if (o->fmt == JF_FMT_HTML && !(s->flags & JF_HTML)) {
		rc = no_html();
		goto done;
	}
	for (int i = 0; i < k.argc; i++)
		if ((rc = control(k.argv[i], NULL)) != 0)
			goto done;
	if (s->check != NULL && (rc = s->check(&k)) != 0)
		goto done;
	k.fmt_given = o->fmt >= 0;
	if ((s->flags & JF_OPEN) == JF_READS)
		o->w.reads = 1;
	if ((s->flags & JF_OPEN) != 0 &&
	    (rc = jf_open_tool(o, k.wargc, k.wargv, &k.c)) != 0)
		goto done;
	if ((s->flags & JF_OPEN) == JF_WRITES &&
	    (rc = jf_begin(k.c)) != 0) {
		jf_fail(rc);
		goto done;
	}
	if (o->fmt < 0)
		o->fmt = jf_fmt_default();
	rc = s->fn(&k);
	if ((s->flags & JF_OPEN) == JF_WRITES) {
		if (rc != 0)
			jf_rollback(k.c);
		else if ((rc = jf_commit(k.c)) != 0)
			jf_fail(rc);
	}
done:
	/* said once, where a person reads it: the output looks real */
	if (rc == 0 && jf_dry_rolled() && !o->w.quiet && !k.said_dry)
		jf_warnx(_("dry run: nothing was booked"));
	jf_close(k.c);
	free(k.a);
	return rc < 0 ? 0 : rc;
}

/*
 * Runs the command argv[0] names in table s (a group's own come after
 * it), or the table's own action ("") when none is named.
 */
static int
run_level(const struct jf_sub *s, int argc, char **argv, struct jf_opts *o)
{
	const struct jf_sub *x, *d = NULL;

	level = s;
	for (x = s; x->name != NULL; x++)
		if (*x->name == '\0')
			d = x;
	if (argc > 0 && (strcmp(argv[0], "-h") == 0 ||
	    strcmp(argv[0], "--help") == 0) && d == NULL) {
		int first = 1;

		usage_of(stdout, s, path, &first);
		common_line(stdout);
		return 0;
	}
	if (argc > 0 && (x = find_sub(s, argv[0])) != NULL) {
		if (cmd_argv == NULL) {
			cmd_argv = argv;
			cmd_argc = argc;
		}
		add_path(x->name);
		if (x->subs != NULL)
			return run_level(x->subs, argc - 1, argv + 1, o);
		return call_sub(x, argc, argv, o);
	}
	if (d != NULL)		/* argv[0] is the group's or tool's name */
		return call_sub(d, argc + 1, argv - 1, o);
	if (argc == 0)
		return jf_usage_error(_("a command is needed"));
	return jf_usage_error(_("unknown command \"%s\""), argv[0]);
}

static int
run_subs(const struct jf_tool *t, int argc, char **argv)
{
	static const struct option common[] = { JF_COMMON_LONG };
	struct jf_opts o = { .fmt = -1 };
	int ch, rc;

	/* the tool's own action: "expire --date D" beside "expire remind" */
	for (const struct jf_sub *x = t->subs; x->name != NULL; x++)
		if (*x->name == '\0')
			return run_level(t->subs, argc - 1, argv + 1, &o);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+" JF_COMMON_SHORT, common,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			opterr = 1;
			return jf_usage_error(_("%s: unknown option, or its "
			    "value is missing"), argv[optind - 1]);
		}
		if (ch == 'o' && strcmp(optarg, "html") == 0 &&
		    any_flag(t->subs, JF_HTML))
			o.fmt = JF_FMT_HTML;
		else if (ch == 'h') {
			tool_help(stdout);
			return 0;
		} else if ((rc = jf_opt_common(ch, optarg, &o)) != 0)
			return rc == -1 ? 0 : rc;
	}
	opterr = 1;
	return run_level(t->subs, argc - optind, argv + optind, &o);
}

int
jf_run(const struct jf_tool *t, int argc, char **argv)
{
	tool = t;
	jf_setprogname(t->name);
	return finish(run_subs(t, argc, argv));
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
	fputc('\r', stderr);
	if (size > 0)
		fprintf(stderr, _("%s: %s %3lld%% %ld rows"), jf_progname,
		    what, pos * 100 / size, done);
	else
		fprintf(stderr, _("%s: %s %ld rows"), jf_progname, what, done);
}

void
jf_progress_end(struct jf_ctx *c)
{
	if (!c->quiet && isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}
