/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnf_config.c: ep-vnf-fwd's JSON configuration, parsed and validated
 * whole before anything is built from it. Every error names the key it is
 * about with its path ("routes[1].prefix: ...") so a user fixes it without
 * reading the code; unknown keys are errors, not ignored (a typo such as
 * "dst_ports" must not silently widen a firewall rule).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vnf_fwd.h"

struct perr {
	char *buf;
	size_t size;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct perr *e, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e->buf != NULL && e->size > 0)
		snprintf(e->buf, e->size, "%s%s%s", path, path[0] != '\0' ? ": " : "", msg);
	return -EINVAL;
}

/* Every key of @obj must be one of the NULL-terminated @allowed. */
static int
check_keys(struct perr *e, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;
		char list[256] = "";

		for (a = allowed; *a != NULL; a++)
			if (strcmp(key, *a) == 0)
				break;
		if (*a != NULL)
			continue;
		for (a = allowed; *a != NULL; a++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 a == allowed ? "" : ", ", *a);
		return fail(e, path, "unknown key '%s' (allowed: %s)", key, list);
	}
	return 0;
}

static uint32_t
prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

int
vnf_prefix_parse(const char *s, bool need_len, struct vnf_prefix *p)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr in;
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		return -EINVAL;
	p->addr = ntohl(in.s_addr);
	p->len = 32;
	if (slash == NULL)
		return need_len ? -EINVAL : 0;
	{
		const char *d = slash + 1;
		unsigned int len = 0;

		if (*d == '\0' || strlen(d) > 2)
			return -EINVAL;
		for (; *d != '\0'; d++) {
			if (*d < '0' || *d > '9')
				return -EINVAL;
			len = len * 10 + (unsigned int)(*d - '0');
		}
		if (len > 32)
			return -EINVAL;
		p->len = (uint8_t)len;
	}
	return 0;
}

/* A network prefix (route, firewall match): no host bits set. */
static int
get_network(struct perr *e, const char *path, json_t *v, struct vnf_prefix *p)
{
	const char *s = json_string_value(v);

	if (s == NULL)
		return fail(e, path, "must be a string \"A.B.C.D/N\"");
	if (vnf_prefix_parse(s, true, p) != 0)
		return fail(e, path, "bad prefix '%s' (want A.B.C.D/N, N 0..32)", s);
	if ((p->addr & ~prefix_mask(p->len)) != 0)
		return fail(e, path, "'%s' has host bits set", s);
	return 0;
}

static int
get_mac(struct perr *e, const char *path, json_t *v, struct rte_ether_addr *mac)
{
	const char *s = json_string_value(v);

	if (s == NULL || rte_ether_unformat_addr(s, mac) != 0)
		return fail(e, path, "bad MAC address (want \"xx:xx:xx:xx:xx:xx\")");
	return 0;
}

/* A port number or range: 80, "80", "1024-65535". */
static int
get_port_range(struct perr *e, const char *path, json_t *v, uint16_t *lo, uint16_t *hi)
{
	long a, b;

	if (json_is_integer(v)) {
		a = b = (long)json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		a = strtol(s, &end, 10);
		if (end == s)
			return fail(e, path, "bad port range '%s' (want N or \"LO-HI\")", s);
		b = a;
		if (*end == '-') {
			const char *s2 = end + 1;

			b = strtol(s2, &end, 10);
			if (end == s2)
				return fail(e, path, "bad port range '%s' (want N or \"LO-HI\")", s);
		}
		if (*end != '\0')
			return fail(e, path, "bad port range '%s' (want N or \"LO-HI\")", s);
	} else {
		return fail(e, path, "must be a port number or a \"LO-HI\" string");
	}
	if (a < 0 || a > 65535 || b < 0 || b > 65535)
		return fail(e, path, "ports must be 0..65535");
	if (a > b)
		return fail(e, path, "empty range %ld-%ld (LO > HI)", a, b);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int
get_proto(struct perr *e, const char *path, json_t *v, int *proto)
{
	static const struct {
		const char *name;
		int num;
	} names[] = { { "any", -1 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 } };

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > 255)
			return fail(e, path, "protocol number must be 0..255");
		*proto = (int)n;
		return 0;
	}
	if (json_is_string(v)) {
		for (size_t i = 0; i < RTE_DIM(names); i++) {
			if (strcmp(json_string_value(v), names[i].name) == 0) {
				*proto = names[i].num;
				return 0;
			}
		}
	}
	return fail(e, path, "must be \"tcp\", \"udp\", \"icmp\", \"any\" or 0..255");
}

