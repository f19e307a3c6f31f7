//! What the benchmark runs and how it measures; shared by `examples/bench` and the smoke test
//! (`tests/bench_smoke.rs`), which runs it at 200 pages.
// Included by two crates as a module: `pub` is how they reach it.
#![allow(unreachable_pub)]

use pedoman::search::{DirStore, Engine, Options, SearchError, Store};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Pagefind version used for the "site with search" comparison (from npm).
const PAGEFIND: &str = "pagefind@1.6.0";
/// Queries whose first download is measured.
const QUERIES: [&str; 3] = ["melayani", "agen perubahan", "sistem merit"];
/// Where a reader types a first search, and what `search.js` asks the engine for there: the
/// box on every page shows `WINDOW` (5) hits and reads the last word as a beginning; the
/// search page (`/cari/?q=…`) shows 5 as well, then 10 more for each press of its button.
const PLACES: [(&str, usize, bool); 3] =
    [("search box", 5, true), ("search page", 5, false), ("search page, after one \"more\"", 15, false)];

pub struct Settings {
    pub sizes: Vec<usize>,
    /// Timed runs per tool and size (at most 3 at 50,000 pages and more).
    pub runs: usize,
    pub work: PathBuf,
    pub out: PathBuf,
    pub generator: PathBuf,
    pub pedoman: PathBuf,
    /// Install Hugo, GNU time and perf with apt-get when missing.
    pub install: bool,
    pub pagefind: bool,
    pub profile: bool,
    /// Corpus size for the preview's edit-to-reload measurement (`None`: skip).
    pub serve_size: Option<usize>,
    pub serve_rounds: usize,
    /// A site measured in the preview besides the corpus (the bundled guidance).
    pub bundled: Option<PathBuf>,
}

impl Settings {
    /// The full run, as `cargo run --release --example bench` does it.
    pub fn full(repo: &Path) -> Settings {
        // A copy of the shared generator (`../shared/bench/gen_corpus.py`), kept in the
        // repository so a clean checkout can run the benchmark and its tests; `bench_smoke`
        // checks the copy still equals the shared file wherever that is present.
        let generator = repo.join("examples/bench/gen_corpus.py");
        Settings {
            sizes: vec![1_000, 10_000, 50_000],
            runs: 5,
            work: repo.join("target/bench"),
            out: repo.join("BENCHMARKS.md"),
            generator,
            pedoman: repo.join("target/release/pedoman"),
            install: true,
            pagefind: true,
            profile: true,
            serve_size: Some(10_000),
            serve_rounds: 20,
            bundled: Some(repo.to_path_buf()),
        }
    }
}

/// One timed command.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub wall: f64,
    pub cpu: f64,
    pub rss_mb: f64,
}

/// Medians of one tool's runs at one size, and what it wrote.
#[derive(Debug, Default)]
pub struct Row {
    pub tool: String,
    pub pages: usize,
    pub runs: usize,
    pub median: Sample,
    /// Each run's wall time, in the order run.
    pub walls: Vec<f64>,
    pub output: Size,
    pub index: Option<Size>,
}

/// Bytes of a folder's files, what they occupy on disk, and how many there are.
#[derive(Debug, Default, Clone, Copy)]
pub struct Size {
    pub bytes: u64,
    pub disk: u64,
    pub files: u64,
}

/// Everything one run of the benchmark found.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub serve: Vec<ServeRow>,
    pub first_query: Vec<FirstQuery>,
    pub stages: Option<(usize, String)>,
    pub profile: Option<String>,
    pub notes: Vec<String>,
}

/// One query's first download: each file fetched and its gzipped size.
#[derive(Debug)]
pub struct FirstQuery {
    pub pages: usize,
    /// Where it is typed (see `PLACES`).
    pub place: &'static str,
    pub query: String,
    pub files: Vec<(String, usize)>,
}

#[derive(Debug, Default)]
pub struct ServeRow {
    pub site: String,
    pub pages: usize,
    /// Write → reload event, ms, sorted.
    pub total: Vec<f64>,
    /// What the server reported of that: quiet window + queue, and the build.
    pub wait: Vec<f64>,
    pub build: Vec<f64>,
}

