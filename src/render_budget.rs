//! A budget for rendering one template: loop iterations, output size and time, so a template
//! whose loops never end (or nest too deep) fails with an error naming it instead of hanging
//! the build, and `serve` can stop a render at once.
//!
//! Tera 2 has no budget of its own, and a render cannot be interrupted from outside: it runs
//! on the calling thread, and abandoning that thread after a timeout would leave it spinning in
//! a long-running `serve`. So the render checks the budget itself, at checkpoints Pedoman adds
//! to every template before compiling it:
//! - each `{% for %}` body and each `{% component %}` body starts with `{{ __pedoman_tick() }}`
//!   (every loop iteration and every component call is a checkpoint, even one that writes
//!   nothing);
//! - each list comprehension's source goes through `__pedoman_loop(items=…)`, which counts the
//!   elements it will visit;
//! - the page's output is counted as it is written, and checked every 64 KB.
//!
//! The checkpoints write nothing, and keep `-%}` trimming as written, so output is unchanged;
//! columns in error messages are mapped back to the template as written. What a checkpoint
//! cannot see is the cost of one expression between two of them (sorting a huge list in a
//! single comprehension element); Tera's own limits (`range` stops at 100,000 elements,
//! components nest at most 20 deep) bound that.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Loop iterations (for-loop bodies, component calls, comprehension elements) in one render.
/// A page listing every page of a 10,000-page site, with their tags, stays far below it.
pub const MAX_ITERATIONS: u64 = 1_000_000;
/// Bytes one render may write.
pub const MAX_OUTPUT: u64 = 128 << 20;
/// Time one render may take.
pub const MAX_TIME: Duration = Duration::from_secs(10);

/// The checkpoint function added to loop and component bodies.
pub const TICK: &str = "__pedoman_tick";
/// The checkpoint function a comprehension's source goes through.
pub const LOOP: &str = "__pedoman_loop";

/// Asks renders in progress to stop (shared between a `Builder` and whoever drives it).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Why a render was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Iterations,
    Output,
    Time,
    /// The build was cancelled from outside, or another render of it ran out of budget.
    Cancelled,
}

impl Stop {
    /// What went wrong, for the error message.
    pub fn describe(self) -> String {
        match self {
            Stop::Iterations => format!("ran more than {MAX_ITERATIONS} loop iterations"),
            Stop::Output => format!("wrote more than {} MB", MAX_OUTPUT >> 20),
            Stop::Time => format!("took more than {} s", MAX_TIME.as_secs()),
            Stop::Cancelled => "was stopped".to_string(),
        }
    }
}

/// What one render has spent so far.
struct Meter {
    started: Instant,
    iterations: u64,
    written: u64,
    cancel: Vec<Cancel>,
    stopped: Option<Stop>,
    /// Checks since the clock was last read: reading it at every loop iteration would cost
    /// more than the iteration.
    unclocked: u32,
}

impl Meter {
    /// `clock`: read the clock now whatever the count (64 KB of output is worth it).
    fn check(&mut self, clock: bool) -> Result<(), Stop> {
        self.unclocked += 1;
        let clock_due = clock || self.unclocked >= 256;
        if clock_due {
            self.unclocked = 0;
        }
        let stop = if self.iterations > MAX_ITERATIONS {
            Some(Stop::Iterations)
        } else if self.written > MAX_OUTPUT {
            Some(Stop::Output)
        } else if self.cancel.iter().any(Cancel::is_cancelled) {
            Some(Stop::Cancelled)
        } else if clock_due && self.started.elapsed() > MAX_TIME {
            Some(Stop::Time)
        } else {
            None
        };
        match stop {
            Some(stop) => {
                self.stopped.get_or_insert(stop);
                Err(stop)
            }
            None => Ok(()),
        }
    }
}

thread_local! {
    // Tera calls functions on the thread that renders, with no handle of ours: the meter of the
    // render in progress on this thread is found here. Set only inside `metered`.
    static METER: RefCell<Option<Meter>> = const { RefCell::new(None) };
}

/// Runs `render` with a fresh budget on this thread; `cancel` flags stop it early. Returns its
/// result and, if the budget stopped it, why.
pub fn metered<T>(cancel: &[&Cancel], render: impl FnOnce() -> T) -> (T, Option<Stop>) {
    let meter = Meter {
        started: Instant::now(),
        iterations: 0,
        written: 0,
        cancel: cancel.iter().map(|c| (*c).clone()).collect(),
        stopped: None,
        unclocked: 0,
    };
    METER.with(|m| *m.borrow_mut() = Some(meter));
    let result = render();
    let stopped = METER.with(|m| m.borrow_mut().take()).and_then(|m| m.stopped);
    (result, stopped)
}

