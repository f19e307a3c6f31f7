//! Search as a reader meets it, in headless Chromium on the built bundled site, served under a
//! base path (`/panduan`) over loopback with `Content-Security-Policy: default-src 'self'`.
//! A browser per test: one kept in a static would never be dropped, and Chromium would outlive
//! the test run.

mod common;

use headless_chrome::protocol::cdp::{Network, Page};
use headless_chrome::{Browser, Tab};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// What every page must work under: no inline script or style, nothing from other hosts.
const CSP: (&str, &str) = ("Content-Security-Policy", "default-src 'self'");

struct Site {
    _dir: tempfile::TempDir,
    out: PathBuf,
    server: common::StaticServer,
}

/// Builds the site at `root` into a temporary folder and serves it under `/panduan`.
fn build_and_serve(root: &Path) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    common::build_site(root, &out, "/panduan");
    // Without its service worker, if the site has one (reader_offline.rs tests it): here every
    // request must reach the test server, so that its faults and byte counts are what the
    // search meets.
    let _ = std::fs::remove_file(out.join("sw.js"));
    let server = common::static_server_with(&out, "/panduan", &[CSP]);
    Site { _dir: dir, out, server }
}

/// The bundled site, built once and served for every test in this file (one test at a time,
/// as some set faults on its server).
fn site() -> MutexGuard<'static, Site> {
    static SITE: OnceLock<Mutex<Site>> = OnceLock::new();
    let site = SITE.get_or_init(|| Mutex::new(build_and_serve(&common::repo_root())));
    let guard = site.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // A test that failed with a fault set must not pass it on.
    for path in ["/search-engine.js", "/search.js", "/search/meta.json"] {
        guard.server.set_fault(path, None);
    }
    guard
}

/// Installed in every page before its own scripts: records CSP violations, layout shifts that
/// no input caused, and when the box first said "Mencari…" and first showed results after the
/// first keystroke (all in the page's clock).
const PROBE: &str = r#"
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));
window.__cls = 0;
new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) window.__cls += e.value; }))
  .observe({type: 'layout-shift', buffered: true});
window.__t = {};
document.addEventListener('input', () => { if (!window.__t.input) window.__t.input = performance.now(); }, true);
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.site-search');
  if (!form) return;
  new MutationObserver(() => {
    const t = window.__t, now = performance.now();
    if (!t.input) return;
    const panel = form.querySelector('.search-results'), msg = form.querySelector('.search-msg');
    if (!t.busy && !panel.hidden && msg.textContent === form.dataset.searchMsgSearching) t.busy = now;
    if (!t.hits && !form.querySelector('[role=listbox]').hidden && form.querySelector('[role=option]')) t.hits = now;
  }).observe(form, {subtree: true, childList: true, characterData: true, attributes: true});
});
"#;

/// A fresh tab with [`PROBE`] installed.
fn open_tab(browser: &Browser) -> Arc<Tab> {
    let tab = browser.new_tab().unwrap();
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: PROBE.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .unwrap();
    tab
}

fn goto(tab: &Tab, url: &str) {
    tab.navigate_to(url).unwrap().wait_until_navigated().unwrap();
    wait_for(tab, "document.readyState === 'complete'");
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, true).unwrap_or_else(|e| panic!("evaluate {js}: {e}")).value.unwrap_or(serde_json::Value::Null)
}

