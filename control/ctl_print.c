/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_print.c: rendering of JSON-RPC results for people (edgeplane-ctl).
 *
 * Each read-only method has a renderer producing an ovs-vsctl/ovs-appctl
 * style listing. A renderer first checks the top-level shape it needs and
 * declines when it does not match, in which case the result is printed as
 * JSON: a newer daemon with a changed result never makes the CLI lie or
 * print half a table. Missing members inside a matching shape print as "-".
 * --json output is the result itself, indented, for scripts.
 */
#include <string.h>

#include "ctl.h"

typedef bool render_fn(const json_t *result, FILE *out);

static void
print_json(const json_t *result, FILE *out)
{
	if (result == NULL)
		fputs("null", out);
	else
		json_dumpf(result, out, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', out);
}

static const char *
get_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "-";
}

/* An integer or real member as text; "-" when absent. */
static const char *
get_num(const json_t *obj, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%.1f", json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else
		snprintf(buf, size, "-");
	return buf;
}

/* True when obj[key] is an array of objects. */
static bool
is_object_array(const json_t *obj, const char *key)
{
	const json_t *arr = json_object_get(obj, key), *elem;
	size_t i;

	if (!json_is_array(arr))
		return false;
	json_array_foreach(arr, i, elem)
		if (!json_is_object(elem))
			return false;
	return true;
}

/* Compress a sorted array of VLAN ids into "10,20-22". */
static void
format_trunks(const json_t *arr, char *buf, size_t size)
{
	size_t i = 0, n = json_array_size(arr), off = 0;
	json_int_t lo, hi;

	buf[0] = '\0';
	while (i < n && off < size) {
		lo = hi = json_integer_value(json_array_get(arr, i++));
		while (i < n && json_integer_value(json_array_get(arr, i)) == hi + 1)
			hi = json_integer_value(json_array_get(arr, i++));
		if (lo == hi)
			off += (size_t)snprintf(buf + off, size - off, "%s%" JSON_INTEGER_FORMAT,
						off != 0 ? "," : "", lo);
		else
			off += (size_t)snprintf(buf + off, size - off,
						"%s%" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT,
						off != 0 ? "," : "", lo, hi);
	}
}

/* "access 10", "trunk 10,20-22", "native-tagged 5 10" */
static void
format_vlan(const json_t *port, char *buf, size_t size)
{
	char trunks[256], tag[32];
	const json_t *t = json_object_get(port, "trunks");

	get_num(port, "tag", tag, sizeof(tag));
	format_trunks(t, trunks, sizeof(trunks));
	snprintf(buf, size, "%s%s%s%s%s", get_str(port, "vlan_mode"),
		 json_object_get(port, "tag") != NULL ? " tag " : "",
		 json_object_get(port, "tag") != NULL ? tag : "",
		 trunks[0] != '\0' ? " trunks " : "", trunks);
}

static bool
render_bridge_list(const json_t *result, FILE *out)
{
	const json_t *br, *port;
	char a[32], b[32], c[32], vlan[320];
	size_t i, j;

	if (!is_object_array(result, "bridges"))
		return false;
	json_array_foreach(json_object_get(result, "bridges"), i, br) {
		fprintf(out, "Bridge %s\n", get_str(br, "name"));
		fprintf(out, "    aging: %s, fdb_size: %s\n", get_num(br, "aging", a, sizeof(a)),
			get_num(br, "fdb_size", b, sizeof(b)));
		if (!is_object_array(br, "ports"))
			continue;
		json_array_foreach(json_object_get(br, "ports"), j, port) {
			fprintf(out, "    Port %s\n", get_str(port, "name"));
			fprintf(out, "        id: %s, type: %s", get_num(port, "id", a, sizeof(a)),
				get_str(port, "type"));
			if (json_object_get(port, "devargs") != NULL)
				fprintf(out, ", devargs: %s", get_str(port, "devargs"));
			if (json_object_get(port, "path") != NULL)
				fprintf(out, ", path: %s", get_str(port, "path"));
			format_vlan(port, vlan, sizeof(vlan));
			fprintf(out, "\n        vlan: %s\n", vlan);
			fprintf(out, "        mtu: %s, n_rxq: %s, state: %s\n",
				get_num(port, "mtu", b, sizeof(b)),
				get_num(port, "n_rxq", c, sizeof(c)), get_str(port, "state"));
		}
	}
	return true;
}

static int
column_width(const json_t *arr, const char *key, int min)
{
	const json_t *elem;
	int width = min;
	size_t i;

	json_array_foreach(arr, i, elem) {
		int len = (int)strlen(get_str(elem, key));

		if (len > width)
			width = len;
	}
	return width;
}

