/*
 * err.c - the last error message, and the one printer tools use for it.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
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

	jf_progname = p ? p + 1 : argv0;
	setlocale(LC_ALL, "");
	bindtextdomain("jifen", LOCALEDIR);
	textdomain("jifen");
}
