/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_rpc.c: unit tests of the JSON-RPC server and client
 * (control/ctl_server.c, control/ctl_client.c).
 *
 * Each test gets its own socket in a fresh temp directory and a server
 * polled by a pthread. Tests talk to it either through ctl_client_call() or
 * over a raw socket, to send exactly the bytes a broken or hostile client
 * would: split and merged messages, garbage, batches, oversized lines,
 * clients that never read.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"

#define TIMEOUT_MS 5000

struct fixture {
	char dir[64];
	char path[96];
	struct ctl_server *srv;
	pthread_t thread;
	bool running;
	atomic_bool stop;
	atomic_int n_count;	/* calls of the "count" method */
	atomic_int n_handled;	/* sum of ctl_server_poll() results */
};

/* Methods */

static int
m_echo(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	(void)ctx;
	(void)err;
	(void)errlen;
	*result = json_incref(params);
	return 0;
}

static int
m_null(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	(void)ctx;
	(void)params;
	(void)result;
	(void)err;
	(void)errlen;
	return 0;
}

/* params {"errno": N, "msg": "..."}: fail with -N and msg. */
static int
m_fail(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	const char *msg = json_string_value(json_object_get(params, "msg"));

	(void)ctx;
	*result = json_object();	/* must be released by the server */
	snprintf(err, errlen, "%s", msg != NULL ? msg : "");
	return -(int)json_integer_value(json_object_get(params, "errno"));
}

static int
m_count(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct fixture *fx = ctx;
	int n = atomic_fetch_add(&fx->n_count, 1) + 1;

	(void)params;
	(void)err;
	(void)errlen;
	*result = json_pack("{s:i}", "count", n);
	return 0;
}

static const struct ctl_method methods[] = {
	{ "echo", m_echo },
	{ "null", m_null },
	{ "fail", m_fail },
	{ "count", m_count },
	{ NULL, NULL },
};

/* Fixture */

static void *
server_thread(void *arg)
{
	struct fixture *fx = arg;
	int n;

	while (!atomic_load(&fx->stop)) {
		n = ctl_server_poll(fx->srv, 10);
		assert_true(n >= 0);
		atomic_fetch_add(&fx->n_handled, n);
	}
	return NULL;
}

static int
setup_dir(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctl-rpc-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/vswitchd.sock", fx->dir);
	*state = fx;
	return 0;
}

static int
setup_server(void **state)
{
	struct fixture *fx;

	if (setup_dir(state) < 0)
		return -1;
	fx = *state;
	fx->srv = ctl_server_create(fx->path, 0660, methods, fx);
	if (fx->srv == NULL)
		return -1;
	if (pthread_create(&fx->thread, NULL, server_thread, fx) != 0)
		return -1;
	fx->running = true;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->running) {
		atomic_store(&fx->stop, true);
		pthread_join(fx->thread, NULL);
	}
	ctl_server_destroy(fx->srv);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Raw socket helpers */

struct conn {
	int fd;
	char *buf;
	size_t len;
	size_t size;
	size_t consumed;	/* bytes of the last line returned, dropped on the next read */
};

static void
conn_open(struct conn *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
}

static void
conn_close(struct conn *c)
{
	close(c->fd);
	free(c->buf);
	c->buf = NULL;
	c->fd = -1;
}

