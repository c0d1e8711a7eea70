//! Renders results as text (for people) or JSON (for scripts). Neither ever holds a secret:
//! problems carry only names, addresses and server messages.

use std::fmt::Write as _;
use std::time::Duration;

use super::{ProbeResult, StepOutcome, Verdict};

/// Counts per verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Probes that passed.
    pub passed: usize,
    /// Probes with warnings only.
    pub warnings: usize,
    /// Probes that failed.
    pub failed: usize,
    /// Probes not tested.
    pub skipped: usize,
}

impl Tally {
    /// Counts `results`.
    #[must_use]
    pub fn of(results: &[ProbeResult]) -> Self {
        let mut tally = Self::default();
        for r in results {
            match r.verdict {
                Verdict::Passed => tally.passed += 1,
                Verdict::Warning => tally.warnings += 1,
                Verdict::Failed => tally.failed += 1,
                Verdict::Skipped => tally.skipped += 1,
            }
        }
        tally
    }
}

fn millis(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The one-line heading of a probe: title, location, verdict, time.
#[must_use]
pub fn heading(file: &str, result: &ProbeResult) -> String {
    format!(
        "{}  ({file}:{}:{})  {}  {}",
        result.probe.title(),
        result.probe.line + 1,
        result.probe.column + 1,
        result.verdict.as_str(),
        millis(result.duration)
    )
}

/// One line per step, plus what to do under each failure or warning.
#[must_use]
pub fn step_lines(result: &ProbeResult) -> Vec<String> {
    let service = result.probe.target.service();
    let mut lines = Vec::new();
    for step in &result.steps {
        let (word, text, advice) = match &step.outcome {
            StepOutcome::Passed { detail } => ("ok", detail.clone(), None),
            StepOutcome::Failed { problem } => ("FAILED", problem.to_string(), Some(problem.advice_for(service))),
            StepOutcome::Warning { problem } => ("warning", problem.to_string(), Some(problem.advice_for(service))),
            StepOutcome::Skipped { reason } => ("skipped", reason.clone(), None),
        };
        lines.push(format!("  {word:<8}{:<15}{text}  [{}]", step.step.label(), millis(step.duration)));
        if let Some(advice) = advice {
            lines.push(format!("          what to do: {advice}"));
        }
    }
    lines
}

/// One line: how many probes, how long, and how they ended.
#[must_use]
pub fn summary(results: &[ProbeResult], wall: Duration) -> String {
    let tally = Tally::of(results);
    format!(
        "{} probes in {}: {} ok, {} with warnings, {} failed, {} not tested",
        results.len(),
        millis(wall),
        tally.passed,
        tally.warnings,
        tally.failed,
        tally.skipped
    )
}

/// The whole report as text.
#[must_use]
pub fn text(file: &str, results: &[ProbeResult], wall: Duration) -> String {
    let mut out = String::new();
    if results.is_empty() {
        let _ = writeln!(
            out,
            "{file}: nothing to test: no [ad_client], [radius_client], api_host or [main] http_proxy_host"
        );
        return out;
    }
    for result in results {
        let _ = writeln!(out, "{}", heading(file, result));
        for line in step_lines(result) {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(out, "{file}: {}", summary(results, wall));
    out
}

/// The whole report as a JSON value: each problem also gets `message` and `advice`.
#[must_use]
pub fn json(file: &str, results: &[ProbeResult], wall: Duration) -> serde_json::Value {
    let mut probes = serde_json::to_value(results).unwrap_or_default();
    if let Some(list) = probes.as_array_mut() {
        for (value, result) in list.iter_mut().zip(results) {
            value["location"] =
                serde_json::json!({ "file": file, "line": result.probe.line + 1, "column": result.probe.column + 1 });
            value["title"] = result.probe.title().into();
            for (step_value, step) in value["steps"].as_array_mut().into_iter().flatten().zip(&result.steps) {
                if let StepOutcome::Failed { problem } | StepOutcome::Warning { problem } = &step.outcome {
                    step_value["outcome"]["problem"]["message"] = problem.to_string().into();
                    step_value["outcome"]["problem"]["advice"] =
                        problem.advice_for(result.probe.target.service()).into();
                }
            }
        }
    }
    serde_json::json!({
        "file": file,
        "millis": u64::try_from(wall.as_millis()).unwrap_or(u64::MAX),
        "summary": Tally::of(results),
        "passed": Tally::of(results).failed == 0,
        "probes": probes,
    })
}
