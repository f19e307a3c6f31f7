//! The index builder and the ranking, on small hand-built sites.

use pedoman::config::SearchConfig;
use pedoman::search::{
    build_index, Engine, GlossaryEntry, Hit, IndexFile, Options, PageText, Passage, Results, SearchError, Store,
};
use std::collections::BTreeMap;

struct Mem(BTreeMap<String, Vec<u8>>);

impl Store for Mem {
    fn read(&self, path: &str) -> Result<Vec<u8>, SearchError> {
        self.0.get(path).cloned().ok_or_else(|| SearchError::Corrupt(format!("missing {path}")))
    }
}

fn page(url: &str, title: &str, section: &str, body: &[(&str, &str)]) -> PageText {
    let mut passages = vec![Passage { heading: None, anchor: None, level: 0, text: body[0].1.to_string() }];
    for (h, text) in &body[1..] {
        let anchor = h.to_lowercase().replace(' ', "-");
        passages.push(Passage { heading: Some(h.to_string()), anchor: Some(anchor), level: 2, text: text.to_string() });
    }
    PageText {
        url: url.into(),
        title: title.into(),
        breadcrumb: vec!["Beranda".into()],
        section: section.into(),
        description: String::new(),
        tags: vec![],
        glossary: vec![],
        passages: passages.into(),
    }
}

