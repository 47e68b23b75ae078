/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_vf.c: VF configuration providers.
 *
 * "netlink": one RTM_SETLINK on the PF per VF (IFLA_VFINFO_LIST with MAC,
 * VLAN, spoof-check, trust and max rate), built with libmnl and sent on a
 * NETLINK_ROUTE socket, and binding through sysfs driver_override. The
 * transport is a hook so tests capture the exact bytes; the sysfs writes go
 * under a configurable root so tests check them in a fake tree.
 * "fake": records each call as a line of text (and optionally appends it to
 * a file), and can be told to fail a given call.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "nfvi_priv.h"

int
nfvi_vf_nl_build(void *buf, size_t size, uint32_t seq, const char *pf, unsigned int vf,
		 const struct nfvi_vf_config *cfg)
{
	struct ifla_vf_mac mac = { .vf = vf };
	struct ifla_vf_vlan vlan = { .vf = vf, .vlan = cfg->vlan, .qos = 0 };
	struct ifla_vf_spoofchk spoof = { .vf = vf, .setting = cfg->spoofchk };
	struct ifla_vf_trust trust = { .vf = vf, .setting = cfg->trust };
	struct ifla_vf_rate rate = { .vf = vf, .min_tx_rate = 0, .max_tx_rate = cfg->max_rate_mbps };
	struct nlattr *list, *info;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (buf == NULL || pf == NULL || strlen(pf) == 0 || strlen(pf) > NFVI_IFNAME_MAX ||
	    cfg->vlan > 4094)
		return -EINVAL;
	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifm)))
		return -ENOSPC;
	memset(buf, 0, size < 4096 ? size : 4096);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = 0;	/* the PF is selected by IFLA_IFNAME */
	memcpy(mac.mac, cfg->mac, 6);
	if (!mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, pf))
		return -ENOSPC;
	list = mnl_attr_nest_start_check(nlh, size, IFLA_VFINFO_LIST);
	if (list == NULL)
		return -ENOSPC;
	info = mnl_attr_nest_start_check(nlh, size, IFLA_VF_INFO);
	if (info == NULL ||
	    !mnl_attr_put_check(nlh, size, IFLA_VF_MAC, sizeof(mac), &mac) ||
	    !mnl_attr_put_check(nlh, size, IFLA_VF_VLAN, sizeof(vlan), &vlan) ||
	    !mnl_attr_put_check(nlh, size, IFLA_VF_SPOOFCHK, sizeof(spoof), &spoof) ||
	    !mnl_attr_put_check(nlh, size, IFLA_VF_TRUST, sizeof(trust), &trust) ||
	    !mnl_attr_put_check(nlh, size, IFLA_VF_RATE, sizeof(rate), &rate))
		return -ENOSPC;
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return (int)nlh->nlmsg_len;
}

/* The real transport: a NETLINK_ROUTE socket, wait up to 2 s for the ACK. */
static int
rtnl_xfer(const void *msg, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsghdr *nlh = msg;
	struct timeval tv = { .tv_sec = 2 };
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		ret = -errno;
		goto out_close;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, msg, size) < 0) {
		ret = -errno;
		goto out_close;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);
		if (ret <= MNL_CB_STOP) {
			ret = ret < 0 ? -errno : 0;
			break;
		}
	}
out_close:
	mnl_socket_close(nl);
	return ret;
}

static int
nl_configure(void *ctx, const char *pf, unsigned int vf, const struct nfvi_vf_config *cfg)
{
	struct nfvi_vf_nl *nl = ctx;
	char buf[512];
	int len;

	len = nfvi_vf_nl_build(buf, sizeof(buf), ++nl->seq, pf, vf, cfg);
	if (len < 0)
		return len;
	if (nl->xfer != NULL)
		return nl->xfer(nl->xfer_arg, buf, (size_t)len);
	return rtnl_xfer(buf, (size_t)len);
}

