/*
 * remind.c - which members to remind of points about to lapse, and the
 * words to remind them with.
 *
 * The walk reads the lots that are still worth something and whose last
 * valid day falls in the window, groups them by member and hands each
 * member to the caller; then one UPDATE with the very same conditions
 * marks those lots announced.  Both run in the caller's transaction, so
 * what was printed and what was marked are the same lots.
 *
 * The default template is share/jifen/remind.txt, copied here so that an
 * installed tool needs no file to run; tests/expire.bats checks that the
 * two agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "input.h"
#include "remind.h"
#include "seal.h"

struct jf_tpl {
	char *msg;
};

static const char default_tpl[] =
    "# The message `expire remind` renders for each member whose points are\n"
    "# about to lapse.  This file is the source of the default built into the\n"
    "# tools; to change the wording, copy it, edit the copy and pass it with\n"
    "# `expire remind --template FILE`.\n"
    "#\n"
    "# Lines beginning with \"#\" are comments.  Placeholders:\n"
    "#   {name}        the member's name, or the code when none is recorded\n"
    "#   {code}        the member's code\n"
    "#   {points}      the points about to lapse\n"
    "#   {expires_on}  their last valid day, YYYY-MM-DD\n"
    "# \"{{\" and \"}}\" stand for literal braces.\n"
    "#\n"
    "# One message in both Chinese and English, so a till whose cron runs\n"
    "# with LANG=C still sends every member words they can read.\n"
    "{name}您好：您的会员卡{code}有{points}积分有效期至{expires_on}，"
    "过期作废，请尽快使用。Dear {name}, {points} points on your card {code} "
    "are valid through {expires_on}; use them before they lapse.\n";

static const char *const placeholders[] = { "name", "code", "points",
	"expires_on", NULL };

/* The placeholder at s (just after a "{"): its index, or -1. */
static int
placeholder(const char *s, size_t *len)
{
	for (int i = 0; placeholders[i] != NULL; i++) {
		size_t n = strlen(placeholders[i]);

		if (strncmp(s, placeholders[i], n) == 0 && s[n] == '}') {
			*len = n + 1;
			return i;
		}
	}
	return -1;
}

/* Checks the placeholders of one line (n bytes). */
static int
check_line(const char *s, size_t n, const char *name, long lineno)
{
	size_t len;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '{')
			continue;
		if (i + 1 < n && s[i + 1] == '{') {
			i++;
			continue;
		}
		if (placeholder(s + i + 1, &len) == -1 || i + 1 + len > n) {
			size_t e = i + 1;

			while (e < n && e - i < 32 && s[e] != '}')
				e++;
			if (e < n && s[e] == '}')
				e++;
			/* never cut a character in two */
			while (e < n && e > i + 1 &&
			    ((unsigned char)s[e] & 0xc0) == 0x80)
				e--;
			return jf_error(JF_EDATA,
			    _("%s:%ld: unknown placeholder: \"%.*s\""), name,
			    lineno, (int)(e - i), s + i);
		}
		i += len;
	}
	return 0;
}

static int
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

