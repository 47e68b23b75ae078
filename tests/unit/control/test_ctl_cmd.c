/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_cmd.c: unit tests of the edgeplane-ctl command parser and the
 * result printer (control/ctl_cmd.c, control/ctl_print.c).
 *
 * Valid command lines must produce exactly the expected method and params;
 * each class of bad argument must be refused with one line that names the
 * offending key or value. Printer tests check the table shapes people rely on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static int
count_args(char **argv)
{
	int n = 0;

	while (argv[n] != NULL)
		n++;
	return n;
}

/* Parse @argv and check the method and params (NULL: none). */
static void
check_ok(char **argv, const char *method, const char *params_json)
{
	struct ctl_request req;
	char err[512] = "";
	json_t *expected = NULL;
	char *got;
	int ret;

	ret = ctl_cmd_parse(count_args(argv), argv, &req, err, sizeof(err));
	if (ret != 0)
		fail_msg("%s: unexpected error %d: %s", argv[0], ret, err);
	assert_string_equal(req.command, argv[0]);
	assert_string_equal(req.method, method);
	if (params_json == NULL) {
		assert_null(req.params);
	} else {
		expected = json_loads(params_json, 0, NULL);
		assert_non_null(expected);
		if (!json_equal(expected, req.params)) {
			got = json_dumps(req.params, JSON_COMPACT | JSON_SORT_KEYS);
			fail_msg("%s: params %s, expected %s", argv[0], got, params_json);
		}
		json_decref(expected);
	}
	ctl_request_free(&req);
	assert_null(req.params);
}

/* Parse @argv, expect -EINVAL, and check that err holds @n1 and @n2 (if not NULL). */
static void
check_err(char **argv, const char *n1, const char *n2)
{
	struct ctl_request req;
	char err[512] = "";
	int ret;

	ret = ctl_cmd_parse(count_args(argv), argv, &req, err, sizeof(err));
	if (ret != -EINVAL)
		fail_msg("%s %s: expected -EINVAL, got %d", argv[0] != NULL ? argv[0] : "",
			 argv[0] != NULL && argv[1] != NULL ? argv[1] : "", ret);
	assert_null(req.params);
	if (strstr(err, n1) == NULL || (n2 != NULL && strstr(err, n2) == NULL))
		fail_msg("error '%s' does not mention '%s'/'%s'", err, n1, n2 != NULL ? n2 : "");
	if (strchr(err, '\n') != NULL)
		fail_msg("error '%s' is not one line", err);
	ctl_request_free(&req);
}

static void
test_unknown_command(void **state)
{
	struct ctl_request req;
	char err[256] = "";

	(void)state;
	check_err(ARGV("frobnicate"), "unknown command 'frobnicate'", NULL);
	assert_int_equal(ctl_cmd_parse(0, ARGV(NULL), &req, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "missing command"));
	ctl_request_free(NULL);
}

static void
test_add_br(void **state)
{
	(void)state;
	check_ok(ARGV("add-br", "br0"), "bridge.add", "{\"name\":\"br0\"}");
	check_ok(ARGV("add-br", "br0", "aging=300", "fdb_size=8192"), "bridge.add",
		 "{\"name\":\"br0\",\"aging\":300,\"fdb_size\":8192}");
	check_ok(ARGV("add-br", "aging=0", "br-x.1_A", "fdb_size=16"), "bridge.add",
		 "{\"name\":\"br-x.1_A\",\"aging\":0,\"fdb_size\":16}");
	check_ok(ARGV("add-br", "b", "aging=1000000", "fdb_size=1048576"), "bridge.add",
		 "{\"name\":\"b\",\"aging\":1000000,\"fdb_size\":1048576}");
	check_ok(ARGV("add-br", "abcdefghijabcdefghijabcdefghij1"), "bridge.add",
		 "{\"name\":\"abcdefghijabcdefghijabcdefghij1\"}");
}

