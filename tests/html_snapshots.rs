//! Snapshots of the `<main>` of every page of the feature fixture `tests/fixtures/fitur/`,
//! built with the real binary: a change to how a page renders shows up as a diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test html_snapshots` and
//! `git diff tests/snapshots/`). The fixture covers front matter, headings and their ids, the
//! table of contents, tables, task lists, footnotes, code, callouts, internal links,
//! taxonomies, the glossary, sections, print pages and the search and 404 pages.

mod common;

use common::{pedoman, repo_root};
use std::path::Path;

/// The output's HTML files, relative and sorted, with `/` separators.
fn html_files(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    files.sort();
    files
}

/// The page's `<main>` element as written, from its start tag to its end tag.
fn main_element(rel: &str, html: &str) -> Option<String> {
    let start = html.find("<main")?;
    let end = html.rfind("</main>").unwrap_or_else(|| panic!("{rel}: <main> is never closed"));
    assert_eq!(html.matches("<main").count(), 1, "{rel}: one <main> per page");
    Some(html[start..end + "</main>".len()].to_string())
}

#[test]
fn the_main_of_every_fixture_page_matches_its_snapshot() {
    // The output inside the temp folder: the build keeps the folder it replaces beside the
    // output (its spare), and that must go with the temp folder too.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = repo_root().join("tests/fixtures/fitur");
    let run = pedoman(["build".as_ref(), "--root".as_ref(), root.as_os_str(), "--output".as_ref(), out.as_os_str()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let files = html_files(&out);
    let mut without_main = Vec::new();
    // Asset URLs carry a content hash (`?h=…`) that changes with the theme, not the page.
    insta::with_settings!({ filters => vec![(r"\?h=[0-9a-f]{8}", "?h=[HASH]")], omit_expression => true }, {
        for rel in &files {
            let html = std::fs::read_to_string(out.join(rel)).unwrap();
            match main_element(rel, &html) {
                Some(main) => insta::assert_snapshot!(rel.trim_end_matches(".html").replace('/', "__"), main),
                None => without_main.push(rel.as_str()),
            }
        }
        // A page that appears, disappears or loses its <main> is a change to review too.
        let listing: Vec<String> =
            files.iter().map(|f| format!("{f}{}", if without_main.contains(&f.as_str()) { " (no <main>)" } else { "" })).collect();
        insta::assert_snapshot!("pages", listing.join("\n"));
    });
}
