/*
 * pin.c - signing in: PINs read, hashed and checked, the lockout and
 * the refusal rows (pin.h).
 *
 * jf_open() calls jf_prove() once the book is migrated: it looks each
 * name that is not the login name up in the operator table, reads its
 * PIN (from --pin-fd, a line at a time so that what follows on that fd
 * stays unread, or from /dev/tty with echo off), checks it against the
 * stored yescrypt hash, and on a refusal writes the audit row and the
 * failure count in a transaction of their own, committed before the
 * command's work is refused.  A name proven once stays proven for the
 * rest of the process, so a tool that opens the book twice asks once.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "pin.h"

static char proven[2][128];	/* names this process has proven */

int
jf_pin_hash(const char *pin, char *hash)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *d;
	int rc = 0;

	/* "$y$": yescrypt at libxcrypt's default cost, salt from the OS */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return jf_error(JF_ESOFTWARE, _("cannot make a salt: %s"),
		    strerror(errno));
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return jf_error(JF_ESOFTWARE, _("out of memory"));
	if (crypt_rn(pin, salt, d, sizeof(*d)) == NULL || d->output[0] == '*' ||
	    strlen(d->output) >= JF_PIN_HASH_MAX)
		rc = jf_error(JF_ESOFTWARE, _("cannot hash the PIN: %s"),
		    strerror(errno));
	else
		memcpy(hash, d->output, strlen(d->output) + 1);
	explicit_bzero(d, sizeof(*d));
	free(d);
	return rc;
}

int
jf_pin_verify(const char *pin, const char *hash)
{
	struct crypt_data *d;
	size_t n = strlen(hash);
	unsigned char diff = 0;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return 0;
	if (crypt_rn(pin, hash, d, sizeof(*d)) == NULL ||
	    strlen(d->output) != n) {
		free(d);
		return 0;
	}
	/* every byte compared, whatever the first that differs */
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(d->output[i] ^ hash[i]);
	explicit_bzero(d, sizeof(*d));
	free(d);
	return diff == 0;
}

/* One line from fd, a byte at a time: 0, or -1 at EOF before a byte. */
static int
fd_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char ch;

	while ((r = read(fd, &ch, 1)) == 1 || (r == -1 && errno == EINTR)) {
		if (r != 1)
			continue;
		if (ch == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = ch;
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return r == 0 && n == 0 ? -1 : 0;
}

static volatile sig_atomic_t caught;

static void
catch(int sig)
{
	caught = sig;
}

/*
 * One line from the terminal with echo off, after the prompt: 0, or -1
 * when there is no terminal or the read was interrupted (the signal is
 * raised again once the terminal is as it was).  The library prints
 * nothing on its own but this prompt, which goes to /dev/tty, never to
 * stdout or stderr, as readpassphrase(3)'s does.
 */
static int
tty_line(const char *prompt, char *buf, size_t size)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGQUIT, SIGTSTP,
		SIGHUP };
	struct sigaction sa = { .sa_handler = catch }, old[5];
	struct termios t, quiet;
	int fd, rc, echo;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	caught = 0;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, &old[i]);	/* no SA_RESTART */
	echo = tcgetattr(fd, &t) == 0;
	if (echo) {
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		caught = caught ? caught : -1;
	rc = caught ? -1 : 0;
	if (rc == 0) {
		size_t n = 0;
		ssize_t r = 0;
		char ch;

		while (!caught && (r = read(fd, &ch, 1)) == 1 && ch != '\n')
			if (n + 1 < size)
				buf[n++] = ch;
		buf[n] = '\0';
		rc = caught || r != 1 ? -1 : 0;
	}
	if (echo) {
		tcsetattr(fd, TCSAFLUSH, &t);
		if (write(fd, "\n", 1) < 0)
			rc = -1;
	}
	close(fd);
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (caught > 0)
		raise(caught);
	return rc;
}

/* A PIN from --pin-fd or the terminal: 0, or -1 when none came. */
static int
read_pin(struct jf_ctx *c, const char *prompt, char *buf, size_t size)
{
	if (c->pin_fd >= 0)
		return fd_line(c->pin_fd, buf, size);
	return tty_line(prompt, buf, size);
}

