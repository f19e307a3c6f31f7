//! Rendering with Tera: the template environment, the context each template gets,
//! and every HTML page of the site. Writes nothing to disk.

use crate::config::{site_url, Config};
use crate::content::{Page, PageId, Section, SectionId, Site};
use crate::diagnostics::Diagnostic;
use crate::glossary::{self, Glossary};
use crate::markdown::{slugify, TocEntry};
use crate::render_budget::{self, Cancel, Instrumented, MeteredOutput, Stop};
use crate::rerender::Plan;
use crate::theme::Theme;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

mod print;

/// Sites with more pages than this get a navigation tree expanded only along the current path,
/// so every page does not carry thousands of links.
const FULL_NAV_LIMIT: usize = 300;
/// Sections with more pages than this list only `NAV_WINDOW` of them around the current page.
const NAV_SECTION_LIMIT: usize = 40;
const NAV_WINDOW: usize = 20;
/// A page glossary this long gets an A–Z row to jump by.
const GLOSSARY_AZ_FROM: usize = 12;

/// A page's or section's Markdown, rendered and with its links resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Body {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
}

pub(crate) struct Renderer {
    tera: Tera,
    shown: HashMap<String, PathBuf>,
    /// Each template with its budget checkpoints (see `render_budget`), to map error columns back.
    instrumented: HashMap<String, Instrumented>,
    /// Set from outside to stop the renders in progress (`serve`: a new save, or Ctrl+C).
    cancel: Cancel,
    /// Set when one render ran out of budget: the others stop too, reporting that one.
    tripped: Cancel,
    first_stop: Mutex<Option<Diagnostic>>,
}

