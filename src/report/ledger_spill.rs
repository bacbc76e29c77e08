//! The ledger's rows made once, in store order, and kept in an unnamed temporary file until a
//! writer asks for them in ledger order (issue 14: streamed export of 100,000 hazards).
//!
//! Reading every finding once in store order and writing each row's cells to a file costs one
//! decode per finding; fetching the findings again by id in ledger order (facility, then date)
//! cost a second decode and a random read of the store per row, which was most of the export's
//! time. The file holds a compact binary form of [`LedgerRow`]: texts as a LEB128 length and
//! UTF-8 bytes, dates as days from the common era, flags as a byte; it is unlinked on creation
//! (removed by the system when closed, even after a crash) and lives beside the output, not in a
//! possibly small /tmp. Memory: none a row here; the caller keeps each row's [`RowAt`] (16
//! bytes) where it keeps the row's place in the ledger, so no table from id to row is needed.

use super::ledger::LedgerRow;
use crate::domain::{Mode, PhotoRef, Severity};
use chrono::{Datelike, NaiveDate};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Rows written so far.
pub struct Spill {
    out: BufWriter<File>,
    at: u64,
    buf: Vec<u8>,
    /// Each row's length in bytes, in the order pushed: what [`SpillRows::scan`] walks by
    /// (4 bytes a row).
    lens: Vec<u32>,
}

/// Where one row is in the spill file: what [`Spill::push`] returns and [`SpillRows::row`]
/// reads. Ordered by place in the file, which is the order the rows were pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowAt {
    at: u64,
    len: u32,
}

/// The rows of a finished [`Spill`], read back one at a time.
pub struct SpillRows {
    file: File,
    lens: Vec<u32>,
}

/// What the ledger's order needs of one row (see [`SpillRows::scan`]), borrowed from its bytes.
pub struct OrderFields<'a> {
    pub number: &'a str,
    pub facility: &'a str,
    pub found: NaiveDate,
    pub has_photos: bool,
}

impl Spill {
    /// An empty spill in an unnamed temporary file in `dir`.
    ///
    /// # Errors
    /// The file cannot be made in `dir` (not writable, disk full), in words.
    pub fn new_in(dir: &Path) -> Result<Spill, String> {
        let file = tempfile::tempfile_in(dir)
            .map_err(|e| format!("无法在所在文件夹建立导出用的临时文件：{e}"))?;
        Ok(Spill {
            out: BufWriter::with_capacity(1 << 16, file),
            at: 0,
            buf: Vec::with_capacity(4096),
            lens: Vec::new(),
        })
    }

    /// Writes `row`; returns where it is.
    ///
    /// # Errors
    /// The temporary file cannot be written (disk full), or the row's bytes exceed 4 GB, in
    /// words.
    pub fn push(&mut self, row: &LedgerRow) -> Result<RowAt, String> {
        self.buf.clear();
        encode(row, &mut self.buf);
        let len = u32::try_from(self.buf.len())
            .map_err(|_| format!("导出的一行超过 4 GB（隐患 {}）", row.id))?;
        self.out.write_all(&self.buf).map_err(write_failed)?;
        let at = RowAt { at: self.at, len };
        self.at += u64::from(len);
        self.lens.push(len);
        Ok(at)
    }

    /// The rows written, ready to be read back.
    ///
    /// # Errors
    /// The last bytes cannot be written, in words.
    pub fn finish(self) -> Result<SpillRows, String> {
        let file = self
            .out
            .into_inner()
            .map_err(|e| write_failed(e.into_error()))?;
        Ok(SpillRows {
            file,
            lens: self.lens,
        })
    }
}

fn write_failed(e: std::io::Error) -> String {
    format!("无法写入导出用的临时文件：{e}")
}

impl SpillRows {
    /// The row pushed at `at`.
    ///
    /// # Errors
    /// A read error (a place past the end of the file among them), or bytes that do not
    /// decode (never expected: this process wrote them), in words.
    pub fn row(&self, at: RowAt) -> Result<LedgerRow, String> {
        let mut bytes = vec![0u8; at.len as usize];
        read_at(&self.file, &mut bytes, at.at)
            .map_err(|e| format!("无法读回导出用的临时文件：{e}"))?;
        decode(&bytes).ok_or_else(|| format!("导出用的临时文件已损坏（第 {} 字节起）", at.at))
    }

