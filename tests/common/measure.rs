//! Running the binary with a deadline and measuring it: wall time and peak memory of that one child process (its
//! own resource usage from `wait4`, not the test process's), so that a hostile input's bounds are checked where
//! they matter.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a run ended and what it cost.
#[derive(Debug)]
pub struct Measured {
    /// The exit code, or `None` when a signal ended it (or the deadline did).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub seconds: f64,
    /// Peak resident memory of the child, in megabytes.
    pub peak_mb: f64,
    /// The deadline passed and the child was killed.
    pub timed_out: bool,
}

/// Runs the binary with `args` in `dir`, killing it after `deadline`. Output goes through files, so a child that
/// writes a lot never blocks on a pipe.
pub fn run_measured(dir: &Path, args: &[&std::ffi::OsStr], deadline: Duration) -> Measured {
    let out_path = dir.join(format!(".measure-{}.out", std::process::id()));
    let err_path = dir.join(format!(".measure-{}.err", std::process::id()));
    let out = std::fs::File::create(&out_path).expect("stdout file");
    let err = std::fs::File::create(&err_path).expect("stderr file");
    // Reaped with `wait4` below, which also reports this child's own resource usage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(super::bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("binary runs");
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: valid pointers to the status and usage; the pid is our child, not yet reaped.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        assert!(reaped == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if start.elapsed() > deadline && !timed_out {
            timed_out = true;
            // SAFETY: signalling our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let seconds = start.elapsed().as_secs_f64();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let (stdout, stderr) = (read(&out_path), read(&err_path));
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    // ru_maxrss is in kilobytes on Linux.
    let peak_mb = usage.ru_maxrss as f64 / 1024.0;
    Measured { code, stdout, stderr, seconds, peak_mb, timed_out }
}

/// `run_measured` with string arguments.
pub fn run_bounded(dir: &Path, args: &[&str], deadline: Duration) -> Measured {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    run_measured(dir, &args, deadline)
}
