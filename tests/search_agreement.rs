//! One engine in two languages: the browser's (`search-engine.js`, run by Node) against the
//! terminal's (the Rust library behind `pedoman search`).
//!
//! - The JavaScript file's generated block (word lists, affixes, format and ranking
//!   constants) is checked by a unit test of `src/search/js.rs` (`cargo test --lib js`;
//!   `PEDOMAN_BLESS=1` rewrites it after changing the Rust source).
//! - `node --test tests/js/` checks the JavaScript stemmer on the hand-checked pairs and on
//!   every word of the bundled site.
//! - A differential test generates thousands of queries from the bundled site and from a
//!   generated corpus (`gen_corpus.py`), and requires identical results, scores, snippets,
//!   partial flags, "matched via", absent words and suggestions from both engines.

mod common;

use pedoman::search::{DirStore, Engine, Options};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds `root` into a temporary folder with the real binary.
fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let built =
        common::pedoman(["build".as_ref(), "--root".as_ref(), root.as_os_str(), "--output".as_ref(), out.as_os_str()]);
    assert!(built.status.success(), "build of {} failed: {}", root.display(), String::from_utf8_lossy(&built.stderr));
    (dir, out)
}

/// The bundled site, built once for this file.
fn bundled() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &SITE.get_or_init(|| build(&common::repo_root())).1
}

/// The repository's copy of the shared corpus generator (see examples/bench/runner.rs).
fn gen_corpus() -> PathBuf {
    common::repo_root().join("examples/bench/gen_corpus.py")
}

/// A generated site of `pages` pages, built.
fn corpus(pages: usize) -> (tempfile::TempDir, PathBuf, tempfile::TempDir) {
    let src = tempfile::tempdir().unwrap();
    let made = Command::new("python3")
        .arg(gen_corpus())
        .arg(src.path())
        .arg(pages.to_string())
        .output()
        .expect("could not run python3");
    assert!(made.status.success(), "gen_corpus.py failed: {}", String::from_utf8_lossy(&made.stderr));
    let (dir, out) = build(&src.path().join("pedoman-site"));
    (dir, out, src)
}

fn node() -> PathBuf {
    let node = std::env::var_os("PEDOMAN_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    let ok = Command::new(&node).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(ok, "Node.js not found: install it (apt-get install nodejs) or set PEDOMAN_NODE; the browser search is tested with node");
    node
}

#[test]
fn node_unit_tests_pass() {
    let out = Command::new(node())
        .arg("--test")
        .arg(common::repo_root().join("tests/js/search.test.js"))
        .env("PEDOMAN_SEARCH_DIR", bundled().join("search"))
        .output()
        .expect("could not run node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node --test tests/js/search.test.js failed:\n{text}");
}

/// A seeded xorshift generator: the same queries on every run, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// What queries are made of: the site's words, runs of its text, its sections, and the
/// thesaurus's words and phrases.
struct Material {
    words: Vec<String>,
    runs: Vec<Vec<String>>,
    sections: Vec<String>,
    thesaurus: Vec<String>,
}

/// A stored index file's bytes, gunzipped.
fn unpacked(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut out).unwrap();
    out
}

fn material(site: &Path) -> Material {
    let search = site.join("search");
    let mut words = Vec::new();
    for entry in std::fs::read_dir(search.join("v")).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("index.txt.gz") {
            continue;
        }
        let text = String::from_utf8(unpacked(&path)).unwrap();
        words.extend(text.lines().map(|l| l.split('\t').next().unwrap().to_string()));
    }
    words.sort();
    let mut runs = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(search.join("f")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let frag: Value = serde_json::from_slice(&unpacked(&f)).unwrap();
        for s in frag["s"].as_array().unwrap() {
            let tokens = pedoman::search::tokenize(s[2].as_str().unwrap());
            runs.extend(tokens.chunks(3).map(|c| c.iter().map(|t| t.surface.clone()).collect::<Vec<_>>()));
        }
    }
    let meta: Value = serde_json::from_slice(&std::fs::read(search.join("meta.json")).unwrap()).unwrap();
    let sections = meta["sections"].as_array().unwrap().iter().map(|s| s[0].as_str().unwrap().to_string()).collect();
    let thesaurus = include_str!("../src/search/thesaurus.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .flat_map(|l| l.split("->").flat_map(|side| side.split([',', '='])))
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    Material { words, runs, sections, thesaurus }
}

/// One edit: delete, insert, replace or swap neighbours.
fn edit(rng: &mut Rng, word: &str) -> String {
    let mut c: Vec<char> = word.chars().collect();
    let letters: Vec<char> = "abcdeghijklmnoprstuwy".chars().collect();
    let i = rng.below(c.len());
    match rng.below(4) {
        0 if c.len() > 1 => {
            c.remove(i);
        }
        1 => c.insert(i, *rng.pick(&letters)),
        2 => c[i] = *rng.pick(&letters),
        _ if i + 1 < c.len() => c.swap(i, i + 1),
        _ => c.push(*rng.pick(&letters)),
    }
    c.into_iter().collect()
}