/// Counts `iterations` against the budget of the render on this thread.
pub fn spend(iterations: u64) -> Result<(), Stop> {
    METER.with(|m| match m.borrow_mut().as_mut() {
        Some(meter) => {
            meter.iterations = meter.iterations.saturating_add(iterations);
            meter.check(false)
        }
        None => Ok(()),
    })
}

/// The output of one render, checked against the budget every 64 KB.
pub struct MeteredOutput {
    pub bytes: Vec<u8>,
    next_check: usize,
}

/// Bytes written between two checks of the output budget (and the clock).
const CHECK_EVERY: usize = 64 * 1024;

impl Default for MeteredOutput {
    fn default() -> Self {
        // Most pages are a few tens of KB: start there rather than grow from nothing.
        MeteredOutput { bytes: Vec::with_capacity(32 * 1024), next_check: CHECK_EVERY }
    }
}

impl std::io::Write for MeteredOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.bytes.extend_from_slice(buf);
        if self.bytes.len() >= self.next_check {
            self.next_check = self.bytes.len() + CHECK_EVERY;
            let written = self.bytes.len() as u64;
            let over = METER.with(|m| match m.borrow_mut().as_mut() {
                Some(meter) => {
                    meter.written = written;
                    meter.check(true).is_err()
                }
                None => false,
            });
            if over {
                return Err(std::io::Error::other("template budget spent"));
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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
pub struct Instrumented {
    pub source: String,
    insertions: Vec<Insertion>,
}

impl Instrumented {
    /// The column (0-based) in the template as written for `col` on `line` of the instrumented
    /// one. A position inside added text maps to where it was added.
    pub fn original_col(&self, line: usize, col: usize) -> usize {
        let mut shift = 0;
        for ins in self.insertions.iter().filter(|i| i.line == line) {
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
pub fn instrument(source: &str) -> Instrumented {
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
/// `__pedoman_loop(items=…)`. (A `for` tag's own `for` is not inside brackets.)
fn comprehensions(source: &str, from: usize, to: usize, adds: &mut Vec<(usize, String)>) {
    let words = tokens(source, from, to);
    for (i, tok) in words.iter().enumerate() {
        if tok.word != "for" || !tok.in_bracket {
            continue;
        }
        // `in` at the same depth; the source runs from the next character that is not a space
        // to `if`, another `for` or the closing `]`, at that depth again.
        let Some(in_tok) = words[i + 1..].iter().find(|t| t.depth == tok.depth && t.word == "in") else {
            continue;
        };
        let after_in = in_tok.start + 2;
        let start = to - source[after_in..to].trim_start().len();
        let end = words
            .iter()
            .find(|t| t.start >= start && t.depth == tok.depth && matches!(t.word, "if" | "for" | "]"))
            .map_or(to, |t| t.start);
        let end = source[..end].trim_end().len().max(start);
        adds.push((start, format!("{LOOP}(items=")));
        adds.push((end, ")".to_string()));
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

/// Inserts `adds` (byte offset, text) into `source`, recording where each went.
fn apply(source: &str, mut adds: Vec<(usize, String)>) -> Instrumented {
    adds.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(source.len() + adds.len() * 24);
    let mut insertions = Vec::with_capacity(adds.len());
    let mut done = 0;
    for (at, text) in adds {
        out.push_str(&source[done..at]);
        done = at;
        let before = &source[..at];
        let line = before.matches('\n').count() + 1;
        let col = before[before.rfind('\n').map_or(0, |n| n + 1)..].chars().count();
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

    #[test]
    fn the_budget_stops_a_render_and_says_why() {
        let ((), stop) = metered(&[], || {
            for _ in 0..MAX_ITERATIONS {
                spend(1).unwrap();
            }
            assert_eq!(spend(1), Err(Stop::Iterations));
        });
        assert_eq!(stop, Some(Stop::Iterations));
        let cancel = Cancel::default();
        cancel.cancel();
        let (result, stop) = metered(&[&cancel], || spend(1));
        assert_eq!((result, stop), (Err(Stop::Cancelled), Some(Stop::Cancelled)));
        assert_eq!(spend(1), Ok(()), "no budget outside a render");
    }
}
