//! The stored form of a register row model (`#r` entries of `idx`, see `models.rs`): a small
//! binary record instead of JSON (issue 14). Decoding 100,000 JSON rows, with two RFC 3339
//! dates parsed in each, was a third of the register's load; this form reads with no parsing
//! beyond lengths.
//!
//! ```text
//! 01 | id(16) | flags(1) | severity(1) | status(1) | escalation(1: 0 none, else 1 + index)
//!    | [due: days from CE, i32 LE]            when flags & DUE
//!    | created_at: stamp
//!    | [rectified_at: stamp]                   when flags & RECTIFIED
//!    | facility | department | location | line | description | retract_reason: text
//!    | [number: text]                          when flags & NUMBER
//! stamp = Unix seconds (i64 LE) | nanoseconds (u32 LE) | 0, or 1 and the offset (i32 LE, s east)
//! text  = byte length (LEB128) | UTF-8
//! ```
//!
//! Enums are stored as their index in the enum's `ALL` list, so a new variant goes at the end.
//! Bytes that do not decode (a damaged entry) give an error naming the entry, never a panic.

use super::models::RowModel;
use crate::domain::{Escalation, Severity, Stamp, Status};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use uuid::Uuid;

/// The first byte of this form (JSON rows, written before it, start with `{`).
const FORMAT: u8 = 1;

const DUE: u8 = 1;
const RECTIFIED: u8 = 2;
const NUMBER: u8 = 4;
const CONFLICT: u8 = 8;
const FIXED_ON_SPOT: u8 = 16;
const RETRACTED: u8 = 32;

/// The stored bytes of a row model.
pub(crate) fn encode(m: &RowModel) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + m.description.len() + m.facility.len());
    out.push(FORMAT);
    out.extend_from_slice(m.id.as_bytes());
    let flags = [
        (m.due.is_some(), DUE),
        (m.rectified_at.is_some(), RECTIFIED),
        (m.number.is_some(), NUMBER),
        (m.conflict, CONFLICT),
        (m.fixed_on_spot, FIXED_ON_SPOT),
        (m.retracted, RETRACTED),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .fold(0, |f, (_, bit)| f | bit);
    out.push(flags);
    out.push(index_of(Severity::ALL, m.severity));
    out.push(index_of(Status::ALL, m.status));
    out.push(m.escalation.map_or(0, |e| 1 + index_of(Escalation::ALL, e)));
    if let Some(d) = m.due {
        out.extend_from_slice(&d.num_days_from_ce().to_le_bytes());
    }
    put_stamp(&mut out, &m.created_at);
    if let Some(r) = &m.rectified_at {
        put_stamp(&mut out, r);
    }
    for t in [
        &m.facility,
        &m.department,
        &m.location,
        &m.line,
        &m.description,
        &m.retract_reason,
    ] {
        put_text(&mut out, t);
    }
    if let Some(n) = &m.number {
        put_text(&mut out, n);
    }
    out
}

/// A row model from its stored bytes.
///
/// # Errors
/// A message saying what could not be read (truncated entry, unknown format or enum index,
/// a date out of range, text that is not UTF-8).
pub(crate) fn decode(bytes: &[u8]) -> Result<RowModel, String> {
    let mut r = Reader(bytes);
    if r.byte()? != FORMAT {
        return Err("未知的台账行格式".into());
    }
    let id = Uuid::from_bytes(r.take(16)?.try_into().map_err(|_| "编号不完整")?);
    let flags = r.byte()?;
    let severity = *Severity::ALL
        .get(usize::from(r.byte()?))
        .ok_or("隐患等级无效")?;
    let status = *Status::ALL.get(usize::from(r.byte()?)).ok_or("状态无效")?;
    let escalation = match r.byte()? {
        0 => None,
        n => Some(
            *Escalation::ALL
                .get(usize::from(n - 1))
                .ok_or("督办文书无效")?,
        ),
    };
    let due = if flags & DUE != 0 {
        let days = i32::from_le_bytes(r.array()?);
        Some(NaiveDate::from_num_days_from_ce_opt(days).ok_or("整改时限无效")?)
    } else {
        None
    };
    let created_at = r.stamp()?;
    let rectified_at = if flags & RECTIFIED != 0 {
        Some(r.stamp()?)
    } else {
        None
    };
    let facility = r.text()?;
    let department = r.text()?;
    let location = r.text()?;
    let line = r.text()?;
    let description = r.text()?;
    let retract_reason = r.text()?;
    let number = if flags & NUMBER != 0 {
        Some(r.text()?)
    } else {
        None
    };
    if !r.0.is_empty() {
        return Err("台账行末尾有多余的字节".into());
    }
    Ok(RowModel {
        id,
        facility,
        department,
        location,
        line,
        description,
        severity,
        status,
        due,
        escalation,
        conflict: flags & CONFLICT != 0,
        created_at,
        fixed_on_spot: flags & FIXED_ON_SPOT != 0,
        rectified_at,
        number,
        retracted: flags & RETRACTED != 0,
        retract_reason,
    })
}

