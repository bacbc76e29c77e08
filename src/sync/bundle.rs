//! The bundle file: `magic(8) | version(u16 LE) | origin(16) | public key(32) | first(u64 LE) |
//! last(u64 LE) | count(u64 LE) | count stored records | sha256 of everything before it (32)`.
//! Records are `store::Record` bytes exactly as stored, so their signatures travel intact.

use crate::store::Record;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const MAGIC: &[u8; 8] = b"XUNCHA\0B";
pub const VERSION: u16 = 1;
const HEADER_LEN: usize = 8 + 2 + 16 + 32 + 8 + 8 + 8;
const FOOTER_LEN: usize = 32;
pub const EXTENSION: &str = ".bundle";

/// A bundle whose footer, shape and names check out (signatures are checked on import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub origin: Uuid,
    pub key: [u8; 32],
    pub first: u64,
    pub last: u64,
    pub records: Vec<Record>,
}

/// Builds the bytes of one bundle of `records` (seqs `first..`) of `origin`.
pub fn encode(origin: Uuid, key: &[u8; 32], first: u64, records: &[Record]) -> Vec<u8> {
    let size: usize = records.iter().map(|r| r.0.len()).sum();
    let mut out = Vec::with_capacity(HEADER_LEN + size + FOOTER_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(origin.as_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&first.to_le_bytes());
    let last = first + records.len() as u64 - 1;
    out.extend_from_slice(&last.to_le_bytes());
    out.extend_from_slice(&(records.len() as u64).to_le_bytes());
    for r in records {
        out.extend_from_slice(&r.0);
    }
    let footer = Sha256::digest(&out);
    out.extend_from_slice(&footer);
    out
}

/// The footer hash, as the file name carries it (16 hex digits).
pub fn hash16(bytes: &[u8]) -> String {
    let n = bytes.len();
    if n < FOOTER_LEN {
        return String::new();
    }
    hex::encode(&bytes[n - FOOTER_LEN..n - FOOTER_LEN + 8])
}

pub fn file_name(first: u64, last: u64, bytes: &[u8]) -> String {
    format!("{first}-{last}-{}{EXTENSION}", hash16(bytes))
}

/// `<first>-<last>-<hash16>.bundle` → (first, last, hash16).
pub fn parse_name(name: &str) -> Option<(u64, u64, String)> {
    let stem = name.strip_suffix(EXTENSION)?;
    let mut parts = stem.splitn(3, '-');
    let first = parts.next()?.parse().ok()?;
    let last = parts.next()?.parse().ok()?;
    let hash = parts.next()?;
    (first >= 1
        && last >= first
        && hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    .then(|| (first, last, hash.to_string()))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// Reads a bundle, rejecting it whole if anything about its bytes is off.
pub fn decode(bytes: &[u8]) -> Result<Bundle, String> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) {
            format!("文件不完整（只有 {} 字节，写入时可能被中断）", bytes.len())
        } else {
            "不是 xuncha 同步包（文件头不符）".into()
        });
    }
    if bytes.len() < HEADER_LEN + FOOTER_LEN {
        return Err(format!(
            "文件不完整（只有 {} 字节，写入时可能被中断）",
            bytes.len()
        ));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != VERSION {
        return Err(format!(
            "同步包格式版本 {version} 不受支持（本程序读写版本 {VERSION}），请升级 xuncha"
        ));
    }
    let body_end = bytes.len() - FOOTER_LEN;
    let digest = Sha256::digest(&bytes[..body_end]);
    if digest.as_slice() != &bytes[body_end..] {
        return Err("校验和不符：文件被截断或改动过".into());
    }
    let origin = Uuid::from_slice(&bytes[10..26]).expect("16 bytes");
    let key: [u8; 32] = bytes[26..58].try_into().expect("32 bytes");
    let (first, last, count) = (u64_at(bytes, 58), u64_at(bytes, 66), u64_at(bytes, 74));
    if first == 0 || last < first || last - first + 1 != count {
        return Err(format!(
            "包头的序号范围 {first}-{last} 与事件数 {count} 不符"
        ));
    }
    let mut records = Vec::new();
    let mut at = HEADER_LEN;
    while at < body_end {
        if body_end - at < 4 {
            return Err(format!("第 {} 条事件被截断", records.len() + 1));
        }
        let n = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let end = at
            .checked_add(4 + n + 64)
            .filter(|e| *e <= body_end)
            .ok_or_else(|| format!("第 {} 条事件被截断", records.len() + 1))?;
        records.push(Record(bytes[at..end].to_vec()));
        at = end;
    }
    if records.len() as u64 != count {
        return Err(format!(
            "包头写有 {count} 条事件，实际 {} 条",
            records.len()
        ));
    }
    Ok(Bundle {
        origin,
        key,
        first,
        last,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip_and_reject_junk() {
        let bytes = encode(Uuid::nil(), &[1; 32], 3, &[Record(vec![0, 0, 0, 0])]);
        let name = file_name(3, 3, &bytes);
        assert_eq!(parse_name(&name), Some((3, 3, hash16(&bytes))));
        assert_eq!(parse_name("5-4-0123456789abcdef.bundle"), None);
        assert_eq!(parse_name("1-2-xyz.bundle"), None);
        assert_eq!(parse_name("notes.txt"), None);
    }

    #[test]
    fn decode_checks_footer_and_count() {
        let rec = Record([vec![2, 0, 0, 0], b"{}".to_vec(), vec![0; 64]].concat());
        let bytes = encode(Uuid::nil(), &[1; 32], 1, &[rec.clone(), rec]);
        let b = decode(&bytes).unwrap();
        assert_eq!((b.first, b.last, b.records.len()), (1, 2, 2));
        let mut bad = bytes.clone();
        bad[HEADER_LEN + 5] ^= 0x10;
        assert!(decode(&bad).unwrap_err().contains("校验和"));
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(b"hello world, not a bundle at all, certainly not one").is_err());
    }
}
