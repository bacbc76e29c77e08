//! Rendering: reads `App` only (never the store), one file per screen.

mod attach;
mod browse;
mod checklist;
mod department_pick;
mod detail;
mod devices;
mod entry_form;
mod facility;
mod first_run;
mod form;
mod help;
mod home;
mod home_status;
mod new_inspection;
mod overlays;
mod photo_view;
mod place_pick;
mod register;
pub mod registers;
pub mod registers_state;
mod search;
mod status;
mod suggest;
mod summary;
mod sync;

use super::action::Command;
use super::app::{App, MessageKind, Screen};
use super::keymap::{Context, Keymap};
use super::theme::{Role, Theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

/// What every screen renderer gets.
pub struct View<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
}

impl View<'_> {
    pub fn st(&self, r: Role) -> Style {
        self.theme.get(r)
    }

    pub fn block<'b>(&self, title: &'b str, focus: bool) -> Block<'b> {
        Block::default()
            .borders(Borders::ALL)
            .border_style(self.st(if focus {
                Role::BorderFocus
            } else {
                Role::Border
            }))
            .title(Span::styled(title, self.st(Role::Title)))
    }

    /// `key 描述` hint spans for the status line.
    pub fn hints(&self, ctx: Context, cmds: &[(Command, &str)]) -> Vec<Span<'static>> {
        let mut out = Vec::new();
        for (c, label) in cmds {
            if let Some(k) = self.keymap.key_for(ctx, *c) {
                out.push(Span::styled(k, self.st(Role::Key)));
                out.push(Span::styled(
                    format!(" {label}  "),
                    self.st(Role::StatusBar),
                ));
            }
        }
        out
    }
}

/// Cuts text to `width` display columns, ending with ".." when cut (ASCII: "…" is
/// ambiguous-width and shifts columns in CJK terminals).
pub fn fit(s: &str, width: usize) -> String {
    use unicode_truncate::UnicodeTruncateStr;
    if s.width() <= width {
        return s.to_string();
    }
    // Cut at a whole character (a wide one never half-drawn) and mark the cut.
    let (kept, _) = s.unicode_truncate(width.saturating_sub(2));
    let mut out = kept.to_string();
    if width >= 2 {
        out.push_str("..");
    }
    out
}

/// A text from the store as the screen shows it: control and bidi characters as visible escapes
/// (`\x1b`), newlines as spaces (`domain::sanitize::escape_line`). For texts kept raw in the
/// state because they are also matched against records (facility names and their spellings,
/// inspector names, place names); the texts escaped on arrival (`tui::sanitize`) need not.
pub fn shown(s: &str) -> String {
    crate::domain::sanitize::escape_line(s).into_owned()
}

/// Pads (or cuts) to exactly `width` columns.
pub fn pad(s: &str, width: usize) -> String {
    let f = fit(s, width);
    let w = f.width();
    f + &" ".repeat(width.saturating_sub(w))
}

/// A rect of at most w x h centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn title(app: &App) -> &'static str {
    match app.screen() {
        Screen::FirstRun(_) => "首次使用",
        Screen::Home(_) => "首页",
        Screen::NewInspection(_) => "新建检查",
        Screen::Checklist(_) => "检查表",
        Screen::Form(_) => "登记隐患",
        Screen::Register(_) => "隐患台账",
        Screen::Registers(_) => "危化品与特种设备台账",
        Screen::EntryForm(_) => "危化品与特种设备台账",
        Screen::Detail(_) => "隐患详情",
        Screen::Sync(_) => "同步",
        Screen::Search(_) => "搜索",
        Screen::Inspections(_) => "全部检查",
        Screen::FacilityList(_) => "受检单位",
        Screen::Facilities(_) => "单位台账",
        Screen::Devices(_) => "设备",
        Screen::Attach(_) => "添加照片",
        Screen::Patrol(_) => "重点部位巡查",
    }
}

