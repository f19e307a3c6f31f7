//! A budget for rendering one template: loop iterations, output size, memory and time, so a template
//! whose loops never end (or nest too deep) fails with an error naming it instead of hanging
//! the build, and `serve` can stop a render at once.
//!
//! Tera 2 has no budget of its own, and a render cannot be interrupted from outside: it runs
//! on the calling thread, and abandoning that thread after a timeout would leave it spinning in
//! a long-running `serve`. So the render checks the budget itself, at checkpoints Pedoman adds
//! to every template before compiling it:
//! - each `{% for %}` body and each `{% component %}` body starts with `{{ __pedoman_tick() }}`
//!   (every loop iteration and every component call is a checkpoint, even one that writes
//!   nothing);
//! - each list comprehension's source goes through `__pedoman_loop(items=…)`, which counts the
//!   elements it will visit;
//! - the page's output is counted as it is written, and checked every 64 KB;
//! - the memory the render holds is counted by the allocator (`memory`) and checked at every
//!   checkpoint, with a hard stop between them.
//!
//! The checkpoints write nothing, and keep `-%}` trimming as written, so output is unchanged;
//! columns in error messages are mapped back to the template as written. What a checkpoint
//! cannot see is the cost of one expression between two of them (sorting a huge list in a
//! single comprehension element); Tera's own limits (`range` stops at 100,000 elements,
//! components nest at most 20 deep) bound that.

mod instrument;
mod memory;

pub(crate) use instrument::{instrument, Instrumented};
pub use memory::use_small_pages;
pub(crate) use memory::{HARD_MEMORY, MAX_MEMORY};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Loop iterations (for-loop bodies, component calls, comprehension elements) in one render.
/// A page listing every page of a 10,000-page site, with their tags, stays far below it.
pub(crate) const MAX_ITERATIONS: u64 = 1_000_000;
/// Bytes one render may write.
pub(crate) const MAX_OUTPUT: u64 = 128 << 20;
/// Time one render may take.
pub(crate) const MAX_TIME: Duration = Duration::from_secs(10);

/// The checkpoint function added to loop and component bodies.
pub(crate) const TICK: &str = "__pedoman_tick";
/// The checkpoint function a comprehension's source goes through.
pub(crate) const LOOP: &str = "__pedoman_loop";

/// Asks renders in progress to stop (shared between a `Builder` and whoever drives it).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Why a render was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Iterations,
    Output,
    Memory,
    Time,
    /// The build was cancelled from outside, or another render of it ran out of budget.
    Cancelled,
}

impl Stop {
    /// What went wrong, for the error message.
    pub(crate) fn describe(self) -> String {
        match self {
            Stop::Iterations => format!("ran more than {MAX_ITERATIONS} loop iterations"),
            Stop::Output => format!("wrote more than {} MB", MAX_OUTPUT >> 20),
            Stop::Memory => format!("held more than {} MB of memory", MAX_MEMORY >> 20),
            Stop::Time => format!("took more than {} s", MAX_TIME.as_secs()),
            Stop::Cancelled => "was stopped".to_string(),
        }
    }
}

/// What one render has spent so far.
struct Meter {
    started: Instant,
    iterations: u64,
    written: u64,
    memory: memory::Watch,
    cancel: Vec<Cancel>,
    stopped: Option<Stop>,
    /// Checks since the clock was last read: reading it at every loop iteration would cost
    /// more than the iteration.
    unclocked: u32,
}

impl Meter {
    /// `clock`: read the clock now whatever the count (64 KB of output is worth it).
    fn check(&mut self, clock: bool) -> Result<(), Stop> {
        self.unclocked += 1;
        let clock_due = clock || self.unclocked >= 256;
        if clock_due {
            self.unclocked = 0;
        }
        let stop = if self.iterations > MAX_ITERATIONS {
            Some(Stop::Iterations)
        } else if self.written > MAX_OUTPUT {
            Some(Stop::Output)
        } else if self.memory.held() > MAX_MEMORY {
            Some(Stop::Memory)
        } else if self.cancel.iter().any(Cancel::is_cancelled) {
            Some(Stop::Cancelled)
        } else if clock_due && self.started.elapsed() > MAX_TIME {
            Some(Stop::Time)
        } else {
            None
        };
        match stop {
            Some(stop) => {
                self.stopped.get_or_insert(stop);
                Err(stop)
            }
            None => Ok(()),
        }
    }
}

