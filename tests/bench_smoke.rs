//! The benchmark runner (`cargo run --release --example bench`) at 200 pages, so it cannot rot:
//! corpus generation, alternating builds (with Hugo when it is installed), the preview's
//! save-to-reload rounds, the first search's download, and the report it writes.

#[path = "../examples/bench/runner.rs"]
#[allow(dead_code)]
mod runner;

use std::path::{Path, PathBuf};

#[test]
fn the_benchmark_runs_at_200_pages_and_writes_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut settings = runner::Settings::full(&repo);
    assert!(settings.generator.is_file(), "the shared corpus generator is missing: {}", settings.generator.display());
    settings.sizes = vec![200];
    settings.runs = 1;
    settings.work = tmp.path().join("work");
    settings.out = tmp.path().join("BENCHMARKS.md");
    settings.pedoman = PathBuf::from(env!("CARGO_BIN_EXE_pedoman"));
    settings.install = false;
    settings.pagefind = false;
    settings.profile = false;
    settings.serve_size = Some(200);
    settings.serve_rounds = 3;
    settings.bundled = Some(repo.clone());
    std::fs::write(&settings.out, "# old\n\n## Reading\n\nCatatan tangan.\n").unwrap();
    runner::run(&settings).unwrap();
    let report = std::fs::read_to_string(&settings.out).unwrap();

    let built = row(&report, "| 200 | Pedoman (with search) |");
    let wall: f64 = built[3].parse().unwrap();
    let rss: f64 = built[5].parse().unwrap();
    assert!(wall > 0.0 && rss > 1.0, "{built:?}");
    assert!(built[8].contains('(') && !built[8].starts_with("0.0"), "the search index is measured: {built:?}");
    if hugo_installed() {
        let hugo = row_of(&report, "| 200 | Hugo (no search) |");
        assert!(hugo.is_some(), "a Hugo row:\n{report}");
        assert!(built[9].parse::<f64>().unwrap() > 0.0, "Pedoman's wall ÷ Hugo's: {built:?}");
    }
    let serve = row(&report, "| corpus, 200 pages | 200 | 3 |");
    assert!(serve[3].parse::<f64>().unwrap() > 0.0, "{serve:?}");
    let bundled = row(&report, "| bundled guidance |");
    assert!(bundled[3].parse::<f64>().unwrap() > 0.0, "{bundled:?}");
    let firsts = report.lines().filter(|l| l.contains("| search box | melayani |")).count();
    assert_eq!(firsts, 2, "the first search on the corpus and on the bundled guidance:\n{report}");
    for place in ["search box", "search page"] {
        let query = row(&report, &format!("| 200 | {place} | melayani |"));
        assert!(query[3].contains("search/meta.json") && query[3].contains("search.js"), "{query:?}");
        assert!(query[4].parse::<f64>().unwrap() > 1.0, "{query:?}");
    }
    assert!(report.contains("## Machine") && report.contains("pedoman build --root corpus-N/pedoman-site"));
    assert!(report.ends_with("## Reading\n\nCatatan tangan.\n"), "the hand-written reading is kept:\n{report}");
    assert!(!Path::new(&settings.work).join("serve-copy").exists(), "the preview's copy is removed");
}

fn row_of(report: &str, start: &str) -> Option<Vec<String>> {
    let line = report.lines().find(|l| l.starts_with(start))?;
    Some(line.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect())
}

fn row(report: &str, start: &str) -> Vec<String> {
    row_of(report, start).unwrap_or_else(|| panic!("no row `{start}` in:\n{report}"))
}

fn hugo_installed() -> bool {
    std::process::Command::new("hugo").arg("version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn the_corpus_generator_is_the_shared_one() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let copy = std::fs::read(repo.join("examples/bench/gen_corpus.py")).unwrap();
    // The steering team's generator sits beside the repository where they share it.
    let Ok(shared) = std::fs::read(repo.join("../shared/bench/gen_corpus.py")) else {
        eprintln!("../shared/bench/gen_corpus.py is not here; the copy is used as is");
        return;
    };
    assert!(copy == shared, "examples/bench/gen_corpus.py differs from ../shared/bench/gen_corpus.py: copy it again");
}