static void
test_add_br_errors(void **state)
{
	(void)state;
	/* missing and extra positionals */
	check_err(ARGV("add-br"), "add-br: missing BR", NULL);
	check_err(ARGV("add-br", "aging=5"), "missing BR", NULL);
	check_err(ARGV("add-br", "br0", "br1"), "unexpected argument 'br1'", NULL);
	/* unknown and repeated keys */
	check_err(ARGV("add-br", "br0", "foo=1"), "unknown key 'foo'",
		  "(expected: aging, fdb_size)");
	check_err(ARGV("add-br", "br0", "=1"), "unknown key ''", NULL);
	check_err(ARGV("add-br", "br0", "aging=1", "aging=2"), "'aging' given twice", NULL);
	/* bad values */
	check_err(ARGV("add-br", "br0", "aging=abc"), "bad value 'abc' for aging", "0..1000000");
	check_err(ARGV("add-br", "br0", "aging=1000001"), "'1000001' for aging", NULL);
	check_err(ARGV("add-br", "br0", "aging=-1"), "'-1' for aging", NULL);
	check_err(ARGV("add-br", "br0", "aging=+1"), "'+1' for aging", NULL);
	check_err(ARGV("add-br", "br0", "aging= 1"), "' 1' for aging", NULL);
	check_err(ARGV("add-br", "br0", "aging="), "bad value '' for aging", NULL);
	check_err(ARGV("add-br", "br0", "aging=99999999999999999999"), "for aging", NULL);
	check_err(ARGV("add-br", "br0", "fdb_size=15"), "'15' for fdb_size", "16..1048576");
	check_err(ARGV("add-br", "br0", "fdb_size=1048577"), "'1048577' for fdb_size", NULL);
	check_err(ARGV("add-br", "br0", "fdb_size=0x10"), "'0x10' for fdb_size", NULL);
	/* bad names */
	check_err(ARGV("add-br", "abcdefghijabcdefghijabcdefghij12"),
		  "invalid bridge name 'abcdefghijabcdefghijabcdefghij12'", NULL);
	check_err(ARGV("add-br", "-br"), "invalid bridge name '-br'", NULL);
	check_err(ARGV("add-br", ".br"), "invalid bridge name '.br'", NULL);
	check_err(ARGV("add-br", "br/0"), "invalid bridge name 'br/0'", NULL);
	check_err(ARGV("add-br", "br 0"), "invalid bridge name 'br 0'", NULL);
	check_err(ARGV("add-br", ""), "invalid bridge name ''", NULL);
}

static void
test_del_set_br(void **state)
{
	(void)state;
	check_ok(ARGV("del-br", "br0"), "bridge.del", "{\"name\":\"br0\"}");
	check_err(ARGV("del-br"), "del-br: missing BR", NULL);
	check_err(ARGV("del-br", "br0", "br1"), "unexpected argument 'br1'", NULL);
	check_err(ARGV("del-br", "br0", "aging=1"), "unexpected argument 'aging=1'", NULL);

	check_ok(ARGV("set-br", "br0", "aging=10"), "bridge.set",
		 "{\"name\":\"br0\",\"aging\":10}");
	check_ok(ARGV("set-br", "br0", "fdb_size=4096", "aging=1"), "bridge.set",
		 "{\"name\":\"br0\",\"aging\":1,\"fdb_size\":4096}");
	check_err(ARGV("set-br", "br0"), "set-br: nothing to set", "aging, fdb_size");
	check_err(ARGV("set-br", "aging=1"), "set-br: missing BR", NULL);
	check_err(ARGV("set-br", "br0", "mtu=1500"), "unknown key 'mtu'", NULL);
	check_err(ARGV("set-br", "br0", "aging=x"), "bad value 'x' for aging", NULL);
}

