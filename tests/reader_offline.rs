//! Offline reading in headless Chromium: the service worker precaches the theme, the home page
//! and the search engine and index; "save the whole guide" stores every page; with the server
//! gone, visited and saved pages open, unknown ones show the offline page, and search finds a
//! word never searched before. A new build replaces the old caches.

mod common;
mod reader_support;

use reader_support::{eval, open, viewport, wait_for};
use std::time::{Duration, Instant};

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
fn a_saved_guide_reads_and_searches_offline_and_a_new_build_replaces_its_cache() {
    // The bundled site has `offline: true`; a copy, so a rebuild can change a page.
    let src = tempfile::tempdir().unwrap();
    let root = common::repo_root();
    for dir in ["content"] {
        copy_dir(&root.join(dir), &src.path().join(dir));
    }
    std::fs::copy(root.join("config.yaml"), src.path().join("config.yaml")).unwrap();
    let mut site = reader_support::build_and_serve(src.path(), "/panduan");
    let base = site.server.base_url.clone();
    let first = build_hash(&site.out);

    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    viewport(&tab, 360, 740, false);
    open(&tab, &format!("{base}/"));
    wait_for(
        &tab,
        "navigator.serviceWorker.controller || (navigator.serviceWorker.ready.then(() => location.reload()), false)",
        "the service worker to take over",
    );
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
    let pages = reader_support::page_paths(&site.out);
    let cached =
        eval(&tab, &format!("caches.open('pedoman:/panduan/:{first}').then(c => c.keys()).then(k => k.length)"))
            .as_u64()
            .unwrap();
    assert!(cached as usize >= pages.len(), "{cached} entries cached for {} pages", pages.len());

    // Offline: the server is gone and the network says so too.
    let out = site.out.clone();
    let dir = std::mem::replace(&mut site.dir, tempfile::tempdir().unwrap());
    drop(site);
    tab.call_method(headless_chrome::protocol::cdp::Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .ok();
    tab.call_method(headless_chrome::protocol::cdp::Network::EmulateNetworkConditions {
        offline: true,
        latency: 0.0,
        download_throughput: -1.0,
        upload_throughput: -1.0,
        connection_Type: None,
        packet_loss: None,
        packet_queue_length: None,
        packet_reordering: None,
    })
    .ok();
    // Reload the page, then open one never visited (saved by "save the whole guide").
    tab.reload(true, None).unwrap();
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
    drop(dir);
    let _ = out;
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
    reader_support::build(src.path(), &site.out, "");
    let second = build_hash(&site.out);
    assert_ne!(first, second, "a changed page changes the build hash");
    // The browser checks the worker on navigation; the new one takes over and clears the old cache.
    let start = Instant::now();
    loop {
        open(&tab, &format!("{}/a/", site.server.base_url));
        let names = cache_names(&tab);
        if names == [format!("pedoman:/:{second}")] {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "old cache kept: {names:?}");
        std::thread::sleep(Duration::from_millis(300));
    }
    open(&tab, &format!("{}/", site.server.base_url));
    assert!(tab.get_content().unwrap().contains("Versi dua."), "the new page is shown");
    let _ = tab.close(false);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
