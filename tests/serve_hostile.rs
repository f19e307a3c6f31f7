//! `pedoman serve` against requests and sites written to break it, each test the way the hole
//! was found: real sockets, and a real `pedoman serve` process where its memory is measured.

mod common;

use common::{http_request, write_files, EventStream};
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);

fn site(root: &Path) {
    write_files(
        root,
        &[
            ("config.yaml", "title: \"Situs Uji\"\nbase_url: \"https://contoh.go.id\"\n"),
            ("content/_index.md", "---\ntitle: \"Beranda\"\n---\n\nMARKA-BERANDA\n"),
        ],
    );
}

/// Two `Host` headers were answered after the first (a proxy in between may read the other);
/// `user@127.0.0.1:PORT` passed as this server's name.
#[test]
fn doubtful_host_headers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let server = common::start_preview(dir.path());
    let addr = server.addr();
    for hosts in [
        format!("Host: {addr}\r\nHost: evil.example"),
        format!("Host: evil.example\r\nHost: {addr}"),
        format!("Host: {addr}\r\nHost: {addr}"),
        format!("Host: user@{addr}"),
    ] {
        let reply = http_request(addr, &format!("GET / HTTP/1.1\r\n{hosts}\r\nConnection: close\r\n\r\n"));
        assert_eq!(reply.status, 421, "{hosts:?}");
        assert!(!reply.text().contains("MARKA-BERANDA"));
    }
    let reply = http_request(addr, &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"));
    assert_eq!(reply.status, 200);
}

/// One page of 20,000 broken links with long targets, while 100 tabs have the preview open and
/// do not read: each tab was sent its own copy of the whole error list (12 MB), and the preview
/// grew to 5.1 GB. The overlay now lists the first 50 problems and one copy serves every tab.
#[cfg(target_os = "linux")]
#[test]
fn a_huge_error_list_with_many_tabs_open_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let mut child = common::spawn_serve(dir.path());
    let addr = common::serving_addr(&mut child);
    let stalled: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            write!(stream, "GET /__pedoman/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
            stream
        })
        .collect();
    let mut reader = EventStream::connect(addr);
    reader.expect("hello", TIMEOUT);
    let before = common::proc_status_mb(child.id(), "VmRSS");
    let links: String = (0..20_000).map(|i| format!("[x]({}{i}.md)\n", "z".repeat(500))).collect();
    write_files(dir.path(), &[("content/rusak.md", &format!("---\ntitle: Rusak\n---\n\n{links}"))]);
    let failure: serde_json::Value = serde_json::from_str(&reader.expect("build-error", TIMEOUT)).unwrap();
    assert_eq!(failure["total"], 20_000);
    let shown = failure["diagnostics"].as_array().unwrap();
    assert_eq!(shown.len(), 50);
    assert!(shown[0]["text"].as_str().unwrap().starts_with("content/rusak.md:5:1: broken link"), "{}", shown[0]);
    // Time for every stalled tab's stream to take its frame.
    std::thread::sleep(Duration::from_secs(2));
    let after = common::proc_status_mb(child.id(), "VmRSS");
    drop(stalled);
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
    println!("RSS of the preview: {before} MB before the failed build, {after} MB after it, 100 tabs stalled");
    assert!(after < before + 150, "RSS grew from {before} MB to {after} MB");
}
