/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * perf_args.h: the number arguments of the benchmarks in tests/perf.
 */
#ifndef PERF_ARGS_H
#define PERF_ARGS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* @s as a decimal in [@lo, @hi] into *@out: 0, or -1 (nothing written). */
static inline int
parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

#endif /* PERF_ARGS_H */