static void
test_add_port(void **state)
{
	(void)state;
	check_ok(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=0000:01:00.0"), "port.add",
		 "{\"bridge\":\"br0\",\"name\":\"p0\",\"type\":\"dpdk\","
		 "\"devargs\":\"0000:01:00.0\"}");
	check_ok(ARGV("add-port", "br0", "vh0", "type=vhost-user", "path=/run/vh0.sock"),
		 "port.add", "{\"bridge\":\"br0\",\"name\":\"vh0\",\"type\":\"vhost-user\","
		 "\"path\":\"/run/vh0.sock\"}");
	check_ok(ARGV("add-port", "br0", "vh1", "type=vhost-user-client", "path=/tmp/x",
		      "vlan_mode=native-tagged", "tag=4095", "trunks=10,20-22", "mtu=9710",
		      "n_rxq=8"), "port.add",
		 "{\"bridge\":\"br0\",\"name\":\"vh1\",\"type\":\"vhost-user-client\","
		 "\"path\":\"/tmp/x\",\"vlan_mode\":\"native-tagged\",\"tag\":4095,"
		 "\"trunks\":[10,20,21,22],\"mtu\":9710,\"n_rxq\":8}");
	/* trunks are expanded, sorted and deduplicated; bounds are inclusive */
	check_ok(ARGV("add-port", "br0", "p1", "type=dpdk", "devargs=net_null0",
		      "trunks=22,20-22,10,10,0,4095", "vlan_mode=trunk", "mtu=68", "n_rxq=1",
		      "tag=1"), "port.add",
		 "{\"bridge\":\"br0\",\"name\":\"p1\",\"type\":\"dpdk\","
		 "\"devargs\":\"net_null0\",\"trunks\":[0,10,20,21,22,4095],"
		 "\"vlan_mode\":\"trunk\",\"mtu\":68,\"n_rxq\":1,\"tag\":1}");
	check_ok(ARGV("add-port", "br0", "p2", "type=dpdk", "devargs=net_ring0,a=b",
		      "vlan_mode=access", "trunks=7-7"), "port.add",
		 "{\"bridge\":\"br0\",\"name\":\"p2\",\"type\":\"dpdk\","
		 "\"devargs\":\"net_ring0,a=b\",\"vlan_mode\":\"access\",\"trunks\":[7]}");
	check_ok(ARGV("add-port", "br0", "p3", "type=dpdk", "devargs=x",
		      "vlan_mode=native-untagged"),
		 "port.add", "{\"bridge\":\"br0\",\"name\":\"p3\",\"type\":\"dpdk\","
		 "\"devargs\":\"x\",\"vlan_mode\":\"native-untagged\"}");
}

static void
test_add_port_errors(void **state)
{
	(void)state;
	/* positionals */
	check_err(ARGV("add-port"), "add-port: missing BR", NULL);
	check_err(ARGV("add-port", "br0", "type=dpdk"), "add-port: missing PORT", NULL);
	check_err(ARGV("add-port", "br0", "p0", "p1", "type=dpdk"), "unexpected argument 'p1'",
		  NULL);
	check_err(ARGV("add-port", "br0", "p:0", "type=dpdk"), "invalid port name 'p:0'", NULL);
	/* keys */
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "foo=1"),
		  "add-port: unknown key 'foo' (expected: type, devargs, path, vlan_mode, tag, "
		  "trunks, mtu, n_rxq, port_security, allowed_macs, allowed_ips, "
		  "ingress_policing_rate, ingress_policing_burst, egress_policing_rate, "
		  "egress_policing_burst)", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "type=dpdk", "devargs=x"),
		  "'type' given twice", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "tag=1", "tag=1"),
		  "'tag' given twice", NULL);
	/* type rules */
	check_err(ARGV("add-port", "br0", "p0"), "missing required key 'type'", NULL);
	check_err(ARGV("add-port", "br0", "p0", "devargs=x"), "missing required key 'type'", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=tap"), "bad value 'tap' for type",
		  "dpdk, vhost-user, vhost-user-client");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk"), "type=dpdk requires devargs", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "path=/x"),
		  "type=dpdk does not take path", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=vhost-user"),
		  "type=vhost-user requires path", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=vhost-user-client", "path=/x", "devargs=y"),
		  "type=vhost-user-client does not take devargs", NULL);
	/* values */
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs="),
		  "bad value '' for devargs", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=vhost-user", "path="),
		  "bad value '' for path", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=vhost-user",
		       "path=/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
		  "for path", "1..107 characters");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=a\tb"), "for devargs", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "vlan_mode=hybrid"),
		  "bad value 'hybrid' for vlan_mode",
		  "trunk, access, native-untagged, native-tagged");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "tag=0"),
		  "bad value '0' for tag", "1..4095");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "tag=4096"),
		  "bad value '4096' for tag", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "mtu=67"),
		  "bad value '67' for mtu", "68..9710");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "mtu=9711"),
		  "bad value '9711' for mtu", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "n_rxq=0"),
		  "bad value '0' for n_rxq", "1..8");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "n_rxq=9"),
		  "bad value '9' for n_rxq", NULL);
	/* trunks */
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks="),
		  "bad value '' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=1,,2"),
		  "bad value '1,,2' for trunks", "0..4095");
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=5-3"),
		  "bad value '5-3' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=4096"),
		  "bad value '4096' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=1-"),
		  "bad value '1-' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=-3"),
		  "bad value '-3' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=1,"),
		  "bad value '1,' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=1-2-3"),
		  "bad value '1-2-3' for trunks", NULL);
	check_err(ARGV("add-port", "br0", "p0", "type=dpdk", "devargs=x", "trunks=a"),
		  "bad value 'a' for trunks", NULL);
}

