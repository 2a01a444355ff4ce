/*
 * chain.h - the audit log and the ledger as hash chains.
 *
 * Each audit row and each ledger entry carries the SHA-256 of the hash
 * before it and of its own fields, so a row changed, removed or slipped
 * in behind the tools' back breaks the chain from there on: report
 * audit recomputes it, and report daily prints its head, which an owner
 * who keeps the daily reports can hold the book to later.
 */
#ifndef JF_CHAIN_H
#define JF_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define JF_HASH_LEN 65		/* 64 hex digits and the NUL */

/* The chains: which table, and the fields its rows are hashed over. */
enum { JF_CHAIN_AUDIT, JF_CHAIN_LEDGER };

/* SHA-256 of len bytes at buf, in hex into out (JF_HASH_LEN). */
void jf_sha256_hex(const void *buf, size_t len, char *out);
/*
 * The hash of a row: SHA-256 over prev and the fields, each written as
 * its length and its bytes (NULL as "-"), in hex into out.
 */
void jf_chain_hash(const char *prev, const char *const *fields, int n,
    char *out);
/*
 * An audit row's fields: id, at, operator, tool, args (schema 3), then
 * approver and refused (schema 4).  The later ones are hashed only up
 * to the last that is not NULL, so that rows written before they
 * existed keep their hashes; jf_chain_audit_n(f) says how many.
 */
#define JF_AUDIT_FIELDS_3 5
#define JF_AUDIT_FIELDS 7
int jf_chain_audit_n(const char *const *f);

/*
 * The chain's last row: its id (0 for none) and hash ("" for none), to
 * give the next row id + 1 and prev = hash.  0 or a status.
 */
int jf_chain_tip(struct jf_ctx *c, int chain, int64_t *id, char *hash);
/*
 * The chain's next link: *id is the tip's + 1, written into idbuf (24
 * bytes) as f[0], and hash is made over the n fields f after the tip's
 * hash.  0 or a status.
 */
int jf_chain_next(struct jf_ctx *c, int chain, const char **f, int n,
    char *idbuf, int64_t *id, char *hash);

/*
 * Walks a chain in order, giving fn each row's id, the hash its fields
 * make over the hash before it, and the hash it has (NULL: none): the
 * row before's as stored, or with fill, as fn was just given it (to
 * give rows without one theirs).  0, or fn's or the query's status.
 */
typedef int jf_chain_fn(void *arg, int64_t id, const char *want,
    const char *stored);
int jf_chain_walk(struct jf_ctx *c, int chain, int fill, jf_chain_fn *fn,
    void *arg);

#endif
