//! `-j`: how many threads the binary works on, and the ordered map they run
//! ([`clean::parallel`], the one way work is fanned out; the library's suggest counter
//! uses it too, so it lives there).

pub use clean::parallel::{map_slice, ordered_map, ordered_map_batched, ordered_map_live, Flow};

/// The number of worker threads for `-j 0` / no `-j`: every available core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `-j` is capped at this: threads beyond the cores only hold more pages in memory, and
/// the system may refuse to start tens of thousands of them.
pub const MAX_JOBS: usize = 256;
