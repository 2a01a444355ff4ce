/*
 * seal.c - members' personal data sealed in the book: see seal.h.
 *
 * The key file holds a master key; three keys are derived from it
 * (crypto_kdf): one seals the fields, one hashes phones for the blind
 * index, and one makes the check value the book keeps in table seal, by
 * which a wrong key is told from the right one before anything is read
 * or written.  A sealed field is "jf1:" and the base64 of a random
 * 24-byte nonce and the ciphertext, the field's name its associated
 * data, so a name cannot be passed off as a phone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "seal.h"

#define PREFIX "jf1:"
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define IX_LEN 16		/* bytes of a phone's blind index */
#define CHECK_LEN 16

struct keys {
	unsigned char seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char ix[crypto_generichash_KEYBYTES];
	char check[2 * CHECK_LEN + 1];
};

static void
keys_free(void *k)
{
	sodium_free(k);
}

int
jf_sealed(const struct jf_ctx *c)
{
	return c->seal != NULL;
}

void
jf_seal_free(struct jf_ctx *c)
{
	if (c->seal != NULL)
		keys_free(c->seal);
	c->seal = NULL;
}

/* The key file's master key: 0, or JF_ENOPERM naming what to fix. */
static int
read_key(const char *path, unsigned char key[crypto_kdf_KEYBYTES])
{
	char hex[2 * crypto_kdf_KEYBYTES + 2];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return jf_error(JF_ENOPERM, _("key file %s: %s"), path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return jf_error(JF_ENOPERM, _("key file %s: not a file"),
		    path);
	}
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		close(fd);
		return jf_error(JF_ENOPERM, _("key file %s: others may read "
		    "it (mode %03o): it must be yours, mode 600 (chmod 600 %s)"),
		    path, (unsigned)(st.st_mode & 0777), path);
	}
	while (n < sizeof(hex) && (r = read(fd, hex + n,
	    sizeof(hex) - n)) > 0)
		n += (size_t)r;
	close(fd);
	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		n--;
	if (n != 2 * crypto_kdf_KEYBYTES || sodium_hex2bin(key,
	    crypto_kdf_KEYBYTES, hex, n, NULL, NULL, NULL) != 0) {
		sodium_memzero(hex, sizeof(hex));
		return jf_error(JF_ENOPERM, _("key file %s: not a key "
		    "(64 hex digits, as jifen seal makes)"), path);
	}
	sodium_memzero(hex, sizeof(hex));
	return 0;
}

