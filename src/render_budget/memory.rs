//! Memory a render holds, counted where it is allocated.
//!
//! A template can build a huge value with few loop iterations (`{% set_global s = s ~ s %}`
//! forty times is a terabyte), and a list that references itself twice per iteration prints as
//! text of exponential size in a single expression. Only the allocator sees that memory grow, so
//! Pedoman's allocator counts, per thread, the bytes allocated and not yet freed:
//! - at every checkpoint of the budget, a render holding more than [`MAX_MEMORY`] is stopped with
//!   an error like the other limits;
//! - between checkpoints, a render that reaches [`HARD_MEMORY`] cannot be stopped cleanly (an
//!   allocation cannot fail on stable Rust without aborting), so the allocator prints what
//!   happened, naming the template, and ends the process before the machine runs out of memory.
//!   A build's previous output is untouched; `serve` has to be started again.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::io::Write;

/// Bytes a render may hold at a checkpoint.
pub(crate) const MAX_MEMORY: u64 = 512 << 20;
/// Bytes at which a render ends the process, checkpoint or not.
pub(crate) const HARD_MEMORY: u64 = 2 << 30;

thread_local! {
    /// Bytes this thread has allocated and not freed (memory freed by another thread than the
    /// one that allocated it makes this drift, which only matters across a render).
    static HELD: Cell<i64> = const { Cell::new(0) };
    /// While a render runs on this thread, the `HELD` at which the process stops.
    static CEILING: Cell<i64> = const { Cell::new(i64::MAX) };
    /// While a render runs on this thread, what to print when it reaches the ceiling: a pointer
    /// into a string that lives as long as the render (see `Watch`).
    static NOTICE: Cell<(*const u8, usize)> = const { Cell::new((std::ptr::null(), 0)) };
}

/// Asks Linux for this process's memory in 4 KiB pages. mimalloc asks for transparent huge
/// pages on its 1 GiB arena (`madvise(MADV_HUGEPAGE)`), and each 2 MiB page is zeroed whole on
/// first touch and held whole: a 1,000-page build peaked at 101–121 MiB instead of 53–68, and a
/// 50,000-page build at 1,391–1,409 MiB instead of 1,302–1,304, and 1.5 s slower. Called
/// first thing in `main`, before the build allocates (only what the runtime touched before
/// `main` may stay in huge pages); processes Pedoman starts (git, the browser of
/// `serve --open`) inherit it.
pub fn use_small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// The allocator: mimalloc, counting. Not glibc's: a build frees millions of small strings
/// while other threads allocate (each page's text, once indexed), and glibc's recycling of
/// them took 14% of a 10,000-page build's CPU samples (`_int_malloc`, `malloc_consolidate`);
/// with mimalloc the build is faster and its peak at 50,000 pages lower (BENCHMARKS.md).
pub(super) struct Counting;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// SAFETY: every call goes to `MiMalloc` unchanged; the counting around it touches only this
// thread's `Cell`s (const-initialised, no destructor, so usable at any time) and never unwinds.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        mimalloc::MiMalloc.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        mimalloc::MiMalloc.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        mimalloc::MiMalloc.dealloc(ptr, layout);
        count(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        mimalloc::MiMalloc.realloc(ptr, layout, new_size)
    }
}

fn count(bytes: i64) {
    let held = HELD.with(|h| {
        let held = h.get().wrapping_add(bytes);
        h.set(held);
        held
    });
    if bytes > 0 && held > CEILING.with(Cell::get) {
        stop_now();
    }
}

/// The render on this thread reached [`HARD_MEMORY`]: says so and ends the process.
#[cold]
fn stop_now() -> ! {
    CEILING.with(|c| c.set(i64::MAX));
    let (ptr, len) = NOTICE.with(Cell::get);
    // SAFETY: set by `Watch::start` from a string that outlives the watch, cleared by its drop.
    let notice = if ptr.is_null() { &[][..] } else { unsafe { std::slice::from_raw_parts(ptr, len) } };
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(notice);
    let _ = err.write_all(b"\n");
    std::process::exit(1);
}

/// Counts what one render holds, from its start until dropped.
pub(super) struct Watch {
    start: i64,
    /// Keeps the notice alive while `NOTICE` points into it.
    _notice: Box<str>,
}

impl Watch {
    /// Starts counting on this thread; `notice` is printed if the render reaches [`HARD_MEMORY`].
    pub(super) fn start(notice: String) -> Watch {
        let notice = notice.into_boxed_str();
        let start = HELD.with(Cell::get);
        NOTICE.with(|n| n.set((notice.as_ptr(), notice.len())));
        CEILING.with(|c| c.set(start.saturating_add(HARD_MEMORY as i64)));
        Watch { start, _notice: notice }
    }

    /// Bytes allocated on this thread since the start and not freed.
    pub(super) fn held(&self) -> u64 {
        HELD.with(Cell::get).saturating_sub(self.start).max(0) as u64
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        CEILING.with(|c| c.set(i64::MAX));
        NOTICE.with(|n| n.set((std::ptr::null(), 0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_holds_what_it_allocated_and_kept() {
        let watch = Watch::start("unused".into());
        let kept = vec![0u8; 10 << 20];
        drop(vec![0u8; 50 << 20]);
        let held = watch.held();
        assert!((10 << 20..11 << 20).contains(&held), "{held}");
        drop(kept);
        assert!(watch.held() < 1 << 20);
    }
}
