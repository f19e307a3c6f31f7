//! Markdown → HTML with pulldown-cmark: heading ids and anchors, table of contents,
//! GitHub-style callouts, tickable task lists, scrollable tables, raw HTML as `config.yaml`
//! allows it, and internal links collected for the build to resolve.

use crate::config::RawHtml;
use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Labels for the five callout kinds, in the site's language.
#[derive(Debug, Clone)]
pub struct CalloutLabels {
    /// Label of `> [!NOTE]` callouts.
    pub note: String,
    /// Label of `> [!TIP]` callouts.
    pub tip: String,
    /// Label of `> [!IMPORTANT]` callouts.
    pub important: String,
    /// Label of `> [!WARNING]` callouts.
    pub warning: String,
    /// Label of `> [!CAUTION]` callouts.
    pub caution: String,
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// Heading level, 2..=6.
    pub level: u8,
    /// The heading's id, the link target.
    pub id: String,
    /// The heading's plain text.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A link to another content file (or to a heading on this page), to be checked and rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// Path as written (`../nilai/akuntabel.md`, `@/nilai/akuntabel.md`); empty for `#heading` on this page.
    pub path: String,
    /// The `#heading` part, if any.
    pub fragment: Option<String>,
    /// Position in the body (1-based, relative to the body's first line).
    pub line: usize,
    /// 1-based column of the link in the body.
    pub col: usize,
}

/// Something wrong in the Markdown itself (an id the theme owns, say), at a body position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based, relative to the body's first line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// One page body rendered: its HTML and what the later stages need from it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML in which internal links read `href="{LINK_PREFIX}N"`, N indexing `links`.
    pub html: String,
    /// Table of contents: headings of level 2 and deeper, nested.
    pub toc: Vec<TocEntry>,
    /// Every heading's id, in order.
    pub heading_ids: Vec<String>,
    /// The plain text, one passage per heading (the first holds the text before any): the
    /// search index's input (see `Loaded::take_texts`).
    pub passages: std::sync::Arc<[Passage]>,
    /// Words of plain text, for the reading time.
    pub word_count: usize,
    /// Links to other content files, in order; `html` refers to them by index.
    pub links: Vec<InternalLink>,
    /// Problems found in the Markdown.
    pub problems: Vec<Problem>,
}

/// The plain text under one heading of a page (the first one, with `heading: None`, is the
/// text before the first heading): what the search index reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Passage {
    /// The heading's text; `None` for the text before the first heading.
    pub heading: Option<String>,
    /// The heading's id, as rendered in the HTML (`bebas-dari-kkn`).
    pub anchor: Option<String>,
    /// Heading level 1..=6; 0 for the intro.
    pub level: u8,
    /// The passage's text, whitespace collapsed.
    pub text: String,
}

/// A heading being read, until its end tag gives it an id and an anchor.
struct OpenHeading<'a> {
    level: HeadingLevel,
    /// `{#id}` as written.
    id: Option<String>,
    classes: Vec<String>,
    /// The heading's inner events, buffered.
    inner: Vec<Event<'a>>,
    /// Its plain text.
    text: String,
}

/// Placeholder for an internal link's URL until every page's URL is known: `href="{LINK_PREFIX}N"`.
/// It starts with NUL, which [`render`] replaces everywhere in the Markdown it reads, so no text
/// of a page can read like a placeholder and be rewritten.
pub const LINK_PREFIX: &str = "\0pedoman-link:";

/// Prefix of footnote ids: Pedoman's namespace (`_`), numbered, so a footnote label (`[^_cari-q]`,
/// `[^x y]`, `[^judul]`) can neither take the theme's or a heading's id nor make an invalid one.
const FOOTNOTE_ID: &str = "_catatan-";

