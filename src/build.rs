//! The pipeline, top to bottom: load (walk + front matter) → parse (Markdown) → resolve links
//! → render (Tera) → index (search) → write. `Builder` keeps parsed files between builds so
//! `serve` redoes only what changed.

use crate::config::Config;
use crate::content::{self, Loaded, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feeds;
use crate::git_dates;
use crate::markdown::{self, CalloutLabels, InternalLink, Rendered, LINK_PREFIX};
use crate::offline;
use crate::output::{self, Data, Files, Written};
use crate::render::{self, Body, Renderer};
use crate::render_budget::Cancel;
use crate::search::{self, GlossaryTerm, PageText};
use crate::theme::{StaticSource, Theme};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How results reach the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// Render into a fresh sibling folder and swap it in at the end (`pedoman build`).
    AtomicSwap,
    /// Update the folder in place, writing only files whose bytes changed (`pedoman serve`).
    InPlace,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root: holds `config.yaml`, `content/`, optionally `templates/`, `static/`, `themes/`.
    pub root: PathBuf,
    /// Output folder (default `ROOT/public`).
    pub output: PathBuf,
    /// Overrides `base_url` from the config (serve uses `http://127.0.0.1:PORT`).
    pub base_url: Option<String>,
    pub drafts: bool,
    pub mode: OutputMode,
}

/// What one successful build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub elapsed: Duration,
    /// Output files (relative to the output folder) created or changed by this build.
    pub written: Vec<PathBuf>,
    /// Output files removed by this build.
    pub removed: Vec<PathBuf>,
    /// Time spent in each stage, in pipeline order.
    pub stages: Vec<(&'static str, Duration)>,
}

/// One Markdown file as last read: its stamp, and what loading and parsing made of it.
struct Cached {
    stamp: Option<(SystemTime, u64)>,
    loaded: Result<Loaded, Vec<Diagnostic>>,
    rendered: Rendered,
}

/// Keeps what a build learned so the next one can redo only what changed.
pub struct Builder {
    opts: BuildOptions,
    files: HashMap<String, Cached>,
    /// Config and UI strings the cached files were parsed with; a change invalidates them.
    parsed_with: Option<(String, Vec<String>)>,
    written: Written,
    /// Files re-read since the last successful build: their pages must be re-rendered.
    pending: HashSet<String>,
    /// Signature of everything pages share (titles, URLs, order, templates) at the last
    /// successful in-place build; while it holds, unchanged pages need no re-rendering.
    shared_signature: Option<u64>,
    search_cache: search::IndexCache,
    /// Stops the rendering of a build in progress (see [`Builder::with_cancel`]).
    cancel: Cancel,
}

impl Builder {
    pub fn new(opts: BuildOptions) -> Self {
        Self::with_cancel(opts, Cancel::default())
    }

    /// A builder whose renders stop when `cancel` is set (the build then fails); `serve` uses
    /// it to stop a build that a newer save or Ctrl+C makes pointless.
    pub fn with_cancel(opts: BuildOptions, cancel: Cancel) -> Self {
        Builder {
            cancel,
            opts,
            files: HashMap::new(),
            parsed_with: None,
            written: Written::new(),
            pending: HashSet::new(),
            shared_signature: None,
            search_cache: search::IndexCache::default(),
        }
    }

