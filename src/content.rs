//! Loading `content/`: walk the folder, split and check front matter, work out URLs.
//! Knows nothing of HTML or templates.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::{self, PageMeta, SectionMeta, SortBy};
use crate::markdown::slugify;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// Path shown in messages, relative to the site root (`content/nilai/akuntabel.md`).
    pub source: PathBuf,
    /// Path inside `content/` with `/` separators (`nilai/akuntabel.md`): what links name.
    pub rel: String,
    pub meta: PageMeta,
    pub title: String,
    pub body: String,
    /// File line of the body's first line.
    pub body_line: usize,
    /// File line of `template:` (for "unknown template" errors).
    pub template_line: usize,
    /// File lines of `slug:`, `aliases:`, `tags:` and `taxonomies:` (for "URL already used" errors).
    pub slug_line: usize,
    pub aliases_line: usize,
    pub tags_line: usize,
    pub other_taxonomies_line: usize,
    /// Site-relative URL path, `/nilai/akuntabel/`.
    pub path: String,
    /// The section holding the page.
    pub section: SectionId,
    /// Folder of a page bundle (`index.md` + files), whose other files are copied beside the page.
    pub bundle_dir: Option<PathBuf>,
}

impl Page {
    /// The front-matter line listing the page's terms of `taxonomy`.
    pub(crate) fn taxonomies_line(&self, taxonomy: &str) -> usize {
        if taxonomy == "tags" {
            self.tags_line
        } else {
            self.other_taxonomies_line
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub source: PathBuf,
    /// `nilai/_index.md`, or `_index.md` for the home page.
    pub rel: String,
    pub meta: SectionMeta,
    pub title: String,
    pub body: String,
    pub body_line: usize,
    pub template_line: usize,
    pub path: String,
    pub parent: Option<SectionId>,
    /// Pages, sorted by the section's `sort_by`.
    pub pages: Vec<PageId>,
    /// Subsections, sorted by weight then title.
    pub subsections: Vec<SectionId>,
}

/// A non-Markdown file under `content/`, copied to `dest` (relative to the output folder).
#[derive(Debug, Clone)]
pub(crate) struct Asset {
    pub src: PathBuf,
    /// Path shown in messages (`content/nilai/foto/bagan.png`).
    pub source: PathBuf,
    pub dest: String,
}

/// A page of a [`Site`]: its place in `Site::pages`, so a page cannot be taken for a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PageId(usize);

/// A section of a [`Site`]: its place in `Site::sections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct SectionId(usize);

impl PageId {
    /// The page's place in `Site::pages` and in the vectors kept beside it (parsed bodies,
    /// word counts, link URLs).
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

impl SectionId {
    /// The home section, always first.
    pub(crate) const HOME: SectionId = SectionId(0);

    /// The section's place in `Site::sections` and in the vectors kept beside it.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Site {
    pub pages: Vec<Page>,
    /// `sections[0]` is always the home section.
    pub sections: Vec<Section>,
    pub assets: Vec<Asset>,
    /// By taxonomy (`tags`), its terms by slug: gathered once, read by claims, render and the
    /// sitemap.
    taxonomies: BTreeMap<String, BTreeMap<String, Term>>,
}

impl Section {
    /// Where the section's print-everything page goes: `/bagian/cetak/`.
    pub(crate) fn print_path(&self) -> String {
        format!("{}cetak/", self.path)
    }
}

/// One term of a taxonomy (`tags: [Integritas]`).
#[derive(Debug, Clone)]
pub(crate) struct Term {
    /// The term as first written.
    pub name: String,
    /// The pages listing it, by title.
    pub pages: Vec<PageId>,
}

impl Site {
    /// The page `id` names; ids come from this site (`page_ids`, `Section::pages`, `Term::pages`).
    pub(crate) fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
    }

    /// The section `id` names.
    pub(crate) fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0]
    }

    /// Every page, in order.
    pub(crate) fn page_ids(&self) -> impl ExactSizeIterator<Item = PageId> {
        (0..self.pages.len()).map(PageId)
    }

    /// Every section, in order (home first).
    pub(crate) fn section_ids(&self) -> impl ExactSizeIterator<Item = SectionId> {
        (0..self.sections.len()).map(SectionId)
    }

    /// Terms of one taxonomy, by slug.
    pub(crate) fn taxonomy_terms(&self, taxonomy: &str) -> &BTreeMap<String, Term> {
        static NONE: BTreeMap<String, Term> = BTreeMap::new();
        self.taxonomies.get(taxonomy).unwrap_or(&NONE)
    }

