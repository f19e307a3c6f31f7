//! The query engine behind `pedoman search`; `search.js` runs the same steps on
//! the same files, so the terminal and the browser rank alike.
//!
//! 1. Parse: words are tokenized and stemmed like the index; `"…"` marks an exact
//!    phrase; stop words drop out. In prefix mode (as the reader types) the last
//!    word also matches longer words that start with it.
//! 2. Clauses: one per meaningful word, plus one per synonym-group member found in
//!    the query. A word without postings and of five letters or more also matches
//!    words one edit away (typo tolerance).
//! 3. Stage one, from postings alone: BM25F over the weighted fields, times the
//!    squared share of the query's words the page matches, so a sentence ranks
//!    pages by how many of its words they contain and never comes back empty.
//! 4. Stage two, in windows of `WINDOW` pages read from their records: exact
//!    phrases are checked, a bonus goes to pages whose title holds every word and
//!    to adjacent query words found side by side, the best heading section
//!    becomes the deep link, and the snippet is cut around the matches.

use super::format::{self, Fragment, Meta, Postings, FIELDS, WEIGHTS};
use super::synonyms::Matcher;
use super::tokenize::{tokenize, Token};
use super::{Hit, SearchError};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// Pages re-ranked together in stage two; fixed, so every caller sees the same order.
pub const WINDOW: usize = 5;
/// Words a query uses at most.
const MAX_WORDS: usize = 12;
/// Candidate pages checked for an exact phrase before giving up.
const PHRASE_CHECKS: usize = 48;
const K1: f64 = 1.2;
const PREFIX_WEIGHT: f64 = 0.8;
const TYPO_WEIGHT: f64 = 0.7;
const PREFIX_TERMS: usize = 10;
/// Shorter beginnings (`me`, `pe`) match too many words to mean anything.
const PREFIX_MIN_LEN: usize = 3;
const TYPO_TERMS: usize = 8;
const TYPO_MIN_LEN: usize = 5;
const SNIPPET_WORDS: usize = 24;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limit: usize,
    /// The last word is still being typed: match words it begins.
    pub prefix: bool,
    /// Only pages of this top-level section (its slug).
    pub section: Option<String>,
}

/// Reads index files by their path under `search/`.
pub trait Store {
    fn read(&self, path: &str) -> Result<Vec<u8>, SearchError>;
}

pub struct DirStore(pub PathBuf);

impl Store for DirStore {
    fn read(&self, path: &str) -> Result<Vec<u8>, SearchError> {
        let full = self.0.join(path);
        std::fs::read(&full).map_err(|source| {
            if path == "meta.json" && source.kind() == std::io::ErrorKind::NotFound {
                SearchError::NoIndex(self.0.clone())
            } else {
                SearchError::Read { path: full, source }
            }
        })
    }
}

struct Clause {
    /// Terms and their weights; a page scores the best of them.
    alts: Vec<(String, f64)>,
    /// Meaningful words (by number) this clause stands for.
    cover: Vec<usize>,
    required: bool,
    /// Stems that count as a match in page text (highlights, sections, bonuses).
    stems: BTreeSet<String>,
    /// The word, for typo tolerance (synonym clauses have none).
    word: Option<String>,
}

struct Parsed {
    words: Vec<Token>,
    prefix_last: bool,
    /// Exact phrases, as the lower-cased words a page must show in this order.
    phrases: Vec<Vec<String>>,
    /// Which meaningful words were inside quotes.
    quoted: Vec<bool>,
}

fn parse(query: &str, prefix_mode: bool) -> Parsed {
    let mut words = Vec::new();
    let mut quoted = Vec::new();
    let mut phrases = Vec::new();
    let segments: Vec<&str> = query.split('"').collect();
    let trailing_space = query.ends_with(|c: char| c.is_whitespace() || c == '"');
    let mut prefix_last = false;
    for (i, seg) in segments.iter().enumerate() {
        let inside = i % 2 == 1;
        let tokens = tokenize(seg);
        if inside && tokens.len() > 1 {
            phrases.push(tokens.iter().map(|t| t.surface.clone()).collect());
        }
        let last_seg = i == segments.len() - 1;
        let n = tokens.len();
        for (j, t) in tokens.into_iter().enumerate() {
            let is_last = last_seg && j == n - 1;
            let typing = prefix_mode && is_last && !inside && !trailing_space;
            if t.stop && !typing {
                continue;
            }
            if words.len() == MAX_WORDS {
                break;
            }
            prefix_last = typing;
            words.push(t);
            quoted.push(inside);
        }
    }
    if words.len() == MAX_WORDS && prefix_last {
        // The typed word fell off the end: no prefix matching then.
        prefix_last = false;
    }
    Parsed { words, prefix_last, phrases, quoted }
}

