/*
 * output.c - the row writer behind every tool's output.
 *
 * CSV and JSON Lines stream row by row; JSON streams the array's
 * elements; a table keeps its rows until the end to size its columns.
 *
 * Output is data that others open: a CSV text field that a spreadsheet
 * would run as a formula is written quoted (see jf_csv_put), and a
 * table, which is for a terminal, shows control characters escaped
 * instead of sending them raw.  A failed write to stdout is noted with
 * its errno at the moment it fails, for jf_stdout_close() to report.
 *
 * The column names head CSV and key JSON as they are, in English for
 * the scripts that read them; a table's header, which a person reads,
 * shows their labels in the user's language (jf_label).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "money.h"
#include "output.h"

enum { V_NULL, V_STR, V_INT, V_MONEY };

struct val {
	int type;
	char *s;
	int64_t i;
};

static int stdout_errno;	/* of the first failed write to stdout */
static int no_header;		/* --no-header: CSV, TSV and tables without */

/* Notes a failed write to fp just made, while errno still tells why. */
static void
note(FILE *fp)
{
	if (fp == stdout && ferror(fp) && stdout_errno == 0)
		stdout_errno = errno ? errno : EIO;
}

void
jf_stdout_failed(int err)
{
	if (stdout_errno == 0)
		stdout_errno = err ? err : EIO;
}

int
jf_stdout_copy(FILE *in, const char *name)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			jf_stdout_failed(errno);
			break;
		}
	if (ferror(in))
		return jf_error(JF_ESOFTWARE, "%s: %s", name, strerror(errno));
	return 0;
}

int
jf_stdout_close(void)
{
	static int done, rc;

	if (done)
		return rc;
	done = 1;
	if (fflush(stdout) == EOF || ferror(stdout))
		note(stdout);
	if (stdout_errno == 0 && fclose(stdout) == EOF)
		stdout_errno = errno ? errno : EIO;
	if (stdout_errno == EPIPE)
		rc = JF_EPIPE;
	else if (stdout_errno != 0)
		rc = jf_error(JF_ESOFTWARE, "stdout: %s",
		    strerror(stdout_errno));
	return rc;
}

struct jf_out {
	int fmt;
	FILE *fp;
	const char *const *cols;
	int ncols;
	int single;
	const char *ctx;	/* the labels' context, NULL: "column" */
	struct val *row;	/* the row being built */
	int nv;
	json_t *extra;		/* JSON keys beyond the columns */
	long nrows;
	struct val **rows;	/* a table's rows */
	long cap;
};

int
jf_fmt_parse(const char *s, int *fmt)
{
	static const char *names[] = { "table", "csv", "json", "jsonl",
		"html", "tsv" };

	for (int i = 0; i < 6; i++)
		if (strcmp(s, names[i]) == 0) {
			*fmt = i;
			return 0;
		}
	jf_error(JF_EUSAGE, _("unknown format \"%s\" "
	    "(table, csv, tsv, json, jsonl)"), s);
	return -1;
}

void
jf_out_header(int on)
{
	no_header = !on;
}

int
jf_fmt_default(void)
{
	return isatty(STDOUT_FILENO) ? JF_FMT_TABLE : JF_FMT_CSV;
}

struct jf_out *
jf_out_new(int fmt, FILE *fp, const char *const *cols)
{
	struct jf_out *o = calloc(1, sizeof(*o));

	o->fmt = fmt;
	o->fp = fp;
	o->cols = cols;
	while (cols[o->ncols] != NULL)
		o->ncols++;
	o->row = calloc(o->ncols, sizeof(*o->row));
	return o;
}

void
jf_out_single(struct jf_out *o)
{
	o->single = 1;
}

void
jf_out_labels(struct jf_out *o, const char *ctx)
{
	o->ctx = ctx;
}

static struct val *
slot(struct jf_out *o)
{
	static struct val spill;

	if (o->nv >= o->ncols) {	/* more values than columns: a bug */
		free(spill.s);
		spill.s = NULL;
		return &spill;
	}
	return &o->row[o->nv++];
}

