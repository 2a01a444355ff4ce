/*
 * input.c - fuzzes the CSV and JSON Lines readers (lib/input.c).
 *
 * Built twice: -DKIND=JF_IN_CSV and -DKIND=JF_IN_JSONL.  Reads the input
 * the way an import does: the header against the columns of every
 * importer, then each row, each field fetched, and each bad row written
 * to a rejects stream.  Beyond the sanitizers it checks what input.h
 * promises of a row handed out: every field valid UTF-8, no NUL, at most
 * JF_FIELD_MAX bytes.
 */
#include <string.h>

#include "err.h"
#include "input.h"

#include "fuzz.h"

#ifndef KIND
#define KIND JF_IN_CSV
#endif

/* Every importer's columns: any of them may be a header here. */
static const char *const known[] = { "code", "phone", "name", "email",
	"birthday", "referrer", "joined", "status", "sku", "category",
	"price", "cost", "reorder_level", "gift_points", "no_points", "ref",
	"supplier", "qty", "at", "counted", "receipt", "store", "member",
	"points_used", "error", NULL };

static FILE *rej;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jf_in *in;
	int r;

	if (rej == NULL && (rej = fopen("/dev/null", "w")) == NULL)
		abort();
	FZ_ASSERT(jf_in_open(fz_file(data, size), KIND, &in) == 0, "%s",
	    jf_errmsg());
	/* an unknown column ends a CSV header; in JSON Lines, the row */
	if (jf_in_header(in, known, 0) != 0) {
		jf_in_close(in);
		return 0;
	}
	while ((r = jf_in_next(in)) != 0) {
		for (int i = 0; known[i] != NULL; i++) {
			const char *f = jf_in_get(in, known[i]);
			size_t n;

			FZ_ASSERT(f != NULL || !jf_in_has(in, known[i]),
			    "column %s: NULL", known[i]);
			if (f == NULL || r != 1)
				continue;
			n = strlen(f);
			FZ_ASSERT(n <= JF_FIELD_MAX, "column %s: %zu bytes",
			    known[i], n);
			FZ_ASSERT(jf_utf8_valid(f, n), "column %s: bad UTF-8",
			    known[i]);
		}
		(void)jf_in_row(in);
		(void)jf_in_pos(in);
		if (r == -1)
			jf_in_reject(in, rej, jf_errmsg());
	}
	jf_in_close(in);
	return 0;
}
