//! Live reload: a Server-Sent Events hub that tells every open page what a rebuild did, and the
//! client script and overlay styles it serves from memory.
//!
//! The hub knows nothing of sockets: each open page holds a [`Subscription`], a bounded queue of
//! frames that the HTTP server turns into a streaming body. A broadcast only queues, so one
//! stalled browser tab can neither block it nor hold up page requests.

use crate::diagnostics::Diagnostics;
use hyper::body::Bytes;
use serde_json::json;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc::{channel, error::TrySendError, Receiver, Sender};
use tokio::time::{interval_at, Instant, Interval};

/// The client: connects to `/__pedoman/events`, reloads, swaps stylesheets, shows the overlay.
pub(crate) const RELOAD_JS: &str = include_str!("reload.js");
/// The overlay's look, as a file: the theme's CSP forbids inline styles.
pub(crate) const OVERLAY_CSS: &str = include_str!("overlay.css");
/// What the server puts before `</body>` in every HTML answer.
pub(crate) const SCRIPT_TAG: &str = r#"<script src="/__pedoman/reload.js" defer></script>"#;

/// Comment lines keep idle connections alive through proxies and reveal closed ones.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Frames a client may fall behind before it is dropped (its browser then reconnects).
const QUEUE: usize = 64;
/// Problems the overlay lists; the terminal has them all. A build can report tens of thousands
/// (a page of broken links), and every open tab is sent the list.
const OVERLAY_MAX: usize = 50;

/// Time spent between a save and the broadcast, for the terminal and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Timing {
    /// From the first file event of the batch to the start of the build (debounce + queueing).
    pub(crate) wait_ms: u64,
    pub(crate) build_ms: u64,
}

/// What a finished build means for the pages that are open.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// Output changed: reload the page.
    Reload(Timing),
    /// Only stylesheets changed: swap them in place and keep the scroll position.
    Css(Timing),
    /// The build failed; the last good output is still served.
    Failed(Diagnostics),
    /// A build succeeded again but changed nothing: just take the overlay down.
    Recovered,
}

#[derive(Default)]
struct State {
    clients: Vec<Sender<Bytes>>,
    /// Bumped by every build that changed the output. A reconnecting page that saw another
    /// generation missed a rebuild while it was disconnected, and reloads.
    generation: u64,
    /// The `build-error` frame while the last build failed, sent at once to new clients.
    failure: Option<Bytes>,
    closed: bool,
}

pub(crate) struct Hub {
    /// Tells this server's generations from a previous run's, so pages reload after a restart.
    run: String,
    state: Mutex<State>,
}

impl Hub {
    pub(crate) fn new() -> Hub {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Hub { run: format!("{:x}-{nanos:x}", std::process::id()), state: Mutex::new(State::default()) }
    }

    /// Opens an event stream for one page, or `None` once the hub is closed. The stream starts
    /// with the reconnect delay, a `hello`, and the standing `build-error` if the last build failed.
    pub(crate) fn subscribe(&self) -> Option<Subscription> {
        let (tx, rx) = channel::<Bytes>(QUEUE);
        let mut state = self.state.lock().unwrap();
        if state.closed {
            return None;
        }
        // Queued under the lock so no broadcast can slip in between.
        let _ = tx.try_send(Bytes::from_static(b"retry: 1000\n\n"));
        let hello = frame("hello", &json!({ "generation": self.generation(state.generation) }));
        let _ = tx.try_send(hello);
        if let Some(failure) = &state.failure {
            let _ = tx.try_send(failure.clone());
        }
        state.clients.push(tx);
        Some(Subscription { frames: rx, heartbeat: None })
    }

    /// Sends `event` to every open page and remembers what a page connecting later must know.
    pub(crate) fn publish(&self, event: &Event) {
        let mut state = self.state.lock().unwrap();
        let frame = match event {
            Event::Reload(timing) | Event::Css(timing) => {
                state.generation += 1;
                state.failure = None;
                let name = if matches!(event, Event::Reload(_)) { "reload" } else { "css" };
                let data = json!({
                    "generation": self.generation(state.generation),
                    "wait_ms": timing.wait_ms,
                    "build_ms": timing.build_ms,
                });
                frame(name, &data)
            }
            Event::Failed(diags) => {
                // As the terminal shows them: control characters escaped, long text cut.
                let list: Vec<_> = diags
                    .0
                    .iter()
                    .take(OVERLAY_MAX)
                    .map(|d| json!({ "path": d.path.display().to_string(), "line": d.line, "text": d.to_string() }))
                    .collect();
                let frame = frame("build-error", &json!({ "diagnostics": list, "total": diags.0.len() }));
                state.failure = Some(frame.clone());
                frame
            }
            Event::Recovered => {
                state.failure = None;
                frame("clear", &json!({}))
            }
        };
        state.clients.retain(|tx| match tx.try_send(frame.clone()) {
            Ok(()) => true,
            // A full queue means the tab stopped reading; dropping it lets EventSource reconnect.
            Err(TrySendError::Full(_)) | Err(TrySendError::Closed(_)) => false,
        });
    }

    /// Ends every event stream (once each has sent what is queued) and refuses new ones.
    pub(crate) fn close(&self) {
        let mut state = self.state.lock().unwrap();
        state.closed = true;
        state.clients.clear();
    }