/// The Markdown extensions Pedoman enables (shared with tests that read content the same way).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders one page body.
pub fn render(body: &str, labels: &CalloutLabels, anchor_label: &str, raw_html: RawHtml) -> Rendered {
    // NUL is never text (CommonMark says to replace it); U+FFFD keeps the reader's attention on it.
    let body = if body.contains('\0') { CowStr::from(body.replace('\0', "\u{FFFD}")) } else { CowStr::from(body) };
    let body = body.as_ref();
    let lines = LineIndex::new(body);
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut ids = HeadingIds::default();
    let mut guard = RawHtmlGuard { mode: raw_html, dropped: Vec::new() };
    let mut flat_toc: Vec<TocEntry> = Vec::new();
    let mut passages: Vec<Passage> = Vec::new();
    // For each link open: whether its start became Pedoman's own `<a>`, so its end must too.
    let mut own_links: Vec<bool> = Vec::new();
    let mut footnotes = Footnotes::default();
    let mut passage = Passage::default();
    let mut heading: Option<OpenHeading> = None;
    let mut tasks = Tasks::default();
    let mut table: Option<OpenTable> = None;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let Some(event) = guard.filter(event) else {
            continue;
        };
        if let Some(OpenHeading { inner, text, .. }) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {}
                ev => {
                    if let Event::Text(t) | Event::Code(t) = &ev {
                        text.push_str(t);
                    }
                    inner.push(ev);
                    continue;
                }
            }
        }
        tasks.close_label_before(&event, &mut events);
        if let Some(t) = table.as_mut() {
            t.observe(&event);
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, .. }) => {
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|i| i.to_string()),
                    classes: classes.iter().map(std::string::ToString::to_string).collect(),
                    inner: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                let OpenHeading { level, id, classes, inner, text } = heading.take().expect("heading started");
                if let Some(problem) = id.as_deref().and_then(explicit_id_problem) {
                    let (line, col) = lines.position(range.start);
                    out.problems.push(Problem { line, col, message: problem.0, hint: problem.1 });
                }
                let id = ids.unique(id.unwrap_or_else(|| slugify(&text)));
                let n = level as u8;
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape(&classes.join(" ")))
                };
                events.push(Event::Html(CowStr::from(format!("<h{n} id=\"{}\"{class_attr}>", escape(&id)))));
                events.extend(inner);
                events.push(Event::Html(CowStr::from(format!(
                    " <a class=\"anchor\" href=\"#{}\" aria-label=\"{}\">#</a></h{n}>\n",
                    escape(&id),
                    escape(anchor_label)
                ))));
                let title = text.trim().to_string();
                if n >= 2 {
                    flat_toc.push(TocEntry { level: n, id: id.clone(), title: title.clone(), children: Vec::new() });
                }
                out.heading_ids.push(id.clone());
                passages.push(std::mem::take(&mut passage));
                passage = Passage { heading: Some(title), anchor: Some(id), level: n, text: String::new() };
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = callout(kind, labels);
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{}</p>\n",
                    escape(label)
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html(CowStr::from("</div>\n"))),
            Event::Start(Tag::Table(a)) => {
                // The wrapper's label needs the header row, which comes later: fill it in at the end.
                table = Some(OpenTable { wrapper: events.len(), ..OpenTable::default() });
                events.push(Event::Html(CowStr::from("")));
                events.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::from("</div>\n")));
                if let Some(t) = table.take() {
                    events[t.wrapper] = Event::Html(CowStr::from(t.wrapper_html()));
                }
            }
            Event::Start(Tag::List(first)) => {
                tasks.lists.push(events.len());
                events.push(Event::Start(Tag::List(first)));
            }
            Event::End(TagEnd::List(ordered)) => {
                tasks.lists.pop();
                events.push(Event::End(TagEnd::List(ordered)));
            }
            Event::Start(Tag::Item) => {
                tasks.items.push(events.len());
                events.push(Event::Start(Tag::Item));
            }
            Event::End(TagEnd::Item) => {
                tasks.items.pop();
                passage.text.push(' ');
                events.push(Event::End(TagEnd::Item));
            }
            Event::TaskListMarker(checked) => {
                let input = tasks.marker(checked, &mut events);
                events.push(input);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => match internal_link(&dest_url) {
                Some((path, fragment)) => {
                    let (line, col) = lines.position(range.start);
                    out.links.push(InternalLink { path, fragment, line, col });
                    // Written here, not by pulldown-cmark, which would percent-encode the NUL.
                    let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(&title)) };
                    let n = out.links.len() - 1;
                    events.push(Event::Html(CowStr::from(format!("<a href=\"{LINK_PREFIX}{n}\"{title}>"))));
                    own_links.push(true);
                }
                None => {
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                    own_links.push(false);
                }
            },
            Event::End(TagEnd::Link) => match own_links.pop() {
                Some(true) => events.push(Event::Html(CowStr::from("</a>"))),
                _ => events.push(Event::End(TagEnd::Link)),
            },
            Event::FootnoteReference(label) => {
                let n = footnotes.number(&label);
                events.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{FOOTNOTE_ID}{n}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = footnotes.number(&label);
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"{FOOTNOTE_ID}{n}\">\
                     <sup class=\"footnote-definition-label\">{n}</sup>"
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => events.push(Event::Html(CowStr::from("</div>\n"))),

            Event::Text(t) => {
                passage.text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                passage.text.push_str(&t);
                events.push(Event::Code(t));
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::CodeBlock) => {
                passage.text.push(' ');
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                passage.text.push(' ');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    passages.push(passage);
    // Whitespace collapsed and words counted in one pass. The HTML of every page is kept until
    // rendering ends, the texts until the index has read them: no growth slack (it was a third
    // of the HTML's bytes).
    let mut words = 0;
    for p in &mut passages {
        let mut text = String::with_capacity(p.text.len());
        for word in p.text.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
            words += 1;
        }
        text.shrink_to_fit();
        p.text = text;
    }
    out.word_count = words;
    out.passages = passages.into();
    out.toc = nest_toc(flat_toc);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out.html.shrink_to_fit();
    out
}

