use super::*;
use crate::domain::PhotoStage;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn kinds_are_told_by_content() {
    assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Kind::Jpeg);
    assert_eq!(sniff(&png(2, 2)), Kind::Png);
    assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Kind::Heic);
    assert_eq!(sniff("整改前照片.jpg".as_bytes()), Kind::Other);
}

#[test]
fn a_png_becomes_an_upright_jpeg_with_a_small_copy() {
    let p = prepare(&png(1200, 600), "配电室.png", PhotoStage::Before).unwrap();
    assert_eq!(sniff(&p.full), Kind::Jpeg);
    assert_eq!((p.photo.width, p.photo.height), (1200, 600));
    assert_eq!(p.photo.hash, hash_hex(&p.full));
    assert_eq!(p.photo.bytes, p.full.len() as u64);
    let small = image::load_from_memory(&p.small).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (SMALL_EDGE, SMALL_EDGE / 2)
    );
}

#[test]
fn text_heic_and_broken_images_are_refused_with_a_reason() {
    let text = prepare("这不是照片".as_bytes(), "a.jpg", PhotoStage::Before).unwrap_err();
    assert!(text.contains("不是 JPEG 或 PNG"), "{text}");
    let heic = prepare(b"\0\0\0\x18ftypheic\0\0\0\0", "a.heic", PhotoStage::Before).unwrap_err();
    assert!(heic.contains("HEIC"), "{heic}");
    let mut cut = png(300, 300);
    cut.truncate(cut.len() / 2);
    let broken = prepare(&cut, "a.png", PhotoStage::Before).unwrap_err();
    assert!(broken.contains("解码"), "{broken}");
}

#[test]
fn sizes_read_as_people_say_them() {
    assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    assert_eq!(human_size(1500), "2 KB");
}
