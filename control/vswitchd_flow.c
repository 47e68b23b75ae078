/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd_flow.c: the flow-rule language of edgeplane-vswitchd, in the
 * syntax of ovs-ofctl so operators can reuse what they know:
 *
 *   priority=100,in_port=vh0,ip,nw_dst=10.0.0.0/24,tcp_dst=80,actions=output:vh1
 *
 * Parsing (text -> struct vsw_flow_rule, port names resolved by a callback),
 * formatting (rule -> the same text), and the "does this rule fall under that
 * match" test of del-flows. Pure code: no EAL, unit-tested directly.
 *
 * Prerequisites are enforced as OVS does: nw_* needs ip or arp, ipv6_*
 * needs ipv6, tp_* needs tcp, udp, sctp or icmp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vswitchd.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd

/* Shorthands: protocol names that set dl_type and nw_proto. */
static const struct {
	const char *name;
	uint16_t dl_type;
	int nw_proto;		/* -1: none */
} protos[] = {
	{ "ip", ETH_P_IP, -1 },
	{ "ipv4", ETH_P_IP, -1 },
	{ "arp", ETH_P_ARP, -1 },
	{ "ipv6", ETH_P_IPV6, -1 },
	{ "icmp", ETH_P_IP, 1 },
	{ "tcp", ETH_P_IP, 6 },
	{ "udp", ETH_P_IP, 17 },
	{ "sctp", ETH_P_IP, 132 },
	{ "icmp6", ETH_P_IPV6, 58 },
	{ "tcp6", ETH_P_IPV6, 6 },
	{ "udp6", ETH_P_IPV6, 17 },
	{ "sctp6", ETH_P_IPV6, 132 },
};

static int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "MAC" or "MAC/MASK". */
static int
parse_mac(const char *s, struct rte_ether_addr *mac, struct rte_ether_addr *mask)
{
	char buf[64];
	char *slash;
	unsigned int b[6], i;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x%*c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6 || strlen(buf) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac->addr_bytes[i] = (uint8_t)b[i];
	memset(mask, 0xff, sizeof(*mask));
	if (slash != NULL) {
		if (sscanf(slash, "%2x:%2x:%2x:%2x:%2x:%2x%*c", &b[0], &b[1], &b[2], &b[3],
			   &b[4], &b[5]) != 6 || strlen(slash) != 17)
			return -EINVAL;
		for (i = 0; i < 6; i++)
			mask->addr_bytes[i] = (uint8_t)b[i];
	}
	for (i = 0; i < 6; i++)
		mac->addr_bytes[i] &= mask->addr_bytes[i];
	return 0;
}

/* "A.B.C.D", "A.B.C.D/N" or "A.B.C.D/M.M.M.M"; network byte order out. */
static int
parse_ipv4(const char *s, uint32_t *addr, uint32_t *mask)
{
	char buf[64];
	char *slash;
	struct in_addr a, m;
	uint64_t plen;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	if (slash == NULL) {
		m.s_addr = 0xffffffffu;
	} else if (strchr(slash, '.') != NULL) {
		/* Any mask is allowed, as OVS allows for nw_src/nw_dst. */
		if (inet_pton(AF_INET, slash, &m) != 1)
			return -EINVAL;
	} else {
		if (parse_uint(slash, 32, &plen) != 0)
			return -EINVAL;
		m.s_addr = plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
	}
	*addr = a.s_addr & m.s_addr;
	*mask = m.s_addr;
	return 0;
}

/* "ADDR" or "ADDR/N". */
static int
parse_ipv6(const char *s, uint8_t addr[16], uint8_t mask[16])
{
	char buf[80];
	char *slash;
	uint64_t plen = 128;
	int i;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash++ = '\0';
		if (parse_uint(slash, 128, &plen) != 0)
			return -EINVAL;
	}
	if (inet_pton(AF_INET6, buf, addr) != 1)
		return -EINVAL;
	for (i = 0; i < 16; i++) {
		int bits = (int)plen - i * 8;

		mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		addr[i] &= mask[i];
	}
	return 0;
}

#define SET_ERR(...) snprintf(err, errlen, __VA_ARGS__)