/// What the status, deadline, line and facility filters read of a stored row, borrowed from
/// its bytes: no allocation, and the department, description and the rest are not read
/// (`Store::ids_where_row`, which walks 100,000 rows for a filtered list).
pub(crate) struct RowKeys<'a> {
    pub id: Uuid,
    pub status: Status,
    pub retracted: bool,
    /// The deadline in force (`Finding::due_in_force`).
    pub due: Option<NaiveDate>,
    pub facility: &'a str,
    pub line: &'a str,
}

/// The filter fields of a stored row, as [`decode`] would read them.
///
/// # Errors
/// As [`decode`], for the bytes it reads.
pub(crate) fn decode_keys(bytes: &[u8]) -> Result<RowKeys<'_>, String> {
    let mut r = Reader(bytes);
    if r.byte()? != FORMAT {
        return Err("未知的台账行格式".into());
    }
    let id = Uuid::from_bytes(r.array()?);
    let flags = r.byte()?;
    let _severity = r.byte()?;
    let status = *Status::ALL.get(usize::from(r.byte()?)).ok_or("状态无效")?;
    let _escalation = r.byte()?;
    let due = if flags & DUE != 0 {
        let days = i32::from_le_bytes(r.array()?);
        Some(NaiveDate::from_num_days_from_ce_opt(days).ok_or("整改时限无效")?)
    } else {
        None
    };
    r.skip_stamp()?;
    if flags & RECTIFIED != 0 {
        r.skip_stamp()?;
    }
    let facility = r.text_ref()?;
    let _department = r.text_ref()?;
    let _location = r.text_ref()?;
    let line = r.text_ref()?;
    Ok(RowKeys {
        id,
        status,
        retracted: flags & RETRACTED != 0,
        due,
        facility,
        line,
    })
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u8 {
    all.iter().position(|x| *x == v).unwrap_or(0) as u8
}

/// Appends a stamp as the row codecs store it: UTC seconds (i64 LE), nanoseconds (u32 LE), then
/// 0, or 1 and the writer's offset in seconds (i32 LE). Read back by each codec's reader.
pub(super) fn put_stamp(out: &mut Vec<u8>, s: &Stamp) {
    let utc = s.utc();
    out.extend_from_slice(&utc.timestamp().to_le_bytes());
    out.extend_from_slice(&utc.timestamp_subsec_nanos().to_le_bytes());
    match s.offset() {
        Some(o) => {
            out.push(1);
            out.extend_from_slice(&o.local_minus_utc().to_le_bytes());
        }
        None => out.push(0),
    }
}

fn put_text(out: &mut Vec<u8>, t: &str) {
    let mut n = t.len();
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out.extend_from_slice(t.as_bytes());
}

