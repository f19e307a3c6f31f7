//! Offline reading in headless Chromium: the service worker precaches the theme and the home
//! page, and the search engine and index only once the reader has searched; "save the whole
//! guide" stores every page; with the server gone, visited and saved pages open, unknown ones
//! show the offline page, and search finds a word never searched before. A new build replaces
//! the old caches.

mod common;
mod reader_support;

use reader_support::{eval, open, viewport, wait_for};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A web server in its own process, so that "offline" is real: once it is killed, every
/// request is refused. (The in-process test server keeps accepting connections after it is
/// dropped, so requests would hang instead.) Python's `http.server` serves `root`.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_in_process(root: &Path) -> Process {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the offline test's web server");
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "the web server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Process { child, base }
}

/// The cache names this origin holds.
fn cache_names(tab: &headless_chrome::Tab) -> Vec<String> {
    serde_json::from_str(eval(tab, "caches.keys().then(k => JSON.stringify(k))").as_str().unwrap()).unwrap()
}

/// The build hash the generated service worker carries.
fn build_hash(out: &std::path::Path) -> String {
    let sw = std::fs::read_to_string(out.join("sw.js")).unwrap();
    let at = sw.find("\"build\":\"").expect("sw.js names its build") + 9;
    sw[at..at + 8].to_string()
}

#[test]
fn a_saved_guide_reads_and_searches_offline() {
    // The bundled site has `offline: true`.
    let www = tempfile::tempdir().unwrap();
    let out = www.path().join("panduan");
    common::build_site(&common::repo_root(), &out, "/panduan");
    let server = serve_in_process(www.path());
    let base = format!("{}/panduan", server.base);
    let first = build_hash(&out);

    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    viewport(&tab, 360, 740, false);
    open(&tab, &format!("{base}/"));
    // The worker claims the open page as soon as it is active.
    wait_for(&tab, "navigator.serviceWorker.controller", "the service worker to control the page");
    assert_eq!(cache_names(&tab), [format!("pedoman:/panduan/:{first}")], "one cache, named by the build");

    // Save the whole guide, as a reader does from the footer.
    wait_for(&tab, "!document.querySelector('.offline-save').hidden", "the save button to show");
    let note = eval(&tab, "document.querySelector('.offline-size').textContent").as_str().unwrap().to_string();
    assert!(note.contains("MB"), "the button says how much it saves: {note}");
    tab.find_element(".offline-save button").unwrap().click().unwrap();
    let start = Instant::now();
    while !eval(&tab, "document.querySelector('.offline-status').textContent").as_str().unwrap().contains("tersimpan") {
        assert!(start.elapsed() < Duration::from_secs(60), "saving the guide did not finish");
        std::thread::sleep(Duration::from_millis(100));
    }
    let pages = reader_support::page_paths(&out);
    let cached =
        eval(&tab, &format!("caches.open('pedoman:/panduan/:{first}').then(c => c.keys()).then(k => k.length)"))
            .as_u64()
            .unwrap();
    assert!(cached as usize >= pages.len(), "{cached} entries cached for {} pages", pages.len());

    // Offline: the server is gone.
    drop(server);
    // Reload the page, then open one never visited (saved by "save the whole guide").
    tab.reload(false, None).unwrap();
    wait_for(&tab, "document.readyState === 'complete' && document.querySelector('h1')", "the home page offline");
    open(&tab, &format!("{base}/sistem-merit/siklus-manajemen-asn/"));
    assert!(tab.get_content().unwrap().contains("<h1>"), "a saved page opens offline");
    let h1 = eval(&tab, "document.querySelector('h1').textContent");
    assert!(!h1.as_str().unwrap().is_empty());
    // A page that was never published shows the offline page, in Indonesian.
    open(&tab, &format!("{base}/tidak-ada/"));
    assert_eq!(eval(&tab, "document.querySelector('h1').textContent"), "Anda sedang luring");
    // Search a word never searched before: the engine and index come from the cache.
    open(&tab, &format!("{base}/berakhlak/"));
    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    tab.type_str("gratifikasi").unwrap();
    wait_for(&tab, "document.querySelector('#_cari-hasil [role=option]')", "search results offline");
    let _ = tab.close(false);
}

