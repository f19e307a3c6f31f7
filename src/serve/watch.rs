//! Watching the site's inputs: notify events, filtered to what a build reads, gathered until the
//! files have been quiet for a moment, and handed on as one batch of changed paths.
//!
//! The quiet window is ours rather than notify-debouncer-full's: that crate delays each event by
//! its timeout, so writes spread over more than one of its ticks still arrive as several
//! batches. Waiting for quiet folds an editor's write-temp-then-rename save, or a burst of
//! writes such as `git checkout`, into one rebuild.

use anyhow::Context;
use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Folders under the root that a build reads. Any of them may be missing, or appear later.
pub(crate) const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];
pub(crate) const CONFIG_FILE: &str = "config.yaml";

/// How long the inputs must stay quiet before a build starts: far longer than the gap between
/// the steps of one save (microseconds), short enough to stay well under 100 ms edit-to-reload.
const QUIET: Duration = Duration::from_millis(50);
/// Files that never stop changing (a log written into content/) still get a build this often.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// Inputs that decide how every page renders: `config.yaml`, `templates/`, `themes/`.
pub(crate) struct TemplateInputs {
    root: PathBuf,
}

impl TemplateInputs {
    pub(crate) fn new(root: &Path) -> TemplateInputs {
        TemplateInputs { root: root.to_path_buf() }
    }

    pub(crate) fn contains(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        matches!(first, Some(CONFIG_FILE | "templates" | "themes"))
    }
}

/// Input paths that changed, as absolute paths under the root.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Batch {
    pub(crate) paths: Vec<PathBuf>,
    /// The platform lost events (queue overflow): the caller must treat everything as changed.
    pub(crate) rescan: bool,
    /// When the first of these changes was seen, to measure edit-to-reload time.
    pub(crate) since: Instant,
}

pub(crate) struct Watcher {
    root: PathBuf,
    notify: RecommendedWatcher,
    watched: HashSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (canonical). `on_batch` runs on the watcher's own thread, which
    /// ends when the `Watcher` is dropped.
    pub(crate) fn start(root: &Path, on_batch: impl FnMut(Batch) + Send + 'static) -> anyhow::Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let notify = notify::recommended_watcher(tx).context("could not start the file watcher")?;
        let collector_root = root.to_path_buf();
        std::thread::Builder::new()
            .name("pedoman-watch".into())
            .spawn(move || collect(collector_root, rx, on_batch))
            .context("could not start the file watcher")?;
        let mut watcher = Watcher { root: root.to_path_buf(), notify, watched: HashSet::new() };
        // The root itself, not recursively: sees config.yaml and input folders that appear later,
        // without descending into public/, .git/ or target/.
        watcher
            .notify
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("could not watch {}", root.display()))?;
        watcher.refresh(&[]);
        Ok(watcher)
    }

    /// Watches input folders that appeared since, and again those that were replaced (deleted
    /// and recreated, as `git checkout` may do), which loses their old watch. `changed`: the
    /// latest batch. Costs a few `stat` calls.
    pub(crate) fn refresh(&mut self, changed: &[PathBuf]) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let replaced = changed.contains(&dir);
            if !dir.is_dir() {
                if self.watched.remove(&dir) {
                    let _ = self.notify.unwatch(&dir);
                }
                continue;
            }
            if self.watched.contains(&dir) && !replaced {
                continue;
            }
            if replaced {
                let _ = self.notify.unwatch(&dir);
            }
            match self.notify.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(dir);
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
            }
        }
    }
}

