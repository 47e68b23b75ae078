/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_util.c: CPU sets and cpulists, the log function, error formatting,
 * and the small-file helpers used to read and write sysfs attributes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfvi_priv.h"

int nfvi_log_level = LOG_INFO;

void
nfvi_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
	};
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "edgeplane-agent: %s: %s\n", names[level & 7], msg);
}

int
nfvi_seterr(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

void
nfvi_cpuset_zero(struct nfvi_cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void
nfvi_cpuset_set(struct nfvi_cpuset *s, unsigned int cpu)
{
	if (cpu < NFVI_MAX_CPUS)
		s->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool
nfvi_cpuset_isset(const struct nfvi_cpuset *s, unsigned int cpu)
{
	return cpu < NFVI_MAX_CPUS && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned int
nfvi_cpuset_count(const struct nfvi_cpuset *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < NFVI_MAX_CPUS / 64; i++)
		n += (unsigned int)__builtin_popcountll(s->bits[i]);
	return n;
}

void
nfvi_cpuset_or(struct nfvi_cpuset *a, const struct nfvi_cpuset *b)
{
	unsigned int i;

	for (i = 0; i < NFVI_MAX_CPUS / 64; i++)
		a->bits[i] |= b->bits[i];
}

void
nfvi_cpuset_and(struct nfvi_cpuset *a, const struct nfvi_cpuset *b)
{
	unsigned int i;

	for (i = 0; i < NFVI_MAX_CPUS / 64; i++)
		a->bits[i] &= b->bits[i];
}

void
nfvi_cpuset_andnot(struct nfvi_cpuset *a, const struct nfvi_cpuset *b)
{
	unsigned int i;

	for (i = 0; i < NFVI_MAX_CPUS / 64; i++)
		a->bits[i] &= ~b->bits[i];
}

bool
nfvi_cpuset_intersects(const struct nfvi_cpuset *a, const struct nfvi_cpuset *b)
{
	unsigned int i;

	for (i = 0; i < NFVI_MAX_CPUS / 64; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

static int
parse_cpu(const char **p, unsigned int *cpu)
{
	unsigned long v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= NFVI_MAX_CPUS)
			return -EINVAL;
		s++;
	}
	*cpu = (unsigned int)v;
	*p = s;
	return 0;
}

int
nfvi_cpuset_parse(const char *list, struct nfvi_cpuset *s)
{
	const char *p = list;
	unsigned int a, b, c;

	nfvi_cpuset_zero(s);
	if (list == NULL)
		return -EINVAL;
	if (*p == '\0' || strcmp(p, "\n") == 0)
		return 0;
	for (;;) {
		if (parse_cpu(&p, &a) < 0)
			return -EINVAL;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_cpu(&p, &b) < 0 || b < a)
				return -EINVAL;
		}
		for (c = a; c <= b; c++)
			nfvi_cpuset_set(s, c);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0' || (*p == '\n' && p[1] == '\0'))
			return 0;
		return -EINVAL;
	}
}

int
nfvi_cpuset_format(const struct nfvi_cpuset *s, char *buf, size_t size)
{
	unsigned int c = 0, end;
	size_t used = 0;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	while (c < NFVI_MAX_CPUS) {
		if (!nfvi_cpuset_isset(s, c)) {
			c++;
			continue;
		}
		end = c;
		while (end + 1 < NFVI_MAX_CPUS && nfvi_cpuset_isset(s, end + 1))
			end++;
		if (end == c)
			n = snprintf(buf + used, size - used, "%s%u", used ? "," : "", c);
		else
			n = snprintf(buf + used, size - used, "%s%u-%u", used ? "," : "", c, end);
		if (n < 0 || (size_t)n >= size - used)
			return -ENOSPC;
		used += (size_t)n;
		c = end + 1;
	}
	return 0;
}

int
nfvi_read_str(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, ret;

	ret = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ret < 0 || (size_t)ret >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret < 0)
		return ret;
	if ((size_t)n >= size)
		return -ENOSPC;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int
nfvi_read_long(const char *dir, const char *name, long *val)
{
	char buf[64], *end;
	int ret;

	ret = nfvi_read_str(dir, name, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0')
		return -EINVAL;
	return 0;
}

int
nfvi_write_str(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

int
nfvi_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int i;

	if (s == NULL || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		const char *h = s + i * 3;

		if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1]))
			return -EINVAL;
		if (i < 5 && h[2] != ':')
			return -EINVAL;
		mac[i] = (uint8_t)strtoul((char[3]){h[0], h[1], '\0'}, NULL, 16);
	}
	return 0;
}

void
nfvi_mac_format(const uint8_t mac[6], char out[NFVI_MAC_SIZE])
{
	snprintf(out, NFVI_MAC_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}
