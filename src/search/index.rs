//! Builds the index files from the pages' text (see `format.rs` for the layout).

use super::format::{
    self, Entry, Expansion, Fragment, FragmentPassage, Meta, Postings, BODY, DESCRIPTION, FIELDS, HEADING, TAGS, TITLE,
};
use super::synonyms::{self, Matcher, Member, Rules};
use super::tokenize::tokenize;
use super::{IndexFile, PageText};
use crate::config::SearchConfig;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hasher;
use std::sync::{Arc, Mutex};

/// Chunks stop growing past these sizes (bytes before compression): small enough
/// that a first query on a large site fetches little, large enough to keep the
/// number of files sensible.
const POST_CHUNK: usize = 4 * 1024;
const VOCAB_CHUNK: usize = 4 * 1024;

/// Section number in `pages.bin` for pages outside any section (the home page).
pub(super) const NO_SECTION: u8 = 255;

/// One page's terms, kept for every page between builds: exact-size slices of shared words,
/// not the hash maps they were counted in (on a large site these are most of the index stage's
/// memory, and a word recurs on thousands of pages).
struct PageTerms {
    /// Each stem or phrase and its count per field.
    tf: Box<[(Arc<str>, [u32; FIELDS])]>,
    body_len: u32,
    /// Surface form → stem.
    vocab: Box<[(Arc<str>, Arc<str>)]>,
}

/// One copy of each word for all the pages of a build.
#[derive(Default)]
struct Words(Mutex<HashSet<Arc<str>>>);

impl Words {
    /// `counted` as kept: every word replaced by its shared copy (one lock per page).
    fn keep(&self, counted: Counting) -> PageTerms {
        let mut words = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut share = |w: String| -> Arc<str> {
            if let Some(shared) = words.get(w.as_str()) {
                return shared.clone();
            }
            let shared: Arc<str> = w.into();
            words.insert(shared.clone());
            shared
        };
        PageTerms {
            tf: counted.tf.into_iter().map(|(t, tf)| (share(t), tf)).collect(),
            body_len: counted.body_len,
            vocab: counted.vocab.into_iter().map(|(w, stem)| (share(w), share(stem))).collect(),
        }
    }
}

/// A page's terms while they are counted.
#[derive(Default)]
struct Counting {
    tf: HashMap<String, [u32; FIELDS]>,
    body_len: u32,
    vocab: HashMap<String, String>,
}