/* Send @len bytes; false when the peer went away. */
static bool
conn_send_bytes(struct conn *c, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

static void
conn_send(struct conn *c, const char *text)
{
	assert_true(conn_send_bytes(c, text, strlen(text)));
}

/*
 * Read the next line. Returns its length with *line pointing into the
 * buffer (valid until the next call), or -1 on EOF/reset, -2 on timeout.
 */
static long
conn_read_line(struct conn *c, char **line, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	char *nl;
	ssize_t n;

	if (c->consumed > 0) {
		memmove(c->buf, c->buf + c->consumed, c->len - c->consumed);
		c->len -= c->consumed;
		c->consumed = 0;
	}
	for (;;) {
		nl = c->len > 0 ? memchr(c->buf, '\n', c->len) : NULL;
		if (nl != NULL) {
			*nl = '\0';
			*line = c->buf;
			c->consumed = (size_t)(nl - c->buf) + 1;
			return (long)(nl - c->buf);
		}
		if (poll(&pfd, 1, timeout_ms) == 0)
			return -2;
		if (c->size - c->len < 65536) {
			c->size = c->size != 0 ? c->size * 2 : 131072;
			c->buf = realloc(c->buf, c->size);
			assert_non_null(c->buf);
		}
		n = recv(c->fd, c->buf + c->len, c->size - c->len, 0);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

/* Read and parse the next response; fails the test on EOF or timeout. */
static json_t *
conn_recv(struct conn *c)
{
	json_error_t jerr;
	json_t *resp;
	char *line;
	long n;

	n = conn_read_line(c, &line, TIMEOUT_MS);
	if (n < 0)
		fail_msg("no response (%s)", n == -1 ? "EOF" : "timeout");
	resp = json_loadb(line, (size_t)n, 0, &jerr);
	if (resp == NULL)
		fail_msg("response is not JSON: %s: %s", jerr.text, line);
	return resp;
}

/* Expect the connection to be closed by the server. */
static void
conn_expect_eof(struct conn *c)
{
	char *line;
	long n = conn_read_line(c, &line, TIMEOUT_MS);

	if (n != -1)
		fail_msg("expected EOF, got %s", n == -2 ? "timeout" : line);
}

/* Check an error response's code and id (JSON text; NULL: id null). */
static void
assert_error(json_t *resp, int code, const char *id_json)
{
	json_t *error = json_object_get(resp, "error"), *id;

	assert_string_equal(json_string_value(json_object_get(resp, "jsonrpc")), "2.0");
	assert_non_null(error);
	assert_null(json_object_get(resp, "result"));
	assert_int_equal(json_integer_value(json_object_get(error, "code")), code);
	assert_true(json_is_string(json_object_get(error, "message")));
	if (id_json == NULL) {
		assert_true(json_is_null(json_object_get(resp, "id")));
	} else {
		id = json_loads(id_json, JSON_DECODE_ANY, NULL);
		assert_non_null(id);
		assert_true(json_equal(json_object_get(resp, "id"), id));
		json_decref(id);
	}
}

/* One raw request, one response. */
static json_t *
raw_call(struct conn *c, const char *line)
{
	conn_send(c, line);
	return conn_recv(c);
}

/* Tests: client API */

static void
test_call_ok(void **state)
{
	struct fixture *fx = *state;
	json_t *params = json_pack("{s:s, s:[i,i]}", "name", "p0", "list", 1, 2), *result = NULL;
	json_t *expected = json_deep_copy(params);
	char err[256] = "";

	assert_int_equal(ctl_client_call(fx->path, "echo", params, TIMEOUT_MS, &result, err,
					 sizeof(err)), 0);
	assert_true(json_equal(result, expected));
	json_decref(result);
	json_decref(expected);

	/* no params: the method sees an empty object */
	assert_int_equal(ctl_client_call(fx->path, "echo", NULL, TIMEOUT_MS, &result, err,
					 sizeof(err)), 0);
	assert_true(json_is_object(result));
	assert_int_equal(json_object_size(result), 0);
	json_decref(result);

	/* array params */
	assert_int_equal(ctl_client_call(fx->path, "echo", json_pack("[i]", 7), TIMEOUT_MS, &result,
					 err, sizeof(err)), 0);
	assert_int_equal(json_integer_value(json_array_get(result, 0)), 7);
	json_decref(result);

	/* no result: JSON null */
	assert_int_equal(ctl_client_call(fx->path, "null", NULL, TIMEOUT_MS, &result, err,
					 sizeof(err)), 0);
	assert_true(json_is_null(result));
	json_decref(result);

	/* bad params are refused (and still released) */
	assert_int_equal(ctl_client_call(fx->path, "echo", json_integer(1), TIMEOUT_MS, &result,
					 err, sizeof(err)), -EINVAL);
}

static void
test_method_errors(void **state)
{
	struct fixture *fx = *state;
	json_t *result = NULL, *resp, *data;
	char err[256] = "";
	struct conn c;

	assert_int_equal(ctl_client_call(fx->path, "fail",
					 json_pack("{s:i, s:s}", "errno", ENOENT, "msg",
						   "no such port 'p9'"),
					 TIMEOUT_MS, &result, err, sizeof(err)), -ENOENT);
	assert_null(result);
	assert_string_equal(err, "no such port 'p9'");

	assert_int_equal(ctl_client_call(fx->path, "fail",
					 json_pack("{s:i, s:s}", "errno", EINVAL, "msg", "bad mtu"),
					 TIMEOUT_MS, &result, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad mtu");

	/* an empty message becomes strerror() */
	assert_int_equal(ctl_client_call(fx->path, "fail",
					 json_pack("{s:i, s:s}", "errno", EBUSY, "msg", ""),
					 TIMEOUT_MS, &result, err, sizeof(err)), -EBUSY);
	assert_string_equal(err, strerror(EBUSY));

	/* on the wire: codes and error.data */
	conn_open(&c, fx->path);
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":"
			"{\"errno\":2,\"msg\":\"gone\"},\"id\":\"a\"}\n");
	assert_error(resp, -32000, "\"a\"");
	data = json_object_get(json_object_get(resp, "error"), "data");
	assert_string_equal(json_string_value(json_object_get(data, "errno")), "ENOENT");
	assert_int_equal(json_integer_value(json_object_get(data, "errno_value")), ENOENT);
	assert_string_equal(json_string_value(json_object_get(json_object_get(resp, "error"),
							      "message")), "gone");
	json_decref(resp);

	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":"
			"{\"errno\":22,\"msg\":\"x\"},\"id\":5}\n");
	assert_error(resp, -32602, "5");
	data = json_object_get(json_object_get(resp, "error"), "data");
	assert_string_equal(json_string_value(json_object_get(data, "errno")), "EINVAL");
	json_decref(resp);

	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":"
			"{\"errno\":200,\"msg\":\"x\"},\"id\":6}\n");
	assert_error(resp, -32000, "6");
	data = json_object_get(json_object_get(resp, "error"), "data");
	assert_string_equal(json_string_value(json_object_get(data, "errno")), "E200");
	assert_int_equal(json_integer_value(json_object_get(data, "errno_value")), 200);
	json_decref(resp);
	conn_close(&c);
}

static void
test_unknown_method(void **state)
{
	struct fixture *fx = *state;
	json_t *result = NULL, *resp;
	char err[256] = "";
	struct conn c;

	assert_int_equal(ctl_client_call(fx->path, "no.such", NULL, TIMEOUT_MS, &result, err,
					 sizeof(err)), -EIO);
	assert_non_null(strstr(err, "method not found: no.such"));

	conn_open(&c, fx->path);
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}\n");
	assert_error(resp, -32601, "1");
	json_decref(resp);
	conn_close(&c);
}

static void
test_client_missing_socket(void **state)
{
	struct fixture *fx = *state;
	json_t *result = NULL;
	char err[256] = "";

	assert_int_equal(ctl_client_call(fx->path, "echo", json_object(), 1000, &result, err,
					 sizeof(err)), -ENOENT);
	assert_null(result);
	assert_non_null(strstr(err, "cannot connect to "));
	assert_non_null(strstr(err, fx->path));
	assert_non_null(strstr(err, "is edgeplane-vswitchd running?"));
}

static void
test_client_timeout(void **state)
{
	struct fixture *fx = *state;
	json_t *result = NULL;
	char err[256] = "";

	/* A server that is never polled accepts (backlog) but never answers. */
	fx->srv = ctl_server_create(fx->path, 0600, methods, fx);
	assert_non_null(fx->srv);
	assert_int_equal(ctl_client_call(fx->path, "echo", NULL, 200, &result, err, sizeof(err)),
			 -ETIMEDOUT);
	assert_non_null(strstr(err, "no response within 200 ms"));
}

/* Tests: protocol */

static void
test_parse_error(void **state)
{
	struct fixture *fx = *state;
	json_t *resp;
	struct conn c;

	conn_open(&c, fx->path);
	resp = raw_call(&c, "{bad json\n");
	assert_error(resp, -32700, NULL);
	json_decref(resp);
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1} trailing\n");
	assert_error(resp, -32700, NULL);
	json_decref(resp);
	resp = raw_call(&c, "\x01\x02\xff\n");
	assert_error(resp, -32700, NULL);
	json_decref(resp);

	/* the connection survives: a line is a message */
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":2}\n");
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 2);
	assert_true(json_is_array(json_object_get(resp, "result")));
	json_decref(resp);
	conn_close(&c);
}

