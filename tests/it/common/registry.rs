//! A registered hospital with places, shared by the registry tests (CLI, links, filters).

use super::Env;

/// The registered hospital's name.
pub const H: &str = "市第一人民医院";

/// Registers `H` with its people and two key sites: 本部/后勤楼/氧气储瓶间 and
/// 本部/门诊楼/1层/配电室.
pub fn registered(env: &Env) {
    env.ok(&[
        "facility",
        "add",
        H,
        "--head",
        "张建国",
        "--head-phone",
        "0371-66661234",
        "--deputy",
        "李强",
        "--officer",
        "王芳",
        "--address",
        "金水路1号",
    ]);
    for path in ["本部/后勤楼/氧气储瓶间", "本部/门诊楼/1层/配电室"] {
        env.ok(&["facility", "place", "add", H, path, "--key-site"]);
    }
}

/// `equipment add` of the 氧气储罐 (压力容器) of `H` at its registered 氧气储瓶间, then
/// `extra` (`--reg-no` …); the entry as `--json` prints it.
pub fn oxygen_tank(env: &Env, extra: &[&str]) -> serde_json::Value {
    let mut a = vec![
        "equipment",
        "add",
        "--facility",
        H,
        "--name",
        "氧气储罐",
        "--kind",
        "压力容器",
        "--place",
        "氧气储瓶间",
    ];
    a.extend_from_slice(extra);
    env.json(&a)
}
