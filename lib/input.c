/*
 * input.c - records from CSV (through libcsv) or JSON Lines (jansson).
 *
 * libcsv pushes fields at us; we want to pull rows.  So a block of the
 * file is parsed at a time, each finished row goes into a queue, and
 * jf_in_next() hands them out until the queue is empty and the next
 * block is read.  A field's faults (bad UTF-8, NUL, too long) are noted
 * on its row as it is collected and reported when the row is handed out,
 * so the caller can reject that row and go on.
 *
 * A spreadsheet on a Chinese PC saves its CSV in GB18030 (GBK): with an
 * encoding given, each field (each JSON line) is converted to UTF-8 as
 * it is collected, which is safe because no byte of a GB18030 character
 * after its first is a delimiter, a quote or an end of line.  Without
 * one, a field that is not UTF-8 but reads as GB18030 stops the input
 * with the way to read it.  The header's names are matched without
 * case or surrounding spaces, and the Chinese names a shop's sheet uses
 * stand for the English columns (aliases[]).
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "input.h"
#include "output.h"

#define BLOCK 65536

struct rec {
	char *data;		/* fields, each NUL-terminated */
	size_t len, cap;
	size_t *off;		/* offset of each field in data */
	int nf, fcap;
	long row;
	int errcol;		/* the faulty field's index, or -1 */
	char *err;		/* what is wrong, or NULL */
	int gb;			/* the fault: GB18030, not UTF-8 (fatal) */
};

struct jf_in {
	FILE *fp;
	char *name;
	int kind;
	int own;
	struct csv_parser p;
	int pinit;
	char **cols;		/* header */
	int ncols;
	struct rec build;	/* the row libcsv is filling */
	struct rec *q;		/* finished rows */
	int qhead, qn, qcap;
	struct rec cur;		/* the row handed out */
	long nrec;
	int eof, dead;
	off_t pos, size;
	int rejhdr;
	char *line;		/* JSON Lines: the raw line */
	const char *const *known;
	int ignore_unknown;
	iconv_t cd;		/* from the input's encoding, or (iconv_t)-1 */
	char enc[16];		/* its name, for messages */
	char *conv;		/* a field converted */
	size_t convcap;
};

static size_t parser_cap;	/* libcsv's buffer may not grow past it */

static void *
capped_realloc(void *p, size_t n)
{
	if (n > parser_cap)
		return NULL;
	return realloc(p, n);
}

int
jf_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		int k;
		uint32_t cp;

		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07;
		} else
			return 0;
		if (i + k >= n)
			return 0;
		for (int j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
		    (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

const char *
jf_text_control(const char *str, size_t n, unsigned *code)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n; i++) {
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r') || s[i] == 0x7f) {
			*code = s[i];
			return str + i;
		}
		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f) {
			*code = s[i + 1];
			return str + i;
		}
	}
	return NULL;
}

static void
rec_reset(struct rec *r)
{
	r->len = 0;
	r->nf = 0;
	r->errcol = -1;
	r->gb = 0;
	free(r->err);
	r->err = NULL;
}

static void
rec_free(struct rec *r)
{
	free(r->data);
	free(r->off);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static void
rec_fault(struct rec *r, int col, const char *msg)
{
	if (r->err == NULL) {
		r->err = strdup(msg);
		r->errcol = col;
	}
}

/*
 * Whether s reads as GB18030 text: what a spreadsheet on a Chinese PC
 * saves as "CSV (逗号分隔)".
 */
static int
gb18030(const char *s, size_t n)
{
	char out[JF_FIELD_MAX * 2 + 4], *ip = (char *)s, *op = out;
	size_t il = n, ol = sizeof(out);
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	int ok;

	if (cd == (iconv_t)-1)
		return 0;
	ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0 &&
	    iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1;
	iconv_close(cd);
	return ok && jf_utf8_valid(out, op - out);
}

/*
 * A tab, CR or LF in a field: none of the columns read holds one, and
 * in a name it would break tables and terminals.  Its code, or 0.
 */
static unsigned
field_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			return (unsigned char)s[i];
	return 0;
}

