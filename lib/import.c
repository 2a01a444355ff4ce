/*
 * import.c - the import engine: rejects, input and book opened, each
 * row read and handed to the caller's row function (or gathered into
 * its group), bad rows and groups to the rejects, commits every batch,
 * and --strict's all or nothing at the end.
 *
 * A group lives in a small arena: the kept fields of each of its rows,
 * NUL-terminated one after another, and per row its number and the
 * offsets of its fields.  The arena is reused from group to group, so
 * memory is one group's worth.  When the key's rows must stand together
 * the file is read twice: first every key once through jf_seen (a pipe
 * spooled to a temporary file so it can be read again), so that a key
 * that comes back apart from its rows refuses the file before anything
 * is written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "import.h"
#include "money.h"
#include "opts.h"
#include "output.h"

struct jf_group {
	char *buf;		/* the arena */
	size_t len, cap;
	size_t *off;		/* nkeep offsets a row */
	long *rowno;
	int n, cap_rows, nkeep;
	char *err;		/* the first fault, or NULL */
};

int
jf_group_rows(const struct jf_group *g)
{
	return g->n;
}

long
jf_group_rowno(const struct jf_group *g, int r)
{
	return g->rowno[r];
}

const char *
jf_group_get(const struct jf_group *g, int r, int keep)
{
	return g->buf + g->off[(size_t)r * g->nkeep + keep];
}

const struct jf_group *
jf_import_group(const struct jf_import *im)
{
	return im->g;
}

static size_t
arena_put(struct jf_group *g, const char *s)
{
	size_t n = strlen(s) + 1, at = g->len;

	if (g->len + n > g->cap) {
		size_t cap = g->cap ? g->cap : 4096;
		char *nb;

		while (g->len + n > cap)
			cap *= 2;
		if ((nb = realloc(g->buf, cap)) == NULL)
			return (size_t)-1;
		g->buf = nb;
		g->cap = cap;
	}
	memcpy(g->buf + g->len, s, n);
	g->len += n;
	return at;
}

static void
group_reset(struct jf_import *im)
{
	struct jf_group *g = im->g;

	g->len = 0;
	g->n = 0;
	free(g->err);
	g->err = NULL;
	if (im->gstate != NULL)
		memset(im->gstate, 0, im->gsize);
}

static void
group_free(struct jf_group *g)
{
	if (g == NULL)
		return;
	free(g->buf);
	free(g->off);
	free(g->rowno);
	free(g->err);
	free(g);
}

static void
group_fault(struct jf_group *g, const char *msg)
{
	if (g->err == NULL)
		g->err = strdup(msg);
}

/* Keeps the current row's fields in the group; -1 when memory runs out. */
static int
group_keep(struct jf_import *im)
{
	struct jf_group *g = im->g;
	const char *v;
	size_t *off;

	if (g->n == g->cap_rows) {
		int cap = g->cap_rows ? g->cap_rows * 2 : 16;
		size_t *no = realloc(g->off, (size_t)cap * g->nkeep *
		    sizeof(*no));
		long *nr;

		if (no == NULL)
			return -1;
		g->off = no;
		if ((nr = realloc(g->rowno, cap * sizeof(*nr))) == NULL)
			return -1;
		g->rowno = nr;
		g->cap_rows = cap;
	}
	g->rowno[g->n] = jf_in_row(im->in);
	off = g->off + (size_t)g->n * g->nkeep;
	for (int i = 0; i < g->nkeep; i++) {
		v = jf_in_get(im->in, im->keep[i]);
		if ((off[i] = arena_put(g, v ? v : "")) == (size_t)-1)
			return -1;
	}
	g->n++;
	return 0;
}

