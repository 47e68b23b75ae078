/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsd_config.c: the configuration vocabulary of edgeplane-vswitchd
 * (control/vswitchd_config.c): port and bridge JSON to and from the
 * dataplane's structs, with every key, every type and range error and the
 * VLAN rules, and the whole-document check of the db file. Pure code: no
 * EAL is started (the dataplane library is only linked for its pure
 * helpers: names, defaults and validation).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vswitchd.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static json_t *
parse(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (j == NULL)
		fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
	return j;
}

/* Parse @p text into @p cfg (already initialised by the caller). */
static int
port_from(const char *text, struct dp_port_cfg *cfg, bool update, char *err, size_t errlen)
{
	json_t *j = parse(text);
	int ret;

	strcpy(err, "untouched");
	ret = vsd_port_cfg_from_json(j, cfg, update, err, errlen);
	json_decref(j);
	return ret;
}

static void
check_err(const char *err, const char *want, const char *input, int line)
{
	if (strstr(err, want) == NULL)
		fail_msg("line %d: %s: error '%s' does not contain '%s'", line, input, err, want);
}

/* A new port from @p text must fail with -EINVAL and @p want in the reason. */
#define PORT_BAD(text, want) port_bad(text, want, false, NULL, __LINE__)
/* Updating @p base (NULL: a default vhost port) with @p text must fail. */
#define PORT_UPDATE_BAD(base, text, want) port_bad(text, want, true, base, __LINE__)

static void
port_bad(const char *text, const char *want, bool update, const struct dp_port_cfg *base,
	 int line)
{
	struct dp_port_cfg cfg;
	char err[256];
	int ret;

	if (base != NULL) {
		cfg = *base;
	} else {
		dp_port_cfg_init(&cfg);
		if (update) {
			strcpy(cfg.name, "p0");
			cfg.type = DP_PORT_VHOST_USER;
			strcpy(cfg.path, "/tmp/p0.sock");
		}
	}
	ret = port_from(text, &cfg, update, err, sizeof(err));
	if (ret != -EINVAL)
		fail_msg("line %d: %s: expected -EINVAL, got %d (err '%s')", line, text, ret, err);
	check_err(err, want, text, line);
}

/* A new port from @p text must be accepted. */
static void
port_good_at(const char *text, struct dp_port_cfg *cfg, int line)
{
	char err[256];
	int ret;

	dp_port_cfg_init(cfg);
	ret = port_from(text, cfg, false, err, sizeof(err));
	if (ret != 0)
		fail_msg("line %d: %s: expected success, got %d: %s", line, text, ret, err);
}
#define PORT_GOOD(text, cfg) port_good_at(text, cfg, __LINE__)

static void
port_update_good_at(const char *text, struct dp_port_cfg *cfg, int line)
{
	char err[256];
	int ret;

	ret = port_from(text, cfg, true, err, sizeof(err));
	if (ret != 0)
		fail_msg("line %d: update %s: expected success, got %d: %s", line, text, ret, err);
}
#define PORT_UPDATE_GOOD(text, cfg) port_update_good_at(text, cfg, __LINE__)

static void
assert_cfg_equal(const struct dp_port_cfg *a, const struct dp_port_cfg *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->type, b->type);
	assert_string_equal(a->devargs, b->devargs);
	assert_string_equal(a->path, b->path);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->n_rxq, b->n_rxq);
	assert_int_equal(a->vlan.mode, b->vlan.mode);
	assert_int_equal(a->vlan.tag, b->vlan.tag);
	assert_int_equal(a->vlan.trunks_all, b->vlan.trunks_all);
	assert_memory_equal(a->vlan.trunks, b->vlan.trunks, sizeof(a->vlan.trunks));
}

/* Number of VLANs allowed by an explicit trunk list. */
static unsigned int
n_trunks(const struct dp_port_cfg *cfg)
{
	unsigned int v, n = 0;

	for (v = 0; v < 4096; v++)
		n += vsw_vlan_cfg_allows(&cfg->vlan, (uint16_t)v);
	return n;
}

static char *
repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* ------------------------------------------------------------------------ */
/* vsd_port_cfg_from_json: accepted input                                   */

static void
test_port_defaults(void **state)
{
	struct dp_port_cfg cfg;

	(void)state;
	PORT_GOOD("{\"name\": \"vh0\", \"type\": \"vhost-user\", \"path\": \"/tmp/vh0.sock\"}",
		  &cfg);
	assert_string_equal(cfg.name, "vh0");
	assert_int_equal(cfg.type, DP_PORT_VHOST_USER);
	assert_string_equal(cfg.path, "/tmp/vh0.sock");
	assert_string_equal(cfg.devargs, "");
	assert_int_equal(cfg.mtu, DP_MTU_DEFAULT);
	assert_int_equal(cfg.n_rxq, 1);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_TRUNK);
	assert_int_equal(cfg.vlan.tag, 0);
	assert_true(cfg.vlan.trunks_all);

	PORT_GOOD("{\"name\": \"c0\", \"type\": \"vhost-user-client\", \"path\": \"/x\"}", &cfg);
	assert_int_equal(cfg.type, DP_PORT_VHOST_USER_CLIENT);
	assert_string_equal(cfg.path, "/x");

	/* port.add params carry "bridge": accepted (and ignored) for a new port */
	PORT_GOOD("{\"name\": \"d0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", "
		  "\"bridge\": \"br0\"}", &cfg);
	assert_int_equal(cfg.type, DP_PORT_DPDK);
	assert_string_equal(cfg.devargs, "net_null0");
	assert_string_equal(cfg.path, "");
}

