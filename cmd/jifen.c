/*
 * jifen - the book as a whole: a backup of it, a backup put back, and
 * its members' personal data sealed under a key kept outside it.
 *
 * backup copies the book with SQLite's online backup API, one snapshot
 * while the tills go on, to a file or to stdout, so that
 * "jifen backup - | age -r KEY > book.age" or gpg keeps it encrypted;
 * restore puts such a copy back over the book, an admin's.  Both are
 * recorded in the audit log: a backup holds every customer's data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "input.h"
#include "opts.h"
#include "output.h"
#include "seal.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/libexec/jifen"
#endif

/* A file in $TMPDIR for a copy on its way in or out; NULL: message set. */
static char *
spool_path(void)
{
	const char *d = getenv("TMPDIR");
	char *p;
	int fd;

	if (asprintf(&p, "%s/jifen.XXXXXX", d && *d ? d : "/tmp") == -1)
		return jf_error(JF_ESOFTWARE, _("out of memory")), NULL;
	if ((fd = mkstemp(p)) == -1) {
		jf_error(JF_ECANTCREAT, "%s: %s", p, strerror(errno));
		free(p);
		return NULL;
	}
	close(fd);
	return p;
}

/* Copies stdin into the file at path: 0 or a status. */
static int
from_stdin(const char *path)
{
	char buf[65536];
	FILE *fp;
	size_t n;
	int rc = 0;

	if ((fp = fopen(path, "w")) == NULL)
		return jf_error(JF_ECANTCREAT, "%s: %s", path, strerror(errno));
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, fp) != n)
			rc = jf_error(JF_ECANTCREAT, "%s: %s", path,
			    strerror(errno));
	if (rc == 0 && ferror(stdin))
		rc = jf_error(JF_ENOINPUT, "stdin: %s", strerror(errno));
	if (fclose(fp) != 0 && rc == 0)
		rc = jf_error(JF_ECANTCREAT, "%s: %s", path, strerror(errno));
	return rc;
}

/*
 * A backup of a book that is not there is no backup (66); one over the
 * book itself would empty it (64).  A PostgreSQL book is no file:
 * jf_backup() says what backs it up.
 */
static int
check_backup(struct jf_call *k)
{
	char *path = jf_db_path(&k->o->w);
	const char *what;
	int rc = 0;

	if ((k->argc == 0 || strcmp(k->argv[0], "-") == 0) &&
	    isatty(STDOUT_FILENO))
		rc = jf_usage_error(_("backup - to a terminal: name a FILE, "
		    "or pipe it"));
	else if (k->argc > 0 && strcmp(k->argv[0], "-") != 0 &&
	    (what = jf_book_file(k->argv[0], &k->o->w)) != NULL)
		rc = jf_usage_error(_("%s: is %s; name another file"),
		    k->argv[0], what);
	else if (path != NULL && !jf_db_uri(path) &&
	    access(path, F_OK) == -1) {
		jf_warnx(_("%s: no book here"), path);
		rc = JF_ENOINPUT;
	}
	free(path);
	return rc;
}

static int
cmd_backup(struct jf_call *k)
{
	const char *to = k->argc > 0 ? k->argv[0] : "-";
	char *tmp = NULL;
	FILE *fp;
	int rc;

	if (k->c->dry_run)
		return 0;
	/* a backup is a read of every customer's data: on the record */
	if ((rc = jf_begin(k->c)) != 0 || (rc = jf_commit(k->c)) != 0)
		return jf_fail(rc);
	if (strcmp(to, "-") != 0)
		return jf_fail(jf_backup(k->c, to));
	if ((tmp = spool_path()) == NULL)
		return jf_fail(JF_ECANTCREAT);
	if ((rc = jf_backup(k->c, tmp)) == 0) {
		if ((fp = fopen(tmp, "r")) == NULL)
			rc = jf_error(JF_ESOFTWARE, "%s: %s", tmp,
			    strerror(errno));
		else {
			rc = jf_stdout_copy(fp, tmp);	/* jf_run: stdout's */
			fclose(fp);
		}
	}
	unlink(tmp);
	free(tmp);
	return jf_fail(rc);
}

static int
cmd_restore(struct jf_call *k)
{
	const char *from = k->argv[0];
	char *tmp = NULL;
	int rc = 0;

	if (strcmp(from, "-") == 0) {
		if ((tmp = spool_path()) == NULL)
			return jf_fail(JF_ECANTCREAT);
		rc = from_stdin(tmp);
		from = tmp;
	} else if (access(from, R_OK) == -1)
		rc = jf_error(JF_ENOINPUT, "%s: %s", from, strerror(errno));
	if (rc == 0)
		rc = jf_restore(k->c, from);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	if (rc == JF_EDATA && strcmp(k->argv[0], "-") == 0)
		jf_error(JF_EDATA, _("stdin: not a jifen book"));
	return jf_fail(rc);
}

