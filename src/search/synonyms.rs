//! Synonym groups: every glossary entry links its term and expansion
//! (`KKN` ↔ `Korupsi, Kolusi, dan Nepotisme`), and `search.synonyms` in
//! `config.yaml` adds groups of its own. Entries that share a member merge.
//!
//! A member is the sequence of its non-stop-word stems. The index gives each
//! group a term of its own (`~3`) that counts the occurrences of any member,
//! and a query containing a member also asks for that term.

use super::tokenize::tokenize;
use super::PageText;
use std::collections::BTreeMap;

/// Groups of members; each member is a sequence of stems. Sorted, deduplicated.
pub type Groups = Vec<Vec<Vec<String>>>;

/// The stems a phrase contributes to matching: its non-stop words.
pub fn member_stems(phrase: &str) -> Vec<String> {
    tokenize(phrase).into_iter().filter(|t| !t.stop).map(|t| t.stem).collect()
}

pub fn build_groups<'a>(pages: impl IntoIterator<Item = &'a PageText>, extra: &[Vec<String>]) -> Groups {
    let mut lists: Vec<Vec<Vec<String>>> = Vec::new();
    for page in pages {
        for g in &page.glossary {
            lists.push(vec![member_stems(&g.term), member_stems(&g.expansion)]);
        }
    }
    for group in extra {
        lists.push(group.iter().map(|m| member_stems(m)).collect());
    }
    // Union-find over members, keyed by their stems.
    let mut ids: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut parent: Vec<usize> = Vec::new();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for list in &lists {
        let members: Vec<usize> = list
            .iter()
            .filter(|m| !m.is_empty())
            .map(|m| {
                let next = ids.len();
                *ids.entry(m.clone()).or_insert_with(|| {
                    parent.push(next);
                    next
                })
            })
            .collect();
        for w in members.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<Vec<String>>> = BTreeMap::new();
    for (member, id) in &ids {
        let root = find(&mut parent, *id);
        groups.entry(root).or_default().push(member.clone());
    }
    let mut out: Groups = groups.into_values().filter(|g| g.len() > 1).collect();
    for g in &mut out {
        g.sort();
    }
    out.sort();
    out
}

/// The term a group is indexed under.
pub fn group_term(index: usize) -> String {
    format!("~{index}")
}

/// Finds members of groups in sequences of stems.
pub struct Matcher<'a> {
    /// First stem → (group, member), in group order.
    by_first: std::collections::HashMap<&'a str, Vec<(usize, &'a [String])>>,
}

impl<'a> Matcher<'a> {
    pub fn new(groups: &'a Groups) -> Self {
        let mut by_first: std::collections::HashMap<&str, Vec<(usize, &[String])>> = Default::default();
        for (gi, g) in groups.iter().enumerate() {
            for m in g {
                by_first.entry(m[0].as_str()).or_default().push((gi, m.as_slice()));
            }
        }
        Matcher { by_first }
    }

    /// `(group, start, len)` for every occurrence, by position, then group, then member.
    pub fn find(&self, stems: &[&str]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for start in 0..stems.len() {
            let Some(cands) = self.by_first.get(stems[start]) else { continue };
            for (gi, m) in cands {
                if m.len() <= stems.len() - start && m.iter().zip(&stems[start..]).all(|(a, b)| a == b) {
                    out.push((*gi, start, m.len()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::GlossaryTerm;

    fn page(entries: &[(&str, &str)]) -> PageText {
        PageText {
            glossary: entries
                .iter()
                .map(|(t, e)| GlossaryTerm { term: t.to_string(), expansion: e.to_string(), definition: String::new() })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn glossary_links_term_and_expansion() {
        let groups = build_groups(&[page(&[("KKN", "Korupsi, Kolusi, dan Nepotisme")])], &[]);
        assert_eq!(
            groups,
            vec![vec![vec!["kkn".to_string()], vec!["korupsi".into(), "kolusi".into(), "nepotisme".into()]]]
        );
    }

    #[test]
    fn entries_sharing_a_member_merge_and_config_adds_groups() {
        let pages = [page(&[("RB", "Reformasi Birokrasi"), ("reformasi birokrasi", "RB")])];
        let extra = vec![vec!["ASN".to_string(), "aparatur sipil negara".to_string(), "abdi negara".to_string()]];
        let groups = build_groups(&pages, &extra);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].len(), 3, "{groups:?}");
        assert_eq!(groups[1].len(), 2);
    }

    #[test]
    fn members_are_found_in_order() {
        let groups = build_groups(&[page(&[("KKN", "Korupsi, Kolusi, dan Nepotisme")])], &[]);
        let text = ["bebas", "korupsi", "kolusi", "nepotisme", "kkn"];
        assert_eq!(Matcher::new(&groups).find(&text), vec![(0, 1, 3), (0, 4, 1)]);
    }
}