    /// Builds the site. `changed` lists input files changed since the last build (`None`:
    /// treat everything as changed). On error nothing is written.
    pub fn build(&mut self, changed: Option<&[PathBuf]>) -> Result<BuildReport, Diagnostics> {
        let start = Instant::now();
        let result = self.run(changed);
        result
            .map(|mut report| {
                report.elapsed = start.elapsed();
                report
            })
            .map_err(|mut diags| {
                diags.sort_by(|a, b| (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message)));
                diags.dedup();
                Diagnostics(diags)
            })
    }

    fn run(&mut self, changed: Option<&[PathBuf]>) -> Result<BuildReport, Vec<Diagnostic>> {
        let mut stages = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name: &'static str| {
            stages.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let root = self.opts.root.clone();
        // The output folder is replaced wholesale: it must not be the site or hold it.
        if let (Ok(out), Ok(site)) = (self.opts.output.canonicalize(), root.canonicalize()) {
            if site.starts_with(&out) {
                return Err(vec![Diagnostic::new(
                    &self.opts.output,
                    0,
                    0,
                    "the output folder contains the site itself",
                )
                .with_hint("choose an output folder outside the site's sources, such as the default ROOT/public")]);
            }
        }
        let mut config = Config::load(&root).map_err(|d| vec![d])?;
        if let Some(url) = &self.opts.base_url {
            config.override_base_url(url).map_err(|d| vec![d])?;
        }
        // A preview gets no service worker: it must never show a page from a cache.
        if self.opts.mode == OutputMode::InPlace {
            config.offline = false;
        }
        let theme = Theme::load(&root, &config)?;

        // Load + parse, reusing files whose stamp is unchanged.
        let labels = CalloutLabels {
            note: theme.string("callout_note"),
            tip: theme.string("callout_tip"),
            important: theme.string("callout_important"),
            warning: theme.string("callout_warning"),
            caution: theme.string("callout_caution"),
        };
        let anchor_label = theme.string("anchor_label");
        let config_text = serde_yaml::to_string(&config).unwrap_or_default();
        let key = (
            config_text.clone(),
            vec![
                labels.note.clone(),
                labels.tip.clone(),
                labels.important.clone(),
                labels.warning.clone(),
                labels.caution.clone(),
                anchor_label.clone(),
            ],
        );
        if self.parsed_with.as_ref() != Some(&key) || changed.is_none() {
            self.files.clear();
            self.parsed_with = Some(key);
        }
        let changed: HashSet<PathBuf> =
            changed.unwrap_or(&[]).iter().map(|p| p.canonicalize().unwrap_or_else(|_| p.clone())).collect();
        let (md_files, assets, mut diags) = content::walk(&root);
        let content_dir = root.join("content");
        let stale: Vec<(String, Option<(SystemTime, u64)>)> = md_files
            .iter()
            .filter_map(|rel| {
                let path = content_dir.join(rel);
                let stamp = std::fs::metadata(&path).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
                let canonical = path.canonicalize().unwrap_or(path);
                match self.files.get(rel) {
                    Some(c) if c.stamp == stamp && stamp.is_some() && !changed.contains(&canonical) => None,
                    _ => Some((rel.clone(), stamp)),
                }
            })
            .collect();
        self.pending.extend(stale.iter().map(|(rel, _)| rel.clone()));
        let fresh: Vec<(String, Cached)> = stale
            .into_par_iter()
            .map(|(rel, stamp)| {
                let mut loaded = content::load_file(&root, &rel, &config);
                // Once parsed, the Markdown source is not needed again: keep the cache lean.
                let raw_html = config.markdown.raw_html;
                let rendered = match &mut loaded {
                    Ok(Loaded::Page(p)) => {
                        markdown::render(&std::mem::take(&mut p.body), &labels, &anchor_label, raw_html)
                    }
                    Ok(Loaded::Section(s)) => {
                        markdown::render(&std::mem::take(&mut s.body), &labels, &anchor_label, raw_html)
                    }
                    Err(_) => Rendered::default(),
                };
                (rel, Cached { stamp, loaded, rendered })
            })
            .collect();
        self.files.extend(fresh);
        let present: HashSet<&String> = md_files.iter().collect();
        self.files.retain(|rel, _| present.contains(rel));

        let mut loaded = Vec::new();
        let mut parsed: HashMap<String, &Rendered> = HashMap::new();
        // Files that failed to load: links to them are not reported again as broken.
        let mut unreadable: HashSet<&str> = HashSet::new();
        for rel in &md_files {
            let cached = &self.files[rel];
            match &cached.loaded {
                Ok(l) => {
                    let (source, body_line) = match l {
                        Loaded::Page(p) => (&p.source, p.body_line),
                        Loaded::Section(s) => (&s.source, s.body_line),
                    };
                    diags.extend(cached.rendered.problems.iter().map(|p| {
                        Diagnostic::new(source, body_line + p.line - 1, p.col, &p.message).with_hint(&p.hint)
                    }));
                    loaded.push(l.clone());
                    parsed.insert(rel.clone(), &cached.rendered);
                }
                Err(d) => {
                    diags.extend(d.iter().cloned());
                    unreadable.insert(rel.as_str());
                }
            }
        }
        lap("load+parse");
        let mut site = content::assemble(&config, loaded, assets, self.opts.drafts);
        diags.extend(check_urls(&site, &config));
        if config.updated_from_git {
            match git_dates::last_commit_dates(&content_dir) {
                Ok(dates) => {
                    for p in &mut site.pages {
                        let from_git = dates.get(&p.rel).filter(|d| Some(d.as_str()) > p.meta.date.as_deref());
                        if p.meta.updated.is_none() {
                            p.meta.updated = from_git.cloned();
                        }
                    }
                }
                Err(d) => diags.push(d),
            }
        }

        // What changed since the last in-place build decides how much to re-render.
        let base = config.base_path();
        // The preview sends no-cache, and an unhashed URL keeps a CSS edit from rewriting every page.
        let hashed = self.opts.mode == OutputMode::AtomicSwap;
        let (mut files, asset_urls) = static_files(&theme, &base, hashed).map_err(|d| vec![d])?;
        let signature = shared_signature(&site, &theme, &asset_urls, &config_text);
        let only: Option<HashSet<usize>> = (self.opts.mode == OutputMode::InPlace
            && self.shared_signature == Some(signature))
        .then(|| (0..site.pages.len()).filter(|&i| self.pending.contains(&site.pages[i].rel)).collect());

        // Resolve internal links now that every URL and heading id is known; every page's links
        // are checked, but only pages being rendered get their HTML rewritten.
        let targets = link_targets(&site, &parsed, &unreadable);
        let resolve =
            |rel: &str, source: &Path, body_line: usize, r: &Rendered, full: bool, d: &mut Vec<Diagnostic>| {
                let urls = link_urls(&r.links, rel, source, body_line, &targets, &r.heading_ids, &base, d);
                if !full {
                    return Body { html: String::new(), toc: Vec::new(), word_count: r.word_count };
                }
                Body { html: rewrite_links(&r.html, &urls), toc: r.toc.clone(), word_count: r.word_count }
            };
        // A section's print page shows all its pages: a changed page needs its siblings too.
        let print_sections: Option<HashSet<usize>> =
            only.as_ref().map(|set| set.iter().map(|&i| site.pages[i].section).collect());
        let mut page_bodies = Vec::with_capacity(site.pages.len());
        for p in &site.pages {
            let full = print_sections.as_ref().is_none_or(|set| set.contains(&p.section));
            page_bodies.push(resolve(&p.rel, &p.source, p.body_line, parsed[&p.rel], full, &mut diags));
        }
        let empty = Rendered::default();
        let mut section_bodies = Vec::with_capacity(site.sections.len());
        for s in &site.sections {
            let r = parsed.get(&s.rel).copied().unwrap_or(&empty);
            section_bodies.push(resolve(&s.rel, &s.source, s.body_line, r, true, &mut diags));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        lap("links");

        // Render.
        let renderer = Renderer::new(&theme, &base, asset_urls.clone(), self.cancel.clone())?;
        let input = render::Input {
            config: &config,
            theme: &theme,
            site: &site,
            page_bodies: &page_bodies,
            section_bodies: &section_bodies,
            base: base.clone(),
        };
        for a in &site.assets {
            files.insert(a.dest.clone(), Data::Copy(a.src.clone()));
        }
        for (rel, bytes) in render::render_site(&input, &renderer, only.as_ref())? {
            files.insert(rel, bytes.map_or(Data::Keep, Data::Bytes));
        }
        files.insert("sitemap.xml".into(), Data::Bytes(feeds::sitemap(&config, &site).into_bytes()));
        files.insert("robots.txt".into(), Data::Bytes(feeds::robots(&config).into_bytes()));
        if config.feed.enabled {
            files.insert("atom.xml".into(), Data::Bytes(feeds::atom(&config, &site).into_bytes()));
        }
        for p in &site.pages {
            for alias in &p.meta.aliases {
                if let Some(rel) = content::alias_output(alias) {
                    files.insert(rel, Data::Bytes(feeds::redirect(&config, &p.path).into_bytes()));
                }
            }
        }

        if !theme.statics.contains_key("manifest.webmanifest") {
            files.insert("manifest.webmanifest".into(), Data::Bytes(offline::manifest(&config, &base)));
        }
        lap("render");

        // Index.
        let texts = page_texts(&site, &parsed);
        for (rel, bytes) in search::build_index_cached(&texts, &config.search, &mut self.search_cache) {
            files.insert(format!("search/{rel}"), Data::Bytes(bytes));
        }

        if config.offline {
            let worker = offline::service_worker(&renderer, &base, &files, &asset_urls).map_err(|d| vec![d])?;
            files.insert("sw.js".into(), Data::Bytes(worker));
        }
        lap("index");

        // Write.
        if let Some(bad) = files.keys().find(|rel| !output::safe_relative(rel)) {
            return Err(vec![Diagnostic::new(
                "content",
                0,
                0,
                format!("refusing to write `{bad}` outside the output folder"),
            )]);
        }
        let out = &self.opts.output;
        let shown = out.display().to_string();
        let io_err = |e: std::io::Error| vec![Diagnostic::new(&shown, 0, 0, format!("cannot write the site: {e}"))];
        let (written, removed) = match self.opts.mode {
            OutputMode::AtomicSwap => {
                output::write_atomic(out, &files).map_err(io_err)?;
                (files.keys().map(PathBuf::from).collect(), Vec::new())
            }
            OutputMode::InPlace => output::write_in_place(out, &files, &mut self.written).map_err(io_err)?,
        };
        lap("write");
        self.pending.clear();
        self.shared_signature = (self.opts.mode == OutputMode::InPlace).then_some(signature);
        Ok(BuildReport {
            pages: site.pages.len(),
            sections: site.sections.len(),
            elapsed: Duration::ZERO,
            written,
            removed,
            stages,
        })
    }
}