static void
test_set_port(void **state)
{
	(void)state;
	check_ok(ARGV("set-port", "p0", "mtu=9000"), "port.set", "{\"name\":\"p0\",\"mtu\":9000}");
	check_ok(ARGV("set-port", "p0", "trunks="), "port.set", "{\"name\":\"p0\",\"trunks\":[]}");
	check_ok(ARGV("set-port", "p0", "vlan_mode=access", "tag=100", "trunks=1-3", "n_rxq=2",
		      "path=/x", "devargs=y"), "port.set",
		 "{\"name\":\"p0\",\"vlan_mode\":\"access\",\"tag\":100,\"trunks\":[1,2,3],"
		 "\"n_rxq\":2,\"path\":\"/x\",\"devargs\":\"y\"}");
	check_err(ARGV("set-port", "p0"), "set-port: nothing to set", "devargs, path, vlan_mode");
	check_err(ARGV("set-port", "p0", "type=dpdk"), "unknown key 'type'",
		  "(expected: devargs, path, vlan_mode, tag, trunks, mtu, n_rxq, port_security");
	check_err(ARGV("set-port", "p0", "tag=0"), "bad value '0' for tag", NULL);
	check_err(ARGV("set-port", "p0", "trunks=,"), "bad value ',' for trunks",
		  "or nothing to clear");
	check_err(ARGV("set-port", "p0", "mtu=1500", "mtu=1500"), "'mtu' given twice", NULL);
	check_err(ARGV("set-port", "mtu=1500"), "set-port: missing PORT", NULL);
	check_err(ARGV("set-port", "p0", "p1", "mtu=1500"), "unexpected argument 'p1'", NULL);
}

