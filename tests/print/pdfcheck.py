#!/usr/bin/env python3
"""Checks on printed output, used by tests/print/check.sh.

  pdfcheck.py pages FILE.pdf                   print the page count
  pdfcheck.py text FILE.pdf [PAGE]             print the text (of one page)
  pdfcheck.py rowheights FILE.xlsx             every row of every sheet that holds cells has an
                                               explicit height (ht + customHeight); exit 1 if not
  pdfcheck.py overlap FILE.pdf                 no two text lines on a page overlap (wrapped
                                               text printed over the next row); exit 1 if they do
  pdfcheck.py cjksize FILE.pdf MIN_PT          the printed size of CJK body text (a CJK glyph is
                                               1 em wide) is at least MIN_PT on the median and
                                               no line is below MIN_PT - 1; exit 1 if not
  pdfcheck.py striprows IN.xlsx OUT.xlsx       a copy with every row height removed (to prove
                                               the checks fail without them)
"""
import re
import subprocess
import sys
import zipfile
from xml.etree import ElementTree as ET


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages(pdf):
    m = re.search(r"^Pages:\s+(\d+)", run("pdfinfo", pdf), re.M)
    return int(m.group(1))


def rowheights(xlsx):
    bad = []
    with zipfile.ZipFile(xlsx) as z:
        for name in sorted(z.namelist()):
            if not re.match(r"xl/worksheets/sheet\d+\.xml$", name):
                continue
            xml = z.read(name).decode("utf-8")
            for m in re.finditer(r"<row\b([^>]*)>(.*?)</row>|<row\b([^>]*)/>", xml, re.S):
                attrs = m.group(1) or m.group(3) or ""
                body = m.group(2) or ""
                if "<c " not in body:
                    continue
                r = re.search(r'\br="(\d+)"', attrs).group(1)
                if 'ht="' not in attrs or 'customHeight="1"' not in attrs:
                    bad.append(f"{name} row {r}")
    if bad:
        print("rows without an explicit height:", ", ".join(bad[:20]), f"({len(bad)} in all)")
        return 1
    return 0


NS = "{http://www.w3.org/1999/xhtml}"


def line_boxes(pdf):
    """Per page: the boxes (xmin, ymin, xmax, ymax, text) of pdftotext's text lines."""
    html = run("pdftotext", "-bbox-layout", pdf, "-")
    root = ET.fromstring(html)
    out = []
    for page in root.iter(NS + "page"):
        boxes = []
        for line in page.iter(NS + "line"):
            words = [w.text or "" for w in line.iter(NS + "word")]
            b = tuple(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            boxes.append(b + ("".join(words),))
        out.append(boxes)
    return out


def overlap(pdf):
    bad = []
    for p, boxes in enumerate(line_boxes(pdf), 1):
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                # Overlap by more than a third of a line height in both directions.
                h = min(a[3] - a[1], b[3] - b[1])
                if dx > 2 and dy > h / 3:
                    bad.append(f"page {p}: 「{a[4][:12]}」 over 「{b[4][:12]}」")
    if bad:
        print(f"{len(bad)} overlapping text lines, e.g.", "; ".join(bad[:5]))
        return 1
    return 0


CJK = re.compile(r"^[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]{4,}$")


def cjksize(pdf, min_pt):
    html = run("pdftotext", "-bbox", pdf, "-")
    root = ET.fromstring(html)
    sizes = []
    for w in root.iter(NS + "word"):
        t = w.text or ""
        if CJK.match(t):
            width = float(w.get("xMax")) - float(w.get("xMin"))
            sizes.append(width / len(t))
    if not sizes:
        print("no CJK text found")
        return 1
    sizes.sort()
    median = sizes[len(sizes) // 2]
    print(f"CJK text on paper: median {median:.1f} pt, smallest {sizes[0]:.1f} pt over {len(sizes)} words")
    if median < min_pt or sizes[0] < min_pt - 1:
        return 1
    return 0


def striprows(src, dst):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if re.match(r"xl/worksheets/sheet\d+\.xml$", item.filename):
                xml = data.decode("utf-8")
                xml = re.sub(r'\s(ht|customHeight)="[^"]*"', "", xml)
                data = xml.encode("utf-8")
            zout.writestr(item, data)
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "pages":
        print(pages(argv[2]))
        return 0
    if cmd in ("text", "rawtext"):
        # "rawtext" keeps the content stream's order: a table cell's wrapped lines stay together,
        # where "-layout" interleaves the lines of neighbouring cells.
        args = ["pdftotext", "-layout" if cmd == "text" else "-raw"]
        if len(argv) > 3:
            args += ["-f", argv[3], "-l", argv[3]]
        sys.stdout.write(run(*args, argv[2], "-"))
        return 0
    if cmd == "rowheights":
        return rowheights(argv[2])
    if cmd == "overlap":
        return overlap(argv[2])
    if cmd == "cjksize":
        return cjksize(argv[2], float(argv[3]))
    if cmd == "striprows":
        return striprows(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
