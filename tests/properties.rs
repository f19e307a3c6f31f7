//! Property tests of what meets user input: front matter splitting and YAML, Markdown with
//! Pedoman's extensions (heading ids, callouts, links, raw HTML), slugs and base URLs.
//! Invariants: no panic, no hang (each case time-boxed), heading ids unique and URL-safe, no
//! NUL in the HTML, rendering deterministic. `PROPTEST_CASES` raises the case count.

use pedoman::config::RawHtml;
use pedoman::frontmatter::{self, PageMeta};
use pedoman::markdown::{self, CalloutLabels};
use proptest::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn labels() -> CalloutLabels {
    CalloutLabels {
        note: "Catatan".into(),
        tip: "Tips".into(),
        important: "Penting".into(),
        warning: "Peringatan".into(),
        caution: "Hati-hati".into(),
    }
}

/// Far above what any case takes; a case over it is a hang (or quadratic blow-up) to look at.
const TIME_BOX: Duration = Duration::from_secs(5);

/// Markdown built from the pieces Pedoman treats specially, plus noise.
fn markdown_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "#{1,6} [A-Za-z _#{}<>!-]{0,12}( \\{#[a-z_?.-]{0,6}\\})?\n",
        Just("## Judul\n".to_string()),
        Just("## Judul {#judul-1}\n".to_string()),
        "> \\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION|BOGUS)\\]\n> [a-z ]{0,10}\n",
        "\\[[a-z]{0,5}\\]\\((@/|\\.\\./)?[a-z/]{0,8}(\\.md)?(#[a-z-]{0,6})?\\)",
        "\\[x\\]\\((javascript|JaVaScRiPt|data|vbscript|https?):[a-z(),/]{0,10}\\)",
        "<(script|div|img|b|style|!--)( on[a-z]+=[a-z()]{0,6})?>[a-z]{0,6}(</[a-z]{1,6}>)?",
        "\\|[a-z ]{0,4}\\|[a-z ]{0,4}\\|\n\\|---\\|---\\|\n",
        "- \\[[ x]\\] [a-z]{0,6}\n",
        "```[a-z]{0,4}\n[a-z<>&\"]{0,10}\n```\n",
        "[\\x00-\\x7f]{0,12}",
        "\\PC{0,8}",
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
    ]
}

fn markdown_text() -> impl Strategy<Value = String> {
    prop::collection::vec(markdown_piece(), 0..40).prop_map(|parts| parts.concat())
}

/// The inside of every tag of `html`, lowercased: text `<` is escaped, so each `<` left opens a tag.
fn tags(html: &str) -> Vec<String> {
    html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("").to_ascii_lowercase()).collect()
}

/// A `<script>` tag, a `javascript:` attribute value or an event-handler attribute.
fn scripted(tag: &str) -> bool {
    tag.starts_with("script")
        || tag.contains("=\"javascript:")
        || tag.split_whitespace().any(|a| a.starts_with("on") && a.contains('='))
}

