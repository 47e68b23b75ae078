/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * edgeplane-ctl.c: the command-line client of edgeplane-vswitchd and
 * edgeplane-agent.
 *
 * Parses the options and the command, sends one JSON-RPC request over the
 * switch's unix socket (or one HTTP request over the agent's, for the agent
 * commands) and prints the result (tables, or --json). Every
 * failure is one line "edgeplane-ctl: <reason>" on stderr, with exit status
 * 2 for usage errors and 1 for everything else, so scripts can tell a typo
 * from a refused change.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define EXIT_USAGE 2
#define DEFAULT_RUNDIR "/run/edgeplane"
#define DEFAULT_TIMEOUT_S 10
#define MAX_TIMEOUT_S 86400

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: edgeplane-ctl [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Options (before COMMAND):\n"
		"  --rundir DIR    talk to DIR/vswitchd.sock (default: $EDGEPLANE_RUNDIR,\n"
		"                  else " DEFAULT_RUNDIR ")\n"
		"  --socket PATH   talk to the socket PATH (instead of --rundir)\n"
		"  --json          print results as JSON\n"
		"  --timeout SEC   give up after SEC seconds (default %d)\n"
		"  --agent ADDR    the agent: a socket PATH, unix:PATH or tcp:HOST:PORT\n"
		"                  (default: $EDGEPLANE_RUNDIR/agent.sock,\n"
		"                  else " DEFAULT_RUNDIR "/agent.sock)\n"
		"  --token-file F  bearer token for the agent (first line of F)\n"
		"  -h, --help      print this help\n"
		"\n"
		"Commands:\n", DEFAULT_TIMEOUT_S);
	ctl_cmd_usage(out);
	fprintf(out, "\nAgent commands:\n");
	ctl_agent_usage(out);
	fprintf(out,
		"\n"
		"Names (BR, PORT) are 1..%d characters of A-Z a-z 0-9 _ . - and do not\n"
		"start with '-' or '.'. Exit status: 0 success, 1 error, 2 usage error.\n",
		CTL_NAME_MAX);
}

static int
fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("edgeplane-ctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* The value of option argv[*i] ("--opt VALUE" or "--opt=VALUE"), or NULL. */
static const char *
option_value(int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, len) != 0)
		return NULL;
	if (arg[len] == '=')
		return arg + len + 1;
	if (arg[len] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		return "";	/* reported as an empty value below */
	return argv[++*i];
}

int
main(int argc, char **argv)
{
	const char *rundir = NULL, *socket_path = NULL, *timeout_arg = NULL, *v = NULL;
	const char *agent_path = NULL, *token_file = NULL;
	char path[PATH_MAX], err[512];
	struct ctl_request req;
	json_t *result = NULL;
	bool as_json = false;
	long timeout_s = DEFAULT_TIMEOUT_S;
	char *end;
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			usage(stdout);
			return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
		}
		if (strcmp(arg, "--json") == 0) {
			as_json = true;
		} else if ((v = option_value(argc, argv, &i, "--rundir")) != NULL) {
			rundir = v;
		} else if ((v = option_value(argc, argv, &i, "--socket")) != NULL) {
			socket_path = v;
		} else if ((v = option_value(argc, argv, &i, "--timeout")) != NULL) {
			timeout_arg = v;
		} else if ((v = option_value(argc, argv, &i, "--agent")) != NULL) {
			agent_path = v;
		} else if ((v = option_value(argc, argv, &i, "--token-file")) != NULL) {
			token_file = v;
		} else {
			return fail(EXIT_USAGE, "unknown option '%s' (try --help)", arg);
		}
		if (v != NULL && *v == '\0')
			return fail(EXIT_USAGE, "option '%s' needs a value", arg);
		v = NULL;
	}
	if (rundir != NULL && socket_path != NULL)
		return fail(EXIT_USAGE, "--rundir and --socket are mutually exclusive");
	if (timeout_arg != NULL) {
		errno = 0;
		timeout_s = strtol(timeout_arg, &end, 10);
		if (errno != 0 || *end != '\0' || end == timeout_arg || timeout_s < 1 ||
		    timeout_s > MAX_TIMEOUT_S)
			return fail(EXIT_USAGE, "bad --timeout '%s' (expected 1..%d seconds)",
				    timeout_arg, MAX_TIMEOUT_S);
	}
	if (i >= argc)
		return fail(EXIT_USAGE, "missing command (try --help)");

	if (ctl_agent_command(argv[i])) {
		if (agent_path == NULL) {
			if (rundir == NULL)
				rundir = getenv("EDGEPLANE_RUNDIR");
			if (rundir == NULL || *rundir == '\0')
				rundir = DEFAULT_RUNDIR;
			ret = snprintf(path, sizeof(path), "%s/agent.sock", rundir);
			if (ret < 0 || (size_t)ret >= sizeof(path))
				return fail(EXIT_USAGE, "run directory too long: %s", rundir);
			agent_path = path;
		}
		ret = ctl_agent_main(argc - i, argv + i, agent_path, token_file, as_json,
				     (int)timeout_s * 1000, stdout, err, sizeof(err));
		if (ret < 0)
			return fail(ret == -EINVAL ? EXIT_USAGE : EXIT_FAILURE, "%s", err);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	ret = ctl_cmd_parse(argc - i, argv + i, &req, err, sizeof(err));
	if (ret < 0)
		return fail(ret == -EINVAL ? EXIT_USAGE : EXIT_FAILURE, "%s", err);

	if (socket_path == NULL) {
		if (rundir == NULL)
			rundir = getenv("EDGEPLANE_RUNDIR");
		if (rundir == NULL || *rundir == '\0')
			rundir = DEFAULT_RUNDIR;
		ret = snprintf(path, sizeof(path), "%s/vswitchd.sock", rundir);
		if (ret < 0 || (size_t)ret >= sizeof(path)) {
			ctl_request_free(&req);
			return fail(EXIT_USAGE, "run directory too long: %s", rundir);
		}
		socket_path = path;
	}

	/* The call steals params; the request keeps its method name for printing. */
	ret = ctl_client_call(socket_path, req.method, req.params, (int)timeout_s * 1000, &result,
			      err, sizeof(err));
	req.params = NULL;
	if (ret < 0) {
		ctl_request_free(&req);
		return fail(EXIT_FAILURE, "%s", err);
	}
	ctl_cmd_print(&req, result, as_json, stdout);
	json_decref(result);
	ctl_request_free(&req);
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(EXIT_FAILURE, "write error: %s", strerror(errno));
	return EXIT_SUCCESS;
}
