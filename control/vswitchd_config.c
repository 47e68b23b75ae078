/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd_config.c: the configuration vocabulary of edgeplane-vswitchd:
 * JSON (as sent over JSON-RPC and stored in the db file) to and from the
 * dataplane's bridge and port structs. Pure code: no EAL, so the unit tests
 * run it directly.
 *
 * The db file is {"version": 1, "bridges": [{"name", "aging", "fdb_size",
 * "ports": [PORT...]}]} where PORT has the keys of port.add (docs/rpc.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "vswitchd.h"

static const char *const port_keys[] = {
	"name", "type", "devargs", "path", "mtu", "n_rxq", "vlan_mode", "tag", "trunks",
	"port_security", "allowed_macs", "allowed_ips", "ingress_policing_rate",
	"ingress_policing_burst", "egress_policing_rate", "egress_policing_burst", NULL,
};

/*
 * A list given as a JSON array of strings or as one comma-separated string
 * (what edgeplane-ctl sends for "allowed_macs=a,b"). Calls @p one per item.
 */
static int
for_each_item(const json_t *v, const char *key, int (*one)(const char *item, void *arg),
	      void *arg, char *err, size_t errlen)
{
	char buf[2048], *tok, *save = NULL;
	size_t i;
	json_t *e;

	if (json_is_string(v)) {
		if (json_string_length(v) >= sizeof(buf)) {
			snprintf(err, errlen, "'%s' is too long", key);
			return -EINVAL;
		}
		snprintf(buf, sizeof(buf), "%s", json_string_value(v));
		for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
			if (one(tok, arg) != 0) {
				snprintf(err, errlen, "'%s': bad entry '%s'", key, tok);
				return -EINVAL;
			}
		return 0;
	}
	if (!json_is_array(v)) {
		snprintf(err, errlen, "'%s' must be an array of strings", key);
		return -EINVAL;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || one(json_string_value(e), arg) != 0) {
			snprintf(err, errlen, "'%s': bad entry %zu", key, i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

static int
add_mac(const char *s, void *arg)
{
	struct vsw_port_security *sec = arg;
	unsigned int b[6], i;
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &end) != 6)
		return -EINVAL;
	if (sec->n_macs == VSW_SEC_MAX_MACS)
		return -ENOSPC;
	for (i = 0; i < 6; i++)
		sec->macs[sec->n_macs].addr_bytes[i] = (uint8_t)b[i];
	sec->n_macs++;
	return 0;
}

static int
add_ip(const char *s, void *arg)
{
	struct vsw_port_security *sec = arg;
	char buf[64], *slash, *end;
	unsigned long plen;
	uint8_t a6[16];
	struct in_addr a4;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		plen = 32;
		if (slash != NULL) {
			plen = strtoul(slash, &end, 10);
			if (*slash == '\0' || *end != '\0' || plen > 32)
				return -EINVAL;
		}
		if (sec->n_ip4 == VSW_SEC_MAX_IPS)
			return -ENOSPC;
		sec->ip4[sec->n_ip4].mask = plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
		sec->ip4[sec->n_ip4].addr = a4.s_addr & sec->ip4[sec->n_ip4].mask;
		sec->n_ip4++;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a6) == 1) {
		int i;

		plen = 128;
		if (slash != NULL) {
			plen = strtoul(slash, &end, 10);
			if (*slash == '\0' || *end != '\0' || plen > 128)
				return -EINVAL;
		}
		if (sec->n_ip6 == VSW_SEC_MAX_IPS)
			return -ENOSPC;
		for (i = 0; i < 16; i++) {
			int bits = (int)plen - i * 8;

			a6[i] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		}
		memcpy(sec->ip6[sec->n_ip6].addr, a6, 16);
		sec->ip6[sec->n_ip6].plen = (uint8_t)plen;
		sec->n_ip6++;
		return 0;
	}
	return -EINVAL;
}

