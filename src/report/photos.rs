//! Photos in the exports (issue 18): the 照片 block of the printed forms (整改前 and 整改后 side
//! by side, small copies) and the 照片 sheet of the XLSX ledger. The bytes come from the data
//! dir's `photo::Shelf`; a photo that has not arrived by sync reads 「照片未同步」.

use super::doc::Block;
use crate::domain::{Finding, PhotoRef, PhotoStage};
use crate::photo::Shelf;

/// One photo as a form shows it: the small JPEG (None: not here yet) and its caption.
#[derive(Debug, Clone)]
pub struct Shot {
    pub small: Option<Vec<u8>>,
    pub caption: String,
}

/// One hazard's photos in the form's 照片 block.
#[derive(Debug, Clone)]
pub struct PhotoRow {
    /// 隐患编号 (or the short id) and the hazard, as the row's first cell.
    pub label: String,
    pub before: Vec<Shot>,
    pub after: Vec<Shot>,
    /// How many photos of each stage the hazard has (more than are shown).
    pub counts: [usize; 2],
}

/// Photos per stage on one form row; more are counted, not shown (the page stays readable).
pub const SHOTS_PER_STAGE: usize = 3;

/// The 照片 block for `findings` (label of each), or None when none of them has a photo.
pub fn block(shelf: Option<&Shelf>, findings: &[(String, &Finding)]) -> Option<Block> {
    let rows: Vec<PhotoRow> = findings
        .iter()
        .filter(|(_, f)| !f.photos.is_empty())
        .map(|(label, f)| PhotoRow {
            label: label.clone(),
            before: shots(shelf, &f.photos, PhotoStage::Before),
            after: shots(shelf, &f.photos, PhotoStage::After),
            counts: [PhotoStage::Before, PhotoStage::After]
                .map(|st| f.photos.iter().filter(|p| p.stage == st).count()),
        })
        .collect();
    (!rows.is_empty()).then_some(Block::Photos(rows))
}

fn shots(shelf: Option<&Shelf>, photos: &[PhotoRef], stage: PhotoStage) -> Vec<Shot> {
    let of_stage: Vec<&PhotoRef> = photos.iter().filter(|p| p.stage == stage).collect();
    let mut out: Vec<Shot> = of_stage
        .iter()
        .take(SHOTS_PER_STAGE)
        .map(|p| {
            let small = shelf.and_then(|s| s.small(&p.hash));
            Shot {
                caption: if small.is_some() {
                    format!("{}×{}", p.width, p.height)
                } else {
                    "照片未同步".to_string()
                },
                small,
            }
        })
        .collect();
    if of_stage.len() > SHOTS_PER_STAGE {
        out.push(Shot {
            small: None,
            caption: format!("另有 {} 张，见电子台账", of_stage.len() - SHOTS_PER_STAGE),
        });
    }
    out
}

/// The XLSX ledger's photo sheet.
pub const SHEET: &str = "照片";

/// Photos embedded in one XLSX ledger; beyond this the rows name the file without the picture
/// (each small copy is ~30 KB held in memory until the workbook is written).
pub const MAX_SHEET_PHOTOS: usize = 2000;

/// Fills the 照片 sheet: one row per photo (隐患编号, 单位, 问题隐患, 阶段, the small copy,
/// and 照片未同步 or its file name). `formats` are header, text and centred cells.
///
/// # Errors
/// The writer's error.
pub fn sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    ledger: &super::ledger::Ledger,
    shelf: &Shelf,
    formats: [&rust_xlsxwriter::Format; 3],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let [header, text, center] = formats;
    let heads = [
        ("隐患编号", 21.0),
        ("单位", 22.0),
        ("问题隐患", 40.0),
        ("阶段", 8.0),
        ("照片", 26.0),
        ("说明", 30.0),
    ];
    for (c, (h, w)) in heads.iter().enumerate() {
        ws.write_with_format(0, c as u16, *h, header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    let mut embedded = 0usize;
    for r in ledger.rows_of(&ledger.photo_rows) {
        let r = r.map_err(rust_xlsxwriter::XlsxError::ParameterError)?;
        for p in &r.photos {
            ws.write_with_format(row, 0, &r.number, center)?;
            ws.write_with_format(row, 1, &r.facility, text)?;
            ws.write_with_format(row, 2, &r.description, text)?;
            ws.write_with_format(row, 3, p.stage.label(), center)?;
            let small = (embedded < MAX_SHEET_PHOTOS)
                .then(|| shelf.small(&p.hash))
                .flatten();
            let note = match small {
                Some(jpeg) => {
                    let img = rust_xlsxwriter::Image::new_from_buffer(&jpeg)?
                        .set_alt_text(format!("{} {}", r.number, p.stage.label()));
                    ws.set_row_height(row, 100.0)?;
                    ws.insert_image_fit_to_cell(row, 4, &img, true)?;
                    embedded += 1;
                    format!("{}（{}×{}）", p.name, p.width, p.height)
                }
                None if shelf.has(&p.hash) => {
                    format!("照片较多，未嵌入：{}", shelf.path(&p.hash).display())
                }
                None => "照片未同步".to_string(),
            };
            ws.write_with_format(
                row,
                5,
                crate::domain::sanitize::escape(&note).as_ref(),
                text,
            )?;
            row += 1;
        }
    }
    Ok(())
}
