//! The index's file format, shared by the builder, the terminal and `search-engine.js`.
//! This header is its one description.
//!
//! Under `search/`, every file but `meta.json` is stored gzipped, its name ending in `.gz`
//! (`p/0.bin.gz`): static hosts seldom compress `.bin` or `.json`, and the index is half the
//! size on disk. Readers unpack what starts with gzip's magic bytes and take anything else as
//! already unpacked (a host that sends `.gz` files with `Content-Encoding: gzip`). The names
//! below are the unpacked ones.
//! - `meta.json`: `format` (this version), `v` (hash of every other file, fetched as `?v=…`
//!   so caches never mix builds), `pages`, `avg` (average body length in words),
//!   `sections` (`[slug, title]` of each top-level section) and `tw` (words in the longest
//!   phrase that expands to others). It stays this small however large the site: every
//!   first query fetches it.
//! - `pages.bin`: a byte per page of quantized body length, then a byte per page of section
//!   number (255: none). Column by column it packs a quarter smaller than page by page
//!   (8.1 → 5.4 KB gzipped at 10,000 pages), and every first query fetches it.
//! - `p/N.bin`: postings chunks, entries sorted by key (so a word's postings and what the
//!   word, or a phrase starting with it, expands to are side by side), and `p/index.txt`:
//!   one line per chunk, a key that sorts after the previous chunk's last key and no later
//!   than the chunk's first (`separator`); a key is in the last chunk whose line is not
//!   after it. Each entry: varint key length, key (UTF-8), a kind byte, then
//!   - kind 0, a term's postings: varint idf×1000, varint page count, then per page:
//!     varint id delta and the varint `Impact` of the term on the page: its counts per
//!     field weighted and summed, shifted left by two, then a bit for "in the title" and a
//!     bit for "the page is about it". That sum and those two facts are all a score uses;
//!     one number for five counts and a mask packs common words' lists a third smaller.
//!     A key is a stem (`layan`) or, for a phrase some word expands to, its stems joined
//!     by spaces (`media sosial`).
//!   - kind 1, an expansion: the key is a word's or phrase's stems joined by spaces, then
//!     `#` (`medsos#`); the entry lists what it also finds: varint count, then per target a
//!     varint-length term key and a varint-length text to show (`media sosial`).
//! - `v/N.txt`: the vocabulary for prefix matching, sorted by word and cut into chunks:
//!   `word` or `word<TAB>stem` per line, with `v/index.txt` like `p/index.txt` (fetched
//!   with the first prefix search).
//! - `t/C-L.txt`: the words for typo tolerance whose first character is code point `C` and
//!   whose length is `L`, the `TYPO_BUCKET` commonest at most, sorted by word:
//!   `word<TAB>pages` or `word<TAB>pages<TAB>stem` per line. `t/index.txt` has a line
//!   `C<TAB>shortest<TAB>longest` per first character; every length between has a file.
//! - `f/N.json`: one record per page (`Fragment`), for snippets and deep links.
//!
//! Numbers both engines must agree on bit for bit (idf, lengths) are stored as integers,
//! so JavaScript and Rust do the same float arithmetic on them. Readers check every length
//! and count against the bytes that remain before they allocate.

use serde::{Deserialize, Serialize};

pub(crate) const FORMAT_VERSION: u32 = 5;

/// How hard `gzip` works: at 10,000 pages, level 6 packs the 70 MB of records to 25 MB in
/// 1.1 s of CPU (zlib-rs), where miniz_oxide took 0.9 s at level 2 for 27 MB.
const GZIP_LEVEL: u32 = 6;

/// Deflate expands at most about 1032-fold: a larger claimed size is damage (or an attack).
const MAX_INFLATE_RATIO: usize = 1032;

