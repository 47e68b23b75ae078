/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_priv.h: helpers shared by the nfvi-agent sources and nothing else:
 * the log macro (syslog levels on stderr), error-message formatting and
 * small file helpers used to read sysfs.
 */
#ifndef NFVI_PRIV_H
#define NFVI_PRIV_H

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "nfvi.h"

/** Current log threshold (syslog level); messages above it are dropped. */
extern int nfvi_log_level;

void nfvi_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define NFVI_LOG(level, ...) \
	do { \
		if ((level) <= nfvi_log_level) \
			nfvi_log((level), __VA_ARGS__); \
	} while (0)

/** snprintf into err (when not NULL) and return @p ret, for `return seterr(...)`. */
int nfvi_seterr(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Read the small file "<dir>/<name>" into @p buf, without a trailing newline.
 * @return 0, -ENOSPC when it does not fit, or -errno of open()/read().
 */
int nfvi_read_str(const char *dir, const char *name, char *buf, size_t size);

/** Read a decimal integer file. @return 0, -EINVAL, or as nfvi_read_str(). */
int nfvi_read_long(const char *dir, const char *name, long *val);

/**
 * Write @p s to the existing file @p path (O_WRONLY|O_TRUNC, no O_CREAT: a
 * sysfs attribute). @return 0 or -errno.
 */
int nfvi_write_str(const char *path, const char *s);

/** "xx:xx:xx:xx:xx:xx" (any case) -> bytes. @return 0 or -EINVAL. */
int nfvi_mac_parse(const char *s, uint8_t mac[6]);

/** Bytes -> "xx:xx:xx:xx:xx:xx". */
void nfvi_mac_format(const uint8_t mac[6], char out[NFVI_MAC_SIZE]);

#endif /* NFVI_PRIV_H */
