//! The render stage's incremental policy: which pages a rebuild renders again.
//!
//! Every page shows what all pages share (navigation: titles, URLs and order; templates; UI
//! strings; config; asset URLs); while that is unchanged, only these are rendered again:
//! - the pages whose Markdown was re-read;
//! - sections whose `_index.md` was re-read;
//! - the print page of each section holding a re-read page (it holds its pages' bodies);
//! - the section and the term pages listing a re-read page, only when what a listing shows of
//!   it (description, date, reading time) changed: a body edit on a big section's page does not
//!   render the section's listing again.

use crate::content::{PageId, SectionId, Site};
use crate::render::reading_time;
use crate::theme::Theme;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// What to render; everything else stays as the last build wrote it.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Pages to render.
    pub pages: HashSet<PageId>,
    /// Sections to render.
    pub sections: HashSet<SectionId>,
    /// Sections whose print page is rendered.
    pub prints: HashSet<SectionId>,
    /// Pages whose listing entry changed: term pages listing them are rendered.
    pub listed: HashSet<PageId>,
}

/// What the last successful build rendered from.
pub(crate) struct Snapshot {
    shared: u64,
    /// Each page's listing entry, by content path.
    listings: HashMap<String, u64>,
}

/// Remembers the last build, to plan the next.
#[derive(Default)]
pub(crate) struct Rerender {
    last: Option<Snapshot>,
}

/// Everything a plan is made from.
pub(crate) struct Inputs<'a> {
    pub site: &'a Site,
    /// Word count of each page's body.
    pub words: &'a [usize],
    pub theme: &'a Theme,
    pub asset_urls: &'a BTreeMap<String, String>,
    pub config_text: &'a str,
    /// Content paths re-read since the last successful build.
    pub reread: &'a HashSet<String>,
}

impl Rerender {
    /// The plan for this build (`None`: render everything) and the snapshot to [`settle`] once it
    /// succeeds.
    ///
    /// [`settle`]: Rerender::settle
    pub(crate) fn plan(&self, inputs: &Inputs) -> (Option<Plan>, Snapshot) {
        let site = inputs.site;
        let now = Snapshot {
            shared: shared(inputs),
            listings: site.page_ids().map(|i| (site.page(i).rel.clone(), listing(inputs, i))).collect(),
        };
        let plan = self.last.as_ref().filter(|last| last.shared == now.shared).map(|last| {
            let mut plan = Plan::default();
            for (i, p) in site.page_ids().zip(&site.pages) {
                if inputs.reread.contains(&p.rel) {
                    plan.pages.insert(i);
                    plan.prints.insert(p.section);
                    if last.listings.get(&p.rel) != now.listings.get(&p.rel) {
                        plan.listed.insert(i);
                        plan.sections.insert(p.section);
                    }
                }
            }
            for (i, s) in site.section_ids().zip(&site.sections) {
                if inputs.reread.contains(&s.rel) {
                    plan.sections.insert(i);
                }
            }
            plan
        });
        (plan, now)
    }

    pub(crate) fn settle(&mut self, snapshot: Snapshot) {
        self.last = Some(snapshot);
    }
}

/// Hash of what every page may show beyond its own body.
fn shared(inputs: &Inputs) -> u64 {
    let mut h = DefaultHasher::new();
    for p in &inputs.site.pages {
        (&p.rel, &p.title, &p.path, p.section, &p.meta.template, &p.meta.tags, &p.meta.taxonomies).hash(&mut h);
        // Glossary terms are linked from every page.
        for g in &p.meta.glossary {
            (&g.term, &g.expansion).hash(&mut h);
        }
    }
    for s in &inputs.site.sections {
        (&s.rel, &s.title, &s.path, &s.pages, &s.subsections, &s.meta.description).hash(&mut h);
    }
    for (name, t) in &inputs.theme.templates {
        (name, &t.source).hash(&mut h);
    }
    (inputs.asset_urls, &inputs.theme.strings, inputs.config_text).hash(&mut h);
    h.finish()
}

/// Hash of what a listing shows of page `i` beyond its title and URL.
fn listing(inputs: &Inputs, i: PageId) -> u64 {
    let p = inputs.site.page(i);
    let mut h = DefaultHasher::new();
    (&p.meta.description, &p.meta.date, &p.meta.updated, reading_time(inputs.words[i.index()])).hash(&mut h);
    h.finish()
}
