//! Template instrumentation: adding the budget checkpoints never panics and only ever adds
//! text, so the template as written is the instrumented one minus the checkpoints.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pedoman::render_budget::instrument;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let t = instrument(text);
    let plain = t
        .source
        .replace(&format!("{{{{ {}() -}}}}", pedoman::render_budget::TICK), "")
        .replace(&format!("{{{{ {}() }}}}", pedoman::render_budget::TICK), "");
    assert!(plain.len() <= t.source.len());
    assert_eq!(plain.lines().count(), text.lines().count(), "lines moved");
});