thread_local! {
    // Tera calls functions on the thread that renders, with no handle of ours: the meter of the
    // render in progress on this thread is found here. Set only inside `metered`.
    static METER: RefCell<Option<Meter>> = const { RefCell::new(None) };
}

/// Runs `render` with a fresh budget on this thread; `cancel` flags stop it early. Returns its
/// result and, if the budget stopped it, why. `notice` is printed if the render reaches
/// [`HARD_MEMORY`], which ends the process.
pub(crate) fn metered<T>(cancel: &[&Cancel], notice: String, render: impl FnOnce() -> T) -> (T, Option<Stop>) {
    let meter = Meter {
        started: Instant::now(),
        iterations: 0,
        written: 0,
        memory: memory::Watch::start(notice),
        cancel: cancel.iter().map(|c| (*c).clone()).collect(),
        stopped: None,
        unclocked: 0,
    };
    METER.with(|m| *m.borrow_mut() = Some(meter));
    let result = render();
    let stopped = METER.with(|m| m.borrow_mut().take()).and_then(|m| m.stopped);
    (result, stopped)
}

/// Counts `iterations` against the budget of the render on this thread.
pub(crate) fn spend(iterations: u64) -> Result<(), Stop> {
    METER.with(|m| match m.borrow_mut().as_mut() {
        Some(meter) => {
            meter.iterations = meter.iterations.saturating_add(iterations);
            meter.check(false)
        }
        None => Ok(()),
    })
}

/// The output of one render, checked against the budget every 64 KB.
pub(crate) struct MeteredOutput {
    pub bytes: Vec<u8>,
    next_check: usize,
}

/// Bytes written between two checks of the output budget (and the clock).
const CHECK_EVERY: usize = 64 * 1024;

impl Default for MeteredOutput {
    fn default() -> Self {
        // Most pages are a few tens of KB: start there rather than grow from nothing.
        MeteredOutput { bytes: Vec::with_capacity(32 * 1024), next_check: CHECK_EVERY }
    }
}

impl std::io::Write for MeteredOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.bytes.extend_from_slice(buf);
        if self.bytes.len() >= self.next_check {
            self.next_check = self.bytes.len() + CHECK_EVERY;
            let written = self.bytes.len() as u64;
            let over = METER.with(|m| match m.borrow_mut().as_mut() {
                Some(meter) => {
                    meter.written = written;
                    meter.check(true).is_err()
                }
                None => false,
            });
            if over {
                return Err(std::io::Error::other("template budget spent"));
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_stops_a_render_and_says_why() {
        let ((), stop) = metered(&[], String::new(), || {
            for _ in 0..MAX_ITERATIONS {
                spend(1).unwrap();
            }
            assert_eq!(spend(1), Err(Stop::Iterations));
        });
        assert_eq!(stop, Some(Stop::Iterations));
        let ((), stop) = metered(&[], String::new(), || {
            let held = vec![1u8; (MAX_MEMORY + (1 << 20)) as usize];
            assert_eq!(spend(1), Err(Stop::Memory));
            drop(held);
        });
        assert_eq!(stop, Some(Stop::Memory));
        let cancel = Cancel::default();
        cancel.cancel();
        let (result, stop) = metered(&[&cancel], String::new(), || spend(1));
        assert_eq!((result, stop), (Err(Stop::Cancelled), Some(Stop::Cancelled)));
        assert_eq!(spend(1), Ok(()), "no budget outside a render");
    }
}
