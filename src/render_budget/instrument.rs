//! The checkpoints added to a template before it is compiled (see the parent module): a tick
//! in every `{% for %}` and `{% component %}` body, a counted source for every list
//! comprehension, and the map from columns of the instrumented template back to the template as
//! written.

use super::{LOOP, TICK};
use std::collections::HashMap;

/// One piece of text added to a template: where (1-based line, 0-based column in characters,
/// as Tera reports them) and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Insertion {
    line: usize,
    col: usize,
    len: usize,
}

/// A template with checkpoints added, and how to map its positions back.
#[derive(Debug, Clone, Default)]
pub(crate) struct Instrumented {
    pub source: String,
    insertions: Vec<Insertion>,
}

impl Instrumented {
    /// The column (0-based) in the template as written for `col` on `line` of the instrumented
    /// one. A position inside added text maps to where it was added.
    pub(crate) fn original_col(&self, line: usize, col: usize) -> usize {
        let mut shift = 0;
        let first = self.insertions.partition_point(|i| i.line < line);
        for ins in self.insertions[first..].iter().take_while(|i| i.line == line) {
            let start = ins.col + shift;
            if col < start {
                break;
            }
            if col < start + ins.len {
                return ins.col;
            }
            shift += ins.len;
        }
        col - shift.min(col)
    }
}

/// Adds the checkpoints to a template (default delimiters, as Pedoman configures Tera).
pub(crate) fn instrument(source: &str) -> Instrumented {
    let mut adds: Vec<(usize, String)> = Vec::new();
    let mut at = 0;
    while let Some(found) = source[at..].find('{') {
        let open = at + found;
        let rest = &source[open..];
        if rest.starts_with("{#") {
            at = rest.find("#}").map_or(source.len(), |e| open + e + 2);
        } else if rest.starts_with("{{") || rest.starts_with("{%") {
            let block = rest.starts_with("{%");
            let inner_start = open + 2 + usize::from(rest[2..].starts_with('-'));
            let Some(end) = tag_end(source, inner_start, if block { b'%' } else { b'}' }) else {
                break;
            };
            let inner = &source[inner_start..end];
            let trimmed = inner.trim_start();
            let name = trimmed.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
            if block && name == "raw" {
                at = source[end..].find("endraw").map_or(source.len(), |e| end + e);
                continue;
            }
            comprehensions(source, inner_start, end, &mut adds);
            let tag_close = end + if source[end..].starts_with('-') { 3 } else { 2 };
            if block && (name == "for" || name == "component") {
                let trim = source[end..].starts_with('-');
                adds.push((tag_close, format!("{{{{ {TICK}() {}}}}}", if trim { "-" } else { "" })));
            }
            at = tag_close;
        } else {
            at = open + 1;
        }
    }
    apply(source, adds)
}

