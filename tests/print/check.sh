#!/usr/bin/env bash
# The papers as the office prints them: builds xuncha, records an inspection with 12 hazards,
# issues the 四书 for some of them, exports the ledger (XLSX), the 整改表 and each notice (ODT),
# converts them to PDF with LibreOffice headless and checks what a clerk would see:
#   - each notice is one A4 page with its 回执 and shows its 文号 and the issuing authority;
#     hazards that do not fit it go to a 附页 after it, which names title and 文号 on every page;
#   - a notice over 8 hazards is one page with its 回执, then a 附页 listing all 8;
#   - a notice over 2 hazards written mostly in digits and Latin capitals keeps its 回执
#     whole on page 1 (one page, or a 附页 for the hazards);
#   - the 整改表 of 12 hazards has the expected page count, "第N页 共M页" and the header row on
#     every page;
#   - every ledger row has an explicit height, no text line prints over another, and the body
#     text is at least 9 pt on paper;
#   - the same checks FAIL on a copy of the ledger with its row heights removed.
# Page images (pdftoppm, 60 dpi) are left in $OUT (default target/print-check) for people to look
# at. Installs libreoffice-calc/writer, poppler-utils and CJK fonts with apt-get when missing and
# run as root (CI). Prints its run time.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
OUT=${OUT:-target/print-check}
HERE=tests/print

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "cjk" || need+=(fonts-noto-cjk)
# Calibri's metrics (the workbook's default font sets the column width unit); without it
# LibreOffice falls back to a wider font and shrinks the page to fit.
fc-list 2>/dev/null | grep -qi "carlito" || need+=(fonts-crosextra-carlito)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "print check: missing ${need[*]} (install them, or run as root with apt-get)" >&2
    exit 1
  fi
fi

if [ -n "${XUNCHA_BIN:-}" ]; then
  BIN=$XUNCHA_BIN
else
  cargo build --locked -q
  BIN=$PWD/target/debug/xuncha
fi
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XUNCHA_DATA_DIR=$work/data XUNCHA_CONFIG_DIR=$work/cfg XUNCHA_USER=王检查
export HOME=$work/home   # LibreOffice's profile goes here, not into the user's
mkdir -p "$HOME"
# The clock jumps between steps on purpose; xuncha's warnings about that go to a log.
x() { XUNCHA_NOW=$1 "$BIN" "${@:2}" 2>>"$work/stderr"; }

AUTHORITY=某某市卫生健康委员会
x 2026-11-02T09:00:00+08:00 org --authority "$AUTHORITY" --agency-code 某卫安 \
  --unit 某某市卫生健康委员会安全生产检查组 --contact 李明 --phone 0371-12345678 >/dev/null
insp=$(x 2026-11-02T09:00:00+08:00 inspection start --facility 某某市第一人民医院 \
  --department 后勤保障科 --mode supervision --inspector 王检查 --inspector 赵督查 \
  --line fire --line hazchem --line energy)
items=(fire.control-room fire.alarm-system fire.sprinkler fire.pump-room fire.smoke-control
  fire.hydrant fire.extinguisher fire.maintenance fire.exit-clear fire.fire-door fire.evac-signs
  fire.decoration)
places=(门诊楼一层 住院部三楼 消防控制室 地下一层水泵房 住院部五楼 门诊楼二层走廊 药库 后勤楼
  急诊楼东侧安全出口 住院部七楼 门诊楼负一层 行政楼会议室)
long="现场检查发现该处长期未按规定落实，值班记录缺失，相关人员对处置流程不熟悉，存在较大安全隐患"
for i in "${!items[@]}"; do
  desc="${places[$i]}不符合要求（第$((i + 1))处）"
  if ((i % 3 == 0)); then desc="$desc：$long"; fi
  x 2026-11-02T09:00:00+08:00 finding add --inspection "$insp" --item "${items[$i]}" \
    --location "${places[$i]}" --department 后勤保障科 --responsible "保卫科 张伟" \
    --due 2026-11-09 --category 设备设施类 --interim "设专人值守，每日巡查" \
    --funds "$(((i + 1) * 500))元" --description "$desc" >/dev/null
done
ids=($(x 2026-11-02T09:00:00+08:00 finding list --json | python3 -c \
  'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)))'))
