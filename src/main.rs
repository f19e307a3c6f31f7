//! The `pedoman` command line: a thin layer over the library.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use pedoman::serve::ServeOptions;
use pedoman::{BuildOptions, Builder, Write as OutputWrite};
use std::io::{BufRead, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "pedoman", version, about = "Static knowledge-site generator for reform guidance")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: ROOT/public).
    Build {
        /// Site root (holds config.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url from config.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Replace the output folder even if Pedoman did not write it (everything in it is deleted).
        #[arg(long)]
        force: bool,
    },
    /// Create a new site that builds at once with the default theme.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// Preview the site locally, rebuilding on save and reloading the browser.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        #[arg(long)]
        drafts: bool,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Search a built site from the terminal.
    Search {
        query: String,
        /// Site root; the index is read from ROOT/public unless --output is given.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only pages of this top-level section (its slug, e.g. berakhlak).
        #[arg(long)]
        section: Option<String>,
        /// Print results as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print `word<TAB>stem` for each word (or each line of standard input).
    Stem { words: Vec<String> },
}

/// The snippet with its matched words in bold (on a terminal) or as is.
fn highlight(snippet: &str, marks: &[[usize; 2]], bold: bool) -> String {
    if !bold {
        return snippet.to_string();
    }
    let mut out = String::new();
    for (i, c) in snippet.chars().enumerate() {
        if marks.iter().any(|m| m[0] == i) {
            out.push_str("\x1b[1m");
        }
        out.push(c);
        if marks.iter().any(|m| m[1] == i + 1) {
            out.push_str("\x1b[0m");
        }
    }
    out
}

fn main() -> ExitCode {
    pedoman::use_small_pages();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build { root, output, base_url, drafts, timings, force } => {
            let output = output.unwrap_or_else(|| root.join("public"));
            let mut opts = BuildOptions::publish(root, output);
            opts.base_url = base_url;
            opts.drafts = drafts;
            opts.write = OutputWrite::Swap { force };
            match Builder::new(opts).build(None) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("warning: {warning}");
                    }
                    println!(
                        "Built {} pages, {} sections in {} ms",
                        report.pages,
                        report.sections,
                        report.elapsed.as_millis()
                    );
                    if timings {
                        for stage in &report.stages {
                            let peak =
                                stage.peak_rss.map(|b| format!("  peak {:>6} MB", b / 1_000_000)).unwrap_or_default();
                            let read = stage.read.map(|b| format!("  read {:>9} KB", b / 1000)).unwrap_or_default();
                            println!("  {:<12} {:>8.1} ms{peak}{read}", stage.name, stage.took.as_secs_f64() * 1000.0);
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(diags) => {
                    eprintln!("{diags}");
                    eprintln!("Build failed: {} error(s); the previous output was left untouched.", diags.0.len());
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Init { dir } => {
            pedoman::scaffold(&dir).with_context(|| format!("could not create a site in {}", dir.display()))?;
            println!("Created a new site in {}. Next: cd {} && pedoman serve", dir.display(), dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { root, port, bind, drafts, open } => {
            pedoman::serve::serve(ServeOptions { root, port, bind, drafts, open })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, root, output, limit, section, json } => {
            let dir = output.unwrap_or_else(|| root.join("public"));
            let opts = pedoman::search::Options { limit, prefix: false, section };
            let results = pedoman::search::search_site_with(&dir, &query, &opts)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
                return Ok(ExitCode::SUCCESS);
            }
            if let Some(s) = &results.suggestion {
                println!("Did you mean: {s}");
            }
            if !results.absent.is_empty() {
                println!("No page is about: {}", results.absent.join(", "));
            }
            if results.hits.is_empty() {
                println!("No results for \"{query}\".");
            }
            let bold = std::io::IsTerminal::is_terminal(&std::io::stdout());
            for (i, hit) in results.hits.iter().enumerate() {
                println!("{}. {}  {}", i + 1, hit.title, hit.url);
                // The home page's title starts every breadcrumb: leave it out.
                if hit.breadcrumb.len() > 1 {
                    println!("   {}", hit.breadcrumb[1..].join(" › "));
                }
                println!("   {}", highlight(&hit.snippet, &hit.marks, bold));
                if hit.partial {
                    println!("   (partial: no {})", hit.missing.join(", "));
                }
                for v in &hit.via {
                    println!("   ({} matched as {}: {})", v.word, v.kind, v.matched);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stem { words } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if words.is_empty() {
                for line in std::io::stdin().lock().lines() {
                    let word = line?;
                    let word = word.trim();
                    if !word.is_empty() {
                        writeln!(out, "{word}\t{}", pedoman::search::stem(word))?;
                    }
                }
            } else {
                for word in &words {
                    writeln!(out, "{word}\t{}", pedoman::search::stem(word))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
