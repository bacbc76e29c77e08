//! The bundle file (docs/sync-format.md):
//!
//! - version 1: `magic(8) | version(u16 LE) = 1 | origin(16) | public key(32) | first(u64 LE) |
//!   last(u64 LE) | count(u64 LE) | count stored records | sha256 of everything before it (32)`;
//! - version 2 (written since issue 14): the same, with the run's head after `count`:
//!   `... | count | head(32) | records | footer`, where `head` is the chain hash (SHA-256 of the
//!   stored record) of the last record. A version 2 bundle is authenticated as a run: the head
//!   record's signature and every hash link back to the first record, instead of one signature
//!   check per record (`store::Auth::Run`).
//!
//! Records are `store::Record` bytes exactly as stored, so their signatures travel intact.

use crate::store::{Auth, Record};
use sha2::{Digest, Sha256};
use std::io::Read;
use uuid::Uuid;

pub const MAGIC: &[u8; 8] = b"XUNCHA\0B";
/// The version this build writes.
pub const VERSION: u16 = 2;
/// The first version: every record authenticated by its own signature. Still read.
pub const VERSION_1: u16 = 1;
/// The header both versions share; version 2 adds [`HEAD_LEN`] bytes after it.
const HEADER_LEN: usize = 8 + 2 + 16 + 32 + 8 + 8 + 8;
/// Version 2's run head: the chain hash of the last record.
const HEAD_LEN: usize = 32;
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
    /// The format version the file was written in ([`VERSION_1`] or [`VERSION`]).
    pub version: u16,
}

impl Bundle {
    /// How the records of this bundle are authenticated: one signature per record in
    /// version 1, the run's head signature and its hash links in version 2.
    pub fn auth(&self) -> Auth {
        if self.version == VERSION_1 {
            Auth::EachRecord
        } else {
            Auth::Run
        }
    }
}

/// Builds the bytes of one bundle (current [`VERSION`]) of `records` (seqs `first..`, at least
/// one) of `origin`.
pub fn encode(origin: Uuid, key: &[u8; 32], first: u64, records: &[Record]) -> Vec<u8> {
    encode_version(VERSION, origin, key, first, records)
}

