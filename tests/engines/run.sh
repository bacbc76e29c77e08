#!/usr/bin/env bash
# Engine test: xuncha's sync folder carried by real sync engines, as an office sets them up.
#
# - Three Syncthing instances (inspector A, inspector B, the office) on 127.0.0.1 only: global
#   and local discovery, relays, NAT, usage and crash reporting, upgrades all off; GUI/REST on
#   loopback ports; each its own home. One shared folder (send & receive, watcher delay 1 s).
#   Three xuncha data dirs go through it: record, sync at the same moment, crossed edits of one
#   field, a conflict copy made by Syncthing itself, one instance paused and resumed.
# - `rclone serve webdav` on 127.0.0.1 with three more data dirs: `rclone copy` down, sync,
#   `rclone copy` up; crossed edits; the same convergence.
# Every `xuncha sync` must exit 0 (nothing in these steps is wrong), and all devices must end
# with identical finding lists. Each wait has a timeout; the whole run is bounded (TOTAL_LIMIT).
# Every daemon started here is stopped by its recorded PID on exit (trap).
#
# Syncthing's file watcher needs inotify, which a container may not get (the limit of inotify
# instances is per user across the whole host, and CI runs as root): a folder whose watcher failed
# only sees changes at its next rescan. So every wait asks each instance to rescan the folder
# (REST db/scan), as a person would press 「重新扫描」, and the rescan interval is short too.
# ST_WATCH=false runs without the watcher, as on such a machine. When a wait fails, what each
# instance says about the folder, its connections, its errors and its log tail is printed.
#
# Needs syncthing, rclone, curl and jq; as root with apt-get it installs them from Debian.
# XUNCHA_BIN picks the binary (default: target/debug/xuncha, built if missing).
# KEEP=1 keeps the scratch dir for inspection.
set -euo pipefail

T0=$(date +%s)
TOTAL_LIMIT=${TOTAL_LIMIT:-300}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

say() { printf '[engines %3ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() {
  say "FAIL: $*"
  exit 1
}

