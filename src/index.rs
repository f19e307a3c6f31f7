//! The index stage: what the search index is made from (each page's title, breadcrumb,
//! description, tags, glossary and the text under each heading), handed to `search`, whose
//! cache of per-page analyses this stage keeps between builds.

use crate::config::SearchConfig;
use crate::content::{SectionId, Site};
use crate::markdown::Rendered;
use crate::search::{self, IndexCache, IndexFile, PageText};
use std::sync::Arc;

/// Builds the search index between builds, reusing the analysis of unchanged pages.
#[derive(Default)]
pub(crate) struct Indexer {
    cache: IndexCache,
}

impl Indexer {
    /// The index files (paths relative to `search/`) for every page and section of `site`.
    pub(crate) fn run(
        &mut self,
        site: &Site,
        page_md: &[Arc<Rendered>],
        section_md: &[Arc<Rendered>],
        config: &SearchConfig,
    ) -> Vec<IndexFile> {
        let texts = page_texts(site, page_md, section_md);
        search::build_index_cached(&texts, config, &mut self.cache)
    }
}

/// The text of every section and page, for the search index.
fn page_texts(site: &Site, page_md: &[Arc<Rendered>], section_md: &[Arc<Rendered>]) -> Vec<PageText> {
    let crumbs = |mut s: Option<SectionId>| {
        let mut v = Vec::new();
        while let Some(i) = s {
            v.push(site.section(i).title.clone());
            s = site.section(i).parent;
        }
        v.reverse();
        v
    };
    let top = |path: &str| path.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
    let mut out: Vec<PageText> = site
        .sections
        .iter()
        .zip(section_md)
        .map(|(s, md)| PageText {
            url: s.path.clone(),
            title: s.title.clone(),
            breadcrumb: crumbs(s.parent),
            section: top(&s.path),
            description: s.meta.description.clone(),
            tags: Vec::new(),
            glossary: Vec::new(),
            passages: md.passages.clone(),
        })
        .collect();
    out.extend(site.pages.iter().zip(page_md).map(|(p, md)| PageText {
        url: p.path.clone(),
        title: p.title.clone(),
        breadcrumb: crumbs(Some(p.section)),
        section: top(&p.path),
        description: p.meta.description.clone(),
        tags: p.meta.tags.clone(),
        glossary: p.meta.glossary.clone(),
        passages: md.passages.clone(),
    }));
    out
}