fn eval_str(tab: &Tab, js: &str) -> String {
    match eval(tab, js) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Polls `js` until it is truthy (10 s at most).
fn wait_for(tab: &Tab, js: &str) {
    let start = Instant::now();
    let js = format!("!!({js})");
    loop {
        if eval(tab, &js) == true {
            return;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let state = eval_str(
                tab,
                "location.href + ' | box: ' + document.querySelector('form.site-search').textContent.slice(0, 300) + ' | page: ' + (document.querySelector('.search-page-status') || {}).textContent",
            );
            panic!("timed out waiting for {js}; {state}");
        }
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// No script, style or fetch was refused by the Content-Security-Policy.
fn assert_no_csp_violations(tab: &Tab) {
    assert_eq!(eval_str(tab, "JSON.stringify(window.__csp)"), "[]", "CSP violations on {}", tab.get_url());
}

const PANEL_OPEN: &str = "!document.querySelector('form.site-search .search-results').hidden";

fn titles(tab: &Tab) -> Vec<String> {
    let v = eval_str(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#_cari-hasil [role=option] .search-hit-title')).map(e => e.textContent))",
    );
    serde_json::from_str(&v).unwrap()
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

/// Types `q` a key every `ms_per_key` without waiting for anything.
fn type_keys(tab: &Tab, q: &str, ms_per_key: u64) {
    for c in q.chars() {
        // One protocol call per key (type_str makes three round trips).
        tab.send_character(&c.to_string()).unwrap();
        std::thread::sleep(Duration::from_millis(ms_per_key));
    }
}

/// Returns the real time per key (the browser's own handling adds to the pause).
fn type_query_at(tab: &Tab, q: &str, ms_per_key: u64) -> Duration {
    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    let start = Instant::now();
    type_keys(tab, q, ms_per_key);
    let pace = start.elapsed() / q.chars().count() as u32;
    let q = serde_json::to_string(q).unwrap();
    wait_for(
        tab,
        &format!("document.querySelector('#_cari-hasil').getAttribute('data-query') === {q} && {PANEL_OPEN}"),
    );
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

/// Throttles the tab's network: `(round trip ms, kbit/s)`.
fn throttle(tab: &Tab, rtt_ms: f64, kbit_per_s: f64) {
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .unwrap();
    let bytes_per_s = kbit_per_s * 1000.0 / 8.0;
    tab.call_method(Network::EmulateNetworkConditions {
        offline: false,
        latency: rtt_ms,
        download_throughput: bytes_per_s,
        upload_throughput: bytes_per_s,
        connection_Type: None,
        packet_loss: None,
        packet_queue_length: None,
        packet_reordering: None,
    })
    .unwrap();
}

/// axe-core's violations inside `include` (CSS selectors), one line each: impact, rule, nodes.
fn axe_violations(tab: &Tab, include: &[&str]) -> Vec<String> {
    let path = common::repo_root().join("tests/npm/node_modules/axe-core/axe.min.js");
    let src = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run tests/run (it installs the pinned npm modules)", path.display()));
    if eval(tab, "typeof axe") != "object" {
        eval(tab, &format!("{src};0"));
    }
    let context = if include.is_empty() {
        "document".to_string()
    } else {
        format!(
            "{{include: {}}}",
            serde_json::to_string(&include.iter().map(|s| vec![*s]).collect::<Vec<_>>()).unwrap()
        )
    };
    let js = format!(
        "axe.run({context}, {{resultTypes: ['violations']}}).then(r => JSON.stringify(r.violations.map(v => v.impact + ' ' + v.id + ' x' + v.nodes.length + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.any.concat(n.all).map(c => c.message).join('; ')).join(' | '))))"
    );
    serde_json::from_str(&eval_str(tab, &js)).unwrap()
}

// ---- finding and opening ----

#[test]
fn typing_melayani_finds_berorientasi_pelayanan_and_enter_opens_it() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    site.server.requests.lock().unwrap().clear();
    goto(&tab, &format!("{}/", site.server.base_url));
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
    let mark = eval_str(&tab, "(document.querySelector('#_cari-hasil mark') || {}).textContent || ''");
    assert!(!mark.is_empty(), "matched words are highlighted");
    for _ in 0..=i {
        tab.press_key("ArrowDown").unwrap();
    }
    assert_eq!(
        eval(&tab, "document.querySelector('#_cari-q').getAttribute('aria-activedescendant')"),
        format!("_cari-opsi-{i}")
    );
    tab.press_key("Enter").unwrap();
    let start = Instant::now();
    while !tab.get_url().contains("/panduan/berakhlak/berorientasi-pelayanan/") {
        assert!(start.elapsed() < Duration::from_secs(10), "did not land on the page: {}", tab.get_url());
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_for(&tab, "document.readyState === 'complete' && document.querySelector('h1') && document.querySelector('h1').textContent.includes('Berorientasi Pelayanan')");
    assert_no_csp_violations(&tab);
}

#[test]
fn opening_a_result_highlights_the_words_searched_for_on_the_page() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/", site.server.base_url));
    type_query(&tab, "melayani");
    let href = eval_str(&tab, "document.querySelector('#_cari-hasil [role=option]').href");
    assert!(href.contains("h=melayani"), "the result carries the words to highlight: {href}");
    tab.press_key("ArrowDown").unwrap();
    tab.press_key("Enter").unwrap();
    wait_for(&tab, "document.querySelectorAll('main mark.search-highlight').length > 0");
    let marked: Vec<String> = serde_json::from_str(&eval_str(
        &tab,
        "JSON.stringify(Array.from(document.querySelectorAll('mark.search-highlight')).map(m => m.textContent.toLowerCase()))",
    ))
    .unwrap();
    // Other forms of the word are found too, and nothing else.
    assert!(marked.iter().any(|w| w == "pelayanan"), "{marked:?}");
    for w in &marked {
        assert_eq!(pedoman::search::stem(w), "layan", "{w} was highlighted for melayani");
    }
    assert_eq!(eval(&tab, "document.querySelectorAll('mark.search-highlight:not(main mark)').length"), 0);
    // The address is clean again, the text reads the same.
    assert!(!tab.get_url().contains("h="), "{}", tab.get_url());
    let text = eval_str(&tab, "document.querySelector('main').textContent");
    assert!(text.contains("Berorientasi Pelayanan"), "the page's text is intact");
    let contrast = eval_str(
        &tab,
        "(() => { const m = document.querySelector('mark.search-highlight'); const s = getComputedStyle(m); return s.backgroundColor; })()",
    );
    assert_ne!(contrast, "rgba(0, 0, 0, 0)", "highlighted words have a background");
    assert_no_csp_violations(&tab);
}

#[test]
fn markup_in_the_query_never_executes() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    let dialog = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = dialog.clone();
    tab.add_event_listener(Arc::new(move |e: &headless_chrome::protocol::cdp::types::Event| {
        if matches!(e, headless_chrome::protocol::cdp::types::Event::PageJavascriptDialogOpening(_)) {
            seen.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }))
    .unwrap();
    let q = "<img src=x onerror=alert(1)>";
    goto(&tab, &format!("{}/cari/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", site.server.base_url));
    wait_for(&tab, "document.querySelector('[data-search-page][data-query]')");
    assert_eq!(eval(&tab, "document.querySelector('#_cari-halaman-q').value"), q);
    let status = eval_str(&tab, "document.querySelector('.search-page-status').textContent");
    assert!(status.contains(q), "the query is shown as text: {status}");
    assert!(eval_str(&tab, "document.title").starts_with(q), "the title names the query as text");
    // The same string typed into the header box.
    type_query(&tab, q);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(eval(&tab, "document.querySelectorAll('[onerror], main img, #_cari-hasil img').length"), 0);
    assert!(!dialog.load(std::sync::atomic::Ordering::SeqCst), "a dialog opened");
}

#[test]
fn browser_and_terminal_give_the_same_top_results() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/", site.server.base_url));
    type_query(&tab, "pegawai");
    for q in ["melayani", "KKN", "pegawai-pegawai", "kepemimpinannya", "bagaimana cara menjadi agen perubahan?"] {
        let js = format!(
            "window.pedomanSearch.engine.search({}, {{limit: 5}}).then(h => JSON.stringify(h.map(x => x.url)))",
            serde_json::to_string(q).unwrap()
        );
        let browser: Vec<String> = serde_json::from_str(&eval_str(&tab, &js)).unwrap();
        let terminal: Vec<String> =
            pedoman::search::search_site(&site.out, q, 5).unwrap().into_iter().map(|h| h.url).collect();
        assert_eq!(browser, terminal, "{q}");
    }
}

// ---- feedback: busy, failed, retried ----

#[test]
fn mencari_shows_at_once_while_the_engine_is_slow_to_arrive() {
    let site = site();
    site.server.set_fault("/search-engine.js", Some(common::Fault::Delay(Duration::from_secs(3))));
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/", site.server.base_url));
    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    type_keys(&tab, "mel", 30);
    wait_for(&tab, "window.__t.busy");
    let busy = eval(&tab, "window.__t.busy - window.__t.input").as_f64().unwrap();
    assert!(busy < 100.0, "\"Mencari…\" came {busy:.0} ms after the first keystroke");
    assert_eq!(eval_str(&tab, "document.querySelector('form.site-search .search-msg').textContent"), "Mencari…");
    assert_eq!(eval(&tab, "document.querySelector('form.site-search .search-msg').checkVisibility()"), true);
    assert_eq!(eval(&tab, "!!window.pedomanSearch"), false, "the engine was still on its way");
    // Then the results replace it.
    wait_for(&tab, "window.__t.hits");
    assert_eq!(eval(&tab, "document.querySelector('form.site-search .search-msg').textContent"), "");
    assert_no_csp_violations(&tab);
}

#[test]
fn a_part_that_fails_to_load_is_reported_and_the_next_keystroke_retries() {
    let site = site();
    let browser = common::launch_browser();
    // The engine, the UI, and the index: each failing once, on a fresh browser (empty cache).
    for (path, page) in [("/search-engine.js", "/"), ("/search.js", "/berakhlak/"), ("/search/meta.json", "/")] {
        let tab = open_tab(&browser);
        site.server.set_fault(path, Some(common::Fault::Fail));
        goto(&tab, &format!("{}{page}", site.server.base_url));
        tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
        type_keys(&tab, "melayan", 30);
        let failed = "document.querySelector('form.site-search .search-msg').textContent.startsWith('Pencarian belum dapat dimuat')";
        wait_for(&tab, &format!("{failed} && {PANEL_OPEN}"));
        wait_for(&tab, "document.querySelector('form.site-search .search-live').textContent.startsWith('Pencarian belum dapat dimuat')");
        site.server.set_fault(path, None);
        type_keys(&tab, "i", 0);
        wait_for(&tab, "document.querySelector('#_cari-hasil').getAttribute('data-query') === 'melayani' && !document.querySelector('#_cari-hasil').hidden");
        assert!(titles(&tab).contains(&"Berorientasi Pelayanan".to_string()), "{path}: {:?}", titles(&tab));
        let _ = tab.close(false);
    }
}

#[test]
fn the_search_page_reports_a_failed_index_and_recovers_as_you_type() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    site.server.set_fault("/search/meta.json", Some(common::Fault::Fail));
    goto(&tab, &format!("{}/cari/?q=kinerja", site.server.base_url));
    wait_for(
        &tab,
        "document.querySelector('.search-page-status').textContent.startsWith('Pencarian belum dapat dimuat')",
    );
    site.server.set_fault("/search/meta.json", None);
    tab.wait_for_element("#_cari-halaman-q").unwrap().click().unwrap();
    type_keys(&tab, " pegawai", 30);
    wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"kinerja pegawai\"]') && document.querySelectorAll('.search-page-results li').length > 0");
    // The section filter came with the index.
    assert!(eval(&tab, "document.querySelector('#_cari-halaman-bagian').options.length").as_u64().unwrap() > 1);
}

// ---- the combobox ----

#[test]
fn the_box_is_a_combobox_whose_active_option_follows_the_arrows() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/berakhlak/", site.server.base_url));
    let attrs = |tab: &Tab| {
        eval_str(
            tab,
            "(() => { const i = document.querySelector('#_cari-q'); return ['role', 'aria-expanded', 'aria-controls', 'aria-autocomplete', 'aria-activedescendant'].map(a => String(i.getAttribute(a))).join(' '); })()",
        )
    };
    assert_eq!(attrs(&tab), "combobox false _cari-hasil list null");
    tab.press_key("/").unwrap();
    wait_for(&tab, "document.activeElement && document.activeElement.id === '_cari-q'");
    tab.type_str("kkn").unwrap();
    wait_for(
        &tab,
        &format!("document.querySelector('#_cari-hasil').getAttribute('data-query') === 'kkn' && {PANEL_OPEN}"),
    );
    assert_eq!(eval(&tab, "document.querySelector('#_cari-q').value"), "kkn", "the slash itself is not typed");
    assert_eq!(attrs(&tab), "combobox true _cari-hasil list null");
    // The listbox holds options only, each with an id the input can point at.
    let roles = eval_str(
        &tab,
        "Array.from(document.querySelector('#_cari-hasil').children).map(c => c.getAttribute('role')).join(' ')",
    );
    assert!(!roles.is_empty() && roles.split(' ').all(|r| r == "option"), "{roles}");
    assert_eq!(eval(&tab, "document.querySelector('#_cari-hasil').getAttribute('role')"), "listbox");
    let first = eval_str(&tab, "document.querySelector('#_cari-hasil [role=option]').getAttribute('href')");
    assert!(first.contains("/panduan/revolusi-mental/fokus-pada-tugas/"), "{first}");
    let selected =
        "Array.from(document.querySelectorAll('#_cari-hasil [aria-selected=true]')).map(o => o.id).join(' ')";
    tab.press_key("ArrowDown").unwrap();
    assert_eq!(attrs(&tab), "combobox true _cari-hasil list _cari-opsi-0");
    assert_eq!(eval(&tab, selected), "_cari-opsi-0");
    tab.press_key("ArrowDown").unwrap();
    assert_eq!(eval(&tab, selected), "_cari-opsi-1");
    tab.press_key("ArrowUp").unwrap();
    assert_eq!(attrs(&tab), "combobox true _cari-hasil list _cari-opsi-0");
    assert_eq!(eval(&tab, "document.activeElement.id"), "_cari-q", "focus stays in the box");
    // A polite live region says how many results there are.
    wait_for(&tab, "/^\\d+\\+? hasil$/.test(document.querySelector('form.site-search [role=status]').textContent)");
    let n = eval(&tab, "document.querySelectorAll('#_cari-hasil [role=option]').length").as_u64().unwrap();
    let live = eval_str(&tab, "document.querySelector('form.site-search [role=status]').textContent");
    assert!(live == format!("{n} hasil") || live == format!("{n}+ hasil"), "{live}");
    tab.press_key("Escape").unwrap();
    wait_for(&tab, "document.querySelector('form.site-search .search-results').hidden");
    assert_eq!(attrs(&tab), "combobox false _cari-hasil list null");
    // No page carries aria-expanded on anything that is not a combobox, button or summary.
    assert_eq!(
        eval(&tab, "document.querySelectorAll('[aria-expanded]:not([role=combobox]):not(button):not(summary)').length"),
        0
    );
}