/// Task-list state: open lists and items (indices into the event list, so their opening tags
/// can be rewritten once a marker shows they hold tasks) and whether a label is open.
#[derive(Default)]
struct Tasks {
    lists: Vec<usize>,
    items: Vec<usize>,
    count: usize,
    label_open: bool,
}

impl Tasks {
    /// `- [ ] text` becomes a real, labelled checkbox (`_cek-N`: theme ids start with `_`),
    /// tickable without scripts; the theme's script remembers the ticks.
    fn marker<'a>(&mut self, checked: bool, events: &mut [Event<'a>]) -> Event<'a> {
        if let Some(&i) = self.items.last() {
            events[i] = Event::Html(CowStr::from("<li class=\"task\">"));
        }
        if let Some(&l) = self.lists.last() {
            let open = match &events[l] {
                Event::Start(Tag::List(Some(1))) => Some("<ol class=\"checklist\">\n".to_string()),
                Event::Start(Tag::List(Some(n))) => Some(format!("<ol class=\"checklist\" start=\"{n}\">\n")),
                Event::Start(Tag::List(None)) => Some("<ul class=\"checklist\">\n".to_string()),
                _ => None,
            };
            if let Some(open) = open {
                events[l] = Event::Html(CowStr::from(open));
            }
        }
        self.count += 1;
        self.label_open = true;
        let id = format!("_cek-{}", self.count);
        let checked = if checked { " checked" } else { "" };
        Event::Html(CowStr::from(format!("<input type=\"checkbox\" id=\"{id}\"{checked}><label for=\"{id}\">")))
    }

    /// A task's label holds the item's first line of text: it ends where a block begins or ends.
    fn close_label_before<'a>(&mut self, event: &Event, events: &mut Vec<Event<'a>>) {
        let block = matches!(
            event,
            Event::End(TagEnd::Item | TagEnd::Paragraph)
                | Event::Start(
                    Tag::List(_)
                        | Tag::Paragraph
                        | Tag::BlockQuote(_)
                        | Tag::CodeBlock(_)
                        | Tag::Table(_)
                        | Tag::Heading { .. }
                )
        );
        if block && self.label_open {
            events.push(Event::Html(CowStr::from("</label>")));
            self.label_open = false;
        }
    }
}

