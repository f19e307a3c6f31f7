//! The index builder and the ranking, on small hand-built sites.

use pedoman::search::query::{Engine, Options, Store};
use pedoman::search::{build_index, GlossaryTerm, Hit, IndexFile, PageText, SearchError, TextSection};
use std::collections::BTreeMap;

struct Mem(BTreeMap<String, Vec<u8>>);

impl Store for Mem {
    fn read(&self, path: &str) -> Result<Vec<u8>, SearchError> {
        self.0.get(path).cloned().ok_or_else(|| SearchError::Corrupt(format!("missing {path}")))
    }
}

fn page(url: &str, title: &str, section: &str, body: &[(&str, &str)]) -> PageText {
    let mut sections = vec![TextSection { heading: None, anchor: None, level: 0, text: body[0].1.to_string() }];
    for (h, text) in &body[1..] {
        let anchor = h.to_lowercase().replace(' ', "-");
        sections.push(TextSection {
            heading: Some(h.to_string()),
            anchor: Some(anchor),
            level: 2,
            text: text.to_string(),
        });
    }
    PageText {
        url: url.into(),
        title: title.into(),
        breadcrumb: vec!["Beranda".into()],
        section: section.into(),
        description: String::new(),
        tags: vec![],
        glossary: vec![],
        sections,
    }
}

fn site() -> Vec<PageText> {
    let mut glossary = page("/glosarium/", "Glosarium", "glosarium", &[("", "Daftar singkatan.")]);
    glossary.glossary = vec![GlossaryTerm {
        term: "KKN".into(),
        expansion: "Korupsi, Kolusi, dan Nepotisme".into(),
        definition: "Penyalahgunaan wewenang.".into(),
    }];
    vec![
        page(
            "/nilai/pelayanan/",
            "Berorientasi Pelayanan",
            "nilai",
            &[("", "Nilai pertama."), ("Contoh", "Petugas membantu warga di loket.")],
        ),
        page(
            "/nilai/lain/",
            "Nilai lain",
            "nilai",
            &[("", "Halaman ini menyebut pelayanan sekali di antara banyak kata lain tentang rapat, anggaran, dan laporan.")],
        ),
        page(
            "/integritas/bebas/",
            "Bebas dari praktik tercela",
            "integritas",
            &[("", "Pengantar."), ("Empat hal", "Pegawai menjauhi korupsi, kolusi, dan nepotisme dalam tugasnya.")],
        ),
        page("/integritas/agen/", "Agen perubahan", "integritas", &[("", "Agen perubahan menggerakkan rekan kerja.")]),
        page("/integritas/rapat/", "Rapat", "integritas", &[("", "Perubahan jadwal rapat dikirim oleh agen perjalanan.")]),
        glossary,
    ]
}

fn search(files: &[IndexFile], q: &str, opts: Options) -> Vec<Hit> {
    let store = Mem(files.iter().cloned().collect());
    Engine::open(store).unwrap().search(q, &opts).unwrap()
}

fn urls(files: &[IndexFile], q: &str) -> Vec<String> {
    search(files, q, Options { limit: 10, ..Default::default() }).into_iter().map(|h| h.url).collect()
}

#[test]
fn output_is_byte_identical_whatever_the_page_order() {
    let a = build_index(&site(), &[]);
    let mut shuffled = site();
    shuffled.reverse();
    shuffled.swap(1, 3);
    assert_eq!(a, build_index(&shuffled, &[]));
    assert!(a.iter().any(|(p, _)| p == "meta.json"));
}

#[test]
fn a_title_match_outranks_a_body_mention() {
    let files = build_index(&site(), &[]);
    assert_eq!(urls(&files, "melayani")[..2], ["/nilai/pelayanan/", "/nilai/lain/"]);
}

#[test]
fn glossary_synonyms_work_both_ways_and_link_to_the_heading() {
    let files = build_index(&site(), &[]);
    let kkn = urls(&files, "KKN");
    assert!(kkn.contains(&"/integritas/bebas/#empat-hal".to_string()), "{kkn:?}");
    let words = urls(&files, "korupsi kolusi nepotisme");
    assert!(words.contains(&"/glosarium/".to_string()), "{words:?}");
}

#[test]
fn config_synonyms_add_groups() {
    let files = build_index(&site(), &[vec!["loket".into(), "tempat layanan".into()]]);
    assert_eq!(urls(&files, "tempat layanan")[0], "/nilai/pelayanan/#contoh");
}

#[test]
fn a_sentence_ranks_by_how_many_words_match() {
    let files = build_index(&site(), &[]);
    let got = urls(&files, "bagaimana cara menjadi agen perubahan?");
    assert_eq!(got[0], "/integritas/agen/", "{got:?}");
    assert!(got.contains(&"/integritas/rapat/".to_string()), "partial matches still come back: {got:?}");
}

#[test]
fn quotes_ask_for_the_exact_phrase() {
    let files = build_index(&site(), &[]);
    assert_eq!(urls(&files, "\"agen perubahan\""), ["/integritas/agen/"]);
}

#[test]
fn one_typo_is_forgiven_for_long_words() {
    let files = build_index(&site(), &[]);
    assert_eq!(urls(&files, "pelayann")[0], "/nilai/pelayanan/");
    assert!(urls(&files, "rapt").is_empty(), "no typo tolerance under five letters");
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let files = build_index(&site(), &[]);
    let typing = search(&files, "integritas agen peru", Options { limit: 5, prefix: true, section: None });
    assert_eq!(typing[0].url, "/integritas/agen/");
}

#[test]
fn the_section_filter_keeps_one_section() {
    let files = build_index(&site(), &[]);
    let hits = search(&files, "pelayanan", Options { limit: 10, prefix: false, section: Some("integritas".into()) });
    assert!(hits.is_empty(), "{hits:?}");
    let store = Mem(files.iter().cloned().collect());
    let err =
        Engine::open(store).unwrap().search("x", &Options { limit: 1, prefix: false, section: Some("nope".into()) });
    assert!(matches!(err, Err(SearchError::UnknownSection(..))));
}

#[test]
fn snippets_mark_the_matched_words() {
    let files = build_index(&site(), &[]);
    // The synonym's words are marked too: the reader asked for KKN.
    let hits = search(&files, "KKN", Options { limit: 5, ..Default::default() });
    let hit = hits.iter().find(|h| h.url.starts_with("/integritas/bebas/")).unwrap();
    let chars: Vec<char> = hit.snippet.chars().collect();
    let marked: Vec<String> = hit.marks.iter().map(|[a, b]| chars[*a..*b].iter().collect()).collect();
    assert_eq!(marked, ["korupsi", "kolusi", "nepotisme"]);
}
