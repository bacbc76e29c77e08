//! Fitting a status message into the bottom line(s) so that neither what is wrong (the start)
//! nor what to do (the end) is lost (issue 11, point 7): a message that does not fit one line
//! wraps to two; one that does not fit two has its quoted names and paths cut in the middle,
//! then its middle clauses dropped, then its middle cut. Every cut is marked "..".

use super::fit;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The status line while work runs: a spinner, what runs, how far, and how to stop it.
pub fn busy_text(b: &crate::tui::app::Busy) -> String {
    const SPIN: [char; 4] = ['|', '/', '-', '\\'];
    let mut s = format!("{} {}……", SPIN[b.ticks % 4], b.what);
    if let Some((done, total)) = b.progress
        && total > 0
    {
        s.push_str(&format!(" {done}/{total}"));
    }
    if b.cancellable {
        s.push_str("（Esc 取消）");
    }
    s
}

/// The most lines a message may take at the bottom of the screen.
pub const MAX_LINES: usize = 2;

/// `text` as 1 or 2 lines of at most `width` display columns each.
pub fn message_lines(text: &str, width: usize) -> Vec<String> {
    let width = width.max(4);
    if text.width() <= width {
        return vec![text.to_string()];
    }
    let budget = width * MAX_LINES;
    let mut t = shorten_quoted(text, budget);
    if t.width() > budget {
        t = shorten_paths(&t, budget);
    }
    if t.width() > budget {
        t = drop_middle_clauses(&t, budget);
    }
    if t.width() > budget {
        t = cut_middle(&t, budget);
    }
    wrap(&t, width)
}

/// Shortens the longest 「quoted」 parts (names of records, files) to no less than 8 columns.
fn shorten_quoted(text: &str, budget: usize) -> String {
    let mut t = text.to_string();
    while t.width() > budget {
        let mut best: Option<(usize, usize, usize)> = None;
        let mut from = 0;
        while let Some(a) = t[from..].find('「').map(|i| i + from) {
            let Some(b) = t[a..].find('」').map(|i| i + a) else {
                break;
            };
            let inner = &t[a + '「'.len_utf8()..b];
            let w = inner.width();
            if w > 8 && best.is_none_or(|(_, _, bw)| w > bw) {
                best = Some((a + '「'.len_utf8(), b, w));
            }
            from = b + '」'.len_utf8();
        }
        let Some((a, b, w)) = best else {
            break;
        };
        let over = t.width() - budget;
        let target = w.saturating_sub(over).max(8);
        let short = fit(&t[a..b], target);
        t = format!("{}{short}{}", &t[..a], &t[b..]);
    }
    t
}

/// Chars that end a path written inside a Chinese sentence.
fn ends_path(c: char) -> bool {
    c.is_whitespace() || "：，。；）」".contains(c)
}

