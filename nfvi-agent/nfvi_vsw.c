/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_vsw.c: the agent's side of vswitchd's JSON-RPC (docs/rpc.md):
 * vhost-user-client ports for VNF NICs, their removal, and their counters.
 * Each call is one ctl_client_call() with a bounded timeout. A port is the
 * agent's only when its socket path is the one the agent chose (under
 * <state_dir>/vhost/), so a port of the same name that someone else made is
 * never deleted.
 */
#include <errno.h>
#include <string.h>

#include "ctl.h"
#include "nfvi_priv.h"

#define VSW_TIMEOUT_MS 5000

static const char *
path_of(const json_t *port)
{
	const char *s = json_string_value(json_object_get(port, "path"));

	return s != NULL ? s : "";
}

/* The port object named @p name in port.list, or NULL (borrowed from @p list). */
static json_t *
find_port(json_t *list, const char *name)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(list, "ports"), i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));

		if (n != NULL && strcmp(n, name) == 0)
			return p;
	}
	return NULL;
}

int
nfvi_vsw_port_list(const char *sock, json_t **ports, char *err, size_t errlen)
{
	json_t *res = NULL;
	int ret;

	*ports = NULL;
	ret = ctl_client_call(sock, "port.list", json_object(), VSW_TIMEOUT_MS, &res, err, errlen);
	if (ret < 0)
		return ret;
	if (!json_is_array(json_object_get(res, "ports"))) {
		json_decref(res);
		return nfvi_seterr(-EIO, err, errlen, "vswitchd: port.list: malformed result");
	}
	*ports = res;
	return 0;
}

int
nfvi_vsw_port_add(const char *sock, const char *bridge, const char *name, const char *path,
		  unsigned int vlan, unsigned int queues, char *err, size_t errlen)
{
	json_t *params, *res = NULL, *list, *p;
	char why[256];
	int ret;

	params = json_pack("{s:s, s:s, s:s, s:s}", "bridge", bridge, "name", name, "type",
			   "vhost-user-client", "path", path);
	if (params == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	if (vlan != 0) {
		json_object_set_new(params, "vlan_mode", json_string("access"));
		json_object_set_new(params, "tag", json_integer(vlan));
	}
	if (queues > 1)
		json_object_set_new(params, "n_rxq", json_integer(queues));
	ret = ctl_client_call(sock, "port.add", params, VSW_TIMEOUT_MS, &res, why, sizeof(why));
	json_decref(res);
	if (ret == 0)
		return 0;
	if (ret != -EEXIST)
		return nfvi_seterr(ret, err, errlen, "vswitchd: port.add %s: %s", name, why);
	/* replay after a crash: the port is ours if it has our socket */
	if (nfvi_vsw_port_list(sock, &list, NULL, 0) == 0) {
		p = find_port(list, name);
		if (p != NULL && strcmp(path_of(p), path) == 0)
			ret = 0;
		json_decref(list);
	}
	return ret == 0 ? 0 : nfvi_seterr(ret, err, errlen, "vswitchd: port.add %s: %s", name,
					  why);
}

int
nfvi_vsw_port_del(const char *sock, const char *name, const char *path, char *err,
		  size_t errlen)
{
	json_t *list, *p, *res = NULL;
	char why[256];
	int ret;

	ret = nfvi_vsw_port_list(sock, &list, why, sizeof(why));
	if (ret < 0)
		return nfvi_seterr(ret, err, errlen, "vswitchd: port.list: %s", why);
	p = find_port(list, name);
	if (p == NULL || strcmp(path_of(p), path) != 0) {
		json_decref(list);
		return 0;	/* gone already, or not ours */
	}
	json_decref(list);
	ret = ctl_client_call(sock, "port.del", json_pack("{s:s}", "name", name), VSW_TIMEOUT_MS,
			      &res, why, sizeof(why));
	json_decref(res);
	if (ret == -ENOENT)
		ret = 0;
	return ret == 0 ? 0 : nfvi_seterr(ret, err, errlen, "vswitchd: port.del %s: %s", name,
					  why);
}

int
nfvi_vsw_port_stats(const char *sock, json_t **stats, char *err, size_t errlen)
{
	json_t *res = NULL;
	int ret;

	*stats = NULL;
	ret = ctl_client_call(sock, "port.stats", json_object(), VSW_TIMEOUT_MS, &res, err, errlen);
	if (ret < 0)
		return ret;
	*stats = res;
	return 0;
}
