/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pipe_bench.c: edgeplane-pipe-bench, the switch pipeline (vsw_input) alone,
 * with no ports, rings or guests: cycles per packet of the L2 path, of the
 * flow path with one NORMAL rule, and of the flow path with one rule per
 * flow, for a traffic mix of N flows. Not a test: it prints numbers
 * (docs/performance.md quotes it). Where the loopback benchmarks measure
 * the whole PMD through rte_vhost on a noisy host, this measures the
 * pipeline's own cost, and the minimum over repetitions is steady enough to
 * compare two builds.
 *
 * Traffic: flow k (0 <= k < N) is MAC A_k on port 1 talking to MAC B_k on
 * port 2, both learned beforehand. Bursts alternate between the ports and
 * take the next --burst values of k (mod N), one sequence for both, as the
 * ep-peer mixes of scripts/bench/scale send them: one from port 1 (A_k ->
 * B_k), then one from port 2 (B_k -> A_k for the values after those). So a
 * flow's two directions come about N frames apart, not in adjacent bursts
 * (for N well above 2 x --burst); when N is a multiple of 2 x --burst, every
 * flow comes from one port only (the bench says so). Before each burst its
 * frames' addresses are written (outside the timed region), so the frames
 * are in the cache as if a PMD had just received them; then vsw_input() is
 * timed with the TSC. Every frame must leave on the other port: anything
 * else (a flood, a drop) is reported and fails the run, so that a number
 * never comes from a pipeline that did something else.
 *
 *   edgeplane-pipe-bench [--path l2|normal|rules] [--flows N] [--bursts N]
 *                        [--reps K] [--emc-insert-inv-prob N] [--emc-min-subtables N]
 *                        [--masks M] [--no-pair-cache] [--huge] [--json]
 *
 * --path:  l2      no flow table (default)
 *          normal  one rule, priority=0,actions=normal
 *          rules   one rule per flow and direction (in_port, dl_src ->
 *                  output to the other port) and the NORMAL rule below them;
 *                  --masks M (1..16) spreads them over M masks (subtables)
 * --emc-insert-inv-prob, --emc-min-subtables: the PMD's exact-match cache
 * settings (vsw.h; defaults as in edgeplane-vswitchd). --no-pair-cache: the
 * L2 path without the PMD's MAC-pair cache (every frame looks its addresses
 * up in the FDB). --huge: memory from 2 MiB hugepages (--in-memory, no files
 * left), as edgeplane-vswitchd has it, instead of 4 KiB pages (--no-huge,
 * the default, which needs no set-up): tables of many flows then cost
 * TLB misses that the switch does not have.
 * --flows: 1..4000000 (default 1). --bursts: timed bursts per repetition
 * (default 20000). --burst: frames a burst, 1..32 (default 32; the loopback
 * benchmarks' switch polls bursts of a few frames, where the per-burst work
 * and the cache misses that prefetching cannot hide weigh more). --reps: repetitions (default 7); the first is a warm-up
 * and not reported. Prints the minimum and median cycles per packet.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "perf_args.h"
#include "vsw.h"

#define BR 0
#define PORT_A 1
#define PORT_B 2
#define FRAME_SIZE 60
#define MAX_FLOWS 4000000u
#define MAX_REPS 50

enum path { PATH_L2, PATH_NORMAL, PATH_RULES };

struct opts {
	enum path path;
	uint32_t flows;
	uint32_t bursts;
	uint32_t burst;		/* frames a burst */
	uint32_t reps;
	uint32_t inv_prob;
	uint32_t masks;
	uint32_t min_subtables;
	bool json;
	bool no_pair_cache;
	bool huge;
};

static struct vsw_snapshot snap;
static struct vsw_pmd pmd;

