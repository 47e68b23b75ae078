/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_flow.c: flow rules of the bridges (control thread).
 *
 * A bridge keeps its rules as an array; every change builds a new immutable
 * classifier (vsw_flow_table_build) from the whole new array while the old
 * one keeps serving, publishes it in a new snapshot, and frees the old table
 * after the grace period (dp_publish waits for it). PMDs never stop and never
 * see a half-changed table: adding or removing rules is hitless.
 *
 * Rule ids are stable (they index the PMDs' per-rule counters) and unique
 * across bridges; a reused id starts from the counters it had when it was
 * allocated, like port ids.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "dp_priv.h"

#define ID_WORDS (VSW_FLOW_MAX_RULES / 64)

int
dp_flow_init(void)
{
	dp.flow_ids = calloc(ID_WORDS, sizeof(uint64_t));
	dp.flow_base = calloc(VSW_FLOW_MAX_RULES, sizeof(*dp.flow_base));
	if (dp.flow_ids == NULL || dp.flow_base == NULL) {
		free(dp.flow_ids);
		free(dp.flow_base);
		dp.flow_ids = NULL;
		dp.flow_base = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void
flow_counters_sum(uint32_t id, uint64_t *packets, uint64_t *bytes)
{
	uint16_t i;

	*packets = 0;
	*bytes = 0;
	for (i = 0; i < dp.n_pmds; i++) {
		uint64_t p, b;

		vsw_pmd_flow_counters(&dp.pmds[i]->vsw, id, &p, &b);
		*packets += p;
		*bytes += b;
	}
}

static int
id_alloc(uint32_t *id)
{
	uint32_t w;

	for (w = 0; w < ID_WORDS; w++) {
		if (dp.flow_ids[w] != UINT64_MAX) {
			uint32_t bit = (uint32_t)__builtin_ctzll(~dp.flow_ids[w]);

			dp.flow_ids[w] |= 1ULL << bit;
			*id = w * 64 + bit;
			flow_counters_sum(*id, &dp.flow_base[*id].packets, &dp.flow_base[*id].bytes);
			return 0;
		}
	}
	return -ENOSPC;
}

static void
id_free(uint32_t id)
{
	dp.flow_ids[id / 64] &= ~(1ULL << (id % 64));
}

void
dp_flow_bridge_free(struct dp_bridge *br)
{
	uint32_t i;

	for (i = 0; i < br->n_rules; i++)
		id_free(br->rules[i].id);
	free(br->rules);
	vsw_flow_table_free(br->flows);
	br->rules = NULL;
	br->n_rules = 0;
	br->flows = NULL;
}

static bool
same_match(const struct vsw_flow_rule *a, const struct vsw_flow_rule *b)
{
	return a->priority == b->priority &&
	       memcmp(&a->match, &b->match, sizeof(a->match)) == 0;
}

/*
 * Make @p rules (@p n, ids assigned) the bridge's rule set: build the table,
 * publish, free the old table. On failure nothing changes (the caller frees
 * @p rules).
 */
static int
install(struct dp_bridge *br, struct vsw_flow_rule *rules, uint32_t n, char *err, size_t errlen)
{
	struct vsw_flow_table *table = NULL, *old_table = br->flows;
	struct vsw_flow_rule *old_rules = br->rules;
	uint32_t old_n = br->n_rules;
	int ret;

	if (n > 0) {
		table = vsw_flow_table_build(rules, n, (int)rte_socket_id());
		if (table == NULL) {
			ret = -errno;
			snprintf(err, errlen, "%s",
				 errno == EEXIST ? "two rules with the same priority and match" :
				 errno == EINVAL ? "invalid rule" : "out of memory for the flow table");
			return ret;
		}
	}
	br->flows = table;
	br->rules = rules;
	br->n_rules = n;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		br->flows = old_table;
		br->rules = old_rules;
		br->n_rules = old_n;
		vsw_flow_table_free(table);
		return ret;
	}
	/* dp_publish waited for the grace period: no PMD uses the old table. */
	vsw_flow_table_free(old_table);
	free(old_rules);
	return 0;
}

int
dp_flow_add(const char *bridge, const struct vsw_flow_rule *add, uint32_t n_add, char *err,
	    size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	struct vsw_flow_rule *rules;
	uint32_t *new_ids, n_new_ids = 0, n, i, j;
	int ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	for (i = 0; i < n_add; i++) {
		for (j = 0; j < i; j++) {
			if (same_match(&add[i], &add[j])) {
				snprintf(err, errlen, "flows %u and %u have the same priority and match",
					 j + 1, i + 1);
				return -EINVAL;
			}
		}
		ret = vsw_flow_rule_validate(&add[i], err, errlen);
		if (ret != 0)
			return ret;
	}
	if ((uint64_t)br->n_rules + n_add > VSW_FLOW_MAX_RULES) {
		snprintf(err, errlen, "too many flows (at most %d)", VSW_FLOW_MAX_RULES);
		return -ENOSPC;
	}
	rules = malloc(sizeof(*rules) * (br->n_rules + n_add + 1));
	new_ids = malloc(sizeof(*new_ids) * (n_add + 1));
	if (rules == NULL || new_ids == NULL) {
		free(rules);
		free(new_ids);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(rules, br->rules, sizeof(*rules) * br->n_rules);
	n = br->n_rules;
	/* As ovs-ofctl add-flow: a rule with the same priority and match is
	 * replaced (its id, so its counters, stay). */
	for (i = 0; i < n_add; i++) {
		for (j = 0; j < n; j++)
			if (same_match(&rules[j], &add[i]))
				break;
		if (j < n) {
			uint32_t id = rules[j].id;

			rules[j] = add[i];
			rules[j].id = id;
			continue;
		}
		rules[n] = add[i];
		ret = id_alloc(&rules[n].id);
		if (ret != 0) {
			snprintf(err, errlen, "no free flow id");
			goto err_ids;
		}
		new_ids[n_new_ids++] = rules[n].id;
		n++;
	}
	ret = install(br, rules, n, err, errlen);
	if (ret != 0)
		goto err_ids;
	free(new_ids);
	return 0;

err_ids:
	for (i = 0; i < n_new_ids; i++)
		id_free(new_ids[i]);
	free(new_ids);
	free(rules);
	return ret;
}

int
dp_flow_del(const char *bridge, bool (*select)(const struct vsw_flow_rule *rule, void *arg),
	    void *arg, uint32_t *n_deleted, char *err, size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	struct vsw_flow_rule *rules;
	uint32_t *gone, n = 0, n_gone = 0, i;
	int ret;

	*n_deleted = 0;
	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (br->n_rules == 0)
		return 0;
	rules = malloc(sizeof(*rules) * br->n_rules);
	gone = malloc(sizeof(*gone) * br->n_rules);
	if (rules == NULL || gone == NULL) {
		free(rules);
		free(gone);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < br->n_rules; i++) {
		if (select == NULL || select(&br->rules[i], arg))
			gone[n_gone++] = br->rules[i].id;
		else
			rules[n++] = br->rules[i];
	}
	if (n_gone == 0) {
		free(rules);
		free(gone);
		return 0;
	}
	ret = install(br, rules, n, err, errlen);
	if (ret != 0) {
		free(rules);
		free(gone);
		return ret;
	}
	for (i = 0; i < n_gone; i++)
		id_free(gone[i]);
	free(gone);
	*n_deleted = n_gone;
	return 0;
}

int
dp_flow_foreach(const char *bridge, int (*cb)(const struct dp_flow_info *info, void *arg),
		void *arg)
{
	const struct dp_bridge *br = dp_find_bridge(bridge);
	struct dp_flow_info info;
	uint32_t i, n;
	int ret;

	if (br == NULL)
		return -ENOENT;
	n = br->flows != NULL ? vsw_flow_table_size(br->flows) : 0;
	for (i = 0; i < n; i++) {
		const struct vsw_flow_rule *r = vsw_flow_table_rule(br->flows, i);
		uint64_t p, b;

		info.rule = *r;
		flow_counters_sum(r->id, &p, &b);
		info.packets = p - dp.flow_base[r->id].packets;
		info.bytes = b - dp.flow_base[r->id].bytes;
		ret = cb(&info, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}