/* A second, and more for a second in a row, against guessing. */
static void
delay(void)
{
	struct timespec ts = { 1, 0 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Records the refusal: its audit row and, for a wrong PIN, the count
 * (locking at JF_PIN_TRIES), committed now, whatever the command would
 * have done.  A book that cannot be written keeps no record: whoever
 * holds only a read-only book holds nothing the PIN protects.  Returns
 * JF_ENOPERM with the message msg.
 */
static int
refuse(struct jf_ctx *c, const char *name, const char *why, int wrong,
    const char *msg)
{
	static const char count[] = "UPDATE operator SET pin_failures = "
	    "pin_failures + 1 WHERE name = ?";
	static const char lock[] = "UPDATE operator SET pin_failures = 0, "
	    "locked_until = ? WHERE name = ? AND pin_failures >= ?";
	char *m = strdup(msg);
	int rc;

	if (wrong || strcmp(why, "locked") == 0)
		delay();
	if ((rc = jf_tx_begin(c)) == 0) {
		if (wrong && (rc = jf_q_exec(c, count, "t", name)) == 0)
			rc = jf_q_exec(c, lock, "iti",
			    (int64_t)time(NULL) + JF_PIN_LOCK_SECS, name,
			    (int64_t)JF_PIN_TRIES);
		if (rc == 0)
			rc = jf_audit_refused(c, why);
		if (rc == 0)
			jf_tx_commit(c);
		else
			jf_rollback(c);
	}
	rc = jf_error(JF_ENOPERM, "%s", m ? m : why);
	free(m);
	return rc;
}

/*
 * Proves one name (who: "operator" or "approver") by its PIN: 0, or
 * the refusal recorded.
 */
static int
prove_one(struct jf_ctx *c, const char *name, const char *who)
{
	static const char sql[] = "SELECT pin, pin_failures, "
	    "coalesce(locked_until, 0) FROM operator WHERE name = ?";
	char pin[JF_PIN_MAX * 2 + 2], hash[JF_PIN_HASH_MAX], why[64],
	    prompt[192], msg[256];
	int64_t failures = 0, locked = 0, now = (int64_t)time(NULL);
	struct jf_rows r;
	int found = 0, ok, rc;

	*hash = '\0';
	jf_q_open(c, &r, sql, "t", name);
	if (jf_q_next(&r)) {
		found = 1;
		snprintf(hash, sizeof(hash), "%s", jf_r_text(&r, 0));
		failures = jf_r_int(&r, 1);
		locked = jf_r_int(&r, 2);
	}
	if ((rc = jf_q_close(&r)) != 0)
		return rc;
	if (!found) {
		snprintf(why, sizeof(why), "%s not registered", who);
		snprintf(msg, sizeof(msg), _("%s \"%s\" is not registered "
		    "(see member operator)"), _(who), name);
		return refuse(c, name, why, 0, msg);
	}
	if (locked > now) {
		snprintf(why, sizeof(why), "%s locked", who);
		snprintf(msg, sizeof(msg), _("%s \"%s\" is locked after %d "
		    "wrong PINs; try again in %lld s"), _(who), name, JF_PIN_TRIES,
		    (long long)(locked - now));
		return refuse(c, name, why, 0, msg);
	}
	if (*hash == '\0') {
		snprintf(why, sizeof(why), "%s has no PIN", who);
		snprintf(msg, sizeof(msg), _("%s \"%s\" has no PIN: only the "
		    "login %s acts as %s (see member operator pin)"), _(who), name,
		    name, name);
		return refuse(c, name, why, 0, msg);
	}
	snprintf(prompt, sizeof(prompt), _("PIN for %s: "), name);
	if (read_pin(c, prompt, pin, sizeof(pin)) == -1) {
		snprintf(why, sizeof(why), "no PIN for %s", who);
		snprintf(msg, sizeof(msg), _("%s \"%s\" is not the login "
		    "name: its PIN is needed, on the terminal or by --pin-fd"),
		    _(who), name);
		return refuse(c, name, why, 0, msg);
	}
	ok = jf_pin_verify(pin, hash);
	explicit_bzero(pin, sizeof(pin));
	if (!ok) {
		snprintf(why, sizeof(why), "wrong PIN for %s", who);
		snprintf(msg, sizeof(msg), _("wrong PIN for %s \"%s\"%s"), _(who),
		    name, failures + 1 >= JF_PIN_TRIES ? _(": locked") : "");
		return refuse(c, name, why, 1, msg);
	}
	if (failures > 0 && (rc = jf_tx_begin(c)) == 0) {
		if ((rc = jf_q_exec(c, "UPDATE operator SET pin_failures = 0 "
		    "WHERE name = ?", "t", name)) == 0)
			rc = jf_tx_commit(c);
		else
			jf_rollback(c);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Whether name needs proving: neither the login name nor proven yet. */
static int
needs_pin(const struct jf_ctx *c, const char *name)
{
	if (*name == '\0' || strcmp(name, c->login) == 0)
		return 0;
	for (int i = 0; i < 2; i++)
		if (strcmp(proven[i], name) == 0)
			return 0;
	return 1;
}

static void
remember(const char *name)
{
	for (int i = 0; i < 2; i++)
		if (*proven[i] == '\0') {
			snprintf(proven[i], sizeof(proven[i]), "%s", name);
			return;
		}
}

int
jf_prove(struct jf_ctx *c)
{
	int rc;

	if ((rc = jf_check_staff(c)) != 0 && rc != JF_ENOPERM)
		return rc;
	if (c->nops == 0)
		return 0;
	/* the operator first, then the approver: their PINs in that order */
	if (needs_pin(c, c->operator)) {
		if ((rc = prove_one(c, c->operator, N_("operator"))) != 0)
			return rc;
		remember(c->operator);
	}
	if (needs_pin(c, c->approver) &&
	    strcmp(c->approver, c->operator) != 0) {
		if ((rc = prove_one(c, c->approver, N_("approver"))) != 0)
			return rc;
		remember(c->approver);
	}
	/* the login name itself, unregistered, is refused here */
	if ((rc = jf_check_staff(c)) == JF_ENOPERM)
		return refuse(c, c->operator, c->role == JF_ROLE_NONE ?
		    "operator not registered" : "approver not registered", 0,
		    jf_errmsg());
	return rc;
}

/* Whether a PIN is one a person can type: length, no control bytes. */
static int
pin_ok(const char *pin)
{
	size_t n = strlen(pin);

	if (n < JF_PIN_MIN || n > JF_PIN_MAX)
		return jf_error(JF_EUSAGE, _("a PIN has %d to %d "
		    "characters"), JF_PIN_MIN, JF_PIN_MAX);
	for (const unsigned char *p = (const unsigned char *)pin; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return jf_error(JF_EUSAGE, _("a PIN has no control "
			    "characters"));
	return 0;
}

int
jf_pin_new(struct jf_ctx *c, const char *name, char *hash)
{
	char pin[JF_PIN_MAX * 2 + 2], again[sizeof(pin)], prompt[192];
	int rc;

	snprintf(prompt, sizeof(prompt), _("New PIN for %s: "), name);
	if (read_pin(c, prompt, pin, sizeof(pin)) == -1)
		return jf_error(JF_EUSAGE, _("a new PIN for %s is needed, on "
		    "the terminal or by --pin-fd"), name);
	if ((rc = pin_ok(pin)) == 0 && c->pin_fd < 0) {
		snprintf(prompt, sizeof(prompt), _("Again: "));
		if (tty_line(prompt, again, sizeof(again)) == -1 ||
		    strcmp(pin, again) != 0)
			rc = jf_error(JF_EUSAGE, _("the PINs differ"));
		explicit_bzero(again, sizeof(again));
	}
	if (rc == 0)
		rc = jf_pin_hash(pin, hash);
	explicit_bzero(pin, sizeof(pin));
	return rc;
}
