//! The seam for connectivity checks, which later work plugs in. Until a real
//! implementation is wired in, it says plainly why it is unavailable.

/// How one connectivity step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Still running.
    Running,
    /// It worked.
    Passed,
    /// It worked with a caveat.
    Warning,
    /// It failed.
    Failed,
}

/// A progress report from a connectivity check, streamed to the output panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckEvent {
    /// The section being checked, e.g. `ad_client2`.
    pub section: String,
    /// The step, e.g. "LDAP bind".
    pub step: String,
    /// Its outcome so far.
    pub outcome: CheckOutcome,
    /// What happened and what to do. Never contains a secret.
    pub message: String,
}

/// Runs the LDAP and Duo connectivity checks of a config.
pub trait Connectivity {
    /// Why the checks cannot run here, if they cannot.
    fn unavailable(&self) -> Option<String>;
    /// Starts checking the sections of `config_text`; progress arrives through [`Connectivity::poll`].
    fn start(&mut self, config_text: &str);
    /// Progress since the last call.
    fn poll(&mut self) -> Vec<CheckEvent>;
}

/// Why connectivity tests are not offered by this build.
pub const CHECKS_NOT_BUILT: &str = "Testing LDAP and Duo connectivity is not part of this version of \
    authproxy-manager yet. The proxy's own connectivity tool (bin/authproxy_connectivity_tool) checks the same.";

/// Connectivity checks that are not available, saying why.
#[derive(Default)]
pub struct NoConnectivity;

impl Connectivity for NoConnectivity {
    fn unavailable(&self) -> Option<String> {
        Some(CHECKS_NOT_BUILT.to_string())
    }
    fn start(&mut self, _config_text: &str) {}
    fn poll(&mut self) -> Vec<CheckEvent> {
        Vec::new()
    }
}