/* One match field; @p seen tracks which fields were given (duplicates). */
static int
parse_field(const char *key, const char *val, struct vsw_flow_rule *r, uint32_t *prio_set,
	    vsd_port_lookup_fn *lookup, void *ctx, char *err, size_t errlen)
{
	struct vsw_flow_key *k = &r->match.key, *m = &r->match.mask;
	uint64_t v;

	if (strcmp(key, "priority") == 0) {
		if (parse_uint(val, 65535, &v) != 0) {
			SET_ERR("priority '%s' is not 0..65535", val);
			return -EINVAL;
		}
		r->priority = (uint16_t)v;
		*prio_set = 1;
	} else if (strcmp(key, "in_port") == 0) {
		uint16_t id;

		if (lookup(ctx, val, &id) != 0) {
			SET_ERR("in_port: no port named '%s' on this bridge", val);
			return -EINVAL;
		}
		k->in_port = id;
		m->in_port = 0xffff;
	} else if (strcmp(key, "dl_src") == 0 || strcmp(key, "eth_src") == 0) {
		if (parse_mac(val, &k->dl_src, &m->dl_src) != 0) {
			SET_ERR("%s '%s' is not a MAC[/MASK]", key, val);
			return -EINVAL;
		}
	} else if (strcmp(key, "dl_dst") == 0 || strcmp(key, "eth_dst") == 0) {
		if (parse_mac(val, &k->dl_dst, &m->dl_dst) != 0) {
			SET_ERR("%s '%s' is not a MAC[/MASK]", key, val);
			return -EINVAL;
		}
	} else if (strcmp(key, "dl_type") == 0 || strcmp(key, "eth_type") == 0) {
		if (parse_uint(val, 0xffff, &v) != 0 || v < 0x600) {
			SET_ERR("%s '%s' is not an ethertype 0x0600..0xffff", key, val);
			return -EINVAL;
		}
		k->dl_type = (uint16_t)v;
		m->dl_type = 0xffff;
	} else if (strcmp(key, "dl_vlan") == 0 || strcmp(key, "vlan_vid") == 0) {
		if (strcmp(val, "0xffff") == 0 || strcmp(val, "none") == 0) {
			/* untagged frames only */
			k->vlan_tci = 0;
			m->vlan_tci = 0xffff;
		} else if (parse_uint(val, 4095, &v) != 0) {
			SET_ERR("%s '%s' is not a VLAN id 0..4095 (or 'none')", key, val);
			return -EINVAL;
		} else {
			k->vlan_tci = (uint16_t)((k->vlan_tci & 0xe000) | VSW_VLAN_PRESENT | v);
			m->vlan_tci |= 0x1fff;
		}
	} else if (strcmp(key, "dl_vlan_pcp") == 0 || strcmp(key, "vlan_pcp") == 0) {
		if (parse_uint(val, 7, &v) != 0) {
			SET_ERR("%s '%s' is not a priority 0..7", key, val);
			return -EINVAL;
		}
		k->vlan_tci = (uint16_t)((k->vlan_tci & 0x0fff) | VSW_VLAN_PRESENT | (v << 13));
		m->vlan_tci |= 0xe000 | VSW_VLAN_PRESENT;
	} else if (strcmp(key, "nw_src") == 0 || strcmp(key, "ip_src") == 0 ||
		   strcmp(key, "arp_spa") == 0) {
		if (parse_ipv4(val, &k->nw_src, &m->nw_src) != 0) {
			SET_ERR("%s '%s' is not an IPv4 address[/PREFIX]", key, val);
			return -EINVAL;
		}
	} else if (strcmp(key, "nw_dst") == 0 || strcmp(key, "ip_dst") == 0 ||
		   strcmp(key, "arp_tpa") == 0) {
		if (parse_ipv4(val, &k->nw_dst, &m->nw_dst) != 0) {
			SET_ERR("%s '%s' is not an IPv4 address[/PREFIX]", key, val);
			return -EINVAL;
		}
	} else if (strcmp(key, "ipv6_src") == 0) {
		if (parse_ipv6(val, k->ipv6_src, m->ipv6_src) != 0) {
			SET_ERR("ipv6_src '%s' is not an IPv6 address[/PREFIX]", val);
			return -EINVAL;
		}
	} else if (strcmp(key, "ipv6_dst") == 0) {
		if (parse_ipv6(val, k->ipv6_dst, m->ipv6_dst) != 0) {
			SET_ERR("ipv6_dst '%s' is not an IPv6 address[/PREFIX]", val);
			return -EINVAL;
		}
	} else if (strcmp(key, "nw_proto") == 0 || strcmp(key, "ip_proto") == 0 ||
		   strcmp(key, "arp_op") == 0) {
		if (parse_uint(val, 255, &v) != 0) {
			SET_ERR("%s '%s' is not 0..255", key, val);
			return -EINVAL;
		}
		k->nw_proto = (uint8_t)v;
		m->nw_proto = 0xff;
	} else if (strcmp(key, "tp_src") == 0 || strcmp(key, "tcp_src") == 0 ||
		   strcmp(key, "udp_src") == 0 || strcmp(key, "icmp_type") == 0) {
		if (parse_uint(val, 65535, &v) != 0) {
			SET_ERR("%s '%s' is not a port 0..65535", key, val);
			return -EINVAL;
		}
		k->tp_src = (uint16_t)v;
		m->tp_src = 0xffff;
	} else if (strcmp(key, "tp_dst") == 0 || strcmp(key, "tcp_dst") == 0 ||
		   strcmp(key, "udp_dst") == 0 || strcmp(key, "icmp_code") == 0) {
		if (parse_uint(val, 65535, &v) != 0) {
			SET_ERR("%s '%s' is not a port 0..65535", key, val);
			return -EINVAL;
		}
		k->tp_dst = (uint16_t)v;
		m->tp_dst = 0xffff;
	} else {
		SET_ERR("unknown match field '%s'", key);
		return -EINVAL;
	}
	return 0;
}

