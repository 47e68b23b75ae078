/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd_rpc_qos.c: the JSON-RPC methods for port mirrors (mirror.add,
 * mirror.del, mirror.list) and flow meters (meter.add, meter.del,
 * meter.list) of edgeplane-vswitchd, and their part of the db file.
 *
 * Mirrors name ports; the db stores names, so a mirror comes back with its
 * ports after a restart. Meters are restored before flows, which name them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vswitchd.h"

/* A list of port names (array of strings, or one "a,b" string) to a bitmap. */
static int
port_set(const char *bridge, const json_t *v, const char *key, uint64_t *bits, char *err,
	 size_t errlen)
{
	char buf[1024], *tok, *save = NULL;
	uint16_t id;
	size_t i;
	json_t *e;

	memset(bits, 0, sizeof(uint64_t) * (VSW_MAX_PORTS / 64));
	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		snprintf(buf, sizeof(buf), "%s", json_string_value(v));
		for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
			if (dp_port_lookup(bridge, tok, &id) != 0) {
				snprintf(err, errlen, "'%s': no port named %s on bridge %s", key, tok,
					 bridge);
				return -EINVAL;
			}
			bits[id / 64] |= 1ULL << (id % 64);
		}
		return 0;
	}
	if (!json_is_array(v)) {
		snprintf(err, errlen, "'%s' must be a list of port names", key);
		return -EINVAL;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || dp_port_lookup(bridge, json_string_value(e), &id) != 0) {
			snprintf(err, errlen, "'%s': entry %zu is not a port of bridge %s", key,
				 i + 1, bridge);
			return -EINVAL;
		}
		bits[id / 64] |= 1ULL << (id % 64);
	}
	return 0;
}

static json_t *
port_names(const uint64_t *bits)
{
	json_t *a = json_array();
	uint16_t id;

	for (id = 0; id < VSW_MAX_PORTS; id++)
		if (bits[id / 64] & (1ULL << (id % 64)))
			json_array_append_new(a, json_string(dp_port_name(id)));
	return a;
}

static int
bridge_param(json_t *params, const char *const *keys, char *bridge, char *err, size_t errlen)
{
	struct dp_bridge_cfg bc;
	int ret;

	ret = vsd_check_keys(params, keys, NULL, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "bridge", true, bridge, DP_NAME_SIZE, err, errlen);
	if (ret == 0 && dp_bridge_get(bridge, &bc) != 0) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		ret = -ENOENT;
	}
	return ret;
}

/* Add a mirror from its JSON object (params or db); no db write. */
static int
mirror_apply(const char *bridge, const json_t *obj, char *err, size_t errlen)
{
	uint64_t src[VSW_MAX_PORTS / 64], dst[VSW_MAX_PORTS / 64];
	char name[DP_NAME_SIZE], out[DP_NAME_SIZE];
	uint16_t out_id;
	int ret;

	ret = vsd_get_string(obj, "name", true, name, sizeof(name), err, errlen);
	if (ret == 0)
		ret = vsd_get_string(obj, "output", true, out, sizeof(out), err, errlen);
	if (ret != 0)
		return ret;
	if (dp_port_lookup(bridge, out, &out_id) != 0) {
		snprintf(err, errlen, "'output': no port named %s on bridge %s", out, bridge);
		return -EINVAL;
	}
	ret = port_set(bridge, json_object_get(obj, "select_src"), "select_src", src, err, errlen);
	if (ret == 0)
		ret = port_set(bridge, json_object_get(obj, "select_dst"), "select_dst", dst, err,
			       errlen);
	if (ret != 0)
		return ret;
	{
		uint64_t any = 0;
		int w;

		for (w = 0; w < VSW_MAX_PORTS / 64; w++)
			any |= src[w] | dst[w];
		if (any == 0) {
			snprintf(err, errlen, "a mirror needs select_src or select_dst ports");
			return -EINVAL;
		}
	}
	return dp_mirror_add(bridge, name, out_id, src, dst, err, errlen);
}

int
vsd_m_mirror_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"bridge", "name", "output", "select_src", "select_dst", NULL,
	};
	char bridge[DP_NAME_SIZE], e2[128];
	int ret;

	ret = bridge_param(params, keys, bridge, err, errlen);
	if (ret == 0)
		ret = mirror_apply(bridge, params, err, errlen);
	if (ret == 0) {
		ret = vsd_db_write(ctx, err, errlen);
		if (ret != 0)
			dp_mirror_del(bridge, json_string_value(json_object_get(params, "name")), e2,
				      sizeof(e2));
	}
	if (ret == 0)
		*result = json_object();
	return ret;
}

