/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_desc.c: the VNF descriptor parser. Every key is checked (type,
 * range, syntax), unknown keys are errors, and the result is a struct plus
 * a normalized JSON copy with every default filled in. The format is
 * documented key by key in docs/vnf-descriptor.md.
 */
#include <errno.h>
#include <string.h>

#include "nfvi_priv.h"

bool
nfvi_name_valid(const char *name)
{
	size_t i, len;

	if (name == NULL)
		return false;
	len = strlen(name);
	if (len == 0 || len > NFVI_NAME_MAX || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

static bool
bridge_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > NFVI_BRIDGE_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static bool
ifname_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > NFVI_IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* An absolute path without "..", control characters, or more than the max. */
static bool
path_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 2 || len > NFVI_IMAGE_PATH_MAX || s[0] != '/')
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return false;
	return strstr(s, "/../") == NULL && (len < 3 || strcmp(s + len - 3, "/..") != 0);
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return false;
	return true;
}

/* Reject any key of @p obj not in the NULL-terminated @p keys. */
static int
check_keys(const json_t *obj, const char *const *keys, const char *where, char *err,
	   size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		const char *const *k;

		(void)v;
		for (k = keys; *k != NULL; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k == NULL)
			return nfvi_seterr(-EINVAL, err, errlen, "%sunknown key '%s'", where, key);
	}
	return 0;
}

static int
get_uint(const json_t *obj, const char *key, bool required, long long lo, long long hi,
	 unsigned int *out, const char *where, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);
	long long x;

	if (v == NULL) {
		if (required)
			return nfvi_seterr(-EINVAL, err, errlen, "%smissing key '%s'", where, key);
		return 0;
	}
	if (!json_is_integer(v))
		return nfvi_seterr(-EINVAL, err, errlen, "%s'%s' must be an integer", where, key);
	x = json_integer_value(v);
	if (x < lo || x > hi)
		return nfvi_seterr(-EINVAL, err, errlen, "%s'%s' %lld out of range %lld..%lld",
				   where, key, x, lo, hi);
	*out = (unsigned int)x;
	return 0;
}

static int
get_bool(const json_t *obj, const char *key, bool *out, const char *where, char *err,
	 size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return nfvi_seterr(-EINVAL, err, errlen, "%s'%s' must be true or false", where, key);
	*out = json_is_true(v);
	return 0;
}

/* A string key; NULL result when absent. */
static int
get_str(const json_t *obj, const char *key, const char **out, const char *where, char *err,
	size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return nfvi_seterr(-EINVAL, err, errlen, "%s'%s' must be a string", where, key);
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v))
		return nfvi_seterr(-EINVAL, err, errlen, "%s'%s' contains NUL", where, key);
	return 0;
}

/* One of @p names (NULL-terminated) -> its index. */
static int
get_enum(const json_t *obj, const char *key, const char *const *names, unsigned int *out,
	 char *err, size_t errlen)
{
	const char *s = NULL;
	unsigned int i;
	int ret;

	ret = get_str(obj, key, &s, "", err, errlen);
	if (ret < 0 || s == NULL)
		return ret;
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	return nfvi_seterr(-EINVAL, err, errlen, "'%s': bad value '%.64s'", key, s);
}

