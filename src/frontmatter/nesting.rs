//! How deep YAML flow collections (`[…]`, `{…}`) nest, found before libyaml reads the text.
//!
//! libyaml's scanner spends time proportional to the flow depth on every token it reads, and
//! reads the whole document before serde_yaml's own depth limit (128) can refuse it: 200 KB of
//! `[[[…` took over a minute. This pass finds the depth in linear time, following YAML's rules
//! for where a token starts, so brackets inside quoted, plain and block scalars and comments do
//! not count: a legitimate file never reaches the limit.

/// Flow collections nested deeper than this are refused. Front matter and `config.yaml` nest two
/// or three levels; at this depth libyaml still reads a megabyte in well under a second.
pub(super) const MAX_FLOW_DEPTH: usize = 32;

/// The byte offset of the first `[` or `{` that nests deeper than [`MAX_FLOW_DEPTH`], if any.
pub(super) fn too_deep(yaml: &str) -> Option<usize> {
    Scanner { b: yaml.as_bytes(), i: 0, line_start: 0, depth: 0, prev_token_col: None }.run()
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    line_start: usize,
    depth: usize,
    /// Column of the last token begun on this line (a key, `-`, `?`), whose content a scalar
    /// continued on later lines must be indented past.
    prev_token_col: Option<usize>,
}

fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl Scanner<'_> {
    /// The byte `k` ahead, with the end of the text read as a line break.
    fn at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(b'\n')
    }

    fn col(&self) -> usize {
        self.i - self.line_start
    }

    fn bump(&mut self) {
        if self.b[self.i] == b'\n' {
            self.line_start = self.i + 1;
            self.prev_token_col = None;
        }
        self.i += 1;
    }

    fn run(mut self) -> Option<usize> {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if blank(c) {
                self.bump();
                continue;
            }
            let flow = self.depth > 0;
            let (col, line) = (self.col(), self.line_start);
            // Whether this token is a node a scalar on later lines must be indented past.
            let node = match c {
                b'#' => {
                    self.skip_while(|c| c != b'\n');
                    false
                }
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth > MAX_FLOW_DEPTH {
                        return Some(self.i);
                    }
                    self.bump();
                    false
                }
                b']' | b'}' | b',' => {
                    if c != b',' {
                        self.depth = self.depth.saturating_sub(1);
                    }
                    self.bump();
                    false
                }
                b'\'' | b'"' => {
                    self.quoted(c);
                    true
                }
                b'-' | b'?' | b':' if blank(self.at(1)) || (flow && (c == b':' || flow_indicator(self.at(1)))) => {
                    self.bump();
                    c != b':'
                }
                b'&' | b'*' | b'!' => {
                    self.skip_while(|c| !(blank(c) || (flow && flow_indicator(c))));
                    false
                }
                b'|' | b'>' if !flow => {
                    self.block_scalar();
                    false
                }
                _ => {
                    self.plain(flow);
                    true
                }
            };
            if node && self.line_start == line {
                self.prev_token_col = Some(col);
            }
        }
        None
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.i < self.b.len() && keep(self.b[self.i]) {
            self.bump();
        }
    }

    /// A quoted scalar, which may run over several lines: `''` inside single quotes and `\`
    /// escapes inside double quotes do not end it.
    fn quoted(&mut self, quote: u8) {
        self.bump();
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if quote == b'"' && c == b'\\' && self.i + 1 < self.b.len() {
                self.i += 1;
            } else if c == quote {
                if quote == b'\'' && self.at(1) == b'\'' {
                    self.i += 1;
                } else {
                    self.bump();
                    return;
                }
            }
            self.bump();
        }
    }

    /// A plain scalar: in a flow collection it ends at `,[]{}`; anywhere it ends at `: ` and at
    /// ` #`; outside one, it goes on over lines indented past its key.
    fn plain(&mut self, flow: bool) {
        let parent_col = self.prev_token_col.unwrap_or(self.col());
        while self.i < self.b.len() {
            let c = self.b[self.i];
            let ends = (c == b':' && (blank(self.at(1)) || (flow && flow_indicator(self.at(1)))))
                || (c == b'#' && self.i > 0 && blank(self.b[self.i - 1]))
                || (flow && flow_indicator(c));
            if ends {
                return;
            }
            if c == b'\n' && !flow && !self.continues(parent_col) {
                return;
            }
            self.bump();
        }
    }

    /// Whether the line after the line break at `i` continues a block scalar or plain scalar of a
    /// node at `parent_col`: it is blank, or indented past that column and not a comment.
    fn continues(&self, parent_col: usize) -> bool {
        let line = &self.b[self.i + 1..];
        let indent = line.iter().take_while(|c| **c == b' ').count();
        match line.get(indent) {
            None | Some(b'\n' | b'\r') => true,
            Some(b'#') => false,
            Some(_) => indent > parent_col,
        }
    }

    /// `|` or `>` and the lines after it indented past its key: text, whatever they hold.
    fn block_scalar(&mut self) {
        let parent_col = self.prev_token_col.unwrap_or(0);
        self.skip_while(|c| c != b'\n');
        while self.i < self.b.len() && self.continues(parent_col) {
            self.bump();
            self.skip_while(|c| c != b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{too_deep, MAX_FLOW_DEPTH};

    fn nest(open: &str, close: &str, n: usize) -> String {
        format!("x: {}1{}\n", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn deep_flow_collections_are_found() {
        assert_eq!(too_deep(&nest("[", "]", MAX_FLOW_DEPTH)), None);
        assert_eq!(too_deep(&nest("[", "]", MAX_FLOW_DEPTH + 1)), Some(3 + MAX_FLOW_DEPTH));
        assert!(too_deep(&nest("{a: ", "}", 100)).is_some());
        assert!(too_deep(&nest("[a, {b: ", "}]", 20)).is_some());
        assert!(too_deep(&format!("a:\n  - b: {}\n", "[\n".repeat(100))).is_some());
        // Brackets smuggled as closers inside quoted scalars do not hide the depth.
        assert!(too_deep(&format!("x: {}", "[ \"]\", '}', ".repeat(100))).is_some());
    }

    #[test]
    fn brackets_inside_scalars_and_comments_do_not_count() {
        let opens = "[{".repeat(100);
        for yaml in [
            format!("title: \"{opens}\"\n"),
            format!("title: '{opens} it''s'\n"),
            format!("title: a {opens}\n  b {opens}\ntags: [a]\n"),
            format!("description: |\n  {opens}\n\n  {opens}\ntags: [a, b]\n"),
            format!("description: >-\n    {opens}\n# {opens}\nx: 1 # {opens}\n"),
            format!("tags: [\"{opens}\", '{opens}', a]\n"),
            format!("extra: {{a: \"x\\\"{opens}\"}}\n"),
            format!("- a: \"{opens}\n  {opens}\"\n"),
        ] {
            assert_eq!(too_deep(&yaml), None, "{yaml}");
        }
    }

    #[test]
    fn linear_time_on_a_megabyte() {
        let yaml = nest("[", "]", 500_000);
        let started = std::time::Instant::now();
        assert!(too_deep(&yaml).is_some());
        let quoted = format!("x: \"{}\"\n", "[".repeat(1_000_000));
        assert_eq!(too_deep(&quoted), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    }
}
