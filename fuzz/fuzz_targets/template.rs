//! Template instrumentation: adding the budget checkpoints never panics and only ever adds
//! text (no line breaks), so every position of the template as written still exists in order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = pedoman::fuzz_instrument_template(text);
    assert_eq!(source.matches('\n').count(), text.matches('\n').count(), "lines moved");
    // The template as written is a subsequence of the instrumented one.
    let mut rest = source.chars();
    assert!(text.chars().all(|c| rest.any(|d| d == c)), "text lost");
});