static int
parse_nic(const json_t *j, unsigned int idx, struct nfvi_nic_desc *nic, json_t **norm,
	  char *err, size_t errlen)
{
	static const char *const vhu_keys[] = { "type", "bridge", "vlan", "mac", "queues", NULL };
	static const char *const vf_keys[] = { "type", "pf", "vlan", "mac", "spoofchk", "trust",
					       "max_rate_mbps", NULL };
	const char *type = NULL, *s = NULL;
	char where[32];
	uint8_t mac[6];
	int ret;

	snprintf(where, sizeof(where), "nics[%u]: ", idx);
	if (!json_is_object(j))
		return nfvi_seterr(-EINVAL, err, errlen, "%smust be an object", where);
	memset(nic, 0, sizeof(*nic));
	nic->spoofchk = true;
	ret = get_str(j, "type", &type, where, err, errlen);
	if (ret < 0)
		return ret;
	if (type == NULL)
		return nfvi_seterr(-EINVAL, err, errlen, "%smissing key 'type'", where);
	if (strcmp(type, "vhost-user") == 0) {
		nic->type = NFVI_NIC_VHOST_USER;
		ret = check_keys(j, vhu_keys, where, err, errlen);
		if (ret == 0)
			ret = get_str(j, "bridge", &s, where, err, errlen);
		if (ret < 0)
			return ret;
		if (s == NULL || !bridge_valid(s))
			return nfvi_seterr(-EINVAL, err, errlen,
					   "%s'bridge' must be 1..%d characters of A-Z a-z 0-9 _ . -",
					   where, NFVI_BRIDGE_MAX);
		strcpy(nic->bridge, s);
		nic->queues = 1;
		ret = get_uint(j, "queues", false, 1, 8, &nic->queues, where, err, errlen);
		if (ret < 0)
			return ret;
	} else if (strcmp(type, "sriov-vf") == 0) {
		nic->type = NFVI_NIC_SRIOV_VF;
		ret = check_keys(j, vf_keys, where, err, errlen);
		if (ret == 0)
			ret = get_str(j, "pf", &s, where, err, errlen);
		if (ret < 0)
			return ret;
		if (s == NULL || !ifname_valid(s))
			return nfvi_seterr(-EINVAL, err, errlen,
					   "%s'pf' must be an interface name of 1..%d characters",
					   where, NFVI_IFNAME_MAX);
		strcpy(nic->pf, s);
		ret = get_bool(j, "spoofchk", &nic->spoofchk, where, err, errlen);
		if (ret == 0)
			ret = get_bool(j, "trust", &nic->trust, where, err, errlen);
		if (ret == 0)
			ret = get_uint(j, "max_rate_mbps", false, 0, 1000000, &nic->max_rate_mbps,
				       where, err, errlen);
		if (ret < 0)
			return ret;
	} else {
		return nfvi_seterr(-EINVAL, err, errlen,
				   "%s'type' must be \"vhost-user\" or \"sriov-vf\", not '%.32s'",
				   where, type);
	}
	ret = get_uint(j, "vlan", false, 0, 4094, &nic->vlan, where, err, errlen);
	if (ret == 0)
		ret = get_str(j, "mac", &s, where, err, errlen);
	if (ret < 0)
		return ret;
	if (s != NULL) {
		if (nfvi_mac_parse(s, mac) < 0)
			return nfvi_seterr(-EINVAL, err, errlen,
					   "%s'mac' must be xx:xx:xx:xx:xx:xx, not '%.32s'", where, s);
		if ((mac[0] & 1) || memcmp(mac, (uint8_t[6]){0}, 6) == 0)
			return nfvi_seterr(-EINVAL, err, errlen,
					   "%s'mac' %s is not a unicast address", where, s);
		nfvi_mac_format(mac, nic->mac);
	}

	*norm = json_pack("{s:s, s:I}", "type", type, "vlan", (json_int_t)nic->vlan);
	if (*norm == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	if (nic->type == NFVI_NIC_VHOST_USER) {
		json_object_set_new(*norm, "bridge", json_string(nic->bridge));
		json_object_set_new(*norm, "queues", json_integer(nic->queues));
	} else {
		json_object_set_new(*norm, "pf", json_string(nic->pf));
		json_object_set_new(*norm, "spoofchk", json_boolean(nic->spoofchk));
		json_object_set_new(*norm, "trust", json_boolean(nic->trust));
		json_object_set_new(*norm, "max_rate_mbps", json_integer(nic->max_rate_mbps));
	}
	if (nic->mac[0] != '\0')
		json_object_set_new(*norm, "mac", json_string(nic->mac));
	return 0;
}

static int
parse_image(const json_t *j, json_t **norm, char *err, size_t errlen)
{
	static const char *const keys[] = { "kernel", "initrd", "cmdline", "disk", NULL };
	const char *kernel = NULL, *initrd = NULL, *cmdline = NULL, *disk = NULL;
	int ret;

	if (!json_is_object(j))
		return nfvi_seterr(-EINVAL, err, errlen, "'image' must be an object");
	ret = check_keys(j, keys, "image: ", err, errlen);
	if (ret == 0)
		ret = get_str(j, "kernel", &kernel, "image: ", err, errlen);
	if (ret == 0)
		ret = get_str(j, "initrd", &initrd, "image: ", err, errlen);
	if (ret == 0)
		ret = get_str(j, "cmdline", &cmdline, "image: ", err, errlen);
	if (ret == 0)
		ret = get_str(j, "disk", &disk, "image: ", err, errlen);
	if (ret < 0)
		return ret;
	if (disk != NULL && (kernel != NULL || initrd != NULL || cmdline != NULL))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "image: 'disk' excludes 'kernel', 'initrd' and 'cmdline'");
	if (disk == NULL && kernel == NULL)
		return nfvi_seterr(-EINVAL, err, errlen, "image: needs 'kernel' or 'disk'");
	if (disk != NULL && !path_valid(disk))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "image: 'disk' must be an absolute path without '..' (max %d)",
				   NFVI_IMAGE_PATH_MAX);
	if (kernel != NULL && !path_valid(kernel))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "image: 'kernel' must be an absolute path without '..' (max %d)",
				   NFVI_IMAGE_PATH_MAX);
	if (initrd != NULL && !path_valid(initrd))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "image: 'initrd' must be an absolute path without '..' (max %d)",
				   NFVI_IMAGE_PATH_MAX);
	if (cmdline != NULL && (strlen(cmdline) > NFVI_CMDLINE_MAX || !printable(cmdline)))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "image: 'cmdline' must be printable, at most %d characters",
				   NFVI_CMDLINE_MAX);
	*norm = json_deep_copy(j);
	return *norm == NULL ? nfvi_seterr(-ENOMEM, err, errlen, "out of memory") : 0;
}