static int
parse_action(const char *a, struct vsw_flow_rule *r, vsd_port_lookup_fn *lookup, void *ctx,
	     char *err, size_t errlen)
{
	struct vsw_action *act;
	const char *arg = strchr(a, ':');
	char name[32];
	uint64_t v;
	size_t len = arg != NULL ? (size_t)(arg - a) : strlen(a);

	if (r->n_actions == VSW_FLOW_MAX_ACTIONS) {
		SET_ERR("too many actions (at most %d)", VSW_FLOW_MAX_ACTIONS);
		return -EINVAL;
	}
	if (len >= sizeof(name)) {
		SET_ERR("unknown action '%s'", a);
		return -EINVAL;
	}
	memcpy(name, a, len);
	name[len] = '\0';
	if (arg != NULL)
		arg++;
	act = &r->actions[r->n_actions];
	memset(act, 0, sizeof(*act));

	if (strcmp(name, "output") == 0 && arg != NULL) {
		if (lookup(ctx, arg, &act->port) != 0) {
			SET_ERR("output: no port named '%s' on this bridge", arg);
			return -EINVAL;
		}
		act->type = VSW_ACT_OUTPUT;
	} else if (arg == NULL && (strcmp(name, "drop") == 0)) {
		act->type = VSW_ACT_DROP;
	} else if (arg == NULL && (strcasecmp(name, "normal") == 0)) {
		act->type = VSW_ACT_NORMAL;
	} else if (arg == NULL && (strcasecmp(name, "flood") == 0 ||
				   strcasecmp(name, "all") == 0)) {
		act->type = VSW_ACT_FLOOD;
	} else if (arg == NULL && (strcmp(name, "strip_vlan") == 0 ||
				   strcmp(name, "pop_vlan") == 0)) {
		act->type = VSW_ACT_POP_VLAN;
	} else if (arg != NULL && strcmp(name, "push_vlan") == 0) {
		/* edgeplane: push_vlan:VID (OVS pushes an ethertype then sets the VID) */
		if (parse_uint(arg, 4095, &v) != 0) {
			SET_ERR("push_vlan:'%s' is not a VLAN id 0..4095", arg);
			return -EINVAL;
		}
		act->type = VSW_ACT_PUSH_VLAN;
		act->vid = (uint16_t)v;
	} else if (arg != NULL && strcmp(name, "mod_vlan_vid") == 0) {
		if (parse_uint(arg, 4095, &v) != 0) {
			SET_ERR("mod_vlan_vid:'%s' is not a VLAN id 0..4095", arg);
			return -EINVAL;
		}
		act->type = VSW_ACT_SET_VLAN;
		act->vid = (uint16_t)v;
	} else if (arg != NULL && (strcmp(name, "mod_dl_src") == 0 ||
				   strcmp(name, "mod_dl_dst") == 0)) {
		struct rte_ether_addr mask;

		if (parse_mac(arg, &act->mac, &mask) != 0 || strchr(arg, '/') != NULL) {
			SET_ERR("%s:'%s' is not a MAC address", name, arg);
			return -EINVAL;
		}
		act->type = name[7] == 's' ? VSW_ACT_SET_ETH_SRC : VSW_ACT_SET_ETH_DST;
	} else if (arg != NULL && strcmp(name, "meter") == 0) {
		if (parse_uint(arg, UINT32_MAX, &v) != 0) {
			SET_ERR("meter:'%s' is not a meter id", arg);
			return -EINVAL;
		}
		act->type = VSW_ACT_METER;
		act->meter = (uint32_t)v;
	} else {
		/* As ovs-ofctl: a bare port name is output to that port. */
		if (arg == NULL && lookup(ctx, name, &act->port) == 0) {
			act->type = VSW_ACT_OUTPUT;
		} else {
			SET_ERR("unknown action '%s'", a);
			return -EINVAL;
		}
	}
	r->n_actions++;
	return 0;
}

