//! Watching the site's inputs: notify events, debounced, filtered to what a build reads, handed
//! on as one batch of changed paths.

use anyhow::Context;
use notify_debouncer_full::notify::event::{AccessKind, EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Folders under the root that a build reads. Any of them may be missing, or appear later.
pub(crate) const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];
pub(crate) const CONFIG_FILE: &str = "config.yaml";

/// Quiet time before a path's events are handed on: long enough to fold an editor's
/// write-temp-then-rename save into one change, short enough to stay well under 100 ms.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// How often the debouncer looks for quiet paths; bounds the extra wait past `DEBOUNCE`.
const TICK: Duration = Duration::from_millis(5);

/// Input paths that changed, as absolute paths under the root.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) paths: Vec<PathBuf>,
    /// The platform lost events (queue overflow): the caller must treat everything as changed.
    pub(crate) rescan: bool,
    /// When the earliest of these events happened, to measure edit-to-reload time.
    pub(crate) since: Instant,
}

pub(crate) struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: HashSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (canonical); `on_batch` runs on the debouncer's thread.
    pub(crate) fn start(root: &Path, mut on_batch: impl FnMut(Batch) + Send + 'static) -> anyhow::Result<Watcher> {
        let filter_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                if let Some(batch) = batch_of(&filter_root, &events) {
                    on_batch(batch);
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
            }
        };
        let debouncer = new_debouncer(DEBOUNCE, Some(TICK), handler).context("could not start the file watcher")?;
        let mut watcher = Watcher { root: root.to_path_buf(), debouncer, watched: HashSet::new() };
        // The root itself, not recursively: sees config.yaml and input folders that appear later,
        // without descending into public/, .git/ or target/.
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("could not watch {}", root.display()))?;
        watcher.refresh(&[]);
        Ok(watcher)
    }

    /// Watches input folders that appeared since, and again those that were replaced (deleted
    /// and recreated, as `git checkout` does), which drops their old watch. `changed`: the
    /// latest batch. Costs a few `stat` calls.
    pub(crate) fn refresh(&mut self, changed: &[PathBuf]) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let replaced = changed.contains(&dir);
            if !dir.is_dir() {
                if self.watched.remove(&dir) {
                    let _ = self.debouncer.unwatch(&dir);
                }
                continue;
            }
            if self.watched.contains(&dir) && !replaced {
                continue;
            }
            if replaced {
                let _ = self.debouncer.unwatch(&dir);
            }
            match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(dir);
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
            }
        }
    }
}

/// The changed inputs among `events`, if any.
fn batch_of(root: &Path, events: &[DebouncedEvent]) -> Option<Batch> {
    let mut paths = Vec::new();
    let mut rescan = false;
    let mut since: Option<Instant> = None;
    for event in events {
        if event.need_rescan() {
            rescan = true;
        } else if !matters(&event.kind) {
            continue;
        }
        let mut counted = event.need_rescan();
        for path in &event.paths {
            if is_input(root, path) && !is_editor_temp(path) {
                if !paths.contains(path) {
                    paths.push(path.clone());
                }
                counted = true;
            }
        }
        if counted {
            since = Some(since.map_or(event.time, |s| s.min(event.time)));
        }
    }
    since.map(|since| Batch { paths, rescan, since })
}

/// Reading a file is not changing it: builds open every input, and must not trigger a build.
fn matters(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(AccessKind::Open(_) | AccessKind::Read | AccessKind::Close(_) | AccessKind::Any)
            | EventKind::Access(AccessKind::Other)
            | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// `config.yaml`, or anything under one of the watched folders.
fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    match parts.next().and_then(|c| c.as_os_str().to_str()) {
        Some(CONFIG_FILE) => parts.next().is_none(),
        Some(first) => WATCHED_DIRS.contains(&first),
        None => false,
    }
}

/// Files editors create while saving; a change to one alone is not worth a build.
fn is_editor_temp(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let vim_swap = name.starts_with('.')
        && name.rsplit_once('.').is_some_and(|(_, ext)| {
            let ext = ext.as_bytes();
            ext.len() == 3 && ext.starts_with(b"sw") && (b'a'..=b'p').contains(&ext[2]) || ext == b"swx"
        });
    vim_swap
        || name.ends_with(".swp")
        || name.ends_with('~')
        || name == "4913" // vim's "can I write here?" probe
        || name.starts_with(".#") // emacs lock
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || name.starts_with(".goutputstream-") // gedit
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___") // JetBrains safe write
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_debouncer_full::notify::event::{CreateKind, DataChange, Event, RenameMode};

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [".a.md.swp", ".a.md.swo", ".a.md.swx", "a.md.swp", "a.md~", "4913", ".#a.md", "#a.md#"] {
            assert!(is_editor_temp(Path::new(name)), "{name}");
        }
        for name in ["a.md", "_index.md", "style.css", "logo.swf", "4914", "a#b.md"] {
            assert!(!is_editor_temp(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn only_inputs_count() {
        let root = Path::new("/site");
        assert!(is_input(root, Path::new("/site/config.yaml")));
        assert!(is_input(root, Path::new("/site/content/a/b.md")));
        assert!(is_input(root, Path::new("/site/templates/page.html")));
        assert!(is_input(root, Path::new("/site/static/style.css")));
        assert!(is_input(root, Path::new("/site/themes/x/templates/base.html")));
        assert!(is_input(root, Path::new("/site/content")));
        assert!(!is_input(root, Path::new("/site/public/index.html")));
        assert!(!is_input(root, Path::new("/site/README.md")));
        assert!(!is_input(root, Path::new("/site/config.yaml.bak")));
        assert!(!is_input(root, Path::new("/elsewhere/content/a.md")));
    }

    #[test]
    fn a_save_as_rename_is_one_batch_and_reads_are_none() {
        let root = Path::new("/site");
        let t0 = Instant::now();
        let ev = |kind, paths: &[&str], at: u64| DebouncedEvent {
            event: paths.iter().fold(Event::new(kind), |e, p| e.add_path(PathBuf::from(p))),
            time: t0 + Duration::from_millis(at),
        };
        let save = [
            ev(EventKind::Create(CreateKind::File), &["/site/content/4913"], 0),
            ev(EventKind::Create(CreateKind::File), &["/site/content/.a.md.swp"], 1),
            ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["/site/content/a.md.tmp~"], 2),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/site/content/a.md.tmp~", "/site/content/a.md"],
                3,
            ),
        ];
        let batch = batch_of(root, &save).unwrap();
        assert_eq!(batch.paths, vec![PathBuf::from("/site/content/a.md")]);
        assert!(!batch.rescan);
        assert_eq!(batch.since, t0 + Duration::from_millis(3));

        let reads = [
            ev(
                EventKind::Access(AccessKind::Open(notify_debouncer_full::notify::event::AccessMode::Any)),
                &["/site/content/a.md"],
                0,
            ),
            ev(EventKind::Create(CreateKind::File), &["/site/public/index.html"], 0),
        ];
        assert!(batch_of(root, &reads).is_none());
    }
}