static bool
render_port_list(const json_t *result, FILE *out)
{
	const json_t *ports = json_object_get(result, "ports"), *port;
	char id[32], mtu[32], rxq[32], vlan[320];
	int bw, pw;
	size_t i;

	if (!is_object_array(result, "ports"))
		return false;
	bw = column_width(ports, "bridge", 6);
	pw = column_width(ports, "name", 4);
	fprintf(out, "%-*s  %-*s  %4s  %-17s  %-5s  %5s  %3s  %s\n", bw, "BRIDGE", pw, "PORT",
		"ID", "TYPE", "STATE", "MTU", "RXQ", "VLAN");
	json_array_foreach(ports, i, port) {
		format_vlan(port, vlan, sizeof(vlan));
		fprintf(out, "%-*s  %-*s  %4s  %-17s  %-5s  %5s  %3s  %s\n", bw,
			get_str(port, "bridge"), pw, get_str(port, "name"),
			get_num(port, "id", id, sizeof(id)), get_str(port, "type"),
			get_str(port, "state"), get_num(port, "mtu", mtu, sizeof(mtu)),
			get_num(port, "n_rxq", rxq, sizeof(rxq)), vlan);
	}
	return true;
}

/* Print "KEY VALUE, ..." for every numeric member of @obj except @skip. */
static void
print_counters(const json_t *obj, const char *skip, bool nonzero_only, FILE *out)
{
	const char *key;
	const json_t *v;
	bool first = true;

	json_object_foreach((json_t *)obj, key, v) {
		if (!json_is_number(v) || (skip != NULL && strcmp(key, skip) == 0))
			continue;
		if (nonzero_only && json_number_value(v) == 0)
			continue;
		if (json_is_integer(v))
			fprintf(out, "%s%s %" JSON_INTEGER_FORMAT, first ? "" : ", ", key,
				json_integer_value(v));
		else
			fprintf(out, "%s%s %.1f", first ? "" : ", ", key, json_real_value(v));
		first = false;
	}
}

static bool
render_port_stats(const json_t *result, FILE *out)
{
	const json_t *ports = json_object_get(result, "ports"), *port, *drops, *v, *q;
	char rp[32], rb[32], tp[32], tb[32];
	json_int_t total;
	const char *key;
	size_t i, j;
	int pw;

	if (!is_object_array(result, "ports"))
		return false;
	pw = column_width(ports, "name", 4);
	fprintf(out, "%-*s  %14s  %16s  %14s  %16s  %12s\n", pw, "PORT", "RX-PKTS", "RX-BYTES",
		"TX-PKTS", "TX-BYTES", "DROPS");
	json_array_foreach(ports, i, port) {
		total = 0;
		drops = json_object_get(port, "drops");
		json_object_foreach((json_t *)drops, key, v)
			total += json_integer_value(v);
		fprintf(out, "%-*s  %14s  %16s  %14s  %16s  %12" JSON_INTEGER_FORMAT "\n", pw,
			get_str(port, "name"), get_num(port, "rx_packets", rp, sizeof(rp)),
			get_num(port, "rx_bytes", rb, sizeof(rb)),
			get_num(port, "tx_packets", tp, sizeof(tp)),
			get_num(port, "tx_bytes", tb, sizeof(tb)), total);
	}
	json_array_foreach(ports, i, port) {
		drops = json_object_get(port, "drops");
		total = 0;
		json_object_foreach((json_t *)drops, key, v)
			total += json_integer_value(v) != 0;
		if (total != 0) {
			fprintf(out, "%s drops: ", get_str(port, "name"));
			print_counters(drops, NULL, true, out);
			fputc('\n', out);
		}
		if (!is_object_array(port, "queues"))
			continue;
		json_array_foreach(json_object_get(port, "queues"), j, q) {
			fprintf(out, "%s queue %s: ", get_str(port, "name"),
				get_num(q, "queue", rp, sizeof(rp)));
			print_counters(q, "queue", false, out);
			fputc('\n', out);
		}
	}
	return true;
}

static bool
render_fdb_show(const json_t *result, FILE *out)
{
	const json_t *e, *stats;
	char port[64], vlan[32], age[32];
	size_t i;

	if (!is_object_array(result, "entries"))
		return false;
	fprintf(out, " port  VLAN  MAC                Age\n");
	json_array_foreach(json_object_get(result, "entries"), i, e) {
		if (json_is_true(json_object_get(e, "static")))
			snprintf(age, sizeof(age), "static");
		else
			get_num(e, "age", age, sizeof(age));
		fprintf(out, "%5s  %4s  %-17s  %3s\n", get_num(e, "port", port, sizeof(port)),
			get_num(e, "vlan", vlan, sizeof(vlan)), get_str(e, "mac"), age);
	}
	stats = json_object_get(result, "stats");
	if (json_is_object(stats)) {
		fprintf(out, "stats: ");
		print_counters(stats, NULL, false, out);
		fputc('\n', out);
	}
	return true;
}

