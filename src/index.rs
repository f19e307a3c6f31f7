//! The index stage: what the search index is made from (each page's title, breadcrumb,
//! description, tags, glossary and the text under each heading), handed to `search`, whose
//! cache of per-page analyses this stage keeps between builds.

use crate::config::SearchConfig;
use crate::content::{SectionId, Site};
use crate::load::Texts;
use crate::search::{self, Counted, IndexCache, IndexFile, PageText};

/// Builds the search index between builds, reusing the analysis of unchanged pages.
#[derive(Default)]
pub(crate) struct Indexer {
    cache: IndexCache,
}

impl Indexer {
    /// Reads and counts every page and section of `site`, from the text of each (at its id;
    /// see `Loaded::take_texts`), on all cores.
    pub(crate) fn count(
        &mut self,
        site: &Site,
        page_texts: Texts,
        section_texts: Texts,
        config: &SearchConfig,
    ) -> Counted {
        search::count_pages(texts(site, page_texts, section_texts), config, &mut self.cache)
    }

    /// The index files (paths relative to `search/`) of what `count` read.
    pub(crate) fn encode(&mut self, counted: Counted) -> Vec<IndexFile> {
        counted.encode(&mut self.cache)
    }
}

/// What the search index reads of every section and page.
fn texts(site: &Site, page_texts: Texts, section_texts: Texts) -> Vec<PageText> {
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
        .zip(section_texts)
        .map(|(s, passages)| PageText {
            url: s.path.clone(),
            title: s.title.clone(),
            breadcrumb: crumbs(s.parent),
            section: top(&s.path),
            description: s.meta.description.clone(),
            tags: Vec::new(),
            glossary: Vec::new(),
            passages,
        })
        .collect();
    out.extend(site.pages.iter().zip(page_texts).map(|(p, passages)| PageText {
        url: p.path.clone(),
        title: p.title.clone(),
        breadcrumb: crumbs(Some(p.section)),
        section: top(&p.path),
        description: p.meta.description.clone(),
        tags: p.meta.tags.clone(),
        glossary: p.meta.glossary.clone(),
        passages,
    }));
    out
}
