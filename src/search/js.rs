//! Everything `search-engine.js` needs from the Rust source (word lists, affixes, format and
//! ranking constants), rendered as the block between `// BEGIN GENERATED` and
//! `// END GENERATED` in that file. The test below fails when the file's block
//! differs from `generated()` and rewrites it with `PEDOMAN_BLESS=1`, so nothing is copied by
//! hand.

use super::{format, hit, lists, parse, query, stem, tokenize, typo};
use serde_json::{json, Value};

pub(super) const BEGIN: &str =
    "  // BEGIN GENERATED (src/search/js.rs renders this from the Rust source; do not edit)\n";
pub(super) const END: &str = "  // END GENERATED\n";

/// The generated block, markers included.
pub(super) fn generated() -> String {
    let mut out = String::from(BEGIN);
    let mut var = |name: &str, value: Value| out.push_str(&format!("  var {name} = {value};\n"));
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    var("STOPWORDS", json!(words(lists::STOPWORDS)));
    var("KEEP", json!(words(lists::KEEP)));
    var("M_ROOTS", json!(words(lists::M_ROOTS)));
    var("N_ROOTS", json!(words(lists::N_ROOTS)));
    var("NY_ROOTS", json!(words(lists::NY_ROOTS)));
    var("K_ROOTS", json!(words(lists::K_ROOTS)));
    var("E_ROOTS", json!(words(lists::E_ROOTS)));
    var("R_ROOTS", json!(words(lists::R_ROOTS)));
    var("AI_ROOTS", json!(words(lists::AI_ROOTS)));
    var("SI_ROOTS", json!(words(lists::SI_ROOTS)));
    var("K_FINAL", json!(words(lists::K_FINAL)));
    var("MONO", json!(words(lists::MONO)));
    var("CLITIC_ROOTS", json!(words(lists::CLITIC_ROOTS)));
    var("SPECIAL", json!(words(lists::SPECIAL)));
    var("CLUSTERS", json!(stem::CLUSTERS));
    var("LOAN_ENDINGS", json!(stem::LOAN_ENDINGS));
    var("PARTICLES", json!(stem::PARTICLES));
    var("POSSESSIVES", json!(stem::POSSESSIVES));
    var("MAX_WORD", json!(tokenize::MAX_WORD));
    var("HYPHEN_CLITICS", json!(tokenize::HYPHEN_CLITICS));
    var("FORMAT_VERSION", json!(format::FORMAT_VERSION));
    var("EXPANSION_MARK", json!(format::EXPANSION_MARK));
    var("MAX_WORDS", json!(parse::MAX_WORDS));
    var("WINDOW", json!(query::WINDOW));
    var("PHRASE_CHECKS", json!(query::PHRASE_CHECKS));
    var("K1", json!(query::K1));
    var("PREFIX_WEIGHT", json!(query::PREFIX_WEIGHT));
    var("SYNONYM_WEIGHT", json!(query::SYNONYM_WEIGHT));
    var("TYPO_WEIGHTS", json!(query::TYPO_WEIGHTS));
    var("PREFIX_TERMS", json!(query::PREFIX_TERMS));
    var("PREFIX_MIN_LEN", json!(query::PREFIX_MIN_LEN));
    var("TYPO_TERMS", json!(query::TYPO_TERMS));
    var("TITLE_BONUS", json!(query::TITLE_BONUS));
    var("COMMON_IDF_MILLI", json!(query::COMMON_IDF_MILLI));
    var("SNIPPET_WORDS", json!(hit::SNIPPET_WORDS));
    var("PROX_BONUS", json!(hit::PROX_BONUS));
    var("PROX_NEAR", json!(hit::PROX_NEAR));
    var("ONE_EDIT", json!(typo::ONE_EDIT));
    var("TWO_EDITS", json!(typo::TWO_EDITS));
    out.push_str(END);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_engine_js_holds_the_generated_block() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/pedoman/static/search-engine.js");
        let js = std::fs::read_to_string(&path).unwrap();
        let start = js.find(super::BEGIN).expect("BEGIN GENERATED marker in search-engine.js");
        let stop = js.find(super::END).expect("END GENERATED marker in search-engine.js") + super::END.len();
        let want = super::generated();
        if js[start..stop] != want {
            if std::env::var_os("PEDOMAN_BLESS").is_some() {
                std::fs::write(&path, format!("{}{}{}", &js[..start], want, &js[stop..])).unwrap();
            } else {
                panic!("search-engine.js's generated block differs from the Rust source; run PEDOMAN_BLESS=1 cargo test --lib js");
            }
        }
    }
}
