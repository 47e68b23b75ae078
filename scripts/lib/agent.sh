# SPDX-License-Identifier: BSD-3-Clause
# edgeplane-agent helpers for scripts and tests. Source after common.sh.
#
#   ep_agent_start SOCK AGENT-ARGS...   start the agent listening on unix:SOCK (environment
#                                       for it in EP_AGENT_ENV, e.g. "A=1 B=2"); waits until it
#                                       answers; sets EP_AGENT_PID and EP_AGENT_SOCK; its
#                                       log is $EP_TMP/agent.log (or $EP_AGENT_LOG)
#   ep_agent_api METHOD PATH [BODY]     one REST call; sets CODE (HTTP status) and BODY
#                                       (bearer token from EP_AGENT_TOKEN when set;
#                                       EP_AGENT_TIMEOUT seconds, default 120)

EP_AGENT=$EP_BUILD/nfvi-agent/edgeplane-agent

ep_agent_start() {
	local sock=$1 i log=${EP_AGENT_LOG:-$EP_TMP/agent.log}; shift
	EP_AGENT_SOCK=$sock
	# shellcheck disable=SC2086 # EP_AGENT_ENV is a list of VAR=VALUE words
	ep_spawn "$log" env ${EP_AGENT_ENV:-} "$EP_AGENT" --listen "unix:$sock" "$@"
	EP_AGENT_PID=$EP_LAST_PID
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null --max-time 1 --unix-socket "$sock" http://agent/metrics && return 0
		kill -0 "$EP_AGENT_PID" 2>/dev/null ||
			{ echo "agent exited: $(cat "$log")" >&2; return 1; }
		sleep 0.1
	done
	echo "agent did not answer on $sock" >&2
	return 1
}

ep_agent_api() {
	local args=(-s --max-time "${EP_AGENT_TIMEOUT:-120}" --unix-socket "$EP_AGENT_SOCK" -X "$1"
		-o "$EP_TMP/agent.resp" -w '%{http_code}')
	[ -n "${EP_AGENT_TOKEN:-}" ] && args+=(-H "Authorization: Bearer $EP_AGENT_TOKEN")
	[ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	CODE=$(curl "${args[@]}" "http://agent$2") || true
	BODY=$(cat "$EP_TMP/agent.resp" 2>/dev/null)
}
