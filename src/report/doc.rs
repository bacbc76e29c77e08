//! A small page-document model for the printed forms (整改表, the 四书 notices): paragraphs,
//! ruled tables with repeated header rows, a cut line, and a page-number footer. One model,
//! two writers: ODT (what LibreOffice, WPS and Word print page-exact) and HTML (for a
//! browser). Sizes are in millimetres and points, as on paper.

/// A whole document on A4 portrait.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The file's title (document properties, the HTML <title>).
    pub title: String,
    /// The file's author: the organisation.
    pub author: String,
    /// "第N页 共M页" centred at the foot of every page.
    pub page_numbers: bool,
    pub blocks: Vec<Block>,
}

/// Paragraph looks, shared by both writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The issuing authority as a letterhead: large, bold, centred, red.
    Authority,
    /// The document title: 黑体 18 pt, centred.
    Title,
    /// Centred 12 pt (the 文号 line).
    Center,
    /// A body paragraph with a two-character first-line indent.
    Body,
    /// Left-aligned 12 pt with no indent (addressee, 抄送).
    Plain,
    /// Right-aligned (seal and date block).
    Right,
    /// Small print, 10.5 pt.
    Small,
    /// The dashed tear-off line of a 回执.
    Cut,
}

#[derive(Debug, Clone)]
pub enum Block {
    P(Style, String),
    Table(Table),
    /// Vertical space, in millimetres.
    Space(f32),
    /// What follows starts on a new page (a notice's 附页).
    PageBreak,
    /// The hazards' photos, 整改前 and 整改后 side by side (issue 18). HTML shows the small
    /// copies; ODT lists how many there are.
    Photos(Vec<super::photos::PhotoRow>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

/// One cell: paragraphs of text, a column span, and a height it keeps even when empty (ruled
/// space for handwriting).
#[derive(Debug, Clone)]
pub struct Cell {
    pub lines: Vec<String>,
    pub span: usize,
    pub align: Align,
    pub bold: bool,
    /// Minimum height in millimetres (0: as the text needs).
    pub min_mm: f32,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell {
            lines: vec![t.into()],
            span: 1,
            align: Align::Left,
            bold: false,
            min_mm: 0.0,
        }
    }
    pub fn center(t: impl Into<String>) -> Cell {
        Cell {
            align: Align::Center,
            ..Cell::text(t)
        }
    }
    pub fn head(t: impl Into<String>) -> Cell {
        Cell {
            bold: true,
            ..Cell::center(t)
        }
    }
    pub fn lines(lines: Vec<String>) -> Cell {
        Cell {
            lines,
            ..Cell::text("")
        }
    }
    pub fn span(mut self, n: usize) -> Cell {
        self.span = n.max(1);
        self
    }
    pub fn min_mm(mut self, mm: f32) -> Cell {
        self.min_mm = mm;
        self
    }
}

/// A ruled table. `header` rows repeat at the top of every page the table runs onto.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column widths in millimetres; they should add up to the text width (170 mm).
    pub widths: Vec<f32>,
    pub header: Vec<Vec<Cell>>,
    pub rows: Vec<Vec<Cell>>,
    /// Text size in points for the cells.
    pub font_pt: f32,
}

/// The text width of A4 with the margins both writers use (20 mm each side).
pub const TEXT_WIDTH_MM: f32 = 170.0;
pub const MARGIN_SIDE_MM: f32 = 20.0;
pub const MARGIN_TOP_MM: f32 = 15.0;
pub const MARGIN_BOTTOM_MM: f32 = 13.0;

/// Escapes text for XML and HTML content and attributes; control characters and bidi
/// overrides are shown as visible escapes first (`domain::sanitize::escape`).
pub fn esc(s: &str) -> String {
    let s = crate::domain::sanitize::escape(s);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