    /// Every row in the order pushed, read through once from the start of the file: its
    /// place and what orders it, given to `each`. So the keys that order the ledger can be
    /// made after the store is closed (issue 14: `xuncha export` within 80 MB) rather than
    /// held beside sled's memory while the findings are read. Stops at the first error of
    /// `each`.
    ///
    /// # Errors
    /// As [`SpillRows::row`], or the first error of `each`.
    pub fn scan(
        &self,
        mut each: impl FnMut(RowAt, OrderFields<'_>) -> Result<(), String>,
    ) -> Result<(), String> {
        use std::io::{Read, Seek, SeekFrom};
        let read_failed = |e: std::io::Error| format!("无法读回导出用的临时文件：{e}");
        // A handle of its own, moved to the start: `row` reads at places and ignores it.
        let mut file = self.file.try_clone().map_err(read_failed)?;
        file.seek(SeekFrom::Start(0)).map_err(read_failed)?;
        let mut file = std::io::BufReader::with_capacity(1 << 16, file);
        let mut bytes = Vec::new();
        let mut at = 0u64;
        for &len in &self.lens {
            bytes.resize(len as usize, 0);
            file.read_exact(&mut bytes).map_err(read_failed)?;
            let fields = order_fields(&bytes)
                .ok_or_else(|| format!("导出用的临时文件已损坏（第 {at} 字节起）"))?;
            each(RowAt { at, len }, fields)?;
            at += u64::from(len);
        }
        Ok(())
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// A date as its days from the common era, zigzag-coded (a date before it stays exact) plus
/// one; 0 is none.
fn put_date(out: &mut Vec<u8>, d: Option<NaiveDate>) {
    let code = d.map_or(0, |d| {
        let days = i64::from(d.num_days_from_ce());
        ((days << 1) ^ (days >> 63)) as u64 + 1
    });
    put_len(out, code as usize);
}

fn encode(r: &LedgerRow, out: &mut Vec<u8>) {
    for s in [
        &r.line,
        &r.number,
        &r.description,
        &r.category,
        &r.measures,
        &r.interim,
        &r.responsible,
        &r.funds,
        &r.facility,
        &r.place,
        &r.line_name,
        &r.inspectors,
        &r.status,
        &r.overdue_text,
        &r.rectification,
        &r.reporter,
        &r.verifier,
        &r.verification,
        &r.escalation,
        &r.receipts,
        &r.id,
    ] {
        put_str(out, s);
    }
    put_str(out, r.severity);
    put_str(out, r.mode);
    for d in [r.due, Some(r.found), r.completed, r.verified, r.closed] {
        put_date(out, d);
    }
    out.push(r.overdue as u8);
    // Photos are few (most rows have none): their JSON is short and needs no codec of its own.
    put_str(
        out,
        &if r.photos.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&r.photos).unwrap_or_default()
        },
    );
}

/// Reads what [`encode`] wrote, in the same order.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn len(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        if n > self.0.len() {
            return None;
        }
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        std::str::from_utf8(s).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn date(&mut self) -> Option<Option<NaiveDate>> {
        match self.len()? {
            0 => Some(None),
            n => {
                let z = (n - 1) as u64;
                let days = (z >> 1) as i64 ^ -((z & 1) as i64);
                NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?).map(Some)
            }
        }
    }
}

/// The fields [`SpillRows::scan`] gives of a row's bytes, the rest skipped without copying.
fn order_fields(bytes: &[u8]) -> Option<OrderFields<'_>> {
    let mut r = Reader(bytes);
    // As `encode` wrote them: line, number, six texts, facility, twelve texts, severity, mode.
    r.str()?;
    let number = r.str()?;
    for _ in 0..6 {
        r.str()?;
    }
    let facility = r.str()?;
    for _ in 0..14 {
        r.str()?;
    }
    let _due = r.date()?;
    let found = r.date()??;
    for _ in 0..3 {
        r.date()?;
    }
    let (_overdue, rest) = r.0.split_first()?;
    r.0 = rest;
    let photos = r.str()?;
    r.0.is_empty().then_some(OrderFields {
        number,
        facility,
        found,
        has_photos: !photos.is_empty(),
    })
}