static bool
pci_valid(const char *pci)
{
	size_t len = strlen(pci);

	return len > 0 && len < NFVI_PCI_ADDR_SIZE && strchr(pci, '/') == NULL &&
	       strcmp(pci, ".") != 0 && strcmp(pci, "..") != 0;
}

/*
 * driver_override binding: set (or clear) the override, unbind from the
 * current driver unless it already is the wanted one, then ask the kernel
 * to probe the device again so the override's driver (or, after clearing,
 * the host driver) takes it.
 */
static int
nl_bind(void *ctx, const char *pci, const char *driver)
{
	struct nfvi_vf_nl *nl = ctx;
	char dev[PATH_MAX + 64], path[PATH_MAX + 128], cur[64] = "", target[PATH_MAX];
	ssize_t n;
	int ret;

	if (!pci_valid(pci) || (driver != NULL && (strchr(driver, '/') || !*driver)))
		return -EINVAL;
	snprintf(dev, sizeof(dev), "%s/bus/pci/devices/%s", nl->sysfs_root, pci);
	snprintf(path, sizeof(path), "%s/driver", dev);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		const char *base;

		target[n] = '\0';
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		if (strlen(base) < sizeof(cur))
			strcpy(cur, base);
	}
	snprintf(path, sizeof(path), "%s/driver_override", dev);
	ret = nfvi_write_str(path, driver != NULL ? driver : "\n");
	if (ret < 0)
		return ret;
	if (driver != NULL && strcmp(cur, driver) == 0)
		return 0;
	if (driver == NULL && cur[0] != '\0' && strcmp(cur, "vfio-pci") != 0)
		return 0;	/* already back on a host driver */
	if (cur[0] != '\0') {
		snprintf(path, sizeof(path), "%s/driver/unbind", dev);
		ret = nfvi_write_str(path, pci);
		if (ret < 0 && ret != -ENODEV)
			return ret;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", nl->sysfs_root);
	ret = nfvi_write_str(path, pci);
	/* no driver claiming it (e.g. vfio-pci not loaded) is an error for bind */
	return ret;
}

const struct nfvi_vf_ops nfvi_vf_netlink_ops = {
	.name = "netlink",
	.configure = nl_configure,
	.bind = nl_bind,
};

static int
fake_record(struct nfvi_vf_fake *f, const char *text)
{
	unsigned int n = ++f->n_calls;

	if (n <= sizeof(f->calls) / sizeof(f->calls[0]))
		snprintf(f->calls[n - 1].text, sizeof(f->calls[n - 1].text), "%s", text);
	if (f->log_path[0] != '\0') {
		int fd = open(f->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

		if (fd >= 0) {
			char line[200];
			int len = snprintf(line, sizeof(line), "%s\n", text);

			if (write(fd, line, (size_t)len) < 0)
				NFVI_LOG(LOG_WARNING, "%s: %s", f->log_path, strerror(errno));
			close(fd);
		}
	}
	if (f->fail_at != 0 && (int)n == f->fail_at)
		return f->fail_errno ? -abs(f->fail_errno) : -EIO;
	return 0;
}

static int
fake_configure(void *ctx, const char *pf, unsigned int vf, const struct nfvi_vf_config *cfg)
{
	char text[160], mac[NFVI_MAC_SIZE];

	nfvi_mac_format(cfg->mac, mac);
	snprintf(text, sizeof(text), "configure %s vf %u mac %s vlan %u spoofchk %s trust %s rate %u",
		 pf, vf, mac, cfg->vlan, cfg->spoofchk ? "on" : "off", cfg->trust ? "on" : "off",
		 cfg->max_rate_mbps);
	return fake_record(ctx, text);
}

static int
fake_bind(void *ctx, const char *pci, const char *driver)
{
	char text[160];

	snprintf(text, sizeof(text), "bind %s %s", pci, driver != NULL ? driver : "-");
	return fake_record(ctx, text);
}

const struct nfvi_vf_ops nfvi_vf_fake_ops = {
	.name = "fake",
	.configure = fake_configure,
	.bind = fake_bind,
};
