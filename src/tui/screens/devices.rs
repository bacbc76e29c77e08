//! The devices screen (设备): the organisation's roster, grouped 已批准 / 待批准 / 已吊销, with
//! names, key fingerprints, events kept aside and, for a revoked device, what stays and why.

use super::{View, fit, pad};
use crate::tui::app::DevicesState;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(v: &View, s: &DevicesState, frame: &mut Frame, area: Rect) {
    let Some(roster) = &s.roster else {
        frame.render_widget(
            Paragraph::new(Span::styled(" 正在读取……", v.st(Role::Muted))),
            area,
        );
        return;
    };
    let w = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let Some(org) = &roster.org else {
        lines.push(Line::from(Span::styled(
            fit(" 本机未加入单位，接受任何设备的事件。", w),
            v.st(Role::Warning),
        )));
        lines.push(Line::from(Span::styled(
            fit(" 办公室电脑：xuncha org init --name 单位名称", w),
            v.st(Role::Muted),
        )));
        lines.push(Line::from(Span::styled(
            fit(" 笔记本：xuncha org join --dir 同步文件夹", w),
            v.st(Role::Muted),
        )));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    lines.push(Line::from(Span::styled(
        fit(&format!(" {}  指纹 {}", org.name, org.fingerprint), w),
        v.st(Role::Header),
    )));
    let mut selected_line = 0;
    for (code, title) in [
        ("approved", "已批准"),
        ("pending", "待批准"),
        ("revoked", "已吊销"),
    ] {
        let rows: Vec<(usize, &crate::ops::RosterRow)> = roster
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == code)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let role = match code {
            "pending" => Role::Warning,
            "revoked" => Role::Error,
            _ => Role::Header,
        };
        lines.push(Line::from(Span::styled(format!(" {title}"), v.st(role))));
        for (i, r) in rows {
            let me = if r.this_device { "（本机）" } else { "" };
            let mut text = format!("   {}{me}  {}", r.name, short(&r.device.to_string()));
            if r.aside_events > 0 {
                text.push_str(&format!("  暂存 {} 条", r.aside_events));
            }
            if code == "pending" && !r.requested {
                text.push_str("  未申请");
            }
            if let (Some(l), Some(reason)) = (r.last_seq, &r.reason) {
                text.push_str(&format!("  保留前 {l} 条：{reason}"));
            }
            let st = if i == s.selected {
                selected_line = lines.len();
                v.st(Role::Selection)
            } else {
                v.st(Role::Base)
            };
            lines.push(Line::from(Span::styled(pad(&fit(&text, w), w), st)));
        }
    }
    if let Some(r) = roster.rows.get(s.selected)
        && !r.key_fingerprint.is_empty()
    {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            fit(&format!(" 所选设备密钥指纹 {}", r.key_fingerprint), w),
            v.st(Role::Muted),
        )));
    }
    if !org.office {
        lines.push(Line::from(Span::styled(
            fit(" 批准、吊销只能在办公室电脑上进行", w),
            v.st(Role::Muted),
        )));
    }
    let h = area.height as usize;
    let scroll = selected_line.saturating_sub(h.saturating_sub(2));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), area);
}

/// The first and last groups of a device id: enough to tell devices apart on screen.
fn short(id: &str) -> String {
    match (id.get(..8), id.get(id.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) => format!("{a}…{b}"),
        _ => id.to_string(),
    }
}
