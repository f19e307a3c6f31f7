//! The site's glossary: every page's `glossary:` entries gathered in one place, so a page can
//! list its own terms A–Z and the first use of any term in its text leads to the definition.

use crate::content::{PageId, Site};
use crate::frontmatter::GlossaryEntry;
use crate::markdown::{escape, slugify};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use std::collections::HashMap;

/// Id of a term's entry in a page's glossary (`_istilah-asn`: theme ids start with `_`).
pub(crate) fn term_id(term: &str) -> String {
    format!("_istilah-{}", slugify(term))
}

/// One letter of an A–Z glossary.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Group<'a> {
    pub letter: String,
    pub id: String,
    pub entries: Vec<Entry<'a>>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    pub id: String,
    pub term: &'a str,
    pub expansion: &'a str,
    pub definition: &'a str,
}

/// How terms sort: case and accents ignored, leading punctuation skipped.
fn sort_key(term: &str) -> String {
    slugify(term)
}

/// A page's entries in alphabetical order, grouped by first letter (digits and the like under `#`).
pub(crate) fn groups(entries: &[GlossaryEntry]) -> Vec<Group<'_>> {
    let mut sorted: Vec<&GlossaryEntry> = entries.iter().collect();
    sorted.sort_by_cached_key(|e| (sort_key(&e.term), e.term.clone()));
    let mut out: Vec<Group> = Vec::new();
    for e in sorted {
        let first = sort_key(&e.term).chars().next().filter(|c| c.is_alphabetic());
        let letter = first.map_or("#".to_string(), |c| c.to_uppercase().collect());
        if out.last().is_none_or(|g| g.letter != letter) {
            let id = format!("_huruf-{}", first.map_or("0".to_string(), |c| c.to_string()));
            out.push(Group { letter: letter.clone(), id, entries: Vec::new() });
        }
        out.last_mut().expect("group pushed").entries.push(Entry {
            id: term_id(&e.term),
            term: &e.term,
            expansion: &e.expansion,
            definition: &e.definition,
        });
    }
    out
}

struct Term {
    /// The term as written; its entry's id is made from it.
    text: String,
    /// The same, HTML-escaped the way it appears in rendered text.
    escaped: String,
    /// Abbreviations (`ASN`, `KemenPANRB`) match only as written; words match in any case.
    exact: bool,
    /// The expansion, shown in an `<abbr title>`.
    expansion: String,
    /// Page whose glossary is the fullest among those defining the term.
    home: PageId,
}

/// Every term defined anywhere on the site, ready to find in page text.
pub(crate) struct Glossary {
    terms: Vec<Term>,
    /// Per page: which term keys the page defines itself (its first uses link down the page).
    own: Vec<Vec<usize>>,
    matcher: Option<AhoCorasick>,
}

