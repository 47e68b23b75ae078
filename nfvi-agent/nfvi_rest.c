/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_rest.c: the agent's REST API on libmicrohttpd.
 *
 * The listening socket (unix or TCP) is created here and handed to MHD
 * with MHD_OPTION_LISTEN_SOCKET; MHD runs without threads of its own, so
 * every handler runs on the agent's one event loop (nfvi_rest_run) and the
 * agent needs no locks. Each request is authenticated before its body is
 * read, bodies over NFVI_MAX_BODY_SIZE get 413, and every error is
 * {"error":{"code":"...","message":"..."}} with the status listed in nfvi.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <microhttpd.h>

#include "ctl.h"
#include "nfvi_priv.h"

#define TOKEN_MAX 256

struct nfvi_rest {
	struct nfvi_agent *agent;
	struct MHD_Daemon *mhd;
	int fd;					/* listening socket, owned by MHD once started */
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];	/* "" for TCP */
	char token[TOKEN_MAX + 1];
	bool auth;				/* require the bearer token */
};

/* Per-request state, from the first call of the handler to completion. */
struct request {
	char *body;
	size_t size;
	bool too_big;
	bool answered;		/* a response was queued early (401, 413) */
};

static enum MHD_Result
respond(struct nfvi_rest *rest, struct MHD_Connection *c, unsigned int status, char *text,
	const char *type, const char *extra_hdr, const char *extra_val)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(text != NULL ? strlen(text) : 0, text,
					    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (extra_hdr != NULL)
		MHD_add_response_header(r, extra_hdr, extra_val);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	nfvi_agent_count_http(rest->agent, status);
	return ret;
}

static enum MHD_Result
respond_json(struct nfvi_rest *rest, struct MHD_Connection *c, unsigned int status, json_t *j,
	     const char *extra_hdr, const char *extra_val)
{
	char *text = NULL, *nl;

	if (j != NULL) {
		text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(j);
		if (text == NULL)
			return MHD_NO;
		nl = realloc(text, strlen(text) + 2);
		if (nl == NULL) {
			free(text);
			return MHD_NO;
		}
		text = nl;
		strcat(text, "\n");
	}
	return respond(rest, c, status, text, j != NULL ? "application/json" : NULL, extra_hdr,
		       extra_val);
}

static enum MHD_Result
respond_error(struct nfvi_rest *rest, struct MHD_Connection *c, unsigned int status,
	      const char *code, const char *message, const char *extra_hdr,
	      const char *extra_val)
{
	json_t *j = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);

	if (j == NULL)
		return MHD_NO;
	return respond_json(rest, c, status, j, extra_hdr, extra_val);
}

/* The agent's -errno -> HTTP status and error code. */
static enum MHD_Result
respond_errno(struct nfvi_rest *rest, struct MHD_Connection *c, int ret, const char *msg)
{
	switch (ret) {
	case -EINVAL:
		return respond_error(rest, c, MHD_HTTP_BAD_REQUEST, "invalid", msg, NULL, NULL);
	case -ENOENT:
		return respond_error(rest, c, MHD_HTTP_NOT_FOUND, "not_found", msg, NULL, NULL);
	case -EEXIST:
		return respond_error(rest, c, MHD_HTTP_CONFLICT, "exists", msg, NULL, NULL);
	case -ENOSPC:
		return respond_error(rest, c, MHD_HTTP_CONFLICT, "insufficient_resources", msg,
				     NULL, NULL);
	case -EBUSY:
		return respond_error(rest, c, MHD_HTTP_CONFLICT, "busy", msg, NULL, NULL);
	case -EAGAIN:
		return respond_error(rest, c, MHD_HTTP_CONFLICT, "not_migrated", msg, NULL, NULL);
	case -EALREADY:
		return respond_error(rest, c, MHD_HTTP_CONFLICT, "migrated", msg, NULL, NULL);
	case -ENOTSUP:
		return respond_error(rest, c, MHD_HTTP_NOT_IMPLEMENTED, "not_implemented", msg,
				     NULL, NULL);
	default:
		return respond_error(rest, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", msg, NULL,
				     NULL);
	}
}

