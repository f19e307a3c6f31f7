//! Problems found in the input, reported as `path:line:col: message` so editors can jump to them.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// One problem in one input file. `line` and `col` are 1-based; line 0 means the whole file or
/// folder, printed as `path: message` rather than with a made-up position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file or folder, relative to the site's root (`content/nilai/akuntabel.md`).
    pub path: PathBuf,
    /// 1-based line; 0 for the whole file.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `path:line:col`, without a hint.
    pub fn new(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), line, col, message: message.into(), hint: None }
    }

    /// Adds what the user can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A YAML error (front matter, `config.yaml`, theme strings) as a diagnostic, suggesting
    /// the nearest key for an unknown one; `line_offset` is the file line of the YAML's first
    /// line minus one.
    pub fn from_yaml(path: &Path, line_offset: usize, err: &serde_yaml::Error) -> Diagnostic {
        let (line, col) = err.location().map_or((line_offset + 1, 1), |l| (l.line() + line_offset, l.column()));
        let mut message = err.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        let diag = Diagnostic::new(path, line, col, message.clone());
        if let Some(hint) = unknown_key_hint(&message) {
            return diag.with_hint(hint);
        }
        if message.contains("keys must be text") {
            return diag.with_hint("put the key in quotes to make it text: `\"1.5\": …`");
        }
        if message.contains("duplicate") {
            return diag.with_hint("write each key once: remove or rename one of them");
        }
        if message.contains("repetition limit") || message.contains("recursion limit") {
            return diag.with_hint(
                "aliases (`*name`) may not expand into huge values, nor values nest too deep: write the values out",
            );
        }
        // Front matter sits between `---` lines; config.yaml and theme strings are YAML files whole.
        let place =
            if path.extension().is_some_and(|e| e == "md") { "between the `---` lines" } else { "in this file" };
        diag.with_hint(format!("check the YAML {place}: `key: value`, strings with `:` in quotes"))
    }
}

/// From serde's "unknown field `titel`, expected one of `title`, …", suggest the closest key.
fn unknown_key_hint(message: &str) -> Option<String> {
    // Nested keys come prefixed with their place: "feed: unknown field `limt`, …".
    let marker = "unknown field `";
    let rest = &message[message.find(marker)? + marker.len()..];
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let best = candidates.iter().min_by_key(|c| strsim::levenshtein(unknown, c))?;
    if strsim::levenshtein(unknown, best) <= 3 {
        Some(format!("did you mean `{best}`?"))
    } else {
        Some(format!("valid keys are: {}", candidates.join(", ")))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_shown(f, &self.path.display().to_string(), None)?;
        if self.line != 0 {
            write!(f, ":{}:{}", self.line, self.col.max(1))?;
        }
        f.write_str(": ")?;
        // Lines after the first line up under it, so only the first can read as a diagnostic.
        write_shown(f, &self.message, Some("\n  "))?;
        if let Some(hint) = &self.hint {
            f.write_str("\n  hint: ")?;
            write_shown(f, hint, Some("\n        "))?;
        }
        Ok(())
    }
}

/// Characters of a message or path shown at most; the rest is counted, not shown (an id or a
/// YAML value can be megabytes long).
const SHOWN_CHARS: usize = 1_000;

/// Writes text that came from the input (file names, values, template messages) so that a
/// terminal shows it as text: control characters (ESC, BEL, CR…) and invisible format characters
/// (zero-width spaces, bidi overrides) as `\u{1b}`, so a file name can neither drive the terminal
/// nor make a line read as another diagnostic. A line break becomes `newline` (never a bare one;
/// `None`: escaped too). Text past [`SHOWN_CHARS`] is left out and counted.
fn write_shown(f: &mut fmt::Formatter<'_>, text: &str, newline: Option<&str>) -> fmt::Result {
    for (i, c) in text.chars().enumerate() {
        if i == SHOWN_CHARS {
            let rest = text.chars().count() - i;
            return write!(f, "… ({rest} more characters)");
        }
        match (c, newline) {
            ('\n', Some(newline)) => f.write_str(newline)?,
            ('\t', _) => f.write_char('\t')?,
            (c, _) if c.is_control() || invisible(c) => write!(f, "\\u{{{:x}}}", c as u32)?,
            (c, _) => f.write_char(c)?,
        }
    }
    Ok(())
}

/// Format characters that show as nothing yet change how the text around them reads.
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// Every problem one build found, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::{unknown_key_hint, Diagnostic};

    #[test]
    fn suggests_nearest_key() {
        let hint = unknown_key_hint("unknown field `titel`, expected one of `title`, `description`, `date`");
        assert_eq!(hint.as_deref(), Some("did you mean `title`?"));
        let hint = unknown_key_hint("feed: unknown field `limt`, expected `enabled` or `limit`");
        assert_eq!(hint.as_deref(), Some("did you mean `limit`?"));
    }

    #[test]
    fn a_whole_file_problem_has_no_made_up_position() {
        let d = Diagnostic::new("static/logo.png", 0, 0, "cannot read").with_hint("check its permissions");
        assert_eq!(d.to_string(), "static/logo.png: cannot read\n  hint: check its permissions");
        assert_eq!(Diagnostic::new("a.md", 3, 0, "x").to_string(), "a.md:3:1: x");
        assert_eq!(Diagnostic::new("a.md", 3, 7, "x").to_string(), "a.md:3:7: x");
    }

    #[test]
    fn input_text_cannot_drive_the_terminal_or_fake_a_line() {
        let d =
            Diagnostic::new("content/a\u{1b}[31m\nb.md:1:1: ok.md", 2, 3, "id `a\u{200b}b\u{202e}` bad\nsecond\u{7}")
                .with_hint("one\ntwo");
        assert_eq!(
            d.to_string(),
            "content/a\\u{1b}[31m\\u{a}b.md:1:1: ok.md:2:3: id `a\\u{200b}b\\u{202e}` bad\n  second\\u{7}\n  hint: one\n        two"
        );
        let long = Diagnostic::new("a.md", 1, 1, format!("id `{}`", "x".repeat(5000))).to_string();
        assert!(long.len() < 1100 && long.ends_with("… (4005 more characters)"), "{long}");
    }
}