impl Renderer {
    /// Compiles every template; `assets` maps static paths to cache-busted URLs. `cancel` stops
    /// renders in progress.
    pub(crate) fn new(
        theme: &Theme,
        base_path: &str,
        assets: BTreeMap<String, String>,
        cancel: Cancel,
    ) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = Tera::default();
        tera.register_function(render_budget::TICK, |_: Kwargs, _: &State| -> TeraResult<String> {
            render_budget::spend(1).map_err(budget_error)?;
            Ok(String::new())
        });
        tera.register_function(render_budget::LOOP, |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let items: Value = kwargs.must_get("items")?;
            render_budget::spend(items.len().unwrap_or(0) as u64).map_err(budget_error)?;
            Ok(items)
        });
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let base = base_path.to_string();
        tera.register_function("url", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            Ok(site_url(&base, path))
        });
        let assets = Arc::new(assets);
        let base = base_path.to_string();
        tera.register_function("asset", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            Ok(assets.get(path).cloned().unwrap_or_else(|| site_url(&base, path)))
        });
        tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| slugify(s));
        let months: Vec<String> = (1..=12).map(|m| theme.string(&format!("month_{m}"))).collect();
        tera.register_filter("long_date", move |s: &str, _: Kwargs, _: &State| long_date(s, &months));
        let shown: HashMap<String, PathBuf> =
            theme.templates.iter().map(|(n, t)| (n.clone(), t.shown.clone())).collect();
        let instrumented: HashMap<String, Instrumented> =
            theme.templates.iter().map(|(n, t)| (n.clone(), render_budget::instrument(&t.source))).collect();
        let mut renderer =
            Renderer { tera, shown, instrumented, cancel, tripped: Cancel::default(), first_stop: Mutex::new(None) };
        let sources: Vec<(&str, &str)> =
            renderer.instrumented.iter().map(|(n, t)| (n.as_str(), t.source.as_str())).collect();
        if let Err(e) = renderer.tera.add_raw_templates(sources) {
            return Err(renderer.compile_diagnostics(&e));
        }
        Ok(renderer)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders one template within its budget (`render_budget`).
    pub(crate) fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        if self.tripped.is_cancelled() || self.cancel.is_cancelled() {
            return Err(self.stopped(name, None, Stop::Cancelled));
        }
        let notice = Diagnostic::new(
            self.shown_name(name),
            0,
            0,
            format!(
                "template stopped: it held more than {} MB of memory while rendering `{name}`, so Pedoman stopped at once",
                render_budget::HARD_MEMORY >> 20
            ),
        )
        .with_hint(
            "look for a value that grows in a loop (`{% set_global s = s ~ s %}`) or a list that holds itself, printed",
        );
        let (result, stop) = render_budget::metered(&[&self.cancel, &self.tripped], notice.to_string(), || {
            let mut out = MeteredOutput::default();
            self.tera.render_to(name, ctx, &mut out).map(|()| out.bytes)
        });
        match (result, stop) {
            // Tera writes only whole UTF-8 strings, so this never copies.
            (Ok(bytes), _) => {
                Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
            }
            (Err(e), Some(stop)) => Err(self.stopped(name, Some(&e), stop)),
            (Err(e), None) => Err(self.diagnostic(name, &e)),
        }
    }

    /// The error for a render the budget stopped: where the loop was, if Tera says. Renders
    /// stopped because another one ran out report that one, so the build shows it once.
    fn stopped(&self, rendering: &str, err: Option<&tera::Error>, stop: Stop) -> Diagnostic {
        let mut first = self.first_stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if stop == Stop::Cancelled {
            if let Some(first) = first.as_ref() {
                return first.clone();
            }
            return Diagnostic::new(self.shown_name(rendering), 0, 0, "rendering was cancelled")
                .with_hint("a newer build replaces this one");
        }
        let (path, line, col) = match err.map(tera::Error::kind) {
            Some(tera::ErrorKind::RenderingError(r)) => {
                let span = r.span();
                (self.shown_name(r.filename()), span.start_line, self.original_col(r.filename(), span) + 1)
            }
            _ => (self.shown_name(rendering), 0, 0),
        };
        let diag = Diagnostic::new(
            path,
            line,
            col,
            format!("template stopped: it {} while rendering `{rendering}`", stop.describe()),
        )
        .with_hint(format!(
            "look for a loop that never ends, loops nested too deep or a value that grows in a loop; Pedoman \
             stops a template after {} loop iterations, {} MB of output, {} MB of memory or {} s on one page",
            render_budget::MAX_ITERATIONS,
            render_budget::MAX_OUTPUT >> 20,
            render_budget::MAX_MEMORY >> 20,
            render_budget::MAX_TIME.as_secs()
        ));
        self.tripped.cancel();
        first.get_or_insert(diag).clone()
    }

    fn shown_name(&self, name: &str) -> PathBuf {
        self.shown.get(name).cloned().unwrap_or_else(|| PathBuf::from(name))
    }

    /// The column (0-based) of `span` in the template as written, before checkpoints were added.
    fn original_col(&self, template: &str, span: &tera::Span) -> usize {
        self.instrumented.get(template).map_or(span.start_col, |t| t.original_col(span.start_line, span.start_col))
    }

    /// A Tera error as `template:line:col: message`.
    fn diagnostic(&self, rendering: &str, err: &tera::Error) -> Diagnostic {
        let shown = |name: &str| self.shown_name(name);
        match err.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let span = r.span();
                Diagnostic::new(
                    shown(r.filename()),
                    span.start_line,
                    self.original_col(r.filename(), span) + 1,
                    format!("template error: {}", r.message()),
                )
                .with_hint(if rendering.is_empty() {
                    "fix the template syntax".to_string()
                } else {
                    format!("while rendering `{rendering}`: fix the template, or the page value it uses")
                })
            }
            tera::ErrorKind::MissingParent { current, parent } => {
                Diagnostic::new(shown(current), 1, 1, format!("template error: {}", err.kind())).with_hint(format!(
                    "put `{parent}` in templates/ (or the theme's), or extend a template that exists, such as base.html"
                ))
            }
            tera::ErrorKind::CircularExtend { tpl, .. } | tera::ErrorKind::CircularInclude { tpl, .. } => {
                Diagnostic::new(shown(tpl), 1, 1, format!("template error: {}", err.kind()))
                    .with_hint("a template cannot extend or include itself, directly or through others")
            }
            other => Diagnostic::new(shown(rendering), 0, 0, format!("template error: {other}"))
                .with_hint("fix the template"),
        }
    }

    /// Errors from checking the templates together (unknown blocks, filters, functions) come as
    /// one message of `error: …` / `--> name:line:col` reports: one diagnostic per report.
    fn compile_diagnostics(&self, err: &tera::Error) -> Vec<Diagnostic> {
        let tera::ErrorKind::Msg(text) = err.kind() else {
            return vec![self.diagnostic("", err)];
        };
        let mut diags = Vec::new();
        let mut message: Option<&str> = None;
        for line in text.lines() {
            if let Some(m) = line.strip_prefix("error: ") {
                message = Some(m);
            } else if let (Some(m), Some(loc)) = (message, line.trim_start().strip_prefix("--> ")) {
                let mut parts = loc.rsplitn(3, ':');
                let col: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
                let name = parts.next().unwrap_or(loc);
                // Reported 1-based here; the mapping works on Tera's 0-based columns.
                let col = match self.instrumented.get(name) {
                    Some(t) if col > 0 => t.original_col(line, col - 1) + 1,
                    _ => col,
                };
                let shown = self.shown_name(name);
                diags.push(
                    Diagnostic::new(shown, line, col, format!("template error: {m}")).with_hint("fix the template"),
                );
                message = None;
            }
        }
        if diags.is_empty() {
            diags.push(self.diagnostic("", err));
        }
        diags
    }
}

