#!/usr/bin/env bash
# Office scale (issue 14): every row of the issue's table at 100,000 hazards, each beside its
# reference measured in the same run.
#
#   benches/office.sh                      # SCALE=100000 hazards, SYNC_SCALE=17400 (≈100k events)
#   SCALE=20000 benches/office.sh          # a quicker, smaller run
#   FRESH=1 benches/office.sh              # rebuild the cached 100k store
#   OFFICE_CACHE=DIR benches/office.sh     # keep the cached store in DIR (default TARGET/office-bench)
#
# The 100k store is made once with `xuncha demo --scale $SCALE` and kept in
# target/office-bench/<scale>-<key>/, where <key> is a hash of the files that decide how data
# sits in the store (event codec, views, event kinds, the demo generator), so a change of format
# there makes a new one; FRESH=1 forces it after any other such change. Rows that write
# (finding add) add a few hazards to it on every run. References:
#   - bare sled: the store's exact event bytes copied into a bare sled tree (benches/office.rs bare);
#   - fzf --filter over a file of the same descriptions (skipped with a message if fzf is missing;
#     `apt-get install -y fzf`);
#   - ed25519: one signature check per imported event, on every core;
#   - fsync: write 1 KB and fsync it, beside finding add and the TUI's confirmed save;
#   - RSS: /usr/bin/time -v ("Maximum resident set size") of each whole process.
# Figures vary ±30 % with machine load: compare the ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-100000}
SYNC_SCALE=${SYNC_SCALE:-17400}
RUNS=${RUNS:-5}
TARGET=${CARGO_TARGET_DIR:-target}
export XUNCHA_NOW=${XUNCHA_NOW:-2026-11-22T09:00:00+08:00}

echo "== building (release)"
# The binary and the bench in one build: built apart, the bench's dev-dependencies unify other
# features of shared crates, and the library would be compiled twice.
cargo build --release --quiet --bin xuncha --bench office
BIN="$TARGET/release/xuncha"
# The release profile (not `cargo bench`'s) so the library is compiled once for both.
BENCH=$(cargo build --release --bench office --message-format=json 2>/dev/null |
  jq -r 'select(.executable != null and .target.name == "office") | .executable' | tail -1)
[ -x "$BENCH" ] || { echo "could not build benches/office.rs"; exit 1; }

key=$(cat src/store/codec.rs src/store/views.rs src/store/models.rs src/domain/event.rs src/ops/demo.rs | sha256sum | cut -c1-12)
# OFFICE_CACHE puts the cached store elsewhere (a target dir shared by several checkouts
# would otherwise have each run delete the other's store).
CACHE=${OFFICE_CACHE:-$TARGET/office-bench}
BIG="$CACHE/$SCALE-$key"
RUN="$CACHE/run"
if [ "${FRESH:-0}" = 1 ]; then rm -rf "$BIG"; fi
rm -rf "$RUN"
mkdir -p "$CACHE" "$RUN/config"
# Old caches (other code, other scales) take a GB each.
find "$CACHE" -mindepth 1 -maxdepth 1 -type d ! -path "$BIG" ! -path "$RUN" -exec rm -rf {} +

# Runs a whole command; prints "SECONDS RSS_KB" to fd 3's file and its output to /dev/null.
measure() { # measure OUTFILE cmd...
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$out.time" "$@" > "$out" 2> "$out.err" || {
    echo "FAILED: $*"; cat "$out.err"; return 1; }
  cat "$out.time"
}
secs() { cut -d' ' -f1 <<< "$1"; }
rss_mb() { awk '{printf "%.0f", $2/1024}' <<< "$1"; }
ms_of() { awk -v s="$1" 'BEGIN{printf "%.0f", s*1000}'; }
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

