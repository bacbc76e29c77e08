//! The page-document model as an OpenDocument text file (.odt): A4, fixed margins, ruled
//! tables whose header rows repeat on each page, and a "第N页 共M页" footer made of page
//! fields, so LibreOffice, WPS and Word print it page for page alike.

use super::doc::{
    Align, Block, Cell, Doc, MARGIN_BOTTOM_MM, MARGIN_SIDE_MM, MARGIN_TOP_MM, Style, Table, esc,
};
use std::fmt::Write as _;
use std::io::Write;

const SERIF: &str = "宋体";
const SANS: &str = "黑体";

/// Writes `doc` to `out` as a zipped ODT package.
pub fn write(doc: &Doc, out: impl Write + std::io::Seek) -> zip::result::ZipResult<()> {
    use zip::write::SimpleFileOptions;
    let mut z = zip::ZipWriter::new(out);
    // The mimetype entry comes first and uncompressed, as the ODF package format requires.
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("mimetype", stored)?;
    z.write_all(b"application/vnd.oasis.opendocument.text")?;
    z.start_file("META-INF/manifest.xml", deflated)?;
    z.write_all(MANIFEST.as_bytes())?;
    z.start_file("meta.xml", deflated)?;
    z.write_all(meta(doc).as_bytes())?;
    z.start_file("styles.xml", deflated)?;
    z.write_all(styles(doc).as_bytes())?;
    z.start_file("content.xml", deflated)?;
    z.write_all(content(doc).as_bytes())?;
    z.finish()?;
    Ok(())
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2""#;

fn meta(doc: &Doc) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta {NS}><office:meta>\
         <dc:title>{}</dc:title><meta:initial-creator>{}</meta:initial-creator>\
         <dc:creator>{}</dc:creator><meta:generator>xuncha</meta:generator>\
         </office:meta></office:document-meta>\n",
        esc(&doc.title),
        esc(&doc.author),
        esc(&doc.author)
    )
}

fn pstyle(name: &str, para: &str, text: &str) -> String {
    format!(
        "<style:style style:name=\"{name}\" style:family=\"paragraph\">\
         <style:paragraph-properties {para}/><style:text-properties {text}/></style:style>"
    )
}

fn font(name: &str, pt: f32) -> String {
    format!(
        "style:font-name=\"{name}\" style:font-name-asian=\"{name}\" fo:font-size=\"{pt}pt\" \
         style:font-size-asian=\"{pt}pt\""
    )
}

