#!/usr/bin/env bash
# Runs Warden in a GitLab CI job (see warden.gitlab-ci.yml): SARIF for the record, a GitLab SAST
# report for merge requests, and Warden's exit code as the job's (0 clean, 1 findings, 2 error).
#
# Environment: WARDEN_COMMAND (scan|audit), WARDEN_PATH, WARDEN_FAIL_ON, WARDEN_POLICY, WARDEN_ARGS,
# WARDEN_HOME (this Warden checkout), WARDEN_BIN (optional command that runs Warden).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${WARDEN_HOME:-$(cd "$here/../.." && pwd)}"
command="${WARDEN_COMMAND:-scan}"
case "$command" in
  scan|audit) ;;
  *) echo "WARDEN_COMMAND must be scan or audit, got '$command'" >&2; exit 2 ;;
esac

if [ -n "${WARDEN_BIN:-}" ]; then
  read -r -a warden <<<"$WARDEN_BIN"
else
  warden=(node "$home/bin/warden.js")
fi

args=("$command" "${WARDEN_PATH:-.}" --format sarif --output warden.sarif)
[ -n "${WARDEN_FAIL_ON:-}" ] && args+=(--fail-on "$WARDEN_FAIL_ON")
[ -n "${WARDEN_POLICY:-}" ] && args+=(--policy "$WARDEN_POLICY")
if [ -n "${WARDEN_ARGS:-}" ]; then
  # Split honouring quotes (xargs rules); never evaluated, never globbed.
  mapfile -d '' extra < <(printf '%s' "$WARDEN_ARGS" | xargs printf '%s\0')
  args+=("${extra[@]}")
fi

echo "warden ${args[*]}"
"${warden[@]}" "${args[@]}"
code=$?
if [ -f warden.sarif ]; then
  node "$here/sarif-to-gitlab.mjs" warden.sarif gl-sast-report.json || code=2
fi
exit "$code"
