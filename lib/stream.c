/*
 * stream.c - a request a line of JSON in, an answer a line of JSON out
 * (stream.h); the tools' own parts are salestream.c, cmd/redeem.c's and
 * cmd/points.c's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
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

int
jf_stream(struct jf_ctx *c, FILE *in, FILE *out, jf_stream_fn *fn, void *arg)
{
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, in) != -1) {
		json_error_t err;
		json_t *j;

		n++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if ((j = json_loads(line, 0, &err)) == NULL)
			jf_error(JF_EDATA, _("line %ld: not JSON: %s"), n,
			    err.text);
		else if (!json_is_object(j))
			jf_error(JF_EDATA, _("line %ld: not a JSON object"),
			    n);
		else
			rc = fn(c, j, out, arg);
		if (j == NULL || !json_is_object(j))
			rc = jf_stream_error(out, NULL, NULL, JF_EDATA);
		json_decref(j);
	}
	free(line);
	return rc;
}
