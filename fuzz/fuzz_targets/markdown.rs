//! Markdown with Pedoman's extensions: never panics, heading ids unique (and URL-safe unless
//! reported), no NUL in the HTML, nothing scripted through in `escape`/`strip`, deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pedoman::config::RawHtml;
use pedoman::markdown::{self, CalloutLabels};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mode = [RawHtml::Allow, RawHtml::Escape, RawHtml::Strip][usize::from(mode % 3)];
    let labels = CalloutLabels {
        note: "Catatan".into(),
        tip: "Tips".into(),
        important: "Penting".into(),
        warning: "Peringatan".into(),
        caution: "Hati-hati".into(),
    };
    let r = markdown::render(text, &labels, "Tautan", mode);
    let mut seen = std::collections::HashSet::new();
    for id in &r.heading_ids {
        assert!(seen.insert(id), "duplicate id {id}");
        let safe = !id.starts_with('_') && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        assert!(safe || !r.problems.is_empty(), "id {id:?} unreported");
    }
    assert!(!r.html.contains('\0'));
    if mode != RawHtml::Allow {
        // Text `<` is escaped, so every `<` left opens a tag Pedoman or pulldown-cmark made.
        for tag in r.html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("").to_ascii_lowercase()) {
            assert!(
                !tag.starts_with("script")
                    && !tag.contains("=\"javascript:")
                    && !tag.split_whitespace().any(|a| a.starts_with("on") && a.contains('=')),
                "<{tag}>"
            );
        }
    }
    let slug = markdown::slugify(text);
    assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    assert_eq!(markdown::render(text, &labels, "Tautan", mode).html, r.html);
});