/*
 * Adds a field to r, checked; lines: a tab or a line break may stay
 * (the unfinished field of a broken row, kept for its reject).
 */
static void
rec_put(struct rec *r, const char *s, size_t n, int lines)
{
	unsigned code;

	if (r->nf == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 16;
		r->off = realloc(r->off, r->fcap * sizeof(*r->off));
	}
	if (n > JF_FIELD_MAX) {
		rec_fault(r, r->nf, _("field longer than 4096 bytes"));
		n = 0;
	} else if (memchr(s, '\0', n) != NULL) {
		rec_fault(r, r->nf, _("NUL byte in field"));
		n = 0;
	} else if (!jf_utf8_valid(s, n)) {
		if (r->err == NULL && gb18030(s, n)) {
			rec_fault(r, r->nf, "GB18030");
			r->gb = 1;
		} else
			rec_fault(r, r->nf, _("invalid UTF-8"));
		n = 0;
	} else if (jf_text_control(s, n, &code) != NULL ||
	    (!lines && (code = field_space(s, n)) != 0)) {
		char m[64];

		snprintf(m, sizeof(m), code < 0x80 ?
		    _("a control character (\\x%02x) in the field") :
		    _("a control character (\\u%04x) in the field"), code);
		rec_fault(r, r->nf, m);
		n = 0;
	}
	if (r->len + n + 1 > r->cap) {
		r->cap = (r->len + n + 1) * 2;
		r->data = realloc(r->data, r->cap);
	}
	r->off[r->nf++] = r->len;
	memcpy(r->data + r->len, s, n);
	r->len += n;
	r->data[r->len++] = '\0';
	if (r->len > JF_LINE_MAX)
		rec_fault(r, -1, _("line longer than 65536 bytes"));
}

/*
 * Converts n bytes at s from the input's encoding into in->conv: its
 * length, or -1 when they are not text in that encoding.
 */