static void
test_port_every_key(void **state)
{
	struct dp_port_cfg cfg;

	(void)state;
	PORT_GOOD("{\"name\": \"d1\", \"type\": \"dpdk\", \"devargs\": \"net_null1,size=64\", "
		  "\"mtu\": 9000, \"n_rxq\": 4, \"vlan_mode\": \"native-tagged\", \"tag\": 100, "
		  "\"trunks\": [0, 200, 4095, 200]}", &cfg);
	assert_string_equal(cfg.name, "d1");
	assert_int_equal(cfg.type, DP_PORT_DPDK);
	assert_string_equal(cfg.devargs, "net_null1,size=64");
	assert_string_equal(cfg.path, "");
	assert_int_equal(cfg.mtu, 9000);
	assert_int_equal(cfg.n_rxq, 4);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_NATIVE_TAGGED);
	assert_int_equal(cfg.vlan.tag, 100);
	assert_false(cfg.vlan.trunks_all);
	assert_int_equal(n_trunks(&cfg), 3);
	assert_true(vsw_vlan_cfg_allows(&cfg.vlan, 0));
	assert_true(vsw_vlan_cfg_allows(&cfg.vlan, 200));
	assert_true(vsw_vlan_cfg_allows(&cfg.vlan, 4095));

	PORT_GOOD("{\"name\": \"n1\", \"type\": \"vhost-user\", \"path\": \"/a/b\", "
		  "\"vlan_mode\": \"native-untagged\", \"tag\": 7, \"trunks\": [8]}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_NATIVE_UNTAGGED);
	assert_int_equal(cfg.vlan.tag, 7);
	assert_int_equal(n_trunks(&cfg), 1);

	PORT_GOOD("{\"name\": \"a1\", \"type\": \"vhost-user\", \"path\": \"/a/b\", "
		  "\"vlan_mode\": \"access\", \"tag\": 4095}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_ACCESS);
	assert_int_equal(cfg.vlan.tag, 4095);
	assert_true(cfg.vlan.trunks_all);

	PORT_GOOD("{\"name\": \"t1\", \"type\": \"vhost-user\", \"path\": \"/a/b\", "
		  "\"vlan_mode\": \"trunk\", \"trunks\": [1, 2]}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_TRUNK);
	assert_int_equal(cfg.vlan.tag, 0);
	assert_int_equal(n_trunks(&cfg), 2);

	/* range limits are inclusive */
	PORT_GOOD("{\"name\": \"m1\", \"type\": \"vhost-user\", \"path\": \"/a\", \"mtu\": 68, "
		  "\"n_rxq\": 8}", &cfg);
	assert_int_equal(cfg.mtu, DP_MTU_MIN);
	assert_int_equal(cfg.n_rxq, DP_MAX_RXQ);
	PORT_GOOD("{\"name\": \"m2\", \"type\": \"vhost-user\", \"path\": \"/a\", "
		  "\"mtu\": 9710}", &cfg);
	assert_int_equal(cfg.mtu, DP_MTU_MAX);
	PORT_GOOD("{\"name\": \"t2\", \"type\": \"vhost-user\", \"path\": \"/a\", \"tag\": 1}",
		  &cfg);
	assert_int_equal(cfg.vlan.tag, 1);
}

/* ------------------------------------------------------------------------ */
/* vsd_port_cfg_from_json: errors                                           */

#define VH "\"type\": \"vhost-user\", \"path\": \"/tmp/s\""

static void
test_port_not_object(void **state)
{
	(void)state;
	PORT_BAD("[]", "params must be a JSON object");
	PORT_BAD("\"p0\"", "params must be a JSON object");
	PORT_BAD("null", "params must be a JSON object");
	PORT_BAD("42", "params must be a JSON object");
}

static void
test_port_unknown_key(void **state)
{
	(void)state;
	PORT_BAD("{\"name\": \"p0\", " VH ", \"colour\": \"red\"}", "unknown key 'colour'");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"Name\": \"p0\"}", "unknown key 'Name'");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"id\": 3}", "unknown key 'id'");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"state\": \"up\"}", "unknown key 'state'");
	/* "bridge" only belongs to port.add, never to an update */
	PORT_UPDATE_BAD(NULL, "{\"name\": \"p0\", \"bridge\": \"br0\"}", "unknown key 'bridge'");
	PORT_UPDATE_BAD(NULL, "{\"name\": \"p0\", \"x\": 1}", "unknown key 'x'");
}

