//! The registry (单位台账) and a patrol under way (issue 16); the plan panel of home.

use super::{View, fit, pad, shown};
use crate::domain::{Facility, Place, RiskGrade};
use crate::tui::app::{FacilitiesState, PatrolState};
use crate::tui::patrol_state::RegistryPane;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// The role a risk grade is drawn in (red, orange, yellow, blue).
pub fn grade_role(g: RiskGrade) -> Role {
    match g {
        RiskGrade::Major => Role::RiskMajor,
        RiskGrade::Large => Role::RiskLarge,
        RiskGrade::General => Role::RiskGeneral,
        RiskGrade::Low => Role::RiskLow,
    }
}

/// "重大" in its colour, always in words (the mono theme shows it by weight only).
fn grade_span(v: &View, p: &Place) -> Span<'static> {
    match p.grade {
        Some(g) => Span::styled(format!(" {} ", g.label()), v.st(grade_role(g))),
        None => Span::raw(""),
    }
}

pub fn render(v: &View, s: &FacilitiesState, frame: &mut Frame, area: Rect) {
    let Some(list) = &s.list else {
        frame.render_widget(
            Paragraph::new(Span::styled(" 正在读取……", v.st(Role::Muted))),
            area,
        );
        return;
    };
    let left_w = (area.width / 3).clamp(18, 34);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Fill(1)]).areas(area);
    let places_pane = s.pane == RegistryPane::Places;
    let block = v.block(" 单位 ", !places_pane);
    let inner = block.inner(left);
    frame.render_widget(block, left);
    let mut lines: Vec<Line> = Vec::new();
    if list.is_empty() {
        lines.push(Line::from(Span::styled(" 尚未登记单位", v.st(Role::Muted))));
        lines.push(Line::from(Span::styled(
            " 按 a 登记单位",
            v.st(Role::Muted),
        )));
    }
    for (i, f) in list.iter().enumerate() {
        // The marks stay whole: a long name gives way to them (cut with its own mark).
        let mark = if f.is_conflicted() { "！" } else { "" };
        let tail = format!("{mark} ★{}", f.key_sites().count());
        let room = (inner.width as usize).saturating_sub(1 + tail.width());
        let text = format!(" {}{tail}", fit(&shown(&f.name), room));
        let st = if i == s.selected {
            v.st(Role::Selection)
        } else {
            v.st(Role::Base)
        };
        lines.push(Line::from(Span::styled(
            pad(&text, inner.width as usize),
            st,
        )));
    }
    if !s.unregistered.is_empty() {
        lines.push(Line::from(Span::styled(
            fit(
                &format!(" 未登记：{}", s.unregistered.join("、")),
                inner.width as usize,
            ),
            v.st(Role::Muted),
        )));
    }
    let h = inner.height as usize;
    let scroll = s.selected.saturating_sub(h.saturating_sub(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
    let title = " 场所与风险（★重点部位） ";
    let block = v.block(title, places_pane);
    let inner = block.inner(right);
    frame.render_widget(block, right);
    let Some(f) = s.current() else {
        return;
    };
    let (tree, log) = match s.current_place() {
        Some(p) => {
            let control = u16::from(!p.measures.is_empty() || !p.responsible.is_empty());
            let rows = s.visits_of(f, p).count().max(1) as u16 + control;
            let [tree, log] = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length((rows + 1).min(inner.height / 2)),
            ])
            .areas(inner);
            (tree, Some((log, p)))
        }
        None => (inner, None),
    };
    let lines = detail(v, s, f, tree.width as usize);
    // Keep the selected place in view: it is drawn after the header lines.
    let header = lines.len() - f.places.len().max(1);
    let cursor = header + s.place;
    let scroll = match log {
        Some(_) => cursor.saturating_sub((tree.height as usize).saturating_sub(1)),
        None => 0,
    };
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), tree);
    if let Some((area, p)) = log {
        frame.render_widget(
            Paragraph::new(site_log(v, s, f, p, area.width as usize)),
            area,
        );
    }
}