need=()
for c in syncthing rclone curl jq; do command -v "$c" >/dev/null 2>&1 || need+=("$c"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing from Debian: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    die "missing ${need[*]} (install them, or run as root with apt-get)"
  fi
fi
# Installing is not part of the time the test itself may take.
T0=$(date +%s)

BIN=${XUNCHA_BIN:-$ROOT/target/debug/xuncha}
if [ ! -x "$BIN" ]; then
  say "building xuncha"
  (cd "$ROOT" && cargo build --locked -q)
fi
say "$(syncthing --version | cut -d' ' -f1-2), $(rclone version | head -1), xuncha $BIN"

S=$(mktemp -d "${TMPDIR:-/tmp}/xuncha-engines.XXXXXX")
mkdir -p "$S/pids" "$S/logs" "$S/out"
# Loopback ports: GUI/REST base+N, sync base+10+N, WebDAV base+20.
BASE=${PORT_BASE:-$((20000 + RANDOM % 20000))}
NAMES=(x A B O)

stop_pid() { # stop_pid PID: TERM, wait up to 5 s, then KILL; only this PID
  local p=$1
  kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  for n in 1 2 3; do
    [ -f "$S/pids/st$n.pid" ] || continue
    curl -s -m 3 -X POST -H "X-API-Key: $(cat "$S/st$n/apikey" 2>/dev/null)" \
      "http://127.0.0.1:$((BASE + n))/rest/system/shutdown" >/dev/null 2>&1
  done
  for f in "$S"/pids/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ')
    stop_pid "$pid"
    for k in $kids; do stop_pid "$k"; done
    rm -f "$f"
  done
  if [ "$rc" != 0 ]; then
    say "logs kept in $S/logs"
  elif [ -z "${KEEP:-}" ]; then
    rm -rf "$S"
  fi
  say "run time $(($(date +%s) - T0)) s (exit $rc)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check_time() {
  [ $(($(date +%s) - T0)) -le "$TOTAL_LIMIT" ] || die "over the time limit of ${TOTAL_LIMIT} s"
}

# ---- xuncha devices -------------------------------------------------------------------------
x() { # x DEV args...: xuncha with DEV's data and config dir
  local d=$1
  shift
  XUNCHA_DATA_DIR="$S/x$d" XUNCHA_CONFIG_DIR="$S/c$d" XUNCHA_USER="巡查员$d" XUNCHA_HOST="host-$d" \
    "$BIN" "$@"
}

xsync() { # xsync DEV DIR: one sync that must exit 0
  local d=$1 dir=$2 rc=0
  x "$d" sync --dir "$dir" >"$S/out/sync-$d.txt" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    cat "$S/out/sync-$d.txt"
    die "xuncha sync on $d exited $rc"
  fi
}

sync_all_at_once() { # sync_all_at_once DIR-OF-DEV-PATTERN DEVS...: all at the same moment
  local pat=$1
  shift
  local pids=() d
  for d in "$@"; do
    xsync "$d" "${pat//@/$d}" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "a concurrent sync failed"; done
}

converge() { # converge LABEL DEVS...: same findings (sorted JSON) and event counts everywhere
  local label=$1
  shift
  local d sums
  for d in "$@"; do
    x "$d" --json finding list | jq -S 'sort_by(.id)' >"$S/out/list-$d.json"
    x "$d" --json device | jq '.events' >"$S/out/events-$d.txt"
  done
  sums=$(for d in "$@"; do cat "$S/out/list-$d.json" "$S/out/events-$d.txt" | sha1sum; done | sort -u | wc -l)
  if [ "$sums" != 1 ]; then
    for d in "$@"; do say "$d: $(jq length "$S/out/list-$d.json") findings, $(cat "$S/out/events-$d.txt") events"; done
    die "$label: devices diverged"
  fi
  say "$label: converged ($(jq length "$S/out/list-$1.json") findings, $(cat "$S/out/events-$1.txt") events, $(jq '[.[]|select(.conflicted)]|length' "$S/out/list-$1.json") conflicted)"
}

record() { # record DEV FACILITY DESCRIPTION...: a new inspection with findings; prints nothing
  local d=$1 fac=$2
  shift 2
  local insp
  insp=$(x "$d" inspection start --facility "$fac" --mode supervision --inspector "巡查员$d" --line fire)
  echo "$insp" >"$S/out/insp-$d"
  for desc in "$@"; do
    x "$d" finding add --inspection "$insp" --line fire --description "$desc" --due +7 >/dev/null
  done
}

# ---- Syncthing ------------------------------------------------------------------------------
st_api() { # st_api N METHOD PATH [JSON]
  local n=$1 m=$2 p=$3
  shift 3
  local key
  key=$(cat "$S/st$n/apikey")
  if [ $# -gt 0 ]; then
    curl -sf -m 10 -X "$m" -H "X-API-Key: $key" -H 'Content-Type: application/json' -d "$1" \
      "http://127.0.0.1:$((BASE + n))$p"
  else
    curl -sf -m 10 -X "$m" -H "X-API-Key: $key" "http://127.0.0.1:$((BASE + n))$p"
  fi
}

st_setup() { # st_setup N: a home with loopback-only options, before the first start
  local n=$1 h=$S/st$1 c
  syncthing generate --home="$h" --no-default-folder --skip-port-probing >"$S/logs/gen$n.log" 2>&1
  c=$h/config.xml
  sed -i \
    -e "s#<listenAddress>[^<]*</listenAddress>#<listenAddress>tcp://127.0.0.1:$((BASE + 10 + n))</listenAddress>#" \
    -e '/<globalAnnounceServer>/d' \
    -e 's#<globalAnnounceEnabled>true#<globalAnnounceEnabled>false#' \
    -e 's#<localAnnounceEnabled>true#<localAnnounceEnabled>false#' \
    -e 's#<relaysEnabled>true#<relaysEnabled>false#' \
    -e 's#<natEnabled>true#<natEnabled>false#' \
    -e 's#<urAccepted>[^<]*<#<urAccepted>-1<#' \
    -e 's#<crashReportingEnabled>true#<crashReportingEnabled>false#' \
    -e 's#<autoUpgradeIntervalH>[^<]*<#<autoUpgradeIntervalH>0<#' \
    -e 's#<startBrowser>true#<startBrowser>false#' \
    -e 's#<announceLANAddresses>true#<announceLANAddresses>false#' \
    -e 's#<reconnectionIntervalS>[^<]*<#<reconnectionIntervalS>1<#' \
    "$c"
  # The GUI/REST address is given on the command line; its API key is read back from here.
  sed -n 's#.*<apikey>\([^<]*\)</apikey>.*#\1#p' "$c" | head -1 >"$h/apikey"
  grep -q 'globalAnnounceEnabled>false' "$c" || die "Syncthing config for $n not as expected"
  syncthing serve --home="$h" --device-id >"$h/id"
}

st_start() { # st_start N
  local n=$1
  STNODEFAULTFOLDER=1 STNOUPGRADE=1 STNORESTART=1 STNOUPGRADE=1 \
    syncthing serve --home="$S/st$n" --no-browser --no-restart --no-upgrade \
    --gui-address="127.0.0.1:$((BASE + n))" --logfile="$S/logs/st$n.log" \
    >"$S/logs/st$n.out" 2>&1 &
  echo $! >"$S/pids/st$n.pid"
  for _ in $(seq 150); do
    st_api "$n" GET /rest/system/ping >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "Syncthing $n did not answer on 127.0.0.1:$((BASE + n)) within 30 s"
}

tree_sum() { # tree_sum DIR: names, sizes and hashes of every file but the engine's own
  (cd "$1" && find . \( -name .stfolder -o -name .stversions \) -prune -o -type f \
    ! -name '.syncthing.*' ! -name '~syncthing~*' -printf '%P\n' | LC_ALL=C sort |
    while read -r f; do
      # A note replaced meanwhile (each sync writes a new one and removes the old) is skipped.
      [ -f "$f" ] && printf '%s %s\n' "$f" "$(sha1sum <"$f" 2>/dev/null | cut -c1-12)"
    done) | sha1sum
}

st_scan() { # st_scan: every running instance rescans the folder now (a paused one refuses)
  local n
  for n in 1 2 3; do st_api "$n" POST "/rest/db/scan?folder=xuncha" >/dev/null 2>&1 || true; done
}

st_report() { # st_report: what each instance says, for a failed wait
  local n
  for n in 1 2 3; do
    say "Syncthing $n (${NAMES[$n]}): folder $(st_api "$n" GET "/rest/db/status?folder=xuncha" 2>/dev/null |
      jq -c '{state, error, needFiles, needDeletes, localFiles, globalFiles, watchError}' 2>/dev/null || echo down)"
    say "  connections: $(st_api "$n" GET /rest/system/connections 2>/dev/null |
      jq -c '[.connections|to_entries[]|{(.key[0:7]): .value.connected}]|add' 2>/dev/null || echo down)"
    say "  errors: $(st_api "$n" GET /rest/system/error 2>/dev/null | jq -c '[.errors[]?.message]' 2>/dev/null || echo down)"
    say "  folder errors: $(st_api "$n" GET "/rest/folder/errors?folder=xuncha" 2>/dev/null | jq -c '.errors' 2>/dev/null || echo down)"
    say "  files: $(cd "$S/f${NAMES[$n]}" && find . -path ./.stfolder -prune -o -type f -print | LC_ALL=C sort | tr '\n' ' ')"
    tail -n 15 "$S/logs/st$n.log" 2>/dev/null | sed 's/^/    /'
  done
}

