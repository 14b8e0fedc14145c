//! Sending a file's data to disk while it is still being written, so that the sync of
//! [`Staged::commit`](super::output::Staged::commit) at the end finds little left to wait for.
//!
//! `bulk` writes tens of megabytes of CSV over a batch and syncs them only once every report is read. Left to
//! the end, that sync waits for all of the data to be written and for the disk to make it durable (on a virtual
//! disk, its host's cache to be flushed), with nothing else left to do. A [`Writeback`] starts writing each
//! stretch of a file as soon as it is complete, and makes it durable on a thread of its own, while the batch
//! goes on. It is only ahead of time: the commit still syncs every file before putting it in place.

use std::fs::File;
use std::thread::JoinHandle;

use crossbeam_channel::{unbounded, Sender};

/// Stretches of files being written and made durable in the background. Each file is named by a number of the
/// caller's (its index among the outputs), by which an error is reported.
pub struct Writeback {
    /// The syncs still to do, each a second handle to its file; `None` once finished, or if no thread could start
    /// (then writing still starts at once, and only the commit waits for it).
    syncs: Option<Sender<(usize, File)>>,
    worker: Option<JoinHandle<Option<(usize, std::io::Error)>>>,
}

impl Writeback {
    /// Starts the thread that makes the stretches durable.
    pub fn start() -> Writeback {
        let (syncs, queue) = unbounded::<(usize, File)>();
        let worker = std::thread::Builder::new().name("writeback".into()).spawn(move || {
            let mut first_error = None;
            for (id, file) in queue {
                if let Err(e) = file.sync_data() {
                    first_error.get_or_insert((id, e));
                }
            }
            first_error
        });
        match worker {
            Ok(worker) => Writeback { syncs: Some(syncs), worker: Some(worker) },
            Err(_) => Writeback { syncs: None, worker: None },
        }
    }

    /// Starts writing `len` bytes of `file` from `offset` (to the end of the file if `len` is 0) to disk without
    /// waiting for them, and has them made durable in the background.
    pub fn send(&self, id: usize, file: &File, offset: u64, len: u64) {
        start_writing(file, offset, len);
        if let (Some(syncs), Ok(handle)) = (&self.syncs, file.try_clone()) {
            // The worker only stops when `syncs` is dropped: a send cannot fail while it is held.
            let _ = syncs.send((id, handle));
        }
    }

    /// Waits for every sync sent, and returns the first that failed with its file's number. A failure must stop
    /// the commit: the handles share the file's error state, so the commit's own sync might not see it again.
    pub fn finish(mut self) -> Result<(), (usize, std::io::Error)> {
        match self.wait() {
            Some(failed) => Err(failed),
            None => Ok(()),
        }
    }

    fn wait(&mut self) -> Option<(usize, std::io::Error)> {
        self.syncs.take();
        self.worker.take().and_then(|worker| worker.join().ok().flatten())
    }
}

impl Drop for Writeback {
    /// A batch that stops early still waits for its syncs, which end on their own: no thread outlives it.
    fn drop(&mut self) {
        self.wait();
    }
}

/// Starts writing a range of `file` to disk, without waiting. Only a hint: where the system has no such call, or
/// refuses it, nothing happens.
fn start_writing(file: &File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(offset), Ok(len)) = (libc::off64_t::try_from(offset), libc::off64_t::try_from(len)) else {
            return;
        };
        // SAFETY: the descriptor is open for as long as `file` is borrowed; the call reads no memory of ours.
        let _ = unsafe { libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    #[test]
    fn stretches_sent_in_the_background_are_the_file_s_data() {
        let mut file = tempfile::tempfile().expect("temporary file");
        let writeback = Writeback::start();
        let mut written = 0u64;
        for stretch in 0..5u8 {
            let bytes = vec![b'a' + stretch; 1000 + usize::from(stretch)];
            file.write_all(&bytes).expect("written");
            writeback.send(7, &file, written, bytes.len() as u64);
            written += bytes.len() as u64;
        }
        writeback.send(7, &file, written, 0);
        writeback.finish().expect("every sync succeeds");
        let mut back = Vec::new();
        file.rewind().expect("rewound");
        file.read_to_end(&mut back).expect("read");
        assert_eq!(back.len() as u64, written);
        assert!(back.starts_with(&[b'a'; 1000]) && back.ends_with(&[b'e'; 1004]));
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_sync_is_returned_with_its_file() {
        // A pipe cannot be synced: its failure stands for a disk that refuses the data.
        let (reader, _writer) = std::io::pipe().expect("pipe");
        let file = File::from(std::os::fd::OwnedFd::from(reader));
        let writeback = Writeback::start();
        writeback.send(3, &file, 0, 0);
        let (id, _) = writeback.finish().expect_err("a pipe's data cannot be made durable");
        assert_eq!(id, 3);
    }
}
