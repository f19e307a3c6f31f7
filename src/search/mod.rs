//! Search: Indonesian tokenizer, stemmer, synonyms, index builder and query engine.
//! (Interface fixed by the build; the implementation is filled in by the search work.)

use serde::Serialize;
use std::path::Path;

/// A glossary entry from a page's front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlossaryTerm {
    pub term: String,
    pub expansion: String,
    pub definition: String,
}

/// The plain text under one heading of a page (the first one, with `heading: None`,
/// is the text before the first heading).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextSection {
    pub heading: Option<String>,
    /// The heading's id, as rendered in the HTML (`bebas-dari-kkn`).
    pub anchor: Option<String>,
    /// Heading level 1..=6; 0 for the intro.
    pub level: u8,
    pub text: String,
}

/// Everything the search needs about one rendered page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    /// Site-relative URL of the page, e.g. `/berakhlak/akuntabel/` (no base path, no host).
    pub url: String,
    pub title: String,
    /// Titles of the sections from the home page down to the page's own section.
    pub breadcrumb: Vec<String>,
    /// Slug of the top-level section (used by the section filter); empty for the home page.
    pub section: String,
    pub description: String,
    pub tags: Vec<String>,
    pub glossary: Vec<GlossaryTerm>,
    pub sections: Vec<TextSection>,
}

/// A file of the index, path relative to the `search/` output folder.
pub type IndexFile = (String, Vec<u8>);

/// Builds the index files for `pages`. `synonyms` are extra groups from `config.yaml`
/// (`search.synonyms`); glossary entries on the pages add their own groups.
pub fn build_index(pages: &[PageText], synonyms: &[Vec<String>]) -> Vec<IndexFile> {
    let _ = (pages, synonyms);
    Vec::new()
}

/// One ranked result, as the terminal and the browser show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub url: String,
    pub title: String,
    pub breadcrumb: Vec<String>,
    pub snippet: String,
    pub score: f64,
}

/// Searches a built site (its output folder, holding `search/`).
pub fn search_site(site_dir: &Path, query: &str, limit: usize) -> Result<Vec<Hit>, String> {
    let _ = (site_dir, query, limit);
    Err("search index not implemented yet".into())
}

/// The stem of one word, as the index sees it.
pub fn stem(word: &str) -> String {
    word.to_lowercase()
}
