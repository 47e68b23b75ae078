/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsw_vlan.c: VLAN configuration helpers, mode names and drop names.
 * Pure C, no EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "vsw.h"

static void
test_init_and_allow(void **state)
{
	struct vsw_vlan_cfg c;
	unsigned int v;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	vsw_vlan_cfg_init(&c);
	assert_int_equal(c.mode, VSW_VLAN_TRUNK);
	assert_int_equal(c.tag, 0);
	assert_true(c.trunks_all);
	for (v = 0; v < 64; v++)
		assert_int_equal(c.trunks[v], 0);
	assert_true(vsw_vlan_cfg_allows(&c, 0));
	assert_true(vsw_vlan_cfg_allows(&c, 4095));
	assert_false(vsw_vlan_cfg_allows(&c, 4096));

	vsw_vlan_cfg_allow(&c, 10);
	vsw_vlan_cfg_allow(&c, 4095);
	vsw_vlan_cfg_allow(&c, 64);
	vsw_vlan_cfg_allow(&c, 5000);	/* ignored */
	assert_false(c.trunks_all);
	for (v = 0; v < 4096; v++)
		assert_int_equal(vsw_vlan_cfg_allows(&c, (uint16_t)v),
				 v == 10 || v == 64 || v == 4095);
	assert_int_equal(c.trunks[0], UINT64_C(1) << 10);
	assert_int_equal(c.trunks[1], 1);
	assert_int_equal(c.trunks[63], UINT64_C(1) << 63);
	assert_int_equal(vsw_vlan_cfg_validate(&c, NULL, 0), 0);
}

static void
expect_invalid(const struct vsw_vlan_cfg *c, const char *msg)
{
	char err[128];

	strcpy(err, "untouched");
	assert_int_equal(vsw_vlan_cfg_validate(c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, msg);
}

static void
expect_valid(const struct vsw_vlan_cfg *c)
{
	char err[128];

	strcpy(err, "untouched");
	assert_int_equal(vsw_vlan_cfg_validate(c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void
test_validate(void **state)
{
	struct vsw_vlan_cfg c;
	char small[8];

	(void)state;
	vsw_vlan_cfg_init(&c);
	expect_valid(&c);
	c.tag = 5;
	expect_invalid(&c, "trunk port must not have a tag");

	vsw_vlan_cfg_init(&c);
	c.mode = VSW_VLAN_ACCESS;
	expect_invalid(&c, "access port needs tag 1..4095");
	c.tag = 4096;
	expect_invalid(&c, "access port needs tag 1..4095");
	c.tag = 4095;
	expect_valid(&c);
	c.tag = 1;
	expect_valid(&c);
	vsw_vlan_cfg_allow(&c, 7);
	expect_invalid(&c, "trunks are not allowed in access mode");
	/* trunks_all true: the bitmap is ignored */
	c.trunks_all = true;
	expect_valid(&c);
	/* trunks_all false with an empty list: fine */
	memset(c.trunks, 0, sizeof(c.trunks));
	c.trunks_all = false;
	expect_valid(&c);

	vsw_vlan_cfg_init(&c);
	c.mode = VSW_VLAN_NATIVE_UNTAGGED;
	expect_invalid(&c, "native port needs tag 1..4095");
	c.tag = 100;
	expect_valid(&c);
	vsw_vlan_cfg_allow(&c, 200);
	expect_valid(&c);
	c.mode = VSW_VLAN_NATIVE_TAGGED;
	expect_valid(&c);
	c.tag = 0;
	expect_invalid(&c, "native port needs tag 1..4095");
	c.tag = 9999;
	expect_invalid(&c, "native port needs tag 1..4095");

	c.mode = (enum vsw_vlan_mode)17;
	expect_invalid(&c, "unknown vlan mode");

	/* The reason is truncated, never overflows. */
	c.mode = VSW_VLAN_ACCESS;
	c.tag = 0;
	assert_int_equal(vsw_vlan_cfg_validate(&c, small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "access ");
	assert_int_equal(vsw_vlan_cfg_validate(NULL, NULL, 0), -EINVAL);
}

static void
test_mode_names(void **state)
{
	static const char *const names[] = {
		"trunk", "access", "native-untagged", "native-tagged",
	};
	enum vsw_vlan_mode m;
	unsigned int i;

	(void)state;
	assert_int_equal(VSW_VLAN_TRUNK, 0);
	for (i = 0; i < 4; i++) {
		assert_string_equal(vsw_vlan_mode_name((enum vsw_vlan_mode)i), names[i]);
		m = (enum vsw_vlan_mode)99;
		assert_int_equal(vsw_vlan_mode_parse(names[i], &m), 0);
		assert_int_equal(m, (enum vsw_vlan_mode)i);
	}
	assert_string_equal(vsw_vlan_mode_name((enum vsw_vlan_mode)4), "unknown");
	m = VSW_VLAN_ACCESS;
	assert_int_equal(vsw_vlan_mode_parse("Trunk", &m), -EINVAL);
	assert_int_equal(vsw_vlan_mode_parse("", &m), -EINVAL);
	assert_int_equal(vsw_vlan_mode_parse("native", &m), -EINVAL);
	assert_int_equal(vsw_vlan_mode_parse(NULL, &m), -EINVAL);
	assert_int_equal(m, VSW_VLAN_ACCESS);
}

static void
test_drop_names(void **state)
{
	static const char *const names[] = {
		"malformed", "vlan_violation", "no_bridge", "hairpin", "no_mbuf",
		"tx_full", "link_down", "oversize", "flow_drop", "flow_miss",
		"spoof_mac", "spoof_ip", "spoof_arp", "spoof_nd", "policed", "shaped",
	};
	unsigned int i;

	(void)state;
	assert_int_equal(VSW_DROP_MAX, 16);
	for (i = 0; i < VSW_DROP_MAX; i++)
		assert_string_equal(vsw_drop_name((enum vsw_drop)i), names[i]);
	assert_int_equal(VSW_DROP_VLAN_VIOLATION, 1);
	assert_int_equal(VSW_DROP_OVERSIZE, 7);
	assert_string_equal(vsw_drop_name(VSW_DROP_MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_allow),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_drop_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