/// Hash of what every page's HTML may show beyond its own body: the navigation (titles, URLs,
/// order), neighbours, site config, templates and asset URLs.
fn shared_signature(site: &Site, theme: &Theme, assets: &BTreeMap<String, String>, config_text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in &site.pages {
        (&p.rel, &p.title, &p.path, p.section, &p.meta.template, &p.meta.tags).hash(&mut h);
        // Glossary terms are linked from every page.
        for g in &p.meta.glossary {
            (&g.term, &g.expansion).hash(&mut h);
        }
    }
    for s in &site.sections {
        (&s.rel, &s.title, &s.path, &s.pages, &s.subsections, &s.meta.description).hash(&mut h);
    }
    for (name, t) in &theme.templates {
        (name, &t.source).hash(&mut h);
    }
    (assets, &theme.strings, config_text).hash(&mut h);
    h.finish()
}

/// Theme and site static files, plus cache-busted URLs for templates' `asset()`.
fn static_files(theme: &Theme, base: &str, hashed: bool) -> Result<(Files, BTreeMap<String, String>), Diagnostic> {
    let mut files = Files::new();
    let mut urls = BTreeMap::new();
    for (rel, src) in &theme.statics {
        let (data, hash) = match src {
            StaticSource::Embedded(b) => (Data::Static(b), output::short_hash(b)),
            StaticSource::Disk(p) => {
                let bytes =
                    std::fs::read(p).map_err(|e| Diagnostic::new(p, 0, 0, format!("cannot read static file: {e}")))?;
                let hash = output::short_hash(&bytes);
                (Data::Bytes(bytes), hash)
            }
        };
        let url = render::site_url(base, rel);
        urls.insert(rel.clone(), if hashed { format!("{url}?h={hash}") } else { url });
        files.insert(rel.clone(), data);
    }
    Ok((files, urls))
}