/// The label of a severity or inspection mode, as `&'static str` again.
fn static_label(s: &str, labels: impl IntoIterator<Item = &'static str>) -> Option<&'static str> {
    if s.is_empty() {
        return Some("");
    }
    labels.into_iter().find(|l| *l == s)
}

fn decode(bytes: &[u8]) -> Option<LedgerRow> {
    let mut r = Reader(bytes);
    let line = r.string()?;
    let number = r.string()?;
    let description = r.string()?;
    let category = r.string()?;
    let measures = r.string()?;
    let interim = r.string()?;
    let responsible = r.string()?;
    let funds = r.string()?;
    let facility = r.string()?;
    let place = r.string()?;
    let line_name = r.string()?;
    let inspectors = r.string()?;
    let status = r.string()?;
    let overdue_text = r.string()?;
    let rectification = r.string()?;
    let reporter = r.string()?;
    let verifier = r.string()?;
    let verification = r.string()?;
    let escalation = r.string()?;
    let receipts = r.string()?;
    let id = r.string()?;
    let severity = static_label(r.str()?, Severity::ALL.iter().map(|s| s.label()))?;
    let mode = static_label(r.str()?, Mode::ALL.iter().map(|m| m.label()))?;
    let due = r.date()?;
    let found = r.date()??;
    let completed = r.date()?;
    let verified = r.date()?;
    let closed = r.date()?;
    let (&overdue, rest) = r.0.split_first()?;
    r.0 = rest;
    let photos: Vec<PhotoRef> = match r.str()? {
        "" => Vec::new(),
        json => serde_json::from_str(json).ok()?,
    };
    r.0.is_empty().then_some(LedgerRow {
        line,
        number,
        description,
        category,
        measures,
        interim,
        due,
        responsible,
        funds,
        facility,
        place,
        line_name,
        severity,
        found,
        mode,
        inspectors,
        status,
        overdue: overdue != 0,
        overdue_text,
        completed,
        rectification,
        reporter,
        verifier,
        verified,
        verification,
        closed,
        escalation,
        receipts,
        id,
        photos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PhotoStage;
    use uuid::Uuid;

    fn row(photos: Vec<PhotoRef>) -> LedgerRow {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        LedgerRow {
            line: "fire".into(),
            number: "YH-2026-A3K-0007".into(),
            description: "二楼东侧消防通道堆放杂物，疏散受阻".into(),
            category: "消防安全".into(),
            measures: "立即清理".into(),
            interim: String::new(),
            due: d(2026, 12, 1),
            responsible: "总务科 张三".into(),
            funds: "500元".into(),
            facility: "东城区人民医院".into(),
            place: "门诊部 / 二楼".into(),
            line_name: "消防安全".into(),
            severity: Severity::Major.label(),
            found: d(2026, 11, 20).unwrap(),
            mode: Mode::Unannounced.label(),
            inspectors: "王芳、李新".into(),
            status: "待整改".into(),
            overdue: true,
            overdue_text: "是（逾期3天未整改）".into(),
            completed: None,
            rectification: "未整改".into(),
            reporter: String::new(),
            verifier: String::new(),
            verified: NaiveDate::from_ymd_opt(-44, 3, 15),
            verification: String::new(),
            closed: None,
            escalation: "整改通知书（卫安〔2026〕3号，2026-11-21）".into(),
            receipts: "整改通知书：张三（院长） 2026-11-22".into(),
            id: Uuid::nil().to_string(),
            photos,
        }
    }

    fn photo() -> PhotoRef {
        PhotoRef {
            hash: "a".repeat(64),
            stage: PhotoStage::Before,
            bytes: 1234,
            width: 640,
            height: 480,
            name: "通道.jpg".into(),
        }
    }

    #[test]
    fn rows_come_back_as_they_were_pushed_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::new_in(dir.path()).unwrap();
        let rows = [row(vec![]), row(vec![photo()]), {
            let mut r = row(vec![]);
            r.mode = "";
            r.severity = Severity::General.label();
            r.overdue = false;
            r
        }];
        let at: Vec<RowAt> = rows.iter().map(|r| spill.push(r).unwrap()).collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "places follow the order pushed"
        );
        let back = spill.finish().unwrap();
        for i in [2, 0, 1] {
            assert_eq!(back.row(at[i]).unwrap(), rows[i]);
        }
        let past = RowAt {
            at: at[2].at + u64::from(at[2].len),
            len: at[2].len,
        };
        assert!(
            back.row(past).is_err(),
            "a place past the end is an error, not a panic"
        );
    }

    #[test]
    fn a_scan_gives_every_row_in_order_with_its_place_and_order_fields() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::new_in(dir.path()).unwrap();
        let mut second = row(vec![photo()]);
        second.number = "YH-2026-B7Q-0012".into();
        second.facility = "西城区妇幼保健院".into();
        second.found = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        let rows = [row(vec![]), second];
        let at: Vec<RowAt> = rows.iter().map(|r| spill.push(r).unwrap()).collect();
        let back = spill.finish().unwrap();
        // A row read at its place first: the scan does not depend on where reads left off.
        assert_eq!(back.row(at[1]).unwrap(), rows[1]);
        let mut seen = Vec::new();
        back.scan(|place, f| {
            seen.push((
                place,
                f.number.to_string(),
                f.facility.to_string(),
                f.found,
                f.has_photos,
            ));
            Ok(())
        })
        .unwrap();
        let expected: Vec<_> = rows
            .iter()
            .zip(&at)
            .map(|(r, &place)| {
                let photos = !r.photos.is_empty();
                (place, r.number.clone(), r.facility.clone(), r.found, photos)
            })
            .collect();
        assert_eq!(seen, expected);
        let stop = back.scan(|_, _| Err("停".to_string()));
        assert_eq!(
            stop,
            Err("停".to_string()),
            "the first error of `each` stops it"
        );
    }

    #[test]
    fn damaged_bytes_give_none_not_a_panic() {
        let mut bytes = Vec::new();
        encode(&row(vec![photo()]), &mut bytes);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
            assert!(order_fields(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
        assert!(order_fields(&longer).is_none());
        assert!(decode(&bytes).is_some());
        assert!(order_fields(&bytes).is_some());
    }
}