impl Glossary {
    pub(crate) fn new(site: &Site) -> Glossary {
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut terms: Vec<Term> = Vec::new();
        let mut own = vec![Vec::new(); site.pages.len()];
        let size = |p: PageId| site.page(p).meta.glossary.len();
        for (p, page) in site.page_ids().zip(&site.pages) {
            for e in &page.meta.glossary {
                let term = e.term.trim();
                if term.is_empty() {
                    continue;
                }
                let key = term.to_lowercase();
                let i = *by_key.entry(key).or_insert_with(|| {
                    terms.push(Term {
                        text: term.to_string(),
                        escaped: escape(term),
                        exact: term.chars().skip(1).any(char::is_uppercase),
                        expansion: e.expansion.clone(),
                        home: p,
                    });
                    terms.len() - 1
                });
                // The fullest glossary (the site's glossary page) is where readers are sent.
                if size(p) > size(terms[i].home) {
                    terms[i].home = p;
                    terms[i].expansion = e.expansion.clone();
                }
                own[p.index()].push(i);
            }
        }
        let matcher = (!terms.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(terms.iter().map(|t| t.escaped.as_str()))
                .expect("glossary terms make a valid automaton")
        });
        Glossary { terms, own, matcher }
    }

    /// Links the first use of each term in `html` (the body of page `page`, or of a section) to
    /// its definition: on this page when the page defines it, else on the term's home page
    /// (`url_of(home)`). Text inside links, headings, code, labels and the like is left alone.
    pub(crate) fn link_first_uses(
        &self,
        html: &str,
        page: Option<PageId>,
        url_of: impl Fn(PageId) -> String,
    ) -> String {
        let Some(matcher) = &self.matcher else {
            return html.to_string();
        };
        let mut linked = vec![false; self.terms.len()];
        let mut out = String::with_capacity(html.len() + 256);
        for piece in Pieces::new(html) {
            match piece {
                Piece::Markup(m) | Piece::Text(m, false) => out.push_str(m),
                Piece::Text(text, true) => {
                    let mut last = 0;
                    for m in matcher.find_iter(text) {
                        let i = m.pattern().as_usize();
                        let found = &text[m.start()..m.end()];
                        let t = &self.terms[i];
                        let bounded = !text[..m.start()].chars().next_back().is_some_and(char::is_alphanumeric)
                            && !text[m.end()..].chars().next().is_some_and(char::is_alphanumeric);
                        if linked[i] || !bounded || (t.exact && found != t.escaped) {
                            continue;
                        }
                        linked[i] = true;
                        let own = page.is_some_and(|p| self.own[p.index()].contains(&i));
                        let target = if own { String::new() } else { url_of(t.home) };
                        let id = term_id(&t.text);
                        out.push_str(&text[last..m.start()]);
                        if t.expansion.is_empty() {
                            out.push_str(&format!("<a class=\"term\" href=\"{}#{id}\">{found}</a>", escape(&target)));
                        } else {
                            out.push_str(&format!(
                                "<a class=\"term\" href=\"{}#{id}\"><abbr title=\"{}\">{found}</abbr></a>",
                                escape(&target),
                                escape(&t.expansion)
                            ));
                        }
                        last = m.end();
                    }
                    out.push_str(&text[last..]);
                }
            }
        }
        out
    }
}

/// Elements whose text is never turned into a glossary link.
const SKIP: &[&str] = &[
    "a", "abbr", "button", "code", "dfn", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "label", "math", "option", "pre",
    "samp", "script", "select", "style", "svg", "textarea", "title",
];
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// A rendered body cut into markup and text; text says whether it may hold a glossary link.
enum Piece<'a> {
    Markup(&'a str),
    Text(&'a str, bool),
}

/// Splits HTML into tags, comments and text, tracking which skipped elements are open. A
/// hand-written scanner because the body is pulldown-cmark's well-formed output (plus any raw
/// HTML an editor wrote): an HTML5 parser would build a whole tree to answer one question.
struct Pieces<'a> {
    rest: &'a str,
    open: Vec<String>,
}

impl<'a> Pieces<'a> {
    fn new(html: &'a str) -> Self {
        Pieces { rest: html, open: Vec::new() }
    }

    fn take(&mut self, n: usize) -> &'a str {
        let n = n.min(self.rest.len());
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        head
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        if !self.rest.starts_with('<') {
            let end = self.rest.find('<').unwrap_or(self.rest.len());
            let free = self.open.is_empty();
            return Some(Piece::Text(self.take(end), free));
        }
        if self.rest.starts_with("<!--") {
            let end = self.rest.find("-->").map_or(self.rest.len(), |i| i + 3);
            return Some(Piece::Markup(self.take(end)));
        }
        let end = tag_end(self.rest);
        let tag = &self.rest[..end];
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            // A lone `<` in text (raw HTML may hold one): text, not a tag.
            let free = self.open.is_empty();
            return Some(Piece::Text(self.take(1), free));
        }
        if !closing && (name == "script" || name == "style") {
            // Raw text: everything up to the closing tag is markup.
            let after = self.rest[end..].to_ascii_lowercase();
            let stop = after.find(&format!("</{name}")).unwrap_or(after.len());
            return Some(Piece::Markup(self.take(end + stop)));
        }
        let markup = self.take(end);
        if closing {
            if let Some(at) = self.open.iter().rposition(|n| *n == name) {
                self.open.truncate(at);
            }
        } else if SKIP.contains(&name.as_str()) && !VOID.contains(&name.as_str()) && !markup.ends_with("/>") {
            self.open.push(name);
        }
        Some(Piece::Markup(markup))
    }
}

