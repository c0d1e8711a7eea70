//! The seams for what later work plugs in: service control and connectivity checks.
//! Until a real implementation is wired in, each says plainly why it is unavailable.

/// The proxy service's state as the status badge shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceState {
    /// Running.
    Running,
    /// Stopped.
    Stopped,
    /// Starting.
    Starting,
    /// Stopping.
    Stopping,
    /// The proxy service is not installed on this computer.
    NotInstalled,
    /// This user may not query or control the service.
    AccessDenied,
    /// Service control cannot be used here, and why.
    Unavailable(String),
}

impl ServiceState {
    /// A short text for the badge.
    #[must_use]
    pub fn badge(&self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Stopped => "stopped",
            Self::Starting => "starting",
            Self::Stopping => "stopping",
            Self::NotInstalled => "not installed",
            Self::AccessDenied => "access denied",
            Self::Unavailable(_) => "unavailable",
        }
    }
}

/// Starts, stops and watches the local proxy service.
pub trait ServiceControl {
    /// The current state.
    fn state(&self) -> ServiceState;
    /// Starts the service.
    ///
    /// # Errors
    /// What went wrong, in words for the administrator.
    fn start(&mut self) -> Result<(), String>;
    /// Stops the service.
    ///
    /// # Errors
    /// What went wrong, in words for the administrator.
    fn stop(&mut self) -> Result<(), String>;
    /// Restarts the service.
    ///
    /// # Errors
    /// What went wrong, in words for the administrator.
    fn restart(&mut self) -> Result<(), String>;
}

/// Why service control is not offered by this build.
pub const SERVICE_NOT_BUILT: &str = "Starting and stopping the proxy service is not part of this version of \
    authproxy-manager yet. Use the Services console (DuoAuthProxy) on Windows, or authproxyctl on Linux.";

/// Service control that is not available, saying why.
pub struct NoServiceControl {
    /// The reason shown on the buttons and the badge.
    pub reason: String,
}

impl Default for NoServiceControl {
    fn default() -> Self {
        Self { reason: SERVICE_NOT_BUILT.to_string() }
    }
}

impl ServiceControl for NoServiceControl {
    fn state(&self) -> ServiceState {
        ServiceState::Unavailable(self.reason.clone())
    }
    fn start(&mut self) -> Result<(), String> {
        Err(self.reason.clone())
    }
    fn stop(&mut self) -> Result<(), String> {
        Err(self.reason.clone())
    }
    fn restart(&mut self) -> Result<(), String> {
        Err(self.reason.clone())
    }
}

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
