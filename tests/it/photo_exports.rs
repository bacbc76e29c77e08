//! Issue 18, point 3, through the binary: the HTML 整改通知书 and 整改表 embed the photos
//! (整改前 and 整改后 side by side, small copies as data: URIs, checked by parsing), and the
//! XLSX ledger holds them in its 照片 sheet (read back with calamine and from xl/media).

use crate::common;

use base64::Engine;
use calamine::{Reader, Xlsx, open_workbook};
use common::Env;
use common::photos::{phone_jpeg, png, write};
use std::io::Read;

/// A hazard with one 整改前 and one 整改后 photo, escalated to a notice, and a second hazard
/// whose photo has not arrived (its file removed from the data dir).
fn setup(env: &Env) -> (String, String, String) {
    let insp = env.start("南湖医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "配电室门口堆放纸箱，堵塞消防通道");
    let pics = env.tmp.path().join("pics");
    env.ok(&[
        "finding",
        "attach",
        &id,
        write(&pics, "前.jpg", &phone_jpeg(1600, 1200, 1))
            .to_str()
            .unwrap(),
    ]);
    env.ok(&["finding", "escalate", &id]);
    env.ok(&[
        "finding",
        "attach",
        &id,
        write(&pics, "后.png", &png(800, 600)).to_str().unwrap(),
        "--stage",
        "after",
    ]);
    let id2 = env.add_finding(&insp, "fire", "灭火器压力不足");
    let v: serde_json::Value = serde_json::from_str(
        &env.ok(&[
            "--json",
            "finding",
            "attach",
            &id2,
            write(&pics, "未到.jpg", &phone_jpeg(300, 200, 1))
                .to_str()
                .unwrap(),
        ]),
    )
    .unwrap();
    let hash = v[0]["hash"].as_str().unwrap().to_string();
    let photos = env.data().join("photos");
    std::fs::remove_file(photos.join(format!("{hash}.jpg"))).unwrap();
    std::fs::remove_file(photos.join("small").join(format!("{hash}.jpg"))).unwrap();
    (insp, id, id2)
}

/// The photo table's rows: (first cell text, 整改前 images, 整改后 images, cell texts), each
/// image decoded from its data: URI.
fn photo_rows(
    html: &str,
) -> Vec<(
    String,
    Vec<image::DynamicImage>,
    Vec<image::DynamicImage>,
    String,
)> {
    let start = html.find("<table class=\"photos\"").expect("a photo table");
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = table.split("<tbody>").nth(1).unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td").skip(1).collect();
            assert_eq!(cells.len(), 3, "{row}");
            let imgs = |cell: &str| -> Vec<image::DynamicImage> {
                cell.split("src=\"data:image/jpeg;base64,")
                    .skip(1)
                    .map(|s| {
                        let b64 = &s[..s.find('"').unwrap()];
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(b64)
                            .unwrap();
                        image::load_from_memory(&bytes).unwrap()
                    })
                    .collect()
            };
            let text = |cell: &str| -> String {
                let mut out = String::new();
                let mut inside = false;
                for c in cell.chars() {
                    match c {
                        '<' => inside = true,
                        '>' => inside = false,
                        c if !inside => out.push(c),
                        _ => {}
                    }
                }
                out
            };
            (text(cells[0]), imgs(cells[1]), imgs(cells[2]), text(row))
        })
        .collect()
}

#[test]
fn the_notice_and_the_form_show_before_and_after_side_by_side() {
    let env = Env::new();
    let (insp, id, _) = setup(&env);
    let notice = env.tmp.path().join("通知书.html");
    env.ok(&[
        "export",
        "--format",
        "html",
        "--finding",
        &id,
        "--out",
        notice.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&notice).unwrap();
    assert!(html.contains("附：隐患照片"));
    let rows = photo_rows(&html);
    assert_eq!(rows.len(), 1, "one hazard on this notice");
    let (label, before, after, _) = &rows[0];
    assert!(label.contains("配电室门口堆放纸箱"), "{label}");
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    // Small copies: 1600×1200 becomes at most 480 on its long edge.
    assert_eq!((before[0].width(), before[0].height()), (480, 360));
    assert_eq!((after[0].width(), after[0].height()), (480, 360));

    let form = env.tmp.path().join("整改表.html");
    env.ok(&[
        "export",
        "--format",
        "html",
        "--inspection",
        &insp,
        "--out",
        form.to_str().unwrap(),
    ]);
    let rows = photo_rows(&std::fs::read_to_string(&form).unwrap());
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].1.len(), rows[0].2.len()), (1, 1));
    let (label, before, after, text) = &rows[1];
    assert!(label.contains("灭火器压力不足"), "{label}");
    assert!(before.is_empty() && after.is_empty());
    assert!(text.contains("照片未同步"), "{text}");

    // The ODT print keeps its pages: no photo block there.
    let odt = env.tmp.path().join("整改表.odt");
    env.ok(&[
        "export",
        "--format",
        "odt",
        "--inspection",
        &insp,
        "--out",
        odt.to_str().unwrap(),
    ]);
}

#[test]
fn the_xlsx_ledger_holds_the_photos_in_a_sheet() {
    let env = Env::new();
    let (_, _, _) = setup(&env);
    let out = env.tmp.path().join("台账.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut media = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().unwrap().starts_with("xl/media/") {
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            media.push(image::load_from_memory(&bytes).unwrap());
        }
    }
    assert_eq!(media.len(), 2, "the two photos that are here");
    assert!(media.iter().all(|m| m.width() <= 480 && m.height() <= 480));

    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert!(
        book.sheet_names().contains(&"照片".to_string()),
        "{:?}",
        book.sheet_names()
    );
    let sheet = book.worksheet_range("照片").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0],
        ["隐患编号", "单位", "问题隐患", "阶段", "照片", "说明"]
    );
    assert_eq!(rows.len(), 4, "{rows:?}");
    let stages: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    assert!(
        stages.contains(&"整改前") && stages.contains(&"整改后"),
        "{stages:?}"
    );
    let waiting: Vec<&Vec<String>> = rows.iter().filter(|r| r[5] == "照片未同步").collect();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0][2], "灭火器压力不足");
    assert!(
        rows.iter().any(|r| r[5].starts_with("前.jpg（1600×1200）")),
        "{rows:?}"
    );
}