static void
test_simple_commands(void **state)
{
	(void)state;
	check_ok(ARGV("del-port", "p0"), "port.del", "{\"name\":\"p0\"}");
	check_err(ARGV("del-port"), "del-port: missing PORT", NULL);
	check_err(ARGV("del-port", "p0", "p1"), "unexpected argument 'p1'", NULL);

	check_ok(ARGV("show"), "bridge.list", "{}");
	check_err(ARGV("show", "br0"), "show: unexpected argument 'br0'", NULL);

	check_ok(ARGV("list-ports"), "port.list", "{}");
	check_ok(ARGV("list-ports", "br0"), "port.list", "{\"bridge\":\"br0\"}");
	check_err(ARGV("list-ports", "br0", "br1"), "unexpected argument 'br1'", NULL);
	check_err(ARGV("list-ports", "-x"), "invalid bridge name '-x'", NULL);

	check_ok(ARGV("port-stats"), "port.stats", "{}");
	check_ok(ARGV("port-stats", "p0"), "port.stats", "{\"name\":\"p0\"}");
	check_err(ARGV("port-stats", "p0", "p1"), "unexpected argument 'p1'", NULL);

	check_ok(ARGV("fdb-show", "br0"), "fdb.show", "{\"bridge\":\"br0\"}");
	check_err(ARGV("fdb-show"), "fdb-show: missing BR", NULL);
	check_err(ARGV("fdb-show", "br0", "x=1"), "unexpected argument 'x=1'", NULL);

	check_ok(ARGV("fdb-flush", "br0"), "fdb.flush", "{\"bridge\":\"br0\"}");
	check_ok(ARGV("fdb-flush", "br0", "p0"), "fdb.flush",
		 "{\"bridge\":\"br0\",\"port\":\"p0\"}");
	check_err(ARGV("fdb-flush"), "fdb-flush: missing BR", NULL);
	check_err(ARGV("fdb-flush", "br0", "p0", "p1"), "unexpected argument 'p1'", NULL);
	check_err(ARGV("fdb-flush", "br0", "p 0"), "invalid port name 'p 0'", NULL);

	check_ok(ARGV("pmd-stats"), "pmd.stats", "{}");
	check_err(ARGV("pmd-stats", "x"), "unexpected argument 'x'", NULL);
	check_ok(ARGV("pmd-rxq-show"), "pmd.rxq", "{}");
	check_err(ARGV("pmd-rxq-show", "x"), "unexpected argument 'x'", NULL);
	check_ok(ARGV("version"), "system.version", "{}");
	check_err(ARGV("version", "x"), "unexpected argument 'x'", NULL);
}

