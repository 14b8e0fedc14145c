//! Interrupts: SIGINT, SIGTERM and SIGHUP end a run after its temporary files are removed.
//!
//! The signals are blocked in every thread and taken by one thread of their own with `sigwait`, so the clean-up
//! runs as ordinary code, not in a signal handler: it waits for a set of outputs being committed to be complete
//! (see [`nianbao::write::output::abandon_all`]), removes the temporary files, and exits with the status a shell
//! gives a process killed by that signal (130 for SIGINT). A signal the caller had ignored (`nohup`) stays ignored.

/// Routes the interrupt signals to the clean-up thread. Called first thing in `main`, before any other thread
/// starts, since threads inherit the blocked set.
pub fn install() {
    #[cfg(unix)]
    unix::install();
}

#[cfg(unix)]
mod unix {
    use std::mem::MaybeUninit;

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    pub fn install() {
        // SAFETY: the set is initialised by sigemptyset before use; the calls only read and write it and the
        // calling thread's mask.
        let set = unsafe {
            let mut set = MaybeUninit::<libc::sigset_t>::uninit();
            libc::sigemptyset(set.as_mut_ptr());
            let mut set = set.assume_init();
            for signal in SIGNALS.into_iter().filter(|&s| !is_ignored(s)) {
                libc::sigaddset(&mut set, signal);
            }
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
                return;
            }
            set
        };
        let spawned = std::thread::Builder::new().name("interrupts".into()).spawn(move || loop {
            let mut signal: libc::c_int = 0;
            // SAFETY: `set` is a valid signal set and `signal` a valid place for the answer.
            if unsafe { libc::sigwait(&set, &mut signal) } == 0 {
                nianbao::write::output::abandon_all();
                std::process::exit(128 + signal);
            }
        });
        if spawned.is_err() {
            // No thread to take them: let the signals act as before.
            // SAFETY: as above.
            unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
        }
    }

    /// Whether the signal's disposition is "ignore" (inherited from `nohup` or a shell's background job).
    fn is_ignored(signal: libc::c_int) -> bool {
        let mut old = MaybeUninit::<libc::sigaction>::uninit();
        // SAFETY: a null new action only queries the current one into `old`.
        let ok = unsafe { libc::sigaction(signal, std::ptr::null(), old.as_mut_ptr()) } == 0;
        // SAFETY: initialised by a successful sigaction.
        ok && unsafe { old.assume_init() }.sa_sigaction == libc::SIG_IGN
    }
}
