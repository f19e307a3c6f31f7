//! The page as a reader meets it on a phone and on a desktop, in headless Chromium on the
//! built bundled site: anchors land below the header, nothing scrolls sideways, the menu is
//! a drawer, the search dropdown stays on screen, wide tables say that they scroll.

mod common;
mod reader_support;

use reader_support::{eval, open, viewport, wait_for, Built};
use std::sync::{Mutex, OnceLock};

fn site() -> std::sync::MutexGuard<'static, Built> {
    static SITE: OnceLock<Mutex<Built>> = OnceLock::new();
    SITE.get_or_init(|| Mutex::new(reader_support::build_and_serve(&common::repo_root(), "/panduan")))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The page with the most headings in its table of contents: the longest jump targets.
fn longest_page(site: &Built) -> String {
    reader_support::page_paths(&site.out)
        .into_iter()
        .max_by_key(|p| {
            let html = std::fs::read_to_string(site.out.join(format!("{}index.html", p.trim_start_matches('/'))))
                .unwrap_or_default();
            html.matches("class=\"anchor\"").count()
        })
        .unwrap()
}

/// Where `selector`'s element is against the header: (element top, element bottom, header bottom, viewport height).
const PLACE: &str = "(sel) => { const r = document.querySelector(sel).getBoundingClientRect(); \
    const h = document.querySelector('.site-header').getBoundingClientRect(); \
    return [r.top, r.bottom, h.bottom, innerHeight]; }";

