//! The sync screen: the folder, what is waiting, then the dry-run preview, a progress bar while
//! it runs, and what the sync did.

use super::{View, fit};
use crate::ops::{RejectKind, SyncReport};
use crate::tui::action::Command;
use crate::tui::app::{SyncPhase, SyncState};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};
use uuid::Uuid;

/// A device as the screen names it: the random end of its id.
fn device(id: Uuid) -> String {
    id.simple().to_string()[24..].to_string()
}

fn reject_label(k: RejectKind) -> &'static str {
    match k {
        RejectKind::Damaged => "损坏",
        RejectKind::Forged => "伪造",
        RejectKind::Fork => "分叉",
        RejectKind::Clone => "本机身份冲突",
        RejectKind::Demo => "演示数据",
    }
}

/// What a sync did, or in a dry run would do, as styled lines.
pub fn summary<'a>(v: &View, r: &SyncReport) -> Vec<Line<'a>> {
    let will = |done: &'static str, would: &'static str| if r.dry_run { would } else { done };
    let mut out = Vec::new();
    let mut line = |role: Role, text: String| out.push(Line::from(Span::styled(text, v.st(role))));
    let rejected = r.rejected.iter().filter(|x| x.needs_action()).count();
    let (role, head) = if r.dry_run {
        (
            Role::Warning,
            "试运行：以下是正式同步将会做的，尚未做任何改动",
        )
    } else if rejected > 0 || r.frozen.is_some() {
        (Role::Error, "同步已完成，但有问题（见下）")
    } else {
        (Role::Ok, "同步完成")
    };
    line(role, head.to_string());
    line(
        Role::Base,
        format!(
            "送出：本机新事件 {} 条；{}同步包 {} 个，共 {} 条事件（含转交其他设备的）",
            r.own_events_out,
            will("已写入", "将写入"),
            r.bundles_written.len(),
            r.events_out
        ),
    );
    let read = format!(
        "读取同步包 {} 个，已导入过的 {} 个",
        r.bundles_read, r.bundles_known
    );
    if r.events_in.is_empty() {
        line(Role::Base, format!("收到：没有新事件（{read}）"));
    } else {
        line(
            Role::Base,
            format!(
                "收到：{} 条新事件{}（{read}）",
                r.events_in_total(),
                will("", "将导入")
            ),
        );
        for d in &r.events_in {
            line(
                Role::Muted,
                format!("  · 设备 {}：{} 条", device(d.device), d.events),
            );
        }
    }
    if !r.conflicts.is_empty() {
        line(
            Role::Conflict,
            format!(
                "冲突：{} {} 处（两台设备各自改了同一字段；两个值都保留，请办公室裁定）",
                will("产生", "将产生"),
                r.conflicts.len()
            ),
        );
        for c in &r.conflicts {
            let values: Vec<String> = c.values.iter().map(|x| format!("「{x}」")).collect();
            line(
                Role::Base,
                format!(
                    "  · {} {}：{} {}",
                    c.facility,
                    c.description,
                    c.field_label,
                    values.join(" / ")
                ),
            );
        }
    }
    for f in &r.forks {
        use crate::ops::ForkOutcome::*;
        let what = match f.outcome {
            Kept => format!("另一支 {} 条已隔离", f.events),
            Replaced => format!("本机换成保留的一支，落选的 {} 条已隔离", f.events),
            Reissued => format!(
                "本数据目录是复制的且落选：已换新身份，{} 条事件以新身份重新签发，内容与时间不变",
                f.events
            ),
            Undecided => "暂时无法判定".into(),
        };
        line(
            Role::Warning,
            format!(
                "分叉（复制的数据目录）：设备 {} 第 {} 条起，按规则保留哈希较小的一支；{what}",
                device(f.device),
                f.seq
            ),
        );
    }
    if !r.rejected.is_empty() {
        line(
            Role::Error,
            format!(
                "拒收：{} 个同步包（其中的内容一条都不导入；其余有效内容照常导入）",
                r.rejected.len()
            ),
        );
        for x in &r.rejected {
            let fixed = if x.repaired {
                "（已用本机数据修复）"
            } else if x.covered {
                "（内容都在另一个完整的同步包里，无需处理）"
            } else {
                ""
            };
            // The reason on its own line: the file name alone fills 80 columns.
            line(
                Role::Error,
                format!("  · [{}] {}{fixed}", reject_label(x.kind), x.file),
            );
            line(Role::Error, format!("    {}", x.reason));
        }
    }
    for a in &r.arriving {
        let role = if a.repaired {
            Role::Muted
        } else {
            Role::Warning
        };
        line(
            role,
            format!("未传完，下次再读：{}（现有 {} 字节）", a.file, a.size),
        );
    }
    if !r.ignored.is_empty() {
        line(
            Role::Muted,
            format!(
                "忽略：{} 个不属于 xuncha 的文件（同步软件的冲突副本、临时文件等），未读取，无需处理",
                r.ignored.len()
            ),
        );
    }
    for x in &r.skipped {
        line(Role::Warning, format!("已跳过 {}：{}", x.file, x.reason));
    }
    for (warn, l) in r.photos.lines(r.dry_run) {
        line(if warn { Role::Warning } else { Role::Muted }, l);
    }
    if !r.removed.is_empty() {
        line(
            Role::Muted,
            format!(
                "整理：{}移除已被更大同步包覆盖的本机旧同步包 {} 个",
                will("已", "将"),
                r.removed.len()
            ),
        );
    }
    if !r.far_future.is_empty() {
        line(
            Role::Warning,
            format!(
                "时间异常：{} 条事件的时间比本机时钟晚一天以上（已保留，不用来校准时钟）",
                r.far_future.len()
            ),
        );
    }
    if !r.gaps.is_empty() {
        line(
            Role::Muted,
            format!(
                "缺口：{} 台设备的事件不连续（缺的部分等以后的同步包补上）",
                r.gaps.len()
            ),
        );
    }
    if let Some(why) = &r.frozen {
        line(Role::Error, format!("本机已停止写入：{why}"));
    }
    out
}

