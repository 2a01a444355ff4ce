/*
 * balance.h - points balance: a member's balance, the part of it still
 * pending, the points in lots whose last valid day falls within the
 * rules' reminder window, and the soonest such day; for one member, or
 * for each lookup of a point of sale's stream (stream.h).
 */
#ifndef JF_BALANCE_H
#define JF_BALANCE_H

#include <stdio.h>

struct jf_ctx;

/*
 * The balance of the member id names (a code or a phone), one row
 * written to fp in format fmt (output.h): 0, or a status with its
 * message set.
 */
int jf_balance_write(struct jf_ctx *c, const char *id, int fmt, FILE *fp);
/*
 * points balance -: a lookup a line of in, {"member": ID} (a line of
 * member list -o jsonl serves too), each answered on out as -o json
 * prints the balance, the book read afresh: 0, or why it stopped.
 */
int jf_balance_stream(struct jf_ctx *c, FILE *in, FILE *out);

#endif