static void
usage(FILE *f)
{
	fprintf(f, "usage: edgeplane-pipe-bench [--path l2|normal|rules] [--flows N] [--bursts N]\n"
		   "                            [--burst B] [--reps K] [--emc-insert-inv-prob N] [--emc-min-subtables N]\n"
		   "                            [--masks M] [--no-pair-cache] [--huge] [--json]\n");
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "path", required_argument, NULL, 'p' },
		{ "flows", required_argument, NULL, 'f' },
		{ "bursts", required_argument, NULL, 'b' },
		{ "burst", required_argument, NULL, 'B' },
		{ "reps", required_argument, NULL, 'r' },
		{ "emc-insert-inv-prob", required_argument, NULL, 'e' },
		{ "masks", required_argument, NULL, 'm' },
		{ "emc-min-subtables", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-pair-cache", no_argument, NULL, 'n' },
		{ "huge", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .path = PATH_L2, .flows = 1, .bursts = 20000, .burst = VSW_BURST,
			    .reps = 7,
			    .inv_prob = VSW_EMC_INSERT_INV_PROB_DEFAULT, .masks = 1,
			    .min_subtables = VSW_EMC_MIN_SUBTABLES };
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (strcmp(optarg, "l2") == 0)
				o->path = PATH_L2;
			else if (strcmp(optarg, "normal") == 0)
				o->path = PATH_NORMAL;
			else if (strcmp(optarg, "rules") == 0)
				o->path = PATH_RULES;
			else
				goto bad;
			break;
		case 'f':
			if (parse_u32(optarg, 1, MAX_FLOWS, &o->flows) != 0)
				goto bad;
			break;
		case 'b':
			if (parse_u32(optarg, 1, 10000000, &o->bursts) != 0)
				goto bad;
			break;
		case 'B':
			if (parse_u32(optarg, 1, VSW_BURST, &o->burst) != 0)
				goto bad;
			break;
		case 'r':
			if (parse_u32(optarg, 2, MAX_REPS, &o->reps) != 0)
				goto bad;
			break;
		case 'e':
			if (parse_u32(optarg, 0, UINT32_MAX, &o->inv_prob) != 0)
				goto bad;
			break;
		case 'm':
			if (parse_u32(optarg, 1, 16, &o->masks) != 0)
				goto bad;
			break;
		case 's':
			if (parse_u32(optarg, 0, 1000, &o->min_subtables) != 0)
				goto bad;
			break;
		case 'j':
			o->json = true;
			break;
		case 'n':
			o->no_pair_cache = true;
			break;
		case 'H':
			o->huge = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	if (o->path == PATH_RULES && 2 * o->flows + 1 > VSW_FLOW_MAX_RULES) {
		fprintf(stderr, "edgeplane-pipe-bench: --path rules takes at most %u flows\n",
			(VSW_FLOW_MAX_RULES - 1) / 2);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "edgeplane-pipe-bench: bad option or value%s%s\n",
		optind <= argc && optind > 0 ? " near " : "",
		optind <= argc && optind > 0 ? argv[optind - 1] : "");
	usage(stderr);
	return -1;
}

/* A_k (side 0) or B_k (side 1): locally administered, unicast. */
static struct rte_ether_addr
flow_mac(uint32_t k, int side)
{
	struct rte_ether_addr a = { .addr_bytes = { 0x02, side ? 0xbb : 0xaa, (uint8_t)(k >> 24),
						    (uint8_t)(k >> 16), (uint8_t)(k >> 8),
						    (uint8_t)k } };
	return a;
}

static void
add_port(uint16_t id)
{
	struct vsw_port_info *pi = &snap.ports[id];

	pi->in_use = true;
	pi->bridge = BR;
	vsw_vlan_cfg_init(&pi->vlan);
	snap.bridges[BR].ports[snap.bridges[BR].n_ports++] = id;
}

