//! The pipeline, top to bottom: load (walk + front matter + Markdown) → claims (who writes
//! each output path) → links → render → index → write. `Builder::run` only calls the stages in
//! order; each keeps its own cache between builds (the preview's loader its parsed files, the
//! render policy its snapshot, the indexer its analyses, the in-place writer its
//! fingerprints), so `serve` redoes only what changed.

use crate::claims;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feeds;
use crate::index::Indexer;
use crate::links::{self, Linker};
use crate::load::{Loaded, Loader, ParseOptions};
use crate::markdown::{CalloutLabels, Rendered};
use crate::offline::{self, Ledger, MANIFEST};
use crate::output::{self, Data, InPlace, Swap, Writer};
use crate::render::{self, Body, Renderer};
use crate::render_budget::Cancel;
use crate::rerender::{self, Rerender};
use crate::theme::{StaticSource, Theme};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a build's files reach the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Into a fresh folder swapped in whole at the end (`pedoman build`), so a failed or killed
    /// build leaves the old output as it was.
    Swap {
        /// Replace an output folder without Pedoman's marker.
        force: bool,
    },
    /// Into the folder as it is, replacing only files whose bytes changed (`pedoman serve`).
    InPlace {
        /// Render only what changed since this Builder's last build.
        incremental: bool,
    },
}

/// What to build, from where, into where, and how to write it.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root: holds `config.yaml`, `content/`, optionally `templates/`, `static/`, `themes/`.
    pub root: PathBuf,
    /// Output folder (default `ROOT/public`).
    pub output: PathBuf,
    /// Overrides `base_url` from the config (serve uses `http://127.0.0.1:PORT`).
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// How the output folder is replaced.
    pub write: Write,
    /// Give static files' URLs a content hash (`style.css?h=…`) so browsers fetch a changed file
    /// at once. The preview sends `no-cache` instead, so a stylesheet edit rewrites no page.
    pub asset_hashes: bool,
}

impl BuildOptions {
    /// What `pedoman build` does: swapped in whole, hashed asset URLs.
    pub fn publish(root: PathBuf, output: PathBuf) -> BuildOptions {
        let write = Write::Swap { force: false };
        BuildOptions { root, output, base_url: None, drafts: false, write, asset_hashes: true }
    }

    /// What `pedoman serve` does: in place and incremental, plain asset URLs.
    pub fn preview(root: PathBuf, output: PathBuf) -> BuildOptions {
        let write = Write::InPlace { incremental: true };
        BuildOptions { root, output, base_url: None, drafts: false, write, asset_hashes: false }
    }
}

/// What one successful build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Pages built.
    pub pages: usize,
    /// Sections built (the home page counts as one).
    pub sections: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Output files (relative to the output folder) created or changed by an in-place build.
    pub written: Vec<PathBuf>,
    /// Output files removed by an in-place build.
    pub removed: Vec<PathBuf>,
    /// Problems that did not stop the build (a file that is not read, an old output that could
    /// not be removed).
    pub warnings: Vec<Diagnostic>,
    /// Each stage, in pipeline order.
    pub stages: Vec<Stage>,
}

/// Runs builds, keeping what each stage learned so the next build redoes only what changed.
pub struct Builder {
    opts: BuildOptions,
    loader: Loader,
    linker: Linker,
    rerender: Rerender,
    indexer: Indexer,
    in_place: InPlace,
    /// Stops the rendering of a build in progress (see [`Builder::with_cancel`]).
    cancel: Cancel,
}

impl Builder {
    /// A builder for one site; call [`Builder::build`] for each build.
    pub fn new(opts: BuildOptions) -> Self {
        Self::with_cancel(opts, Cancel::default())
    }