/// Runs everything and writes the report to `settings.out`.
pub fn run(settings: &Settings) -> Result<(), String> {
    std::fs::create_dir_all(&settings.work).map_err(|e| format!("{}: {e}", settings.work.display()))?;
    let work = settings.work.canonicalize().map_err(|e| e.to_string())?;
    let mut report = Report::default();
    let load_before = load_average();
    ensure_tool("time", "/usr/bin/time", settings.install)?;
    let hugo = ensure_tool("hugo", "hugo", settings.install).is_ok();
    if !hugo {
        report.notes.push("Hugo is not installed: its rows are missing.".into());
    }
    let pagefind = settings.pagefind && hugo && install_pagefind(&work).map_err(|e| report.notes.push(e)).is_ok();
    for &pages in &settings.sizes {
        let corpus = corpus(settings, &work, pages)?;
        let runs = if pages >= 50_000 { settings.runs.min(3) } else { settings.runs };
        measure_builds(settings, &work, &corpus, pages, runs, hugo, pagefind, &mut report)?;
        if pages == first_query_size(settings) {
            report.first_query = first_query(&work.join(format!("out-pedoman-{pages}")), pages)?;
        }
    }
    if let Some(pages) = settings.serve_size {
        let corpus = corpus(settings, &work, pages)?;
        report.serve.push(measure_serve(
            settings,
            &corpus.join("pedoman-site"),
            &format!("corpus, {pages} pages"),
            pages,
        )?);
    }
    if let Some(bundled) = &settings.bundled {
        let pages = count_pages(&bundled.join("content"));
        report.serve.push(measure_serve(settings, bundled, "bundled guidance", pages)?);
        let out = work.join("out-bundled");
        let mut build = Command::new(&settings.pedoman);
        command_output(build.arg("build").arg("--root").arg(bundled).arg("--output").arg(&out))?;
        report.first_query.extend(first_query(&out, pages)?);
    }
    if settings.profile {
        let pages = *settings.sizes.iter().filter(|&&n| n <= 10_000).max().unwrap_or(&settings.sizes[0]);
        let site = corpus(settings, &work, pages)?.join("pedoman-site");
        let out = work.join(format!("out-pedoman-{pages}"));
        let timings = command_output(
            Command::new(&settings.pedoman)
                .arg("build")
                .arg("--root")
                .arg(&site)
                .arg("--output")
                .arg(&out)
                .arg("--timings"),
        )?;
        report.stages = Some((pages, timings));
        match ensure_tool("linux-perf", "perf", settings.install).and_then(|_| profile(settings, &site, &out, &work)) {
            Ok(top) => report.profile = Some(top),
            Err(e) => report.notes.push(format!("No profile: {e}")),
        }
    }
    let load_after = load_average();
    let mut text = render(settings, &report, &load_before, &load_after);
    // A hand-written reading of the figures, kept from the last report.
    let old = std::fs::read_to_string(&settings.out).unwrap_or_default();
    if let Some(i) = old.find("\n## Reading") {
        text.push_str(&old[i..]);
    }
    std::fs::write(&settings.out, text).map_err(|e| format!("{}: {e}", settings.out.display()))
}

/// The size whose first-query download is measured: 10,000 pages if run, else the largest.
fn first_query_size(settings: &Settings) -> usize {
    if settings.sizes.contains(&10_000) {
        10_000
    } else {
        settings.sizes.iter().copied().max().unwrap_or(0)
    }
}

/// Makes `program` available, installing Debian's `package` if allowed.
fn ensure_tool(package: &str, program: &str, install: bool) -> Result<(), String> {
    let found = |p: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {p}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if found(program) {
        return Ok(());
    }
    if !install {
        return Err(format!("{program} is not installed"));
    }
    eprintln!("bench: installing {package} (apt-get)");
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let sudo = |args: &[&str]| {
        let mut c = if root {
            Command::new(args[0])
        } else {
            let mut c = Command::new("sudo");
            c.arg(args[0]);
            c
        };
        c.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive").status()
    };
    let _ = sudo(&["apt-get", "update", "-qq"]);
    let ok = sudo(&["apt-get", "install", "-y", "-qq", package]).is_ok_and(|s| s.success());
    if ok && found(program) {
        Ok(())
    } else {
        Err(format!("could not install {package}"))
    }
}