/* hw:mem_page_size: small|large|any|2MB|1GB|2048|1048576 (KiB, as Nova). */
static int
parse_page_size(const json_t *j, enum nfvi_page_req *out, char *err, size_t errlen)
{
	static const struct {
		const char *s;
		enum nfvi_page_req v;
	} map[] = {
		{ "small", NFVI_PAGES_SMALL }, { "large", NFVI_PAGES_LARGE },
		{ "any", NFVI_PAGES_ANY }, { "2MB", NFVI_PAGES_2M }, { "2048", NFVI_PAGES_2M },
		{ "2048KB", NFVI_PAGES_2M }, { "1GB", NFVI_PAGES_1G },
		{ "1048576", NFVI_PAGES_1G }, { "1048576KB", NFVI_PAGES_1G },
	};
	const char *s = NULL;
	unsigned int i;
	int ret;

	ret = get_str(j, "hw:mem_page_size", &s, "", err, errlen);
	if (ret < 0 || s == NULL)
		return ret;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i].s, s) == 0) {
			*out = map[i].v;
			return 0;
		}
	}
	return nfvi_seterr(-EINVAL, err, errlen,
			   "'hw:mem_page_size': bad value '%.32s' (small, large, any, 2MB, 1GB)",
			   s);
}

static const char *const cpu_policies[] = { "dedicated", "shared", NULL };
static const char *const thread_policies[] = { "prefer", "isolate", "require", NULL };
static const char *const emu_policies[] = { "share", "isolate", NULL };
static const char *const page_names[] = {
	[NFVI_PAGES_LARGE] = "large", [NFVI_PAGES_ANY] = "any", [NFVI_PAGES_SMALL] = "small",
	[NFVI_PAGES_2M] = "2MB", [NFVI_PAGES_1G] = "1GB",
};

