//! Big state is freed off the UI thread.
//!
//! Leaving the register of 100,000 findings frees 100,000 rows and their strings: 70–100 ms on
//! the office machine, done inside `update` it was the longest frame gap of the loop (issue 11,
//! `benches/frame_gaps.rs` "home again"). Such values are handed to a short-lived thread to
//! drop instead. Small values are dropped where they are: a thread costs more than they do.

/// Values with at least this many elements are dropped on their own thread.
pub const OFF_THREAD_AT: usize = 4096;

/// Drops `rows` here when it is small, else on a new thread (which ends when it is done). If no
/// thread can be started the rows are dropped here, as before.
pub fn drop_rows<T: Send + 'static>(rows: Vec<T>) {
    if rows.len() < OFF_THREAD_AT {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("xuncha-free".into())
        .spawn(move || {
            lower_this_thread();
            drop(rows);
        });
}

/// Lets go of rows shared with the worker ([`super::app::RegisterRows`]): when this was the
/// last holder, they are dropped as [`drop_rows`] drops them.
pub fn drop_shared_rows<T: Send + Sync + 'static>(rows: std::sync::Arc<Vec<T>>) {
    if let Ok(rows) = std::sync::Arc::try_unwrap(rows) {
        drop_rows(rows);
    }
}

/// Lowers the calling thread's scheduling priority (its nice value plus 5, on Linux) so that, on a
/// two-core machine, the UI thread is run first when the worker and the threads it starts
/// (bundle loading, signature checks) want both cores: the screen keeps drawing while a sync
/// imports. Threads started from the caller inherit it. Elsewhere it does nothing.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority with PRIO_PROCESS and this thread's id only changes this thread's
    // nice value (on Linux the nice value is per thread); it touches no memory of ours.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        // -1 is also a valid nice value, so errno would tell an error apart; on an error
        // the thread just keeps its priority, which is what -1 + 5 = 4 comes close to anyway.
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid, (now + 5).min(19));
    }
}