st_wait() { # st_wait LABEL [TIMEOUT]: until the three copies hold the same files, all idle
  local label=$1 limit=${2:-60} start ok=0 sums busy n s tick=0
  start=$(date +%s)
  st_scan
  while :; do
    sums=$(for n in A B O; do tree_sum "$S/f$n"; done | sort -u | wc -l)
    busy=0
    for n in 1 2 3; do
      s=$(st_api "$n" GET "/rest/db/status?folder=xuncha" | jq -r '"\(.state) \(.needFiles) \(.needDeletes)"') || s=down
      [ "$s" = "idle 0 0" ] || busy=1
    done
    if [ "$sums" = 1 ] && [ $busy = 0 ]; then ok=$((ok + 1)); else ok=0; fi
    [ $ok -ge 2 ] && break
    if [ $(($(date +%s) - start)) -gt "$limit" ]; then
      st_report
      die "$label: Syncthing did not replicate within ${limit} s"
    fi
    # Files that arrived by Syncthing and were then changed by xuncha need a scan where the
    # watcher is missing: ask again every 3 s while the copies differ.
    tick=$((tick + 1))
    [ $((tick % 6)) = 0 ] && [ "$sums" != 1 ] && st_scan
    sleep 0.5
  done
  say "$label: replicated in $(($(date +%s) - start)) s"
  check_time
}

say "Syncthing: three instances on 127.0.0.1:$((BASE + 11))-$((BASE + 13))"
for n in 1 2 3; do
  mkdir -p "$S/f${NAMES[$n]}"
  st_setup "$n"