static void
test_port_missing(void **state)
{
	(void)state;
	PORT_BAD("{" VH "}", "missing 'name'");
	PORT_BAD("{}", "missing 'name'");
	PORT_BAD("{\"name\": \"p0\", \"path\": \"/tmp/s\"}", "missing 'type'");
	PORT_UPDATE_BAD(NULL, "{\"mtu\": 1600}", "missing 'name'");
}

static void
test_port_wrong_types(void **state)
{
	(void)state;
	PORT_BAD("{\"name\": 5, " VH "}", "'name' must be a string");
	PORT_BAD("{\"name\": null, " VH "}", "'name' must be a string");
	PORT_BAD("{\"name\": [\"p0\"], " VH "}", "'name' must be a string");
	PORT_BAD("{\"name\": \"p0\", \"type\": 1, \"path\": \"/a\"}", "'type' must be a string");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"dpdk\", \"devargs\": true}",
		 "'devargs' must be a string");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user\", \"path\": null}",
		 "'path' must be a string");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": \"1500\"}", "'mtu' must be an integer");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": 1500.0}", "'mtu' must be an integer");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": null}", "'mtu' must be an integer");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"n_rxq\": true}", "'n_rxq' must be an integer");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": 1}", "'vlan_mode' must be a string");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": \"10\"}", "'tag' must be an integer");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": 10.5}", "'tag' must be an integer");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": \"10,20\"}",
		 "'trunks' must be an array of VLAN ids");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": 10}",
		 "'trunks' must be an array of VLAN ids");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": {\"10\": 1}}",
		 "'trunks' must be an array of VLAN ids");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": [\"10\"]}",
		 "'trunks' entry 0 is not a VLAN id 0..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": [10, 1.5]}",
		 "'trunks' entry 1 is not a VLAN id 0..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": [10, 20, null]}",
		 "'trunks' entry 2 is not a VLAN id 0..4095");
}

static void
test_port_too_long(void **state)
{
	char big[400], text[600];

	(void)state;
	/* 31 bytes is the longest name */
	snprintf(text, sizeof(text), "{\"name\": \"%s\", " VH "}", repeat(big, 'n', 32));
	PORT_BAD(text, "'name' is too long (at most 31 bytes) or has a NUL");
	snprintf(text, sizeof(text), "{\"name\": \"p0\", \"type\": \"dpdk\", \"devargs\": \"%s\"}",
		 repeat(big, 'd', 256));
	PORT_BAD(text, "'devargs' is too long (at most 255 bytes)");
	snprintf(text, sizeof(text), "{\"name\": \"p0\", \"type\": \"vhost-user\", \"path\": \"/%s\"}",
		 repeat(big, 'p', 107));
	PORT_BAD(text, "'path' is too long (at most 107 bytes)");
	snprintf(text, sizeof(text), "{\"name\": \"p0\", \"type\": \"%s\", \"path\": \"/a\"}",
		 repeat(big, 't', 64));
	PORT_BAD(text, "'type' is too long");
	snprintf(text, sizeof(text), "{\"name\": \"p0\", " VH ", \"vlan_mode\": \"%s\"}",
		 repeat(big, 'v', 64));
	PORT_BAD(text, "'vlan_mode' is too long");
	/* an embedded NUL would silently truncate the string */
	PORT_BAD("{\"name\": \"p0\\u0000x\", " VH "}", "'name' is too long (at most 31 bytes) or has a NUL");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user\", \"path\": \"/a\\u0000/b\"}",
		 "'path' is too long (at most 107 bytes) or has a NUL");
}

static void
test_port_out_of_range(void **state)
{
	(void)state;
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": 67}", "'mtu' 67 out of range 68..9710");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": 9711}", "'mtu' 9711 out of range 68..9710");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": 0}", "'mtu' 0 out of range 68..9710");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": -1500}",
		 "'mtu' -1500 out of range 68..9710");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"mtu\": 66936}",	/* 1400 + 65536 */
		 "'mtu' 66936 out of range 68..9710");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"n_rxq\": 0}", "'n_rxq' 0 out of range 1..8");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"n_rxq\": 9}", "'n_rxq' 9 out of range 1..8");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"n_rxq\": 65537}",
		 "'n_rxq' 65537 out of range 1..8");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": 0}", "'tag' 0 out of range 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": 4096}", "'tag' 4096 out of range 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": -1}", "'tag' -1 out of range 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": 65537}",
		 "'tag' 65537 out of range 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": [4096]}",
		 "'trunks' entry 0 is not a VLAN id 0..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": [1, 2, -1]}",
		 "'trunks' entry 2 is not a VLAN id 0..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"trunks\": [65537]}",
		 "'trunks' entry 0 is not a VLAN id 0..4095");
}

static void
test_port_unknown_enums(void **state)
{
	(void)state;
	PORT_BAD("{\"name\": \"p0\", \"type\": \"veth\", \"path\": \"/a\"}",
		 "unknown port type 'veth' (expected dpdk, vhost-user, vhost-user-client)");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"\", \"path\": \"/a\"}", "unknown port type ''");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"DPDK\", \"devargs\": \"net_null0\"}",
		 "unknown port type 'DPDK'");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"bogus\"}",
		 "unknown vlan_mode 'bogus' (expected trunk, access, native-untagged, "
		 "native-tagged)");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"Access\", \"tag\": 5}",
		 "unknown vlan_mode 'Access'");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"\"}", "unknown vlan_mode ''");
}

