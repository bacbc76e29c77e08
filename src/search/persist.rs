//! The index as a file (issue 14): what a whole `xuncha search` process reads instead of
//! scanning 100,000 finding views and preparing every text again.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! "XCSI" | format u32 | stamp length u32 | stamp | body length u32 | crc32 of body u32 | body
//! body: lines  count u32, then (id, name) strings
//!       texts  count u32, then each distinct text (a string)
//!       records count u32, then per live record:
//!         kind u8 (1 item, 2 finding, 3 chemical, 4 equipment) | target (item id string or 16 id bytes)
//!         severity u8 | section u32 (u32::MAX: none) | retracted u8
//!         line u16 | status u8 (0 none, else 1 + position in Status::ALL)
//!         due i32 (days since 0001-01-01, i32::MIN none) | day_or_order i32 | tie u128
//!         field count u16, then (field u8, text id u32) pairs
//! string: length u32 | UTF-8 bytes
//! ```
//!
//! The stamp is opaque here: ops writes what the index was built from (the log's version
//! vector and the catalog) and compares it before trusting the file. Texts are stored as
//! written and prepared again on load, in the same order, so every text id and reading set
//! id comes back the same. A file that is short, fails its checksum or holds an id out of
//! range is refused with the reason; the caller then builds the index from the store.

use super::index::{Field, Index, Kind, Target};
use crate::catalog::Catalog;
use crate::domain::{Severity, Status};
use chrono::{Datelike, NaiveDate};
use std::io::{Seek, SeekFrom, Write};
use uuid::Uuid;

const MAGIC: &[u8; 4] = b"XCSI";
/// Bump when the layout or the meaning of any byte changes: an older file is then rebuilt.
const FORMAT: u32 = 1;

impl Index {
    /// The index as bytes, with `stamp` (what it was built from) in the header.
    pub fn to_bytes(&self, stamp: &[u8]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        // Writing to memory cannot fail.
        let _ = self.write_to(stamp, &mut out);
        out.into_inner()
    }

