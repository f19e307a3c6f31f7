//! `config.yaml`: the site's settings. Unknown keys are errors so typos never vanish silently.

use crate::diagnostics::Diagnostic;
use crate::frontmatter::yaml_diagnostic;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published under, e.g. `https://panduan.example.go.id/rb`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    #[serde(default)]
    pub feed: FeedConfig,
    #[serde(default)]
    pub search: SearchConfig,
    /// Links shown in the header menu.
    #[serde(default)]
    pub menu: Vec<MenuLink>,
    /// Text shown in the footer (Markdown not interpreted).
    #[serde(default)]
    pub footer: String,
    /// Free-form values for custom templates.
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How many of the newest pages the feed lists.
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { enabled: true, limit: default_feed_limit() }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Extra synonym groups, each member finding the others, e.g. `[[ASN, pegawai negeri]]`.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// One-way expansions: a word or phrase readers type → what the pages say. An entry
    /// replaces every other rule for its word; an empty list removes them.
    #[serde(default)]
    pub thesaurus: std::collections::BTreeMap<String, Vec<String>>,
    /// Use Pedoman's everyday-language thesaurus (`src/search/thesaurus.txt`).
    #[serde(default = "yes")]
    pub builtin_thesaurus: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { synonyms: Vec::new(), thesaurus: Default::default(), builtin_thesaurus: true }
    }
}

impl SearchConfig {
    /// Every synonym and thesaurus member must hold a word search can match.
    fn check(&self, text: &str, shown: &Path) -> Result<(), Diagnostic> {
        let members =
            self.synonyms.iter().flatten().chain(self.thesaurus.iter().flat_map(|(k, v)| std::iter::once(k).chain(v)));
        for member in members {
            if let Some(problem) = crate::search::synonyms::check_member(member) {
                // The member's line, for the message: its first appearance after `search:`.
                let from = text.find("search:").unwrap_or(0);
                let (line, col) = text[from..]
                    .find(member.as_str())
                    .map(|at| {
                        let before = &text[..from + at];
                        (
                            before.matches('\n').count() + 1,
                            before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                        )
                    })
                    .unwrap_or((0, 0));
                return Err(Diagnostic::new(shown, line, col, format!("search: {problem}"))
                    .with_hint("give a word or phrase with at least one meaningful word, or remove it"));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuLink {
    pub name: String,
    pub url: String,
}

fn default_base_url() -> String {
    "http://localhost".into()
}
fn default_language() -> String {
    "id".into()
}
fn default_theme() -> String {
    "pedoman".into()
}
fn default_taxonomies() -> Vec<String> {
    vec!["tags".into()]
}
fn default_feed_limit() -> usize {
    20
}
fn yes() -> bool {
    true
}

impl Config {
    /// Reads `ROOT/config.yaml`; `path_for_messages` is how the file is named in diagnostics.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join("config.yaml");
        let shown = Path::new("config.yaml");
        let text = std::fs::read(&path).map_err(|e| {
            Diagnostic::new(shown, 0, 0, format!("cannot read config.yaml: {e}"))
                .with_hint("every site needs a config.yaml at its root; `pedoman init DIR` creates one")
        })?;
        let text = String::from_utf8(text).map_err(|_| {
            Diagnostic::new(shown, 0, 0, "config.yaml is not valid UTF-8").with_hint("save the file as UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(Diagnostic::new(shown, 1, 1, "config.yaml is empty").with_hint("add at least `title: …`"));
        }
        let mut config: Config = serde_yaml::from_str(text).map_err(|e| yaml_diagnostic(shown, 0, &e))?;
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        config.search.check(text, shown)?;
        Ok(config)
    }

    /// The path part of `base_url` without a trailing slash (`""` or `/rb`), prefixed to every link.
    pub fn base_path(&self) -> String {
        let rest = self.base_url.split_once("://").map(|(_, r)| r).unwrap_or(&self.base_url);
        match rest.find('/') {
            Some(i) => rest[i..].trim_end_matches('/').to_string(),
            None => String::new(),
        }
    }
}
