/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd_rpc_flow.c: the flow-rule JSON-RPC methods of edgeplane-vswitchd
 * (flow.add, flow.del, flow.dump) and the flows' part of the db file.
 *
 * Rules travel as text in ovs-ofctl syntax (vswitchd_flow.c) in both
 * directions and in the db, so what an operator types, what dump-flows
 * prints and what is stored are the same strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vswitchd.h"

static int
lookup_port(void *ctx, const char *name, uint16_t *id)
{
	return dp_port_lookup(ctx, name, id);
}

static const char *
port_name(void *ctx, uint16_t id)
{
	(void)ctx;
	return dp_port_name(id);
}

int
vsd_flow_text(const struct vsw_flow_rule *rule, char *buf, size_t size)
{
	return vsd_flow_format(rule, port_name, NULL, buf, size);
}

/* Parse a JSON array of flow strings of @p bridge into @p rules. */
static int
parse_flows(const char *bridge, const json_t *flows, struct vsw_flow_rule **rules, uint32_t *n,
	    char *err, size_t errlen)
{
	struct vsw_flow_rule *r;
	char e[256];
	size_t i;
	json_t *f;
	int ret;

	*rules = NULL;
	*n = 0;
	if (json_array_size(flows) == 0 || json_array_size(flows) > VSW_FLOW_MAX_RULES) {
		snprintf(err, errlen, "'flows' must hold 1..%d flows", VSW_FLOW_MAX_RULES);
		return -EINVAL;
	}
	r = calloc(json_array_size(flows), sizeof(*r));
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_array_foreach(flows, i, f) {
		if (!json_is_string(f)) {
			snprintf(err, errlen, "flow %zu is not a string", i + 1);
			free(r);
			return -EINVAL;
		}
		ret = vsd_flow_parse(json_string_value(f), lookup_port, (void *)bridge, false,
				     &r[i], e, sizeof(e));
		if (ret != 0) {
			if (json_array_size(flows) == 1)
				snprintf(err, errlen, "%s", e);
			else
				snprintf(err, errlen, "flow %zu: %s", i + 1, e);
			free(r);
			return ret;
		}
	}
	*rules = r;
	*n = (uint32_t)json_array_size(flows);
	return 0;
}

/* The current rules of @p bridge, to restore them if the db cannot be written. */
struct saved_rules {
	struct vsw_flow_rule *rules;
	uint32_t n, cap;
};

static int
save_rule(const struct dp_flow_info *info, void *arg)
{
	struct saved_rules *s = arg;

	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		struct vsw_flow_rule *r = realloc(s->rules, sizeof(*r) * cap);

		if (r == NULL)
			return -ENOMEM;
		s->rules = r;
		s->cap = cap;
	}
	s->rules[s->n++] = info->rule;
	return 0;
}

static void
restore_rules(const char *bridge, struct saved_rules *s)
{
	char e[256];
	uint32_t n;

	dp_flow_del(bridge, NULL, NULL, &n, e, sizeof(e));
	if (s->n > 0 && dp_flow_add(bridge, s->rules, s->n, e, sizeof(e)) != 0)
		fprintf(stderr, "edgeplane-vswitchd: %s: cannot restore flows: %s\n", bridge, e);
}

int
vsd_m_flow_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", "flow", "flows", NULL };
	struct vsd *vsd = ctx;
	struct saved_rules saved = { 0 };
	struct vsw_flow_rule *rules;
	char bridge[DP_NAME_SIZE];
	json_t *flows;
	uint32_t n;
	int ret;

	ret = vsd_check_keys(params, keys, NULL, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "bridge", true, bridge, sizeof(bridge), err, errlen);
	if (ret != 0)
		return ret;
	{
		struct dp_bridge_cfg bc;

		if (dp_bridge_get(bridge, &bc) != 0) {
			snprintf(err, errlen, "no bridge named %s", bridge);
			return -ENOENT;
		}
	}
	if (json_object_get(params, "flow") != NULL) {
		if (json_object_get(params, "flows") != NULL) {
			snprintf(err, errlen, "give 'flow' or 'flows', not both");
			return -EINVAL;
		}
		flows = json_pack("[O]", json_object_get(params, "flow"));
	} else if (json_is_array(json_object_get(params, "flows"))) {
		flows = json_incref(json_object_get(params, "flows"));
	} else {
		snprintf(err, errlen, "missing 'flow' (a string) or 'flows' (an array of strings)");
		return -EINVAL;
	}
	ret = parse_flows(bridge, flows, &rules, &n, err, errlen);
	json_decref(flows);
	if (ret != 0)
		return ret;
	ret = dp_flow_foreach(bridge, save_rule, &saved);
	if (ret == 0)
		ret = dp_flow_add(bridge, rules, n, err, errlen);
	else
		snprintf(err, errlen, "out of memory");
	free(rules);
	if (ret == 0) {
		ret = vsd_db_write(vsd, err, errlen);
		if (ret != 0)
			restore_rules(bridge, &saved);
	}
	free(saved.rules);
	if (ret == 0)
		*result = json_object();
	return ret;
}

struct del_ctx {
	struct vsw_flow_rule match;
	bool strict;
};

static bool
del_select(const struct vsw_flow_rule *rule, void *arg)
{
	const struct del_ctx *d = arg;

	if (d->strict)
		return rule->priority == d->match.priority &&
		       memcmp(&rule->match, &d->match.match, sizeof(rule->match)) == 0;
	return vsd_flow_match_covers(&d->match.match, rule);
}