static ssize_t
convert(struct jf_in *in, const char *s, size_t n)
{
	char *ip = (char *)s, *op;
	size_t il = n, ol;

	/* GB18030 takes at most 3 bytes of UTF-8 for 2 of its own */
	if (in->convcap < 2 * n + 4) {
		char *nb = realloc(in->conv, 2 * n + 4);

		if (nb == NULL)
			return -1;
		in->conv = nb;
		in->convcap = 2 * n + 4;
	}
	op = in->conv;
	ol = in->convcap - 1;
	iconv(in->cd, NULL, NULL, NULL, NULL);
	if (iconv(in->cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0 ||
	    iconv(in->cd, NULL, NULL, &op, &ol) == (size_t)-1)
		return -1;
	*op = '\0';
	return op - in->conv;
}

static void
rec_add(struct rec *r, const char *s, size_t n)
{
	rec_put(r, s, n, 0);
}

static void
on_field(void *s, size_t n, void *data)
{
	struct jf_in *in = data;
	char f[JF_FIELD_MAX + 1];
	ssize_t cn;

	if (s != NULL && in->cd != (iconv_t)-1 && n <= JF_FIELD_MAX) {
		if ((cn = convert(in, s, n)) == -1) {
			char m[64];

			snprintf(m, sizeof(m), _("not %s text"), in->enc);
			rec_fault(&in->build, in->build.nf, m);
			rec_add(&in->build, "", 0);
			return;
		}
		s = in->conv;
		n = cn;
	}

	/* CSV output's guard against spreadsheets comes off (output.h) */
	if (s != NULL && n > 1 && n <= JF_FIELD_MAX && *(char *)s == '\'') {
		memcpy(f, s, n);
		f[n] = '\0';
		if (strlen(f) == n) {
			jf_csv_unguard(f);
			rec_add(&in->build, f, strlen(f));
			return;
		}
	}
	rec_add(&in->build, s ? s : "", s ? n : 0);
}

static void
on_row(int c, void *data)
{
	struct jf_in *in = data;
	struct rec *r;

	(void)c;
	if (in->qn == in->qcap) {
		in->qcap = in->qcap ? in->qcap * 2 : 64;
		in->q = realloc(in->q, in->qcap * sizeof(*in->q));
	}
	r = &in->q[in->qn++];
	*r = in->build;
	r->row = ++in->nrec;
	memset(&in->build, 0, sizeof(in->build));
	in->build.errcol = -1;
}

int
jf_in_open(const char *path, int kind, struct jf_in **inp)
{
	struct jf_in *in;
	struct stat st;

	in = calloc(1, sizeof(*in));
	in->kind = kind;
	in->cd = (iconv_t)-1;
	in->build.errcol = -1;
	in->cur.errcol = -1;
	if (path == NULL || strcmp(path, "-") == 0) {
		in->fp = stdin;
		in->name = strdup("stdin");
	} else {
		if ((in->fp = fopen(path, "r")) == NULL) {
			int e = errno;

			free(in);
			return jf_error(e == ENOENT ? JF_ENOINPUT : JF_ENOINPUT,
			    "%s: %s", path, strerror(e));
		}
		in->own = 1;
		in->name = strdup(path);
	}
	if (fstat(fileno(in->fp), &st) == 0 && S_ISREG(st.st_mode))
		in->size = st.st_size;
	if (kind == JF_IN_CSV) {
		csv_init(&in->p, CSV_STRICT | CSV_STRICT_FINI);
		parser_cap = JF_LINE_MAX * 2;
		csv_set_realloc_func(&in->p, capped_realloc);
		in->pinit = 1;
	}
	*inp = in;
	return 0;
}

int
jf_in_set(struct jf_in *in, int delim, const char *encoding)
{
	if (delim != 0 && in->pinit)
		csv_set_delim(&in->p, (unsigned char)delim);
	if (encoding == NULL || strcasecmp(encoding, "utf-8") == 0 ||
	    strcasecmp(encoding, "utf8") == 0)
		return 0;
	/* GB18030 holds all of GBK: one converter reads both */
	snprintf(in->enc, sizeof(in->enc), "%s", strcasecmp(encoding,
	    "gbk") == 0 ? "GBK" : "GB18030");
	if ((in->cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return jf_error(JF_ESOFTWARE, "iconv: %s", strerror(errno));
	return 0;
}

void
jf_in_close(struct jf_in *in)
{
	if (in == NULL)
		return;
	if (in->cd != (iconv_t)-1)
		iconv_close(in->cd);
	free(in->conv);
	if (in->pinit)
		csv_free(&in->p);
	if (in->own)
		fclose(in->fp);
	for (int i = in->qhead; i < in->qn; i++)
		rec_free(&in->q[i]);
	free(in->q);
	rec_free(&in->build);
	rec_free(&in->cur);
	for (int i = 0; i < in->ncols; i++)
		free(in->cols[i]);
	free(in->cols);
	free(in->name);
	free(in->line);
	free(in);
}

/*
 * Queues the row libcsv was in the middle of, its unfinished field
 * included, as a bad row: a rejects file then holds the broken row.
 */
static void
broken(struct jf_in *in, const char *why)
{
	size_t n = in->p.entry_pos;

	if (n > JF_FIELD_MAX)
		n = JF_FIELD_MAX;
	rec_fault(&in->build, -1, why);
	rec_put(&in->build, (const char *)in->p.entry_buf, n, 1);
	on_row(0, in);
}

/* Parses the next block; 0 on success, -1 on a fatal fault (message set). */
static int
fill(struct jf_in *in)
{
	char buf[BLOCK];
	size_t n, off = 0;

	in->qhead = in->qn = 0;
	while (in->qn == 0 && !in->eof) {
		n = fread(buf, 1, sizeof(buf), in->fp);
		if (n == 0) {
			in->eof = 1;
			if (ferror(in->fp))
				return jf_error(JF_ENOINPUT, "%s: %s", in->name,
				    strerror(errno)), -1;
			if (csv_fini(&in->p, on_field, on_row, in) != 0)
				broken(in, _("unclosed quote"));
			break;
		}
		off = 0;
		if (in->pos == 0 && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			off = 3;
		in->pos += n;
		if (csv_parse(&in->p, buf + off, n - off, on_field, on_row,
		    in) != n - off) {
			int e = csv_error(&in->p);

			/* the rows before the fault still count; none after */
			broken(in, e == CSV_ENOMEM ?
			    _("line longer than 65536 bytes; the rest of the "
			    "file is not read") :
			    _("malformed quoting; the rest of the file is not "
			    "read"));
			in->eof = 1;
			return 0;
		}
	}
	return 0;
}

/* Takes the next queued CSV row into cur: 1, 0 at the end, -1 fatal. */
static int
pop(struct jf_in *in)
{
	if (in->dead)
		return 0;
	if (in->qhead == in->qn && fill(in) == -1) {
		in->dead = 1;
		rec_reset(&in->cur);	/* no row to reject but the fault */
		in->cur.row = in->nrec + 1;
		return -1;
	}
	if (in->qhead == in->qn)
		return 0;
	rec_free(&in->cur);
	in->cur = in->q[in->qhead++];
	return 1;
}

static int gb_error(struct jf_in *, const char *, int);

static int
known_col(const char *const *known, const char *c)
{
	for (; known != NULL && *known != NULL; known++)
		if (strcmp(*known, c) == 0)
			return 1;
	return 0;
}

/*
 * The names a Chinese shop's sheet gives its columns, and the columns
 * each may stand for: the first the reading knows is taken.
 */
static const struct {
	const char *name;
	const char *col[3];
} aliases[] = {
	{ "会员号", { "code", "member" } },
	{ "会员编号", { "code", "member" } },
	{ "会员卡号", { "code", "member" } },
	{ "卡号", { "code", "member" } },
	{ "会员", { "member", "code" } },
	{ "手机", { "phone" } },
	{ "手机号", { "phone" } },
	{ "手机号码", { "phone" } },
	{ "电话", { "phone" } },
	{ "电话号码", { "phone" } },
	{ "姓名", { "name" } },
	{ "名称", { "name" } },
	{ "品名", { "name" } },
	{ "商品名称", { "name" } },
	{ "商品名", { "name" } },
	{ "邮箱", { "email" } },
	{ "电子邮箱", { "email" } },
	{ "生日", { "birthday" } },
	{ "出生日期", { "birthday" } },
	{ "推荐人", { "referrer" } },
	{ "入会日期", { "joined" } },
	{ "入会时间", { "joined" } },
	{ "状态", { "status" } },
	{ "等级", { "tier" } },
	{ "会员等级", { "tier" } },
	{ "积分", { "balance" } },
	{ "积分余额", { "balance" } },
	{ "商品编码", { "sku" } },
	{ "编码", { "sku" } },
	{ "条码", { "sku" } },
	{ "商品条码", { "sku" } },
	{ "货号", { "sku" } },
	{ "数量", { "qty" } },
	{ "单价", { "price" } },
	{ "售价", { "price" } },
	{ "价格", { "price" } },
	{ "进价", { "cost" } },
	{ "成本", { "cost" } },
	{ "成本价", { "cost" } },
	{ "类别", { "category" } },
	{ "分类", { "category" } },
	{ "补货线", { "reorder_level" } },
	{ "兑换积分", { "gift_points" } },
	{ "不积分", { "no_points" } },
	{ "小票号", { "receipt", "ref" } },
	{ "小票", { "receipt", "ref" } },
	{ "单号", { "receipt", "ref" } },
	{ "入库单号", { "ref" } },
	{ "送货单号", { "ref" } },
	{ "供应商", { "supplier" } },
	{ "时间", { "at" } },
	{ "日期", { "at" } },
	{ "门店", { "store" } },
	{ "用积分", { "points_used" } },
	{ "使用积分", { "points_used" } },
	{ "抵扣积分", { "points_used" } },
	{ "盘点数", { "counted" } },
	{ "实盘数", { "counted" } },
	{ "盘点数量", { "counted" } },
	{ "错误", { "error" } },
};

/*
 * The column a header's name stands for (new): without its surrounding
 * spaces (an ideographic space too), in any case, or a Chinese name.
 */
static char *
header_col(const char *c, const char *const *known)
{
	size_t n = strlen(c);
	char *t;

	for (;;) {
		if (n > 0 && (*c == ' ' || *c == '\t'))
			c++, n--;
		else if (n >= 3 && memcmp(c, "\xe3\x80\x80", 3) == 0)
			c += 3, n -= 3;
		else if (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\t'))
			n--;
		else if (n >= 3 && memcmp(c + n - 3, "\xe3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	if ((t = strndup(c, n)) == NULL || known_col(known, t))
		return t;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, t) == 0)
			for (int j = 0; j < 3 && aliases[i].col[j]; j++)
				if (known_col(known, aliases[i].col[j])) {
					free(t);
					return strdup(aliases[i].col[j]);
				}
	for (char *p = t; *p; p++)
		*p = tolower((unsigned char)*p);
	if (known_col(known, t))
		return t;
	free(t);
	return strndup(c, n);
}

/* "column N: why" of a faulty field of the header, for its message. */
static int
header_fault(struct jf_in *in)
{
	int col = in->cur.errcol + 1;

	if (in->cur.gb)
		return gb_error(in, NULL, col);
	if (col > 0)
		return jf_error(JF_EDATA, _("%s:1: column %d: %s"), in->name,
		    col, in->cur.err);
	return jf_error(JF_EDATA, "%s:1: %s", in->name, in->cur.err);
}

int
jf_in_header(struct jf_in *in, const char *const *known, int ignore_unknown)
{
	int rc;

	in->known = known;
	in->ignore_unknown = ignore_unknown;
	if (in->kind == JF_IN_JSONL) {
		for (; known[in->ncols] != NULL; in->ncols++)
			;
		in->cols = calloc(in->ncols + 1, sizeof(*in->cols));
		for (int i = 0; i < in->ncols; i++)
			in->cols[i] = strdup(known[i]);
		return 0;
	}
	if ((rc = pop(in)) == -1)
		return JF_EDATA;
	if (rc == 0)
		return jf_error(JF_EDATA, _("%s: empty input, no header"),
		    in->name);
	if (in->cur.err != NULL)
		return header_fault(in);
	in->ncols = in->cur.nf;
	in->cols = calloc(in->ncols + 1, sizeof(*in->cols));
	for (int i = 0; i < in->ncols; i++) {
		const char *c;

		if ((in->cols[i] = header_col(in->cur.data + in->cur.off[i],
		    known)) == NULL)
			return jf_error(JF_ESOFTWARE, _("out of memory"));
		c = in->cols[i];
		for (int j = 0; j < i; j++)
			if (strcmp(in->cols[j], c) == 0)
				return jf_error(JF_EDATA,
				    _("%s:1: %s: column named twice"),
				    in->name, c);
		if (!ignore_unknown && !known_col(known, c))
			return jf_error(JF_EDATA,
			    _("%s:1: %s: unknown column (see --ignore-unknown)"),
			    in->name, c);
	}
	return 0;
}

int
jf_in_has(struct jf_in *in, const char *col)
{
	for (int i = 0; i < in->ncols; i++)
		if (strcmp(in->cols[i], col) == 0)
			return 1;
	return 0;
}

int
jf_in_error(struct jf_in *in, const char *col, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (col != NULL)
		return jf_error(JF_EDATA, "%s:%ld: %s: %s", in->name,
		    in->cur.row, col, msg);
	return jf_error(JF_EDATA, "%s:%ld: %s", in->name, in->cur.row, msg);
}

/*
 * A field in GB18030, with the input read as UTF-8: how to read it, on
 * the field's column or (in the header) its number.  JF_EDATA.
 */
static int
gb_error(struct jf_in *in, const char *col, int colno)
{
	const char *file = in->own ? in->name : "FILE";
	char where[64];

	if (col == NULL)
		snprintf(where, sizeof(where), _("column %d"), colno);
	return jf_error(JF_EDATA, _("%s:%ld: %s: not UTF-8 but GB18030, as a "
	    "spreadsheet on a Chinese PC saves CSV: convert it with 'iconv "
	    "-f GB18030 -t UTF-8 %s' or give --encoding gb18030"), in->name,
	    in->cur.row, col != NULL ? col : where, file);
}

/*
 * Reads a line into in->line, without its end of line: its length, or
 * -1 at the end of the input.  At most JF_LINE_MAX bytes are kept, so
 * memory stays flat: a longer line is read to its end and *over set.
 */
static ssize_t
read_line(struct jf_in *in, int *over)
{
	size_t n = 0;
	int ch, any = 0;

	*over = 0;
	if (in->line == NULL && (in->line = malloc(JF_LINE_MAX + 1)) == NULL)
		return -1;
	while ((ch = getc_unlocked(in->fp)) != EOF) {
		in->pos++;
		any = 1;
		if (ch == '\n')
			break;
		if (n < JF_LINE_MAX)
			in->line[n++] = ch;
		else
			*over = 1;
	}
	if (!any)
		return -1;
	if (n > 0 && in->line[n - 1] == '\r' && !*over)
		n--;
	in->line[n] = '\0';
	return n;
}

/* jansson's message, without the names of its flags. */
static const char *
json_why(const char *text)
{
	if (strstr(text, "JSON_ALLOW_NUL") != NULL)
		return _("\\u0000 (a NUL) is not allowed");
	if (strstr(text, "JSON_") != NULL)
		return _("not valid JSON");
	return text;
}

/* The next line that is not empty: its length, 0 at the end, -1 failed. */
static ssize_t
next_line(struct jf_in *in, int *over)
{
	ssize_t n;

	do {
		if ((n = read_line(in, over)) == -1) {
			if (!ferror(in->fp))
				return 0;
			rec_reset(&in->cur);
			in->cur.row = ++in->nrec;
			jf_error(JF_ENOINPUT, "%s: %s", in->name,
			    strerror(errno));
			return -1;
		}
		in->nrec++;
	} while (n == 0 && !*over);
	return n;
}

/* The line as a JSON object, or NULL with the row's fault set. */
static json_t *
parse_object(struct jf_in *in, ssize_t n, int over)
{
	const char *nul;
	json_error_t je;
	char m[256];
	json_t *o;

	if (over) {
		rec_fault(&in->cur, -1, _("line longer than 65536 bytes"));
		return NULL;
	}
	if ((nul = memchr(in->line, '\0', n)) != NULL) {
		snprintf(m, sizeof(m), _("column %d: NUL byte in line"),
		    (int)(nul - in->line) + 1);
		rec_fault(&in->cur, -1, m);
		return NULL;
	}
	if ((o = json_loadb(in->line, n, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		snprintf(m, sizeof(m), _("column %d: %s"), je.column,
		    json_why(je.text));
		rec_fault(&in->cur, -1, m);
		return NULL;
	}
	if (!json_is_object(o)) {
		rec_fault(&in->cur, -1, _("not a JSON object"));
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Reads one JSON line into cur, with fields in the order of cols. */
static int
next_jsonl(struct jf_in *in)
{
	const char *k;
	json_t *o, *v;
	ssize_t n;
	int over;

	if ((n = next_line(in, &over)) <= 0)
		return (int)n;
	rec_reset(&in->cur);
	in->cur.row = in->nrec;
	if (in->cd != (iconv_t)-1 && !over) {
		ssize_t cn = convert(in, in->line, n);

		if (cn == -1 || cn > JF_LINE_MAX) {
			char m[64];

			if (cn == -1)
				snprintf(m, sizeof(m), _("not %s text"),
				    in->enc);
			else
				snprintf(m, sizeof(m), "%s",
				    _("line longer than 65536 bytes"));
			rec_fault(&in->cur, -1, m);
			while (in->cur.nf < in->ncols)
				rec_add(&in->cur, "", 0);
			return 1;
		}
		memcpy(in->line, in->conv, cn + 1);
		n = cn;
	}
	if ((o = parse_object(in, n, over)) == NULL) {
		/* keep the row's shape so jf_in_get works on it */
		while (in->cur.nf < in->ncols)
			rec_add(&in->cur, "", 0);
		return 1;
	}
	json_object_foreach(o, k, v) {
		if (!in->ignore_unknown && !known_col(in->known, k)) {
			char m[256];

			snprintf(m, sizeof(m), _("%s: unknown key"), k);
			rec_fault(&in->cur, -1, m);
		}
	}
	for (int i = 0; i < in->ncols; i++) {
		char num[32];
		const char *s = "";

		v = json_object_get(o, in->cols[i]);
		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			s = num;
		} else if (v != NULL && !json_is_null(v))
			rec_fault(&in->cur, i,
			    _("not a string or whole number"));
		rec_add(&in->cur, s, strlen(s));
	}
	json_decref(o);
	return 1;
}

int
jf_in_next(struct jf_in *in)
{
	int rc;

	rc = in->kind == JF_IN_JSONL ? next_jsonl(in) : pop(in);
	if (rc <= 0)
		return rc;
	if (in->cur.err == NULL && in->kind == JF_IN_CSV &&
	    in->cur.nf != in->ncols) {
		char m[128];

		snprintf(m, sizeof(m), _("%d fields where the header has %d"),
		    in->cur.nf, in->ncols);
		rec_fault(&in->cur, -1, m);
	}
	if (in->cur.err != NULL) {
		if (in->cur.gb)
			return gb_error(in, in->cur.errcol >= 0 &&
			    in->cur.errcol < in->ncols ?
			    in->cols[in->cur.errcol] : NULL,
			    in->cur.errcol + 1), -2;
		if (in->cur.errcol >= 0 && in->cur.errcol < in->ncols)
			jf_in_error(in, in->cols[in->cur.errcol], "%s",
			    in->cur.err);
		else
			jf_in_error(in, NULL, "%s", in->cur.err);
		return -1;
	}
	return 1;
}

const char *
jf_in_get(struct jf_in *in, const char *col)
{
	for (int i = 0; i < in->ncols; i++)
		if (strcmp(in->cols[i], col) == 0)
			return i < in->cur.nf ? in->cur.data + in->cur.off[i] :
			    "";
	return NULL;
}

long
jf_in_row(struct jf_in *in)
{
	return in->cur.row;
}

const char *
jf_in_name(struct jf_in *in)
{
	return in->name;
}

off_t
jf_in_pos(struct jf_in *in)
{
	return in->pos;
}

off_t
jf_in_size(struct jf_in *in)
{
	return in->size;
}

void
jf_in_reject(struct jf_in *in, FILE *fp, const char *error)
{
	if (in->kind == JF_IN_JSONL) {
		json_t *o = json_loads(in->line ? in->line : "", 0, NULL);

		if (!json_is_object(o)) {
			json_decref(o);
			o = json_object();
			json_object_set_new(o, "line",
			    json_string(in->line ? in->line : ""));
		}
		json_object_set_new(o, "error", json_string(error));
		json_dumpf(o, fp, JSON_COMPACT);
		fputc('\n', fp);
		json_decref(o);
		return;
	}
	if (!in->rejhdr) {
		for (int i = 0; i < in->ncols; i++) {
			jf_csv_put(fp, in->cols[i]);
			fputc(',', fp);
		}
		fputs("error\n", fp);
		in->rejhdr = 1;
	}
	for (int i = 0; i < in->ncols; i++) {
		const char *f = i < in->cur.nf ? in->cur.data + in->cur.off[i] :
		    "";

		if (i == in->ncols - 1 && in->cur.nf > in->ncols) {
			/* a row too wide: its extra fields join the last */
			char *j = strdup(f);

			for (int k = i + 1; k < in->cur.nf; k++) {
				const char *x = in->cur.data + in->cur.off[k];
				size_t n = strlen(j);

				j = realloc(j, n + strlen(x) + 2);
				j[n] = ',';
				strcpy(j + n + 1, x);
			}
			jf_csv_put(fp, j);
			free(j);
		} else
			jf_csv_put(fp, f);
		fputc(',', fp);
	}
	jf_csv_put(fp, error);
	fputc('\n', fp);
}
