//! A global sequence of moments, so a test can assert what happened before what without
//! asserting any duration.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

/// The next moment: later calls, from any thread, get larger numbers.
pub fn tick() -> u64 {
    NEXT.fetch_add(1, Ordering::SeqCst)
}