static void
test_port_type_fields(void **state)
{
	(void)state;
	PORT_BAD("{\"name\": \"p0\", \"type\": \"dpdk\"}", "port p0: type dpdk needs devargs");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"dpdk\", \"devargs\": \"\"}",
		 "port p0: type dpdk needs devargs");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", "
		 "\"path\": \"/tmp/x\"}", "port p0: type dpdk takes no path");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user\"}",
		 "port p0: type vhost-user needs an absolute socket path");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user\", \"path\": \"vh0.sock\"}",
		 "port p0: type vhost-user needs an absolute socket path");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user\", \"path\": \"./vh0.sock\"}",
		 "port p0: type vhost-user needs an absolute socket path");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user-client\", \"path\": \"\"}",
		 "port p0: type vhost-user-client needs an absolute socket path");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user\", \"path\": \"/a\", "
		 "\"devargs\": \"net_null0\"}", "port p0: type vhost-user takes no devargs");
	PORT_BAD("{\"name\": \"p0\", \"type\": \"vhost-user-client\", \"path\": \"/a\", "
		 "\"devargs\": \"x\"}", "port p0: type vhost-user-client takes no devargs");
}

static void
test_port_names(void **state)
{
	static const char *const bad[] = {
		"", "-p", ".p", "a b", "a/b", "a:b", "a,b", "a=b", "p\\t0", "\\u00e9t\\u00e9",
		"a\\nb", "*", "br0;", "..",
	};
	static const char *const good[] = {
		"p", "P0", "a-b", "a.b", "a_b", "_x", "0", "vh0.1-x_Y", "p-", "p.",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 31 */
	};
	struct dp_port_cfg cfg;
	char text[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"name\": \"%s\", " VH "}", bad[i]);
		PORT_BAD(text, "invalid port name '");
		PORT_BAD(text, "(1-31 of A-Z a-z 0-9 _ . -, not starting with - or .)");
	}
	PORT_BAD("{\"name\": \"-p\", " VH "}", "invalid port name '-p'");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "{\"name\": \"%s\", " VH "}", good[i]);
		PORT_GOOD(text, &cfg);
		assert_string_equal(cfg.name, good[i]);
	}
}

static void
test_port_vlan_rules(void **state)
{
	struct dp_port_cfg cfg;

	(void)state;
	/* As OVS: a tag without a mode makes an access port. */
	PORT_GOOD("{\"name\": \"p0\", " VH ", \"tag\": 10}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_ACCESS);
	assert_int_equal(cfg.vlan.tag, 10);
	assert_true(cfg.vlan.trunks_all);
	/* ... but an explicit mode wins */
	PORT_GOOD("{\"name\": \"p0\", " VH ", \"tag\": 10, \"vlan_mode\": \"native-untagged\"}",
		  &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_NATIVE_UNTAGGED);
	assert_int_equal(cfg.vlan.tag, 10);
	/* the order of the keys does not matter */
	PORT_GOOD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"access\", \"tag\": 11}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_ACCESS);
	assert_int_equal(cfg.vlan.tag, 11);

	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"trunk\", \"tag\": 10}",
		 "trunk port must not have a tag");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"access\"}",
		 "access port needs tag 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"native-untagged\"}",
		 "native port needs tag 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"native-tagged\"}",
		 "native port needs tag 1..4095");
	PORT_BAD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"access\", \"tag\": 5, "
		 "\"trunks\": [5]}", "trunks are not allowed in access mode");
	/* a tag alone makes access, and access takes no trunks */
	PORT_BAD("{\"name\": \"p0\", " VH ", \"tag\": 5, \"trunks\": [5, 6]}",
		 "trunks are not allowed in access mode");
	/* an empty trunk list is no list: every VLAN */
	PORT_GOOD("{\"name\": \"p0\", " VH ", \"vlan_mode\": \"access\", \"tag\": 5, "
		  "\"trunks\": []}", &cfg);
	assert_true(cfg.vlan.trunks_all);
	PORT_GOOD("{\"name\": \"p0\", " VH ", \"trunks\": []}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_TRUNK);
	assert_true(cfg.vlan.trunks_all);
}

/* ------------------------------------------------------------------------ */
/* vsd_port_cfg_from_json with update=true (port.set)                       */

static void
make_base(struct dp_port_cfg *base)
{
	PORT_GOOD("{\"name\": \"vh0\", \"type\": \"vhost-user\", \"path\": \"/run/vh0.sock\", "
		  "\"mtu\": 9000, \"n_rxq\": 2, \"vlan_mode\": \"access\", \"tag\": 10}", base);
}