fn url_safe(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

proptest! {
    // Failures are reported with their minimal input; nothing is written beside the sources.
    // 2,000 cases each: CI runs these instead of the fuzz targets (`fuzz/run`), whose cold
    // nightly build alone takes longer than the whole suite can spare.
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn markdown_renders_with_unique_safe_ids_deterministically(text in markdown_text(), mode in 0..3u8) {
        let mode = [RawHtml::Allow, RawHtml::Escape, RawHtml::Strip][mode as usize];
        let started = Instant::now();
        let first = markdown::render(&text, &labels(), "Tautan", mode);
        prop_assert!(started.elapsed() < TIME_BOX, "took {:?}", started.elapsed());
        let mut seen = std::collections::HashSet::new();
        for id in &first.heading_ids {
            prop_assert!(seen.insert(id.clone()), "duplicate id {id}");
            // An explicit id that is not URL-safe, or starts with `_` (the theme's and
            // Pedoman's own ids), is reported, and the build refuses the page.
            let fine = url_safe(id) && !id.starts_with('_');
            prop_assert!(fine || !first.problems.is_empty(), "id {id:?} unreported");
        }
        // A NUL only ever starts Pedoman's own link placeholders (resolved by the links stage).
        prop_assert!(!first.html.replace(markdown::LINK_PREFIX, "").contains('\0'));
        if mode != RawHtml::Allow {
            for tag in tags(&first.html) {
                prop_assert!(!scripted(&tag), "<{tag}>");
            }
        }
        let again = markdown::render(&text, &labels(), "Tautan", mode);
        prop_assert_eq!(&first.html, &again.html);
        prop_assert_eq!(&first.heading_ids, &again.heading_ids);
    }

    #[test]
    fn slugs_are_ascii_words_and_dashes(text in "\\PC{0,40}") {
        let slug = markdown::slugify(&text);
        prop_assert!(!slug.is_empty() && !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{slug:?}");
        prop_assert_eq!(markdown::slugify(&slug), slug.clone(), "a slug is its own slug");
    }

    #[test]
    fn front_matter_splits_and_parses_without_panicking(
        yaml in prop::collection::vec(prop_oneof![
            "(title|date|tags|slug|weight|draft|aliases|extra|titel): [^\\n]{0,12}",
            "  - [^\\n]{0,8}",
            "---",
            "[^\\n]{0,16}",
        ], 0..12),
        body in "[^\\x00]{0,40}",
        opened in any::<bool>(),
    ) {
        let mut text = String::new();
        if opened {
            text.push_str("---\n");
        }
        text.push_str(&yaml.join("\n"));
        text.push_str("\n---\n");
        text.push_str(&body);
        let text = frontmatter::normalize_newlines(text);
        let started = Instant::now();
        if let Ok(split) = frontmatter::split(Path::new("a.md"), &text) {
            prop_assert!(split.body_line >= 1);
            // The body is the end of the text, so link positions count from the right line.
            prop_assert!(text.ends_with(split.body));
            match frontmatter::parse::<PageMeta>(Path::new("a.md"), split.yaml, split.yaml_line - 1) {
                Ok(_) => {}
                Err(d) => {
                    let lines = text.lines().count().max(1);
                    prop_assert!(d.line <= lines + 1, "line {} past the end ({lines} lines): {d}", d.line);
                }
            }
        }
        prop_assert!(started.elapsed() < TIME_BOX);
    }

    #[test]
    fn base_urls_are_accepted_only_as_plain_http_urls(url in prop_oneof![
        "(https?|ftp|javascript|data)://[a-z.]{0,12}(:[0-9]{1,5})?(/[a-z ?#%@:]{0,10}){0,3}",
        "\\PC{0,30}",
    ]) {
        let mut config: pedoman::config::Config = serde_yaml::from_str("title: T").unwrap();
        if config.override_base_url(&url).is_ok() {
            let base = &config.base_url;
            prop_assert!(base.starts_with("http://") || base.starts_with("https://"), "{base}");
            prop_assert!(!base.contains(['?', '#', '\n', '\r', '\t', ' ']) && !base.ends_with('/'), "{base}");
            // Once accepted, a value is accepted again as it is.
            let again = base.clone();
            prop_assert!(config.override_base_url(&again).is_ok());
            prop_assert_eq!(&config.base_url, &again);
        }
    }
}

/// Found by the markdown fuzz target: text that reads like an attribute is text, not a tag.
#[test]
fn attribute_like_text_is_not_a_tag() {
    for mode in [RawHtml::Escape, RawHtml::Strip] {
        let html = markdown::render("A<?href=\"javascript:", &labels(), "T", mode).html;
        assert!(tags(&html).iter().all(|t| !t.contains("javascript")), "{mode:?}: {html}");
        assert!(html.contains("&lt;?href="), "{mode:?}: {html}");
    }
}

/// 100,000 identical headings once took minutes (each probed `-1`, `-2`, … upward); the ids
/// must still come out unique and in order.
#[test]
fn many_identical_headings_get_unique_ids() {
    let text = "## Judul\n\n".repeat(100_000);
    let started = Instant::now();
    let r = markdown::render(&text, &labels(), "Tautan", RawHtml::Allow);
    let took = started.elapsed();
    println!("100,000 identical headings rendered in {took:?}");
    assert_eq!(r.heading_ids.len(), 100_000);
    assert_eq!((r.heading_ids[0].as_str(), r.heading_ids[99_999].as_str()), ("judul", "judul-99999"));
    let unique: std::collections::HashSet<&String> = r.heading_ids.iter().collect();
    assert_eq!(unique.len(), 100_000);
    assert!(took < Duration::from_secs(30), "took {took:?}: quadratic again?");
}