#[test]
fn the_dropdown_stays_inside_the_viewport_at_every_width() {
    let site = site();
    let browser = common::launch_browser();
    for width in [320, 360, 1024, 1280, 1920] {
        let tab = open_tab(&browser);
        common::set_viewport(&tab, width, 800, width < 800);
        goto(&tab, &format!("{}/", site.server.base_url));
        type_query(&tab, "pelayanan publik");
        let geometry = eval_str(
            &tab,
            "(() => { const r = document.querySelector('form.site-search .search-results').getBoundingClientRect(); return [r.left, r.right, r.bottom, document.documentElement.clientWidth, innerHeight, document.documentElement.scrollWidth].join(' '); })()",
        );
        let g: Vec<f64> = geometry.split(' ').map(|x| x.parse().unwrap()).collect();
        let (left, right, bottom, client, height, scroll) = (g[0], g[1], g[2], g[3], g[4], g[5]);
        assert!(left >= 0.0 && right <= client, "at {width} px the dropdown spans {left}..{right} of {client}");
        assert!(bottom <= height, "at {width} px the dropdown ends at {bottom} below {height}");
        assert!(scroll <= client, "at {width} px the page scrolls sideways: {scroll} > {client}");
        assert!(right - left >= (client - 16.0).min(300.0), "at {width} px the dropdown is {} px wide", right - left);
        let _ = tab.close(false);
    }
}

