//! Connectivity probes against real servers: OpenLDAP and Samba AD (started by the scripts in
//! tests/servers), a TLS Duo API server and CONNECT proxy run here, a RADIUS responder, an
//! address blackholed inside a network namespace, and FreeRADIUS for the test login.

mod check_cli;
mod duo;
mod duo_server;
mod ldap;
mod radius;
pub mod servers;
mod test_login;

use std::sync::Arc;

use authproxy_manager::config::Document;
use authproxy_manager::connectivity::{self, runner, Cancel, ProbeResult, Problem, StepKind, StepOutcome};
use authproxy_manager::schema::ProxyVersion;
use authproxy_manager::secrets::{Protector, Unavailable};

/// Plans and runs every probe of `text`, with `protector` for `*_protected` values.
pub fn run_with(text: &str, protector: Arc<dyn Protector>) -> Vec<ProbeResult> {
    run_for(text, protector, None)
}

/// [`run_with`] for a proxy of `version` (`None`: unknown).
pub fn run_for(text: &str, protector: Arc<dyn Protector>, version: Option<ProxyVersion>) -> Vec<ProbeResult> {
    let doc = Document::parse(text);
    let probes = connectivity::build_plan(&doc, None, version);
    assert!(!probes.is_empty(), "nothing to probe in:\n{text}");
    runner::run(&probes, protector, Arc::new(|_| {}), Cancel::default()).expect("runtime starts")
}

/// [`run_with`] on a host without DPAPI.
pub fn run(text: &str) -> Vec<ProbeResult> {
    run_with(text, Arc::new(Unavailable))
}

/// The only probe's result.
pub fn single(text: &str) -> ProbeResult {
    let mut results = run(text);
    assert_eq!(results.len(), 1, "{results:#?}");
    results.remove(0)
}

/// How `step` ended.
pub fn outcome(result: &ProbeResult, step: StepKind) -> &StepOutcome {
    &result.steps.iter().find(|s| s.step == step).unwrap_or_else(|| panic!("no {step:?} step in {result:#?}")).outcome
}

/// The problem that failed the probe.
pub fn failure(result: &ProbeResult) -> &Problem {
    result
        .steps
        .iter()
        .find_map(|s| match &s.outcome {
            StepOutcome::Failed { problem } => Some(problem),
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected a failure: {result:#?}"))
}

/// Asserts that every step passed.
pub fn assert_passed(result: &ProbeResult) {
    assert!(
        result.steps.iter().all(|s| matches!(s.outcome, StepOutcome::Passed { .. })),
        "expected every step to pass: {result:#?}"
    );
}

/// Asserts the failed step and the problem class, and that later steps were skipped; returns the problem.
pub fn assert_fails_at<'a>(result: &'a ProbeResult, step: StepKind, class: &str) -> &'a Problem {
    let problem = match outcome(result, step) {
        StepOutcome::Failed { problem } => problem,
        other => panic!("{step:?} should fail with {class}, got {other:?}\n{result:#?}"),
    };
    assert_eq!(problem.class(), class, "{problem}\n{result:#?}");
    let after = result.steps.iter().skip_while(|s| s.step != step).skip(1);
    for s in after {
        assert!(
            matches!(s.outcome, StepOutcome::Skipped { .. }),
            "{:?} should be skipped after a failure: {result:#?}",
            s.step
        );
    }
    problem
}
