//! Property tests of everything in search that meets user input: the tokenizer, the stemmer,
//! the query parser, the index reader and the whole engine on damaged indexes. Invariants:
//! no panic, no hang (each case is timed), the same answer twice, and a damaged index is an
//! error. Case counts are set per property below.

use pedoman::config::SearchConfig;
use pedoman::search::{build_index, stem, tokenize, Engine, IndexFile, Options, PageText, Passage, SearchError, Store};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A case slower than this is a hang (or a quadratic blow-up) for these input sizes.
const CASE_LIMIT: Duration = Duration::from_secs(2);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < CASE_LIMIT, "{what} took {:?}", start.elapsed());
    out
}

/// Text as readers and editors write it: Indonesian words, affixes, capitals, hyphens,
/// quotes, digits, punctuation, accents and other scripts.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}",
        "(me|mem|men|meng|meny|pe|pem|pen|peng|peny|ber|ter|per|di|ke|se){1,3}[a-z]{2,8}(kan|an|i|lah|kah|nya|ku|mu|pun)?",
        "[A-Z]{2,5}",
        "[a-z]{2,6}-[a-z]{2,6}",
        "[0-9]{1,5}",
        "[\"'.,;:!?()…—–-]",
        "[éèüñçøåİıß]{1,3}",
        "[\\u{0600}-\\u{06FF}\\u{4E00}-\\u{4E20}\\u{1F600}-\\u{1F64F}]{1,3}",
        "[ \\t\\n]{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn tokens_lie_inside_the_text_and_come_out_the_same_twice(s in text()) {
        let tokens = timed("tokenize", || tokenize(&s));
        let len = s.chars().count();
        for t in &tokens {
            prop_assert!(t.start < t.end && t.end <= len, "{t:?} in {len} chars");
            prop_assert!(!t.stem.is_empty());
        }
        prop_assert_eq!(tokens, tokenize(&s));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn stems_are_never_longer_than_their_word(w in "(me|mem|men|meng|meny|pe|peng|ber|ter|per|di|ke|se){0,3}[a-zé]{0,14}(kan|an|i|lah|nya)?") {
        let s = timed("stem", || stem(&w));
        prop_assert!(s.chars().count() <= w.chars().count(), "{w} -> {s}");
        prop_assert!(w.is_empty() || !s.is_empty());
        prop_assert_eq!(s, stem(&w));
    }
}

struct Mem(BTreeMap<String, Vec<u8>>);

impl Store for Mem {
    fn read(&self, path: &str) -> Result<Vec<u8>, SearchError> {
        self.0.get(path).cloned().ok_or_else(|| SearchError::Corrupt(format!("missing {path}")))
    }
}

/// A small site's index, built once.
fn index() -> Vec<IndexFile> {
    static FILES: std::sync::OnceLock<Vec<IndexFile>> = std::sync::OnceLock::new();
    FILES.get_or_init(build).clone()
}

fn build() -> Vec<IndexFile> {
    let page = |url: &str, title: &str, body: &str| PageText {
        url: url.into(),
        title: title.into(),
        section: url.split('/').nth(1).unwrap_or("").into(),
        passages: vec![Passage { text: body.into(), ..Default::default() }].into(),
        ..Default::default()
    };
    let pages = vec![
        page("/a/layanan/", "Berorientasi Pelayanan", "Pegawai melayani warga di loket dengan ramah dan cepat."),
        page("/a/kkn/", "Bebas KKN", "Korupsi, kolusi, dan nepotisme merusak birokrasi; tolak gratifikasi."),
        page("/b/medsos/", "Media sosial", "Netralitas pegawai di media sosial menjelang pemilihan kepala daerah."),
        page("/b/agen/", "Agen perubahan", "Agen perubahan memelopori perbaikan kecil dan rencana aksi."),
    ];
    build_index(&pages, &SearchConfig::default())
}

fn search(files: &[IndexFile], q: &str, prefix: bool) -> Result<pedoman::search::Results, SearchError> {
    let store = Mem(files.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect());
    Engine::open(store)?.search(q, &Options { limit: 10, prefix, section: None })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn any_query_gets_the_same_answer_twice(q in text(), prefix in any::<bool>()) {
        let files = index();
        let a = timed("search", || search(&files, &q, prefix)).unwrap();
        let b = search(&files, &q, prefix).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_damaged_index_answers_with_an_error_never_a_panic(
        file in 0usize..64,
        at in any::<usize>(),
        cut in any::<bool>(),
        noise in prop::collection::vec(any::<u8>(), 1..16),
        q in prop_oneof![Just("pelayanan".to_string()), Just("medsos kkn".to_string()), Just("agen peru".to_string()), Just("pelyanaan".to_string())],
    ) {
        let mut files = index();
        let n = files.len();
        let (_, shared) = &mut files[file % n];
        let mut bytes = shared.to_vec();
        let at = at % (bytes.len() + 1);
        if cut {
            bytes.truncate(at);
        } else {
            bytes.splice(at..(at + noise.len()).min(bytes.len()), noise);
        }
        *shared = bytes.into();
        // Ok (the damage missed what this query reads) or an error; never a panic.
        let _ = timed("search a damaged index", || search(&files, &q, true));
    }
}
