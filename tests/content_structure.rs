//! Issues #3 and #13: the bundled guidance has the expected structure. Each BerAKHLAK value and
//! each of the six revolusi-mental steps has its own page; there are at least 40 pages; every page
//! has a description, 2–6 headings and a date; and the glossaries can be trusted: the reader
//! glossary defines every acronym used in body text, every term has one definition and is used
//! where it is defined, and editor terms stay in the "Tentang" section.
//! Reads `content/` directly with the crate's own front-matter splitter.

use pedoman::frontmatter;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const BERAKHLAK: [&str; 7] =
    ["berorientasi-pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"];

/// The six steps of revolusi mental ASN, as their pages are named.
const REVOLUSI_MENTAL: [&str; 6] = [
    "fokus-pada-tugas",
    "perencanaan-dan-rekrutmen",
    "penyederhanaan-birokrasi",
    "spbe",
    "manajemen-talenta",
    "budaya-belajar",
];

const GLOSSARY_PAGE: &str = "glosarium/istilah.md";

/// The section for site editors; its glossaries hold the editor terms (Markdown, front matter…),
/// which the reader glossary must not.
const EDITOR_SECTION: &str = "tentang/";

struct Doc {
    /// Path inside `content/`, with `/`.
    rel: String,
    front: serde_yaml::Mapping,
    body: String,
}

impl Doc {
    fn is_section(&self) -> bool {
        self.rel.ends_with("_index.md")
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.front.get(key).and_then(|v| v.as_str())
    }

    /// The last URL segment: `slug`, else the file stem (or bundle folder).
    fn url_name(&self) -> String {
        if let Some(slug) = self.str("slug") {
            return slug.to_string();
        }
        let rel = self.rel.strip_suffix("/index.md").unwrap_or(&self.rel);
        let stem = rel.strip_suffix(".md").unwrap_or(rel);
        stem.rsplit('/').next().unwrap().to_string()
    }

    fn is_draft(&self) -> bool {
        self.front.get("draft").and_then(serde_yaml::Value::as_bool).unwrap_or(false)
    }

    fn is_editor_page(&self) -> bool {
        self.rel.starts_with(EDITOR_SECTION)
    }

    /// The `glossary:` entries, in order.
    fn glossary(&self) -> Vec<Entry<'_>> {
        let Some(entries) = self.front.get("glossary").and_then(|g| g.as_sequence()) else {
            return Vec::new();
        };
        let field = |e: &serde_yaml::Value, k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or("").trim().to_string();
        entries
            .iter()
            .map(|e| Entry {
                rel: &self.rel,
                term: field(e, "term"),
                expansion: field(e, "expansion"),
                definition: field(e, "definition"),
            })
            .collect()
    }
}

/// One glossary entry and the file that holds it.
#[derive(Debug)]
struct Entry<'a> {
    rel: &'a str,
    term: String,
    expansion: String,
    definition: String,
}

impl Entry<'_> {
    fn same_text(&self, other: &Entry) -> bool {
        (&self.term, &self.expansion, &self.definition) == (&other.term, &other.expansion, &other.definition)
    }
}

/// Lower case with runs of white space as one space: how two names are compared.
fn key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether `text` contains `term` as whole words, ignoring case.
fn mentions(text: &str, term: &str) -> bool {
    let text = key(text);
    let term = key(term);
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(&term)
        .any(|(i, _)| !is_word(text[..i].chars().next_back()) && !is_word(text[i + term.len()..].chars().next()))
}

fn content_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn docs() -> Vec<Doc> {
    let dir = content_dir();
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let shown = Path::new("content").join(&rel);
        let text = frontmatter::read_text(entry.path(), &shown).unwrap_or_else(|d| panic!("{d}"));
        let split = frontmatter::split(&shown, &text).unwrap_or_else(|d| panic!("{d}"));
        let front: serde_yaml::Mapping = if split.yaml.trim().is_empty() {
            Default::default()
        } else {
            serde_yaml::from_str(split.yaml).unwrap_or_else(|e| panic!("{}: {e}", shown.display()))
        };
        out.push(Doc { rel, front, body: split.body.to_string() });
    }
    assert!(!out.is_empty(), "no Markdown under {}", dir.display());
    out
}

fn pages(docs: &[Doc]) -> impl Iterator<Item = &Doc> {
    docs.iter().filter(|d| !d.is_section() && !d.is_draft())
}

fn options() -> Options {
    pedoman::markdown::options()
}

/// Body text outside code: text events not inside code blocks, without inline code, HTML,
/// link destinations or callout markers.
fn body_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut in_code_block = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            // Adjacent text events join: the parser may split `[!NOTE]` into pieces.
            Event::Text(t) if !in_code_block => text.push_str(&t),
            Event::Code(_) => text.push(' '),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    strip_callout_markers(&text)
}

