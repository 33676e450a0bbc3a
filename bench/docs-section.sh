#!/usr/bin/env bash
# Replaces the generated section NAME of a Markdown file (between "<!-- NAME:begin" and
# "<!-- NAME:end -->") by the content of SNIPPET (which carries the markers itself); appends it
# when the file has no such section yet. The hand-written text around it stays as it is.
#   bench/docs-section.sh FILE NAME SNIPPET
set -euo pipefail
file=$1 name=$2 snippet=$3
if [ -f "$file" ] && grep -q "^<!-- $name:begin" "$file"; then
  awk -v name="$name" -v snip="$snippet" '
    $0 ~ "^<!-- " name ":begin" { while ((getline l < snip) > 0) print l; skip = 1; next }
    skip && $0 ~ "^<!-- " name ":end -->" { skip = 0; next }
    !skip { print }' "$file" >"$file.tmp"
  mv "$file.tmp" "$file"
else
  { [ -f "$file" ] && echo; cat "$snippet"; } >>"$file"
fi
