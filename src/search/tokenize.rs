//! Tokenizer: Unicode letters and digits, case-folded, split on everything else.
//! A hyphen between two word characters joins them (`pegawai-pegawai`): if the
//! parts stem alike the compound is one reduplicated word (`sehari-hari` → `hari`),
//! otherwise each part is its own word (`tanya-jawab`). Numbers (`2014`) and
//! acronyms (`KKN`) are kept as they are, lower-cased.

use super::lists;
use super::stem::stem_word;

/// One word of a text, as the index and the query see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word as written, lower-cased (`pegawai-pegawai`).
    pub surface: String,
    /// The word's stem (`pegawai`), what the index stores.
    pub stem: String,
    /// A stop word: kept for phrases and snippets, never indexed.
    pub stop: bool,
    /// Span in the text, in characters (Unicode scalar values, as `Array.from` counts in JS).
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
}

/// Longer "words" are URLs or hashes: not worth indexing.
pub(super) const MAX_WORD: usize = 40;

/// Clitics written after a hyphen (`KKN-nya`) belong to no word of their own.
pub(super) const HYPHEN_CLITICS: [&str; 6] = ["nya", "ku", "mu", "lah", "kah", "pun"];

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The stem of one part of a word (no hyphen): words with digits stay whole.
pub(super) fn stem_part(part: &str) -> String {
    if !part.chars().all(char::is_alphabetic) {
        return part.to_string();
    }
    // A site repeats its words: remember stems per thread (bounded).
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
    }
    MEMO.with(|m| {
        if let Some(s) = m.borrow().get(part) {
            return s.clone();
        }
        let s = stem_word(part);
        let mut m = m.borrow_mut();
        if m.len() > 200_000 {
            m.clear();
        }
        m.insert(part.to_string(), s.clone());
        s
    })
}

/// Splits `text` into words, lower-cased and stemmed, stop words marked.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for (start, raw) in raw_words(text) {
        word_tokens(raw, start, &mut out);
    }
    out
}

/// The words of `text` as written, each with its offset in characters: runs of word
/// characters, joined by a hyphen between two of them. `tokenize` turns each into tokens
/// with `word_tokens`; the index, which meets the same words over and over, remembers
/// what each became.
pub(super) fn raw_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut chars = text.char_indices().peekable();
    let mut offset = 0;
    std::iter::from_fn(move || {
        // Skip to the next word character.
        let (begin, start) = loop {
            let (at, c) = chars.next()?;
            offset += 1;
            if is_word_char(c) {
                break (at, offset - 1);
            }
        };
        let mut end = text.len();
        while let Some(&(at, c)) = chars.peek() {
            if is_word_char(c) {
                chars.next();
                offset += 1;
                continue;
            }
            // A hyphen joins only when a word character follows it.
            let joins = is_hyphen(c) && text[at + c.len_utf8()..].chars().next().is_some_and(is_word_char);
            if !joins {
                end = at;
                break;
            }
            chars.next();
            offset += 1;
        }
        Some((start, &text[begin..end]))
    })
}

/// The tokens of one word as `raw_words` gives it, starting at character `start`.
pub(super) fn word_tokens(raw: &str, start: usize, out: &mut Vec<Token>) {
    let chars: Vec<char> = raw.chars().collect();
    push_word(&chars, start, out);
}

fn push_word(raw: &[char], start: usize, out: &mut Vec<Token>) {
    if raw.len() > MAX_WORD {
        return;
    }
    // Parts with their character offsets; lower-casing may change a part's length
    // (rare: `İ`), so offsets come from the raw text.
    // Each part: lower-cased text, span, and whether it was written as an acronym
    // (`SE`, `PP`): an acronym is never a stop word, whatever it spells.
    let mut parts: Vec<(String, usize, usize, bool)> = Vec::new();
    let mut s = 0;
    for j in 0..=raw.len() {
        if j == raw.len() || is_hyphen(raw[j]) {
            let part = &raw[s..j];
            let acronym = part.len() >= 2 && part.iter().all(|c| c.is_uppercase());
            parts.push((part.iter().collect::<String>().to_lowercase(), start + s, start + j, acronym));
            s = j + 1;
        }
    }
    while parts.len() > 1 && HYPHEN_CLITICS.contains(&parts[parts.len() - 1].0.as_str()) {
        parts.pop();
    }
    let stems: Vec<String> = parts.iter().map(|p| stem_part(&p.0)).collect();
    let stop_words = lists::stopwords();
    if parts.len() > 1 && stems.iter().all(|s| *s == stems[0]) {
        let surface: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
        let surface = surface.join("-");
        let stop = !parts[0].3 && (stop_words.contains(surface.as_str()) || stop_words.contains(parts[0].0.as_str()));
        out.push(Token { surface, stem: stems[0].clone(), stop, start, end: parts[parts.len() - 1].2 });
        return;
    }
    for ((surface, a, b, acronym), stem) in parts.into_iter().zip(stems) {
        let stop = !acronym && stop_words.contains(surface.as_str());
        out.push(Token { surface, stem, stop, start: a, end: b });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn splits_on_punctuation_and_folds_case() {
        assert_eq!(stems("Korupsi, Kolusi, dan Nepotisme (KKN)."), ["korupsi", "kolusi", "dan", "nepotisme", "kkn"]);
    }

    #[test]
    fn reduplication_is_one_word() {
        let t = tokenize("pegawai-pegawai sehari-hari");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].surface, "pegawai-pegawai");
        assert_eq!(t[0].stem, "pegawai");
        assert_eq!((t[0].start, t[0].end), (0, 15));
        assert_eq!(t[1].stem, "hari");
    }

    #[test]
    fn other_compounds_are_separate_words() {
        assert_eq!(stems("tanya-jawab"), ["tanya", "jawab"]);
        assert_eq!(stems("KKN-nya"), ["kkn"]);
    }

    #[test]
    fn numbers_and_years_are_kept() {
        assert_eq!(stems("UU No. 20 Tahun 2023, 2010–2025"), ["uu", "no", "20", "tahun", "2023", "2010", "2025"]);
    }

    #[test]
    fn stop_words_are_marked_not_dropped() {
        let t = tokenize("bagaimana cara menjadi agen perubahan?");
        let stop: Vec<bool> = t.iter().map(|t| t.stop).collect();
        assert_eq!(stop, [true, false, true, false, false]);
        assert_eq!(t[4].stem, "ubah");
    }

    #[test]
    fn acronyms_are_never_stop_words() {
        let t = tokenize("SE Menteri, se");
        assert!(!t[0].stop);
        assert!(t[2].stop);
    }

    #[test]
    fn offsets_count_characters() {
        let t = tokenize("é-mail café");
        assert_eq!(t.last().unwrap().start, 7);
    }
}
