//! Issue 18: photos drawn in the TUI detail where the terminal shows pictures. With a protocol
//! forced (half blocks, which a TestBackend can hold), the detail reserves a box beside the
//! fields, says 「加载照片…」 until the worker has encoded the small copy, then draws it with
//! its caption (stage, file name, who attached it and when); `]` shows the next photo. Without
//! pictures the detail keeps its list and `]` says why. Through the real keymap and runner.

use crate::common;
use crate::tui_support;

use common::photos::{phone_jpeg, write};
use tui_support::flow::hazard_detail;
use tui_support::*;
use xuncha::tui::app::Screen;
use xuncha::tui::photo_view::ViewImage;

/// The detail of a hazard with two photos attached through the photo screen, pictures on
/// (half blocks) when `images`.
fn detail_with_photos(images: bool) -> (Harness, tempfile::TempDir) {
    let card = tempfile::tempdir().unwrap();
    let dir = card.path().join("DCIM");
    write(&dir, "IMG_0001.JPG", &phone_jpeg(160, 120, 1));
    write(&dir, "IMG_0002.JPG", &phone_jpeg(120, 160, 1));
    let mut h = hazard_detail();
    h.tui.runner.config.photo_dir = Some(dir);
    if images {
        h.app.images = true;
        h.tui.runner.picker = Some(ratatui_image::picker::Picker::halfblocks());
    }
    press(&mut h, &["a", "space", "space", "ctrl-s"]);
    assert!(
        matches!(h.app.screen(), Screen::Detail(_)),
        "{:?}",
        h.app.message
    );
    (h, card)
}

fn view(h: &Harness) -> &xuncha::tui::photo_view::PhotoView {
    match h.app.screen() {
        Screen::Detail(d) => d.view.as_ref().expect("a photo is shown"),
        other => panic!("the detail expected, got {other:?}"),
    }
}

/// Cells drawn as half blocks (the picture) in a frame.
fn picture_cells(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> usize {
    t.backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.symbol() == "▀" || c.symbol() == "▄")
        .count()
}

#[test]
fn the_detail_draws_the_photo_with_its_caption_after_loading_it_on_the_worker() {
    let (mut h, _card) = detail_with_photos(true);
    let names: Vec<String> = tui_support::flow::first_finding(&h)
        .photos
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names.len(), 2);
    // Attaching drew the first photo already; leave and open the detail again, one effect at
    // a time, to see the box before the worker answers.
    press(&mut h, &["esc"]);
    let mut pending = press_unanswered(&mut h, "enter");
    let mut loading_seen = false;
    while let Some(e) = pending.pop() {
        let shows_photo = matches!(e, xuncha::tui::effects::Effect::ShowPhoto { .. });
        if shows_photo {
            let text = screen_text(&h, &draw(&h, 80, 24));
            assert!(text.contains("加载照片…"), "{text}");
            assert!(matches!(view(&h).image, ViewImage::Loading));
            loading_seen = true;
        }
        let answer = h.tui.runner.run(e, now());
        pending.extend(xuncha::tui::update::update(&mut h.app, answer));
    }
    assert!(
        loading_seen,
        "the photo was encoded by an effect, not in a frame"
    );
    assert!(matches!(view(&h).image, ViewImage::Ready(_)));

    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("photo_view_halfblocks_80x24", text);
    assert!(text.contains("照片 1/2"), "{text}");
    assert!(text.contains(&format!("整改前 {}", names[0])), "{text}");
    assert!(text.contains("王检查 11-22 09:00"), "{text}");
    assert!(
        picture_cells(&t) > 100,
        "the picture fills its box:\n{text}"
    );
    // The list stays beside it, numbered, with `o` for the viewer.
    assert!(text.contains("照片：2 张"), "{text}");

    press(&mut h, &["]"]);
    let text = screen_text(&h, &draw(&h, 120, 40));
    assert!(text.contains("照片 2/2"), "{text}");
    assert!(text.contains(&format!("整改前 {}", names[1])), "{text}");
    assert!(matches!(view(&h).image, ViewImage::Ready(_)));
    press(&mut h, &["]"]);
    assert_eq!(view(&h).index, 0, "round the end");
    press(&mut h, &["["]);
    assert_eq!(view(&h).index, 1);

    // Taking the photo shown off the hazard shows the one left.
    press(&mut h, &["d"]);
    type_text(&mut h, "2 拍错隐患");
    press(&mut h, &["enter"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("照片 1/1"), "{text}");
    assert!(text.contains(&names[0]), "{text}");
}

#[test]
fn a_photo_not_synced_yet_says_so_in_the_box() {
    let (mut h, _card) = detail_with_photos(true);
    let f = tui_support::flow::first_finding(&h);
    std::fs::remove_file(
        h.data_dir()
            .join("photos")
            .join(format!("{}.jpg", f.photos[0].hash)),
    )
    .unwrap();
    press(&mut h, &["esc", "enter"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("照片未同步"), "{text}");
    assert!(matches!(view(&h).image, ViewImage::Missing(_)));
}

#[test]
fn without_pictures_the_detail_keeps_the_list_and_draws_no_box() {
    let (mut h, _card) = detail_with_photos(false);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("照片：2 张"), "{text}");
    assert!(text.contains("按 o 逐张打开"), "{text}");
    assert!(!text.contains("照片 1/2"), "{text}");
    assert_eq!(picture_cells(&t), 0);
    press(&mut h, &["]"]);
    let msg = h
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(msg.contains("此终端不显示图片"), "{msg}");
}
