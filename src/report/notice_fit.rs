//! Whether a notice's hazard table fits on its first page beside the 回执, and at which size.
//! The office asked for notices on one A4 page (field trial, office print-outs); what does not
//! fit goes to a 附页 after the 回执, and a notice must never push part of its 回执 onto a second
//! sheet.
//!
//! The model is the page as LibreOffice 7 prints the ODT (A4, `doc`'s margins; CJK in Noto
//! Sans CJK, Latin in DejaVu Sans), measured with `pdftotext -bbox-layout` on one-page notices
//! of 1–3 hazards at 9 and 10 pt: it put the last line of each within 1 pt. Lines are counted
//! by `wrap`. Word and WPS with SimSun print lines no taller, so what fits here fits there.

use super::wrap::wrapped_lines;

/// Where the page's text area ends (297 mm less the 13 mm bottom margin of a one-page
/// document), in points from the top edge.
const PAGE_BOTTOM_PT: f32 = 805.0;

/// Where the table's header text would start when the addressee takes one line and the body
/// none: measured at 293.4 pt below five body lines.
const TABLE_TOP_PT: f32 = 182.15;

/// One line of 12 pt text in a paragraph (line height 128 % of Noto Sans CJK's 1.448 em).
const LINE_12_PT: f32 = 22.25;

/// One line of the 18 pt letterhead, and the letterhead's letter spacing in em (0.5 mm), with
/// a margin for the bold Latin letters a name may hold.
const LINE_18_PT: f32 = 33.4;
const LETTERHEAD_SPACING: f32 = 1.1;

/// One line of 10.5 pt text in a paragraph, and the 0.5 mm under a Small paragraph.
const LINE_10_5_PT: f32 = 19.48;
const SMALL_GAP_PT: f32 = 1.42;

/// A table line is 125 % of 1.448 em; each row adds its padding and rule.
const TABLE_LINE_EM: f32 = 1.81;
const ROW_PT: f32 = 5.0;

/// From the seal line's top to the page's last line, when the seal, date, contact line and
/// the 回执's last line take one line each, there is no 抄送, the 回执's text takes two lines and
/// its table is empty.
const AFTER_TABLE_PT: f32 = 264.2;

/// The receipt table's rows have minimum heights (13 and 10 mm); lines beyond them grow it.
const PROMISE_MIN_PT: f32 = 36.85;
const SIGNED_MIN_PT: f32 = 28.35;

/// Kept free below the estimate: one table line at 10 pt, for a line break the model places
/// differently from LibreOffice.
const SAFETY_PT: f32 = 18.0;

/// Text width of the page, and the body's first-line indent (8.5 mm, 2 em at 12 pt).
const TEXT_WIDTH_MM: f32 = super::doc::TEXT_WIDTH_MM;

/// Everything on a notice's first page besides the hazard table, as printed.
pub(super) struct PageOne<'a> {
    /// The issuing authority, the letterhead: 18 pt bold with 0.5 mm between letters.
    pub authority: &'a str,
    /// 「{facility}：」, 12 pt.
    pub addressee: &'a str,
    /// The body paragraph, 12 pt, first line indented.
    pub body: &'a str,
    /// 「{issuer}（盖章）」, 12 pt, right-aligned.
    pub seal: &'a str,
    /// 「联系人：…　　联系电话：…」, 10.5 pt.
    pub contact: &'a str,
    /// 「抄送：…」, 10.5 pt, when the book has one.
    pub cc: Option<&'a str>,
    /// The 回执's text (「今收到…」), 12 pt, first line indented.
    pub receipt: &'a str,
    /// The promises recorded in the 回执 (one a line, 136 mm wide, 10.5 pt).
    pub promised: &'a [String],
    /// The receipts recorded in the 回执 (one a line, 62 mm wide, 10.5 pt).
    pub signed: &'a [String],
    /// 「请于签收后三日内将本回执交回…」, 10.5 pt.
    pub returned: &'a str,
}

/// The largest table text size (10, 9.5 or 9 pt) at which `rows` (科室/部位, 问题隐患, 整改要求
/// of each hazard, in columns `widths_mm`) fit on page one with the rest of `page`; None when
/// they do not fit at 9 pt (the list then goes to a 附页).
pub(super) fn fit_font(rows: &[[String; 3]], widths_mm: &[f32; 3], page: &PageOne) -> Option<f32> {
    let room = PAGE_BOTTOM_PT - SAFETY_PT - before_table_pt(page) - after_table_pt(page);
    [10.0f32, 9.5, 9.0]
        .into_iter()
        .find(|&pt| table_pt(rows, widths_mm, pt) <= room)
}

