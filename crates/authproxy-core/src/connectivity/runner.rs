//! Runs every probe at once on tokio, each bounded by its own time limit, streaming events.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::plan::{Probe, ProbeTarget};
use super::{duo, ldap, net, radius, ProbeResult, Problem, StepKind, StepOutcome, StepResult, Verdict};
use crate::secrets::Protector;

/// What the run reports while it goes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A probe began.
    Started {
        /// Its index in the plan.
        index: usize,
    },
    /// A step began.
    StepStarted {
        /// The probe's index.
        index: usize,
        /// Which step.
        step: StepKind,
    },
    /// A step ended.
    Step {
        /// The probe's index.
        index: usize,
        /// How.
        result: StepResult,
    },
    /// A probe ended.
    Finished {
        /// The probe's index.
        index: usize,
        /// Its result.
        result: Box<ProbeResult>,
    },
}

/// Where events go.
pub type EventSink = Arc<dyn Fn(Event) + Send + Sync>;

/// Cancels a run from any thread.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<(AtomicBool, Notify)>);

impl Cancel {
    /// Stops every probe still running; they end as cancelled.
    pub fn cancel(&self) {
        self.0 .0.store(true, Ordering::SeqCst);
        self.0 .1.notify_waiters();
    }

    /// Whether [`Cancel::cancel`] was called.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.0 .0.load(Ordering::SeqCst)
    }

    async fn cancelled(&self) {
        loop {
            let notified = self.0 .1.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// A step that has begun.
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    kind: StepKind,
    started: Instant,
}

impl Pending {
    /// Which step.
    #[must_use]
    pub fn kind(self) -> StepKind {
        self.kind
    }
}

#[derive(Default)]
struct LogState {
    steps: Vec<StepResult>,
    pending: Option<Pending>,
}

/// Records a probe's steps and streams them.
pub struct StepLog {
    index: usize,
    sink: EventSink,
    state: Arc<Mutex<LogState>>,
}

impl StepLog {
    /// A second handle on the same record (one for the probe's task, one for the runner).
    fn clone_handle(&self) -> Self {
        Self { index: self.index, sink: self.sink.clone(), state: self.state.clone() }
    }

    fn record(&self, pending: Pending, outcome: StepOutcome) {
        let result = StepResult { step: pending.kind, outcome, duration: pending.started.elapsed() };
        if let Ok(mut state) = self.state.lock() {
            state.pending = None;
            state.steps.push(result.clone());
        }
        (self.sink)(Event::Step { index: self.index, result });
    }

    /// Starts timing a step.
    pub fn begin(&mut self, kind: StepKind) -> Pending {
        let pending = Pending { kind, started: Instant::now() };
        if let Ok(mut state) = self.state.lock() {
            state.pending = Some(pending);
        }
        (self.sink)(Event::StepStarted { index: self.index, step: kind });
        pending
    }

    /// The step worked.
    pub fn pass(&mut self, step: Pending, detail: String) {
        self.record(step, StepOutcome::Passed { detail });
    }

    /// The step failed.
    pub fn fail(&mut self, step: Pending, problem: Problem) {
        self.record(step, StepOutcome::Failed { problem });
    }

    /// The step could not confirm, without failing.
    pub fn warn(&mut self, step: Pending, problem: Problem) {
        self.record(step, StepOutcome::Warning { problem });
    }

    /// The step did not run.
    pub fn skip(&mut self, step: Pending, reason: String) {
        self.record(step, StepOutcome::Skipped { reason });
    }

    /// Records `kinds` as skipped.
    pub fn skip_all(&mut self, kinds: &[StepKind], reason: &str) {
        for kind in kinds {
            let step = Pending { kind: *kind, started: Instant::now() };
            self.record(step, StepOutcome::Skipped { reason: reason.to_string() });
        }
    }

    /// The step failed; the later `kinds` are skipped because of it.
    pub fn fail_and_skip(&mut self, step: Pending, problem: Problem, kinds: &[StepKind]) {
        let reason = format!("not tried: the {} failed", step.kind.label());
        self.fail(step, problem);
        self.skip_all(kinds, &reason);
    }
}

/// Runs `probes` concurrently and returns their results in plan order. Each probe is bounded by
/// [`Probe::time_limit`]; `cancel` ends the stragglers as cancelled.
pub async fn run_async(
    probes: &[Probe],
    protector: Arc<dyn Protector>,
    sink: EventSink,
    cancel: Cancel,
) -> Vec<ProbeResult> {
    let mut tasks = tokio::task::JoinSet::new();
    let mut running = Vec::new();
    for (index, probe) in probes.iter().enumerate() {
        let state = Arc::new(Mutex::new(LogState::default()));
        let log = StepLog { index, sink: sink.clone(), state };
        let started = Instant::now();
        let (probe, protector, cancel) = (probe.clone(), protector.clone(), cancel.clone());
        let mut task_log = log.clone_handle();
        let id = tasks
            .spawn(async move {
                (task_log.sink)(Event::Started { index });
                let limit = probe.time_limit();
                let interrupted = tokio::select! {
                    () = run_one(&probe, protector.as_ref(), &mut task_log) => None,
                    () = cancel.cancelled() => Some(Problem::Cancelled),
                    () = tokio::time::sleep(limit) => Some(Problem::ResponseTimeout {
                        waiting_for: "the whole probe to finish".into(),
                        seconds: limit.as_secs(),
                    }),
                };
                finish(probe, &mut task_log, started, interrupted, cancel.is_cancelled())
            })
            .id();
        running.push((id, log, started));
    }
    let mut results: Vec<Option<ProbeResult>> = vec![None; probes.len()];
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((_, result)) => {
                let index = result.0;
                results[index] = Some(result.1);
            }
            // A panic in a probe (in our code or a library's decoder, on a malformed answer)
            // ends that probe only; the crash report says where.
            Err(e) => {
                if let Some((_, log, started)) = running.iter_mut().find(|(id, _, _)| *id == e.id()) {
                    let problem = Problem::InternalError {
                        report: crate::crash::last_report().map(|p| p.display().to_string()).unwrap_or_default(),
                    };
                    let index = log.index;
                    let probe = probes[index].clone();
                    results[index] = Some(finish(probe, log, *started, Some(problem), cancel.is_cancelled()).1);
                }
            }
        }
    }
    results.into_iter().flatten().collect()
}