fn site() -> Vec<PageText> {
    let mut glossary = page("/glosarium/", "Glosarium", "glosarium", &[("", "Daftar singkatan.")]);
    glossary.glossary = vec![GlossaryEntry {
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

/// The site's own settings only: no built-in thesaurus, so each test shows what it adds.
fn plain() -> SearchConfig {
    SearchConfig { builtin_thesaurus: false, ..Default::default() }
}

fn results(files: &[IndexFile], q: &str, opts: Options) -> Results {
    let store = Mem(files.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect());
    Engine::open(store).unwrap().search(q, &opts).unwrap()
}

fn search(files: &[IndexFile], q: &str, opts: Options) -> Vec<Hit> {
    results(files, q, opts).hits
}

fn top(files: &[IndexFile], q: &str) -> Results {
    results(files, q, Options { limit: 10, ..Default::default() })
}

fn urls(files: &[IndexFile], q: &str) -> Vec<String> {
    top(files, q).hits.into_iter().map(|h| h.url).collect()
}

#[test]
fn output_is_byte_identical_whatever_the_page_order() {
    let a = build_index(&site(), &SearchConfig::default());
    let mut shuffled = site();
    shuffled.reverse();
    shuffled.swap(1, 3);
    assert_eq!(a, build_index(&shuffled, &SearchConfig::default()));
    assert!(a.iter().any(|(p, _)| p == "meta.json"));
}

#[test]
fn a_title_match_outranks_a_body_mention() {
    let files = build_index(&site(), &plain());
    assert_eq!(urls(&files, "melayani")[..2], ["/nilai/pelayanan/", "/nilai/lain/"]);
}

#[test]
fn a_word_on_every_page_of_a_large_site_still_ranks_title_matches_first() {
    // On 3,000 pages, each of which says it: its idf is a tenth of a thousandth.
    let mut pages: Vec<PageText> = (0..3000)
        .map(|i| page(&format!("/a/{i:04}/"), &format!("Halaman {i}"), "a", &[("", "Pegawai melayani warga.")]))
        .collect();
    pages.push(page("/z/prima/", "Pelayanan prima", "z", &[("", "Pegawai melayani warga dengan ramah.")]));
    let files = build_index(&pages, &plain());
    assert_eq!(urls(&files, "melayani")[0], "/z/prima/");
}

#[test]
fn glossary_synonyms_work_both_ways_and_link_to_the_heading() {
    let files = build_index(&site(), &plain());
    let kkn = urls(&files, "KKN");
    assert!(kkn.contains(&"/integritas/bebas/#empat-hal".to_string()), "{kkn:?}");
    let words = urls(&files, "korupsi kolusi nepotisme");
    assert!(words.contains(&"/glosarium/".to_string()), "{words:?}");
}

#[test]
fn config_synonyms_add_groups() {
    let config = SearchConfig { synonyms: vec![vec!["loket".into(), "tempat layanan".into()]], ..plain() };
    let files = build_index(&site(), &config);
    assert_eq!(urls(&files, "tempat layanan")[0], "/nilai/pelayanan/#contoh");
}

#[test]
fn a_sentence_ranks_by_how_many_words_match() {
    let files = build_index(&site(), &plain());
    let got = top(&files, "bagaimana cara menjadi agen perubahan?");
    assert_eq!(got.hits[0].url, "/integritas/agen/", "{got:?}");
    assert!(got.hits.iter().any(|h| h.url == "/integritas/rapat/"), "partial matches still come back: {got:?}");
}

#[test]
fn quotes_ask_for_the_exact_phrase() {
    let files = build_index(&site(), &plain());
    assert_eq!(urls(&files, "\"agen perubahan\""), ["/integritas/agen/"]);
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let files = build_index(&site(), &plain());
    let typing = search(&files, "integritas agen peru", Options { limit: 5, prefix: true, section: None });
    assert_eq!(typing[0].url, "/integritas/agen/");
}

#[test]
fn the_section_filter_keeps_one_section() {
    let files = build_index(&site(), &plain());
    let hits = search(&files, "pelayanan", Options { limit: 10, prefix: false, section: Some("integritas".into()) });
    assert!(hits.is_empty(), "{hits:?}");
    let store = Mem(files.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect());
    let err =
        Engine::open(store).unwrap().search("x", &Options { limit: 1, prefix: false, section: Some("nope".into()) });
    assert!(matches!(err, Err(SearchError::UnknownSection(..))));
}

#[test]
fn snippets_mark_the_matched_words() {
    let files = build_index(&site(), &plain());
    // The synonym's words are marked too: the reader asked for KKN.
    let hits = search(&files, "KKN", Options { limit: 5, ..Default::default() });
    let hit = hits.iter().find(|h| h.url.starts_with("/integritas/bebas/")).unwrap();
    let chars: Vec<char> = hit.snippet.chars().collect();
    let marked: Vec<String> = hit.marks.iter().map(|[a, b]| chars[*a..*b].iter().collect()).collect();
    assert_eq!(marked, ["korupsi", "kolusi", "nepotisme"]);
    assert_eq!(hit.via.len(), 1, "{:?}", hit.via);
    assert_eq!((hit.via[0].word.as_str(), hit.via[0].kind), ("kkn", "synonym"));
}

/// Pages about serving the public: one names it in its title only, one covers the
/// question in its text, one covers two of its three ideas.
fn coverage_site() -> Vec<PageText> {
    vec![
        page("/a/judul/", "Pelayanan", "a", &[("", "Halaman pendek tentang sejarah kantor dan arsip lama.")]),
        page(
            "/a/lengkap/",
            "Catatan kantor",
            "a",
            &[("", "Rapat membahas cara pelayanan publik yang digital: formulir daring, antrean, dan pengaduan.")],
        ),
        page("/a/separuh/", "Layanan publik", "a", &[("", "Pelayanan publik di kecamatan, dengan loket yang ramah.")]),
        page("/a/lain/", "Cuti pegawai", "a", &[("", "Pegawai mengajukan cuti tahunan dan cuti besar kepada atasan.")]),
        page("/a/rumah/", "Dari rumah", "a", &[("", "Kerja dari rumah dibahas di sini sejak anak lahir.")]),
    ]
}

#[test]
fn pages_covering_every_idea_come_first_and_the_rest_are_flagged_partial() {
    let files = build_index(&coverage_site(), &plain());
    let got = top(&files, "pelayanan publik digital");
    assert_eq!(got.hits[0].url, "/a/lengkap/", "{got:?}");
    assert!(!got.hits[0].partial && got.hits[0].missing.is_empty());
    // A title sharing one word comes after pages matching more of the query.
    let rest: Vec<(&str, &[String])> = got.hits[1..].iter().map(|h| (h.url.as_str(), h.missing.as_slice())).collect();
    assert_eq!(
        rest,
        [("/a/separuh/", &["digital".to_string()][..]), ("/a/judul/", &["publik".into(), "digital".into()][..])]
    );
    assert!(got.hits[1..].iter().all(|h| h.partial));
    assert!(got.absent.is_empty(), "some page matches every word: {:?}", got.absent);
}

#[test]
fn a_word_no_page_is_about_is_named_before_partial_matches() {
    let files = build_index(&coverage_site(), &plain());
    // `cuti` is a page's subject; `melahirkan` (lahir) is mentioned once in passing.
    let got = top(&files, "cuti melahirkan");
    assert!(got.hits.iter().all(|h| h.partial), "{got:?}");
    assert_eq!(got.absent, ["melahirkan"]);
    let nothing = top(&files, "resep rendang");
    assert!(nothing.hits.is_empty());
    assert_eq!(nothing.absent, ["resep", "rendang"]);
}

#[test]
fn words_side_by_side_rank_above_words_far_apart() {
    let filler = "rapat anggaran laporan arsip jadwal loket formulir";
    let pages = vec![
        page("/b/jauh/", "Satu", "b", &[("", &format!("Agen datang. {filler}. Lalu perubahan."))]),
        page("/b/dekat/", "Dua", "b", &[("", &format!("{filler}. Agen perubahan datang."))]),
    ];
    let files = build_index(&pages, &plain());
    let got = top(&files, "agen perubahan");
    assert_eq!(got.hits[0].url, "/b/dekat/");
    assert!(got.hits[0].score > got.hits[1].score * 1.2, "{got:?}");
}

#[test]
fn a_title_bonus_needs_most_of_the_query_in_the_title() {
    let pages = vec![
        page("/c/satu/", "Rapat", "c", &[("", "Rapat kerja dan anggaran daerah dibahas bersama.")]),
        page("/c/dua/", "Rapat kerja anggaran", "c", &[("", "Rapat kerja dan anggaran daerah dibahas bersama.")]),
    ];
    let files = build_index(&pages, &plain());
    let got = top(&files, "rapat kerja anggaran");
    assert_eq!(got.hits[0].url, "/c/dua/");
    assert!(got.hits[0].score > got.hits[1].score * 1.2, "{got:?}");
}

/// Pages written in the regulation's words, and one in the reader's.
fn formal_site() -> Vec<PageText> {
    vec![
        page("/d/medsos/", "Etika", "d", &[("", "Pegawai menjaga sikap di media sosial dan grup percakapan.")]),
        page("/d/santai/", "Obrolan", "d", &[("", "Jangan curhat soal kantor di medsos.")]),
        page("/d/pilkada/", "Netral", "d", &[("", "Menjelang pemilihan kepala daerah pegawai tetap netral.")]),
        page("/d/antre/", "Loket", "d", &[("", "Antrean di loket dipendekkan dengan nomor daring.")]),
        page("/d/latih/", "Belajar", "d", &[("", "Pelatihan daring untuk pegawai baru.")]),
    ]
}

#[test]
fn everyday_words_find_formal_pages_one_way_and_say_how() {
    let files = build_index(&formal_site(), &SearchConfig::default());
    let got = top(&files, "medsos");
    assert_eq!(
        urls(&files, "medsos"),
        ["/d/santai/", "/d/medsos/"],
        "the word as typed weighs more than its expansion"
    );
    assert!(got.hits[0].via.is_empty());
    let via = &got.hits[1].via;
    assert_eq!((via[0].word.as_str(), via[0].matched.as_str(), via[0].kind), ("medsos", "media sosial", "synonym"));
    assert_eq!(urls(&files, "media sosial"), ["/d/medsos/"], "the formal term does not find the colloquial one");
    // Abbreviations both ways, misspellings by habit, English office words.
    assert_eq!(urls(&files, "pilkada"), ["/d/pilkada/"]);
    assert_eq!(urls(&files, "antrian online"), ["/d/antre/", "/d/latih/"]);
    assert_eq!(urls(&files, "training"), ["/d/latih/"]);
}

#[test]
fn the_thesaurus_can_be_switched_off_and_extended_in_config() {
    let off = build_index(&formal_site(), &plain());
    assert!(urls(&off, "pilkada").is_empty());
    let mut config = plain();
    config.thesaurus.insert("curhat".into(), vec!["grup percakapan".into()]);
    let files = build_index(&formal_site(), &config);
    assert_eq!(urls(&files, "curhat"), ["/d/santai/", "/d/medsos/"]);
}

#[test]
fn two_typos_are_forgiven_from_eight_letters_and_a_correction_is_suggested() {
    let files = build_index(&site(), &plain());
    // One edit from five letters.
    assert_eq!(urls(&files, "pelayann")[0], "/nilai/pelayanan/");
    assert!(urls(&files, "rapt").is_empty(), "no typo tolerance under five letters");
    // Two edits (a swap counts as one) from eight letters, not below.
    let got = top(&files, "pelyaann dan nepotsme");
    assert_eq!(got.suggestion.as_deref(), Some("pelayanan dan nepotisme"));
    assert!(got.hits.iter().any(|h| h.url == "/nilai/pelayanan/"), "{got:?}");
    let via = &got.hits[0].via;
    assert!(via.iter().all(|v| v.kind == "typo"), "{via:?}");
    assert!(urls(&files, "kulasi").is_empty(), "two edits in a six-letter word are too many");
}

#[test]
fn typo_candidates_prefer_the_nearest_word_then_the_commonest() {
    let pages = vec![
        page("/e/1/", "Satu", "e", &[("", "Rapat bulanan.")]),
        page("/e/2/", "Dua", "e", &[("", "Rapat tahunan.")]),
        page("/e/3/", "Tiga", "e", &[("", "Pintu rapet.")]),
        page("/e/4/", "Empat", "e", &[("", "Laporan kinerja dan lapiran berkas.")]),
    ];
    let files = build_index(&pages, &plain());
    // `rapot` is one edit from `rapat` (two pages) and `rapet` (one): the commoner wins.
    assert_eq!(top(&files, "rapot").suggestion.as_deref(), Some("rapat"));
    // `laporam` is one edit from `laporan`, two from `lapiran`: the nearer wins.
    assert_eq!(top(&files, "laporam").suggestion.as_deref(), Some("laporan"));
    // A word of the site is never corrected, however common a neighbour.
    assert_eq!(top(&files, "lapiran").suggestion, None);
}

#[test]
fn a_word_on_most_pages_does_not_make_a_page_partial() {
    let pages = vec![
        page("/f/1/", "Satu", "f", &[("", "Pegawai menghadiri rapat.")]),
        page("/f/2/", "Dua", "f", &[("", "Pegawai menulis laporan.")]),
        page("/f/3/", "Tiga", "f", &[("", "Pegawai ikut apel pagi.")]),
        page("/f/4/", "Empat", "f", &[("", "Cuti tahunan diajukan lewat atasan.")]),
    ];
    let files = build_index(&pages, &plain());
    let got = top(&files, "cuti pegawai");
    assert_eq!(got.hits[0].url, "/f/4/");
    assert!(!got.hits[0].partial && got.hits[0].missing.is_empty(), "{got:?}");
    assert!(got.absent.is_empty());
    // Pages with only the common word lack the query's idea.
    let got = top(&files, "pegawai rapat");
    assert_eq!(got.hits[0].url, "/f/1/");
    assert!(got.hits[1..].iter().all(|h| h.partial), "{got:?}");
}