static void
test_update_keeps_fields(void **state)
{
	struct dp_port_cfg base, cfg, want;

	(void)state;
	make_base(&base);

	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\"}", &cfg);
	assert_cfg_equal(&cfg, &base);

	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"mtu\": 1600}", &cfg);
	want = base;
	want.mtu = 1600;
	assert_cfg_equal(&cfg, &want);

	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"type\": \"vhost-user\", \"n_rxq\": 4}", &cfg);
	want = base;
	want.n_rxq = 4;
	assert_cfg_equal(&cfg, &want);

	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"path\": \"/run/other.sock\"}", &cfg);
	want = base;
	strcpy(want.path, "/run/other.sock");
	assert_cfg_equal(&cfg, &want);

	/* a new tag on an access port keeps it access */
	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"tag\": 20}", &cfg);
	want = base;
	want.vlan.tag = 20;
	assert_cfg_equal(&cfg, &want);

	/* a mode change keeps the tag */
	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"vlan_mode\": \"native-untagged\", "
			 "\"trunks\": [30, 40]}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_NATIVE_UNTAGGED);
	assert_int_equal(cfg.vlan.tag, 10);
	assert_int_equal(n_trunks(&cfg), 2);
	assert_int_equal(cfg.mtu, 9000);

	/* and a tag on a native port keeps it native */
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"tag\": 50}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_NATIVE_UNTAGGED);
	assert_int_equal(cfg.vlan.tag, 50);
	assert_int_equal(n_trunks(&cfg), 2);
}

static void
test_update_vlan(void **state)
{
	struct dp_port_cfg base, cfg;

	(void)state;
	make_base(&base);

	/* vlan_mode=trunk clears the tag */
	cfg = base;
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"vlan_mode\": \"trunk\"}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_TRUNK);
	assert_int_equal(cfg.vlan.tag, 0);
	assert_true(cfg.vlan.trunks_all);
	assert_int_equal(cfg.mtu, 9000);

	/* a trunk port given a tag becomes access */
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"tag\": 33}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_ACCESS);
	assert_int_equal(cfg.vlan.tag, 33);

	/* trunk list set, then cleared by [] */
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"vlan_mode\": \"trunk\", \"trunks\": [1, 2, 3]}",
			 &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_TRUNK);
	assert_int_equal(cfg.vlan.tag, 0);
	assert_false(cfg.vlan.trunks_all);
	assert_int_equal(n_trunks(&cfg), 3);
	/* a new list replaces the old one, it does not add to it */
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"trunks\": [7]}", &cfg);
	assert_int_equal(n_trunks(&cfg), 1);
	assert_true(vsw_vlan_cfg_allows(&cfg.vlan, 7));
	assert_false(vsw_vlan_cfg_allows(&cfg.vlan, 1));
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"trunks\": []}", &cfg);
	assert_true(cfg.vlan.trunks_all);
	assert_int_equal(n_trunks(&cfg), 4096);

	/* a trunk port with a list cannot become access without clearing it */
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"trunks\": [7]}", &cfg);
	PORT_UPDATE_BAD(&cfg, "{\"name\": \"vh0\", \"tag\": 7}",
			"trunks are not allowed in access mode");
	PORT_UPDATE_GOOD("{\"name\": \"vh0\", \"tag\": 7, \"trunks\": []}", &cfg);
	assert_int_equal(cfg.vlan.mode, VSW_VLAN_ACCESS);
	assert_true(cfg.vlan.trunks_all);

	/* access -> trunk with a tag is refused */
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"vlan_mode\": \"trunk\", \"tag\": 10}",
			"trunk port must not have a tag");
}

static void
test_update_errors(void **state)
{
	struct dp_port_cfg base, dpdk;

	(void)state;
	make_base(&base);
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"type\": \"dpdk\"}",
			"the type of a port cannot change");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"type\": \"vhost-user-client\"}",
			"the type of a port cannot change");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"type\": \"tap\"}", "unknown port type 'tap'");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"devargs\": \"net_null0\"}",
			"port vh0: type vhost-user takes no devargs");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"path\": \"rel.sock\"}",
			"port vh0: type vhost-user needs an absolute socket path");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"mtu\": 10000}",
			"'mtu' 10000 out of range 68..9710");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"n_rxq\": 0}", "'n_rxq' 0 out of range 1..8");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"tag\": 0}", "'tag' 0 out of range 1..4095");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"vlan_mode\": \"bogus\"}",
			"unknown vlan_mode 'bogus'");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"trunks\": [5]}",
			"trunks are not allowed in access mode");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"trunks\": 5}",
			"'trunks' must be an array of VLAN ids");
	PORT_UPDATE_BAD(&base, "{\"name\": \"vh0\", \"mtu\": \"big\"}", "'mtu' must be an integer");
	PORT_UPDATE_BAD(&base, "[1]", "params must be a JSON object");

	PORT_GOOD("{\"name\": \"d0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"}", &dpdk);
	PORT_UPDATE_BAD(&dpdk, "{\"name\": \"d0\", \"type\": \"vhost-user\", \"path\": \"/a\"}",
			"the type of a port cannot change");
	PORT_UPDATE_BAD(&dpdk, "{\"name\": \"d0\", \"path\": \"/a\"}",
			"port d0: type dpdk takes no path");
	PORT_UPDATE_BAD(&dpdk, "{\"name\": \"d0\", \"devargs\": \"\"}",
			"port d0: type dpdk needs devargs");
	PORT_UPDATE_GOOD("{\"name\": \"d0\", \"devargs\": \"net_null1\"}", &dpdk);
	assert_string_equal(dpdk.devargs, "net_null1");
	assert_int_equal(dpdk.type, DP_PORT_DPDK);
}