static int
get_action(struct perr *e, const char *path, json_t *v, enum vnf_action *a)
{
	const char *s = json_string_value(v);

	if (s != NULL && strcmp(s, "allow") == 0)
		*a = VNF_ALLOW;
	else if (s != NULL && strcmp(s, "deny") == 0)
		*a = VNF_DENY;
	else
		return fail(e, path, "must be \"allow\" or \"deny\"");
	return 0;
}

static int
parse_port(struct perr *e, const char *path, json_t *o, enum vnf_mode mode,
	   struct vnf_port_config *pc)
{
	static const char *const keys[] = { "ip", "rewrite", NULL };
	static const char *const rw_keys[] = { "src", "dst", NULL };
	char sub[96];
	json_t *v;
	int ret;

	if (!json_is_object(o))
		return fail(e, path, "must be an object");
	ret = check_keys(e, path, o, keys);
	if (ret != 0)
		return ret;
	v = json_object_get(o, "ip");
	snprintf(sub, sizeof(sub), "%s.ip", path);
	if (v != NULL) {
		const char *s = json_string_value(v);

		if (mode != VNF_MODE_L3)
			return fail(e, sub, "only valid in mode \"l3\"");
		if (s == NULL || vnf_prefix_parse(s, true, &pc->ip) != 0 || pc->ip.len == 0)
			return fail(e, sub, "bad interface address (want A.B.C.D/N, N 1..32)");
		if (pc->ip.addr == 0)
			return fail(e, sub, "0.0.0.0 is not an interface address");
		pc->has_ip = true;
	} else if (mode == VNF_MODE_L3) {
		return fail(e, sub, "required in mode \"l3\" (the address ARP answers for)");
	}
	v = json_object_get(o, "rewrite");
	if (v == NULL)
		return 0;
	snprintf(sub, sizeof(sub), "%s.rewrite", path);
	if (mode != VNF_MODE_L2)
		return fail(e, sub, "only valid in mode \"l2\" (l3 always rewrites)");
	if (!json_is_object(v))
		return fail(e, sub, "must be an object {\"src\": ..., \"dst\": ...}");
	ret = check_keys(e, sub, v, rw_keys);
	if (ret != 0)
		return ret;
	if (json_object_get(v, "src") != NULL) {
		json_t *s = json_object_get(v, "src");

		snprintf(sub, sizeof(sub), "%s.rewrite.src", path);
		pc->rewrite_src = true;
		if (json_is_string(s) && strcmp(json_string_value(s), "port") == 0)
			pc->rewrite_src_port_mac = true;
		else if (get_mac(e, sub, s, &pc->rewrite_src_mac) != 0)
			return fail(e, sub, "must be \"port\" or a MAC address");
	}
	if (json_object_get(v, "dst") != NULL) {
		snprintf(sub, sizeof(sub), "%s.rewrite.dst", path);
		pc->rewrite_dst = true;
		ret = get_mac(e, sub, json_object_get(v, "dst"), &pc->rewrite_dst_mac);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int
parse_route(struct perr *e, const char *path, json_t *o, struct vnf_config *cfg,
	    struct vnf_route_config *rc)
{
	static const char *const keys[] = { "prefix", "port", "next_hop_mac", NULL };
	char sub[96];
	json_t *v;
	int ret;

	if (!json_is_object(o))
		return fail(e, path, "must be an object");
	ret = check_keys(e, path, o, keys);
	if (ret != 0)
		return ret;
	for (const char *const *k = keys; *k != NULL; k++) {
		if (json_object_get(o, *k) == NULL) {
			snprintf(sub, sizeof(sub), "%s.%s", path, *k);
			return fail(e, sub, "required");
		}
	}
	snprintf(sub, sizeof(sub), "%s.prefix", path);
	ret = get_network(e, sub, json_object_get(o, "prefix"), &rc->prefix);
	if (ret != 0)
		return ret;
	v = json_object_get(o, "port");
	snprintf(sub, sizeof(sub), "%s.port", path);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) >= (json_int_t)cfg->n_ports)
		return fail(e, sub, "must be a port index 0..%u", cfg->n_ports - 1);
	rc->port = (uint16_t)json_integer_value(v);
	snprintf(sub, sizeof(sub), "%s.next_hop_mac", path);
	return get_mac(e, sub, json_object_get(o, "next_hop_mac"), &rc->next_hop_mac);
}

