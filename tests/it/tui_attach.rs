//! Issue 18, point 1, in the TUI: photos attached from a hazard's detail (`a`) with the folder
//! picker (newest first, name, time, size; Space marks several), by a typed path with Tab
//! completion, and from the hazard form (Ctrl-o, attached as 整改前 once saved); a renamed text
//! file refused in Chinese naming it with nothing attached; the folder remembered in the
//! config file; 整改后 after 整改. All through the real keymap and runner (the same op as
//! `xuncha finding attach`), with snapshots at 80x24.

use crate::common;
use crate::tui_support;

use common::photos::{noisy_jpeg, phone_jpeg, write};
use std::path::{Path, PathBuf};
use tui_support::flow::{hazard_detail, save_form};
use tui_support::script::{Script, When, key};
use tui_support::*;
use xuncha::domain::PhotoStage;
use xuncha::tui::app::{App, Screen};

/// Sets a file's modification time to `secs` after 2026-11-22 08:00 (+08:00).
fn taken_at(p: &Path, secs: u64) {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_305_600 + secs);
    std::fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// A camera card's folder: three photos a minute apart, a text file named like a photo, a
/// sub-folder and a file the picker does not list.
fn camera(root: &Path) -> PathBuf {
    let dir = root.join("DCIM").join("100CANON");
    for (i, name) in ["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"]
        .iter()
        .enumerate()
    {
        let p = write(&dir, name, &phone_jpeg(160 + i as u32 * 8, 120, 1));
        taken_at(&p, i as u64 * 60);
    }
    let fake = write(
        &dir,
        "IMG_0004.JPG",
        "这不是照片，只是改了扩展名".as_bytes(),
    );
    taken_at(&fake, 240);
    write(&dir, "清单.txt", b"x");
    std::fs::create_dir_all(dir.join("备份")).unwrap();
    dir
}

/// A harness with one open hazard, its detail on screen, the picker set to open at `dir`.
fn detail_with_hazard(dir: &Path) -> Harness {
    let mut h = hazard_detail();
    h.tui.runner.config.photo_dir = Some(dir.to_path_buf());
    h
}

fn finding(h: &Harness) -> xuncha::domain::Finding {
    h.tui
        .runner
        .ctx
        .raw_store()
        .all_findings()
        .next()
        .unwrap()
        .unwrap()
}

/// The screen at 80x24 with the temp folder's path masked.
fn shown(h: &Harness, root: &Path) -> String {
    screen_text(h, &draw(h, 80, 24)).replace(&root.display().to_string(), "<卡>")
}

fn attach_error(h: &Harness) -> Option<String> {
    match h.app.screen() {
        Screen::Attach(s) => s.error.clone(),
        other => panic!("the photo screen expected, got {other:?}"),
    }
}

