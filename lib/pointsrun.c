/*
 * pointsrun.c - `points adjust` and `points award` as units of work:
 * one member in one transaction, or a stream of members through the
 * import engine (import.h), whose row function changes the member each
 * row names.
 */
#include <string.h>

#include "err.h"
#include "import.h"
#include "opts.h"
#include "pointsrun.h"

struct run {
	const struct jf_change *k;
	jf_changed_fn *fn;
	void *arg;
};

/* A stream the operator may not make is refused before its first row. */
static int
stream_start(struct jf_import *im)
{
	struct run *r = im->arg;

	return jf_points_may_change(im->c, r->k);
}

static int
stream_row(struct jf_import *im)
{
	struct run *r = im->arg;
	const char *id, *col;
	int rc;

	if ((rc = jf_import_member(im, &id, &col)) != 0)
		return rc;
	return jf_import_blame(im, col, jf_points_change(im->c, id, r->k,
	    r->fn, r->arg));
}

/* Before the last commit: what was told reaches its reader. */
static int
stream_end(struct jf_import *im)
{
	struct run *r = im->arg;

	return r->fn(r->arg, NULL);
}

static int
stream(struct jf_opts *o, int argc, char **argv, struct run *r)
{
	struct jf_import im = { 0 };

	jf_import_members(&im);
	im.label = r->k->delta ? _("adjusting") : _("awarding");
	im.start = stream_start;
	im.row = stream_row;
	im.end = stream_end;
	im.arg = r;
	return jf_import_close(&im, jf_import_run(&im, o, argc, argv));
}

int
jf_points_change_run(struct jf_opts *o, int argc, char **argv,
    const char *id, const struct jf_change *k, jf_changed_fn *fn, void *arg)
{
	struct run r = { k, fn, arg };
	struct jf_ctx *c;
	int rc;

	if (strcmp(id, "-") == 0)
		return stream(o, argc, argv, &r);
	if ((rc = jf_open_tool(o, argc, argv, &c)) != 0)
		return rc;
	if ((rc = jf_begin(c)) != 0 ||
	    (rc = jf_points_change(c, id, k, fn, arg)) != 0)
		jf_fail(rc);
	else if ((rc = fn(arg, NULL)) == 0 && (rc = jf_commit(c)) != 0)
		jf_fail(rc);
	if (rc != 0)
		jf_rollback(c);	/* fn's failure: jf_run says why */
	jf_close(c);
	return rc;
}
