//! What a word or phrase also finds: expansion rules from four sources, in this order:
//! - every glossary entry links its term and expansion both ways (`KKN` ↔ `Korupsi, Kolusi,
//!   dan Nepotisme`);
//! - `search.synonyms` in `config.yaml` adds groups whose members find each other;
//! - Pedoman's everyday-language thesaurus (`thesaurus.txt`) adds one-way rules (`medsos`
//!   → `media sosial`: the reader's word finds the formal one, not the reverse) and groups;
//! - `search.thesaurus` in `config.yaml` has the last word on the triggers it names: its
//!   targets replace every other rule for that trigger, and an empty list removes them.
//!
//! Two-way groups that share a member merge. A member is the sequence of its non-stop-word
//! stems. The index stores each rule under its trigger (see `format.rs`), the query engine
//! looks up every run of query words, and a target that is a phrase gets postings of its own.

use super::tokenize::tokenize;
use super::PageText;
use crate::config::SearchConfig;
use std::collections::{BTreeMap, HashMap};

/// A word or phrase as the index and queries see it: its non-stop stems.
pub(crate) type Member = Vec<String>;

/// What a trigger finds: the target's stems and the text shown for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Target {
    pub stems: Member,
    pub text: String,
}

/// Trigger → targets, sorted and without duplicates.
pub(crate) type Rules = BTreeMap<Member, Vec<Target>>;

/// The built-in thesaurus (format in its header).
pub(crate) const THESAURUS: &str = include_str!("thesaurus.txt");

/// The stems a phrase contributes to matching: its non-stop words.
pub(crate) fn member_stems(phrase: &str) -> Member {
    tokenize(phrase).into_iter().filter(|t| !t.stop).map(|t| t.stem).collect()
}

/// A thesaurus line: its members, and whether it is one-way (`->`) with the triggers first.
enum Line<'a> {
    OneWay(Vec<&'a str>, Vec<&'a str>),
    Group(Vec<&'a str>),
}

fn split_members(s: &str) -> Vec<&str> {
    s.split(',').map(str::trim).filter(|m| !m.is_empty()).collect()
}

fn thesaurus_lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| match l.split_once("->") {
        Some((from, to)) => Line::OneWay(split_members(from), split_members(to)),
        None => Line::Group(l.split(" = ").map(str::trim).filter(|m| !m.is_empty()).collect()),
    })
}

/// Collects rules, keeping the first text seen for each target.
#[derive(Default)]
struct Collector {
    rules: Rules,
    texts: HashMap<Member, String>,
    /// Two-way groups, merged when they share a member (union-find over member ids).
    ids: BTreeMap<Member, usize>,
    parent: Vec<usize>,
}

impl Collector {
    fn target(&mut self, text: &str) -> Option<Target> {
        let stems = member_stems(text);
        if stems.is_empty() {
            return None;
        }
        let text = self.texts.entry(stems.clone()).or_insert_with(|| text.trim().to_string()).clone();
        Some(Target { stems, text })
    }

