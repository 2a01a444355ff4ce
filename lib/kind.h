/*
 * kind.h - the kinds of points entry, and the sign each keeps.
 *
 * The one definition.  The book holds the same list in table
 * ledger_kind, written from this one when the book is made or updated
 * (db.c); a trigger checks each entry against it, the reports join it,
 * and `report audit` compares it with this.
 */
#ifndef JF_KIND_H
#define JF_KIND_H

enum {
	JF_KIND_GAIN = 1,	/* booked by jf_ledger_gain */
	JF_KIND_SPEND = 2,	/* booked by jf_ledger_spend */
	JF_KIND_EARNED = 4,	/* counts in what a member earned */
};

struct jf_kind {
	const char *name;
	int sign;		/* +1, -1, or 0: either, but never 0 */
	int flags;		/* JF_KIND_* */
};

extern const struct jf_kind jf_kinds[];
extern const int jf_nkinds;

/* The kind named k, or NULL. */
const struct jf_kind *jf_kind(const char *k);

#endif