/// `[!TIP]` and friends, in case a marker is not parsed as a callout.
fn strip_callout_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("[!") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(']') {
            Some(j) if after[..j].chars().all(|c| c.is_ascii_alphabetic()) => rest = &after[j + 1..],
            _ => {
                out.push_str("[!");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Tokens matching `\b[A-Z][A-Z0-9]{1,}\b` (word characters as in Unicode regexes), except
/// Roman numerals (`eselon III`, the `XXII` of an MK case number), which are not abbreviations.
fn acronyms(text: &str) -> BTreeSet<String> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.split(|c: char| !is_word(c))
        .filter(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && w.chars().count() >= 2
                && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && !is_roman_numeral(w)
        })
        .map(str::to_string)
        .collect()
}

/// Whether `w` is a Roman numeral in canonical form: its value written back gives `w` again.
fn is_roman_numeral(w: &str) -> bool {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let (mut rest, mut value) = (w, 0);
    for (n, s) in NUMERALS {
        while let Some(r) = rest.strip_prefix(s) {
            rest = r;
            value += n;
        }
    }
    if !rest.is_empty() || value == 0 {
        return false;
    }
    let mut canonical = String::new();
    for (n, s) in NUMERALS {
        while value >= n {
            canonical.push_str(s);
            value -= n;
        }
    }
    canonical == w
}

fn headings(markdown: &str) -> usize {
    Parser::new_ext(markdown, options()).filter(|e| matches!(e, Event::Start(Tag::Heading { .. }))).count()
}

#[test]
fn acronym_extraction_follows_the_rule() {
    let found = acronyms(&body_text(
        "ASN dan PNS-nya, BerAKHLAK, UU 5, Rp, K3, SPBE, eselon III, 121/PUU-XXII/2024, MK, IIV. `CODE` [TAUTAN](https://x.id/URL)\n\n```\nBLOK\n```\n\n> [!TIP]\n> Ya.\n\n[!NOTE] x",
    ));
    let want: BTreeSet<String> = ["ASN", "PNS", "UU", "K3", "SPBE", "PUU", "MK", "IIV", "TAUTAN"]
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(found, want);
}

#[test]
fn every_berakhlak_value_and_revolusi_mental_step_has_its_own_page() {
    let docs = docs();
    let names: BTreeMap<String, &str> = pages(&docs).map(|d| (d.url_name(), d.rel.as_str())).collect();
    for value in BERAKHLAK {
        assert!(names.contains_key(value), "no page for the BerAKHLAK value `{value}`");
    }
    for step in REVOLUSI_MENTAL {
        let rel = names.get(step).unwrap_or_else(|| panic!("no page for the revolusi-mental step `{step}`"));
        assert!(rel.starts_with("revolusi-mental/"), "{rel} should be in the revolusi-mental section");
    }
    // Each has a page of its own: distinct files.
    let files: BTreeSet<&str> = BERAKHLAK.iter().chain(REVOLUSI_MENTAL.iter()).map(|n| names[*n]).collect();
    assert_eq!(files.len(), BERAKHLAK.len() + REVOLUSI_MENTAL.len());
}

#[test]
fn at_least_40_pages() {
    let docs = docs();
    let n = pages(&docs).count();
    assert!(n >= 40, "only {n} pages");
}

#[test]
fn every_page_and_section_has_a_description() {
    let missing: Vec<String> = docs()
        .iter()
        .filter(|d| !d.is_draft() && d.str("description").is_none_or(|s| s.trim().is_empty()))
        .map(|d| d.rel.clone())
        .collect();
    assert!(missing.is_empty(), "no description: {missing:?}");
}

