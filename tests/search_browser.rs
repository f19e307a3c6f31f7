//! Search as a reader meets it, in headless Chromium on the built bundled site,
//! served under a base path (`/panduan`) over loopback. One browser for the file.

mod common;

use headless_chrome::Tab;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Site {
    _dir: tempfile::TempDir,
    out: PathBuf,
    server: common::StaticServer,
}

/// The bundled site, built once and served over loopback for every test in this file.
fn site() -> &'static Mutex<Site> {
    static SITE: OnceLock<Mutex<Site>> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let root = common::repo_root();
        let built = common::pedoman([
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
            "--base-url".as_ref(),
            "http://127.0.0.1/panduan".as_ref(),
        ]);
        assert!(built.status.success(), "build failed: {}", String::from_utf8_lossy(&built.stderr));
        let server = common::static_server(&out, "/panduan");
        Mutex::new(Site { _dir: dir, out, server })
    })
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, true).unwrap_or_else(|e| panic!("evaluate {js}: {e}")).value.unwrap_or(serde_json::Value::Null)
}

/// Polls `js` until it is truthy (10 s at most).
fn wait_for(tab: &Tab, js: &str) {
    let start = Instant::now();
    let js = format!("!!({js})");
    loop {
        let v = eval(tab, &js);
        if v == true {
            return;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let state = eval(tab, "location.href + ' | ' + document.querySelector('.search-page-status, #_cari-hasil').textContent.slice(0, 300)");
            let probe = eval(tab, "window.pedomanSearch ? window.pedomanSearch.engine.search(new URLSearchParams(location.search).get('q') || 'x', {limit: 10}).then(h => 'hits ' + h.length).catch(e => 'error ' + e + ' ' + e.stack) : 'search.js not loaded'");
            eprintln!("probe: {probe}");
            panic!("timed out waiting for {js}; page: {state}");
        }
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn titles(tab: &Tab) -> Vec<String> {
    let v = eval(tab, "JSON.stringify(Array.from(document.querySelectorAll('#_cari-hasil [role=option] .search-hit-title')).map(e => e.textContent))");
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

/// Types `q` into the header box at a reader's pace (a key every 200 ms, slower
/// than the box waits, so every beginning of the word is searched) and waits
/// for its results.
fn type_query(tab: &Tab, q: &str) {
    type_query_at(tab, q, 200);
}

/// Searches the box has run since the page loaded.
fn box_searches(tab: &Tab) -> u64 {
    eval(tab, "window.pedomanSearch ? window.pedomanSearch.searches : 0").as_u64().unwrap_or(0)
}

/// Returns the real time per key (the browser's own handling adds to the pause).
fn type_query_at(tab: &Tab, q: &str, ms_per_key: u64) -> Duration {
    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    let start = Instant::now();
    for c in q.chars() {
        // One protocol call per key (type_str makes three round trips).
        tab.send_character(&c.to_string()).unwrap();
        std::thread::sleep(Duration::from_millis(ms_per_key));
    }
    let pace = start.elapsed() / q.chars().count() as u32;
    let sel = format!(
        "document.querySelector('#_cari-hasil[data-query=\"{q}\"]') && !document.querySelector('#_cari-hasil').hidden"
    );
    wait_for(tab, &sel);
    pace
}

/// Bytes a first search downloads (gzipped as a server would send them), from
/// the server's log of what the browser fetched after the page had loaded.
fn first_query_bytes(site: &Site, tab: &Tab, q: &str) -> (usize, Vec<String>) {
    site.server.requests.lock().unwrap().clear();
    type_query(tab, q);
    let paths: Vec<String> = site.server.requests.lock().unwrap().clone();
    let mut total = 0;
    for p in &paths {
        let rel = p.strip_prefix("/panduan/").unwrap_or(p);
        if let Ok(bytes) = std::fs::read(site.out.join(rel)) {
            total += common::gzipped_len(&bytes);
        }
    }
    (total, paths)
}

#[test]
fn typing_melayani_finds_berorientasi_pelayanan_and_enter_opens_it() {
    let site = site().lock().unwrap_or_else(|e| e.into_inner());
    // A browser per test: one kept in a static would never be dropped, and Chromium would
    // outlive the test run.
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    site.server.requests.lock().unwrap().clear();
    tab.navigate_to(&format!("{}/", site.server.base_url)).unwrap().wait_until_navigated().unwrap();
    wait_for(&tab, "document.readyState === 'complete'");
    // Nothing of the search but the loader comes with the page.
    let before: Vec<String> = site.server.requests.lock().unwrap().clone();
    assert!(
        !before.iter().any(|p| p.ends_with("/search.js") || p.ends_with("/search-engine.js") || p.contains("/search/")),
        "{before:?}"
    );

    let (bytes, paths) = first_query_bytes(&site, &tab, "melayani");
    eprintln!("first query downloaded {bytes} bytes gzipped in {} requests: {paths:?}", paths.len());
    assert!(bytes <= 60 * 1024, "first search downloaded {bytes} bytes gzipped (budget 60 KB)");

    let t = titles(&tab);
    let i = t.iter().position(|t| t == "Berorientasi Pelayanan").unwrap_or(usize::MAX);
    assert!(i < 3, "Berorientasi Pelayanan not in the first three: {t:?}");
    let mark = eval(
        &tab,
        "document.querySelector('#_cari-hasil mark') ? document.querySelector('#_cari-hasil mark').textContent : ''",
    );
    assert!(!mark.as_str().unwrap().is_empty(), "matched words are highlighted");
    for _ in 0..=i {
        tab.press_key("ArrowDown").unwrap();
    }
    let selected = eval(&tab, "document.querySelector('#_cari-q').getAttribute('aria-activedescendant')");
    assert_eq!(selected, format!("search-opt-{i}"));
    tab.press_key("Enter").unwrap();
    let start = Instant::now();
    while !tab.get_url().contains("/panduan/berakhlak/berorientasi-pelayanan/") {
        assert!(start.elapsed() < Duration::from_secs(10), "did not land on the page: {}", tab.get_url());
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_for(&tab, "document.readyState === 'complete' && document.querySelector('h1') && document.querySelector('h1').textContent.includes('Berorientasi Pelayanan')");
    let _ = tab.close(false);
}

#[test]
fn slash_focuses_the_box_arrows_move_and_escape_closes() {
    let site = site().lock().unwrap_or_else(|e| e.into_inner());
    // A browser per test: one kept in a static would never be dropped, and Chromium would
    // outlive the test run.
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}/berakhlak/", site.server.base_url)).unwrap().wait_until_navigated().unwrap();
    wait_for(&tab, "document.readyState === 'complete'");
    tab.press_key("/").unwrap();
    wait_for(&tab, "document.activeElement && document.activeElement.id === '_cari-q'");
    tab.type_str("kkn").unwrap();
    wait_for(
        &tab,
        "document.querySelector('#_cari-hasil[data-query=\"kkn\"]') && !document.querySelector('#_cari-hasil').hidden",
    );
    assert_eq!(eval(&tab, "document.querySelector('#_cari-q').value"), "kkn", "the slash itself is not typed");
    let first = eval(&tab, "document.querySelector('#_cari-hasil [role=option]').getAttribute('href')");
    assert!(first.as_str().unwrap().contains("/panduan/revolusi-mental/fokus-pada-tugas/"), "{first}");
    assert_eq!(eval(&tab, "document.querySelector('#_cari-q').getAttribute('aria-expanded')"), "true");
    tab.press_key("Escape").unwrap();
    wait_for(&tab, "document.querySelector('#_cari-hasil').hidden");
    assert_eq!(eval(&tab, "document.querySelector('#_cari-q').getAttribute('aria-expanded')"), "false");
    let _ = tab.close(false);
}

#[test]
fn markup_in_the_query_never_executes() {
    let site = site().lock().unwrap_or_else(|e| e.into_inner());
    // A browser per test: one kept in a static would never be dropped, and Chromium would
    // outlive the test run.
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    let dialog = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = dialog.clone();
    tab.add_event_listener(Arc::new(move |e: &headless_chrome::protocol::cdp::types::Event| {
        if matches!(e, headless_chrome::protocol::cdp::types::Event::PageJavascriptDialogOpening(_)) {
            seen.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }))
    .unwrap();
    let q = "<img src=x onerror=alert(1)>";
    let url = format!("{}/cari/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", site.server.base_url);
    tab.navigate_to(&url).unwrap().wait_until_navigated().unwrap();
    wait_for(&tab, "document.querySelector('[data-search-page][data-query]')");
    assert_eq!(eval(&tab, "document.querySelector('#_cari-halaman-q').value"), q);
    let status = eval(&tab, "document.querySelector('.search-page-status').textContent");
    assert!(status.as_str().unwrap().contains(q), "the query is shown as text: {status}");
    // The same string typed into the header box.
    type_query(&tab, q);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(eval(&tab, "document.querySelectorAll('[onerror], main img, #_cari-hasil img').length"), 0);
    assert!(!dialog.load(std::sync::atomic::Ordering::SeqCst), "a dialog opened");
    let _ = tab.close(false);
}

#[test]
fn search_page_filters_by_section_and_the_back_button_restores() {
    let site = site().lock().unwrap_or_else(|e| e.into_inner());
    // A browser per test: one kept in a static would never be dropped, and Chromium would
    // outlive the test run.
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}/cari/?q=kinerja", site.server.base_url)).unwrap().wait_until_navigated().unwrap();
    wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"kinerja\"]')");
    let all = eval(&tab, "document.querySelectorAll('.search-page-results li').length").as_u64().unwrap();
    assert!(all > 0);
    eval(&tab, "(() => { const s = document.querySelector('#_cari-halaman-bagian'); s.value = 'sistem-merit'; s.dispatchEvent(new Event('change')); })()");
    wait_for(&tab, "location.search.includes('bagian=sistem-merit') && Array.from(document.querySelectorAll('.search-page-results a')).length > 0 && Array.from(document.querySelectorAll('.search-page-results a')).every(a => a.href.includes('/panduan/sistem-merit/'))");
    eval(&tab, "history.back()");
    wait_for(&tab, "!location.search.includes('bagian') && document.querySelector('#_cari-halaman-bagian').value === '' && document.querySelectorAll('.search-page-results li').length > 0 && Array.from(document.querySelectorAll('.search-page-results a')).some(a => !a.href.includes('/sistem-merit/'))");
    let _ = tab.close(false);
}

#[test]
fn browser_and_terminal_give_the_same_top_results() {
    let site = site().lock().unwrap_or_else(|e| e.into_inner());
    // A browser per test: one kept in a static would never be dropped, and Chromium would
    // outlive the test run.
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}/", site.server.base_url)).unwrap().wait_until_navigated().unwrap();
    type_query(&tab, "pegawai");
    for q in ["melayani", "KKN", "pegawai-pegawai", "kepemimpinannya", "bagaimana cara menjadi agen perubahan?"] {
        let js = format!(
            "window.pedomanSearch.engine.search({}, {{limit: 5}}).then(h => JSON.stringify(h.map(x => x.url)))",
            serde_json::to_string(q).unwrap()
        );
        let browser: Vec<String> = serde_json::from_str(eval(&tab, &js).as_str().unwrap()).unwrap();
        let terminal: Vec<String> =
            pedoman::search::search_site(&site.out, q, 5).unwrap().into_iter().map(|h| h.url).collect();
        assert_eq!(browser, terminal, "{q}");
    }
    let _ = tab.close(false);
}

/// Queries for the timing figures: words, forms, acronyms, sentences, typos.
const TIMING_QUERIES: &[&str] = &[
    "melayani",
    "pelayanan publik",
    "KKN",
    "kinerja pegawai",
    "agen perubahan",
    "reformasi birokrasi",
    "kepemimpinannya",
    "pegawai-pegawai",
    "bagaimana cara menjadi agen perubahan?",
    "sistem merit",
    "pengawasan",
    "digitalisasi layanan",
    "akuntabilitas kinerja",
    "integritas",
    "pelatihan",
    "kompetnsi",
    "penyederhanaan birokrasi",
    "tata kelola",
    "evaluasi program",
    "budaya kerja",
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Figures for the report, on any built site: `PEDOMAN_MEASURE_SITE=public
/// cargo test --release --test search_browser measure -- --ignored --nocapture`.
/// With `PEDOMAN_MEASURE_PAGEFIND=1` it also measures a Pagefind index found
/// in `public/pagefind/` (built by `npx pagefind --site public`).
#[test]
#[ignore = "measurement, not a check: set PEDOMAN_MEASURE_SITE"]
fn measure() {
    let Some(dir) = std::env::var_os("PEDOMAN_MEASURE_SITE").map(PathBuf::from) else { return };
    let server = common::static_server(&dir, "");
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    let gz_of = |paths: &[String]| -> usize {
        paths
            .iter()
            .filter_map(|p| std::fs::read(dir.join(p.trim_start_matches('/'))).ok())
            .map(|b| common::gzipped_len(&b))
            .sum()
    };
    for ms in [80, 200, 300] {
        let tab = browser.new_tab().unwrap();
        tab.navigate_to(&format!("{}/", server.base_url)).unwrap().wait_until_navigated().unwrap();
        wait_for(&tab, "document.readyState === 'complete'");
        server.requests.lock().unwrap().clear();
        let pace = type_query_at(&tab, "melayani", ms);
        let paths = server.requests.lock().unwrap().clone();
        println!(
            "pedoman: typing 'melayani' ({} ms a key, {} searches run) downloaded {} bytes gzipped in {} requests",
            pace.as_millis(),
            box_searches(&tab),
            gz_of(&paths),
            paths.len()
        );
        if let Some(shot) = std::env::var_os("PEDOMAN_MEASURE_SCREENSHOT") {
            let png = tab
                .capture_screenshot(
                    headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption::Png,
                    None,
                    None,
                    true,
                )
                .unwrap();
            std::fs::write(shot, png).unwrap();
        }
        if std::env::var_os("PEDOMAN_MEASURE_VERBOSE").is_some() {
            for p in &paths {
                println!("  {p} {}", gz_of(std::slice::from_ref(p)));
            }
        }
        let _ = tab.close(false);
    }
    server.requests.lock().unwrap().clear();
    tab.navigate_to(&format!("{}/cari/?q=melayani", server.base_url)).unwrap().wait_until_navigated().unwrap();
    wait_for(&tab, "document.querySelector('[data-search-page][data-query]')");
    let paths: Vec<String> = server.requests.lock().unwrap().clone();
    let search_paths: Vec<String> =
        paths.into_iter().filter(|p| p.contains("/search") && !p.ends_with("search-loader.js")).collect();
    println!(
        "pedoman: one search for 'melayani' on /cari/ downloaded {} bytes gzipped in {} requests (page itself excluded)",
        gz_of(&search_paths),
        search_paths.len()
    );
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for q in TIMING_QUERIES {
        let js = format!(
            "(async () => {{ const t = performance.now(); await window.pedomanSearch.engine.search({}, {{limit: 10}}); return performance.now() - t; }})()",
            serde_json::to_string(q).unwrap()
        );
        cold.push(eval(&tab, &js).as_f64().unwrap());
        warm.push(eval(&tab, &js).as_f64().unwrap());
    }
    println!(
        "pedoman: median query time {:.1} ms first time, {:.1} ms repeated ({} queries, top 10 with snippets)",
        median(cold),
        median(warm),
        TIMING_QUERIES.len()
    );

    if std::env::var_os("PEDOMAN_MEASURE_PAGEFIND").is_none() {
        return;
    }
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}/", server.base_url)).unwrap().wait_until_navigated().unwrap();
    wait_for(&tab, "document.readyState === 'complete'");
    server.requests.lock().unwrap().clear();
    let first = "(async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); const r = await window.pf.search('melayani'); await Promise.all(r.results.slice(0, 5).map(x => x.data())); return r.results.length; })()";
    let n = eval(&tab, first);
    let paths = server.requests.lock().unwrap().clone();
    println!(
        "pagefind: first search 'melayani' ({n} results, 5 loaded) downloaded {} bytes gzipped in {} requests",
        gz_of(&paths),
        paths.len()
    );
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for q in TIMING_QUERIES {
        let js = format!(
            "(async () => {{ const t = performance.now(); const r = await window.pf.search({}); await Promise.all(r.results.slice(0, 10).map(x => x.data())); return performance.now() - t; }})()",
            serde_json::to_string(q).unwrap()
        );
        cold.push(eval(&tab, &js).as_f64().unwrap());
        warm.push(eval(&tab, &js).as_f64().unwrap());
    }
    println!("pagefind: median query time {:.1} ms first time, {:.1} ms repeated", median(cold), median(warm));
}
