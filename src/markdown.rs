//! Markdown → HTML with pulldown-cmark: heading ids and anchors, table of contents,
//! GitHub-style callouts, tickable task lists, scrollable tables, and internal links
//! collected for the build to resolve.

use crate::search::TextSection;
use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;

/// Labels for the five callout kinds, in the site's language.
#[derive(Debug, Clone)]
pub struct CalloutLabels {
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to another content file (or to a heading on this page), to be checked and rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// Path as written (`../nilai/akuntabel.md`, `@/nilai/akuntabel.md`); empty for `#heading` on this page.
    pub path: String,
    pub fragment: Option<String>,
    /// Position in the body (1-based, relative to the body's first line).
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML in which internal links read `href="{LINK_PREFIX}N"`, N indexing `links`.
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub heading_ids: Vec<String>,
    pub sections: Vec<TextSection>,
    pub word_count: usize,
    pub links: Vec<InternalLink>,
}

/// A heading being read: (level, explicit id, classes, buffered inner events, plain text).
type OpenHeading<'a> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'a>>, String);

/// Placeholder scheme for internal links until every page's URL is known.
pub const LINK_PREFIX: &str = "pedoman-link:";

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
pub fn render(body: &str, labels: &CalloutLabels, anchor_label: &str) -> Rendered {
    let lines = LineIndex::new(body);
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();
    let mut section = TextSection::default();
    let mut heading: Option<OpenHeading> = None;
    let mut tasks = Tasks::default();
    let mut table: Option<OpenTable> = None;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Some((_, _, _, inner, text)) = heading.as_mut() {
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
                heading = Some((
                    level,
                    id.map(|i| i.to_string()),
                    classes.iter().map(|c| c.to_string()).collect(),
                    Vec::new(),
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (level, id, classes, inner, text) = heading.take().expect("heading started");
                let id = unique_id(id.unwrap_or_else(|| slugify(&text)), &mut used_ids);
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
                    flat_toc.push((n, id.clone(), title.clone()));
                }
                out.heading_ids.push(id.clone());
                out.sections.push(std::mem::take(&mut section));
                section = TextSection { heading: Some(title), anchor: Some(id), level: n, text: String::new() };
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
                section.text.push(' ');
                events.push(Event::End(TagEnd::Item));
            }
            Event::TaskListMarker(checked) => {
                let input = tasks.marker(checked, &mut events);
                events.push(input);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = match internal_link(&dest_url) {
                    Some((path, fragment)) => {
                        let (line, col) = lines.position(range.start);
                        out.links.push(InternalLink { path, fragment, line, col });
                        CowStr::from(format!("{LINK_PREFIX}{}", out.links.len() - 1))
                    }
                    None => dest_url,
                };
                events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Text(t) => {
                section.text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                section.text.push_str(&t);
                events.push(Event::Code(t));
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::CodeBlock) => {
                section.text.push(' ');
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                section.text.push(' ');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    out.sections.push(section);
    for s in &mut out.sections {
        s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.word_count = out.sections.iter().map(|s| s.text.split_whitespace().count()).sum();
    out.toc = nest_toc(flat_toc);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
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

/// A readable, stable id: `Bebas dari KKN` → `bebas-dari-kkn`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_alphanumeric() {
            slug.push(c);
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

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        _ => c,
    }
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn nest_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry { level, id, title, children: Vec::new() };
        // Descend while the last entry is a shallower heading.
        let mut list = &mut root;
        while list.last().is_some_and(|e| e.level < level) {
            list = &mut list.last_mut().unwrap().children;
        }
        list.push(entry);
    }
    root
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
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
        let col = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(0) + 1;
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
        let r = render("## Bebas dari KKN\n\n## Bebas dari KKN\n\n### Cek diri\n", &labels(), "Tautan");
        assert_eq!(r.heading_ids, ["bebas-dari-kkn", "bebas-dari-kkn-1", "cek-diri"]);
        assert!(r
            .html
            .contains("<h2 id=\"bebas-dari-kkn\">Bebas dari KKN <a class=\"anchor\" href=\"#bebas-dari-kkn\""));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "cek-diri");
    }

    #[test]
    fn callouts_get_indonesian_labels() {
        let r = render("> [!WARNING]\n> Jangan terima gratifikasi.\n", &labels(), "Tautan");
        assert!(r.html.contains("callout-warning"), "{}", r.html);
        assert!(r.html.contains("Peringatan"));
    }

    #[test]
    fn internal_links_are_collected_with_positions() {
        let r = render(
            "Teks\n\nLihat [Akuntabel](../nilai/akuntabel.md#indikator) dan [luar](https://x.id).\n",
            &labels(),
            "T",
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
        assert!(r.html.contains("href=\"pedoman-link:0\""));
        assert!(r.html.contains("href=\"https://x.id\""));
    }

    #[test]
    fn task_items_are_labelled_tickable_checkboxes() {
        let r = render("- [ ] Satu\n- [x] Dua *tebal*\n  - [ ] Anak\n\n1. biasa\n", &labels(), "T");
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
        let r = render("- [ ] Satu\n\n  Penjelasan.\n\n- [ ] Dua\n", &labels(), "T");
        assert!(r.html.contains("<label for=\"_cek-1\">Satu</label></p>\n<p>Penjelasan.</p>"), "{}", r.html);
    }

    #[test]
    fn tables_scroll_in_a_focusable_region_named_by_their_header() {
        let r = render("| Aspek | `Kode` |\n|---|---|\n| a | b |\n", &labels(), "T");
        assert!(
            r.html.contains(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Aspek, Kode\"><table>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn text_sections_follow_headings() {
        let r = render("Intro kata.\n\n## Satu\n\nIsi satu.\n", &labels(), "T");
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[0].text, "Intro kata.");
        assert_eq!(r.sections[1].anchor.as_deref(), Some("satu"));
        assert_eq!(r.sections[1].text, "Isi satu.");
        assert_eq!(r.word_count, 4);
    }
}