export XUNCHA_DATA_DIR="$BIG/data" XUNCHA_CONFIG_DIR="$RUN/config"
if [ ! -e "$BIG/complete" ]; then
  rm -rf "$BIG"; mkdir -p "$BIG"
  echo "== making the $SCALE-hazard store (once per store format): xuncha demo --scale $SCALE"
  t=$(measure "$RUN/demo" "$BIN" demo --scale "$SCALE")
  n=$("$BENCH" open "$BIG/data" "$RUN/config" /nonexistent 2>/dev/null | sed -n 's/.*store holds \([0-9]*\).*/\1/p')
  echo "$t $n" > "$BIG/demo.time"
  "$BIN" inspection start --facility 性能测试医院 --mode self --inspector 测试 --line fire > "$BIG/inspection"
  touch "$BIG/complete"
fi
INSP=$(cat "$BIG/inspection")
read -r demo_s demo_rss demo_events < "$BIG/demo.time"

echo "== reference: the same event bytes in a bare sled tree"
BARE_OUT=$("$BENCH" bare "$BIG/data" "$RUN/bare")
echo "$BARE_OUT"
EVENTS=$(sed -n 's/^bare sled: \([0-9]*\) events.*/\1/p' <<< "$BARE_OUT")
BARE_BPE=$(sed -n 's/.*on disk \([0-9]*\) B per event.*/\1/p' <<< "$BARE_OUT")
BARE_RATE=$(sed -n 's/.* = \([0-9]*\) events\/s.*/\1/p' <<< "$BARE_OUT")
DIR_BYTES=$(du -sb "$BIG/data" | cut -f1)
echo "== where the data dir's bytes go (key+value bytes of each tree, per event)"
"$BENCH" trees "$BIG/data"

echo "== store open, home figures, register (in process)"
OPEN_OUT=$("$BENCH" open "$BIG/data" "$RUN/config" "$RUN/bare")
echo "$OPEN_OUT"

echo "== one confirmed finding add (whole process), $RUNS times, on the big store and on a small one"
SMALL="$RUN/small"
XUNCHA_DATA_DIR=$SMALL "$BIN" inspection start --facility 小库医院 --mode self --inspector 测试 --line fire > "$RUN/small.insp"
add_times() { # DATA INSP -> prints median seconds and max RSS
  local data=$1 insp=$2 i ts=() rss=0 t
  for i in $(seq "$RUNS"); do
    t=$(XUNCHA_DATA_DIR=$data measure "$RUN/add" "$BIN" finding add --inspection "$insp" \
      --description "性能测试：疏散通道堆放杂物$i" --location 三楼)
    ts+=("$(secs "$t")"); rss=$(( $(cut -d' ' -f2 <<< "$t") > rss ? $(cut -d' ' -f2 <<< "$t") : rss ))
    # Each run on stderr, so a peak can be told from the rest.
    echo "  finding add $i on $data: $(secs "$t") s, $(rss_mb "$t") MB" >&2
  done
  echo "$(printf '%s\n' "${ts[@]}" | median) $rss"
}
ADD_BIG=$(add_times "$BIG/data" "$INSP")
ADD_SMALL=$(add_times "$SMALL" "$(cat "$RUN/small.insp")")
FSYNC=$("$BENCH" fsync "$RUN")
echo "== one confirmed save in the TUI (in process: the store open, 30 hazards saved through the form's call)"
SAVE_OUT=$("$BENCH" save "$BIG/data" "$RUN/config" 30)
echo "$SAVE_OUT"

echo "== search 消防通道 (whole process) against fzf --filter over the same descriptions"
DESC="$RUN/descriptions.txt"
"$BENCH" descs "$BIG/data" "$DESC"
search_s=(); fzf_s=()
# The index file (data dir/search.idx) is built by the first search after any change of
# build, which seals it; the timed runs read it through the seal without opening the store
# (src/ops/search_seal.rs). Then one added hazard: the next search catches up.
rm -f "$BIG/data/search.idx"
COLD_T=$(measure "$RUN/search" "$BIN" search 消防通道 --limit 20)
for _ in $(seq "$RUNS"); do
  t=$(measure "$RUN/search" "$BIN" search 消防通道 --limit 20); search_s+=("$(secs "$t")"); SEARCH_T=$t
