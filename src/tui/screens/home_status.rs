//! Home's bottom line: the last sync, the events not yet synced, the 特种设备 that are due with
//! `z` 台账 to see them, and a frozen device's warning. Said as fully as the width allows, in
//! shorter words when narrow, so the key and its word are never cut off (issue 11: 「证书过期
//! 3 z」 had no word, and at 60 columns the line was cut).

use super::{View, fit};
use crate::ops::HomeData;
use crate::tui::theme::Role;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The line at `width` columns: the first of the wordings, longest first, that fits; the
/// shortest cut with a mark when none does.
pub fn line(v: &View, d: &HomeData, width: usize) -> Line<'static> {
    let wordings = [Words::Full, Words::Short, Words::EquipmentFirst];
    let mut spans = vec![];
    for words in wordings {
        spans = spans_in(v, d, words);
        if spans.iter().map(|s| s.content.width()).sum::<usize>() <= width {
            return Line::from(spans);
        }
    }
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    Line::from(Span::styled(fit(&text, width), v.st(Role::Muted)))
}

/// How much is said.
#[derive(Clone, Copy, PartialEq)]
enum Words {
    /// 同步：… 待同步事件：N  特种设备 超期未检 N · 证书过期 N  z 台账
    Full,
    /// 同步：… 待同步 N  设备 超期未检 N · 证书过期 N  z 台账
    Short,
    /// 设备 超期未检 N · 证书过期 N  z 台账  待同步 N (the sync screen has the rest)
    EquipmentFirst,
}

fn spans_in(v: &View, d: &HomeData, words: Words) -> Vec<Span<'static>> {
    let last = d.sync.last.clone().unwrap_or_else(|| "尚未同步".into());
    let unsynced_role = if d.sync.unsynced > 0 {
        Role::Warning
    } else {
        Role::Base
    };
    let mut sync = vec![];
    if words != Words::EquipmentFirst {
        sync.push(Span::styled(" 同步：", v.st(Role::Muted)));
        sync.push(Span::styled(last, v.st(Role::Base)));
    }
    let label = if words == Words::Full {
        "  待同步事件："
    } else {
        "  待同步 "
    };
    sync.push(Span::styled(label, v.st(Role::Muted)));
    sync.push(Span::styled(
        d.sync.unsynced.to_string(),
        v.st(unsynced_role),
    ));
    let due = d.equipment_due;
    let mut equipment = vec![];
    if due.overdue + due.expired_certs > 0 {
        // Only when something is due, so a store without equipment keeps its home as it was.
        let what = if words == Words::Full {
            "  特种设备 "
        } else {
            "  设备 "
        };
        equipment.push(Span::styled(what, v.st(Role::Muted)));
        equipment.push(Span::styled(
            format!("超期未检 {} · 证书过期 {}", due.overdue, due.expired_certs),
            v.st(Role::Overdue),
        ));
        equipment.push(Span::styled("  z", v.st(Role::Key)));
        equipment.push(Span::styled(" 台账", v.st(Role::Muted)));
    }
    let mut out = if words == Words::EquipmentFirst {
        [equipment, sync].concat()
    } else {
        [sync, equipment].concat()
    };
    if d.sync.frozen.is_some() {
        out.push(Span::styled(
            "  本机已停止写入（同步页有原因）",
            v.st(Role::Error),
        ));
    }
    out
}