static bool
token_ok(const struct nfvi_rest *rest, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	size_t i, len = strlen(rest->token), hlen;
	unsigned char diff = 0;

	if (!rest->auth)
		return true;
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	hlen = strlen(h);
	if (hlen != len)
		return false;
	for (i = 0; i < len; i++)	/* constant time for a given length */
		diff |= (unsigned char)(h[i] ^ rest->token[i]);
	return diff == 0;
}

static enum MHD_Result
method_not_allowed(struct nfvi_rest *rest, struct MHD_Connection *c, const char *allow)
{
	return respond_error(rest, c, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
			     "method not allowed on this resource", MHD_HTTP_HEADER_ALLOW, allow);
}

/* Parse the request body as a JSON object, or answer 400. */
static json_t *
body_json(struct nfvi_rest *rest, struct MHD_Connection *c, struct request *r,
	  enum MHD_Result *res)
{
	json_error_t jerr;
	char msg[256];
	json_t *j;

	if (r->size == 0) {
		*res = respond_error(rest, c, MHD_HTTP_BAD_REQUEST, "malformed",
				     "the request needs a JSON body", NULL, NULL);
		return NULL;
	}
	j = json_loadb(r->body, r->size, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		snprintf(msg, sizeof(msg), "malformed JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		*res = respond_error(rest, c, MHD_HTTP_BAD_REQUEST, "malformed", msg, NULL, NULL);
	}
	return j;
}

typedef int post_fn(struct nfvi_agent *agent, const json_t *body, json_t **result, char *err,
		    size_t errlen);

/* POST of a new resource named by the result's (or its "vnf"'s) "name": 201 with Location. */
static enum MHD_Result
post_new(struct nfvi_rest *rest, struct MHD_Connection *c, struct request *r, post_fn *fn,
	 const char *prefix)
{
	enum MHD_Result res = MHD_NO;
	char err[512] = "", loc[128];
	json_t *j, *out = NULL, *vnf;
	int ret;

	j = body_json(rest, c, r, &res);
	if (j == NULL)
		return res;
	ret = fn(rest->agent, j, &out, err, sizeof(err));
	json_decref(j);
	if (ret < 0)
		return respond_errno(rest, c, ret, err);
	vnf = json_object_get(out, "vnf");
	snprintf(loc, sizeof(loc), "%s/%s", prefix,
		 json_string_value(json_object_get(vnf != NULL ? vnf : out, "name")));
	return respond_json(rest, c, MHD_HTTP_CREATED, out, MHD_HTTP_HEADER_LOCATION, loc);
}

/*
 * The NAME of a URL tail "NAME" or "NAME/<sub>": true with @p name filled and
 * *has_sub set, or false with the 404 (unknown path) or 400 (bad name) queued.
 */
static bool
url_name(struct nfvi_rest *rest, struct MHD_Connection *c, const char *tail, const char *sub,
	 char name[NFVI_NAME_MAX + 1], bool *has_sub, enum MHD_Result *res)
{
	const char *slash = strchr(tail, '/');
	size_t len = slash != NULL ? (size_t)(slash - tail) : strlen(tail);

	if (len == 0 || (len <= NFVI_NAME_MAX && slash != NULL && strcmp(slash + 1, sub) != 0)) {
		*res = respond_error(rest, c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource",
				     NULL, NULL);
		return false;
	}
	if (len <= NFVI_NAME_MAX) {
		memcpy(name, tail, len);
		name[len] = '\0';
	}
	if (len > NFVI_NAME_MAX || !nfvi_name_valid(name)) {
		*res = respond_error(rest, c, MHD_HTTP_BAD_REQUEST, "invalid",
				     "bad VNF name ([a-z0-9-], 1..63, not starting with '-')", NULL,
				     NULL);
		return false;
	}
	*has_sub = slash != NULL;
	return true;
}

/* /v1/migrations[/NAME[/finish]]: the target side of a live migration. */
static enum MHD_Result
route_migrations(struct nfvi_rest *rest, struct MHD_Connection *c, const char *url,
		 const char *method, struct request *r)
{
	bool post = strcmp(method, "POST") == 0, finish;
	char err[512] = "", name[NFVI_NAME_MAX + 1];
	enum MHD_Result res = MHD_NO;
	json_t *j, *out = NULL;
	bool empty;
	int ret;

	if (url[14] == '\0') {
		if (!post)
			return method_not_allowed(rest, c, "POST");
		return post_new(rest, c, r, nfvi_agent_migration_prepare, "/v1/migrations");
	}
	if (url[14] != '/')
		return respond_error(rest, c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource",
				     NULL, NULL);
	if (!url_name(rest, c, url + 15, "finish", name, &finish, &res))
		return res;
	if (!finish) {
		if (strcmp(method, "DELETE") != 0)
			return method_not_allowed(rest, c, "DELETE");
		ret = nfvi_agent_migration_abort(rest->agent, name, err, sizeof(err));
		if (ret < 0)
			return respond_errno(rest, c, ret, err);
		return respond_json(rest, c, MHD_HTTP_NO_CONTENT, NULL, NULL, NULL);
	}
	if (!post)
		return method_not_allowed(rest, c, "POST");
	if (r->size > 0) {
		j = body_json(rest, c, r, &res);
		if (j == NULL)
			return res;
		empty = json_is_object(j) && json_object_size(j) == 0;
		json_decref(j);
		if (!empty)
			return respond_error(rest, c, MHD_HTTP_BAD_REQUEST, "invalid",
					     "finish takes no parameters (no body, or {})", NULL,
					     NULL);
	}
	ret = nfvi_agent_migration_finish(rest->agent, name, &out, err, sizeof(err));
	if (ret < 0)
		return respond_errno(rest, c, ret, err);
	return respond_json(rest, c, MHD_HTTP_OK, out, NULL, NULL);
}

static enum MHD_Result
route(struct nfvi_rest *rest, struct MHD_Connection *c, const char *url, const char *method,
      struct request *r)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	bool del = strcmp(method, "DELETE") == 0, actions;
	char err[512] = "", name[NFVI_NAME_MAX + 1];
	enum MHD_Result res = MHD_NO;
	json_t *j, *out = NULL;
	int ret;

