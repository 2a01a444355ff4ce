/*
 * pin.h - operators proven, not claimed (DESIGN.md sections 2 and 6).
 *
 * The operator of a command is the login name of the process's real
 * user.  Naming anyone else (--operator NAME, $JIFEN_OPERATOR) or an
 * approver (--approve NAME) takes that operator's PIN: one line from
 * --pin-fd N (the operator's first, then the approver's, then a new PIN
 * for member operator add --pin or pin), else asked on /dev/tty without
 * echo.  While no operator is registered nobody is asked anything.
 *
 * PINs are kept only as yescrypt hashes (crypt(3) from libxcrypt) and
 * compared in constant time.  A refusal (unknown operator, no PIN, a
 * wrong one, a locked operator) is exit 77 and an audit row of its own,
 * committed whatever becomes of the command, whose refused column says
 * why; a wrong PIN or a locked operator also costs a second.  Five
 * wrong PINs in a row lock the operator for JF_PIN_LOCK_SECS by the
 * real clock ($JIFEN_NOW does not move it); a right one resets the
 * count.
 */
#ifndef JF_PIN_H
#define JF_PIN_H

#include <stddef.h>

#include "db.h"

#define JF_PIN_TRIES 5		/* wrong PINs in a row that lock */
#define JF_PIN_LOCK_SECS 300	/* for this long */
#define JF_PIN_MIN 4		/* a PIN's length in bytes, at least */
#define JF_PIN_MAX 64		/* and at most */
#define JF_PIN_HASH_MAX 128	/* a hash's size, its NUL included */

/*
 * Proves c->operator and c->approver, as jf_open() has set them from w
 * and the login name: 0, or JF_ENOPERM (the refusal recorded) or
 * another status, the message set.  Sets c->nops, c->role and
 * c->approver_role.
 */
int jf_prove(struct jf_ctx *c);

/*
 * A new PIN for operator name, read once from --pin-fd or asked twice
 * on the terminal, checked (JF_PIN_MIN to JF_PIN_MAX bytes, no control
 * characters) and hashed into hash (JF_PIN_HASH_MAX bytes): 0 or a
 * status, the message set.
 */
int jf_pin_new(struct jf_ctx *c, const char *name, char *hash);

/* The yescrypt hash of pin, freshly salted, into hash: 0 or a status. */
int jf_pin_hash(const char *pin, char *hash);
/* 1 when pin is the one hash was made from, else 0: constant time. */
int jf_pin_verify(const char *pin, const char *hash);

#endif
