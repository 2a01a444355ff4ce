/*
 * draw.c - points draws: opening one, selling its tickets, running it
 * once, and checking a run from what the book keeps.
 *
 * The seed is the only secret: at the opening the book keeps its
 * SHA-256, at the run the seed itself, and the winners follow from the
 * seed and the tickets by jf_draw_pick() alone, so a member can hash
 * the published seed, compare it with the hash printed weeks before,
 * and pick again with sha256sum (redeem(1) shows how).  The bookings
 * are those of a gift (lib/redeem.c): the ledger takes a purchase's
 * points from the lots that expire first and gives a refund back to the
 * same lots; the gifts leave the draw's store at its average cost.
 */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "draw.h"
#include "err.h"
#include "ledger.h"
#include "member.h"
#include "stock.h"

void
jf_draw_clear(struct jf_draw *d)
{
	if (d == NULL)
		return;
	free(d->name);
	free(d->sku);
	free(d->winners);
	d->name = d->sku = d->winners = NULL;
}

/* Prize k's number: d = SHA-256(seed ":" k), its first 8 bytes, BE. */
static uint64_t
pick_number(const char *seed, int64_t k)
{
	struct sha256_ctx st;
	uint8_t h[SHA256_DIGEST_SIZE];
	char tail[32];
	uint64_t x = 0;
	int n = snprintf(tail, sizeof(tail), ":%lld", (long long)k);

	sha256_init(&st);
	sha256_update(&st, strlen(seed), (const uint8_t *)seed);
	sha256_update(&st, n, (const uint8_t *)tail);
	sha256_digest(&st, sizeof(h), h);
	for (int i = 0; i < 8; i++)
		x = x << 8 | h[i];
	return x;
}