/* Port security and policing keys of a port object. */
static int
security_from_json(const json_t *obj, struct dp_port_cfg *cfg, char *err, size_t errlen)
{
	const json_t *v;
	uint64_t n;
	int ret;

	v = json_object_get(obj, "port_security");
	if (v != NULL) {
		if (!json_is_boolean(v)) {
			snprintf(err, errlen, "'port_security' must be true or false");
			return -EINVAL;
		}
		cfg->sec.enabled = json_is_true(v);
	}
	v = json_object_get(obj, "allowed_macs");
	if (v != NULL) {
		cfg->sec.n_macs = 0;
		ret = for_each_item(v, "allowed_macs", add_mac, &cfg->sec, err, errlen);
		if (ret != 0)
			return ret;
	}
	v = json_object_get(obj, "allowed_ips");
	if (v != NULL) {
		cfg->sec.n_ip4 = 0;
		cfg->sec.n_ip6 = 0;
		ret = for_each_item(v, "allowed_ips", add_ip, &cfg->sec, err, errlen);
		if (ret != 0)
			return ret;
	}
	if (cfg->sec.enabled && cfg->sec.n_macs == 0) {
		snprintf(err, errlen, "port_security needs allowed_macs (the VNF's MAC addresses)");
		return -EINVAL;
	}
	{
		static const struct {
			const char *key;
			size_t off;
		} rates[] = {
			{ "ingress_policing_rate", offsetof(struct dp_port_cfg, ingress_rate) },
			{ "ingress_policing_burst", offsetof(struct dp_port_cfg, ingress_burst) },
			{ "egress_policing_rate", offsetof(struct dp_port_cfg, egress_rate) },
			{ "egress_policing_burst", offsetof(struct dp_port_cfg, egress_burst) },
		};
		size_t i;

		for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
			ret = vsd_get_uint(obj, rates[i].key, false, 0, 100000000, &n, err,
					   errlen);
			if (ret < 0)
				return ret;
			if (ret == 0)
				*(uint32_t *)((char *)cfg + rates[i].off) = (uint32_t)n;
		}
	}
	return 0;
}

static bool
key_known(const char *key, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (strcmp(key, *keys) == 0)
			return true;
	return false;
}

/* Reject keys outside @p keys (and @p extra, may be NULL). */
int
vsd_check_keys(const json_t *obj, const char *const *keys, const char *extra, char *err,
	       size_t errlen)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "params must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)obj, key, v) {
		(void)v;
		if (!key_known(key, keys) && (extra == NULL || strcmp(key, extra) != 0)) {
			snprintf(err, errlen, "unknown key '%s'", key);
			return -EINVAL;
		}
	}
	return 0;
}

int
vsd_get_string(const json_t *obj, const char *key, bool required, char *buf, size_t size,
	       char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		if (required) {
			snprintf(err, errlen, "missing '%s'", key);
			return -EINVAL;
		}
		return 1;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "'%s' must be a string", key);
		return -EINVAL;
	}
	if (json_string_length(v) >= size || strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(err, errlen, "'%s' is too long (at most %zu bytes) or has a NUL", key,
			 size - 1);
		return -EINVAL;
	}
	snprintf(buf, size, "%s", json_string_value(v));
	return 0;
}