done
XUNCHA_TIMINGS=1 "$BIN" search 消防通道 --limit 20 2>&1 > /dev/null | sed 's/^/  xuncha: /'
"$BIN" finding add --inspection "$INSP" --description "性能测试：消防通道堆放杂物" --location 一楼 > /dev/null 2>&1
CATCH_T=$(XUNCHA_TIMINGS=1 measure "$RUN/search" "$BIN" search 消防通道 --limit 20)
sed "s/^/  xuncha after one finding add: /" "$RUN/search.err"
SEARCH_MED=$(printf '%s\n' "${search_s[@]}" | median)
if command -v fzf > /dev/null; then
  for _ in $(seq "$RUNS"); do
    t=$(measure "$RUN/fzf" sh -c "fzf --filter 消防通道 < '$DESC'"); fzf_s+=("$(secs "$t")"); FZF_T=$t
  done
  FZF_MED=$(printf '%s\n' "${fzf_s[@]}" | median)
  FZF_ROW="fzf --filter: $(ms_of "$FZF_MED") ms, $(rss_mb "$FZF_T") MB ($(wc -l < "$DESC") descriptions)"
else
  FZF_ROW="fzf not installed: row skipped (apt-get install -y fzf)"
fi

echo "== per keystroke in the index (in process)"
KEYS_OUT=$("$BENCH" keys "$BIG/data")
echo "$KEYS_OUT"

echo "== sync import of ≈100k events into an empty store (whole process) against ed25519 checks"
"$BENCH" mkstore "$RUN/sync-src" "$SYNC_SCALE" | tee "$RUN/mkstore.out"
SYNC_EVENTS=$(sed -n 's/.*findings, \([0-9]*\) events.*/\1/p' "$RUN/mkstore.out")
SMALL_RATE=$(sed -n 's/.* = \([0-9]*\) events\/s.*/\1/p' "$RUN/mkstore.out")
SMALL_BARE=$("$BENCH" bare "$RUN/sync-src" "$RUN/bare-small")
SMALL_BARE_RATE=$(sed -n 's/.* = \([0-9]*\) events\/s.*/\1/p' <<< "$SMALL_BARE")
mkdir -p "$RUN/usb"
EXPORT_T=$(XUNCHA_DATA_DIR=$RUN/sync-src measure "$RUN/export" "$BIN" sync --dir "$RUN/usb")
IMPORT_T=$(XUNCHA_DATA_DIR=$RUN/sync-dst measure "$RUN/import" "$BIN" sync --dir "$RUN/usb")
IMPORTED=$(XUNCHA_DATA_DIR=$RUN/sync-dst "$BENCH" open "$RUN/sync-dst" "$RUN/config" /nonexistent 2>/dev/null |
  sed -n 's/.*store holds \([0-9]*\).*/\1/p')
SIGS=$("$BENCH" sigs "$RUN/sync-src" "$SYNC_EVENTS")
SIG_S=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' <<< "$SIGS")

echo "== XLSX and CSV export of the whole register (whole process)"
XLSX_T=$(measure "$RUN/xlsx.out" "$BIN" export --format xlsx --out "$RUN/ledger.xlsx")
CSV_T=$(measure "$RUN/csv.out" "$BIN" export --format csv --out "$RUN/ledger.csv")

echo "== resident memory of single commands (whole process)"
rss_row() { local name=$1; shift; local t; t=$(measure "$RUN/rss" "$@"); printf '  %-34s %6s MB  %6s ms\n' "$name" "$(rss_mb "$t")" "$(ms_of "$(secs "$t")")"; }
rss_row "finding list (all)" "$BIN" finding list
rss_row "finding list --status overdue" "$BIN" finding list --status overdue
rss_row "search 消防通道 (index file current)" "$BIN" search 消防通道 --limit 20
rss_row "plan status" "$BIN" plan status
rss_row "report" "$BIN" report
rss_row "device" "$BIN" device
rss_row "doctor" "$BIN" doctor