/// A budget checkpoint's refusal, as the error Tera reports at the checkpoint's place.
fn budget_error(stop: Stop) -> tera::Error {
    tera::Error::message(format!("template stopped: it {}", stop.describe()))
}

/// `2024-08-17` → `17 Agustus 2024`, with month names from the theme's strings.
fn long_date(date: &str, months: &[String]) -> String {
    let month = date.get(5..7).and_then(|m| m.parse::<usize>().ok()).and_then(|m| months.get(m.wrapping_sub(1)));
    match (date.get(0..4), month, date.get(8..10).and_then(|d| d.parse::<u32>().ok())) {
        (Some(y), Some(m), Some(d)) => format!("{d} {m} {y}"),
        _ => date.to_string(),
    }
}

/// Minutes to read `words` words, as pages and listings show it.
pub(crate) fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// A title short enough for a phone's header or home screen (about 12 characters): its
/// leading words up to that, or the first word.
pub(crate) fn short_title(title: &str) -> String {
    let mut out = String::new();
    for word in title.split_whitespace() {
        if !out.is_empty() && out.chars().count() + 1 + word.chars().count() > 12 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    date: Option<&'a str>,
    reading_time: usize,
}

#[derive(Serialize)]
struct SectionSummary<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    page_count: usize,
}

#[derive(Serialize)]
struct NavItem<'a> {
    /// `section` (opens a list), `end` (closes it), `page`, or `more` (link to a long section's full list).
    kind: &'static str,
    title: &'a str,
    url: String,
    current: bool,
    expanded: bool,
    has_children: bool,
}

/// Everything render needs, borrowed from the earlier stages.
pub(crate) struct Input<'a> {
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub site: &'a Site,
    /// The body of a page, made when the page is rendered, so bodies are never all held.
    pub page_body: &'a (dyn Fn(PageId) -> Body + Sync),
    /// The body of a section.
    pub section_body: &'a (dyn Fn(SectionId) -> Body + Sync),
    /// Words in each page's body, for the reading times listings show.
    pub word_counts: &'a [usize],
    /// `config.base_path()`, worked out once: every link on every page is prefixed with it.
    pub base: String,
    /// The `site` and `t` of every template's context, alike on every page: made once.
    pub constants: OnceLock<(Value, Value)>,
    /// Where each page stands in its section's list (`place`), worked out once: searched for
    /// on every page, a section of thousands made the build grow with the square of its size.
    pub places: OnceLock<Vec<Option<usize>>>,
}