/// Whether `page` holds the notice with 「隐患清单见附页」 in place of the table, its 回执 whole.
/// Such a notice prints page numbers, whose footer ends the text 6 pt higher.
pub(super) fn fits_with_attachment_line(page: &PageOne) -> bool {
    // The line is a 12 pt paragraph with 1.5 mm under it; the table's gap to the seal line
    // (0.4 pt) is not there.
    let line_pt = LINE_12_PT + 4.25;
    let bottom = PAGE_BOTTOM_PT - FOOTER_PT;
    before_table_pt(page) + line_pt + after_table_pt(page) + SAFETY_PT <= bottom
}

/// How much higher the text ends on a page with the page-number footer.
const FOOTER_PT: f32 = 6.0;

/// Lines of `text` at `pt` points in `width_mm`, its first line indented by `indent_em`.
fn lines(text: &str, width_mm: f32, pt: f32, indent_em: usize) -> f32 {
    let em_mm = pt * 0.3528;
    let indented = format!("{}{text}", "\u{3000}".repeat(indent_em));
    wrapped_lines(&indented, (width_mm / em_mm) as f64, 1.0) as f32
}

fn before_table_pt(page: &PageOne) -> f32 {
    let letterhead = lines(page.authority, TEXT_WIDTH_MM / LETTERHEAD_SPACING, 18.0, 0);
    let addressee = lines(page.addressee, TEXT_WIDTH_MM, 12.0, 0);
    let body = lines(page.body, TEXT_WIDTH_MM, 12.0, 2);
    TABLE_TOP_PT + (letterhead - 1.0) * LINE_18_PT + (addressee - 1.0 + body) * LINE_12_PT
}

fn after_table_pt(page: &PageOne) -> f32 {
    let small = |t: &str| lines(t, TEXT_WIDTH_MM, 10.5, 0);
    let cell = |texts: &[String], width_mm: f32| -> f32 {
        let n: f32 = texts
            .iter()
            .map(|t| lines(t, width_mm - 2.0, 10.5, 0))
            .sum();
        n.max(1.0) * TABLE_LINE_EM * 10.5 + ROW_PT
    };
    let seal = lines(page.seal, TEXT_WIDTH_MM, 12.0, 0);
    let receipt = lines(page.receipt, TEXT_WIDTH_MM, 12.0, 2);
    let cc = page
        .cc
        .map_or(0.0, |t| small(t) * LINE_10_5_PT + SMALL_GAP_PT);
    AFTER_TABLE_PT
        + (seal - 1.0) * LINE_12_PT
        + (small(page.contact) - 1.0) * LINE_10_5_PT
        + cc
        + (receipt - 2.0) * LINE_12_PT
        + (cell(page.promised, 136.0) - PROMISE_MIN_PT).max(0.0)
        + (cell(page.signed, 62.0) - SIGNED_MIN_PT).max(0.0)
        + (small(page.returned) - 1.0) * LINE_10_5_PT
}