    /// Writes the index file to `out` a chunk at a time (the body is never whole in memory:
    /// at 100,000 findings it is about 8 MB), then goes back to fill in the body's length
    /// and checksum in the header.
    ///
    /// # Errors
    /// What writing or seeking `out` reported.
    pub fn write_to(&self, stamp: &[u8], out: &mut (impl Write + Seek)) -> std::io::Result<()> {
        let mut head = Vec::with_capacity(stamp.len() + 24);
        head.extend_from_slice(MAGIC);
        put_u32(&mut head, FORMAT);
        put_u32(&mut head, stamp.len() as u32);
        head.extend_from_slice(stamp);
        let sizes_at = head.len() as u64;
        put_u32(&mut head, 0);
        put_u32(&mut head, 0);
        out.write_all(&head)?;
        let mut body = Body {
            out: &mut *out,
            buf: Vec::with_capacity(CHUNK + 1024),
            crc: crc32fast::Hasher::new(),
            len: 0,
        };
        self.write_body(&mut body)?;
        let (len, crc) = body.finish()?;
        let len = u32::try_from(len).map_err(|_| std::io::Error::other("搜索索引过大"))?;
        let end = out.stream_position()?;
        out.seek(SeekFrom::Start(sizes_at))?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&crc.to_le_bytes())?;
        out.seek(SeekFrom::Start(end))?;
        out.flush()
    }

    fn write_body<W: Write>(&self, body: &mut Body<'_, W>) -> std::io::Result<()> {
        let b = &mut body.buf;
        put_u32(b, self.lines.len() as u32);
        for (id, name) in &self.lines {
            put_str(b, id);
            put_str(b, name);
        }
        body.spill()?;
        put_u32(&mut body.buf, self.texts.len() as u32);
        for t in &self.texts {
            put_str(&mut body.buf, &t.original());
            body.spill()?;
        }
        let live = |s: &usize| self.hot[*s].alive && self.record(*s as u32).is_some();
        put_u32(
            &mut body.buf,
            (0..self.hot.len()).filter(live).count() as u32,
        );
        for slot in (0..self.hot.len()).filter(live) {
            let (Some(r), h) = (self.record(slot as u32), &self.hot[slot]) else {
                continue;
            };
            let b = &mut body.buf;
            match &r.target {
                Target::Item(id) => {
                    b.push(1);
                    put_str(b, id);
                }
                Target::Finding(id) => put_id(b, 2, id),
                Target::Chemical(id) => put_id(b, 3, id),
                Target::Equipment(id) => put_id(b, 4, id),
            }
            b.push(position(Severity::ALL, r.severity));
            put_u32(b, r.section.unwrap_or(u32::MAX));
            b.push(r.retracted as u8);
            b.extend_from_slice(&h.line.to_le_bytes());
            b.push(h.status.map_or(0, |s| 1 + position(Status::ALL, s)));
            let due = h.due.map_or(i32::MIN, |d| d.num_days_from_ce());
            b.extend_from_slice(&due.to_le_bytes());
            b.extend_from_slice(&h.day_or_order.to_le_bytes());
            b.extend_from_slice(&self.tie(slot as u32).to_le_bytes());
            let fields = self.fields(slot as u32);
            b.extend_from_slice(&(fields.len() as u16).to_le_bytes());
            for ft in fields {
                // A field is stored as its place in `Field::ALL`.
                b.push(ft.field() as u8);
                put_u32(b, ft.text());
            }
            body.spill()?;
        }
        Ok(())
    }

    /// The stamp written in a file's header, if the file is one this version reads.
    pub fn stamp_of(bytes: &[u8]) -> Option<&[u8]> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4).ok()? != MAGIC || r.u32().ok()? != FORMAT {
            return None;
        }
        let n = r.u32().ok()? as usize;
        r.take(n).ok()
    }

    /// The file's header: magic, format, stamp and the body's length and checksum (so it
    /// names the body too). None when the file is not one this version reads.
    pub fn header_of(bytes: &[u8]) -> Option<&[u8]> {
        let n = Index::stamp_of(bytes)?.len();
        bytes.get(..12 + n + 8)
    }

    /// The index a file holds, over `catalog`'s checklist items as they were when it was
    /// written (the caller checks the stamp first).
    ///
    /// # Errors
    /// Why the bytes are not a whole, undamaged index file (in Chinese).
    pub fn from_bytes(bytes: &[u8], catalog: &Catalog) -> Result<Index, String> {
        let index = Index::from_bytes_unchecked(bytes)?;
        let items = index.item_count();
        if items
            != catalog
                .lines
                .iter()
                .flat_map(|l| &l.sections)
                .map(|s| s.items.len())
                .sum::<usize>()
        {
            return Err("搜索索引文件的检查项与当前检查表不符".into());
        }
        Ok(index)
    }

    /// As [`Index::from_bytes`] without comparing the checklist items with a catalog: for a
    /// file whose seal already proves it was written over the checklists now in force.
    ///
    /// # Errors
    /// As [`Index::from_bytes`], but for the checklist comparison.
    pub fn from_bytes_unchecked(bytes: &[u8]) -> Result<Index, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC || r.u32()? != FORMAT {
            return Err("不是本版本的搜索索引文件".into());
        }
        let n = r.u32()? as usize;
        r.take(n)?;
        let len = r.u32()? as usize;
        let crc = r.u32()?;
        let body = r.take(len)?;
        if crc32fast::hash(body) != crc {
            return Err("搜索索引文件校验不符（文件已损坏）".into());
        }
        let mut r = Reader { bytes: body, at: 0 };
        let mut index = Index::empty();
        for _ in 0..r.count(8)? {
            let id = r.string()?;
            let name = r.string()?;
            index.lines.push((id, name));
        }
        let texts = r.count(4)?;
        index.reserve_texts(texts);
        for _ in 0..texts {
            let t = r.string()?;
            if index.intern(&t) as usize != index.texts.len() - 1 {
                return Err("搜索索引文件中有重复的文本".into());
            }
        }
        let text_ok = |t: u32| (t as usize) < texts;
        let records = r.count(40)?;
        let mut fields = Vec::new();
        for _ in 0..records {
            let target = match r.u8()? {
                1 => Target::Item(r.string()?),
                2 => Target::Finding(r.uuid()?),
                3 => Target::Chemical(r.uuid()?),
                4 => Target::Equipment(r.uuid()?),
                k => return Err(format!("搜索索引文件中有未知的记录种类 {k}")),
            };
            let severity = *Severity::ALL
                .get(r.u8()? as usize)
                .ok_or("搜索索引文件中的隐患等级无效")?;
            let section = match r.u32()? {
                u32::MAX => None,
                t if text_ok(t) => Some(t),
                _ => return Err("搜索索引文件中的文本编号超出范围".into()),
            };
            let retracted = r.u8()? != 0;
            let line = u16::from_le_bytes(r.array()?);
            if line as usize >= index.lines.len() {
                return Err("搜索索引文件中的防线编号超出范围".into());
            }
            let status = match r.u8()? {
                0 => None,
                s => Some(
                    *Status::ALL
                        .get(s as usize - 1)
                        .ok_or("搜索索引文件中的状态无效")?,
                ),
            };
            let due = match i32::from_le_bytes(r.array()?) {
                i32::MIN => None,
                d => Some(
                    NaiveDate::from_num_days_from_ce_opt(d).ok_or("搜索索引文件中的日期无效")?,
                ),
            };
            let day_or_order = i32::from_le_bytes(r.array()?);
            let tie = u128::from_le_bytes(r.array()?);
            fields.clear();
            for _ in 0..u16::from_le_bytes(r.array()?) {
                let f = *Field::ALL
                    .get(r.u8()? as usize)
                    .ok_or("搜索索引文件中的字段无效")?;
                let t = r.u32()?;
                if !text_ok(t) {
                    return Err("搜索索引文件中的文本编号超出范围".into());
                }
                fields.push((f, t));
            }
            let mut hot = index.hot_of(line, status, due, day_or_order, &fields);
            hot.retracted = retracted;
            // The tie-break is no longer stored per record but follows from the record (an
            // item's position, else its id): a file saying otherwise is not one this wrote.
            let expected = match &target {
                Target::Item(_) => day_or_order as u128,
                Target::Finding(id) | Target::Chemical(id) | Target::Equipment(id) => id.as_u128(),
            };
            if tie != expected {
                return Err("搜索索引文件中的记录次序无效".into());
            }
            match target {
                Target::Item(id) => {
                    let section = section.ok_or("搜索索引文件中的检查项没有分节")?;
                    index.push_item(id, section, severity, hot);
                }
                Target::Finding(id) => {
                    if index.has_finding(id) {
                        return Err("搜索索引文件中有重复的隐患".into());
                    }
                    index.insert_finding(id, severity, hot);
                }
                Target::Chemical(id) => {
                    let slot = index.put_register(Kind::Chemical, id, None, hot);
                    index.registers.insert(id, slot);
                }
                Target::Equipment(id) => {
                    let slot = index.put_register(Kind::Equipment, id, None, hot);
                    index.registers.insert(id, slot);
                }
            }
        }
        index.shrink();
        if r.at != body.len() {
            return Err("搜索索引文件末尾有多余的数据".into());
        }
        Ok(index)
    }
}