/// Two files claiming one URL, or an alias shadowing a page, are errors.
fn check_urls(site: &Site, config: &Config) -> Vec<Diagnostic> {
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    let mut diags = Vec::new();
    let mut claim = |out: String, source: &Path, line: usize, what: &str| {
        if let Some(first) = claimed.get(&out) {
            diags.push(
                Diagnostic::new(
                    source,
                    line,
                    1,
                    format!("{what} `/{}` is already used by {}", out.trim_end_matches("index.html"), first.display()),
                )
                .with_hint("give one of them a different `slug`, file name or alias"),
            );
        } else {
            claimed.insert(out, source.to_path_buf());
        }
    };
    for s in &site.sections {
        claim(format!("{}index.html", s.path.trim_start_matches('/')), &s.source, 1, "URL");
    }
    for p in &site.pages {
        let line = if p.meta.slug.is_some() { p.slug_line } else { 1 };
        claim(format!("{}index.html", p.path.trim_start_matches('/')), &p.source, line, "URL");
    }
    for t in &config.taxonomies {
        claim(format!("{}/index.html", markdown::slugify(t)), Path::new("config.yaml"), 1, "taxonomy URL");
    }
    claim("cari/index.html".into(), Path::new("(search page)"), 0, "URL");
    for s in site.sections.iter().filter(|s| !s.pages.is_empty()) {
        claim(format!("{}index.html", render::print_path(s).trim_start_matches('/')), &s.source, 1, "print page URL");
    }
    for p in &site.pages {
        for alias in &p.meta.aliases {
            if let Some(out) = content::alias_output(alias) {
                claim(out, &p.source, p.aliases_line, "alias");
            }
        }
    }
    diags
}