fn install_pagefind(work: &Path) -> Result<(), String> {
    let dir = work.join("pagefind");
    if dir.join("node_modules/.bin/pagefind").exists() {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("package.json"), "{\"private\": true}\n").map_err(|e| e.to_string())?;
    let ok = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error", PAGEFIND])
        .current_dir(&dir)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err(format!("Pagefind ({PAGEFIND}) could not be installed with npm: its rows are missing."))
    }
}

/// The corpus of `pages` pages, generated once per work folder.
fn corpus(settings: &Settings, work: &Path, pages: usize) -> Result<PathBuf, String> {
    let dir = work.join(format!("corpus-{pages}"));
    if dir.join("pedoman-site/config.yaml").is_file() && dir.join("hugo-site").is_dir() {
        return Ok(dir);
    }
    eprintln!("bench: generating {pages} pages");
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("python3")
        .arg(&settings.generator)
        .arg(&dir)
        .arg(pages.to_string())
        .stdout(Stdio::null())
        .status();
    if !status.is_ok_and(|s| s.success()) {
        return Err(format!("could not generate the corpus with {}", settings.generator.display()));
    }
    Ok(dir)
}

/// `command` under GNU time: wall, user + system CPU, peak RSS.
fn timed(command: &mut Command, log: &Path) -> Result<Sample, String> {
    let times = log.with_extension("time");
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(std::borrow::ToOwned::to_owned).collect();
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped.args(["-f", "%e %U %S %M", "-o"]).arg(&times).arg(program).args(args);
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let out = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let status =
        wrapped.stdout(out.try_clone().map_err(|e| e.to_string())?).stderr(out).status().map_err(|e| e.to_string())?;
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        return Err(format!("{:?} failed:\n{}", command, text.lines().rev().take(20).collect::<Vec<_>>().join("\n")));
    }
    let text = std::fs::read_to_string(&times).map_err(|e| e.to_string())?;
    let v: Vec<f64> = text.lines().last().unwrap_or("").split_whitespace().filter_map(|x| x.parse().ok()).collect();
    match v[..] {
        [wall, user, sys, rss_kb] => Ok(Sample { wall, cpu: user + sys, rss_mb: rss_kb / 1024.0 }),
        _ => Err(format!("cannot read GNU time's output: {text}")),
    }
}

#[allow(clippy::too_many_arguments)]
fn measure_builds(
    settings: &Settings,
    work: &Path,
    corpus: &Path,
    pages: usize,
    runs: usize,
    hugo: bool,
    pagefind: bool,
    report: &mut Report,
) -> Result<(), String> {
    let out_pedoman = work.join(format!("out-pedoman-{pages}"));
    let out_hugo = work.join(format!("out-hugo-{pages}"));
    // Where `pedoman build` keeps the output of the build before last, which it writes into.
    let spare = work.join(format!(".out-pedoman-{pages}.pedoman-spare"));
    let log = work.join("last.log");
    let pedoman = || {
        let mut c = Command::new(&settings.pedoman);
        c.arg("build").arg("--root").arg(corpus.join("pedoman-site")).arg("--output").arg(&out_pedoman);
        c
    };
    let hugo_cmd = || {
        let mut c = Command::new("hugo");
        c.arg("--quiet").arg("--source").arg(corpus.join("hugo-site")).arg("--destination").arg(&out_hugo);
        c
    };
    let pagefind_cmd = || {
        let mut c = Command::new(work.join("pagefind/node_modules/.bin/pagefind"));
        c.arg("--site").arg(&out_hugo).arg("--silent");
        c
    };
    // Untimed builds first, from empty folders (another tool or version may have written
    // them), so every timed run overwrites an earlier output, as in daily use: Hugo's one, and
    // two of Pedoman's, whose second build leaves the spare that every later build writes into.
    eprintln!("bench: {pages} pages, warming up");
    for out in [&out_pedoman, &spare, &out_hugo] {
        let _ = std::fs::remove_dir_all(out);
    }
    timed(&mut pedoman(), &log)?;
    timed(&mut pedoman(), &log)?;
    if hugo {
        timed(&mut hugo_cmd(), &log)?;
    }
    let (mut p, mut h, mut f) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        eprintln!("bench: {pages} pages, run {}/{runs}", run + 1);
        settle(&corpus.join("pedoman-site"), &[&out_pedoman, &spare]);
        p.push(timed(&mut pedoman(), &log)?);
        if hugo {
            settle(&corpus.join("hugo-site"), &[&out_hugo]);
            h.push(timed(&mut hugo_cmd(), &log)?);
            if pagefind {
                settle(&out_hugo, &[]);
                f.push(timed(&mut pagefind_cmd(), &log)?);
            }
        }
    }
    report.rows.push(Row {
        tool: "Pedoman (with search)".into(),
        pages,
        runs,
        median: median(&p),
        walls: p.iter().map(|s| s.wall).collect(),
        output: size(&out_pedoman),
        index: Some(size(&out_pedoman.join("search"))),
    });
    if hugo {
        let mut hugo_out = size(&out_hugo);
        let index = pagefind.then(|| size(&out_hugo.join("pagefind")));
        if let Some(i) = index {
            hugo_out.bytes -= i.bytes;
            hugo_out.disk -= i.disk;
            hugo_out.files -= i.files;
        }
        report.rows.push(Row {
            tool: "Hugo (no search)".into(),
            pages,
            runs,
            median: median(&h),
            walls: h.iter().map(|s| s.wall).collect(),
            output: hugo_out,
            index: None,
        });
        if pagefind {
            let sum: Vec<Sample> = h
                .iter()
                .zip(&f)
                .map(|(a, b)| Sample { wall: a.wall + b.wall, cpu: a.cpu + b.cpu, rss_mb: a.rss_mb.max(b.rss_mb) })
                .collect();
            report.rows.push(Row {
                tool: "Hugo + Pagefind".into(),
                pages,
                runs,
                median: median(&sum),
                walls: sum.iter().map(|s| s.wall).collect(),
                output: size(&out_hugo),
                index,
            });
        }
    }
    Ok(())
}

