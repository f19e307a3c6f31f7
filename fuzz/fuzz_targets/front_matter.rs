//! Front matter: reading, splitting and strict YAML parsing never panic, and errors point at a
//! line of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pedoman::frontmatter::{self, PageMeta, SectionMeta};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = frontmatter::normalize_newlines(text.to_string());
    let path = Path::new("content/a.md");
    let Ok(split) = frontmatter::split(path, &text) else {
        return;
    };
    assert!(text.ends_with(split.body));
    let lines = text.lines().count() + 1;
    if let Err(d) = frontmatter::parse::<PageMeta>(path, split.yaml, split.yaml_line - 1) {
        assert!(d.line <= lines, "{d} past line {lines}");
    }
    let _ = frontmatter::parse::<SectionMeta>(path, split.yaml, split.yaml_line - 1);
});
