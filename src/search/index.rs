//! Builds the index files from the pages' text (see `format.rs` for the layout).

use super::format::{
    self, Counts, Entry, Expansion, Fragment, FragmentPassage, Impact, Meta, BODY, DESCRIPTION, FIELDS, HEADING, TAGS,
    TITLE,
};
use super::packed::{ImpactList, PageTerms};
use super::synonyms::{self, Matcher, Member, Rules};
use super::tokenize::{raw_words, word_tokens};
use super::{IndexFile, PageText, Passage};
use crate::config::SearchConfig;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex, Weak};

/// Chunks stop growing past these sizes (bytes before compression): small enough
/// that a first query on a large site fetches little, large enough to keep the
/// number of files sensible.
const POST_CHUNK: usize = 4 * 1024;
const VOCAB_CHUNK: usize = 4 * 1024;

/// Section number in `pages.bin` for pages outside any section (the home page).
pub(super) const NO_SECTION: u8 = 255;

/// Every word and phrase the index has met, numbered. Pages keep ids, not strings (a word
/// recurs on thousands of pages), and counting by id needs no hashing. It lives in the cache
/// beside the pages' analyses, whose ids must stay valid, so it only grows: by the words a
/// preview's edits bring.
#[derive(Default)]
struct Lexicon {
    ids: HashMap<Arc<str>, u32>,
    words: Vec<Arc<str>>,
    /// By surface id (a word as written): its stem's id. A word always stems alike, so pages
    /// keep only the surfaces they use.
    stems: Vec<u32>,
    /// What each word as written became, for every worker: each word is tokenized and
    /// stemmed once per site, not once per worker, and a preview's saves reuse it.
    tokens: Memo,
}

impl Lexicon {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        let shared: Arc<str> = word.into();
        self.words.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    fn set_stem(&mut self, surface: u32, stem: u32) {
        let i = surface as usize;
        if self.stems.len() <= i {
            self.stems.resize(i + 1, 0);
        }
        self.stems[i] = stem;
    }

    fn stem(&self, surface: u32) -> u32 {
        self.stems[surface as usize]
    }

    fn get(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    /// `ids` sorted by their words: the index's files are in word order, whatever order the
    /// workers met the words in.
    fn sorted(&self, mut ids: Vec<u32>) -> Vec<u32> {
        ids.sort_unstable_by(|&a, &b| self.word(a).cmp(self.word(b)));
        ids
    }
}

/// A counted token of a word as written (stop words are not counted).
#[derive(Clone, Copy)]
struct Tok {
    surface: u32,
    stem: u32,
}

/// The phrases that expansion rules target, as ids: matched in each text, counted as terms.
struct Phrases {
    /// The stems of each phrase, and the phrase's own id (its stems joined by spaces).
    list: Vec<(Vec<u32>, u32)>,
}

impl Phrases {
    fn new(members: &BTreeSet<&Member>, lexicon: &mut Lexicon) -> Phrases {
        let list = members
            .iter()
            .map(|m| (m.iter().map(|stem| lexicon.id(stem)).collect(), lexicon.id(&m.join(" "))))
            .collect();
        Phrases { list }
    }
}

type FnvMap<K, V> = HashMap<K, V, fnv::FnvBuildHasher>;

/// Each word as written, with its counted tokens.
type Memo = FnvMap<Box<str>, Box<[Tok]>>;

/// One worker's counting state: what each word as written became (a site repeats its words,
/// so tokenizing and stemming happen once per distinct word), and counts by id.
struct Scanner<'a> {
    lexicon: &'a Mutex<Lexicon>,
    matcher: Matcher<'a, u32>,
    phrase_ids: FnvMap<&'a [u32], u32>,
    /// The lexicon's `tokens` this worker has looked up, so a word met again takes no lock.
    memo: Memo,
    /// Where `memo` goes when this worker is done, for the next one on a thread (rayon starts
    /// dozens per build).
    memos: &'a Mutex<Vec<Memo>>,
    /// By term id: the current page's counts (zero for terms it has not used).
    counts: Vec<Counts>,
    /// Terms the current page has counted, in first-use order.
    touched: Vec<u32>,
    /// By surface id: the last page (`page`) that used it.
    seen: Vec<u32>,
    page: u32,
    /// Surfaces the current page has used.
    surfaces: Vec<u32>,
    /// The current text's stems, for phrase matching.
    stems: Vec<u32>,
}