field() { sed -n "s/^$1 *\([0-9.]*\) ms.*/\1/p" <<< "$OPEN_OUT"; }
echo
echo "================ issue 14 at $SCALE hazards ($EVENTS events), $(date -u +%FT%RZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s | %-40s | %s\n' "row" "xuncha now" "reference, same run"
row() { printf '%-44s | %-40s | %s\n' "$@"; }
row "data dir size" "$(awk -v b="$DIR_BYTES" -v n="$EVENTS" 'BEGIN{printf "%.2f GB, %.0f B/event", b/1e9, b/n}')" \
  "bare sled, same event bytes: $BARE_BPE B/event (goal ≤ 1024)"
row "store open" "$(field 'store open (Store::open)') ms" "$(sed -n 's/.*bare sled open of the same event bytes: \([0-9.]*\) ms.*/bare sled open: \1 ms/p' <<< "$OPEN_OUT")"
row "open + home figures" "$(field 'open + home figures') ms (home alone $(field 'home figures (ops::home)') ms)" "goal ≤ 150 ms"
row "register loaded (full list)" "$(field 'register loaded (ops::register_rows)') ms" "goal ≤ 300 ms"
row "register first screen (worker)" "$(field 'register first screen') ms" "goal ≤ 100 ms"
row "register, default view (worker)" "$(field 'register view, default filter') ms" "goal ≤ 300 ms"
row "register, 待整改 by deadline (worker)" "$(field 'register view, 待整改 by deadline') ms" "goal ≤ 300 ms"
row "finding add, whole process (median)" "$(ms_of "$(secs "$ADD_BIG")") ms, $(rss_mb "$ADD_BIG") MB" \
  "small store $(ms_of "$(secs "$ADD_SMALL")") ms, $(rss_mb "$ADD_SMALL") MB; $FSYNC (goal ≤ 50 ms)"
row "confirmed save in the TUI (in process)" "$(sed -n 's/^confirmed save.*: \(median.*max [0-9.]* ms\).*/\1/p' <<< "$SAVE_OUT")" \
  "$(sed -n 's/^write 1 KB/write 1 KB/p' <<< "$SAVE_OUT") (goal ≤ 20 ms)"
row "search 消防通道 --limit 20 (median)" "$(ms_of "$SEARCH_MED") ms, $(rss_mb "$SEARCH_T") MB" "$FZF_ROW"
row "search, first after a change of build (builds the file)" "$(ms_of "$(secs "$COLD_T")") ms, $(rss_mb "$COLD_T") MB" "the same fzf row"
row "search right after one finding add (catch-up)" "$(ms_of "$(secs "$CATCH_T")") ms, $(rss_mb "$CATCH_T") MB" "the same fzf row"
while read -r line; do
  row "$(sed 's/^\(per keystroke, [^:]*\):.*/\1/' <<< "$line")" "$(sed 's/.*: \(median.*max [0-9.]* ms\).*/\1/' <<< "$line")" "goal p99 ≤ 5 ms"
done <<< "$KEYS_OUT"
row "sync import of $IMPORTED events (empty store)" "$(secs "$IMPORT_T") s, $(rss_mb "$IMPORT_T") MB" \
  "ed25519 × $SYNC_EVENTS on all cores: $SIG_S s (goal ≤ 2.0 s); export took $(secs "$EXPORT_T") s"
row "demo write rate ($SYNC_EVENTS events)" "$SMALL_RATE events/s" "bare sled batch insert of the same bytes: $SMALL_BARE_RATE events/s"
row "demo --scale $SCALE (when cached)" \
  "$(awk -v s="$demo_s" -v n="$demo_events" 'BEGIN{printf "%.0f s, %.0f events/s", s, n/s}'), $((demo_rss / 1024)) MB" \
  "bare sled, same bytes: $BARE_RATE events/s (this run)"
row "XLSX export of the register" "$(secs "$XLSX_T") s, $(rss_mb "$XLSX_T") MB" "CSV: $(secs "$CSV_T") s, $(rss_mb "$CSV_T") MB (goal ≤ 3 s, ≤ 100 MB)"
echo "resident memory of every command: the MB figures above and the list under \"resident memory\" (goal ≤ 80 MB)"
