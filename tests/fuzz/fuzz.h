/*
 * fuzz.h - what the libFuzzer harnesses share: the input as a file.
 *
 * The readers and the tools take a path, so each input is written to a
 * memfd and handed out as /proc/self/fd/N: no disk, and jf_in_open()
 * opens it as it opens a user's file.
 */
#ifndef JF_FUZZ_H
#define JF_FUZZ_H

#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *
fz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	size_t off = 0;
	ssize_t n;

	if (fd == -1) {
		if ((fd = memfd_create("jifen-fuzz", 0)) == -1) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1)
		abort();
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, off)) <= 0)
			abort();
		off += n;
	}
	return path;
}

/* A stack for abort() too: a failed property below is a crash. */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "handle_abort=1";
}

const char *
__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}

/*
 * A failed property: say which, through the sanitizer's report so it is
 * seen under -close_fd_mask=3, and crash so libFuzzer keeps the input.
 */
#define FZ_ASSERT(cond, ...) do { \
	if (!(cond)) { \
		char fz_m[1024]; \
		int fz_n = snprintf(fz_m, sizeof(fz_m), "fuzz: %s:%d: %s: ", \
		    __FILE__, __LINE__, #cond); \
		snprintf(fz_m + fz_n, sizeof(fz_m) - fz_n, __VA_ARGS__); \
		__sanitizer_report_error_summary(fz_m); \
		abort(); \
	} \
} while (0)

#endif
