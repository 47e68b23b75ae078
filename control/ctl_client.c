/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_client.c: the JSON-RPC 2.0 client used by edgeplane-ctl.
 *
 * One call per connection: connect, send one request line, read one
 * response line, close. A single deadline covers the whole exchange so a
 * wedged daemon cannot hang the caller. Server-side failures come back as
 * -errno (from error.data.errno_value) with the server's message, so the
 * caller can print one line and exit.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

/* Largest response accepted; far above any real result, it only bounds memory. */
#define MAX_RESPONSE_SIZE (256 * 1024 * 1024)
#define REQUEST_ID 1

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before @deadline (-1: none), for poll(). */
static int
time_left(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/* Wait until @fd is ready for @events. 0, -ETIMEDOUT or -errno. */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret;

	for (;;) {
		ret = poll(&pfd, 1, time_left(deadline));
		if (ret > 0)
			return 0;
		if (ret == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int
connect_to(const char *path, long long deadline, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	size_t len = strlen(path);
	socklen_t optlen;
	int fd, ret, soerr;

	if (len >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "socket: %s", strerror(-ret));
		return ret;
	}
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return fd;
		ret = -errno;
		if (ret == -EINTR)
			continue;
		if (ret != -EAGAIN && ret != -EINPROGRESS)
			break;
		/* The server's backlog is full: retry until the deadline. */
		if (time_left(deadline) == 0) {
			ret = -ETIMEDOUT;
			break;
		}
		optlen = sizeof(soerr);
		if (ret == -EINPROGRESS) {
			ret = wait_fd(fd, POLLOUT, deadline);
			if (ret == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &optlen) == 0)
				ret = -soerr;
			if (ret == 0)
				return fd;
			break;
		}
		poll(NULL, 0, 10);
	}
	close(fd);
	if (ret == -ENOENT || ret == -ECONNREFUSED)
		snprintf(err, errlen, "cannot connect to %s: %s (is edgeplane-vswitchd running?)",
			 path, strerror(-ret));
	else
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(-ret));
	return ret;
}

static int
send_all(int fd, const char *buf, size_t len, long long deadline)
{
	ssize_t n;
	int ret;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			ret = wait_fd(fd, POLLOUT, deadline);
			if (ret < 0)
				return ret;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read up to the first '\n' (or EOF) into a new buffer. Returns the line
 * length (0: the server closed without a response) or -errno.
 */
static long
recv_line(int fd, char **line, long long deadline)
{
	size_t len = 0, size = 0;
	char *buf = NULL, *grown;
	ssize_t n;
	int ret;

	for (;;) {
		if (size - len < 4096) {
			size = size != 0 ? size * 2 : 65536;
			if (size > MAX_RESPONSE_SIZE) {
				ret = -EMSGSIZE;
				goto err_free;
			}
			grown = realloc(buf, size);
			if (grown == NULL) {
				ret = -ENOMEM;
				goto err_free;
			}
			buf = grown;
		}
		n = recv(fd, buf + len, size - len - 1, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				ret = -errno;
				goto err_free;
			}
			ret = wait_fd(fd, POLLIN, deadline);
			if (ret < 0)
				goto err_free;
			continue;
		}
		if (n == 0)
			break;
		char *nl = memchr(buf + len, '\n', (size_t)n);

		len += (size_t)n;
		if (nl != NULL) {
			len = (size_t)(nl - buf);
			break;
		}
	}
	buf[len] = '\0';
	*line = buf;
	return (long)len;

err_free:
	free(buf);
	return ret;
}

/* Turn a response into 0 + *result or -errno + err. */
static int
decode_response(json_t *resp, json_t **result, char *err, size_t errlen)
{
	json_t *error, *message, *data, *value, *id;
	json_int_t errnum;

	id = json_object_get(resp, "id");
	if (!json_is_object(resp) || !json_is_integer(id) || json_integer_value(id) != REQUEST_ID) {
		snprintf(err, errlen, "malformed response from server");
		return -EIO;
	}
	error = json_object_get(resp, "error");
	if (error != NULL) {
		message = json_object_get(error, "message");
		snprintf(err, errlen, "%s",
			 json_is_string(message) ? json_string_value(message) : "unknown error");
		data = json_object_get(error, "data");
		value = json_object_get(data, "errno_value");
		errnum = json_is_integer(value) ? json_integer_value(value) : 0;
		return errnum > 0 && errnum < 4096 ? -(int)errnum : -EIO;
	}
	if (json_object_get(resp, "result") == NULL) {
		snprintf(err, errlen, "malformed response from server: no result");
		return -EIO;
	}
	*result = json_incref(json_object_get(resp, "result"));
	return 0;
}

int
ctl_client_call(const char *path, const char *method, json_t *params, int timeout_ms,
		json_t **result, char *err, size_t errlen)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	json_t *req = NULL, *resp;
	json_error_t jerr;
	char *text = NULL, *line = NULL;
	size_t len;
	long n;
	int fd, ret;

	if (path == NULL || method == NULL || result == NULL ||
	    (params != NULL && !json_is_object(params) && !json_is_array(params))) {
		snprintf(err, errlen, "invalid arguments");
		json_decref(params);
		return -EINVAL;
	}
	*result = NULL;
	req = json_pack("{s:s, s:s, s:i}", "jsonrpc", "2.0", "method", method, "id", REQUEST_ID);
	if (req == NULL) {
		json_decref(params);
		goto err_nomem;
	}
	/* No params: the member is omitted (JSON-RPC 2.0 allows it), not null. */
	if (params != NULL && json_object_set_new(req, "params", params) != 0) {
		json_decref(req);
		goto err_nomem;
	}
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL)
		goto err_nomem;
	len = strlen(text);
	text[len++] = '\n';	/* overwrite the NUL: the length is known */

	fd = connect_to(path, deadline, err, errlen);
	if (fd < 0) {
		ret = fd;
		goto out_free_text;
	}
	ret = send_all(fd, text, len, deadline);
	if (ret < 0)
		goto err_io;
	n = recv_line(fd, &line, deadline);
	if (n < 0) {
		ret = (int)n;
		goto err_io;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: connection closed by the server", path);
		ret = -EIO;
		goto out_close;
	}
	resp = json_loadb(line, (size_t)n, 0, &jerr);
	if (resp == NULL) {
		snprintf(err, errlen, "malformed response from server: %s", jerr.text);
		ret = -EIO;
		goto out_close;
	}
	ret = decode_response(resp, result, err, errlen);
	json_decref(resp);
	goto out_close;

err_io:
	if (ret == -ETIMEDOUT)
		snprintf(err, errlen, "%s: no response within %d ms", path, timeout_ms);
	else
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
out_close:
	free(line);
	close(fd);
out_free_text:
	free(text);
	return ret;

err_nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	return -ENOMEM;
}