int
vsd_m_flow_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", "match", "strict", NULL };
	struct vsd *vsd = ctx;
	struct saved_rules saved = { 0 };
	struct del_ctx d = { .strict = false };
	char bridge[DP_NAME_SIZE], match[2048], e[256];
	const json_t *strict;
	uint32_t n = 0;
	int ret, has_match;

	ret = vsd_check_keys(params, keys, NULL, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "bridge", true, bridge, sizeof(bridge), err, errlen);
	if (ret != 0)
		return ret;
	has_match = vsd_get_string(params, "match", false, match, sizeof(match), err, errlen);
	if (has_match < 0)
		return has_match;
	strict = json_object_get(params, "strict");
	if (strict != NULL && !json_is_boolean(strict)) {
		snprintf(err, errlen, "'strict' must be true or false");
		return -EINVAL;
	}
	d.strict = json_is_true(strict);
	{
		struct dp_bridge_cfg bc;

		if (dp_bridge_get(bridge, &bc) != 0) {
			snprintf(err, errlen, "no bridge named %s", bridge);
			return -ENOENT;
		}
	}
	if (has_match == 0) {
		ret = vsd_flow_parse(match, lookup_port, bridge, true, &d.match, e, sizeof(e));
		if (ret != 0) {
			snprintf(err, errlen, "match: %s", e);
			return ret;
		}
	} else if (d.strict) {
		snprintf(err, errlen, "'strict' needs a 'match'");
		return -EINVAL;
	}
	ret = dp_flow_foreach(bridge, save_rule, &saved);
	if (ret != 0) {
		snprintf(err, errlen, "out of memory");
		free(saved.rules);
		return ret;
	}
	ret = dp_flow_del(bridge, has_match == 0 ? del_select : NULL, &d, &n, err, errlen);
	if (ret == 0 && n > 0) {
		ret = vsd_db_write(vsd, err, errlen);
		if (ret != 0)
			restore_rules(bridge, &saved);
	}
	free(saved.rules);
	if (ret == 0)
		*result = json_pack("{s:i}", "deleted", (int)n);
	return ret;
}

static int
dump_one(const struct dp_flow_info *info, void *arg)
{
	char text[2048];

	if (vsd_flow_text(&info->rule, text, sizeof(text)) != 0)
		return -ENOSPC;
	json_array_append_new(arg, json_pack("{s:i, s:s, s:I, s:I}", "id", (int)info->rule.id,
					     "flow", text, "packets", (json_int_t)info->packets,
					     "bytes", (json_int_t)info->bytes));
	return 0;
}

int
vsd_m_flow_dump(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", NULL };
	char bridge[DP_NAME_SIZE];
	json_t *flows;
	int ret;

	(void)ctx;
	ret = vsd_check_keys(params, keys, NULL, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "bridge", true, bridge, sizeof(bridge), err, errlen);
	if (ret != 0)
		return ret;
	flows = json_array();
	ret = dp_flow_foreach(bridge, dump_one, flows);
	if (ret != 0) {
		json_decref(flows);
		if (ret == -ENOENT)
			snprintf(err, errlen, "no bridge named %s", bridge);
		else
			snprintf(err, errlen, "cannot format a flow");
		return ret;
	}
	*result = json_pack("{s:o}", "flows", flows);
	return 0;
}


/* ------------------------------------------------------------------------ */
/* The db                                                                    */

static int
db_flow(const struct dp_flow_info *info, void *arg)
{
	char text[2048];

	if (vsd_flow_text(&info->rule, text, sizeof(text)) != 0)
		return -ENOSPC;
	json_array_append_new(arg, json_string(text));
	return 0;
}

json_t *
vsd_flows_db(struct vsd *vsd, const char *bridge)
{
	json_t *flows = json_array(), *f;
	size_t i;

	dp_flow_foreach(bridge, db_flow, flows);
	/* Flows that could not come back at start-up stay in the db. */
	json_array_foreach(vsd->failed_flows, i, f) {
		if (strcmp(json_string_value(json_object_get(f, "bridge")), bridge) == 0)
			json_array_append(flows, json_object_get(f, "flow"));
	}
	return flows;
}

void
vsd_flows_restore(struct vsd *vsd, const char *bridge, const json_t *flows)
{
	struct vsw_flow_rule *rules;
	uint32_t n = 0;
	char e[256];
	size_t i;
	json_t *f;

	if (json_array_size(flows) == 0)
		return;
	rules = calloc(json_array_size(flows), sizeof(*rules));
	if (rules == NULL)
		return;
	json_array_foreach(flows, i, f) {
		if (vsd_flow_parse(json_string_value(f), lookup_port, (void *)bridge, false,
				   &rules[n], e, sizeof(e)) == 0) {
			n++;
			continue;
		}
		fprintf(stderr, "edgeplane-vswitchd: %s: flow not restored: %s: %s\n", bridge,
			json_string_value(f), e);
		json_array_append_new(vsd->failed_flows, json_pack("{s:s, s:O, s:s}", "bridge",
								   bridge, "flow", f, "error", e));
	}
	if (n > 0 && dp_flow_add(bridge, rules, n, e, sizeof(e)) != 0) {
		fprintf(stderr, "edgeplane-vswitchd: %s: flows not restored: %s\n", bridge, e);
		for (i = 0; i < json_array_size(flows); i++)
			json_array_append_new(vsd->failed_flows,
					      json_pack("{s:s, s:O, s:s}", "bridge", bridge, "flow",
							json_array_get(flows, i), "error", e));
	}
	free(rules);
}