/* ------------------------------------------------------------------------ */
/* vsd_port_cfg_to_json                                                     */

static void
roundtrip(const struct dp_port_cfg *cfg)
{
	struct dp_port_cfg back;
	char err[256];
	json_t *j = vsd_port_cfg_to_json(cfg);

	assert_non_null(j);
	dp_port_cfg_init(&back);
	strcpy(err, "untouched");
	if (vsd_port_cfg_from_json(j, &back, false, err, sizeof(err)) != 0)
		fail_msg("roundtrip of %s refused: %s", cfg->name, err);
	assert_cfg_equal(&back, cfg);
	json_decref(j);
}

static void
test_to_json_shape(void **state)
{
	struct dp_port_cfg cfg;
	json_t *j, *t;

	(void)state;
	PORT_GOOD("{\"name\": \"d0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"}", &cfg);
	j = vsd_port_cfg_to_json(&cfg);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "d0");
	assert_string_equal(json_string_value(json_object_get(j, "type")), "dpdk");
	assert_string_equal(json_string_value(json_object_get(j, "devargs")), "net_null0");
	assert_null(json_object_get(j, "path"));
	assert_int_equal(json_integer_value(json_object_get(j, "mtu")), 1500);
	assert_int_equal(json_integer_value(json_object_get(j, "n_rxq")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "vlan_mode")), "trunk");
	assert_null(json_object_get(j, "tag"));		/* trunk: no tag */
	assert_null(json_object_get(j, "trunks"));	/* every VLAN: no list */
	assert_int_equal(json_object_size(j), 6);
	json_decref(j);

	PORT_GOOD("{\"name\": \"v0\", \"type\": \"vhost-user-client\", \"path\": \"/s\", "
		  "\"vlan_mode\": \"native-tagged\", \"tag\": 9, \"trunks\": [4095, 0, 9]}", &cfg);
	j = vsd_port_cfg_to_json(&cfg);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "vhost-user-client");
	assert_string_equal(json_string_value(json_object_get(j, "path")), "/s");
	assert_null(json_object_get(j, "devargs"));
	assert_string_equal(json_string_value(json_object_get(j, "vlan_mode")), "native-tagged");
	assert_int_equal(json_integer_value(json_object_get(j, "tag")), 9);
	t = json_object_get(j, "trunks");
	assert_true(json_is_array(t));
	assert_int_equal(json_array_size(t), 3);	/* sorted */
	assert_int_equal(json_integer_value(json_array_get(t, 0)), 0);
	assert_int_equal(json_integer_value(json_array_get(t, 1)), 9);
	assert_int_equal(json_integer_value(json_array_get(t, 2)), 4095);
	json_decref(j);
}

static void
test_to_json_roundtrip(void **state)
{
	static const char *const ports[] = {
		"{\"name\": \"d0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"}",
		"{\"name\": \"d1\", \"type\": \"dpdk\", \"devargs\": \"net_tap0,iface=x\", "
		"\"mtu\": 9710, \"n_rxq\": 8, \"trunks\": [0, 1, 63, 64, 4095]}",
		"{\"name\": \"vh0\", \"type\": \"vhost-user\", \"path\": \"/run/vh0\", \"tag\": 4095}",
		"{\"name\": \"vh1\", \"type\": \"vhost-user\", \"path\": \"/run/vh1\", "
		"\"vlan_mode\": \"native-untagged\", \"tag\": 1, \"mtu\": 68}",
		"{\"name\": \"vc0\", \"type\": \"vhost-user-client\", \"path\": \"/run/vc0\", "
		"\"vlan_mode\": \"native-tagged\", \"tag\": 100, \"trunks\": [100, 200], "
		"\"n_rxq\": 3}",
		"{\"name\": \"vc1\", \"type\": \"vhost-user-client\", \"path\": \"/run/vc1\", "
		"\"vlan_mode\": \"trunk\", \"trunks\": [0]}",
	};
	struct dp_port_cfg cfg;
	unsigned int v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		PORT_GOOD(ports[i], &cfg);
		roundtrip(&cfg);
	}
	/* every VLAN listed one by one */
	PORT_GOOD("{\"name\": \"all\", \"type\": \"vhost-user\", \"path\": \"/a\"}", &cfg);
	for (v = 0; v < 4096; v++)
		vsw_vlan_cfg_allow(&cfg.vlan, (uint16_t)v);
	roundtrip(&cfg);
}

/* ------------------------------------------------------------------------ */
/* vsd_bridge_cfg_from_json                                                 */

static int
bridge_from(const char *text, struct dp_bridge_cfg *cfg, char *err, size_t errlen)
{
	json_t *j = parse(text);
	int ret;

	dp_bridge_cfg_init(cfg);
	strcpy(err, "untouched");
	ret = vsd_bridge_cfg_from_json(j, cfg, err, errlen);
	json_decref(j);
	return ret;
}