/// `bytes` gzipped, as the index stores its files.
pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        // One compressor per thread, reset for each file: one made per file (hundreds of KB
        // of tables, 10,000 times) left the heap fragmented, doubling a build's peak memory.
        static DEFLATE: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(GZIP_LEVEL), false));
    }
    // Header: deflate, no name, no time, unknown system (the bytes never depend on the build).
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    DEFLATE.with_borrow_mut(|deflate| {
        deflate.reset();
        loop {
            out.reserve(bytes.len() / 4 + 64);
            let done = deflate.total_in() as usize;
            let status =
                deflate.compress_vec(&bytes[done..], &mut out, FlushCompress::Finish).expect("deflate in memory");
            if status == Status::StreamEnd {
                break;
            }
        }
    });
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out
}

/// A stored file's bytes unpacked: gunzipped when they start with gzip's magic, else as they
/// are (a host unpacked them already). Never more than deflate's ratio allows.
pub(crate) fn gunzip(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let cap = (bytes.len() * MAX_INFLATE_RATIO) as u64;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("does not unpack ({e})"))?;
    if out.len() as u64 > cap {
        return Err("unpacks to more than deflate allows".into());
    }
    Ok(out)
}

/// The fields a page's words are counted in, and the weight of a match in each.
pub(crate) const FIELDS: usize = 5;
pub(crate) const TITLE: usize = 0;
pub(crate) const HEADING: usize = 1;
pub(crate) const DESCRIPTION: usize = 2;
pub(crate) const TAGS: usize = 3;
pub(crate) const BODY: usize = 4;
pub(crate) const WEIGHTS: [u32; FIELDS] = [6, 3, 2, 3, 1];
/// A page is about a word when a title, heading, description or tag has it, or its text
/// has it this often.
pub(crate) const ABOUT_BODY_TF: u16 = 2;

/// Ends the key of an expansion entry; stems never contain it.
pub(crate) const EXPANSION_MARK: char = '#';

/// Typo buckets keep at most this many words, the commonest (a 10,000-page site has
/// thousands of words of one first letter and length, most of them names and rarities).
pub(crate) const TYPO_BUCKET: usize = 600;

/// `meta.json` (JSON names in `serde(rename)`, kept short for the wire).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub format: u32,
    /// Hash of every other file, appended to their URLs as `?v=…`.
    #[serde(rename = "v")]
    pub version: String,
    pub pages: u32,
    /// Average body length in words.
    #[serde(rename = "avg")]
    pub avg_body_len: u32,
    /// `(slug, title)` of each top-level section.
    pub sections: Vec<(String, String)>,
    /// Words in the longest phrase that expands to others.
    #[serde(rename = "tw")]
    pub longest_phrase: u32,
}

/// `f/N.json`: one page's record for snippets and deep links.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Fragment {
    #[serde(rename = "u")]
    pub url: String,
    #[serde(rename = "t")]
    pub title: String,
    #[serde(rename = "b")]
    pub breadcrumb: Vec<String>,
    #[serde(rename = "d")]
    pub description: String,
    #[serde(rename = "s")]
    pub passages: Vec<FragmentPassage>,
}

/// A passage of a `Fragment`, on the wire `[heading, anchor, text]`; the intro and the
/// glossary have empty heading and anchor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(from = "(String, String, String)", into = "(String, String, String)")]
pub struct FragmentPassage {
    pub heading: String,
    pub anchor: String,
    pub text: String,
}

impl From<(String, String, String)> for FragmentPassage {
    fn from((heading, anchor, text): (String, String, String)) -> Self {
        FragmentPassage { heading, anchor, text }
    }
}

impl From<FragmentPassage> for (String, String, String) {
    fn from(p: FragmentPassage) -> Self {
        (p.heading, p.anchor, p.text)
    }
}

/// Body length in one byte: exact to 4 words up to 508, then steps of 32 to 4576.
pub(crate) fn quantize_len(len: u32) -> u8 {
    if len < 512 {
        (len / 4) as u8
    } else {
        (128 + (len - 512) / 32).min(255) as u8
    }
}

