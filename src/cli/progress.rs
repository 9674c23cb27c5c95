//! The progress display on stderr while collecting: one line per Region with calls per
//! service, throttles met and failed operations. Only on a terminal; silent otherwise (CI logs
//! and redirected output stay clean).

use crate::collect::{Observer, Recorder};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A running display; [`Progress::finish`] erases it.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts the display when stderr is a terminal.
pub fn start(recorder: Recorder, regions: Vec<String>) -> Option<Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        let mut drawn = 0usize;
        loop {
            let done = flag.load(Ordering::Relaxed);
            let lines = if done {
                Vec::new()
            } else {
                render(&recorder, &regions)
            };
            let mut err = std::io::stderr().lock();
            // Back to the first line drawn last time, clearing as we go.
            for _ in 0..drawn {
                let _ = write!(err, "\x1b[1A\x1b[2K");
            }
            for l in &lines {
                let _ = writeln!(err, "{l}");
            }
            let _ = err.flush();
            drawn = lines.len();
            if done {
                break;
            }
            drop(err);
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    Some(Progress {
        stop,
        thread: Some(thread),
    })
}

impl Progress {
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The lines of one frame: `us-east-1   ses 12 · sms-voice 40 · ...   throttled 2 · failed 1`.
pub fn render(recorder: &Recorder, regions: &[String]) -> Vec<String> {
    let totals = recorder.totals();
    let mut order: Vec<String> = regions.to_vec();
    order.push(crate::collect::GLOBAL.to_string());
    order
        .iter()
        .map(|region| {
            let mut parts = Vec::new();
            let (mut throttles, mut failed) = (0, 0);
            for ((r, service), (calls, t, f)) in &totals {
                if r == region {
                    parts.push(format!("{service} {calls}"));
                    throttles += t;
                    failed += f;
                }
            }
            let mut line = format!(
                "  {region:<15} {}",
                if parts.is_empty() {
                    "waiting".to_string()
                } else {
                    parts.join(" · ")
                }
            );
            if throttles > 0 {
                line.push_str(&format!("  throttled {throttles}"));
            }
            if failed > 0 {
                line.push_str(&format!("  failed {failed}"));
            }
            line
        })
        .collect()
}

/// The CLI's view of a collection: news lines on stderr, and the progress display of a
/// single-account collection while it runs.
#[derive(Default)]
pub struct Terminal {
    shown: std::sync::Mutex<Option<Progress>>,
}

impl Observer for Terminal {
    fn note(&self, line: String) {
        eprintln!("msgready: {line}");
    }

    fn watch(&self, recorder: &Recorder, regions: &[String]) {
        let p = start(recorder.clone(), regions.to_vec());
        *self.shown.lock().unwrap_or_else(|e| e.into_inner()) = p;
    }

    fn done(&self) {
        let p = self.shown.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(p) = p {
            p.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::service::Service;

    #[test]
    fn frame_shows_calls_throttles_and_failures_per_region() {
        let r = Recorder::default();
        r.ok(Service::Ses, "us-east-1", "GetAccount");
        r.ok(Service::Ses, "us-east-1", "ListEmailIdentities");
        r.throttle(Service::SmsVoice, "us-east-1", "DescribePools");
        r.ok(Service::SmsVoice, "us-east-1", "DescribePools");
        r.failed(
            Service::Iam,
            "global",
            "GetRole",
            crate::model::facts::FailureReason::AccessDenied,
            "x".into(),
        );
        let lines = render(&r, &["us-east-1".into(), "us-west-2".into()]);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].contains("us-east-1"));
        assert!(lines[0].contains("ses 2 · sms-voice 1"));
        assert!(lines[0].contains("throttled 1"));
        assert!(lines[1].contains("us-west-2") && lines[1].contains("waiting"));
        assert!(lines[2].contains("iam 1") && lines[2].contains("failed 1"));
    }
}