#[test]
fn picker_marks_several_newest_first_and_attaches_them_before_rectification() {
    let card = tempfile::tempdir().unwrap();
    let dir = camera(card.path());
    // The picker opens where it was last (the card's DCIM); Enter goes into 100CANON.
    let mut h = detail_with_hazard(dir.parent().unwrap());
    press(&mut h, &["a", "j", "enter"]);
    let text = shown(&h, card.path());
    insta::assert_snapshot!("attach_picker_80x24", text);
    // Newest first: the text file named like a photo is listed (content decides at attach),
    // the .txt is not; the sub-folder and `..` come first.
    let order: Vec<usize> = ["备份/", "IMG_0004", "IMG_0003", "IMG_0002", "IMG_0001"]
        .iter()
        .map(|n| {
            text.find(n)
                .unwrap_or_else(|| panic!("{n} listed:\n{text}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("清单.txt"), "{text}");

    // Past the text file, mark the next two, attach.
    press(&mut h, &["j", "space", "space", "ctrl-s"]);
    assert!(
        matches!(h.app.screen(), Screen::Detail(_)),
        "{:?}",
        h.app.message
    );
    let f = finding(&h);
    let names: Vec<(&str, PhotoStage)> = f
        .photos
        .iter()
        .map(|p| (p.name.as_str(), p.stage))
        .collect();
    assert_eq!(
        names,
        [
            ("IMG_0003.JPG", PhotoStage::Before),
            ("IMG_0002.JPG", PhotoStage::Before)
        ]
    );
    let text = shown(&h, card.path());
    assert!(text.contains("照片：2 张"), "{text}");
    assert!(text.contains("已添加 2 张整改前照片"), "{text}");
    // The folder the photos came from is remembered for next time.
    let config = std::fs::read_to_string(h.config_dir().join("config.toml")).unwrap();
    let remembered = std::fs::canonicalize(&dir).unwrap();
    assert!(
        config.contains(&format!("photo_dir = \"{}\"", remembered.display())),
        "{config}"
    );
}

#[test]
fn a_renamed_text_file_is_refused_by_name_and_nothing_is_attached() {
    let card = tempfile::tempdir().unwrap();
    let dir = camera(card.path());
    let mut h = detail_with_hazard(&dir);
    // IMG_0003 marked, then the fake IMG_0004 with it: one refused file keeps both out.
    press(&mut h, &["a", "j", "space", "k", "k", "space", "ctrl-s"]);
    let err = attach_error(&h).expect("a refusal");
    assert!(err.contains("IMG_0004.JPG"), "{err}");
    assert!(err.contains("不是 JPEG 或 PNG 图片"), "{err}");
    assert!(err.contains("未添加任何照片"), "{err}");
    insta::assert_snapshot!("attach_refused_80x24", shown(&h, card.path()));
    assert!(finding(&h).photos.is_empty());
    let shelf = h.data_dir().join("photos");
    let kept = std::fs::read_dir(&shelf).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "nothing written to {}", shelf.display());
    // Esc leaves the picker with nothing attached.
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Detail(_)));
}

#[test]
fn a_typed_path_completes_with_tab_and_after_rectification_photos_are_after() {
    let card = tempfile::tempdir().unwrap();
    let dir = camera(card.path());
    let mut h = detail_with_hazard(&card.path().join("nowhere"));
    press(&mut h, &["r"]);
    type_text(&mut h, "已清理");
    press(&mut h, &["enter"]);
    // A remembered folder that is gone: the picker opens somewhere that exists.
    press(&mut h, &["a", "/", "ctrl-u"]);
    type_text(&mut h, &format!("{}/DC", card.path().display()));
    press(&mut h, &["tab"]);
    let path = |h: &Harness| match h.app.screen() {
        Screen::Attach(s) => s.path.text().to_string(),
        _ => panic!("photo screen"),
    };
    assert_eq!(path(&h), format!("{}/DCIM/", card.path().display()));
    type_text(&mut h, "1");
    press(&mut h, &["tab"]);
    assert_eq!(
        path(&h),
        format!("{}/DCIM/100CANON/", card.path().display())
    );
    type_text(&mut h, "IMG");
    press(&mut h, &["tab"]);
    assert_eq!(path(&h), format!("{}/IMG_000", dir.display()));
    type_text(&mut h, "1.JPG");
    press(&mut h, &["enter"]);
    let f = finding(&h);
    assert_eq!(f.photos.len(), 1, "{:?}", h.app.message);
    assert_eq!(f.photos[0].stage, PhotoStage::After);
    assert_eq!(f.photos[0].name, "IMG_0001.JPG");
    assert!(matches!(h.app.screen(), Screen::Detail(_)));
}

#[test]
fn photos_chosen_in_the_hazard_form_are_attached_as_before_once_it_is_saved() {
    let card = tempfile::tempdir().unwrap();
    let dir = camera(card.path());
    let mut h = harness(0);
    h.tui.runner.config.photo_dir = Some(dir.clone());
    start_inspection(&mut h, "南湖镇卫生院", "key_site");
    press(&mut h, &["f", "ctrl-o"]);
    // Newest photo first (the fake is under the cursor): take the two below it.
    press(&mut h, &["j", "space", "space", "ctrl-s"]);
    assert!(matches!(h.app.screen(), Screen::Form(_)));
    let text = shown(&h, card.path());
    insta::assert_snapshot!("attach_form_with_photos_80x24", text);
    assert!(text.contains("整改前照片：2 张"), "{text}");
    assert!(finding_count(&h) == 0, "nothing saved before Ctrl-s");
    save_form(&mut h);
    let f = finding(&h);
    assert_eq!(f.photos.len(), 2, "{:?}", h.app.message);
    assert!(f.photos.iter().all(|p| p.stage == PhotoStage::Before));
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
}

fn finding_count(h: &Harness) -> usize {
    h.tui.runner.ctx.raw_store().all_findings().count()
}

#[test]
fn esc_while_photos_are_attached_stops_with_nothing_attached() {
    let card = tempfile::tempdir().unwrap();
    let dir = card.path().join("导入");
    for i in 0..20u64 {
        let p = write(&dir, &format!("IMG_{i:04}.JPG"), &noisy_jpeg(2_000_000, i));
        taken_at(&p, i * 60);
    }
    let h = detail_with_hazard(&dir);
    let Harness {
        tui,
        mut app,
        dir: data,
    } = h;
    let shelf = data.path().join("data").join("photos");
    let running = |a: &App| {
        a.busy.as_ref().is_some_and(|b| {
            b.what.starts_with("正在添加照片") && b.progress.is_some_and(|p| p.0 >= 1)
        })
    };
    let mut mark_all: Vec<_> = (0..20).map(|_| key("space")).collect();
    mark_all.push(key("ctrl-s"));
    let listed = |a: &App| matches!(a.screen(), Screen::Attach(s) if s.folder.is_some());
    let stopped = |a: &App| {
        a.busy.is_none()
            && matches!(a.screen(), Screen::Attach(s) if s.error.as_deref().is_some_and(|e| e.contains("已取消")))
    };
    let mut script = Script::new(vec![
        (
            Box::new(|a: &App| matches!(a.screen(), Screen::Detail(_))) as When,
            vec![key("a")],
        ),
        (Box::new(listed), mark_all),
        (Box::new(running), vec![key("esc")]),
        (Box::new(stopped), vec![key("ctrl-c")]),
    ]);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    tui.run_from(&mut terminal, &mut app, &mut script).unwrap();
    assert!(
        script.steps.is_empty(),
        "the script ran to its end: {} steps left, screen {:?}",
        script.steps.len(),
        app.screen()
    );
    assert!(
        script
            .busy_seen
            .iter()
            .any(|w| w.starts_with("正在添加照片")),
        "{:?}",
        script.busy_seen
    );
    let Screen::Attach(s) = app.screen() else {
        panic!("still on the photo screen")
    };
    assert_eq!(s.error.as_deref(), Some("已取消，未添加任何照片"));
    assert_eq!(s.marked.len(), 20, "the marks stay for another try");
    // Nothing attached, no file kept.
    let store = open_store(&data.path().join("data"));
    let f = store.all_findings().next().unwrap().unwrap();
    assert!(f.photos.is_empty());
    let kept = std::fs::read_dir(&shelf).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "no photo file in {}", shelf.display());
}

