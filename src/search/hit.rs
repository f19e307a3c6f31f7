//! Stage two of a search: a page's record (`Fragment`) becomes a `Hit`. Exact phrases are
//! checked, query words found side by side or near each other raise the score, the heading
//! section that matches best becomes the deep link, and the snippet is cut around the
//! densest matches.

use super::format::Fragment;
use super::parse::Parsed;
use super::query::{Clause, Kind, Ranked};
use super::tokenize::{tokenize, Token};
use super::{Hit, Via};
use std::collections::BTreeSet;

pub(super) const SNIPPET_WORDS: usize = 24;
/// Score bonus per pair of neighbouring query words found side by side (half of it when
/// they are at most `PROX_NEAR` words apart).
pub(super) const PROX_BONUS: f64 = 0.25;
pub(super) const PROX_NEAR: usize = 4;

/// One text of a page, tokenized.
pub(super) struct Unit {
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

    /// 1 when a word of `a` is directly followed by (or is) a word of `b`, stop words
    /// aside; 0.5 when they are at most `PROX_NEAR` words apart; else 0.
    fn proximity(&self, a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
        let content: Vec<&Token> = self.tokens.iter().filter(|t| !t.stop).collect();
        let (mut last_a, mut last_b): (Option<usize>, Option<usize>) = (None, None);
        let mut nearest = usize::MAX;
        for (j, t) in content.iter().enumerate() {
            let (in_a, in_b) = (a.contains(&t.stem), b.contains(&t.stem));
            if in_a && (in_b || content.get(j + 1).is_some_and(|n| b.contains(&n.stem))) {
                return 1.0;
            }
            if in_a {
                last_a = Some(j);
                nearest = nearest.min(last_b.map_or(usize::MAX, |p| j - p));
            }
            if in_b {
                last_b = Some(j);
                nearest = nearest.min(last_a.map_or(usize::MAX, |p| j - p));
            }
        }
        if nearest <= PROX_NEAR {
            0.5
        } else {
            0.0
        }
    }

    fn has_phrase(&self, words: &[String]) -> bool {
        self.tokens.windows(words.len()).any(|w| w.iter().zip(words).all(|(t, p)| t.surface == *p))
    }
}

/// A page's record with its texts tokenized, kept between queries (tokenizing is most of
/// a search's work).
pub(super) struct Record {
    frag: Fragment,
    title: Unit,
    desc: Unit,
    /// Heading and text of each passage.
    sections: Vec<(Unit, Unit)>,
}

impl Record {
    pub(super) fn new(frag: Fragment) -> Self {
        let title = Unit::new(&frag.title);
        let desc = Unit::new(&frag.description);
        let sections = frag.passages.iter().map(|p| (Unit::new(&p.heading), Unit::new(&p.text))).collect();
        Record { frag, title, desc, sections }
    }
}

/// The hit for page `r`, or `None` when it lacks a quoted phrase.
pub(super) fn page_hit(rec: &Record, r: &Ranked, parsed: &Parsed, clauses: &[Clause]) -> Option<Hit> {
    let (frag, title, desc, sections) = (&rec.frag, &rec.title, &rec.desc, &rec.sections);
    let mut units: Vec<&Unit> = vec![title, desc];
    for (h, t) in sections {
        units.push(h);
        units.push(t);
    }
    for phrase in &parsed.phrases {
        if !units.iter().any(|u| u.has_phrase(phrase)) {
            return None;
        }
    }
    let words = &parsed.words;
    let covered = |i: usize| r.covered & (1 << i) != 0;
    // Each word's stems: those of every clause standing for it.
    let word_stems: Vec<BTreeSet<String>> = (0..words.len())
        .map(|i| clauses.iter().filter(|c| c.cover.contains(&i)).flat_map(|c| c.stems.iter().cloned()).collect())
        .collect();
    let mut near = 0.0;
    for i in 1..words.len() {
        if covered(i - 1) && covered(i) {
            near += units.iter().map(|u| u.proximity(&word_stems[i - 1], &word_stems[i])).fold(0.0, f64::max);
        }
    }
    let score = r.score * (1.0 + PROX_BONUS * near);

    let title_all = (0..words.len()).all(|i| title.has(&word_stems[i]));
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
        // The title already answers the query: show the page from its top when its
        // introduction matches too.
        if j == 0 && s > 0 && title_all {
            break;
        }
    }
    let (text, unit) = if best_score == 0 && !frag.description.is_empty() || sections.is_empty() {
        (frag.description.as_str(), desc)
    } else {
        (frag.passages[best].text.as_str(), &sections[best].1)
    };
    let (snippet, marks) = snippet(text, unit, clauses);
    let anchor = frag.passages.get(best).map_or("", |p| p.anchor.as_str());
    let deep = best_score > 0 && best > 0 && !anchor.is_empty();

    let missing: Vec<String> =
        (0..words.len()).filter(|&i| !covered(i) && r.ideas & 1 << i != 0).map(|i| words[i].surface.clone()).collect();
    let mut via: Vec<Via> = Vec::new();
    for (c, v) in clauses.iter().zip(&r.via) {
        let Some(alt) = v.map(|a| &c.alts[a]) else { continue };
        let kind = match alt.kind {
            Kind::Synonym => "synonym",
            Kind::Typo => "typo",
            Kind::Exact | Kind::Prefix => continue,
        };
        let word: Vec<&str> = c.cover.iter().map(|&i| words[i].surface.as_str()).collect();
        let v = Via { word: word.join(" "), matched: alt.text.clone(), kind };
        if !via.contains(&v) {
            via.push(v);
        }
    }
    Some(Hit {
        url: if deep { format!("{}#{}", frag.url, anchor) } else { frag.url.clone() },
        title: frag.title.clone(),
        breadcrumb: frag.breadcrumb.clone(),
        heading: if deep { frag.passages[best].heading.clone() } else { String::new() },
        snippet,
        marks,
        score,
        partial: !missing.is_empty(),
        missing,
        via,
    })
}

/// Cuts about `SNIPPET_WORDS` words around the densest matches; `marks` are character
/// ranges of matched words within the snippet.
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
