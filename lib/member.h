/*
 * member.h - the members' register and the staff (operators).
 *
 * A member is named on the command line by code ("M0000123") or phone;
 * jf_member_find() takes either.  The functions that write run inside the
 * caller's jf_begin() ... jf_commit().
 */
#ifndef JF_MEMBER_H
#define JF_MEMBER_H

#include <stdint.h>

#include "db.h"

/* A member as the tools print it; strings are owned (jf_member_clear). */
struct jf_member {
	int64_t id;
	char *code, *phone, *name, *email, *birthday;
	char *referrer;		/* the referrer's code */
	char *joined, *tier, *status;
	int64_t balance, debt;	/* balance: lapsed lots not counted */
};

/* What a person or an import row gives; NULL or "" is "not given". */
struct jf_member_in {
	const char *code, *phone, *name, *email, *birthday, *referrer;
	const char *joined, *status;
};

void jf_member_clear(struct jf_member *m);
/* By code, else by phone: 0, or JF_EREFUSED "no member \"id\"". */
int jf_member_find(struct jf_ctx *c, const char *id, struct jf_member *m);
/* Just the row id, for the hot paths: 0 or JF_EREFUSED. */
int jf_member_id(struct jf_ctx *c, const char *id, int64_t *mid);
/* A member by row id. */
int jf_member_get(struct jf_ctx *c, int64_t mid, struct jf_member *m);

/*
 * Checks every given field; on a fault returns JF_EDATA with the message
 * and *col set to the field's column name ("phone", "birthday", ...).
 */
int jf_member_check(const struct jf_member_in *in, const char **col);
/* Inserts a new member (generating a code if none): 0, or JF_EREFUSED for
 * a duplicate code or phone. */
int jf_member_add(struct jf_ctx *c, const struct jf_member_in *in,
    int64_t *mid);
/* Sets the fields given; status too. */
int jf_member_update(struct jf_ctx *c, int64_t mid,
    const struct jf_member_in *in);

enum { JF_IMPORT_ADDED, JF_IMPORT_UPDATED, JF_IMPORT_SAME };
/*
 * One import row: a new member is added; one that exists (by code, or by
 * phone when no code is given) is left as it is, or updated when update
 * is set.  *what says which.  A phone that belongs to another member is
 * JF_EDATA with *col "phone".
 */
int jf_member_import(struct jf_ctx *c, const struct jf_member_in *in,
    int update, int *what, const char **col);

/* Erases name, phone, email and birthday; keeps the code and the books. */
int jf_member_forget(struct jf_ctx *c, int64_t mid);

struct jf_member_filter {
	const char *tier, *status, *query;
	const char *joined_since;	/* date */
	int birthday_month;		/* 0: any */
	int inactive_days;		/* -1: any */
};
typedef int jf_member_fn(void *arg, const struct jf_member *m);
/* Calls fn for each member matching f, in code order; stops on non-zero. */
int jf_member_each(struct jf_ctx *c, const struct jf_member_filter *f,
    jf_member_fn *fn, void *arg);

/* "z***@example.com" into buf (at least 64 bytes); phones: jf_mask_phone. */
const char *jf_mask_email(const char *e, char *buf);

/* Tiers: the count of members in each tier name (fn per tier). */
typedef void jf_tier_count_fn(void *arg, const char *tier, int64_t n);
int jf_member_tier_counts(struct jf_ctx *c, jf_tier_count_fn *fn, void *arg);

/* Operators. */
int jf_operator_add(struct jf_ctx *c, const char *name, int role);
int jf_operator_remove(struct jf_ctx *c, const char *name);
typedef void jf_operator_fn(void *arg, const char *name, const char *role,
    const char *added);
int jf_operator_each(struct jf_ctx *c, jf_operator_fn *fn, void *arg);

#endif
