//! The bench binary's allocator: mimalloc, as in the services, counting the bytes it holds
//! (the `cap` crate's counter), so `bench core` can say how much memory the dedup index keeps
//! per article.
//!
//! The resident set does not say it once the allocator is not glibc's: mimalloc reuses the
//! pages the tagger's start-up freed, so the resident set hardly grows while the index does.
//! The count is of the bytes requested and not yet freed (mimalloc's size classes round small
//! blocks up by at most an eighth), at the cost of one atomic add per allocation.

use cap::Cap;
use mimalloc::MiMalloc;
use std::sync::OnceLock;

/// The counting allocator the bench binary installs (`#[global_allocator]` in `main.rs`).
pub type CountingAllocator = Cap<MiMalloc>;

/// A [`CountingAllocator`] without a limit.
pub const fn counting_allocator() -> CountingAllocator {
    Cap::new(MiMalloc, usize::MAX)
}

static INSTALLED: OnceLock<&'static CountingAllocator> = OnceLock::new();

/// Says which allocator counts (the binary's global one), so [`held_bytes`] can read it.
pub fn install(allocator: &'static CountingAllocator) {
    let _ = INSTALLED.set(allocator);
}

/// The bytes the allocator holds now, once [`install`] said which (`None` otherwise, e.g. in
/// the library's tests).
pub fn held_bytes() -> Option<u64> {
    INSTALLED
        .get()
        .map(|allocator| allocator.allocated() as u64)
}