/* Prerequisites, as OVS checks them. */
static int
check_prereqs(const struct vsw_flow_rule *r, char *err, size_t errlen)
{
	const struct vsw_flow_key *k = &r->match.key, *m = &r->match.mask;
	static const uint8_t zero16[16];
	bool dl_ip = m->dl_type && k->dl_type == ETH_P_IP;
	bool dl_arp = m->dl_type && k->dl_type == ETH_P_ARP;
	bool dl_ip6 = m->dl_type && k->dl_type == ETH_P_IPV6;

	if ((m->nw_src || m->nw_dst) && !dl_ip && !dl_arp) {
		SET_ERR("nw_src/nw_dst need dl_type=0x0800 or 0x0806 (ip or arp)");
		return -EINVAL;
	}
	if ((memcmp(m->ipv6_src, zero16, 16) != 0 || memcmp(m->ipv6_dst, zero16, 16) != 0) &&
	    !dl_ip6) {
		SET_ERR("ipv6_src/ipv6_dst need dl_type=0x86dd (ipv6)");
		return -EINVAL;
	}
	if (m->nw_proto && !dl_ip && !dl_ip6 && !dl_arp) {
		SET_ERR("nw_proto needs ip, ipv6 or arp");
		return -EINVAL;
	}
	if ((m->tp_src || m->tp_dst) &&
	    (!(dl_ip || dl_ip6) || !m->nw_proto ||
	     (k->nw_proto != 6 && k->nw_proto != 17 && k->nw_proto != 132 &&
	      k->nw_proto != 1 && k->nw_proto != 58))) {
		SET_ERR("tp_src/tp_dst need tcp, udp, sctp or icmp (nw_proto)");
		return -EINVAL;
	}
	return 0;
}

int
vsd_flow_parse(const char *text, vsd_port_lookup_fn *lookup, void *ctx, bool match_only,
	       struct vsw_flow_rule *r, char *err, size_t errlen)
{
	char buf[2048];
	char *actions, *tok, *save = NULL;
	uint32_t prio_set = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	r->priority = 32768;	/* OVS's default */
	if (strlen(text) >= sizeof(buf)) {
		SET_ERR("flow too long (at most %zu bytes)", sizeof(buf) - 1);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	/* Spaces are allowed as separators too, as ovs-ofctl allows. */
	for (tok = buf; *tok != '\0'; tok++)
		if (*tok == ' ' || *tok == '\t')
			*tok = ',';

	actions = strstr(buf, "actions=");
	if (actions != NULL && actions != buf && actions[-1] != ',') {
		SET_ERR("malformed flow near 'actions='");
		return -EINVAL;
	}
	if (actions != NULL) {
		*actions = '\0';
		actions += strlen("actions=");
	}
	if (match_only && actions != NULL) {
		SET_ERR("a match takes no actions");
		return -EINVAL;
	}
	if (!match_only && (actions == NULL || *actions == '\0')) {
		SET_ERR("flow needs actions=... (e.g. actions=normal or actions=drop)");
		return -EINVAL;
	}

	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		size_t i;

		if (eq == NULL) {
			bool found = false;

			for (i = 0; i < RTE_DIM(protos); i++) {
				if (strcmp(tok, protos[i].name) != 0)
					continue;
				r->match.key.dl_type = protos[i].dl_type;
				r->match.mask.dl_type = 0xffff;
				if (protos[i].nw_proto >= 0) {
					r->match.key.nw_proto = (uint8_t)protos[i].nw_proto;
					r->match.mask.nw_proto = 0xff;
				}
				found = true;
			}
			if (!found) {
				SET_ERR("unknown match field '%s'", tok);
				return -EINVAL;
			}
			continue;
		}
		*eq = '\0';
		ret = parse_field(tok, eq + 1, r, &prio_set, lookup, ctx, err, errlen);
		if (ret != 0)
			return ret;
	}
	ret = check_prereqs(r, err, errlen);
	if (ret != 0 || match_only)
		return ret;