static bool
render_fdb_flush(const json_t *result, FILE *out)
{
	const json_t *n = json_object_get(result, "flushed");

	if (!json_is_integer(n))
		return false;
	fprintf(out, "%" JSON_INTEGER_FORMAT " entries flushed\n", json_integer_value(n));
	return true;
}

/* "p0:0,vh0:1" */
static void
format_rxqs(const json_t *pmd, char *buf, size_t size)
{
	const json_t *rxq;
	char q[32];
	size_t i, off = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(pmd, "rxqs"), i, rxq) {
		if (off >= size)
			break;
		off += (size_t)snprintf(buf + off, size - off, "%s%s:%s", i == 0 ? "" : ",",
					get_str(rxq, "port"), get_num(rxq, "queue", q, sizeof(q)));
	}
}

static bool
render_pmd_stats(const json_t *result, FILE *out)
{
	const json_t *pmd;
	char lc[32], so[32], pk[32], bc[32], ic[32], cpp[32], bpp[32], ppb[32], pct[32], rxqs[512];
	size_t i;

	if (!is_object_array(result, "pmds"))
		return false;
	fprintf(out, "%5s  %6s  %14s  %16s  %16s  %10s  %10s  %9s  %6s  %s\n", "LCORE", "SOCKET",
		"PACKETS", "BUSY-CYCLES", "IDLE-CYCLES", "CYC/PKT", "BURST-CYC", "PKT/BURST", "BUSY%",
		"RXQS");
	json_array_foreach(json_object_get(result, "pmds"), i, pmd) {
		format_rxqs(pmd, rxqs, sizeof(rxqs));
		fprintf(out, "%5s  %6s  %14s  %16s  %16s  %10s  %10s  %9s  %6s  %s\n",
			get_num(pmd, "lcore", lc, sizeof(lc)),
			get_num(pmd, "socket", so, sizeof(so)),
			get_num(pmd, "packets", pk, sizeof(pk)),
			get_num(pmd, "busy_cycles", bc, sizeof(bc)),
			get_num(pmd, "idle_cycles", ic, sizeof(ic)),
			get_num(pmd, "cycles_per_packet", cpp, sizeof(cpp)),
			get_num(pmd, "burst_cycles_per_packet", bpp, sizeof(bpp)),
			get_num(pmd, "packets_per_burst", ppb, sizeof(ppb)),
			get_num(pmd, "busy_pct", pct, sizeof(pct)), rxqs);
	}
	/* The flow path, where a bridge has flow rules. */
	json_array_foreach(json_object_get(result, "pmds"), i, pmd) {
		char fl[32], hi[32], mi[32], in[32], re[32];

		if (json_integer_value(json_object_get(pmd, "flow_lookups")) == 0)
			continue;
		fprintf(out, "lcore %s flow lookups %s: repeats %s, emc hits %s, classifier %s, "
			"emc inserts %s\n",
			get_num(pmd, "lcore", lc, sizeof(lc)),
			get_num(pmd, "flow_lookups", fl, sizeof(fl)),
			get_num(pmd, "flow_repeats", re, sizeof(re)),
			get_num(pmd, "emc_hits", hi, sizeof(hi)),
			get_num(pmd, "emc_misses", mi, sizeof(mi)),
			get_num(pmd, "emc_inserts", in, sizeof(in)));
	}
	/* The bulk L2 path (bursts of many addresses). */
	json_array_foreach(json_object_get(result, "pmds"), i, pmd) {
		char hi[32], mi[32];

		if (json_integer_value(json_object_get(pmd, "pair_hits")) == 0 &&
		    json_integer_value(json_object_get(pmd, "pair_misses")) == 0)
			continue;
		fprintf(out, "lcore %s mac-pair cache: hits %s, misses %s (fdb lookups)\n",
			get_num(pmd, "lcore", lc, sizeof(lc)),
			get_num(pmd, "pair_hits", hi, sizeof(hi)),
			get_num(pmd, "pair_misses", mi, sizeof(mi)));
	}
	if (json_is_false(json_object_get(result, "pair_cache")))
		fprintf(out, "mac-pair cache off\n");
	if (json_object_get(result, "emc_insert_inv_prob") != NULL)
		fprintf(out, "emc-insert-inv-prob %s\n",
			get_num(result, "emc_insert_inv_prob", pk, sizeof(pk)));
	return true;
}