#define BRIDGE_BAD(text, want) bridge_bad(text, want, __LINE__)

static void
bridge_bad(const char *text, const char *want, int line)
{
	struct dp_bridge_cfg cfg;
	char err[256];
	int ret = bridge_from(text, &cfg, err, sizeof(err));

	if (ret != -EINVAL)
		fail_msg("line %d: %s: expected -EINVAL, got %d (err '%s')", line, text, ret, err);
	check_err(err, want, text, line);
}

static void
test_bridge(void **state)
{
	struct dp_bridge_cfg cfg, back;
	char err[256];
	json_t *j;

	(void)state;
	assert_int_equal(bridge_from("{\"name\": \"br0\"}", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.name, "br0");
	assert_int_equal(cfg.aging, VSW_FDB_AGING_DEFAULT);
	assert_int_equal(cfg.fdb_size, VSW_FDB_SIZE_DEFAULT);

	assert_int_equal(bridge_from("{\"name\": \"br-1.x_Y\", \"aging\": 0, \"fdb_size\": 16}",
				     &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.aging, 0);
	assert_int_equal(cfg.fdb_size, 16);
	assert_int_equal(bridge_from("{\"name\": \"b\", \"aging\": 1000000, "
				     "\"fdb_size\": 1048576}", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.aging, 1000000);
	assert_int_equal(cfg.fdb_size, 1048576);

	/* to_json and back */
	j = vsd_bridge_cfg_to_json(&cfg);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 3);
	dp_bridge_cfg_init(&back);
	assert_int_equal(vsd_bridge_cfg_from_json(j, &back, err, sizeof(err)), 0);
	assert_string_equal(back.name, cfg.name);
	assert_int_equal(back.aging, cfg.aging);
	assert_int_equal(back.fdb_size, cfg.fdb_size);
	json_decref(j);

	BRIDGE_BAD("[]", "params must be a JSON object");
	BRIDGE_BAD("{}", "missing 'name'");
	BRIDGE_BAD("{\"aging\": 10}", "missing 'name'");
	BRIDGE_BAD("{\"name\": \"br0\", \"ports\": []}", "unknown key 'ports'");
	BRIDGE_BAD("{\"name\": \"br0\", \"stp\": true}", "unknown key 'stp'");
	BRIDGE_BAD("{\"name\": 0}", "'name' must be a string");
	BRIDGE_BAD("{\"name\": \"\"}", "invalid bridge name ''");
	BRIDGE_BAD("{\"name\": \"-br\"}", "invalid bridge name '-br'");
	BRIDGE_BAD("{\"name\": \".br\"}", "invalid bridge name '.br'");
	BRIDGE_BAD("{\"name\": \"br 0\"}", "invalid bridge name 'br 0'");
	BRIDGE_BAD("{\"name\": \"br/0\"}", "invalid bridge name 'br/0'");
	BRIDGE_BAD("{\"name\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}",	/* 32 */
		   "'name' is too long (at most 31 bytes)");
	BRIDGE_BAD("{\"name\": \"br0\", \"aging\": \"300\"}", "'aging' must be an integer");
	BRIDGE_BAD("{\"name\": \"br0\", \"aging\": -1}", "'aging' -1 out of range 0..1000000");
	BRIDGE_BAD("{\"name\": \"br0\", \"aging\": 1000001}",
		   "'aging' 1000001 out of range 0..1000000");
	BRIDGE_BAD("{\"name\": \"br0\", \"fdb_size\": 15}", "'fdb_size' 15 out of range 16..1048576");
	BRIDGE_BAD("{\"name\": \"br0\", \"fdb_size\": 1048577}",
		   "'fdb_size' 1048577 out of range 16..1048576");
	BRIDGE_BAD("{\"name\": \"br0\", \"fdb_size\": 1e3}", "'fdb_size' must be an integer");
}

/* ------------------------------------------------------------------------ */
/* vsd_db_validate                                                          */

#define DB_BAD(text, want) db_bad(text, want, __LINE__)

static void
db_bad(const char *text, const char *want, int line)
{
	json_t *j = parse(text);
	char err[256];
	int ret;

	strcpy(err, "untouched");
	ret = vsd_db_validate(j, err, sizeof(err));
	json_decref(j);
	if (ret != -EINVAL)
		fail_msg("line %d: %s: expected -EINVAL, got %d (err '%s')", line, text, ret, err);
	check_err(err, want, text, line);
}

static void
db_good(const char *text)
{
	json_t *j = parse(text);
	char err[256] = "";
	int ret = vsd_db_validate(j, err, sizeof(err));

	json_decref(j);
	if (ret != 0)
		fail_msg("%s: expected valid, got %d: %s", text, ret, err);
}

#define P_VH0 "{\"name\": \"vh0\", \"type\": \"vhost-user\", \"path\": \"/run/vh0\"}"
#define P_D0 "{\"name\": \"d0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", \"tag\": 5}"

static void
test_db_valid(void **state)
{
	(void)state;
	db_good("{}");
	db_good("{\"version\": 1}");
	db_good("{\"version\": 1, \"bridges\": []}");
	db_good("{\"version\": 1, \"bridges\": [{\"name\": \"br0\"}]}");
	db_good("{\"version\": 1, \"bridges\": [{\"name\": \"br0\", \"ports\": []}]}");
	db_good("{\"version\": 1, \"bridges\": [{\"name\": \"br0\", \"aging\": 10, "
		"\"fdb_size\": 1024, \"ports\": [" P_VH0 ", " P_D0 "]}, "
		"{\"name\": \"br1\", \"ports\": [{\"name\": \"vh9\", \"type\": "
		"\"vhost-user-client\", \"path\": \"/x\", \"vlan_mode\": \"native-tagged\", "
		"\"tag\": 3, \"trunks\": [3, 4], \"mtu\": 9000, \"n_rxq\": 2}]}]}");
}

static void
test_db_document_shape(void **state)
{
	(void)state;
	DB_BAD("[]", "db: not a JSON object");
	DB_BAD("\"bridges\"", "db: not a JSON object");
	DB_BAD("null", "db: not a JSON object");
	DB_BAD("{\"bridges\": {}}", "db: 'bridges' must be an array");
	DB_BAD("{\"bridges\": \"br0\"}", "db: 'bridges' must be an array");
	DB_BAD("{\"bridges\": null}", "db: 'bridges' must be an array");
}

static void
test_db_bad_bridge(void **state)
{
	(void)state;
	/* a bridge is named by its index: its name may be what is wrong */
	DB_BAD("{\"bridges\": [\"br0\"]}", "db: bridge 0: params must be a JSON object");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\"}, {}]}", "db: bridge 1: missing 'name'");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\"}, {\"name\": \"-x\"}]}",
	       "db: bridge 1: invalid bridge name '-x'");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"colour\": 1}]}",
	       "db: bridge 0: unknown key 'colour'");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"aging\": -5}]}",
	       "db: bridge 0: 'aging' -5 out of range 0..1000000");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\"}, {\"name\": \"br1\", \"fdb_size\": 1}]}",
	       "db: bridge 1: 'fdb_size' 1 out of range 16..1048576");
}