impl<'a> Scanner<'a> {
    fn new(lexicon: &'a Mutex<Lexicon>, phrases: &'a Phrases, memos: &'a Mutex<Vec<Memo>>) -> Scanner<'a> {
        Scanner {
            lexicon,
            matcher: Matcher::new(phrases.list.iter().map(|(stems, _)| stems.as_slice())),
            phrase_ids: phrases.list.iter().map(|(stems, id)| (stems.as_slice(), *id)).collect(),
            memo: lock(memos).pop().unwrap_or_default(),
            memos,
            counts: Vec::new(),
            touched: Vec::new(),
            seen: Vec::new(),
            page: 0,
            surfaces: Vec::new(),
            stems: Vec::new(),
        }
    }

    /// Counts a page's stems, and the phrases that words expand to (`media sosial`).
    fn page(&mut self, page: &PageText) -> PageTerms {
        self.page += 1;
        let mut body_len = 0;
        self.text(TITLE, &page.title);
        self.text(DESCRIPTION, &page.description);
        for tag in &page.tags {
            self.text(TAGS, tag);
        }
        for g in &page.glossary {
            self.text(TAGS, &g.term);
            self.text(TAGS, &g.expansion);
            body_len += self.text(BODY, &g.definition);
        }
        for p in page.passages.iter() {
            if let Some(h) = &p.heading {
                self.text(HEADING, h);
            }
            body_len += self.text(BODY, &p.text);
        }
        let counts = &mut self.counts;
        let tf = self.touched.drain(..).map(|id| (id, std::mem::take(&mut counts[id as usize]))).collect();
        PageTerms::new(tf, self.surfaces.drain(..).collect(), body_len)
    }

    /// Counts one text into `field`; returns how many words it counted.
    fn text(&mut self, field: usize, text: &str) -> u32 {
        self.stems.clear();
        for (_, raw) in raw_words(text) {
            // One lookup, not two, for a word seen before (nearly every word).
            let toks = match self.memo.get(raw) {
                Some(toks) => toks,
                None => {
                    let toks = self.tokens(raw);
                    self.memo.entry(raw.into()).or_insert(toks)
                }
            };
            for t in toks {
                self.stems.push(t.stem);
                let s = t.surface as usize;
                if self.seen.len() <= s {
                    self.seen.resize(s + 1, 0);
                }
                if self.seen[s] != self.page {
                    self.seen[s] = self.page;
                    self.surfaces.push(t.surface);
                }
            }
        }
        let found: Vec<u32> = self.matcher.find(&self.stems).iter().map(|p| self.phrase_ids[p]).collect();
        let stems = std::mem::take(&mut self.stems);
        for &id in found.iter().chain(&stems) {
            let i = id as usize;
            if self.counts.len() <= i {
                self.counts.resize(i + 1, [0; FIELDS]);
            }
            if self.counts[i] == [0; FIELDS] {
                self.touched.push(id);
            }
            self.counts[i][field] = self.counts[i][field].saturating_add(1);
        }
        let words = stems.len() as u32;
        self.stems = stems;
        words
    }

    /// A word's counted tokens: as the lexicon knows them, else tokenized (outside the lock)
    /// and numbered afresh.
    fn tokens(&self, raw: &str) -> Box<[Tok]> {
        if let Some(known) = lock(self.lexicon).tokens.get(raw) {
            return known.clone();
        }
        let mut tokens = Vec::new();
        word_tokens(raw, 0, &mut tokens);
        let mut lexicon = lock(self.lexicon);
        let toks: Box<[Tok]> = tokens
            .iter()
            .filter(|t| !t.stop)
            .map(|t| {
                let tok = Tok { surface: lexicon.id(&t.surface), stem: lexicon.id(&t.stem) };
                lexicon.set_stem(tok.surface, tok.stem);
                tok
            })
            .collect();
        lexicon.tokens.insert(raw.into(), toks.clone());
        toks
    }
}

impl Drop for Scanner<'_> {
    fn drop(&mut self) {
        lock(self.memos).push(std::mem::take(&mut self.memo));
    }
}

/// The guarded value, even if a worker panicked holding it (counts are plain data).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The page's record for snippets: sections, then the glossary as one more.
fn fragment(page: &PageText) -> Fragment {
    let mut passages: Vec<FragmentPassage> = page
        .passages
        .iter()
        .map(|p| FragmentPassage {
            heading: p.heading.clone().unwrap_or_default(),
            anchor: p.anchor.clone().unwrap_or_default(),
            text: p.text.clone(),
        })
        .collect();
    if !page.glossary.is_empty() {
        let lines: Vec<String> =
            page.glossary.iter().map(|g| format!("{} ({}): {}", g.term, g.expansion, g.definition)).collect();
        passages.push(FragmentPassage { heading: String::new(), anchor: String::new(), text: lines.join("\n") });
    }
    Fragment {
        url: page.url.clone(),
        title: page.title.clone(),
        breadcrumb: page.breadcrumb.clone(),
        description: page.description.clone(),
        passages,
    }
}

/// BM25's idf, stored ×1000 as an integer so both engines read the same number.
/// BM25's idf in thousandths, at least 1: a word on all but a few pages of a site of more
/// than a thousand would round to 0, every page would score 0 for it, and its results would
/// come in page order instead of title matches first.
fn idf_milli(n: usize, df: usize) -> u32 {
    let (n, df) = (n as f64, df as f64);
    (((1.0 + (n - df + 0.5) / (df + 0.5)).ln() * 1000.0).round() as u32).max(1)
}