/// The watcher thread: gathers events into batches and hands each on once the inputs are quiet.
fn collect(root: PathBuf, rx: Receiver<notify::Result<Event>>, mut on_batch: impl FnMut(Batch)) {
    let mut gathering = Gathering::new(root);
    loop {
        let received = match gathering.deadline() {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => rx.recv_timeout(left),
                _ => Err(RecvTimeoutError::Timeout),
            },
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(Ok(event)) => gathering.add(&event, Instant::now()),
            Ok(Err(e)) => eprintln!("warning: watching files: {e}"),
            Err(RecvTimeoutError::Timeout) => {
                if let Some(batch) = gathering.take() {
                    on_batch(batch);
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// The changes seen since the last batch.
struct Gathering {
    root: PathBuf,
    paths: Vec<PathBuf>,
    rescan: bool,
    /// First and latest relevant event.
    span: Option<(Instant, Instant)>,
}

impl Gathering {
    fn new(root: PathBuf) -> Gathering {
        Gathering { root, paths: Vec::new(), rescan: false, span: None }
    }

    fn add(&mut self, event: &Event, at: Instant) {
        let mut relevant = event.need_rescan();
        self.rescan |= relevant;
        if matters(&event.kind) {
            for path in &event.paths {
                if is_input(&self.root, path) && !path.file_name().is_some_and(crate::walk::is_ignored) {
                    if !self.paths.contains(path) {
                        self.paths.push(path.clone());
                    }
                    relevant = true;
                }
            }
        }
        if relevant {
            self.span = Some(self.span.map_or((at, at), |(first, _)| (first, at)));
        }
    }

    /// When the batch is due: after `QUIET` without news, or `MAX_WAIT` after it began.
    fn deadline(&self) -> Option<Instant> {
        self.span.map(|(first, last)| (last + QUIET).min(first + MAX_WAIT))
    }

    fn take(&mut self) -> Option<Batch> {
        let (since, _) = self.span.take()?;
        Some(Batch { paths: std::mem::take(&mut self.paths), rescan: std::mem::take(&mut self.rescan), since })
    }
}

/// Reading a file is not changing it: every build opens its inputs, and must not cause another.
fn matters(kind: &EventKind) -> bool {
    // A finished write (`Access(Close(Write))`) always follows a `Modify` that already counted.
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, RemoveKind, RenameMode};

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths.iter().fold(Event::new(kind), |e, p| e.add_path(PathBuf::from(p)))
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
    fn a_save_as_rename_is_one_batch_of_the_real_file() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut g = Gathering::new(PathBuf::from("/site"));
        // Vim: probe file, swap file, backup by rename, write the new file, drop the backup.
        g.add(&event(EventKind::Create(CreateKind::File), &["/site/content/4913"]), ms(0));
        g.add(&event(EventKind::Remove(RemoveKind::File), &["/site/content/4913"]), ms(0));
        assert_eq!(g.deadline(), None, "temp files alone start nothing");
        g.add(
            &event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/site/content/a.md", "/site/content/a.md~"],
            ),
            ms(1),
        );
        g.add(&event(EventKind::Create(CreateKind::File), &["/site/content/a.md"]), ms(2));
        g.add(&event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["/site/content/a.md"]), ms(2));
        g.add(&event(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["/site/content/a.md"]), ms(3));
        g.add(&event(EventKind::Remove(RemoveKind::File), &["/site/content/a.md~"]), ms(3));
        assert_eq!(g.deadline(), Some(ms(2) + QUIET));
        let batch = g.take().unwrap();
        assert_eq!(batch, Batch { paths: vec![PathBuf::from("/site/content/a.md")], rescan: false, since: ms(1) });
        assert!(g.take().is_none());
    }

    #[test]
    fn reads_and_output_writes_start_nothing() {
        let t0 = Instant::now();
        let mut g = Gathering::new(PathBuf::from("/site"));
        g.add(&event(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["/site/content/a.md"]), t0);
        g.add(&event(EventKind::Access(AccessKind::Close(AccessMode::Read)), &["/site/content/a.md"]), t0);
        g.add(&event(EventKind::Create(CreateKind::File), &["/site/public/index.html"]), t0);
        assert!(g.take().is_none());
    }

    #[test]
    fn a_steady_burst_waits_for_quiet_but_not_forever() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut g = Gathering::new(PathBuf::from("/site"));
        for i in 0..5 {
            g.add(&event(EventKind::Modify(ModifyKind::Any), &[&format!("/site/content/{i}.md")]), ms(i * 30));
        }
        assert_eq!(g.deadline(), Some(ms(120) + QUIET), "writes 30 ms apart are one burst");
        for i in 5..40 {
            g.add(&event(EventKind::Modify(ModifyKind::Any), &["/site/content/log.md"]), ms(i * 30));
        }
        assert_eq!(g.deadline(), Some(ms(0) + MAX_WAIT));
        assert_eq!(g.take().unwrap().paths.len(), 6);
    }
}