/* Writes the group's rows to the rejects, their kept fields and err. */
static void
group_reject(struct jf_import *im, const char *err)
{
	struct jf_group *g = im->g;
	FILE *fp = im->rej;

	for (int r = 0; im->jsonl && r < g->n; r++) {
		json_t *o = json_object();

		for (int i = 0; i < g->nkeep; i++)
			if (*jf_group_get(g, r, i) != '\0')
				json_object_set_new(o, im->keep[i],
				    json_string(jf_group_get(g, r, i)));
		json_object_set_new(o, "error", json_string(err));
		json_dumpf(o, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', fp);
		json_decref(o);
	}
	if (im->jsonl)
		return;
	if (!im->rejhdr) {
		for (int i = 0; i < g->nkeep; i++)
			if (jf_in_has(im->in, im->keep[i]))
				fprintf(fp, "%s,", im->keep[i]);
		fputs("error\n", fp);
		im->rejhdr = 1;
	}
	for (int r = 0; r < g->n; r++) {
		for (int i = 0; i < g->nkeep; i++)
			if (jf_in_has(im->in, im->keep[i])) {
				jf_csv_put(fp, jf_group_get(g, r, i));
				fputc(',', fp);
			}
		jf_csv_put(fp, err);
		fputc('\n', fp);
	}
	fflush(fp);
}

/* Books or rejects the gathered group: 0 or a status that stops. */
static int
group_done(struct jf_import *im)
{
	struct jf_group *g = im->g;
	int rc;

	if (g->n == 0)
		return 0;
	im->groups++;
	if (g->err == NULL) {
		if ((rc = im->group(im, g)) != JF_EDATA)
			return rc;
		group_fault(g, jf_errmsg());
	}
	im->bad++;
	group_reject(im, g->err ? g->err : jf_errmsg());
	return 0;
}

/* Adds the current row (good or not) to its group, ending the last. */
static int
group_row(struct jf_import *im, int ok)
{
	struct jf_group *g = im->g;
	const char *key = jf_in_get(im->in, im->key);
	int rc;

	if (key == NULL)
		key = "";
	if (g->n > 0 && strcmp(key, jf_group_get(g, 0, 0)) != 0) {
		if ((rc = group_done(im)) != 0)
			return rc;
		group_reset(im);
		if (im->batch > 0 && im->groups % im->batch == 0 &&
		    ((rc = jf_commit(im->c)) != 0 ||
		    (rc = jf_begin(im->c)) != 0))
			return rc;
	}
	if (group_keep(im) == -1)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if (!ok)
		group_fault(g, jf_errmsg());
	else if ((rc = im->row(im)) == JF_EDATA)
		group_fault(g, jf_errmsg());
	else if (rc != 0)
		return rc;
	return 0;
}

/*
 * A bad row, or one the row function refused: to the rejects, or
 * reported.  Returns 1 when the input broke (no row to reject).
 */
static int
row_reject(struct jf_import *im, int r, long last)
{
	im->bad++;
	if (r == -1 && jf_in_row(im->in) == last) {
		jf_warnx("%s", jf_errmsg());
		return 1;
	}
	if (im->warn)
		jf_warnx("%s", jf_errmsg());
	else
		jf_in_reject(im->in, im->rej, jf_errmsg());
	return 0;
}

/* Every row through the row function or its group: 0 or what stopped. */
static int
each_row(struct jf_import *im)
{
	struct jf_in *in = im->in;
	long last = jf_in_row(in);
	int r, rc;

	while ((r = jf_in_next(in)) != 0) {
		if (r == -2)
			return JF_EDATA;	/* not to be read on */
		if (im->key != NULL) {
			if ((rc = group_row(im, r == 1)) != 0)
				return rc;
		} else if ((rc = r == 1 ? im->row(im) : JF_EDATA) == JF_EDATA) {
			if (row_reject(im, r, last))
				break;
		} else if (rc != 0)
			return rc;
		last = jf_in_row(in);
		jf_progress(im->c, im->label ? im->label : jf_in_name(in),
		    ++im->rows, jf_in_pos(in), jf_in_size(in));
		if (im->key == NULL && im->batch > 0 &&
		    im->rows % im->batch == 0 &&
		    ((rc = jf_commit(im->c)) != 0 ||
		    (rc = jf_begin(im->c)) != 0))
			return rc;
	}
	return im->key != NULL ? group_done(im) : 0;
}

/*
 * The input as a file that can be read twice: standard input, or a pipe
 * or FIFO named as FILE, is spooled to an unlinked temporary file that
 * then stands in as fd 0 (and *path becomes "-").
 */
static int
spool(const char **path)
{
	char buf[65536];
	struct stat sb;
	FILE *tmp, *in = stdin;
	size_t n;

	if (strcmp(*path, "-") != 0) {
		if (stat(*path, &sb) == -1 || S_ISREG(sb.st_mode))
			return 0;	/* jf_in_open says what is wrong */
		if ((in = fopen(*path, "r")) == NULL)
			return jf_error(JF_ENOINPUT, "%s: %s", *path,
			    strerror(errno));
	} else if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode))
		return 0;	/* a file already: it can be read again */
	if ((tmp = tmpfile()) == NULL)
		return jf_error(JF_ECANTCREAT, _("temporary file: %s"),
		    strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, tmp) != n) {
			fclose(tmp);
			return jf_error(JF_ECANTCREAT, _("temporary file: "
			    "%s"), strerror(errno));
		}
	if (ferror(in) || fflush(tmp) != 0 ||
	    lseek(fileno(tmp), 0, SEEK_SET) == -1 ||
	    dup2(fileno(tmp), STDIN_FILENO) == -1) {
		fclose(tmp);
		if (in != stdin)
			fclose(in);
		return jf_error(JF_ENOINPUT, "%s: %s", *path,
		    strerror(errno));
	}
	fclose(tmp);
	if (in != stdin)
		fclose(in);
	clearerr(stdin);
	*path = "-";
	return 0;
}