# One 整改通知书 listing three hazards, then the 四书 ladder for one of them.
x 2026-11-20T10:00:00+08:00 notice "${ids[0]}" "${ids[1]}" "${ids[2]}" --due 2026-11-30 >/dev/null
# One 整改通知书 over the 8 other open hazards: more than a page holds, so a 附页 lists them.
many=("${ids[3]}" "${ids[4]}" "${ids[6]}" "${ids[7]}" "${ids[8]}" "${ids[9]}" "${ids[10]}" "${ids[11]}")
x 2026-11-20T10:00:00+08:00 notice "${many[@]}" --due 2026-11-30 >/dev/null
x 2026-11-20T10:00:00+08:00 finding rectify "${ids[5]}" --note 已整改 --completed 2026-11-18 >/dev/null
x 2026-11-21T10:00:00+08:00 finding verify "${ids[5]}" --pass >/dev/null
x 2026-12-05T10:00:00+08:00 finding escalate "${ids[0]}" >/dev/null
x 2027-01-10T10:00:00+08:00 finding escalate "${ids[0]}" >/dev/null

NOW=2027-01-12T10:00:00+08:00
x $NOW export --format xlsx --out "$OUT/ledger.xlsx" >/dev/null
x $NOW export --format odt --inspection "$insp" --out "$OUT/form.odt" >/dev/null
for level in notice interview referral; do
  x $NOW export --format odt --finding "${ids[0]}" --level $level --out "$OUT/$level.odt" >/dev/null
done

x $NOW export --format odt --finding "${many[0]}" --level notice --out "$OUT/notice8.odt" >/dev/null

(cd "$OUT" && timeout 300 soffice --headless --convert-to pdf --outdir "$OUT" \
  ledger.xlsx form.odt notice.odt interview.odt referral.odt notice8.odt >/dev/null 2>&1)
for f in ledger form notice interview referral notice8; do
  [ -s "$OUT/$f.pdf" ] || { echo "print check: LibreOffice made no $f.pdf" >&2; exit 1; }
  pdftoppm -r 60 -png "$OUT/$f.pdf" "$OUT/$f"
done

fail=0
check() { if "$@"; then echo "  ok: ${*:2}"; else echo "  FAILED: $*"; fail=1; fi; }
pages() { python3 $HERE/pdfcheck.py pages "$1"; }
has() { python3 $HERE/pdfcheck.py text "$1" ${3:-} | tr -d ' \n' | grep -qF "$(echo "$2" | tr -d ' ')"; }
# The same, for text inside one table cell (it may wrap at any character).
has_in_cell() { python3 $HERE/pdfcheck.py rawtext "$1" ${3:-} | tr -d ' \n' | grep -qF "$(echo "$2" | tr -d ' ')"; }

# A notice is one page with its 回执; hazards that do not fit that page at 9 pt or more are
# listed on a 附页 after it, whose every page names the document by title and 文号.
check_notice() { # PDF 文号 AUTHORITY-PAGE-1-ONLY
  local pdf=$1 wenhao=$2 n p
  n=$(pages "$pdf")
  check has "$pdf" "$AUTHORITY" 1
  check has "$pdf" "回执" 1
  check has "$pdf" "签收人" 1
  for ((p = 1; p <= n; p++)); do
    check has "$pdf" "$wenhao" $p
    if ((p > 1)); then
      check has "$pdf" "隐患清单（共" $p
      check test -z "$(python3 $HERE/pdfcheck.py text "$pdf" $p | grep -E '回 *执|签收人' || true)"
    fi
  done
  if ((n > 1)); then check has "$pdf" "隐患清单见附页" 1; fi
}
wenhao_of() { # FINDING LEVEL
  x $NOW finding show "$1" --json | python3 -c 'import json,sys
f = json.load(sys.stdin)
print([s["issued"]["wenhao"] for s in f["escalations"] if s["level"] == sys.argv[1]][0])' "$2"
}

echo "notices:"
for level in notice interview referral; do
  check_notice "$OUT/$level.pdf" "$(wenhao_of "${ids[0]}" $level)"
done
# One hazard fits beside the 回执: no 附页.
check test "$(pages "$OUT/interview.pdf")$(pages "$OUT/referral.pdf")" = 11
# The 临时防范措施 recorded on a hazard is printed with its 整改要求.
check has_in_cell "$OUT/notice.pdf" "临时防范措施：设专人值守"

