//! Walking the site's input folders (`content/`, `static/`, `templates/`, theme folders): which
//! files are inputs, and which are refused.
//!
//! - Hidden files and editor leftovers are not inputs ([`is_ignored`], shared with the watcher).
//! - A symbolic link is followed only while its canonical target stays inside the site root,
//!   so a link to `/etc` can never publish it; any other link is an error naming it.
//! - A name that is not UTF-8, or a folder that cannot be read, is an error naming it.
//!
//! Folder-level problems have line 0: they concern a path, not a place in a file.

use crate::diagnostics::Diagnostic;
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One input file found by [`files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputFile {
    /// Path below the walked folder, `/`-separated (`nilai/akuntabel.md`).
    pub rel: String,
    /// Where to read it (through any symlink inside the site).
    pub path: PathBuf,
}

/// Files that are not inputs: hidden files (dotfiles, which also covers Vim's `.x.swp`,
/// Emacs's `.#x` locks, gedit's `.goutputstream-*` and LibreOffice's `.~lock.x#`) and the temp
/// files editors write while saving: Emacs `#x#` and `x~`, Vim `x.swp` and its `4913` probe,
/// JetBrains `x___jb_tmp___`/`x___jb_old___`, Microsoft Office `~$x.docx`.
pub(crate) fn is_ignored(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        // Not an editor's name; reported by the walk as a name that is not UTF-8.
        return false;
    };
    name.starts_with('.')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.starts_with("~$")
}

/// The input files below `root/dir`, sorted by path, with a diagnostic for each refused entry.
/// `root` must be canonical. A missing folder has no files and is no error (inputs other than
/// `content/` are optional); a folder that cannot be read is.
pub(crate) fn files(root: &Path, dir: &str) -> (Vec<InputFile>, Vec<Diagnostic>) {
    let top = root.join(dir);
    let mut found = Vec::new();
    let mut diags = Vec::new();
    if std::fs::symlink_metadata(&top).is_err() {
        return (found, diags);
    }
    let shown = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut walker = WalkDir::new(&top).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                diags.push(walk_error(&err, &shown));
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() > 0 && is_ignored(entry.file_name()) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let refusal = if entry.file_name().to_str().is_none() {
            Some(
                Diagnostic::new(shown(path), 0, 0, "this name is not valid UTF-8")
                    .with_hint("rename it with UTF-8 characters: URLs and links are made from file names"),
            )
        } else if entry.path_is_symlink() || entry.depth() == 0 {
            // The top too: a folder above it (`themes/x`) may be the link.
            outside_link(root, path, &shown)
        } else {
            None
        };
        if let Some(d) = refusal {
            diags.push(d);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.depth() == 0 && !entry.file_type().is_dir() {
            diags.push(
                Diagnostic::new(shown(path), 0, 0, "this is a file, not a folder")
                    .with_hint(format!("`{dir}` must be a folder of input files")),
            );
        } else if entry.file_type().is_file() {
            let rel = path.strip_prefix(&top).expect("walked below the top").to_string_lossy().replace('\\', "/");
            found.push(InputFile { rel, path: path.to_path_buf() });
        }
    }
    (found, diags)
}

/// A path whose canonical target leaves the site root (through a symbolic link) is refused.
fn outside_link(root: &Path, link: &Path, shown: &impl Fn(&Path) -> PathBuf) -> Option<Diagnostic> {
    match link.canonicalize() {
        Ok(target) if target.starts_with(root) => None,
        Ok(target) => Some(
            Diagnostic::new(
                shown(link),
                0,
                0,
                format!("symbolic link to `{}`, outside the site: it is not followed", target.display()),
            )
            .with_hint("copy the file into the site, or remove the link; links may only point inside the site folder"),
        ),
        Err(e) => Some(Diagnostic::new(shown(link), 0, 0, format!("cannot follow this symbolic link: {e}"))),
    }
}

fn walk_error(err: &walkdir::Error, shown: &impl Fn(&Path) -> PathBuf) -> Diagnostic {
    let path = err.path().map(shown).unwrap_or_default();
    if err.loop_ancestor().is_some() {
        return Diagnostic::new(path, 0, 0, "symbolic link loop: this link points back to a folder that contains it")
            .with_hint("remove the link or point it somewhere else");
    }
    match err.io_error().map(io::Error::kind) {
        Some(io::ErrorKind::NotFound) => Diagnostic::new(path, 0, 0, "broken symbolic link: its target does not exist")
            .with_hint("remove the link or point it at a file inside the site"),
        Some(io::ErrorKind::PermissionDenied) => {
            Diagnostic::new(path, 0, 0, "cannot read this folder or file: permission denied")
                .with_hint("make it readable for the user running pedoman (chmod), or move it out of the site")
        }
        _ => {
            let cause = err.io_error().map_or_else(|| err.to_string(), ToString::to_string);
            Diagnostic::new(path, 0, 0, format!("cannot read: {cause}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_out_of_the_site_is_a_folder_level_error_and_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/a.css"), "a").unwrap();
        std::os::unix::fs::symlink("/etc", root.join("static/etc")).unwrap();
        let (files, diags) = files(&root, "static");
        assert_eq!(files, [InputFile { rel: "a.css".into(), path: root.join("static/a.css") }]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].path.as_path(), diags[0].line), (Path::new("static/etc"), 0));
    }

    #[test]
    fn editor_temp_files_and_hidden_files_are_ignored() {
        for name in [
            ".a.md.swp",
            ".a.md.swo",
            "a.md.swp",
            "a.md.swx",
            "a.md~",
            "4913",
            ".#a.md",
            "#a.md#",
            "a.md___jb_tmp___",
            "a.md___jb_old___",
            "~$laporan.docx",
            ".goutputstream-X1Y2",
            ".DS_Store",
        ] {
            assert!(is_ignored(OsStr::new(name)), "{name}");
        }
        for name in ["a.md", "_index.md", "style.css", "logo.swf", "4914", "a#b.md", "#", "a~b.md"] {
            assert!(!is_ignored(OsStr::new(name)), "{name}");
        }
    }
}