impl Input<'_> {
    fn url(&self, path: &str) -> String {
        site_url(&self.base, path)
    }

    /// The page's position in its section's list of pages.
    fn place(&self, i: PageId) -> Option<usize> {
        let places = self.places.get_or_init(|| {
            let mut places = vec![None; self.site.pages.len()];
            for s in self.site.section_ids() {
                for (at, p) in self.site.section(s).pages.iter().enumerate() {
                    places[p.index()] = Some(at);
                }
            }
            places
        });
        places[i.index()]
    }

    fn summary<'b>(&'b self, i: PageId) -> Summary<'b> {
        let p = self.site.page(i);
        Summary {
            title: &p.title,
            url: self.url(&p.path),
            description: &p.meta.description,
            date: p.meta.date.as_deref(),
            reading_time: reading_time(self.word_counts[i.index()]),
        }
    }

    fn breadcrumbs(&self, mut section: Option<SectionId>) -> Vec<Link> {
        let mut chain = Vec::new();
        while let Some(s) = section {
            let sec = self.site.section(s);
            chain.push(Link { title: sec.title.clone(), url: self.url(&sec.path) });
            section = sec.parent;
        }
        chain.reverse();
        chain
    }

    fn ancestors(&self, mut section: Option<SectionId>) -> HashSet<SectionId> {
        let mut set = HashSet::new();
        while let Some(s) = section {
            set.insert(s);
            section = self.site.section(s).parent;
        }
        set
    }

    /// The navigation tree, flattened so templates need no recursion.
    fn nav(&self, current_path: &str, page: Option<PageId>, open: &HashSet<SectionId>) -> Vec<NavItem<'_>> {
        let full = self.site.pages.len() <= FULL_NAV_LIMIT;
        let mut items = Vec::new();
        self.nav_section(SectionId::HOME, current_path, page, open, full, &mut items);
        items
    }

    fn nav_section<'b>(
        &'b self,
        s: SectionId,
        current: &str,
        page: Option<PageId>,
        open: &HashSet<SectionId>,
        full: bool,
        items: &mut Vec<NavItem<'b>>,
    ) {
        let sec = self.site.section(s);
        // A long section shows a window around the current page and a link to the rest, so a
        // page's size does not grow with its section's.
        let (from, to) = if sec.pages.len() <= NAV_SECTION_LIMIT {
            (0, sec.pages.len())
        } else {
            let at = page.filter(|&p| self.site.page(p).section == s).and_then(|p| self.place(p)).unwrap_or(0);
            let from = at.saturating_sub(NAV_WINDOW / 2).min(sec.pages.len() - NAV_WINDOW);
            (from, from + NAV_WINDOW)
        };
        for &p in &sec.pages[from..to] {
            let page = self.site.page(p);
            items.push(NavItem {
                kind: "page",
                title: &page.title,
                url: self.url(&page.path),
                current: page.path == current,
                expanded: false,
                has_children: false,
            });
        }
        if to - from < sec.pages.len() {
            items.push(NavItem {
                kind: "more",
                title: &sec.title,
                url: self.url(&sec.path),
                current: false,
                expanded: false,
                has_children: false,
            });
        }
        for &sub in &sec.subsections {
            let child = self.site.section(sub);
            let has_children = !child.pages.is_empty() || !child.subsections.is_empty();
            let expanded = open.contains(&sub);
            let show_children = has_children && (full || expanded);
            items.push(NavItem {
                kind: "section",
                title: &child.title,
                url: self.url(&child.path),
                current: child.path == current,
                expanded,
                has_children: show_children,
            });
            if show_children {
                self.nav_section(sub, current, page, open, full, items);
            }
            items.push(NavItem {
                kind: "end",
                title: "",
                url: String::new(),
                current: false,
                expanded: false,
                has_children: show_children,
            });
        }
    }

    /// Context shared by every template: site, UI strings, navigation. `page` is the page
    /// being rendered, if it is one (its place sets the window of a long section's list).
    fn base_context(&self, kind: &str, current_path: &str, page: Option<PageId>, open: &HashSet<SectionId>) -> Context {
        let c = self.config;
        let mut ctx = Context::new();
        ctx.insert("kind", kind);
        let (site, strings) = self.constants.get_or_init(|| {
            let site = serde_json::json!({
                "title": c.title,
                "short_title": short_title(&c.title),
                "description": c.description,
                "base_url": c.base_url,
                "base_path": self.base,
                "language": c.language,
                "footer": c.footer,
                "extra": c.extra,
                "feed": c.feed.enabled,
                "offline": c.offline,
                "taxonomies": c.taxonomies,
                "menu": c.menu.iter().map(|m| Link { title: m.name.clone(), url: self.url(&m.url) }).collect::<Vec<_>>(),
            });
            (Value::from_serializable(&site), Value::from_serializable(&self.theme.strings))
        });
        ctx.insert_value("site", site.clone());
        ctx.insert_value("t", strings.clone());
        ctx.insert("nav", &self.nav(current_path, page, open));
        ctx.insert("current_path", current_path);
        ctx.insert("permalink", &format!("{}{}", c.base_url, current_path));
        ctx
    }
}