pub(crate) fn dequantize_len(q: u8) -> u32 {
    if q < 128 {
        q as u32 * 4
    } else {
        512 + (q as u32 - 128) * 32
    }
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A varint that fits in a `u32` (every number the index stores does).
pub(crate) fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v = 0u64;
    for shift in (0..35).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return u32::try_from(v).ok();
        }
    }
    None
}

/// One term's postings: page id and the term's impact there.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Postings {
    pub idf_milli: u32,
    pub pages: Vec<(u32, Impact)>,
}

/// What a page's counts of one term bring to a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Impact {
    /// Counts weighted by field (`WEIGHTS`) and summed; a tag or glossary term counts once,
    /// however many of them repeat it (a glossary page lists dozens). At least 1.
    pub weighted: u32,
    /// The title has the term.
    pub title: bool,
    /// The page is about the term (`ABOUT_BODY_TF`).
    pub about: bool,
}

impl Impact {
    pub(crate) fn of(counts: &Counts) -> Impact {
        let weighted =
            (0..FIELDS).map(|f| WEIGHTS[f] * u32::from(if f == TAGS { counts[f].min(1) } else { counts[f] })).sum();
        let fields = [TITLE, HEADING, DESCRIPTION, TAGS].iter().any(|&f| counts[f] > 0);
        Impact { weighted, title: counts[TITLE] > 0, about: fields || counts[BODY] >= ABOUT_BODY_TF }
    }

    /// On the wire: `weighted << 2 | title << 1 | about`.
    pub(crate) fn pack(self) -> u64 {
        u64::from(self.weighted) << 2 | u64::from(self.title) << 1 | u64::from(self.about)
    }

    pub(crate) fn unpack(v: u32) -> Option<Impact> {
        (v >> 2 > 0).then_some(Impact { weighted: v >> 2, title: v & 2 != 0, about: v & 1 != 0 })
    }
}

/// What a word or phrase also finds: `(term key, text shown as "matched via")`.
pub(crate) type Expansion = Vec<(String, String)>;

/// An entry of a postings chunk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    Postings(Postings),
    Expansion(Expansion),
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A page's count of one term in each field while the builder reads the page, before it
/// becomes an `Impact`: 16 bits (a count stops at 65,535), one per term the site has, per worker.
pub(crate) type Counts = [u16; FIELDS];

/// A postings entry up to its pages, which follow as `pages` times [`put_page`].
pub(crate) fn postings_head(out: &mut Vec<u8>, key: &str, idf_milli: u32, pages: usize) {
    put_str(out, key);
    out.push(0);
    put_varint(out, idf_milli as u64);
    put_varint(out, pages as u64);
}

/// One page of a postings entry: its id's distance from the previous page's (from 0 for the
/// first), then the term's impact there.
pub(crate) fn put_page(out: &mut Vec<u8>, distance: u32, impact: Impact) {
    put_varint(out, distance as u64);
    put_varint(out, impact.pack());
}