/// Where the tag whose content starts at `from` ends: the `%}` (or `}}`) outside strings and
/// map braces, returned as the index of its first character (a `-` before it belongs to the tag).
fn tag_end(source: &str, from: usize, closing: u8) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        let next_is_brace = bytes.get(i + 1) == Some(&b'}');
        match bytes[i] {
            q @ (b'"' | b'\'' | b'`') => i = string_end(bytes, i, q),
            b'{' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            c if c == closing && next_is_brace && depth == 0 => {
                return Some(if i > from && bytes[i - 1] == b'-' { i - 1 } else { i });
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index of the closing quote of the string starting at `start` (backslash escapes skipped).
fn string_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != quote {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    i.min(bytes.len())
}

/// Finds `[… for x in SOURCE (if …)]` in `source[from..to]` and wraps each SOURCE in
/// `__pedoman_loop(items=…)`. (A `for` tag's own `for` is not inside brackets.) One pass over the
/// words: a SOURCE runs from after `in` to the next `if`, `for` or `]` at its depth.
fn comprehensions(source: &str, from: usize, to: usize, adds: &mut Vec<(usize, String)>) {
    // Per bracket depth, the comprehension open there: `None` until its `in`, then where its
    // SOURCE starts.
    let mut open: HashMap<usize, Option<usize>> = HashMap::new();
    let wrap = |start: usize, end: usize, adds: &mut Vec<(usize, String)>| {
        let end = source[..end].trim_end().len().max(start);
        adds.push((start, format!("{LOOP}(items=")));
        adds.push((end, ")".to_string()));
    };
    for tok in tokens(source, from, to) {
        if matches!(tok.word, "if" | "for" | "]") {
            let ends = if tok.word == "]" { open.remove(&tok.depth) } else { open.get(&tok.depth).copied() };
            if let Some(Some(start)) = ends {
                wrap(start, tok.start, adds);
                open.remove(&tok.depth);
            }
        }
        if tok.word == "for" && tok.in_bracket {
            open.insert(tok.depth, None);
        } else if tok.word == "in" && open.get(&tok.depth) == Some(&None) {
            let after_in = tok.start + 2;
            open.insert(tok.depth, Some(to - source[after_in..to].trim_start().len()));
        }
    }
    for start in open.into_values().flatten() {
        wrap(start, to, adds);
    }
}

/// A word or bracket of an expression, with how many brackets enclose it.
struct Token<'a> {
    word: &'a str,
    start: usize,
    depth: usize,
    /// The innermost enclosing bracket is `[`.
    in_bracket: bool,
}

fn tokens(source: &str, from: usize, to: usize) -> Vec<Token<'_>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let mut i = from;
    while i < to {
        let c = bytes[i];
        match c {
            b'"' | b'\'' | b'`' => i = string_end(bytes, i, c),
            b'[' | b'(' | b'{' => stack.push(c),
            b']' | b')' | b'}' => {
                stack.pop();
                if c == b']' {
                    out.push(Token { word: "]", start: i, depth: stack.len() + 1, in_bracket: true });
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = bytes[i..to].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
                let in_bracket = stack.last() == Some(&b'[');
                out.push(Token { word: &source[i..i + len], start: i, depth: stack.len(), in_bracket });
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Inserts `adds` (byte offset, text) into `source`, recording where each went (lines and
/// columns counted as the text goes by, not from the start for each insertion).
fn apply(source: &str, mut adds: Vec<(usize, String)>) -> Instrumented {
    adds.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(source.len() + adds.len() * 24);
    let mut insertions = Vec::with_capacity(adds.len());
    let (mut done, mut line, mut col) = (0, 1, 0);
    for (at, text) in adds {
        let between = &source[done..at];
        out.push_str(between);
        match between.rfind('\n') {
            Some(last) => {
                line += between.matches('\n').count();
                col = between[last + 1..].chars().count();
            }
            None => col += between.chars().count(),
        }
        done = at;
        insertions.push(Insertion { line, col, len: text.len() });
        out.push_str(&text);
    }
    out.push_str(&source[done..]);
    Instrumented { source: out, insertions }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_and_components_get_a_checkpoint_that_keeps_trimming() {
        let t = instrument("{% for p in pages -%}\n  {{ p }}\n{%- endfor %}{% component c(x) %}a{% endcomponent %}");
        assert_eq!(
            t.source,
            "{% for p in pages -%}{{ __pedoman_tick() -}}\n  {{ p }}\n{%- endfor %}\
             {% component c(x) %}{{ __pedoman_tick() }}a{% endcomponent %}"
        );
    }

    #[test]
    fn comprehension_sources_are_counted() {
        let t = instrument(r#"{{ [x * 2 for x in range(end=5) if x > 1] }}{% set y = [a for a in b] %}"#);
        assert_eq!(
            t.source,
            r#"{{ [x * 2 for x in __pedoman_loop(items=range(end=5)) if x > 1] }}{% set y = [a for a in __pedoman_loop(items=b)] %}"#
        );
        let t = instrument(r#"{% for i in [j for j in xs] %}{% endfor %}"#);
        assert_eq!(
            t.source,
            r#"{% for i in [j for j in __pedoman_loop(items=xs)] %}{{ __pedoman_tick() }}{% endfor %}"#
        );
        let t = instrument(r#"{{ [[c for c in [1, 2]] for b in ("ab" ~ d)] }}"#);
        assert_eq!(
            t.source,
            r#"{{ [[c for c in __pedoman_loop(items=[1, 2])] for b in __pedoman_loop(items=("ab" ~ d))] }}"#
        );
    }

    #[test]
    fn strings_comments_and_raw_blocks_are_left_alone() {
        for text in [
            r#"{{ "{% for x in y %}" }}"#,
            "{# {% for x in y %} #}",
            "{% raw %}{% for x in y %}{% endraw %}",
            r#"{{ ["for", "in"] }}"#,
            "plain { text } and {{ {\"a\": {\"b\": 1}} }}",
        ] {
            assert_eq!(instrument(text).source, text);
        }
    }

    #[test]
    fn columns_map_back_to_the_template_as_written() {
        let t = instrument("{% for a in b %}{{ a.x }}\n{{ c }}");
        let inserted = "{{ __pedoman_tick() }}".len();
        // `a.x` is at column 19 as written, 19 + inserted after instrumenting.
        assert_eq!(t.original_col(1, 19 + inserted), 19);
        assert_eq!(t.original_col(1, 17), 16, "inside the checkpoint: where it was added");
        assert_eq!(t.original_col(1, 3), 3);
        assert_eq!(t.original_col(2, 3), 3, "other lines are untouched");
    }
}
