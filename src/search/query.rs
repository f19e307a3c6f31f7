//! The query engine behind `pedoman search`; `search-engine.js` runs the same steps on the
//! same files, so the terminal and the browser rank alike.
//!
//! 1. Parse (`parse.rs`): the query's meaningful words, each one idea.
//! 2. Clauses: one per word, with alternatives: the word's stem; while typing, longer words
//!    it begins; what the word, or a run of words, expands to (glossary, synonyms,
//!    thesaurus: `medsos` → `media sosial`); and, for a word that matches nothing, the
//!    site's nearest words (one edit from five letters, two from eight).
//! 3. Stage one, from postings alone: pages are ranked first by how many of the query's
//!    words they match, however they match, then by BM25F over the weighted fields (each
//!    clause scoring its best alternative, expansions and corrections weighted below exact
//!    words), with a bonus when the title itself holds most of the words.
//! 4. Stage two (`hit.rs`), in windows of `WINDOW` pages read from their records: exact
//!    phrases are checked, words found near each other raise the score, the best heading
//!    becomes the deep link and the snippet is cut around the matches.

use super::format::{self, Entry, Expansion, Fragment, Meta, Postings};
use super::hit;
use super::parse::{parse, Parsed};
use super::typo;
use super::{Results, SearchError};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// Pages re-ranked together in stage two; fixed, so every caller sees the same order.
pub(super) const WINDOW: usize = 5;
/// Candidate pages checked for an exact phrase before giving up.
pub(super) const PHRASE_CHECKS: usize = 48;
pub(super) const K1: f64 = 1.2;
/// Weights of alternatives that are not the word as typed.
pub(super) const PREFIX_WEIGHT: f64 = 0.8;
pub(super) const SYNONYM_WEIGHT: f64 = 0.8;
/// By number of edits.
pub(super) const TYPO_WEIGHTS: [f64; 3] = [1.0, 0.7, 0.5];
pub(super) const PREFIX_TERMS: usize = 10;
/// Shorter beginnings (`me`, `pe`) match too many words to mean anything.
pub(super) const PREFIX_MIN_LEN: usize = 3;
pub(super) const TYPO_TERMS: usize = 8;
/// A title holding more than half of the query's words multiplies the score by
/// 1 + `TITLE_BONUS` × the share it holds.
pub(super) const TITLE_BONUS: f64 = 0.5;
/// A word on more than half of the pages (its idf×1000 below ln 2) says little about what
/// a page is about: it counts for scoring but not for coverage (unless every word does).
pub(super) const COMMON_IDF_MILLI: u32 = 693;

/// How to run one query.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// At most this many hits.
    pub limit: usize,
    /// The last word is still being typed: match words it begins.
    pub prefix: bool,
    /// Only pages of this top-level section (its slug).
    pub section: Option<String>,
}

/// Reads index files by their path under `search/`.
pub trait Store {
    /// The bytes of the file at `path` (`meta.json`, `p/0.bin.gz`, …).
    fn read(&self, path: &str) -> Result<Vec<u8>, SearchError>;
}

/// Index files in a folder: a built site's `search/`.
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

/// How an alternative stands for a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Exact,
    Prefix,
    Synonym,
    Typo,
}

#[derive(Debug, Clone)]
pub(super) struct Alt {
    pub term: String,
    pub weight: f64,
    pub kind: Kind,
    /// What the page says, for "matched via" (the word, phrase or corrected spelling).
    pub text: String,
}

#[derive(Debug)]
pub(super) struct Clause {
    /// A page scores the best of these.
    pub alts: Vec<Alt>,
    /// The query words (by number) this clause stands for.
    pub cover: Vec<usize>,
    /// Quoted: pages without it are left out.
    pub required: bool,
    /// Stems that count as this clause in a page's text (highlights, deep links, proximity).
    pub stems: BTreeSet<String>,
}

impl Clause {
    fn push(&mut self, alt: Alt) {
        if !self.alts.iter().any(|a| a.term == alt.term) {
            self.stems.extend(alt.term.split(' ').map(String::from));
            self.alts.push(alt);
        }
    }
}