/// Each page's analysis and snippet record from an earlier build, keyed by a hash of the
/// page's text and the phrases counted, so unchanged pages are not analysed again.
#[derive(Default)]
pub struct IndexCache {
    pages: HashMap<u64, Arc<AnalysedPage>>,
    lexicon: Lexicon,
    merged: Option<Merged>,
}

/// The merged postings and vocabulary of the last build, with the page (key and analysis) at
/// each id, so a build with the same number of pages patches only the pages that changed.
struct Merged {
    keys: Vec<u64>,
    analysed: Vec<Arc<AnalysedPage>>,
    /// By term id: the pages using it, in page order, with the term's impact on each, packed
    /// as its postings entry writes them.
    postings: Vec<ImpactList>,
    /// By surface id: how many pages use it (0: none); its stem is the lexicon's.
    vocab: Vec<u32>,
    /// Terms with postings, in word order (`None`: one came or went since).
    terms: Option<Vec<u32>>,
    /// Surfaces in use, in word order (`None`: one came or went since).
    surfaces: Option<Vec<u32>>,
    /// The vocabulary files (`v/`), kept while `surfaces` is.
    vocab_files: Option<Vec<IndexFile>>,
    /// The typo files (`t/`), kept while no word they may list is used by more or fewer pages.
    typo_files: Option<Vec<IndexFile>>,
    /// The files packed last time, by a hash of their path and unpacked bytes.
    packed: HashMap<u64, IndexFile>,
    /// The postings chunks as last made (`None`: remake them all).
    chunks: Option<Chunks>,
    /// Terms whose pages changed since `chunks` was made.
    dirty: Vec<u32>,
}

/// The postings chunks (`p/`) as last made. While their keys stay the same (no term came or
/// went, the same expansions), a preview's save remakes only the chunks that hold a changed
/// term or whose bounds moved; the others keep their packed file, unhashed and unzipped.
struct Chunks {
    expansions: BTreeMap<String, Expansion>,
    /// In key order: a term's id, or an expansion's key and encoded entry.
    entries: Vec<Either>,
    /// Each entry's length in bytes, and whether its family differs from the entry before's.
    lens: Vec<(usize, bool)>,
    /// By term id: its place in `entries`.
    place: FnvMap<u32, usize>,
    /// Each chunk: its entries, and its packed file with the hash that names it in `packed`.
    made: Vec<(Range<usize>, u64, IndexFile)>,
}

/// A packed index file, with the hash of its path and unpacked bytes that names it in `Merged::packed`.
type Packed = (u64, IndexFile);

/// A postings chunk's entry.
enum Either {
    Term(u32),
    Expansion(String, Vec<u8>),
}

impl Either {
    fn key<'a>(&'a self, lexicon: &'a Lexicon) -> &'a str {
        match self {
            Either::Term(id) => lexicon.word(*id),
            Either::Expansion(key, _) => key,
        }
    }
}

impl Chunks {
    /// Lays the entries out afresh: terms and expansions merged in key order (`len`: a term's
    /// entry length).
    fn new(
        terms: &[u32],
        expansions: BTreeMap<String, Expansion>,
        mut len: impl FnMut(u32) -> usize,
        lexicon: &Lexicon,
    ) -> Chunks {
        let mut entries = Vec::with_capacity(terms.len() + expansions.len());
        let (mut t, mut e) = (terms.iter().peekable(), expansions.iter().peekable());
        loop {
            let term_first = match (t.peek(), e.peek()) {
                (None, None) => break,
                (Some(&&id), Some((key, _))) => lexicon.word(id) < key.as_str(),
                (found, _) => found.is_some(),
            };
            if term_first {
                entries.extend(t.next().map(|&id| Either::Term(id)));
            } else if let Some((key, targets)) = e.next() {
                let mut bytes = Vec::new();
                format::encode_entry(&mut bytes, key, &Entry::Expansion(targets.clone()));
                entries.push(Either::Expansion(key.clone(), bytes));
            }
        }
        let lens = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let bytes = match e {
                    Either::Term(id) => len(*id),
                    Either::Expansion(_, entry) => entry.len(),
                };
                (bytes, i == 0 || first_stem(e.key(lexicon)) != first_stem(entries[i - 1].key(lexicon)))
            })
            .collect();
        let place = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Either::Term(id) => Some((*id, i)),
                Either::Expansion(..) => None,
            })
            .collect();
        Chunks { expansions, entries, lens, place, made: Vec::new() }
    }
}

impl Merged {
    /// Counts everything from scratch.
    fn count(keys: Vec<u64>, analysed: Vec<Arc<AnalysedPage>>, lexicon: &Lexicon) -> Merged {
        let words = lexicon.words.len();
        let mut postings = vec![ImpactList::default(); words];
        let mut vocab = vec![0; words];
        // Pages in id order, so every postings list comes out sorted by page.
        for (id, a) in analysed.iter().enumerate() {
            for (term, tf) in a.terms.tf.iter() {
                postings[term as usize].push(id as u32, tf);
            }
            for surface in a.terms.surfaces() {
                vocab[surface as usize] += 1;
            }
        }
        // Held until the next build: no growth slack.
        postings.iter_mut().for_each(ImpactList::shrink);
        Merged {
            keys,
            analysed,
            postings,
            vocab,
            terms: None,
            surfaces: None,
            vocab_files: None,
            typo_files: None,
            packed: HashMap::new(),
            chunks: None,
            dirty: Vec::new(),
        }
    }