/// A table being read: where its wrapper goes and the text of its header row, which names
/// the wrapper for screen readers.
#[derive(Default)]
struct OpenTable {
    wrapper: usize,
    in_head: bool,
    head: Vec<String>,
}

impl OpenTable {
    fn observe(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::TableHead) => self.in_head = true,
            Event::End(TagEnd::TableHead) => self.in_head = false,
            Event::Start(Tag::TableCell) if self.in_head => self.head.push(String::new()),
            Event::Text(t) | Event::Code(t) if self.in_head => {
                if let Some(cell) = self.head.last_mut() {
                    cell.push_str(t);
                }
            }
            _ => {}
        }
    }

    /// A wide table scrolls inside its wrapper; keyboard users reach it (`tabindex`) and
    /// screen readers hear what it holds (the header row).
    fn wrapper_html(&self) -> String {
        let label: Vec<&str> = self.head.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        let label = if label.is_empty() { "—".to_string() } else { label.join(", ") };
        format!("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">", escape(&label))
    }
}

fn callout(kind: BlockQuoteKind, labels: &CalloutLabels) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", &labels.note),
        BlockQuoteKind::Tip => ("tip", &labels.tip),
        BlockQuoteKind::Important => ("important", &labels.important),
        BlockQuoteKind::Warning => ("warning", &labels.warning),
        BlockQuoteKind::Caution => ("caution", &labels.caution),
    }
}

/// Splits a link destination into (content path, fragment) when it points into the site's content.
fn internal_link(dest: &str) -> Option<(String, Option<String>)> {
    if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with("tel:") || dest.starts_with("//") {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    if path.is_empty() && fragment.is_some() {
        return Some((String::new(), fragment));
    }
    if path.starts_with("@/") || path.ends_with(".md") {
        return Some((path.to_string(), fragment));
    }
    None
}

/// A readable, stable id: `Bebas dari KKN` → `bebas-dari-kkn`, `Évaluasi` → `evaluasi`. ASCII
/// letters, digits and single dashes only, so it is safe in any URL and never starts with `_`
/// (ids starting with `_` belong to the theme and Pedoman).
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in deunicode::deunicode(text).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "bagian".to_string()
    } else {
        slug
    }
}

/// Why an id written as `{#id}` cannot be used, as (message, hint).
fn explicit_id_problem(id: &str) -> Option<(String, String)> {
    if id.starts_with('_') {
        return Some((
            format!("heading id `{id}` starts with `_`, which is kept for ids the theme and Pedoman make"),
            format!("choose an id without the leading underscore, such as `{{#{}}}`", id.trim_start_matches('_')),
        ));
    }
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !id.chars().all(allowed) {
        return Some((
            format!("heading id `{id}` may only hold letters, digits, `-`, `_` and `.`"),
            format!("write it as `{{#{}}}`", slugify(id)),
        ));
    }
    None
}

/// Hands out unique ids in time linear in the number of headings: each base id remembers the
/// next suffix to try, so 100,000 identical headings do not probe `-1`, `-2`, … each time.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// `base`, or `base-N` with the smallest N ≥ 1 not yet given out for this base.
    fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            // Each `base-N` is skipped at most once over the whole page (N only grows), so
            // the probing is linear overall even when other headings took some of them.
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// Footnote numbers in order of first mention, as pulldown-cmark numbers them; labels match
/// without regard to case, as the parser matches them.
#[derive(Default)]
struct Footnotes(HashMap<String, usize>);

impl Footnotes {
    fn number(&mut self, label: &str) -> usize {
        let next = self.0.len() + 1;
        *self.0.entry(label.to_lowercase()).or_insert(next)
    }
}

/// Applies `markdown.raw_html` to the parser's events (never to the HTML Pedoman adds itself).
struct RawHtmlGuard {
    mode: RawHtml,
    /// For each link or image open: whether its start was dropped, so its end goes too.
    dropped: Vec<bool>,
}

