//! Last-change dates from git, for pages without `updated:` when `updated_from_git` is on
//! (like Hugo's `enableGitInfo`). One `git log` for the whole content folder.

use crate::diagnostics::Diagnostic;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Content path (`nilai/akuntabel.md`) → date (`YYYY-MM-DD`) of the last commit that changed it.
pub(crate) fn last_commit_dates(content_dir: &Path) -> Result<HashMap<String, String>, Diagnostic> {
    let fail = |why: String| {
        Diagnostic::new("config.yaml", 0, 0, format!("updated_from_git: cannot read dates from git: {why}")).with_hint(
            "build inside a git clone of the site (not a shallow one) with git installed, or remove `updated_from_git`",
        )
    };
    let out = Command::new("git")
        .arg("-C")
        .arg(content_dir)
        .args(["log", "--format=%x00%cs", "--name-only", "--relative", "--no-renames", "--", "."])
        .output()
        .map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        return Err(fail(String::from_utf8_lossy(&out.stderr).trim().to_string()));
    }
    Ok(parse_log(&String::from_utf8_lossy(&out.stdout)))
}

/// Reads `git log --format=%x00%cs --name-only` (newest first): the first date seen for a file wins.
fn parse_log(log: &str) -> HashMap<String, String> {
    let mut dates = HashMap::new();
    let mut date = "";
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('\0') {
            date = d.trim();
        } else if !line.trim().is_empty() && !date.is_empty() {
            dates.entry(line.trim().to_string()).or_insert_with(|| date.to_string());
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_newest_commit_of_each_file_wins() {
        let log = "\x002026-11-30\n\na.md\nb/c.md\n\x002026-10-01\n\na.md\nd.md\n";
        let dates = super::parse_log(log);
        assert_eq!(dates["a.md"], "2026-11-30");
        assert_eq!(dates["b/c.md"], "2026-11-30");
        assert_eq!(dates["d.md"], "2026-10-01");
    }
}
