//! The index's file format, shared by the builder, the terminal and `search.js`.
//!
//! Under `search/`:
//! - `meta.json`: version hash, page count, average body length, sections,
//!   the first key of every postings and vocabulary chunk, and the synonym groups.
//! - `pages.bin`: two bytes per page: quantized body length, section number.
//! - `p/N.bin`: postings chunks, split by term. Each entry: varint key length,
//!   key (UTF-8), varint idf×1000, varint count, then per page: varint id delta,
//!   a field mask byte, and a varint term frequency per field in the mask.
//! - `v/N.txt`: vocabulary chunks, split by word: `word` or `word<TAB>stem` per line.
//! - `f/N.json`: one record per page: url, title, breadcrumb, description and
//!   the text of each heading section, for snippets and deep links.
//!
//! Numbers that both engines must agree on bit for bit (idf, lengths) are stored
//! as integers, so JavaScript and Rust do the same float arithmetic on them.

use serde::{Deserialize, Serialize};

pub const FORMAT_VERSION: u32 = 1;

/// Field order in the mask and the weight of a match in each.
pub const FIELDS: usize = 5;
pub const TITLE: usize = 0;
pub const HEADING: usize = 1;
pub const DESCRIPTION: usize = 2;
pub const TAGS: usize = 3;
pub const BODY: usize = 4;
pub const WEIGHTS: [f64; FIELDS] = [6.0, 3.0, 2.0, 3.0, 1.0];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub format: u32,
    /// Hash of every other file: fetched as `?v=…` so caches never mix builds.
    pub v: String,
    pub pages: u32,
    pub avg: u32,
    /// `[slug, title]` of each top-level section; `pages.bin` refers to them by number.
    pub sections: Vec<(String, String)>,
    pub post: Vec<String>,
    pub vocab: Vec<String>,
    pub syn: Vec<Vec<Vec<String>>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fragment {
    pub u: String,
    pub t: String,
    pub b: Vec<String>,
    pub d: String,
    /// `[heading, anchor, text]`; the intro and the glossary have empty heading and anchor.
    pub s: Vec<(String, String, String)>,
}

/// Body length in one byte: exact to 4 words up to 508, then steps of 32 to 4576.
pub fn quantize_len(len: u32) -> u8 {
    if len < 512 {
        (len / 4) as u8
    } else {
        (128 + (len - 512) / 32).min(255) as u8
    }
}

pub fn dequantize_len(q: u8) -> u32 {
    if q < 128 {
        q as u32 * 4
    } else {
        512 + (q as u32 - 128) * 32
    }
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 56 {
            return None;
        }
    }
}

/// One term's postings: page id and term frequency per field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Postings {
    pub idf_milli: u32,
    pub pages: Vec<(u32, [u32; FIELDS])>,
}

pub fn encode_entry(out: &mut Vec<u8>, key: &str, p: &Postings) {
    put_varint(out, key.len() as u64);
    out.extend_from_slice(key.as_bytes());
    put_varint(out, p.idf_milli as u64);
    put_varint(out, p.pages.len() as u64);
    let mut last = 0;
    for (id, tf) in &p.pages {
        put_varint(out, (*id - last) as u64);
        last = *id;
        let mask = (0..FIELDS).filter(|&f| tf[f] > 0).fold(0u8, |m, f| m | 1 << f);
        out.push(mask);
        for &n in tf.iter().filter(|&&n| n > 0) {
            put_varint(out, n as u64);
        }
    }
}

/// Decodes a whole postings chunk.
pub fn decode_chunk(buf: &[u8]) -> Option<Vec<(String, Postings)>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let klen = get_varint(buf, &mut pos)? as usize;
        let key = std::str::from_utf8(buf.get(pos..pos + klen)?).ok()?.to_string();
        pos += klen;
        let idf_milli = get_varint(buf, &mut pos)? as u32;
        let count = get_varint(buf, &mut pos)? as usize;
        let mut pages = Vec::with_capacity(count);
        let mut id = 0u32;
        for _ in 0..count {
            id += get_varint(buf, &mut pos)? as u32;
            let mask = *buf.get(pos)?;
            pos += 1;
            let mut tf = [0u32; FIELDS];
            for (f, slot) in tf.iter_mut().enumerate() {
                if mask & (1 << f) != 0 {
                    *slot = get_varint(buf, &mut pos)? as u32;
                }
            }
            pages.push((id, tf));
        }
        out.push((key, Postings { idf_milli, pages }));
    }
    Some(out)
}

/// Index of the chunk that holds `key`, given each chunk's first key (sorted).
pub fn chunk_for(firsts: &[String], key: &str) -> usize {
    firsts.partition_point(|f| f.as_str() <= key).saturating_sub(1)
}

/// FNV-1a, 64 bits: a stable content hash without another dependency.
pub fn fnv64(data: &[u8], mut h: u64) -> u64 {
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub const FNV_START: u64 = 0xcbf29ce484222325;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        let p = Postings { idf_milli: 1234, pages: vec![(3, [1, 0, 0, 2, 5]), (300, [0, 0, 0, 0, 1])] };
        let mut buf = Vec::new();
        encode_entry(&mut buf, "layan", &p);
        encode_entry(&mut buf, "~1", &Postings { idf_milli: 1, pages: vec![(0, [0, 0, 0, 0, 1])] });
        let back = decode_chunk(&buf).unwrap();
        assert_eq!(back[0], ("layan".to_string(), p));
        assert_eq!(back[1].0, "~1");
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
        let firsts: Vec<String> = ["a", "ka", "pe"].iter().map(|s| s.to_string()).collect();
        assert_eq!(chunk_for(&firsts, "0"), 0);
        assert_eq!(chunk_for(&firsts, "kirim"), 1);
        assert_eq!(chunk_for(&firsts, "pe"), 2);
        assert_eq!(chunk_for(&firsts, "zzz"), 2);
    }
}