fn styles(doc: &Doc) -> String {
    let bold = "fo:font-weight=\"bold\" style:font-weight-asian=\"bold\"";
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles {NS}>\
         <office:font-face-decls>\
         <style:font-face style:name=\"{SERIF}\" svg:font-family=\"'{SERIF}', 'Noto Serif CJK SC', 'SimSun'\"/>\
         <style:font-face style:name=\"{SANS}\" svg:font-family=\"'{SANS}', 'Noto Sans CJK SC', 'SimHei'\"/>\
         </office:font-face-decls><office:styles>\
         <style:default-style style:family=\"paragraph\"><style:paragraph-properties fo:line-height=\"128%\"/>\
         <style:text-properties {} style:language-asian=\"zh\" style:country-asian=\"CN\"/></style:default-style>",
        font(SERIF, 12.0)
    );
    let center = "fo:text-align=\"center\"";
    s.push_str(&pstyle(
        "Authority",
        &format!("{center} fo:margin-bottom=\"2mm\""),
        &format!(
            "{} {bold} fo:color=\"#c00000\" fo:letter-spacing=\"0.5mm\"",
            font(SANS, 18.0)
        ),
    ));
    s.push_str(&pstyle(
        "Title",
        &format!("{center} fo:margin-top=\"1mm\" fo:margin-bottom=\"1.5mm\""),
        &format!("{} {bold}", font(SANS, 17.0)),
    ));
    s.push_str(&pstyle(
        "Center",
        &format!("{center} fo:margin-bottom=\"1.5mm\""),
        &font(SERIF, 12.0),
    ));
    s.push_str(&pstyle(
        "Body",
        "fo:text-indent=\"8.5mm\" fo:text-align=\"justify\" fo:margin-bottom=\"1mm\"",
        &font(SERIF, 12.0),
    ));
    s.push_str(&pstyle(
        "Plain",
        "fo:margin-bottom=\"1mm\"",
        &font(SERIF, 12.0),
    ));
    s.push_str(&pstyle(
        "Right",
        "fo:text-align=\"end\" fo:margin-bottom=\"0.5mm\"",
        &font(SERIF, 12.0),
    ));
    s.push_str(&pstyle(
        "Small",
        "fo:margin-bottom=\"0.5mm\"",
        &font(SERIF, 10.5),
    ));
    s.push_str(&pstyle(
        "Cut",
        &format!(
            "{center} fo:border-top=\"0.6pt dashed #000000\" fo:padding-top=\"1mm\" \
             fo:margin-top=\"2mm\" fo:margin-bottom=\"0mm\""
        ),
        &font(SERIF, 9.0),
    ));
    s.push_str(&pstyle("Footer", center, &font(SERIF, 10.5)));
    s.push_str(&pstyle(
        "PageBreak",
        "fo:break-before=\"page\" fo:margin-top=\"0mm\" fo:margin-bottom=\"0mm\" fo:line-height=\"1mm\"",
        "fo:font-size=\"2pt\"",
    ));
    s.push_str("</office:styles><office:automatic-styles>");
    let _ = write!(
        s,
        "<style:page-layout style:name=\"pm1\"><style:page-layout-properties fo:page-width=\"210mm\" \
         fo:page-height=\"297mm\" style:print-orientation=\"portrait\" fo:margin-top=\"{MARGIN_TOP_MM}mm\" \
         fo:margin-bottom=\"{}mm\" fo:margin-left=\"{MARGIN_SIDE_MM}mm\" fo:margin-right=\"{MARGIN_SIDE_MM}mm\"/>\
         <style:footer-style><style:header-footer-properties fo:min-height=\"0mm\" fo:margin-top=\"2mm\"/></style:footer-style>\
         </style:page-layout>",
        if doc.page_numbers {
            MARGIN_BOTTOM_MM - 7.0
        } else {
            MARGIN_BOTTOM_MM
        }
    );
    s.push_str("</office:automatic-styles><office:master-styles>");
    s.push_str("<style:master-page style:name=\"Standard\" style:page-layout-name=\"pm1\">");
    if doc.page_numbers {
        s.push_str(
            "<style:footer><text:p text:style-name=\"Footer\">第<text:page-number text:select-page=\"current\">1</text:page-number>页　共<text:page-count>1</text:page-count>页</text:p></style:footer>",
        );
    }
    s.push_str("</style:master-page></office:master-styles></office:document-styles>\n");
    s
}

fn content(doc: &Doc) -> String {
    let mut auto = String::new();
    let mut body = String::new();
    // Cell text styles per table font size, and the ruled cell style.
    auto.push_str(
        "<style:style style:name=\"cell\" style:family=\"table-cell\"><style:table-cell-properties \
         fo:border=\"0.6pt solid #000000\" fo:padding=\"0.8mm\" style:vertical-align=\"middle\"/></style:style>",
    );
    let mut sizes: Vec<String> = Vec::new();
    for (t, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::P(style, text) => {
                let _ = write!(
                    body,
                    "<text:p text:style-name=\"{}\">{}</text:p>",
                    name(*style),
                    inline(text)
                );
            }
            Block::Space(mm) => {
                let sname = format!("sp{t}");
                let _ = write!(
                    auto,
                    "<style:style style:name=\"{sname}\" style:family=\"paragraph\"><style:paragraph-properties \
                     fo:margin-top=\"0mm\" fo:margin-bottom=\"0mm\" fo:line-height=\"{mm}mm\"/>\
                     <style:text-properties fo:font-size=\"2pt\"/></style:style>"
                );
                let _ = write!(body, "<text:p text:style-name=\"{sname}\"/>");
            }
            Block::PageBreak => {
                body.push_str("<text:p text:style-name=\"PageBreak\"/>");
            }
            // Pictures are in the HTML form and the XLSX ledger; the ODT print keeps its pages.
            Block::Photos(_) => {}
            Block::Table(table) => {
                let key = format!("{}", table.font_pt);
                if !sizes.contains(&key) {
                    sizes.push(key.clone());
                }
                table_xml(
                    &mut auto,
                    &mut body,
                    t,
                    table,
                    sizes.iter().position(|s| *s == key).unwrap_or(0),
                );
            }
        }
    }
    for (i, pt) in sizes.iter().enumerate() {
        for (suffix, align, weight) in [
            ("l", "start", ""),
            ("c", "center", ""),
            (
                "b",
                "center",
                "fo:font-weight=\"bold\" style:font-weight-asian=\"bold\"",
            ),
        ] {
            let _ = write!(
                auto,
                "<style:style style:name=\"t{i}{suffix}\" style:family=\"paragraph\"><style:paragraph-properties \
                 fo:text-align=\"{align}\" fo:line-height=\"125%\"/><style:text-properties fo:font-size=\"{pt}pt\" \
                 style:font-size-asian=\"{pt}pt\" {weight}/></style:style>"
            );
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {NS}>\
         <office:automatic-styles>{auto}</office:automatic-styles><office:body><office:text>{body}\
         </office:text></office:body></office:document-content>\n"
    )
}

