//! Rebuilds as `pedoman serve` runs them: the Builder is kept between builds and told which
//! files changed. Whatever it skips, the output must equal a fresh build of the same sources.

mod build_support;

use build_support::*;
use pedoman::{BuildOptions, Builder};
use std::path::{Path, PathBuf};

fn page(title: &str, description: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndescription: {description}\ntags: [layanan]\n---\n\n{body}\n")
}

fn site() -> Site {
    let mut files = vec![
        ("content/_index.md".to_string(), "---\ntitle: Beranda\n---\n\nSelamat datang.\n".to_string()),
        ("content/nilai/_index.md".to_string(), "---\ntitle: Nilai\n---\n\nPengantar.\n".to_string()),
    ];
    for i in 0..6 {
        let body = format!("## Bagian\n\nPegawai melayani warga nomor {i}. Lihat [awal](a0.md#bagian).");
        files.push((format!("content/nilai/a{i}.md"), page(&format!("Halaman {i}"), "Ringkas.", &body)));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Site::new(&refs)
}

/// A Builder as `serve` makes it, writing into `out`.
fn preview(site: &Site, out: &Path) -> Builder {
    Builder::new(BuildOptions::preview(site.root(), out.to_path_buf()))
}

/// What a fresh build of the same sources writes.
fn fresh(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = site.tmp().join(format!("fresh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    preview(site, &out).build(None).unwrap_or_else(|d| panic!("{d}"));
    let t = tree(&out);
    std::fs::remove_dir_all(&out).unwrap();
    t
}

/// The output equals what a fresh build of the same sources writes.
fn assert_fresh(out: &Path, site: &Site) {
    let (now, want) = (tree(out), fresh(site));
    let differ: Vec<&String> = now.keys().chain(want.keys()).filter(|k| now.get(*k) != want.get(*k)).collect();
    assert!(differ.is_empty(), "differs from a fresh build: {differ:?}");
}

fn rebuild(builder: &mut Builder, changed: &[PathBuf]) -> pedoman::BuildReport {
    builder.build(Some(changed)).unwrap_or_else(|d| panic!("{d}"))
}

fn written(report: &pedoman::BuildReport) -> Vec<String> {
    report.written.iter().map(|p| p.display().to_string()).filter(|p| p.ends_with(".html")).collect()
}

#[test]
fn a_body_edit_renders_its_page_but_not_the_section_listing() {
    let site = site();
    let out = site.tmp().join("pratinjau");
    let mut builder = preview(&site, &out);
    builder.build(None).unwrap();
    let file = site.root().join("content/nilai/a3.md");
    site.write(&[("content/nilai/a3.md", &page("Halaman 3", "Ringkas.", "## Bagian\n\nIsi baru yang lain."))]);
    let report = rebuild(&mut builder, std::slice::from_ref(&file));
    // The section's print page holds every body of the section; its listing is left alone.
    assert_eq!(written(&report), ["nilai/a3/index.html", "nilai/cetak/index.html"], "the page and its print page");
    assert_fresh(&out, &site);
}

#[test]
fn a_description_edit_renders_the_listings_that_show_it() {
    let site = site();
    let out = site.tmp().join("pratinjau");
    let mut builder = preview(&site, &out);
    builder.build(None).unwrap();
    let file = site.root().join("content/nilai/a2.md");
    site.write(&[("content/nilai/a2.md", &page("Halaman 2", "Ringkasan baru.", "## Bagian\n\nIsi."))]);
    let report = rebuild(&mut builder, std::slice::from_ref(&file));
    assert_eq!(
        written(&report),
        ["nilai/a2/index.html", "nilai/cetak/index.html", "nilai/index.html", "tags/layanan/index.html"]
    );
    assert_fresh(&out, &site);
}

#[test]
fn a_section_body_edit_renders_the_section() {
    let site = site();
    let out = site.tmp().join("pratinjau");
    let mut builder = preview(&site, &out);
    builder.build(None).unwrap();
    site.write(&[("content/nilai/_index.md", "---\ntitle: Nilai\n---\n\nPengantar yang diperbarui.\n")]);
    let report = rebuild(&mut builder, &[site.root().join("content/nilai/_index.md")]);
    assert_eq!(written(&report), ["nilai/index.html"]);
    assert!(String::from_utf8_lossy(&tree(&out)["nilai/index.html"]).contains("Pengantar yang diperbarui."));
    assert_fresh(&out, &site);
}

#[test]
fn pages_added_and_removed_through_the_change_list_appear_and_disappear() {
    let site = site();
    let out = site.tmp().join("pratinjau");
    let mut builder = preview(&site, &out);
    builder.build(None).unwrap();
    let added = site.root().join("content/nilai/baru.md");
    site.write(&[("content/nilai/baru.md", &page("Baru", "Baru.", "Isi."))]);
    rebuild(&mut builder, std::slice::from_ref(&added));
    assert!(out.join("nilai/baru/index.html").is_file());
    assert_fresh(&out, &site);
    std::fs::remove_file(&added).unwrap();
    let report = rebuild(&mut builder, &[added]);
    assert!(report.removed.contains(&PathBuf::from("nilai/baru/index.html")), "{:?}", report.removed);
    assert_fresh(&out, &site);
    // A whole folder goes: the change list names only the folder.
    let folder = site.root().join("content/nilai");
    std::fs::remove_dir_all(&folder).unwrap();
    rebuild(&mut builder, &[folder]);
    assert!(!out.join("nilai").exists());
    assert_fresh(&out, &site);
}

#[test]
fn changed_paths_may_be_relative_or_reach_the_site_through_a_link() {
    let site = site();
    let out = site.tmp().join("pratinjau");
    let link = site.tmp().join("tautan");
    std::os::unix::fs::symlink(site.root(), &link).unwrap();
    let mut builder = Builder::new(BuildOptions::preview(link.clone(), out.clone()));
    builder.build(None).unwrap();
    site.write(&[("content/nilai/a1.md", &page("Halaman 1", "Ringkas.", "Isi pertama diganti."))]);
    let report = rebuild(&mut builder, &[link.join("content/nilai/a1.md")]);
    assert_eq!(written(&report), ["nilai/a1/index.html", "nilai/cetak/index.html"]);
    site.write(&[("content/nilai/a4.md", &page("Halaman 4", "Ringkas.", "Isi keempat diganti."))]);
    let relative = link.join("content/nilai/a4.md");
    let relative = pathdiff(&relative, &std::env::current_dir().unwrap());
    let report = rebuild(&mut builder, &[relative]);
    assert_eq!(written(&report), ["nilai/a4/index.html", "nilai/cetak/index.html"]);
    assert_fresh(&out, &site);
}

/// `path` relative to `base` (both absolute), with `..` as needed.
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    out
}

#[test]
fn a_heading_renamed_in_one_file_breaks_links_in_the_others() {
    let site = site();
    let out = site.tmp().join("pratinjau");
    let mut builder = preview(&site, &out);
    builder.build(None).unwrap();
    let file = site.root().join("content/nilai/a0.md");
    let body = "## Judul lain\n\nIsi. Lihat [awal](a0.md#judul-lain).";
    site.write(&[("content/nilai/a0.md", &page("Halaman 0", "Ringkas.", body))]);
    let diags = builder.build(Some(std::slice::from_ref(&file))).expect_err("links to #bagian are broken now");
    let broken: Vec<String> = diags.0.iter().map(|d| d.path.display().to_string()).collect();
    assert_eq!(
        broken,
        [
            "content/nilai/a1.md",
            "content/nilai/a2.md",
            "content/nilai/a3.md",
            "content/nilai/a4.md",
            "content/nilai/a5.md"
        ]
    );
    // Renamed back: the build that follows the fix succeeds and equals a fresh one.
    let body = "## Bagian\n\nPegawai melayani warga nomor 0. Lihat [awal](a0.md#bagian).";
    site.write(&[("content/nilai/a0.md", &page("Halaman 0", "Ringkas.", body))]);
    rebuild(&mut builder, std::slice::from_ref(&file));
    assert_fresh(&out, &site);
}