/// Counts stems, and the phrases that words expand to (`media sosial`) under their stems
/// joined by spaces.
fn analyze(page: &PageText, phrases: &Matcher) -> Counting {
    let mut a = Counting::default();
    let add = |field: usize, text: &str, a: &mut Counting| {
        let tokens: Vec<_> = tokenize(text).into_iter().filter(|t| !t.stop).collect();
        let stems: Vec<&str> = tokens.iter().map(|t| t.stem.as_str()).collect();
        for phrase in phrases.find(&stems) {
            a.tf.entry(phrase.join(" ")).or_default()[field] += 1;
        }
        for t in &tokens {
            match a.tf.get_mut(t.stem.as_str()) {
                Some(tf) => tf[field] += 1,
                None => {
                    let mut tf = [0; FIELDS];
                    tf[field] = 1;
                    a.tf.insert(t.stem.clone(), tf);
                }
            }
            if !a.vocab.contains_key(t.surface.as_str()) {
                a.vocab.insert(t.surface.clone(), t.stem.clone());
            }
        }
        if field == BODY {
            a.body_len += tokens.len() as u32;
        }
    };
    add(TITLE, &page.title, &mut a);
    add(DESCRIPTION, &page.description, &mut a);
    for tag in &page.tags {
        add(TAGS, tag, &mut a);
    }
    for g in &page.glossary {
        add(TAGS, &g.term, &mut a);
        add(TAGS, &g.expansion, &mut a);
        add(BODY, &g.definition, &mut a);
    }
    for p in &page.passages {
        if let Some(h) = &p.heading {
            add(HEADING, h, &mut a);
        }
        add(BODY, &p.text, &mut a);
    }
    a
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
fn idf_milli(n: usize, df: usize) -> u32 {
    let (n, df) = (n as f64, df as f64);
    ((1.0 + (n - df + 0.5) / (df + 0.5)).ln() * 1000.0).round() as u32
}

/// Each page's analysis and snippet record from an earlier build, keyed by a hash of the
/// page's text and the phrases counted, so unchanged pages are not analysed again.
#[derive(Default)]
pub struct IndexCache {
    pages: HashMap<u64, Arc<AnalysedPage>>,
    merged: Option<Merged>,
}

/// The merged postings and vocabulary of the last build, with the page (key and analysis) at
/// each id, so a build with the same number of pages patches only the pages that changed.
struct Merged {
    keys: Vec<u64>,
    analysed: Vec<Arc<AnalysedPage>>,
    postings: BTreeMap<String, Postings>,
    /// Surface form → (stem, how many pages use it).
    vocab: BTreeMap<String, (String, u32)>,
}

impl Merged {
    /// Counts everything from scratch (hash maps on borrowed keys: millions of entries on a large
    /// site), then sorts once.
    fn count(keys: Vec<u64>, analysed: Vec<Arc<AnalysedPage>>) -> Merged {
        let mut counting: HashMap<&str, Vec<(u32, [u32; FIELDS])>> = HashMap::new();
        let mut vocab_counting: HashMap<&str, (&str, u32)> = HashMap::new();
        // Pages in id order, so every postings list comes out sorted by page.
        for (id, a) in analysed.iter().enumerate() {
            for (term, tf) in &a.terms.tf {
                counting.entry(term).or_default().push((id as u32, *tf));
            }
            for (surface, stem) in &a.terms.vocab {
                vocab_counting.entry(surface).or_insert((stem, 0)).1 += 1;
            }
        }
        let postings = counting
            .into_iter()
            .map(|(t, mut pages)| {
                pages.shrink_to_fit();
                (t.to_string(), Postings { idf_milli: 0, pages })
            })
            .collect();
        let vocab = vocab_counting.into_iter().map(|(s, (stem, n))| (s.to_string(), (stem.to_string(), n))).collect();
        Merged { keys, analysed, postings, vocab }
    }

    /// Replaces page `id`'s contribution with `new`.
    fn patch(&mut self, id: usize, key: u64, new: Arc<AnalysedPage>) {
        let old = std::mem::replace(&mut self.analysed[id], new.clone());
        self.keys[id] = key;
        let id = id as u32;
        for (term, _) in &old.terms.tf {
            let term: &str = term;
            if let Some(p) = self.postings.get_mut(term) {
                if let Ok(i) = p.pages.binary_search_by_key(&id, |e| e.0) {
                    p.pages.remove(i);
                }
                if p.pages.is_empty() {
                    self.postings.remove(term);
                }
            }
        }
        for (surface, _) in &old.terms.vocab {
            let surface: &str = surface;
            if let Some(v) = self.vocab.get_mut(surface) {
                v.1 -= 1;
                if v.1 == 0 {
                    self.vocab.remove(surface);
                }
            }
        }
        for (term, tf) in &new.terms.tf {
            let p =
                self.postings.entry(term.to_string()).or_insert_with(|| Postings { idf_milli: 0, pages: Vec::new() });
            let i = p.pages.partition_point(|e| e.0 < id);
            p.pages.insert(i, (id, *tf));
        }
        for (surface, stem) in &new.terms.vocab {
            self.vocab.entry(surface.to_string()).or_insert_with(|| (stem.to_string(), 0)).1 += 1;
        }
    }
}

/// A page's terms and its snippet record (`f/N.json`), shared between builds.
struct AnalysedPage {
    terms: PageTerms,
    record: Vec<u8>,
}

fn page_key(page: &PageText, phrases: &BTreeSet<&Member>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (page, phrases).hash(&mut h);
    h.finish()
}

pub(super) fn build(pages: &[PageText], config: &SearchConfig, cache: &mut IndexCache) -> Vec<IndexFile> {
    let mut pages: Vec<&PageText> = pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    pages.dedup_by(|a, b| a.url == b.url);
    let rules = synonyms::build_rules(pages.iter().copied(), config);
    // Targets of one word are that word's postings; phrases need postings of their own.
    let phrases: BTreeSet<&Member> = rules.values().flatten().map(|t| &t.stems).filter(|s| s.len() > 1).collect();
    let matcher = Matcher::new(phrases.iter().copied());
    let words = Words::default();

    let analysed: Vec<(u64, Arc<AnalysedPage>)> = pages
        .par_iter()
        .map(|p| {
            let key = page_key(p, &phrases);
            let done = cache.pages.get(&key).cloned().unwrap_or_else(|| {
                let mut record = serde_json::to_vec(&fragment(p)).expect("fragment serializes");
                // Held for every page until the build ends: no growth slack.
                record.shrink_to_fit();
                Arc::new(AnalysedPage { terms: words.keep(analyze(p, &matcher)), record })
            });
            (key, done)
        })
        .collect();
    cache.pages = analysed.iter().cloned().collect();
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
                m.patch(id, keys[id], analysed[id].1.clone());
            }
            m
        }
        _ => Merged::count(keys, analysed.iter().map(|(_, a)| a.clone()).collect()),
    };
    for p in merged.postings.values_mut() {
        p.idf_milli = idf_milli(n, p.pages.len());
    }
    let files = encode(&pages, &merged, n, &rules);
    cache.merged = Some(merged);
    files
}