    fn generation(&self, n: u64) -> String {
        format!("{}-{n}", self.run)
    }
}

/// One page's event stream: the frames the hub queued for it, and a comment line whenever it has
/// been quiet for [`HEARTBEAT`].
pub(crate) struct Subscription {
    frames: Receiver<Bytes>,
    /// Made on the first poll, inside the server's runtime (a timer needs one).
    heartbeat: Option<Interval>,
}

impl Subscription {
    /// The next frame to send, or `None` when the stream is over: the hub closed, or dropped this
    /// page for falling [`QUEUE`] frames behind (its browser then reconnects).
    pub(crate) fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let heartbeat = self.heartbeat.get_or_insert_with(|| interval_at(Instant::now() + HEARTBEAT, HEARTBEAT));
        match self.frames.poll_recv(cx) {
            Poll::Ready(Some(frame)) => {
                heartbeat.reset();
                Poll::Ready(Some(frame))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => heartbeat.poll_tick(cx).map(|_| Some(Bytes::from_static(b": ping\n\n"))),
        }
    }
}

/// One SSE frame, shared by every stream it is sent on (never copied per tab). JSON never
/// contains a raw line break, so `data:` stays one line.
fn frame(event: &str, data: &serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn failure_frames_escape_into_one_json_line() {
        let diags = Diagnostics(vec![Diagnostic::new("content/a.md", 3, 7, "bad `<script>`\nnext").with_hint("fix")]);
        let hub = Hub::new();
        hub.publish(&Event::Failed(diags));
        let frame = hub.state.lock().unwrap().failure.clone().unwrap();
        let frame = String::from_utf8(frame.to_vec()).unwrap();
        let mut lines = frame.lines();
        assert_eq!(lines.next(), Some("event: build-error"));
        let data: serde_json::Value =
            serde_json::from_str(lines.next().unwrap().strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["diagnostics"][0]["text"], "content/a.md:3:7: bad `<script>`\n  next\n  hint: fix");
        assert_eq!(data["diagnostics"][0]["line"], 3);
        assert_eq!(lines.next(), Some(""));
        // The next good build takes the overlay down for pages that connect later.
        hub.publish(&Event::Reload(Timing::default()));
        assert!(hub.state.lock().unwrap().failure.is_none());
        assert_eq!(hub.state.lock().unwrap().generation, 1);
    }

    #[test]
    fn a_failure_frame_lists_a_few_problems_and_is_shared_by_every_tab() {
        let many = (1..=5000).map(|n| Diagnostic::new("content/a.md", n, 1, "broken link")).collect();
        let hub = Hub::new();
        let (mut a, mut b) = (hub.subscribe().unwrap(), hub.subscribe().unwrap());
        hub.publish(&Event::Failed(Diagnostics(many)));
        let last = |sub: &mut Subscription| std::iter::from_fn(|| sub.frames.try_recv().ok()).last().unwrap();
        let (fa, fb) = (last(&mut a), last(&mut b));
        assert_eq!(fa.as_ptr(), fb.as_ptr(), "one copy for every tab");
        let text = String::from_utf8(fa.to_vec()).unwrap();
        let data: serde_json::Value =
            serde_json::from_str(text.lines().nth(1).unwrap().strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["diagnostics"].as_array().unwrap().len(), OVERLAY_MAX);
        assert_eq!(data["total"], 5000);
    }

    fn next(sub: &mut Subscription) -> Option<String> {
        sub.frames.try_recv().ok().map(|f| String::from_utf8(f.to_vec()).unwrap())
    }

    #[test]
    fn subscribers_get_hello_the_standing_error_and_an_end_on_close() {
        let hub = Hub::new();
        hub.publish(&Event::Failed(Diagnostics(vec![])));
        let mut sub = hub.subscribe().unwrap();
        assert_eq!(next(&mut sub).as_deref(), Some("retry: 1000\n\n"));
        assert!(next(&mut sub).unwrap().starts_with("event: hello\n"));
        assert!(next(&mut sub).unwrap().starts_with("event: build-error\n"));
        assert_eq!(next(&mut sub), None);
        hub.publish(&Event::Recovered);
        assert!(next(&mut sub).unwrap().starts_with("event: clear\n"));
        hub.close();
        assert!(matches!(sub.frames.try_recv(), Err(tokio::sync::mpsc::error::TryRecvError::Disconnected)));
        assert!(hub.subscribe().is_none(), "no new streams after close");
    }

    #[test]
    fn a_page_that_stops_reading_is_dropped() {
        let hub = Hub::new();
        let mut slow = hub.subscribe().unwrap();
        for _ in 0..QUEUE {
            hub.publish(&Event::Recovered);
        }
        assert_eq!(hub.state.lock().unwrap().clients.len(), 0);
        // What was queued is still delivered, then the stream ends.
        let mut delivered = 0;
        while next(&mut slow).is_some() {
            delivered += 1;
        }
        assert_eq!(delivered, QUEUE);
        assert!(matches!(slow.frames.try_recv(), Err(tokio::sync::mpsc::error::TryRecvError::Disconnected)));
    }
}