/* The key file of seal and unseal: $JIFEN_KEY_FILE, which must be set. */
static int
check_key(struct jf_call *k)
{
	const char *key = getenv("JIFEN_KEY_FILE");

	if (key == NULL || *key == '\0')
		return jf_usage_error(_("set JIFEN_KEY_FILE to the key file "
		    "(seal makes it when it is not there)"));
	if (k->o->w.dry_run && access(key, F_OK) == -1)
		return jf_usage_error(_("%s: no key file, and a dry run "
		    "makes none"), key);
	return 0;
}

static int
cmd_seal(struct jf_call *k)
{
	const char *key = getenv("JIFEN_KEY_FILE");
	int made, rc;

	if ((rc = jf_seal_book(k->c, key, &made)) != 0)
		return jf_fail(rc);
	if (made && !k->c->quiet)
		jf_warnx(_("made key file %s: keep a copy apart from the "
		    "book and its backups; without it the members' phones, "
		    "names and emails cannot be read"), key);
	return 0;
}

static int
cmd_unseal(struct jf_call *k)
{
	return jf_fail(jf_unseal_book(k->c));
}

static const struct jf_sub subs[] = {
	{ "backup", cmd_backup, NULL, "[FILE|-]", 0, 1, JF_BOOK,
	    N_("copies the book, one snapshot while the tills go on"), NULL,
	    check_backup },
	{ "restore", cmd_restore, NULL, "FILE|-", 1, 1, JF_BOOK,
	    N_("puts a backup back over the book (an admin's)") },
	{ "seal", cmd_seal, NULL, NULL, 0, 0, JF_WRITES,
	    N_("encrypts the members' phones, names, emails and birthdays "
	    "under the key in $JIFEN_KEY_FILE (an admin's)"), NULL,
	    check_key },
	{ "unseal", cmd_unseal, NULL, NULL, 0, 0, JF_WRITES,
	    N_("decrypts them for good (an admin's)"), NULL, check_key },
	{ NULL }
};

static const struct jf_tool tool = { "jifen", .subs = subs,
	.more = "TOOL [ARG ...]" };

/* The tools jifen runs, git-style: "jifen report daily" is report's. */
static const char *const tools[] = { "member", "stock", "sale", "points",
	"redeem", "expire", "report", NULL };

/*
 * Where argv names a tool, after jifen's common options (-d PATH and
 * the like, passed on to it): its index, or 0.
 */
static int
tool_at(int argc, char **argv)
{
	static const char *const valued[] = { "-d", "--db", "-o", "--format",
		"--operator", "--pin-fd", "--approve", "--store", NULL };
	int i, j;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		for (j = 0; valued[j] != NULL; j++)
			if (strcmp(argv[i], valued[j]) == 0)
				i++;
	}
	for (j = 0; i < argc && tools[j] != NULL; j++)
		if (strcmp(argv[i], tools[j]) == 0)
			return i;
	return 0;
}

/* The program name in this program's own directory, if it is there: 0. */
static int
beside_self(const char *name, char *path, size_t size)
{
	char self[4096], *slash;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return -1;
	*slash = '\0';
	snprintf(path, size, "%s/%s", self, name);
	return access(path, X_OK);
}

/*
 * Runs the tool argv[at] names with the rest of argv: from
 * $JIFEN_EXEC_PATH when set, else from beside this program (a build, or
 * bin/ links), else from LIBEXECDIR, where make install puts the tools.
 */
static int
exec_tool(int argc, char **argv, int at)
{
	const char *env = getenv("JIFEN_EXEC_PATH"), *name = argv[at];
	char path[4096 + 64];
	char **args;
	int i, k = 0;

	if ((args = calloc((size_t)argc, sizeof(*args))) == NULL)
		return jf_warnx("%s", strerror(ENOMEM)), JF_ESOFTWARE;
	args[k++] = argv[at];
	for (i = 1; i < argc; i++)
		if (i != at)
			args[k++] = argv[i];
	args[k] = NULL;
	if (env != NULL && *env != '\0')
		snprintf(path, sizeof(path), "%s/%s", env, name);
	else if (beside_self(name, path, sizeof(path)) != 0)
		snprintf(path, sizeof(path), "%s/%s", LIBEXECDIR, name);
	execv(path, args);
	jf_warnx("%s: %s", path, strerror(errno));
	free(args);
	return errno == ENOENT ? 127 : 126;
}

int
main(int argc, char **argv)
{
	int at = tool_at(argc, argv);

	if (at > 0)
		return exec_tool(argc, argv, at);
	return jf_run(&tool, argc, argv);
}