static void
test_invalid_request(void **state)
{
	static const char *const bad_no_id[] = {
		"1\n",
		"\"x\"\n",
		"null\n",
		"[1]\n",	/* a batch with one invalid element */
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":{}}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":[1]}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":true}\n",
	};
	static const char *const bad_with_id[] = {
		"{\"method\":\"echo\",\"id\":7}\n",
		"{\"jsonrpc\":\"1.0\",\"method\":\"echo\",\"id\":7}\n",
		"{\"jsonrpc\":2.0,\"method\":\"echo\",\"id\":7}\n",
		"{\"jsonrpc\":\"2.0\",\"id\":7}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":7}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"x\",\"id\":7}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":3,\"id\":7}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":null,\"id\":7}\n",
	};
	struct fixture *fx = *state;
	json_t *resp;
	struct conn c;

	conn_open(&c, fx->path);
	for (size_t i = 0; i < sizeof(bad_no_id) / sizeof(bad_no_id[0]); i++) {
		resp = raw_call(&c, bad_no_id[i]);
		if (json_is_array(resp)) {
			assert_int_equal(json_array_size(resp), 1);
			assert_error(json_array_get(resp, 0), -32600, NULL);
		} else {
			assert_error(resp, -32600, NULL);
		}
		json_decref(resp);
	}
	for (size_t i = 0; i < sizeof(bad_with_id) / sizeof(bad_with_id[0]); i++) {
		resp = raw_call(&c, bad_with_id[i]);
		assert_error(resp, -32600, "7");
		json_decref(resp);
	}
	/* invalid requests are answered even without an id */
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":7}\n");
	assert_error(resp, -32600, NULL);
	json_decref(resp);
	/* null and string ids are echoed */
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":null}\n");
	assert_true(json_is_null(json_object_get(resp, "id")));
	assert_non_null(json_object_get(resp, "result"));
	json_decref(resp);
	/* blank lines and CRLF are tolerated */
	resp = raw_call(&c, "\n  \r\n{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":\"s\"}\r\n");
	assert_string_equal(json_string_value(json_object_get(resp, "id")), "s");
	json_decref(resp);
	conn_close(&c);
}

