//! The browser's engine (`search.js`) against the terminal's (`pedoman search`):
//! same word lists, same stems for every word of the bundled site, same ranked
//! results for a list of queries. `tests/data/search_vectors.json` holds the
//! terminal's answers; this test regenerates it and fails if it went stale
//! (run with `PEDOMAN_BLESS=1` to accept a deliberate change), then runs
//! `node --test tests/js/` against the same built site.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The bundled site, built once for this file.
fn site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            let built = common::pedoman([
                "build".as_ref(),
                "--root".as_ref(),
                common::repo_root().as_os_str(),
                "--output".as_ref(),
                out.as_os_str(),
            ]);
            assert!(built.status.success(), "build failed: {}", String::from_utf8_lossy(&built.stderr));
            (dir, out)
        })
        .1
}

fn bless() -> bool {
    std::env::var_os("PEDOMAN_BLESS").is_some()
}

/// The queries both engines must answer alike: `(query, prefix mode, section)`.
const QUERIES: &[(&str, bool, Option<&str>)] = &[
    ("melayani", false, None),
    ("KKN", false, None),
    ("pegawai-pegawai", false, None),
    ("kepemimpinannya", false, None),
    ("bagaimana cara menjadi agen perubahan?", false, None),
    ("korupsi, kolusi, dan nepotisme", false, None),
    ("\"agen perubahan\" forum", false, None),
    ("\"pelayanan prima\"", false, None),
    ("pelayann", false, None),
    ("kompetnsi", false, None),
    ("ASN", false, None),
    ("digitalisasi layanan", false, None),
    ("sistem merit 2014", false, None),
    ("mengirim laporan", false, None),
    ("aparatur sipil negara", false, None),
    ("melay", true, None),
    ("agen peru", true, None),
    ("kinerja", false, Some("manajemen-kinerja")),
    ("nilai dasar", false, Some("berakhlak")),
    ("<img src=x onerror=alert(1)>", false, None),
    ("dan yang di", false, None),
    ("zzzzqqq", false, None),
];

fn terminal_hits(q: &str, prefix: bool, section: Option<&str>) -> serde_json::Value {
    if prefix {
        // The CLI searches finished queries; prefix mode is the library's option.
        let opts = pedoman::search::query::Options { limit: 10, prefix: true, section: section.map(String::from) };
        let hits = pedoman::search::search_site_with(site(), q, &opts).unwrap();
        return serde_json::to_value(hits).unwrap();
    }
    let mut args: Vec<String> = vec!["search".into(), q.into(), "--output".into(), site().display().to_string()];
    args.extend(["--json".into(), "--limit".into(), "10".into()]);
    if let Some(s) = section {
        args.extend(["--section".into(), s.into()]);
    }
    let out = common::pedoman(&args);
    assert!(out.status.success(), "pedoman search {q:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn vectors() -> serde_json::Value {
    let queries: Vec<serde_json::Value> = QUERIES
        .iter()
        .map(|(q, prefix, section)| {
            serde_json::json!({ "q": q, "prefix": prefix, "section": section, "hits": terminal_hits(q, *prefix, *section) })
        })
        .collect();
    let samples = [
        "Korupsi, Kolusi, dan Nepotisme (KKN)",
        "pegawai-pegawai sehari-hari tanya-jawab KKN-nya",
        "UU No. 20 Tahun 2023 (2010–2025)",
        "SE Menteri PANRB; se-Indonesia",
        "Berorientasi Pelayanan: melayani, pelayanan, layanan",
    ];
    let tokens: Vec<serde_json::Value> = samples
        .iter()
        .map(|s| {
            let toks: Vec<_> = pedoman::search::tokenize::tokenize(s)
                .into_iter()
                .map(|t| serde_json::json!([t.surface, t.stem, t.stop, t.start, t.end]))
                .collect();
            serde_json::json!({ "text": s, "tokens": toks })
        })
        .collect();
    serde_json::json!({ "tokens": tokens, "queries": queries })
}

#[test]
fn search_js_uses_the_rust_word_lists() {
    let path = common::repo_root().join("themes/pedoman/static/search-engine.js");
    let js = std::fs::read_to_string(&path).unwrap();
    let start = js.find("  // BEGIN LISTS").expect("BEGIN LISTS marker in search.js");
    let end = js.find("  // END LISTS\n").expect("END LISTS marker in search.js") + "  // END LISTS\n".len();
    let want = format!("  {}", pedoman::search::lists::lists_js());
    if js[start..end] != want {
        if bless() {
            std::fs::write(&path, format!("{}{}{}", &js[..start], want, &js[end..])).unwrap();
        } else {
            panic!("search.js word lists differ from src/search/lists.rs; run PEDOMAN_BLESS=1 cargo test --test search_agreement");
        }
    }
}

#[test]
fn vectors_match_the_terminal() {
    let path = common::repo_root().join("tests/data/search_vectors.json");
    let fresh = serde_json::to_string_pretty(&vectors()).unwrap() + "\n";
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old != fresh {
        if bless() {
            std::fs::write(&path, &fresh).unwrap();
        } else {
            panic!(
                "tests/data/search_vectors.json is stale (content, ranking or snippets changed); \
                 check the difference and run PEDOMAN_BLESS=1 cargo test --test search_agreement"
            );
        }
    }
}

#[test]
fn key_queries_find_their_pages() {
    let top = |q: &str, n: usize| -> Vec<String> {
        let hits = pedoman::search::search_site(site(), q, n).unwrap();
        hits.into_iter().map(|h| h.url.split('#').next().unwrap().to_string()).collect()
    };
    assert!(top("melayani", 3).contains(&"/berakhlak/berorientasi-pelayanan/".to_string()), "{:?}", top("melayani", 3));
    assert!(top("KKN", 3).contains(&"/revolusi-mental/fokus-pada-tugas/".to_string()), "{:?}", top("KKN", 3));
    let kkn_words = top("korupsi kolusi nepotisme", 3);
    assert!(kkn_words.contains(&"/revolusi-mental/fokus-pada-tugas/".to_string()), "{kkn_words:?}");
    let agen = top("bagaimana cara menjadi agen perubahan?", 3);
    assert!(agen.iter().all(|u| u.starts_with("/agen-perubahan/")), "{agen:?}");
    let lead = top("kepemimpinannya", 3);
    assert!(lead.iter().any(|u| u.contains("pimpinan")), "{lead:?}");
    assert!(!top("pegawai-pegawai", 5).is_empty());
    assert!(top("zzzzqqq", 5).is_empty());
}

#[test]
fn node_engine_agrees() {
    let node = which_node();
    let out = Command::new(node)
        .arg("--test")
        .arg(common::repo_root().join("tests/js"))
        .env("PEDOMAN_SEARCH_DIR", site().join("search"))
        .env("PEDOMAN_REQUIRE_INDEX", "1")
        .output()
        .expect("could not run node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node --test tests/js/ failed:\n{text}");
}

fn which_node() -> PathBuf {
    let node = std::env::var_os("PEDOMAN_NODE").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("node"));
    let ok = Command::new(&node).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    assert!(ok, "Node.js not found: install it (apt-get install nodejs) or set PEDOMAN_NODE; the browser search is tested with node --test");
    node
}
