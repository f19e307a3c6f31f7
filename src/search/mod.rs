//! Search: Indonesian tokenizer, stemmer, synonyms, index builder and query engine.
//!
//! `pedoman build` calls `build_index` and writes its files under `search/`;
//! `pedoman search` and the theme's `search.js` read them with the same steps
//! (`query.rs`), so the terminal and the browser rank alike.

pub mod format;
pub mod index;
pub mod lists;
pub mod query;
pub mod stem;
pub mod synonyms;
pub mod tokenize;

use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no search index in {0} (build the site first: pedoman build)")]
    NoIndex(PathBuf),
    #[error("could not read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the search index is damaged ({0}); rebuild the site")]
    Corrupt(String),
    #[error("the search index was written by another version of pedoman (format {0}); rebuild the site")]
    Version(u32),
    #[error("no section {0:?}; the sections are: {1}")]
    UnknownSection(String, String),
}

/// A glossary entry from a page's front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GlossaryTerm {
    pub term: String,
    pub expansion: String,
    pub definition: String,
}

/// The plain text under one heading of a page (the first one, with `heading: None`,
/// is the text before the first heading).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TextSection {
    pub heading: Option<String>,
    /// The heading's id, as rendered in the HTML (`bebas-dari-kkn`).
    pub anchor: Option<String>,
    /// Heading level 1..=6; 0 for the intro.
    pub level: u8,
    pub text: String,
}

/// Everything the search needs about one rendered page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
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

pub use index::IndexCache;

/// Builds the index files for `pages`. `synonyms` are extra groups from `config.yaml`
/// (`search.synonyms`); glossary entries on the pages add their own groups.
pub fn build_index(pages: &[PageText], synonyms: &[Vec<String>]) -> Vec<IndexFile> {
    build_index_cached(pages, synonyms, &mut IndexCache::default())
}

/// `build_index` reusing the analysis of pages whose text has not changed since the
/// build that filled `cache` (what `serve` does on every save).
pub fn build_index_cached(pages: &[PageText], synonyms: &[Vec<String>], cache: &mut IndexCache) -> Vec<IndexFile> {
    let start = std::time::Instant::now();
    let files = index::build(pages, synonyms, cache);
    // For benchmarks: the index's share of a build.
    if std::env::var_os("PEDOMAN_SEARCH_TIMING").is_some() {
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        eprintln!("search index: {} pages, {} files, {bytes} bytes in {:?}", pages.len(), files.len(), start.elapsed());
    }
    files
}

/// One ranked result, as the terminal and the browser show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// Site-relative URL, with `#anchor` when a heading section matched best.
    pub url: String,
    pub title: String,
    pub breadcrumb: Vec<String>,
    /// The heading the URL points to (empty for the top of the page).
    pub heading: String,
    pub snippet: String,
    /// Character ranges (start, end) of the matched words in `snippet`.
    pub marks: Vec<[usize; 2]>,
    pub score: f64,
}

/// Searches a built site (its output folder, holding `search/`).
pub fn search_site(site_dir: &Path, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
    search_site_with(site_dir, query, &query::Options { limit, ..Default::default() })
}

/// `search_site` with every option: prefix matching of the last word, a section filter.
pub fn search_site_with(site_dir: &Path, query: &str, opts: &query::Options) -> Result<Vec<Hit>, SearchError> {
    let mut engine = query::Engine::open(query::DirStore(site_dir.join("search")))?;
    engine.search(query, opts)
}

/// The stem of one word, as the index sees it.
/// Several words (`tanya-jawab`, `dan lain`) give their stems separated by spaces.
pub fn stem(word: &str) -> String {
    let stems: Vec<String> = tokenize::tokenize(word).into_iter().map(|t| t.stem).collect();
    stems.join(" ")
}
