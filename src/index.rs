//! The index stage: what the search index is made from (each page's title, breadcrumb,
//! description, tags, glossary and the text under each heading), handed to `search`, whose
//! cache of per-page analyses this stage keeps between builds.

use crate::config::SearchConfig;
use crate::content::{SectionId, Site};
use crate::markdown::Rendered;
use crate::search::{self, IndexCache, IndexFile, PageText};
use std::collections::HashMap;
use std::sync::Arc;

/// Builds the search index between builds, reusing the analysis of unchanged pages.
#[derive(Default)]
pub(crate) struct Indexer {
    cache: IndexCache,
    /// The files of the last build that was written out (see [`Indexer::settle`]).
    written: HashMap<String, Arc<[u8]>>,
    /// The files of the build in progress.
    pending: HashMap<String, Arc<[u8]>>,
}

impl Indexer {
    /// The index files (paths relative to `search/`) for every page and section of `site`.
    /// With `skip_unchanged`, a file whose bytes are those of the last settled build comes with
    /// `None` (a writer that updates in place keeps it): a preview's save changes a few of the
    /// thousands of files of a large site's index.
    pub(crate) fn run(
        &mut self,
        site: &Site,
        page_md: &[Arc<Rendered>],
        section_md: &[Arc<Rendered>],
        config: &SearchConfig,
        skip_unchanged: bool,
    ) -> Vec<(String, Option<Arc<[u8]>>)> {
        let texts = page_texts(site, page_md, section_md);
        let files: Vec<IndexFile> = search::build_index_cached(&texts, config, &mut self.cache);
        self.pending = files.iter().cloned().collect();
        files
            .into_iter()
            .map(|(rel, bytes)| {
                let same = |old: &Arc<[u8]>| Arc::ptr_eq(old, &bytes) || old[..] == bytes[..];
                let unchanged = skip_unchanged && self.written.get(&rel).is_some_and(same);
                (rel, (!unchanged).then_some(bytes))
            })
            .collect()
    }

    /// The last build's files were written: later builds compare with them.
    pub(crate) fn settle(&mut self) {
        self.written = std::mem::take(&mut self.pending);
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
