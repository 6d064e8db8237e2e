#!/usr/bin/env bash
# The scoring step of action.yml, a script of its own so that the tests run it as the
# Action does. Inputs arrive as DESIGNKIT_* environment variables (never spliced into
# the script; DESIGNKIT is the command to run), results leave through $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY.
set -euo pipefail

out="${DESIGNKIT_OUTPUT_DIR:-designkit-reports}"
mkdir -p "$out"
summary="$out/designkit.md"

declare -A extension=(
  [sarif]=sarif [junit]=xml [json]=json [html]=html [markdown]=md
  [summary]=summary.md [text]=txt [github]=annotations.txt
)

# Paths: names or globs separated by spaces or new lines; ** crosses folders.
shopt -s globstar nullglob
files=()
declare -A seen=()
read -r -d '' -a patterns <<<"${DESIGNKIT_PATHS:-designs/**/*.md}" || true
for pattern in "${patterns[@]}"; do
  # shellcheck disable=SC2206  # the pattern is meant to expand as a glob
  matches=($pattern)
  for file in "${matches[@]}"; do
    if [[ -f "$file" && -z "${seen[$file]:-}" ]]; then
      seen[$file]=1
      files+=("$file")
    fi
  done
done

write_outputs() {
  {
    echo "exit-code=$1"
    echo "sarif-file=$2"
    echo "summary-file=$summary"
  } >>"${GITHUB_OUTPUT:-/dev/null}"
}

if [[ ${#files[@]} -eq 0 ]]; then
  echo "designkit: no file matches the paths input (${patterns[*]:-nothing given}); nothing scored"
  echo "designkit: no design document matched \`${patterns[*]:-}\`." >"$summary"
  cat "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
  write_outputs 0 ""
  exit 0
fi

args=(score --skip-non-designs --format markdown --output "$summary")
[[ -n "${DESIGNKIT_RUBRIC:-}" ]] && args+=(--rubric "$DESIGNKIT_RUBRIC")
[[ -n "${DESIGNKIT_FAIL_UNDER:-}" ]] && args+=(--fail-under "$DESIGNKIT_FAIL_UNDER")
fail_on="${DESIGNKIT_FAIL_ON:-revisions}"
case "$fail_on" in
  revisions | conditions) args+=(--fail-on "$fail_on") ;;
  never) ;;
  *)
    echo "designkit: fail-on must be revisions, conditions or never, not '$fail_on'" >&2
    write_outputs 2 ""
    exit 0
    ;;
esac

baseline="${DESIGNKIT_BASELINE_REF-auto}"
if [[ "$baseline" == auto ]]; then
  baseline=""
  if [[ -n "${GITHUB_BASE_REF:-}" ]]; then
    if git rev-parse --verify --quiet "origin/$GITHUB_BASE_REF^{commit}" >/dev/null; then
      baseline="origin/$GITHUB_BASE_REF"
    else
      echo "designkit: origin/$GITHUB_BASE_REF is not fetched (actions/checkout needs fetch-depth: 0); scoring without comparison"
    fi
  fi
fi
[[ -n "$baseline" ]] && args+=(--baseline-ref "$baseline")

sarif=""
for name in ${DESIGNKIT_FORMATS//,/ }; do
  if [[ -z "${extension[$name]:-}" ]]; then
    echo "designkit: unknown format '$name' (sarif, junit, json, html, markdown, summary, text, github)" >&2
    write_outputs 2 ""
    exit 0
  fi
  [[ "$name" == markdown ]] && continue # the summary is already Markdown
  args+=(--report "$name=$out/designkit.${extension[$name]}")
  [[ "$name" == sarif ]] && sarif="$out/designkit.sarif"
done

set +e
"${DESIGNKIT:-designkit}" "${args[@]}" -- "${files[@]}"
status=$?
set -e

if [[ -f "$out/designkit.annotations.txt" ]]; then
  cat "$out/designkit.annotations.txt" # designkit's own annotations, escaped by designkit
fi
if [[ ! -s "$summary" ]]; then
  echo "designkit: no integration design among the ${#files[@]} matching file(s)." >"$summary"
fi
cat "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
[[ -f "$sarif" ]] || sarif=""
if [[ "$fail_on" == never && $status -eq 1 ]]; then
  status=0
fi
write_outputs "$status" "$sarif"