    /// Replaces page `id`'s contribution with `new`.
    fn patch(&mut self, id: usize, key: u64, new: Arc<AnalysedPage>, lexicon: &Lexicon) {
        let words = lexicon.words.len();
        self.postings.resize_with(words, ImpactList::default);
        self.vocab.resize(words, 0);
        let old = std::mem::replace(&mut self.analysed[id], new.clone());
        self.keys[id] = key;
        // Only a term whose impact on this page changed gets its list rewritten: an edit
        // leaves most of a page's terms (and their long postings lists) as they were. Both
        // pages list their terms in id order, so one merge finds them.
        let (mut before, mut after) = (old.terms.tf.iter().peekable(), new.terms.tf.iter().peekable());
        let mut changed: Vec<(u32, Option<Impact>)> = Vec::new();
        loop {
            use std::cmp::Ordering::{Equal, Greater, Less};
            let order = match (before.peek(), after.peek()) {
                (None, None) => break,
                (Some(_), None) => Less,
                (None, Some(_)) => Greater,
                (Some(b), Some(a)) => b.0.cmp(&a.0),
            };
            let (was, now) = match order {
                Less => (before.next(), None),
                Greater => (None, after.next()),
                Equal => (before.next(), after.next()),
            };
            if was.map(|e| e.1) != now.map(|e| e.1) {
                let term = was.or(now).map_or(0, |e| e.0);
                changed.push((term, now.map(|e| e.1)));
            }
        }
        let id = id as u32;
        for (term, now) in changed {
            let list = &mut self.postings[term as usize];
            let was_live = !list.is_empty();
            *list = list.with(id, now);
            if was_live == list.is_empty() {
                self.terms = None;
            }
            self.dirty.push(term);
        }
        let (before, after): (Vec<u32>, Vec<u32>) = (old.terms.surfaces().collect(), new.terms.surfaces().collect());
        let surfaces: Vec<u32> = before.iter().chain(&after).copied().collect();
        let live_surfaces: Vec<bool> = surfaces.iter().map(|&s| self.vocab[s as usize] > 0).collect();
        for &surface in &before {
            let v = &mut self.vocab[surface as usize];
            *v = v.saturating_sub(1);
        }
        for &surface in &after {
            self.vocab[surface as usize] += 1;
        }
        if surfaces.iter().zip(live_surfaces).any(|(&s, was)| was != (self.vocab[s as usize] > 0)) {
            self.surfaces = None;
            self.vocab_files = None;
        }
        // A word on one of the two pages only is now used by one page more or fewer.
        let recounted = surfaces.iter().filter(|s| before.binary_search(s).is_ok() != after.binary_search(s).is_ok());
        if recounted.into_iter().any(|&s| typo_word(lexicon.word(s))) {
            self.typo_files = None;
        }
    }
}

/// A page's terms and its snippet record (`f/N.json`, gzipped), shared between builds.
struct AnalysedPage {
    terms: PageTerms,
    record: Arc<[u8]>,
    /// A hash of `record`, for the index's version.
    digest: u64,
    /// The text analysed, not kept (the loader keeps it while its file is unchanged) but its
    /// address held, so that no other text can take it (see `page_key`).
    _text: Weak<[Passage]>,
}

/// What identifies a page's analysis: a hash of its fields, the phrases counted (`phrases`,
/// hashed once), and the address of its text. The loader keeps a file's text while the file
/// is unchanged, and `AnalysedPage` holds the address, so it stands for the text: hashing
/// every page's text on every save cost more than the rest of a preview's index update.
fn page_key(page: &PageText, phrases: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&page.url, &page.title, &page.breadcrumb, &page.section, &page.description, &page.tags, &page.glossary)
        .hash(&mut h);
    (Arc::as_ptr(&page.passages) as *const Passage as usize, phrases).hash(&mut h);
    h.finish()
}

/// Every page of a site read and counted, ready to be merged and encoded (`encode`).
pub struct Counted {
    pages: Vec<PageText>,
    rules: Rules,
    analysed: Vec<(u64, Arc<AnalysedPage>)>,
}

