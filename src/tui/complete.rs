//! Completing a name as it is typed (单位, 科室): one rule for every field of the TUI that
//! offers names it has seen, so a facility typed anywhere completes the same way
//! (new-user walk D15, issue 11).

/// Indices into `names` of the names that fit `typed`, best first, at most `max`.
///
/// - Nothing typed: every name, in list order.
/// - Chinese (any non-ASCII) text: the names that contain it, in list order. A Chinese text
///   that fits nothing may be a new name, and is never replaced by a fuzzy guess.
/// - Latin letters are pinyin or initials read the way search reads them (`gxq` →
///   高新区中医院, `erqi` → 二七镇卫生院, `jzk` → 急诊科), best first (`crate::search::pick`):
///   names are Chinese, so letters are a query, never a name to keep as typed.
///
/// A name equal to the typed text is left out: it is already there.
pub fn fitting(typed: &str, names: &[String], max: usize) -> Vec<usize> {
    let t = typed.trim();
    let order: Vec<usize> = if t.is_empty() || !t.is_ascii() {
        (0..names.len())
            .filter(|&i| t.is_empty() || names[i].contains(t))
            .collect()
    } else {
        crate::search::pick(t, names)
    };
    order
        .into_iter()
        .filter(|&i| names[i] != t)
        .take(max)
        .collect()
}

/// The names themselves, as [`fitting`] orders them.
pub fn fitting_names<'a>(typed: &str, names: &'a [String], max: usize) -> Vec<&'a str> {
    fitting(typed, names, max)
        .into_iter()
        .map(|i| names[i].as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["东城区人民医院", "高新区中医院", "二七镇卫生院"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn chinese_contains_latin_reads_pinyin_and_an_exact_name_is_done() {
        let n = names();
        assert_eq!(
            fitting_names("医院", &n, 5),
            ["东城区人民医院", "高新区中医院"]
        );
        assert_eq!(fitting_names("gxq", &n, 5), ["高新区中医院"]);
        assert_eq!(fitting_names("erqi", &n, 5), ["二七镇卫生院"]);
        assert!(fitting_names("高新区中医院", &n, 5).is_empty());
        assert!(fitting_names("新开的诊所", &n, 5).is_empty());
        assert_eq!(fitting_names("", &n, 2).len(), 2);
    }
}