impl RawHtmlGuard {
    fn filter<'a>(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        if self.mode == RawHtml::Allow {
            return Some(event);
        }
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                let text = if self.mode == RawHtml::Escape { html } else { CowStr::from(strip_tags(&html)) };
                (!text.is_empty()).then_some(Event::Text(text))
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
                // The link's text (or the image's alt text) stays, as plain text.
                let drop = scripted_url(dest_url);
                self.dropped.push(drop);
                (!drop).then_some(event)
            }
            Event::End(TagEnd::Link | TagEnd::Image) => (self.dropped.pop() != Some(true)).then_some(event),
            other => Some(other),
        }
    }
}

/// `javascript:`, `vbscript:` and `data:` URLs run code or smuggle documents; browsers ignore
/// case, leading spaces and tabs or line breaks inside the scheme, and so does this check.
fn scripted_url(dest: &str) -> bool {
    let scheme: String = dest
        .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    dest.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

/// Raw HTML with its tags, comments and the content of `<script>`/`<style>` elements removed:
/// what `raw_html: strip` keeps is the text a reader would have seen.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // Inside one of these, everything up to the closing tag goes.
    let mut skipping: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&rest[..open]);
        }
        rest = &rest[open..];
        let end =
            if rest.starts_with("<!--") { rest.find("-->").map(|e| e + 3) } else { rest.find('>').map(|e| e + 1) };
        let Some(end) = end else {
            // A `<` that opens no tag is text.
            if skipping.is_none() {
                out.push('<');
            }
            rest = &rest[1..];
            continue;
        };
        let tag = rest[1..end - 1].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split(|c: char| c.is_whitespace() || c == '/' || c == '>').next().unwrap_or("");
        match skipping {
            Some(element) if rest.starts_with("</") && name == element => skipping = None,
            Some(_) => {}
            None if !rest.starts_with("</") && !tag.ends_with('/') => {
                skipping = ["script", "style", "template", "textarea", "title"].into_iter().find(|e| *e == name);
            }
            None => {}
        }
        rest = &rest[end..];
    }
    if skipping.is_none() {
        out.push_str(rest);
    }
    out
}

/// Nests the headings (read in order, without children) under their shallower ones.
fn nest_toc(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for entry in flat {
        // Descend while the last entry is a shallower heading.
        let mut list = &mut root;
        while list.last().is_some_and(|e| e.level < entry.level) {
            list = &mut list.last_mut().unwrap().children;
        }
        list.push(entry);
    }
    root
}

