/*
 * rejects.c - the file a batch import writes its bad rows to.
 *
 * A rejects file is an output named on the command line, and a typo
 * there must not cost the book or the input: `--rejects "$JIFEN_DB"`
 * once emptied the book before it was opened, and `--rejects in.csv`
 * the file being read.  So the path is checked against the book (and
 * its -wal, -shm and -journal files) and the input, by device and inode
 * where they exist and by their full names where they do not yet; a
 * symbolic link is refused, since it can point anywhere.  Then nothing
 * is touched until there is a reject to write: the stream is a stdio
 * FILE over our own write function, which at its first write opens the
 * file (O_NOFOLLOW, created 0600: rejects hold whole phone numbers),
 * checks again what it opened, and only then empties it.  Closing
 * empties a file that got no rejects, so it never holds an earlier
 * run's, and reports any write that failed, with the path.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "input.h"

#define NFORBID 5	/* the book, -wal, -shm, -journal, the input */

struct forbid {
	char *name;		/* full name, or NULL */
	dev_t dev;
	ino_t ino;
	int exists;
	const char *what;
};

struct rej {
	char *path;
	int fd;
	int wrote;
	int err;		/* errno of the first failed write */
	char *msg;		/* or why the file was refused at open */
	struct forbid f[NFORBID];
};

/* path with its directory resolved (new): names a file not made yet. */
static char *
full_name(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *rd, *full = NULL;

	if (d != NULL && b != NULL && (rd = realpath(dirname(d), NULL))) {
		if (asprintf(&full, "%s/%s", rd, basename(b)) == -1)
			full = NULL;
		free(rd);
	}
	free(d);
	free(b);
	return full ? full : strdup(path);
}

