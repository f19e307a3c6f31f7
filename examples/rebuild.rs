//! Benchmark: how long the in-place rebuild takes after editing one page (what `serve` does
//! on save). Usage: `cargo run --release --example rebuild -- SITE_ROOT [ROUNDS]`.

use pedoman::{BuildOptions, Builder};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: rebuild SITE_ROOT [ROUNDS]"));
    let rounds: usize = args.next().map(|r| r.parse().expect("ROUNDS is a number")).unwrap_or(10);
    let out = std::env::temp_dir().join(format!("pedoman-rebuild-{}", std::process::id()));
    let mut builder = Builder::new(BuildOptions::preview(root.clone(), out.clone()));
    let first = builder.build(None).unwrap_or_else(|d| panic!("{d}"));
    println!("first build: {} pages in {} ms", first.pages, first.elapsed.as_millis());
    // The page to edit: the last Markdown file in walk order that is not a section index.
    let page = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .last()
        .expect("a page to edit");
    let original = std::fs::read_to_string(&page).unwrap();
    let mut times = Vec::new();
    for round in 0..rounds {
        std::fs::write(&page, format!("{original}\n\nSuntingan ke-{round}.\n")).unwrap();
        let start = Instant::now();
        let report = builder.build(Some(std::slice::from_ref(&page))).unwrap_or_else(|d| panic!("{d}"));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if round == 0 {
            let stages: Vec<String> =
                report.stages.iter().map(|s| format!("{} {:.1}", s.name, s.took.as_secs_f64() * 1000.0)).collect();
            println!("rebuild wrote {} files; stages (ms): {}", report.written.len(), stages.join(", "));
        }
    }
    std::fs::write(&page, original).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    times.sort_by(f64::total_cmp);
    println!(
        "edited {}: median {:.1} ms, min {:.1} ms, max {:.1} ms over {rounds} rebuilds",
        page.display(),
        times[rounds / 2],
        times[0],
        times[rounds - 1]
    );
}
