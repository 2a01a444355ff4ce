/*
 * chain.c - the SHA-256 chains of the audit log and the ledger (nettle's
 * sha256, which uses the processor's SHA instructions where it has them:
 * seven times libsodium's pace, and every entry booked and every row
 * report audit walks is hashed).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include "chain.h"
#include "err.h"

/* "\nLEN:" for a field of len bytes into b (at least 24), its length. */
static int
len_tag(char *b, size_t len)
{
	char d[24];
	int k = 0, n = 0;

	do
		d[k++] = (char)('0' + len % 10);
	while ((len /= 10) > 0);
	b[n++] = '\n';
	while (k > 0)
		b[n++] = d[--k];
	b[n++] = ':';
	return n;
}

/* A digest in lowercase hex into out (2 * SHA256_DIGEST_SIZE + 1). */
static void
hex(const uint8_t *h, char *out)
{
	static const char digit[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = digit[h[i] >> 4];
		out[2 * i + 1] = digit[h[i] & 0xf];
	}
	out[2 * SHA256_DIGEST_SIZE] = '\0';
}

void
jf_sha256_hex(const void *buf, size_t len, char *out)
{
	struct sha256_ctx st;
	uint8_t h[SHA256_DIGEST_SIZE];

	sha256_init(&st);
	sha256_update(&st, len, buf);
	sha256_digest(&st, sizeof(h), h);
	hex(h, out);
}

void
jf_chain_hash(const char *prev, const char *const *fields, int n, char *out)
{
	struct sha256_ctx st;
	uint8_t h[SHA256_DIGEST_SIZE];
	char tag[32];

	sha256_init(&st);
	sha256_update(&st, strlen(prev), (const uint8_t *)prev);
	for (int i = 0; i < n; i++) {
		const char *f = fields[i];
		size_t len;

		if (f == NULL) {
			sha256_update(&st, 2, (const uint8_t *)"\n-");
			continue;
		}
		len = strlen(f);
		sha256_update(&st, len_tag(tag, len), (const uint8_t *)tag);
		sha256_update(&st, len, (const uint8_t *)f);
	}
	sha256_digest(&st, sizeof(h), h);
	hex(h, out);
}

int
jf_chain_audit_n(const char *const *f)
{
	int n = JF_AUDIT_FIELDS;

	while (n > JF_AUDIT_FIELDS_3 && f[n - 1] == NULL)
		n--;
	return n;
}

int
jf_chain_tip(struct jf_ctx *c, int chain, int64_t *id, char *hash)
{
	static const char *const sql[] = {
		"SELECT id, coalesce(hash, '') FROM audit ORDER BY id DESC "
		    "LIMIT 1",
		"SELECT id, coalesce(hash, '') FROM ledger ORDER BY id DESC "
		    "LIMIT 1",
	};
	struct jf_rows r;

	*id = 0;
	hash[0] = '\0';
	jf_q_open(c, &r, sql[chain], "");
	if (jf_q_next(&r)) {
		*id = jf_r_int(&r, 0);
		snprintf(hash, JF_HASH_LEN, "%s", jf_r_text(&r, 1));
	}
	return jf_q_close(&r);
}

/*
 * The link after the chain's tip.  Within a transaction (which holds the
 * write lock) the tip is the link made last, kept in c: a receipt's
 * entries cost no read of the table each, which on PostgreSQL is a round
 * trip.  A rollback, whole or to a savepoint, forgets it (db.c).
 */
int
jf_chain_next(struct jf_ctx *c, int chain, const char **f, int n,
    char *idbuf, int64_t *id, char *hash)
{
	char prev[JF_HASH_LEN];
	int rc;

	if (c->tip_ok[chain]) {
		*id = c->tip_id[chain];
		memcpy(prev, c->tip_hash[chain], JF_HASH_LEN);
	} else if ((rc = jf_chain_tip(c, chain, id, prev)) != 0)
		return rc;
	snprintf(idbuf, 24, "%" PRId64, ++*id);
	f[0] = idbuf;
	jf_chain_hash(prev, f, n, hash);
	c->tip_id[chain] = *id;
	memcpy(c->tip_hash[chain], hash, JF_HASH_LEN);
	c->tip_ok[chain] = c->in_tx;
	return 0;
}

int
jf_chain_walk(struct jf_ctx *c, int chain, int fill, jf_chain_fn *fn,
    void *arg)
{
	static const char *const sql[] = {
		"SELECT id, at, operator, tool, args, approver, refused, "
		    "hash FROM audit ORDER BY id",
		"SELECT id, member_id, at, kind, delta, ref, rule, reason, "
		    "operator, ikey, audit_id, hash FROM ledger ORDER BY id",
	};
	static const int nf[] = { JF_AUDIT_FIELDS, 11 };
	char prev[JF_HASH_LEN] = "", want[JF_HASH_LEN];
	const char *f[11], *stored;
	struct jf_rows r;
	int rc = 0;

	jf_q_open(c, &r, sql[chain], "");
	while (rc == 0 && jf_q_next(&r)) {
		for (int i = 0; i < nf[chain]; i++)
			f[i] = jf_r_opt(&r, i);
		stored = jf_r_opt(&r, nf[chain]);
		jf_chain_hash(prev, f, chain == JF_CHAIN_AUDIT ?
		    jf_chain_audit_n(f) : nf[chain], want);
		rc = fn(arg, jf_r_int(&r, 0), want, stored);
		snprintf(prev, sizeof(prev), "%s", fill || stored == NULL ?
		    want : stored);
	}
	if (rc != 0) {
		jf_q_close(&r);
		return rc;
	}
	return jf_q_close(&r);
}
