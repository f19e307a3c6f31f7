//! The rebuild loop: batches of changed inputs go to the `Builder`; what it reports becomes one
//! browser event and a line or two in the terminal.

use super::reload::{Event, Hub, Timing};
use super::watch::{Batch, Watcher};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render_budget::Cancel;
use crate::{BuildOptions, BuildReport, Builder};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Instant;

pub(crate) enum Msg {
    Changed(Batch),
    Stop,
}

pub(crate) struct Rebuilder {
    opts: BuildOptions,
    builder: Builder,
    hub: Arc<Hub>,
    /// Inputs changed since the last successful build. Kept across failed builds, so the build
    /// that follows a fix still knows about every file touched in between.
    pending: BTreeSet<PathBuf>,
    /// The next build must treat everything as changed (events were lost, or the Builder panicked).
    everything: bool,
    failing: bool,
    /// Set by a save that makes the build in progress pointless, or by stopping the server.
    cancel: Cancel,
}

/// What became of one build.
enum Outcome {
    Built(BuildReport),
    Failed(Diagnostics),
    /// Stopped by `cancel`: a newer build (or the end of the server) replaces it.
    Cancelled,
}

impl Rebuilder {
    pub(crate) fn new(opts: BuildOptions, hub: Arc<Hub>, cancel: Cancel) -> Rebuilder {
        let builder = Builder::with_cancel(opts.clone(), cancel.clone());
        Rebuilder { opts, builder, hub, pending: BTreeSet::new(), everything: true, failing: false, cancel }
    }

    /// The build before serving starts. A failure is reported like any other: the server still
    /// starts, and the overlay tells the editor what to fix.
    pub(crate) fn first_build(&mut self) {
        match self.build(&[]) {
            Outcome::Cancelled => {}
            Outcome::Built(report) => println!(
                "Built {} pages, {} sections in {} ms",
                report.pages,
                report.sections,
                report.elapsed.as_millis()
            ),
            Outcome::Failed(diags) => {
                eprintln!("{diags}");
                eprintln!(
                    "Build failed: {} error(s). Serving what there is; fix the file and save to retry.",
                    diags.0.len()
                );
                self.hub.publish(&Event::Failed(diags));
            }
        }
    }

    /// Rebuilds on each batch until told to stop. Owns the watcher so it can watch input folders
    /// that appear later.
    pub(crate) fn run(mut self, messages: Receiver<Msg>, mut watcher: Watcher) {
        while let Ok(Msg::Changed(first)) = messages.recv() {
            // Fold in whatever else arrived meanwhile (a burst, or events during the last build).
            let mut since = first.since;
            let mut paths = first.paths;
            let mut stop = false;
            self.everything |= first.rescan;
            while let Ok(msg) = messages.try_recv() {
                match msg {
                    Msg::Changed(more) => {
                        since = since.min(more.since);
                        self.everything |= more.rescan;
                        paths.extend(more.paths);
                    }
                    Msg::Stop => stop = true,
                }
            }
            if stop {
                break;
            }
            watcher.refresh(&paths);
            self.rebuild(&paths, since);
        }
    }

    fn rebuild(&mut self, paths: &[PathBuf], since: Instant) {
        self.pending.extend(paths.iter().cloned());
        let changed: Vec<PathBuf> = self.pending.iter().cloned().collect();
        let wait_ms = since.elapsed().as_millis() as u64;
        let what = self.describe(&changed);
        let was_failing = self.failing;
        match self.build(&changed) {
            Outcome::Cancelled => {}
            Outcome::Built(report) => {
                let timing = Timing { wait_ms, build_ms: report.elapsed.as_millis() as u64 };
                let event = event_for(&report, &changed, was_failing, timing);
                let outcome = match &event {
                    Some(Event::Reload(_)) => "reloading the browser",
                    Some(Event::Css(_)) => "refreshing styles",
                    _ => "no output changed",
                };
                println!(
                    "{}Rebuilt in {} ms ({what}): {} written, {} removed; {outcome}",
                    if was_failing { "Fixed. " } else { "" },
                    timing.build_ms,
                    report.written.len(),
                    report.removed.len()
                );
                if let Some(event) = event {
                    self.hub.publish(&event);
                }
            }
            Outcome::Failed(diags) => {
                eprintln!("{diags}");
                eprintln!(
                    "Build failed ({what}): {} error(s); still serving the last good version. Fix the file and save.",
                    diags.0.len()
                );
                self.hub.publish(&Event::Failed(diags));
            }
        }
    }

