//! Connectivity checks: every LDAP host, Duo API host, RADIUS server and HTTP proxy named in the
//! config, probed at once on tokio, each step timed, each failure named.
//!
//! [`plan::build_plan`] turns a document into [`Probe`]s (pure data); [`runner::run`] executes
//! them concurrently and streams [`Event`]s; [`report`] renders the results as text or JSON.

pub mod ad_codes;
pub mod duo;
pub mod http;
pub mod ldap;
pub mod net;
pub mod plan;
pub mod problem;
pub mod radius;
pub mod report;
pub mod runner;
pub mod sign;
pub mod tls;

use std::time::Duration;

pub use plan::{build_plan, Probe, ProbeTarget};
pub use problem::{Problem, Service};
pub use runner::{run, Cancel, Event};

/// One step of a probe, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Name lookup.
    Dns,
    /// TCP connection (to the host, or to the HTTP proxy).
    Tcp,
    /// The HTTP proxy's CONNECT tunnel to the Duo host.
    Connect,
    /// TLS handshake with certificate checks.
    Tls,
    /// The service-account bind.
    Bind,
    /// The user search under `search_dn`.
    Search,
    /// `GET /auth/v2/ping`.
    Ping,
    /// Clock drift from ping's `time`.
    Drift,
    /// Signed `GET /auth/v2/check`.
    Credentials,
    /// RADIUS Status-Server.
    StatusServer,
}

impl StepKind {
    /// A short label for reports.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Dns => "DNS lookup",
            Self::Tcp => "TCP connect",
            Self::Connect => "proxy CONNECT",
            Self::Tls => "TLS handshake",
            Self::Bind => "bind",
            Self::Search => "user search",
            Self::Ping => "ping",
            Self::Drift => "clock drift",
            Self::Credentials => "credentials",
            Self::StatusServer => "Status-Server",
        }
    }
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepOutcome {
    /// It worked; `detail` says what was seen.
    Passed {
        /// E.g. "127.0.0.1:636" or "1 entry".
        detail: String,
    },
    /// It failed.
    Failed {
        /// What went wrong.
        problem: Problem,
    },
    /// It could not tell, but this is not fatal (e.g. a RADIUS server that ignores Status-Server).
    Warning {
        /// What was seen.
        problem: Problem,
    },
    /// It did not run.
    Skipped {
        /// Why not.
        reason: String,
    },
}

impl StepOutcome {
    /// Whether this outcome makes the probe fail.
    #[must_use]
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed { .. })
    }
}

/// One finished step.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StepResult {
    /// Which step.
    pub step: StepKind,
    /// How it ended.
    pub outcome: StepOutcome,
    /// How long it took.
    #[serde(serialize_with = "serialize_millis", rename = "millis")]
    pub duration: Duration,
}

/// A probe's overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every step passed.
    Passed,
    /// Something could not be confirmed or tested, nothing failed.
    Warning,
    /// A step failed.
    Failed,
    /// Nothing was tested (the run was cancelled before the probe began).
    Skipped,
}

impl Verdict {
    /// The verdict of a list of steps.
    #[must_use]
    pub fn of(steps: &[StepResult]) -> Self {
        if steps.iter().any(|s| s.outcome.is_failure()) {
            Self::Failed
        } else if steps.iter().any(|s| matches!(s.outcome, StepOutcome::Warning { .. } | StepOutcome::Skipped { .. })) {
            Self::Warning
        } else if steps.iter().any(|s| matches!(s.outcome, StepOutcome::Passed { .. })) {
            Self::Passed
        } else {
            Self::Skipped
        }
    }

    /// A word for reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "ok",
            Self::Warning => "warning",
            Self::Failed => "FAILED",
            Self::Skipped => "skipped",
        }
    }
}

/// The result of one probe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProbeResult {
    /// What was probed.
    pub probe: Probe,
    /// The steps that ran (or were skipped), in order.
    pub steps: Vec<StepResult>,
    /// Roll-up of the steps.
    pub verdict: Verdict,
    /// Wall time of the whole probe.
    #[serde(serialize_with = "serialize_millis", rename = "millis")]
    pub duration: Duration,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
fn serialize_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