/// Builds the bytes of one bundle in format `version` ([`VERSION_1`] or [`VERSION`]): repairs
/// rewrite a damaged file in the version it was written in.
pub fn encode_version(
    version: u16,
    origin: Uuid,
    key: &[u8; 32],
    first: u64,
    records: &[Record],
) -> Vec<u8> {
    let size: usize = records.iter().map(|r| r.0.len()).sum();
    let mut out = Vec::with_capacity(HEADER_LEN + HEAD_LEN + size + FOOTER_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(origin.as_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&first.to_le_bytes());
    let last = first + records.len() as u64 - 1;
    out.extend_from_slice(&last.to_le_bytes());
    out.extend_from_slice(&(records.len() as u64).to_le_bytes());
    if version != VERSION_1 {
        let head = records.last().map_or([0; 32], Record::hash);
        out.extend_from_slice(&head);
    }
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

/// `<first>-<last>-<hash16>.bundle` → (first, last, hash16 in lower case). Upper-case hex
/// digits read as the same name (some tools and file systems change the case of names).
pub fn parse_name(name: &str) -> Option<(u64, u64, String)> {
    let stem = name.strip_suffix(EXTENSION)?;
    let mut parts = stem.splitn(3, '-');
    let first_s = parts.next()?;
    let last_s = parts.next()?;
    let hash = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(first_s) || !digits(last_s) {
        return None;
    }
    let first: u64 = first_s.parse().ok()?;
    let last: u64 = last_s.parse().ok()?;
    (first >= 1 && last >= first && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (first, last, hash.to_ascii_lowercase()))
}

/// Whether `name` is spelled exactly as this version writes it (lower-case hex).
pub fn is_canonical_name(name: &str) -> bool {
    parse_name(name).is_some_and(|(a, b, h)| name == format!("{a}-{b}-{h}{EXTENSION}"))
}

/// The most bytes a bundle file may have; a larger file is refused before any byte is read.
/// Writers stay under [`WRITE_LIMIT`], so every bundle a version of xuncha writes fits.
pub const READ_LIMIT: u64 = 16 << 20;
/// The most bytes a writer puts in one bundle (a chunk is split when its events need more).
pub const WRITE_LIMIT: u64 = 4 << 20;
/// The most bytes one stored event may have (its body and signature).
pub const RECORD_LIMIT: usize = 1 << 20;

/// Why a bundle file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFault {
    /// The file ends early, every byte so far well formed: most likely still being copied in.
    Incomplete(String),
    /// The bytes are wrong (or too many); reading again will not help.
    Damaged(String),
}

impl ReadFault {
    pub fn reason(&self) -> &str {
        match self {
            ReadFault::Incomplete(r) | ReadFault::Damaged(r) => r,
        }
    }
}

/// SHA-256 of everything fed except the last 32 bytes, and those 32 bytes: at any point, the
/// file read so far "has its footer" exactly when the two agree.
struct Lagged {
    h: Sha256,
    tail: Vec<u8>,
}

impl Lagged {
    fn new() -> Lagged {
        Lagged {
            h: Sha256::new(),
            tail: Vec::with_capacity(2 * FOOTER_LEN),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.len() >= FOOTER_LEN {
            self.h.update(&self.tail);
            let (body, tail) = bytes.split_at(bytes.len() - FOOTER_LEN);
            self.h.update(body);
            self.tail.clear();
            self.tail.extend_from_slice(tail);
        } else {
            self.tail.extend_from_slice(bytes);
            let spill = self.tail.len().saturating_sub(FOOTER_LEN);
            self.h.update(&self.tail[..spill]);
            self.tail.drain(..spill);
        }
    }

    /// Whether the bytes fed end with the SHA-256 of all before them.
    fn footer_ok(&self) -> bool {
        self.tail.len() == FOOTER_LEN && self.h.clone().finalize().as_slice() == self.tail
    }
}

/// Reads exactly `buf.len()` bytes unless the stream ends first; returns how many it got.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Reads a bundle from a stream, holding only its records, and returns it with the 16 hex
/// digits of its footer (the name's hash). At most [`READ_LIMIT`] bytes are read; a stream
/// that ends early is [`ReadFault::Incomplete`], anything else off is [`ReadFault::Damaged`].
pub fn read_from(r: &mut impl Read) -> Result<(Bundle, String), ReadFault> {
    let mut r = r.take(READ_LIMIT + 1);
    let io = |e: std::io::Error| ReadFault::Damaged(format!("无法读取：{e}"));
    let mut read_total: u64 = 0;
    let mut hasher = Lagged::new();
    let mut header = [0u8; HEADER_LEN];
    let got = fill(&mut r, &mut header).map_err(io)?;
    read_total += got as u64;
    let magic_so_far = MAGIC.starts_with(&header[..got.min(MAGIC.len())]);
    if magic_so_far && got < HEADER_LEN {
        return Err(ReadFault::Incomplete(format!(
            "文件不完整（只有 {got} 字节），可能仍在传输"
        )));
    }
    if &header[..MAGIC.len()] != MAGIC {
        return Err(ReadFault::Damaged(
            "不是 xuncha 同步包（文件头不符）".into(),
        ));
    }
    let version = u16::from_le_bytes([header[8], header[9]]);
    if version != VERSION && version != VERSION_1 {
        return Err(ReadFault::Damaged(format!(
            "同步包格式版本 {version} 不受支持（本程序读版本 {VERSION_1}–{VERSION}），请升级 xuncha"
        )));
    }
    hasher.feed(&header);
    let origin = Uuid::from_slice(&header[10..26]).expect("16 bytes");
    let key: [u8; 32] = header[26..58].try_into().expect("32 bytes");
    let (first, last, count) = (
        u64_at(&header, 58),
        u64_at(&header, 66),
        u64_at(&header, 74),
    );
    if first == 0 || last < first || last - first + 1 != count {
        return Err(ReadFault::Damaged(format!(
            "包头的序号范围 {first}-{last} 与事件数 {count} 不符"
        )));
    }
    // Each record takes at least 4 + 2 + 64 bytes; a count no file under the limit can hold
    // is damage, not a bundle still arriving.
    if count > READ_LIMIT / 70 {
        return Err(ReadFault::Damaged(format!(
            "包头写有 {count} 条事件，超出上限"
        )));
    }
    // Cut short, unless what is there ends with a valid footer: then the file is whole and
    // its header or a length field was altered.
    let short = |n: usize, h: &Lagged| {
        if h.footer_ok() {
            ReadFault::Damaged("校验和之前的内容与包头不符（文件被改动过）".into())
        } else {
            ReadFault::Incomplete(format!(
                "文件不完整（第 {n} 条事件之后中断，共应有 {count} 条），可能仍在传输"
            ))
        }
    };
    let mut head = None;
    if version != VERSION_1 {
        let mut h = [0u8; HEAD_LEN];
        let got = fill(&mut r, &mut h).map_err(io)?;
        read_total += got as u64;
        hasher.feed(&h[..got]);
        if got < HEAD_LEN {
            return Err(short(0, &hasher));
        }
        head = Some(h);
    }
    let mut records = Vec::new();
    for i in 0..count as usize {
        let mut len = [0u8; 4];
        let got = fill(&mut r, &mut len).map_err(io)?;
        read_total += got as u64;
        hasher.feed(&len[..got]);
        if got < 4 {
            return Err(short(i, &hasher));
        }
        let n = u32::from_le_bytes(len) as usize;
        if !(2..=RECORD_LIMIT).contains(&n) {
            return Err(ReadFault::Damaged(format!(
                "第 {} 条事件的长度 {n} 不合理",
                i + 1
            )));
        }
        let mut rec = vec![0u8; 4 + n + 64];
        rec[..4].copy_from_slice(&len);
        let got = fill(&mut r, &mut rec[4..]).map_err(io)?;
        read_total += got as u64;
        hasher.feed(&rec[4..4 + got]);
        // Event bodies are JSON objects: a misplaced length shows at once.
        if (got >= 1 && rec[4] != b'{') || (got >= n && rec[3 + n] != b'}') {
            return Err(ReadFault::Damaged(format!(
                "第 {} 条事件的内容格式不符",
                i + 1
            )));
        }
        if got < n + 64 {
            return Err(short(i, &hasher));
        }
        if read_total > READ_LIMIT {
            return Err(ReadFault::Damaged(format!(
                "文件超过 {} MB 上限",
                READ_LIMIT >> 20
            )));
        }
        records.push(Record(rec));
    }
    let mut footer = [0u8; FOOTER_LEN];
    let got = fill(&mut r, &mut footer).map_err(io)?;
    hasher.feed(&footer[..got]);
    if got < FOOTER_LEN {
        if hasher.footer_ok() {
            return Err(ReadFault::Damaged(
                "校验和之前的内容与包头不符（文件被改动过）".into(),
            ));
        }
        return Err(ReadFault::Incomplete(
            "文件不完整（缺少结尾校验），可能仍在传输".into(),
        ));
    }
    let mut extra = [0u8; 1];
    if fill(&mut r, &mut extra).map_err(io)? != 0 {
        return Err(ReadFault::Damaged("校验和之后还有多余的内容".into()));
    }
    if !hasher.footer_ok() {
        return Err(ReadFault::Damaged("校验和不符：文件被截断或改动过".into()));
    }
    if let Some(h) = head
        && records.last().map(Record::hash) != Some(h)
    {
        return Err(ReadFault::Damaged(
            "包头记载的链头与最后一条事件不符（文件被改动过）".into(),
        ));
    }
    let b = Bundle {
        origin,
        key,
        first,
        last,
        records,
        version,
    };
    Ok((b, hex::encode(&footer[..8])))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// Reads a bundle from bytes in memory, rejecting it whole if anything about them is off.
pub fn decode(bytes: &[u8]) -> Result<Bundle, String> {
    read_from(&mut &bytes[..])
        .map(|(b, _)| b)
        .map_err(|f| f.reason().to_string())
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
        bad[HEADER_LEN + 10] ^= 0x10;
        assert!(decode(&bad).unwrap_err().contains("校验和"));
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(b"hello world, not a bundle at all, certainly not one").is_err());
    }
}
