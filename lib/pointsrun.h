/*
 * pointsrun.h - a change of points by hand (points.h) in a transaction
 * of its own: to one member, or to each member of a stream on stdin,
 * for `points adjust` and `points award`.
 */
#ifndef JF_POINTSRUN_H
#define JF_POINTSRUN_H

#include "db.h"
#include "points.h"

/*
 * Opens the book (o, argc and argv as jf_open_tool() takes them) and
 * makes the change k to the member id names, or, when id is "-", to
 * each member of the CSV stream on stdin, with a code or phone column
 * (`member list -o csv | points adjust - +10 --reason ...`).  The stream
 * is opened before the book, so that the tool writing it is not kept
 * waiting for our lock.  A row of it that is refused is reported with
 * its number, the others are kept, and the status is JF_EDATA.
 *
 * fn is told each change and then, before the commit, NULL: a status
 * other than 0 from it books nothing (output that could not be written).
 * Like the frame, reports its failures; returns the exit status.
 */
int jf_points_change_run(struct jf_opts *o, int argc, char **argv,
    const char *id, const struct jf_change *k, jf_changed_fn *fn, void *arg);

#endif