/* The keys derived from the key file at path, into *kp (sodium_malloc). */
static int
load_keys(const char *path, struct keys **kp)
{
	unsigned char master[crypto_kdf_KEYBYTES], ck[crypto_kdf_KEYBYTES];
	unsigned char check[CHECK_LEN];
	struct keys *k;
	int rc;

	*kp = NULL;
	if (sodium_init() < 0)
		return jf_error(JF_ESOFTWARE, _("libsodium cannot start"));
	if ((rc = read_key(path, master)) != 0)
		return rc;
	if ((k = sodium_malloc(sizeof(*k))) == NULL) {
		sodium_memzero(master, sizeof(master));
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	crypto_kdf_derive_from_key(k->seal, sizeof(k->seal), 1, "jifenkey",
	    master);
	crypto_kdf_derive_from_key(k->ix, sizeof(k->ix), 2, "jifenkey",
	    master);
	crypto_kdf_derive_from_key(ck, sizeof(ck), 3, "jifenkey", master);
	crypto_generichash(check, sizeof(check), (const unsigned char *)
	    "jifen book key", 14, ck, sizeof(ck));
	sodium_bin2hex(k->check, sizeof(k->check), check, sizeof(check));
	sodium_memzero(master, sizeof(master));
	sodium_memzero(ck, sizeof(ck));
	*kp = k;
	return 0;
}

static const char *
key_path(void)
{
	const char *p = getenv("JIFEN_KEY_FILE");

	return p != NULL && *p != '\0' ? p : NULL;
}

int
jf_seal_load(struct jf_ctx *c)
{
	struct jf_rows r;
	struct keys *k;
	char check[2 * CHECK_LEN + 1] = "";
	const char *path;
	int rc;

	jf_q_open(c, &r, "SELECT check_value FROM seal", "");
	if (jf_q_next(&r))
		snprintf(check, sizeof(check), "%s", jf_r_text(&r, 0));
	if ((rc = jf_q_close(&r)) != 0)
		return rc;
	if (*check == '\0')
		return 0;
	if ((path = key_path()) == NULL)
		return jf_error(JF_ENOPERM, _("%s is sealed: set "
		    "JIFEN_KEY_FILE to its key file"), c->path);
	if ((rc = load_keys(path, &k)) != 0)
		return rc;
	if (strcmp(k->check, check) != 0) {
		keys_free(k);
		return jf_error(JF_ENOPERM, _("key file %s: not the key of "
		    "%s"), path, c->path);
	}
	c->seal = k;
	return 0;
}

const char *
jf_seal(struct jf_ctx *c, const char *field, const char *plain,
    char **owned)
{
	const struct keys *k = c->seal;
	size_t n, ctlen, b64;
	unsigned char *buf;
	char *out;

	*owned = NULL;
	if (k == NULL || plain == NULL || *plain == '\0')
		return plain;
	n = strlen(plain);
	ctlen = NONCE + n + TAG;
	b64 = sodium_base64_ENCODED_LEN(ctlen,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	if ((buf = malloc(ctlen)) == NULL ||
	    (out = malloc(sizeof(PREFIX) - 1 + b64)) == NULL) {
		free(buf);
		return jf_error(JF_ESOFTWARE, _("out of memory")), NULL;
	}
	randombytes_buf(buf, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE, NULL,
	    (const unsigned char *)plain, n, (const unsigned char *)field,
	    strlen(field), NULL, buf, k->seal);
	memcpy(out, PREFIX, sizeof(PREFIX) - 1);
	sodium_bin2base64(out + sizeof(PREFIX) - 1, b64, buf, ctlen,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	free(buf);
	return *owned = out;
}

int
jf_unseal(struct jf_ctx *c, const char *field, const char *stored,
    char **out)
{
	const struct keys *k = c->seal;
	const char *b64 = stored + sizeof(PREFIX) - 1;
	unsigned char *buf = NULL;
	unsigned long long n;
	size_t len, blen;

	*out = NULL;
	if (stored == NULL)
		return 0;
	/* a book not sealed holds what was given; "" is never sealed */
	if (k == NULL || *stored == '\0') {
		if ((*out = strdup(stored)) == NULL)
			return jf_error(JF_ESOFTWARE, _("out of memory"));
		return 0;
	}
	len = strlen(stored);
	if (strncmp(stored, PREFIX, sizeof(PREFIX) - 1) != 0 ||
	    (buf = malloc(len)) == NULL || (*out = malloc(len)) == NULL ||
	    sodium_base642bin(buf, len, b64, strlen(b64), NULL, &blen, NULL,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
	    blen < NONCE + TAG ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)*out,
	    &n, NULL, buf + NONCE, blen - NONCE, (const unsigned char *)field,
	    strlen(field), buf, k->seal) != 0) {
		free(buf);
		free(*out);
		*out = NULL;
		return jf_error(JF_EDATA, _("a member's %s does not open "
		    "with the book's key: written behind the tools' back"),
		    field);
	}
	(*out)[n] = '\0';
	free(buf);
	return 0;
}

const char *
jf_phone_ix(const struct jf_ctx *c, const char *phone, char *buf)
{
	const struct keys *k = c->seal;
	unsigned char h[IX_LEN];
	char norm[JF_PHONE_IX_BUF];

	if (phone == NULL)
		return NULL;
	/* the number as the register keeps it, however it is written */
	phone = jf_phone_norm(phone, norm, sizeof(norm));
	if (k == NULL) {
		snprintf(buf, JF_PHONE_IX_BUF, "%s", phone);
		return buf;
	}
	crypto_generichash(h, sizeof(h), (const unsigned char *)phone,
	    strlen(phone), k->ix, sizeof(k->ix));
	return sodium_bin2hex(buf, JF_PHONE_IX_BUF, h, sizeof(h));
}

/* A new key file at path, 0600, holding a random key. */
static int
make_key(const char *path)
{
	unsigned char key[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 1];
	int fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return jf_error(JF_ECANTCREAT, _("key file %s: %s"), path,
		    strerror(errno));
	crypto_kdf_keygen(key);
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[sizeof(hex) - 1] = '\n';
	ok = write(fd, hex, sizeof(hex)) == (ssize_t)sizeof(hex) &&
	    fsync(fd) == 0;
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) != 0 || !ok) {
		unlink(path);
		return jf_error(JF_ECANTCREAT, _("key file %s: %s"), path,
		    strerror(errno));
	}
	return 0;
}