static void
test_call(void **state)
{
	(void)state;
	check_ok(ARGV("call", "system.version"), "system.version", NULL);
	check_ok(ARGV("call", "port.add", "{\"name\":\"p0\",\"x\":[1,2]}"), "port.add",
		 "{\"name\":\"p0\",\"x\":[1,2]}");
	check_ok(ARGV("call", "x.y", "[1,\"a=b\"]"), "x.y", "[1,\"a=b\"]");
	check_err(ARGV("call"), "call: missing METHOD", NULL);
	check_err(ARGV("call", "m", "{}", "x"), "unexpected argument 'x'", NULL);
	check_err(ARGV("call", "m", "{bad"), "call: invalid JSON params '{bad'", NULL);
	check_err(ARGV("call", "m", "42"), "params '42' must be a JSON object or array", NULL);
	check_err(ARGV("call", "m", "\"s\""), "must be a JSON object or array", NULL);
	check_err(ARGV("call", ""), "invalid method name ''", NULL);
	check_err(ARGV("call", "a b"), "invalid method name 'a b'", NULL);
	check_err(ARGV("call", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
		  "invalid method name", "1..63");
}

/* Render @result_json for @method and return the text (caller frees). */
static char *
render(const char *command, const char *method, const char *result_json, bool as_json)
{
	struct ctl_request req = { .command = command, .params = NULL };
	json_t *result = NULL;
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	snprintf(req.method, sizeof(req.method), "%s", method);
	if (result_json != NULL) {
		result = json_loads(result_json, JSON_DECODE_ANY, NULL);
		assert_non_null(result);
	}
	f = open_memstream(&text, &size);
	assert_non_null(f);
	ctl_cmd_print(&req, result, as_json, f);
	fclose(f);
	json_decref(result);
	return text;
}

static void
assert_contains(const char *text, const char *needle)
{
	if (text == NULL || strstr(text, needle) == NULL)
		fail_msg("output does not contain '%s':\n%s", needle, text != NULL ? text : "");
}

static void
test_print(void **state)
{
	char *t;

	(void)state;
	t = render("show", "bridge.list",
		   "{\"bridges\":[{\"name\":\"br0\",\"aging\":300,\"fdb_size\":8192,\"ports\":["
		   "{\"name\":\"p0\",\"id\":1,\"type\":\"dpdk\",\"devargs\":\"net_null0\","
		   "\"vlan_mode\":\"trunk\",\"trunks\":[10,20,21,22],\"mtu\":1500,\"n_rxq\":1,"
		   "\"state\":\"up\"},"
		   "{\"name\":\"vh0\",\"id\":2,\"type\":\"vhost-user\",\"path\":\"/r/vh0\","
		   "\"vlan_mode\":\"access\",\"tag\":10,\"mtu\":1500,\"n_rxq\":2,"
		   "\"state\":\"down\"}]}]}", false);
	assert_string_equal(t,
			    "Bridge br0\n"
			    "    aging: 300, fdb_size: 8192\n"
			    "    Port p0\n"
			    "        id: 1, type: dpdk, devargs: net_null0\n"
			    "        vlan: trunk trunks 10,20-22\n"
			    "        mtu: 1500, n_rxq: 1, state: up\n"
			    "    Port vh0\n"
			    "        id: 2, type: vhost-user, path: /r/vh0\n"
			    "        vlan: access tag 10\n"
			    "        mtu: 1500, n_rxq: 2, state: down\n");
	free(t);

	t = render("list-ports", "port.list",
		   "{\"ports\":[{\"bridge\":\"br0\",\"name\":\"p0\",\"id\":1,\"type\":\"dpdk\","
		   "\"vlan_mode\":\"trunk\",\"mtu\":1500,\"n_rxq\":1,\"state\":\"up\"}]}", false);
	assert_contains(t, "BRIDGE  PORT    ID  TYPE");
	assert_contains(t, "br0     p0       1  dpdk");
	free(t);

	t = render("port-stats", "port.stats",
		   "{\"ports\":[{\"name\":\"p0\",\"rx_packets\":10,\"rx_bytes\":640,"
		   "\"tx_packets\":5,\"tx_bytes\":320,\"drops\":{\"vlan_violation\":2,"
		   "\"no_mac\":0,\"tx_full\":1},\"queues\":[{\"queue\":0,\"rx_packets\":10,"
		   "\"tx_packets\":5}]}]}", false);
	assert_contains(t, "PORT         RX-PKTS");
	assert_contains(t, "DROPS\np0 ");
	assert_contains(t, "           3\n");
	assert_contains(t, "p0 drops: vlan_violation 2, tx_full 1\n");
	assert_contains(t, "p0 queue 0: rx_packets 10, tx_packets 5\n");
	free(t);

	t = render("fdb-show", "fdb.show",
		   "{\"bridge\":\"br0\",\"entries\":[{\"port\":\"p0\",\"vlan\":10,"
		   "\"mac\":\"50:54:00:00:00:01\",\"static\":false,\"age\":3},{\"port\":\"vh0\","
		   "\"vlan\":0,\"mac\":\"50:54:00:00:00:02\",\"static\":true,\"age\":0}],"
		   "\"stats\":{\"n_entries\":2,\"learned\":5}}", false);
	assert_string_equal(t, " port  VLAN  MAC                Age\n"
			       "   p0    10  50:54:00:00:00:01    3\n"
			       "  vh0     0  50:54:00:00:00:02  static\n"
			       "stats: n_entries 2, learned 5\n");
	free(t);

	t = render("fdb-flush", "fdb.flush", "{\"flushed\":7}", false);
	assert_string_equal(t, "7 entries flushed\n");
	free(t);

	t = render("pmd-stats", "pmd.stats",
		   "{\"pmds\":[{\"lcore\":2,\"socket\":0,\"packets\":100,\"busy_cycles\":1000,"
		   "\"idle_cycles\":9000,\"cycles_per_packet\":10,\"burst_cycles_per_packet\":8.5,"
		   "\"packets_per_burst\":12.5,\"busy_pct\":10.0,"
		   "\"rxqs\":[{\"port\":\"p0\",\"queue\":0},{\"port\":\"vh0\",\"queue\":1}]}]}",
		   false);
	assert_contains(t, "LCORE  SOCKET");
	assert_contains(t, "BURST-CYC");
	assert_contains(t, "PKT/BURST");
	assert_contains(t, "  10         8.5       12.5    10.0  p0:0,vh0:1\n");
	assert_null(strstr(t, "flow lookups"));
	free(t);

	t = render("pmd-stats", "pmd.stats",
		   "{\"pmds\":[{\"lcore\":2,\"socket\":0,\"packets\":100,\"flow_lookups\":90,"
		   "\"flow_repeats\":5,\"emc_hits\":75,\"emc_misses\":10,\"emc_inserts\":1,\"rxqs\":[]}],"
		   "\"emc_insert_inv_prob\":100}", false);
	assert_contains(t, "lcore 2 flow lookups 90: repeats 5, emc hits 75, classifier 10, "
			   "emc inserts 1\n");
	assert_contains(t, "emc-insert-inv-prob 100\n");
	assert_null(strstr(t, "mac-pair"));
	free(t);

	t = render("pmd-stats", "pmd.stats",
		   "{\"pmds\":[{\"lcore\":3,\"socket\":0,\"packets\":100,\"pair_hits\":90,"
		   "\"pair_misses\":7,\"rxqs\":[]}],\"pair_cache\":false}", false);
	assert_contains(t, "lcore 3 mac-pair cache: hits 90, misses 7 (fdb lookups)\n");
	assert_contains(t, "mac-pair cache off\n");
	free(t);

	t = render("pmd-rxq-show", "pmd.rxq",
		   "{\"pmds\":[{\"lcore\":2,\"socket\":0,\"rxqs\":[{\"port\":\"p0\",\"queue\":0,"
		   "\"pct\":25},{\"port\":\"vh0\",\"queue\":1}]}]}", false);
	assert_string_equal(t, "pmd lcore 2 (socket 0):\n"
			       "  port: p0                queue-id:  0  pmd usage: 25 %\n"
			       "  port: vh0               queue-id:  1  pmd usage: NOT AVAIL\n");
	free(t);

	t = render("version", "system.version", "{\"version\":\"0.1.0\",\"dpdk\":\"DPDK 22.11.1\"}",
		   false);
	assert_string_equal(t, "edgeplane-vswitchd 0.1.0\nDPDK 22.11.1\n");
	free(t);

	/* mutating methods print nothing */
	t = render("add-br", "bridge.add", "{}", false);
	assert_string_equal(t, "");
	free(t);
	t = render("del-port", "port.del", NULL, false);
	assert_string_equal(t, "");
	free(t);

	/* --json, unknown shapes and raw calls print JSON */
	t = render("add-br", "bridge.add", "{}", true);
	assert_string_equal(t, "{}\n");
	free(t);
	t = render("show", "bridge.list", "{\"bridges\":[]}", true);
	assert_string_equal(t, "{\n  \"bridges\": []\n}\n");
	free(t);
	t = render("show", "bridge.list", "{\"something\":1}", false);
	assert_string_equal(t, "{\n  \"something\": 1\n}\n");
	free(t);
	t = render("show", "bridge.list", "[1]", false);
	assert_string_equal(t, "[\n  1\n]\n");
	free(t);
	t = render("call", "bridge.list", "{\"bridges\":[]}", false);
	assert_string_equal(t, "{\n  \"bridges\": []\n}\n");
	free(t);
	t = render("call", "x", NULL, false);
	assert_string_equal(t, "null\n");
	free(t);
}

static void
test_usage(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	(void)state;
	ctl_cmd_usage(f);
	fclose(f);
	static const char *const cmds[] = {
		"add-br", "del-br", "set-br", "add-port", "set-port", "del-port", "show",
		"list-ports", "port-stats", "fdb-show", "fdb-flush", "pmd-stats", "pmd-rxq-show",
		"version", "call",
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_contains(text, cmds[i]);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_add_br),
		cmocka_unit_test(test_add_br_errors),
		cmocka_unit_test(test_del_set_br),
		cmocka_unit_test(test_add_port),
		cmocka_unit_test(test_add_port_errors),
		cmocka_unit_test(test_set_port),
		cmocka_unit_test(test_simple_commands),
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
