//! SIGINT: a cancel every pending call races, so a collection ends promptly with what it has.

/// Raised by SIGINT: every call not yet answered gives up and is recorded as interrupted, so
/// the collection ends promptly with what it has (sections it could not finish stay missing
/// and come out `not_assessed`, never `pass`).
#[derive(Debug, Clone)]
pub struct Cancel(tokio::sync::watch::Receiver<bool>);

/// The one handle that raises a [`Cancel`].
#[derive(Debug)]
pub struct CancelTrigger(tokio::sync::watch::Sender<bool>);

impl Cancel {
    pub fn new() -> (Cancel, CancelTrigger) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (Cancel(rx), CancelTrigger(tx))
    }

    /// A cancel that is never raised (its trigger is gone).
    pub fn never() -> Cancel {
        Cancel::new().0
    }

    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes when raised; never when the trigger was dropped unraised.
    pub async fn raised(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(|v| *v).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Runs `work` unless the cancel is raised first (`None` then).
    pub async fn race<T>(&self, work: impl std::future::Future<Output = T>) -> Option<T> {
        tokio::select! {
            biased;
            _ = self.raised() => None,
            out = work => Some(out),
        }
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::never()
    }
}

impl CancelTrigger {
    pub fn raise(&self) {
        self.0.send_replace(true);
    }

    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }
}