/// Capitals and punctuation as people type them.
fn roughen(rng: &mut Rng, q: String) -> String {
    let mut q = match rng.below(4) {
        0 => q.to_uppercase(),
        1 => q
            .split(' ')
            .map(|w| {
                w.chars().enumerate().map(|(i, c)| if i == 0 { c.to_ascii_uppercase() } else { c }).collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => q,
    };
    if rng.chance(40) {
        let end: &str = rng.pick::<&str>(&["?", "!", ".", ",", " ...", "…", " 🙂", ")", ";"]);
        q.push_str(end);
    }
    if rng.chance(15) {
        let start: &str = rng.pick::<&str>(&["(", "  ", "- ", "¿", "\""]);
        q = format!("{start}{q}");
    }
    q
}

/// `(query, prefix mode, section)` for `count` queries.
fn queries(m: &Material, count: usize, seed: u64) -> Vec<(String, bool, Option<String>)> {
    let mut rng = Rng(seed);
    let long: Vec<&String> = m.words.iter().filter(|w| w.chars().count() >= 8 && !w.contains('-')).collect();
    let mid: Vec<&String> = m.words.iter().filter(|w| w.chars().count() >= 5 && !w.contains('-')).collect();
    let mut out = Vec::new();
    for k in 0..count {
        let word = |rng: &mut Rng| rng.pick(&m.words).clone();
        let (q, prefix, section) = match k % 10 {
            0 => (word(&mut rng), false, None),
            1 => ((0..2 + rng.below(3)).map(|_| word(&mut rng)).collect::<Vec<_>>().join(" "), false, None),
            2 => {
                let w: Vec<char> = word(&mut rng).chars().collect();
                let head = format!("{} ", word(&mut rng));
                let cut: String = w[..(2 + rng.below(w.len().max(3) - 1)).min(w.len())].iter().collect();
                (format!("{}{cut}", if rng.chance(50) { head.as_str() } else { "" }), true, None)
            }
            3 => {
                let w = (*rng.pick(&mid)).clone();
                (edit(&mut rng, &w), false, None)
            }
            4 => {
                let w = (*rng.pick(&long)).clone();
                let once = edit(&mut rng, &w);
                (edit(&mut rng, &once), false, None)
            }
            5 => {
                let run = rng.pick(&m.runs).join(" ");
                let extra = if rng.chance(50) { format!(" {}", word(&mut rng)) } else { String::new() };
                (format!("\"{run}\"{extra}"), false, None)
            }
            6 => (word(&mut rng), false, Some(rng.pick(&m.sections).clone())),
            7 => {
                let t = rng.pick(&m.thesaurus).clone();
                (if rng.chance(50) { format!("{t} {}", word(&mut rng)) } else { t }, false, None)
            }
            8 => {
                // A question around the site's words.
                let lead = rng.pick(&["bagaimana cara", "apa itu", "apakah", "gimana", "kenapa", "siapa yang"]);
                (format!("{lead} {} {}", word(&mut rng), word(&mut rng)), false, None)
            }
            _ => (rng.pick(&m.runs).join(" "), rng.chance(50), None),
        };
        let q = if rng.chance(50) { roughen(&mut rng, q) } else { q };
        out.push((q, prefix, section));
    }
    out
}

/// Both engines on the same queries of one site: how many agreed, and the first few
/// differences.
fn compare(site: &Path, queries: &[(String, bool, Option<String>)]) {
    let mut engine = Engine::open(DirStore(site.join("search"))).unwrap();
    let rust: Vec<Value> = queries
        .iter()
        .map(|(q, prefix, section)| {
            let opts = Options { limit: 10, prefix: *prefix, section: section.clone() };
            match engine.search(q, &opts) {
                Ok(r) => {
                    let mut v = serde_json::to_value(&r).unwrap();
                    // Scores compared bit for bit (differential.js sends them so).
                    for (h, hit) in v["hits"].as_array_mut().unwrap().iter_mut().zip(&r.hits) {
                        h["score"] = json!(format!("{:x}", hit.score.to_bits()));
                    }
                    v
                }
                Err(e) => json!({ "error": e.to_string() }),
            }
        })
        .collect();
    let file = tempfile::NamedTempFile::new().unwrap();
    let list: Vec<Value> = queries.iter().map(|(q, p, s)| json!({ "q": q, "prefix": p, "section": s })).collect();
    std::fs::write(file.path(), serde_json::to_vec(&list).unwrap()).unwrap();
    let out = Command::new(node())
        .arg(common::repo_root().join("tests/js/differential.js"))
        .arg(site.join("search"))
        .arg(file.path())
        .output()
        .expect("could not run node");
    assert!(out.status.success(), "differential.js failed: {}", String::from_utf8_lossy(&out.stderr));
    let js: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(js.len(), rust.len());
    let mut differ = Vec::new();
    let mut hits = 0;
    for ((q, r), j) in queries.iter().zip(&rust).zip(&js) {
        assert!(r.get("error").is_none(), "Rust failed on {q:?}: {r}");
        hits += r["hits"].as_array().map_or(0, Vec::len);
        if r != j {
            differ.push(format!("{q:?}\n  rust: {r}\n  js:   {j}"));
        }
    }
    println!("{}: {} queries, {hits} hits compared, {} differ", site.display(), queries.len(), differ.len());
    assert!(
        differ.is_empty(),
        "{} of {} queries differ; first:\n{}",
        differ.len(),
        queries.len(),
        differ[..differ.len().min(5)].join("\n")
    );
    // The queries must exercise the engine, not only its empty answers.
    assert!(hits > queries.len() * 3, "only {hits} hits in {} queries", queries.len());
}

#[test]
fn both_engines_answer_thousands_of_queries_on_the_bundled_site_alike() {
    let site = bundled();
    compare(site, &queries(&material(site), 1500, 0x9e37_79b9_7f4a_7c15));
}

#[test]
fn both_engines_answer_thousands_of_queries_on_a_generated_corpus_alike() {
    let (_dir, site, _src) = corpus(60);
    compare(&site, &queries(&material(&site), 1000, 0x2545_f491_4f6c_dd1d));
}