	save = NULL;
	for (tok = strtok_r(actions, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		ret = parse_action(tok, r, lookup, ctx, err, errlen);
		if (ret != 0)
			return ret;
	}
	return vsw_flow_rule_validate(r, err, errlen);
}

/* Append to a bounded buffer; returns false once it is full. */
static bool
put(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool
put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	*len += (size_t)n;
	return *len < size;
}

static void
put_mac(char *buf, size_t size, size_t *len, const char *name, const struct rte_ether_addr *a,
	const struct rte_ether_addr *m)
{
	static const struct rte_ether_addr ones = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	const uint8_t *b = a->addr_bytes, *k = m->addr_bytes;

	put(buf, size, len, ",%s=%02x:%02x:%02x:%02x:%02x:%02x", name, b[0], b[1], b[2], b[3],
	    b[4], b[5]);
	if (!rte_is_same_ether_addr(m, &ones))
		put(buf, size, len, "/%02x:%02x:%02x:%02x:%02x:%02x", k[0], k[1], k[2], k[3], k[4],
		    k[5]);
}

static void
put_ipv4(char *buf, size_t size, size_t *len, const char *name, uint32_t a, uint32_t m)
{
	char s[INET_ADDRSTRLEN], ms[INET_ADDRSTRLEN];
	uint32_t h = ntohl(m);
	int plen = __builtin_popcount(h);

	inet_ntop(AF_INET, &a, s, sizeof(s));
	if (h == 0xffffffffu)
		put(buf, size, len, ",%s=%s", name, s);
	else if (plen > 0 && h == (0xffffffffu << (32 - plen)))
		put(buf, size, len, ",%s=%s/%d", name, s, plen);
	else {
		inet_ntop(AF_INET, &m, ms, sizeof(ms));
		put(buf, size, len, ",%s=%s/%s", name, s, ms);
	}
}

static void
put_ipv6(char *buf, size_t size, size_t *len, const char *name, const uint8_t *a, const uint8_t *m)
{
	char s[INET6_ADDRSTRLEN];
	int i, plen = 0;

	for (i = 0; i < 16; i++)
		plen += __builtin_popcount(m[i]);
	inet_ntop(AF_INET6, a, s, sizeof(s));
	if (plen == 128)
		put(buf, size, len, ",%s=%s", name, s);
	else
		put(buf, size, len, ",%s=%s/%d", name, s, plen);
}

int
vsd_flow_format(const struct vsw_flow_rule *r, vsd_port_name_fn *port_name, void *ctx, char *buf,
		size_t size)
{
	const struct vsw_flow_key *k = &r->match.key, *m = &r->match.mask;
	static const uint8_t zero16[16];
	static const struct rte_ether_addr zero_mac;
	size_t len = 0;
	uint8_t i;

	put(buf, size, &len, "priority=%u", r->priority);
	if (m->in_port)
		put(buf, size, &len, ",in_port=%s", port_name(ctx, k->in_port));
	if (!rte_is_same_ether_addr(&m->dl_src, &zero_mac))
		put_mac(buf, size, &len, "dl_src", &k->dl_src, &m->dl_src);
	if (!rte_is_same_ether_addr(&m->dl_dst, &zero_mac))
		put_mac(buf, size, &len, "dl_dst", &k->dl_dst, &m->dl_dst);
	if (m->dl_type)
		put(buf, size, &len, ",dl_type=0x%04x", k->dl_type);
	if (m->vlan_tci) {
		if (k->vlan_tci == 0)
			put(buf, size, &len, ",dl_vlan=none");
		if ((m->vlan_tci & 0x0fff) && k->vlan_tci)
			put(buf, size, &len, ",dl_vlan=%u", k->vlan_tci & 0x0fff);
		if ((m->vlan_tci & 0xe000) && k->vlan_tci)
			put(buf, size, &len, ",dl_vlan_pcp=%u", k->vlan_tci >> 13);
	}
	if (m->nw_src)
		put_ipv4(buf, size, &len, "nw_src", k->nw_src, m->nw_src);
	if (m->nw_dst)
		put_ipv4(buf, size, &len, "nw_dst", k->nw_dst, m->nw_dst);
	if (memcmp(m->ipv6_src, zero16, 16) != 0)
		put_ipv6(buf, size, &len, "ipv6_src", k->ipv6_src, m->ipv6_src);
	if (memcmp(m->ipv6_dst, zero16, 16) != 0)
		put_ipv6(buf, size, &len, "ipv6_dst", k->ipv6_dst, m->ipv6_dst);
	if (m->nw_proto)
		put(buf, size, &len, ",nw_proto=%u", k->nw_proto);
	if (m->tp_src)
		put(buf, size, &len, ",tp_src=%u", k->tp_src);
	if (m->tp_dst)
		put(buf, size, &len, ",tp_dst=%u", k->tp_dst);

	put(buf, size, &len, ",actions=");
	for (i = 0; i < r->n_actions; i++) {
		const struct vsw_action *a = &r->actions[i];
		const uint8_t *b = a->mac.addr_bytes;

		if (i > 0)
			put(buf, size, &len, ",");
		switch (a->type) {
		case VSW_ACT_OUTPUT:
			put(buf, size, &len, "output:%s", port_name(ctx, a->port));
			break;
		case VSW_ACT_DROP:
			put(buf, size, &len, "drop");
			break;
		case VSW_ACT_NORMAL:
			put(buf, size, &len, "normal");
			break;
		case VSW_ACT_FLOOD:
			put(buf, size, &len, "flood");
			break;
		case VSW_ACT_PUSH_VLAN:
			put(buf, size, &len, "push_vlan:%u", a->vid);
			break;
		case VSW_ACT_POP_VLAN:
			put(buf, size, &len, "pop_vlan");
			break;
		case VSW_ACT_SET_VLAN:
			put(buf, size, &len, "mod_vlan_vid:%u", a->vid);
			break;
		case VSW_ACT_SET_ETH_SRC:
		case VSW_ACT_SET_ETH_DST:
			put(buf, size, &len, "%s:%02x:%02x:%02x:%02x:%02x:%02x",
			    a->type == VSW_ACT_SET_ETH_SRC ? "mod_dl_src" : "mod_dl_dst", b[0], b[1],
			    b[2], b[3], b[4], b[5]);
			break;
		case VSW_ACT_METER:
			put(buf, size, &len, "meter:%u", a->meter);
			break;
		default:
			put(buf, size, &len, "unknown");
		}
	}
	return len < size ? 0 : -ENOSPC;
}

/* Is every bit of mask @p a also set in mask @p b? (byte-wise over the key) */
static bool
mask_covers(const struct vsw_flow_key *a, const struct vsw_flow_key *b)
{
	const uint8_t *pa = (const uint8_t *)a, *pb = (const uint8_t *)b;
	size_t i;

	for (i = 0; i < sizeof(*a); i++)
		if ((pa[i] & pb[i]) != pa[i])
			return false;
	return true;
}

bool
vsd_flow_match_covers(const struct vsw_flow_match *match, const struct vsw_flow_rule *r)
{
	const uint8_t *mk = (const uint8_t *)&match->key, *mm = (const uint8_t *)&match->mask;
	const uint8_t *rk = (const uint8_t *)&r->match.key;
	size_t i;

	/* The rule is at least as specific as the match, and agrees with it. */
	if (!mask_covers(&match->mask, &r->match.mask))
		return false;
	for (i = 0; i < sizeof(match->key); i++)
		if ((rk[i] & mm[i]) != mk[i])
			return false;
	return true;
}