/* The members a batch of the conversion holds (the LIMIT below). */
#define BATCH 256
static const char *const fields[] = { "phone", "name", "email", "birthday" };

struct row {
	int64_t id;
	char *f[4];
};

/* Reads the next batch after id *after, as stored; how many. */
static int
batch(struct jf_ctx *c, int64_t *after, struct row *rows, int *n)
{
	static const char sql[] = "SELECT id, phone, name, email, birthday "
	    "FROM member WHERE id > ? ORDER BY id LIMIT 256";
	struct jf_rows r;
	int i, lost = 0;

	*n = 0;
	jf_q_open(c, &r, sql, "i", *after);
	while (*n < BATCH && jf_q_next(&r)) {
		rows[*n].id = *after = jf_r_int(&r, 0);
		for (i = 0; i < 4; i++) {
			const char *v = jf_r_opt(&r, 1 + i);

			if ((rows[*n].f[i] = v ? strdup(v) : NULL) == NULL && v)
				lost = 1;
		}
		(*n)++;
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return lost ? jf_error(JF_ESOFTWARE, _("out of memory")) : 0;
}

/* Writes a member's fields as they are in the book c now is. */
static int
rewrite(struct jf_ctx *c, const struct row *w)
{
	static const char sql[] = "UPDATE member SET phone = ?, name = ?, "
	    "email = ?, birthday = ?, phone_ix = ? WHERE id = ?";
	const char *v[4];
	char *own[4] = { NULL }, ix[JF_PHONE_IX_BUF];
	int i, rc = 0;

	for (i = 0; i < 4; i++)
		if ((v[i] = jf_seal(c, fields[i], w->f[i], &own[i])) == NULL &&
		    w->f[i] != NULL)
			rc = JF_ESOFTWARE;
	if (rc == 0)
		rc = jf_q_exec(c, sql, "tttttn", v[0], v[1], v[2], v[3],
		    jf_phone_ix(c, w->f[0], ix), w->id);
	for (i = 0; i < 4; i++)
		free(own[i]);
	return rc;
}

/*
 * Every member's fields opened with the keys from (NULL: as they are)
 * and written as the book c is now (sealed or not).
 */
static int
convert(struct jf_ctx *c, struct keys *from)
{
	struct row rows[BATCH];
	struct keys *to = c->seal;
	int64_t after = 0;
	int n, i, j, rc;
	char *p;

	do {
		rc = batch(c, &after, rows, &n);
		for (i = 0; i < n; i++) {
			c->seal = from;
			for (j = 0; j < 4 && rc == 0; j++)
				if ((rc = jf_unseal(c, fields[j],
				    rows[i].f[j], &p)) == 0) {
					free(rows[i].f[j]);
					rows[i].f[j] = p;
				}
			c->seal = to;
			if (rc == 0)
				rc = rewrite(c, &rows[i]);
			for (j = 0; j < 4; j++)
				free(rows[i].f[j]);
		}
	} while (rc == 0 && n == BATCH);
	return rc;
}

int
jf_seal_book(struct jf_ctx *c, const char *keyfile, int *made)
{
	struct keys *k;
	int rc;

	*made = 0;
	if ((rc = jf_need_role(c, JF_ROLE_ADMIN, _("sealing the book"))) != 0)
		return rc;
	if (c->seal != NULL)
		return jf_error(JF_EREFUSED, _("%s is sealed already"),
		    c->path);
	if (access(keyfile, F_OK) != 0) {
		if ((rc = make_key(keyfile)) != 0)
			return rc;
		*made = 1;
	}
	if ((rc = load_keys(keyfile, &k)) != 0 ||
	    (rc = jf_q_exec(c, "INSERT INTO seal (id, check_value) "
	    "VALUES (1, ?)", "t", k->check)) != 0) {
		if (*made)
			unlink(keyfile);
		return rc;
	}
	c->seal = k;
	if ((rc = convert(c, NULL)) != 0 && *made)
		unlink(keyfile);
	return rc;
}

int
jf_unseal_book(struct jf_ctx *c)
{
	struct keys *k = c->seal;
	int rc;

	if ((rc = jf_need_role(c, JF_ROLE_ADMIN,
	    _("unsealing the book"))) != 0)
		return rc;
	if (k == NULL)
		return jf_error(JF_EREFUSED, _("%s is not sealed"), c->path);
	c->seal = NULL;
	if ((rc = jf_q_exec(c, "DELETE FROM seal", "")) == 0)
		rc = convert(c, k);
	keys_free(k);
	return rc;
}