int
jf_tpl_parse(const char *text, const char *name, struct jf_tpl **tp)
{
	size_t len = strlen(text), n, m, used = 0, end = 0;
	const char *p;
	long lineno = 0;
	char *msg;
	int rc;

	if (len > JF_TPL_MAX)
		return jf_error(JF_EDATA, _("%s: template over %d bytes"), name,
		    JF_TPL_MAX);
	if (!jf_utf8_valid(text, len))
		return jf_error(JF_EDATA, _("%s: invalid UTF-8"), name);
	if ((msg = malloc(len + 1)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	/* The lines that are not comments, without the blank ones before
	 * the first word and after the last; end marks the last word. */
	for (p = text; *p != '\0'; p += n + (p[n] == '\n')) {
		n = m = strcspn(p, "\n");
		lineno++;
		if (m > 0 && p[m - 1] == '\r')
			m--;
		if (p[0] == '#')
			continue;
		if ((rc = check_line(p, m, name, lineno)) != 0) {
			free(msg);
			return rc;
		}
		if (used == 0 && blank(p, m))
			continue;
		if (used > 0)
			msg[used++] = '\n';
		memcpy(msg + used, p, m);
		used += m;
		if (!blank(p, m))
			end = used;
	}
	msg[end] = '\0';
	if (end == 0) {
		free(msg);
		return jf_error(JF_EDATA, _("%s: the template has no message"),
		    name);
	}
	if ((*tp = malloc(sizeof(**tp))) == NULL) {
		free(msg);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	(*tp)->msg = msg;
	return 0;
}

int
jf_tpl_load(const char *path, struct jf_tpl **tp)
{
	char buf[JF_TPL_MAX + 2];
	size_t n;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		return jf_error(JF_ENOINPUT, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	if (ferror(fp)) {
		rc = jf_error(JF_ENOINPUT, "%s: %s", path, strerror(errno));
		fclose(fp);
		return rc;
	}
	fclose(fp);
	if (n > JF_TPL_MAX)
		return jf_error(JF_EDATA, _("%s: template over %d bytes"), path,
		    JF_TPL_MAX);
	buf[n] = '\0';
	if (strlen(buf) != n)
		return jf_error(JF_EDATA, _("%s: a NUL byte in the template"),
		    path);
	return jf_tpl_parse(buf, path, tp);
}

int
jf_tpl_default(struct jf_tpl **tp)
{
	return jf_tpl_parse(default_tpl, "remind.txt", tp);
}

void
jf_tpl_free(struct jf_tpl *t)
{
	if (t == NULL)
		return;
	free(t->msg);
	free(t);
}

char *
jf_tpl_render(const struct jf_tpl *t, const struct jf_remind *r)
{
	char *out = NULL;
	size_t outlen = 0, len;
	FILE *fp;

	if ((fp = open_memstream(&out, &outlen)) == NULL)
		return NULL;
	for (const char *s = t->msg; *s != '\0'; s++) {
		if ((s[0] == '{' && s[1] == '{') ||
		    (s[0] == '}' && s[1] == '}')) {
			fputc(*s++, fp);
			continue;
		}
		if (*s != '{') {
			fputc(*s, fp);
			continue;
		}
		switch (placeholder(s + 1, &len)) {
		case 0:
			fputs(r->name && *r->name ? r->name : r->code, fp);
			break;
		case 1:
			fputs(r->code, fp);
			break;
		case 2:
			fprintf(fp, "%lld", (long long)r->points);
			break;
		case 3:
			fputs(r->expires_on, fp);
			break;
		default:	/* jf_tpl_parse let none through */
			fputc(*s, fp);
			continue;
		}
		s += len;
	}
	if (fclose(fp) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * The lots a reminder covers: worth something, last valid day in
 * [?1, ?2], not announced yet unless ?3, of a member who is active and
 * has not asked to be forgotten.  The walk and the marking share it.
 */
#define REMIND_LOTS \
	"remaining > 0 AND expires_on >= ?1 AND expires_on <= ?2 " \
	"AND (?3 OR reminded IS NULL) "

static const char sql_walk[] =
    "SELECT m.code, m.name, m.phone, m.email, sum(l.remaining), "
    "min(l.expires_on) FROM lot l JOIN member m ON m.id = l.member_id "
    "WHERE " REMIND_LOTS
    "AND m.status = 'active' AND m.forgotten IS NULL "
    "GROUP BY m.id ORDER BY m.code";

static const char sql_mark[] =
    "UPDATE lot SET reminded = ?4 WHERE " REMIND_LOTS
    "AND member_id IN (SELECT id FROM member "
    "WHERE status = 'active' AND forgotten IS NULL)";

/* Calls fn with r and the member's name, phone and email opened. */
static int
personal(struct jf_ctx *c, const struct jf_rows *q, struct jf_remind *r,
    jf_remind_fn *fn, void *arg)
{
	static const char *const field[3] = { "name", "phone", "email" };
	char *v[3] = { NULL };
	int i, rc = 0;

	for (i = 0; i < 3 && rc == 0; i++)
		rc = jf_unseal(c, field[i], jf_r_opt(q, 1 + i), &v[i]);
	if (rc == 0) {
		r->name = v[0] ? v[0] : "";
		r->phone = v[1] ? v[1] : "";
		r->email = v[2] ? v[2] : "";
		rc = fn(arg, r);
	}
	for (i = 0; i < 3; i++)
		free(v[i]);
	return rc;
}

int
jf_remind_each(struct jf_ctx *c, int days, int again, jf_remind_fn *fn,
    void *arg)
{
	char until[JF_DATE_LEN];
	struct jf_rows q;
	int stop = 0, rc;

	if (days < 0)
		return jf_error(JF_EUSAGE, _("days must not be negative"));
	/* whole phones and emails, for the mailer: a manager's (cron's) */
	if ((rc = jf_need_role(c, JF_ROLE_MANAGER,
	    _("reminders (whole phones and emails)"))) != 0)
		return rc;
	jf_date_add_days(c->today, days, until);
	jf_q_open(c, &q, sql_walk, "tti", c->today, until,
	    (int64_t)(again != 0));
	while (stop == 0 && jf_q_next(&q)) {
		struct jf_remind r = {
			.code = jf_r_text(&q, 0),
			.points = jf_r_int(&q, 4),
			.expires_on = jf_r_text(&q, 5),
		};

		stop = personal(c, &q, &r, fn, arg);
	}
	if (jf_q_close(&q) != 0)
		return q.rc;
	if (stop != 0)
		return stop;
	return jf_q_exec(c, sql_mark, "ttit", c->today, until,
	    (int64_t)(again != 0), c->today);
}