int
vsd_m_mirror_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", "name", NULL };
	char bridge[DP_NAME_SIZE], name[DP_NAME_SIZE];
	int ret;

	ret = bridge_param(params, keys, bridge, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "name", true, name, sizeof(name), err, errlen);
	if (ret == 0)
		ret = dp_mirror_del(bridge, name, err, errlen);
	if (ret == 0)
		ret = vsd_db_write(ctx, err, errlen);
	if (ret == 0)
		*result = json_object();
	return ret;
}

static int
mirror_json(const struct dp_mirror_info *m, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:o, s:o}", "name", m->name, "output",
					     dp_port_name(m->mirror.out_port), "select_src",
					     port_names(m->mirror.src), "select_dst",
					     port_names(m->mirror.dst)));
	return 0;
}

json_t *
vsd_mirrors_db(const char *bridge)
{
	json_t *a = json_array();

	dp_mirror_foreach(bridge, mirror_json, a);
	return a;
}

/* {"<what>": db(bridge)} for a method whose only parameter is "bridge". */
static int
bridge_list(json_t *params, const char *what, json_t *(*db)(const char *), json_t **result,
	    char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", NULL };
	char bridge[DP_NAME_SIZE];
	int ret = bridge_param(params, keys, bridge, err, errlen);

	if (ret == 0)
		*result = json_pack("{s:o}", what, db(bridge));
	return ret;
}

int
vsd_m_mirror_list(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	(void)ctx;
	return bridge_list(params, "mirrors", vsd_mirrors_db, result, err, errlen);
}

/* Add a meter from its JSON object (params or db); no db write. */
static int
meter_apply(const char *bridge, const json_t *obj, char *err, size_t errlen)
{
	uint64_t id, rate, burst = 0;
	int ret;

	ret = vsd_get_uint(obj, "id", true, 0, DP_MAX_METERS - 1, &id, err, errlen);
	if (ret == 0)
		ret = vsd_get_uint(obj, "rate", true, 1, 100000000, &rate, err, errlen);
	if (ret == 0) {
		ret = vsd_get_uint(obj, "burst", false, 0, 100000000, &burst, err, errlen);
		ret = ret < 0 ? ret : 0;
	}
	if (ret != 0)
		return ret;
	return dp_meter_set(bridge, (uint32_t)id, (uint32_t)rate, (uint32_t)burst, err, errlen);
}

int
vsd_m_meter_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", "id", "rate", "burst", NULL };
	char bridge[DP_NAME_SIZE], e2[128];
	int ret;

	ret = bridge_param(params, keys, bridge, err, errlen);
	if (ret == 0)
		ret = meter_apply(bridge, params, err, errlen);
	if (ret == 0) {
		ret = vsd_db_write(ctx, err, errlen);
		if (ret != 0)
			dp_meter_del(bridge,
				     (uint32_t)json_integer_value(json_object_get(params, "id")), e2,
				     sizeof(e2));
	}
	if (ret == 0)
		*result = json_object();
	return ret;
}

int
vsd_m_meter_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", "id", NULL };
	char bridge[DP_NAME_SIZE];
	uint64_t id;
	int ret;

	ret = bridge_param(params, keys, bridge, err, errlen);
	if (ret == 0)
		ret = vsd_get_uint(params, "id", true, 0, DP_MAX_METERS - 1, &id, err, errlen);
	if (ret == 0)
		ret = dp_meter_del(bridge, (uint32_t)id, err, errlen);
	if (ret == 0)
		ret = vsd_db_write(ctx, err, errlen);
	if (ret == 0)
		*result = json_object();
	return ret;
}

static int
meter_json(uint32_t id, uint32_t rate, uint32_t burst, void *arg)
{
	json_array_append_new(arg, json_pack("{s:i, s:I, s:I}", "id", (int)id, "rate",
					     (json_int_t)rate, "burst", (json_int_t)burst));
	return 0;
}

json_t *
vsd_meters_db(const char *bridge)
{
	json_t *a = json_array();

	dp_meter_foreach(bridge, meter_json, a);
	return a;
}

int
vsd_m_meter_list(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	(void)ctx;
	return bridge_list(params, "meters", vsd_meters_db, result, err, errlen);
}

void
vsd_qos_restore(const char *bridge, const json_t *mirrors, const json_t *meters)
{
	char e[256];
	size_t i;
	json_t *o;

	json_array_foreach(meters, i, o)
		if (meter_apply(bridge, o, e, sizeof(e)) != 0)
			fprintf(stderr, "edgeplane-vswitchd: %s: meter not restored: %s\n", bridge,
				e);
	json_array_foreach(mirrors, i, o)
		if (mirror_apply(bridge, o, e, sizeof(e)) != 0)
			fprintf(stderr, "edgeplane-vswitchd: %s: mirror not restored: %s\n", bridge,
				e);
}