static void
test_db_bad_port(void **state)
{
	(void)state;
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": {}}]}",
	       "db: bridge br0: 'ports' must be an array");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\"}, {\"name\": \"br1\", \"ports\": \"vh0\"}]}",
	       "db: bridge br1: 'ports' must be an array");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [42]}]}",
	       "db: bridge br0 port 0: params must be a JSON object");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [" P_VH0 ", {\"name\": \"vh1\"}]}]}",
	       "db: bridge br0 port 1: missing 'type'");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [" P_VH0 "]}, {\"name\": \"br1\", "
	       "\"ports\": [" P_D0 ", {\"name\": \"x\", \"type\": \"vhost-user\", "
	       "\"path\": \"/x\", \"mtu\": 1}]}]}",
	       "db: bridge br1 port 1: 'mtu' 1 out of range 68..9710");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [{\"name\": \"vh0\", "
	       "\"type\": \"vhost-user\", \"path\": \"rel\"}]}]}",
	       "db: bridge br0 port 0: port vh0: type vhost-user needs an absolute socket path");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [{\"name\": \"vh0\", "
	       "\"type\": \"vhost-user\", \"path\": \"/a\", \"state\": \"up\"}]}]}",
	       "db: bridge br0 port 0: unknown key 'state'");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [{\"name\": \"v h\", "
	       "\"type\": \"vhost-user\", \"path\": \"/a\"}]}]}",
	       "db: bridge br0 port 0: invalid port name 'v h'");
	DB_BAD("{\"bridges\": [{\"name\": \"br0\", \"ports\": [{\"name\": \"vh0\", "
	       "\"type\": \"vhost-user\", \"path\": \"/a\", \"vlan_mode\": \"access\"}]}]}",
	       "db: bridge br0 port 0: access port needs tag 1..4095");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_defaults),
		cmocka_unit_test(test_port_every_key),
		cmocka_unit_test(test_port_not_object),
		cmocka_unit_test(test_port_unknown_key),
		cmocka_unit_test(test_port_missing),
		cmocka_unit_test(test_port_wrong_types),
		cmocka_unit_test(test_port_too_long),
		cmocka_unit_test(test_port_out_of_range),
		cmocka_unit_test(test_port_unknown_enums),
		cmocka_unit_test(test_port_type_fields),
		cmocka_unit_test(test_port_names),
		cmocka_unit_test(test_port_vlan_rules),
		cmocka_unit_test(test_update_keeps_fields),
		cmocka_unit_test(test_update_vlan),
		cmocka_unit_test(test_update_errors),
		cmocka_unit_test(test_to_json_shape),
		cmocka_unit_test(test_to_json_roundtrip),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_db_valid),
		cmocka_unit_test(test_db_document_shape),
		cmocka_unit_test(test_db_bad_bridge),
		cmocka_unit_test(test_db_bad_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
