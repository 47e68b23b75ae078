/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vnf_config.c: ep-vnf-fwd's configuration parser (vnf/apps/fwd/
 * vnf_config.c). Valid configs are checked field by field; invalid ones
 * are a table of {JSON, expected error text}, so every rejection names the
 * key at fault. Pure code: EAL is linked but never initialised.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnf_fwd.h"

static struct vnf_config *cfg;

static int
setup(void **state)
{
	(void)state;
	cfg = calloc(1, sizeof(*cfg));
	return cfg == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(cfg);
	return 0;
}

static void
test_l2_minimal(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(vnf_config_parse("{\"mode\":\"l2\",\"ports\":[{},{}]}", cfg, err,
					  sizeof(err)), 0);
	assert_int_equal(cfg->mode, VNF_MODE_L2);
	assert_int_equal(cfg->n_ports, 2);
	assert_false(cfg->fw.enabled);
	assert_false(cfg->ports[0].rewrite_src);
	assert_false(cfg->ports[1].rewrite_dst);
}

static void
test_l2_rewrite(void **state)
{
	const char *j = "{\"mode\":\"l2\",\"ports\":["
			"{\"rewrite\":{\"src\":\"port\",\"dst\":\"02:00:00:00:00:01\"}},"
			"{\"rewrite\":{\"src\":\"02:aa:00:00:00:09\"}}]}";
	char err[256] = "";

	(void)state;
	assert_int_equal(vnf_config_parse(j, cfg, err, sizeof(err)), 0);
	assert_true(cfg->ports[0].rewrite_src);
	assert_true(cfg->ports[0].rewrite_src_port_mac);
	assert_true(cfg->ports[0].rewrite_dst);
	assert_int_equal(cfg->ports[0].rewrite_dst_mac.addr_bytes[5], 1);
	assert_true(cfg->ports[1].rewrite_src);
	assert_false(cfg->ports[1].rewrite_src_port_mac);
	assert_int_equal(cfg->ports[1].rewrite_src_mac.addr_bytes[1], 0xaa);
	assert_false(cfg->ports[1].rewrite_dst);
}