/// Reads and counts every page, on all cores, reusing the analyses in `cache`.
pub(super) fn count(mut pages: Vec<PageText>, config: &SearchConfig, cache: &mut IndexCache) -> Counted {
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    pages.dedup_by(|a, b| a.url == b.url);
    let rules = synonyms::build_rules(&pages, config);
    // Targets of one word are that word's postings; phrases need postings of their own.
    let members: BTreeSet<&Member> = rules.values().flatten().map(|t| &t.stems).filter(|s| s.len() > 1).collect();
    let phrases = Phrases::new(&members, &mut cache.lexicon);
    let phrases_key =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(&members);
    let lexicon = Mutex::new(std::mem::take(&mut cache.lexicon));
    let memos = Mutex::new(Vec::new());

    let analysed: Vec<(u64, Arc<AnalysedPage>)> = pages
        .par_iter_mut()
        .map_init(
            || Scanner::new(&lexicon, &phrases, &memos),
            |scanner, p| {
                let key = page_key(p, phrases_key);
                let done = cache.pages.get(&key).cloned().unwrap_or_else(|| {
                    let json = serde_json::to_vec(&fragment(p)).expect("fragment serializes");
                    let record: Arc<[u8]> = format::gzip(&json).into();
                    let mut digest = fnv::FnvHasher::default();
                    digest.write(&record);
                    let (terms, digest, _text) = (scanner.page(p), digest.finish(), Arc::downgrade(&p.passages));
                    Arc::new(AnalysedPage { terms, record, digest, _text })
                });
                // Read: the text goes now, not with the rest of the pages at the end.
                p.passages = Arc::default();
                (key, done)
            },
        )
        .collect();
    cache.lexicon = lexicon.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    cache.pages = analysed.iter().cloned().collect();
    Counted { pages, rules, analysed }
}

/// The index files of `counted`: its postings merged (or those of the last build patched) and
/// encoded. Mostly on one core, so `pedoman build` runs it beside the render.
pub(super) fn encode(counted: Counted, cache: &mut IndexCache) -> Vec<IndexFile> {
    let Counted { pages, rules, analysed } = counted;
    let n = pages.len();
    let keys: Vec<u64> = analysed.iter().map(|(k, _)| *k).collect();
    let changed: Vec<usize> = match &cache.merged {
        Some(m) if m.keys.len() == n => (0..n).filter(|&i| m.keys[i] != keys[i]).collect(),
        _ => (0..n).collect(),
    };
    // Patching is worth it while few pages changed; otherwise count afresh.
    let mut merged = match cache.merged.take() {
        Some(mut m) if m.keys.len() == n && changed.len() * 10 <= n => {
            for &id in &changed {
                m.patch(id, keys[id], analysed[id].1.clone(), &cache.lexicon);
            }
            m
        }
        _ => Merged::count(keys, analysed.iter().map(|(_, a)| a.clone()).collect(), &cache.lexicon),
    };
    let files = encode_files(&pages, &mut merged, &cache.lexicon, &rules);
    cache.merged = Some(merged);
    files
}

/// The expansion entries: each rule's trigger, with the targets the site has postings for.
fn expansions(rules: &Rules, has_postings: impl Fn(&str) -> bool) -> BTreeMap<String, Expansion> {
    let mut out = BTreeMap::new();
    for (trigger, targets) in rules {
        let found: Expansion =
            targets.iter().map(|t| (t.stems.join(" "), t.text.clone())).filter(|(key, _)| has_postings(key)).collect();
        if !found.is_empty() {
            out.insert(format!("{}{}", trigger.join(" "), format::EXPANSION_MARK), found);
        }
    }
    out
}

/// Cuts items (each its length in bytes and whether it starts another family than the item
/// before) into chunks: one ends before an item that would take it past `size` bytes and
/// starts another family (a word and what it expands to stay in one chunk, so a lookup of the
/// family fetches one file).
fn chunk_bounds(items: impl Iterator<Item = (usize, bool)>, size: usize) -> Vec<Range<usize>> {
    let mut bounds = Vec::new();
    let (mut start, mut len, mut count) = (0, 0, 0);
    for (i, (bytes, new_family)) in items.enumerate() {
        if len > 0 && len + bytes > size && new_family {
            bounds.push(start..i);
            (start, len) = (i, 0);
        }
        len += bytes;
        count = i + 1;
    }
    if len > 0 {
        bounds.push(start..count);
    }
    bounds
}

/// `dir/index.txt` for chunks of keys (`key(i)`: item i's): a line per chunk, a key that sorts
/// after the previous chunk's last and no later than the chunk's first.
fn chunk_index<'k>(bounds: &[Range<usize>], key: impl Fn(usize) -> &'k str, dir: &str) -> IndexFile {
    let mut index = String::new();
    for (c, r) in bounds.iter().enumerate() {
        if c > 0 {
            index.push_str(&format::separator(key(r.start - 1), key(r.start)));
        }
        index.push('\n');
    }
    (format!("{dir}/index.txt"), index.into_bytes().into())
}

/// Whether the typo files may list `word`: words of letters only.
fn typo_word(word: &str) -> bool {
    word.chars().all(char::is_alphabetic)
}

