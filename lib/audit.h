/*
 * audit.h - the invariants of the book (DESIGN.md section 5), checked.
 *
 * jf_audit_run() reads the whole database in one snapshot and calls back
 * once for every breach it finds, naming the check, the subject (a
 * member's code, "sku@store", a receipt, a table's row), what the book
 * says it should be and what it is.  It never writes.
 */
#ifndef JF_AUDIT_H
#define JF_AUDIT_H

#include <stdint.h>

#include "db.h"

struct jf_breach {
	const char *check;	/* "balance_ledger", "on_hand", ... */
	const char *subject;	/* "M0000001", "TEA01@main", "R0001", ... */
	const char *expected;
	const char *found;
};

/* Called for each breach; borrowed strings, valid during the call. */
typedef void jf_breach_fn(void *arg, const struct jf_breach *b);

/*
 * Checks every invariant, calling fn for each breach, and sets *n to
 * their number; SQLite's own check of the file is PRAGMA quick_check,
 * or with full integrity_check, which also matches every index to its
 * table and takes several times as long.  Returns 0 (whatever the
 * breaches) or the status of a database error that kept a check from
 * running.
 */
int jf_audit_run(struct jf_ctx *c, int full, jf_breach_fn *fn, void *arg,
    int64_t *n);
/*
 * A chain's head kept from a daily report, "ID:HASH" (chain.h's
 * JF_CHAIN_AUDIT or JF_CHAIN_LEDGER): a breach, counted in *n, unless
 * row ID of the chain still has that hash.  0 or a database status.
 */
int jf_audit_head(struct jf_ctx *c, int chain, const char *head,
    jf_breach_fn *fn, void *arg, int64_t *n);
/* Whether s is a head as report daily prints it: 0, or -1 (message set). */
int jf_audit_head_parse(const char *s);

#endif
