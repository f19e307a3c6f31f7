//! What the reader tests share: the bundled site built by the real binary and served over
//! loopback, and small ways to drive a page in headless Chromium.
#![allow(dead_code)]
// Shared by several test crates, each using part: `pub` is how they reach it.
#![allow(unreachable_pub)]

use crate::common;
use headless_chrome::Tab;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A site built into a temporary folder and served at `server.base_url`.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub out: PathBuf,
    pub server: common::StaticServer,
}

/// Builds the site at `root` into a fresh folder (base URL with `prefix`, e.g. `/panduan`) and serves it.
pub fn build_and_serve(root: &Path, prefix: &str) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    common::build_site(root, &out, prefix);
    let server = common::static_server(&out, prefix);
    Built { dir, out, server }
}

/// Every HTML page of a built site, as URL paths (`/`, `/berakhlak/`, `/404.html`), skipping
/// alias redirects.
pub fn page_paths(out: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    for entry in files_under(out) {
        let rel = entry.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
        if !rel.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(&entry).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        paths.push(format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel)));
    }
    paths.sort();
    paths
}

/// Every file below `dir`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, true).unwrap_or_else(|e| panic!("evaluate {js}: {e}")).value.unwrap_or(serde_json::Value::Null)
}

/// Polls `js` until it is truthy (15 s at most); `what` says what was awaited.
pub fn wait_for(tab: &Tab, js: &str, what: &str) {
    let start = Instant::now();
    let check = format!("!!({js})");
    while eval(tab, &check) != true {
        assert!(start.elapsed() < Duration::from_secs(15), "timed out waiting for {what} ({js}) on {}", tab.get_url());
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// Opens `url` and waits until the page and its deferred scripts have run.
pub fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url).unwrap().wait_until_navigated().unwrap();
    wait_for(tab, "document.readyState === 'complete'", "the page to load");
}

/// Sets the viewport (CSS pixels, as on a phone at device scale 1), the colour scheme, and
/// reduced motion.
pub fn viewport(tab: &Tab, width: u32, height: u32, dark: bool) {
    common::set_viewport(tab, width, height, width < 600);
    common::set_media(tab, dark, true);
}
