/*
 * stream.c - a request a line of JSON in, an answer a line of JSON out
 * (stream.h); the tools' own parts are salestream.c, balance.c and
 * cmd/redeem.c's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "input.h"	/* JF_LINE_MAX */
#include "stream.h"

int
jf_json_str(json_t *o, const char *key, const char **v)
{
	json_t *x = json_object_get(o, key);

	*v = NULL;
	if (x == NULL || json_is_null(x))
		return 0;
	if (!json_is_string(x))
		return jf_error(JF_EDATA, _("%s: not a string"), key), -1;
	*v = json_string_value(x);
	return 0;
}

int
jf_json_keys(json_t *o, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		int i;

		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL)
			return jf_error(JF_EDATA, _("unknown key \"%s\""), key),
			    -1;
	}
	return 0;
}

int
jf_stream_answered(FILE *out)
{
	return fputc('\n', out) == EOF || fflush(out) == EOF ?
	    JF_ESOFTWARE : 0;
}

int
jf_stream_error(FILE *out, const char *key, const char *id, int status)
{
	json_t *e = json_object();
	int rc;

	if (key != NULL && id != NULL)
		json_object_set_new(e, key, json_string(id));
	rc = json_object_set_new(e, "error", json_string(jf_errmsg())) == -1 ||
	    json_object_set_new(e, "status", json_integer(status == JF_EDUP ?
	    JF_EREFUSED : status)) == -1 || json_dumpf(e, out,
	    JSON_COMPACT) == -1;
	json_decref(e);
	return jf_stream_answered(out) != 0 || rc ? JF_ESOFTWARE : 0;
}

/*
 * The next line of in into buf (JF_LINE_MAX + 1 bytes), its newline
 * dropped: its length, -1 at the end of the input, or -2 for a line too
 * long or holding a NUL byte, read to its end and passed over.  Memory
 * stays one line's whatever comes in, and nothing is read past the
 * line, so a POS waiting for the answer is answered.
 */
static long
next_line(FILE *in, char *buf, int *nul)
{
	long n = 0;
	int ch;

	*nul = 0;
	while ((ch = getc(in)) != EOF && ch != '\n') {
		if (ch == '\0')
			*nul = 1;
		if (n < JF_LINE_MAX)
			buf[n] = (char)ch;
		n++;
	}
	if (ch == EOF && n == 0)
		return -1;
	if (*nul || n > JF_LINE_MAX)
		return -2;
	buf[n] = '\0';
	return n;
}

int
jf_stream(struct jf_ctx *c, FILE *in, FILE *out, jf_stream_fn *fn, void *arg)
{
	char *line = malloc(JF_LINE_MAX + 1);
	long n = 0, len;
	int nul, rc = 0;

	if (line == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	while (rc == 0 && (len = next_line(in, line, &nul)) != -1) {
		json_error_t err;
		json_t *j;

		n++;
		if (len == -2) {
			if (nul)
				jf_error(JF_EDATA, _("line %ld: a NUL byte"), n);
			else
				jf_error(JF_EDATA, _("line %ld: longer than %d "
				    "bytes"), n, JF_LINE_MAX);
			rc = jf_stream_error(out, NULL, NULL, JF_EDATA);
			continue;
		}
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		if ((j = json_loads(line, 0, &err)) == NULL) {
			jf_error(JF_EDATA, _("line %ld: not JSON: %s"), n,
			    err.text);
			rc = jf_stream_error(out, NULL, NULL, JF_EDATA);
		} else if (!json_is_object(j)) {
			jf_error(JF_EDATA, _("line %ld: not a JSON object"),
			    n);
			rc = jf_stream_error(out, NULL, NULL, JF_EDATA);
		} else
			rc = fn(c, j, out, arg);
		json_decref(j);
	}
	free(line);
	return rc;
}
