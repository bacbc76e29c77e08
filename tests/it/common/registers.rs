//! The registers fixture (issue 17): chemicals, movements and equipment at one hospital,
//! written through the built binary with the CLI's own flags, so the tests of the ledgers,
//! their XLSX and their sync share one setup.

use super::{Env, args_then};

/// The unit every register entry of these tests belongs to.
pub const HOSPITAL: &str = "市第一人民医院";

/// `chem add` at [`HOSPITAL`] with the required flags, then `extra` (`--class`, `--cas`, …).
pub fn chem_add<'a>(
    place: &'a str,
    name: &'a str,
    unit: &'a str,
    max: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let at = ["chem", "add", "--facility", HOSPITAL, "--place", place];
    let what = ["--name", name, "--unit", unit, "--max", max];
    args_then(&[&at[..], &what[..]].concat(), extra)
}

/// `equipment add` at [`HOSPITAL`], then `extra` (`--reg-no`, `--next-due`, …).
pub fn equipment_add<'a>(name: &'a str, kind: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let at = ["equipment", "add", "--facility", HOSPITAL];
    args_then(
        &[&at[..], &["--name", name, "--kind", kind]].concat(),
        extra,
    )
}

/// `chem receive|issue CHEM --qty Q --by WHO`, then `extra` (`--purpose`, `--date`, …).
pub fn chem_move<'a>(
    step: &'a str,
    chem: &'a str,
    qty: &'a str,
    by: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    args_then(&["chem", step, chem, "--qty", qty, "--by", by], extra)
}

impl Env {
    /// 乙醇 in 药剂科危化品库 (max 50 升, class and CAS No. from the known varieties); its id.
    pub fn ethanol(&self) -> String {
        let c = self.json(&chem_add(
            "药剂科危化品库",
            "乙醇",
            "升",
            "50",
            &[
                "--container",
                "5升塑料桶",
                "--conditions",
                "阴凉、通风，远离火种、热源",
            ],
        ));
        c["id"].as_str().unwrap().to_string()
    }

    /// The 1号病房楼客梯 (电梯, 梯11吉A00123) with `extra` flags; its id.
    pub fn elevator(&self, extra: &[&str]) -> String {
        let mut a = vec!["--reg-no", "梯11吉A00123"];
        a.extend_from_slice(extra);
        let q = self.json(&equipment_add("1号病房楼客梯", "电梯", &a));
        q["id"].as_str().unwrap().to_string()
    }
}
