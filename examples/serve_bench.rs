//! Benchmark: edit-to-reload time of `pedoman serve`, from writing a Markdown file to the
//! live-reload client receiving its `reload` event, then fetching the new page.
//!
//! Usage: `cargo run --release --example serve_bench -- SITE_ROOT [ROUNDS]`
//!
//! The site is copied to a temp folder first, so the original is never edited. Each round
//! appends a sentence to one page and measures, from just before the write:
//! - `event`: until the `reload` event arrives over SSE (what the target is about);
//! - `wait`: of that, the watcher's quiet window plus queueing (reported by the server);
//! - `build`: of that, `Builder::build` (reported by the server);
//! - `page`: until the edited page has been fetched again, as the browser does next.

use pedoman::serve::{start, ServeOptions};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let source = PathBuf::from(args.next().expect("usage: serve_bench SITE_ROOT [ROUNDS]"));
    let rounds: usize = args.next().map(|r| r.parse().expect("ROUNDS is a number")).unwrap_or(20);

    let copy = std::env::temp_dir().join(format!("pedoman-serve-bench-{}", std::process::id()));
    let started = Instant::now();
    copy_site(&source, &copy);
    eprintln!("copied {} to {} in {:.1} s", source.display(), copy.display(), started.elapsed().as_secs_f64());

    let started = Instant::now();
    let server = start(ServeOptions {
        root: copy.clone(),
        port: 0,
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        drafts: false,
        open: false,
    })
    .expect("start the preview server");
    eprintln!("first build and start: {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);

    let page = walkdir::WalkDir::new(copy.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .nth(1)
        .expect("a page to edit");
    let rel = page.strip_prefix(copy.join("content")).unwrap().with_extension("");
    let url = format!("/{}/", rel.display());
    assert_eq!(get(server.addr(), &url), 200, "{url} is served before editing");
    let original = std::fs::read_to_string(&page).unwrap();

    let mut events = Events::connect(server.addr());
    events.until("hello");
    let (mut total, mut wait, mut build, mut fetched) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let t0 = Instant::now();
        std::fs::write(&page, format!("{original}\n\nSuntingan pengukuran ke-{round}.\n")).unwrap();
        let data = events.until("reload");
        let event_ms = ms(t0.elapsed());
        assert_eq!(get(server.addr(), &url), 200);
        let page_ms = ms(t0.elapsed());
        let data: Value = serde_json::from_str(&data).unwrap();
        total.push(event_ms);
        wait.push(data["wait_ms"].as_f64().unwrap());
        build.push(data["build_ms"].as_f64().unwrap());
        fetched.push(page_ms);
        // Let the editor "think" between saves, as a person does.
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(events);
    drop(server);
    let _ = std::fs::remove_dir_all(&copy);

    println!("site: {} ({} rounds, edited {})", source.display(), rounds, rel.display());
    report("write -> reload event", &mut total);
    report("  quiet window + queue", &mut wait);
    report("  Builder::build", &mut build);
    report("write -> page fetched", &mut fetched);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(what: &str, values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    println!(
        "{what:<24} median {:>7.1} ms   p90 {:>7.1} ms   min {:>7.1} ms   max {:>7.1} ms",
        values[n / 2],
        values[(n * 9 / 10).min(n - 1)],
        values[0],
        values[n - 1]
    );
}

fn copy_site(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(from).unwrap();
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        if matches!(first, Some("public" | "target" | ".git")) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// `GET target` on a fresh connection; returns the status.
fn get(addr: SocketAddr, target: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw).split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// A bare Server-Sent Events reader for `/__pedoman/events`.
struct Events(BufReader<TcpStream>);

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(stream, "GET /__pedoman/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        Events(BufReader::new(stream))
    }

    /// Reads until the event `name`, returning its data.
    fn until(&mut self, name: &str) -> String {
        let mut current = String::new();
        loop {
            let mut line = String::new();
            if self.0.read_line(&mut line).expect("event stream") == 0 {
                panic!("event stream closed");
            }
            let line = line.trim_end();
            if let Some(event) = line.strip_prefix("event: ") {
                current = event.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if current == name {
                    return data.to_string();
                }
            }
        }
    }
}