pub fn render(app: &App, frame: &mut Frame, theme: &Theme, keymap: &Keymap) {
    let area = frame.area();
    if area.width < 2 || area.height < 3 {
        return;
    }
    let v = View { app, theme, keymap };
    frame.buffer_mut().set_style(area, v.st(Role::Base));
    // A message too long for one line takes two (issue 11, point 7).
    let message = app.message.as_ref().map(|m| {
        let lines = status::message_lines(&m.text, (area.width as usize).saturating_sub(2));
        (m.kind, lines)
    });
    // Home's keys take two lines when one does not hold them all (every key discoverable).
    let bar = key_bar_lines(&v, area.width as usize);
    // A message of one line stands in the key bar's place until the next key; one that wraps
    // sits above the key bar, which stays in view (at 60 columns a two-line message used to
    // hide every key).
    let status_h = match (&message, &app.busy) {
        (Some((_, l)), _) if l.len() > 1 => l.len().min(2) + bar.len(),
        (Some(_), _) => 1,
        (None, Some(_)) => 1,
        (None, None) => bar.len(),
    } as u16;
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status_h),
    ])
    .areas(area);
    let who = if app.inspector.is_empty() {
        String::new()
    } else {
        format!("{} · ", app.inspector)
    };
    let right = format!("{who}{}", app.now.today());
    let head = Line::from(vec![
        Span::styled(" 巡查 ", v.st(Role::Title)),
        Span::styled(format!("· {} ", title(app)), v.st(Role::Header)),
    ]);
    let gap = (top.width as usize).saturating_sub(head.width() + right.width() + 1);
    let mut spans = head.spans;
    spans.push(Span::raw(" ".repeat(gap)));
    spans.push(Span::styled(right, v.st(Role::Muted)));
    frame.render_widget(Paragraph::new(Line::from(spans)), top);

    // Search is drawn over the screen it was opened from.
    let (under, search) = match app.screen() {
        Screen::Search(s) => (app.stack.iter().rev().nth(1), Some(s)),
        other => (Some(other), None),
    };
    match under.unwrap_or(app.screen()) {
        Screen::FirstRun(s) => first_run::render(&v, s, frame, body),
        Screen::Home(s) => home::render(&v, s, frame, body),
        Screen::NewInspection(s) => new_inspection::render(&v, s, frame, body),
        Screen::Checklist(s) => checklist::render(&v, s, frame, body),
        Screen::Form(s) => form::render(&v, s, frame, body),
        Screen::Register(s) => register::render(&v, s, frame, body),
        Screen::Registers(s) => registers::render(&v, s, frame, body),
        Screen::EntryForm(s) => entry_form::render(&v, s, frame, body),
        Screen::Detail(s) => detail::render(&v, s, frame, body),
        Screen::Sync(s) => sync::render(&v, s, frame, body),
        Screen::Search(_) => {}
        Screen::Inspections(s) => browse::render_inspections(&v, s, frame, body),
        Screen::FacilityList(s) => browse::render_facilities(&v, s, frame, body),
        Screen::Facilities(s) => facility::render(&v, s, frame, body),
        Screen::Devices(s) => devices::render(&v, s, frame, body),
        Screen::Attach(s) => attach::render(&v, s, frame, body),
        Screen::Patrol(s) => facility::render_patrol(&v, s, frame, body),
    }
    if let Some(s) = search {
        search::render(&v, s, frame, body);
    }
    overlays::render(&v, frame, body);
    status_line(&v, message, bar, frame, bottom);
}

/// The frame drawn before the store opens (no theme yet: the terminal's own colours).
pub fn opening(frame: &mut Frame) {
    let area = frame.area();
    let r = centered(area, 30, 1);
    frame.render_widget(Paragraph::new("正在打开数据……"), r);
}

