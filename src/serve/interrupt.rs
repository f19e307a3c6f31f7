//! Ctrl+C (and `kill`, and a closed terminal) end `pedoman serve` through its normal shutdown,
//! so the preview folder in the temp directory is removed. A second Ctrl+C exits at once.

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, Ordering};

    static STOP: AtomicBool = AtomicBool::new(false);

    // Only async-signal-safe work here: an atomic swap, and `_exit` for the impatient.
    extern "C" fn on_signal(_: libc::c_int) {
        if STOP.swap(true, Ordering::SeqCst) {
            unsafe { libc::_exit(130) };
        }
    }

    pub(crate) fn install() {
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: the handler only touches an atomic and calls `_exit`.
            unsafe { libc::signal(signal, handler) };
        }
    }

    pub(crate) fn requested() -> bool {
        STOP.load(Ordering::SeqCst)
    }
}

#[cfg(not(unix))]
mod imp {
    // Elsewhere Ctrl+C ends the process directly; the preview folder may stay in the temp folder.
    pub(crate) fn install() {}

    pub(crate) fn requested() -> bool {
        false
    }
}

/// From now on, Ctrl+C asks for a clean stop (see [`wait`]) instead of ending the process.
pub(crate) fn install() {
    imp::install();
}

/// Blocks until the user asks the server to stop. Returns at once if they already did (during
/// the first build, say).
pub(crate) fn wait() {
    while !imp::requested() {
        // Polling keeps the handler trivial; a tenth of a second is not noticeable at exit.
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
