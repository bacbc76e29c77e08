//! TEMPORARY stub with the agreed API; replaced by the catalog branch.
use crate::domain::Severity;
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub lines: Vec<Checklist>,
}
#[derive(Debug, Clone)]
pub struct Checklist {
    pub line: String,
    pub name: String,
    pub order: u32,
    pub core: bool,
    pub description: String,
    pub sections: Vec<Section>,
    pub source: String,
}
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub items: Vec<Item>,
}
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub line: String,
    pub section: String,
    pub check: String,
    pub how: String,
    pub basis: String,
    pub severity: Severity,
    pub keywords: Vec<String>,
    pub hazard: String,
    pub measures: String,
}
#[derive(Debug, Clone)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}
impl Catalog {
    pub fn builtin() -> Catalog {
        Catalog::default()
    }
    pub fn load(_user_dir: Option<&std::path::Path>) -> (Catalog, Vec<Problem>) {
        (Catalog::default(), vec![])
    }
    pub fn line(&self, id: &str) -> Option<&Checklist> {
        self.lines.iter().find(|l| l.line == id)
    }
    pub fn line_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.line(id).map(|l| l.name.as_str()).unwrap_or(id)
    }
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.all_items().find(|i| i.id == id)
    }
    pub fn items_of<'a>(&'a self, lines: &'a [String]) -> impl Iterator<Item = &'a Item> + 'a {
        lines
            .iter()
            .filter_map(|l| self.line(l))
            .flat_map(|c| c.sections.iter().flat_map(|s| s.items.iter()))
    }
    pub fn all_items(&self) -> impl Iterator<Item = &Item> {
        self.lines
            .iter()
            .flat_map(|c| c.sections.iter().flat_map(|s| s.items.iter()))
    }
}
pub fn validate_str(_file: &str, _text: &str) -> Result<Checklist, Vec<Problem>> {
    Err(vec![])
}
pub fn validate_files(_paths: &[std::path::PathBuf]) -> Vec<Problem> {
    vec![]
}