/* Member @p key of @p o, or NULL; when present, its path ("PATH.KEY") is in @p sub. */
static json_t *
member(const json_t *o, const char *path, const char *key, char *sub, size_t size)
{
	json_t *v = json_object_get(o, key);

	if (v != NULL)
		snprintf(sub, size, "%s.%s", path, key);
	return v;
}

static int
parse_rule(struct perr *e, const char *path, json_t *o, struct vnf_fw_rule *r)
{
	static const char *const keys[] = { "name", "action", "src", "dst", "proto",
					    "src_port", "dst_port", NULL };
	char sub[96];
	json_t *v;
	int ret;

	if (!json_is_object(o))
		return fail(e, path, "must be an object");
	ret = check_keys(e, path, o, keys);
	if (ret != 0)
		return ret;
	r->proto = -1;
	r->sport_hi = r->dport_hi = UINT16_MAX;
	v = json_object_get(o, "name");
	if (v != NULL) {
		snprintf(sub, sizeof(sub), "%s.name", path);
		if (!json_is_string(v) || strlen(json_string_value(v)) >= VNF_RULE_NAME_SIZE)
			return fail(e, sub, "must be a string of at most %d characters",
				    VNF_RULE_NAME_SIZE - 1);
		snprintf(r->name, sizeof(r->name), "%s", json_string_value(v));
	}
	snprintf(sub, sizeof(sub), "%s.action", path);
	v = json_object_get(o, "action");
	if (v == NULL)
		return fail(e, sub, "required");
	ret = get_action(e, sub, v, &r->action);
	if (ret != 0)
		return ret;
	if ((v = member(o, path, "src", sub, sizeof(sub))) != NULL &&
	    (ret = get_network(e, sub, v, &r->src)) != 0)
		return ret;
	if ((v = member(o, path, "dst", sub, sizeof(sub))) != NULL &&
	    (ret = get_network(e, sub, v, &r->dst)) != 0)
		return ret;
	if ((v = member(o, path, "proto", sub, sizeof(sub))) != NULL &&
	    (ret = get_proto(e, sub, v, &r->proto)) != 0)
		return ret;
	if ((v = member(o, path, "src_port", sub, sizeof(sub))) != NULL &&
	    (ret = get_port_range(e, sub, v, &r->sport_lo, &r->sport_hi)) != 0)
		return ret;
	if ((v = member(o, path, "dst_port", sub, sizeof(sub))) != NULL &&
	    (ret = get_port_range(e, sub, v, &r->dport_lo, &r->dport_hi)) != 0)
		return ret;
	r->ports = r->sport_lo != 0 || r->sport_hi != UINT16_MAX || r->dport_lo != 0 ||
		   r->dport_hi != UINT16_MAX;
	if ((json_object_get(o, "src_port") != NULL || json_object_get(o, "dst_port") != NULL) &&
	    r->proto != 6 && r->proto != 17)
		return fail(e, path, "src_port/dst_port need \"proto\": \"tcp\" or \"udp\"");
	return 0;
}

static int
parse_firewall(struct perr *e, json_t *o, struct vnf_fw *fw)
{
	static const char *const keys[] = { "default", "rules", NULL };
	char sub[64];
	json_t *v, *r;
	size_t i;
	int ret;

	if (!json_is_object(o))
		return fail(e, "firewall", "must be an object");
	ret = check_keys(e, "firewall", o, keys);
	if (ret != 0)
		return ret;
	fw->enabled = true;
	fw->default_action = VNF_ALLOW;
	if ((v = json_object_get(o, "default")) != NULL) {
		ret = get_action(e, "firewall.default", v, &fw->default_action);
		if (ret != 0)
			return ret;
	}
	v = json_object_get(o, "rules");
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return fail(e, "firewall.rules", "must be an array");
	if (json_array_size(v) > VNF_MAX_RULES)
		return fail(e, "firewall.rules", "at most %d rules", VNF_MAX_RULES);
	json_array_foreach(v, i, r) {
		snprintf(sub, sizeof(sub), "firewall.rules[%zu]", i);
		ret = parse_rule(e, sub, r, &fw->rules[i]);
		if (ret != 0)
			return ret;
		if (fw->rules[i].name[0] == '\0')
			snprintf(fw->rules[i].name, sizeof(fw->rules[i].name), "rule%zu", i);
		fw->n_rules++;
	}
	return 0;
}