/// The expansion entries: each rule's trigger, with the targets the site has postings for.
fn expansions(rules: &Rules, postings: &BTreeMap<String, Postings>) -> BTreeMap<String, Expansion> {
    let mut out = BTreeMap::new();
    for (trigger, targets) in rules {
        let found: Expansion = targets
            .iter()
            .map(|t| (t.stems.join(" "), t.text.clone()))
            .filter(|(key, _)| postings.contains_key(key))
            .collect();
        if !found.is_empty() {
            out.insert(format!("{}{}", trigger.join(" "), format::EXPANSION_MARK), found);
        }
    }
    out
}

/// Cuts `(key, bytes)` items, sorted by key, into chunks of at most `size` bytes (unless one
/// family is larger) named `dir/N.ext`, and writes `dir/index.txt`: a separator line per
/// chunk. Keys of one family
/// (`family(key)`, e.g. a word and what it expands to) stay in one chunk, so a lookup of
/// the family fetches one file.
fn chunked<'k>(
    items: impl Iterator<Item = (&'k str, Vec<u8>)>,
    size: usize,
    family: fn(&str) -> &str,
    dir: &str,
    ext: &str,
    files: &mut Vec<IndexFile>,
) {
    let mut index = String::new();
    let mut chunks = 0;
    let mut buf: Vec<u8> = Vec::new();
    let mut last = "";
    for (key, bytes) in items {
        if !buf.is_empty() && buf.len() + bytes.len() > size && family(key) != family(last) {
            files.push((format!("{dir}/{chunks}.{ext}"), std::mem::take(&mut buf)));
            chunks += 1;
        }
        if buf.is_empty() {
            // The first chunk takes every key before its own.
            index.push_str(&if chunks == 0 { String::new() } else { format::separator(last, key) });
            index.push('\n');
        }
        buf.extend(bytes);
        last = key;
    }
    if !buf.is_empty() {
        files.push((format!("{dir}/{chunks}.{ext}"), buf));
    }
    files.push((format!("{dir}/index.txt"), index.into_bytes()));
}

/// A postings key's first stem: its family.
fn first_stem(key: &str) -> &str {
    key.split([' ', format::EXPANSION_MARK]).next().unwrap_or(key)
}