// ---- the /cari/ page ----

#[test]
fn search_page_shows_results_as_you_type_without_shifting_the_layout() {
    let site = site();
    let browser = common::launch_browser();
    for (width, mobile) in [(360, true), (1280, false)] {
        let tab = open_tab(&browser);
        common::set_viewport(&tab, width, 800, mobile);
        // Arriving with a query: results fill the room kept for them.
        goto(&tab, &format!("{}/cari/?q=melayani", site.server.base_url));
        wait_for(&tab, "document.querySelector('[data-search-page][data-query]')");
        std::thread::sleep(Duration::from_millis(300));
        let cls = eval(&tab, "window.__cls").as_f64().unwrap();
        assert!(cls < 0.1, "layout shift {cls} at {width} px arriving with a query");
        // Typing: results as you type, count, title, address.
        goto(&tab, &format!("{}/cari/", site.server.base_url));
        assert_eq!(
            eval_str(&tab, "document.querySelector('.search-page-status').textContent"),
            "Ketik kata kunci untuk mencari."
        );
        tab.wait_for_element("#_cari-halaman-q").unwrap().click().unwrap();
        type_keys(&tab, "kinerja pegawai", 120);
        wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"kinerja pegawai\"]')");
        let status = eval_str(&tab, "document.querySelector('.search-page-status').textContent");
        let shown = eval(&tab, "document.querySelectorAll('.search-page-results li').length").as_u64().unwrap();
        assert!(shown > 0);
        assert!(
            status == format!("{shown} hasil untuk “kinerja pegawai”")
                || status == format!("{shown}+ hasil untuk “kinerja pegawai”"),
            "{status} ({shown} shown)"
        );
        assert!(
            eval_str(&tab, "document.title").starts_with("kinerja pegawai – Cari"),
            "{}",
            eval_str(&tab, "document.title")
        );
        assert!(tab.get_url().contains("q=kinerja+pegawai"), "{}", tab.get_url());
        std::thread::sleep(Duration::from_millis(600));
        let cls = eval(&tab, "window.__cls").as_f64().unwrap();
        assert!(cls < 0.1, "layout shift {cls} at {width} px while typing");
        // The controls are styled, in the site's font.
        let fonts = eval_str(
            &tab,
            "['#_cari-halaman-q', '#_cari-halaman-bagian', '.search-page button'].map(s => getComputedStyle(document.querySelector(s)).fontFamily === getComputedStyle(document.body).fontFamily).join(' ')",
        );
        assert_eq!(fonts, "true true true");
        assert_no_csp_violations(&tab);
        let _ = tab.close(false);
    }
}

