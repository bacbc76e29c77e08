//! Date input as inspectors type it: `2026-12-01`, `+7` (days), `+2w` (weeks).

use chrono::{Duration, NaiveDate};

pub fn parse_date_input(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('+') {
        let (num, unit) = match rest.strip_suffix(['w', 'W', '周']) {
            Some(n) => (n, 7),
            None => (rest.strip_suffix(['d', 'D', '天']).unwrap_or(rest), 1),
        };
        let n: i64 = num
            .trim()
            .parse()
            .map_err(|_| format!("「{t}」不是有效的日期：可写 YYYY-MM-DD、+7（天）或 +2w（周）"))?;
        if !(0..=3650).contains(&n) {
            return Err(format!("「{t}」超出范围（最多十年）"));
        }
        return Ok(today + Duration::days(n * unit));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("「{t}」不是有效的日期：可写 YYYY-MM-DD、+7（天）或 +2w（周）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_forms() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(
            parse_date_input("2026-12-01", today).unwrap().to_string(),
            "2026-12-01"
        );
        assert_eq!(
            parse_date_input("+7", today).unwrap().to_string(),
            "2026-11-29"
        );
        assert_eq!(
            parse_date_input("+2w", today).unwrap().to_string(),
            "2026-12-06"
        );
        assert!(
            parse_date_input("2026-13-01", today)
                .unwrap_err()
                .contains("2026-13-01")
        );
        assert!(parse_date_input("+x", today).is_err());
        assert!(parse_date_input("明天", today).is_err());
    }
}
