/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_server.c: the JSON-RPC 2.0 server on a unix stream socket.
 *
 * One poll() loop iteration per ctl_server_poll() call, no threads. Every fd
 * is non-blocking: input is collected per client until a '\n' ends a
 * message, responses are queued in a per-client output buffer and sent as
 * the socket accepts them. Limits (message size, client count, unsent
 * output) keep a misbehaving client from exhausting the daemon, and every
 * input, however malformed, gets a JSON-RPC answer rather than a crash.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define READ_CHUNK (64 * 1024)
/* Bytes read from one client per iteration, so one client cannot starve the others. */
#define READ_BUDGET (4 * READ_CHUNK)
#define ERR_SIZE 256

struct ctl_client {
	int fd;			/* -1: slot free */
	char *in;		/* received bytes not yet consumed */
	size_t in_len;
	size_t in_size;
	size_t in_scanned;	/* in[0..in_scanned) holds no '\n' */
	char *out;		/* queued response bytes */
	size_t out_off;		/* first unsent byte */
	size_t out_len;
	size_t out_size;
	bool closing;		/* read no more; close once the output is sent */
};

struct ctl_server {
	int listen_fd;
	char *path;
	dev_t dev;		/* identity of our socket file, so that */
	ino_t ino;		/* destroy never unlinks someone else's */
	const struct ctl_method *methods;
	void *ctx;
	struct ctl_client clients[CTL_MAX_CLIENTS];
};

static const struct {
	int value;
	const char *name;
} errno_names[] = {
	{ EINVAL, "EINVAL" }, { ENOENT, "ENOENT" }, { EEXIST, "EEXIST" },
	{ EBUSY, "EBUSY" }, { ENOSPC, "ENOSPC" }, { ENOMEM, "ENOMEM" },
	{ EIO, "EIO" }, { ENODEV, "ENODEV" }, { ERANGE, "ERANGE" },
	{ ENOTSUP, "ENOTSUP" }, { EPERM, "EPERM" }, { EAGAIN, "EAGAIN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
};

static int
sockaddr_fill(struct sockaddr_un *sun, const char *path)
{
	size_t len = strlen(path);

	if (len >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	return 0;
}

/*
 * Remove @path if it is a socket nobody answers on. 0 when the path is free
 * afterwards, -EADDRINUSE when a server answers, -EEXIST when it is not a socket.
 */
static int
remove_stale_socket(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	/* EAGAIN on a non-blocking unix connect means a full backlog: alive. */
	if (ret == 0 || errno == EAGAIN || errno == EINPROGRESS)
		ret = -EADDRINUSE;
	else if (errno == ECONNREFUSED)
		ret = unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	else
		ret = -errno;
	close(fd);
	return ret;
}

struct ctl_server *
ctl_server_create(const char *path, mode_t mode, const struct ctl_method *methods, void *ctx)
{
	struct ctl_server *srv = NULL;
	struct sockaddr_un sun;
	struct stat st;
	int ret;

	if (path == NULL || *path == '\0' || methods == NULL) {
		ret = -EINVAL;
		goto err;
	}
	ret = sockaddr_fill(&sun, path);
	if (ret < 0)
		goto err;

	srv = calloc(1, sizeof(*srv));
	if (srv == NULL) {
		ret = -ENOMEM;
		goto err;
	}
	srv->listen_fd = -1;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		srv->clients[i].fd = -1;
	srv->methods = methods;
	srv->ctx = ctx;
	srv->path = strdup(path);
	if (srv->path == NULL) {
		ret = -ENOMEM;
		goto err_free_srv;
	}

	ret = remove_stale_socket(path, &sun);
	if (ret < 0)
		goto err_free_srv;

	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0) {
		ret = -errno;
		goto err_free_srv;
	}
	if (bind(srv->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		ret = -errno;
		goto err_close_listen;
	}
	if (chmod(path, mode) < 0 || lstat(path, &st) < 0) {
		ret = -errno;
		goto err_unlink;
	}
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	if (listen(srv->listen_fd, 16) < 0) {
		ret = -errno;
		goto err_unlink;
	}
	return srv;

err_unlink:
	unlink(path);
err_close_listen:
	close(srv->listen_fd);
err_free_srv:
	free(srv->path);
	free(srv);
err:
	errno = -ret;
	return NULL;
}

static void
client_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void
ctl_server_destroy(struct ctl_server *srv)
{
	struct stat st;

	if (srv == NULL)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		client_close(&srv->clients[i]);
	if (srv->listen_fd >= 0) {
		if (lstat(srv->path, &st) == 0 && st.st_dev == srv->dev && st.st_ino == srv->ino)
			unlink(srv->path);
		close(srv->listen_fd);
	}
	free(srv->path);
	free(srv);
}

/*
 * A JSON string for @message. Messages may quote client bytes (a parse
 * error's "near '...'") or come from a method's err buffer, so they are not
 * trusted to be UTF-8: bytes that would make json_string() fail become '?'.
 */
static json_t *
message_string(const char *message)
{
	char safe[ERR_SIZE];
	json_t *s = json_string(message);
	size_t i;

	if (s != NULL)
		return s;
	for (i = 0; message[i] != '\0' && i < sizeof(safe) - 1; i++) {
		unsigned char ch = (unsigned char)message[i];

		safe[i] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	safe[i] = '\0';
	return json_string(safe);
}

static json_t *
error_response(json_t *id, int code, const char *message, json_t *data)
{
	json_t *error, *resp;

	error = json_pack("{s:i, s:o}", "code", code, "message", message_string(message));
	if (error != NULL && data != NULL)
		json_object_set(error, "data", data);
	resp = json_pack("{s:s, s:o?, s:O?}", "jsonrpc", "2.0", "error", error,
			 "id", id != NULL ? id : json_null());
	return resp;
}

static json_t *
errno_data(int errnum)
{
	char buf[16];
	const char *name = NULL;

	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (errno_names[i].value == errnum) {
			name = errno_names[i].name;
			break;
		}
	}
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "E%d", errnum);
		name = buf;
	}
	return json_pack("{s:s, s:i}", "errno", name, "errno_value", errnum);
}