/// The patrol log of one place, newest first, as far as it fits.
fn site_log(
    v: &View,
    s: &FacilitiesState,
    f: &Facility,
    p: &Place,
    w: usize,
) -> Vec<Line<'static>> {
    let visits: Vec<_> = s.visits_of(f, p).collect();
    let head = format!("巡查记录：{}（共 {} 次）", shown(&p.name), visits.len());
    let mut out = vec![Line::from(Span::styled(fit(&head, w), v.st(Role::Header)))];
    let control: Vec<String> = [("管控措施", &p.measures), ("责任人", &p.responsible)]
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(k, t)| format!("{k}：{t}"))
        .collect();
    if !control.is_empty() {
        out.push(Line::from(Span::raw(fit(&control.join("  "), w))));
    }
    if visits.is_empty() {
        let text = if p.key_site {
            "尚未巡查"
        } else {
            "不是重点部位：巡查只走重点部位（e 修改，Tab 到“重点部位”填 是）"
        };
        out.push(Line::from(Span::styled(fit(text, w), v.st(Role::Muted))));
    }
    for r in visits {
        let when = r.at.local_or(v.app.now.0.offset()).format("%m-%d %H:%M");
        let kind = if r.night { "夜间" } else { "日间" };
        // 异常→隐患: the visit recorded a hazard (in the register under this site).
        let result = if r.finding_id.is_some() {
            format!("{}→隐患", r.result)
        } else {
            r.result.to_string()
        };
        let mut text = format!("{when} {kind} {result} {}", r.patroller);
        if !r.note.is_empty() {
            text.push_str(&format!("：{}", r.note));
        }
        let role = if r.finding_id.is_some() || r.result != "正常" {
            Role::Fail
        } else {
            Role::Base
        };
        out.push(Line::from(Span::styled(fit(&text, w), v.st(role))));
    }
    out
}

fn detail(v: &View, s: &FacilitiesState, f: &Facility, w: usize) -> Vec<Line<'static>> {
    let muted = v.st(Role::Muted);
    let mut out = vec![Line::from(vec![
        Span::styled(shown(&f.name), v.st(Role::Title)),
        Span::styled(format!("（{}）", f.kind.label()), muted),
    ])];
    let people: Vec<String> = [
        ("主要负责人", &f.head, &f.head_phone),
        ("分管", &f.deputy, &f.deputy_phone),
        ("安全员", &f.officer, &f.officer_phone),
    ]
    .iter()
    .filter(|(_, n, _)| !n.is_empty())
    .map(|(r, n, p)| format!("{r} {n} {p}").trim_end().to_string())
    .collect();
    if !people.is_empty() {
        out.push(Line::from(Span::raw(fit(&people.join("  "), w))));
    }
    // Merged spellings stay visible (issue 16 point 3): records typed so count here.
    if !f.aliases.is_empty() {
        out.push(Line::from(Span::styled(
            fit(&format!("其他写法（已合并）：{}", f.aliases.join("、")), w),
            muted,
        )));
    }
    for c in &f.conflicts {
        let vals: Vec<&str> = c.values.iter().map(|(_, v)| v.as_str()).collect();
        out.push(Line::from(Span::styled(
            fit(
                &format!("冲突：{} {}（再次修改即可裁定）", c.field, vals.join(" / ")),
                w,
            ),
            v.st(Role::Conflict),
        )));
    }
    if f.places.is_empty() {
        out.push(Line::from(Span::styled(
            "尚未登记场所：Tab 到这一侧，按 a 登记",
            muted,
        )));
    }
    let selected = s.current_place().map(|p| p.id);
    for p in &f.places {
        let indent = "  ".repeat(p.depth);
        let star = if p.key_site { "★" } else { " " };
        let name = format!("{indent}{star}{}", shown(&p.name));
        let name = if selected == Some(p.id) {
            Span::styled(name, v.st(Role::Selection))
        } else {
            Span::raw(name)
        };
        let mut spans = vec![name, grade_span(v, p)];
        if p.key_site {
            let last = match s.last_visit(f, p) {
                Some(r) => format!(
                    " 最近巡查 {} {}",
                    r.at.local_or(v.app.now.0.offset()).format("%m-%d %H:%M"),
                    r.result
                ),
                None => " 尚未巡查".to_string(),
            };
            spans.push(Span::styled(last, muted));
        }
        out.push(Line::from(spans));
    }
    out
}