pub(crate) fn encode_entry(out: &mut Vec<u8>, key: &str, entry: &Entry) {
    match entry {
        Entry::Postings(p) => {
            postings_head(out, key, p.idf_milli, p.pages.len());
            let mut last = 0;
            for (id, impact) in &p.pages {
                put_page(out, id - last, *impact);
                last = *id;
            }
        }
        Entry::Expansion(targets) => {
            put_str(out, key);
            out.push(1);
            put_varint(out, targets.len() as u64);
            for (term, text) in targets {
                put_str(out, term);
                put_str(out, text);
            }
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn varint(&mut self, what: &str) -> Result<u32, String> {
        get_varint(self.buf, &mut self.pos).ok_or_else(|| format!("bad number ({what}) at byte {}", self.pos))
    }

    fn byte(&mut self, what: &str) -> Result<u8, String> {
        let b = *self.buf.get(self.pos).ok_or_else(|| format!("ends inside {what}"))?;
        self.pos += 1;
        Ok(b)
    }

    /// A count of items at least `min_bytes` long each, checked against the bytes left.
    fn count(&mut self, what: &str, min_bytes: usize) -> Result<usize, String> {
        let n = self.varint(what)? as usize;
        if n > self.left() / min_bytes {
            return Err(format!("{n} {what} in {} bytes", self.left()));
        }
        Ok(n)
    }

    fn str(&mut self, what: &str) -> Result<String, String> {
        let len = self.varint(what)? as usize;
        if len > self.left() {
            return Err(format!("{what} of {len} bytes in {} bytes", self.left()));
        }
        let s = std::str::from_utf8(&self.buf[self.pos..self.pos + len]).map_err(|_| format!("{what} is not UTF-8"))?;
        self.pos += len;
        Ok(s.to_string())
    }
}

/// Decodes a whole postings chunk of an index of `pages` pages, or says what is wrong with it.
pub(crate) fn decode_chunk(buf: &[u8], pages: u32) -> Result<Vec<(String, Entry)>, String> {
    let mut r = Reader { buf, pos: 0 };
    let mut out = Vec::new();
    while r.left() > 0 {
        let key = r.str("key")?;
        let entry = match r.byte("entry kind")? {
            0 => {
                let idf_milli = r.varint("idf")?;
                // Each page takes an id delta and an impact at least.
                let count = r.count("pages", 2)?;
                let mut list = Vec::with_capacity(count);
                let mut id = 0u32;
                for i in 0..count {
                    let delta = r.varint("page id")?;
                    id = match id.checked_add(delta) {
                        Some(id) if id < pages && (i == 0 || delta > 0) => id,
                        _ => return Err(format!("page id out of order or range in {key:?}")),
                    };
                    let impact = r.varint("impact")?;
                    let impact = Impact::unpack(impact).ok_or_else(|| format!("bad impact {impact} in {key:?}"))?;
                    list.push((id, impact));
                }
                Entry::Postings(Postings { idf_milli, pages: list })
            }
            1 => {
                let count = r.count("targets", 2)?;
                let mut targets = Vec::with_capacity(count);
                for _ in 0..count {
                    targets.push((r.str("target")?, r.str("target text")?));
                }
                Entry::Expansion(targets)
            }
            k => return Err(format!("unknown entry kind {k} for {key:?}")),
        };
        out.push((key, entry));
    }
    Ok(out)
}

/// Index of the chunk that holds `key`, given each chunk's first key (sorted).
pub(crate) fn chunk_for(firsts: &[String], key: &str) -> usize {
    firsts.partition_point(|f| f.as_str() <= key).saturating_sub(1)
}

/// The shortest beginning of `first` that sorts after `prev` (the last key of the chunk
/// before): a chunk index line, shorter than the key it stands for.
pub(crate) fn separator(prev: &str, first: &str) -> String {
    let mut end = 0;
    for (i, c) in first.char_indices() {
        end = i + c.len_utf8();
        if &first[..end] > prev {
            break;
        }
    }
    first[..end].to_string()
}

/// The typo bucket file of words starting with `first` and `len` characters long.
pub(crate) fn typo_file(first: char, len: usize) -> String {
    format!("t/{}-{len}.txt", first as u32)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_bytes_decode_to_entries_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..300), pages in 0u32..1000) {
            let _ = super::decode_chunk(&bytes, pages);
        }
    }
    use super::*;

    #[test]
    fn entries_round_trip() {
        let p = Postings {
            idf_milli: 1234,
            pages: vec![(3, Impact::of(&[1, 0, 0, 2, 5])), (300, Impact::of(&[0, 0, 0, 0, 1]))],
        };
        let e = vec![("media sosial".to_string(), "media sosial".to_string())];
        let mut buf = Vec::new();
        encode_entry(&mut buf, "layan", &Entry::Postings(p.clone()));
        encode_entry(&mut buf, "medsos#", &Entry::Expansion(e.clone()));
        let back = decode_chunk(&buf, 301).unwrap();
        assert_eq!(back, vec![("layan".into(), Entry::Postings(p)), ("medsos#".into(), Entry::Expansion(e))]);
    }

    #[test]
    fn damaged_chunks_are_errors_not_allocations() {
        // Key "a", postings, idf 1, then a count of 2^32-1 pages in the few bytes left.
        let buf = [1, b'a', 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 1, 1];
        assert_eq!(buf.len(), 12);
        let err = decode_chunk(&buf, 10).unwrap_err();
        assert!(err.contains("pages in"), "{err}");
        // A key longer than the chunk.
        assert!(decode_chunk(&[0xff, 0xff, 0x03, b'a'], 10).is_err());
        // A page id beyond the last page.
        let mut buf = Vec::new();
        let one = Postings { idf_milli: 1, pages: vec![(7, Impact::of(&[1, 0, 0, 0, 0]))] };
        encode_entry(&mut buf, "a", &Entry::Postings(one));
        assert!(decode_chunk(&buf, 7).is_err());
        assert!(decode_chunk(&buf, 8).is_ok());
        // An impact that weighs nothing: no page lists a term it does not have.
        assert!(decode_chunk(&[1, b'a', 0, 1, 1, 0, 3], 10).unwrap_err().contains("bad impact 3"));
        // A varint that never ends.
        assert!(decode_chunk(&[0x80; 12], 10).is_err());
    }

    #[test]
    fn an_impact_holds_what_a_score_uses_of_the_counts() {
        // Title 6, heading 3, description 2, tags once however many, body 1.
        let i = Impact::of(&[1, 2, 1, 7, 5]);
        assert_eq!((i.weighted, i.title, i.about), (6 + 6 + 2 + 3 + 5, true, true));
        let body = |n| Impact::of(&[0, 0, 0, 0, n]);
        assert_eq!((body(1).weighted, body(1).title, body(1).about), (1, false, false));
        assert_eq!((body(2).weighted, body(2).about), (2, true));
        assert!(Impact::of(&[0, 0, 1, 0, 0]).about);
        let most = Impact::of(&[u16::MAX; FIELDS]);
        for i in [i, body(1), body(2), most] {
            assert_eq!(Impact::unpack(u32::try_from(i.pack()).unwrap()), Some(i));
        }
        assert_eq!(Impact::unpack(3), None);
    }

    #[test]
    fn lengths_quantize_monotonically() {
        let mut last = 0;
        for len in 0..6000 {
            let d = dequantize_len(quantize_len(len));
            assert!(d >= last && d <= len.max(4576));
            last = d;
        }
    }

    #[test]
    fn chunk_lookup() {
        let firsts: Vec<String> = ["a", "ka", "pe"].iter().map(std::string::ToString::to_string).collect();
        assert_eq!(chunk_for(&firsts, "0"), 0);
        assert_eq!(chunk_for(&firsts, "kirim"), 1);
        assert_eq!(chunk_for(&firsts, "pe"), 2);
        assert_eq!(chunk_for(&firsts, "zzz"), 2);
    }

    #[test]
    fn separators_are_the_shortest_keys_between_chunks() {
        assert_eq!(separator("layan#", "lihat"), "li");
        assert_eq!(separator("mela", "melayani"), "melay");
        assert_eq!(separator("", "abc"), "a");
        let firsts: Vec<String> = vec!["".into(), separator("kkn#", "layan"), separator("mutu", "pegawai")];
        assert_eq!(firsts, ["", "l", "p"]);
        assert_eq!(chunk_for(&firsts, "kolusi"), 0);
        assert_eq!(chunk_for(&firsts, "layan#"), 1);
        assert_eq!(chunk_for(&firsts, "pegawai"), 2);
    }
}
