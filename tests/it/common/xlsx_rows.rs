//! What an XLSX holds that calamine does not read back: a worksheet's XML, its explicit row
//! heights (a wrapped text in a row without one prints over the rows below) and its page setup.

use std::io::Read;
use std::path::Path;

/// The XML of worksheet `sheet` (1-based, in workbook order).
pub fn sheet_xml(xlsx: &Path, sheet: usize) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name(&format!("xl/worksheets/sheet{sheet}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The explicit row heights of one worksheet, by 1-based row number, from the sheet's XML.
pub fn row_heights(xlsx: &Path, sheet: usize) -> std::collections::BTreeMap<u32, f64> {
    let xml = sheet_xml(xlsx, sheet);
    let mut out = std::collections::BTreeMap::new();
    for row in xml.split("<row ").skip(1) {
        let head = &row[..row.find('>').unwrap()];
        let attr = |name: &str| {
            head.split(&format!("{name}=\"")[..])
                .nth(1)
                .map(|t| t[..t.find('"').unwrap()].to_string())
        };
        let r: u32 = attr("r").unwrap().parse().unwrap();
        if let Some(ht) = attr("ht") {
            assert_eq!(attr("customHeight").as_deref(), Some("1"), "row {r}");
            out.insert(r, ht.parse().unwrap());
        }
    }
    out
}

/// Whether the sheet prints every column on one page across (fit to 1 page wide).
pub fn fits_one_page_wide(xlsx: &Path, sheet: usize) -> bool {
    let xml = sheet_xml(xlsx, sheet);
    xml.contains("fitToPage=\"1\"") && !xml.contains("fitToWidth=\"0\"")
}
