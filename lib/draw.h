/*
 * draw.h - points draws (积分抽奖): members spend points on tickets for
 * a draw of a limited gift, and a manager runs it once with a seed
 * committed when it opened.
 *
 * A draw ("D0000001") is a `draw` row: the gift (a product and how many
 * prizes), the points a ticket costs, whether losers get their points
 * back, and the SHA-256 of a secret seed, printed at the opening.  Each
 * purchase of tickets is a "redeem" ledger entry whose ref is the draw's
 * code and its first ticket's number ("D0000001-4"), taken from the
 * lots as a gift's points are, and one `draw_ticket` row per ticket,
 * numbered 1, 2, ... in the order bought.  The run checks the seed
 * against the hash, picks the winners by jf_draw_pick() from the seed
 * and the tickets alone, moves the gifts out of the draw's store, gives
 * back the losing tickets' points when the draw says so (a "restore" of
 * each purchase), and stores the seed, so anyone can pick again and
 * compare (report audit does).
 */
#ifndef JF_DRAW_H
#define JF_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "chain.h"
#include "db.h"
#include "jtime.h"
#include "opts.h"

#define JF_SEED_MIN 16		/* a seed's bytes */
#define JF_SEED_MAX 256

/* A draw as open, run and show print it. */
struct jf_draw {
	char code[32];
	char *name, *sku;	/* owned */
	char store[64];
	int64_t prizes, ticket_points, tickets;
	int refund_losers;
	char opened[JF_TS_LEN], ran[JF_TS_LEN];	/* ran: "" until run */
	char seed_hash[JF_HASH_LEN];
	char seed[JF_SEED_MAX + 1];	/* "" until run */
	char *winners;		/* owned: "N:MEMBER ..." by prize, or "" */
};

/* Frees what d owns; d itself is the caller's. */
void jf_draw_clear(struct jf_draw *d);

/* What `redeem draw open` gives. */
struct jf_draw_in {
	const char *name, *sku;
	int64_t prizes, ticket_points;
	int refund_losers;
	const char *seed;	/* the secret; only its hash is kept */
};

/*
 * Opens a draw in c->store (a manager's: JF_ENOPERM); JF_EREFUSED for an
 * unknown product, JF_EDATA for an empty name or a seed of the wrong
 * size.  Runs inside the caller's jf_begin().
 */
int jf_draw_open(struct jf_ctx *c, const struct jf_draw_in *in,
    struct jf_draw *out);

/* A purchase of tickets, as `redeem draw ticket` prints it. */
struct jf_draw_buy {
	char code[32];
	char member[64];
	int64_t first, last, points, balance;
};

/*
 * Sells member qty tickets of draw code for qty x its ticket points:
 * JF_EREFUSED, with nothing booked, for an unknown draw or member, a
 * draw that has run, or a member frozen, closed, in debt or short of
 * points.  Runs inside the caller's jf_begin().
 */
int jf_draw_ticket(struct jf_ctx *c, const char *code, const char *member,
    int64_t qty, struct jf_draw_buy *out);

/*
 * Runs draw code with seed (a manager's, once): JF_EREFUSED, with
 * nothing booked, when it ran already, the seed's SHA-256 is not the
 * hash committed at the opening, or the store holds fewer of the gift
 * than there are winners.  Runs inside the caller's jf_begin().
 */
int jf_draw_run(struct jf_ctx *c, const char *code, const char *seed,
    struct jf_draw *out);

/* Draw code as it stands: JF_EREFUSED for an unknown one. */
int jf_draw_get(struct jf_ctx *c, const char *code, struct jf_draw *out);

/* A draw's ticket, for `redeem draw tickets`; strings borrowed. */
struct jf_draw_ticket {
	int64_t number;
	const char *at, *member;
	int64_t prize;		/* 1.. when it won, else 0 */
	int64_t refunded;	/* points given back */
};
typedef int jf_draw_ticket_fn(void *arg, const struct jf_draw_ticket *t);
/* Calls fn for each ticket of draw code by number; fn's non-zero ends it. */
int jf_draw_tickets(struct jf_ctx *c, const char *code,
    jf_draw_ticket_fn *fn, void *arg);

typedef int jf_draw_fn(void *arg, const struct jf_draw *d);
/* Calls fn for each draw, in the order opened (winners left ""). */
int jf_draw_each(struct jf_ctx *c, jf_draw_fn *fn, void *arg);

/*
 * The winners of n tickets, in number order, whose buyers are member[]:
 * for k = 0, 1, ... while k < prizes and tickets are eligible, d =
 * SHA-256 of the seed's bytes, ":" and k in decimal; the ticket at index
 * (d's first 8 bytes as a big-endian unsigned number) mod (how many are
 * eligible) of the eligible ones, in number order, wins prize k + 1,
 * and every ticket of its member leaves the eligible.  prize[i] is
 * ticket i's prize, or 0; returns the number of winners, -1 when out of
 * memory.
 */
int64_t jf_draw_pick(const char *seed, const int64_t *member, size_t n,
    int64_t prizes, int64_t *prize);

/*
 * The seed read from path ("-": stdin): its content less one final
 * newline, JF_SEED_MIN to JF_SEED_MAX bytes with no newline or NUL in
 * it.  0, JF_ENOINPUT when it cannot be read, JF_EDATA when it is no
 * seed.
 */
int jf_draw_seed_read(const char *path, char seed[JF_SEED_MAX + 1]);
/* A new seed: 32 random bytes, in hex. */
int jf_draw_seed_new(char seed[JF_SEED_MAX + 1]);
/*
 * Writes seed and a newline to path, a new file of mode 0600: 0, or
 * JF_ECANTCREAT (an existing file among the causes).
 */
int jf_draw_seed_write(const char *path, const char *seed);

/*
 * report audit's checks of the draws: draw_seed (a run draw's seed
 * hashes to its committed hash), draw_winners (its tickets' prizes are
 * jf_draw_pick()'s from the stored seed), draw_points (its purchases
 * took tickets x ticket points, and gave back what the losing tickets
 * paid, or nothing), draw_stock (as many gifts left the store as won),
 * and audit_row for its rows.  0 or a database status.
 */
int jf_draw_audit(struct jf_ctx *c, jf_breach_fn *fn, void *arg);

/*
 * redeem draw's subcommands (lib/drawcmd.c): their options fill struct
 * jf_draw_args, which must begin the redeem tool's own arguments.
 */
struct jf_draw_args {
	const char *sku, *seed_file, *seed_out;
	int64_t prizes, ticket_points, qty;
	int refund_losers;
};
extern const struct jf_sub jf_draw_subs[];

#endif
