//! The benchmark runner: Pedoman against Hugo (and Hugo + Pagefind) on the shared corpus, the
//! preview's edit-to-reload time and the first search's download, written to `BENCHMARKS.md`.
//!
//! ```sh
//! cargo run --release --example bench                    # 1,000, 10,000 and 50,000 pages
//! cargo run --release --example bench -- --sizes 1000,10000 --runs 5 --out /tmp/B.md
//! ```
//!
//! Options: `--sizes N,N…`, `--runs R` (at 50,000 pages and more, at most 3), `--work DIR`
//! (corpora and outputs; default `target/bench`), `--out FILE` (default `BENCHMARKS.md`),
//! `--generator PATH` (default `examples/bench/gen_corpus.py`, the shared generator's copy), `--serve-size N`,
//! `--serve-rounds R`, `--no-pagefind`, `--no-profile`, `--pedoman PATH` (measure that binary,
//! e.g. an older release, instead of building this one). Hugo (Debian's `hugo`), GNU `time` and
//! `perf` (`linux-perf`) are installed with apt-get when missing; Pagefind with npm.

mod runner;

use std::path::PathBuf;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut settings = runner::Settings::full(&repo);
    let mut args = std::env::args().skip(1);
    let mut binary = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| fail(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--sizes" => settings.sizes = value().split(',').map(|n| number(n.trim())).collect(),
            "--runs" => settings.runs = number(&value()),
            "--work" => settings.work = PathBuf::from(value()),
            "--out" => settings.out = PathBuf::from(value()),
            "--generator" => settings.generator = PathBuf::from(value()),
            "--serve-size" => settings.serve_size = Some(number(&value())),
            "--serve-rounds" => settings.serve_rounds = number(&value()),
            "--no-pagefind" => settings.pagefind = false,
            "--no-profile" => settings.profile = false,
            "--pedoman" => binary = Some(PathBuf::from(value())),
            "--help" | "-h" => {
                let doc = include_str!("main.rs").lines().take_while(|l| l.starts_with("//!"));
                for line in doc {
                    println!("{}", line.trim_start_matches("//!").trim_start());
                }
                return;
            }
            other => fail(&format!("unknown option {other} (see --help)")),
        }
    }
    settings.pedoman = binary.unwrap_or_else(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--release", "--locked", "--bin", "pedoman"])
            .current_dir(&repo)
            .status()
            .unwrap_or_else(|e| fail(&format!("cannot run cargo: {e}")));
        if !status.success() {
            fail("cargo build --release failed");
        }
        repo.join("target/release/pedoman")
    });
    match runner::run(&settings) {
        Ok(()) => println!("wrote {}", settings.out.display()),
        Err(e) => fail(&e),
    }
}

fn number(text: &str) -> usize {
    text.replace('_', "").parse().unwrap_or_else(|_| fail(&format!("not a number: {text}")))
}

fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(1)
}