/* Teach @fdb every flow's two addresses, through the learn ring as traffic would. */
static int
learn_all(struct vsw_fdb *fdb, uint32_t flows)
{
	struct rte_ether_addr a, b;
	struct vsw_fdb_stats st;
	uint32_t k;

	for (k = 0; k < flows; k++) {
		a = flow_mac(k, 0);
		b = flow_mac(k, 1);
		vsw_fdb_learn(fdb, &a, 0, PORT_A, 1);
		vsw_fdb_learn(fdb, &b, 0, PORT_B, 1);
		if (k % 1024 == 1023)
			vsw_fdb_run(fdb, 1, 0);
	}
	vsw_fdb_run(fdb, 1, 0);
	vsw_fdb_get_stats(fdb, &st);
	if (st.n_entries != 2 * (uint64_t)flows) {
		fprintf(stderr, "edgeplane-pipe-bench: the FDB learned %" PRIu64 " of %u addresses\n",
			(uint64_t)st.n_entries, 2 * flows);
		return -1;
	}
	return 0;
}

static struct vsw_flow_rule
normal_rule(uint32_t id, uint16_t priority)
{
	struct vsw_flow_rule r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.priority = priority;
	r.n_actions = 1;
	r.actions[0].type = VSW_ACT_NORMAL;
	return r;
}

/*
 * Variant @j (0..15) of a rule's mask: besides in_port and dl_src, the
 * fields of bit 0 (dl_type), 1 (dl_dst), 2 (nw_dst) and 3 (nw_proto), each
 * matched exactly with the value of the bench's frames (IPv4, zero
 * addresses and protocol). Rules of different variants sit in different
 * subtables of the classifier.
 */
static void
add_mask(struct vsw_flow_rule *r, uint32_t j, const struct rte_ether_addr *dst)
{
	if (j & 1) {
		r->match.key.dl_type = 0x0800;
		r->match.mask.dl_type = 0xffff;
	}
	if (j & 2) {
		r->match.key.dl_dst = *dst;
		memset(&r->match.mask.dl_dst, 0xff, sizeof(r->match.mask.dl_dst));
	}
	if (j & 4)
		r->match.mask.nw_dst = UINT32_MAX;
	if (j & 8)
		r->match.mask.nw_proto = UINT8_MAX;
}

static struct vsw_flow_table *
build_table(const struct opts *o)
{
	uint32_t n = o->path == PATH_RULES ? 2 * o->flows + 1 : 1, k, i = 0;
	struct vsw_flow_rule *rules = calloc(n, sizeof(*rules));
	struct vsw_flow_table *t;
	struct rte_ether_addr dst;
	int side;

	if (rules == NULL)
		return NULL;
	rules[i++] = normal_rule(0, 0);
	for (k = 0; o->path == PATH_RULES && k < o->flows; k++) {
		for (side = 0; side < 2; side++) {
			struct vsw_flow_rule *r = &rules[i];

			*r = normal_rule(i, 100);
			i++;
			r->match.key.in_port = side ? PORT_B : PORT_A;
			r->match.mask.in_port = 0xffff;
			r->match.key.dl_src = flow_mac(k, side);
			memset(&r->match.mask.dl_src, 0xff, sizeof(r->match.mask.dl_src));
			r->actions[0].type = VSW_ACT_OUTPUT;
			r->actions[0].port = side ? PORT_A : PORT_B;
			dst = flow_mac(k, !side);
			add_mask(r, k % o->masks, &dst);
		}
	}
	t = vsw_flow_table_build(rules, n, SOCKET_ID_ANY);
	if (t == NULL)
		fprintf(stderr, "edgeplane-pipe-bench: flow table: %s\n", strerror(errno));
	free(rules);
	return t;
}

/* Write the @n frames k0.. of side @side into @pkts (one reference each). */
static void
fill(struct rte_mbuf **pkts, uint32_t n, uint32_t k0, uint32_t flows, int side)
{
	struct rte_ether_addr dst, src;
	uint8_t *p;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t k = (k0 + i) % flows;

		dst = flow_mac(k, !side);
		src = flow_mac(k, side);
		p = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		memcpy(p, &dst, 6);
		memcpy(p + 6, &src, 6);
		rte_mbuf_refcnt_set(pkts[i], 1);
	}
}