    fn one_way(&mut self, from: &[&str], to: &[&str]) {
        let targets: Vec<Target> = to.iter().filter_map(|t| self.target(t)).collect();
        for trigger in from.iter().map(|f| member_stems(f)).filter(|m| !m.is_empty()) {
            let list = self.rules.entry(trigger.clone()).or_default();
            list.extend(targets.iter().filter(|t| t.stems != trigger).cloned());
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn group(&mut self, members: &[&str]) {
        let targets: Vec<Target> = members.iter().filter_map(|m| self.target(m)).collect();
        let mut ids = Vec::new();
        for t in targets {
            let next = self.ids.len();
            let id = *self.ids.entry(t.stems).or_insert(next);
            if id == next {
                self.parent.push(next);
            }
            ids.push(id);
        }
        for w in ids.windows(2) {
            let (a, b) = (self.find(w[0]), self.find(w[1]));
            if a != b {
                self.parent[a.max(b)] = a.min(b);
            }
        }
    }

    /// Turns the merged groups into rules: each member finds every other.
    fn groups_to_rules(&mut self) {
        let members: Vec<(Member, usize)> = self.ids.iter().map(|(m, id)| (m.clone(), *id)).collect();
        let mut by_root: BTreeMap<usize, Vec<Member>> = BTreeMap::new();
        for (member, id) in members {
            let root = self.find(id);
            by_root.entry(root).or_default().push(member);
        }
        for group in by_root.into_values() {
            for m in &group {
                let others =
                    group.iter().filter(|o| *o != m).map(|o| Target { stems: o.clone(), text: self.texts[o].clone() });
                self.rules.entry(m.clone()).or_default().extend(others);
            }
        }
    }
}

/// All rules for a site: its pages' glossaries and its `search` settings.
pub(crate) fn build_rules<'a>(pages: impl IntoIterator<Item = &'a PageText>, config: &SearchConfig) -> Rules {
    let mut c = Collector::default();
    for page in pages {
        for g in &page.glossary {
            c.group(&[g.term.as_str(), g.expansion.as_str()]);
        }
    }
    for group in &config.synonyms {
        let members: Vec<&str> = group.iter().map(String::as_str).collect();
        c.group(&members);
    }
    if config.builtin_thesaurus {
        for line in thesaurus_lines(THESAURUS) {
            match line {
                Line::OneWay(from, to) => c.one_way(&from, &to),
                Line::Group(members) => c.group(&members),
            }
        }
    }
    c.groups_to_rules();
    for (trigger, targets) in &config.thesaurus {
        let stems = member_stems(trigger);
        c.rules.remove(&stems);
        let to: Vec<&str> = targets.iter().map(String::as_str).collect();
        c.one_way(&[trigger.as_str()], &to);
    }
    c.rules.retain(|_, targets| {
        targets.sort();
        targets.dedup_by(|a, b| a.stems == b.stems);
        !targets.is_empty()
    });
    c.rules
}

/// A member that is not a phrase of the site's words: why it cannot be searched.
pub(crate) fn check_member(member: &str) -> Option<String> {
    member_stems(member)
        .is_empty()
        .then(|| format!("{member:?} has no word search can match (small words such as `dan`, `yang` are left out)"))
}

/// Finds phrases (sequences of stems, or of the index's word ids) in such sequences.
pub(crate) struct Matcher<'a, T> {
    /// First element → phrases starting with it.
    by_first: HashMap<&'a T, Vec<&'a [T]>>,
}

impl<'a, T: Eq + std::hash::Hash> Matcher<'a, T> {
    pub(crate) fn new(phrases: impl IntoIterator<Item = &'a [T]>) -> Self {
        let mut by_first: HashMap<&T, Vec<&[T]>> = HashMap::new();
        for p in phrases {
            if let Some(first) = p.first() {
                by_first.entry(first).or_default().push(p);
            }
        }
        Matcher { by_first }
    }