done
for n in 1 2 3; do st_start "$n"; done
devices_json=$(for n in 1 2 3; do jq -n --arg id "$(cat "$S/st$n/id")" '{deviceID:$id}'; done | jq -sc .)
for n in 1 2 3; do
  for m in 1 2 3; do
    [ "$n" = "$m" ] && continue
    st_api "$n" POST /rest/config/devices "$(jq -nc --arg id "$(cat "$S/st$m/id")" \
      --arg name "${NAMES[$m]}" --arg addr "tcp://127.0.0.1:$((BASE + 10 + m))" \
      '{deviceID:$id, name:$name, addresses:[$addr], autoAcceptFolders:false, introducer:false}')" >/dev/null
  done
  st_api "$n" POST /rest/config/folders "$(jq -nc --arg path "$S/f${NAMES[$n]}" --argjson devs "$devices_json" \
    --argjson watch "${ST_WATCH:-true}" \
    '{id:"xuncha", label:"xuncha", path:$path, type:"sendreceive", devices:$devs,
      fsWatcherEnabled:$watch, fsWatcherDelayS:1, rescanIntervalS:10}')" >/dev/null
done
# Loopback only: every socket Syncthing listens on is on 127.0.0.1.
for n in 1 2 3; do
  pid=$(cat "$S/pids/st$n.pid")
  if command -v ss >/dev/null 2>&1; then
    for p in $pid $(ps -o pid= --ppid "$pid" | tr -d ' '); do
      if ss -tulpnH 2>/dev/null | grep "pid=$p," | grep -vq '127.0.0.1:'; then
        die "Syncthing $n listens off loopback: $(ss -tulpnH | grep "pid=$p,")"
      fi
    done
  fi
done
for _ in $(seq 60); do
  c=$(st_api 1 GET /rest/system/connections | jq '[.connections[]|select(.connected)]|length')
  [ "$c" = 2 ] && break
  sleep 0.5
done
[ "$c" = 2 ] || { st_report; die "Syncthing instances did not connect"; }
say "Syncthing: connected"

# 1. Record on two laptops; the office holds nothing yet.
record A 市第一人民医院 灭火器压力不足 安全出口堵塞
record B 区妇幼保健院 消防栓被遮挡 应急照明不亮
# 2. Everyone syncs at the same moment, while Syncthing replicates; then catch up.
sync_all_at_once "$S/f@" A B O
st_wait "first syncs"
sync_all_at_once "$S/f@" A B O
st_wait "catch-up"
sync_all_at_once "$S/f@" A B O
converge "record + sync at once" A B O

# 3. The same field edited on A and B, neither seeing the other: one conflict, everywhere.
F1=$(jq -r '[.[]|select(.description=="灭火器压力不足")][0].id' "$S/out/list-A.json")
x A finding edit "$F1" measures "A：立即更换灭火器" >/dev/null
x B finding edit "$F1" measures "B：送检充装" >/dev/null
sync_all_at_once "$S/f@" A B
st_wait "crossed edits"
sync_all_at_once "$S/f@" A B O
st_wait "crossed edits, relayed"
sync_all_at_once "$S/f@" A B O
converge "crossed edits" A B O
[ "$(jq '[.[]|select(.conflicted)]|length' "$S/out/list-O.json")" = 1 ] || die "the crossed edit is not flagged as a conflict"

# 4. A conflict copy made by Syncthing: while A and B are paused, each changes B's bundle
#    differently (A's copy torn, B's with one bit flipped); on resume Syncthing keeps one and
#    copies the other as *.sync-conflict-*.bundle to every device.
X=$(cd "$S/fA" && find xuncha-sync/bundles -name '*.bundle' -path "*$(x B --json device | jq -r .device_id)*" | head -1)
[ -n "$X" ] || die "no bundle of B in A's folder"
for n in 1 2; do st_api "$n" PATCH /rest/config/folders/xuncha '{"paused":true}' >/dev/null; done
sleep 1
head -c -40 "$S/fA/$X" >"$S/out/torn" && cat "$S/out/torn" >"$S/fA/$X"
printf '\x01' | dd of="$S/fB/$X" bs=1 seek=200 conv=notrunc status=none
for n in 1 2; do st_api "$n" PATCH /rest/config/folders/xuncha '{"paused":false}' >/dev/null; done
start=$(date +%s)
st_scan
until [ "$(find "$S/fA" "$S/fB" "$S/fO" -name '*.sync-conflict-*' | wc -l)" -ge 3 ]; do
  if [ $(($(date +%s) - start)) -gt 60 ]; then
    st_report
    die "Syncthing made no conflict copy within 60 s"
  fi
  sleep 1
  st_scan