/// Puts every timed build on the same footing: the writes of the builds before it flushed
/// (`sync`), so it does not wait on the other tool's backlog; its input read, and the folders
/// it writes into listed with a `stat` of each file, so it starts as on a machine where it
/// just ran. Pagefind and Hugo take 5–12 GB at 50,000 pages, and this VM's disk swings widely
/// in speed (two 10,000-page builds with the cache dropped spent 42 s and 1.5 s loading), so
/// without this a ratio measured how much of the cache the other tool had pushed out.
fn settle(input: &Path, outputs: &[&Path]) {
    let _ = Command::new("sync").status();
    for entry in walkdir::WalkDir::new(input).into_iter().flatten() {
        if entry.file_type().is_file() {
            let _ = std::fs::File::open(entry.path()).and_then(|mut f| std::io::copy(&mut f, &mut std::io::sink()));
        }
    }
    for entry in outputs.iter().flat_map(|o| walkdir::WalkDir::new(o).into_iter().flatten()) {
        let _ = entry.metadata();
    }
}

fn median(samples: &[Sample]) -> Sample {
    let pick = |f: fn(&Sample) -> f64| {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    Sample { wall: pick(|s| s.wall), cpu: pick(|s| s.cpu), rss_mb: pick(|s| s.rss_mb) }
}

fn size(dir: &Path) -> Size {
    use std::os::unix::fs::MetadataExt;
    let mut s = Size::default();
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if let Ok(meta) = entry.metadata() {
            if meta.is_file() {
                s.bytes += meta.len();
                s.files += 1;
            }
            s.disk += meta.blocks() * 512;
        }
    }
    s
}