/// The typo files: by first character and length, the commonest words of each.
fn typos(vocab: &[(&str, &str, u32)], line: impl Fn(&str, Option<String>, &str) -> Vec<u8>) -> Vec<IndexFile> {
    // (first character, length) → (word, stem, pages) of each word.
    type Bucket<'a> = Vec<(&'a str, &'a str, u32)>;
    let mut buckets: BTreeMap<(char, usize), Bucket> = BTreeMap::new();
    for &(w, stem, pages) in vocab {
        if let Some(first) = w.chars().next().filter(|_| typo_word(w)) {
            buckets.entry((first, w.chars().count())).or_default().push((w, stem, pages));
        }
    }
    let mut lengths: BTreeMap<char, (usize, usize)> = BTreeMap::new();
    for ((first, len), words) in &mut buckets {
        let range = lengths.entry(*first).or_insert((*len, *len));
        range.1 = *len;
        words.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        words.truncate(format::TYPO_BUCKET);
        words.sort();
    }
    let mut files = Vec::new();
    let mut index = String::new();
    for (first, (shortest, longest)) in lengths {
        index.push_str(&format!("{}\t{shortest}\t{longest}\n", first as u32));
        for len in shortest..=longest {
            let words = buckets.get(&(first, len)).map(Vec::as_slice).unwrap_or_default();
            let text: Vec<u8> =
                words.iter().flat_map(|(w, stem, pages)| line(w, Some(pages.to_string()), stem)).collect();
            files.push((format::typo_file(first, len), text.into()));
        }
    }
    files.push(("t/index.txt".to_string(), index.into_bytes().into()));
    files
}

/// The files gzipped and named `NAME.gz`, each with a hash of its path and unpacked bytes.
/// A file the last build packed (`last`) keeps those bytes: a preview's save changes a few
/// of hundreds of postings chunks.
fn pack(files: Vec<IndexFile>, last: &HashMap<u64, IndexFile>) -> Vec<(String, u64, IndexFile)> {
    files
        .into_par_iter()
        .map(|(path, bytes)| {
            let mut h = fnv::FnvHasher::default();
            h.write(path.as_bytes());
            h.write(&bytes);
            let key = h.finish();
            let file = last.get(&key).cloned().unwrap_or_else(|| (format!("{path}.gz"), format::gzip(&bytes).into()));
            (path, key, file)
        })
        .collect()
}

/// A postings key's first stem: its family.
fn first_stem(key: &str) -> &str {
    key.split([' ', format::EXPANSION_MARK]).next().unwrap_or(key)
}

