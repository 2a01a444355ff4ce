/*
 * stream.h - a tool as a point-of-sale's co-process: sale add -,
 * redeem gift - and points balance - read a request a line of JSON on
 * the input and answer each with a line of JSON on the output, flushed
 * before the next line is read, so that a POS can keep one process open
 * and talk to it line by line.  A write is its own transaction,
 * committed before its answer is written: a killed stream loses nothing
 * it answered.  Memory is one line's.
 *
 * An answer is what the command prints with -o json, or
 *
 *	{"receipt": "R1", "error": "why", "status": 65}
 *
 * naming the request by its key, with the exit status the command
 * would have had.
 */
#ifndef JF_STREAM_H
#define JF_STREAM_H

#include <jansson.h>
#include <stdio.h>

struct jf_ctx;

/*
 * Does the request j and writes its answer (jf_stream_answer or
 * jf_stream_error); 0, or JF_ESOFTWARE when out could not be written,
 * which ends the stream.
 */
typedef int jf_stream_fn(struct jf_ctx *c, json_t *j, FILE *out,
    void *arg);

/*
 * Each line of in to fn; a blank line is skipped, and one that is not
 * a JSON object, is over 64 KiB or holds a NUL byte is answered with
 * status 65 naming its line.  0 when every line was answered, else why
 * it stopped.
 */
int jf_stream(struct jf_ctx *c, FILE *in, FILE *out, jf_stream_fn *fn,
    void *arg);
/*
 * The error answer: {key: id, "error": jf_errmsg(), "status": status},
 * key left out when id is NULL; JF_EDUP (recorded already) is status 1,
 * as the command exits.
 */
int jf_stream_error(FILE *out, const char *key, const char *id,
    int status);
/* After an answer: the newline, flushed; 0 or JF_ESOFTWARE. */
int jf_stream_answered(FILE *out);

/*
 * A request's members: *v is the string at key, or NULL when it is
 * absent or null; -1 (message set) when it is something else.
 */
int jf_json_str(json_t *o, const char *key, const char **v);
/* -1 (message set) naming a key of o that is not in known (NULL-ended). */
int jf_json_keys(json_t *o, const char *const *known);

#endif
