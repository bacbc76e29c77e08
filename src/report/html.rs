//! The page-document model as self-contained HTML (A4, no scripts, no outside files), for a
//! browser: header rows in <thead> so they repeat on each printed page, and the page numbers
//! in the page's margin box where the browser supports it.

use super::doc::{Align, Block, Doc, Style, Table, esc};
use std::fmt::Write;

const STYLE: &str = r#"
@page { size: A4; margin: 18mm 20mm 15mm 20mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
       font-size: 12pt; line-height: 1.45; color: #000; margin: 0; }
@media screen { body { max-width: 210mm; margin: 10mm auto; padding: 0 20mm; } }
p { margin: 0 0 1mm; }
.authority { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 20pt;
             font-weight: bold; color: #c00000; text-align: center; letter-spacing: 0.5mm; margin-bottom: 2mm; }
.title { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 17pt;
         font-weight: bold; text-align: center; margin: 1mm 0 1.5mm; }
.center { text-align: center; margin-bottom: 1.5mm; }
.body { text-indent: 2em; text-align: justify; }
.right { text-align: right; }
.small { font-size: 10.5pt; }
.cut { border-top: 0.6pt dashed #000; text-align: center; font-size: 9pt; margin-top: 3mm; padding-top: 1mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 1mm 0; }
th, td { border: 0.6pt solid #000; padding: 0.8mm; vertical-align: middle; word-wrap: break-word; }
th { font-weight: bold; text-align: center; }
td.c { text-align: center; }
tr { break-inside: avoid; }
table.photos figure { display: inline-block; margin: 0.5mm; vertical-align: top; }
table.photos img { max-width: 30mm; max-height: 30mm; display: block; }
table.photos figcaption, table.photos .missing { font-size: 8pt; }
"#;

const PAGES: &str = r#"
@page { @bottom-center { content: "第 " counter(page) " 页　共 " counter(pages) " 页"; font-size: 10.5pt; } }
"#;

/// The document as one HTML page.
pub fn render(doc: &Doc) -> String {
    let mut b = String::new();
    for block in &doc.blocks {
        match block {
            Block::P(style, text) => {
                let class = match style {
                    Style::Authority => "authority",
                    Style::Title => "title",
                    Style::Center => "center",
                    Style::Body => "body",
                    Style::Plain => "plain",
                    Style::Right => "right",
                    Style::Small => "small",
                    Style::Cut => "cut",
                };
                let _ = writeln!(b, "<p class=\"{class}\">{}</p>", lines(text));
            }
            Block::Space(mm) => {
                let _ = writeln!(b, "<div style=\"height:{mm}mm\"></div>");
            }
            Block::Table(t) => table(&mut b, t),
            Block::PageBreak => {
                b.push_str("<div style=\"break-before:page;page-break-before:always\"></div>\n");
            }
            Block::Photos(rows) => photos(&mut b, rows),
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"author\" content=\"{}\">\n<title>{}</title>\n<style>{STYLE}{}</style>\n\
         </head>\n<body>\n{b}</body>\n</html>\n",
        esc(&doc.author),
        esc(&doc.title),
        if doc.page_numbers { PAGES } else { "" }
    )
}

/// The photo table: hazard | 整改前 | 整改后, each photo a data: URI of its small copy.
fn photos(b: &mut String, rows: &[super::photos::PhotoRow]) {
    use base64::Engine;
    b.push_str(
        "<div style=\"break-before:page;page-break-before:always\"></div>\n\
         <p class=\"title\">附：隐患照片</p>\n<table class=\"photos\" style=\"font-size:10pt\">\
         <colgroup><col style=\"width:22%\"><col style=\"width:39%\"><col style=\"width:39%\"></colgroup>\n\
         <thead><tr><th>隐患</th><th>整改前</th><th>整改后</th></tr></thead><tbody>\n",
    );
    let cell = |b: &mut String, shots: &[super::photos::Shot]| {
        b.push_str("<td class=\"c\">");
        for s in shots {
            match &s.small {
                Some(jpeg) => {
                    let _ = write!(
                        b,
                        "<figure><img src=\"data:image/jpeg;base64,{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
                        base64::engine::general_purpose::STANDARD.encode(jpeg),
                        esc(&s.caption),
                        esc(&s.caption)
                    );
                }
                None => {
                    let _ = write!(b, "<figure class=\"missing\">{}</figure>", esc(&s.caption));
                }
            }
        }
        if shots.is_empty() {
            b.push('—');
        }
        b.push_str("</td>");
    };
    for r in rows {
        let _ = write!(b, "<tr><td>{}</td>", lines(&r.label));
        cell(b, &r.before);
        cell(b, &r.after);
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody></table>\n");
}

fn lines(text: &str) -> String {
    text.split('\n').map(esc).collect::<Vec<_>>().join("<br>")
}

fn table(b: &mut String, t: &Table) {
    let total: f32 = t.widths.iter().sum();
    let _ = write!(b, "<table style=\"font-size:{}pt\"><colgroup>", t.font_pt);
    for w in &t.widths {
        let _ = write!(b, "<col style=\"width:{:.2}%\">", w / total * 100.0);
    }
    b.push_str("</colgroup>\n");
    let row = |b: &mut String, cells: &[super::doc::Cell], head: bool| {
        b.push_str("<tr>");
        for c in cells {
            let tag = if head || c.bold { "th" } else { "td" };
            let mut attrs = String::new();
            if c.span > 1 {
                let _ = write!(attrs, " colspan=\"{}\"", c.span);
            }
            if c.align == Align::Center && !c.bold {
                attrs.push_str(" class=\"c\"");
            }
            if c.min_mm > 0.0 {
                let _ = write!(attrs, " style=\"height:{}mm\"", c.min_mm);
            }
            let text = c
                .lines
                .iter()
                .map(|l| lines(l))
                .collect::<Vec<_>>()
                .join("<br>");
            let _ = write!(b, "<{tag}{attrs}>{text}</{tag}>");
        }
        b.push_str("</tr>\n");
    };
    if !t.header.is_empty() {
        b.push_str("<thead>");
        for r in &t.header {
            row(b, r, true);
        }
        b.push_str("</thead>");
    }
    b.push_str("<tbody>");
    for r in &t.rows {
        row(b, r, false);
    }
    b.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_in_user_text() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"消防\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;消防&quot;"
        );
    }
}