#[test]
fn every_page_has_two_to_six_headings() {
    let wrong: Vec<String> = pages(&docs())
        .filter_map(|d| {
            let n = headings(&d.body);
            (!(2..=6).contains(&n)).then(|| format!("{} has {n} headings", d.rel))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn glossary_page(docs: &[Doc]) -> &Doc {
    let page = docs.iter().find(|d| d.rel == GLOSSARY_PAGE).expect("content/glosarium/istilah.md exists");
    assert!(!page.glossary().is_empty(), "{GLOSSARY_PAGE} has `glossary:`");
    page
}

/// Every entry of every glossary, drafts included.
fn all_entries(docs: &[Doc]) -> Vec<Entry<'_>> {
    docs.iter().flat_map(Doc::glossary).collect()
}

#[test]
fn every_glossary_entry_has_a_term_and_a_definition() {
    let docs = docs();
    let bad: Vec<String> = all_entries(&docs)
        .iter()
        .filter(|e| e.term.is_empty() || e.definition.is_empty())
        .map(|e| format!("{}: `{}`", e.rel, e.term))
        .collect();
    assert!(bad.is_empty(), "glossary entries without a term or a definition:\n{bad:#?}");
}

#[test]
fn glossary_defines_every_acronym_used_in_body_text() {
    let docs = docs();
    let reader: BTreeSet<String> = glossary_page(&docs).glossary().into_iter().map(|e| e.term).collect();
    let editor: BTreeSet<String> =
        docs.iter().filter(|d| d.is_editor_page()).flat_map(Doc::glossary).map(|e| e.term).collect();
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in docs.iter().filter(|d| !d.is_draft()) {
        for acronym in acronyms(&body_text(&d.body)) {
            let defined = reader.contains(&acronym) || (d.is_editor_page() && editor.contains(&acronym));
            if !defined {
                missing.entry(acronym).or_default().push(d.rel.clone());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "acronyms without a glossary entry in {GLOSSARY_PAGE} (or, on the {EDITOR_SECTION} pages, in their own glossary):\n{missing:#?}"
    );
}

/// A term means one thing: every entry for it, on any page, has the same expansion and definition
/// (a page repeats the reader glossary's entry word for word), and no entry's expansion names
/// another entry (that is one concept defined twice, as `RB` → "Reformasi Birokrasi" next to
/// `reformasi birokrasi` → "RB").
#[test]
fn no_term_has_two_definitions() {
    let docs = docs();
    let entries = all_entries(&docs);
    let mut problems = Vec::new();
    let mut by_term: BTreeMap<String, &Entry> = BTreeMap::new();
    for e in &entries {
        match by_term.get(&key(&e.term)) {
            Some(first) if !first.same_text(e) => {
                problems.push(format!("`{}` is defined differently in {} and {}", e.term, first.rel, e.rel));
            }
            Some(_) => {}
            None => {
                by_term.insert(key(&e.term), e);
            }
        }
    }
    let mut by_expansion: BTreeMap<String, &Entry> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.expansion.is_empty()) {
        if let Some(other) = by_term.get(&key(&e.expansion)) {
            problems.push(format!(
                "{}: the expansion of `{}` is the term `{}` ({}): one concept, two entries",
                e.rel, e.term, other.term, other.rel
            ));
        }
        match by_expansion.get(&key(&e.expansion)) {
            Some(first) if key(&first.term) != key(&e.term) => problems.push(format!(
                "`{}` ({}) and `{}` ({}) share the expansion \"{}\": one concept, two entries",
                first.term, first.rel, e.term, e.rel, e.expansion
            )),
            Some(_) => {}
            None => {
                by_expansion.insert(key(&e.expansion), e);
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A term defined on a page is used in that page's body; a term of the reader glossary is used in
/// the body of some other page. Otherwise it is dead weight (or misspelt).
#[test]
fn every_glossary_term_is_used_on_some_page() {
    let docs = docs();
    let bodies: Vec<(&Doc, String)> = docs.iter().filter(|d| !d.is_draft()).map(|d| (d, body_text(&d.body))).collect();
    let mut unused = Vec::new();
    for (d, body) in &bodies {
        for e in d.glossary() {
            let used = if d.rel == GLOSSARY_PAGE {
                bodies.iter().any(|(other, text)| other.rel != GLOSSARY_PAGE && mentions(text, &e.term))
            } else {
                mentions(body, &e.term)
            };
            if !used {
                unused.push(format!("{}: `{}`", d.rel, e.term));
            }
        }
    }
    assert!(unused.is_empty(), "glossary terms no page uses (use them or drop them):\n{unused:#?}");
}

/// The reader glossary is complete for readers and holds no editor terms: every term a reader
/// page defines is in it, and none of the terms the "Tentang" pages define.
#[test]
fn reader_glossary_holds_every_civil_service_term_and_no_editor_term() {
    let docs = docs();
    let reader: BTreeSet<String> = glossary_page(&docs).glossary().iter().map(|e| key(&e.term)).collect();
    let mut problems = Vec::new();
    for d in &docs {
        for e in d.glossary() {
            let in_reader = reader.contains(&key(&e.term));
            if d.is_editor_page() && in_reader {
                problems.push(format!("editor term `{}` ({}) is also in {GLOSSARY_PAGE}", e.term, d.rel));
            } else if !d.is_editor_page() && !in_reader {
                problems.push(format!("`{}` ({}) is missing from {GLOSSARY_PAGE}", e.term, d.rel));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every page carries `date:` or `updated:` (readers see when it was written or revised); an
/// update is not older than the page.
#[test]
fn every_page_has_a_date_or_an_updated_date() {
    let docs = docs();
    let mut problems = Vec::new();
    for d in docs.iter().filter(|d| !d.is_section()) {
        let date = |k: &str| d.front.get(k).map(|v| v.as_str().map_or_else(|| format!("{v:?}"), str::to_string));
        match (date("date"), date("updated")) {
            (None, None) => problems.push(format!("{}: neither `date:` nor `updated:`", d.rel)),
            (Some(date), Some(updated)) if updated < date => {
                problems.push(format!("{}: updated {updated} is before date {date}", d.rel));
            }
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn term_mentions_are_whole_words_in_any_case() {
    let text = body_text("Pegawai **ASN** wajib netral. Pola  pikir baru; `KASN` bukan teks.");
    assert!(mentions(&text, "asn"));
    assert!(mentions(&text, "pola pikir"));
    assert!(!mentions(&text, "KASN"), "inline code is not body text");
    assert!(!mentions(&text, "neg"), "only whole words count");
    assert!(!mentions(&text, "pikir baru wajib"));
}