fn status_line(
    v: &View,
    message: Option<(MessageKind, Vec<String>)>,
    bar: Vec<Line<'static>>,
    frame: &mut Frame,
    area: Rect,
) {
    frame.buffer_mut().set_style(area, v.st(Role::StatusBar));
    let lines = match message {
        Some((kind, lines)) => {
            let role = match kind {
                MessageKind::Info => Role::StatusBar,
                MessageKind::Ok => Role::Ok,
                MessageKind::Error => Role::Error,
            };
            let wraps = lines.len() > 1;
            let mut out: Vec<Line<'static>> = lines
                .into_iter()
                .map(|l| Line::from(Span::styled(format!(" {l} "), v.st(role))))
                .collect();
            if wraps {
                out.extend(bar);
            }
            out
        }
        None => match &v.app.busy {
            Some(b) => vec![Line::from(Span::styled(
                format!(" {} ", status::busy_text(b)),
                v.st(Role::Warning),
            ))],
            None => bar,
        },
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// The key bar's lines: one; on home, two when one does not hold every key (the first line
/// takes keys in order as far as they fit, the second the rest with back and help).
fn key_bar_lines(v: &View, width: usize) -> Vec<Line<'static>> {
    let ctx = v.app.context();
    let mut whole = vec![Span::raw(" ")];
    whole.extend(v.hints(ctx, hint_cmds(ctx)));
    // Room for the help key ("?  帮助") after the keys.
    let two_lines = matches!(ctx, Context::Home | Context::Registers);
    if !two_lines || Line::from(whole).width() + 7 <= width {
        return vec![key_bar(v, width, hint_cmds(ctx))];
    }
    let cmds = hint_cmds(ctx);
    let mut first: Vec<(Command, &str)> = Vec::new();
    let mut rest: Vec<(Command, &str)> = Vec::new();
    for &(c, label) in cmds {
        if c == Command::Back || !rest.is_empty() {
            rest.push((c, label));
            continue;
        }
        let mut trial = first.clone();
        trial.push((c, label));
        let mut spans = vec![Span::raw(" ")];
        spans.extend(v.hints(ctx, &trial));
        if Line::from(spans).width() <= width {
            first = trial;
        } else {
            rest.push((c, label));
        }
    }
    let mut spans = vec![Span::raw(" ")];
    spans.extend(v.hints(ctx, &first));
    vec![Line::from(spans), key_bar(v, width, &rest)]
}

/// The key bar: the screen's keys as far as they fit, and always how to go back and how to see
/// all keys (those two are kept, the others drop from the end).
fn key_bar(v: &View, width: usize, cmds: &[(Command, &str)]) -> Line<'static> {
    let ctx = v.app.context();
    let help = if ctx.is_text() { "F1" } else { "?" };
    let mut keep: Vec<(Command, &str)> = cmds.to_vec();
    if !keep.iter().any(|(c, _)| *c == Command::Back) && ctx != Context::FirstRun {
        keep.push((Command::Back, "返回"));
    }
    // The back key goes last (next to help), so dropping from the middle never loses it.
    let back: Vec<(Command, &str)> = keep
        .iter()
        .filter(|(c, _)| *c == Command::Back)
        .cloned()
        .collect();
    let mut others: Vec<(Command, &str)> = keep
        .into_iter()
        .filter(|(c, _)| *c != Command::Back)
        .collect();
    loop {
        let mut list = others.clone();
        list.extend(back.iter().cloned());
        let mut spans = vec![Span::raw(" ")];
        spans.extend(v.hints(ctx, &list));
        // In the help overlay every key is already listed: the bar says how to close it
        // (Esc, or ? again), not how to open it.
        if ctx != Context::Help {
            spans.push(Span::styled(help, v.st(Role::Key)));
            spans.push(Span::styled(" 帮助", v.st(Role::StatusBar)));
        }
        let line = Line::from(spans);
        if line.width() <= width || others.is_empty() {
            return line;
        }
        others.pop();
    }
}