	if (strcmp(url, "/metrics") == 0) {
		char *text = NULL;
		size_t size = 0;

		if (!get)
			return method_not_allowed(rest, c, "GET");
		ret = nfvi_agent_metrics(rest->agent, &text, &size);
		if (ret < 0)
			return respond_errno(rest, c, ret, strerror(-ret));
		return respond(rest, c, MHD_HTTP_OK, text, "text/plain; version=0.0.4", NULL, NULL);
	}
	if (strcmp(url, "/v1/inventory") == 0) {
		if (!get)
			return method_not_allowed(rest, c, "GET");
		j = nfvi_agent_inventory(rest->agent);
		if (j == NULL)
			return respond_errno(rest, c, -ENOMEM, "out of memory");
		return respond_json(rest, c, MHD_HTTP_OK, j, NULL, NULL);
	}
	if (strncmp(url, "/v1/migrations", 14) == 0)
		return route_migrations(rest, c, url, method, r);
	if (strcmp(url, "/v1/vnfs") == 0) {
		if (get)
			return respond_json(rest, c, MHD_HTTP_OK, nfvi_agent_vnf_list(rest->agent),
					    NULL, NULL);
		if (!post)
			return method_not_allowed(rest, c, "GET, POST");
		return post_new(rest, c, r, nfvi_agent_vnf_create, "/v1/vnfs");
	}
	if (strncmp(url, "/v1/vnfs/", 9) != 0)
		return respond_error(rest, c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource",
				     NULL, NULL);
	if (!url_name(rest, c, url + 9, "actions", name, &actions, &res))
		return res;
	if (actions) {
		if (!post)
			return method_not_allowed(rest, c, "POST");
		j = nfvi_agent_vnf_get(rest->agent, name);
		if (j == NULL)
			return respond_errno(rest, c, -ENOENT, "no such VNF");
		json_decref(j);
		j = body_json(rest, c, r, &res);
		if (j == NULL)
			return res;
		ret = nfvi_agent_vnf_action(rest->agent, name, j, &out, err, sizeof(err));
		json_decref(j);
		if (ret < 0)
			return respond_errno(rest, c, ret, err);
		return respond_json(rest, c, MHD_HTTP_OK, out != NULL ? out : json_object(), NULL,
				    NULL);
	}
	if (get) {
		j = nfvi_agent_vnf_get(rest->agent, name);
		if (j == NULL)
			return respond_error(rest, c, MHD_HTTP_NOT_FOUND, "not_found", "no such VNF",
					     NULL, NULL);
		return respond_json(rest, c, MHD_HTTP_OK, j, NULL, NULL);
	}
	if (!del)
		return method_not_allowed(rest, c, "GET, DELETE");
	ret = nfvi_agent_vnf_delete(rest->agent, name, err, sizeof(err));
	if (ret < 0)
		return respond_errno(rest, c, ret, err);
	return respond_json(rest, c, MHD_HTTP_NO_CONTENT, NULL, NULL, NULL);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct nfvi_rest *rest = cls;
	struct request *r = *con_cls;
	char msg[128];