    /// Gathers the terms of `taxonomy` from the pages' front matter.
    fn gather_terms(&self, taxonomy: &str) -> BTreeMap<String, Term> {
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        let mut slugs: HashMap<&str, String> = HashMap::new();
        for (id, page) in self.page_ids().zip(&self.pages) {
            let list = if taxonomy == "tags" { Some(&page.meta.tags) } else { page.meta.taxonomies.get(taxonomy) };
            for name in list.into_iter().flatten() {
                let slug = slugs.entry(name).or_insert_with(|| slugify(name));
                let term = terms.entry(slug.clone()).or_insert_with(|| Term { name: name.clone(), pages: Vec::new() });
                // Pages come in order, so a page listing a term twice is the last one added.
                if term.pages.last() != Some(&id) {
                    term.pages.push(id);
                }
            }
        }
        // Each page's sort key made once, however many terms it lists.
        let mut titles: Vec<Option<String>> = vec![None; self.pages.len()];
        for &p in terms.values().flat_map(|t| &t.pages) {
            titles[p.0].get_or_insert_with(|| self.page(p).title.to_lowercase());
        }
        for term in terms.values_mut() {
            term.pages
                .sort_by(|&a, &b| titles[a.0].cmp(&titles[b.0]).then_with(|| self.page(a).rel.cmp(&self.page(b).rel)));
        }
        terms
    }
}

/// One Markdown file read and checked, before it is placed in the tree.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Page(Page),
    Section(Section),
}

/// Reads and checks one Markdown file. `rel` is its path inside `content/`.
pub(crate) fn load_file(root: &Path, rel: &str, config: &Config) -> Result<Item, Vec<Diagnostic>> {
    let source = Path::new("content").join(rel);
    let text = frontmatter::read_text(&root.join(&source), &source).map_err(|d| vec![d])?;
    let split = frontmatter::split(&source, &text).map_err(|d| vec![d])?;
    let line_offset = split.yaml_line - 1;
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let mut diags = Vec::new();
    if file_name == "_index.md" {
        let meta: SectionMeta = frontmatter::parse(&source, split.yaml, line_offset).map_err(|d| vec![d])?;
        let dir = rel.strip_suffix("_index.md").unwrap_or("").trim_end_matches('/');
        let title = meta.title.clone().unwrap_or_else(|| dir.rsplit('/').next().unwrap_or("").replace('-', " "));
        return Ok(Item::Section(Section {
            source,
            rel: rel.to_string(),
            meta,
            title,
            body: split.body.to_string(),
            body_line: split.body_line,
            template_line: frontmatter::key_line(split.yaml, split.yaml_line, "template"),
            path: dir_path(dir),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
        }));
    }
    let meta: PageMeta = frontmatter::parse(&source, split.yaml, line_offset).map_err(|d| vec![d])?;
    let key_line = |key: &str| frontmatter::key_line(split.yaml, split.yaml_line, key);
    let title = match meta.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            let line = if split.has_front_matter { key_line("title") } else { 1 };
            diags.push(
                Diagnostic::new(&source, line, 1, "page has no `title`")
                    .with_hint("start the file with front matter:\n---\ntitle: \"Judul halaman\"\n---"),
            );
            String::new()
        }
    };
    for key in ["date", "updated"] {
        let value = if key == "date" { &meta.date } else { &meta.updated };
        if let Some(v) = value {
            if !frontmatter::valid_date(v) {
                diags.push(
                    Diagnostic::new(&source, key_line(key), 1, format!("`{key}: {v}` is not a valid date"))
                        .with_hint("write dates as YYYY-MM-DD, e.g. 2024-08-17"),
                );
            }
        }
    }
    for name in meta.taxonomies.keys() {
        if name == "tags" || !config.taxonomies.contains(name) {
            diags.push(
                Diagnostic::new(&source, key_line("taxonomies"), 1, format!("unknown taxonomy `{name}`")).with_hint(
                    format!(
                        "declare it in config.yaml `taxonomies` (now: {}); tags go in `tags:`",
                        config.taxonomies.join(", ")
                    ),
                ),
            );
        }
    }
    // The URL: folders, then the file stem (or the bundle folder), which `slug` replaces.
    let (dir, stem, bundle) = match rel.strip_suffix("/index.md") {
        Some(bundle) => {
            let (d, s) = bundle.rsplit_once('/').unwrap_or(("", bundle));
            (d, s.to_string(), true)
        }
        None => {
            let no_ext = rel.strip_suffix(".md").unwrap_or(rel);
            let (d, s) = no_ext.rsplit_once('/').unwrap_or(("", no_ext));
            (d, s.to_string(), false)
        }
    };
    let stem = match &meta.slug {
        Some(slug) if !is_safe_component(slug) => {
            diags.push(
                Diagnostic::new(
                    &source,
                    key_line("slug"),
                    1,
                    format!("slug `{slug}` is not a single safe path segment"),
                )
                .with_hint("a slug is one word or words-with-dashes, without `/`, `\\` or `..`"),
            );
            stem
        }
        Some(slug) => slugify(slug),
        None => slugify(&stem),
    };
    for alias in &meta.aliases {
        if alias_output(alias).is_none() {
            diags.push(
                Diagnostic::new(
                    &source,
                    key_line("aliases"),
                    1,
                    format!("alias `{alias}` is not a path inside the site"),
                )
                .with_hint("write an alias as a site path such as /lama/halaman/, without `..` or a host"),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let dir_url = dir_path(dir);
    let bundle_dir = bundle.then(|| root.join("content").join(rel).parent().unwrap().to_path_buf());
    Ok(Item::Page(Page {
        source,
        rel: rel.to_string(),
        meta,
        title,
        body: split.body.to_string(),
        body_line: split.body_line,
        template_line: key_line("template"),
        slug_line: key_line("slug"),
        aliases_line: key_line("aliases"),
        tags_line: key_line("tags"),
        other_taxonomies_line: key_line("taxonomies"),
        path: format!("{dir_url}{stem}/"),
        section: SectionId::HOME,
        bundle_dir,
    }))
}

fn is_safe_component(s: &str) -> bool {
    !s.trim().is_empty() && !s.contains(['/', '\\', '\0']) && !s.starts_with('.')
}

/// The output file an alias redirects from (`lama/halaman/index.html`), if it is a safe site path.
pub(crate) fn alias_output(alias: &str) -> Option<String> {
    if alias.contains("://") || alias.contains('\\') || alias.contains('\0') {
        return None;
    }
    let parts: Vec<&str> = alias.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| *p == ".." || *p == "." || p.contains(':')) {
        return None;
    }
    let joined = parts.join("/");
    Some(if joined.ends_with(".html") { joined } else { format!("{joined}/index.html") })
}

/// `nilai/dasar` → `/nilai/dasar/`; `` → `/`.
fn dir_path(dir: &str) -> String {
    let mut path = String::from("/");
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&slugify(part));
        path.push('/');
    }
    path
}