fn hint_cmds(ctx: Context) -> &'static [(Command, &'static str)] {
    use Command::*;
    match ctx {
        Context::Home => &[
            (NewInspection, "新建检查"),
            (Open, "继续"),
            (AdHocFinding, "表外隐患"),
            (Register, "隐患台账"),
            (BrowseInspections, "全部检查"),
            (BrowseFacilities, "受检单位"),
            (Search, "搜索"),
            (Facilities, "单位台账/巡查"),
            (Registers, "危化/设备"),
            (Sync, "同步"),
            (Devices, "设备"),
            (Back, "退出"),
        ],
        Context::Checklist => &[
            (Pass, "合格"),
            (Fail, "不合格"),
            (Na, "不适用"),
            (NextUnanswered, "下一未答"),
            (AddFinding, "加隐患"),
            (Finish, "结束"),
            (AnswerNote, "备注"),
            (AdHocFinding, "表外隐患"),
            (Search, "搜索"),
        ],
        Context::Register => &[
            (Open, "详情"),
            (FilterStatus, "状态"),
            (FilterOverdue, "逾期"),
            (SortDue, "排序"),
            (Rectify, "整改"),
            (VerifyPass, "复查"),
            (Export, "导出"),
            (Mark, "标记"),
            (IssueNotice, "合发文书"),
        ],
        Context::Detail => &[
            (Rectify, "整改"),
            (VerifyPass, "通过"),
            (VerifyFail, "不通过"),
            (Escalate, "督办"),
            (Comment, "备注"),
            (Retract, "撤销"),
            (Print, "打印"),
            (EditField, "修改"),
            (AttachPhoto, "加照片"),
            (Back, "返回"),
        ],
        Context::Form => &[
            (Submit, "保存"),
            (NextField, "下一栏"),
            (AttachPhoto, "照片"),
            (Back, "取消"),
        ],
        Context::NewInspection => &[(Submit, "开始检查"), (NextField, "下一栏"), (Back, "取消")],
        Context::FirstRun => &[(Submit, "确定")],
        Context::Prompt => &[(Submit, "确定"), (Back, "取消")],
        Context::Confirm => &[(Yes, "确定"), (No, "取消")],
        Context::Chooser => &[(Open, "选定"), (Back, "取消")],
        Context::Summary => &[(Yes, "确定"), (NextUnanswered, "转到"), (No, "返回")],
        Context::Help => &[(Down, "下一条"), (Back, "关闭帮助（? 亦可）")],
        Context::Search => &[(Open, "打开"), (Down, "下一个"), (Back, "关闭")],
        Context::Sync => &[(Yes, "继续"), (EditFolder, "改文件夹"), (Back, "返回")],
        Context::Registers => &[
            (AddEntry, "登记"),
            (EditField, "修改"),
            (StockIn, "入库"),
            (StockOut, "领用"),
            (RecordInspection, "检验"),
            (RecordMaintenance, "维保"),
            (RecordAccessory, "安全附件"),
            (RecordOperator, "持证人员"),
            (LinkHazard, "关联隐患"),
            (NewHazard, "登记隐患"),
            (NextField, "切换"),
            (Back, "返回"),
        ],
        Context::EntryForm => &[(Submit, "保存"), (NextField, "下一栏"), (Back, "取消")],
        Context::SyncFolder => &[(Submit, "试运行"), (Back, "取消")],
        Context::Inspections => &[
            (Open, "打开"),
            (FilterFacility, "单位"),
            (FilterMonth, "月份"),
            (FilterMode, "方式"),
            (FilterInspector, "检查人"),
            (FilterStatus, "状态"),
            (SortNext, "排序"),
            (ClearFilters, "全部"),
        ],
        Context::FacilityList => &[(Open, "检查"), (Register, "台账"), (SortNext, "排序")],
        Context::Facilities => &[
            (AddEntry, "登记"),
            (EditField, "修改"),
            (NextField, "单位/场所"),
            (DayPatrol, "日间巡查"),
            (NightPatrol, "夜间巡查"),
            (Back, "返回"),
        ],
        Context::Devices => &[(Approve, "批准"), (Revoke, "吊销"), (Back, "返回")],
        Context::AttachList => &[
            (Mark, "标记"),
            (Open, "打开/添加"),
            (Submit, "添加标记的"),
            (ToggleStage, "整改前/后"),
            (EditFolder, "输入路径"),
            (Back, "返回"),
        ],
        Context::AttachPath => &[(NextField, "补全"), (Submit, "打开"), (Down, "列表")],
        Context::Patrol => &[
            (Pass, "正常"),
            (Fail, "异常"),
            (Finish, "结束"),
            (Back, "返回"),
        ],
    }
}

/// The one-column mark before a list row: 「▸」 on the row Enter takes, a space on the others
/// (as the 部位 suggestions draw it), so the choice shows without colour.
pub fn selected_mark(selected: bool) -> &'static str {
    if selected { "▸" } else { " " }
}