static void
forbid_set(struct forbid *f, const char *path, const char *what)
{
	struct stat st;

	f->what = what;
	f->name = full_name(path);
	if (stat(path, &st) == 0) {
		f->exists = 1;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
}

/* The forbidden file that st (when it exists) or name is, or NULL. */
static const struct forbid *
forbidden(const struct rej *r, const struct stat *st, const char *name)
{
	for (int i = 0; i < NFORBID; i++) {
		const struct forbid *f = &r->f[i];

		if (f->what == NULL)
			continue;
		if (st != NULL && f->exists) {
			if (f->dev == st->st_dev && f->ino == st->st_ino)
				return f;
		} else if (f->name != NULL && name != NULL &&
		    strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

static void
rej_free(struct rej *r)
{
	for (int i = 0; i < NFORBID; i++)
		free(r->f[i].name);
	free(r->msg);
	free(r->path);
	free(r);
}

/* 0, or the errno that will keep path from being written. */
static int
cannot_write(const char *path, int exists)
{
	struct stat st;
	char *d, *dir;
	int e = 0;

	if (exists)
		return access(path, W_OK) == -1 ? errno : 0;
	if ((d = strdup(path)) == NULL)
		return ENOMEM;
	dir = dirname(d);
	if (stat(dir, &st) == -1)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	else if (access(dir, W_OK) == -1)
		e = errno;
	free(d);
	return e;
}

/* Opens the file at the first reject: 0, or -1 with r->err or r->msg. */
static int
rej_open_fd(struct rej *r)
{
	const struct forbid *f;
	struct stat st;

	r->fd = open(r->path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0600);
	if (r->fd == -1) {
		r->err = errno;
		return -1;
	}
	if (fstat(r->fd, &st) == -1) {
		r->err = errno;
		close(r->fd);
		r->fd = -1;
		return -1;
	}
	/* what was checked may have been swapped since */
	if ((f = forbidden(r, &st, NULL)) != NULL) {
		if (asprintf(&r->msg, _("%s: is %s: no rejects written"),
		    r->path, f->what) == -1)
			r->msg = NULL;
		close(r->fd);
		r->fd = -1;
		r->err = EPERM;
		return -1;
	}
	if (S_ISREG(st.st_mode) && ftruncate(r->fd, 0) == -1) {
		r->err = errno;
		return -1;
	}
	return 0;
}

static ssize_t
rej_write(void *cookie, const char *buf, size_t n)
{
	struct rej *r = cookie;
	size_t done = 0;
	ssize_t k;

	if (r->err != 0)
		return 0;
	if (r->fd == -1 && rej_open_fd(r) == -1)
		return 0;
	r->wrote = 1;
	while (done < n) {
		if ((k = write(r->fd, buf + done, n - done)) == -1) {
			if (errno == EINTR)
				continue;
			r->err = errno;
			break;
		}
		done += k;
	}
	return done;
}

static int
rej_close(void *cookie)
{
	struct rej *r = cookie;
	struct stat st;
	int fd, rc = 0;

	/* no rejects: an earlier run's must not pass for this one's */
	if (r->fd == -1 && r->err == 0 && lstat(r->path, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size > 0 &&
	    forbidden(r, &st, NULL) == NULL) {
		if ((fd = open(r->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) ==
		    -1 || fstat(fd, &st) == -1 ||
		    forbidden(r, &st, NULL) != NULL ||
		    ftruncate(fd, 0) == -1)
			r->err = errno ? errno : EPERM;
		if (fd != -1)
			close(fd);
	}
	if (r->fd != -1 && close(r->fd) == -1 && r->err == 0)
		r->err = errno;
	if (r->msg != NULL)
		rc = jf_error(JF_ESOFTWARE, "%s", r->msg);
	else if (r->err != 0)
		rc = jf_error(JF_ESOFTWARE, _("%s: rejects not written: %s"),
		    r->path, strerror(r->err));
	rej_free(r);
	return rc ? -1 : 0;
}

int
jf_rejects_open(const char *path, const struct jf_who *w,
    const char *input, FILE **fp)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	static const cookie_io_functions_t io = { NULL, rej_write, NULL,
		rej_close };
	const struct forbid *f;
	struct rej *r;
	struct stat st;
	char *db, *name, *p;
	int lst, rc;

	*fp = NULL;
	if (path == NULL) {
		*fp = stderr;
		return 0;
	}
	if (*path == '\0')
		return jf_error(JF_EUSAGE, _("--rejects: an empty file name"));
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL ||
	    (db = jf_db_path(w)) == NULL) {
		if (r != NULL)
			rej_free(r);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	r->fd = -1;
	for (int i = 0; i < 4; i++) {
		if (asprintf(&p, "%s%s", db, ext[i]) == -1)
			continue;
		forbid_set(&r->f[i], p, i == 0 ? _("the book") :
		    _("a file of the book"));
		free(p);
	}
	free(db);
	if (input == NULL || strcmp(input, "-") == 0) {
		if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
			r->f[4].what = _("the input");
			r->f[4].exists = 1;
			r->f[4].dev = st.st_dev;
			r->f[4].ino = st.st_ino;
		}
	} else
		forbid_set(&r->f[4], input, _("the input"));

	lst = lstat(path, &st);
	if (lst == 0 && S_ISLNK(st.st_mode)) {
		rej_free(r);
		return jf_error(JF_EUSAGE, _("--rejects: %s: a symbolic link; "
		    "name the file itself"), path);
	}
	name = full_name(path);
	f = forbidden(r, lst == 0 ? &st : NULL, name);
	free(name);
	if (f != NULL) {
		rc = jf_error(JF_EUSAGE, _("--rejects: %s: is %s; name "
		    "another file"), path, f->what);
		rej_free(r);
		return rc;
	}
	/* said now, not after the import has run */
	if ((rc = cannot_write(path, lst == 0)) != 0) {
		rc = jf_error(JF_ECANTCREAT, "%s: %s", path, strerror(rc));
		rej_free(r);
		return rc;
	}
	if ((*fp = fopencookie(r, "w", io)) == NULL) {
		rej_free(r);
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	}
	return 0;
}

int
jf_rejects_close(FILE *fp)
{
	if (fp == NULL)
		return 0;
	if (fp == stderr) {
		if (fflush(stderr) == EOF || ferror(stderr))
			return jf_error(JF_ESOFTWARE, _("stderr: rejects not "
			    "written: %s"), strerror(errno));
		return 0;
	}
	/* rej_close sets the message */
	return fclose(fp) == 0 ? 0 : JF_ESOFTWARE;
}

const char *
jf_book_file(const char *path, const struct jf_who *w)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	struct rej r = { 0 };
	const struct forbid *f;
	const char *what = NULL;
	struct stat st;
	char *db, *p, *name;
	int lst;

	if ((db = jf_db_path(w)) == NULL)
		return NULL;
	for (int i = 0; i < 4; i++)
		if (asprintf(&p, "%s%s", db, ext[i]) != -1) {
			forbid_set(&r.f[i], p, i == 0 ? _("the book") :
			    _("a file of the book"));
			free(p);
		}
	free(db);
	lst = stat(path, &st);
	name = full_name(path);
	if ((f = forbidden(&r, lst == 0 ? &st : NULL, name)) != NULL)
		what = f->what;
	free(name);
	for (int i = 0; i < 4; i++)
		free(r.f[i].name);
	return what;
}