void
jf_out_str(struct jf_out *o, const char *s)
{
	struct val *v = slot(o);

	v->type = s ? V_STR : V_NULL;
	v->s = s ? strdup(s) : NULL;
}

static void
number(struct jf_out *o, int type, int64_t i)
{
	struct val *v = slot(o);

	v->type = type;
	v->i = i;
	v->s = NULL;
}

void
jf_out_int(struct jf_out *o, int64_t i)
{
	number(o, V_INT, i);
}

void
jf_out_money(struct jf_out *o, int64_t fen)
{
	number(o, V_MONEY, fen);
}

void
jf_out_json(struct jf_out *o, const char *key, json_t *val)
{
	if (o->extra == NULL)
		o->extra = json_object();
	json_object_set_new(o->extra, key, val);
}

/* The text of a value as CSV and tables show it. */
static const char *
text(const struct val *v, char *buf)
{
	switch (v->type) {
	case V_STR:
		return v->s;
	case V_INT:
		snprintf(buf, JF_MONEY_BUF, "%lld", (long long)v->i);
		return buf;
	case V_MONEY:
		return jf_money_fmt(v->i, buf);
	}
	return "";
}

/*
 * Whether a spreadsheet would run s as a formula: it starts with "=",
 * "+", "-" or "@" (after any single quotes, so that the guard can be
 * taken off again) and is not a number: "-10", "+8613812345678", "-0.5"
 * and a lone "-" stay as they are.
 */
int
jf_csv_formula(const char *s)
{
	const char *p = s;

	while (*p == '\'')
		p++;
	if (*p != '=' && *p != '+' && *p != '-' && *p != '@')
		return 0;
	if (p != s || *p == '=' || *p == '@')
		return 1;
	p++;
	if (*p == '\0')
		return 0;
	if (*p < '0' || *p > '9')
		return 1;
	p += strspn(p, "0123456789");
	if (*p == '.' && p[1] >= '0' && p[1] <= '9')
		p += 1 + strspn(p + 1, "0123456789");
	return *p != '\0';
}

char *
jf_csv_unguard(char *s)
{
	if (s[0] == '\'' && jf_csv_formula(s + 1) && jf_csv_formula(s))
		memmove(s, s + 1, strlen(s));
	return s;
}

