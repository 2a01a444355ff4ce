/*
 * kind.c - the kinds of points entry: see kind.h.
 */
#include <stddef.h>
#include <string.h>

#include "kind.h"

const struct jf_kind jf_kinds[] = {
	{ "earn", 1, JF_KIND_GAIN | JF_KIND_EARNED },
	{ "bonus", 1, JF_KIND_GAIN | JF_KIND_EARNED },
	{ "award", 1, JF_KIND_GAIN | JF_KIND_EARNED },
	{ "adjust", 0, JF_KIND_GAIN | JF_KIND_SPEND },
	{ "redeem", -1, JF_KIND_SPEND },
	{ "offset", -1, JF_KIND_SPEND },
	{ "expire", -1, 0 },
	{ "reverse", -1, JF_KIND_EARNED },
	{ "restore", 1, 0 },
};
const int jf_nkinds = sizeof(jf_kinds) / sizeof(jf_kinds[0]);

const struct jf_kind *
jf_kind(const char *k)
{
	int i;

	for (i = 0; k != NULL && i < jf_nkinds; i++)
		if (strcmp(k, jf_kinds[i].name) == 0)
			return &jf_kinds[i];
	return NULL;
}
