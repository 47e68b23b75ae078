/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnf_fw.c: the stateless firewall's rule match. Rules are few (at most
 * VNF_MAX_RULES) and ordered, first match wins, so a linear scan of compact
 * rules is both the simplest and, for tens of rules, as fast as rte_acl
 * without its build step; switch to rte_acl if configs grow to thousands.
 * Called per packet from vnf_fwd.c: no allocation, no logs.
 */
#include "vnf_fwd.h"

static uint32_t
mask_of(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static bool
rule_matches(const struct vnf_fw_rule *r, const struct vnf_5tuple *t)
{
	if (((t->src ^ r->src.addr) & mask_of(r->src.len)) != 0 ||
	    ((t->dst ^ r->dst.addr) & mask_of(r->dst.len)) != 0)
		return false;
	if (r->proto >= 0 && r->proto != t->proto)
		return false;
	if (!r->ports)
		return true;
	/* Port ranges never match what has no ports (non-first fragments, ICMP). */
	return t->has_ports && t->sport >= r->sport_lo && t->sport <= r->sport_hi &&
	       t->dport >= r->dport_lo && t->dport <= r->dport_hi;
}

int
vnf_fw_match(const struct vnf_fw *fw, const struct vnf_5tuple *t)
{
	for (unsigned int i = 0; i < fw->n_rules; i++)
		if (rule_matches(&fw->rules[i], t))
			return (int)i;
	return -1;
}
