//! Self-check lists in headless Chromium: ticks are real, survive a reload, follow their
//! item's text when the list is edited, count progress, and reset.

mod common;
mod reader_support;

use reader_support::{eval, open, viewport, wait_for};
use std::path::Path;

const CONFIG: &str = "title: \"Uji cek diri\"\nlanguage: id\n";

fn write_site(root: &Path, items: &[&str]) {
    let list: String = items.iter().map(|i| format!("- [ ] {i}\n")).collect();
    common::write_files(
        root,
        &[
            ("config.yaml", CONFIG),
            ("content/_index.md", "---\ntitle: Beranda\n---\n"),
            ("content/cek.md", &format!("---\ntitle: Cek diri\n---\n\n## Cek diri\n\n{list}\nSelesai.\n")),
        ],
    );
}

fn status(tab: &headless_chrome::Tab) -> String {
    eval(tab, "document.querySelector('.checklist-status span').textContent").as_str().unwrap().to_string()
}

fn ticked(tab: &headless_chrome::Tab) -> Vec<String> {
    let v = eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('.task input:checked')].map(b => b.labels[0].textContent))",
    );
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn a_ticked_item_stays_ticked_after_reload_and_after_the_list_is_edited() {
    let src = tempfile::tempdir().unwrap();
    write_site(src.path(), &["Saya datang tepat waktu", "Saya menolak gratifikasi", "Saya melayani dengan ramah"]);
    let site = reader_support::build_and_serve(src.path(), "");
    let url = format!("{}/cek/", site.server.base_url);
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    viewport(&tab, 360, 740, false);
    open(&tab, &url);
    wait_for(&tab, "document.querySelector('.checklist-status')", "the checklist script");
    assert_eq!(status(&tab), "0 dari 3 selesai");
    // A tap on the item's text ticks its box: the label belongs to it.
    tab.find_element("label[for=\"_cek-2\"]").unwrap().click().unwrap();
    assert_eq!(ticked(&tab), ["Saya menolak gratifikasi"]);
    assert_eq!(status(&tab), "1 dari 3 selesai");

    open(&tab, &url);
    wait_for(&tab, "document.querySelector('.checklist-status')", "the checklist script");
    assert_eq!(ticked(&tab), ["Saya menolak gratifikasi"], "kept across a reload");
    assert_eq!(status(&tab), "1 dari 3 selesai");

    // The editor inserts an item above and rewords another: the tick follows its text.
    write_site(
        src.path(),
        &[
            "Saya membaca SOP",
            "Saya datang tepat waktu",
            "Saya menolak gratifikasi",
            "Saya melayani warga dengan ramah",
        ],
    );
    common::build_site(src.path(), &site.out, "");
    open(&tab, &url);
    wait_for(&tab, "document.querySelector('.checklist-status')", "the checklist script");
    assert_eq!(eval(&tab, "document.querySelectorAll('.task input').length"), 4);
    assert_eq!(ticked(&tab), ["Saya menolak gratifikasi"], "no tick moved to another item");
    assert_eq!(status(&tab), "1 dari 4 selesai");

    tab.find_element(".checklist-status button").unwrap().click().unwrap();
    assert!(ticked(&tab).is_empty(), "reset clears the ticks");
    open(&tab, &url);
    wait_for(&tab, "document.querySelector('.checklist-status')", "the checklist script");
    assert!(ticked(&tab).is_empty(), "and the reset is remembered");
    let _ = tab.close(false);
}

#[test]
fn without_scripts_the_list_is_plain_and_still_tickable() {
    let src = tempfile::tempdir().unwrap();
    write_site(src.path(), &["Satu", "Dua"]);
    let site = reader_support::build_and_serve(src.path(), "");
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    tab.call_method(headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled { value: true }).unwrap();
    tab.navigate_to(&format!("{}/cek/", site.server.base_url)).unwrap().wait_until_navigated().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let html = tab.get_content().unwrap();
    assert!(!html.contains("checklist-status"), "no progress bar without scripts");
    assert!(!html.contains("disabled"), "boxes are not greyed out");
    // A real tap at the label's place (element.click() needs page scripts).
    let label = tab.find_element("label[for=\"_cek-1\"]").unwrap().get_box_model().unwrap().content;
    let at = headless_chrome::browser::tab::point::Point {
        x: (label.most_left() + label.most_right()) / 2.0,
        y: label.most_top() + label.height() / 2.0,
    };
    tab.click_point(at).unwrap();
    tab.call_method(headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled { value: false }).unwrap();
    assert_eq!(eval(&tab, "document.querySelector('#_cek-1').checked"), true, "ticked by a tap on its text");
    let _ = tab.close(false);
}