pub fn render_patrol(v: &View, s: &PatrolState, frame: &mut Frame, area: Rect) {
    let sites = s.sites();
    let done = sites
        .iter()
        .filter(|p| s.patrol.visit_of(p.id).is_some())
        .count();
    let title = format!(
        " {} · {} · 巡查人 {} ",
        s.patrol.kind_label(),
        shown(&s.facility.name),
        shown(&s.patrol.patroller)
    );
    let block = v.block(&title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [list, foot] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let w = list.width as usize;
    let mut lines = Vec::new();
    for (i, p) in sites.iter().enumerate() {
        let sel = i == s.cursor;
        let (state, role) = match s.patrol.visit_of(p.id) {
            Some(vis) if vis.ok => (
                format!(
                    "正常 {}",
                    vis.at.local_or(v.app.now.0.offset()).format("%H:%M")
                ),
                Role::Pass,
            ),
            Some(vis) => {
                // The hazard's number when this screen saved it (YH-…), before the note.
                let number = vis
                    .finding_id
                    .and_then(|id| s.hazards.get(&id))
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default();
                (
                    format!(
                        "异常 {}{number} {}",
                        vis.at.local_or(v.app.now.0.offset()).format("%H:%M"),
                        vis.note
                    ),
                    Role::Fail,
                )
            }
            None if s.pending.contains(&p.id) => ("保存中".to_string(), Role::Muted),
            None => ("待巡查".to_string(), Role::Muted),
        };
        let marker = if sel { "›" } else { " " };
        let name = pad(
            &format!("{marker}{:>2}. {}", i + 1, shown(&p.name)),
            22.min(w),
        );
        let base = if sel {
            v.st(Role::Selection)
        } else {
            v.st(Role::Base)
        };
        let grade = match p.grade {
            Some(g) => Span::styled(pad(g.label(), 4), v.st(grade_role(g))),
            None => Span::styled(pad("", 4), v.st(Role::Muted)),
        };
        let rest = w.saturating_sub(22 + 5);
        lines.push(Line::from(vec![
            Span::styled(name, base),
            Span::raw(" "),
            grade,
            Span::styled(fit(&format!(" {state}"), rest), v.st(role)),
        ]));
    }
    let h = list.height as usize;
    let scroll = s.cursor.saturating_sub(h.saturating_sub(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), list);
    let mut text = format!(" 已巡 {done}/{}，异常 {}", sites.len(), s.patrol.abnormal());
    if s.patrol.finished_at.is_some() {
        text.push_str(" · 已结束");
    }
    frame.render_widget(Paragraph::new(Span::styled(text, v.st(Role::Header))), foot);
}

/// The plan panel in one line, for a screen too short for its box: the first rule not met
/// and how many more there are.
pub fn plan_line(v: &View, lines: &[String], frame: &mut Frame, area: Rect) {
    let Some(first) = lines.first() else {
        return;
    };
    let text = if lines.len() > 1 {
        format!("{first}（另有 {} 条：xuncha plan status）", lines.len() - 1)
    } else {
        first.clone()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&text, area.width as usize),
            v.st(Role::Warning),
        )),
        area,
    );
}

/// The home panel of the rules of frequency: what is short now, as far as it fits.
pub fn plan_panel(v: &View, lines: &[String], frame: &mut Frame, area: Rect) {
    let block = v.block(" 巡查与检查频次（未完成） ", false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let h = inner.height as usize;
    if h == 1 {
        plan_line(v, lines, frame, inner);
        return;
    }
    let mut out: Vec<Line> = lines
        .iter()
        .take(if lines.len() > h {
            h.saturating_sub(1)
        } else {
            h
        })
        .map(|l| {
            Line::from(Span::styled(
                fit(l, inner.width as usize),
                v.st(Role::Warning),
            ))
        })
        .collect();
    if lines.len() > h && h > 0 {
        out.push(Line::from(Span::styled(
            format!("…另有 {} 条：xuncha plan status", lines.len() - (h - 1)),
            v.st(Role::Muted),
        )));
    }
    frame.render_widget(Paragraph::new(out), inner);
}
