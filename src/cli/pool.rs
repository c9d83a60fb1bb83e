//! Byte buffers handed round between threads instead of freed and allocated again.
//!
//! Under `-j`, a page is read into a buffer on one thread and cleaned on another, and its
//! cleaned text goes back the other way to be written. glibc frees a buffer that another
//! thread allocated under that thread's arena lock, and the two threads then contend for
//! it. With the buffers going round through this pool, a buffer is freed, if at all, by
//! the thread that allocated it: what an allocator built for cross-thread frees
//! (`mimalloc`) would give, without the dependency (see docs/performance.md).
//!
//! Buffers are kept by size class (powers of two) and handed out for a size, so a buffer
//! is less than four times the size it was taken for: a stream of tiny pages does not hold
//! a large buffer each, which the in-flight bound (counted in page bytes) would not see.

use std::sync::Mutex;

/// A bounded pool of empty byte buffers.
#[derive(Debug, Default)]
pub struct Pool {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// `classes[k]` holds buffers of capacity `2^k` up to `2^(k+1) - 1`.
    classes: [Vec<Vec<u8>>; CLASSES],
    /// Capacity of the buffers kept, in bytes.
    bytes: usize,
}

/// The pool keeps at most this many bytes of buffers, so its memory is bounded...
const MAX_BYTES: usize = 4 << 20;
/// ...and no buffer bigger than this (a huge page's buffer is freed, not kept).
const MAX_BUFFER: usize = 256 << 10;
const CLASSES: usize = MAX_BUFFER.trailing_zeros() as usize + 1;

impl Pool {
    /// An empty buffer with room for at least `size` bytes: one given back earlier, of
    /// less than twice `size` rounded up to a power of two, or a new one of that power.
    pub fn take(&self, size: usize) -> Vec<u8> {
        let size = size.max(1).next_power_of_two();
        let class = size.trailing_zeros() as usize;
        if class < CLASSES {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(b) = inner.classes[class].pop() {
                inner.bytes -= b.capacity();
                return b;
            }
        }
        Vec::with_capacity(size)
    }

    /// Give a buffer back (its contents are dropped). Past the pool's bounds it is freed.
    pub fn give(&self, mut buf: Vec<u8>) {
        let cap = buf.capacity();
        if cap == 0 || cap > MAX_BUFFER {
            return;
        }
        let class = cap.ilog2() as usize;
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.bytes + cap <= MAX_BYTES {
            buf.clear();
            inner.bytes += cap;
            inner.classes[class].push(buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_fit_what_they_are_taken_for_and_the_pool_stays_bounded() {
        let pool = Pool::default();
        let mut b = pool.take(5000);
        assert_eq!(b.capacity(), 8192);
        b.extend_from_slice(b"page text");
        pool.give(b);
        // Given back, it serves a request of its class, empty; not a smaller or larger one.
        assert_eq!(pool.take(100).capacity(), 128);
        assert_eq!(pool.take(9000).capacity(), 16384);
        let again = pool.take(4097);
        assert!(again.is_empty());
        assert_eq!(again.capacity(), 8192);
        assert_eq!(
            pool.take(8192).capacity(),
            8192,
            "a new one: only one was given back"
        );

        // A buffer over the size bound is not kept.
        pool.give(Vec::with_capacity(MAX_BUFFER + 1));
        assert_eq!(pool.take(MAX_BUFFER + 1).capacity(), MAX_BUFFER * 2);

        // Nor more bytes than the pool's bound.
        for _ in 0..MAX_BYTES / MAX_BUFFER + 5 {
            pool.give(Vec::with_capacity(MAX_BUFFER));
        }
        let kept = pool.inner.lock().unwrap().bytes;
        assert!(
            (MAX_BYTES - MAX_BUFFER..=MAX_BYTES).contains(&kept),
            "{kept}"
        );
    }
}
