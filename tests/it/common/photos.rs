//! Photos made in code for the photo tests (issue 18): JPEGs with GPS and camera EXIF and an
//! orientation, PNGs, and noisy JPEGs of a chosen size. No binary fixtures.

use exif::{Field, In, Rational, Tag, Value};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A `w`×`h` picture: a gradient with a dark left column, so orientation shows in the pixels.
pub fn picture(w: u32, h: u32, seed: u8) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        if x < w / 8 {
            image::Rgb([0, 0, 0])
        } else {
            image::Rgb([(x % 251) as u8 ^ seed, (y % 241) as u8, 200])
        }
    })
}

pub fn jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(picture(w, h, 7))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The EXIF a phone writes: orientation, maker, model, owner, serial and a GPS position
/// (31°14′N 121°28′E, Shanghai).
pub fn phone_exif(orientation: u16) -> Vec<u8> {
    let r = |n: u32| Rational { num: n, denom: 1 };
    let fields = vec![
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"HUAWEI".to_vec()]),
        },
        Field {
            tag: Tag::Artist,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec!["王建国".as_bytes().to_vec()]),
        },
        Field {
            tag: Tag::BodySerialNumber,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"SN-8842-XY".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![r(31), r(14), r(0)]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![r(121), r(28), r(0)]),
        },
    ];
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    w.write(&mut tiff, false).unwrap();
    tiff.into_inner()
}

/// `jpeg` with an APP1 Exif segment holding `tiff` inserted after SOI.
pub fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let len = (2 + 6 + tiff.len()) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A phone photo: `w`×`h` pixels as stored, EXIF orientation `orientation`, GPS and owner.
pub fn phone_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    with_exif(&jpeg(&picture(w, h, 1), 90), &phone_exif(orientation))
}

/// A JPEG of noise of about `target` bytes (quality 100 noise is ~3 bytes per pixel).
pub fn noisy_jpeg(target: usize, seed: u64) -> Vec<u8> {
    let side = ((target as f64 / 2.9).sqrt()) as u32;
    let mut rng = fastrand::Rng::with_seed(seed);
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
    });
    jpeg(&img, 100)
}

/// EXIF fields of a JPEG file's bytes (empty when it has none).
pub fn exif_tags(bytes: &[u8]) -> Vec<Tag> {
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(e) => e.fields().map(|f| f.tag).collect(),
        Err(_) => Vec::new(),
    }
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
