/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnf_fwd.h: the packet logic of ep-vnf-fwd, edgeplane's sample VNF: its
 * configuration (parsed and validated from JSON), the stateless IPv4
 * firewall, the static route table and the burst-processing fast path.
 * ep-vnf-fwd's main() (vnf_main.c) owns the ports and the loop; everything
 * here is callable from tests on hand-built mbufs.
 *
 * Thread-safety: none needed and none provided. ep-vnf-fwd is one lcore
 * running to completion: the same thread processes bursts, transmits and
 * prints the counters, so struct vnf_fwd and its counters are plain fields.
 *
 * Errors: int functions return 0 or -errno; constructors return NULL with
 * rte_errno/errno set. The config parser also writes a one-line reason
 * ("firewall.rules[2].dst: bad prefix '10.0.0.0/33'") into the caller's buffer.
 */
#ifndef VNF_FWD_H
#define VNF_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define VNF_MAX_PORTS 8		/**< ethdev ports 0..VNF_MAX_PORTS-1 */
#define VNF_MAX_ROUTES 1024	/**< static routes (l3) */
#define VNF_MAX_RULES 256	/**< firewall rules */
#define VNF_RULE_NAME_SIZE 32	/**< bytes, NUL included */
#define VNF_BURST 32		/**< rx/tx burst size */

enum vnf_mode {
	VNF_MODE_L2,	/**< port 0 <-> port 1 cross-connect */
	VNF_MODE_L3,	/**< IPv4 router with static routes */
};

enum vnf_action {
	VNF_ALLOW,
	VNF_DENY,
};

/*
 * Drop reasons, one per-port counter each. A drop is counted on the port the
 * frame came in on, except tx_full, counted on the port it could not leave by.
 *   fw_deny      a firewall rule (or the default action) denied it
 *   no_route     l3: no route covers the destination
 *   ttl          l3: TTL <= 1 (no ICMP time-exceeded is sent)
 *   tx_full      the output queue did not take it
 *   malformed    truncated, bad IPv4 version/IHL/length/header checksum,
 *                headers not in the first segment
 *   unsupported  l3: neither IPv4 nor an ARP request for the port's address,
 *                or IPv4 addressed to the VNF itself (it has no stack)
 *   not_local_mac l3: unicast frame for another MAC address
 */
#define VNF_DROP_REASONS(_) \
	_(FW_DENY, fw_deny) \
	_(NO_ROUTE, no_route) \
	_(TTL, ttl) \
	_(TX_FULL, tx_full) \
	_(MALFORMED, malformed) \
	_(UNSUPPORTED, unsupported) \
	_(NOT_LOCAL_MAC, not_local_mac)

enum vnf_drop {
#define VNF_DROP_ENUM(e, n) VNF_DROP_##e,
	VNF_DROP_REASONS(VNF_DROP_ENUM)
#undef VNF_DROP_ENUM
	VNF_DROP_MAX
};

/** Counter names ("fw_deny", ...) indexed by enum vnf_drop. */
extern const char *const vnf_drop_names[VNF_DROP_MAX];

/** Per-port counters; rx/tx count frames handed over by/to the ethdev. */
struct vnf_port_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t arp_replies;		/**< l3: ARP replies sent (also in tx) */
	uint64_t drops[VNF_DROP_MAX];
};

/* ------------------------------------------------------------------ config */

/** An IPv4 prefix; addresses are host byte order. */
struct vnf_prefix {
	uint32_t addr;
	uint8_t len;			/**< 0..32 */
};

struct vnf_port_config {
	bool has_ip;
	struct vnf_prefix ip;		/**< l3: interface address and prefix length */
	bool rewrite_src;		/**< l2: set the source MAC of frames leaving here */
	bool rewrite_src_port_mac;	/**< ... to this port's own MAC (else rewrite_src_mac) */
	struct rte_ether_addr rewrite_src_mac;
	bool rewrite_dst;		/**< l2: set the destination MAC of frames leaving here */
	struct rte_ether_addr rewrite_dst_mac;
};

struct vnf_route_config {
	struct vnf_prefix prefix;
	uint16_t port;
	struct rte_ether_addr next_hop_mac;
};

struct vnf_fw_rule {
	char name[VNF_RULE_NAME_SIZE];
	enum vnf_action action;
	struct vnf_prefix src, dst;
	int proto;			/**< IP protocol number, -1 = any */
	uint16_t sport_lo, sport_hi;	/**< inclusive; 0-65535 = any */
	uint16_t dport_lo, dport_hi;
	bool ports;			/**< a port range is narrower than 0-65535 */
};