/// Height of the hazard table at `pt` points, from its header text to the seal line's text:
/// the header row and each row take their most-wrapped cell's lines, plus padding.
fn table_pt(rows: &[[String; 3]], widths_mm: &[f32; 3], pt: f32) -> f32 {
    let em_mm = pt * 0.3528;
    let row_lines = |row: &[String; 3]| -> f32 {
        row.iter()
            .zip(widths_mm)
            .map(|(t, w)| {
                let room_em = (w - 2.0).max(em_mm) / em_mm;
                wrapped_lines(t, room_em as f64, 1.0) as f32
            })
            .fold(1.0, f32::max)
    };
    let lines: f32 = 1.0 + rows.iter().map(row_lines).sum::<f32>();
    lines * TABLE_LINE_EM * pt + (rows.len() as f32 + 1.0) * ROW_PT + 0.4
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDTHS: [f32; 3] = [21.0, 46.0, 41.0];
    const LONG: &str = "消防通道堵塞：现场检查发现该处长期未按规定落实，值班记录缺失，相关人员对处置流程不熟悉，存在较大安全隐患";
    const MEASURES: &str = "立即清理通道杂物，设置禁止占用标识，明确责任人每日巡查";

    fn row(i: usize, description: &str, measures: &str) -> [String; 3] {
        [
            format!("后勤科 / 三楼 {i}"),
            format!("{description}\n检查表外发现（消防）"),
            measures.to_string(),
        ]
    }

    fn body(n: usize) -> String {
        format!(
            "2026年11月2日，我单位对你单位开展安全生产督导检查，发现你单位存在下列安全生产隐患\
             （共{n}项）。请你单位按所列整改要求，于2026年11月30日前整改到位；整改完成前须落实\
             临时防范措施，确保安全；整改完成后将整改落实情况书面报送我单位。逾期未整改或整改不到\
             位的，将依照“四书”管理规定下发《安全生产隐患警示约谈告知书》。"
        )
    }

    fn page(body: &str) -> PageOne<'_> {
        PageOne {
            authority: "某某市卫生健康委员会",
            addressee: "市第一医院：",
            body,
            seal: "某某市卫生健康委员会（盖章）",
            contact: "联系人：李明　　联系电话：0371-12345678",
            cc: None,
            receipt: "今收到某某市卫生健康委员会《安全生产隐患整改通知书》（某卫安整〔2026〕T34-1号），\
                      所列隐患共2项，整改期限2026年11月30日。",
            promised: &[],
            signed: &[],
            returned: "请于签收后三日内将本回执交回某某市卫生健康委员会。",
        }
    }

    /// LibreOffice printed these one-page notices with the table's header text at 293.4 pt,
    /// the seal line 194.8 pt (two rows of five lines at 9 pt) or 105.8 pt (two rows of two
    /// lines at 10 pt) below it, and the last line ending at 752.4 and 663.4 pt.
    #[test]
    fn the_model_places_the_page_as_libreoffice_printed_it() {
        let b = body(2);
        let p = page(&b);
        assert!((before_table_pt(&p) - 293.4).abs() < 1.0);
        let long = [row(1, LONG, MEASURES), row(2, LONG, MEASURES)];
        assert!((table_pt(&long, &WIDTHS, 9.0) - 194.8).abs() < 1.0);
        let short = [
            row(1, "消防通道堵塞", "立即清理"),
            row(2, "消防通道堵塞", "立即清理"),
        ];
        assert!((table_pt(&short, &WIDTHS, 10.0) - 105.8).abs() < 1.0);
        let last = before_table_pt(&p) + table_pt(&long, &WIDTHS, 9.0) + after_table_pt(&p);
        assert!((last - 752.4).abs() < 1.5, "{last}");
    }

    /// Two long hazards fit at 9.5 pt (at 10 pt LibreOffice ran over the page by 3 pt); three
    /// did not fit at 9 pt (over by 34 pt) and go to a 附页.
    #[test]
    fn two_long_hazards_fit_and_three_go_to_the_attachment() {
        let b2 = body(2);
        let two = [row(1, LONG, MEASURES), row(2, LONG, MEASURES)];
        assert_eq!(fit_font(&two, &WIDTHS, &page(&b2)), Some(9.5));
        let b3 = body(3);
        let three = [
            row(1, LONG, MEASURES),
            row(2, LONG, MEASURES),
            row(3, LONG, MEASURES),
        ];
        assert_eq!(fit_font(&three, &WIDTHS, &page(&b3)), None);
    }

    #[test]
    fn a_cc_line_and_recorded_receipts_leave_less_room() {
        let b = body(2);
        let plain = page(&b);
        let promised = vec!["已安排专人清理，三日内完成".to_string(); 3];
        let busier = PageOne {
            cc: Some("某某市第一人民医院所属卫生健康行政部门"),
            promised: &promised,
            ..page(&b)
        };
        let more = after_table_pt(&busier) - after_table_pt(&plain);
        // One 抄送 line (20.9 pt) and a promise cell of three lines (62 pt, 37 pt minimum).
        assert!((more - (20.9 + 62.0 - 36.85)).abs() < 1.0, "{more}");
    }

    /// A long authority name wraps the letterhead, the seal line, the 回执's text and its last
    /// line; LibreOffice printed such a notice over one hazard onto two pages when the model
    /// left them out (stop 32).
    #[test]
    fn a_long_authority_name_takes_its_wrapped_lines_from_the_table() {
        let b = body(1);
        let short = page(&b);
        let name =
            "某某省某某市某某区卫生健康委员会安全生产工作领导小组办公室（某某区卫生健康监督所）";
        let seal = format!("{name}（盖章）");
        let returned = format!("请于签收后三日内将本回执交回{name}。");
        let long = PageOne {
            authority: name,
            seal: &seal,
            returned: &returned,
            ..page(&b)
        };
        let taken = before_table_pt(&long) + after_table_pt(&long)
            - before_table_pt(&short)
            - after_table_pt(&short);
        // A second letterhead line (33.4), seal line (22.25) and last line (19.5).
        assert!((taken - (33.4 + 22.25 + 19.48)).abs() < 1.0, "{taken}");
    }

    #[test]
    fn a_page_that_cannot_hold_even_the_attachment_line_is_known() {
        let b = body(1);
        assert!(fits_with_attachment_line(&page(&b)));
        let promised =
            vec!["我院承诺立即组织整改，落实主体责任，加强巡查，确保不再发生同类问题。".repeat(14)];
        let long = PageOne {
            promised: &promised,
            ..page(&b)
        };
        assert!(!fits_with_attachment_line(&long));
    }
}