done
st_wait "conflict copy"
say "Syncthing conflict copy: $(cd "$S/fO" && find . -name '*.sync-conflict-*' | head -1)"
sync_all_at_once "$S/f@" A B O
st_wait "after the conflict copy"
sync_all_at_once "$S/f@" A B O
converge "Syncthing conflict copy" A B O

# 5. B's Syncthing paused for the day: both laptops work and sync, then B resumes.
st_api 2 POST /rest/system/pause >/dev/null
record A 市第一人民医院 配电室门未上锁
record B 区妇幼保健院 疏散指示损坏
x A finding edit "$F1" responsible 后勤科 >/dev/null
sync_all_at_once "$S/f@" A B O
sleep 2
sync_all_at_once "$S/f@" A O
if x O --json finding list | jq -e 'any(.[]; .description=="疏散指示损坏")' >/dev/null; then
  die "B's finding reached the office while B's Syncthing was paused: the pause did not hold"
fi
# Who holds what: A's sync names B, by its inspector, as lacking A's new events.
xsync A "$S/fA"
grep -q '巡查员B（host-B） 尚未收到本机' "$S/out/sync-A.txt" ||
  { cat "$S/out/sync-A.txt"; die "A's sync does not say that B lacks its events"; }
say "while B is paused, A's sync says: $(grep -o '巡查员B（host-B） 尚未收到本机[^（]*' "$S/out/sync-A.txt")"
st_api 2 POST /rest/system/resume >/dev/null
st_wait "pause and resume" 90
sync_all_at_once "$S/f@" A B O
st_wait "after resume"
sync_all_at_once "$S/f@" A B O
converge "pause and resume" A B O
grep -q '巡查员B（host-B）：已收到本机全部事件' "$S/out/sync-A.txt" ||
  { cat "$S/out/sync-A.txt"; die "after resume, A's sync does not say that B holds its events"; }

# ---- rclone serve webdav, rclone copy down and up ---------------------------------------------
mkdir -p "$S/webdav/xuncha" "$S/rclone"
WEBDAV_PASS=xuncha-engines
export RCLONE_CONFIG=$S/rclone/rclone.conf
cat >"$RCLONE_CONFIG" <<EOF
[office]
type = webdav
url = http://127.0.0.1:$((BASE + 20))/
vendor = other
user = xuncha
pass = $(rclone obscure "$WEBDAV_PASS")
EOF
rclone serve webdav "$S/webdav" --addr "127.0.0.1:$((BASE + 20))" --user xuncha --pass "$WEBDAV_PASS" \
  --log-file "$S/logs/webdav.log" >/dev/null 2>&1 &
echo $! >"$S/pids/webdav.pid"
for _ in $(seq 100); do
  rclone lsd office: >/dev/null 2>&1 && break
  sleep 0.2
done
rclone lsd office: >/dev/null 2>&1 || die "rclone serve webdav did not answer"
say "rclone: WebDAV on 127.0.0.1:$((BASE + 20))"

cycle() { # cycle DEV: copy down, sync, copy up (never rclone sync)
  local d=$1
  mkdir -p "$S/r$d"
  timeout 60 rclone copy office:xuncha "$S/r$d" 2>>"$S/logs/rclone-$d.log" || die "rclone copy down ($d) failed"
  xsync "$d" "$S/r$d"
  timeout 60 rclone copy "$S/r$d" office:xuncha 2>>"$S/logs/rclone-$d.log" || die "rclone copy up ($d) failed"
}

record WA 市中医院 氧气储瓶间无警示标识
record WB 区疾病预防控制中心 危化品柜未双人双锁
for d in WA WB WO; do cycle "$d"; done
# Both laptops at the same moment.
cycle WA &
p1=$!
cycle WB &
p2=$!
wait $p1 && wait $p2 || die "concurrent rclone cycles failed"
for d in WO WA WB; do cycle "$d"; done
converge "rclone copy around" WA WB WO
F2=$(jq -r '.[0].id' "$S/out/list-WA.json")
x WA finding edit "$F2" measures "A：设置警示标识" >/dev/null
x WB finding edit "$F2" measures "B：更换储瓶间" >/dev/null
for r in 1 2; do for d in WA WB WO; do cycle "$d"; done; done
converge "rclone crossed edits" WA WB WO
[ "$(jq '[.[]|select(.conflicted)]|length' "$S/out/list-WO.json")" = 1 ] || die "rclone: the crossed edit is not flagged"
check_time

say "PASS: Syncthing (record, sync at once, crossed edits, conflict copy, pause/resume) and rclone WebDAV (copy down/up, crossed edits) converged; every sync exited 0"