static void
test_batch(void **state)
{
	struct fixture *fx = *state;
	json_t *resp, *r;
	struct conn c;

	conn_open(&c, fx->path);
	resp = raw_call(&c, "[{\"jsonrpc\":\"2.0\",\"method\":\"echo\","
			"\"params\":{\"a\":1},\"id\":1},"
			"{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
			"{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":2},"
			"{\"foo\":\"bar\"},"
			"{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":{\"errno\":17},"
			"\"id\":3}]\n");
	assert_true(json_is_array(resp));
	assert_int_equal(json_array_size(resp), 4);
	r = json_array_get(resp, 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "result"), "a")), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 1);
	assert_error(json_array_get(resp, 1), -32601, "2");
	assert_error(json_array_get(resp, 2), -32600, NULL);
	assert_error(json_array_get(resp, 3), -32000, "3");
	json_decref(resp);
	assert_int_equal(atomic_load(&fx->n_count), 1);

	/* an empty batch is one invalid request */
	resp = raw_call(&c, "[]\n");
	assert_error(resp, -32600, NULL);
	json_decref(resp);

	/* a batch of notifications gets no response at all */
	conn_send(&c, "[{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
		  "{\"jsonrpc\":\"2.0\",\"method\":\"count\"}]\n");
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"count\",\"id\":9}\n");
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 9);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(resp, "result"),
							      "count")), 4);
	json_decref(resp);
	conn_close(&c);
}

static void
test_notification(void **state)
{
	struct fixture *fx = *state;
	json_t *resp;
	struct conn c;

	conn_open(&c, fx->path);
	/* no response to notifications, not even to failing or unknown ones */
	conn_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"count\",\"params\":{}}\n");
	conn_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}\n");
	conn_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":{\"errno\":2}}\n");
	resp = raw_call(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"count\",\"id\":1}\n");
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(resp, "result"),
							      "count")), 2);
	json_decref(resp);
	conn_close(&c);
	assert_int_equal(atomic_load(&fx->n_count), 2);
}

static void
test_split_message(void **state)
{
	static const char msg[] =
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"k\":\"v\"},\"id\":42}\n";
	struct fixture *fx = *state;
	json_t *resp;
	struct conn c;
	char *line;

	conn_open(&c, fx->path);
	/* byte by byte for the first part, then two bigger pieces */
	for (size_t i = 0; i < 5; i++) {
		assert_true(conn_send_bytes(&c, msg + i, 1));
		usleep(5000);
	}
	assert_true(conn_send_bytes(&c, msg + 5, 20));
	usleep(20000);
	/* nothing is answered before the '\n' */
	assert_int_equal(conn_read_line(&c, &line, 50), -2);
	conn_send(&c, msg + 25);
	resp = conn_recv(&c);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(json_object_get(resp, "result"),
							      "k")), "v");
	json_decref(resp);
	conn_close(&c);
}