/// The roster at work (organisation, events kept aside for approval), then a blank line.
fn trust_lines<'a>(v: &View, lines: &[String]) -> Vec<Line<'a>> {
    if lines.is_empty() {
        return vec![];
    }
    let mut out: Vec<Line> = lines
        .iter()
        .map(|t| {
            let role = if t.contains("待批准") || t.contains("拒收") {
                Role::Warning
            } else {
                Role::Muted
            };
            Line::from(Span::styled(t.clone(), v.st(role)))
        })
        .collect();
    out.push(Line::from(""));
    out
}

/// Who holds what, one line per other device, then a blank line; nothing when no device
/// is known. A device that lacks our events is shown as a warning.
fn peer_lines<'a>(v: &View, peers: &[String]) -> Vec<Line<'a>> {
    if peers.is_empty() {
        return vec![];
    }
    let mut out = vec![Line::from(Span::styled("各设备：", v.st(Role::Header)))];
    for p in peers {
        let role = if p.contains("尚未收到") {
            Role::Warning
        } else {
            Role::Muted
        };
        // The time of the device's last sync on a line of its own: one line fills 80 columns.
        match p.split_once("（上次同步") {
            Some((who, when)) => {
                out.push(Line::from(Span::styled(format!("  · {who}"), v.st(role))));
                out.push(Line::from(Span::styled(
                    format!("    （上次同步{when}"),
                    v.st(Role::Muted),
                )));
            }
            None => out.push(Line::from(Span::styled(format!("  · {p}"), v.st(role)))),
        }
    }
    out.push(Line::from(""));
    out
}