#[test]
fn a_photo_is_removed_from_the_detail_with_a_reason() {
    let card = tempfile::tempdir().unwrap();
    let dir = camera(card.path());
    let mut h = detail_with_hazard(&dir);
    press(&mut h, &["a", "j", "space", "space", "ctrl-s"]);
    assert_eq!(finding(&h).photos.len(), 2);
    // Without a reason the prompt refuses; with one, photo 1 goes and the history says so.
    press(&mut h, &["d"]);
    type_text(&mut h, "1");
    press(&mut h, &["enter"]);
    assert_eq!(
        finding(&h).photos.len(),
        2,
        "nothing removed without a reason"
    );
    type_text(&mut h, " 拍错隐患");
    press(&mut h, &["enter"]);
    let f = finding(&h);
    let names: Vec<&str> = f.photos.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["IMG_0002.JPG"]);
    let text = screen_text(&h, &draw(&h, 120, 40));
    assert!(text.contains("照片：1 张"), "{text}");
    assert!(text.contains("移除照片（整改前）"), "{text}");
    assert!(text.contains("已移除第 1 张照片"), "{text}");
}

#[test]
fn a_failure_instead_of_the_attach_result_leaves_the_photo_screen_usable() {
    let card = tempfile::tempdir().unwrap();
    let dir = camera(card.path());
    let mut h = detail_with_hazard(&dir);
    press(&mut h, &["a", "j", "space"]);
    let effects = press_unanswered(&mut h, "ctrl-s");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, xuncha::tui::effects::Effect::AttachPhotos { .. })),
        "{effects:?}"
    );
    assert!(matches!(h.app.screen(), Screen::Attach(s) if s.running));
    // The worker answers with a plain failure (the hazard could not be read back).
    let failure = "无法读取该隐患：存储出错".to_string();
    h.tui
        .dispatch(&mut h.app, xuncha::tui::action::Action::Failed(failure));
    assert!(h.app.busy.is_none(), "the status line stops its spinner");
    let err = attach_error(&h).expect("the failure is shown on the photo screen");
    assert!(err.contains("无法读取该隐患：存储出错"), "{err}");
    assert!(err.contains("未添加任何照片"), "{err}");
    // Keys act again: another mark, then Esc back to the detail.
    press(&mut h, &["space"]);
    assert!(matches!(h.app.screen(), Screen::Attach(s) if s.marked.len() == 2));
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Detail(_)));
}
