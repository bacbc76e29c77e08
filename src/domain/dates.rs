//! Date input as people type it (issue 10 point 6): `2026-03-20`, `2026/3/20`, `2026.3.20`,
//! `20260320`, `2026年3月20日`, `3月20日` (this year, or next year if that day has passed),
//! `+7` / `+7天` / `+7d` (days), `+2周` / `+2w` (weeks); fullwidth digits and IME punctuation
//! (`２０２６／３／２０`, `＋７天`, `2026。3。20`) read as their ASCII forms. A two-digit year is
//! refused: `26-3-20` could be 1926 or 2026.

use chrono::{Datelike, Duration, NaiveDate};

const FORMS: &str = "可写 2026-3-20、3月20日、+7 或 +2周";

/// Fullwidth digits and signs, and the punctuation a Chinese IME types, as ASCII.
fn normalise(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '＋' => '+',
            '－' | '—' | '–' => '-',
            '／' => '/',
            '．' | '。' | '・' | '·' => '.',
            'Ｗ' | 'ｗ' => 'w',
            'Ｄ' | 'ｄ' => 'd',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Parses a date as typed, relative to `today` for `+N` and `M月D日`. The message names the
/// text and the accepted forms.
pub fn parse_date_input(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let t = normalise(text);
    let bad = || format!("「{}」不是有效的日期：{FORMS}", text.trim());
    if let Some(rest) = t.strip_prefix('+') {
        let (num, unit) = match rest.strip_suffix(['w', 'W', '周']) {
            Some(n) => (n, 7),
            None => (rest.strip_suffix(['d', 'D', '天', '日']).unwrap_or(rest), 1),
        };
        let n: i64 = num.parse().map_err(|_| bad())?;
        if !(0..=3650).contains(&n) {
            return Err(format!("「{}」超出范围（最多十年）", text.trim()));
        }
        return Ok(today + Duration::days(n * unit));
    }
    // 2026年3月20日 / 3月20日
    if let Some(md) = t.strip_suffix(['日', '号']) {
        let (year, md) = match md.split_once('年') {
            Some((y, rest)) => (Some(year_of(y, text)?), rest),
            None => (None, md),
        };
        let (m, d) = md.split_once('月').ok_or_else(bad)?;
        let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        return match year {
            Some(y) => NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad),
            None => {
                let this = NaiveDate::from_ymd_opt(today.year(), m, d);
                match this {
                    Some(x) if x >= today => Ok(x),
                    _ => NaiveDate::from_ymd_opt(today.year() + 1, m, d).ok_or_else(bad),
                }
            }
        };
    }
    // 20260320
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        let (y, m, d) = (&t[..4], &t[4..6], &t[6..]);
        return NaiveDate::from_ymd_opt(
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        )
        .ok_or_else(bad);
    }
    // 2026-03-20, 2026/3/20, 2026.3.20
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() == 3 {
        let y = year_of(parts[0], text)?;
        let m: u32 = parts[1].parse().map_err(|_| bad())?;
        let d: u32 = parts[2].parse().map_err(|_| bad())?;
        return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad);
    }
    Err(bad())
}

fn year_of(y: &str, text: &str) -> Result<i32, String> {
    if y.len() == 2 && y.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "「{}」的年份只有两位，请写四位年份（如 2026）",
            text.trim()
        ));
    }
    match y.parse::<i32>() {
        Ok(n) if (1900..=9999).contains(&n) && y.len() == 4 => Ok(n),
        _ => Err(format!("「{}」不是有效的日期：{FORMS}", text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every form the issue lists, accepted or refused with its message.
    #[test]
    fn the_forms_people_type() {
        let today = d(2026, 11, 22);
        let accepted = [
            ("2026-03-20", d(2026, 3, 20)),
            ("2026/3/20", d(2026, 3, 20)),
            ("2026.3.20", d(2026, 3, 20)),
            ("20260320", d(2026, 3, 20)),
            ("2026年3月20日", d(2026, 3, 20)),
            ("12月20日", d(2026, 12, 20)),
            ("3月20日", d(2027, 3, 20)),
            ("11月22日", d(2026, 11, 22)),
            ("２０２６－１２－０１", d(2026, 12, 1)),
            ("２０２６／１２／１", d(2026, 12, 1)),
            ("2026。12。1", d(2026, 12, 1)),
            ("２０２６年１２月１日", d(2026, 12, 1)),
            ("+7", d(2026, 11, 29)),
            ("+7天", d(2026, 11, 29)),
            ("＋７天", d(2026, 11, 29)),
            ("+7d", d(2026, 11, 29)),
            ("+2周", d(2026, 12, 6)),
            ("+2w", d(2026, 12, 6)),
            (" 2026-12-01 ", d(2026, 12, 1)),
        ];
        for (text, want) in accepted {
            assert_eq!(parse_date_input(text, today), Ok(want), "{text}");
        }
        let refused = [
            ("26-3-20", "年份只有两位"),
            ("26/3/20", "年份只有两位"),
            ("26年3月20日", "年份只有两位"),
            ("2026-13-01", "不是有效的日期"),
            ("2026-02-30", "不是有效的日期"),
            ("2月30日", "不是有效的日期"),
            ("+x", "不是有效的日期"),
            ("明天", "不是有效的日期"),
            ("", "不是有效的日期"),
            ("+4000", "超出范围"),
        ];
        for (text, want) in refused {
            let err = parse_date_input(text, today).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
            assert!(err.contains(text.trim()), "{text}: names the text: {err}");
        }
    }
}
