//! Search: Indonesian tokenizer, stemmer, synonyms and thesaurus, index builder and query
//! engine.
//!
//! `pedoman build` calls `build_index` and writes its files under `search/` (`format.rs`
//! describes them); `pedoman search` and the theme's `search-engine.js` read them with the
//! same steps (`parse.rs`, `query.rs`, `hit.rs`), so the terminal and the browser rank alike.

pub mod format;
pub mod hit;
pub mod index;
pub mod js;
pub mod lists;
pub mod parse;
pub mod query;
pub mod stem;
pub mod synonyms;
pub mod tokenize;
pub mod typo;

use crate::config::SearchConfig;
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
    pub glossary: Vec<GlossaryEntry>,
    /// The text under each heading, as `markdown::render` cut it.
    pub passages: Vec<Passage>,
}

/// A file of the index, path relative to the `search/` output folder.
pub type IndexFile = (String, Vec<u8>);

pub use crate::frontmatter::GlossaryEntry;
pub use crate::markdown::Passage;
pub use index::IndexCache;

/// Builds the index files for `pages` with the site's `search` settings (synonyms and
/// thesaurus); glossary entries on the pages add synonyms of their own.
pub fn build_index(pages: &[PageText], config: &SearchConfig) -> Vec<IndexFile> {
    build_index_cached(pages, config, &mut IndexCache::default())
}

/// `build_index` reusing the analysis of pages whose text has not changed since the
/// build that filled `cache` (what `serve` does on every save).
pub fn build_index_cached(pages: &[PageText], config: &SearchConfig, cache: &mut IndexCache) -> Vec<IndexFile> {
    index::build(pages, config, cache)
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
    /// The page matches only some of the query's words: it comes after every page that
    /// matches them all.
    pub partial: bool,
    /// The query's words this page does not match, as typed.
    pub missing: Vec<String>,
    /// Words this page matches through another word: a synonym or a typo correction.
    pub via: Vec<Via>,
}

/// How a query word matched a page other than as written.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Via {
    /// The query's word or words, as typed (`medsos`).
    pub word: String,
    /// What the page says instead (`media sosial`).
    pub matched: String,
    /// `synonym` (glossary, `search.synonyms`, the thesaurus) or `typo`.
    pub kind: &'static str,
}

/// The answer to a query: ranked hits, and what the reader should be told about the query.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// When no page matches every word: the words no page is about (none mentions them
    /// in a title, heading, description or tag, or more than once in its text), as typed.
    /// "Tidak ada halaman tentang …".
    pub absent: Vec<String>,
    /// The query with its misspelt words corrected, when a word matched only as a typo
    /// ("Mungkin maksud Anda: …").
    pub suggestion: Option<String>,
}

/// The hits for `query` on a built site (its output folder, holding `search/`).
pub fn search_site(site_dir: &Path, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
    Ok(search_site_with(site_dir, query, &query::Options { limit, ..Default::default() })?.hits)
}

/// `search_site` with every option: prefix matching of the last word, a section filter.
pub fn search_site_with(site_dir: &Path, query: &str, opts: &query::Options) -> Result<Results, SearchError> {
    let mut engine = query::Engine::open(query::DirStore(site_dir.join("search")))?;
    engine.search(query, opts)
}

/// The stem of one word, as the index sees it.
/// Several words (`tanya-jawab`, `dan lain`) give their stems separated by spaces.
pub fn stem(word: &str) -> String {
    let stems: Vec<String> = tokenize::tokenize(word).into_iter().map(|t| t.stem).collect();
    stems.join(" ")
}