static void
test_two_messages_one_write(void **state)
{
	struct fixture *fx = *state;
	json_t *resp;
	struct conn c;

	conn_open(&c, fx->path);
	conn_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":1}\n"
		  "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[2],\"id\":2}\n"
		  "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[3],");
	resp = conn_recv(&c);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 1);
	json_decref(resp);
	resp = conn_recv(&c);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 2);
	json_decref(resp);
	/* the tail of the third message completes it */
	conn_send(&c, "\"id\":3}\n");
	resp = conn_recv(&c);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 3);
	json_decref(resp);
	conn_close(&c);
}

static void
test_last_message_without_newline(void **state)
{
	struct fixture *fx = *state;
	json_t *resp;
	struct conn c;

	/* A client that half-closes after a message without '\n' still gets its answer. */
	conn_open(&c, fx->path);
	conn_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":8}");
	shutdown(c.fd, SHUT_WR);
	resp = conn_recv(&c);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 8);
	json_decref(resp);
	conn_expect_eof(&c);
	conn_close(&c);
}

static void
test_oversized_message(void **state)
{
	struct fixture *fx = *state;
	size_t len = CTL_MAX_MSG_SIZE + 1000;
	char *big = malloc(len);
	json_t *resp, *result = NULL;
	char err[256] = "";
	struct conn c;

	assert_non_null(big);
	memset(big, ' ', len);
	memcpy(big, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"", 43);
	conn_open(&c, fx->path);
	conn_send_bytes(&c, big, len);	/* the server may close before it all went */
	resp = conn_recv(&c);
	assert_error(resp, -32600, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(resp, "error"),
							      "message")), "request too large");
	json_decref(resp);
	conn_expect_eof(&c);
	conn_close(&c);

	/* a complete line that is too large is refused the same way */
	big[len - 1] = '\n';
	conn_open(&c, fx->path);
	conn_send_bytes(&c, big, len);
	resp = conn_recv(&c);
	assert_error(resp, -32600, NULL);
	json_decref(resp);
	conn_expect_eof(&c);
	conn_close(&c);
	free(big);

	/* the server is still fine */
	assert_int_equal(ctl_client_call(fx->path, "null", NULL, TIMEOUT_MS, &result, err,
					 sizeof(err)), 0);
	json_decref(result);
}

static void
test_large_message_ok(void **state)
{
	struct fixture *fx = *state;
	size_t len = CTL_MAX_MSG_SIZE - 100;
	char *s = malloc(len + 1), err[256] = "";
	json_t *result = NULL;

	/* Just under the limit goes through, in both directions. */
	assert_non_null(s);
	memset(s, 'x', len);
	s[len] = '\0';
	assert_int_equal(ctl_client_call(fx->path, "echo", json_pack("[s]", s), TIMEOUT_MS,
					 &result, err, sizeof(err)), 0);
	assert_int_equal(strlen(json_string_value(json_array_get(result, 0))), len);
	json_decref(result);
	free(s);
}

static void
test_too_many_clients(void **state)
{
	struct fixture *fx = *state;
	struct conn c[CTL_MAX_CLIENTS + 1];
	json_t *resp;
	char req[128];

	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		conn_open(&c[i], fx->path);
		snprintf(req, sizeof(req),
			 "{\"jsonrpc\":\"2.0\",\"method\":\"null\",\"id\":%d}\n", i);
		resp = raw_call(&c[i], req);	/* the server has accepted it */
		json_decref(resp);
	}
	conn_open(&c[CTL_MAX_CLIENTS], fx->path);
	conn_expect_eof(&c[CTL_MAX_CLIENTS]);
	conn_close(&c[CTL_MAX_CLIENTS]);

	/* the first clients still work; closing one makes room */
	resp = raw_call(&c[0], "{\"jsonrpc\":\"2.0\",\"method\":\"null\",\"id\":100}\n");
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 100);
	json_decref(resp);
	conn_close(&c[0]);
	usleep(100000);
	conn_open(&c[0], fx->path);
	resp = raw_call(&c[0], "{\"jsonrpc\":\"2.0\",\"method\":\"null\",\"id\":101}\n");
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 101);
	json_decref(resp);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		conn_close(&c[i]);
}

