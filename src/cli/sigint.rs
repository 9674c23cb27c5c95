//! Ctrl-C during collection.

use crate::collect::{Cancel, CancelTrigger};
use crate::error::{Error, Result};

/// A cancel raised by the first SIGINT (calls give up, the facts so far are kept and
/// written). A second one leaves at once, as a user pressing Ctrl-C twice expects. A plain
/// thread on signal-hook's self-pipe (tokio's signal support would rebuild every SDK crate
/// with another tokio feature set for this one handler).
pub fn cancel_on_sigint() -> Result<Cancel> {
    let (cancel, trigger) = Cancel::new();
    listen(trigger)?;
    Ok(cancel)
}

fn listen(trigger: CancelTrigger) -> Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT])
        .map_err(|e| Error::Usage(format!("cannot listen for SIGINT: {e}")))?;
    std::thread::Builder::new()
        .name("msgready-sigint".into())
        .spawn(move || {
            for _ in signals.forever() {
                if trigger.is_raised() {
                    std::process::exit(i32::from(super::INTERRUPTED));
                }
                eprintln!(
                    "msgready: interrupted: finishing with the facts gathered so far (Ctrl-C again to quit now)"
                );
                trigger.raise();
            }
        })
        .map_err(|e| Error::Usage(format!("cannot listen for SIGINT: {e}")))?;
    Ok(())
}