fn position<T: PartialEq + Copy>(all: &[T], v: T) -> u8 {
    all.iter().position(|x| *x == v).unwrap_or(0) as u8
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn put_id(out: &mut Vec<u8>, kind: u8, id: &Uuid) {
    out.push(kind);
    out.extend_from_slice(id.as_bytes());
}

/// Bytes gathered before they go to the file.
const CHUNK: usize = 64 * 1024;

/// The body on its way out: its bytes are counted and checksummed as they are written.
struct Body<'a, W: Write> {
    out: &'a mut W,
    buf: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Body<'_, W> {
    /// Writes the gathered bytes out once there are a chunk's worth.
    fn spill(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= CHUNK {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> std::io::Result<()> {
        self.crc.update(&self.buf);
        self.len += self.buf.len() as u64;
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// The body's length and checksum, once all of it is written.
    fn finish(mut self) -> std::io::Result<(u64, u32)> {
        self.flush_buf()?;
        Ok((self.len, self.crc.finalize()))
    }
}

/// Reads the body, refusing anything that runs past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or("搜索索引文件不完整")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A count of entries at least `min_bytes` long each: one the rest of the body cannot
    /// hold is refused before anything is allocated for it.
    fn count(&mut self, min_bytes: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_bytes) > self.bytes.len() - self.at {
            return Err("搜索索引文件不完整".into());
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| "搜索索引文件中有无效的文字".into())
    }

    fn uuid(&mut self) -> Result<Uuid, String> {
        Ok(Uuid::from_bytes(self.array()?))
    }
}