int
nfvi_desc_parse(const json_t *j, struct nfvi_vnf_desc *d, json_t **normalized, char *err,
		size_t errlen)
{
	static const char *const keys[] = {
		"name", "vcpus", "memory_mb", "hw:cpu_policy", "hw:cpu_thread_policy",
		"hw:emulator_threads_policy", "hw:mem_page_size", "hw:numa_nodes", "nics",
		"image", NULL,
	};
	json_t *norm = NULL, *nics_norm = NULL, *image_norm = NULL, *v, *nic;
	unsigned int u, numa = 1;
	const char *name = NULL;
	size_t i;
	int ret;

	if (normalized != NULL)
		*normalized = NULL;
	memset(d, 0, sizeof(*d));
	d->page_req = NFVI_PAGES_LARGE;
	if (!json_is_object(j))
		return nfvi_seterr(-EINVAL, err, errlen, "the descriptor must be a JSON object");
	ret = check_keys(j, keys, "", err, errlen);
	if (ret == 0)
		ret = get_str(j, "name", &name, "", err, errlen);
	if (ret < 0)
		return ret;
	if (name == NULL)
		return nfvi_seterr(-EINVAL, err, errlen, "missing key 'name'");
	if (!nfvi_name_valid(name))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'name' must be 1..%d characters of a-z 0-9 - not starting with '-'",
				   NFVI_NAME_MAX);
	strcpy(d->name, name);
	ret = get_uint(j, "vcpus", true, 1, NFVI_MAX_VCPUS, &d->vcpus, "", err, errlen);
	if (ret == 0)
		ret = get_uint(j, "memory_mb", true, NFVI_MIN_MEMORY_MB, NFVI_MAX_MEMORY_MB,
			       &d->memory_mb, "", err, errlen);
	u = NFVI_CPU_DEDICATED;
	if (ret == 0 && (ret = get_enum(j, "hw:cpu_policy", cpu_policies, &u, err, errlen)) == 0)
		d->cpu_policy = u;
	u = NFVI_THREAD_PREFER;
	if (ret == 0 && (ret = get_enum(j, "hw:cpu_thread_policy", thread_policies, &u, err,
					errlen)) == 0)
		d->thread_policy = u;
	u = NFVI_EMU_SHARE;
	if (ret == 0 && (ret = get_enum(j, "hw:emulator_threads_policy", emu_policies, &u, err,
					errlen)) == 0)
		d->emu_policy = u;
	if (ret == 0)
		ret = parse_page_size(j, &d->page_req, err, errlen);
	if (ret < 0)
		return ret;
	v = json_object_get(j, "hw:numa_nodes");
	if (v != NULL) {
		/* Nova extra specs are strings; accept "1" and 1 */
		if (json_is_string(v) && strcmp(json_string_value(v), "1") == 0)
			numa = 1;
		else if (json_is_integer(v) && json_integer_value(v) == 1)
			numa = 1;
		else
			return nfvi_seterr(-EINVAL, err, errlen,
					   "'hw:numa_nodes': only 1 is supported (one NUMA node per VNF)");
	}
	if (d->cpu_policy == NFVI_CPU_SHARED &&
	    (json_object_get(j, "hw:cpu_thread_policy") != NULL ||
	     json_object_get(j, "hw:emulator_threads_policy") != NULL))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'hw:cpu_thread_policy' and 'hw:emulator_threads_policy' need "
				   "'hw:cpu_policy' dedicated");
	if (d->page_req == NFVI_PAGES_2M && d->memory_mb % 2 != 0)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'memory_mb' %u is not a multiple of the 2MB page size", d->memory_mb);
	if (d->page_req == NFVI_PAGES_1G && d->memory_mb % 1024 != 0)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'memory_mb' %u is not a multiple of the 1GB page size", d->memory_mb);

	nics_norm = json_array();
	if (nics_norm == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	v = json_object_get(j, "nics");
	if (v != NULL) {
		if (!json_is_array(v)) {
			ret = nfvi_seterr(-EINVAL, err, errlen, "'nics' must be an array");
			goto out_free_nics;
		}
		if (json_array_size(v) > NFVI_MAX_NICS) {
			ret = nfvi_seterr(-EINVAL, err, errlen, "'nics': at most %d NICs",
					  NFVI_MAX_NICS);
			goto out_free_nics;
		}
		json_array_foreach(v, i, nic) {
			json_t *n = NULL;

			ret = parse_nic(nic, (unsigned int)i, &d->nics[i], &n, err, errlen);
			if (ret < 0)
				goto out_free_nics;
			json_array_append_new(nics_norm, n);
			d->n_nics++;
		}
	}
	v = json_object_get(j, "image");
	if (v == NULL) {
		ret = nfvi_seterr(-EINVAL, err, errlen, "missing key 'image'");
		goto out_free_nics;
	}
	ret = parse_image(v, &image_norm, err, errlen);
	if (ret < 0)
		goto out_free_nics;

	if (normalized != NULL) {
		norm = json_pack("{s:s, s:I, s:I, s:s, s:I, s:o, s:o}", "name", d->name, "vcpus",
				 (json_int_t)d->vcpus, "memory_mb", (json_int_t)d->memory_mb,
				 "hw:cpu_policy", cpu_policies[d->cpu_policy], "hw:numa_nodes",
				 (json_int_t)numa, "nics", nics_norm, "image", image_norm);
		nics_norm = image_norm = NULL;	/* stolen, even on failure */
		if (norm == NULL)
			return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
		if (d->cpu_policy == NFVI_CPU_DEDICATED) {
			json_object_set_new(norm, "hw:cpu_thread_policy",
					    json_string(thread_policies[d->thread_policy]));
			json_object_set_new(norm, "hw:emulator_threads_policy",
					    json_string(emu_policies[d->emu_policy]));
		}
		json_object_set_new(norm, "hw:mem_page_size", json_string(page_names[d->page_req]));
		*normalized = norm;
	}
	ret = 0;
out_free_nics:
	json_decref(image_norm);
	json_decref(nics_norm);
	return ret;
}