/// Writes the index files from the merged postings, vocabulary and page records, re-encoding
/// only what changed since the files `merged` keeps were made.
fn encode_files(pages: &[PageText], merged: &mut Merged, lexicon: &Lexicon, rules: &Rules) -> Vec<IndexFile> {
    let n = pages.len();
    let mut files: Vec<IndexFile> = Vec::new();

    // Postings and expansions, merged in key order.
    let Merged { postings, terms, surfaces, .. } = merged;
    let live = |id: &u32| !postings[*id as usize].is_empty();
    let has_postings = |key: &str| lexicon.get(key).is_some_and(|id| live(&id));
    let expansions = expansions(rules, has_postings);
    let tw = expansions.keys().map(|k| k.split(' ').count()).max().unwrap_or(0) as u32;
    let keys_kept = terms.is_some() && merged.chunks.as_ref().is_some_and(|c| c.expansions == expansions);
    let terms = terms.get_or_insert_with(|| lexicon.sorted((0..postings.len() as u32).filter(live).collect()));
    // A term's entry head, appended to `out`; its pages follow as kept.
    let head = |id: u32, out: &mut Vec<u8>| {
        let pages = &postings[id as usize];
        format::postings_head(out, lexicon.word(id), idf_milli(n, pages.len()), pages.len());
    };
    let mut scratch = Vec::new();
    let mut entry_len = |id: u32| {
        scratch.clear();
        head(id, &mut scratch);
        scratch.len() + postings[id as usize].bytes().len()
    };
    let mut chunks = match merged.chunks.take() {
        Some(mut c) if keys_kept => {
            for id in &merged.dirty {
                if let Some(&i) = c.place.get(id) {
                    c.lens[i].0 = entry_len(*id);
                }
            }
            c
        }
        _ => Chunks::new(terms, expansions, entry_len, lexicon),
    };
    let key = |i: usize| chunks.entries[i].key(lexicon);
    let bounds = chunk_bounds(chunks.lens.iter().copied(), POST_CHUNK);
    let mut dirty: Vec<usize> = merged.dirty.drain(..).filter_map(|id| chunks.place.get(&id).copied()).collect();
    dirty.sort_unstable();
    let mut ready = Vec::new();
    // Each chunk's entries, its path, and its packed file when it is kept (the others are
    // packed below).
    let mut made: Vec<(Range<usize>, String, Option<Packed>)> = Vec::with_capacity(bounds.len());
    for (c, r) in bounds.iter().enumerate() {
        let path = format!("p/{c}.bin");
        let touched = dirty.get(dirty.partition_point(|&d| d < r.start)).is_some_and(|&d| d < r.end);
        match chunks.made.get(c) {
            Some((was, hash, file)) if was == r && !touched => {
                ready.push((path.clone(), *hash, file.clone()));
                made.push((r.clone(), path, Some((*hash, file.clone()))));
            }
            _ => {
                let mut bytes = Vec::with_capacity(POST_CHUNK * 2);
                for i in r.clone() {
                    match &chunks.entries[i] {
                        Either::Term(id) => {
                            head(*id, &mut bytes);
                            bytes.extend_from_slice(postings[*id as usize].bytes());
                        }
                        Either::Expansion(_, entry) => bytes.extend_from_slice(entry),
                    }
                }
                files.push((path.clone(), bytes.into()));
                made.push((r.clone(), path, None));
            }
        }
    }
    files.push(chunk_index(&bounds, key, "p"));

    // A line of the vocabulary or typo files: the word, what else it has, its stem if another.
    let line = |word: &str, extra: Option<String>, stem: &str| {
        let mut l = word.to_string();
        if let Some(x) = extra {
            l.push('\t');
            l.push_str(&x);
        }
        if stem != word {
            l.push('\t');
            l.push_str(stem);
        }
        l.push('\n');
        l.into_bytes()
    };
    // The vocabulary (by word, for prefixes) and the typo files: remade only when they changed.
    if merged.vocab_files.is_none() || merged.typo_files.is_none() {
        let vocab_of = &merged.vocab;
        let surfaces = surfaces.get_or_insert_with(|| {
            lexicon.sorted((0..vocab_of.len() as u32).filter(|&id| vocab_of[id as usize] > 0).collect())
        });
        let vocab: Vec<(&str, &str, u32)> = surfaces
            .iter()
            .map(|&id| (lexicon.word(id), lexicon.word(lexicon.stem(id)), vocab_of[id as usize]))
            .collect();
        merged.vocab_files.get_or_insert_with(|| {
            let lines: Vec<Vec<u8>> = vocab.iter().map(|&(w, stem, _)| line(w, None, stem)).collect();
            let bounds = chunk_bounds(lines.iter().map(|l| (l.len(), true)), VOCAB_CHUNK);
            let mut files: Vec<IndexFile> = bounds
                .iter()
                .enumerate()
                .map(|(c, r)| (format!("v/{c}.txt"), lines[r.clone()].concat().into()))
                .collect();
            files.push(chunk_index(&bounds, |i| vocab[i].0, "v"));
            files
        });
        merged.typo_files.get_or_insert_with(|| typos(&vocab, line));
    }
    files.extend(merged.vocab_files.iter().flatten().cloned());
    files.extend(merged.typo_files.iter().flatten().cloned());

    // Sections: every slug in use, titled by its own index page when there is one.
    let slugs: BTreeSet<&str> = pages.iter().map(|p| p.section.as_str()).filter(|s| !s.is_empty()).collect();
    let sections: Vec<(String, String)> = slugs
        .iter()
        .take(NO_SECTION as usize)
        .map(|slug| {
            let url = format!("/{slug}/");
            let title = pages.iter().find(|p| p.url == url).map(|p| p.title.clone());
            (slug.to_string(), title.unwrap_or_else(|| slug.to_string()))
        })
        .collect();
    let mut table = vec![0; n * 2];
    let mut total_len: u64 = 0;
    for (id, (p, a)) in pages.iter().zip(merged.analysed.iter().map(|a| &a.terms)).enumerate() {
        table[id] = format::quantize_len(a.body_len);
        let s = sections.iter().position(|(slug, _)| *slug == p.section);
        table[n + id] = s.map_or(NO_SECTION, |i| i as u8);
        total_len += a.body_len as u64;
    }
    files.push(("pages.bin".to_string(), table.into()));

    // The version changes with any file: records count by the digest made with them.
    let mut packed = pack(files, &merged.packed);
    packed.extend(ready);
    packed.sort_by(|a, b| a.0.cmp(&b.0));
    merged.packed = packed.iter().map(|(_, key, file)| (*key, file.clone())).collect();
    chunks.made.clear();
    for (r, path, was) in made {
        let file = was.or_else(|| {
            let i = packed.binary_search_by(|f| f.0.cmp(&path)).ok()?;
            Some((packed[i].1, packed[i].2.clone()))
        });
        chunks.made.extend(file.map(|(key, file)| (r, key, file)));
    }
    merged.chunks = Some(chunks);
    let mut hasher = fnv::FnvHasher::default();
    for (_, key, _) in &packed {
        hasher.write_u64(*key);
    }
    for a in &merged.analysed {
        hasher.write_u64(a.digest);
    }
    let h = hasher.finish();
    let mut files: Vec<IndexFile> = packed.into_iter().map(|(_, _, file)| file).collect();
    files.extend(merged.analysed.iter().enumerate().map(|(id, a)| (format!("f/{id}.json.gz"), a.record.clone())));
    let avg = if n == 0 { 1 } else { ((total_len as f64 / n as f64).round() as u32).max(1) };
    let meta = Meta {
        format: format::FORMAT_VERSION,
        version: format!("{h:016x}"),
        pages: n as u32,
        avg_body_len: avg,
        sections,
        longest_phrase: tw,
    };
    files.push(("meta.json".to_string(), serde_json::to_vec(&meta).expect("meta serializes").into()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[cfg(test)]
mod patch_tests {
    use super::*;
    use crate::markdown::Passage;

    /// Both halves, as a build runs them.
    fn build(pages: Vec<PageText>, config: &SearchConfig, cache: &mut IndexCache) -> Vec<IndexFile> {
        let counted = count(pages, config, cache);
        encode(counted, cache)
    }

    fn page(i: usize, body: &str) -> PageText {
        PageText {
            url: format!("/bagian/halaman-{i:02}/"),
            title: format!("Halaman {i}"),
            section: "bagian".into(),
            passages: vec![Passage { text: body.into(), ..Default::default() }].into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_save_remakes_only_the_postings_chunks_it_touches() {
        let body = |i: usize, extra: &str| {
            format!("pegawai melayani warga kata{i} istilah{} nomor{} {extra}", i * 7 % 50, i % 13)
        };
        let mut pages: Vec<PageText> = (0..500).map(|i| page(i, &body(i, ""))).collect();
        let mut cache = IndexCache::default();
        let config = SearchConfig::default();
        let mut last = build(pages.clone(), &config, &mut cache);
        let is_chunk = |f: &IndexFile| f.0.starts_with("p/") && f.0 != "p/index.txt.gz";
        let chunks = |files: &[IndexFile]| files.iter().filter(|f| is_chunk(f)).count();
        assert!(chunks(&last) > 3, "the test needs several postings chunks");
        // Counts change on one page after another (entries grow a byte or shrink, so bounds
        // move now and then); then a word comes, which lays the chunks out afresh.
        let edits =
            (1..40).map(|k| (k * 37 % 500, format!("{}{}", "pegawai ".repeat(k * 9), "melayani ".repeat(k)), true));
        for (at, extra, same_words) in edits.chain([(150, "kata150 baru".to_string(), false)]) {
            pages[at] = page(at, &body(at, &extra));
            let patched = build(pages.clone(), &config, &mut cache);
            let mut fresh = IndexCache::default();
            assert!(patched == build(pages.clone(), &config, &mut fresh), "patched after editing page {at}");
            // Lengths kept right, or a later edit's bounds would be laid out wrong.
            let lens = |c: &IndexCache| c.merged.as_ref().and_then(|m| m.chunks.as_ref()).map(|c| c.lens.clone());
            assert!(lens(&cache) == lens(&fresh), "entry lengths after editing page {at}");
            let kept = patched
                .iter()
                .filter(|f| is_chunk(f) && last.iter().any(|l| l.0 == f.0 && Arc::ptr_eq(&l.1, &f.1)))
                .count();
            if same_words {
                assert!(
                    kept > 0 && kept < chunks(&patched),
                    "{kept} of {} chunks kept after editing page {at}",
                    chunks(&patched)
                );
            }
            last = patched;
        }
    }

    #[test]
    fn the_index_keeps_no_page_text_between_builds() {
        let pages: Vec<PageText> = (0..20).map(|i| page(i, &format!("pegawai melayani warga nomor{i}"))).collect();
        let texts: Vec<Weak<[Passage]>> = pages.iter().map(|p| Arc::downgrade(&p.passages)).collect();
        let mut cache = IndexCache::default();
        let files = build(pages, &SearchConfig::default(), &mut cache);
        assert!(files.iter().any(|f| f.0.starts_with("f/")), "records are made");
        assert!(texts.iter().all(|t| t.upgrade().is_none()), "no page's text is kept for the next build");
    }

    #[test]
    fn patching_changed_pages_gives_the_same_index_as_a_fresh_build() {
        let mut pages: Vec<PageText> =
            (0..12).map(|i| page(i, &format!("pegawai melayani warga dengan ramah nomor{i}"))).collect();
        let mut cache = IndexCache::default();
        let config = SearchConfig::default();
        build(pages.clone(), &config, &mut cache);
        // One page loses words only it had (`nomor3`, `ramah` stays elsewhere) and gains new ones.
        pages[3] = page(3, "kepemimpinan kolaboratif tanpa birokrasi berbelit");
        let patched = build(pages.clone(), &config, &mut cache);
        let fresh = build(pages.clone(), &config, &mut IndexCache::default());
        assert!(patched == fresh, "a patched index must equal a fresh one, byte for byte");
        // And again, changing it back.
        pages[3] = page(3, "pegawai melayani warga dengan ramah nomor3");
        assert!(build(pages.clone(), &config, &mut cache) == build(pages.clone(), &config, &mut IndexCache::default()));
        // The same words, counted more often: only their counts on the page change.
        pages[3] = page(3, "pegawai pegawai melayani warga warga warga dengan ramah nomor3");
        assert!(build(pages.clone(), &config, &mut cache) == build(pages.clone(), &config, &mut IndexCache::default()));
    }
}