/// Ends a probe's record: a step still running fails with `interrupted`; the result is streamed.
fn finish(
    probe: Probe,
    log: &mut StepLog,
    started: Instant,
    interrupted: Option<Problem>,
    cancelled: bool,
) -> (usize, ProbeResult) {
    if let Some(problem) = interrupted {
        let pending = log.state.lock().ok().and_then(|mut s| s.pending.take());
        let internal = matches!(problem, Problem::InternalError { .. });
        match pending {
            Some(step) => log.fail(step, problem),
            None if internal => log.fail(Pending { kind: StepKind::Dns, started: Instant::now() }, problem),
            None => {}
        }
    }
    let steps = log.state.lock().map(|mut s| std::mem::take(&mut s.steps)).unwrap_or_default();
    let verdict = if cancelled && steps.is_empty() { Verdict::Skipped } else { Verdict::of(&steps) };
    let result = ProbeResult { probe, steps, verdict, duration: started.elapsed() };
    (log.sink)(Event::Finished { index: log.index, result: Box::new(result.clone()) });
    (log.index, result)
}

async fn run_one(probe: &Probe, protector: &dyn Protector, log: &mut StepLog) {
    match &probe.target {
        ProbeTarget::Ldap(target) => ldap::probe(target, protector, log).await,
        ProbeTarget::Duo(target) => duo::probe(target, protector, log).await,
        ProbeTarget::Radius(target) => radius::probe(target, protector, log).await,
        ProbeTarget::HttpProxy { host, port } => net::probe(host, *port, super::plan::DUO_TIMEOUT, log).await,
    }
}

/// Runs `probes` on a fresh runtime and blocks until all end.
///
/// # Errors
/// When the runtime cannot start (out of threads).
pub fn run(
    probes: &[Probe],
    protector: Arc<dyn Protector>,
    sink: EventSink,
    cancel: Cancel,
) -> std::io::Result<Vec<ProbeResult>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(crate::crash::PROBE_THREAD)
        .enable_all()
        .build()?;
    let results = runtime.block_on(run_async(probes, protector, sink, cancel));
    runtime.shutdown_timeout(Duration::from_millis(200));
    Ok(results)
}