fn count_pages(content: &Path) -> usize {
    walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

fn command_output(command: &mut Command) -> Result<String, String> {
    let out = command.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{command:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Index files a first search reads, as the engine (the same steps in Rust and in the browser)
/// fetches them, with the scripts loaded when a reader starts to search; gzipped sizes.
fn first_query(output: &Path, pages: usize) -> Result<Vec<FirstQuery>, String> {
    let mut rows = Vec::new();
    for (place, limit, prefix) in PLACES {
        for query in QUERIES {
            let files = first_files(output, query, limit, prefix)?;
            rows.push(FirstQuery { pages, place, query: query.to_string(), files });
        }
    }
    Ok(rows)
}

/// The files, with their gzipped sizes, that one first search fetches.
fn first_files(output: &Path, query: &str, limit: usize, prefix: bool) -> Result<Vec<(String, usize)>, String> {
    struct Recording(DirStore, Rc<RefCell<Vec<String>>>);
    impl Store for Recording {
        fn read(&self, path: &str) -> Result<Vec<u8>, SearchError> {
            self.1.borrow_mut().push(path.to_string());
            self.0.read(path)
        }
    }
    let read = Rc::new(RefCell::new(Vec::new()));
    let store = Recording(DirStore(output.join("search")), read.clone());
    let mut engine = Engine::open(store).map_err(|e| e.to_string())?;
    engine.search(query, &Options { limit, prefix, ..Options::default() }).map_err(|e| e.to_string())?;
    let mut files: Vec<(String, usize)> = Vec::new();
    for script in ["search-engine.js", "search.js"] {
        if let Ok(bytes) = std::fs::read(output.join(script)) {
            files.push((script.to_string(), gzip_len(&bytes)));
        }
    }
    let read = std::mem::take(&mut *read.borrow_mut());
    for path in read {
        let bytes = std::fs::read(output.join("search").join(&path)).map_err(|e| e.to_string())?;
        files.push((format!("search/{path}"), gzip_len(&bytes)));
    }
    Ok(files)
}

/// What a server sends: a stored `.gz` file as it is, anything else gzipped.
fn gzip_len(bytes: &[u8]) -> usize {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes.len();
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len()
}

/// `pedoman serve` on a copy of `site`: each round appends a sentence to one page and waits
/// for the live-reload event.
fn measure_serve(settings: &Settings, site: &Path, name: &str, pages: usize) -> Result<ServeRow, String> {
    let copy = settings.work.join("serve-copy");
    let _ = std::fs::remove_dir_all(&copy);
    copy_site(site, &copy)?;
    let page = walkdir::WalkDir::new(copy.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .nth(1)
        .ok_or("no page to edit")?;
    let original = std::fs::read_to_string(&page).map_err(|e| e.to_string())?;
    eprintln!("bench: serve on {name}");
    let mut server = Command::new(&settings.pedoman)
        .args(["serve", "--port", "0", "--root"])
        .arg(&copy)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut lines = BufReader::new(server.stdout.take().expect("piped"));
    let addr = loop {
        let mut line = String::new();
        if lines.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("pedoman serve stopped before serving".into());
        }
        if let Some(rest) = line.split("Serving at http://").nth(1) {
            break rest.split_whitespace().next().unwrap_or("").trim_end_matches('/').to_string();
        }
    };
    // Drain the server's output so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let mut events = Events::connect(&addr)?;
    events.until("hello")?;
    // The builds before this one (50,000 pages write gigabytes) leave the disk flushing for
    // a while; flushed first, the rounds time the preview, not that backlog.
    let _ = Command::new("sync").status();
    let mut row = ServeRow { site: name.into(), pages, ..ServeRow::default() };
    for round in 0..settings.serve_rounds {
        let t0 = Instant::now();
        std::fs::write(&page, format!("{original}\n\nSuntingan pengukuran ke-{round}.\n"))
            .map_err(|e| e.to_string())?;
        let data = events.until("reload")?;
        row.total.push(t0.elapsed().as_secs_f64() * 1000.0);
        let field = |key: &str| serde_json::from_str::<serde_json::Value>(&data).ok().and_then(|v| v[key].as_f64());
        if let (Some(w), Some(b)) = (field("wait_ms"), field("build_ms")) {
            row.wait.push(w);
            row.build.push(b);
        }
        // An editor pauses between saves.
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill").arg("-INT").arg(server.id().to_string()).status();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&copy);
    for v in [&mut row.total, &mut row.wait, &mut row.build] {
        v.sort_by(f64::total_cmp);
    }
    Ok(row)
}

fn copy_site(from: &Path, to: &Path) -> Result<(), String> {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(from).expect("walked below");
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        if !matches!(first, None | Some("config.yaml" | "content" | "static" | "templates" | "themes")) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// A bare Server-Sent Events reader for the preview's `/__pedoman/events`.
struct Events(BufReader<TcpStream>);

impl Events {
    fn connect(addr: &str) -> Result<Events, String> {
        let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
        write!(stream, "GET /__pedoman/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").map_err(|e| e.to_string())?;
        Ok(Events(BufReader::new(stream)))
    }

    /// Reads until the event `name`, returning its data.
    fn until(&mut self, name: &str) -> Result<String, String> {
        let mut current = String::new();
        loop {
            let mut line = String::new();
            if self.0.read_line(&mut line).map_err(|e| format!("event stream: {e}"))? == 0 {
                return Err("the event stream closed".into());
            }
            let line = line.trim_end();
            if let Some(event) = line.strip_prefix("event: ") {
                current = event.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if current == name {
                    return Ok(data.to_string());
                }
            }
        }
    }
}

/// The hottest functions of one build, from `perf record`.
fn profile(settings: &Settings, site: &Path, out: &Path, work: &Path) -> Result<String, String> {
    let data = work.join("perf.data");
    let status = Command::new("perf")
        .args(["record", "-F", "499", "-g", "-o"])
        .arg(&data)
        .arg("--")
        .arg(&settings.pedoman)
        .arg("build")
        .arg("--root")
        .arg(site)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("perf record failed".into());
    }
    let text = command_output(
        Command::new("perf")
            .args(["report", "--stdio", "--no-children", "--sort", "dso,symbol", "-g", "none", "-i"])
            .arg(&data),
    )?;
    // perf pads its columns with spaces and `-`s for the unused call-graph fields.
    let top: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .take(25)
        .map(|l| l.trim_end_matches([' ', '-']))
        .collect();
    Ok(top.join("\n"))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn machine() -> Vec<String> {
    let first = |path: &str, key: &str| {
        std::fs::read_to_string(path).ok().and_then(|t| {
            t.lines().find(|l| l.starts_with(key)).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
    };
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let version = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
    };
    vec![
        format!("CPU: {} ({cores} cores)", first("/proc/cpuinfo", "model name").unwrap_or_default()),
        format!("memory: {}", first("/proc/meminfo", "MemTotal").unwrap_or_default()),
        format!("kernel: {}", version("uname", "-r").unwrap_or_default()),
        format!("rustc: {}", version("rustc", "--version").unwrap_or_default()),
        format!("Hugo: {}", version("hugo", "version").unwrap_or_else(|| "not installed".into())),
    ]
}

/// The work folder's file system, as `/proc/mounts` names it.
fn file_system(dir: &Path) -> String {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let best = mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() > 3 && dir.starts_with(f[1])).then(|| (f[1].len(), format!("{} ({}, {})", f[1], f[2], f[3])))
        })
        .max();
    best.map(|(_, s)| s).unwrap_or_default()
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
}

/// The Markdown report.
pub fn render(settings: &Settings, report: &Report, load_before: &str, load_after: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(md, "Written by the benchmark runner; rerun it with one command:\n\n```sh\ncargo run --release --example bench\n```\n");
    let _ = writeln!(md, "It generates the shared corpus (`python3 {} DIR N`), builds it with Pedoman and with Hugo in alternation ({} timed runs each after untimed builds from empty folders, one of Hugo's and two of Pedoman's, so every run overwrites an earlier output and Pedoman has its spare; at most 3 at 50,000 pages), times each with GNU `time` (wall, user + system CPU, peak RSS) and reports medians. Before each timed build the disk is flushed (`sync`), the build's input is read and the folders it writes into (for Pedoman also its spare, the output of the build before last) are listed with a `stat` of each file, so every build starts with a warm cache, as on a machine where it just ran, and no other tool's writes pending. Pagefind (`{PAGEFIND}` from npm) indexes Hugo's output for the \"site with search\" comparison. Other jobs share this machine, so read the ratios of one alternating run rather than the seconds.\n", settings.generator.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), settings.runs);
    let _ = writeln!(md, "## Machine\n");
    for line in machine() {
        let _ = writeln!(md, "- {line}");
    }
    let _ = writeln!(
        md,
        "- work folder: {}",
        file_system(&settings.work.canonicalize().unwrap_or_else(|_| settings.work.clone()))
    );
    let _ = writeln!(md, "- load average (1, 5, 15 min): {load_before} before, {load_after} after\n");
    let _ = writeln!(md, "Commands timed, for N pages:\n\n```sh\npedoman build --root corpus-N/pedoman-site --output out-pedoman-N\nhugo --quiet --source corpus-N/hugo-site --destination out-hugo-N\npagefind --site out-hugo-N --silent\n```\n");
    for note in &report.notes {
        let _ = writeln!(md, "> {note}\n");
    }
    let _ = writeln!(md, "## Builds\n");
    let _ = writeln!(md, "| pages | tool | runs | wall s | CPU s | peak RSS MB | output MB (files) | on disk MB | search index MB (files) | wall ÷ Hugo |");
    let _ = writeln!(md, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in &report.rows {
        let hugo =
            report.rows.iter().find(|r| r.pages == row.pages && r.tool.starts_with("Hugo (")).map(|r| r.median.wall);
        let ratio = hugo.map_or_else(|| "—".into(), |h| format!("{:.2}", row.median.wall / h));
        let index = row.index.map_or_else(|| "—".into(), |i| format!("{} ({})", mb(i.bytes), i.files));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.2} | {:.2} | {:.0} | {} ({}) | {} | {index} | {ratio} |",
            row.pages,
            row.tool,
            row.runs,
            row.median.wall,
            row.median.cpu,
            row.median.rss_mb,
            mb(row.output.bytes),
            row.output.files,
            mb(row.output.disk)
        );
    }
    let pedoman =
        |n: usize| report.rows.iter().find(|r| r.pages == n && r.tool.starts_with("Pedoman")).map(|r| r.median);
    if let (Some(a), Some(b)) = (pedoman(10_000), pedoman(50_000)) {
        let _ = writeln!(
            md,
            "\n50,000 pages take {:.1}× the time of 10,000 (wall), {:.1}× the CPU.",
            b.wall / a.wall,
            b.cpu / a.cpu
        );
    }
    let _ = writeln!(md, "\nEach run's wall time (s), in the order run:\n");
    let _ = writeln!(md, "| pages | tool | wall s |");
    let _ = writeln!(md, "|---:|---|---|");
    for row in &report.rows {
        let walls: Vec<String> = row.walls.iter().map(|w| format!("{w:.2}")).collect();
        let _ = writeln!(md, "| {} | {} | {} |", row.pages, row.tool, walls.join(", "));
    }
    if !report.serve.is_empty() {
        let _ = writeln!(md, "\n## Preview: save → reload\n\nFrom writing a page to the browser's live-reload event arriving (`pedoman serve`, one page edited per round, 100 ms apart); the server's own split of that time is its quiet window (waiting for the editor's writes to settle, plus queueing) and the build. The disk is flushed (`sync`) once the server is up, so the rounds do not pay for the earlier builds' writes.\n");
        let _ = writeln!(md, "| site | pages | rounds | median ms | p90 ms | min ms | max ms | quiet window median ms | build median ms |");
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for row in &report.serve {
            let q = |v: &[f64], p: usize| {
                v.get((v.len() * p / 100).min(v.len().saturating_sub(1)))
                    .map_or_else(|| "—".into(), |x| format!("{x:.0}"))
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                row.site,
                row.pages,
                row.total.len(),
                q(&row.total, 50),
                q(&row.total, 90),
                q(&row.total, 0),
                q(&row.total, 100),
                q(&row.wait, 50),
                q(&row.build, 50)
            );
        }
    }
    if !report.first_query.is_empty() {
        let _ = writeln!(md, "\n## First search download\n\nWhat a reader's first search fetches, as a web server sends it (the index files are stored gzipped; the scripts are gzipped on the way): the two scripts loaded when searching starts, then the index files the engine reads for the query. In the search box on every page (5 hits, the last word read as a beginning while it is typed), on the search page (`/cari/?q=…`, 5 hits), and what the search page has fetched in all once the reader has pressed its \"more\" button (15 hits).\n");
        let _ = writeln!(md, "| pages | where | query | files | KB gzipped |");
        let _ = writeln!(md, "|---:|---|---|---|---:|");
        for q in &report.first_query {
            let total: usize = q.files.iter().map(|(_, n)| n).sum();
            let names: Vec<String> = q.files.iter().map(|(f, n)| format!("{f} {:.1}", *n as f64 / 1000.0)).collect();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {:.1} |",
                q.pages,
                q.place,
                q.query,
                names.join(", "),
                total as f64 / 1000.0
            );
        }
    }
    if let Some((pages, timings)) = &report.stages {
        let _ = writeln!(md, "\n## Where the time goes\n\nOne build of {pages} pages with `pedoman build --timings` (time and peak memory after each stage):\n\n```\n{}\n```", timings.trim_end());
    }
    if let Some(top) = &report.profile {
        let _ = writeln!(md, "\nThe hottest functions of that build (`perf record -F 499 -g`, then `perf report --no-children --sort dso,symbol`):\n\n```\n{top}\n```");
    }
    md
}
