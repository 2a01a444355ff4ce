/*
 * err.c - the last error message, and the language tools speak it in.
 *
 * jf_setprogname() sets the locale from the environment and binds the
 * "jifen" catalog: from $JIFEN_LOCALEDIR when set (the tests point it
 * at the build's catalog), else from the LOCALEDIR the tools were built
 * for.  Messages go through gettext (_() in err.h); a column's label in
 * a table through jf_label(), the same catalog with a context (NC_).
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *jf_progname = "jifen";
static char errbuf[1024];

int
jf_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return code;
}

const char *
jf_errmsg(void)
{
	return errbuf;
}

void
jf_setprogname(const char *argv0)
{
	const char *p = strrchr(argv0, '/');
	const char *dir = getenv("JIFEN_LOCALEDIR");

	jf_progname = p ? p + 1 : argv0;
	setlocale(LC_ALL, "");
	bindtextdomain("jifen", dir && *dir ? dir : LOCALEDIR);
	textdomain("jifen");
}

/*
 * gettext's pgettext: the catalog keys a message in context as
 * "context\004message"; a key it does not hold comes back as it went.
 */
static const char *
pgettext_or(const char *ctx, const char *s, const char *dflt)
{
	char key[128];
	const char *t;

	if (snprintf(key, sizeof(key), "%s\004%s", ctx, s) >=
	    (int)sizeof(key))
		return dflt;
	t = gettext(key);
	return t == key ? dflt : t;
}

const char *
jf_label(const char *ctx, const char *col)
{
	const char *t = pgettext_or("column", col, col);

	return ctx != NULL ? pgettext_or(ctx, col, t) : t;
}