    /// Runs the Builder on `changed` (all of `pending`), or on everything when that is due.
    /// Diagnostics come back with paths relative to the root, as the editor
    /// sees them. A panic inside the Builder becomes a diagnostic too: a bug must not end the
    /// preview.
    fn build(&mut self, changed: &[PathBuf]) -> Outcome {
        // A cancel that came before this build started was meant for the one before.
        self.cancel.reset();
        let changed = if self.everything { None } else { Some(changed) };
        let builder = &mut self.builder;
        let result = catch_unwind(AssertUnwindSafe(|| builder.build(changed))).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(std::string::ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            // Whatever the Builder kept may be half-updated: start afresh.
            self.builder = Builder::with_cancel(self.opts.clone(), self.cancel.clone());
            self.everything = true;
            Err(Diagnostics(vec![Diagnostic::new(
                "pedoman",
                0,
                0,
                format!("internal error while building: {message}"),
            )
            .with_hint("this is a bug in Pedoman, please report it; saving a file retries the build")]))
        });
        if result.is_err() && self.cancel.is_cancelled() {
            // `pending` stays: the next build redoes this one's work.
            return Outcome::Cancelled;
        }
        self.failing = result.is_err();
        match result {
            Ok(report) => {
                self.pending.clear();
                self.everything = false;
                Outcome::Built(report)
            }
            Err(mut diags) => {
                for d in &mut diags.0 {
                    if let Ok(rel) = d.path.strip_prefix(&self.opts.root) {
                        d.path = rel.to_path_buf();
                    }
                }
                Outcome::Failed(diags)
            }
        }
    }

    /// `content/a.md`, `content/a.md and 3 more`: what the terminal names as the cause.
    fn describe(&self, changed: &[PathBuf]) -> String {
        let rel = |p: &PathBuf| p.strip_prefix(&self.opts.root).unwrap_or(p).display().to_string();
        match changed {
            [] => "everything".into(),
            [one] => rel(one),
            [first, rest @ ..] => format!("{} and {} more", rel(first), rest.len()),
        }
    }
}

/// Which event a successful build sends to open pages, if any.
pub(crate) fn event_for(report: &BuildReport, changed: &[PathBuf], was_failing: bool, timing: Timing) -> Option<Event> {
    if report.written.is_empty() && report.removed.is_empty() {
        return was_failing.then_some(Event::Recovered);
    }
    let has_ext = |p: &Path, ext: &str| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext));
    let only = |paths: &[PathBuf], exts: &[&str]| paths.iter().all(|p| exts.iter().any(|e| has_ext(p, e)));
    let styles_only = report.removed.is_empty() && only(&report.written, &["css"]);
    // Stylesheet URLs in pages carry a content hash (`style.css?h=…`), so editing a stylesheet
    // also rewrites every page, changing nothing but that hash; the client's own cache-buster
    // makes the difference moot, so keep the scroll position and swap styles all the same.
    let styles_edited = !changed.is_empty()
        && only(changed, &["css"])
        && report.removed.is_empty()
        && only(&report.written, &["css", "html"]);
    Some(if styles_only || styles_edited { Event::Css(timing) } else { Event::Reload(timing) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(written: &[&str], removed: &[&str]) -> BuildReport {
        BuildReport {
            written: written.iter().map(PathBuf::from).collect(),
            removed: removed.iter().map(PathBuf::from).collect(),
            ..BuildReport::default()
        }
    }

    #[test]
    fn events_follow_what_the_build_wrote() {
        let t = Timing::default();
        let md = [PathBuf::from("/s/content/a.md")];
        let css = [PathBuf::from("/s/static/style.css")];
        assert_eq!(event_for(&report(&[], &[]), &md, false, t), None);
        assert_eq!(event_for(&report(&[], &[]), &md, true, t), Some(Event::Recovered));
        assert_eq!(event_for(&report(&["a/index.html"], &[]), &md, false, t), Some(Event::Reload(t)));
        assert_eq!(event_for(&report(&[], &["a/index.html"]), &md, true, t), Some(Event::Reload(t)));
        assert_eq!(event_for(&report(&["style.css"], &[]), &md, false, t), Some(Event::Css(t)));
        assert_eq!(event_for(&report(&["style.css", "index.html"], &[]), &css, false, t), Some(Event::Css(t)));
        assert_eq!(event_for(&report(&["style.css", "index.html"], &[]), &md, false, t), Some(Event::Reload(t)));
        assert_eq!(event_for(&report(&["style.css"], &["old.css"]), &css, false, t), Some(Event::Reload(t)));
        assert_eq!(event_for(&report(&["style.css", "search/meta.json"], &[]), &css, false, t), Some(Event::Reload(t)));
        // The first build, or one after lost events: nothing to compare with.
        assert_eq!(event_for(&report(&["style.css", "index.html"], &[]), &[], false, t), Some(Event::Reload(t)));
    }
}
