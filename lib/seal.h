/*
 * seal.h - members' personal data sealed in the book (encryption at rest).
 *
 * A sealed book keeps each member's phone, name, email and birthday
 * encrypted with XChaCha20-Poly1305 (libsodium) under a key that lives
 * outside it, in the file $JIFEN_KEY_FILE names (64 hex digits, mode
 * 0600 or 0400, the user's own).  A phone is found by its blind index,
 * member.phone_ix: a keyed BLAKE2b hash of it, so a lookup by phone
 * stays one index probe and exact.  In a book that is not sealed
 * phone_ix is the phone itself and the fields are stored as given.
 *
 * A sealed book opens only with its key: without $JIFEN_KEY_FILE, with
 * a key file others may read, or with another book's key, every tool
 * refuses it (77).  `jifen seal` seals a book (making the key file if
 * it does not exist), `jifen unseal` opens it for good.
 */
#ifndef JF_SEAL_H
#define JF_SEAL_H

#include "db.h"

/* A phone's lookup key: the phone, or 32 hex digits; and its NUL. */
#define JF_PHONE_IX_BUF 64

/*
 * Called by jf_open() once the book is migrated: a sealed book's key is
 * loaded and checked against the book.  0 or JF_ENOPERM, message set.
 */
int jf_seal_load(struct jf_ctx *c);
void jf_seal_free(struct jf_ctx *c);
/* 1 when the book is sealed. */
int jf_sealed(const struct jf_ctx *c);

/*
 * The value to store for a personal field (its name, "phone", is part
 * of what is sealed): plain itself when the book is not sealed, or
 * NULL, or ""; else a sealed copy, which *owned also points to for the
 * caller to free() (NULL otherwise).  NULL when out of memory, message
 * set.
 */
const char *jf_seal(struct jf_ctx *c, const char *field, const char *plain,
    char **owned);
/*
 * The stored value of a field opened, into *out (new: free(); NULL for
 * NULL): 0, or JF_EDATA when it does not open with the book's key.
 */
int jf_unseal(struct jf_ctx *c, const char *field, const char *stored,
    char **out);
/* The lookup key of phone into buf (JF_PHONE_IX_BUF); NULL for NULL. */
const char *jf_phone_ix(const struct jf_ctx *c, const char *phone, char *buf);
/*
 * SQL: cols of the member m whose phone has the lookup key bound as ?n.
 * In a book that is not sealed the key is the phone, kept unique and
 * found by the phone column's own index; a sealed book's keys by
 * member_phone_ix, which holds only the keys that differ from their
 * phone (schema 12).  One member at most: a query ends "LIMIT 1".
 */
#define JF_BY_PHONE(cols, n) \
	"SELECT " cols " FROM member m WHERE phone = ?" #n " UNION ALL " \
	"SELECT " cols " FROM member m WHERE phone_ix = ?" #n \
	" AND phone_ix <> phone"

/*
 * jifen seal: seals every member's fields with the key at keyfile,
 * making it (0600, a new random key) when there is none; *made says
 * so.  jifen unseal: opens them all for good.  In the caller's
 * transaction; an admin's.
 */
int jf_seal_book(struct jf_ctx *c, const char *keyfile, int *made);
int jf_unseal_book(struct jf_ctx *c);

#endif