/*
 * The first reading: every key once, so that rows of one key apart
 * from each other refuse the file before anything is written.
 */
static int
split_check(struct jf_import *im)
{
	struct jf_seen *seen = NULL;
	struct jf_in *in = NULL;
	char *last = calloc(1, im->key_max + 2);
	long first;
	int r, rc;

	if (last == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if ((rc = jf_in_open(im->path, im->jsonl ? JF_IN_JSONL : JF_IN_CSV,
	    &in)) != 0 || (rc = jf_in_set(in, im->delim, im->encoding)) != 0 ||
	    (rc = jf_in_header(in, im->known, 1)) != 0 ||
	    (rc = jf_seen_new(&seen)) != 0)
		goto out;
	while (rc == 0 && (r = jf_in_next(in)) != 0) {
		const char *k = r == 1 ? jf_in_get(in, im->key) : NULL;

		if (r == -2) {
			rc = JF_EDATA;
			break;
		}
		if (k == NULL || *k == '\0' || strlen(k) > im->key_max ||
		    strcmp(k, last) == 0)
			continue;	/* the second reading says why */
		snprintf(last, im->key_max + 2, "%s", k);
		if ((rc = jf_seen_add(seen, k, jf_in_row(in), &first)) ==
		    0 && first != 0)
			rc = jf_error(JF_EDATA, _("%s:%ld: %s: \"%s\" again, "
			    "apart from its lines from row %ld: put a %s's "
			    "lines together (sort -s -t, -k1,1); nothing "
			    "imported"), jf_in_name(in), jf_in_row(in),
			    im->key, k, first, im->key);
	}
out:
	free(last);
	jf_seen_free(seen);
	jf_in_close(in);
	if (rc == 0 && strcmp(im->path, "-") == 0 &&
	    (lseek(STDIN_FILENO, 0, SEEK_SET) == -1 ||
	    fseek(stdin, 0, SEEK_SET) == -1))
		rc = jf_error(JF_ENOINPUT, "stdin: %s", strerror(errno));
	return rc;
}

/* The input, its header and what it must have: 0 or a status (set). */
static int
open_input(struct jf_import *im)
{
	const char *const *need = im->needed;
	int rc;

	if (im->key != NULL) {
		if ((im->g = calloc(1, sizeof(*im->g))) == NULL)
			return jf_error(JF_ESOFTWARE, _("out of memory"));
		for (; im->keep[im->g->nkeep] != NULL; im->g->nkeep++)
			;
		group_reset(im);
	}
	if (im->together && ((rc = spool(&im->path)) != 0 ||
	    (rc = split_check(im)) != 0))
		return rc;
	if ((rc = jf_in_open(im->path, im->jsonl ? JF_IN_JSONL : JF_IN_CSV,
	    &im->in)) != 0 ||
	    (rc = jf_in_set(im->in, im->delim, im->encoding)) != 0 ||
	    (rc = jf_in_header(im->in, im->known, im->ignore)) != 0 ||
	    (im->header != NULL && (rc = im->header(im)) != 0))
		return rc;
	for (; !im->jsonl && need != NULL && *need != NULL; need++)
		if (!jf_in_has(im->in, *need))
			return jf_error(JF_EDATA, "%s:1: %s: %s",
			    jf_in_name(im->in), *need, im->missing ?
			    im->missing : _("column needed"));
	return 0;
}

/* After the last row: --strict, the end hook, the commit. */
static int
finish(struct jf_import *im)
{
	int rc;

	if (im->strict && im->bad) {
		jf_rollback(im->c);
		jf_warnx(_("%ld %s rejected: nothing %s (--strict)"), im->bad,
		    im->unit ? im->unit : _("rows"),
		    im->verb ? im->verb : _("booked"));
		return JF_EDATA;
	}
	if (im->end != NULL && (rc = im->end(im)) != 0) {
		jf_rollback(im->c);
		return rc;
	}
	if ((rc = jf_commit(im->c)) != 0)
		return jf_fail(rc);
	im->committed = 1;
	if (im->warn && im->bad)
		return jf_fail(jf_error(JF_EDATA, _("%ld of %ld rows refused"),
		    im->bad, im->rows));
	return im->bad ? JF_EDATA : 0;
}

int
jf_import_run(struct jf_import *im, struct jf_opts *o, int argc,
    char **argv)
{
	int rc;

	if (im->path == NULL)
		im->path = "-";
	im->delim = o->delim;
	im->encoding = o->encoding;
	if (im->strict || o->w.dry_run)
		im->batch = 0;
	/* before spool(), which would hide a file redirected to stdin */
	if ((!im->warn && (rc = jf_rejects_open(im->rejects, &o->w, im->path,
	    &im->rej)) != 0) || (rc = open_input(im)) != 0)
		return jf_fail(rc);
	if ((rc = jf_open_tool(o, argc, argv, &im->c)) != 0)
		return rc;
	jf_bulk(im->c, 1);
	if ((im->start != NULL && (rc = im->start(im)) != 0) ||
	    (rc = jf_begin(im->c)) != 0)
		return jf_fail(rc);
	if ((rc = each_row(im)) != 0) {
		jf_progress_end(im->c);
		jf_rollback(im->c);
		return jf_fail(rc);
	}
	jf_progress_end(im->c);
	return finish(im);
}

int
jf_import_close(struct jf_import *im, int rc)
{
	int r;

	if (!im->warn && (r = jf_rejects_close(im->rej)) != 0) {
		jf_fail(r);
		if (rc == 0 || rc == JF_EDATA)
			rc = r;
	}
	im->rej = NULL;
	group_free(im->g);
	im->g = NULL;
	jf_in_close(im->in);
	im->in = NULL;
	jf_close(im->c);
	im->c = NULL;
	return rc;
}

int
jf_import_booked(const struct jf_import *im)
{
	return im->committed;
}

const char *
jf_row_str(struct jf_in *in, const char *col)
{
	const char *s = jf_in_get(in, col);

	return s != NULL && *s != '\0' ? s : NULL;
}

int
jf_row_money(struct jf_in *in, const char *col, int64_t *v)
{
	const char *s = jf_row_str(in, col);

	if (s == NULL)
		return 0;
	if (jf_money_parse(s, v) == -1)
		return jf_in_error(in, col, "%s", jf_errmsg());
	if (*v < 0)
		return jf_in_error(in, col, _("negative amount: \"%s\""), s);
	return 0;
}

int
jf_row_int(struct jf_in *in, const char *col, int64_t min, int64_t max,
    int64_t *v)
{
	const char *s = jf_row_str(in, col);

	if (s == NULL)
		return 0;
	if (jf_int_parse(s, max, v) == -1 || *v < min)
		return jf_in_error(in, col, _("not a whole number from %lld to "
		    "%lld: \"%s\""), (long long)min, (long long)max, s);
	return 0;
}

int
jf_row_bool(struct jf_in *in, const char *col, int *v)
{
	static const char *const yes[] = { "1", "yes", "y", "true", NULL };
	static const char *const no[] = { "0", "no", "n", "false", NULL };
	const char *s = jf_row_str(in, col);

	if (s == NULL)
		return 0;
	for (int i = 0; yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return *v = 1, 0;
	for (int i = 0; no[i] != NULL; i++)
		if (strcasecmp(s, no[i]) == 0)
			return *v = 0, 0;
	return jf_in_error(in, col, _("not 0 or 1: \"%s\""), s);
}

static int
members_header(struct jf_import *im)
{
	if (!jf_in_has(im->in, "code") && !jf_in_has(im->in, "phone"))
		return jf_error(JF_EDATA, _("%s: a code or phone column is "
		    "needed"), jf_in_name(im->in));
	return 0;
}

void
jf_import_members(struct jf_import *im)
{
	static const char *const known[] = { "code", "phone", NULL };

	im->path = "-";
	im->jsonl = 0;
	im->known = known;
	im->ignore = 1;
	im->warn = 1;
	im->batch = 0;
	im->header = members_header;
}

int
jf_import_member(struct jf_import *im, const char **id, const char **col)
{
	const char *code = jf_in_get(im->in, "code");
	const char *phone = jf_in_get(im->in, "phone");

	*col = code && *code ? "code" : "phone";
	*id = code && *code ? code : phone;
	if (*id == NULL || **id == '\0')
		return jf_in_error(im->in, *col, "%s", _("no member named"));
	return 0;
}

int
jf_import_blame(struct jf_import *im, const char *col, int rc)
{
	char msg[1024];

	if (rc != JF_EREFUSED && rc != JF_EDUP && rc != JF_EDATA)
		return rc;
	/* the row and column before what was said */
	snprintf(msg, sizeof(msg), "%s", jf_errmsg());
	return jf_in_error(im->in, col, "%s", msg);
}

int
jf_import_delim(const char *arg, void *field)
{
	if (strcmp(arg, ",") == 0 || strcmp(arg, ";") == 0)
		*(int *)field = *arg;
	else if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
		*(int *)field = '\t';
	else
		return jf_error(JF_EUSAGE, _("',', ';' or tab, not \"%s\""),
		    arg), -1;
	return 0;
}

int
jf_import_encoding(const char *arg, void *field)
{
	static const char *const enc[] = { "utf-8", "gbk", "gb18030", NULL };

	for (int i = 0; enc[i] != NULL; i++)
		if (strcasecmp(arg, enc[i]) == 0) {
			*(const char **)field = enc[i];
			return 0;
		}
	return jf_error(JF_EUSAGE, _("utf-8, gbk or gb18030, not \"%s\""),
	    arg), -1;
}

int
jf_import_format(const char *arg, void *field)
{
	if (strcmp(arg, "csv") != 0 && strcmp(arg, "jsonl") != 0)
		return jf_error(JF_EUSAGE, _("csv or jsonl, not \"%s\""),
		    arg), -1;
	*(int *)field = strcmp(arg, "jsonl") == 0;
	return 0;
}