/// What a link may point at: content path → (URL path, heading ids). A file that failed to load
/// is a target with no known URL, so links to it are not reported again as broken.
fn link_targets<'a>(
    site: &'a Site,
    parsed: &'a HashMap<String, &Rendered>,
    unreadable: &HashSet<&'a str>,
) -> HashMap<&'a str, Option<(&'a str, &'a [String])>> {
    let ids = |rel: &str| parsed.get(rel).map(|r| r.heading_ids.as_slice()).unwrap_or(&[]);
    let mut map: HashMap<&str, Option<(&str, &[String])>> = unreadable.iter().map(|rel| (*rel, None)).collect();
    for p in &site.pages {
        map.insert(p.rel.as_str(), Some((p.path.as_str(), ids(&p.rel))));
    }
    for s in &site.sections {
        map.insert(s.rel.as_str(), Some((s.path.as_str(), ids(&s.rel))));
    }
    map
}

/// `from` = `nilai/akuntabel.md`, `link` = `../pola/x.md` → `pola/x.md`; `@/x.md` → `x.md`.
fn normalize_link(from: &str, link: &str) -> Option<String> {
    let joined = match link.strip_prefix("@/") {
        Some(rest) => rest.to_string(),
        None => {
            let dir = from.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            if let Some(abs) = link.strip_prefix('/') {
                abs.to_string()
            } else {
                format!("{dir}/{link}")
            }
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Checks each link of a file and returns its final URL (`#` for a broken one, reported in `diags`).
#[allow(clippy::too_many_arguments)]
fn link_urls(
    links: &[InternalLink],
    rel: &str,
    source: &Path,
    body_line: usize,
    targets: &HashMap<&str, Option<(&str, &[String])>>,
    own_ids: &[String],
    base: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    links
        .iter()
        .map(|link| {
            let line = body_line + link.line - 1;
            let error = |msg: String, hint: String| Diagnostic::new(source, line, link.col, msg).with_hint(hint);
            let (path, ids) = if link.path.is_empty() {
                ("", own_ids)
            } else {
                match normalize_link(rel, &link.path).and_then(|t| targets.get(t.as_str()).map(|v| (t, v))) {
                    Some((_, Some((path, ids)))) => (*path, *ids),
                    Some((_, None)) => return "#".to_string(),
                    None => {
                        let looked = normalize_link(rel, &link.path)
                            .map(|t| format!("content/{t}"))
                            .unwrap_or_else(|| "outside content/".into());
                        diags.push(error(
                            format!("broken link `{}`: no such page (looked for {looked})", link.path),
                            "links are relative to this file (`../bagian/halaman.md`) or start at the content root (`@/bagian/halaman.md`); drafts are not linkable".into(),
                        ));
                        return "#".to_string();
                    }
                }
            };
            let url = if path.is_empty() { String::new() } else { render::site_url(base, path) };
            match &link.fragment {
                Some(f) if !ids.iter().any(|id| id == f) => {
                    let target =
                        if link.path.is_empty() { "this page".to_string() } else { format!("`{}`", link.path) };
                    let known = if ids.is_empty() {
                        "it has no headings".to_string()
                    } else {
                        format!("its headings: {}", ids.join(", "))
                    };
                    diags.push(error(format!("broken link: {target} has no heading `#{f}`"), known));
                    url
                }
                Some(f) => format!("{url}#{f}"),
                None => url,
            }
        })
        .collect()
}

/// Puts the final URLs in place of the placeholders markdown left in `href`s.
fn rewrite_links(html: &str, urls: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(LINK_PREFIX) {
        out.push_str(&rest[..i]);
        rest = &rest[i + LINK_PREFIX.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = rest[..digits].parse().unwrap_or(usize::MAX);
        out.push_str(&markdown::escape(urls.get(n).map(String::as_str).unwrap_or("#")));
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// The text of every page and section, for the search index.
fn page_texts(site: &Site, parsed: &HashMap<String, &Rendered>) -> Vec<PageText> {
    let crumbs = |mut s: Option<usize>| {
        let mut v = Vec::new();
        while let Some(i) = s {
            v.push(site.sections[i].title.clone());
            s = site.sections[i].parent;
        }
        v.reverse();
        v
    };
    let top = |path: &str| path.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
    let sections_of = |rel: &str| parsed.get(rel).map(|r| r.sections.clone()).unwrap_or_default();
    let mut out: Vec<PageText> = site
        .sections
        .iter()
        .map(|s| PageText {
            url: s.path.clone(),
            title: s.title.clone(),
            breadcrumb: crumbs(s.parent),
            section: top(&s.path),
            description: s.meta.description.clone(),
            tags: Vec::new(),
            glossary: Vec::new(),
            sections: sections_of(&s.rel),
        })
        .collect();
    out.extend(site.pages.iter().map(|p| {
        PageText {
            url: p.path.clone(),
            title: p.title.clone(),
            breadcrumb: crumbs(Some(p.section)),
            section: top(&p.path),
            description: p.meta.description.clone(),
            tags: p.meta.tags.clone(),
            glossary: p
                .meta
                .glossary
                .iter()
                .map(|g| GlossaryTerm {
                    term: g.term.clone(),
                    expansion: g.expansion.clone(),
                    definition: g.definition.clone(),
                })
                .collect(),
            sections: sections_of(&p.rel),
        }
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_link;

    #[test]
    fn links_normalize_relative_to_the_file() {
        assert_eq!(normalize_link("nilai/akuntabel.md", "../pola/x.md").as_deref(), Some("pola/x.md"));
        assert_eq!(normalize_link("nilai/akuntabel.md", "kompeten.md").as_deref(), Some("nilai/kompeten.md"));
        assert_eq!(normalize_link("nilai/akuntabel.md", "@/_index.md").as_deref(), Some("_index.md"));
        assert_eq!(normalize_link("a.md", "../../x.md"), None);
    }
}
