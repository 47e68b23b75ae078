/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mem_probe.c: edgeplane-mem-probe, how many cycles a random read costs on
 * this machine as the data read grows: the size at which the cost jumps is
 * the last-level cache this process really gets. On a shared host that is
 * not what lscpu says: the host may partition its L3 between guests (here
 * 32 MiB shown, 4 MiB usable: docs/performance.md). A switch table read at
 * random (the FDB, the MAC-pair cache) costs cache hits while its lines fit
 * in that, and memory reads beyond. Not a test: it prints numbers.
 *
 *   edgeplane-mem-probe [--from-kib N] [--to-kib N] [--step-kib N]
 *                       [--reads N] [--huge] [--json]
 *
 * For each size from --from-kib to --to-kib (default 512 to 8192, in steps
 * of --step-kib, default 512): a buffer of that size whose 64-byte lines
 * form one random cycle, read by following the cycle (each read's address
 * comes from the one before, so reads do not overlap) --reads times
 * (default 2,000,000, after as many untimed); prints the TSC cycles a read.
 * --huge: the buffer on 2 MiB hugepages (MAP_HUGETLB; needs free ones),
 * which takes the TLB out of the figure; otherwise 4 KiB pages.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>

#include "perf_args.h"

#define LINE 64
#define MAX_KIB (1024u * 1024u)	/* 1 GiB */
#define MAX_READS 100000000u

struct opts {
	uint32_t from_kib, to_kib, step_kib, reads;
	bool huge, json;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: edgeplane-mem-probe [--from-kib N] [--to-kib N] [--step-kib N]\n"
		   "                           [--reads N] [--huge] [--json]\n");
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "from-kib", required_argument, NULL, 'f' },
		{ "to-kib", required_argument, NULL, 't' },
		{ "step-kib", required_argument, NULL, 's' },
		{ "reads", required_argument, NULL, 'r' },
		{ "huge", no_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx = 0;

	*o = (struct opts){ .from_kib = 512, .to_kib = 8192, .step_kib = 512, .reads = 2000000 };
	while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		switch (c) {
		case 'f':
			if (parse_u32(optarg, 4, MAX_KIB, &o->from_kib) != 0)
				goto bad;
			break;
		case 't':
			if (parse_u32(optarg, 4, MAX_KIB, &o->to_kib) != 0)
				goto bad;
			break;
		case 's':
			if (parse_u32(optarg, 4, MAX_KIB, &o->step_kib) != 0)
				goto bad;
			break;
		case 'r':
			if (parse_u32(optarg, 1000, MAX_READS, &o->reads) != 0)
				goto bad;
			break;
		case 'H':
			o->huge = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || o->from_kib > o->to_kib) {
		fprintf(stderr, "edgeplane-mem-probe: %s\n",
			optind != argc ? "unexpected argument" : "--from-kib is above --to-kib");
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "edgeplane-mem-probe: bad value for --%s: '%s' (sizes 4..%u KiB, "
			"reads 1000..%u)\n",
		longopts[idx].name, optarg, MAX_KIB,
		MAX_READS);
	return -1;
}

/* xorshift64: the cycle's order, the same on every run. */
static uint64_t
next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Cycles a read among the lines of @bytes bytes at @buf, linked into one
 * random cycle; -1 when the order cannot be allocated.
 */
static double
probe(char *buf, size_t bytes, uint32_t reads)
{
	size_t n = bytes / LINE, i;
	uint32_t *order = malloc(n * sizeof(*order));
	uint64_t x = 0x9e3779b97f4a7c15ull, t0, t1;
	void *p;

	if (order == NULL)
		return -1;
	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (i = n - 1; i > 0; i--) {	/* Fisher-Yates */
		size_t j = next_rand(&x) % (i + 1);
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		*(void **)(buf + (size_t)order[i] * LINE) = buf + (size_t)order[(i + 1) % n] * LINE;
	p = buf + (size_t)order[0] * LINE;
	free(order);
	for (i = 0; i < reads; i++)	/* untimed: the lines in, the TLB warm */
		p = *(void **)p;
	t0 = __rdtsc();
	for (i = 0; i < reads; i++)
		p = *(void **)p;
	t1 = __rdtsc();
	/* Keep the chain's end, so that the reads are not optimised out. */
	__asm__ volatile("" : : "r"(p));
	return (double)(t1 - t0) / reads;
}

int
main(int argc, char **argv)
{
	struct opts o;
	uint32_t kib;
	bool first = true;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	if (o.json)
		printf("{\"pages\": \"%s\", \"sizes\": [", o.huge ? "2M" : "4K");
	else
		printf("%10s %14s  (%s pages)\n", "KIB", "CYCLES/READ", o.huge ? "2 MiB" : "4 KiB");
	for (kib = o.from_kib; kib <= o.to_kib; kib += o.step_kib) {
		size_t bytes = (size_t)kib * 1024;
		size_t map = o.huge ? (bytes + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1) : bytes;
		char *buf = mmap(NULL, map, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | (o.huge ? MAP_HUGETLB : 0), -1, 0);
		double c;

		if (buf == MAP_FAILED) {
			fprintf(stderr, "edgeplane-mem-probe: %u KiB%s: %s\n", kib,
				o.huge ? " of hugepages" : "", strerror(errno));
			return 1;
		}
		if (!o.huge)
			madvise(buf, map, MADV_NOHUGEPAGE);
		c = probe(buf, bytes, o.reads);
		munmap(buf, map);
		if (c < 0) {
			fprintf(stderr, "edgeplane-mem-probe: out of memory\n");
			return 1;
		}
		if (o.json)
			printf("%s{\"kib\": %u, \"cycles\": %.1f}", first ? "" : ", ", kib, c);
		else
			printf("%10u %14.1f\n", kib, c);
		first = false;
		if (kib > UINT32_MAX - o.step_kib)
			break;
	}
	if (o.json)
		printf("]}\n");
	return 0;
}
