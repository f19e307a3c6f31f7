//! Problems found in the input, reported as `path:line:col: message` so editors can jump to them.

use std::fmt;
use std::path::PathBuf;

/// One problem in one input file. `line` and `col` are 1-based; line 0 means the whole file or
/// folder, printed as `path: message` rather than with a made-up position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), line, col, message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)?;
        } else {
            write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.col.max(1), self.message)?;
        }
        if let Some(hint) = &self.hint {
            // Lines after the first line up under it, so every line but the first is indented.
            write!(f, "\n  hint: {}", hint.replace('\n', "\n        "))?;
        }
        Ok(())
    }
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
    use super::Diagnostic;

    #[test]
    fn a_whole_file_problem_has_no_made_up_position() {
        let d = Diagnostic::new("static/logo.png", 0, 0, "cannot read").with_hint("check its permissions");
        assert_eq!(d.to_string(), "static/logo.png: cannot read\n  hint: check its permissions");
        assert_eq!(Diagnostic::new("a.md", 3, 0, "x").to_string(), "a.md:3:1: x");
        assert_eq!(Diagnostic::new("a.md", 3, 7, "x").to_string(), "a.md:3:7: x");
    }
}
