/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.h: the public interface of the generic control library (control/).
 *
 * Three independent pieces, none of which links DPDK:
 *
 *  - a JSON-RPC 2.0 server and client on a unix stream socket, used by
 *    edgeplane-vswitchd (server) and edgeplane-ctl (client);
 *  - the config store: one JSON document saved atomically (write a temp
 *    file, fsync, rename, fsync the directory);
 *  - the edgeplane-ctl command table: turning "add-port br0 vh0 type=..."
 *    into a method name and params, and rendering results for people.
 *
 * Framing: every message is one JSON text followed by '\n'. Messages are
 * dumped with JSON_COMPACT, which never emits a raw newline (newlines inside
 * strings are escaped). A reader accepts a message split over several reads
 * and several messages in one read. The method set and the shape of every
 * result are documented in docs/rpc.md.
 *
 * Thread-safety: a struct ctl_server is used by one thread at a time (the
 * daemon's control thread). ctl_client_call, ctl_db_*, and ctl_cmd_* keep no
 * shared state and may be called from any thread.
 *
 * Errors: int functions return 0 or -errno; constructors return NULL with
 * errno set; functions taking `err`/`errlen` also write a one-line reason
 * (no trailing newline) into it on failure.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

/** Largest accepted request message (one line, without the '\n'): 1 MiB. */
#define CTL_MAX_MSG_SIZE (1024 * 1024)
/** Most clients connected to one server; further connections are closed. */
#define CTL_MAX_CLIENTS 64
/**
 * Most unsent response bytes a server keeps for a client. When a client has
 * more than this pending and another response is due, the client is closed.
 */
#define CTL_MAX_OUTPUT_SIZE (4 * 1024 * 1024)
/** Longest bridge or port name, without the NUL. */
#define CTL_NAME_MAX 31

/** JSON-RPC 2.0 error codes sent by the server. */
#define CTL_RPC_PARSE_ERROR -32700	/**< the line is not valid JSON */
#define CTL_RPC_INVALID_REQUEST -32600	/**< not a request object, or too large */
#define CTL_RPC_METHOD_NOT_FOUND -32601	/**< no such method */
#define CTL_RPC_INVALID_PARAMS -32602	/**< the method returned -EINVAL */
#define CTL_RPC_SERVER_ERROR -32000	/**< the method returned another -errno */

/** A JSON-RPC server on a unix socket. Opaque. */
struct ctl_server;

/**
 * A method implementation.
 *
 * @param ctx     the `ctx` given to ctl_server_create().
 * @param params  the request's params (borrowed); an empty object when the
 *                request had none, never NULL.
 * @param result  on success, set to a new reference (stolen by the server),
 *                or left NULL for a JSON null result.
 * @param err     on failure, a one-line reason (NUL-terminated, at most
 *                `errlen` bytes); left empty means "use strerror()".
 * @return 0, or -errno. -EINVAL is sent as code -32602 (invalid params),
 *         any other -errno as -32000; both carry error.data
 *         {"errno": "ENOENT", "errno_value": 2}.
 */
typedef int ctl_method_fn(void *ctx, json_t *params, json_t **result, char *err, size_t errlen);

/** One entry of a method table; the table ends with {NULL, NULL}. */
struct ctl_method {
	const char *name;	/**< e.g. "port.add" */
	ctl_method_fn *fn;	/**< called on the thread that runs ctl_server_poll() */
};

/**
 * Create a server listening on the unix socket @p path.
 *
 * A file already at @p path is removed only when it is a socket that nobody
 * answers on (a stale socket of a dead server).
 *
 * @param path     socket path (shorter than sizeof(sun_path)).
 * @param mode     permissions of the socket file (e.g. 0660).
 * @param methods  method table, ending with {NULL, NULL}; must outlive the
 *                 server.
 * @param ctx      passed to every method.
 * @return the server, or NULL with errno set to:
 *         - EINVAL: @p path or @p methods is NULL, or @p path is empty;
 *         - ENAMETOOLONG: @p path does not fit in sun_path;
 *         - EADDRINUSE: a live server answers on @p path;
 *         - EEXIST: @p path exists and is not a socket;
 *         - ENOMEM: out of memory;
 *         - any errno of socket(), bind(), chmod() or listen() (e.g. EACCES).
 */
struct ctl_server *ctl_server_create(const char *path, mode_t mode,
				     const struct ctl_method *methods, void *ctx);

/**
 * Close every client and the listening socket, and unlink the socket file
 * (only if it is still the one this server created). NULL is accepted.
 */
void ctl_server_destroy(struct ctl_server *srv);

/**
 * Run one event-loop iteration: poll() the listening socket and the clients
 * for up to @p timeout_ms (-1 waits forever, 0 does not wait), accept new
 * clients, read, dispatch every complete request and queue and send the
 * responses. All fds are non-blocking; a slow client never blocks the loop.
 *
 * Protocol errors are answered per JSON-RPC 2.0 (-32700, -32600, -32601);
 * notifications (no "id") get no response; batches are supported. A message
 * over CTL_MAX_MSG_SIZE is answered with -32600 "request too large" and its
 * client is closed.
 *
 * @return the number of requests handled (each batch element counts, and so
 *         does every message answered with a protocol error); 0 on timeout
 *         or when poll() was interrupted by a signal; or
 *         - -EINVAL: @p srv is NULL;
 *         - -errno of poll() (e.g. -ENOMEM).
 */
int ctl_server_poll(struct ctl_server *srv, int timeout_ms);

/**
 * Call @p method on the server at @p path and wait for its response.
 *
 * @param path        socket path of the server.
 * @param method      method name.
 * @param params      object or array, or NULL for none; the reference is
 *                    stolen on every path, including errors.
 * @param timeout_ms  total time allowed for connect, send and receive;
 *                    negative waits forever.
 * @param result      on success, a new reference to the response's
 *                    "result" (JSON null when the method returned none).
 * @param err         on failure, a one-line reason.
 * @param errlen      size of @p err.
 * @return 0, or
 *         - -EINVAL: a NULL argument, or @p params is not an object/array;
 *         - -ENOENT, -ECONNREFUSED: nobody listens at @p path (err says
 *           "cannot connect to <path>: ... (is edgeplane-vswitchd running?)");
 *         - -ENAMETOOLONG: @p path does not fit in sun_path;
 *         - -ETIMEDOUT: no complete response within @p timeout_ms;
 *         - -EIO: the server closed early, sent a malformed response, or
 *           answered with an error that carries no errno (e.g. -32601);
 *         - -E<n>: the server's method failed with -E<n> (from
 *           error.data.errno_value); err is the server's message;
 *         - -ENOMEM, or another -errno of socket(), connect(), send(), recv().
 */
int ctl_client_call(const char *path, const char *method, json_t *params, int timeout_ms,
		    json_t **result, char *err, size_t errlen);

/**
 * Load the JSON document at @p path.
 *
 * @return a new reference to the document (an object or array), or NULL with
 *         errno set to:
 *         - ENOENT: the file does not exist;
 *         - EINVAL: the file is malformed (err is "<path>:<line>:<column>:
 *           <text>"), or @p path is NULL;
 *         - another errno of open()/read() (e.g. EACCES, EISDIR).
 */
json_t *ctl_db_load(const char *path, char *err, size_t errlen);

/**
 * Save @p doc to @p path atomically: write "<path>.tmp.<pid>" in the same
 * directory with mode 0640, fsync it, rename it over @p path, and fsync the
 * directory. Readers see either the old or the new file, never a mix; the
 * temp file is removed on failure.
 *
 * @return 0, or
 *         - -EINVAL: @p path or @p doc is NULL, or @p doc cannot be dumped;
 *         - -ENAMETOOLONG: the temp file name would be too long;
 *         - -ENOMEM: out of memory;
 *         - another -errno of open(), write(), fsync() or rename() (e.g.
 *           -EACCES, -ENOSPC, -ENOENT when the directory is missing).
 */
int ctl_db_save(const char *path, const json_t *doc, char *err, size_t errlen);

/** An edgeplane-ctl command turned into a JSON-RPC call. */
struct ctl_request {
	const char *command;	/**< the command word, borrowed from argv[0] */
	char method[64];	/**< JSON-RPC method, e.g. "port.add" */
	json_t *params;		/**< owned; NULL for a "call" without params */
};

/**
 * Parse an edgeplane-ctl command line. argv[0] is the COMMAND (options have
 * already been stripped), the rest are positional names and key=value
 * arguments, in any order. See docs/rpc.md and ctl_cmd_usage().
 *
 * @return 0 with @p req filled (free it with ctl_request_free()), or
 *         -EINVAL with one clear line in @p err naming the offending command,
 *         key or value (unknown command, unknown or repeated key, bad value,
 *         bad name, missing or extra argument, missing or conflicting key).
 *         On error @p req needs no freeing, but freeing it is harmless.
 */
int ctl_cmd_parse(int argc, char **argv, struct ctl_request *req, char *err, size_t errlen);

/**
 * Print @p result of @p req to @p out: a table for people, or with
 * @p as_json the result indented as JSON. Methods that change state and
 * return {} print nothing; results of an unexpected shape, and every result
 * of the "call" command, are printed as JSON.
 */
void ctl_cmd_print(const struct ctl_request *req, const json_t *result, bool as_json, FILE *out);

/** Print the list of commands and their arguments (for --help). */
void ctl_cmd_usage(FILE *out);

/** Release what ctl_cmd_parse() allocated. NULL is accepted. */
void ctl_request_free(struct ctl_request *req);

/*
 * edgeplane-agent commands (ctl_agent.c): one HTTP request to the agent at
 * @p path: "unix:PATH", "tcp:HOST:PORT" or a plain unix socket path. The
 * deadline @p timeout_ms covers the connect too. Status >= 400 gives -ENOENT
 * (404), -EEXIST (409), -EPERM (401) or -EIO, with the agent's message in
 * err; *status is the HTTP status and *result holds the body (JSON, or a
 * JSON string for text bodies) or NULL, on errors too.
 */
int ctl_agent_request(const char *path, const char *token, const char *method, const char *url,
		      const char *body, int timeout_ms, int *status, json_t **result, char *err,
		      size_t errlen);
/**
 * Split "HOST:PORT" (or "[V6ADDR]:PORT") into @p host and @p port (pointing
 * into @p hostport). @return 0, or -EINVAL (no colon, empty part, host too long).
 */
int ctl_hostport_split(const char *hostport, char *host, size_t hsize, const char **port);
/** True if @p cmd is one of the agent commands. */
bool ctl_agent_command(const char *cmd);
/** Usage lines of the agent commands. */
void ctl_agent_usage(FILE *out);
/** Run an agent command (argv[0] is the command). 0, -EINVAL (usage) or -errno. */
int ctl_agent_main(int argc, char **argv, const char *socket_path, const char *token_file,
		   bool as_json, int timeout_ms, FILE *out, char *err, size_t errlen);

#endif /* CTL_H */