fn name(s: Style) -> &'static str {
    match s {
        Style::Authority => "Authority",
        Style::Title => "Title",
        Style::Center => "Center",
        Style::Body => "Body",
        Style::Plain => "Plain",
        Style::Right => "Right",
        Style::Small => "Small",
        Style::Cut => "Cut",
    }
}

/// Text with its line breaks as ODF line breaks and runs of spaces kept.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<text:line-break/>");
        }
        out.push_str(&esc(line));
    }
    out
}

fn table_xml(auto: &mut String, body: &mut String, t: usize, table: &Table, size: usize) {
    let total: f32 = table.widths.iter().sum();
    let _ = write!(
        auto,
        "<style:style style:name=\"tb{t}\" style:family=\"table\"><style:table-properties \
         style:width=\"{total}mm\" table:align=\"center\" fo:margin-top=\"1mm\" fo:margin-bottom=\"1mm\"/></style:style>"
    );
    for (c, w) in table.widths.iter().enumerate() {
        let _ = write!(
            auto,
            "<style:style style:name=\"tb{t}c{c}\" style:family=\"table-column\">\
             <style:table-column-properties style:column-width=\"{w}mm\"/></style:style>"
        );
    }
    let _ = write!(
        body,
        "<table:table table:name=\"表{}\" table:style-name=\"tb{t}\">",
        t + 1
    );
    for c in 0..table.widths.len() {
        let _ = write!(body, "<table:table-column table:style-name=\"tb{t}c{c}\"/>");
    }
    let mut heights: Vec<f32> = Vec::new();
    let mut row_xml = |body: &mut String, auto: &mut String, row: &[Cell]| {
        let min = row.iter().map(|c| c.min_mm).fold(0.0f32, f32::max);
        let style = if min > 0.0 {
            let idx = match heights.iter().position(|h| *h == min) {
                Some(i) => i,
                None => {
                    heights.push(min);
                    let i = heights.len() - 1;
                    let _ = write!(
                        auto,
                        "<style:style style:name=\"tb{t}r{i}\" style:family=\"table-row\">\
                         <style:table-row-properties style:min-row-height=\"{min}mm\" fo:keep-together=\"always\"/></style:style>"
                    );
                    i
                }
            };
            format!(" table:style-name=\"tb{t}r{idx}\"")
        } else {
            String::new()
        };
        let _ = write!(body, "<table:table-row{style}>");
        for cell in row {
            let span = if cell.span > 1 {
                format!(" table:number-columns-spanned=\"{}\"", cell.span)
            } else {
                String::new()
            };
            let _ = write!(
                body,
                "<table:table-cell table:style-name=\"cell\" office:value-type=\"string\"{span}>"
            );
            let p = match (cell.bold, cell.align) {
                (true, _) => "b",
                (false, Align::Center) => "c",
                (false, Align::Left) => "l",
            };
            for line in &cell.lines {
                let _ = write!(
                    body,
                    "<text:p text:style-name=\"t{size}{p}\">{}</text:p>",
                    inline(line)
                );
            }
            if cell.lines.is_empty() {
                let _ = write!(body, "<text:p text:style-name=\"t{size}{p}\"/>");
            }
            body.push_str("</table:table-cell>");
            for _ in 1..cell.span {
                body.push_str("<table:covered-table-cell/>");
            }
        }
        body.push_str("</table:table-row>");
    };
    if !table.header.is_empty() {
        body.push_str("<table:table-header-rows>");
        for row in &table.header {
            row_xml(body, auto, row);
        }
        body.push_str("</table:table-header-rows>");
    }
    for row in &table.rows {
        row_xml(body, auto, row);
    }
    body.push_str("</table:table>");
}