    /// Every phrase found, once per occurrence, in order.
    pub(crate) fn find(&self, seq: &[T]) -> Vec<&'a [T]> {
        let mut out = Vec::new();
        if self.by_first.is_empty() {
            return out;
        }
        for start in 0..seq.len() {
            for p in self.by_first.get(&seq[start]).into_iter().flatten() {
                if p.len() <= seq.len() - start && p.iter().zip(&seq[start..]).all(|(a, b)| a == b) {
                    out.push(*p);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::GlossaryEntry;

    fn page(entries: &[(&str, &str)]) -> PageText {
        PageText {
            glossary: entries
                .iter()
                .map(|(t, e)| GlossaryEntry {
                    term: t.to_string(),
                    expansion: e.to_string(),
                    definition: String::new(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn stems(s: &str) -> Member {
        member_stems(s)
    }

    fn finds(rules: &Rules, trigger: &str) -> Vec<String> {
        rules.get(&stems(trigger)).map(|t| t.iter().map(|t| t.text.clone()).collect()).unwrap_or_default()
    }

    fn no_builtin() -> SearchConfig {
        SearchConfig { builtin_thesaurus: false, ..Default::default() }
    }

    #[test]
    fn glossary_links_term_and_expansion_both_ways() {
        let rules = build_rules(&[page(&[("KKN", "Korupsi, Kolusi, dan Nepotisme")])], &no_builtin());
        assert_eq!(finds(&rules, "kkn"), ["Korupsi, Kolusi, dan Nepotisme"]);
        assert_eq!(finds(&rules, "korupsi kolusi nepotisme"), ["KKN"]);
    }

    #[test]
    fn groups_sharing_a_member_merge() {
        let pages = [page(&[("RB", "Reformasi Birokrasi"), ("reformasi birokrasi", "RB")])];
        let config = SearchConfig {
            synonyms: vec![vec!["ASN".into(), "aparatur sipil negara".into(), "abdi negara".into()]],
            ..no_builtin()
        };
        let rules = build_rules(&pages, &config);
        assert_eq!(finds(&rules, "abdi negara"), ["aparatur sipil negara", "ASN"]);
        assert_eq!(finds(&rules, "rb"), ["Reformasi Birokrasi"]);
    }

    #[test]
    fn colloquial_words_find_the_formal_term_one_way() {
        let rules = build_rules(&[], &SearchConfig::default());
        assert_eq!(finds(&rules, "medsos"), ["media sosial"]);
        assert_eq!(finds(&rules, "nyogok"), ["gratifikasi", "suap"]);
        assert!(finds(&rules, "media sosial").is_empty(), "the formal term does not find the colloquial one");
    }

    #[test]
    fn abbreviations_and_expansions_find_each_other() {
        let rules = build_rules(&[], &SearchConfig::default());
        assert_eq!(finds(&rules, "pilkada"), ["pemilihan kepala daerah"]);
        assert_eq!(finds(&rules, "pemilihan kepala daerah"), ["pilkada"]);
        assert_eq!(finds(&rules, "monev"), ["monitoring dan evaluasi", "pemantauan dan evaluasi"]);
    }

    #[test]
    fn english_office_words_find_the_indonesian_ones() {
        let rules = build_rules(&[], &SearchConfig::default());
        assert_eq!(finds(&rules, "training"), ["pelatihan"]);
        assert_eq!(finds(&rules, "conflict of interest"), ["konflik kepentingan"]);
        assert!(finds(&rules, "pelatihan").is_empty());
    }

    #[test]
    fn habitual_misspellings_find_the_standard_spelling() {
        let rules = build_rules(&[], &SearchConfig::default());
        assert_eq!(finds(&rules, "antrian"), ["antre"], "antre and antrean are one stem");
        assert_eq!(finds(&rules, "rekruitmen"), ["rekrutmen"]);
        assert!(finds(&rules, "antrean").is_empty());
    }

    #[test]
    fn word_families_find_each_other() {
        let rules = build_rules(&[], &SearchConfig::default());
        assert_eq!(finds(&rules, "netral"), ["netralitas"]);
        assert_eq!(finds(&rules, "netralitas"), ["netral"]);
    }

    #[test]
    fn config_overrides_extends_and_disables_the_thesaurus() {
        let mut config = SearchConfig::default();
        config.thesaurus.insert("medsos".into(), vec![]);
        config.thesaurus.insert("gaji".into(), vec!["tunjangan".into()]);
        config.thesaurus.insert("sembako".into(), vec!["bahan pokok".into()]);
        let rules = build_rules(&[], &config);
        assert!(finds(&rules, "medsos").is_empty(), "an empty list removes a built-in entry");
        assert_eq!(finds(&rules, "gaji"), ["tunjangan"], "a config entry replaces the built-in one");
        assert_eq!(finds(&rules, "sembako"), ["bahan pokok"]);
        assert!(build_rules(&[], &no_builtin()).is_empty());
    }

    #[test]
    fn the_builtin_thesaurus_has_at_least_150_groups_all_searchable() {
        let groups = thesaurus_lines(THESAURUS).count();
        assert!(groups >= 150, "{groups} groups");
        for line in thesaurus_lines(THESAURUS) {
            let members = match line {
                Line::OneWay(from, to) => {
                    assert!(!from.is_empty() && !to.is_empty());
                    [from, to].concat()
                }
                Line::Group(m) => {
                    assert!(m.len() >= 2, "{m:?}");
                    m
                }
            };
            for m in members {
                assert_eq!(check_member(m), None);
            }
        }
    }

    #[test]
    fn phrases_are_found_in_order() {
        let phrases = [stems("korupsi kolusi nepotisme"), stems("kolusi")];
        let text = stems("bebas korupsi kolusi nepotisme kkn");
        let found = Matcher::new(phrases.iter().map(Vec::as_slice)).find(&text);
        assert_eq!(found, [phrases[0].as_slice(), phrases[1].as_slice()]);
    }
}