/// What a file under `content/` is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `.md`: a page, or a section for `_index.md`.
    Page,
    /// Any other file: copied as it is (beside its page, in a bundle).
    Asset,
    /// Markdown under another extension (`.MD`, `.markdown`, `.mdown`): neither read as a page
    /// nor published, with a warning, since publishing its source is rarely what was meant.
    Misnamed,
}

pub(crate) fn kind(rel: &str) -> Kind {
    let ext = rel.rsplit_once('.').map(|(_, e)| e).filter(|e| !e.contains('/')).unwrap_or("");
    if ext == "md" {
        Kind::Page
    } else if ["md", "markdown", "mdown", "mkd", "mkdn"].iter().any(|m| ext.eq_ignore_ascii_case(m)) {
        Kind::Misnamed
    } else {
        Kind::Asset
    }
}

impl Asset {
    /// The file at `src`, `rel` inside `content/`, copied to the same place in the output.
    pub(crate) fn new(src: PathBuf, rel: String) -> Asset {
        Asset { src, source: Path::new("content").join(&rel), dest: rel }
    }
}

/// The files of `content/`.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    /// Markdown files, paths inside `content/` (sorted).
    pub markdown: Vec<String>,
    pub assets: Vec<Asset>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Lists the files of `root/content` (`root` canonical).
pub(crate) fn walk(root: &Path) -> Walked {
    let mut walked = Walked::default();
    if !root.join("content").is_dir() {
        walked.errors.push(
            Diagnostic::new("content", 0, 0, "no content/ folder")
                .with_hint("create content/_index.md; `pedoman init DIR` makes a starter site"),
        );
        return walked;
    }
    let (files, errors) = crate::walk::files(root, "content");
    walked.errors = errors;
    for file in files {
        match kind(&file.rel) {
            Kind::Page => walked.markdown.push(file.rel),
            Kind::Asset => walked.assets.push(Asset::new(file.path, file.rel)),
            Kind::Misnamed => {
                let stem = file.rel.rsplit_once('.').map_or(file.rel.as_str(), |(s, _)| s);
                walked.warnings.push(
                    Diagnostic::new(
                        Path::new("content").join(&file.rel),
                        0,
                        0,
                        "not a page: only `.md` files are read as pages, and this file is not published either",
                    )
                    .with_hint(format!("rename it to `{stem}.md` to make it a page")),
                );
            }
        }
    }
    walked
}

