//! Runs a [`ServiceControl`] on its own thread: polls the state every few seconds and
//! carries out start, stop and restart requests without blocking the caller.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{ServiceControl, ServiceError, ServiceState};

/// How often the state is polled.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// A command for the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Start it.
    Start,
    /// Stop it.
    Stop,
    /// Stop it if it runs, then start it.
    Restart,
    /// Read the state now.
    Refresh,
}

impl Request {
    /// The verb, for messages.
    #[must_use]
    pub fn verb(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
            Self::Refresh => "refresh",
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What was asked.
    pub request: Request,
    /// What happened.
    pub result: Result<(), ServiceError>,
    /// The state afterwards.
    pub state: ServiceState,
}

#[derive(Debug)]
struct Shared {
    state: ServiceState,
    busy: Option<Request>,
    outcomes: Vec<Outcome>,
    polls: u64,
}

/// A service control running on a background thread.
pub struct ServiceMonitor {
    requests: Sender<Request>,
    shared: Arc<Mutex<Shared>>,
    describe: String,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ServiceMonitor {
    /// Starts the thread; `on_change` runs there after every state change or finished request.
    #[must_use]
    pub fn spawn(
        mut control: Box<dyn ServiceControl>,
        interval: Duration,
        on_change: impl Fn() + Send + 'static,
    ) -> Self {
        let describe = control.describe();
        let shared = Arc::new(Mutex::new(Shared {
            state: ServiceState::Unknown("checking…".into()),
            busy: None,
            outcomes: Vec::new(),
            polls: 0,
        }));
        let (requests, receiver) = mpsc::channel::<Request>();
        let thread_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new().name("service-monitor".into()).spawn(move || {
            let mut next = Some(Request::Refresh);
            loop {
                let request = match next.take() {
                    Some(request) => request,
                    None => match receiver.recv_timeout(interval) {
                        Ok(request) => request,
                        Err(RecvTimeoutError::Timeout) => Request::Refresh,
                        Err(RecvTimeoutError::Disconnected) => return,
                    },
                };
                if request != Request::Refresh {
                    lock(&thread_shared).busy = Some(request);
                    on_change();
                }
                let result = match request {
                    Request::Start => control.start(),
                    Request::Stop => control.stop(),
                    Request::Restart => control.restart(),
                    Request::Refresh => Ok(()),
                };
                let state = control.state();
                let changed = {
                    let mut shared = lock(&thread_shared);
                    shared.polls += 1;
                    let changed = shared.state != state || request != Request::Refresh;
                    shared.state = state.clone();
                    shared.busy = None;
                    if request != Request::Refresh {
                        shared.outcomes.push(Outcome { request, result, state });
                    }
                    changed
                };
                if changed {
                    on_change();
                }
            }
        });
        if let Err(e) = spawned {
            lock(&shared).state = ServiceState::Unknown(format!("cannot start the service monitor: {e}"));
        }
        Self { requests, shared, describe }
    }

    /// What is being controlled.
    #[must_use]
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// The last state read.
    #[must_use]
    pub fn state(&self) -> ServiceState {
        lock(&self.shared).state.clone()
    }

    /// The request being carried out, if any.
    #[must_use]
    pub fn busy(&self) -> Option<Request> {
        lock(&self.shared).busy
    }

    /// How many times the state has been read so far.
    #[must_use]
    pub fn polls(&self) -> u64 {
        lock(&self.shared).polls
    }

    /// Asks for `request`; its outcome arrives through [`ServiceMonitor::take_outcomes`].
    pub fn request(&self, request: Request) {
        let _ = self.requests.send(request);
    }

    /// Finished requests since the last call.
    pub fn take_outcomes(&self) -> Vec<Outcome> {
        std::mem::take(&mut lock(&self.shared).outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// An in-memory service: what cannot exist here is a real proxy; the real routes are
    /// tested against real processes in tests/service.rs.
    struct Toggle(ServiceState);

    impl ServiceControl for Toggle {
        fn describe(&self) -> String {
            "toggle".into()
        }
        fn state(&mut self) -> ServiceState {
            self.0.clone()
        }
        fn start(&mut self) -> Result<(), ServiceError> {
            self.0 = ServiceState::Running;
            Ok(())
        }
        fn stop(&mut self) -> Result<(), ServiceError> {
            self.0 = ServiceState::Stopped;
            Ok(())
        }
    }

    fn wait(monitor: &ServiceMonitor, done: impl Fn(&ServiceMonitor) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(monitor) {
            assert!(Instant::now() < deadline, "timed out; state {:?}", monitor.state());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn requests_run_off_the_caller_thread_and_report_back() {
        let monitor = ServiceMonitor::spawn(Box::new(Toggle(ServiceState::Stopped)), Duration::from_millis(50), || {});
        wait(&monitor, |m| m.state() == ServiceState::Stopped);
        monitor.request(Request::Start);
        wait(&monitor, |m| m.state() == ServiceState::Running);
        let outcomes = monitor.take_outcomes();
        assert_eq!(outcomes.len(), 1);
        assert_eq!(outcomes[0].request, Request::Start);
        assert_eq!(outcomes[0].result, Ok(()));
        let polled = monitor.polls();
        wait(&monitor, |m| m.polls() >= polled + 2);
        monitor.request(Request::Restart);
        wait(&monitor, |m| !m.take_outcomes().is_empty());
        assert_eq!(monitor.state(), ServiceState::Running);
    }
}