static bool
render_pmd_rxq(const json_t *result, FILE *out)
{
	const json_t *pmd, *rxq;
	char lc[32], so[32], q[32], pct[32];
	size_t i, j;

	if (!is_object_array(result, "pmds"))
		return false;
	json_array_foreach(json_object_get(result, "pmds"), i, pmd) {
		fprintf(out, "pmd lcore %s (socket %s):\n", get_num(pmd, "lcore", lc, sizeof(lc)),
			get_num(pmd, "socket", so, sizeof(so)));
		json_array_foreach(json_object_get(pmd, "rxqs"), j, rxq) {
			if (json_object_get(rxq, "pct") != NULL)
				snprintf(pct, sizeof(pct), "%s %%",
					 get_num(rxq, "pct", lc, sizeof(lc)));
			else
				snprintf(pct, sizeof(pct), "NOT AVAIL");
			fprintf(out, "  port: %-16s  queue-id: %2s  pmd usage: %s\n",
				get_str(rxq, "port"), get_num(rxq, "queue", q, sizeof(q)), pct);
		}
	}
	return true;
}

static bool
render_version(const json_t *result, FILE *out)
{
	const char *dpdk = json_string_value(json_object_get(result, "dpdk"));

	if (!json_is_string(json_object_get(result, "version")))
		return false;
	fprintf(out, "edgeplane-vswitchd %s\n", get_str(result, "version"));
	if (dpdk != NULL)
		fprintf(out, "%s%s\n", strncmp(dpdk, "DPDK", 4) == 0 ? "" : "DPDK ", dpdk);
	return true;
}

/* Methods that change state: they return {}, which prints nothing. */
static bool
render_empty(const json_t *result, FILE *out)
{
	(void)out;
	return result == NULL || json_is_null(result) ||
	       (json_is_object(result) && json_object_size(result) == 0);
}

static bool
render_rebalance(const json_t *result, FILE *out)
{
	const json_t *n = json_object_get(result, "moved");

	if (!json_is_integer(n))
		return false;
	fprintf(out, "%" JSON_INTEGER_FORMAT " rx queue(s) moved\n", json_integer_value(n));
	return true;
}

/* flow.dump: as ovs-ofctl dump-flows prints. */
static bool
render_flow_dump(const json_t *result, FILE *out)
{
	const json_t *flows = json_object_get(result, "flows"), *f;
	size_t i;

	if (!json_is_array(flows))
		return false;
	json_array_foreach(flows, i, f) {
		const json_t *text = json_object_get(f, "flow");

		if (!json_is_string(text))
			return false;
		fprintf(out, " n_packets=%" JSON_INTEGER_FORMAT ", n_bytes=%" JSON_INTEGER_FORMAT
			", %s\n", json_integer_value(json_object_get(f, "packets")),
			json_integer_value(json_object_get(f, "bytes")), json_string_value(text));
	}
	return true;
}

static bool
render_flow_del(const json_t *result, FILE *out)
{
	const json_t *n = json_object_get(result, "deleted");

	if (!json_is_integer(n))
		return false;
	fprintf(out, "%" JSON_INTEGER_FORMAT " flows deleted\n", json_integer_value(n));
	return true;
}

static const struct {
	const char *method;
	render_fn *render;
} renderers[] = {
	{ "pmd.rxq_rebalance", render_rebalance },
	{ "flow.dump", render_flow_dump },
	{ "flow.del", render_flow_del },
	{ "flow.add", render_empty },
	{ "fdb.add", render_empty },
	{ "mirror.add", render_empty },
	{ "mirror.del", render_empty },
	{ "meter.add", render_empty },
	{ "meter.del", render_empty },
	{ "fdb.del", render_empty },
	{ "bridge.list", render_bridge_list },
	{ "port.list", render_port_list },
	{ "port.stats", render_port_stats },
	{ "fdb.show", render_fdb_show },
	{ "fdb.flush", render_fdb_flush },
	{ "pmd.stats", render_pmd_stats },
	{ "pmd.rxq", render_pmd_rxq },
	{ "system.version", render_version },
	{ "bridge.add", render_empty },
	{ "bridge.del", render_empty },
	{ "bridge.set", render_empty },
	{ "port.add", render_empty },
	{ "port.set", render_empty },
	{ "port.del", render_empty },
};

void
ctl_cmd_print(const struct ctl_request *req, const json_t *result, bool as_json, FILE *out)
{
	bool raw = req == NULL || (req->command != NULL && strcmp(req->command, "call") == 0);

	if (!as_json && !raw) {
		for (size_t i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++) {
			if (strcmp(req->method, renderers[i].method) != 0)
				continue;
			if (result != NULL && renderers[i].render(result, out))
				return;
			if (result == NULL && renderers[i].render == render_empty)
				return;
			break;
		}
	}
	print_json(result, out);
}
