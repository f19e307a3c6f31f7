//! Live reload: a Server-Sent Events hub that tells every open page what a rebuild did, and the
//! client script and overlay styles it serves from memory.
//!
//! Each stream is written by its connection's own thread from a bounded queue, so one stalled
//! browser tab can neither block a broadcast nor hold up page requests.

use crate::diagnostics::Diagnostics;
use serde_json::json;
use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::{sync_channel, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    clients: Vec<SyncSender<Arc<str>>>,
    /// Bumped by every build that changed the output. A reconnecting page that saw another
    /// generation missed a rebuild while it was disconnected, and reloads.
    generation: u64,
    /// The `build-error` frame while the last build failed, sent at once to new clients.
    failure: Option<Arc<str>>,
    closed: bool,
}

pub(crate) struct Hub {
    /// Tells this server's generations from a previous run's, so pages reload after a restart.
    run: String,
    state: Mutex<State>,
}

impl Hub {
    pub(crate) fn new() -> Hub {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        Hub { run: format!("{:x}-{nanos:x}", std::process::id()), state: Mutex::new(State::default()) }
    }

    /// Serves one event stream on `stream` until the client goes or the hub closes. Runs on the
    /// connection's own thread.
    pub(crate) fn stream(&self, mut stream: TcpStream) {
        // No length: the body ends when the connection closes.
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                    Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n\
                    retry: 1000\n\n";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let (tx, rx) = sync_channel::<Arc<str>>(QUEUE);
        {
            let mut state = self.state.lock().unwrap();
            if state.closed {
                return;
            }
            // Queued under the lock so no broadcast can slip in between.
            let hello = frame("hello", &json!({ "generation": self.generation(state.generation) }));
            let _ = tx.try_send(hello);
            if let Some(failure) = &state.failure {
                let _ = tx.try_send(failure.clone());
            }
            state.clients.push(tx);
        }
        loop {
            let frame = match rx.recv_timeout(HEARTBEAT) {
                Ok(frame) => frame,
                Err(RecvTimeoutError::Timeout) => Arc::from(": ping\n\n"),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            // The socket's write timeout bounds a stalled client; the hub has already moved on.
            if stream.write_all(frame.as_bytes()).is_err() {
                return;
            }
        }
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
                let list: Vec<_> = diags
                    .0
                    .iter()
                    .map(|d| {
                        json!({
                            "path": d.path.display().to_string(),
                            "line": d.line,
                            "col": d.col,
                            "message": d.message,
                            "hint": d.hint,
                            "text": d.to_string(),
                        })
                    })
                    .collect();
                let frame = frame("build-error", &json!({ "diagnostics": list }));
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
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
        });
    }

    /// Ends every event stream (their threads close the connections) and refuses new ones.
    pub(crate) fn close(&self) {
        let mut state = self.state.lock().unwrap();
        state.closed = true;
        state.clients.clear();
    }

    fn generation(&self, n: u64) -> String {
        format!("{}-{n}", self.run)
    }
}

/// One SSE frame. JSON never contains a raw newline, so `data:` stays one line.
fn frame(event: &str, data: &serde_json::Value) -> Arc<str> {
    Arc::from(format!("event: {event}\ndata: {data}\n\n"))
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
        let mut lines = frame.lines();
        assert_eq!(lines.next(), Some("event: build-error"));
        let data: serde_json::Value =
            serde_json::from_str(lines.next().unwrap().strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["diagnostics"][0]["text"], "content/a.md:3:7: bad `<script>`\nnext\n  hint: fix");
        assert_eq!(data["diagnostics"][0]["line"], 3);
        assert_eq!(lines.next(), Some(""));
        // The next good build takes the overlay down for pages that connect later.
        hub.publish(&Event::Reload(Timing::default()));
        assert!(hub.state.lock().unwrap().failure.is_none());
        assert_eq!(hub.state.lock().unwrap().generation, 1);
    }
}
