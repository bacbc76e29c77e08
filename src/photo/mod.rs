//! Photos as evidence (issue 18): reading a photo someone attaches, checking what it is by its
//! content, turning it upright, dropping every EXIF field (GPS, camera serial, owner) by
//! re-encoding the pixels, and making the small copy the forms embed. `Shelf` keeps the
//! results in the data dir, named by their SHA-256.
//!
//! Everything here reads hostile input: a file is refused by its size before any byte is read,
//! decoding runs under `image::Limits`, and no panic escapes (a decoder panic becomes an error).

mod shelf;

pub use shelf::{Inventory, SHELF_DIR, Shelf};

use crate::domain::PhotoRef;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};
use std::path::Path;

/// Default cap on a photo file as attached: 20 MB (a 48-megapixel phone JPEG is 8–15 MB).
/// `photo_max_mb` in config.toml changes it.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Largest edge of an image accepted, in pixels (a 200-megapixel sensor is 16,320 wide).
const MAX_EDGE: u32 = 20_000;

/// Memory the decoder may allocate for one photo: 20,000 × 12,000 RGB is 720 MB, so a
/// 512 MB ceiling keeps one decode well inside a laptop while covering every real camera.
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;

/// Longest edge of the small copy the forms and the ledger embed, in pixels.
pub const SMALL_EDGE: u32 = 480;

/// JPEG quality of the stored copy (visually lossless) and of the small copy.
const FULL_QUALITY: u8 = 90;
const SMALL_QUALITY: u8 = 72;

/// What a file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    /// HEIF/HEIC (iPhone): not decoded here; the user converts it to JPEG first.
    Heic,
    Other,
}

/// The kind of `head` (at least the first 12 bytes of a file), by magic numbers, never by the
/// file name.
pub fn sniff(head: &[u8]) -> Kind {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if head.len() >= 12
        && &head[4..8] == b"ftyp"
        && matches!(
            &head[8..12],
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"hevc"
        )
    {
        Kind::Heic
    } else {
        Kind::Other
    }
}

/// A photo made ready to keep: the stored copy (upright JPEG without metadata), its small copy,
/// and how an event names it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub photo: PhotoRef,
    pub full: Vec<u8>,
    pub small: Vec<u8>,
}

/// Reads the photo at `path` (at most `max_bytes`, refused before reading if larger) and
/// prepares it.
///
/// # Errors
/// A Chinese sentence naming the file: missing, not a regular file, too large, not JPEG/PNG by
/// content (HEIC asks for a conversion), or not decodable.
pub fn prepare_file(
    path: &Path,
    max_bytes: u64,
    stage: crate::domain::PhotoStage,
) -> Result<Prepared, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("照片 {shown} 无法读取：{e}"))?;
    if !meta.is_file() {
        return Err(format!("照片 {shown} 不是普通文件"));
    }
    if meta.len() > max_bytes {
        return Err(format!(
            "照片 {shown} 有 {}，超过每张照片的上限 {}（可在 config.toml 中设置 photo_max_mb）",
            human_size(meta.len()),
            human_size(max_bytes)
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(max_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("照片 {shown} 无法读取：{e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "照片 {shown} 超过每张照片的上限 {}",
            human_size(max_bytes)
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    prepare(&bytes, &name, stage).map_err(|why| format!("照片 {shown} {why}"))
}

/// Prepares photo `bytes` (named `name` for people): checks the kind by content, decodes under
/// limits, turns it upright by its EXIF orientation, and re-encodes it as JPEG without any
/// metadata, plus the small copy.
///
/// # Errors
/// Why the bytes are not a photo we keep, as a Chinese phrase (the caller names the file).
pub fn prepare(
    bytes: &[u8],
    name: &str,
    stage: crate::domain::PhotoStage,
) -> Result<Prepared, String> {
    let format = match sniff(bytes) {
        Kind::Jpeg if !jpeg_complete(bytes) => {
            return Err("不完整：JPEG 没有结束标记（文件被截断或未拷贝完）".into());
        }
        Kind::Jpeg => image::ImageFormat::Jpeg,
        Kind::Png => image::ImageFormat::Png,
        Kind::Heic => {
            return Err(
                "是 HEIC 格式：请先在手机或电脑上转换为 JPEG（如“兼容性最佳”或导出为 JPEG）再添加"
                    .into(),
            );
        }
        Kind::Other => return Err("不是 JPEG 或 PNG 图片（按文件内容判断，与扩展名无关）".into()),
    };
    let img = std::panic::catch_unwind(|| decode(bytes, format))
        .map_err(|_| "无法解码：图片数据损坏".to_string())??;
    let full = encode_jpeg(&img, FULL_QUALITY)?;
    let small = encode_jpeg(&img.thumbnail(SMALL_EDGE, SMALL_EDGE), SMALL_QUALITY)?;
    let photo = PhotoRef {
        hash: hash_hex(&full),
        stage,
        bytes: full.len() as u64,
        width: img.width(),
        height: img.height(),
        name: crate::domain::sanitize::escape(name)
            .chars()
            .take(120)
            .collect(),
    };
    Ok(Prepared { photo, full, small })
}

/// Whether a JPEG has its end marker (FF D9) after the start of its scan data (FF DA). Inside
/// the scan a data byte FF is always followed by 00, so FF D9 there is the real end; bytes a
/// phone appends after it (a motion photo's video) do not matter. A decoder fills a cut-short
/// scan with grey silently, which would keep half a photo as evidence.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let Some(sos) = bytes.windows(2).position(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9])
}

fn decode(bytes: &[u8], format: image::ImageFormat) -> Result<image::DynamicImage, String> {
    use image::ImageDecoder;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let bad = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => format!("尺寸过大（最长边上限 {MAX_EDGE} 像素）"),
        e => format!("无法解码：{e}"),
    };
    let mut decoder = reader.into_decoder().map_err(bad)?;
    // A damaged EXIF block is no reason to refuse the picture: it stays as taken.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(bad)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Decodes JPEG bytes (a stored or small copy) under the same limits as an attach, for a
/// screen to draw.
///
/// # Errors
/// Why not, as a Chinese phrase.
pub fn decode_jpeg(bytes: &[u8]) -> Result<image::DynamicImage, String> {
    std::panic::catch_unwind(|| decode(bytes, image::ImageFormat::Jpeg))
        .map_err(|_| "无法解码：图片数据损坏".to_string())?
}

/// JPEG bytes of `img` (RGB, no metadata segments at all).
fn encode_jpeg(img: &image::DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .map_err(|e| format!("无法生成 JPEG：{e}"))?;
    Ok(out)
}

/// The lower-case hex SHA-256 of `bytes`: a photo's name everywhere.
pub fn hash_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// "3.2 MB", "820 KB": sizes as people read them.
pub fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests;
