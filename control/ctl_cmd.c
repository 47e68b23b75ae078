/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_cmd.c: the edgeplane-ctl command table and its argument parser.
 *
 * Each command is one row: its JSON-RPC method, the positional names it
 * takes (and the params member each one fills), and the key=value arguments
 * it accepts with their types and ranges. Everything is checked here, before
 * any request is sent, so a typo gets one precise line naming the command,
 * key and value rather than a round trip to the daemon. The daemon validates
 * again: this is a convenience, not a trust boundary.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define MAX_POS 2
#define MAX_VLAN 4095

enum val_kind {
	VAL_UINT,	/* decimal integer in [min, max] */
	VAL_ENUM,	/* one of choices */
	VAL_BOOL,	/* true or false */
	VAL_STR,	/* min..max bytes, no control characters */
	VAL_TRUNKS,	/* "A,B-C" list of VLAN ids, expanded to a sorted array */
};

struct key_spec {
	const char *name;
	enum val_kind kind;
	unsigned long min;
	unsigned long max;
	const char *const *choices;	/* VAL_ENUM: NULL-terminated */
};

struct cmd_spec;
typedef int cmd_check_fn(const struct cmd_spec *cmd, json_t *params, char *err, size_t errlen);

struct cmd_spec {
	const char *name;
	const char *method;
	const char *pos_keys[MAX_POS];	/* params member filled by each positional */
	const char *pos_meta[MAX_POS];	/* its name in usage, e.g. "BR" */
	int n_pos_required;
	int n_pos_max;
	const struct key_spec *keys;	/* NULL: no key=value arguments */
	bool need_key;			/* at least one key=value is required */
	bool empty_trunks;		/* "trunks=" means "no trunks" */
	cmd_check_fn *check;		/* extra checks after parsing, may be NULL */
	const char *usage;		/* arguments, for --help and errors */
	const char *help;
	bool text_tail;			/* the last positional is free text: every
					 * remaining argument, joined by spaces
					 * (flows, as ovs-ofctl takes them) */
};

static const char *const port_types[] = { "dpdk", "vhost-user", "vhost-user-client", NULL };
static const char *const vlan_modes[] = {
	"trunk", "access", "native-untagged", "native-tagged", NULL
};

static const struct key_spec bridge_keys[] = {
	{ "aging", VAL_UINT, 0, 1000000, NULL },
	{ "fdb_size", VAL_UINT, 16, 1048576, NULL },
	{ NULL, 0, 0, 0, NULL },
};

/* devargs and path sizes match what the dataplane stores (256, sun_path). */
#define PORT_KEYS_COMMON \
	{ "devargs", VAL_STR, 1, 255, NULL }, \
	{ "path", VAL_STR, 1, 107, NULL }, \
	{ "vlan_mode", VAL_ENUM, 0, 0, vlan_modes }, \
	{ "tag", VAL_UINT, 1, MAX_VLAN, NULL }, \
	{ "trunks", VAL_TRUNKS, 0, MAX_VLAN, NULL }, \
	{ "mtu", VAL_UINT, 68, 9710, NULL }, \
	{ "n_rxq", VAL_UINT, 1, 8, NULL }, \
	{ "port_security", VAL_BOOL, 0, 0, NULL }, \
	{ "allowed_macs", VAL_STR, 1, 1024, NULL }, \
	{ "allowed_ips", VAL_STR, 1, 2047, NULL }, \
	{ "ingress_policing_rate", VAL_UINT, 0, 100000000, NULL }, \
	{ "ingress_policing_burst", VAL_UINT, 0, 100000000, NULL }, \
	{ "egress_policing_rate", VAL_UINT, 0, 100000000, NULL }, \
	{ "egress_policing_burst", VAL_UINT, 0, 100000000, NULL }, \
	{ NULL, 0, 0, 0, NULL }

static const struct key_spec add_port_keys[] = {
	{ "type", VAL_ENUM, 0, 0, port_types },
	PORT_KEYS_COMMON,
};

static const struct key_spec set_port_keys[] = {
	PORT_KEYS_COMMON,
};

static cmd_check_fn check_add_port;
static cmd_check_fn check_fdb_mac;