static void
test_l3_full(void **state)
{
	const char *j =
		"{\"mode\":\"l3\",\n"
		" \"ports\":[{\"ip\":\"10.0.0.1/24\"},{\"ip\":\"10.1.0.1/24\"}],\n"
		" \"routes\":[{\"prefix\":\"10.1.0.0/16\",\"port\":1,"
		"\"next_hop_mac\":\"02:00:00:00:00:02\"},\n"
		"  {\"prefix\":\"0.0.0.0/0\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:01\"}],\n"
		" \"firewall\":{\"default\":\"deny\",\"rules\":[\n"
		"  {\"name\":\"no-discard\",\"action\":\"deny\",\"proto\":\"udp\",\"dst_port\":9},\n"
		"  {\"action\":\"allow\",\"src\":\"10.0.0.0/8\",\"dst\":\"10.1.2.0/24\","
		"\"proto\":\"tcp\",\"src_port\":\"1024-65535\",\"dst_port\":\"80\"},\n"
		"  {\"action\":\"allow\",\"proto\":1}]}}";
	char err[256] = "";
	const struct vnf_fw_rule *r;

	(void)state;
	assert_int_equal(vnf_config_parse(j, cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cfg->mode, VNF_MODE_L3);
	assert_true(cfg->ports[1].has_ip);
	assert_int_equal(cfg->ports[1].ip.addr, 0x0a010001);
	assert_int_equal(cfg->ports[1].ip.len, 24);
	assert_int_equal(cfg->n_routes, 2);
	assert_int_equal(cfg->routes[0].prefix.addr, 0x0a010000);
	assert_int_equal(cfg->routes[0].prefix.len, 16);
	assert_int_equal(cfg->routes[0].port, 1);
	assert_int_equal(cfg->routes[1].prefix.len, 0);
	assert_true(cfg->fw.enabled);
	assert_int_equal(cfg->fw.default_action, VNF_DENY);
	assert_int_equal(cfg->fw.n_rules, 3);
	r = &cfg->fw.rules[0];
	assert_string_equal(r->name, "no-discard");
	assert_int_equal(r->action, VNF_DENY);
	assert_int_equal(r->proto, 17);
	assert_true(r->ports);
	assert_int_equal(r->dport_lo, 9);
	assert_int_equal(r->dport_hi, 9);
	assert_int_equal(r->sport_lo, 0);
	assert_int_equal(r->sport_hi, 65535);
	assert_int_equal(r->src.len, 0);
	r = &cfg->fw.rules[1];
	assert_string_equal(r->name, "rule1");
	assert_int_equal(r->src.addr, 0x0a000000);
	assert_int_equal(r->src.len, 8);
	assert_int_equal(r->dst.len, 24);
	assert_int_equal(r->sport_lo, 1024);
	assert_int_equal(r->dport_lo, 80);
	r = &cfg->fw.rules[2];
	assert_int_equal(r->proto, 1);
	assert_false(r->ports);
}

static void
test_firewall_defaults(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(vnf_config_parse("{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{}}",
					  cfg, err, sizeof(err)), 0);
	assert_true(cfg->fw.enabled);
	assert_int_equal(cfg->fw.default_action, VNF_ALLOW);
	assert_int_equal(cfg->fw.n_rules, 0);
}

static void
test_prefix_parse(void **state)
{
	struct vnf_prefix p;

	(void)state;
	assert_int_equal(vnf_prefix_parse("192.168.1.0/24", true, &p), 0);
	assert_int_equal(p.addr, 0xc0a80100);
	assert_int_equal(p.len, 24);
	assert_int_equal(vnf_prefix_parse("1.2.3.4", false, &p), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(vnf_prefix_parse("1.2.3.4", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("1.2.3.4/", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("1.2.3.4/33", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("1.2.3.4/-1", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("1.2.3.4/2x", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("1.2.3/8", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("/8", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("256.0.0.0/8", true, &p), -EINVAL);
	assert_int_equal(vnf_prefix_parse("0.0.0.0/0", true, &p), 0);
	assert_int_equal(p.len, 0);
}

/* Invalid configs and the text their error must contain. */
static const struct {
	const char *json;
	const char *error;
} bad[] = {
	{ "", "invalid JSON at line 1" },
	{ "[1]", "must be a JSON object" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"mode\":\"l3\"}", "duplicate object key" },
	{ "{\"ports\":[{},{}]}", "mode: required" },
	{ "{\"mode\":\"l4\",\"ports\":[{},{}]}", "mode: 'l4': must be" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"burst\":64}",
	  "unknown key 'burst' (allowed: mode, ports, routes, firewall)" },
	{ "{\"mode\":\"l2\"}", "ports: required" },
	{ "{\"mode\":\"l2\",\"ports\":[{}]}", "ports: mode \"l2\" needs exactly 2 ports, not 1" },
	{ "{\"mode\":\"l3\",\"ports\":[]}", "ports: 1..8 ports, not 0" },
	{ "{\"mode\":\"l2\",\"ports\":[{},3]}", "ports[1]: must be an object" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{\"mac\":\"x\"}]}", "ports[1]: unknown key 'mac'" },
	{ "{\"mode\":\"l2\",\"ports\":[{\"ip\":\"10.0.0.1/24\"},{}]}",
	  "ports[0].ip: only valid in mode \"l3\"" },
	{ "{\"mode\":\"l3\",\"ports\":[{}]}", "ports[0].ip: required in mode \"l3\"" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1\"}]}", "ports[0].ip: bad interface" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/0\"}]}", "ports[0].ip: bad interface" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"0.0.0.0/8\"}]}", "ports[0].ip: 0.0.0.0 is not" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\",\"rewrite\":{}}]}",
	  "ports[0].rewrite: only valid in mode \"l2\"" },
	{ "{\"mode\":\"l2\",\"ports\":[{\"rewrite\":{\"dst\":\"02:00:00:00:00\"}},{}]}",
	  "ports[0].rewrite.dst: bad MAC address" },
	{ "{\"mode\":\"l2\",\"ports\":[{\"rewrite\":{\"src\":\"me\"}},{}]}",
	  "ports[0].rewrite.src: must be \"port\" or a MAC address" },
	{ "{\"mode\":\"l2\",\"ports\":[{\"rewrite\":{\"vlan\":3}},{}]}",
	  "ports[0].rewrite: unknown key 'vlan' (allowed: src, dst)" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"routes\":[]}", "routes: only valid in mode \"l3\"" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":{}}",
	  "routes: must be an array" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":[{\"prefix\":"
	  "\"10.0.0.0/33\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:01\"}]}",
	  "routes[0].prefix: bad prefix '10.0.0.0/33'" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":[{\"prefix\":"
	  "\"10.0.0.1/24\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:01\"}]}",
	  "routes[0].prefix: '10.0.0.1/24' has host bits set" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":[{\"prefix\":"
	  "\"10.0.0.0/24\",\"port\":1,\"next_hop_mac\":\"02:00:00:00:00:01\"}]}",
	  "routes[0].port: must be a port index 0..0" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":[{\"prefix\":"
	  "\"10.0.0.0/24\",\"port\":0}]}",
	  "routes[0].next_hop_mac: required" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":["
	  "{\"prefix\":\"10.0.0.0/24\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:01\"},"
	  "{\"prefix\":\"10.0.0.0/24\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:02\"}]}",
	  "routes[1]: duplicate prefix (same as routes[0])" },
	{ "{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/8\"}],\"routes\":[{\"prefix\":"
	  "\"10.0.0.0/24\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:01\",\"metric\":1}]}",
	  "routes[0]: unknown key 'metric'" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":[]}", "firewall: must be an object" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"default\":\"drop\"}}",
	  "firewall.default: must be \"allow\" or \"deny\"" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rule\":[]}}",
	  "firewall: unknown key 'rule' (allowed: default, rules)" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{}]}}",
	  "firewall.rules[0].action: required" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"dst_ports\":\"9\"}]}}",
	  "firewall.rules[0]: unknown key 'dst_ports'" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"src\":\"10.0.0.0/8\"},{\"action\":\"deny\",\"dst\":\"10.0.0.0/4\"}]}}",
	  "firewall.rules[1].dst: '10.0.0.0/4' has host bits set" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"src\":\"10.0.0.0\"}]}}",
	  "firewall.rules[0].src: bad prefix '10.0.0.0'" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"proto\":\"sctp\"}]}}",
	  "firewall.rules[0].proto: must be" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"proto\":256}]}}",
	  "firewall.rules[0].proto: protocol number must be 0..255" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"proto\":\"udp\",\"dst_port\":\"100-99\"}]}}",
	  "firewall.rules[0].dst_port: empty range 100-99 (LO > HI)" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"proto\":\"udp\",\"src_port\":70000}]}}",
	  "firewall.rules[0].src_port: ports must be 0..65535" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"proto\":\"udp\",\"src_port\":\"1-2-3\"}]}}",
	  "firewall.rules[0].src_port: bad port range '1-2-3'" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"proto\":\"udp\",\"src_port\":true}]}}",
	  "firewall.rules[0].src_port: must be a port number" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"dst_port\":53}]}}",
	  "firewall.rules[0]: src_port/dst_port need \"proto\": \"tcp\" or \"udp\"" },
	{ "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[{\"action\":\"deny\","
	  "\"name\":\"a-name-that-is-much-too-long-for-it\"}]}}",
	  "firewall.rules[0].name: must be a string of at most 31 characters" },
};

static void
test_invalid(void **state)
{
	char err[320];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(err, sizeof(err), "(unset)");
		if (vnf_config_parse(bad[i].json, cfg, err, sizeof(err)) != -EINVAL) {
			print_error("accepted: %s\n", bad[i].json);
			fail();
		}
		if (strstr(err, bad[i].error) == NULL) {
			print_error("case %zu: %s\n  error: %s\n  want:  %s\n", i, bad[i].json, err,
				    bad[i].error);
			fail();
		}
	}
}

static void
test_too_many_rules(void **state)
{
	size_t size = 64 + (VNF_MAX_RULES + 1) * 24;
	char *j = malloc(size), err[256];
	size_t off;

	(void)state;
	assert_non_null(j);
	off = (size_t)snprintf(j, size, "{\"mode\":\"l2\",\"ports\":[{},{}],\"firewall\":{\"rules\":[");
	for (int i = 0; i <= VNF_MAX_RULES; i++)
		off += (size_t)snprintf(j + off, size - off, "%s{\"action\":\"deny\"}", i ? "," : "");
	snprintf(j + off, size - off, "]}}");
	assert_int_equal(vnf_config_parse(j, cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "firewall.rules: at most 256 rules"));
	free(j);
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/test-vnf-config.XXXXXX", err[256];
	const char *j = "{\"mode\":\"l2\",\"ports\":[{},{}]}";
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, j, strlen(j)), (ssize_t)strlen(j));
	close(fd);
	assert_int_equal(vnf_config_load(path, cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_ports, 2);
	unlink(path);
	assert_int_equal(vnf_config_load(path, cfg, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_l2_minimal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l2_rewrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l3_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
