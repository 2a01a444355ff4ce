/*
 * tool.c - fuzzes an importer through its tool: the row functions live
 * in cmd/ as statics, so the tool's source is compiled in with its
 * main() renamed and run as a user runs it, on a dry run:
 *
 *	TOOL SUB -q -n --db DB --rejects /dev/null [--input jsonl] FILE
 *
 * Built once per importer with -DTOOL_C='"../../cmd/member.c"'
 * -DTOOL='"member"' -DSUB='"import"' (and EXTRA, more arguments).  An
 * input starting with '{' is read as JSON Lines.
 *
 * The database is a private copy of $JIFEN_FUZZ_DB (make fuzz makes it
 * with share/demo.sh: products, members, sales, balances), else a new
 * one; every run rolls back, so each input meets the same book.  The
 * clock is JIFEN_NOW, so a run is repeatable.  Beyond the sanitizers:
 * a data file may make an import exit 0 or 65, nothing else.
 */
#define main tool_main
#include TOOL_C
#undef main

#include <fcntl.h>
#include <limits.h>

#include "fuzz.h"

#ifndef EXTRA
#define EXTRA
#endif

static char dir[PATH_MAX], db[PATH_MAX + 16];

static void
cleanup(void)
{
	static const char *const f[] = { "jifen.db", "jifen.db-wal",
		"jifen.db-shm", NULL };
	char p[PATH_MAX + 32];

	for (int i = 0; f[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, f[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void
copy(const char *from, const char *to)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;

	if ((in = fopen(from, "rb")) == NULL) {
		fprintf(stderr, "fuzz: %s: %s; starting from an empty book\n",
		    from, strerror(errno));
		return;
	}
	if ((out = fopen(to, "wb")) == NULL)
		abort();
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			abort();
	fclose(in);
	if (fclose(out) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR"), *seed = getenv("JIFEN_FUZZ_DB");

	snprintf(dir, sizeof(dir), "%s/jifen-fuzz.XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		abort();
	}
	atexit(cleanup);
	snprintf(db, sizeof(db), "%s/jifen.db", dir);
	if (seed != NULL && *seed != '\0')
		copy(seed, db);
	setenv("JIFEN_NOW", "2026-11-22 10:00:00", 1);
	setenv("JIFEN_OPERATOR", "owner", 1);
	setenv("TZ", "Asia/Shanghai", 1);
	unsetenv("JIFEN_DB");
	unsetenv("JIFEN_STORE");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *args[] = { TOOL, SUB, "-q", "-n", "--db", db, "--rejects",
		"/dev/null", EXTRA };
	char *argv[sizeof(args) / sizeof(*args) + 4];
	int argc = 0, rc, fd;
	FILE *out;

	for (size_t i = 0; i < sizeof(args) / sizeof(*args); i++)
		argv[argc++] = args[i];
	if (size > 0 && data[0] == '{') {
		argv[argc++] = "--input";
		argv[argc++] = "jsonl";
	}
	argv[argc++] = (char *)fz_file(data, size);
	argv[argc] = NULL;
	/*
	 * A tool may end its run by closing stdout (its last write checked),
	 * so each run gets its own; closed here if the tool left it open.
	 */
	if ((out = fopen("/dev/null", "w")) == NULL)
		abort();
	fd = fileno(out);
	stdout = out;
	optind = 0;	/* glibc: a new getopt */
	rc = tool_main(argc, argv);
	if (fcntl(fd, F_GETFD) != -1)
		fclose(out);
	FZ_ASSERT(rc == 0 || rc == JF_EDATA, "%s %s exits %d: %s", TOOL, SUB,
	    rc, jf_errmsg());
	return 0;
}