static void
test_slow_reader_closed(void **state)
{
	struct fixture *fx = *state;
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"";
	static const char tail[] = "\"],\"id\":1}\n";
	static char req[sizeof(head) + 512 * 1024 + sizeof(tail)];
	size_t len = 512 * 1024, off = 0, n_sent = 0, n_recv = 0;
	struct conn c;
	char *line;
	long n;

	/* Requests of 512 KiB whose responses are never read: past 4 MiB queued, we are dropped. */
	memcpy(req, head, sizeof(head) - 1);
	off += sizeof(head) - 1;
	memset(req + off, 'y', len);
	off += len;
	memcpy(req + off, tail, sizeof(tail) - 1);
	off += sizeof(tail) - 1;
	conn_open(&c, fx->path);
	for (int i = 0; i < 40; i++) {
		if (!conn_send_bytes(&c, req, off))
			break;
		n_sent++;
	}
	for (;;) {
		n = conn_read_line(&c, &line, TIMEOUT_MS);
		if (n < 0)
			break;
		n_recv++;
	}
	assert_int_equal(n, -1);	/* closed, not timed out */
	assert_true(n_recv < n_sent || n_sent < 40);
	assert_true(n_recv <= (CTL_MAX_OUTPUT_SIZE / len) + 2 + 8);
	conn_close(&c);
}

static void
test_garbage_never_crashes(void **state)
{
	struct fixture *fx = *state;
	char buf[4096], err[256] = "";
	json_t *result = NULL;
	unsigned seed = 1;
	struct conn c;

	/* Random bytes with newlines mixed in: answered or ignored, never fatal. */
	conn_open(&c, fx->path);
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (char)(seed >> 16);
		}
		if (!conn_send_bytes(&c, buf, sizeof(buf)))
			break;
	}
	conn_close(&c);
	assert_int_equal(ctl_client_call(fx->path, "null", NULL, TIMEOUT_MS, &result, err,
					 sizeof(err)), 0);
	json_decref(result);
}

/* Tests: socket file handling */

static void
test_stale_socket_replaced(void **state)
{
	struct fixture *fx = *state;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	json_t *result = NULL;
	char err[256] = "";
	struct stat st;
	int fd;

	/* a socket file nobody listens on: what a killed server leaves */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fx->path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));

	fx->srv = ctl_server_create(fx->path, 0640, methods, fx);
	assert_non_null(fx->srv);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(pthread_create(&fx->thread, NULL, server_thread, fx), 0);
	fx->running = true;
	assert_int_equal(ctl_client_call(fx->path, "null", NULL, TIMEOUT_MS, &result, err,
					 sizeof(err)), 0);
	json_decref(result);

	/* destroy removes the socket file */
	atomic_store(&fx->stop, true);
	pthread_join(fx->thread, NULL);
	fx->running = false;
	ctl_server_destroy(fx->srv);
	fx->srv = NULL;
	assert_int_equal(access(fx->path, F_OK), -1);
	ctl_server_destroy(NULL);
}

static void
test_live_socket_in_use(void **state)
{
	struct fixture *fx = *state;
	struct ctl_server *second;

	fx->srv = ctl_server_create(fx->path, 0600, methods, fx);
	assert_non_null(fx->srv);
	errno = 0;
	second = ctl_server_create(fx->path, 0600, methods, fx);
	assert_null(second);
	assert_int_equal(errno, EADDRINUSE);
	/* the live server's socket is untouched */
	assert_int_equal(access(fx->path, F_OK), 0);
}

static void
test_not_a_socket(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	fclose(f);
	errno = 0;
	assert_null(ctl_server_create(fx->path, 0600, methods, fx));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(access(fx->path, F_OK), 0);	/* not removed */

	errno = 0;
	assert_null(ctl_server_create("/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				      "aaaaaaaaa.sock",
				      0600, methods, NULL));
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_null(ctl_server_create(NULL, 0600, methods, NULL));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ctl_server_poll(NULL, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_ok, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_method_errors, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_method, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_client_missing_socket, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_client_timeout, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_parse_error, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_request, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_notification, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_split_message, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_two_messages_one_write, setup_server,
						teardown),
		cmocka_unit_test_setup_teardown(test_last_message_without_newline, setup_server,
						teardown),
		cmocka_unit_test_setup_teardown(test_oversized_message, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_large_message_ok, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_clients, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_slow_reader_closed, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_never_crashes, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_live_socket_in_use, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_socket, setup_dir, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
