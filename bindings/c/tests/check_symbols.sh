#!/usr/bin/env bash
# Every edgetok_* function declared in the header is exported by every library variant, and
# nothing else named edgetok_* is exported.
set -euo pipefail
header=$1; libdir=$2
declared=$(grep -oE '\bedgetok_[a-z0-9_]+[[:space:]]*\(' "$header" | sed -E 's/[[:space:]]*\($//' | sort -u)
status=0
while IFS= read -r lib; do
  exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep -E '^edgetok_' | sort -u)
  if [ "$declared" != "$exported" ]; then
    echo "MISMATCH in $lib"; diff <(echo "$declared") <(echo "$exported") || true; status=1
  else
    echo "$lib: $(echo "$exported" | wc -l) symbols match the header"
  fi
done < <(find "$libdir" -name libedgetok.so)
exit $status