#[test]
fn search_page_fits_a_320_px_phone() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    common::set_viewport(&tab, 320, 640, true);
    goto(&tab, &format!("{}/cari/?q=agen+perubahan", site.server.base_url));
    wait_for(&tab, "document.querySelector('[data-search-page][data-query]')");
    let (scroll, inner) = (eval(&tab, "document.documentElement.scrollWidth"), eval(&tab, "innerWidth"));
    assert_eq!((scroll.as_u64().unwrap(), inner.as_u64().unwrap()), (320, 320), "the page scrolls sideways");
}

#[test]
fn search_page_filters_by_section_and_the_back_button_restores() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/cari/?q=kinerja", site.server.base_url));
    wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"kinerja\"]')");
    let all = eval(&tab, "document.querySelectorAll('.search-page-results li').length").as_u64().unwrap();
    assert!(all > 0);
    eval(&tab, "(() => { const s = document.querySelector('#_cari-halaman-bagian'); s.value = 'sistem-merit'; s.dispatchEvent(new Event('change')); })()");
    wait_for(&tab, "location.search.includes('bagian=sistem-merit') && Array.from(document.querySelectorAll('.search-page-results a')).length > 0 && Array.from(document.querySelectorAll('.search-page-results a')).every(a => a.href.includes('/panduan/sistem-merit/'))");
    eval(&tab, "history.back()");
    wait_for(&tab, "!location.search.includes('bagian') && document.querySelector('#_cari-halaman-bagian').value === '' && document.querySelectorAll('.search-page-results li').length > 0 && Array.from(document.querySelectorAll('.search-page-results a')).some(a => !a.href.includes('/sistem-merit/'))");
    // A shared address with a section opens filtered.
    goto(&tab, &format!("{}/cari/?q=kinerja&bagian=sistem-merit", site.server.base_url));
    wait_for(&tab, "document.querySelector('[data-search-page][data-query]') && document.querySelector('#_cari-halaman-bagian').value === 'sistem-merit'");
    assert_eq!(eval(&tab, "Array.from(document.querySelectorAll('.search-page-results a')).every(a => a.href.includes('/panduan/sistem-merit/'))"), true);
}

