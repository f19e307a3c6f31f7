//! Issue #3: the bundled guidance has the expected structure. Each BerAKHLAK value and each of
//! the six revolusi-mental steps has its own page; there are at least 40 pages; every page has a
//! description and 2–6 headings; and the glossary page defines every acronym used in body text.
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
        self.front.get("draft").and_then(|v| v.as_bool()).unwrap_or(false)
    }
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
    let want: BTreeSet<String> =
        ["ASN", "PNS", "UU", "K3", "SPBE", "PUU", "MK", "IIV", "TAUTAN"].iter().map(|s| s.to_string()).collect();
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

#[test]
fn glossary_defines_every_acronym_used_in_body_text() {
    let docs = docs();
    let glossary_page = docs.iter().find(|d| d.rel == GLOSSARY_PAGE).expect("content/glosarium/istilah.md exists");
    let entries = glossary_page.front.get("glossary").and_then(|g| g.as_sequence()).expect("it has `glossary:`");
    let mut defined = BTreeSet::new();
    for entry in entries {
        let term = entry.get("term").and_then(|t| t.as_str()).expect("every entry has a term");
        let expansion = entry.get("expansion").and_then(|t| t.as_str()).unwrap_or("");
        let definition = entry.get("definition").and_then(|t| t.as_str()).unwrap_or("");
        assert!(
            !expansion.trim().is_empty() || !definition.trim().is_empty(),
            "glossary term `{term}` has neither expansion nor definition"
        );
        defined.insert(term.trim().to_string());
    }
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in docs.iter().filter(|d| !d.is_draft()) {
        for acronym in acronyms(&body_text(&d.body)) {
            if !defined.contains(&acronym) {
                missing.entry(acronym).or_default().push(d.rel.clone());
            }
        }
    }
    assert!(missing.is_empty(), "acronyms without a glossary entry in {GLOSSARY_PAGE}:\n{missing:#?}");
}
