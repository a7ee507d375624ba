#!/usr/bin/env bash
# Runs Warden for the composite action (action.yml) and records the outcome as step outputs.
# It never fails the step itself: the action uploads SARIF first and gates afterwards, so the
# alerts reach code scanning even when the job is going to fail.
#
# Environment (set by action.yml from its inputs):
#   WARDEN_COMMAND scan|audit   WARDEN_PATH   WARDEN_FAIL_ON   WARDEN_POLICY   WARDEN_ARGS   WARDEN_SARIF
#   WARDEN_BIN     optional: the command that runs Warden (default: build this checkout of Warden
#                  once and run bin/warden.js; tests point it at the TypeScript sources)
#   GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: provided by the runner.
set -uo pipefail

command="${WARDEN_COMMAND:-scan}"
case "$command" in
  scan|audit) ;;
  *) echo "::error title=Warden::input 'command' must be scan or audit, got '$command'"; echo "exit-code=2" >>"$GITHUB_OUTPUT"; exit 0 ;;
esac
target="${WARDEN_PATH:-.}"
sarif="${WARDEN_SARIF:-warden.sarif}"
action_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"

if [ -n "${WARDEN_BIN:-}" ]; then
  read -r -a warden <<<"$WARDEN_BIN"
else
  # The action lives in integrations/github of the Warden repository; build that checkout once.
  root="$(cd "$action_dir/../.." && pwd)"
  if [ ! -f "$root/dist/cli/main.js" ]; then
    echo "::group::Building Warden"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent) || {
      echo "::error title=Warden::could not build Warden from $root"
      echo "exit-code=2" >>"$GITHUB_OUTPUT"
      exit 0
    }
    echo "::endgroup::"
  fi
  warden=(node "$root/bin/warden.js")
fi

args=("$command" "$target" --format sarif --output "$sarif")
[ -n "${WARDEN_FAIL_ON:-}" ] && args+=(--fail-on "$WARDEN_FAIL_ON")
[ -n "${WARDEN_POLICY:-}" ] && args+=(--policy "$WARDEN_POLICY")
if [ -n "${WARDEN_ARGS:-}" ]; then
  # Split on whitespace honouring quotes (xargs rules); never evaluated, never globbed.
  mapfile -d '' extra < <(printf '%s' "$WARDEN_ARGS" | xargs printf '%s\0')
  args+=("${extra[@]}")
fi

mkdir -p "$(dirname "$sarif")"
echo "warden ${args[*]}"
"${warden[@]}" "${args[@]}"
code=$?

written=false
findings=0
if [ -f "$sarif" ]; then
  written=true
  # Count results per level from the SARIF itself; no second scan for the summary.
  summary="$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    // Results suppressed by the policy (SARIF `suppressions`) are shown as dismissed, not counted.
    const results = (r.runs || []).flatMap((run) => run.results || [])
      .filter((x) => !(x.suppressions || []).some((s) => s.status !== "rejected"));
    const by = {};
    for (const x of results) by[x.level || "warning"] = (by[x.level || "warning"] || 0) + 1;
    console.log(results.length);
    console.log(Object.entries(by).map(([k, v]) => `${v} ${k}`).join(", ") || "none");
  ' "$sarif")" || summary=$'0\nunreadable SARIF'
  findings="$(printf '%s\n' "$summary" | sed -n 1p)"
  levels="$(printf '%s\n' "$summary" | sed -n 2p)"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
      echo "### Warden $command"
      echo
      echo "| Exit code | Findings | By level |"
      echo "| --- | --- | --- |"
      echo "| $code | $findings | $levels |"
    } >>"$GITHUB_STEP_SUMMARY"
  fi
fi

{
  echo "exit-code=$code"
  echo "sarif-file=$sarif"
  echo "sarif-written=$written"
  echo "findings=$findings"
} >>"$GITHUB_OUTPUT"
exit 0