static const struct key_spec mirror_keys[] = {
	{ "output", VAL_STR, 1, 31, NULL },
	{ "select_src", VAL_STR, 1, 1024, NULL },
	{ "select_dst", VAL_STR, 1, 1024, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct key_spec meter_keys[] = {
	{ "id", VAL_UINT, 0, 255, NULL },
	{ "rate", VAL_UINT, 1, 100000000, NULL },
	{ "burst", VAL_UINT, 0, 100000000, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct key_spec meter_id_keys[] = {
	{ "id", VAL_UINT, 0, 255, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct key_spec fdb_add_keys[] = {
	{ "mac", VAL_STR, 1, 64, NULL },
	{ "vlan", VAL_UINT, 0, MAX_VLAN, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cmd_spec commands[] = {
	{ "add-br", "bridge.add", { "name" }, { "BR" }, 1, 1, bridge_keys, false, false, NULL,
	  "BR [aging=SECONDS] [fdb_size=N]", "create bridge BR", false },
	{ "del-br", "bridge.del", { "name" }, { "BR" }, 1, 1, NULL, false, false, NULL,
	  "BR", "delete bridge BR and its ports", false },
	{ "set-br", "bridge.set", { "name" }, { "BR" }, 1, 1, bridge_keys, true, false, NULL,
	  "BR [aging=SECONDS] [fdb_size=N]", "change bridge BR", false },
	{ "add-port", "port.add", { "bridge", "name" }, { "BR", "PORT" }, 2, 2, add_port_keys,
	  false, false, check_add_port,
	  "BR PORT type=TYPE [KEY=VALUE...]",
	  "add PORT to bridge BR. Keys:\n"
	  "        type=dpdk|vhost-user|vhost-user-client (dpdk needs devargs, the others path)\n"
	  "        devargs=DEVARGS  path=SOCKET  mtu=68..9710  n_rxq=1..8\n"
	  "        vlan_mode=trunk|access|native-untagged|native-tagged\n"
	  "        tag=1..4095  trunks=A,B-C (VLAN ids 0..4095)\n"
	  "        port_security=true|false  allowed_macs=MAC,...  allowed_ips=IP[/N],...\n"
	  "        ingress_policing_rate=KBPS ingress_policing_burst=KBIT (same for egress_)",
	  false },
	{ "set-port", "port.set", { "name" }, { "PORT" }, 1, 1, set_port_keys, true, true, NULL,
	  "PORT KEY=VALUE...", "change PORT (add-port's keys but type; trunks= clears)", false },
	{ "del-port", "port.del", { "name" }, { "PORT" }, 1, 1, NULL, false, false, NULL,
	  "PORT", "delete PORT", false },
	{ "show", "bridge.list", { NULL }, { NULL }, 0, 0, NULL, false, false, NULL,
	  "", "show bridges and their ports", false },
	{ "list-ports", "port.list", { "bridge" }, { "BR" }, 0, 1, NULL, false, false, NULL,
	  "[BR]", "list the ports (of bridge BR)", false },
	{ "port-stats", "port.stats", { "name" }, { "PORT" }, 0, 1, NULL, false, false, NULL,
	  "[PORT]", "show port counters", false },
	{ "fdb-show", "fdb.show", { "bridge" }, { "BR" }, 1, 1, NULL, false, false, NULL,
	  "BR", "show the MAC learning table of BR", false },
	{ "fdb-flush", "fdb.flush", { "bridge", "port" }, { "BR", "PORT" }, 1, 2, NULL, false,
	  false, NULL, "BR [PORT]", "flush learned MACs of BR (only those on PORT)", false },
	{ "fdb-add", "fdb.add", { "bridge", "port" }, { "BR", "PORT" }, 2, 2, fdb_add_keys, true,
	  false, check_fdb_mac, "BR PORT mac=MAC [vlan=VID]",
	  "add a static MAC entry: MAC in VLAN VID (default 0) is on PORT", false },
	{ "fdb-del", "fdb.del", { "bridge" }, { "BR" }, 1, 1, fdb_add_keys, true, false,
	  check_fdb_mac, "BR mac=MAC [vlan=VID]", "delete a MAC entry (static or learned)",
	  false },
	{ "add-mirror", "mirror.add", { "bridge", "name" }, { "BR", "MIRROR" }, 2, 2, mirror_keys,
	  true, false, NULL, "BR MIRROR output=PORT [select_src=P,...] [select_dst=P,...]",
	  "mirror frames received on select_src / sent on select_dst ports to PORT", false },
	{ "del-mirror", "mirror.del", { "bridge", "name" }, { "BR", "MIRROR" }, 2, 2, NULL, false,
	  false, NULL, "BR MIRROR", "delete a mirror", false },
	{ "list-mirrors", "mirror.list", { "bridge" }, { "BR" }, 1, 1, NULL, false, false, NULL,
	  "BR", "show BR's mirrors", false },
	{ "add-meter", "meter.add", { "bridge" }, { "BR" }, 1, 1, meter_keys, true, false, NULL,
	  "BR id=N rate=KBPS [burst=KBIT]",
	  "add or replace meter N (for flows' meter:N action), srTCM rate and burst", false },
	{ "del-meter", "meter.del", { "bridge" }, { "BR" }, 1, 1, meter_id_keys, true, false, NULL,
	  "BR id=N", "delete meter N", false },
	{ "dump-meters", "meter.list", { "bridge" }, { "BR" }, 1, 1, NULL, false, false, NULL,
	  "BR", "show BR's meters", false },
	{ "pmd-stats", "pmd.stats", { NULL }, { NULL }, 0, 0, NULL, false, false, NULL,
	  "", "show PMD thread statistics", false },
	{ "pmd-rxq-show", "pmd.rxq", { NULL }, { NULL }, 0, 0, NULL, false, false, NULL,
	  "", "show rx queue to PMD assignment", false },
	{ "pmd-rxq-rebalance", "pmd.rxq_rebalance", { NULL }, { NULL }, 0, 0, NULL, false, false,
	  NULL, "", "re-assign rx queues to PMDs by their measured cycles", false },
	{ "version", "system.version", { NULL }, { NULL }, 0, 0, NULL, false, false, NULL,
	  "", "show the vswitchd and DPDK versions", false },
	{ "add-flow", "flow.add", { "bridge", "flow" }, { "BR", "FLOW" }, 2, 2, NULL, false,
	  false, NULL, "BR FLOW",
	  "add a flow rule to BR, in ovs-ofctl syntax, e.g.\n"
	  "        \"priority=100,in_port=vh0,ip,nw_dst=10.0.0.0/24,actions=output:vh1\"\n"
	  "        (docs/flows.md lists the fields and actions)", true },
	{ "del-flows", "flow.del", { "bridge", "match" }, { "BR", "MATCH" }, 1, 2, NULL, false,
	  false, NULL, "BR [MATCH]",
	  "delete BR's flow rules (all, or those at least as specific as MATCH)", true },
	{ "dump-flows", "flow.dump", { "bridge" }, { "BR" }, 1, 1, NULL, false, false, NULL,
	  "BR", "show BR's flow rules with their packet and byte counters", false },
};

static const char call_usage[] = "METHOD [JSON-PARAMS]";
static const char call_help[] = "call any JSON-RPC method (params: a JSON object or array)";

static bool
valid_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > CTL_NAME_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* fdb-add/fdb-del: mac= is required and looks like aa:bb:cc:dd:ee:ff. */
static int
check_fdb_mac(const struct cmd_spec *cmd, json_t *params, char *err, size_t errlen)
{
	const char *mac = json_string_value(json_object_get(params, "mac"));
	unsigned int b[6];
	char end;

	if (mac == NULL) {
		snprintf(err, errlen, "%s: missing required key 'mac'", cmd->name);
		return -EINVAL;
	}
	if (sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6) {
		snprintf(err, errlen, "%s: bad value '%s' for mac (expected aa:bb:cc:dd:ee:ff)",
			 cmd->name, mac);
		return -EINVAL;
	}
	return 0;
}

/* Strict decimal: digits only, no sign, no spaces, within [min, max]. */
static bool
parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 10)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Parse "A,B-C" into a sorted array of unique ids; NULL when malformed. */
static json_t *
parse_trunks(const char *s, bool allow_empty)
{
	uint8_t seen[(MAX_VLAN + 1) / 8] = { 0 };
	char buf[16], *dash;
	const char *p = s, *comma;
	unsigned long lo, hi;
	json_t *arr;
	size_t len;

	if (*s == '\0')
		return allow_empty ? json_array() : NULL;
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= sizeof(buf))
			return NULL;
		memcpy(buf, p, len);
		buf[len] = '\0';
		dash = strchr(buf, '-');
		if (dash != NULL)
			*dash = '\0';
		if (!parse_uint(buf, 0, MAX_VLAN, &lo))
			return NULL;
		hi = lo;
		if (dash != NULL && (!parse_uint(dash + 1, 0, MAX_VLAN, &hi) || hi < lo))
			return NULL;
		for (unsigned long v = lo; v <= hi; v++)
			seen[v / 8] |= (uint8_t)(1u << (v % 8));
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	arr = json_array();
	for (unsigned long v = 0; arr != NULL && v <= MAX_VLAN; v++) {
		if ((seen[v / 8] & (1u << (v % 8))) != 0 &&
		    json_array_append_new(arr, json_integer((json_int_t)v)) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

/* "aging, fdb_size" */
static void
key_list(const struct key_spec *keys, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct key_spec *k = keys; k->name != NULL && off < size; k++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", k == keys ? "" : ", ",
					k->name);
}

static void
describe_expected(const struct cmd_spec *cmd, const struct key_spec *k, char *buf, size_t size)
{
	size_t off = 0;

	switch (k->kind) {
	case VAL_UINT:
		snprintf(buf, size, "an integer %lu..%lu", k->min, k->max);
		break;
	case VAL_ENUM:
		buf[0] = '\0';
		for (size_t i = 0; k->choices[i] != NULL && off < size; i++)
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
						i == 0 ? "one of " : ", ", k->choices[i]);
		break;
	case VAL_STR:
		snprintf(buf, size, "%lu..%lu characters", k->min, k->max);
		break;
	case VAL_BOOL:
		snprintf(buf, size, "true or false");
		break;
	case VAL_TRUNKS:
		snprintf(buf, size, "VLAN ids 0..%d as a list like 10,20-30%s", MAX_VLAN,
			 cmd->empty_trunks ? ", or nothing to clear" : "");
		break;
	}
}

/* Parse @value for key @k into a new JSON value; NULL when it is bad. */
static json_t *
parse_value(const struct cmd_spec *cmd, const struct key_spec *k, const char *value)
{
	unsigned long v;
	size_t len;

	switch (k->kind) {
	case VAL_UINT:
		return parse_uint(value, k->min, k->max, &v) ? json_integer((json_int_t)v) : NULL;
	case VAL_ENUM:
		for (size_t i = 0; k->choices[i] != NULL; i++)
			if (strcmp(value, k->choices[i]) == 0)
				return json_string(value);
		return NULL;
	case VAL_STR:
		len = strlen(value);
		if (len < k->min || len > k->max)
			return NULL;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
				return NULL;
		return json_stringn(value, len);	/* NULL also for invalid UTF-8 */
	case VAL_TRUNKS:
		return parse_trunks(value, cmd->empty_trunks);
	case VAL_BOOL:
		if (strcmp(value, "true") == 0)
			return json_true();
		if (strcmp(value, "false") == 0)
			return json_false();
		return NULL;
	}
	return NULL;
}

static int
parse_key(const struct cmd_spec *cmd, const char *arg, json_t *params, unsigned *seen,
	  char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *value = eq + 1;
	size_t klen = (size_t)(eq - arg);
	const struct key_spec *k;
	char list[256], expected[128];
	unsigned bit;
	json_t *v;

	if (cmd->keys == NULL) {
		snprintf(err, errlen, "%s: unexpected argument '%s' (usage: %s %s)", cmd->name,
			 arg, cmd->name, cmd->usage);
		return -EINVAL;
	}
	for (k = cmd->keys; k->name != NULL; k++)
		if (strlen(k->name) == klen && strncmp(k->name, arg, klen) == 0)
			break;
	if (k->name == NULL) {
		key_list(cmd->keys, list, sizeof(list));
		snprintf(err, errlen, "%s: unknown key '%.*s' (expected: %s)", cmd->name,
			 (int)klen, arg, list);
		return -EINVAL;
	}
	bit = 1u << (k - cmd->keys);
	if ((*seen & bit) != 0) {
		snprintf(err, errlen, "%s: key '%s' given twice", cmd->name, k->name);
		return -EINVAL;
	}
	*seen |= bit;
	v = parse_value(cmd, k, value);
	if (v == NULL) {
		describe_expected(cmd, k, expected, sizeof(expected));
		snprintf(err, errlen, "%s: bad value '%s' for %s (expected %s)", cmd->name, value,
			 k->name, expected);
		return -EINVAL;
	}
	if (json_object_set_new(params, k->name, v) < 0) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

static int
check_add_port(const struct cmd_spec *cmd, json_t *params, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(params, "type"));
	bool dpdk;

	if (type == NULL) {
		snprintf(err, errlen, "%s: missing required key 'type' (expected: %s, %s or %s)",
			 cmd->name, port_types[0], port_types[1], port_types[2]);
		return -EINVAL;
	}
	dpdk = strcmp(type, "dpdk") == 0;
	if (dpdk && json_object_get(params, "devargs") == NULL) {
		snprintf(err, errlen, "%s: type=dpdk requires devargs=...", cmd->name);
		return -EINVAL;
	}
	if (dpdk && json_object_get(params, "path") != NULL) {
		snprintf(err, errlen, "%s: type=dpdk does not take path (use devargs)", cmd->name);
		return -EINVAL;
	}
	if (!dpdk && json_object_get(params, "path") == NULL) {
		snprintf(err, errlen, "%s: type=%s requires path=...", cmd->name, type);
		return -EINVAL;
	}
	if (!dpdk && json_object_get(params, "devargs") != NULL) {
		snprintf(err, errlen, "%s: type=%s does not take devargs (use path)", cmd->name,
			 type);
		return -EINVAL;
	}
	return 0;
}

static int
parse_call(int argc, char **argv, struct ctl_request *req, char *err, size_t errlen)
{
	const char *method;
	json_error_t jerr;
	json_t *params;
	size_t len;

	if (argc < 2) {
		snprintf(err, errlen, "call: missing METHOD (usage: call %s)", call_usage);
		return -EINVAL;
	}
	if (argc > 3) {
		snprintf(err, errlen, "call: unexpected argument '%s' (usage: call %s)", argv[3],
			 call_usage);
		return -EINVAL;
	}
	method = argv[1];
	len = strlen(method);
	if (len == 0 || len >= sizeof(req->method)) {
		snprintf(err, errlen, "call: invalid method name '%s' (1..%zu characters)", method,
			 sizeof(req->method) - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)method[i] <= ' ' || (unsigned char)method[i] >= 0x7f) {
			snprintf(err, errlen, "call: invalid method name '%s' (no spaces or "
				 "control characters)", method);
			return -EINVAL;
		}
	}
	params = NULL;
	if (argc == 3) {
		params = json_loads(argv[2], JSON_DECODE_ANY, &jerr);
		if (params == NULL) {
			snprintf(err, errlen, "call: invalid JSON params '%s': %s at column %d",
				 argv[2], jerr.text, jerr.column);
			return -EINVAL;
		}
		if (!json_is_object(params) && !json_is_array(params)) {
			json_decref(params);
			snprintf(err, errlen, "call: params '%s' must be a JSON object or array",
				 argv[2]);
			return -EINVAL;
		}
	}
	memcpy(req->method, method, len + 1);
	req->params = params;
	return 0;
}

/* The free-text last positional: the remaining arguments joined by spaces. */
static int
set_text_tail(const struct cmd_spec *cmd, int argc, char **argv, json_t *params, char *err,
	      size_t errlen)
{
	char text[4096];
	size_t len = 0;
	int i;

	text[0] = '\0';
	for (i = 0; i < argc; i++) {
		int n = snprintf(text + len, sizeof(text) - len, "%s%s", i > 0 ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= sizeof(text) - len) {
			snprintf(err, errlen, "%s: %s is too long (at most %zu bytes)", cmd->name,
				 cmd->pos_meta[cmd->n_pos_max - 1], sizeof(text) - 1);
			return -EINVAL;
		}
		len += (size_t)n;
	}
	for (i = 0; text[i] != '\0'; i++) {
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
			snprintf(err, errlen, "%s: control character in %s", cmd->name,
				 cmd->pos_meta[cmd->n_pos_max - 1]);
			return -EINVAL;
		}
	}
	if (json_object_set_new(params, cmd->pos_keys[cmd->n_pos_max - 1], json_string(text)) < 0) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

int
ctl_cmd_parse(int argc, char **argv, struct ctl_request *req, char *err, size_t errlen)
{
	const struct cmd_spec *cmd = NULL;
	unsigned seen = 0;
	json_t *params;
	int n_pos = 0, ret;

	if (req == NULL)
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		snprintf(err, errlen, "missing command (try --help)");
		return -EINVAL;
	}
	req->command = argv[0];
	if (strcmp(argv[0], "call") == 0)
		return parse_call(argc, argv, req, err, errlen);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			cmd = &commands[i];
			break;
		}
	}
	if (cmd == NULL) {
		snprintf(err, errlen, "unknown command '%s' (try --help)", argv[0]);
		return -EINVAL;
	}

	params = json_object();
	if (params == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (cmd->text_tail && n_pos == cmd->n_pos_max - 1) {
			ret = set_text_tail(cmd, argc - i, argv + i, params, err, errlen);
			if (ret < 0)
				goto err_free_params;
			n_pos++;
			break;
		}
		if (strchr(arg, '=') != NULL) {
			ret = parse_key(cmd, arg, params, &seen, err, errlen);
			if (ret < 0)
				goto err_free_params;
			continue;
		}
		if (n_pos == cmd->n_pos_max) {
			snprintf(err, errlen, "%s: unexpected argument '%s' (usage: %s%s%s)",
				 cmd->name, arg, cmd->name, cmd->usage[0] != '\0' ? " " : "",
				 cmd->usage);
			ret = -EINVAL;
			goto err_free_params;
		}
		if (!valid_name(arg)) {
			snprintf(err, errlen, "%s: invalid %s name '%s' (1..%d characters of "
				 "A-Z a-z 0-9 _ . -, not starting with '-' or '.')", cmd->name,
				 strcmp(cmd->pos_meta[n_pos], "BR") == 0 ? "bridge" : "port", arg,
				 CTL_NAME_MAX);
			ret = -EINVAL;
			goto err_free_params;
		}
		if (json_object_set_new(params, cmd->pos_keys[n_pos], json_string(arg)) < 0) {
			ret = -ENOMEM;
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			goto err_free_params;
		}
		n_pos++;
	}
	if (n_pos < cmd->n_pos_required) {
		snprintf(err, errlen, "%s: missing %s (usage: %s %s)", cmd->name,
			 cmd->pos_meta[n_pos], cmd->name, cmd->usage);
		ret = -EINVAL;
		goto err_free_params;
	}
	if (cmd->need_key && seen == 0) {
		char list[256];

		key_list(cmd->keys, list, sizeof(list));
		snprintf(err, errlen, "%s: nothing to set (give at least one of: %s)", cmd->name,
			 list);
		ret = -EINVAL;
		goto err_free_params;
	}
	if (cmd->check != NULL) {
		ret = cmd->check(cmd, params, err, errlen);
		if (ret < 0)
			goto err_free_params;
	}
	snprintf(req->method, sizeof(req->method), "%s", cmd->method);
	req->params = params;
	return 0;

err_free_params:
	json_decref(params);
	return ret;
}

void
ctl_request_free(struct ctl_request *req)
{
	if (req == NULL)
		return;
	json_decref(req->params);
	req->params = NULL;
}

void
ctl_cmd_usage(FILE *out)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct cmd_spec *cmd = &commands[i];

		fprintf(out, "  %s%s%s\n      %s\n", cmd->name, cmd->usage[0] != '\0' ? " " : "",
			cmd->usage, cmd->help);
	}
	fprintf(out, "  call %s\n      %s\n", call_usage, call_help);
}
