//! Load and parse: the Markdown files of `content/` read, checked and parsed, then placed in the
//! site tree. The [`Loader`] keeps what it read, so a rebuild re-reads only the files that
//! changed: it trusts the watcher's list of changed paths instead of walking `content/` again,
//! and walks only when that list cannot be trusted (a folder or a link changed, or there is
//! no list).

use crate::config::{Config, RawHtml};
use crate::content::{self, Asset, Item, Site};
use crate::diagnostics::Diagnostic;
use crate::git_dates;
use crate::markdown::{self, CalloutLabels, Passage, Rendered};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What parsing Markdown needs beyond the file itself.
pub(crate) struct ParseOptions {
    /// UI strings from the theme.
    pub labels: CalloutLabels,
    pub anchor_label: String,
    /// What to do with raw HTML in Markdown (`markdown.raw_html` in the config).
    pub raw_html: RawHtml,
}

/// The site as loaded, with the parsed Markdown of each page and section.
pub(crate) struct Loaded {
    pub site: Site,
    /// Parsed body of each page, at its `PageId::index`.
    pub page_md: Vec<Arc<Rendered>>,
    /// Parsed body of each section, at its `SectionId::index` (empty for a home page without `_index.md`).
    pub section_md: Vec<Arc<Rendered>>,
    /// Content paths (`nilai/a.md`) of files that failed to load: links to them are not
    /// reported again as broken.
    pub unreadable: HashSet<String>,
    /// Content paths re-read since the last [`Loader::settle`]: their pages must be rendered.
    pub reread: HashSet<String>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// The text of each page (or section), passage by passage, at its id.
pub(crate) type Texts = Vec<Arc<[Passage]>>;

impl Loaded {
    /// The text of each page and of each section (at their ids), for the search index: taken
    /// out of the parsed bodies that nothing else holds (a [`Loader::once`] build), so the
    /// index can free each text once it has read it; shared where the loader keeps them.
    pub(crate) fn take_texts(&mut self) -> (Texts, Texts) {
        let take = |md: &mut Arc<Rendered>| match Arc::get_mut(md) {
            Some(md) => std::mem::take(&mut md.passages),
            None => md.passages.clone(),
        };
        (self.page_md.iter_mut().map(take).collect(), self.section_md.iter_mut().map(take).collect())
    }
}

/// Modification time and length: a file whose stamp is unchanged is not read again by a walk.
type Stamp = (SystemTime, u64);

#[derive(Clone)]
struct Cached {
    stamp: Option<Stamp>,
    item: Result<Item, Vec<Diagnostic>>,
    md: Arc<Rendered>,
}

/// The files of `content/` as last listed.
#[derive(Default)]
struct Listing {
    markdown: BTreeSet<String>,
    assets: BTreeMap<String, PathBuf>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Keeps every Markdown file as last read and parsed, between builds, or nothing (see
/// [`Loader::once`]).
#[derive(Default)]
pub(crate) struct Loader {
    /// Keep nothing between builds: each build hands over all it parsed.
    once: bool,
    /// Hash of the config and UI strings the cache was parsed with; a change empties it.
    key: u64,
    files: HashMap<String, Cached>,
    listing: Option<Listing>,
    reread: HashSet<String>,
}

impl Loader {
    /// A loader for builds that share nothing (`pedoman build`): it keeps no parsed file, so
    /// what a build holds is held by the build alone and freed as its stages finish with it
    /// (the search index frees each page's text once read: 304 MiB at 50,000 pages).
    pub(crate) fn once() -> Loader {
        Loader { once: true, ..Loader::default() }
    }

    /// Loads `root/content` (`root` canonical). `changed` lists absolute paths changed since the
    /// last build; `None` means anything may have changed.
    pub(crate) fn load(
        &mut self,
        root: &Path,
        config: &Config,
        parse: &ParseOptions,
        changed: Option<&[PathBuf]>,
        drafts: bool,
    ) -> Loaded {
        let key = cache_key(config, parse);
        if key != self.key {
            self.files.clear();
            self.listing = None;
            self.key = key;
        }
        let trusted = match (changed, self.listing.as_mut()) {
            (Some(paths), Some(listing)) => apply_changes(listing, &root.join("content"), paths),
            _ => None,
        };
        let stale: Vec<(String, Option<Stamp>)> = match trusted {
            Some(touched) => touched.into_iter().map(|rel| (rel, None)).collect(),
            None => {
                let listing = self.listing.insert(walk(root));
                let content = root.join("content");
                listing
                    .markdown
                    .iter()
                    .filter_map(|rel| {
                        // With nothing kept, every file is read, and stamped as it is read (on
                        // all cores), not here one by one.
                        let Some(kept) = self.files.get(rel) else {
                            return Some((rel.clone(), None));
                        };
                        let stamp = stamp(&content.join(rel));
                        (stamp.is_none() || kept.stamp != stamp).then(|| (rel.clone(), stamp))
                    })
                    .collect()
            }
        };
        let listing = self.listing.as_ref().expect("listed above");
        let fresh: Vec<(String, Cached)> = stale
            .into_par_iter()
            .filter(|(rel, _)| listing.markdown.contains(rel))
            .map(|(rel, stamp)| {
                let stamp = stamp.or_else(|| stamp_of(root, &rel));
                let cached = read(root, &rel, config, parse, stamp);
                (rel, cached)
            })
            .collect();
        self.reread.extend(fresh.iter().map(|(rel, _)| rel.clone()));
        self.files.extend(fresh);
        self.files.retain(|rel, _| listing.markdown.contains(rel));

        let mut errors = listing.errors.clone();
        let mut unreadable = HashSet::new();
        let mut items = Vec::with_capacity(listing.markdown.len());
        // A loader used once hands its files over instead of copying them.
        let mut files = std::mem::take(&mut self.files);
        for rel in &listing.markdown {
            let taken = if self.once { files.remove(rel) } else { files.get(rel).cloned() };
            let Cached { item, md, .. } = taken.expect("read above");
            match item {
                Ok(item) => {
                    let (source, body_line) = match &item {
                        Item::Page(p) => (&p.source, p.body_line),
                        Item::Section(s) => (&s.source, s.body_line),
                    };
                    errors.extend(md.problems.iter().map(|p| {
                        Diagnostic::new(source, body_line + p.line - 1, p.col, &p.message).with_hint(&p.hint)
                    }));
                    items.push((item, md));
                }
                Err(d) => {
                    errors.extend(d);
                    unreadable.insert(rel.clone());
                }
            }
        }
        let assets = listing.assets.iter().map(|(rel, src)| Asset::new(src.clone(), rel.clone())).collect();
        let warnings = listing.warnings.clone();
        if self.once {
            // The next load walks and reads everything again.
            self.listing = None;
        } else {
            self.files = files;
        }
        let (mut site, page_md, section_md) = content::assemble(config, items, assets, drafts);
        if config.updated_from_git {
            errors.extend(dates_from_git(&root.join("content"), &mut site).err());
        }
        Loaded { site, page_md, section_md, unreadable, reread: self.reread.clone(), errors, warnings }
    }

    /// The build succeeded: what was re-read has been rendered.
    pub(crate) fn settle(&mut self) {
        self.reread.clear();
    }
}

/// Gives each page without `updated:` the date of the last commit that changed its file, when
/// that is later than its `date:`.
fn dates_from_git(content_dir: &Path, site: &mut Site) -> Result<(), Diagnostic> {
    let dates = git_dates::last_commit_dates(content_dir)?;
    for p in &mut site.pages {
        let from_git = dates.get(&p.rel).filter(|d| Some(d.as_str()) > p.meta.date.as_deref());
        if p.meta.updated.is_none() {
            p.meta.updated = from_git.cloned();
        }
    }
    Ok(())
}

fn cache_key(config: &Config, parse: &ParseOptions) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_yaml::to_string(config).unwrap_or_default().hash(&mut h);
    let l = &parse.labels;
    (&l.note, &l.tip, &l.important, &l.warning, &l.caution, &parse.anchor_label).hash(&mut h);
    h.finish()
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

fn stamp_of(root: &Path, rel: &str) -> Option<Stamp> {
    stamp(&root.join("content").join(rel))
}

/// Reads, checks and parses one Markdown file.
fn read(root: &Path, rel: &str, config: &Config, parse: &ParseOptions, stamp: Option<Stamp>) -> Cached {
    let mut item = content::load_file(root, rel, config);
    // Once parsed, the Markdown source is not needed again: keep the cache lean.
    let md = match &mut item {
        Ok(Item::Page(p)) => {
            markdown::render(&std::mem::take(&mut p.body), &parse.labels, &parse.anchor_label, parse.raw_html)
        }
        Ok(Item::Section(s)) => {
            markdown::render(&std::mem::take(&mut s.body), &parse.labels, &parse.anchor_label, parse.raw_html)
        }
        Err(_) => Rendered::default(),
    };
    Cached { stamp, item, md: Arc::new(md) }
}

fn walk(root: &Path) -> Listing {
    let walked = content::walk(root);
    Listing {
        markdown: walked.markdown.into_iter().collect(),
        assets: walked.assets.into_iter().map(|a| (a.dest, a.src)).collect(),
        errors: walked.errors,
        warnings: walked.warnings,
    }
}

/// Updates `listing` from the changed paths and returns the Markdown files to re-read, or
/// `None` when only a walk can tell what changed (a folder, a link, a name the walk would
/// refuse or warn about).
fn apply_changes(listing: &mut Listing, content: &Path, changed: &[PathBuf]) -> Option<Vec<String>> {
    // A refused or misnamed entry is reported until a walk finds it gone.
    if !listing.errors.is_empty() || !listing.warnings.is_empty() {
        return None;
    }
    let mut touched = Vec::new();
    for path in changed {
        let Ok(rel) = path.strip_prefix(content) else {
            continue;
        };
        if rel.as_os_str().is_empty() {
            return None;
        }
        if rel.components().any(|c| crate::walk::is_ignored(c.as_os_str())) {
            continue;
        }
        let rel = rel.to_str()?.replace('\\', "/");
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => match content::kind(&rel) {
                content::Kind::Page => {
                    listing.markdown.insert(rel.clone());
                    touched.push(rel);
                }
                content::Kind::Asset => {
                    listing.assets.insert(rel, path.clone());
                }
                content::Kind::Misnamed => return None,
            },
            Ok(_) => return None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let was_file = listing.markdown.remove(&rel) || listing.assets.remove(&rel).is_some();
                let prefix = format!("{rel}/");
                let was_folder = listing.markdown.iter().any(|m| m.starts_with(&prefix))
                    || listing.assets.keys().any(|a| a.starts_with(&prefix));
                if was_folder {
                    return None;
                }
                if was_file {
                    touched.push(rel);
                }
            }
            Err(_) => return None,
        }
    }
    Some(touched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loader_used_once_hands_its_texts_over_and_keeps_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/nilai")).unwrap();
        std::fs::write(dir.path().join("config.yaml"), "title: Uji\nbase_url: https://contoh.go.id/\n").unwrap();
        std::fs::write(dir.path().join("content/nilai/a.md"), "---\ntitle: A\n---\nPegawai melayani warga.\n").unwrap();
        let root = dir.path().canonicalize().unwrap();
        let config = Config::load(&root).unwrap();
        let label = |s: &str| s.to_string();
        let labels = CalloutLabels {
            note: label("Catatan"),
            tip: label("Tip"),
            important: label("Penting"),
            warning: label("Awas"),
            caution: label("Hati-hati"),
        };
        let parse = ParseOptions { raw_html: config.markdown.raw_html, labels, anchor_label: label("#") };
        for (mut loader, keeps) in [(Loader::once(), false), (Loader::default(), true)] {
            let mut loaded = loader.load(&root, &config, &parse, None, false);
            assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
            let (pages, _) = loaded.take_texts();
            assert_eq!(pages[0][0].text, "Pegawai melayani warga.");
            // Held by the loader between builds, or by the index alone (which frees it).
            assert_eq!(Arc::strong_count(&pages[0]), if keeps { 2 } else { 1 }, "keeps: {keeps}");
            assert_eq!(loaded.page_md[0].passages.is_empty(), !keeps);
            assert_eq!(loader.files.is_empty(), !keeps);
        }
    }
}