static const struct ctl_method *
method_find(const struct ctl_server *srv, const char *name)
{
	for (const struct ctl_method *m = srv->methods; m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* Answer one request object; NULL when no response is due (a notification). */
static json_t *
handle_request(struct ctl_server *srv, json_t *req)
{
	json_t *id = NULL, *jsonrpc, *method, *params, *result = NULL, *data, *resp;
	const struct ctl_method *m;
	char err[ERR_SIZE];
	bool has_id;
	int ret, code;

	if (!json_is_object(req))
		return error_response(NULL, CTL_RPC_INVALID_REQUEST,
				      "invalid request: not an object", NULL);
	has_id = json_object_get(req, "id") != NULL;
	id = json_object_get(req, "id");
	if (has_id && !json_is_string(id) && !json_is_number(id) && !json_is_null(id))
		return error_response(NULL, CTL_RPC_INVALID_REQUEST,
				      "invalid request: id must be a string, number or null", NULL);
	jsonrpc = json_object_get(req, "jsonrpc");
	if (!json_is_string(jsonrpc) || strcmp(json_string_value(jsonrpc), "2.0") != 0)
		return error_response(id, CTL_RPC_INVALID_REQUEST,
				      "invalid request: \"jsonrpc\" must be \"2.0\"", NULL);
	method = json_object_get(req, "method");
	if (!json_is_string(method))
		return error_response(id, CTL_RPC_INVALID_REQUEST,
				      "invalid request: \"method\" must be a string", NULL);
	params = json_object_get(req, "params");
	if (params != NULL && !json_is_object(params) && !json_is_array(params))
		return error_response(id, CTL_RPC_INVALID_REQUEST,
				      "invalid request: \"params\" must be an object or array",
				      NULL);

	m = method_find(srv, json_string_value(method));
	if (m == NULL) {
		if (!has_id)
			return NULL;
		snprintf(err, sizeof(err), "method not found: %s", json_string_value(method));
		return error_response(id, CTL_RPC_METHOD_NOT_FOUND, err, NULL);
	}

	if (params != NULL)
		json_incref(params);
	else
		params = json_object();
	if (params == NULL)
		return has_id ? error_response(id, CTL_RPC_SERVER_ERROR, strerror(ENOMEM),
					       NULL) : NULL;
	err[0] = '\0';
	ret = m->fn(srv->ctx, params, &result, err, sizeof(err));
	json_decref(params);
	err[sizeof(err) - 1] = '\0';

	if (ret < 0) {
		json_decref(result);
		if (!has_id)
			return NULL;
		code = ret == -EINVAL ? CTL_RPC_INVALID_PARAMS : CTL_RPC_SERVER_ERROR;
		data = errno_data(-ret);
		resp = error_response(id, code, err[0] != '\0' ? err : strerror(-ret), data);
		json_decref(data);
		return resp;
	}
	if (!has_id) {
		json_decref(result);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:O}", "jsonrpc", "2.0",
			 "result", result != NULL ? result : json_null(), "id", id);
}

/* Answer one message (a line); NULL when no response is due. */
static json_t *
handle_message(struct ctl_server *srv, const char *line, size_t len, int *n_handled)
{
	json_t *msg, *resp, *batch, *elem;
	json_error_t jerr;
	char text[ERR_SIZE];
	size_t i;

	msg = json_loadb(line, len, JSON_DECODE_ANY, &jerr);
	if (msg == NULL) {
		(*n_handled)++;
		snprintf(text, sizeof(text), "parse error: %s at column %d", jerr.text,
			 jerr.column);
		return error_response(NULL, CTL_RPC_PARSE_ERROR, text, NULL);
	}
	if (!json_is_array(msg)) {
		(*n_handled)++;
		resp = handle_request(srv, msg);
		json_decref(msg);
		return resp;
	}
	if (json_array_size(msg) == 0) {
		(*n_handled)++;
		json_decref(msg);
		return error_response(NULL, CTL_RPC_INVALID_REQUEST, "invalid request: empty batch",
				      NULL);
	}
	batch = json_array();
	json_array_foreach(msg, i, elem) {
		(*n_handled)++;
		resp = handle_request(srv, elem);
		if (resp != NULL && batch != NULL)
			json_array_append_new(batch, resp);
		else
			json_decref(resp);
	}
	json_decref(msg);
	if (batch != NULL && json_array_size(batch) == 0) {
		json_decref(batch);
		batch = NULL;	/* a batch of notifications gets no response */
	}
	return batch;
}

/* Send as much queued output as the socket takes. 0 or -errno (close the client). */
static int
client_flush(struct ctl_client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = 0;
	c->out_len = 0;
	return 0;
}

/* Queue @resp (stolen) for @c. 0 or -errno (close the client). */
static int
client_queue(struct ctl_client *c, json_t *resp)
{
	char *text, *grown;
	size_t len, need, size;
	int ret;

	ret = client_flush(c);
	if (ret < 0)
		goto out_decref;
	if (c->out_len - c->out_off > CTL_MAX_OUTPUT_SIZE) {
		ret = -ENOBUFS;	/* the client does not read its responses */
		goto out_decref;
	}
	text = json_dumps(resp, JSON_COMPACT);
	if (text == NULL) {
		ret = -ENOMEM;
		goto out_decref;
	}
	len = strlen(text);
	if (c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	need = c->out_len + len + 1;
	if (need > c->out_size) {
		size = c->out_size != 0 ? c->out_size : 4096;
		while (size < need)
			size *= 2;
		grown = realloc(c->out, size);
		if (grown == NULL) {
			ret = -ENOMEM;
			goto out_free_text;
		}
		c->out = grown;
		c->out_size = size;
	}
	memcpy(c->out + c->out_len, text, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	ret = 0;
out_free_text:
	free(text);
out_decref:
	json_decref(resp);
	return ret;
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Answer a too-large message and arrange to close @c. 0 or -errno. */
static int
client_too_large(struct ctl_client *c, int *n_handled)
{
	json_t *resp;

	(*n_handled)++;
	c->closing = true;
	c->in_len = 0;
	c->in_scanned = 0;
	resp = error_response(NULL, CTL_RPC_INVALID_REQUEST, "request too large", NULL);
	return resp != NULL ? client_queue(c, resp) : -ENOMEM;
}

/* Dispatch every complete message in @c's input. 0 or -errno (close the client). */
static int
client_process(struct ctl_server *srv, struct ctl_client *c, bool eof, int *n_handled)
{
	size_t start = 0, len;
	char *nl;
	json_t *resp;
	int ret;

	for (;;) {
		nl = memchr(c->in + c->in_scanned, '\n', c->in_len - c->in_scanned);
		if (nl == NULL)
			break;
		len = (size_t)(nl - (c->in + start));
		c->in_scanned = (size_t)(nl - c->in) + 1;
		if (len > CTL_MAX_MSG_SIZE)
			return client_too_large(c, n_handled);
		if (!is_blank(c->in + start, len)) {
			resp = handle_message(srv, c->in + start, len, n_handled);
			if (resp != NULL) {
				ret = client_queue(c, resp);
				if (ret < 0)
					return ret;
			}
		}
		start = c->in_scanned;
	}

	len = c->in_len - start;
	if (len > CTL_MAX_MSG_SIZE)
		return client_too_large(c, n_handled);
	/* Be lenient with a last message that lacks its '\n'. */
	if (eof && len > 0 && !is_blank(c->in + start, len)) {
		resp = handle_message(srv, c->in + start, len, n_handled);
		start = c->in_len;
		if (resp != NULL) {
			ret = client_queue(c, resp);
			if (ret < 0)
				return ret;
		}
	}
	if (eof)
		start = c->in_len;

	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	c->in_scanned = c->in_len;	/* what is left holds no '\n' */
	return 0;
}

/* Read what @c has sent and answer it. 0 or -errno (close the client). */
static int
client_read(struct ctl_server *srv, struct ctl_client *c, int *n_handled)
{
	size_t budget = READ_BUDGET, size;
	bool eof = false;
	char *grown;
	ssize_t n;

	while (budget > 0) {
		if (c->in_size - c->in_len < READ_CHUNK) {
			size = c->in_len + READ_CHUNK;
			grown = realloc(c->in, size);
			if (grown == NULL)
				return -ENOMEM;
			c->in = grown;
			c->in_size = size;
		}
		n = recv(c->fd, c->in + c->in_len, c->in_size - c->in_len, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		if (n == 0) {
			eof = true;
			break;
		}
		c->in_len += (size_t)n;
		budget -= (size_t)n < budget ? (size_t)n : budget;
		/* Dispatch as we go, so the buffer stays near one message. */
		if (c->in_len > CTL_MAX_MSG_SIZE / 2 || budget == 0) {
			int ret = client_process(srv, c, false, n_handled);

			if (ret < 0 || c->closing)
				return ret;
		}
	}
	if (client_process(srv, c, eof, n_handled) < 0)
		return -EIO;
	if (eof)
		c->closing = true;
	return 0;
}

static void
accept_clients(struct ctl_server *srv)
{
	struct ctl_client *c;
	int fd;

	for (;;) {
		fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;	/* EAGAIN, or EMFILE & co.: retry next iteration */
		}
		c = NULL;
		for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
			if (srv->clients[i].fd < 0) {
				c = &srv->clients[i];
				break;
			}
		}
		if (c == NULL) {
			close(fd);	/* too many clients */
			continue;
		}
		c->fd = fd;
	}
}

int
ctl_server_poll(struct ctl_server *srv, int timeout_ms)
{
	struct pollfd pfds[CTL_MAX_CLIENTS + 1];
	struct ctl_client *slot[CTL_MAX_CLIENTS + 1];
	struct ctl_client *c;
	int n_handled = 0, ret;
	nfds_t n = 0;

	if (srv == NULL)
		return -EINVAL;

	pfds[n].fd = srv->listen_fd;
	pfds[n].events = POLLIN;
	slot[n++] = NULL;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
		c = &srv->clients[i];
		if (c->fd < 0)
			continue;
		pfds[n].fd = c->fd;
		pfds[n].events = (c->closing ? 0 : POLLIN) |
				 (c->out_len > c->out_off ? POLLOUT : 0);
		slot[n++] = c;
	}

	ret = poll(pfds, n, timeout_ms);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;

	for (nfds_t i = 1; i < n; i++) {
		c = slot[i];
		if (pfds[i].revents == 0)
			continue;
		if ((pfds[i].revents & POLLNVAL) != 0) {
			client_close(c);
			continue;
		}
		if (!c->closing && (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
			if (client_read(srv, c, &n_handled) < 0) {
				client_close(c);
				continue;
			}
		} else if (c->closing && (pfds[i].revents & (POLLHUP | POLLERR)) != 0 &&
			   (pfds[i].revents & POLLOUT) == 0) {
			client_close(c);	/* the peer is gone: drop its output */
			continue;
		}
		if (client_flush(c) < 0 || (c->closing && c->out_len == c->out_off))
			client_close(c);
	}
	if ((pfds[0].revents & POLLIN) != 0)
		accept_clients(srv);
	return n_handled;
}
