//! Front matter: splitting the `---` block off a Markdown file and reading it strictly,
//! with every error pointing at the line inside the file.

mod extra;
mod nesting;

use crate::diagnostics::Diagnostic;
pub use extra::extra;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A Markdown file cut into its front matter and body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// YAML text between the `---` lines (empty when there is none).
    pub yaml: &'a str,
    /// 1-based file line of the first YAML line.
    pub yaml_line: usize,
    /// The Markdown after the front matter.
    pub body: &'a str,
    /// 1-based file line where the body starts.
    pub body_line: usize,
    /// Whether the file opened with a `---` block at all.
    pub has_front_matter: bool,
}

/// Cuts `text` (already BOM-stripped, LF line endings) at its `---` fences.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Ok(Split { yaml: "", yaml_line: 1, body: text, body_line: 1, has_front_matter: false });
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        if l.trim_end() == "---" {
            let body_start = offset + l.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
                has_front_matter: true,
            });
        }
        offset += l.len();
    }
    Err(Diagnostic::new(path, 1, 1, "front matter opened with `---` on line 1 is never closed")
        .with_hint("add a line containing only `---` after the last front-matter key"))
}

/// Reads a file as text: strips a UTF-8 BOM and turns CRLF and lone CR (old Mac) line endings
/// into LF, one line break each, so line numbers stay those an editor shows.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = read_limited(path).map_err(|e| Diagnostic::new(shown, 0, 0, format!("cannot read file: {e}")))?;
    let Some(bytes) = bytes else {
        return Err(Diagnostic::new(shown, 0, 0, format!("file is larger than {} MB", MAX_FILE >> 20))
            .with_hint("a page that large cannot be read on a phone: split it into several pages"));
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let col = good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
        Diagnostic::new(shown, line, col, "file is not valid UTF-8").with_hint("save the file with UTF-8 encoding")
    })?;
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok(normalize_newlines(text))
}

/// Largest Markdown file read. A 10 MB page builds in about a second; a sparse 20 GB file
/// must not be read into memory to find out it is not a page.
pub const MAX_FILE: u64 = 16 << 20;

/// The file's bytes, or `None` when it holds more than [`MAX_FILE`]. Only regular files are
/// read: a named pipe would block the build forever, a device never end.
pub fn read_limited(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    // Checked before opening: opening a named pipe already waits for a writer.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE) as usize);
    // Through `take`, as the file may grow while it is read.
    file.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE).then_some(bytes))
}

/// CRLF → LF, then any CR left → LF.
pub fn normalize_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Parses YAML strictly into `T`; `line_offset` is the file line of the YAML's first line minus one.
pub fn parse<T: DeserializeOwned>(path: &Path, yaml: &str, line_offset: usize) -> Result<T, Diagnostic> {
    // An empty block is an empty map, so required-field checks report sensibly.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    if let Some(at) = nesting::too_deep(yaml) {
        let line = yaml[..at].matches('\n').count() + 1;
        let col = yaml[yaml[..at].rfind('\n').map_or(0, |n| n + 1)..at].chars().count() + 1;
        return Err(Diagnostic::new(
            path,
            line + line_offset,
            col,
            format!("`[` and `{{` nested more than {} levels deep", nesting::MAX_FLOW_DEPTH),
        )
        .with_hint("close the brackets you opened, or write deep values as indented `key: value` lines"));
    }
    serde_yaml::from_str(yaml).map_err(|e| {
        let mut diag = Diagnostic::from_yaml(path, line_offset, &e);
        // serde_yaml points at the start of the map; the second `key:` line is the one to fix.
        let twice = diag.message.strip_prefix("duplicate field `").and_then(|rest| rest.split('`').next());
        let second = twice.and_then(|key| {
            let lines = yaml.lines().enumerate();
            lines.filter(|(_, l)| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'))).nth(1)
        });
        if let Some((i, _)) = second {
            (diag.line, diag.col) = (i + 1 + line_offset, 1);
        }
        diag
    })
}

/// Front matter of a page.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// The page's title; defaults to its file name.
    pub title: Option<String>,
    /// Summary for listings, search results and the meta description.
    #[serde(default)]
    pub description: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Date of the last real change, `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// Order within the section (lower first) when it sorts by weight.
    pub weight: Option<i64>,
    /// Tags (the `tags` taxonomy).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Left out of the build unless drafts are asked for.
    #[serde(default)]
    pub draft: bool,
    /// The last part of the page's URL, instead of its file name.
    pub slug: Option<String>,
    /// Old site paths that redirect to this page.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Show the table of contents (default: when the page has enough headings).
    pub toc: Option<bool>,
    /// Template to use instead of `page.html`.
    pub template: Option<String>,
    /// Terms this page defines, for the glossary and search.
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
    /// Terms for taxonomies other than `tags` declared in `config.yaml` (`kategori: [..]`).
    #[serde(default)]
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    /// Free-form values for custom templates.
    #[serde(default, deserialize_with = "extra")]
    pub extra: serde_yaml::Mapping,
}

/// One term a page defines (`glossary:` in its front matter).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    /// The term as written (`KKN`).
    pub term: String,
    /// What it stands for (`Korupsi, Kolusi, dan Nepotisme`).
    #[serde(default)]
    pub expansion: String,
    /// What it means.
    #[serde(default)]
    pub definition: String,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    /// The section's title; defaults to its folder name.
    pub title: Option<String>,
    /// Summary for listings and the meta description.
    #[serde(default)]
    pub description: String,
    /// Order among sibling sections (lower first).
    pub weight: Option<i64>,
    /// How the section lists its pages.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Template to use instead of `section.html`.
    pub template: Option<String>,
    /// Free-form values for custom templates.
    #[serde(default, deserialize_with = "extra")]
    pub extra: serde_yaml::Mapping,
}

/// How a section orders its pages (`sort_by:`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By `weight`, then title.
    #[default]
    Weight,
    /// Newest `date` first.
    Date,
    /// By title.
    Title,
}

/// Checks a `YYYY-MM-DD` date (a real one: no 30 February).
pub fn valid_date(s: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, format).is_ok()
}

/// The file line of `key:` inside a YAML block, for errors found after parsing.
pub fn key_line(yaml: &str, yaml_line: usize, key: &str) -> usize {
    yaml.lines()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')))
        .map_or(yaml_line.saturating_sub(1).max(1), |i| i + yaml_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2023-13-01"));
        assert!(!valid_date("20-01-2023"));
        assert!(!valid_date("2023-1-01"));
        assert!(!valid_date("+2023-01-01"));
        assert!(!valid_date("2023-01-01x"));
        assert!(valid_date("2023-12-31"));
    }

    #[test]
    fn every_line_ending_is_one_line_break() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n\r\nd".into()), "a\nb\nc\n\nd");
        let text = normalize_newlines("---\rtitle: A\r---\risi".into());
        let split = split(Path::new("a.md"), &text).unwrap();
        assert_eq!((split.yaml, split.body_line), ("title: A\n", 4));
    }
}