static int
parse_root(struct perr *e, json_t *root, struct vnf_config *cfg)
{
	static const char *const keys[] = { "mode", "ports", "routes", "firewall", NULL };
	const char *mode;
	char sub[64];
	json_t *v, *x;
	size_t i;
	int ret;

	if (!json_is_object(root))
		return fail(e, "", "the configuration must be a JSON object");
	ret = check_keys(e, "", root, keys);
	if (ret != 0)
		return ret;
	mode = json_string_value(json_object_get(root, "mode"));
	if (mode == NULL)
		return fail(e, "mode", "required: \"l2\" or \"l3\"");
	if (strcmp(mode, "l2") == 0)
		cfg->mode = VNF_MODE_L2;
	else if (strcmp(mode, "l3") == 0)
		cfg->mode = VNF_MODE_L3;
	else
		return fail(e, "mode", "'%s': must be \"l2\" or \"l3\"", mode);

	v = json_object_get(root, "ports");
	if (!json_is_array(v))
		return fail(e, "ports", "required: an array with one object per port");
	if (cfg->mode == VNF_MODE_L2 && json_array_size(v) != 2)
		return fail(e, "ports", "mode \"l2\" needs exactly 2 ports, not %zu",
			    json_array_size(v));
	if (json_array_size(v) < 1 || json_array_size(v) > VNF_MAX_PORTS)
		return fail(e, "ports", "1..%d ports, not %zu", VNF_MAX_PORTS, json_array_size(v));
	cfg->n_ports = (unsigned int)json_array_size(v);
	json_array_foreach(v, i, x) {
		snprintf(sub, sizeof(sub), "ports[%zu]", i);
		ret = parse_port(e, sub, x, cfg->mode, &cfg->ports[i]);
		if (ret != 0)
			return ret;
	}

	v = json_object_get(root, "routes");
	if (v != NULL && cfg->mode != VNF_MODE_L3)
		return fail(e, "routes", "only valid in mode \"l3\"");
	if (v != NULL) {
		if (!json_is_array(v))
			return fail(e, "routes", "must be an array");
		if (json_array_size(v) > VNF_MAX_ROUTES)
			return fail(e, "routes", "at most %d routes", VNF_MAX_ROUTES);
		json_array_foreach(v, i, x) {
			struct vnf_route_config *rc = &cfg->routes[i];

			snprintf(sub, sizeof(sub), "routes[%zu]", i);
			ret = parse_route(e, sub, x, cfg, rc);
			if (ret != 0)
				return ret;
			for (size_t j = 0; j < i; j++) {
				if (cfg->routes[j].prefix.addr == rc->prefix.addr &&
				    cfg->routes[j].prefix.len == rc->prefix.len)
					return fail(e, sub, "duplicate prefix (same as routes[%zu])",
						    j);
			}
			cfg->n_routes++;
		}
	}

	v = json_object_get(root, "firewall");
	if (v != NULL)
		return parse_firewall(e, v, &cfg->fw);
	return 0;
}

int
vnf_config_parse(const char *text, struct vnf_config *cfg, char *err, size_t err_size)
{
	struct perr e = { .buf = err, .size = err_size };
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fail(&e, "", "invalid JSON at line %d column %d: %s", jerr.line,
			    jerr.column, jerr.text);
	ret = parse_root(&e, root, cfg);
	json_decref(root);
	return ret;
}

int
vnf_config_load(const char *path, struct vnf_config *cfg, char *err, size_t err_size)
{
	struct perr e = { .buf = err, .size = err_size };
	char *text = NULL;
	size_t size = 0;
	FILE *f, *mem;
	int c, ret;

	f = fopen(path, "r");
	if (f == NULL) {
		ret = -errno;
		fail(&e, path, "%s", strerror(-ret));
		return ret;
	}
	mem = open_memstream(&text, &size);
	if (mem == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	if (fclose(mem) != 0) {
		free(text);
		return -ENOMEM;
	}
	ret = vnf_config_parse(text, cfg, err, err_size);
	free(text);
	return ret;
}
