/*
 * stockargs.c - the stock tool's option values, checked in its words:
 * each is a JF_FN of lib/opts.h, 0, or -1 with the message set.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "jtime.h"
#include "money.h"
#include "stock.h"

int
jf_stock_sku_arg(const char *arg, void *field)
{
	*(const char **)field = arg;
	return jf_sku_check(arg) == 0 ? 0 : -1;
}

int
jf_stock_name_arg(const char *arg, void *field)
{
	*(const char **)field = arg;
	if (*arg == '\0')
		return jf_error(JF_EUSAGE, _("empty name")), -1;
	return 0;
}

int
jf_stock_money_arg(const char *arg, void *field)
{
	int64_t *v = field;

	if (jf_money_parse(arg, v) == -1)
		return -1;
	if (*v < 0)
		return jf_error(JF_EUSAGE, _("negative amount: \"%s\""), arg),
		    -1;
	return 0;
}

/* --qty ±N: an adjustment is not 0. */
int
jf_stock_adjust_qty(const char *arg, void *field)
{
	int64_t *v = field;

	if (jf_int_parse(arg, JF_QTY_MAX, v) == -1)
		return jf_error(JF_EUSAGE, _("not a whole number from %lld to "
		    "%lld: \"%s\""), -JF_QTY_MAX, JF_QTY_MAX, arg), -1;
	if (*v == 0)
		return jf_error(JF_EUSAGE, _("an adjustment is not 0")), -1;
	return 0;
}

int
jf_stock_reason_arg(const char *arg, void *field)
{
	*(const char **)field = arg;
	if (arg[strspn(arg, " \t")] == '\0')
		return jf_error(JF_EUSAGE, _("empty")), -1;
	return 0;
}

/* --since D and --until D: a day (a month) from its start, to its end. */
static int
bound_arg(const char *arg, char *field, int last)
{
	char d[JF_DATE_LEN];

	if (jf_bound_parse(arg, last, d) == -1)
		return jf_ts_parse(arg, field);
	snprintf(field, JF_TS_LEN, last ? "%s 23:59:59" : "%s 00:00:00", d);
	return 0;
}

int
jf_stock_since_arg(const char *arg, void *field)
{
	return bound_arg(arg, field, 0);
}

int
jf_stock_until_arg(const char *arg, void *field)
{
	return bound_arg(arg, field, 1);
}

int
jf_stock_kind_arg(const char *arg, void *field)
{
	*(const char **)field = arg;
	if (!jf_move_kind_valid(arg))
		return jf_error(JF_EUSAGE, _("receive, sale, return, redeem, "
		    "adjust or count, not \"%s\""), arg), -1;
	return 0;
}


/* --gift-from D and --gift-to D: a day, or "" for an open end. */
int
jf_stock_day_arg(const char *arg, void *field)
{
	char d[JF_DATE_LEN];

	*(const char **)field = arg;
	if (*arg == '\0')
		return 0;
	return jf_date_parse(arg, d) == 0 ? 0 : -1;
}