/// Tera's escaping, entity for entity, written in runs: Tera's own writes every byte with a
/// call of its own, which took 9% of a 1,000-page build's CPU.
fn escape_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[from..i])?;
        out.write_all(entity)?;
        from = i + 1;
    }
    out.write_all(&bytes[from..])
}

/// Receives each rendered file as it is produced (on any thread): its path under the output
/// folder, and its bytes, or `None` for a file not rendered again because the plan left it out.
pub(crate) type Emit<'a> = dyn Fn(String, Option<Vec<u8>>) -> Result<(), Diagnostic> + Sync + 'a;

/// Renders every page, section, taxonomy page, the search page and the 404 page, handing each
/// file to `emit` as soon as it is rendered, so the site is never held whole.
///
/// With a `plan`, the caller vouches that nothing shared by all pages changed (titles, URLs,
/// order, templates): only what the plan names is rendered.
pub(crate) fn render_site(
    input: &Input,
    renderer: &Renderer,
    plan: Option<&Plan>,
    emit: &Emit,
) -> Result<(), Vec<Diagnostic>> {
    let site = input.site;
    let glossary = Glossary::new(site);
    // Ids gathered first so rayon can split them; results keep this order.
    let page_ids: Vec<PageId> = site.page_ids().collect();
    let section_ids: Vec<SectionId> = site.section_ids().collect();
    let pages = page_ids.into_par_iter().map(|i| match plan {
        Some(plan) if !plan.pages.contains(&i) => emit(page_file(site.page(i)), None),
        _ => render_page(input, renderer, &glossary, i, site.page(i)).and_then(|(f, b)| emit(f, Some(b))),
    });
    let sections = section_ids.par_iter().map(|&i| {
        let s = site.section(i);
        let file = format!("{}index.html", s.path.trim_start_matches('/'));
        match plan {
            Some(plan) if !plan.sections.contains(&i) => emit(file, None),
            _ => render_section(input, renderer, &glossary, i, s).and_then(|(f, b)| emit(f, Some(b))),
        }
    });
    let printed = section_ids.par_iter().copied().filter(|&i| !site.section(i).pages.is_empty());
    let prints = printed.map(|i| match plan {
        Some(plan) if !plan.prints.contains(&i) => emit(print_file(site.section(i)), None),
        _ => print::render(input, renderer, &glossary, i).and_then(|b| emit(print_file(site.section(i)), Some(b))),
    });
    let mut diags: Vec<Diagnostic> = pages.chain(sections).chain(prints).filter_map(Result::err).collect();
    diags.extend(render_taxonomies(input, renderer, plan, emit));
    let specials = [
        ("404.html", "/404.html", "404", "404.html", "not_found_title"),
        ("search.html", "/cari/", "search", "cari/index.html", "search_title"),
        ("offline.html", "/offline.html", "offline", "offline.html", "offline_title"),
    ];
    for (name, path, kind, file, title) in specials {
        if !renderer.has(name) || (kind == "offline" && !input.config.offline) {
            continue;
        }
        let done = if plan.is_some() {
            emit(file.to_string(), None)
        } else {
            let mut ctx = input.base_context(kind, path, None, &HashSet::new());
            ctx.insert("page", &serde_json::json!({ "title": input.theme.string(title), "url": input.url(path) }));
            renderer.render(name, &ctx).and_then(|html| emit(file.to_string(), Some(html.into_bytes())))
        };
        diags.extend(done.err());
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

fn template_for(
    renderer: &Renderer,
    chosen: Option<&str>,
    default: &str,
    source: &PathBuf,
    line: usize,
) -> Result<String, Diagnostic> {
    let name = chosen.unwrap_or(default);
    if renderer.has(name) {
        Ok(name.to_string())
    } else {
        Err(Diagnostic::new(source, line, 1, format!("unknown template `{name}`"))
            .with_hint("put the template in templates/ (or the theme's templates/), or remove `template:`"))
    }
}

fn print_file(section: &Section) -> String {
    format!("{}index.html", section.print_path().trim_start_matches('/'))
}

fn render_page(
    input: &Input,
    renderer: &Renderer,
    glossary: &Glossary,
    i: PageId,
    page: &Page,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let name = template_for(renderer, page.meta.template.as_deref(), "page.html", &page.source, page.template_line)?;
    let site = input.site;
    let section = site.section(page.section);
    let pos = input.place(i);
    let neighbour = |j: Option<usize>| {
        j.and_then(|j| section.pages.get(j))
            .map(|&p| Link { title: site.page(p).title.clone(), url: input.url(&site.page(p).path) })
    };
    let previous = neighbour(pos.and_then(|p| p.checked_sub(1)));
    let next = neighbour(pos.map(|p| p + 1));
    let body = (input.page_body)(i);
    let tags: Vec<Link> = page
        .meta
        .tags
        .iter()
        .map(|t| Link { title: t.clone(), url: input.url(&format!("/tags/{}/", slugify(t))) })
        .collect();
    let open = input.ancestors(Some(page.section));
    let mut ctx = input.base_context("page", &page.path, Some(i), &open);
    let content = glossary.link_first_uses(&body.html, Some(i), |p| input.url(&site.page(p).path));
    let glossary_groups = glossary::groups(&page.meta.glossary);
    ctx.insert(
        "page",
        &PageContext {
            title: &page.title,
            description: &page.meta.description,
            content: &content,
            toc: &body.toc,
            toc_enabled: page.meta.toc.unwrap_or(true) && !(body.toc.is_empty() && page.meta.glossary.is_empty()),
            date: page.meta.date.as_deref(),
            updated: page.meta.updated.as_deref(),
            tags,
            url: input.url(&page.path),
            path: &page.path,
            reading_time: reading_time(body.word_count),
            word_count: body.word_count,
            breadcrumbs: input.breadcrumbs(Some(page.section)),
            previous,
            next,
            glossary: &page.meta.glossary,
            glossary_az: page.meta.glossary.len() >= GLOSSARY_AZ_FROM && glossary_groups.len() > 1,
            glossary_groups,
            extra: &page.meta.extra,
            section: Link { title: section.title.clone(), url: input.url(&section.path) },
        },
    );
    let html = renderer.render(&name, &ctx)?;
    Ok((page_file(page), html.into_bytes()))
}

fn page_file(page: &Page) -> String {
    format!("{}index.html", page.path.trim_start_matches('/'))
}

#[derive(Serialize)]
struct PageContext<'a> {
    title: &'a str,
    description: &'a str,
    content: &'a str,
    toc: &'a [TocEntry],
    toc_enabled: bool,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    tags: Vec<Link>,
    url: String,
    path: &'a str,
    reading_time: usize,
    word_count: usize,
    breadcrumbs: Vec<Link>,
    previous: Option<Link>,
    next: Option<Link>,
    glossary: &'a [crate::frontmatter::GlossaryEntry],
    /// The glossary A–Z by first letter; `glossary_az`: long enough for a row of letters.
    glossary_groups: Vec<glossary::Group<'a>>,
    glossary_az: bool,
    extra: &'a serde_yaml::Mapping,
    section: Link,
}

fn render_section(
    input: &Input,
    renderer: &Renderer,
    glossary: &Glossary,
    i: SectionId,
    section: &Section,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let default = if i == SectionId::HOME { "index.html" } else { "section.html" };
    let name =
        template_for(renderer, section.meta.template.as_deref(), default, &section.source, section.template_line)?;
    let site = input.site;
    let body = (input.section_body)(i);
    let mut open = input.ancestors(Some(i));
    open.insert(i);
    let mut ctx = input.base_context(if i == SectionId::HOME { "home" } else { "section" }, &section.path, None, &open);
    ctx.insert(
        "section",
        &serde_json::json!({
            "title": section.title,
            "description": section.meta.description,
            "content": glossary.link_first_uses(&body.html, None, |p| input.url(&site.page(p).path)),
            "toc": body.toc,
            "url": input.url(&section.path),
            "print_url": (!section.pages.is_empty()).then(|| input.url(&section.print_path())),
            "path": section.path,
            "pages": section.pages.iter().map(|&p| input.summary(p)).collect::<Vec<_>>(),
            "subsections": section.subsections.iter().map(|&s| {
                let sub = site.section(s);
                SectionSummary { title: &sub.title, url: input.url(&sub.path), description: &sub.meta.description, page_count: sub.pages.len() }
            }).collect::<Vec<_>>(),
            "breadcrumbs": input.breadcrumbs(section.parent),
            "extra": section.meta.extra,
        }),
    );
    let html = renderer.render(&name, &ctx)?;
    Ok((format!("{}index.html", section.path.trim_start_matches('/')), html.into_bytes()))
}

fn render_taxonomies(input: &Input, renderer: &Renderer, plan: Option<&Plan>, emit: &Emit) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for taxonomy in &input.config.taxonomies {
        let terms = input.site.taxonomy_terms(taxonomy);
        let slug = slugify(taxonomy);
        let title =
            input.theme.strings.get(&format!("taxonomy_{taxonomy}")).cloned().unwrap_or_else(|| taxonomy.clone());
        let list_path = format!("/{slug}/");
        let list_file = format!("{slug}/index.html");
        let done = if plan.is_some() {
            // Term names and counts are part of what the caller vouched unchanged.
            emit(list_file, None)
        } else {
            let mut ctx = input.base_context("taxonomy", &list_path, None, &HashSet::new());
            let term_list: Vec<serde_json::Value> = terms
                .iter()
                .map(|(s, term)| serde_json::json!({ "name": term.name, "url": input.url(&format!("/{slug}/{s}/")), "count": term.pages.len() }))
                .collect();
            ctx.insert(
                "taxonomy",
                &serde_json::json!({ "name": taxonomy, "title": title, "url": input.url(&list_path), "terms": term_list }),
            );
            renderer.render("taxonomy_list.html", &ctx).and_then(|h| emit(list_file, Some(h.into_bytes())))
        };
        diags.extend(done.err());
        let failed = terms.par_iter().filter_map(|(s, term)| {
            let file = format!("{slug}/{s}/index.html");
            if plan.is_some_and(|plan| !term.pages.iter().any(|p| plan.listed.contains(p))) {
                return emit(file, None).err();
            }
            let path = format!("/{slug}/{s}/");
            let mut ctx = input.base_context("term", &path, None, &HashSet::new());
            ctx.insert("taxonomy", &serde_json::json!({ "name": taxonomy, "title": title, "url": input.url(&list_path) }));
            ctx.insert(
                "term",
                &serde_json::json!({ "name": term.name, "url": input.url(&path), "pages": term.pages.iter().map(|&p| input.summary(p)).collect::<Vec<_>>() }),
            );
            renderer.render("taxonomy_term.html", &ctx).and_then(|h| emit(file, Some(h.into_bytes()))).err()
        });
        diags.extend(failed.collect::<Vec<_>>());
    }
    diags
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        // Pages must not change with the escaping's speed: entity for entity, Tera's output.
        #[test]
        fn escaping_writes_what_teras_own_escaping_writes(text in "[a-z<>&\"' \u{e9}\u{2014}]{0,40}") {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(&text, &mut ours).unwrap();
            tera::escape_html(&text, &mut teras).unwrap();
            prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(teras).unwrap());
        }
    }
}