/// Cuts long paths in the middle, keeping their start (which folder) and their file name.
fn shorten_paths(text: &str, budget: usize) -> String {
    let mut out = String::new();
    let mut rest = text;
    let mut over = text.width().saturating_sub(budget);
    while let Some(start) = rest.find(['/', '\\']).map(|i| {
        // Back to the start of the token holding the separator.
        rest[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| ends_path(*c))
            .map_or(0, |(j, c)| j + c.len_utf8())
    }) {
        let len = rest[start..].find(ends_path).unwrap_or(rest.len() - start);
        let path = &rest[start..start + len];
        out.push_str(&rest[..start]);
        let w = path.width();
        if over > 0 && w > 20 {
            let keep = w.saturating_sub(over + 2).max(18);
            let short = middle(path, keep);
            over = over.saturating_sub(w - short.width());
            out.push_str(&short);
        } else {
            out.push_str(path);
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// `s` in at most `width` columns: its start and as much of its end as fits, joined by "..".
/// The end gets the larger share (a path's file name, a sentence's advice).
fn middle(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let room = width.saturating_sub(2);
    let head_w = room / 3;
    let head = take_start(s, head_w);
    let tail = take_end(s, room - head.width());
    format!("{head}..{tail}")
}

fn take_start(s: &str, width: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        w += c.width().unwrap_or(0);
        if w > width {
            return &s[..i];
        }
    }
    s
}

fn take_end(s: &str, width: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices().rev() {
        w += c.width().unwrap_or(0);
        if w > width {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// Drops clauses after the first until the text fits, keeping the last (what to do).
fn drop_middle_clauses(text: &str, budget: usize) -> String {
    let mut clauses: Vec<&str> = text.split_inclusive(['。', '；', '：']).collect::<Vec<_>>();
    let mut dropped = false;
    while clauses.len() > 2 {
        let now: usize =
            clauses.iter().map(|c| c.width()).sum::<usize>() + if dropped { 2 } else { 0 };
        if now <= budget {
            break;
        }
        clauses.remove(1);
        dropped = true;
    }
    if !dropped {
        return text.to_string();
    }
    let mut out = clauses[0].to_string();
    out.push_str("..");
    for c in &clauses[1..] {
        out.push_str(c);
    }
    out
}

/// The last resort: the start and the end of the text, joined by "..".
fn cut_middle(text: &str, budget: usize) -> String {
    let room = budget.saturating_sub(2);
    let head = take_start(text, room / 2);
    let tail = take_end(text, room - head.width());
    format!("{head}..{tail}")
}

/// Greedy wrap at `width` columns, a wide char never split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut w = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            lines.push(String::new());
            w = 0;
        }
        lines.last_mut().expect("one line").push(c);
        w += cw;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::message_lines;
    use unicode_width::UnicodeWidthStr;

    const CLOCK: &str = "本机时钟（2026-11-29 08:00）早于本机上一条记录的时间（2026-11-30 09:12）。\
        新记录的日期取自本机时钟：请先核对本机的日期、时间和时区；\
        若上一条记录是在时钟出错时写下的，可忽略此提示";

    fn check(lines: &[String], width: usize) {
        assert!(lines.len() <= 2, "{lines:?}");
        for l in lines {
            assert!(l.width() <= width, "{l} is {} wide", l.width());
        }
    }

    #[test]
    fn a_short_message_stays_one_line() {
        assert_eq!(message_lines("已保存", 78), vec!["已保存".to_string()]);
    }

    #[test]
    fn the_clock_warning_keeps_what_is_wrong_and_what_to_do() {
        let lines = message_lines(CLOCK, 78);
        check(&lines, 78);
        let all = lines.concat();
        assert!(
            all.starts_with("本机时钟（2026-11-29 08:00）早于本机上一条记录"),
            "{all}"
        );
        assert!(all.contains("请先核对本机的日期、时间和时区"), "{all}");
        assert!(all.ends_with("可忽略此提示"), "{all}");
        assert!(all.contains(".."), "the cut is marked: {all}");
    }

    #[test]
    fn a_long_path_is_cut_in_the_middle() {
        let m = "文书已存到 /home/wangjianguo/巡查/文书/2026/东城区人民医院/整改通知书-YH-2026-A3K-0007.html：已用系统查看器打开，可从浏览器打印";
        let lines = message_lines(m, 78);
        check(&lines, 78);
        let all = lines.concat();
        assert!(all.starts_with("文书已存到 /home/"), "{all}");
        assert!(all.contains("整改通知书-YH-2026-A3K-0007.html"), "{all}");
        assert!(all.ends_with("可从浏览器打印"), "{all}");
        // At 120 columns it fits on two lines whole.
        let lines = message_lines(m, 118);
        assert_eq!(lines.concat(), m);
    }

    #[test]
    fn a_long_message_keeps_what_to_do() {
        let m = "检查项「灭火器配置类型和数量合适，压力在绿区，在有效期内，有每月检查记录」属于已结束的检查：请先新建检查再登记";
        let lines = message_lines(m, 38);
        check(&lines, 38);
        let all = lines.concat();
        assert!(all.starts_with("检查项「"), "{all}");
        assert!(all.ends_with("请先新建检查再登记"), "{all}");
        assert!(all.contains(".."), "the cut is marked: {all}");
        let lines = message_lines(m, 10);
        check(&lines, 10);
        assert!(lines.concat().ends_with("再登记"), "{lines:?}");
    }
}