/// Places loaded files in the section tree, drops drafts, sorts, and moves bundle assets.
/// Each item carries a payload (its parsed body), returned in the order of the site's pages
/// and sections.
pub(crate) fn assemble<T: Default>(
    config: &Config,
    items: Vec<(Item, T)>,
    mut assets: Vec<Asset>,
    drafts: bool,
) -> (Site, Vec<T>, Vec<T>) {
    let mut sections = Vec::new();
    let mut pages = Vec::new();
    let mut page_payloads = Vec::new();
    for (item, payload) in items {
        match item {
            Item::Section(s) => sections.push((s, payload)),
            Item::Page(p) if drafts || !p.meta.draft => {
                pages.push(p);
                page_payloads.push(payload);
            }
            Item::Page(_) => {}
        }
    }
    // The home section exists even without content/_index.md.
    if !sections.iter().any(|(s, _)| s.rel == "_index.md") {
        let home = Section {
            source: PathBuf::from("content/_index.md"),
            rel: "_index.md".into(),
            meta: SectionMeta::default(),
            title: config.title.clone(),
            body: String::new(),
            body_line: 1,
            template_line: 1,
            path: "/".into(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
        };
        sections.push((home, T::default()));
    }
    sections.sort_by(|(a, _), (b, _)| (a.rel != "_index.md", &a.rel).cmp(&(b.rel != "_index.md", &b.rel)));
    let (mut sections, section_payloads): (Vec<Section>, Vec<T>) = sections.into_iter().unzip();
    let by_dir: BTreeMap<String, SectionId> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.rel.trim_end_matches("_index.md").trim_end_matches('/').to_string(), SectionId(i)))
        .collect();
    let nearest = |mut dir: &str| -> SectionId {
        loop {
            if let Some(i) = by_dir.get(dir) {
                return *i;
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    };
    for i in 1..sections.len() {
        let dir = sections[i].rel.trim_end_matches("_index.md").trim_end_matches('/').to_string();
        let parent_dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        let parent = nearest(parent_dir);
        sections[i].parent = Some(parent);
        sections[parent.0].subsections.push(SectionId(i));
    }
    for (i, page) in pages.iter_mut().enumerate() {
        // A bundle's own folder is not its section: look from the folder above.
        let dir = page.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let dir = if page.bundle_dir.is_some() { dir.rsplit_once('/').map_or("", |(d, _)| d) } else { dir };
        page.section = nearest(dir);
        sections[page.section.0].pages.push(PageId(i));
    }
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        sort_pages(&mut list, &pages, sections[s].meta.sort_by);
        sections[s].pages = list;
        let mut subs = std::mem::take(&mut sections[s].subsections);
        subs.sort_by_cached_key(|&i| {
            let sub = &sections[i.0];
            (sub.meta.weight.unwrap_or(i64::MAX), sub.title.to_lowercase(), sub.rel.clone())
        });
        sections[s].subsections = subs;
    }
    // Files inside a page bundle go beside the page, wherever its slug puts it.
    let bundles: Vec<(String, &Page)> = pages
        .iter()
        .filter_map(|p| p.bundle_dir.as_ref().map(|_| (p.rel.trim_end_matches("index.md").to_string(), p)))
        .collect();
    for asset in &mut assets {
        if let Some((prefix, page)) = bundles
            .iter()
            .filter(|(prefix, _)| asset.dest.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
        {
            asset.dest = format!("{}{}", page.path.trim_start_matches('/'), &asset.dest[prefix.len()..]);
        }
    }
    let mut site = Site { pages, sections, assets, taxonomies: BTreeMap::new() };
    site.taxonomies = config.taxonomies.iter().map(|t| (t.clone(), site.gather_terms(t))).collect();
    (site, page_payloads, section_payloads)
}

fn sort_pages(list: &mut [PageId], pages: &[Page], by: SortBy) {
    // Keys made once per page, not once per comparison: big sections have thousands of pages.
    let title = |i: PageId| (pages[i.0].title.to_lowercase(), pages[i.0].rel.clone());
    match by {
        SortBy::Weight => list.sort_by_cached_key(|&i| (pages[i.0].meta.weight.unwrap_or(i64::MAX), title(i))),
        SortBy::Date => list.sort_by_cached_key(|&i| (std::cmp::Reverse(pages[i.0].meta.date.clone()), title(i))),
        SortBy::Title => list.sort_by_cached_key(|&i| title(i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(alias_output("/lama/akuntabel/").as_deref(), Some("lama/akuntabel/index.html"));
        assert_eq!(alias_output("old.html").as_deref(), Some("old.html"));
        assert_eq!(alias_output("../../etc"), None);
        assert_eq!(alias_output("https://evil.example/"), None);
    }

    #[test]
    fn folder_urls() {
        assert_eq!(dir_path(""), "/");
        assert_eq!(dir_path("Nilai Dasar/akhlak"), "/nilai-dasar/akhlak/");
    }
}