/* Count what the pipeline queued, and forget it (the mbufs are ours). */
static uint64_t
take_tx(uint16_t want_port, uint64_t *wrong)
{
	uint64_t ok = 0;
	uint16_t i, p;

	for (i = 0; i < pmd.n_dirty; i++) {
		p = pmd.dirty[i];
		if (p == want_port)
			ok += pmd.tx[p].n;
		else
			*wrong += pmd.tx[p].n;
		pmd.tx[p].n = 0;
	}
	pmd.n_dirty = 0;
	return ok;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const char *const path_name[] = { "l2", "normal", "rules" };
	char prefix[64];
	char *eal_argv[] = {
		"edgeplane-pipe-bench", "--no-pci", "-m", "1024", "--no-telemetry",
		"--log-level=*:warning", "-l", "0", prefix, "--no-huge", "--no-shconf",
	};
	int eal_argc = (int)RTE_DIM(eal_argv);
	struct rte_mbuf *frames[2][VSW_BURST] = { { NULL } }, *burst[VSW_BURST];
	struct vsw_flow_table *table = NULL;
	double cpp[MAX_REPS], med;
	struct rte_mempool *pool;
	uint64_t wrong = 0, sent = 0, ok = 0, t0, t1, cycles, overhead = 0;
	struct vsw_fdb *fdb;
	struct opts o;
	uint32_t r, b, k = 0, fdb_size;
	int side, i, ret = 1;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	snprintf(prefix, sizeof(prefix), "--file-prefix=pipebench%d", (int)getpid());
	if (o.huge) {
		eal_argv[eal_argc - 2] = "--in-memory";
		eal_argc--;
	}
	if (o.flows > 1 && o.flows % (2 * o.burst) == 0)
		fprintf(stderr, "edgeplane-pipe-bench: %u flows in bursts of %u: each flow comes "
				"from one port only\n",
			o.flows, o.burst);
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "edgeplane-pipe-bench: EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("pipebench", 1024, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	fdb_size = 2 * o.flows + 1024;
	fdb = vsw_fdb_create("pipebench", fdb_size, SOCKET_ID_ANY);
	if (pool == NULL || fdb == NULL || vsw_pmd_init(&pmd, pool) != 0) {
		fprintf(stderr, "edgeplane-pipe-bench: out of memory\n");
		goto out;
	}
	vsw_pmd_set_emc_insert_inv_prob(&pmd, o.inv_prob);
	pmd.emc_min_subtables = o.min_subtables;
	if (o.no_pair_cache)
		vsw_pmd_set_pair_cache(&pmd, false);
	snap.generation = 1;
	snap.bridges[BR].in_use = true;
	snap.bridges[BR].fdb = fdb;
	add_port(PORT_A);
	add_port(PORT_B);
	if (learn_all(fdb, o.flows) != 0)
		goto out;
	if (o.path != PATH_L2) {
		table = build_table(&o);
		if (table == NULL)
			goto out;
		snap.bridges[BR].flows = table;
	}
	for (side = 0; side < 2; side++) {
		for (i = 0; i < VSW_BURST; i++) {
			frames[side][i] = rte_pktmbuf_alloc(pool);
			if (frames[side][i] == NULL ||
			    rte_pktmbuf_append(frames[side][i], FRAME_SIZE) == NULL)
				goto out;
			memset(rte_pktmbuf_mtod(frames[side][i], void *), 0, FRAME_SIZE);
			/* EtherType 0x0800 and an IPv4 header's first byte. */
			rte_pktmbuf_mtod(frames[side][i], uint8_t *)[12] = 0x08;
			rte_pktmbuf_mtod(frames[side][i], uint8_t *)[14] = 0x45;
		}
	}

	/* What timing an empty region costs (its fences and TSC reads), the
	 * least of many tries: taken off every burst's time. */
	for (b = 0; b < 10000; b++) {
		t0 = rte_rdtsc_precise();
		t1 = rte_rdtsc_precise() - t0;
		if (b == 0 || t1 < overhead)
			overhead = t1;
	}
	for (r = 0; r < o.reps; r++) {
		cycles = 0;
		for (b = 0; b < o.bursts; b++) {
			side = b & 1;
			fill(frames[side], o.burst, k, o.flows, side);
			memcpy(burst, frames[side], sizeof(burst));
			pmd.now = 1;
			t0 = rte_rdtsc_precise();
			vsw_input(&pmd, &snap, side ? PORT_B : PORT_A, burst, (uint16_t)o.burst);
			t1 = rte_rdtsc_precise() - t0;
			cycles += t1 > overhead ? t1 - overhead : 0;
			sent += o.burst;
			ok += take_tx(side ? PORT_A : PORT_B, &wrong);
			k = (k + o.burst) % o.flows;
		}
		cpp[r] = (double)cycles / ((double)o.bursts * o.burst);
		/* Whatever learning the bursts asked for (nothing, normally). */
		vsw_fdb_run(fdb, 1, 0);
	}
	if (ok != sent || wrong != 0) {
		fprintf(stderr,
			"edgeplane-pipe-bench: %" PRIu64 " of %" PRIu64 " frames went to the "
			"other port, %" PRIu64 " elsewhere: the pipeline did not forward them\n",
			ok, sent, wrong);
		goto out;
	}
	/* The first repetition warms the caches: not reported. */
	qsort(cpp + 1, o.reps - 1, sizeof(cpp[0]), cmp_double);
	med = cpp[1 + (o.reps - 1) / 2];
	if (o.json)
		printf("{\"path\": \"%s\", \"flows\": %u, \"burst\": %u, \"masks\": %u, "
		       "\"emc_insert_inv_prob\": %u, \"emc_min_subtables\": %u, "
		       "\"packets\": %" PRIu64 ", \"min_cycles\": %.1f, \"median_cycles\": %.1f, "
		       "\"emc_hits\": %" PRIu64 ", \"emc_misses\": %" PRIu64 ", "
		       "\"pair_cache\": %s, \"pair_hits\": %" PRIu64 ", \"pair_misses\": %" PRIu64
		       "}\n",
		       path_name[o.path], o.flows, o.burst, o.masks, o.inv_prob, o.min_subtables, sent,
		       cpp[1], med, pmd.pmd.emc_hits, pmd.pmd.emc_misses,
		       pmd.pair != NULL ? "true" : "false", pmd.pmd.pair_hits, pmd.pmd.pair_misses);
	else
		printf("path=%s flows=%u burst=%u masks=%u emc_insert_inv_prob=%u emc_min_subtables=%u: "
		       "%.1f cycles/packet min, %.1f median of %u (emc hits %" PRIu64
		       ", misses %" PRIu64 "; pair cache %s, hits %" PRIu64 ", misses %" PRIu64 ")\n",
		       path_name[o.path], o.flows, o.burst, o.masks, o.inv_prob, o.min_subtables, cpp[1],
		       med, o.reps - 1, pmd.pmd.emc_hits, pmd.pmd.emc_misses,
		       pmd.pair != NULL ? "on" : "off", pmd.pmd.pair_hits, pmd.pmd.pair_misses);
	ret = 0;
out:
	for (side = 0; side < 2; side++)
		for (i = 0; i < VSW_BURST; i++)
			if (frames[side][i] != NULL) {
				rte_mbuf_refcnt_set(frames[side][i], 1);
				rte_pktmbuf_free(frames[side][i]);
			}
	vsw_flow_table_free(table);
	vsw_pmd_free(&pmd);
	vsw_fdb_free(fdb);
	rte_eal_cleanup();
	return ret;
}