int
vsd_get_uint(const json_t *obj, const char *key, bool required, uint64_t min, uint64_t max,
	     uint64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t n;

	if (v == NULL) {
		if (required) {
			snprintf(err, errlen, "missing '%s'", key);
			return -EINVAL;
		}
		return 1;
	}
	if (!json_is_integer(v)) {
		snprintf(err, errlen, "'%s' must be an integer", key);
		return -EINVAL;
	}
	n = json_integer_value(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max) {
		snprintf(err, errlen, "'%s' %lld out of range %llu..%llu", key, (long long)n,
			 (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = (uint64_t)n;
	return 0;
}

int
vsd_port_cfg_from_json(const json_t *obj, struct dp_port_cfg *cfg, bool update, char *err,
		       size_t errlen)
{
	char buf[64];
	const json_t *trunks;
	uint64_t n;
	bool mode_given = false, tag_given = false;
	int ret;

	ret = vsd_check_keys(obj, port_keys, update ? NULL : "bridge", err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_get_string(obj, "name", true, cfg->name, sizeof(cfg->name), err, errlen);
	if (ret < 0)
		return ret;
	ret = vsd_get_string(obj, "type", !update, buf, sizeof(buf), err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		enum dp_port_type type;

		if (dp_port_type_parse(buf, &type) != 0) {
			snprintf(err, errlen,
				 "unknown port type '%s' (expected dpdk, vhost-user, vhost-user-client)",
				 buf);
			return -EINVAL;
		}
		if (update && type != cfg->type) {
			snprintf(err, errlen, "the type of a port cannot change");
			return -EINVAL;
		}
		cfg->type = type;
	}
	ret = vsd_get_string(obj, "devargs", false, cfg->devargs, sizeof(cfg->devargs), err,
			     errlen);
	if (ret < 0)
		return ret;
	ret = vsd_get_string(obj, "path", false, cfg->path, sizeof(cfg->path), err, errlen);
	if (ret < 0)
		return ret;
	ret = vsd_get_uint(obj, "mtu", false, DP_MTU_MIN, DP_MTU_MAX, &n, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0)
		cfg->mtu = (uint16_t)n;
	ret = vsd_get_uint(obj, "n_rxq", false, 1, DP_MAX_RXQ, &n, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0)
		cfg->n_rxq = (uint16_t)n;

	ret = vsd_get_string(obj, "vlan_mode", false, buf, sizeof(buf), err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		if (vsw_vlan_mode_parse(buf, &cfg->vlan.mode) != 0) {
			snprintf(err, errlen,
				 "unknown vlan_mode '%s' (expected trunk, access, native-untagged, "
				 "native-tagged)", buf);
			return -EINVAL;
		}
		mode_given = true;
	}
	ret = vsd_get_uint(obj, "tag", false, 1, 4095, &n, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		cfg->vlan.tag = (uint16_t)n;
		tag_given = true;
	}
	/* As OVS: a tag without an explicit mode makes an access port. */
	if (tag_given && !mode_given && cfg->vlan.mode == VSW_VLAN_TRUNK)
		cfg->vlan.mode = VSW_VLAN_ACCESS;
	if (mode_given && cfg->vlan.mode == VSW_VLAN_TRUNK && !tag_given)
		cfg->vlan.tag = 0;

	trunks = json_object_get(obj, "trunks");
	if (trunks != NULL) {
		size_t i;
		json_t *v;

		if (!json_is_array(trunks)) {
			snprintf(err, errlen, "'trunks' must be an array of VLAN ids");
			return -EINVAL;
		}
		cfg->vlan.trunks_all = true;
		memset(cfg->vlan.trunks, 0, sizeof(cfg->vlan.trunks));
		json_array_foreach(trunks, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 4095) {
				snprintf(err, errlen, "'trunks' entry %zu is not a VLAN id 0..4095",
					 i);
				return -EINVAL;
			}
			vsw_vlan_cfg_allow(&cfg->vlan, (uint16_t)json_integer_value(v));
		}
	}
	ret = security_from_json(obj, cfg, err, errlen);
	if (ret != 0)
		return ret;
	return dp_port_cfg_validate(cfg, err, errlen);
}

json_t *
vsd_port_cfg_to_json(const struct dp_port_cfg *cfg)
{
	json_t *o = json_object();
	json_t *trunks;
	unsigned int v;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "name", json_string(cfg->name));
	json_object_set_new(o, "type", json_string(dp_port_type_name(cfg->type)));
	if (cfg->type == DP_PORT_DPDK)
		json_object_set_new(o, "devargs", json_string(cfg->devargs));
	else
		json_object_set_new(o, "path", json_string(cfg->path));
	json_object_set_new(o, "mtu", json_integer(cfg->mtu));
	json_object_set_new(o, "n_rxq", json_integer(cfg->n_rxq));
	json_object_set_new(o, "vlan_mode", json_string(vsw_vlan_mode_name(cfg->vlan.mode)));
	if (cfg->vlan.mode != VSW_VLAN_TRUNK)
		json_object_set_new(o, "tag", json_integer(cfg->vlan.tag));
	if (!cfg->vlan.trunks_all) {
		trunks = json_array();
		for (v = 0; v < 4096; v++)
			if (vsw_vlan_cfg_allows(&cfg->vlan, (uint16_t)v))
				json_array_append_new(trunks, json_integer(v));
		json_object_set_new(o, "trunks", trunks);
	}
	if (cfg->sec.enabled || cfg->sec.n_macs > 0 || cfg->sec.n_ip4 > 0 || cfg->sec.n_ip6 > 0) {
		json_t *macs = json_array(), *ips = json_array();
		char s[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN];
		unsigned int i;

		for (i = 0; i < cfg->sec.n_macs; i++) {
			const uint8_t *b = cfg->sec.macs[i].addr_bytes;

			snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
				 b[3], b[4], b[5]);
			json_array_append_new(macs, json_string(s));
		}
		for (i = 0; i < cfg->sec.n_ip4; i++) {
			inet_ntop(AF_INET, &cfg->sec.ip4[i].addr, a, sizeof(a));
			snprintf(s, sizeof(s), "%s/%d", a,
				 __builtin_popcount(cfg->sec.ip4[i].mask));
			json_array_append_new(ips, json_string(s));
		}
		for (i = 0; i < cfg->sec.n_ip6; i++) {
			inet_ntop(AF_INET6, cfg->sec.ip6[i].addr, a, sizeof(a));
			snprintf(s, sizeof(s), "%s/%u", a, cfg->sec.ip6[i].plen);
			json_array_append_new(ips, json_string(s));
		}
		json_object_set_new(o, "port_security", json_boolean(cfg->sec.enabled));
		json_object_set_new(o, "allowed_macs", macs);
		json_object_set_new(o, "allowed_ips", ips);
	}
	if (cfg->ingress_rate != 0) {
		json_object_set_new(o, "ingress_policing_rate", json_integer(cfg->ingress_rate));
		json_object_set_new(o, "ingress_policing_burst", json_integer(cfg->ingress_burst));
	}
	if (cfg->egress_rate != 0) {
		json_object_set_new(o, "egress_policing_rate", json_integer(cfg->egress_rate));
		json_object_set_new(o, "egress_policing_burst", json_integer(cfg->egress_burst));
	}
	return o;
}

static const char *const bridge_keys[] = { "name", "aging", "fdb_size", NULL };

int
vsd_bridge_cfg_from_json(const json_t *obj, struct dp_bridge_cfg *cfg, char *err, size_t errlen)
{
	uint64_t n;
	int ret;

	ret = vsd_check_keys(obj, bridge_keys, NULL, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_get_string(obj, "name", true, cfg->name, sizeof(cfg->name), err, errlen);
	if (ret < 0)
		return ret;
	if (!dp_name_valid(cfg->name)) {
		snprintf(err, errlen, "invalid bridge name '%s'", cfg->name);
		return -EINVAL;
	}
	ret = vsd_get_uint(obj, "aging", false, 0, 1000000, &n, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0)
		cfg->aging = (uint32_t)n;
	ret = vsd_get_uint(obj, "fdb_size", false, 16, 1u << 20, &n, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0)
		cfg->fdb_size = (uint32_t)n;
	return 0;
}

json_t *
vsd_bridge_cfg_to_json(const struct dp_bridge_cfg *cfg)
{
	return json_pack("{s:s, s:I, s:I}", "name", cfg->name, "aging", (json_int_t)cfg->aging,
			 "fdb_size", (json_int_t)cfg->fdb_size);
}

int
vsd_db_bridge_cfg(const json_t *br, struct dp_bridge_cfg *bc, char *err, size_t errlen)
{
	json_t *copy;
	int ret;

	dp_bridge_cfg_init(bc);
	copy = json_deep_copy(br);
	if (copy == NULL)
		return -ENOMEM;
	/* What the db keeps beside the bridge's own settings. */
	json_object_del(copy, "ports");
	json_object_del(copy, "static_macs");
	json_object_del(copy, "flows");
	json_object_del(copy, "mirrors");
	json_object_del(copy, "meters");
	ret = vsd_bridge_cfg_from_json(copy, bc, err, errlen);
	json_decref(copy);
	return ret;
}

int
vsd_db_validate(const json_t *doc, char *err, size_t errlen)
{
	const json_t *bridges, *br, *ports, *port;
	size_t i, j;
	char e[200];

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "db: not a JSON object");
		return -EINVAL;
	}
	bridges = json_object_get(doc, "bridges");
	if (bridges == NULL)
		return 0;
	if (!json_is_array(bridges)) {
		snprintf(err, errlen, "db: 'bridges' must be an array");
		return -EINVAL;
	}
	json_array_foreach(bridges, i, br) {
		struct dp_bridge_cfg bc;
		int ret;

		ret = vsd_db_bridge_cfg(br, &bc, e, sizeof(e));
		if (ret != 0) {
			snprintf(err, errlen, "db: bridge %zu: %s", i, e);
			return ret;
		}
		{
			const json_t *flows = json_object_get(br, "flows"), *f;
			size_t k;

			if (flows != NULL && !json_is_array(flows)) {
				snprintf(err, errlen, "db: bridge %s: 'flows' must be an array",
					 bc.name);
				return -EINVAL;
			}
			json_array_foreach(flows, k, f) {
				if (!json_is_string(f)) {
					snprintf(err, errlen, "db: bridge %s: flow %zu is not a string",
						 bc.name, k + 1);
					return -EINVAL;
				}
			}
		}
		ports = json_object_get(br, "ports");
		if (ports != NULL && !json_is_array(ports)) {
			snprintf(err, errlen, "db: bridge %s: 'ports' must be an array", bc.name);
			return -EINVAL;
		}
		json_array_foreach(ports, j, port) {
			struct dp_port_cfg pc;

			dp_port_cfg_init(&pc);
			ret = vsd_port_cfg_from_json(port, &pc, false, e, sizeof(e));
			if (ret != 0) {
				snprintf(err, errlen, "db: bridge %s port %zu: %s", bc.name, j, e);
				return ret;
			}
		}
	}
	return 0;
}