/// `s` with `& < > " '` escaped, for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// Byte offset → (line, column), both 1-based; columns count characters.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        let col = self.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> CalloutLabels {
        CalloutLabels {
            note: "Catatan".into(),
            tip: "Tips".into(),
            important: "Penting".into(),
            warning: "Peringatan".into(),
            caution: "Hati-hati".into(),
        }
    }

    #[test]
    fn heading_ids_are_readable_and_unique() {
        let r = render("## Bebas dari KKN\n\n## Bebas dari KKN\n\n### Cek diri\n", &labels(), "Tautan", RawHtml::Allow);
        assert_eq!(r.heading_ids, ["bebas-dari-kkn", "bebas-dari-kkn-1", "cek-diri"]);
        assert!(r
            .html
            .contains("<h2 id=\"bebas-dari-kkn\">Bebas dari KKN <a class=\"anchor\" href=\"#bebas-dari-kkn\""));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "cek-diri");
    }

    #[test]
    fn footnote_ids_are_numbered_in_pedomans_namespace() {
        let md = "## Satu\n\nA[^_cari-q] b[^satu] c[^x y] d[^SATU].\n\n[^_cari-q]: q\n\n[^Satu]: s\n\n[^x y]: xy\n";
        let r = render(md, &labels(), "T", RawHtml::Allow);
        for n in 1..=3 {
            assert!(r.html.contains(&format!("<a href=\"#_catatan-{n}\">{n}</a>")), "{}", r.html);
            assert!(r.html.contains(&format!("id=\"_catatan-{n}\"")), "{}", r.html);
        }
        assert!(r.html.contains("<a href=\"#_catatan-2\">2</a></sup>.</p>"), "same label, any case: {}", r.html);
        assert!(!r.html.contains("id=\"satu\"><sup") && !r.html.contains("id=\"_cari-q\""), "{}", r.html);
        // Inside an image's alt text a link or footnote leaves only its text.
        let r = render("![a [b](x.md) c](g.png)\n", &labels(), "T", RawHtml::Allow);
        assert!(r.html.contains("<img src=\"g.png\" alt=\"a b c\" />"), "{}", r.html);
    }

    #[test]
    fn text_cannot_pass_for_a_link_placeholder() {
        let r = render(
            "[a](x.md) pedoman-link:0 `pedoman-link:1` %00pedoman-link:0\0pedoman-link:0\n",
            &labels(),
            "T",
            RawHtml::Allow,
        );
        assert_eq!(r.html.matches(LINK_PREFIX).count(), 1, "{:?}", r.html);
        assert!(r.html.contains(&format!("<a href=\"{LINK_PREFIX}0\">a</a>")), "{:?}", r.html);
    }

    #[test]
    fn callouts_get_indonesian_labels() {
        let r = render("> [!WARNING]\n> Jangan terima gratifikasi.\n", &labels(), "Tautan", RawHtml::Allow);
        assert!(r.html.contains("callout-warning"), "{}", r.html);
        assert!(r.html.contains("Peringatan"));
    }

    #[test]
    fn internal_links_are_collected_with_positions() {
        let r = render(
            "Teks\n\nLihat [Akuntabel](../nilai/akuntabel.md#indikator) dan [luar](https://x.id).\n",
            &labels(),
            "T",
            RawHtml::Allow,
        );
        assert_eq!(
            r.links,
            [InternalLink {
                path: "../nilai/akuntabel.md".into(),
                fragment: Some("indikator".into()),
                line: 3,
                col: 7
            }]
        );
        assert!(r.html.contains(&format!("href=\"{LINK_PREFIX}0\"")));
        assert!(r.html.contains("href=\"https://x.id\""));
    }

    #[test]
    fn task_items_are_labelled_tickable_checkboxes() {
        let r = render("- [ ] Satu\n- [x] Dua *tebal*\n  - [ ] Anak\n\n1. biasa\n", &labels(), "T", RawHtml::Allow);
        assert!(r.html.contains("<ul class=\"checklist\">"), "{}", r.html);
        assert!(
            r.html.contains(
                "<li class=\"task\"><input type=\"checkbox\" id=\"_cek-1\"><label for=\"_cek-1\">Satu</label></li>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "id=\"_cek-2\" checked><label for=\"_cek-2\">Dua <em>tebal</em></label><ul class=\"checklist\">"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<ol>\n<li>biasa</li>"), "a plain list stays plain: {}", r.html);
        assert!(!r.html.contains("disabled"));
    }

    #[test]
    fn loose_task_items_label_their_first_paragraph() {
        let r = render("- [ ] Satu\n\n  Penjelasan.\n\n- [ ] Dua\n", &labels(), "T", RawHtml::Allow);
        assert!(r.html.contains("<label for=\"_cek-1\">Satu</label></p>\n<p>Penjelasan.</p>"), "{}", r.html);
    }

    #[test]
    fn tables_scroll_in_a_focusable_region_named_by_their_header() {
        let r = render("| Aspek | `Kode` |\n|---|---|\n| a | b |\n", &labels(), "T", RawHtml::Allow);
        assert!(
            r.html.contains(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Aspek, Kode\"><table>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn passages_follow_headings() {
        let r = render("Intro kata.\n\n## Satu\n\nIsi satu.\n", &labels(), "T", RawHtml::Allow);
        assert_eq!(r.passages.len(), 2);
        assert_eq!(r.passages[0].text, "Intro kata.");
        assert_eq!(r.passages[1].anchor.as_deref(), Some("satu"));
        assert_eq!(r.passages[1].text, "Isi satu.");
        assert_eq!(r.word_count, 4);
    }

    #[test]
    fn repeated_headings_get_the_next_free_suffix() {
        let r = render("## A\n\n## A-1\n\n## A\n\n## A\n\n## A 2\n\n## A\n", &labels(), "T", RawHtml::Allow);
        assert_eq!(r.heading_ids, ["a", "a-1", "a-2", "a-3", "a-2-1", "a-4"]);
        let r = render("## x {#satu}\n\n## y {#satu}\n", &labels(), "T", RawHtml::Allow);
        assert_eq!(r.heading_ids, ["satu", "satu-1"]);
    }

    #[test]
    fn explicit_ids_cannot_take_the_themes_namespace() {
        let r = render("Teks.\n\n## Cari {#_cari-q}\n", &labels(), "T", RawHtml::Allow);
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!((r.problems[0].line, r.problems[0].col), (3, 1));
        assert!(r.problems[0].message.contains("`_cari-q`"), "{:?}", r.problems);
        assert!(r.problems[0].hint.contains("{#cari-q}"), "{:?}", r.problems);
        let r = render("## Cari {#cari.q}\n\n## Judul\n", &labels(), "T", RawHtml::Allow);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(r.heading_ids.iter().all(|id| !id.starts_with('_')));
    }

    #[test]
    fn slugs_fold_accents_to_ascii() {
        assert_eq!(slugify("Bebas dari KKN"), "bebas-dari-kkn");
        assert_eq!(slugify("Évaluasi Kinerja — Tahap 2"), "evaluasi-kinerja-tahap-2");
        assert_eq!(slugify("_Rahasia_"), "rahasia");
        assert_eq!(slugify("!!!"), "bagian");
    }

    const HOSTILE: &str = "<script>alert(1)</script>\n\nTeks <img src=x onerror=alert(2)> dan <b>tebal</b>.\n\n\
[klik](javascript:alert(3)) [data](DATA:text/html;base64,PHNjcmlwdD4=) [baik](https://x.id)\n\n\
![gambar](java\tscript:alert(4))\n";

    #[test]
    fn raw_html_is_kept_escaped_or_stripped_as_configured() {
        let allow = render(HOSTILE, &labels(), "T", RawHtml::Allow).html;
        assert!(allow.contains("<script>alert(1)</script>") && allow.contains("onerror=alert(2)>"), "{allow}");

        let escaped = render(HOSTILE, &labels(), "T", RawHtml::Escape).html;
        assert!(escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{escaped}");
        assert!(escaped.contains("&lt;img src=x onerror=alert(2)&gt;"), "{escaped}");
        assert!(escaped.contains("&lt;b&gt;tebal&lt;/b&gt;"), "{escaped}");

        let stripped = render(HOSTILE, &labels(), "T", RawHtml::Strip).html;
        assert!(!stripped.contains("alert(1)") && !stripped.contains("onerror"), "{stripped}");
        assert!(stripped.contains("Teks  dan tebal."), "{stripped}");

        for html in [&escaped, &stripped] {
            assert!(!html.contains("<script") && !html.contains("<img src=x"), "{html}");
            assert!(
                !html.to_ascii_lowercase().contains("href=\"javascript") && !html.contains("href=\"DATA"),
                "{html}"
            );
            assert!(!html.contains("src=\"java"), "{html}");
            assert!(html.contains(">klik") && html.contains("href=\"https://x.id\""), "{html}");
        }
    }

    #[test]
    fn nul_bytes_never_reach_the_html() {
        for mode in [RawHtml::Allow, RawHtml::Escape, RawHtml::Strip] {
            let r = render("a\0b `c\0d`\n\n<p>e\0f</p>\n\n## g\0h\n", &labels(), "T", mode);
            assert!(!r.html.contains('\0'), "{mode:?}: {:?}", r.html);
            assert!(r.html.contains("a\u{FFFD}b"), "{mode:?}: {}", r.html);
        }
    }
}
