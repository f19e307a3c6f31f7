//! Reading a query: words are tokenized and stemmed like the index; `"…"` marks an exact
//! phrase; stop words drop out, and so does a word whose stem came earlier (each of the
//! query's ideas counts once). In prefix mode (as the reader types) the last word is kept
//! even when it is a stop word, since it may be the beginning of a longer one.

use super::tokenize::{tokenize, Token};

/// Words a query uses at most.
pub(super) const MAX_WORDS: usize = 12;

#[derive(Debug)]
pub(super) struct Parsed {
    /// The meaningful words, with their character spans in the whole query.
    pub words: Vec<Token>,
    /// Which words were inside quotes.
    pub quoted: Vec<bool>,
    /// Exact phrases, as the lower-cased words a page must show in this order.
    pub phrases: Vec<Vec<String>>,
    /// The last word is still being typed: it also matches longer words.
    pub prefix_last: bool,
}

pub(super) fn parse(query: &str, prefix_mode: bool) -> Parsed {
    let mut p = Parsed { words: Vec::new(), quoted: Vec::new(), phrases: Vec::new(), prefix_last: false };
    let trailing_space = query.ends_with(|c: char| c.is_whitespace() || c == '"');
    let segments: Vec<&str> = query.split('"').collect();
    let mut offset = 0;
    for (i, seg) in segments.iter().enumerate() {
        let inside = i % 2 == 1;
        let tokens = tokenize(seg);
        if inside && tokens.len() > 1 {
            p.phrases.push(tokens.iter().map(|t| t.surface.clone()).collect());
        }
        let last_seg = i == segments.len() - 1;
        let n = tokens.len();
        for (j, mut t) in tokens.into_iter().enumerate() {
            let typing = prefix_mode && last_seg && j == n - 1 && !inside && !trailing_space;
            let repeated = !inside && p.words.iter().any(|w| w.stem == t.stem);
            if (t.stop || repeated) && !typing {
                continue;
            }
            if p.words.len() == MAX_WORDS {
                break;
            }
            t.start += offset;
            t.end += offset;
            p.prefix_last = typing;
            p.words.push(t);
            p.quoted.push(inside);
        }
        offset += seg.chars().count() + 1;
    }
    p
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn queries_parse_into_at_most_the_allowed_words(
            q in prop::collection::vec(prop_oneof!["[a-z]{1,10}", "\"", "[ \t\n-]{1,3}", "\\PC{1,4}"], 0..80),
            prefix in any::<bool>(),
        ) {
            let q = q.concat();
            let p = super::parse(&q, prefix);
            prop_assert!(p.words.len() <= super::MAX_WORDS);
            prop_assert_eq!(p.words.len(), p.quoted.len());
            let len = q.chars().count();
            for w in &p.words {
                prop_assert!(w.start < w.end && w.end <= len);
            }
        }
    }
    use super::*;

    #[test]
    fn drops_stop_words_and_finds_phrases() {
        let p = parse("bagaimana cara menjadi \"agen perubahan\"", false);
        let stems: Vec<&str> = p.words.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["cara", "agen", "ubah"]);
        assert_eq!(p.quoted, [false, true, true]);
        assert_eq!(p.phrases, vec![vec!["agen".to_string(), "perubahan".to_string()]]);
        assert!(!p.prefix_last);
    }

    #[test]
    fn spans_count_characters_of_the_whole_query() {
        let p = parse("\"agen perubahan\" fórum", false);
        assert_eq!((p.words[2].start, p.words[2].end), (17, 22));
    }

    #[test]
    fn a_repeated_idea_counts_once() {
        let p = parse("layanan pelayanan melayani warga", false);
        assert_eq!(p.words.len(), 2);
    }

    #[test]
    fn prefix_mode_keeps_the_word_being_typed() {
        let p = parse("pelayanan dan", true);
        assert_eq!(p.words.len(), 2);
        assert!(p.prefix_last);
        assert!(!parse("pelayanan dan ", true).prefix_last);
    }

    #[test]
    fn the_typed_word_falls_off_after_the_last_allowed_word() {
        let q = "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas duabelas tigabelas";
        let p = parse(q, true);
        assert_eq!(p.words.len(), MAX_WORDS);
        assert!(!p.prefix_last);
    }
}