void
jf_csv_put(FILE *fp, const char *s)
{
	int guard = jf_csv_formula(s);

	if (!guard && s[strcspn(s, ",\"\r\n")] == '\0' && s[0] != ' ' &&
	    (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (guard)
		fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static json_t *
row_json(struct jf_out *o)
{
	json_t *j = json_object();
	char buf[JF_MONEY_BUF];

	for (int i = 0; i < o->ncols; i++) {
		struct val *v = &o->row[i];
		json_t *x;

		switch (v->type) {
		case V_STR:
			/* the inputs were checked, but never emit a NULL */
			x = json_string(v->s);
			if (x == NULL)
				x = json_string("\xef\xbf\xbd");
			break;
		case V_INT:
			x = json_integer(v->i);
			break;
		case V_MONEY:
			x = json_string(jf_money_fmt(v->i, buf));
			break;
		default:
			x = json_null();
		}
		json_object_set_new(j, o->cols[i], x);
	}
	if (o->extra != NULL) {
		json_object_update(j, o->extra);
		json_decref(o->extra);
		o->extra = NULL;
	}
	return j;
}

static void
html_put(FILE *fp, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
}

/*
 * A TSV field: tab, newline, carriage return and backslash written as
 * \t, \n, \r and \\, so that a row is a line and a field has no tab.
 */
static void
tsv_put(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '\t': fputs("\\t", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\\': fputs("\\\\", fp); break;
		default: fputc(*s, fp);
		}
}

/* CSV's or TSV's line of column names, unless --no-header. */
static void
sv_header(struct jf_out *o)
{
	if (no_header)
		return;
	for (int i = 0; i < o->ncols; i++) {
		if (i)
			fputc(o->fmt == JF_FMT_TSV ? '\t' : ',', o->fp);
		fputs(o->cols[i], o->fp);
	}
	fputc('\n', o->fp);
}

/*
 * One row's JSON in one fwrite: json_dumpf writes it a token at a time,
 * a locked stdio call each, which was a fifth of a till's answer.
 */
static void
dump(json_t *j, FILE *fp)
{
	char buf[4096], *p;
	size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
	size_t n = json_dumpb(j, buf, sizeof(buf), flags);

	if (n <= sizeof(buf))
		fwrite(buf, 1, n, fp);
	else if ((p = malloc(n)) == NULL)
		json_dumpf(j, fp, flags);
	else {
		fwrite(p, 1, json_dumpb(j, p, n, flags), fp);
		free(p);
	}
}

void
jf_out_end(struct jf_out *o)
{
	char buf[JF_MONEY_BUF];
	json_t *j;

	while (o->nv < o->ncols)
		jf_out_str(o, NULL);
	switch (o->fmt) {
	case JF_FMT_CSV:
	case JF_FMT_TSV:
		if (o->nrows == 0)
			sv_header(o);
		for (int i = 0; i < o->ncols; i++) {
			if (i)
				fputc(o->fmt == JF_FMT_TSV ? '\t' : ',', o->fp);
			if (o->fmt == JF_FMT_TSV)
				tsv_put(o->fp, text(&o->row[i], buf));
			else
				jf_csv_put(o->fp, text(&o->row[i], buf));
		}
		fputc('\n', o->fp);
		break;
	case JF_FMT_JSON:
	case JF_FMT_JSONL:
		j = row_json(o);
		if (o->fmt == JF_FMT_JSON && !o->single)
			fputs(o->nrows == 0 ? "[\n" : ",\n", o->fp);
		dump(j, o->fp);
		if (o->fmt == JF_FMT_JSONL || o->single)
			fputc('\n', o->fp);
		json_decref(j);
		break;
	case JF_FMT_HTML:
		if (o->nrows == 0) {
			fputs("<table>\n<tr>", o->fp);
			for (int i = 0; i < o->ncols; i++) {
				fputs("<th>", o->fp);
				html_put(o->fp, jf_label(o->ctx, o->cols[i]));
				fputs("</th>", o->fp);
			}
			fputs("</tr>\n", o->fp);
		}
		fputs("<tr>", o->fp);
		for (int i = 0; i < o->ncols; i++) {
			fputs(o->row[i].type >= V_INT ?
			    "<td class=\"n\">" : "<td>", o->fp);
			html_put(o->fp, text(&o->row[i], buf));
			fputs("</td>", o->fp);
		}
		fputs("</tr>\n", o->fp);
		break;
	case JF_FMT_TABLE:
		if (o->nrows == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 64;
			o->rows = realloc(o->rows, o->cap * sizeof(*o->rows));
		}
		o->rows[o->nrows] = o->row;
		o->row = calloc(o->ncols, sizeof(*o->row));
		o->nv = 0;
		o->nrows++;
		return;
	}
	note(o->fp);
	for (int i = 0; i < o->ncols; i++) {
		free(o->row[i].s);
		o->row[i].s = NULL;
	}
	if (o->extra != NULL) {
		json_decref(o->extra);
		o->extra = NULL;
	}
	o->nv = 0;
	o->nrows++;
}

/* East Asian wide and fullwidth ranges: enough for Chinese text. */
static int
wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
	    (c >= 0x20000 && c <= 0x3fffd);
}

int
jf_text_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int w = 0;

	while (*s) {
		unsigned long c = *s;
		int k = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;

		if (k)
			c &= 0x3f >> k;
		for (int i = 1; i <= k && s[i]; i++)
			c = c << 6 | (s[i] & 0x3f);
		for (int i = 0; i <= k && *s; i++)
			s++;
		w += wide(c) ? 2 : 1;
	}
	return w;
}

/*
 * s as a terminal may show it (new, or NULL when s needs nothing):
 * control characters, C0, DEL and C1, escaped as \t, \n, \r or \xHH
 * (\u0085 for C1), so that no text in the book can move the cursor,
 * recolour or retitle the terminal of the person reading a table.
 */
static char *
tty_safe(const char *s)
{
	const unsigned char *p;
	char *out, *o;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 &&
		    p[1] <= 0x9f))
			break;
	if (*p == '\0')
		return NULL;
	if ((out = malloc(strlen(s) * 4 + 1)) == NULL)
		return NULL;
	for (p = (const unsigned char *)s, o = out; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r') {
			*o++ = '\\';
			*o++ = *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r';
		} else if (*p < 0x20 || *p == 0x7f)
			o += sprintf(o, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			o += sprintf(o, "\\u%04x", *++p);
		else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void
pad(FILE *fp, int n)
{
	while (n-- > 0)
		fputc(' ', fp);
}

static void
table_flush(struct jf_out *o)
{
	int *w = calloc(o->ncols, sizeof(*w));
	char buf[JF_MONEY_BUF];

	for (int i = 0; i < o->ncols; i++)
		w[i] = jf_text_width(jf_label(o->ctx, o->cols[i]));
	for (long r = 0; r < o->nrows; r++)
		for (int i = 0; i < o->ncols; i++) {
			struct val *v = &o->rows[r][i];
			char *safe;
			int n;

			/* escaped once, here, for the width and the print */
			if (v->type == V_STR && (safe = tty_safe(v->s))) {
				free(v->s);
				v->s = safe;
			}
			if ((n = jf_text_width(text(v, buf))) > w[i])
				w[i] = n;
		}
	for (long r = no_header ? 0 : -1; r < o->nrows; r++) {
		for (int i = 0; i < o->ncols; i++) {
			const char *t = r < 0 ? jf_label(o->ctx, o->cols[i]) :
			    text(&o->rows[r][i], buf);
			int n = w[i] - jf_text_width(t);
			int right = r >= 0 && o->rows[r][i].type >= V_INT;

			if (right)
				pad(o->fp, n);
			fputs(t, o->fp);
			if (i + 1 < o->ncols)
				pad(o->fp, (right ? 0 : n) + 2);
		}
		fputc('\n', o->fp);
	}
	free(w);
}

int
jf_out_done(struct jf_out *o, int rc)
{
	if (jf_out_free(o) != 0 && rc == 0)
		rc = JF_ESOFTWARE;
	return rc;
}

int
jf_out_free(struct jf_out *o)
{
	int rc;

	if (o == NULL)
		return 0;
	switch (o->fmt) {
	case JF_FMT_TABLE:
		table_flush(o);
		break;
	case JF_FMT_JSON:
		if (!o->single)
			fputs(o->nrows == 0 ? "[]\n" : "\n]\n", o->fp);
		else if (o->nrows == 0)
			fputs("null\n", o->fp);
		break;
	case JF_FMT_CSV:
	case JF_FMT_TSV:
		if (o->nrows == 0)
			sv_header(o);
		break;
	case JF_FMT_HTML:
		if (o->nrows == 0)
			fputs("<table>\n", o->fp);
		fputs("</table>\n", o->fp);
		break;
	}
	for (long r = 0; r < o->nrows && o->rows; r++) {
		for (int i = 0; i < o->ncols; i++)
			free(o->rows[r][i].s);
		free(o->rows[r]);
	}
	for (int i = 0; i < o->ncols; i++)
		free(o->row[i].s);
	free(o->rows);
	free(o->row);
	json_decref(o->extra);
	rc = fflush(o->fp) == 0 && !ferror(o->fp) ? 0 : -1;
	if (rc != 0)
		note(o->fp);
	free(o);
	return rc;
}