echo "整改通知书 over 8 hazards (the notice one page, then the 附页):"
pdf=$OUT/notice8.pdf
n=$(pages "$pdf")
check test "$n" -ge 2
check has "$pdf" "隐患清单见附页（共8项）" 1
check_notice "$pdf" "$(wenhao_of "${many[0]}" notice)"
# Every hazard is listed on the 附页.
for id in "${many[@]}"; do
  yh=$(x $NOW finding show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["number_code"])')
  found=0
  for ((p = 2; p <= n; p++)); do has "$pdf" "$yh" $p && found=1; done
  check test "$found$yh" = "1$yh"
done

echo "整改表 (12 hazards):"
form=$OUT/form.pdf
n=$(pages "$form")
# 12 hazards with this stop's fuller checklist texts (each row names its 检查项) take 4 pages.
check test "$n" = "${FORM_PAGES:-4}"
for ((p = 1; p <= n; p++)); do
  check has "$form" "第${p}页共${n}页" $p
  # Every page that carries hazard rows carries the header row above them.
  if has "$form" "YH-2026-" $p; then check has "$form" "检查发现问题" $p; fi
done
check has "$form" "JC-2026-"

check_ledger() {
  local xlsx=$1 pdf=$2 ok=0
  python3 $HERE/pdfcheck.py rowheights "$xlsx" || ok=1
  python3 $HERE/pdfcheck.py overlap "$pdf" || ok=1
  return $ok
}
echo "ledger:"
check check_ledger "$OUT/ledger.xlsx" "$OUT/ledger.pdf"
check python3 $HERE/pdfcheck.py cjksize "$OUT/ledger.pdf" 9
check has "$OUT/ledger.pdf" "填表人"
check has "$OUT/ledger.pdf" "第1页共"

echo "the same check on the ledger without row heights must fail:"
mkdir -p "$work/bare"
python3 $HERE/pdfcheck.py striprows "$OUT/ledger.xlsx" "$work/bare/ledger.xlsx"
(cd "$work/bare" && timeout 300 soffice --headless --convert-to pdf ledger.xlsx >/dev/null 2>&1)
if check_ledger "$work/bare/ledger.xlsx" "$work/bare/ledger.pdf" >/dev/null; then
  echo "  FAILED: a ledger without row heights passed"
  fail=1
else
  echo "  ok: caught"
fi

echo "整改通知书 over 2 hazards written in equipment numbers (digits and Latin capitals):"
# Their text is wider than Chinese of the same length; a notice that counted it too narrow
# kept both on page 1 and pushed the 回执's last line onto a second sheet. The notice must be
# one page with its 回执, or list the hazards on a 附页.
export XUNCHA_DATA_DIR=$work/latin
T=2026-11-02T09:00:00+08:00
x $T org --authority "$AUTHORITY" --agency-code 某卫安 --unit 检查组 --contact 李明 \
  --phone 0371-12345678 >/dev/null
linsp=$(x $T inspection start --facility 市第一医院 --department 后勤科 \
  --mode supervision --inspector 王检查 --line fire)
for k in 1 2; do
  x $T finding add --inspection "$linsp" --location "B1 MMW-$k" --responsible "保卫科 张伟" \
    --due 2026-12-30 --description "配电箱$(printf 'PD-2023-0158、%.0s' 1 2 3 4)未测试" \
    --measures "逐台测试$(printf 'PD-2023-0196、%.0s' 1 2 3 4)并记录" >/dev/null
done
lids=($(x $T finding list --json | python3 -c \
  'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)))'))
x $T notice "${lids[@]}" --due 2026-11-30 >/dev/null
x $T export --format odt --finding "${lids[0]}" --level notice --out "$OUT/notice-latin.odt" >/dev/null
(cd "$OUT" && timeout 300 soffice --headless --convert-to pdf --outdir "$OUT" notice-latin.odt \
  >/dev/null 2>&1)
pdftoppm -r 60 -png "$OUT/notice-latin.pdf" "$OUT/notice-latin"
pdf=$OUT/notice-latin.pdf
n=$(pages "$pdf")
if [ "$n" = 1 ]; then
  check has "$pdf" "签收人" 1
else
  check has "$pdf" "隐患清单见附页" 1
  check has "$pdf" "签收人" 1
  check has "$pdf" "附页所列安全生产隐患" 1
fi

echo "print check: $(( $(date +%s) - started )) s; page images in $OUT"
exit $fail
