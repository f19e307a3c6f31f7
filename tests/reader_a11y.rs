//! axe-core (pinned in tests/npm) on the built bundled site in headless Chromium: home, a
//! section, a long page, a table page, the glossary, a checklist, a print page, `/cari/` with
//! results, the open search dropdown, the open menu drawer and the 404 and offline pages, in
//! light and dark, on a phone and a desktop: no critical or serious violation.

mod common;
mod reader_support;

use reader_support::{eval, open, viewport, wait_for};

fn axe_source() -> String {
    let path = common::repo_root().join("tests/npm/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; run tests/run (it installs the pinned npm modules with `npm ci` in tests/npm)", path.display())
    })
}

/// Runs axe on the page as it is now; returns its critical and serious violations as text lines.
fn axe(tab: &headless_chrome::Tab, axe: &str, what: &str) -> Vec<String> {
    if eval(tab, "typeof axe") != "object" {
        tab.evaluate(axe, false).unwrap();
    }
    let js = "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')) }))))";
    let found: Vec<serde_json::Value> = serde_json::from_str(eval(tab, js).as_str().unwrap()).unwrap();
    found.iter().map(|v| format!("{what}: {} {} on {}", v["impact"], v["id"], v["nodes"])).collect()
}

#[test]
fn no_critical_or_serious_axe_violations_in_either_scheme_on_phone_or_desktop() {
    let site = reader_support::build_and_serve(&common::repo_root(), "");
    let base = &site.server.base_url;
    let source = axe_source();
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    let pages = [
        "/",
        "/berakhlak/",
        "/pola-pikir/dari-aturan-ke-kinerja/",
        "/sistem-merit/siklus-manajemen-asn/",
        "/glosarium/istilah/",
        "/berakhlak/akuntabel/",
        "/berakhlak/cetak/",
        "/404.html",
        "/offline.html",
    ];
    let mut blocking = Vec::new();
    let mut record = |found: Vec<String>| blocking.extend(found);
    for (w, h, dark) in [(360, 740, false), (360, 740, true), (1280, 800, false), (1280, 800, true)] {
        let mode = format!("{w}px {}", if dark { "dark" } else { "light" });
        viewport(&tab, w, h, dark);
        for page in pages {
            open(&tab, &format!("{base}{page}"));
            record(axe(&tab, &source, &format!("{mode} {page}")));
        }
        // The search page with results, and the header dropdown open.
        open(&tab, &format!("{base}/cari/?q=melayani"));
        wait_for(&tab, "document.querySelector('.search-page-results li')", "results on /cari/");
        record(axe(&tab, &source, &format!("{mode} /cari/?q=melayani")));
        open(&tab, &format!("{base}/berakhlak/"));
        tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
        tab.type_str("kinerja").unwrap();
        wait_for(
            &tab,
            "document.querySelector('#_cari-hasil [role=option]') && !document.querySelector('#_cari-hasil').hidden",
            "the dropdown",
        );
        record(axe(&tab, &source, &format!("{mode} dropdown")));
        if w < 600 {
            open(&tab, &format!("{base}/berakhlak/akuntabel/"));
            eval(&tab, "document.querySelector('#_navigasi').showPopover()");
            record(axe(&tab, &source, &format!("{mode} menu drawer")));
        }
    }
    assert!(blocking.is_empty(), "axe violations:\n{}", blocking.join("\n"));
    let _ = tab.close(false);
}

/// For the report: every axe violation (all impacts) on the same pages and modes, as
/// a table of rule → count, for the built site in `$PEDOMAN_AXE_SITE` (default: the bundled
/// site built now). `cargo test --test reader_a11y -- --ignored --nocapture`
#[test]
#[ignore]
fn axe_table() {
    let built;
    let (base, _server) = match std::env::var_os("PEDOMAN_AXE_SITE") {
        Some(dir) => {
            let server = common::static_server(std::path::Path::new(&dir), "");
            (server.base_url.clone(), Some(server))
        }
        None => {
            built = reader_support::build_and_serve(&common::repo_root(), "");
            (built.server.base_url.clone(), None)
        }
    };
    let source = axe_source();
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    let mut table: std::collections::BTreeMap<(String, String), usize> = Default::default();
    let pages = [
        "/",
        "/berakhlak/",
        "/pola-pikir/dari-aturan-ke-kinerja/",
        "/glosarium/istilah/",
        "/berakhlak/akuntabel/",
        "/404.html",
        "/cari/?q=melayani",
    ];
    for (w, h, dark) in [(360, 740, false), (360, 740, true), (1280, 800, false), (1280, 800, true)] {
        viewport(&tab, w, h, dark);
        for page in pages {
            open(&tab, &format!("{base}{page}"));
            std::thread::sleep(std::time::Duration::from_millis(800));
            tab.evaluate(&source, false).unwrap();
            let js = "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations.map(v => [v.impact, v.id, v.nodes.length])))";
            let found: Vec<(String, String, usize)> = serde_json::from_str(eval(&tab, js).as_str().unwrap()).unwrap();
            for (impact, id, n) in found {
                *table.entry((impact, id)).or_default() += n;
            }
        }
    }
    println!("| impact | rule | nodes (7 pages × 4 modes) |\n| --- | --- | --- |");
    for ((impact, id), n) in table {
        println!("| {impact} | {id} | {n} |");
    }
    let _ = tab.close(false);
}
