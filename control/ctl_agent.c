/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_agent.c: edgeplane-ctl's commands for edgeplane-agent (inventory,
 * vnf-list, vnf-show, vnf-create, vnf-delete, vnf-action, vnf-migrate): one
 * HTTP/1.1 request over the agent's unix socket or TCP listener, with the
 * bearer token when one is given. edgeplane-agent itself uses the same
 * client to reach the target agent of a live migration.
 *
 * The client is deliberately small: one request per connection
 * ("Connection: close"), the response read to EOF with a deadline and a size
 * cap, the status line and Content-Length parsed, the body handed back as
 * JSON. Names are checked before they go into a URL.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define AGENT_MAX_RESPONSE (4 * 1024 * 1024)
#define AGENT_MAX_BODY (64 * 1024)

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static int
send_all(int fd, const char *buf, size_t len, const struct timespec *deadline)
{
	while (len > 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		ssize_t n;
		long left = ms_left(deadline);

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctl_hostport_split(const char *hostport, char *host, size_t hsize, const char **port)
{
	const char *colon = strrchr(hostport, ':');
	size_t hlen;

	if (colon == NULL || colon == hostport || colon[1] == '\0')
		return -EINVAL;
	hlen = (size_t)(colon - hostport);
	if (hostport[0] == '[' && hlen >= 2 && hostport[hlen - 1] == ']') {
		hostport++;
		hlen -= 2;
	}
	if (hlen >= hsize)
		return -EINVAL;
	memcpy(host, hostport, hlen);
	host[hlen] = '\0';
	*port = colon + 1;
	return 0;
}

/* Connect to HOST:PORT, each address tried until @p deadline; a non-blocking fd or -errno. */
static int
connect_tcp(const char *hostport, const struct timespec *deadline, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *x;
	char host[256];
	const char *port;
	int fd = -1, ret, soerr;
	socklen_t len;

	if (ctl_hostport_split(hostport, host, sizeof(host), &port) < 0) {
		snprintf(err, errlen, "bad agent address 'tcp:%s' (tcp:HOST:PORT expected)",
			 hostport);
		return -EINVAL;
	}
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret != 0) {
		snprintf(err, errlen, "agent address %s: %s", hostport, gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	ret = -ECONNREFUSED;
	for (x = ai; x != NULL; x = x->ai_next) {
		struct pollfd p = { .events = POLLOUT };
		long left = ms_left(deadline);

		fd = socket(x->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			ret = -errno;
			continue;
		}
		p.fd = fd;
		len = sizeof(soerr);
		if (connect(fd, x->ai_addr, x->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS)
			ret = -errno;
		else if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			ret = -ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			ret = -errno;
		else if (soerr != 0)
			ret = -soerr;
		else
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to tcp:%s: %s (is edgeplane-agent running?)",
			 hostport, strerror(-ret));
	return fd >= 0 ? fd : ret;
}

/* Connect to "unix:PATH", "tcp:HOST:PORT" or a plain unix socket path; an fd or -errno. */
static int
agent_connect(const char *addr, const struct timespec *deadline, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = strncmp(addr, "unix:", 5) == 0 ? addr + 5 : addr;
	int fd, ret;

	if (strncmp(addr, "tcp:", 4) == 0)
		return connect_tcp(addr + 4, deadline, err, errlen);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "agent socket path too long: %s", path);
		return -EINVAL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return ret;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot connect to %s: %s (is edgeplane-agent running?)",
			 path, strerror(errno));
		close(fd);
		return ret;
	}
	return fd;
}

int
ctl_agent_request(const char *path, const char *token, const char *method, const char *url,
		  const char *body, int timeout_ms, int *status, json_t **result, char *err,
		  size_t errlen)
{
	struct timespec deadline;
	char *req = NULL, *resp = NULL, *hdr_end, *p;
	size_t resp_len = 0, req_size, body_len = body != NULL ? strlen(body) : 0;
	int fd = -1, ret, n;

	*result = NULL;
	*status = 0;
	if (body_len > AGENT_MAX_BODY) {
		snprintf(err, errlen, "request body over %d bytes", AGENT_MAX_BODY);
		return -EINVAL;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}

	fd = agent_connect(path, &deadline, err, errlen);
	if (fd < 0)
		return fd;

	req_size = 512 + strlen(url) + (token != NULL ? strlen(token) : 0) + body_len;
	req = malloc(req_size);
	if (req == NULL) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	n = snprintf(req, req_size,
		     "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
		     "Accept: application/json\r\n%s%s%s"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
		     method, url, token != NULL ? "Authorization: Bearer " : "",
		     token != NULL ? token : "", token != NULL ? "\r\n" : "", body_len);
	if (n < 0 || (size_t)n + body_len >= req_size) {
		ret = -EINVAL;
		snprintf(err, errlen, "request too long");
		goto out;
	}
	if (body_len > 0)
		memcpy(req + n, body, body_len);
	ret = send_all(fd, req, (size_t)n + body_len, &deadline);
	if (ret != 0) {
		snprintf(err, errlen, "sending to %s: %s", path, strerror(-ret));
		goto out;
	}

	resp = malloc(AGENT_MAX_RESPONSE + 1);
	if (resp == NULL) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		long left = ms_left(&deadline);
		ssize_t r;

		if (left <= 0 || poll(&pf, 1, (int)left) <= 0) {
			ret = -ETIMEDOUT;
			snprintf(err, errlen, "no answer from %s within %d ms", path, timeout_ms);
			goto out;
		}
		r = recv(fd, resp + resp_len, AGENT_MAX_RESPONSE - resp_len, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, errlen, "reading from %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		resp_len += (size_t)r;
		if (resp_len == AGENT_MAX_RESPONSE) {
			ret = -EMSGSIZE;
			snprintf(err, errlen, "response over %d bytes", AGENT_MAX_RESPONSE);
			goto out;
		}
	}
	resp[resp_len] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", status) != 1) {
		ret = -EPROTO;
		snprintf(err, errlen, "not an HTTP response from %s", path);
		goto out;
	}
	hdr_end = strstr(resp, "\r\n\r\n");
	if (hdr_end == NULL) {
		ret = -EPROTO;
		snprintf(err, errlen, "truncated HTTP response from %s", path);
		goto out;
	}
	p = hdr_end + 4;
	if (*p != '\0') {
		json_error_t jerr;

		*result = json_loadb(p, resp_len - (size_t)(p - resp), 0, &jerr);
		if (*result == NULL) {
			/* /metrics and the like: text, kept as a JSON string. */
			*result = json_stringn(p, resp_len - (size_t)(p - resp));
		}
	}
	ret = 0;
	if (*status >= 400) {
		const char *msg = json_string_value(
			json_object_get(json_object_get(*result, "error"), "message"));

		snprintf(err, errlen, "%s (HTTP %d)", msg != NULL ? msg : "request failed",
			 *status);
		ret = *status == 404 ? -ENOENT : *status == 409 ? -EEXIST :
		      *status == 401 ? -EPERM : -EIO;
	}
out:
	free(req);
	free(resp);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* The agent commands of edgeplane-ctl                                      */

static bool
vnf_name_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 63 || s[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static void
print_inventory(const json_t *inv, FILE *out)
{
	const json_t *node;
	size_t i;

	fprintf(out, "%-5s %-28s %-28s %-22s %-18s\n", "NODE", "CPUS tot/res/alloc/avail",
		"2M PAGES tot/res/alloc/avail", "1G tot/res/alloc/avail", "VFS tot/alloc/avail");
	json_array_foreach(json_object_get(inv, "nodes"), i, node) {
		const json_t *c = json_object_get(node, "cpus");
		const json_t *h2 = json_object_get(json_object_get(node, "hugepages"), "2M");
		const json_t *h1 = json_object_get(json_object_get(node, "hugepages"), "1G");
		const json_t *v = json_object_get(node, "vfs");
		char cpus[64], p2[64], p1[64], vfs[64];

#define Q(o, k) (long long)json_integer_value(json_object_get(o, k))
		snprintf(cpus, sizeof(cpus), "%lld/%lld/%lld/%lld", Q(c, "total"), Q(c, "reserved"),
			 Q(c, "allocated"), Q(c, "available"));
		snprintf(p2, sizeof(p2), "%lld/%lld/%lld/%lld", Q(h2, "total"), Q(h2, "reserved"),
			 Q(h2, "allocated"), Q(h2, "available"));
		snprintf(p1, sizeof(p1), "%lld/%lld/%lld/%lld", Q(h1, "total"), Q(h1, "reserved"),
			 Q(h1, "allocated"), Q(h1, "available"));
		snprintf(vfs, sizeof(vfs), "%lld/%lld/%lld", Q(v, "total"), Q(v, "allocated"),
			 Q(v, "available"));
		fprintf(out, "%-5lld %-28s %-28s %-22s %-18s\n", Q(node, "id"), cpus, p2, p1, vfs);
#undef Q
	}
}

static void
print_vnf_list(const json_t *list, FILE *out)
{
	const json_t *vnf;
	size_t i;

	fprintf(out, "%-24s %-12s %-5s %-6s %-10s %s\n", "NAME", "STATE", "NODE", "VCPUS",
		"MEMORY_MB", "CPUS");
	json_array_foreach(json_object_get(list, "vnfs"), i, vnf) {
		const json_t *pl = json_object_get(vnf, "placement");
		const json_t *d = json_object_get(vnf, "descriptor");

		fprintf(out, "%-24s %-12s %-5lld %-6lld %-10lld %s\n",
			json_string_value(json_object_get(vnf, "name")),
			json_string_value(json_object_get(vnf, "state")),
			(long long)json_integer_value(json_object_get(pl, "node")),
			(long long)json_integer_value(json_object_get(d, "vcpus")),
			(long long)json_integer_value(json_object_get(d, "memory_mb")),
			json_string_value(json_object_get(pl, "cpus")) != NULL ?
				json_string_value(json_object_get(pl, "cpus")) : "");
	}
}

bool
ctl_agent_command(const char *cmd)
{
	static const char *const cmds[] = {
		"inventory", "vnf-list", "vnf-show", "vnf-create", "vnf-delete", "vnf-action",
		"vnf-migrate", NULL,
	};
	int i;

	for (i = 0; cmds[i] != NULL; i++)
		if (strcmp(cmd, cmds[i]) == 0)
			return true;
	return false;
}

void
ctl_agent_usage(FILE *out)
{
	fprintf(out,
		"  inventory\n      show the agent's capacity view (per NUMA node)\n"
		"  vnf-list\n      list the VNFs the agent placed\n"
		"  vnf-show NAME\n      show one VNF: descriptor, placement, state\n"
		"  vnf-create FILE\n      create a VNF from a descriptor file (docs/vnf-descriptor.md)\n"
		"  vnf-delete NAME\n      delete a VNF and release its resources\n"
		"  vnf-action NAME start|stop|snapshot\n      act on a VNF\n"
		"  vnf-migrate NAME URI TARGET_AGENT [TARGET_TOKEN_FILE]\n"
		"      live-migrate a VNF to the libvirt URI (e.g. qemu+tcp://host/system); the\n"
		"      agent first prepares it on TARGET_AGENT (unix:PATH or tcp:HOST:PORT)\n");
}

/* Read a small file whole (a descriptor or a token). */
static char *
read_file(const char *path, size_t max, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(max + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		free(buf);
		snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* The token in the first line of @p path (malloc'd), or NULL with err set. */
static char *
read_token(const char *path, char *err, size_t errlen)
{
	char *token = read_file(path, 4096, err, errlen), *nl;

	if (token != NULL) {
		nl = strpbrk(token, "\r\n");
		if (nl != NULL)
			*nl = '\0';
	}
	return token;
}

/*
 * The body of vnf-migrate, {"action":"migrate","uri","target_agent"[,"target_token"]},
 * into @p body. 0, -EINVAL (usage) or -EIO (token file).
 */
static int
migrate_body(char **argv, int argc, char **body, char *err, size_t errlen)
{
	const char *target = argv[3];
	char *token = NULL;
	json_t *a;

	if (strncmp(target, "unix:", 5) != 0 && strncmp(target, "tcp:", 4) != 0) {
		snprintf(err, errlen, "vnf-migrate: TARGET_AGENT must be unix:PATH or "
			 "tcp:HOST:PORT, not '%s'", target);
		return -EINVAL;
	}
	if (argc == 5) {
		token = read_token(argv[4], err, errlen);
		if (token == NULL)
			return -EIO;
	}
	a = json_pack("{s:s, s:s, s:s, s:s*}", "action", "migrate", "uri", argv[2],
		      "target_agent", target, "target_token", token);
	*body = a != NULL ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	free(token);
	if (*body == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int
ctl_agent_main(int argc, char **argv, const char *socket_path, const char *token_file,
	       bool as_json, int timeout_ms, FILE *out, char *err, size_t errlen)
{
	const char *cmd = argv[0], *method = "GET";
	char url[256], *token = NULL, *body = NULL;
	json_t *result = NULL;
	int status, ret, want_args;

	want_args = strcmp(cmd, "inventory") == 0 || strcmp(cmd, "vnf-list") == 0 ? 0 :
		    strcmp(cmd, "vnf-action") == 0 ? 2 : strcmp(cmd, "vnf-migrate") == 0 ? 3 : 1;
	if (want_args == 3 && argc == 5)
		want_args = 4;	/* vnf-migrate with the target's token file */
	if (argc - 1 != want_args) {
		snprintf(err, errlen, "%s: expected %d%s argument%s (try --help)", cmd, want_args,
			 strcmp(cmd, "vnf-migrate") == 0 ? " or 4" : "", want_args == 1 ? "" : "s");
		return -EINVAL;
	}
	if (want_args >= 1 && strcmp(cmd, "vnf-create") != 0 && !vnf_name_ok(argv[1])) {
		snprintf(err, errlen, "%s: invalid VNF name '%s' (1..63 of a-z 0-9 -)", cmd, argv[1]);
		return -EINVAL;
	}
	if (strcmp(cmd, "inventory") == 0) {
		snprintf(url, sizeof(url), "/v1/inventory");
	} else if (strcmp(cmd, "vnf-list") == 0) {
		snprintf(url, sizeof(url), "/v1/vnfs");
	} else if (strcmp(cmd, "vnf-show") == 0) {
		snprintf(url, sizeof(url), "/v1/vnfs/%s", argv[1]);
	} else if (strcmp(cmd, "vnf-delete") == 0) {
		snprintf(url, sizeof(url), "/v1/vnfs/%s", argv[1]);
		method = "DELETE";
	} else if (strcmp(cmd, "vnf-create") == 0) {
		snprintf(url, sizeof(url), "/v1/vnfs");
		method = "POST";
		body = read_file(argv[1], AGENT_MAX_BODY, err, errlen);
		if (body == NULL)
			return -EIO;
	} else if (strcmp(cmd, "vnf-migrate") == 0) {
		snprintf(url, sizeof(url), "/v1/vnfs/%s/actions", argv[1]);
		method = "POST";
		ret = migrate_body(argv, argc, &body, err, errlen);
		if (ret < 0)
			return ret;
	} else {
		json_t *a;

		if (strcmp(argv[2], "start") != 0 && strcmp(argv[2], "stop") != 0 &&
		    strcmp(argv[2], "snapshot") != 0) {
			snprintf(err, errlen, "vnf-action: unknown action '%s'%s", argv[2],
				 strcmp(argv[2], "migrate") == 0 ? " (use vnf-migrate)" : "");
			return -EINVAL;
		}
		snprintf(url, sizeof(url), "/v1/vnfs/%s/actions", argv[1]);
		method = "POST";
		a = json_pack("{s:s}", "action", argv[2]);
		body = json_dumps(a, JSON_COMPACT);
		json_decref(a);
	}
	if (token_file != NULL) {
		token = read_token(token_file, err, errlen);
		if (token == NULL) {
			free(body);
			return -EIO;
		}
	}
	ret = ctl_agent_request(socket_path, token, method, url, body, timeout_ms, &status,
				&result, err, errlen);
	free(token);
	free(body);
	if (ret != 0) {
		json_decref(result);
		return ret;
	}
	if (as_json && result != NULL) {
		json_dumpf(result, out, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', out);
	} else if (strcmp(cmd, "inventory") == 0) {
		print_inventory(result, out);
	} else if (strcmp(cmd, "vnf-list") == 0) {
		print_vnf_list(result, out);
	} else if (result != NULL && strcmp(cmd, "vnf-delete") != 0) {
		json_dumpf(result, out, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', out);
	}
	json_decref(result);
	return 0;
}
