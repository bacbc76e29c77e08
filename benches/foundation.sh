#!/usr/bin/env bash
# Figures for the foundation: demo generation time and disk size, the overdue query, and
# single-command write latency. Usage: benches/foundation.sh [SCALE]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-100000}
cargo build --release --quiet
bin=target/release/xuncha
dir=$(mktemp -d)
export XUNCHA_DATA_DIR=$dir/data XUNCHA_CONFIG_DIR=$dir/config XUNCHA_NOW=2026-11-22T09:00:00+08:00
trap 'rm -rf "$dir"' EXIT

echo "== demo --scale $scale"
/usr/bin/time -f "wall %e s, max RSS %M KB" $bin demo --scale "$scale"
echo "disk: $(du -sh "$XUNCHA_DATA_DIR" | cut -f1)  ($(du -sb "$XUNCHA_DATA_DIR" | cut -f1) bytes)"

echo "== finding list --status overdue --json (3 runs)"
for _ in 1 2 3; do
  /usr/bin/time -f "wall %e s, max RSS %M KB" $bin finding list --status overdue --json > "$dir/overdue.json"
done
echo "overdue findings: $(grep -c '"id"' "$dir/overdue.json")"

echo "== finding list --json (all)"
/usr/bin/time -f "wall %e s, max RSS %M KB" $bin finding list --json > /dev/null

echo "== one confirmed write (finding add, flushed) x 20"
insp=$($bin inspection start --facility 测试医院 --mode self --inspector 测试 --line fire)
start=$(date +%s.%N)
for i in $(seq 20); do $bin finding add --inspection "$insp" --line fire --description "测试隐患$i" > /dev/null; done
end=$(date +%s.%N)
echo "mean per command (process start, open, append, flush): $(echo "($end - $start) / 20 * 1000" | bc -l | cut -c1-6) ms"

echo "== doctor (verify every signature and chain link, compare views)"
/usr/bin/time -f "wall %e s, max RSS %M KB" $bin doctor