fn placement(tab: &headless_chrome::Tab, selector: &str) -> Vec<f64> {
    let v = eval(tab, &format!("JSON.stringify(({PLACE})({}))", serde_json::to_string(selector).unwrap()));
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn anchor_targets_land_fully_visible_below_the_header() {
    let site = site();
    let page = longest_page(&site);
    let url = format!("{}{page}", site.server.base_url);
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    for (w, h) in [(360, 740), (1280, 800)] {
        viewport(&tab, w, h, false);
        open(&tab, &url);
        let ids: Vec<String> = serde_json::from_str(
            eval(&tab, "JSON.stringify([...document.querySelectorAll('.toc a')].map(a => a.hash.slice(1)))")
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert!(ids.len() >= 4, "{page} has a table of contents");
        for id in &ids {
            // A click on the table of contents, as a reader does.
            eval(&tab, &format!("document.querySelector('.toc a[href=\"#{id}\"]').click()"));
            let sel = format!("[id=\"{id}\"]");
            let [top, bottom, header, height] = placement(&tab, &sel)[..] else { unreachable!() };
            let scrolled = eval(&tab, "scrollY").as_f64().unwrap();
            assert!(top >= header - 0.5, "{w}×{h} {page}#{id}: target top {top} under the header (bottom {header})");
            assert!(bottom <= height || scrolled > 0.0, "{w}×{h} #{id}: target below the screen");
        }
        // Opening an address with a #fragment (a search result's link) lands the same way.
        let last = ids.last().unwrap();
        open(&tab, "about:blank");
        open(&tab, &format!("{url}#{last}"));
        let [top, _, header, _] = placement(&tab, &format!("[id=\"{last}\"]"))[..] else { unreachable!() };
        assert!(top >= header - 0.5, "{w}×{h} direct #{last}: top {top}, header {header}");
        // Shift+Tab onto a link hidden under the header scrolls it into sight.
        eval(&tab, "window.scrollTo(0, 0)");
        let link = "document.querySelectorAll('.content a')[3]";
        eval(&tab, &format!("{link}.scrollIntoView({{block: 'start'}}); window.scrollBy(0, 20)"));
        eval(&tab, &format!("(() => {{ const all = [...document.querySelectorAll('a[href], button, input, summary, [tabindex]')].filter(e => e.tabIndex >= 0); all[all.indexOf({link}) + 1].focus(); }})()"));
        tab.press_key_with_modifiers("Tab", Some(&[headless_chrome::browser::tab::ModifierKey::Shift])).unwrap();
        assert_eq!(eval(&tab, &format!("document.activeElement === {link}")), true, "Shift+Tab reached the link");
        let r: Vec<f64> = serde_json::from_str(
            eval(&tab, &format!("JSON.stringify([{link}.getBoundingClientRect().top, document.querySelector('.site-header').getBoundingClientRect().bottom])"))
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert!(r[0] >= r[1] - 0.5, "{w}×{h}: focused link at {} is under the header ({})", r[0], r[1]);
    }
    let _ = tab.close(false);
}

/// How far (CSS px) the page at `url` reaches past the screen at each of `widths`: loaded once
/// in an iframe of each width in turn (an iframe's width is its page's viewport, media queries
/// included), so a page costs one load, not one per width.
const OVERFLOW: &str = "(url, widths, inject) => new Promise((done, fail) => { \
    const f = document.createElement('iframe'); \
    f.style.cssText = 'position:absolute;top:0;left:0;height:800px;border:0;width:' + widths[0] + 'px'; \
    f.onload = () => { try { \
        const d = f.contentDocument; \
        if (inject) d.body.insertAdjacentHTML('beforeend', inject); \
        const out = widths.map(w => { f.style.width = w + 'px'; \
            return d.documentElement.scrollWidth - f.contentWindow.innerWidth; }); \
        f.remove(); done(JSON.stringify(out)); } catch (e) { fail(e); } }; \
    f.src = url; document.body.appendChild(f); })";

const WIDTHS: [u32; 5] = [320, 360, 1024, 1280, 1920];

fn overflow(tab: &headless_chrome::Tab, url: &str, inject: &str) -> Vec<f64> {
    let js = format!(
        "({OVERFLOW})({}, {WIDTHS:?}, {})",
        serde_json::to_string(url).unwrap(),
        serde_json::to_string(inject).unwrap()
    );
    serde_json::from_str(eval(tab, &js).as_str().unwrap()).unwrap()
}

#[test]
fn no_page_scrolls_sideways_from_320_to_1920_pixels() {
    let site = site();
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    let pages = reader_support::page_paths(&site.out);
    assert!(pages.len() > 100, "the bundled site has its pages: {}", pages.len());
    open(&tab, &format!("{}/", site.server.base_url));
    // The measure sees a page made too wide at every width (so a pass means something).
    let probe =
        overflow(&tab, &format!("{}{}", site.server.base_url, pages[0]), "<div style='width:2000px;height:1px'></div>");
    assert!(probe.iter().all(|&px| px > 0.0), "a 2000-px element is seen: {probe:?}");
    let mut wide = Vec::new();
    for page in &pages {
        let url = format!("{}{page}", site.server.base_url);
        for (w, px) in WIDTHS.iter().zip(overflow(&tab, &url, "")) {
            if px > 0.0 {
                wide.push(format!("{page} at {w}px: {px}px too wide"));
            }
        }
    }
    assert!(wide.is_empty(), "pages scroll sideways:\n{}", wide.join("\n"));
    let _ = tab.close(false);
}

#[test]
fn the_search_dropdown_stays_inside_the_screen_at_every_width() {
    let site = site();
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    for w in [320, 360, 412, 768, 1024, 1280, 1440, 1920] {
        viewport(&tab, w, 800, false);
        open(&tab, &format!("{}/berakhlak/akuntabel/", site.server.base_url));
        tab.wait_for_element("#_cari-q").unwrap().click().unwrap();
        tab.type_str("kinerja").unwrap();
        wait_for(
            &tab,
            "document.querySelector('#_cari-hasil [role=option]') && !document.querySelector('#_cari-hasil').hidden",
            "search results",
        );
        let r: Vec<f64> = serde_json::from_str(
            eval(&tab, "JSON.stringify((r => [r.left, r.right, innerWidth, document.documentElement.scrollWidth])(document.querySelector('#_cari-hasil').getBoundingClientRect()))")
                .as_str()
                .unwrap(),
        )
        .unwrap();
        // Against the screen's width, not innerWidth: a phone's layout viewport widens to
        // content that overflows, so innerWidth would hide it.
        let screen = f64::from(w);
        assert_eq!(r[2], screen, "{w}px: the layout viewport is the screen");
        assert!(r[0] >= 0.0 && r[1] <= screen, "{w}px: dropdown spans {}..{} of {screen}", r[0], r[1]);
        assert!(r[3] <= screen, "{w}px: the page scrolls sideways with the dropdown open ({} > {screen})", r[3]);
    }
    let _ = tab.close(false);
}

#[test]
fn the_phone_menu_is_a_drawer_that_keys_open_and_escape_closes() {
    let site = site();
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    viewport(&tab, 360, 740, false);
    open(&tab, &format!("{}/berakhlak/akuntabel/", site.server.base_url));
    let header_h =
        eval(&tab, "document.querySelector('.site-header').getBoundingClientRect().height").as_f64().unwrap();
    assert!(header_h <= 64.0, "the phone header is one row: {header_h}px");
    assert_eq!(eval(&tab, "getComputedStyle(document.querySelector('#_navigasi')).display"), "none", "closed at first");
    // Keyboard: Tab to the menu button, Enter opens the drawer, Tab goes into it, Esc closes it.
    eval(&tab, "document.querySelector('.menu-button').focus()");
    tab.press_key("Enter").unwrap();
    wait_for(&tab, "document.querySelector('#_navigasi').matches(':popover-open')", "the drawer to open");
    let rect: Vec<f64> = serde_json::from_str(
        eval(&tab, "JSON.stringify((r => [r.left, r.right, r.height])(document.querySelector('#_navigasi').getBoundingClientRect()))").as_str().unwrap(),
    )
    .unwrap();
    assert!(rect[0] >= 0.0 && rect[1] <= 360.0 && rect[2] >= 700.0, "a full-height drawer on screen: {rect:?}");
    tab.press_key("Tab").unwrap();
    assert_eq!(eval(&tab, "!!document.activeElement.closest('#_navigasi')"), true, "Tab moves into the drawer");
    assert_eq!(
        eval(&tab, "!!document.querySelector('#_navigasi a[aria-current=page]') && document.querySelector('#_navigasi a[aria-current=page]').getBoundingClientRect().height > 0"),
        true,
        "the current page is shown in the open section"
    );
    tab.press_key("Escape").unwrap();
    wait_for(&tab, "!document.querySelector('#_navigasi').matches(':popover-open')", "Esc to close the drawer");
    // No interactive element inside a <summary>: each toggle is a bare summary beside its link.
    assert_eq!(eval(&tab, "document.querySelectorAll('summary a, summary button, summary input').length"), 0);
    // On a desktop the navigation is a sidebar, no button needed.
    viewport(&tab, 1280, 800, false);
    assert_eq!(eval(&tab, "getComputedStyle(document.querySelector('#_navigasi')).display"), "block");
    assert_eq!(eval(&tab, "getComputedStyle(document.querySelector('.menu-button')).display"), "none");
    let _ = tab.close(false);
}

#[test]
fn wide_tables_scroll_by_keyboard_and_say_so() {
    let site = site();
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    viewport(&tab, 360, 740, false);
    open(&tab, &format!("{}/pola-pikir/dari-aturan-ke-kinerja/", site.server.base_url));
    let wrap = "document.querySelector('.table-wrap')";
    assert_eq!(
        eval(&tab, &format!("{wrap}.scrollWidth > {wrap}.clientWidth")),
        true,
        "the table is wider than a phone"
    );
    assert_eq!(eval(&tab, &format!("{wrap}.previousElementSibling.className")), "table-hint", "a visible cue");
    assert_eq!(
        eval(&tab, &format!("{wrap}.getAttribute('role') + '|' + {wrap}.getAttribute('aria-label').length"))
            .as_str()
            .map(|s| s.starts_with("region|")),
        Some(true)
    );
    eval(&tab, &format!("{wrap}.focus()"));
    assert_eq!(eval(&tab, &format!("document.activeElement === {wrap}")), true, "the table region takes focus");
    for _ in 0..5 {
        tab.press_key("ArrowRight").unwrap();
    }
    wait_for(&tab, &format!("{wrap}.scrollLeft > 0"), "arrow keys to scroll the table");
    viewport(&tab, 1920, 900, false);
    wait_for(
        &tab,
        &format!("!{wrap}.previousElementSibling || {wrap}.previousElementSibling.className !== 'table-hint'"),
        "the cue to go when the table fits",
    );
    let _ = tab.close(false);
}
