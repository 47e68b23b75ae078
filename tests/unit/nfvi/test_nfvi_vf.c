/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nfvi_vf.c: the netlink VF provider's exact RTM_SETLINK message
 * (captured through the transport hook and parsed back with libmnl), its
 * sysfs driver_override writes in a fake tree, and the fake provider.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>

#include "nfvi_test.h"

struct capture {
	char buf[1024];
	size_t size;
	int ret;
};

static int
capture(void *arg, const void *msg, size_t size)
{
	struct capture *c = arg;

	assert_true(size <= sizeof(c->buf));
	memcpy(c->buf, msg, size);
	c->size = size;
	return c->ret;
}

static void
test_netlink_message(void **state)
{
	struct nfvi_vf_config cfg = { .mac = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, .vlan = 20,
				      .spoofchk = false, .trust = true, .max_rate_mbps = 1000 };
	struct capture cap = { .ret = 0 };
	struct nfvi_vf_nl nl = { .xfer = capture, .xfer_arg = &cap, .seq = 41 };
	const struct nlmsghdr *nlh;
	const struct ifinfomsg *ifm;
	const struct nlattr *a, *list = NULL, *info = NULL;
	unsigned int seen = 0;

	(void)state;
	assert_int_equal(nfvi_vf_netlink_ops.configure(&nl, "ens1f0", 3, &cfg), 0);
	nlh = (const struct nlmsghdr *)cap.buf;
	assert_int_equal(nlh->nlmsg_len, cap.size);
	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 42);
	ifm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifm->ifi_index, 0);
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			assert_string_equal(mnl_attr_get_str(a), "ens1f0");
		else if (mnl_attr_get_type(a) == IFLA_VFINFO_LIST)
			list = a;
		else
			fail_msg("unexpected attribute %u", mnl_attr_get_type(a));
	}
	assert_non_null(list);
	mnl_attr_for_each_nested(a, list) {
		assert_int_equal(mnl_attr_get_type(a), IFLA_VF_INFO);
		info = a;
	}
	assert_non_null(info);
	mnl_attr_for_each_nested(a, info) {
		const void *p = mnl_attr_get_payload(a);

		switch (mnl_attr_get_type(a)) {
		case IFLA_VF_MAC: {
			const struct ifla_vf_mac *m = p;

			assert_int_equal(m->vf, 3);
			assert_memory_equal(m->mac, cfg.mac, 6);
			break;
		}
		case IFLA_VF_VLAN: {
			const struct ifla_vf_vlan *v = p;

			assert_int_equal(v->vf, 3);
			assert_int_equal(v->vlan, 20);
			assert_int_equal(v->qos, 0);
			break;
		}
		case IFLA_VF_SPOOFCHK:
			assert_int_equal(((const struct ifla_vf_spoofchk *)p)->setting, 0);
			break;
		case IFLA_VF_TRUST:
			assert_int_equal(((const struct ifla_vf_trust *)p)->setting, 1);
			break;
		case IFLA_VF_RATE: {
			const struct ifla_vf_rate *r = p;

			assert_int_equal(r->max_tx_rate, 1000);
			assert_int_equal(r->min_tx_rate, 0);
			break;
		}
		default:
			fail_msg("unexpected VF attribute %u", mnl_attr_get_type(a));
		}
		seen |= 1u << mnl_attr_get_type(a);
	}
	assert_int_equal(seen, (1u << IFLA_VF_MAC) | (1u << IFLA_VF_VLAN) |
			 (1u << IFLA_VF_SPOOFCHK) | (1u << IFLA_VF_TRUST) | (1u << IFLA_VF_RATE));

	/* the kernel's error comes back as is */
	cap.ret = -EOPNOTSUPP;
	assert_int_equal(nfvi_vf_netlink_ops.configure(&nl, "ens1f0", 3, &cfg), -EOPNOTSUPP);
	cfg.vlan = 4095;
	assert_int_equal(nfvi_vf_netlink_ops.configure(&nl, "ens1f0", 3, &cfg), -EINVAL);
	cfg.vlan = 1;
	assert_int_equal(nfvi_vf_nl_build(cap.buf, 40, 1, "ens1f0", 0, &cfg), -ENOSPC);
	assert_int_equal(nfvi_vf_nl_build(cap.buf, sizeof(cap.buf), 1, "averyveryverylongname", 0,
					  &cfg), -EINVAL);
}

static void
read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
test_sysfs_bind(void **state)
{
	char dir[64], sys[128], path[PATH_MAX], buf[64];
	struct nfvi_vf_nl nl = { .seq = 0 };

	(void)state;
	mk_tree("--nodes 1 --cores 1 --smt 1 --pf ens1f0:0:2", dir, sizeof(dir), sys, sizeof(sys));
	strcpy(nl.sysfs_root, sys);
	assert_int_equal(nfvi_vf_netlink_ops.bind(&nl, "0000:3b:02.1", "vfio-pci"), 0);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:3b:02.1/driver_override", sys);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "vfio-pci");
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/iavf/unbind", sys);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "0000:3b:02.1");
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", sys);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "0000:3b:02.1");
	/* release: the override is cleared; iavf is still bound in the fake tree */
	assert_int_equal(nfvi_vf_netlink_ops.bind(&nl, "0000:3b:02.1", NULL), 0);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:3b:02.1/driver_override", sys);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "\n");
	assert_int_equal(nfvi_vf_netlink_ops.bind(&nl, "../../x", "vfio-pci"), -EINVAL);
	assert_int_equal(nfvi_vf_netlink_ops.bind(&nl, "0000:99:00.0", "vfio-pci"), -ENOENT);
	rm_tree(dir);
}

static void
test_fake(void **state)
{
	struct nfvi_vf_config cfg = { .vlan = 5, .spoofchk = true };
	struct nfvi_vf_fake fake = { .fail_at = 2, .fail_errno = EBUSY };

	(void)state;
	assert_int_equal(nfvi_vf_fake_ops.configure(&fake, "p0", 1, &cfg), 0);
	assert_int_equal(nfvi_vf_fake_ops.bind(&fake, "0000:01:00.1", "vfio-pci"), -EBUSY);
	assert_int_equal(fake.n_calls, 2);
	assert_string_equal(fake.calls[0].text,
			    "configure p0 vf 1 mac 00:00:00:00:00:00 vlan 5 spoofchk on trust off rate 0");
	assert_string_equal(fake.calls[1].text, "bind 0000:01:00.1 vfio-pci");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netlink_message),
		cmocka_unit_test(test_sysfs_bind),
		cmocka_unit_test(test_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