#[test]
fn search_page_fetches_one_window_of_records_then_more_on_request() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    site.server.requests.lock().unwrap().clear();
    goto(&tab, &format!("{}/cari/?q=kinerja", site.server.base_url));
    wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"kinerja\"]')");
    let records = || site.server.requests.lock().unwrap().iter().filter(|p| p.contains("/search/f/")).count();
    let links = |tab: &Tab| -> Vec<String> {
        serde_json::from_str(&eval_str(
            tab,
            "JSON.stringify(Array.from(document.querySelectorAll('.search-page-results a')).map(a => a.getAttribute('href')))",
        ))
        .unwrap()
    };
    // The first results come from the engine's first window: five pages, five records read.
    let first = links(&tab);
    assert_eq!((first.len(), records()), (5, 5), "{first:?}");
    assert_eq!(eval_str(&tab, "document.querySelector('.search-page-status').textContent"), "5+ hasil untuk “kinerja”");
    // More on request, after the first five, none twice; the keyboard goes on from the first new one.
    eval(&tab, "document.querySelector('.search-page-more').click()");
    wait_for(&tab, "document.querySelectorAll('.search-page-results li').length > 5");
    let all = links(&tab);
    assert_eq!(all.len(), 15, "{all:?}");
    assert_eq!(all[..5], first[..]);
    let unique: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "a result shown twice: {all:?}");
    assert_eq!(records(), 15);
    assert_eq!(eval_str(&tab, "document.activeElement.getAttribute('href')"), all[5]);
    assert_eq!(
        eval_str(&tab, "document.querySelector('.search-page-status').textContent"),
        "15+ hasil untuk “kinerja”"
    );
    // Exactly five results: the button finds nothing new, goes away, and the keyboard stays
    // on the last result.
    goto(&tab, &format!("{}/cari/?q=apel", site.server.base_url));
    wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"apel\"]')");
    assert_eq!(links(&tab).len(), 5);
    eval(&tab, "document.querySelector('.search-page-more').click()");
    wait_for(&tab, "!document.querySelector('.search-page-more')");
    let five = links(&tab);
    assert_eq!(five.len(), 5);
    assert_eq!(eval_str(&tab, "document.activeElement.getAttribute('href')"), five[4]);
    assert_eq!(eval_str(&tab, "document.querySelector('.search-page-status').textContent"), "5 hasil untuk “apel”");
}

