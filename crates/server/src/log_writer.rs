//! The log's writer: a request thread appends its formatted line to a shared
//! buffer and goes on; one thread writes what gathered to the sink (stderr)
//! in one system call, then pauses briefly so that the next lines gather
//! too. A line is never dropped: when the buffer holds [`CAPACITY`] bytes,
//! writers wait until the thread has taken it. [`LogWriter::close`] (or
//! dropping the [`LogGuard`]) writes what is left and stops the thread; lines
//! written after that go straight to the sink.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// How many bytes of lines wait at most before writers wait.
pub const CAPACITY: usize = 1 << 20;

/// How long the writing thread pauses after each write, gathering lines.
const PAUSE: Duration = Duration::from_millis(5);

type Sink = Box<dyn Write + Send>;

struct State {
    pending: Vec<u8>,
    closed: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when lines arrive in an empty buffer, and on close.
    filled: Condvar,
    /// Signalled when the thread takes the buffer.
    drained: Condvar,
    capacity: usize,
    /// The sink, once the thread has stopped (lines written after close).
    after_close: Mutex<Option<Sink>>,
}

/// A handle writers clone (one per log line: `MakeWriter`).
#[derive(Clone)]
pub struct LogWriter {
    shared: Arc<Shared>,
}

/// Stops the writing thread when dropped, after it has written every line.
pub struct LogGuard {
    writer: LogWriter,
    thread: Option<JoinHandle<()>>,
}

impl LogWriter {
    /// A writer to `sink` with a buffer of `capacity` bytes, and the guard
    /// that flushes it.
    pub fn start(sink: Sink, capacity: usize) -> std::io::Result<(LogWriter, LogGuard)> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State { pending: Vec::with_capacity(capacity.min(CAPACITY)), closed: false }),
            filled: Condvar::new(),
            drained: Condvar::new(),
            capacity,
            after_close: Mutex::new(None),
        });
        let writer = LogWriter { shared: shared.clone() };
        let thread = std::thread::Builder::new().name("pcentral-log".into()).spawn(move || drain(&shared, sink))?;
        Ok((writer.clone(), LogGuard { writer, thread: Some(thread) }))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The writing thread: take what gathered, write it, pause; until closed and empty.
fn drain(shared: &Shared, mut sink: Sink) {
    let mut taken = Vec::new();
    loop {
        let mut state = shared.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while state.pending.is_empty() && !state.closed {
            state = shared.filled.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let last = state.closed;
        std::mem::swap(&mut state.pending, &mut taken);
        drop(state);
        shared.drained.notify_all();
        // A log that cannot be written has nowhere to report it.
        let _ = sink.write_all(&taken).and_then(|()| sink.flush());
        taken.clear();
        if last {
            break;
        }
        std::thread::sleep(PAUSE);
    }
    *shared.after_close.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(sink);
}

impl Write for LogWriter {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let mut state = self.lock();
        while state.pending.len() >= self.shared.capacity && !state.closed {
            state = self.shared.drained.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.closed {
            drop(state);
            return loop {
                let mut sink = self.shared.after_close.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match sink.as_mut() {
                    Some(sink) => break sink.write_all(line).map(|()| line.len()),
                    // Closing: the thread is writing the last lines; this one waits for the sink.
                    None => {
                        drop(sink);
                        std::thread::yield_now();
                    }
                }
            };
        }
        let was_empty = state.pending.is_empty();
        state.pending.extend_from_slice(line);
        drop(state);
        if was_empty {
            self.shared.filled.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> LogWriter {
        self.clone()
    }
}

impl LogGuard {
    /// Write every line written so far, and stop the thread.
    pub fn close(&mut self) {
        self.writer.lock().closed = true;
        self.writer.shared.filled.notify_one();
        self.writer.shared.drained.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink whose bytes the test reads afterwards.
    #[derive(Clone, Default)]
    struct Collected(Arc<Mutex<Vec<u8>>>);

    impl Write for Collected {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Collected {
        fn text(&self) -> String {
            self.0.lock().map(|v| String::from_utf8_lossy(&v).into_owned()).unwrap_or_default()
        }
    }

    #[test]
    fn a_full_buffer_makes_writers_wait_and_no_line_is_lost() -> std::io::Result<()> {
        let sink = Collected::default();
        // A buffer smaller than two lines: nearly every line waits for the thread.
        let (writer, mut guard) = LogWriter::start(Box::new(sink.clone()), 16)?;
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let mut w = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..200 {
                        let _ = w.write_all(format!("thread {t} line {i}\n").as_bytes());
                    }
                })
            })
            .collect();
        for t in threads {
            let _ = t.join();
        }
        guard.close();
        let text = sink.text();
        assert_eq!(text.lines().count(), 800);
        for t in 0..4 {
            let mine: Vec<&str> = text.lines().filter(|l| l.starts_with(&format!("thread {t} "))).collect();
            let expected: Vec<String> = (0..200).map(|i| format!("thread {t} line {i}")).collect();
            assert_eq!(mine, expected, "each thread's lines arrive whole and in order");
        }
        Ok(())
    }

    #[test]
    fn closing_writes_what_is_left_and_later_lines_go_straight_to_the_sink() -> std::io::Result<()> {
        let sink = Collected::default();
        let (mut writer, guard) = LogWriter::start(Box::new(sink.clone()), CAPACITY)?;
        writer.write_all(b"before\n")?;
        drop(guard);
        assert_eq!(sink.text(), "before\n");
        writer.write_all(b"after\n")?;
        assert_eq!(sink.text(), "before\nafter\n");
        Ok(())
    }
}