/// A page after stage one.
#[derive(Debug, Clone)]
pub(super) struct Ranked {
    pub id: u32,
    pub score: f64,
    /// Bit per query word the page matches.
    pub covered: u32,
    /// Bit per query word that counts for coverage (`COMMON_IDF_MILLI`); the same for
    /// every page of a query.
    pub ideas: u32,
    /// Per clause, the alternative to show as "matched via": the one that weighs most,
    /// when the page lacks the word as typed.
    pub via: Vec<Option<usize>>,
}

/// A clause on one page while counting.
#[derive(Debug, Clone, Copy)]
struct Tally {
    weighted: f64,
    /// The word as typed is on the page.
    exact: bool,
    /// The other alternative that weighs most, and its weight.
    via: Option<(usize, f64)>,
    title: bool,
}

impl Ranked {
    /// How many of the query's ideas the page matches: pages matching more come first.
    pub(super) fn matched(&self) -> u32 {
        (self.covered & self.ideas).count_ones()
    }
}

/// A word of the typo chunks.
struct TypoWord {
    word: String,
    stem: String,
    pages: u32,
}

/// The query engine: reads index files from a [`Store`] as queries need them and keeps
/// them for the next query, as the browser's engine does.
pub struct Engine<S: Store> {
    store: S,
    meta: Meta,
    table: Vec<u8>,
    /// A separator per postings chunk (`format.rs`).
    post_index: Vec<String>,
    post: HashMap<usize, HashMap<String, Entry>>,
    vocab_index: Option<Vec<String>>,
    vocab: HashMap<usize, Vec<(String, String)>>,
    typo_index: Option<HashMap<u32, (usize, usize)>>,
    typo: HashMap<String, Vec<TypoWord>>,
    records: HashMap<u32, hit::Record>,
}

/// The unpacked bytes of index file `name` (stored as `name.gz`, see `format`).
fn file(store: &impl Store, name: &str) -> Result<Vec<u8>, SearchError> {
    let path = format!("{name}.gz");
    format::gunzip(store.read(&path)?).map_err(|e| corrupt(format!("{path} {e}")))
}

fn corrupt(what: impl std::fmt::Display) -> SearchError {
    SearchError::Corrupt(what.to_string())
}