/// Reads a stored row front to back; every read checks the bytes are there.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("台账行不完整".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        Ok(self.take(N)?.try_into().expect("take gave N bytes"))
    }

    fn stamp(&mut self) -> Result<Stamp, String> {
        let secs = i64::from_le_bytes(self.array()?);
        let nanos = u32::from_le_bytes(self.array()?);
        let utc = DateTime::from_timestamp(secs, nanos).ok_or("时间无效")?;
        Ok(match self.byte()? {
            0 => utc.into(),
            1 => {
                let off =
                    FixedOffset::east_opt(i32::from_le_bytes(self.array()?)).ok_or("时区无效")?;
                utc.with_timezone(&off).into()
            }
            _ => return Err("时间无效".into()),
        })
    }

    /// Passes over a stamp (seconds, nanoseconds, offset flag and offset), unchecked.
    fn skip_stamp(&mut self) -> Result<(), String> {
        self.take(12)?;
        match self.byte()? {
            0 => Ok(()),
            1 => self.take(4).map(drop),
            _ => Err("时间无效".into()),
        }
    }

    fn text(&mut self) -> Result<String, String> {
        self.text_ref().map(str::to_owned)
    }

    fn text_ref(&mut self) -> Result<&'a str, String> {
        let mut n: usize = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                let bytes = self.take(n)?;
                return std::str::from_utf8(bytes).map_err(|_| "文字不是 UTF-8".into());
            }
        }
        Err("文字长度无效".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> RowModel {
        let at = |s: &str| -> Stamp {
            let t = DateTime::parse_from_rfc3339(s).unwrap();
            if s.ends_with('Z') {
                t.with_timezone(&chrono::Utc).into()
            } else {
                t.into()
            }
        };
        RowModel {
            id: Uuid::now_v7(),
            facility: "东城区人民医院".into(),
            department: "急诊科".into(),
            location: "门诊楼/一层/消防通道".into(),
            line: "fire".into(),
            description: "消防通道堆放杂物，影响疏散".into(),
            severity: Severity::Major,
            status: Status::Rectified,
            due: NaiveDate::from_ymd_opt(2026, 12, 7),
            escalation: Some(Escalation::Interview),
            conflict: true,
            created_at: at("2026-11-22T09:00:00.123+08:00"),
            fixed_on_spot: false,
            rectified_at: Some(at("2026-11-25T01:30:00Z")),
            number: Some("YH-2026-A3K-0007".into()),
            retracted: false,
            retract_reason: String::new(),
        }
    }

    #[test]
    fn a_row_reads_back_as_written_with_and_without_its_optional_fields() {
        let full = row();
        assert_eq!(decode(&encode(&full)).unwrap(), full);
        let bare = RowModel {
            due: None,
            escalation: None,
            conflict: false,
            rectified_at: None,
            number: None,
            retracted: true,
            retract_reason: "重复录入".into(),
            description: "长".repeat(300),
            ..row()
        };
        assert_eq!(decode(&encode(&bare)).unwrap(), bare);
        // The writer's offset and the lack of one both survive (their dates differ).
        let back = decode(&encode(&full)).unwrap();
        assert!(back.created_at.offset().is_some());
        assert!(back.rectified_at.unwrap().offset().is_none());
    }

    #[test]
    fn the_filter_fields_read_as_the_whole_row_gives_them() {
        let full = row();
        let bare = RowModel {
            due: None,
            rectified_at: None,
            retracted: true,
            status: Status::Open,
            facility: "西城区疾控中心".into(),
            line: "hazchem".into(),
            ..row()
        };
        for m in [full, bare] {
            let bytes = encode(&m);
            let k = decode_keys(&bytes).unwrap();
            assert_eq!(
                (k.id, k.status, k.retracted, k.due, k.facility, k.line),
                (
                    m.id,
                    m.status,
                    m.retracted,
                    m.due,
                    m.facility.as_str(),
                    m.line.as_str()
                )
            );
        }
        // A row cut anywhere up to the end of its line field is an error; what follows the
        // line (description, retract reason, number: each a length byte and its text) is not read.
        let m = row();
        let good = encode(&m);
        let after_line = 1 + m.description.len() + 1 + 1 + m.number.as_ref().unwrap().len();
        for cut in 0..good.len() - after_line {
            assert!(decode_keys(&good[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn damaged_bytes_give_an_error_not_a_panic() {
        let good = encode(&row());
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
        let mut bad_enum = good.clone();
        bad_enum[18] = 9;
        assert!(decode(&bad_enum).is_err());
        assert!(decode(b"{\"id\":1}").is_err());
    }
}
