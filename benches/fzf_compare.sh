#!/usr/bin/env bash
# Side by side on the same 100,000 findings: `xuncha search Q --limit 20` (a whole process:
# open the store, build the index over items and all finding fields, rank) against
# `fzf --filter Q` over a file of the finding descriptions only.
#
#   benches/fzf_compare.sh                 # SCALE=100000, WORK=a temp dir
#   WORK=/tmp/fzfcmp benches/fzf_compare.sh   # reuse the demo store between runs
#
# Needs fzf and, for timing, hyperfine (apt-get install -y fzf hyperfine); falls back to a
# loop of 10 runs without hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-100000}
WORK=${WORK:-$(mktemp -d)}
RUNS=${RUNS:-10}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release --quiet
BIN="$TARGET/release/xuncha"
export XUNCHA_DATA_DIR="$WORK/data" XUNCHA_CONFIG_DIR="$WORK/config"
export XUNCHA_NOW=2026-11-20T10:00:00+08:00
mkdir -p "$XUNCHA_CONFIG_DIR"

if [ ! -d "$XUNCHA_DATA_DIR/db" ]; then
  "$BIN" demo --scale "$SCALE"
fi
DESC="$WORK/descriptions.txt"
if [ ! -s "$DESC" ]; then
  "$BIN" --json finding list | jq -r '.[].description' > "$DESC"
fi
echo "findings: $(wc -l < "$DESC") descriptions in $DESC"
echo "where xuncha's time goes (XUNCHA_TIMINGS=1):"
XUNCHA_TIMINGS=1 "$BIN" search 灭火器 --limit 20 > /dev/null

QUERIES=(灭火器 配电室 防火门 消防通道 mhq pds miehuoqi)
for q in "${QUERIES[@]}"; do
  echo
  echo "== query: $q   (xuncha hits: $("$BIN" search "$q" --limit 20 --json | jq length)," \
       "fzf matches: $(fzf --filter "$q" < "$DESC" | wc -l))"
  if command -v hyperfine > /dev/null; then
    hyperfine -i --warmup 2 --runs "$RUNS" --style basic \
      -n xuncha "'$BIN' search '$q' --limit 20 > /dev/null" \
      -n fzf "fzf --filter '$q' < '$DESC' > /dev/null" 2>&1 |
      grep -E "Time|±|faster|slower|xuncha|fzf" || true
  else
    for tool in xuncha fzf; do
      start=$(date +%s%N)
      for _ in $(seq "$RUNS"); do
        if [ $tool = xuncha ]; then "$BIN" search "$q" --limit 20 > /dev/null
        else fzf --filter "$q" < "$DESC" > /dev/null; fi
      done
      echo "$tool: $(( ($(date +%s%N) - start) / RUNS / 1000000 )) ms per run"
    done
  fi
done