impl<S: Store> Engine<S> {
    /// Reads `meta.json` and `pages.bin`; the rest is read on demand.
    pub fn open(store: S) -> Result<Self, SearchError> {
        let bytes = store.read("meta.json")?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("meta.json: {e}")))?;
        let version = value.get("format").and_then(serde_json::Value::as_u64).unwrap_or(0);
        if version != format::FORMAT_VERSION as u64 {
            return Err(SearchError::Version(version as u32));
        }
        let meta: Meta = serde_json::from_value(value).map_err(|e| corrupt(format!("meta.json: {e}")))?;
        if meta.avg_body_len == 0 || meta.sections.len() > 255 {
            return Err(corrupt("meta.json: bad average length or too many sections"));
        }
        let table = file(&store, "pages.bin")?;
        if table.len() != meta.pages as usize * 2 {
            return Err(corrupt("pages.bin has the wrong size"));
        }
        let post_index =
            String::from_utf8(file(&store, "p/index.txt")?).map_err(|_| corrupt("p/index.txt is not UTF-8"))?;
        let post_index = post_index.lines().map(String::from).collect();
        Ok(Engine {
            store,
            meta,
            table,
            post_index,
            post: HashMap::new(),
            vocab_index: None,
            vocab: HashMap::new(),
            typo_index: None,
            typo: HashMap::new(),
            records: HashMap::new(),
        })
    }

    fn entry(&mut self, key: &str) -> Result<Option<&Entry>, SearchError> {
        if self.post_index.is_empty() {
            return Ok(None);
        }
        let i = format::chunk_for(&self.post_index, key);
        if !self.post.contains_key(&i) {
            let path = format!("p/{i}.bin");
            let bytes = file(&self.store, &path)?;
            let entries = format::decode_chunk(&bytes, self.meta.pages).map_err(|e| corrupt(format!("{path}: {e}")))?;
            self.post.insert(i, entries.into_iter().collect());
        }
        Ok(self.post[&i].get(key))
    }

    fn postings(&mut self, term: &str) -> Result<Option<&Postings>, SearchError> {
        Ok(match self.entry(term)? {
            Some(Entry::Postings(p)) => Some(p),
            _ => None,
        })
    }

    fn expansion(&mut self, key: &str) -> Result<Option<Expansion>, SearchError> {
        Ok(match self.entry(key)? {
            Some(Entry::Expansion(e)) => Some(e.clone()),
            _ => None,
        })
    }

    fn text_file(&self, path: &str) -> Result<String, SearchError> {
        String::from_utf8(file(&self.store, path)?).map_err(|_| corrupt(format!("{path} is not UTF-8")))
    }

    /// The first word of each vocabulary chunk.
    fn vocab_index(&mut self) -> Result<&Vec<String>, SearchError> {
        if self.vocab_index.is_none() {
            let text = self.text_file("v/index.txt")?;
            self.vocab_index = Some(text.lines().map(String::from).collect());
        }
        Ok(self.vocab_index.as_ref().expect("just read"))
    }

    fn vocab_chunk(&mut self, i: usize) -> Result<&Vec<(String, String)>, SearchError> {
        if !self.vocab.contains_key(&i) {
            let text = self.text_file(&format!("v/{i}.txt"))?;
            let entries = text
                .lines()
                .map(|l| {
                    let mut cols = l.split('\t');
                    let word = cols.next().unwrap_or_default().to_string();
                    let stem = cols.next().map_or_else(|| word.clone(), String::from);
                    (word, stem)
                })
                .collect();
            self.vocab.insert(i, entries);
        }
        Ok(&self.vocab[&i])
    }

    /// Vocabulary entries whose word starts with `prefix`, in order.
    fn vocab_starting(&mut self, prefix: &str) -> Result<Vec<(String, String)>, SearchError> {
        let firsts = self.vocab_index()?.clone();
        let mut out = Vec::new();
        if firsts.is_empty() {
            return Ok(out);
        }
        let mut i = format::chunk_for(&firsts, prefix);
        loop {
            out.extend(self.vocab_chunk(i)?.iter().filter(|(w, _)| w.starts_with(prefix)).cloned());
            i += 1;
            if i >= firsts.len() || !firsts[i].starts_with(prefix) {
                return Ok(out);
            }
        }
    }

    /// Per first character (code point): the shortest and longest word with a typo bucket.
    fn typo_index(&mut self) -> Result<&HashMap<u32, (usize, usize)>, SearchError> {
        if self.typo_index.is_none() {
            let mut index = HashMap::new();
            for l in self.text_file("t/index.txt")?.lines() {
                let n: Vec<usize> = l.split('\t').filter_map(|n| n.parse().ok()).collect();
                match n[..] {
                    [c, shortest, longest] => index.insert(c as u32, (shortest, longest)),
                    _ => return Err(corrupt("t/index.txt: bad line")),
                };
            }
            self.typo_index = Some(index);
        }
        Ok(self.typo_index.as_ref().expect("just read"))
    }

    fn typo_bucket(&mut self, first: char, len: usize) -> Result<&Vec<TypoWord>, SearchError> {
        let path = format::typo_file(first, len);
        if !self.typo.contains_key(&path) {
            let mut words = Vec::new();
            for l in self.text_file(&path)?.lines() {
                let cols: Vec<&str> = l.split('\t').collect();
                let pages =
                    cols.get(1).and_then(|n| n.parse().ok()).ok_or_else(|| corrupt(format!("{path}: bad line")))?;
                let stem = cols.get(2).unwrap_or(&cols[0]).to_string();
                words.push(TypoWord { word: cols[0].to_string(), stem, pages });
            }
            self.typo.insert(path.clone(), words);
        }
        Ok(&self.typo[&path])
    }

    /// The site's words nearest to `word` (first letter kept, at most `max` edits), most
    /// common first: `(edits, word, stem)`, all at the smallest distance found.
    fn typo_candidates(&mut self, word: &str, max: usize) -> Result<Vec<(usize, String, String)>, SearchError> {
        let len = word.chars().count();
        let Some(first) = word.chars().next() else { return Ok(Vec::new()) };
        let Some(&(shortest, longest)) = self.typo_index()?.get(&(first as u32)) else { return Ok(Vec::new()) };
        let mut found: Vec<(usize, u32, String, String)> = Vec::new();
        for l in len.saturating_sub(max).max(shortest)..=(len + max).min(longest) {
            for w in self.typo_bucket(first, l)? {
                let d = typo::distance(word, &w.word);
                if d >= 1 && d <= max {
                    found.push((d, w.pages, w.word.clone(), w.stem.clone()));
                }
            }
        }
        let Some(best) = found.iter().map(|f| f.0).min() else { return Ok(Vec::new()) };
        found.retain(|f| f.0 == best);
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
        let mut out: Vec<(usize, String, String)> = Vec::new();
        for (d, _, w, stem) in found {
            if out.len() < TYPO_TERMS && !out.iter().any(|o| o.2 == stem) {
                out.push((d, w, stem));
            }
        }
        Ok(out)
    }

    fn record(&mut self, id: u32) -> Result<&hit::Record, SearchError> {
        if !self.records.contains_key(&id) {
            let path = format!("f/{id}.json");
            let frag: Fragment =
                serde_json::from_slice(&file(&self.store, &path)?).map_err(|e| corrupt(format!("{path}: {e}")))?;
            self.records.insert(id, hit::Record::new(frag));
        }
        Ok(&self.records[&id])
    }

    fn bm25(&self, idf_milli: u32, id: u32, weighted: f64) -> f64 {
        let len = format::dequantize_len(self.table[id as usize]) as f64;
        let norm = 0.25 + 0.75 * len / self.meta.avg_body_len as f64;
        let t = weighted / norm;
        let idf = idf_milli as f64 / 1000.0;
        idf * t / (t + K1)
    }

    /// The clauses of a query, and the corrected query when a word matched only as a typo.
    fn clauses(&mut self, parsed: &Parsed, query: &str) -> Result<(Vec<Clause>, Option<String>), SearchError> {
        let words = &parsed.words;
        let n = words.len();
        let mut clauses: Vec<Clause> = Vec::new();
        for (i, t) in words.iter().enumerate() {
            let mut c = Clause { alts: Vec::new(), cover: vec![i], required: parsed.quoted[i], stems: BTreeSet::new() };
            if !t.stop {
                c.push(Alt { term: t.stem.clone(), weight: 1.0, kind: Kind::Exact, text: t.surface.clone() });
            }
            if parsed.prefix_last && i == n - 1 && t.surface.chars().count() >= PREFIX_MIN_LEN {
                let mut entries = self.vocab_starting(&t.surface)?;
                entries.sort_by(|a, b| a.0.chars().count().cmp(&b.0.chars().count()).then_with(|| a.0.cmp(&b.0)));
                for (word, stem) in entries {
                    if c.alts.len() > PREFIX_TERMS {
                        break;
                    }
                    c.push(Alt { term: stem, weight: PREFIX_WEIGHT, kind: Kind::Prefix, text: word });
                }
            }
            clauses.push(c);
        }
        // What each run of unquoted words expands to.
        for i in 0..n {
            for len in 1..=(self.meta.longest_phrase as usize).min(n - i) {
                if parsed.quoted[i + len - 1] {
                    break;
                }
                let stems: Vec<&str> = words[i..i + len].iter().map(|t| t.stem.as_str()).collect();
                let key = format!("{}{}", stems.join(" "), format::EXPANSION_MARK);
                let Some(targets) = self.expansion(&key)? else { continue };
                let alts = targets.into_iter().map(|(term, text)| Alt {
                    term,
                    weight: SYNONYM_WEIGHT,
                    kind: Kind::Synonym,
                    text,
                });
                if len == 1 {
                    alts.for_each(|a| clauses[i].push(a));
                } else {
                    let mut c = Clause {
                        alts: Vec::new(),
                        cover: (i..i + len).collect(),
                        required: false,
                        stems: BTreeSet::new(),
                    };
                    alts.for_each(|a| c.push(a));
                    clauses.push(c);
                }
            }
        }
        // Typo tolerance: a word that nothing matches takes the nearest words of the site.
        let mut corrected: Vec<(usize, String)> = Vec::new();
        for i in 0..n {
            let t = &words[i];
            let max = typo::max_edits(t.surface.chars().count());
            if parsed.quoted[i] || t.stop || max == 0 {
                continue;
            }
            let mut found = false;
            for c in clauses.iter().filter(|c| c.cover.contains(&i)) {
                for a in &c.alts {
                    found |= self.postings(&a.term)?.is_some();
                }
            }
            if found {
                continue;
            }
            let candidates = self.typo_candidates(&t.surface, max)?;
            if let Some((_, word, _)) = candidates.first() {
                corrected.push((i, word.clone()));
            }
            for (d, word, stem) in candidates {
                clauses[i].push(Alt { term: stem, weight: TYPO_WEIGHTS[d], kind: Kind::Typo, text: word });
            }
        }
        let suggestion = (!corrected.is_empty()).then(|| {
            let mut out = String::new();
            for (k, c) in query.chars().enumerate() {
                match corrected.iter().find(|(i, _)| words[*i].start <= k && k < words[*i].end) {
                    Some((i, word)) if words[*i].start == k => out.push_str(word),
                    Some(_) => {}
                    None => out.push(c),
                }
            }
            out
        });
        Ok((clauses, suggestion))
    }

    /// Ranked pages from postings alone, best first, and per word whether some page is
    /// about it. A clause's alternatives count as one term: their weighted frequencies add
    /// up, and the idf is that of the commonest alternative, so a rare synonym never
    /// outweighs the word as typed.
    fn stage_one(
        &mut self,
        clauses: &[Clause],
        n: usize,
        section: Option<u8>,
    ) -> Result<(Vec<Ranked>, Vec<bool>, u32), SearchError> {
        let mut per_page: HashMap<u32, Vec<Option<Tally>>> = HashMap::new();
        let mut idf = vec![u32::MAX; clauses.len()];
        let mut about = vec![false; n];
        for (ci, c) in clauses.iter().enumerate() {
            for (ai, a) in c.alts.iter().enumerate() {
                let Some(p) = self.postings(&a.term)?.cloned() else { continue };
                idf[ci] = idf[ci].min(p.idf_milli);
                for (id, impact) in &p.pages {
                    if section.is_some_and(|s| self.table[self.meta.pages as usize + *id as usize] != s) {
                        continue;
                    }
                    if impact.about {
                        for &w in &c.cover {
                            about[w] = true;
                        }
                    }
                    let part = a.weight * f64::from(impact.weighted);
                    let slot = &mut per_page.entry(*id).or_insert_with(|| vec![None; clauses.len()])[ci];
                    let tally = slot.get_or_insert(Tally { weighted: 0.0, exact: false, via: None, title: false });
                    tally.weighted += part;
                    tally.title |= impact.title;
                    if a.kind == Kind::Exact {
                        tally.exact = true;
                    } else if tally.via.is_none_or(|(_, best)| part > best) {
                        tally.via = Some((ai, part));
                    }
                }
            }
        }
        // Common words do not count for coverage, unless the query has nothing else.
        let rare = (0..n).filter(|&w| idf[w] >= COMMON_IDF_MILLI).fold(0u32, |b, w| b | 1 << w);
        let ideas = if rare == 0 { (1u32 << n) - 1 } else { rare };
        let mut out = Vec::new();
        for (id, slots) in per_page {
            if clauses.iter().zip(&slots).any(|(c, s)| c.required && s.is_none()) {
                continue;
            }
            let scores: Vec<f64> =
                slots.iter().zip(&idf).map(|(s, &idf)| s.map_or(0.0, |t| self.bm25(idf, id, t.weighted))).collect();
            let (mut covered, mut titled) = (0u32, 0u32);
            for (c, slot) in clauses.iter().zip(&slots) {
                if let Some(t) = slot {
                    let bits = c.cover.iter().fold(0u32, |b, &w| b | 1 << w);
                    covered |= bits;
                    if t.title {
                        titled |= bits;
                    }
                }
            }
            // A run of words that expands to a phrase is read either word by word or as the
            // phrase, whichever scores more; the two readings never add up.
            let mut best = vec![0.0; n + 1];
            for k in 1..=n {
                best[k] = best[k - 1] + scores[k - 1];
                for (c, &s) in clauses[n..].iter().zip(&scores[n..]) {
                    let (start, end) = (c.cover[0], c.cover[c.cover.len() - 1] + 1);
                    if end == k && best[start] + s > best[k] {
                        best[k] = best[start] + s;
                    }
                }
            }
            let mut total = best[n];
            let in_title = titled.count_ones() as usize;
            if 2 * in_title > n {
                total *= 1.0 + TITLE_BONUS * in_title as f64 / n as f64;
            }
            // "Matched via" only where the words as typed are not on the page.
            let exact = |w: usize| slots[w].is_some_and(|t| t.exact);
            let via = clauses
                .iter()
                .zip(&slots)
                .map(|(c, s)| {
                    s.filter(|t| !c.cover.iter().all(|&w| exact(w)) && !t.exact).and_then(|t| t.via.map(|v| v.0))
                })
                .collect();
            out.push(Ranked { id, score: total, covered, ideas, via });
        }
        out.sort_by(|a, b| by_rank(a.matched(), a.score, a.id, b.matched(), b.score, b.id));
        Ok((out, about, ideas))
    }

    /// The ranked hits for `query`, and what to tell the reader about it.
    pub fn search(&mut self, query: &str, opts: &Options) -> Result<Results, SearchError> {
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
            return Ok(Results::default());
        }
        let n = parsed.words.len();
        let (clauses, suggestion) = self.clauses(&parsed, query)?;
        let (ranked, about, ideas) = self.stage_one(&clauses, n, section)?;
        // When no page matches every idea: the ideas no page is about.
        let absent = if ranked.first().is_some_and(|r| r.matched() == ideas.count_ones()) {
            Vec::new()
        } else {
            (0..n).filter(|&i| ideas & 1 << i != 0 && !about[i]).map(|i| parsed.words[i].surface.clone()).collect()
        };
        let mut hits = Vec::new();
        let mut next = 0;
        while hits.len() < opts.limit && next < ranked.len() {
            if !parsed.phrases.is_empty() && next >= PHRASE_CHECKS {
                break;
            }
            let window = &ranked[next..(next + WINDOW).min(ranked.len())];
            next += WINDOW;
            let mut scored = Vec::new();
            for r in window {
                if let Some(hit) = hit::page_hit(self.record(r.id)?, r, &parsed, &clauses) {
                    scored.push((hit, r));
                }
            }
            scored.sort_by(|(ha, a), (hb, b)| by_rank(a.matched(), ha.score, a.id, b.matched(), hb.score, b.id));
            hits.extend(scored.into_iter().map(|(h, _)| h));
        }
        hits.truncate(opts.limit);
        Ok(Results { hits, absent, suggestion })
    }
}

/// More words matched first, then the higher score, then the lower page id.
fn by_rank(ma: u32, sa: f64, ia: u32, mb: u32, sb: f64, ib: u32) -> std::cmp::Ordering {
    mb.cmp(&ma).then(sb.total_cmp(&sa)).then(ia.cmp(&ib))
}