/// Writes the index files from the merged postings (idf set), vocabulary and page records.
fn encode(pages: &[&PageText], merged: &Merged, n: usize, rules: &Rules) -> Vec<IndexFile> {
    let analyses: Vec<&PageTerms> = merged.analysed.iter().map(|a| &a.terms).collect();
    let mut files: Vec<IndexFile> = Vec::new();

    // Postings and expansions, merged in key order.
    let expansions = expansions(rules, &merged.postings);
    let tw = expansions.keys().map(|k| k.split(' ').count()).max().unwrap_or(0) as u32;
    let mut postings = merged.postings.iter().peekable();
    let mut expansions = expansions.iter().peekable();
    let entries = std::iter::from_fn(|| {
        let take_postings = match (postings.peek(), expansions.peek()) {
            (Some((a, _)), Some((b, _))) => a < b,
            (a, b) => a.is_some() || b.is_none(),
        };
        let mut bytes = Vec::new();
        if take_postings {
            let (term, p) = postings.next()?;
            format::encode_entry(&mut bytes, term, &Entry::Postings(p.clone()));
            Some((term.as_str(), bytes))
        } else {
            let (key, e) = expansions.next()?;
            format::encode_entry(&mut bytes, key, &Entry::Expansion(e.clone()));
            Some((key.as_str(), bytes))
        }
    });
    chunked(entries, POST_CHUNK, first_stem, "p", "bin", &mut files);

    // The vocabulary, by word for prefixes.
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
    let vocab_lines = merged.vocab.iter().map(|(w, (stem, _))| (w.as_str(), line(w, None, stem)));
    chunked(vocab_lines, VOCAB_CHUNK, |w| w, "v", "txt", &mut files);

    // And by first character and length for typos, the commonest words of each.
    // (first character, length) → (word, stem, pages) of each word.
    type Bucket<'a> = Vec<(&'a str, &'a str, u32)>;
    let mut buckets: BTreeMap<(char, usize), Bucket> = BTreeMap::new();
    for (w, (stem, pages)) in &merged.vocab {
        if let Some(first) = w.chars().next().filter(|_| w.chars().all(char::is_alphabetic)) {
            buckets.entry((first, w.chars().count())).or_default().push((w, stem, *pages));
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
    let mut index = String::new();
    for (first, (shortest, longest)) in lengths {
        index.push_str(&format!("{}\t{shortest}\t{longest}\n", first as u32));
        for len in shortest..=longest {
            let words = buckets.get(&(first, len)).map(Vec::as_slice).unwrap_or_default();
            let text: Vec<u8> =
                words.iter().flat_map(|(w, stem, pages)| line(w, Some(pages.to_string()), stem)).collect();
            files.push((format::typo_file(first, len), text));
        }
    }
    files.push(("t/index.txt".to_string(), index.into_bytes()));

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
    let mut table = Vec::with_capacity(n * 2);
    let mut total_len: u64 = 0;
    for (p, a) in pages.iter().zip(&analyses) {
        table.push(format::quantize_len(a.body_len));
        let s = sections.iter().position(|(slug, _)| *slug == p.section);
        table.push(s.map_or(NO_SECTION, |i| i as u8));
        total_len += a.body_len as u64;
    }
    files.push(("pages.bin".to_string(), table));

    files.extend(merged.analysed.iter().enumerate().map(|(id, a)| (format!("f/{id}.json"), a.record.clone())));

    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hasher = fnv::FnvHasher::default();
    for (path, bytes) in &files {
        hasher.write(path.as_bytes());
        hasher.write(bytes);
    }
    let h = hasher.finish();
    let avg = if n == 0 { 1 } else { ((total_len as f64 / n as f64).round() as u32).max(1) };
    let meta = Meta {
        format: format::FORMAT_VERSION,
        version: format!("{h:016x}"),
        pages: n as u32,
        avg_body_len: avg,
        sections,
        longest_phrase: tw,
    };
    files.push(("meta.json".to_string(), serde_json::to_vec(&meta).expect("meta serializes")));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[cfg(test)]
mod patch_tests {
    use super::*;
    use crate::markdown::Passage;

    fn page(i: usize, body: &str) -> PageText {
        PageText {
            url: format!("/bagian/halaman-{i:02}/"),
            title: format!("Halaman {i}"),
            section: "bagian".into(),
            passages: vec![Passage { text: body.into(), ..Default::default() }],
            ..Default::default()
        }
    }

    #[test]
    fn patching_changed_pages_gives_the_same_index_as_a_fresh_build() {
        let mut pages: Vec<PageText> =
            (0..12).map(|i| page(i, &format!("pegawai melayani warga dengan ramah nomor{i}"))).collect();
        let mut cache = IndexCache::default();
        let config = SearchConfig::default();
        build(&pages, &config, &mut cache);
        // One page loses words only it had (`nomor3`, `ramah` stays elsewhere) and gains new ones.
        pages[3] = page(3, "kepemimpinan kolaboratif tanpa birokrasi berbelit");
        let patched = build(&pages, &config, &mut cache);
        let fresh = build(&pages, &config, &mut IndexCache::default());
        assert!(patched == fresh, "a patched index must equal a fresh one, byte for byte");
        // And again, changing it back.
        pages[3] = page(3, "pegawai melayani warga dengan ramah nomor3");
        assert!(build(&pages, &config, &mut cache) == build(&pages, &config, &mut IndexCache::default()));
    }
}