	(void)version;
	if (r == NULL) {
		const char *cl;

		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		if (!token_ok(rest, c)) {
			r->answered = true;
			return respond_error(rest, c, MHD_HTTP_UNAUTHORIZED, "unauthorized",
					     "missing or bad bearer token",
					     MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
		}
		/* A body announced as too large is answered at once (and the
		 * connection closed) only when it is very large: a client still
		 * sending when the answer comes may see a reset instead of the
		 * 413. Anything smaller is read, dropped and then answered. */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > NFVI_DRAIN_BODY_SIZE) {
			r->answered = true;
			snprintf(msg, sizeof(msg), "request body larger than %d bytes",
				 NFVI_MAX_BODY_SIZE);
			return respond_error(rest, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", msg,
					     NULL, NULL);
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (r->answered || r->too_big)
			return MHD_YES;
		if (r->size + n > NFVI_MAX_BODY_SIZE) {
			r->too_big = true;
			free(r->body);
			r->body = NULL;
			r->size = 0;
			return MHD_YES;
		}
		if (r->body == NULL) {
			r->body = malloc(NFVI_MAX_BODY_SIZE);
			if (r->body == NULL)
				return MHD_NO;
		}
		memcpy(r->body + r->size, upload_data, n);
		r->size += n;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (r->too_big) {
		snprintf(msg, sizeof(msg), "request body larger than %d bytes", NFVI_MAX_BODY_SIZE);
		return respond_error(rest, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", msg, NULL,
				     NULL);
	}
	return route(rest, c, url, method, r);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct request *r = *con_cls;

	(void)cls;
	(void)c;
	(void)t;
	if (r != NULL) {
		free(r->body);
		free(r);
		*con_cls = NULL;
	}
}

static int
listen_unix(struct nfvi_rest *rest, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	if (strlen(path) == 0 || strlen(path) >= sizeof(sa.sun_path))
		return nfvi_seterr(-ENAMETOOLONG, err, errlen, "unix socket path too long: %s",
				   path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nfvi_seterr(-errno, err, errlen, "socket: %s", strerror(errno));
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			close(fd);
			return nfvi_seterr(-EEXIST, err, errlen, "%s exists and is not a socket",
					   path);
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(fd);
			return nfvi_seterr(-EADDRINUSE, err, errlen,
					   "%s: another agent is listening", path);
		}
		close(fd);
		unlink(path);	/* stale socket of a dead agent */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return nfvi_seterr(-errno, err, errlen, "socket: %s", strerror(errno));
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0660) < 0 ||
	    listen(fd, 64) < 0) {
		ret = -errno;
		close(fd);
		unlink(path);
		return nfvi_seterr(ret, err, errlen, "%s: %s", path, strerror(-ret));
	}
	strcpy(rest->unix_path, path);
	rest->fd = fd;
	return 0;
}

static int
listen_tcp(struct nfvi_rest *rest, const char *hostport, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	char host[256];
	const char *port;
	struct addrinfo *ai;
	int fd, ret, one = 1;

	if (ctl_hostport_split(hostport, host, sizeof(host), &port) < 0)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "--listen tcp:HOST:PORT expected (host under 256 bytes)");
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret != 0)
		return nfvi_seterr(-EINVAL, err, errlen, "listen on %s: %s", hostport,
				   gai_strerror(ret));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return nfvi_seterr(ret, err, errlen, "listen on %s: %s", hostport, strerror(-ret));
	}
	freeaddrinfo(ai);
	rest->fd = fd;
	return 0;
}