/// Length of the tag at the start of `s`, up to and including its `>` (quoted values may hold `>`).
fn tag_end(s: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            (None, '<') => return i,
            _ => {}
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Page, SectionId};

    fn entry(term: &str, expansion: &str) -> GlossaryEntry {
        GlossaryEntry { term: term.into(), expansion: expansion.into(), definition: format!("Arti {term}.") }
    }

    fn site(glossaries: Vec<Vec<GlossaryEntry>>) -> Site {
        let mut site = Site::default();
        for (i, g) in glossaries.into_iter().enumerate() {
            site.pages.push(Page {
                source: format!("content/p{i}.md").into(),
                rel: format!("p{i}.md"),
                meta: crate::frontmatter::PageMeta { glossary: g, ..Default::default() },
                title: format!("P{i}"),
                body: String::new(),
                body_line: 1,
                template_line: 0,
                slug_line: 0,
                tags_line: 0,
                other_taxonomies_line: 0,
                aliases_line: 0,
                path: format!("/p{i}/"),
                section: SectionId::HOME,
                bundle_dir: None,
            });
        }
        site
    }

    #[test]
    fn entries_sort_a_to_z_in_letter_groups() {
        let entries = [
            entry("sistem merit", ""),
            entry("ASN", "Aparatur Sipil Negara"),
            entry("agen perubahan", ""),
            entry("3T", ""),
        ];
        let g = groups(&entries);
        let letters: Vec<&str> = g.iter().map(|g| g.letter.as_str()).collect();
        assert_eq!(letters, ["#", "A", "S"]);
        let a: Vec<&str> = g[1].entries.iter().map(|e| e.term).collect();
        assert_eq!(a, ["agen perubahan", "ASN"]);
        assert_eq!(g[1].id, "_huruf-a");
        assert_eq!(g[1].entries[1].id, "_istilah-asn");
    }

    #[test]
    fn first_use_links_to_the_fullest_glossary_and_only_once() {
        let s = site(vec![
            vec![entry("ASN", "Aparatur Sipil Negara"), entry("merit", ""), entry("KKN", "")],
            vec![entry("ASN", "Aparatur")],
            vec![],
        ]);
        let g = Glossary::new(&s);
        let ids: Vec<PageId> = s.page_ids().collect();
        let url = |p: PageId| format!("/p{}/", p.index());
        let html = "<p>Setiap ASN wajib. ASN lagi. Sistem Merit dipakai; asn kecil, BASN bukan.</p>";
        let out = g.link_first_uses(html, Some(ids[2]), url);
        assert_eq!(
            out,
            "<p>Setiap <a class=\"term\" href=\"/p0/#_istilah-asn\"><abbr title=\"Aparatur Sipil Negara\">ASN</abbr></a> wajib. ASN lagi. Sistem <a class=\"term\" href=\"/p0/#_istilah-merit\">Merit</a> dipakai; asn kecil, BASN bukan.</p>"
        );
        // A page that defines the term links down to its own entry.
        let own = g.link_first_uses("<p>ASN</p>", Some(ids[1]), url);
        assert!(own.contains("href=\"#_istilah-asn\""), "{own}");
    }

    #[test]
    fn text_in_links_headings_code_and_labels_is_left_alone() {
        let s = site(vec![vec![entry("KKN", "Korupsi")]]);
        let g = Glossary::new(&s);
        let first = s.page_ids().next();
        let html = "<h2 id=\"kkn\">KKN <a class=\"anchor\" href=\"#kkn\">#</a></h2><p><a href=\"/x/\">KKN</a> <code>KKN</code> <label for=\"_cek-1\">KKN</label> <script>var KKN;</script><!-- KKN --> <img alt=\"KKN\"> x KKN</p>";
        let out = g.link_first_uses(html, first, |_| String::new());
        assert_eq!(out.matches("class=\"term\"").count(), 1, "{out}");
        assert!(
            out.ends_with("x <a class=\"term\" href=\"#_istilah-kkn\"><abbr title=\"Korupsi\">KKN</abbr></a></p>"),
            "{out}"
        );
    }

    #[test]
    fn broken_markup_never_panics() {
        let s = site(vec![vec![entry("a&b", "")]]);
        let g = Glossary::new(&s);
        let first = s.page_ids().next();
        for html in ["<", "<p", "<p a=\"", "a&amp;b <", "<script>", "<!--", "</>", "<é>a&amp;b", "ü<b>a&amp;b</b>"] {
            let out = g.link_first_uses(html, first, |_| String::new());
            assert_eq!(out.replace("<a class=\"term\" href=\"#_istilah-a-b\">", "").replace("</a>", ""), html);
        }
    }
}