int64_t
jf_draw_pick(const char *seed, const int64_t *member, size_t n,
    int64_t prizes, int64_t *prize)
{
	size_t *e, m = n, i, j;
	int64_t k;

	if ((e = calloc(n ? n : 1, sizeof(*e))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		e[i] = i;
		prize[i] = 0;
	}
	for (k = 0; k < prizes && m > 0; k++) {
		size_t t = e[pick_number(seed, k) % m];

		prize[t] = k + 1;
		/* the winner's other tickets drop out, the order kept */
		for (i = j = 0; i < m; i++)
			if (member[e[i]] != member[t])
				e[j++] = e[i];
		m = j;
	}
	free(e);
	return k;
}

static int
seed_check(const char *seed, size_t len)
{
	if (len < JF_SEED_MIN || len > JF_SEED_MAX)
		return jf_error(JF_EDATA, _("a seed is %d to %d bytes, not %zu"),
		    JF_SEED_MIN, JF_SEED_MAX, len);
	if (memchr(seed, '\n', len) != NULL || memchr(seed, '\0', len) != NULL)
		return jf_error(JF_EDATA,
		    _("a seed is one line, with no NUL byte"));
	return 0;
}

int
jf_draw_seed_read(const char *path, char seed[JF_SEED_MAX + 1])
{
	char buf[JF_SEED_MAX + 3];
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t len;
	int bad;

	*seed = '\0';
	if (fp == NULL)
		return jf_error(JF_ENOINPUT, "%s: %s", path, strerror(errno));
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	bad = ferror(fp);
	if (fp != stdin)
		fclose(fp);
	if (bad)
		return jf_error(JF_ENOINPUT, _("%s: cannot be read"), path);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (seed_check(buf, len) != 0)
		return JF_EDATA;
	memcpy(seed, buf, len);
	seed[len] = '\0';
	return 0;
}

int
jf_draw_seed_new(char seed[JF_SEED_MAX + 1])
{
	unsigned char r[32];

	if (sodium_init() < 0)
		return jf_error(JF_ESOFTWARE, _("libsodium cannot start"));
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(seed, JF_SEED_MAX + 1, r, sizeof(r));
	sodium_memzero(r, sizeof(r));
	return 0;
}

int
jf_draw_seed_write(const char *path, const char *seed)
{
	int fd, ok;
	FILE *fp = NULL;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		jf_error(JF_ECANTCREAT, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return JF_ECANTCREAT;
	}
	ok = fprintf(fp, "%s\n", seed) > 0;
	if (fclose(fp) != 0 || !ok)
		return jf_error(JF_ECANTCREAT, _("%s: cannot be written"),
		    path);
	return 0;
}

/* The draw's row: what the callers need beyond struct jf_draw. */
struct row {
	int64_t id, product_id;
};

static int
load(struct jf_ctx *c, const char *code, struct jf_draw *d, struct row *w)
{
	static const char sql[] = "SELECT d.id, d.product_id, d.code, "
	    "d.name, d.store, p.sku, d.prizes, d.ticket_points, "
	    "d.refund_losers, d.seed_hash, d.seed, d.opened, d.ran, "
	    "(SELECT count(*) FROM draw_ticket t WHERE t.draw_id = d.id) "
	    "FROM draw d JOIN product p ON p.id = d.product_id "
	    "WHERE d.code = ?";
	struct jf_rows r;
	int found;

	memset(d, 0, sizeof(*d));
	jf_q_open(c, &r, sql, "t", code);
	if ((found = jf_q_next(&r))) {
		w->id = jf_r_int(&r, 0);
		w->product_id = jf_r_int(&r, 1);
		snprintf(d->code, sizeof(d->code), "%s", jf_r_text(&r, 2));
		d->name = strdup(jf_r_text(&r, 3));
		snprintf(d->store, sizeof(d->store), "%s", jf_r_text(&r, 4));
		d->sku = strdup(jf_r_text(&r, 5));
		d->prizes = jf_r_int(&r, 6);
		d->ticket_points = jf_r_int(&r, 7);
		d->refund_losers = jf_r_int(&r, 8) != 0;
		snprintf(d->seed_hash, sizeof(d->seed_hash), "%s",
		    jf_r_text(&r, 9));
		snprintf(d->seed, sizeof(d->seed), "%s", jf_r_text(&r, 10));
		snprintf(d->opened, sizeof(d->opened), "%s", jf_r_text(&r, 11));
		snprintf(d->ran, sizeof(d->ran), "%s", jf_r_text(&r, 12));
		d->tickets = jf_r_int(&r, 13);
	}
	if (jf_q_close(&r) != 0) {
		jf_draw_clear(d);
		return r.rc;
	}
	if (!found)
		return jf_error(JF_EREFUSED, _("no draw \"%s\""), code);
	if (d->name == NULL || d->sku == NULL) {
		jf_draw_clear(d);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return 0;
}

/* d->winners: "N:MEMBER" by prize, space between. */
static int
load_winners(struct jf_ctx *c, int64_t id, struct jf_draw *d)
{
	static const char sql[] = "SELECT t.number, m.code FROM draw_ticket t "
	    "JOIN member m ON m.id = t.member_id "
	    "WHERE t.draw_id = ? AND t.prize IS NOT NULL ORDER BY t.prize";
	struct jf_rows r;
	size_t size = 0;
	FILE *fp;
	int n = 0;

	free(d->winners);
	if ((fp = open_memstream(&d->winners, &size)) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	jf_q_open(c, &r, sql, "i", id);
	while (jf_q_next(&r))
		fprintf(fp, "%s%lld:%s", n++ ? " " : "",
		    (long long)jf_r_int(&r, 0), jf_r_text(&r, 1));
	if (fclose(fp) != 0) {
		jf_q_close(&r);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return jf_q_close(&r);
}

int
jf_draw_get(struct jf_ctx *c, const char *code, struct jf_draw *out)
{
	struct row w;
	int rc;

	if ((rc = load(c, code, out, &w)) != 0)
		return rc;
	if ((rc = load_winners(c, w.id, out)) != 0)
		jf_draw_clear(out);
	return rc;
}

int
jf_draw_open(struct jf_ctx *c, const struct jf_draw_in *in,
    struct jf_draw *out)
{
	static const char next_sql[] =
	    "SELECT coalesce(max(id), 0) + 1 FROM draw";
	static const char sql[] = "INSERT INTO draw (id, code, name, store, "
	    "product_id, prizes, ticket_points, refund_losers, seed_hash, "
	    "opened, operator, audit_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct jf_product p;
	char code[32], hash[JF_HASH_LEN];
	int64_t id;
	int rc;

	memset(&p, 0, sizeof(p));
	if ((rc = jf_need_role(c, JF_ROLE_MANAGER, _("opening a draw"))) != 0)
		return rc;
	if (in->name[strspn(in->name, " \t")] == '\0')
		return jf_error(JF_EDATA, _("a draw's name is not empty"));
	if ((rc = seed_check(in->seed, strlen(in->seed))) != 0 ||
	    (rc = jf_product_find(c, in->sku, &p)) != 0)
		return rc;
	if ((rc = jf_q_int(c, next_sql, &id, "")) != 0) {
		jf_product_clear(&p);
		return rc == JF_ENOROW ? JF_ESOFTWARE : rc;
	}
	snprintf(code, sizeof(code), "D%07lld", (long long)id);
	jf_sha256_hex(in->seed, strlen(in->seed), hash);
	rc = jf_q_exec(c, sql, "ittti" "iiit" "tti", id, code, in->name,
	    c->store, p.id, in->prizes, in->ticket_points,
	    (int64_t)(in->refund_losers != 0), hash, c->now, c->operator,
	    (int64_t)c->audit_id);
	jf_product_clear(&p);
	return rc != 0 ? rc : jf_draw_get(c, code, out);
}

static int
insert_tickets(struct jf_ctx *c, int64_t draw_id, int64_t first,
    int64_t qty, int64_t mid, int64_t entry)
{
	static const char sql[] = "INSERT INTO draw_ticket (draw_id, number, "
	    "member_id, entry_id, at, operator, audit_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	int rc = 0;

	for (int64_t i = 0; i < qty && rc == 0; i++)
		rc = jf_q_exec(c, sql, "iiiitti", draw_id, first + i, mid,
		    entry, c->now, c->operator, (int64_t)c->audit_id);
	return rc;
}

/* Books the purchase of qty tickets by m for d's ticket points. */
static int
buy(struct jf_ctx *c, const struct jf_draw *d, const struct row *w,
    const struct jf_member *m, int64_t qty, struct jf_draw_buy *out)
{
	struct jf_entry e = { .member_id = m->id, .kind = "redeem" };
	char ref[64];
	int64_t entry;
	int rc;

	if (__builtin_mul_overflow(qty, d->ticket_points, &e.points))
		return jf_error(JF_EREFUSED, _("%lld tickets are too many"),
		    (long long)qty);
	out->first = d->tickets + 1;
	out->last = d->tickets + qty;
	snprintf(ref, sizeof(ref), "%s-%lld", d->code, (long long)out->first);
	e.ref = ref;
	if ((rc = jf_ledger_spend(c, &e, &entry)) != 0 ||
	    (rc = insert_tickets(c, w->id, out->first, qty, m->id,
	    entry)) != 0)
		return rc;
	snprintf(out->code, sizeof(out->code), "%s", d->code);
	snprintf(out->member, sizeof(out->member), "%s", m->code);
	out->points = e.points;
	return 0;
}

int
jf_draw_ticket(struct jf_ctx *c, const char *code, const char *member,
    int64_t qty, struct jf_draw_buy *out)
{
	struct jf_draw d;
	struct jf_member m = { 0 }, after = { 0 };
	struct row w;
	int rc;

	memset(out, 0, sizeof(*out));
	if (qty <= 0)
		return jf_error(JF_EUSAGE, _("--qty must be at least 1"));
	if ((rc = load(c, code, &d, &w)) != 0)
		return rc;
	if (*d.ran != '\0')
		rc = jf_error(JF_EREFUSED, _("draw %s ran at %s: its tickets "
		    "are no longer sold"), d.code, d.ran);
	else if ((rc = jf_member_find(c, member, &m)) == 0 &&
	    (rc = buy(c, &d, &w, &m, qty, out)) == 0 &&
	    (rc = jf_member_get(c, m.id, &after)) == 0)
		out->balance = after.balance;
	jf_member_clear(&m);
	jf_member_clear(&after);
	jf_draw_clear(&d);
	return rc;
}

/* A draw's tickets by number, as the run and the audit read them. */
struct tickets {
	size_t n;
	int64_t *id, *member, *entry, *prize, *won;
};

static void
tickets_free(struct tickets *t)
{
	free(t->id);
	free(t->member);
	free(t->entry);
	free(t->prize);
	free(t->won);
	memset(t, 0, sizeof(*t));
}

static int
tickets_load(struct jf_ctx *c, int64_t draw_id, int64_t count,
    struct tickets *t)
{
	static const char sql[] = "SELECT id, member_id, entry_id, "
	    "coalesce(prize, 0) FROM draw_ticket WHERE draw_id = ? "
	    "ORDER BY number";
	size_t cap = count > 0 ? (size_t)count : 1;
	struct jf_rows r;

	memset(t, 0, sizeof(*t));
	t->id = calloc(cap, sizeof(int64_t));
	t->member = calloc(cap, sizeof(int64_t));
	t->entry = calloc(cap, sizeof(int64_t));
	t->prize = calloc(cap, sizeof(int64_t));
	t->won = calloc(cap, sizeof(int64_t));
	if (!t->id || !t->member || !t->entry || !t->prize || !t->won) {
		tickets_free(t);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	jf_q_open(c, &r, sql, "i", draw_id);
	while (t->n < cap && jf_q_next(&r)) {
		t->id[t->n] = jf_r_int(&r, 0);
		t->member[t->n] = jf_r_int(&r, 1);
		t->entry[t->n] = jf_r_int(&r, 2);
		t->prize[t->n++] = jf_r_int(&r, 3);
	}
	if (jf_q_close(&r) != 0) {
		tickets_free(t);
		return r.rc;
	}
	return 0;
}

/* The winners' prizes on their tickets, and the gifts out of stock. */
static int
give_prizes(struct jf_ctx *c, const struct jf_draw *d, const struct row *w,
    const struct tickets *t, int64_t winners)
{
	static const char sql[] =
	    "UPDATE draw_ticket SET prize = ? WHERE id = ?";
	struct jf_move mv = { .kind = "redeem", .cost = -1,
		.product_id = w->product_id, .qty = -winners, .store = d->store,
		.ref = d->code };
	int64_t on_hand;
	int rc;

	if ((rc = jf_stock_on_hand(c, d->store, w->product_id,
	    &on_hand)) != 0)
		return rc;
	if (on_hand < winners)
		return jf_error(JF_EREFUSED, _("draw %s has %lld winners but "
		    "%lld of \"%s\" on hand in store %s"), d->code,
		    (long long)winners, (long long)on_hand, d->sku, d->store);
	if (winners > 0 && (rc = jf_stock_move(c, &mv)) != 0)
		return rc;
	for (size_t i = 0; i < t->n && rc == 0; i++)
		if (t->won[i] > 0)
			rc = jf_q_exec(c, sql, "ii", t->won[i], t->id[i]);
	return rc;
}

/*
 * The losing tickets' points back, one restore for each purchase (its
 * tickets are numbered together) into the lots it took them from.
 */
static int
refund(struct jf_ctx *c, const struct jf_draw *d, const struct tickets *t)
{
	static const char sql[] =
	    "UPDATE draw_ticket SET refunded = ? WHERE id = ?";
	size_t i = 0, j;
	int rc = 0;

	while (i < t->n && rc == 0) {
		struct jf_entry e = { .member_id = t->member[i],
			.kind = "restore" };

		for (j = i; j < t->n && t->entry[j] == t->entry[i]; j++)
			if (t->won[j] == 0) {
				e.points += d->ticket_points;
				rc = rc ? rc : jf_q_exec(c, sql, "ii",
				    d->ticket_points, t->id[j]);
			}
		if (rc == 0 && e.points > 0)
			rc = jf_ledger_restore(c, t->entry[i], &e, NULL);
		i = j;
	}
	return rc;
}

static int
run_tickets(struct jf_ctx *c, const struct jf_draw *d, const struct row *w,
    const char *seed)
{
	static const char sql[] = "UPDATE draw SET seed = ?, ran = ?, "
	    "ran_by = ?, run_audit_id = ? WHERE id = ? AND ran IS NULL";
	struct tickets t;
	int64_t winners;
	int rc;

	if ((rc = tickets_load(c, w->id, d->tickets, &t)) != 0)
		return rc;
	winners = jf_draw_pick(seed, t.member, t.n, d->prizes, t.won);
	if (winners < 0)
		rc = jf_error(JF_ESOFTWARE, _("out of memory"));
	else if ((rc = give_prizes(c, d, w, &t, winners)) == 0 &&
	    (!d->refund_losers || (rc = refund(c, d, &t)) == 0))
		rc = jf_q_exec(c, sql, "tttii", seed, c->now, c->operator,
		    (int64_t)c->audit_id, w->id);
	tickets_free(&t);
	return rc;
}

int
jf_draw_run(struct jf_ctx *c, const char *code, const char *seed,
    struct jf_draw *out)
{
	struct jf_draw d;
	struct row w;
	char hash[JF_HASH_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = jf_need_role(c, JF_ROLE_MANAGER, _("running a draw"))) != 0)
		return rc;
	if ((rc = load(c, code, &d, &w)) != 0)
		return rc;
	jf_sha256_hex(seed, strlen(seed), hash);
	if (*d.ran != '\0')
		rc = jf_error(JF_EREFUSED, _("draw %s ran already, at %s"),
		    d.code, d.ran);
	else if (strcmp(hash, d.seed_hash) != 0)
		rc = jf_error(JF_EREFUSED, _("the seed is not draw %s's: its "
		    "SHA-256 is %s, the draw committed to %s"), d.code, hash,
		    d.seed_hash);
	else if ((rc = run_tickets(c, &d, &w, seed)) == 0)
		rc = jf_draw_get(c, code, out);
	jf_draw_clear(&d);
	return rc;
}

int
jf_draw_tickets(struct jf_ctx *c, const char *code, jf_draw_ticket_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT t.number, t.at, m.code, "
	    "coalesce(t.prize, 0), t.refunded FROM draw_ticket t "
	    "JOIN member m ON m.id = t.member_id "
	    "WHERE t.draw_id = ? ORDER BY t.number";
	struct jf_draw d;
	struct row w;
	struct jf_rows r;
	int stop = 0;

	if ((stop = load(c, code, &d, &w)) != 0)
		return stop;
	jf_draw_clear(&d);
	jf_q_open(c, &r, sql, "i", w.id);
	while (stop == 0 && jf_q_next(&r)) {
		struct jf_draw_ticket t = { .number = jf_r_int(&r, 0),
			.at = jf_r_text(&r, 1), .member = jf_r_text(&r, 2),
			.prize = jf_r_int(&r, 3), .refunded = jf_r_int(&r, 4) };

		stop = fn(arg, &t);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return stop;
}

int
jf_draw_each(struct jf_ctx *c, jf_draw_fn *fn, void *arg)
{
	static const char sql[] = "SELECT d.code, d.name, d.store, p.sku, "
	    "d.prizes, d.ticket_points, d.refund_losers, d.seed_hash, "
	    "coalesce(d.seed, ''), d.opened, coalesce(d.ran, ''), "
	    "(SELECT count(*) FROM draw_ticket t WHERE t.draw_id = d.id) "
	    "FROM draw d JOIN product p ON p.id = d.product_id ORDER BY d.id";
	struct jf_rows r;
	int stop = 0;

	jf_q_open(c, &r, sql, "");
	while (stop == 0 && jf_q_next(&r)) {
		struct jf_draw d = { .name = (char *)jf_r_text(&r, 1),
			.sku = (char *)jf_r_text(&r, 3), .winners = (char *)"",
			.prizes = jf_r_int(&r, 4),
			.ticket_points = jf_r_int(&r, 5),
			.refund_losers = jf_r_int(&r, 6) != 0,
			.tickets = jf_r_int(&r, 11) };

		snprintf(d.code, sizeof(d.code), "%s", jf_r_text(&r, 0));
		snprintf(d.store, sizeof(d.store), "%s", jf_r_text(&r, 2));
		snprintf(d.seed_hash, sizeof(d.seed_hash), "%s",
		    jf_r_text(&r, 7));
		snprintf(d.seed, sizeof(d.seed), "%s", jf_r_text(&r, 8));
		snprintf(d.opened, sizeof(d.opened), "%s", jf_r_text(&r, 9));
		snprintf(d.ran, sizeof(d.ran), "%s", jf_r_text(&r, 10));
		stop = fn(arg, &d);
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return stop;
}

struct check {
	struct jf_ctx *c;
	jf_breach_fn *fn;
	void *arg;
};

static void
breach(struct check *k, const char *check, const char *subject,
    const char *expected, const char *found)
{
	struct jf_breach b = { check, subject, expected, found };

	k->fn(k->arg, &b);
}

/* A ticket's prize as the audit names it. */
static const char *
prize_text(int64_t prize, char *buf, size_t size)
{
	if (prize == 0)
		snprintf(buf, size, "%s", "none");
	else
		snprintf(buf, size, "prize %lld", (long long)prize);
	return buf;
}

/* draw_winners: the stored prizes against a pick from the stored seed. */
static int
check_winners(struct check *k, int64_t id, const char *code,
    const char *seed, int64_t prizes, int64_t count)
{
	struct tickets t;
	char s[96], e[32], f[32];
	int rc;

	if ((rc = tickets_load(k->c, id, count, &t)) != 0)
		return rc;
	if (seed != NULL && jf_draw_pick(seed, t.member, t.n, prizes,
	    t.won) < 0) {
		tickets_free(&t);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	for (size_t i = 0; i < t.n; i++) {
		if (t.won[i] == t.prize[i])
			continue;
		snprintf(s, sizeof(s), "%s ticket %zu", code, i + 1);
		breach(k, "draw_winners", s, prize_text(t.won[i], e,
		    sizeof(e)), prize_text(t.prize[i], f, sizeof(f)));
	}
	tickets_free(&t);
	return 0;
}

/* draw_seed and draw_winners, draw by draw. */
static int
check_runs(struct check *k)
{
	static const char sql[] = "SELECT d.id, d.code, d.seed, d.seed_hash, "
	    "d.prizes, d.ran IS NOT NULL, "
	    "(SELECT count(*) FROM draw_ticket t WHERE t.draw_id = d.id) "
	    "FROM draw d ORDER BY d.id";
	struct jf_rows r;
	char hash[JF_HASH_LEN];
	int rc = 0;

	jf_q_open(k->c, &r, sql, "");
	while (rc == 0 && jf_q_next(&r)) {
		const char *code = jf_r_text(&r, 1), *seed = jf_r_opt(&r, 2);
		int ran = jf_r_int(&r, 5) != 0;

		if (ran && seed == NULL)
			breach(k, "draw_seed", code, jf_r_text(&r, 3), "none");
		else if (!ran && seed != NULL)
			breach(k, "draw_seed", code, "none before the run",
			    "a seed");
		else if (seed != NULL && (jf_sha256_hex(seed, strlen(seed),
		    hash), strcmp(hash, jf_r_text(&r, 3)) != 0))
			breach(k, "draw_seed", code, jf_r_text(&r, 3), hash);
		rc = check_winners(k, jf_r_int(&r, 0), code, ran ? seed : NULL,
		    jf_r_int(&r, 4), jf_r_int(&r, 6));
	}
	if (jf_q_close(&r) != 0)
		return r.rc;
	return rc;
}

/*
 * Three sums per draw, each (code, expected, found) where they differ:
 * the points its purchases took, what was given back, the gifts gone.
 */
static const char q_points[] = "SELECT code, want, got FROM ("
    "SELECT d.code, d.ticket_points * (SELECT count(*) FROM draw_ticket t "
    "WHERE t.draw_id = d.id) AS want, (SELECT coalesce(-sum(l.delta), 0) "
    "FROM ledger l WHERE l.id IN (SELECT t.entry_id FROM draw_ticket t "
    "WHERE t.draw_id = d.id)) AS got FROM draw d) x WHERE want <> got";
static const char q_refund[] = "SELECT code, want, got FROM ("
    "SELECT d.code, CASE WHEN d.ran IS NOT NULL AND d.refund_losers <> 0 "
    "THEN d.ticket_points * (SELECT count(*) FROM draw_ticket t "
    "WHERE t.draw_id = d.id AND t.prize IS NULL) ELSE 0 END AS want, "
    "(SELECT coalesce(sum(r.delta), 0) FROM ledger r "
    "WHERE r.kind = 'restore' AND EXISTS (SELECT 1 FROM ledger s "
    "JOIN draw_ticket t ON t.entry_id = s.id WHERE t.draw_id = d.id "
    "AND s.member_id = r.member_id AND s.ref = r.ref)) AS got "
    "FROM draw d) x WHERE want <> got";
static const char q_stock[] = "SELECT code, want, got FROM ("
    "SELECT d.code, (SELECT count(*) FROM draw_ticket t "
    "WHERE t.draw_id = d.id AND t.prize IS NOT NULL) AS want, "
    "(SELECT coalesce(-sum(m.qty), 0) FROM move m WHERE m.kind = 'redeem' "
    "AND m.ref = d.code AND m.product_id = d.product_id) AS got "
    "FROM draw d) x WHERE want <> got";
static const char q_audit_rows[] = "SELECT 'draw ' || code FROM draw x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id) "
    "OR (x.run_audit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit a "
    "WHERE a.id = x.run_audit_id)) "
    "UNION ALL SELECT 'draw ticket ' || id FROM draw_ticket x "
    "WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = x.audit_id)";

static int
check_sums(struct check *k, const char *sql, const char *check)
{
	struct jf_rows r;
	char e[32], f[32];

	jf_q_open(k->c, &r, sql, "");
	while (jf_q_next(&r)) {
		snprintf(e, sizeof(e), "%lld", (long long)jf_r_int(&r, 1));
		snprintf(f, sizeof(f), "%lld", (long long)jf_r_int(&r, 2));
		breach(k, check, jf_r_text(&r, 0), e, f);
	}
	return jf_q_close(&r);
}

static int
check_audit_rows(struct check *k)
{
	struct jf_rows r;

	jf_q_open(k->c, &r, q_audit_rows, "");
	while (jf_q_next(&r))
		breach(k, "audit_row", jf_r_text(&r, 0), "an audit row", "none");
	return jf_q_close(&r);
}

int
jf_draw_audit(struct jf_ctx *c, jf_breach_fn *fn, void *arg)
{
	struct check k = { c, fn, arg };
	int rc;

	if ((rc = check_runs(&k)) != 0 ||
	    (rc = check_sums(&k, q_points, "draw_points")) != 0 ||
	    (rc = check_sums(&k, q_refund, "draw_refund")) != 0 ||
	    (rc = check_sums(&k, q_stock, "draw_stock")) != 0)
		return rc;
	return check_audit_rows(&k);
}
