//! Ctrl+C (and `kill`, and a closed terminal) end `pedoman serve` through its normal shutdown,
//! so the preview folder in the temp directory is removed. A second Ctrl+C exits at once.

use anyhow::Context;
use std::sync::mpsc::{self, Receiver};

/// The user's requests to stop, from the moment [`install`] returns.
pub(crate) struct Interrupts(Receiver<()>);

/// From now on, Ctrl+C, SIGTERM and SIGHUP ask for a clean stop (see [`Interrupts::wait`])
/// instead of ending the process.
pub(crate) fn install() -> anyhow::Result<Interrupts> {
    let (tx, rx) = mpsc::channel();
    let mut asked = false;
    // `ctrlc` runs this on a thread of its own, not inside the signal handler.
    ctrlc::set_handler(move || {
        if asked {
            std::process::exit(130);
        }
        asked = true;
        let _ = tx.send(());
    })
    .context("cannot handle Ctrl+C")?;
    Ok(Interrupts(rx))
}

impl Interrupts {
    /// Blocks until the user asks the server to stop. Returns at once if they already did
    /// (during the first build, say).
    pub(crate) fn wait(&self) {
        let _ = self.0.recv();
    }
}