struct vnf_fw {
	bool enabled;			/**< the config has a "firewall" object */
	enum vnf_action default_action;
	unsigned int n_rules;
	struct vnf_fw_rule rules[VNF_MAX_RULES];
};

/** A whole validated configuration (README.md documents the JSON). */
struct vnf_config {
	enum vnf_mode mode;
	unsigned int n_ports;
	struct vnf_port_config ports[VNF_MAX_PORTS];
	unsigned int n_routes;
	struct vnf_route_config routes[VNF_MAX_ROUTES];
	struct vnf_fw fw;
};

/**
 * Parse and validate the JSON text @p text into @p cfg (fully overwritten).
 * Nothing is half-applied: on error @p cfg is unspecified.
 * @return 0, or -EINVAL with a one-line reason in @p err (may be NULL).
 */
int vnf_config_parse(const char *text, struct vnf_config *cfg, char *err, size_t err_size);

/** vnf_config_parse() on the contents of the file @p path; -errno if unreadable. */
int vnf_config_load(const char *path, struct vnf_config *cfg, char *err, size_t err_size);

/** Parse "A.B.C.D/N" (@p need_len) or "A.B.C.D[/N]"; 0 or -EINVAL. */
int vnf_prefix_parse(const char *s, bool need_len, struct vnf_prefix *p);

/* ---------------------------------------------------------------- firewall */

/** The fields a firewall rule looks at, host byte order. */
struct vnf_5tuple {
	uint32_t src, dst;
	uint8_t proto;
	bool has_ports;			/**< TCP/UDP and not a non-first fragment */
	uint16_t sport, dport;
};

/**
 * First rule of @p fw matching @p t, in order.
 * @return its index, or -1 when none matches (the default action applies).
 * A rule with a port range never matches a tuple without ports.
 */
int vnf_fw_match(const struct vnf_fw *fw, const struct vnf_5tuple *t);

/* ------------------------------------------------------------- fast path */

/** The frames one processed burst sends, per output port. */
struct vnf_out {
	uint16_t n[VNF_MAX_PORTS];
	struct rte_mbuf *pkts[VNF_MAX_PORTS][VNF_BURST];
};

/** The forwarding state: one per ep-vnf-fwd process. */
struct vnf_fwd {
	const struct vnf_config *cfg;	/**< borrowed, outlives this */
	struct rte_lpm *lpm;		/**< l3 routes; next hop = index into cfg->routes */
	int default_route;		/**< index of 0.0.0.0/0 (rte_lpm has no depth 0), or -1 */
	uint16_t n_ports;
	struct rte_ether_addr macs[VNF_MAX_PORTS];	/**< each port's own MAC */
	struct vnf_port_stats stats[VNF_MAX_PORTS];
	uint64_t rule_hits[VNF_MAX_RULES];
	uint64_t default_hits;		/**< frames the firewall's default action decided */
};

/**
 * Build the forwarding state for @p cfg on ports whose MACs are @p macs
 * (cfg->n_ports of them); l3 builds the route table (rte_lpm named @p name).
 * @return the state, or NULL with rte_errno set (ENOMEM, EEXIST: name in use).
 */
struct vnf_fwd *vnf_fwd_create(const struct vnf_config *cfg, const struct rte_ether_addr *macs,
			       const char *name);

/** Free @p fwd (NULL is a no-op). */
void vnf_fwd_free(struct vnf_fwd *fwd);

/**
 * Classify and rewrite the @p n (<= VNF_BURST) frames received on
 * @p in_port: each one ends in @p out (empty on entry: zeroed, or just
 * flushed by vnf_fwd_flush()), or is counted as a drop and freed. Counts rx.
 * No syscalls, no logs, no allocation.
 */
void vnf_fwd_burst(struct vnf_fwd *fwd, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
		   struct vnf_out *out);

/**
 * Transmit everything in @p out with rte_eth_tx_burst (queue 0); frames the
 * queue does not take are freed and counted as tx_full. Counts tx.
 */
void vnf_fwd_flush(struct vnf_fwd *fwd, struct vnf_out *out);

/**
 * The IPv4 header checksum @p cksum (as stored, network order) after the
 * TTL is decremented by one: the incremental update of RFC 1624, eqn. 3.
 */
uint16_t vnf_cksum_ttl_dec(uint16_t cksum);

/**
 * The counters as a JSON object (README.md shows it): per port rx, tx,
 * arp_replies, rx_missed (from @p rx_missed[port], the ethdev's imissed;
 * NULL: omitted) and drops by reason; per firewall rule its hits.
 * @return a new reference, or NULL when out of memory.
 */
json_t *vnf_stats_json(const struct vnf_fwd *fwd, const uint64_t *rx_missed);

#endif /* VNF_FWD_H */
