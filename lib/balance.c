/*
 * balance.c - points balance, for one member or a stream of lookups
 * (balance.h).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "balance.h"
#include "db.h"
#include "err.h"
#include "ledger.h"
#include "member.h"
#include "output.h"
#include "stream.h"

static const char *const balance_cols[] = {
	NC_("column", "member"), NC_("column", "balance"),
	NC_("column", "pending"), NC_("column", "expiring"),
	NC_("column", "expiring_on"), NULL
};

int
jf_balance_write(struct jf_ctx *c, const char *id, int fmt, FILE *fp)
{
	struct jf_member m = { 0 };
	struct jf_points_now pn;
	struct jf_out *out;
	char day[JF_DATE_LEN] = "";
	int64_t pts = 0;
	int rc;

	if ((rc = jf_member_find(c, id, &m)) != 0 ||
	    (rc = jf_points_now(c, m.id, c->today, &pn)) != 0 ||
	    (rc = jf_points_expiring(c, m.id, &pts, day)) != 0) {
		jf_member_clear(&m);
		return rc;
	}
	out = jf_out_new(fmt, fp, balance_cols);
	jf_out_single(out);
	jf_out_str(out, m.code);
	jf_out_int(out, pn.balance);
	jf_out_int(out, pn.pending);
	jf_out_int(out, pts);
	jf_out_str(out, day[0] ? day : NULL);
	jf_out_end(out);
	jf_member_clear(&m);
	return jf_out_done(out, 0);
}

/*
 * One lookup: a line of member list -o jsonl serves too, its code (or
 * phone) naming the member, and keys not wanted here are passed over,
 * since this only reads.
 */
static int
balance_line(struct jf_ctx *c, json_t *j, FILE *out, void *arg)
{
	static const char *const keys[] = { "member", "code", "phone" };
	const char *id = NULL;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && id == NULL; i++)
		if (jf_json_str(j, keys[i], &id) == -1)
			return jf_stream_error(out, NULL, NULL, JF_EDATA);
	if (id == NULL || *id == '\0') {
		jf_error(JF_EDATA, _("member: a code or phone is needed"));
		return jf_stream_error(out, NULL, NULL, JF_EDATA);
	}
	if ((rc = jf_clock_tick(c)) != 0 ||
	    (rc = jf_balance_write(c, id, JF_FMT_JSONL, out)) != 0)
		return rc == JF_ESOFTWARE && ferror(out) ? rc :
		    jf_stream_error(out, "member", id, rc);
	return fflush(out) == EOF ? JF_ESOFTWARE : 0;
}

int
jf_balance_stream(struct jf_ctx *c, FILE *in, FILE *out)
{
	return jf_stream(c, in, out, balance_line, NULL);
}
