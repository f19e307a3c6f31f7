//! Search: Indonesian tokenizer, stemmer, synonyms and thesaurus, index builder and query
//! engine.
//!
//! `pedoman build` calls `count_pages`, then `Counted::encode`, and writes its files under `search/` (`format.rs`
//! describes them); `pedoman search` and the theme's `search-engine.js` read them with the
//! same steps (`parse.rs`, `query.rs`, `hit.rs`), so the terminal and the browser rank alike.

pub(crate) mod format;
mod hit;
mod index;
#[cfg(test)]
mod js;
mod lists;
mod packed;
mod parse;
mod query;
mod stem;
pub(crate) mod synonyms;
mod tokenize;
mod typo;

use crate::config::SearchConfig;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The folder holds no `search/meta.json`.
    #[error("no search index in {0} (build the site first: pedoman build)")]
    NoIndex(PathBuf),
    /// An index file could not be read.
    #[error("could not read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An index file does not decode.
    #[error("the search index is damaged ({0}); rebuild the site")]
    Corrupt(String),
    /// The index has another format version.
    #[error("the search index was written by another version of pedoman (format {0}); rebuild the site")]
    Version(u32),
    /// `--section` named no top-level section (the name, then the known ones).
    #[error("no section {0:?}; the sections are: {1}")]
    UnknownSection(String, String),
}

/// Everything the search needs about one rendered page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageText {
    /// Site-relative URL of the page, e.g. `/berakhlak/akuntabel/` (no base path, no host).
    pub url: String,
    /// The page's title.
    pub title: String,
    /// Titles of the sections from the home page down to the page's own section.
    pub breadcrumb: Vec<String>,
    /// Slug of the top-level section (used by the section filter); empty for the home page.
    pub section: String,
    /// The page's description, from its front matter.
    pub description: String,
    /// The page's tags.
    pub tags: Vec<String>,
    /// The terms the page defines: each finds the others (a synonym group).
    pub glossary: Vec<GlossaryEntry>,
    /// The text under each heading, as `markdown::render` cut it.
    pub passages: std::sync::Arc<[Passage]>,
}

/// A file of the index, path relative to the `search/` output folder. The bytes are shared:
/// a page's record is kept between builds.
pub type IndexFile = (String, std::sync::Arc<[u8]>);

pub use crate::frontmatter::GlossaryEntry;
pub use crate::markdown::Passage;
pub use index::{Counted, IndexCache};
pub use query::{DirStore, Engine, Options, Store};
pub use tokenize::{tokenize, Token};

/// Builds the index files for `pages` with the site's `search` settings (synonyms and
/// thesaurus); glossary entries on the pages add synonyms of their own.
pub fn build_index(pages: &[PageText], config: &SearchConfig) -> Vec<IndexFile> {
    let mut cache = IndexCache::default();
    count_pages(pages.to_vec(), config, &mut cache).encode(&mut cache)
}

/// The first half of `build_index`, reusing the analysis of pages whose text has not changed
/// since the build that filled `cache` (what `serve` does on every save): every page read and
/// counted, on all cores. Each page's text is let go once read: where nothing else holds it,
/// it is freed before the index is done.
pub fn count_pages(pages: Vec<PageText>, config: &SearchConfig, cache: &mut IndexCache) -> Counted {
    index::count(pages, config, cache)
}

impl Counted {
    /// The second half of `build_index`: the index files, merged and encoded mostly on one
    /// core (`pedoman build` runs it beside the render). `cache` must be the one counted with.
    pub fn encode(self, cache: &mut IndexCache) -> Vec<IndexFile> {
        index::encode(self, cache)
    }
}

/// One ranked result, as the terminal and the browser show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// Site-relative URL, with `#anchor` when a heading section matched best.
    pub url: String,
    /// The page's title.
    pub title: String,
    /// Titles of the sections above the page, from the home page down.
    pub breadcrumb: Vec<String>,
    /// The heading the URL points to (empty for the top of the page).
    pub heading: String,
    /// About 30 words of the best-matching passage (or the description).
    pub snippet: String,
    /// Character ranges (start, end) of the matched words in `snippet`.
    pub marks: Vec<[usize; 2]>,
    /// Ranking score: higher first.
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
    /// Ranked best first.
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