/// True when `a` and `b` differ by one insertion, deletion, substitution or swap
/// of neighbours.
pub fn one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let mut i = 0;
    while i < a.len() && i < b.len() && a[i] == b[i] {
        i += 1;
    }
    if a.len() == b.len() {
        if a[i + 1..] == b[i + 1..] {
            return true;
        }
        i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
    } else if a.len() > b.len() {
        a[i + 1..] == b[i..]
    } else {
        a[i..] == b[i + 1..]
    }
}

pub struct Engine<S: Store> {
    store: S,
    meta: Meta,
    table: Vec<u8>,
    post: HashMap<usize, HashMap<String, Postings>>,
    vocab: HashMap<usize, Vec<(String, String)>>,
}

impl<S: Store> Engine<S> {
    pub fn open(store: S) -> Result<Self, SearchError> {
        let meta: Meta = serde_json::from_slice(&store.read("meta.json")?)
            .map_err(|e| SearchError::Corrupt(format!("meta.json: {e}")))?;
        if meta.format != format::FORMAT_VERSION {
            return Err(SearchError::Version(meta.format));
        }
        let table = store.read("pages.bin")?;
        if table.len() != meta.pages as usize * 2 {
            return Err(SearchError::Corrupt("pages.bin has the wrong size".into()));
        }
        Ok(Engine { store, meta, table, post: HashMap::new(), vocab: HashMap::new() })
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    fn postings(&mut self, term: &str) -> Result<Option<&Postings>, SearchError> {
        if self.meta.post.is_empty() {
            return Ok(None);
        }
        let i = format::chunk_for(&self.meta.post, term);
        if !self.post.contains_key(&i) {
            let bytes = self.store.read(&format!("p/{i}.bin"))?;
            let entries = format::decode_chunk(&bytes).ok_or_else(|| SearchError::Corrupt(format!("p/{i}.bin")))?;
            self.post.insert(i, entries.into_iter().collect());
        }
        Ok(self.post[&i].get(term))
    }

    fn vocab_chunk(&mut self, i: usize) -> Result<&Vec<(String, String)>, SearchError> {
        if !self.vocab.contains_key(&i) {
            let bytes = self.store.read(&format!("v/{i}.txt"))?;
            let text = String::from_utf8(bytes).map_err(|_| SearchError::Corrupt(format!("v/{i}.txt")))?;
            let entries = text
                .lines()
                .map(|l| match l.split_once('\t') {
                    Some((w, s)) => (w.to_string(), s.to_string()),
                    None => (l.to_string(), l.to_string()),
                })
                .collect();
            self.vocab.insert(i, entries);
        }
        Ok(&self.vocab[&i])
    }

    /// Vocabulary entries whose word starts with `prefix`, in order.
    fn vocab_starting(&mut self, prefix: &str) -> Result<Vec<(String, String)>, SearchError> {
        let mut out = Vec::new();
        if self.meta.vocab.is_empty() {
            return Ok(out);
        }
        let mut i = format::chunk_for(&self.meta.vocab, prefix);
        loop {
            out.extend(self.vocab_chunk(i)?.iter().filter(|(w, _)| w.starts_with(prefix)).cloned());
            i += 1;
            if i >= self.meta.vocab.len() || !self.meta.vocab[i].starts_with(prefix) {
                return Ok(out);
            }
        }
    }

    fn bm25(&self, p: &Postings, id: u32, tf: &[u32; FIELDS]) -> f64 {
        let len = format::dequantize_len(self.table[id as usize * 2]) as f64;
        let norm = 0.25 + 0.75 * len / self.meta.avg as f64;
        let mut w = 0.0;
        for f in 0..FIELDS {
            w += WEIGHTS[f] * tf[f] as f64;
        }
        let t = w / norm;
        let idf = p.idf_milli as f64 / 1000.0;
        idf * t / (t + K1)
    }

    fn clauses(&mut self, parsed: &Parsed) -> Result<Vec<Clause>, SearchError> {
        let mut clauses = Vec::new();
        let n = parsed.words.len();
        for (i, t) in parsed.words.iter().enumerate() {
            let mut alts = Vec::new();
            if !t.stop {
                alts.push((t.stem.clone(), 1.0));
            }
            if parsed.prefix_last && i == n - 1 && t.surface.chars().count() >= PREFIX_MIN_LEN {
                let mut entries = self.vocab_starting(&t.surface)?;
                entries.sort_by(|a, b| a.0.chars().count().cmp(&b.0.chars().count()).then_with(|| a.0.cmp(&b.0)));
                for (_, stem) in entries {
                    if alts.len() > PREFIX_TERMS {
                        break;
                    }
                    if !alts.iter().any(|(s, _)| *s == stem) {
                        alts.push((stem, PREFIX_WEIGHT));
                    }
                }
            }
            let stems = alts.iter().map(|(s, _)| s.clone()).collect();
            clauses.push(Clause {
                alts,
                cover: vec![i],
                required: parsed.quoted[i],
                stems,
                word: (!parsed.quoted[i]).then(|| t.surface.clone()),
            });
        }
        let stems: Vec<&str> = parsed.words.iter().map(|t| t.stem.as_str()).collect();
        let groups = self.meta.syn.clone();
        let matcher = Matcher::new(&groups);
        for (g, start, len) in matcher.find(&stems) {
            let term = super::synonyms::group_term(g);
            let cover: Vec<usize> = (start..start + len).collect();
            if let Some(c) = clauses.iter_mut().find(|c| c.word.is_none() && c.alts[0].0 == term) {
                for i in cover {
                    if !c.cover.contains(&i) {
                        c.cover.push(i);
                    }
                }
                continue;
            }
            let stems = groups[g].iter().flatten().cloned().collect();
            clauses.push(Clause { alts: vec![(term, 1.0)], cover, required: false, stems, word: None });
        }
        // Typo tolerance: a word that matches nothing tries its neighbours.
        for c in clauses.iter_mut() {
            let Some(word) = c.word.clone() else { continue };
            let mut found = false;
            for (term, _) in &c.alts {
                found |= self.postings(term)?.is_some();
            }
            let chars = word.chars().count();
            if found || chars < TYPO_MIN_LEN {
                continue;
            }
            let first: String = word.chars().take(1).collect();
            for (w, stem) in self.vocab_starting(&first)? {
                if c.alts.len() > TYPO_TERMS {
                    break;
                }
                if one_edit(&word, &w) && !c.alts.iter().any(|(s, _)| *s == stem) {
                    c.stems.insert(stem.clone());
                    c.alts.push((stem, TYPO_WEIGHT));
                }
            }
        }
        Ok(clauses)
    }

    /// Ranked pages from postings alone: `(score, page id)`, best first.
    fn stage_one(&mut self, clauses: &[Clause], n: usize, section: Option<u8>) -> Result<Vec<(f64, u32)>, SearchError> {
        // Per page, per clause: best alternative score (None: no match).
        let mut per_page: HashMap<u32, Vec<Option<f64>>> = HashMap::new();
        for (ci, c) in clauses.iter().enumerate() {
            for (term, weight) in &c.alts {
                let Some(p) = self.postings(term)?.cloned() else { continue };
                for (id, tf) in &p.pages {
                    if section.is_some_and(|s| self.table[*id as usize * 2 + 1] != s) {
                        continue;
                    }
                    let s = weight * self.bm25(&p, *id, tf);
                    let slot = &mut per_page.entry(*id).or_insert_with(|| vec![None; clauses.len()])[ci];
                    if slot.is_none_or(|old| s > old) {
                        *slot = Some(s);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (id, scores) in per_page {
            if clauses.iter().zip(&scores).any(|(c, s)| c.required && s.is_none()) {
                continue;
            }
            let mut total = 0.0;
            let mut covered = vec![false; n];
            for (c, s) in clauses.iter().zip(&scores) {
                if let Some(s) = s {
                    total += s;
                    for &i in &c.cover {
                        covered[i] = true;
                    }
                }
            }
            let m = covered.iter().filter(|&&c| c).count();
            out.push((total * (m * m) as f64 / (n * n) as f64, id));
        }
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(out)
    }

    pub fn search(&mut self, query: &str, opts: &Options) -> Result<Vec<Hit>, SearchError> {
        let section = match &opts.section {
            None => None,
            Some(slug) => match self.meta.sections.iter().position(|(s, _)| s == slug) {
                Some(i) => Some(i as u8),
                None => {
                    let known: Vec<&str> = self.meta.sections.iter().map(|(s, _)| s.as_str()).collect();
                    return Err(SearchError::UnknownSection(slug.clone(), known.join(", ")));
                }
            },
        };
        let parsed = parse(query, opts.prefix);
        if parsed.words.is_empty() || opts.limit == 0 {
            return Ok(Vec::new());
        }
        let clauses = self.clauses(&parsed)?;
        let ranked = self.stage_one(&clauses, parsed.words.len(), section)?;
        let mut hits: Vec<Hit> = Vec::new();
        let mut next = 0;
        while hits.len() < opts.limit && next < ranked.len() {
            if !parsed.phrases.is_empty() && next >= PHRASE_CHECKS {
                break;
            }
            let window = &ranked[next..(next + WINDOW).min(ranked.len())];
            next += WINDOW;
            let mut scored = Vec::new();
            for &(score, id) in window {
                let bytes = self.store.read(&format!("f/{id}.json"))?;
                let frag: Fragment =
                    serde_json::from_slice(&bytes).map_err(|e| SearchError::Corrupt(format!("f/{id}.json: {e}")))?;
                if let Some(hit) = stage_two(&frag, score, &parsed, &clauses) {
                    scored.push((hit, id));
                }
            }
            scored.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(a.1.cmp(&b.1)));
            hits.extend(scored.into_iter().map(|(h, _)| h));
        }
        hits.truncate(opts.limit);
        Ok(hits)
    }
}

/// One text of a page, tokenized.
struct Unit {
    tokens: Vec<Token>,
}

impl Unit {
    fn new(text: &str) -> Self {
        Unit { tokens: tokenize(text) }
    }

    fn has(&self, stems: &BTreeSet<String>) -> bool {
        self.tokens.iter().any(|t| !t.stop && stems.contains(&t.stem))
    }

    fn count(&self, stems: &BTreeSet<String>) -> usize {
        self.tokens.iter().filter(|t| !t.stop && stems.contains(&t.stem)).count()
    }

    /// A word of `a` directly followed (stop words aside) by a word of `b`.
    fn adjacent(&self, a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
        let content: Vec<&Token> = self.tokens.iter().filter(|t| !t.stop).collect();
        content.windows(2).any(|w| a.contains(&w[0].stem) && b.contains(&w[1].stem))
    }

    fn has_phrase(&self, words: &[String]) -> bool {
        self.tokens.windows(words.len()).any(|w| w.iter().zip(words).all(|(t, p)| t.surface == *p))
    }
}

fn stage_two(frag: &Fragment, score: f64, parsed: &Parsed, clauses: &[Clause]) -> Option<Hit> {
    let title = Unit::new(&frag.t);
    let desc = Unit::new(&frag.d);
    let sections: Vec<(Unit, Unit)> = frag.s.iter().map(|(h, _, text)| (Unit::new(h), Unit::new(text))).collect();
    let mut units: Vec<&Unit> = vec![&title, &desc];
    for (h, t) in &sections {
        units.push(h);
        units.push(t);
    }
    for phrase in &parsed.phrases {
        if !units.iter().any(|u| u.has_phrase(phrase)) {
            return None;
        }
    }
    let word_clauses: Vec<&Clause> = clauses.iter().filter(|c| c.word.is_some() || c.required).collect();
    let title_all = word_clauses.iter().all(|c| title.has(&c.stems));
    let title_factor = if title_all { 1.25 } else { 1.0 };
    // Clause of each meaningful word, for the adjacency bonus.
    let of_word: Vec<&Clause> = (0..parsed.words.len())
        .map(|i| clauses.iter().find(|c| c.cover == [i]).expect("every word has a clause"))
        .collect();
    let mut pairs = 0;
    for w in of_word.windows(2) {
        if units.iter().any(|u| u.adjacent(&w[0].stems, &w[1].stems)) {
            pairs += 1;
        }
    }
    let score = score * title_factor * (1.0 + 0.25 * pairs as f64);

    let mut best = 0;
    let mut best_score = 0;
    for (j, (h, t)) in sections.iter().enumerate() {
        let mut s = 0;
        for c in clauses {
            if h.has(&c.stems) {
                s += 4;
            }
            let k = t.count(&c.stems);
            if k > 0 {
                s += 2 + k.min(3);
            }
        }
        if s > best_score {
            best = j;
            best_score = s;
        }
        // The title already answers the query: show the page from its top when
        // its introduction matches too.
        if j == 0 && s > 0 && title_all {
            break;
        }
    }
    let (text, unit) = if best_score == 0 && !frag.d.is_empty() || sections.is_empty() {
        (frag.d.as_str(), &desc)
    } else {
        (frag.s[best].2.as_str(), &sections[best].1)
    };
    let (snippet, marks) = snippet(text, unit, clauses);
    let anchor = frag.s.get(best).map(|s| s.1.as_str()).unwrap_or("");
    let deep = best_score > 0 && best > 0 && !anchor.is_empty();
    Some(Hit {
        url: if deep { format!("{}#{}", frag.u, anchor) } else { frag.u.clone() },
        title: frag.t.clone(),
        breadcrumb: frag.b.clone(),
        heading: if deep { frag.s[best].0.clone() } else { String::new() },
        snippet,
        marks,
        score,
    })
}

/// Cuts about `SNIPPET_WORDS` words around the densest matches; `marks` are
/// character ranges of matched words within the snippet.
fn snippet(text: &str, unit: &Unit, clauses: &[Clause]) -> (String, Vec<[usize; 2]>) {
    let toks = &unit.tokens;
    let clause_of = |t: &Token| -> Option<usize> {
        if t.stop {
            return None;
        }
        clauses.iter().position(|c| c.stems.contains(&t.stem))
    };
    let matched: Vec<Option<usize>> = toks.iter().map(clause_of).collect();
    let chars: Vec<char> = text.chars().collect();
    let (mut ws, mut we) = (0, toks.len());
    if toks.len() > SNIPPET_WORDS {
        let mut best = (0, 0, 0);
        for s in 0..=toks.len() - SNIPPET_WORDS {
            let window = &matched[s..s + SNIPPET_WORDS];
            let distinct: BTreeSet<usize> = window.iter().flatten().copied().collect();
            let count = window.iter().flatten().count();
            if (distinct.len(), count) > (best.0, best.1) {
                best = (distinct.len(), count, s);
            }
        }
        ws = best.2;
        if let Some(first) = (ws..ws + SNIPPET_WORDS).find(|&i| matched[i].is_some()) {
            ws = first.saturating_sub(3).min(toks.len() - SNIPPET_WORDS);
        }
        we = ws + SNIPPET_WORDS;
    }
    let a = if ws == 0 || toks.is_empty() { 0 } else { toks[ws].start };
    let b = if we >= toks.len() { chars.len() } else { toks[we - 1].end };
    let mut out = String::new();
    let lead = if a > 0 { 1 } else { 0 };
    if a > 0 {
        out.push('…');
    }
    out.extend(chars[a..b].iter().map(|&c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }));
    if b < chars.len() {
        out.push('…');
    }
    let marks = (ws..we)
        .filter(|&i| matched[i].is_some())
        .map(|i| [toks[i].start - a + lead, toks[i].end - a + lead])
        .collect();
    (out, marks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_cases() {
        assert!(one_edit("pelayanan", "pelayanaan"));
        assert!(one_edit("pelayanan", "pelyaanan"));
        assert!(one_edit("korupsi", "korupti"));
        assert!(one_edit("kolusi", "kolsi"));
        assert!(!one_edit("kolusi", "kolusi"));
        assert!(!one_edit("kolusi", "kulasi"));
    }

    #[test]
    fn parse_drops_stop_words_and_finds_phrases() {
        let p = parse("bagaimana cara menjadi \"agen perubahan\"", false);
        let stems: Vec<&str> = p.words.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["cara", "agen", "ubah"]);
        assert_eq!(p.quoted, [false, true, true]);
        assert_eq!(p.phrases, vec![vec!["agen".to_string(), "perubahan".to_string()]]);
        assert!(!p.prefix_last);
    }

    #[test]
    fn prefix_mode_keeps_the_word_being_typed() {
        let p = parse("pelayanan dan", true);
        assert_eq!(p.words.len(), 2);
        assert!(p.prefix_last);
        assert!(!parse("pelayanan dan ", true).prefix_last);
    }
}