pub fn render(v: &View, s: &SyncState, frame: &mut Frame, area: Rect) {
    let block = v.block(" 同步（U 盘或共享文件夹） ", true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 || inner.width < 4 {
        return;
    }
    let [label, field, note, status, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let w = inner.width as usize;
    frame.render_widget(
        Paragraph::new(Span::styled(
            "同步文件夹（U 盘、共享盘，或同步软件管理的文件夹）：",
            v.st(Role::Header),
        )),
        label,
    );
    let editing = s.editing && matches!(s.phase, SyncPhase::Folder);
    let field = Rect {
        x: field.x + 1,
        width: field.width.saturating_sub(2),
        ..field
    };
    if let Some(p) = s
        .folder
        .render(field, frame.buffer_mut(), v.st(Role::Input), editing)
    {
        frame.set_cursor_position(p);
    }
    let (text, role) = match &s.error {
        Some(e) => (format!("✗ {e}"), Role::Error),
        None => (String::new(), Role::Muted),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(fit(&text, w), v.st(role))),
        note,
    );
    let info = &s.info;
    let mut spans = vec![
        Span::styled("本机待同步事件：", v.st(Role::Muted)),
        Span::styled(
            format!("{} 条", info.unsynced),
            v.st(if info.unsynced > 0 {
                Role::Warning
            } else {
                Role::Base
            }),
        ),
        Span::styled("  上次同步：", v.st(Role::Muted)),
        Span::styled(
            info.last.clone().unwrap_or_else(|| "尚未同步".into()),
            v.st(Role::Base),
        ),
    ];
    if info.frozen.is_some() {
        spans.push(Span::styled("  本机已停止写入", v.st(Role::Error)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), status);

    let keys = |cmds: &[(Command, &str)]| {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(v.hints(v.app.context(), cmds));
        Line::from(spans)
    };
    let lines: Vec<Line> = match &s.phase {
        SyncPhase::Folder => vec![
            Line::from(Span::styled(
                "先试运行：列出将送出和收到的内容、将产生的冲突和会被拒收的同步包，",
                v.st(Role::Muted),
            )),
            Line::from(Span::styled(
                "不做任何改动；确认后再正式同步。",
                v.st(Role::Muted),
            )),
            Line::from(""),
        ]
        .into_iter()
        .chain(trust_lines(v, &s.info.trust))
        .chain(peer_lines(v, &s.info.peers))
        .chain([if s.editing {
            let back = if s.folder_before.is_empty() {
                "返回"
            } else {
                "还原文件夹"
            };
            keys(&[(Command::Submit, "试运行"), (Command::Back, back)])
        } else {
            keys(&[
                (Command::Yes, "试运行"),
                (Command::EditFolder, "改文件夹"),
                (Command::Back, "返回"),
            ])
        }])
        .collect(),
        SyncPhase::Running {
            dry_run,
            done,
            total,
        } => {
            let what = if *dry_run { "试运行" } else { "同步" };
            let label = if *total == 0 {
                format!("正在读取同步文件夹……（{what}）")
            } else {
                format!("{what}中：{done}/{total} 个同步包")
            };
            let ratio = if *total == 0 {
                0.0
            } else {
                (*done as f64 / *total as f64).clamp(0.0, 1.0)
            };
            let bar = Rect {
                height: 1,
                width: body.width.min(60),
                ..body
            };
            frame.render_widget(
                Gauge::default()
                    .gauge_style(v.st(Role::Ok))
                    .ratio(ratio)
                    .label(Span::styled(label, v.st(Role::Header))),
                bar,
            );
            return;
        }
        SyncPhase::Preview(r) => {
            let mut l = summary(v, r);
            l.push(Line::from(""));
            l.push(keys(&[
                (Command::Yes, "开始同步"),
                (Command::EditFolder, "改文件夹"),
                (Command::Back, "返回"),
            ]));
            l
        }
        SyncPhase::Done(r) => {
            let mut l = summary(v, r);
            l.push(Line::from(""));
            l.extend(trust_lines(v, &s.info.trust));
            l.extend(peer_lines(v, &s.info.peers));
            l.push(keys(&[
                (Command::Yes, "返回首页"),
                (Command::EditFolder, "换个文件夹再同步"),
            ]));
            l
        }
    };
    // Every explanation is read whole: lines wrap to the width (60 columns included) before
    // a long list is cut.
    let mut lines = crate::tui::widgets::wrap::wrap_lines(&lines, w, false);
    // Long lists keep the key hints visible: cut the middle, not the end.
    let h = body.height as usize;
    if lines.len() > h && h >= 3 {
        let tail = lines.split_off(lines.len() - 2);
        lines.truncate(h - 3);
        lines.push(Line::from(Span::styled(
            "  ……（更多内容略）",
            v.st(Role::Muted),
        )));
        lines.extend(tail);
    }
    frame.render_widget(Paragraph::new(lines), body);
}
