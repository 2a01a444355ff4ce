/*
 * memberargs.c - the member tool's option values, checked in its words:
 * each is a JF_FN of lib/opts.h, 0, or -1 with the message set
 * ("--opt: message" when the frame reports it).
 */
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "err.h"
#include "member.h"
#include "money.h"

static int
bad_value(const char *s, const char *what)
{
	jf_error(JF_EUSAGE, "%s \"%s\"", what, s);
	return -1;
}

static int
int_opt(const char *s, int *field, int lo, int hi, const char *what)
{
	int64_t v;

	if (jf_int_parse(s, hi, &v) == -1 || v < lo)
		return bad_value(s, what);
	*field = (int)v;
	return 0;
}

int
jf_member_month_arg(const char *s, void *field)
{
	return int_opt(s, field, 1, 12, _("not a month:"));
}

int
jf_member_days_arg(const char *s, void *field)
{
	return int_opt(s, field, 0, 100000, _("not a number of days:"));
}

int
jf_member_role_arg(const char *s, void *field)
{
	if ((*(int *)field = jf_role_parse(s)) == JF_ROLE_NONE)
		return bad_value(s, _("cashier, manager or admin, not"));
	return 0;
}
