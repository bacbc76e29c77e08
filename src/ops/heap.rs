//! Tuning of glibc's allocator for a process that holds the 100,000-hazard store (issue 14:
//! every command and the TUI within 80 MB resident). Called once, before any thread starts.

/// Gives the heap's free pages back to the system (glibc's `malloc_trim`): glibc returns only
/// the free top of a heap by itself, not free pages between blocks still used. Called after
/// sled's open (which reads its snapshot and lets it go) and after the register's rows are
/// read (each row's fields first decoded into strings of their own): at 100,000 hazards the
/// TUI's home 71 → 61 MB resident (tmux 120×35, release). A few milliseconds; elsewhere it
/// does nothing.
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of glibc's heaps; any pad is accepted.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Limits glibc to `arenas` heaps and fixes its trim threshold at 128 KB (glibc's initial one).
///
/// - Heaps ("arenas"): by default glibc gives each thread a heap of its own (up to eight per
///   core), and what one thread frees stays in its heap, unusable by the others: the memory
///   sled frees at close was not reused by the export's writer threads, nor what the TUI's
///   worker frees by its UI thread. The export uses 1, the TUI and every other command 2.
/// - Trim threshold: left alone, glibc raises it to the size of each large block freed (sled's
///   16 MB snapshot buffer at open), so later large blocks (XLSX buffers, the register's row
///   vectors) come from the heap and leave holes when freed instead of going back to the system.
///
/// Measured at 100,000 hazards (release, same minutes, load 5–8): XLSX export 128–131 → 84 MB,
/// CSV 87 → 84 MB; TUI home 72 → 65 MB, register open 157 → 141 MB before its compact rows;
/// `sync` importing 106,824 events 81–89 → 59–61 MB, for about 5 % more CPU.
/// Other libcs (musl) and systems have neither tunable: nothing happens there.
pub fn lean_heap(arenas: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets tunables of glibc's allocator; both values are accepted.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas.max(1));
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = arenas;
}
