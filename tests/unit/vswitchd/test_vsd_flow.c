/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsd_flow.c: unit tests of the flow-rule language of
 * edgeplane-vswitchd (control/vswitchd_flow.c): every match field and
 * action parses to the exact key/mask/action, formatting gives back text
 * that parses to the same rule, every error class is refused with a reason
 * naming the culprit, and del-flows' "covers" relation. No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "vswitchd.h"

/* Ports of the test bridge: vh0 = 3, vh1 = 7, up0 = 12. */
static int
lookup(void *ctx, const char *name, uint16_t *id)
{
	(void)ctx;
	if (strcmp(name, "vh0") == 0)
		*id = 3;
	else if (strcmp(name, "vh1") == 0)
		*id = 7;
	else if (strcmp(name, "up0") == 0)
		*id = 12;
	else
		return -ENOENT;
	return 0;
}

static const char *
name_of(void *ctx, uint16_t id)
{
	(void)ctx;
	return id == 3 ? "vh0" : id == 7 ? "vh1" : id == 12 ? "up0" : "?";
}

static struct vsw_flow_rule
ok(const char *text)
{
	struct vsw_flow_rule r;
	char err[256] = "";

	if (vsd_flow_parse(text, lookup, NULL, false, &r, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", text, err);
	return r;
}

static void
bad(const char *text, const char *want, int line)
{
	struct vsw_flow_rule r;
	char err[256] = "";

	if (vsd_flow_parse(text, lookup, NULL, false, &r, err, sizeof(err)) != -EINVAL)
		fail_msg("line %d: '%s' accepted", line, text);
	if (strstr(err, want) == NULL)
		fail_msg("line %d: '%s': error '%s' lacks '%s'", line, text, err, want);
}
#define BAD(text, want) bad(text, want, __LINE__)

static void
test_fields(void **state)
{
	struct vsw_flow_rule r;

	(void)state;
	r = ok("priority=100,in_port=vh0,dl_type=0x0800,nw_dst=10.0.0.0/24,actions=output:vh1");
	assert_int_equal(r.priority, 100);
	assert_int_equal(r.match.key.in_port, 3);
	assert_int_equal(r.match.mask.in_port, 0xffff);
	assert_int_equal(r.match.key.dl_type, 0x0800);
	assert_int_equal(r.match.key.nw_dst, htonl(0x0a000000));
	assert_int_equal(r.match.mask.nw_dst, htonl(0xffffff00));
	assert_int_equal(r.match.mask.nw_src, 0);
	assert_int_equal(r.n_actions, 1);
	assert_int_equal(r.actions[0].type, VSW_ACT_OUTPUT);
	assert_int_equal(r.actions[0].port, 7);

	/* defaults and shorthands */
	r = ok("tcp,tp_dst=80,actions=drop");
	assert_int_equal(r.priority, 32768);
	assert_int_equal(r.match.key.dl_type, 0x0800);
	assert_int_equal(r.match.key.nw_proto, 6);
	assert_int_equal(r.match.key.tp_dst, 80);
	assert_int_equal(r.match.mask.tp_dst, 0xffff);
	assert_int_equal(r.actions[0].type, VSW_ACT_DROP);

	/* MAC with a mask: the key is masked */
	r = ok("dl_dst=01:00:5e:12:34:56/ff:ff:ff:00:00:00,actions=flood");
	assert_int_equal(r.match.key.dl_dst.addr_bytes[0], 0x01);
	assert_int_equal(r.match.key.dl_dst.addr_bytes[3], 0);
	assert_int_equal(r.match.mask.dl_dst.addr_bytes[2], 0xff);
	assert_int_equal(r.match.mask.dl_dst.addr_bytes[3], 0);

	/* VLAN: present bit, untagged, pcp */
	r = ok("dl_vlan=10,dl_vlan_pcp=5,actions=normal");
	assert_int_equal(r.match.key.vlan_tci, VSW_VLAN_PRESENT | 10 | (5 << 13));
	assert_int_equal(r.match.mask.vlan_tci, 0xffff);
	r = ok("dl_vlan=none,actions=normal");
	assert_int_equal(r.match.key.vlan_tci, 0);
	assert_int_equal(r.match.mask.vlan_tci, 0xffff);

	/* IPv6 prefix */
	r = ok("ipv6,ipv6_src=2001:db8::/32,actions=normal");
	assert_int_equal(r.match.key.dl_type, 0x86dd);
	assert_int_equal(r.match.mask.ipv6_src[3], 0xff);
	assert_int_equal(r.match.mask.ipv6_src[4], 0);
	assert_int_equal(r.match.key.ipv6_src[0], 0x20);

	/* a dotted mask, ARP fields, spaces as separators */
	r = ok("arp arp_tpa=192.168.1.1 arp_op=1 actions=output:up0");
	assert_int_equal(r.match.key.dl_type, 0x0806);
	assert_int_equal(r.match.key.nw_proto, 1);
	assert_int_equal(r.match.key.nw_dst, htonl(0xc0a80101));
	r = ok("ip,nw_src=10.1.2.3/255.0.255.0,actions=drop");
	assert_int_equal(r.match.key.nw_src, htonl(0x0a000200));
	assert_int_equal(r.match.mask.nw_src, htonl(0xff00ff00));
}

static void
test_actions(void **state)
{
	struct vsw_flow_rule r;

	(void)state;
	r = ok("in_port=vh0,actions=mod_vlan_vid:20,mod_dl_src:02:00:00:00:00:aa,"
	       "mod_dl_dst:02:00:00:00:00:bb,output:vh1,strip_vlan,push_vlan:30,up0,normal");
	assert_int_equal(r.n_actions, 8);
	assert_int_equal(r.actions[0].type, VSW_ACT_SET_VLAN);
	assert_int_equal(r.actions[0].vid, 20);
	assert_int_equal(r.actions[1].type, VSW_ACT_SET_ETH_SRC);
	assert_int_equal(r.actions[1].mac.addr_bytes[5], 0xaa);
	assert_int_equal(r.actions[2].type, VSW_ACT_SET_ETH_DST);
	assert_int_equal(r.actions[2].mac.addr_bytes[5], 0xbb);
	assert_int_equal(r.actions[3].type, VSW_ACT_OUTPUT);
	assert_int_equal(r.actions[3].port, 7);
	assert_int_equal(r.actions[4].type, VSW_ACT_POP_VLAN);
	assert_int_equal(r.actions[5].type, VSW_ACT_PUSH_VLAN);
	assert_int_equal(r.actions[5].vid, 30);
	assert_int_equal(r.actions[6].type, VSW_ACT_OUTPUT);	/* bare port name */
	assert_int_equal(r.actions[6].port, 12);
	assert_int_equal(r.actions[7].type, VSW_ACT_NORMAL);
	r = ok("actions=NORMAL");
	assert_int_equal(r.actions[0].type, VSW_ACT_NORMAL);
	r = ok("actions=all");
	assert_int_equal(r.actions[0].type, VSW_ACT_FLOOD);
}

static void
test_errors(void **state)
{
	(void)state;
	BAD("priority=100,in_port=vh0", "needs actions=");
	BAD("priority=100,actions=", "needs actions=");
	BAD("priority=70000,actions=drop", "priority '70000'");
	BAD("priority=-1,actions=drop", "priority '-1'");
	BAD("in_port=nosuch,actions=drop", "no port named 'nosuch'");
	BAD("actions=output:nosuch", "no port named 'nosuch'");
	BAD("color=red,actions=drop", "unknown match field 'color'");
	BAD("bogus,actions=drop", "unknown match field 'bogus'");
	BAD("actions=teleport", "unknown action 'teleport'");
	BAD("actions=output:vh1,frobnicate:3", "unknown action 'frobnicate:3'");
	BAD("dl_src=02:00:00:00:00,actions=drop", "dl_src '02:00:00:00:00'");
	BAD("dl_dst=zz:00:00:00:00:01,actions=drop", "dl_dst 'zz:00:00:00:00:01'");
	BAD("dl_type=0x12,actions=drop", "not an ethertype");
	BAD("dl_vlan=4096,actions=drop", "'4096' is not a VLAN id");
	BAD("dl_vlan_pcp=8,actions=drop", "'8' is not a priority");
	BAD("ip,nw_dst=10.0.0.0/33,actions=drop", "nw_dst '10.0.0.0/33'");
	BAD("ip,nw_dst=10.0.0.300,actions=drop", "nw_dst '10.0.0.300'");
	BAD("ipv6,ipv6_dst=2001:db8::/129,actions=drop", "ipv6_dst '2001:db8::/129'");
	BAD("tcp,tp_dst=65536,actions=drop", "'65536' is not a port");
	BAD("actions=mod_vlan_vid:4096", "mod_vlan_vid:'4096'");
	BAD("actions=push_vlan:x", "push_vlan:'x'");
	BAD("actions=mod_dl_src:02:00:00:00:00:01/ff:ff:ff:ff:ff:ff", "mod_dl_src");
	/* prerequisites, as OVS */
	BAD("nw_dst=10.0.0.1,actions=drop", "need dl_type=0x0800 or 0x0806");
	BAD("ipv6_src=::1,actions=drop", "need dl_type=0x86dd");
	BAD("ip,tp_dst=80,actions=drop", "need tcp, udp, sctp or icmp");
	BAD("tp_src=80,actions=drop", "need tcp, udp, sctp or icmp");
	BAD("nw_proto=6,actions=drop", "nw_proto needs ip");
	/* too many actions */
	BAD("actions=vh0,vh1,up0,vh0,vh1,up0,vh0,vh1,up0", "too many actions");
	/* drop with other actions: the classifier's validation */
	BAD("actions=drop,output:vh1", "drop");
}

static void
test_format_roundtrip(void **state)
{
	static const char *const flows[] = {
		"priority=100,in_port=vh0,dl_type=0x0800,nw_dst=10.0.0.0/24,actions=output:vh1",
		"priority=5,dl_src=02:00:00:00:00:01,dl_dst=01:00:5e:00:00:00/ff:ff:ff:00:00:00,"
		"actions=flood",
		"priority=7,dl_vlan=10,dl_vlan_pcp=3,actions=pop_vlan,output:up0",
		"priority=7,dl_vlan=none,actions=push_vlan:30,normal",
		"priority=9,dl_type=0x86dd,ipv6_src=2001:db8::/32,ipv6_dst=::1,nw_proto=6,tp_dst=22,"
		"actions=drop",
		"priority=1,dl_type=0x0800,nw_src=10.1.0.0/255.255.0.255,nw_proto=17,tp_src=53,"
		"actions=mod_dl_src:02:00:00:00:00:0a,mod_dl_dst:02:00:00:00:00:0b,mod_vlan_vid:4,"
		"output:vh0",
		"priority=0,actions=normal",
	};
	char text[1024], err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct vsw_flow_rule a = ok(flows[i]), b;

		assert_int_equal(vsd_flow_format(&a, name_of, NULL, text, sizeof(text)), 0);
		assert_string_equal(text, flows[i]);
		assert_int_equal(vsd_flow_parse(text, lookup, NULL, false, &b, err, sizeof(err)),
				 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	/* a buffer too small is reported */
	{
		struct vsw_flow_rule a = ok(flows[0]);

		assert_int_equal(vsd_flow_format(&a, name_of, NULL, text, 16), -ENOSPC);
	}
}

static void
test_match_covers(void **state)
{
	struct vsw_flow_rule m, r;
	char err[256];

	(void)state;
	assert_int_equal(vsd_flow_parse("in_port=vh0", lookup, NULL, true, &m, err,
					sizeof(err)), 0);
	r = ok("priority=5,in_port=vh0,ip,nw_dst=10.0.0.1,actions=drop");
	assert_true(vsd_flow_match_covers(&m.match, &r));	/* more specific, agrees */
	r = ok("priority=5,in_port=vh1,actions=drop");
	assert_false(vsd_flow_match_covers(&m.match, &r));	/* disagrees */
	r = ok("priority=5,ip,actions=drop");
	assert_false(vsd_flow_match_covers(&m.match, &r));	/* less specific */
	/* a prefix covers a longer prefix inside it, not one outside */
	assert_int_equal(vsd_flow_parse("ip,nw_dst=10.0.0.0/8", lookup, NULL, true, &m, err,
					sizeof(err)), 0);
	r = ok("ip,nw_dst=10.1.0.0/16,actions=drop");
	assert_true(vsd_flow_match_covers(&m.match, &r));
	r = ok("ip,nw_dst=11.1.0.0/16,actions=drop");
	assert_false(vsd_flow_match_covers(&m.match, &r));
	r = ok("ip,nw_dst=0.0.0.0/4,actions=drop");
	assert_false(vsd_flow_match_covers(&m.match, &r));
	/* a match takes no actions */
	assert_int_equal(vsd_flow_parse("in_port=vh0,actions=drop", lookup, NULL, true, &m, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no actions"));
	/* the empty match covers everything */
	assert_int_equal(vsd_flow_parse("", lookup, NULL, true, &m, err, sizeof(err)), 0);
	assert_true(vsd_flow_match_covers(&m.match, &r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_match_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