    /// A builder whose renders stop when `cancel` is set (the build then fails); `serve` uses
    /// it to stop a build that a newer save or Ctrl+C makes pointless.
    pub fn with_cancel(opts: BuildOptions, cancel: Cancel) -> Self {
        // The preview's builder is kept for every save; a published build's is used once.
        let loader = if matches!(opts.write, Write::InPlace { .. }) { Loader::default() } else { Loader::once() };
        Builder {
            cancel,
            opts,
            loader,
            linker: Linker::default(),
            rerender: Rerender::default(),
            indexer: Indexer::default(),
            in_place: InPlace::default(),
        }
    }

    /// Builds the site. `changed` lists input files changed since the last build (`None`:
    /// treat everything as changed). On error the output is left as it was.
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
        let mut clock = Clock::start();
        let (root, output) = self.paths()?;
        let force = matches!(self.opts.write, Write::Swap { force: true });
        output::check(&root, &output, &self.opts.output, force).map_err(|d| vec![d])?;
        let config = self.config(&root)?;
        let (theme, mut errors) = Theme::load(&root, &config);
        let base = config.base_path();

        let changed: Option<Vec<PathBuf>> = changed.map(|paths| paths.iter().map(|p| canonical(p)).collect());
        let parse = parse_options(&theme, &config);
        let Builder { opts, loader, in_place, .. } = self;
        // The writer takes its lock and lists the spare's files while the pages load: that is
        // disk work, and the load leaves the cores little idle time to hide it in later. A
        // build that fails puts everything back when the writer is dropped.
        let (mut loaded, writer) = std::thread::scope(|s| {
            let writer = s.spawn(|| match opts.write {
                Write::Swap { force } => Swap::begin(&root, &output, &opts.output, force).map(Writer::Swap),
                Write::InPlace { .. } => in_place.begin(&root, &output, &opts.output).map(Writer::InPlace),
            });
            let loaded = loader.load(&root, &config, &parse, changed.as_deref(), opts.drafts);
            (loaded, writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        clock.lap("load+parse");
        // The index reads every page on all cores while this thread checks the site and
        // compiles the templates; it frees each text once read, where nothing else holds it.
        let texts = loaded.take_texts();
        let (linker, indexer) = (&mut self.linker, &mut self.indexer);
        let (((asset_urls, urls, renderer), links_took), (counted, count_took)) = rayon::join(
            || {
                timed(|| {
                    errors.extend(loaded.errors.iter().cloned());
                    errors.extend(claims::check(&loaded.site, &config, &theme));
                    let (asset_urls, unreadable) = theme.asset_urls(&base, self.opts.asset_hashes);
                    errors.extend(unreadable);
                    let (urls, broken) = linker.resolve(&loaded, &base);
                    errors.extend(broken);
                    let renderer = Renderer::new(&theme, &base, asset_urls.clone(), self.cancel.clone());
                    (asset_urls, urls, renderer)
                })
            },
            || timed(|| indexer.count(&loaded.site, texts.0, texts.1, &config.search)),
        );
        clock.side_by_side([("links", links_took), ("index: read", count_took)]);
        if !errors.is_empty() {
            return Err(errors);
        }
        let renderer = renderer?;
        let writer = writer.map_err(|d| vec![d])?;
        let words: Vec<usize> = loaded.page_md.iter().map(|md| md.word_count).collect();
        // Only an incremental in-place build can leave pages out; it plans from what the last
        // one rendered.
        let (plan, snapshot) = match self.opts.write {
            Write::InPlace { incremental: true } => {
                let (plan, snapshot) = self.rerender.plan(&rerender::Inputs {
                    site: &loaded.site,
                    words: &words,
                    theme: &theme,
                    asset_urls: &asset_urls,
                    config_text: &serde_yaml::to_string(&config).unwrap_or_default(),
                    reread: &loaded.reread,
                });
                (plan, Some(snapshot))
            }
            _ => (None, None),
        };
        let input = render::Input {
            config: &config,
            theme: &theme,
            site: &loaded.site,
            page_body: &|i| body(&loaded.page_md[i.index()], &urls.pages[i.index()]),
            section_body: &|i| body(&loaded.section_md[i.index()], &urls.sections[i.index()]),
            word_counts: &words,
            base: base.clone(),
            constants: Default::default(),
            places: Default::default(),
        };
        // The service worker lists every file written, so an offline build notes each one.
        let ledger = config.offline.then(Ledger::default);
        let put = |rel: &str, data: Option<Data>| {
            if let (Some(ledger), Some(data)) = (&ledger, &data) {
                ledger.record(rel, data)?;
            }
            writer.put(rel, data)
        };
        let emit = |rel: String, bytes: Option<Vec<u8>>| put(&rel, bytes.map(Data::Bytes));
        // The index's merging and encoding, mostly on one core, run beside the render, which
        // fills the other.
        let ((rendered, render_took), (indexed, index_took)) = rayon::join(
            || timed(|| render::render_site(&input, &renderer, plan.as_ref(), &emit)),
            || {
                timed(|| {
                    indexer.encode(counted).into_par_iter().try_for_each(|(rel, bytes)| {
                        put(&format!("{}/{rel}", claims::SEARCH_DIR), Some(Data::Shared(bytes)))
                    })
                })
            },
        );
        rendered?;
        indexed.map_err(|d| vec![d])?;
        clock.side_by_side([("render", render_took), ("index: write", index_took)]);

        write_rest(&put, &config, &theme, &loaded)?;
        if let Some(ledger) = ledger {
            let worker = offline::service_worker(&renderer, &base, ledger, &asset_urls).map_err(|d| vec![d])?;
            writer.put("sw.js", Some(Data::Bytes(worker))).map_err(|d| vec![d])?;
        }
        let done = writer.commit()?;
        clock.lap("write");
        self.loader.settle();
        if let Some(snapshot) = snapshot {
            self.rerender.settle(snapshot);
        }
        let mut warnings = loaded.warnings;
        warnings.extend(done.warnings);
        Ok(BuildReport {
            pages: loaded.site.pages.len(),
            sections: loaded.site.sections.len(),
            elapsed: Duration::ZERO,
            written: done.written,
            removed: done.removed,
            warnings,
            stages: clock.stages,
        })
    }

    /// The site root and output folder, resolved through symlinks.
    fn paths(&self) -> Result<(PathBuf, PathBuf), Vec<Diagnostic>> {
        let root = self.opts.root.canonicalize().map_err(|e| {
            vec![Diagnostic::new(&self.opts.root, 0, 0, format!("cannot open the site folder: {e}"))
                .with_hint("pass --root with the folder that holds config.yaml")]
        })?;
        let output = output::resolve(&self.opts.output).map_err(|e| {
            vec![Diagnostic::new(&self.opts.output, 0, 0, format!("cannot use the output folder: {e}"))]
        })?;
        Ok((root, output))
    }

    fn config(&self, root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let mut config = Config::load(root).map_err(|d| vec![d])?;
        if let Some(url) = &self.opts.base_url {
            config.override_base_url(url).map_err(|d| vec![d])?;
        }
        // A preview gets no service worker: it must never show a page from a cache.
        if matches!(self.opts.write, Write::InPlace { .. }) {
            config.offline = false;
        }
        Ok(config)
    }
}

/// What `f` returns, and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    (f(), start.elapsed())
}

/// `path` with its folder resolved through symlinks, as the loader compares paths (the file
/// itself may be gone).
fn canonical(path: &Path) -> PathBuf {
    match (path.parent().map(Path::canonicalize), path.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// What Markdown parsing needs beyond the file: UI strings it puts into pages, and what to do
/// with raw HTML.
fn parse_options(theme: &Theme, config: &Config) -> ParseOptions {
    ParseOptions {
        raw_html: config.markdown.raw_html,
        labels: CalloutLabels {
            note: theme.string("callout_note"),
            tip: theme.string("callout_tip"),
            important: theme.string("callout_important"),
            warning: theme.string("callout_warning"),
            caution: theme.string("callout_caution"),
        },
        anchor_label: theme.string("anchor_label"),
    }
}

/// A page's or section's body with its links' final URLs in place.
fn body(md: &Rendered, urls: &[String]) -> Body {
    Body { html: links::rewrite(&md.html, urls), toc: md.toc.clone(), word_count: md.word_count }
}

/// Static files, content assets, feeds, the web manifest and alias redirects.
fn write_rest(put: &Put, config: &Config, theme: &Theme, loaded: &Loaded) -> Result<(), Vec<Diagnostic>> {
    let mut files: Vec<(String, Data)> = theme
        .statics
        .iter()
        .map(|(rel, src)| match src {
            StaticSource::Embedded(bytes) => (rel.clone(), Data::Static(bytes)),
            StaticSource::Disk { path, .. } => (rel.clone(), Data::Copy(path.clone())),
        })
        .collect();
    files.extend(loaded.site.assets.iter().map(|a| (a.dest.clone(), Data::Copy(a.src.clone()))));
    let site = &loaded.site;
    files.push(("sitemap.xml".into(), Data::Bytes(feeds::sitemap(config, site).into_bytes())));
    files.push(("robots.txt".into(), Data::Bytes(feeds::robots(config).into_bytes())));
    if !theme.statics.contains_key(MANIFEST) {
        files.push((MANIFEST.into(), Data::Bytes(offline::manifest(config, &config.base_path()))));
    }
    if config.feed.enabled {
        files.push(("atom.xml".into(), Data::Bytes(feeds::atom(config, site).into_bytes())));
    }
    for p in &site.pages {
        for alias in &p.meta.aliases {
            if let Some(rel) = crate::content::alias_output(alias) {
                files.push((rel, Data::Bytes(feeds::redirect(config, &p.path).into_bytes())));
            }
        }
    }
    let errors: Vec<Diagnostic> = files.into_iter().filter_map(|(rel, data)| put(&rel, Some(data)).err()).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Hands one file to the writer (see [`Writer::put`]).
type Put<'a> = dyn Fn(&str, Option<Data>) -> Result<(), Diagnostic> + Sync + 'a;

/// One stage of a build: how long it took, and the process's peak memory when it ended.
#[derive(Debug, Clone)]
pub struct Stage {
    /// The stage's name, as `--timings` prints it (`load`, `render`, `index`, …).
    pub name: &'static str,
    /// Wall time from the previous stage's end.
    pub took: Duration,
    /// Peak resident set size so far, in bytes (Linux only: `VmHWM` of `/proc/self/status`).
    pub peak_rss: Option<u64>,
    /// Bytes read so far, from the disk or the kernel's cache (Linux only: `rchar` of
    /// `/proc/self/io`): the sources, and what the writer reads back of an earlier output.
    pub read: Option<u64>,
}

/// Time spent in each stage.
struct Clock {
    stages: Vec<Stage>,
    since: Instant,
}

impl Clock {
    fn start() -> Clock {
        Clock { stages: Vec::new(), since: Instant::now() }
    }

    /// Stages that ran at once since the last lap, each with its own wall time.
    fn side_by_side<const N: usize>(&mut self, stages: [(&'static str, Duration); N]) {
        let (peak_rss, read) = (peak_rss(), bytes_read());
        self.stages.extend(stages.map(|(name, took)| Stage { name, took, peak_rss, read }));
        self.since = Instant::now();
    }

    fn lap(&mut self, name: &'static str) {
        self.stages.push(Stage { name, took: self.since.elapsed(), peak_rss: peak_rss(), read: bytes_read() });
        self.since = Instant::now();
    }
}

fn bytes_read() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines().find_map(|l| l.strip_prefix("rchar:"))?.trim().parse().ok()
}

fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().strip_suffix("kB")?;
    kb.trim().parse::<u64>().ok().map(|kb| kb * 1024)
}