static int
read_token(struct nfvi_rest *rest, const char *path, char *err, size_t errlen)
{
	char buf[TOKEN_MAX + 2];
	int ret;

	ret = path[0] == '/' ? nfvi_read_str("", path + 1, buf, sizeof(buf)) :
			       nfvi_read_str(".", path, buf, sizeof(buf));
	if (ret < 0)
		return nfvi_seterr(ret == -ENOSPC ? -EINVAL : ret, err, errlen, "token file %s: %s",
				   path, ret == -ENOSPC ? "token longer than 256 bytes" :
				   strerror(-ret));
	if (strlen(buf) < 8 || strchr(buf, '\n') != NULL || strchr(buf, ' ') != NULL)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "token file %s: want one token of 8..256 printable characters",
				   path);
	strcpy(rest->token, buf);
	return 0;
}

struct nfvi_rest *
nfvi_rest_create(struct nfvi_agent *agent, const struct nfvi_config *cfg, char *err,
		 size_t errlen)
{
	struct nfvi_rest *rest;
	bool is_unix = strncmp(cfg->listen, "unix:", 5) == 0;
	int ret;

	rest = calloc(1, sizeof(*rest));
	if (rest == NULL) {
		ret = nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
		goto err_out;
	}
	rest->agent = agent;
	rest->fd = -1;
	if (!is_unix && strncmp(cfg->listen, "tcp:", 4) != 0) {
		ret = nfvi_seterr(-EINVAL, err, errlen,
				  "--listen must be unix:PATH or tcp:HOST:PORT, not '%s'",
				  cfg->listen);
		goto err_free_rest;
	}
	rest->auth = !is_unix || cfg->unix_auth;
	if (cfg->token_file[0] != '\0') {
		ret = read_token(rest, cfg->token_file, err, errlen);
		if (ret < 0)
			goto err_free_rest;
	} else if (rest->auth) {
		ret = nfvi_seterr(-EINVAL, err, errlen,
				  is_unix ? "no --token-file (set unix_socket_auth false in the "
					    "config to serve the unix socket without one)" :
					    "a TCP listener needs --token-file");
		goto err_free_rest;
	}
	ret = is_unix ? listen_unix(rest, cfg->listen + 5, err, errlen) :
			listen_tcp(rest, cfg->listen + 4, err, errlen);
	if (ret < 0)
		goto err_free_rest;
	rest->mhd = MHD_start_daemon(MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, rest,
				     MHD_OPTION_LISTEN_SOCKET, rest->fd,
				     MHD_OPTION_NOTIFY_COMPLETED, completed, rest,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				     MHD_OPTION_END);
	if (rest->mhd == NULL) {
		ret = nfvi_seterr(-EIO, err, errlen, "cannot start the HTTP server");
		goto err_close_socket;
	}
	rest->fd = -1;	/* MHD owns it now and closes it in MHD_stop_daemon() */
	return rest;

err_close_socket:
	close(rest->fd);
	if (rest->unix_path[0] != '\0')
		unlink(rest->unix_path);
err_free_rest:
	free(rest);
err_out:
	errno = -ret;
	return NULL;
}

int
nfvi_rest_run(struct nfvi_rest *rest, int timeout_ms)
{
	if (rest == NULL)
		return -EINVAL;
	if (MHD_run_wait(rest->mhd, timeout_ms) != MHD_YES && errno != EINTR)
		return 0;	/* MHD logs its own errors; keep serving */
	return 0;
}

void
nfvi_rest_destroy(struct nfvi_rest *rest)
{
	if (rest == NULL)
		return;
	if (rest->mhd != NULL)
		MHD_stop_daemon(rest->mhd);
	if (rest->fd >= 0)
		close(rest->fd);
	if (rest->unix_path[0] != '\0')
		unlink(rest->unix_path);
	free(rest);
}