/// How many of the cache's entries are under `search/` (the index).
fn cached_index_files(tab: &headless_chrome::Tab, cache: &str) -> u64 {
    eval(
        tab,
        &format!(
            "caches.open('{cache}').then(c => c.keys()).then(k => k.filter(r => r.url.includes('/search/')).length)"
        ),
    )
    .as_u64()
    .unwrap()
}

#[test]
fn one_search_online_lets_any_word_be_searched_offline() {
    let www = tempfile::tempdir().unwrap();
    let out = www.path().join("panduan");
    common::build_site(&common::repo_root(), &out, "/panduan");
    let index_files = walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count() as u64;
    let server = serve_in_process(www.path());
    let base = format!("{}/panduan", server.base);
    let cache = format!("pedoman:/panduan/:{}", build_hash(&out));

    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    viewport(&tab, 360, 740, false);
    open(&tab, &format!("{base}/"));
    wait_for(&tab, "navigator.serviceWorker.controller", "the service worker to control the page");
    // Installing took the theme and the home page, not the index: most of the download waits.
    wait_for(
        &tab,
        &format!("caches.open('{cache}').then(c => c.match('/panduan/offline.html')).then(Boolean)"),
        "the offline page cached",
    );
    assert_eq!(cached_index_files(&tab, &cache), 0, "the search index is not fetched before a search");

    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    tab.type_str("melayani").unwrap();
    wait_for(&tab, "document.querySelector('#_cari-hasil [role=option]')", "search results online");
    let start = Instant::now();
    while cached_index_files(&tab, &cache) < index_files {
        assert!(start.elapsed() < Duration::from_secs(60), "the index was not cached after a search");
        std::thread::sleep(Duration::from_millis(100));
    }

    drop(server);
    open(&tab, &format!("{base}/"));
    wait_for(&tab, "document.readyState === 'complete' && document.querySelector('#_cari-q')", "the home page offline");
    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    tab.type_str("nepotisme").unwrap();
    wait_for(&tab, "document.querySelector('#_cari-hasil [role=option]')", "a new word found offline");
    let _ = tab.close(false);
}

#[test]
fn a_new_build_replaces_the_old_cache() {
    let src = tempfile::tempdir().unwrap();
    common::write_files(
        src.path(),
        &[
            ("config.yaml", "title: Uji luring\noffline: true\n"),
            ("content/_index.md", "---\ntitle: Beranda\n---\nVersi satu.\n"),
            ("content/a.md", "---\ntitle: Halaman A\n---\nIsi.\n"),
        ],
    );
    let site = reader_support::build_and_serve(src.path(), "");
    let first = build_hash(&site.out);
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{}/", site.server.base_url));
    wait_for(&tab, "navigator.serviceWorker.ready.then(() => true)", "the service worker");
    wait_for(&tab, &format!("caches.has('pedoman:/:{first}')"), "the first build's cache");

    common::write_files(src.path(), &[("content/_index.md", "---\ntitle: Beranda\n---\nVersi dua.\n")]);
    common::build_site(src.path(), &site.out, "");
    let second = build_hash(&site.out);
    assert_ne!(first, second, "a changed page changes the build hash");
    // The browser checks the worker on navigation; the new one takes over and clears the old cache.
    let start = Instant::now();
    loop {
        open(&tab, &format!("{}/a/", site.server.base_url));
        // Browsers look for a new worker after navigations, when they get to it; ask now.
        eval(&tab, "navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true, () => false)");
        std::thread::sleep(Duration::from_millis(300));
        let names = cache_names(&tab);
        if names == [format!("pedoman:/:{second}")] {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let reg = eval(&tab, "navigator.serviceWorker.getRegistration().then(r => JSON.stringify([r.active && r.active.state, r.waiting && r.waiting.state, r.installing && r.installing.state]))");
            panic!(
                "old cache kept: {names:?}; registration {reg}; requests {:?}",
                site.server.requests.lock().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    open(&tab, &format!("{}/", site.server.base_url));
    assert!(tab.get_content().unwrap().contains("Versi dua."), "the new page is shown");
    let _ = tab.close(false);
}