// ---- what the engine says about a query: partial matches, absent words, a correction ----

/// Makes the page's engine add `extra` (JS statements on `h`, the result array) to every answer:
/// the fields the engine gives when it has them (`partial`, `missing`, `absent`, `suggestion`).
fn enrich_answers(tab: &Tab, extra: &str) {
    eval(
        tab,
        &format!("(() => {{ const e = window.pedomanSearch.engine, search = e.search.bind(e); e.search = (q, o) => search(q, o).then(h => {{ {extra}; return h; }}); }})()"),
    );
}

#[test]
fn partial_matches_absent_words_and_corrections_are_shown() {
    let site = site();
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/", site.server.base_url));
    type_query(&tab, "pelayanan");
    enrich_answers(
        &tab,
        "if (q.includes('melahirkan')) { h.forEach((x, i) => { if (i > 0) { x.partial = true; x.missing = ['melahirkan']; } }); h.absent = ['melahirkan']; h.suggestion = 'pelayanan publik'; }",
    );
    type_keys(&tab, " melahirkan", 20);
    wait_for(&tab, "document.querySelector('#_cari-hasil').getAttribute('data-query') === 'pelayanan melahirkan' && !document.querySelector('#_cari-hasil').hidden");
    let labels: Vec<String> = serde_json::from_str(&eval_str(
        &tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#_cari-hasil [role=option]')).map(o => (o.querySelector('.search-hit-partial') || {}).textContent || ''))",
    ))
    .unwrap();
    assert_eq!(labels[0], "", "a full match carries no label");
    assert!(labels.len() > 1 && labels[1..].iter().all(|l| l == "Cocok sebagian · tanpa: melahirkan"), "{labels:?}");
    let note = eval_str(&tab, "document.querySelector('form.site-search .search-msg').textContent");
    assert!(note.contains("Tidak ada halaman tentang melahirkan."), "{note}");
    assert!(note.contains("Mungkin maksud Anda: pelayanan publik"), "{note}");
    // One tap runs the suggestion.
    eval(&tab, "document.querySelector('form.site-search .search-suggestion').click()");
    wait_for(&tab, "document.querySelector('#_cari-hasil').getAttribute('data-query') === 'pelayanan publik'");
    assert_eq!(eval(&tab, "document.querySelector('#_cari-q').value"), "pelayanan publik");

    // The same on /cari/, before the results.
    goto(&tab, &format!("{}/cari/", site.server.base_url));
    wait_for(&tab, "window.pedomanSearch && window.pedomanSearch.engine");
    enrich_answers(
        &tab,
        "h.forEach(x => { x.partial = true; x.missing = ['cuti', 'melahirkan']; }); h.absent = ['melahirkan']",
    );
    tab.wait_for_element("#_cari-halaman-q").unwrap().click().unwrap();
    type_keys(&tab, "cuti melahirkan pegawai", 10);
    wait_for(&tab, "document.querySelector('[data-search-page][data-query=\"cuti melahirkan pegawai\"]')");
    assert!(eval_str(&tab, "document.querySelector('.search-page-notes').textContent")
        .contains("Tidak ada halaman tentang melahirkan."));
    assert_eq!(
        eval_str(&tab, "document.querySelector('.search-page-results .search-hit-partial').textContent"),
        "Cocok sebagian · tanpa: cuti, melahirkan"
    );
}

// ---- an English site ----

