/*
 * remind.h - reminders of points about to lapse, and their message.
 *
 * `expire remind` finds the active members who have lots whose last
 * valid day falls within the next N days, one record per member, renders
 * each member's message from a template, and marks the lots it announced
 * (lot.reminded = today) so that the next run announces only new ones.
 *
 * A template is UTF-8 text.  Lines that begin with "#" are comments;
 * leading and trailing blank lines are dropped; what is left, inner
 * newlines included, is the message.  Placeholders:
 *
 *	{name}		the member's name, or the code when none is recorded
 *	{code}		the member's code
 *	{points}	the points announced
 *	{expires_on}	the soonest last valid day among them (YYYY-MM-DD)
 *
 * and "{{" and "}}" stand for "{" and "}".  Any other "{" is an error.
 */
#ifndef JF_REMIND_H
#define JF_REMIND_H

#include <stdint.h>

#include "db.h"

#define JF_TPL_MAX 4096		/* most bytes in a template */

struct jf_tpl;

/*
 * Checks template text; name (a file name) prefixes messages.  JF_EDATA
 * with "name:line: ..." on a fault.  *t is new: jf_tpl_free().
 */
int jf_tpl_parse(const char *text, const char *name, struct jf_tpl **t);
/* Reads and checks a template file: JF_ENOINPUT if it cannot be read. */
int jf_tpl_load(const char *path, struct jf_tpl **t);
/* The default template, built in (share/jifen/remind.txt). */
int jf_tpl_default(struct jf_tpl **t);
void jf_tpl_free(struct jf_tpl *t);

/* One member's reminder; the strings are borrowed for the callback. */
struct jf_remind {
	const char *code, *name, *phone, *email;
	int64_t points;
	const char *expires_on;
};

/* The message for r (new: free()); NULL only when memory runs out. */
char *jf_tpl_render(const struct jf_tpl *t, const struct jf_remind *r);

typedef int jf_remind_fn(void *arg, const struct jf_remind *r);
/*
 * Calls fn, in code order, for each active member with points in lots
 * whose last valid day is from today through today + days, counting only
 * lots not announced before unless again; then marks those lots
 * reminded today.  Runs inside the caller's jf_begin().  A non-zero
 * return from fn stops the walk and is returned.
 */
int jf_remind_each(struct jf_ctx *c, int days, int again, jf_remind_fn *fn,
    void *arg);

#endif