#[test]
fn an_english_site_speaks_english() {
    let dir = tempfile::tempdir().unwrap();
    common::write_files(
        dir.path(),
        &[
            ("config.yaml", "title: Service Guide\nlanguage: en\n"),
            ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
            ("content/service.md", "---\ntitle: Public service\n---\nServing the public well: pelayanan publik.\n"),
            ("content/services.md", "---\ntitle: Service standards\n---\nEvery service has a standard.\n"),
        ],
    );
    let site = build_and_serve(dir.path());
    site.server.set_fault("/search-engine.js", Some(common::Fault::Delay(Duration::from_millis(1000))));
    let browser = common::launch_browser();
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/", site.server.base_url));
    assert_eq!(eval(&tab, "document.querySelector('#_cari-q').placeholder"), "Search… (press /)");
    tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
    type_keys(&tab, "service", 30);
    // The probe sets `busy` when the panel shows the site's "searching" text.
    wait_for(&tab, "window.__t.busy");
    assert_eq!(eval(&tab, "document.querySelector('form.site-search').dataset.searchMsgSearching"), "Searching…");
    wait_for(&tab, "window.__t.hits");
    wait_for(&tab, "/^\\d+\\+? results?$/.test(document.querySelector('form.site-search [role=status]').textContent)");
    assert_eq!(eval(&tab, "document.querySelector('form.site-search .search-more').textContent"), "See all results");
    type_keys(&tab, "zzqx", 30);
    wait_for(
        &tab,
        "document.querySelector('form.site-search .search-msg').textContent === 'No results for “servicezzqx”.'",
    );

    goto(&tab, &format!("{}/cari/", site.server.base_url));
    assert_eq!(eval(&tab, "document.querySelector('.search-page-status').textContent"), "Type a word to search.");
    tab.wait_for_element("#_cari-halaman-q").unwrap().click().unwrap();
    type_keys(&tab, "standard", 30);
    wait_for(&tab, "document.querySelector('.search-page-status').textContent === '1 result for “standard”'");
    assert!(eval_str(&tab, "document.title").starts_with("standard – Search · Service Guide"));
    let texts = eval_str(&tab, "document.body.innerText + ' ' + Array.from(document.querySelectorAll('[placeholder], [aria-label]')).map(e => e.getAttribute('placeholder') || e.getAttribute('aria-label')).join(' ')");
    for word in ["Cari", "hasil", "Mencari", "Bagian", "bagian", "Kata kunci", "Ketik"] {
        assert!(!texts.contains(word), "Indonesian `{word}` on an English site: {texts}");
    }
    assert_no_csp_violations(&tab);
}

// ---- accessibility ----

#[test]
fn axe_finds_nothing_serious_in_the_search_views() {
    let site = site();
    let browser = common::launch_browser();
    let mut found = Vec::new();
    for (width, height, mobile) in [(360, 740, true), (1280, 800, false)] {
        for dark in [false, true] {
            let tab = open_tab(&browser);
            common::set_viewport(&tab, width, height, mobile);
            common::set_media(&tab, dark, false);
            let view = format!("{width}x{height}{}", if dark { " dark" } else { "" });
            goto(&tab, &format!("{}/cari/?q=melayani", site.server.base_url));
            wait_for(&tab, "document.querySelector('[data-search-page][data-query]')");
            for v in axe_violations(&tab, &["form.site-search", ".search-page"]) {
                found.push(format!("/cari/?q=melayani {view}: {v}"));
            }
            goto(&tab, &format!("{}/berakhlak/", site.server.base_url));
            type_query(&tab, "melayani");
            tab.press_key("ArrowDown").unwrap();
            for v in axe_violations(&tab, &["form.site-search"]) {
                found.push(format!("dropdown {view}: {v}"));
            }
            let _ = tab.close(false);
        }
    }
    let serious: Vec<&String> =
        found.iter().filter(|v| v.contains(": critical ") || v.contains(": serious ")).collect();
    assert!(serious.is_empty(), "{serious:#?}");
    // Landmarks on /cari/ have names of their own.
    let tab = open_tab(&browser);
    goto(&tab, &format!("{}/cari/", site.server.base_url));
    let names = eval_str(
        &tab,
        "Array.from(document.querySelectorAll('[role=search]')).map(e => e.getAttribute('aria-label')).join('|')",
    );
    let unique: std::collections::HashSet<&str> = names.split('|').collect();
    assert_eq!(unique.len(), 2, "{names}");
}

// ---- figures for reports ----

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

/// First search on a slow phone link (400 ms round trip, 400 kbit/s), from the first keystroke
/// to "Mencari…" and to results, typing `melayani` at 200 ms a key on a page just opened:
/// `cargo test --release --test search_browser measure_slow_link -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a check"]
fn measure_slow_link() {
    let site = site();
    let browser = common::launch_browser();
    let (mut busy, mut hits) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let tab = open_tab(&browser);
        common::set_viewport(&tab, 360, 740, true);
        throttle(&tab, 400.0, 400.0);
        goto(&tab, &format!("{}/berakhlak/", site.server.base_url));
        tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
        type_keys(&tab, "melayani", 200);
        let start = Instant::now();
        while eval(&tab, "!!window.__t.hits") != true {
            assert!(start.elapsed() < Duration::from_secs(30), "no results after 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        busy.push(eval(&tab, "window.__t.busy - window.__t.input").as_f64().unwrap());
        hits.push(eval(&tab, "window.__t.hits - window.__t.input").as_f64().unwrap());
        let _ = tab.close(false);
    }
    println!(
        "slow link: \"Mencari…\" after {busy:.0?} ms, results after {hits:.0?} ms (median {:.0} ms)",
        median(hits.clone())
    );
}
