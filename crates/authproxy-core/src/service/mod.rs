//! Starting, stopping and watching the local proxy service.
//!
//! One small trait, [`ServiceControl`], with one implementation per route: the Windows
//! Service Control Manager, systemd, or Duo's `authproxyctl` script. [`host_service`]
//! picks the route for this computer; [`monitor::ServiceMonitor`] runs it off the UI
//! thread; [`logs`] tails the proxy's log files.

#[cfg(unix)]
pub mod authproxyctl;
pub mod command;
pub mod logs;
pub mod monitor;
#[cfg(unix)]
pub mod systemd;
#[cfg(unix)]
pub mod trust;
pub mod version;
#[cfg(windows)]
pub mod windows;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The Windows service name of the Duo Authentication Proxy.
pub const WINDOWS_SERVICE_NAME: &str = "DuoAuthProxy";
/// The systemd unit Duo's Linux installer writes.
pub const SYSTEMD_UNIT: &str = "duoauthproxy.service";
/// How long a start or stop may take to settle; Duo's own `authproxyctl` waits as long.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The proxy service's state.
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
    /// The state could not be read, and why.
    Unknown(String),
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
            Self::Unknown(_) => "unknown",
            Self::Unavailable(_) => "unavailable",
        }
    }

    /// What the state means and what the administrator can do about it.
    #[must_use]
    pub fn advice(&self) -> String {
        match self {
            Self::Running => "The proxy is running. Restart it after saving changes so it reads the new config.".into(),
            Self::Stopped => {
                "The proxy is stopped: nobody can authenticate through it. Start it when the config validates.".into()
            }
            Self::Starting => {
                "The proxy is starting; it validates the config first, which can take a few seconds.".into()
            }
            Self::Stopping => "The proxy is stopping.".into(),
            Self::NotInstalled => {
                "The Duo Authentication Proxy is not installed on this computer, so there is nothing to \
                start. Install it from Duo's download page, or edit a config for another server."
                    .into()
            }
            Self::AccessDenied => elevation_advice().into(),
            Self::Unknown(why) => format!("The service state could not be read: {why}"),
            Self::Unavailable(why) => why.clone(),
        }
    }

    /// Whether the state will change by itself soon.
    #[must_use]
    pub fn is_transitional(&self) -> bool {
        matches!(self, Self::Starting | Self::Stopping)
    }
}

impl fmt::Display for ServiceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.badge())
    }
}

/// How to get the rights to start and stop the service on this OS.
#[must_use]
pub fn elevation_advice() -> &'static str {
    if cfg!(windows) {
        "Starting and stopping the proxy service needs administrator rights: run authproxy-manager as \
         administrator (right-click, Run as administrator)."
    } else {
        "Starting and stopping the proxy service needs root: run `sudo authproxy-manager service start` \
         (or start the app with sudo)."
    }
}

/// What this user lacks to start and stop the service, if anything: on Linux, root.
/// (On Windows the exe's manifest makes Windows ask for elevation at launch.)
#[must_use]
pub fn privilege_note() -> Option<&'static str> {
    #[cfg(unix)]
    {
        (!is_root()).then(elevation_advice)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Why a service command failed, in words for the administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The service is not installed.
    #[error("the proxy service is not installed ({0})")]
    NotInstalled(String),
    /// Not allowed.
    #[error("access denied: {detail}. {}", elevation_advice())]
    AccessDenied {
        /// What refused.
        detail: String,
    },
    /// The service did not reach the wanted state in time.
    #[error("the service did not become {wanted} within {} s (it is {last}); see the log tab or \
             connectivity_tool.log for why", timeout.as_secs())]
    Timeout {
        /// The state waited for.
        wanted: ServiceState,
        /// The last state seen.
        last: ServiceState,
        /// How long we waited.
        timeout: Duration,
    },
    /// Anything else, already worded.
    #[error("{0}")]
    Failed(String),
}

/// Starts, stops and reports on the local proxy service. Implementations block until
/// the service settles, so call them off the UI thread ([`monitor::ServiceMonitor`]).
pub trait ServiceControl: Send {
    /// What is being controlled, e.g. "Windows service DuoAuthProxy".
    fn describe(&self) -> String;
    /// The current state.
    fn state(&mut self) -> ServiceState;
    /// Starts the service and waits until it runs.
    ///
    /// # Errors
    /// When it is not installed, not allowed, or does not come up in time.
    fn start(&mut self) -> Result<(), ServiceError>;
    /// Stops the service and waits until it has stopped.
    ///
    /// # Errors
    /// When it is not installed, not allowed, or does not stop in time.
    fn stop(&mut self) -> Result<(), ServiceError>;
    /// How long a start or stop may take before it counts as failed (the default is
    /// [`SETTLE_TIMEOUT`]); a control that does not wait ignores it.
    fn set_timeout(&mut self, timeout: Duration) {
        let _ = timeout;
    }
    /// Stops the service if it runs, then starts it, so the proxy re-reads its config.
    ///
    /// # Errors
    /// As [`ServiceControl::stop`] and [`ServiceControl::start`].
    fn restart(&mut self) -> Result<(), ServiceError> {
        if matches!(self.state(), ServiceState::Running | ServiceState::Starting) {
            self.stop()?;
        }
        self.start()
    }
}

/// Polls `state` until it returns `wanted`, a state that cannot lead there, or `timeout` passes.
///
/// # Errors
/// [`ServiceError::Timeout`] with the last state seen.
pub fn wait_for(
    wanted: &ServiceState,
    timeout: Duration,
    interval: Duration,
    mut state: impl FnMut() -> ServiceState,
) -> Result<(), ServiceError> {
    let deadline = Instant::now() + timeout;
    loop {
        let now = state();
        if &now == wanted {
            return Ok(());
        }
        match now {
            ServiceState::NotInstalled => return Err(ServiceError::NotInstalled("it disappeared".into())),
            ServiceState::AccessDenied => {
                return Err(ServiceError::AccessDenied { detail: "the service state cannot be read".into() })
            }
            _ => {}
        }
        if Instant::now() >= deadline {
            return Err(ServiceError::Timeout { wanted: wanted.clone(), last: now, timeout });
        }
        std::thread::sleep(interval);
    }
}

/// No service to control here, and why; every command fails with that reason.
pub struct NoService {
    /// The state reported.
    pub state: ServiceState,
}

impl ServiceControl for NoService {
    fn describe(&self) -> String {
        "no proxy service".into()
    }
    fn state(&mut self) -> ServiceState {
        self.state.clone()
    }
    fn start(&mut self) -> Result<(), ServiceError> {
        Err(self.refusal())
    }
    fn stop(&mut self) -> Result<(), ServiceError> {
        Err(self.refusal())
    }
    fn restart(&mut self) -> Result<(), ServiceError> {
        Err(self.refusal())
    }
}

impl NoService {
    fn refusal(&self) -> ServiceError {
        match &self.state {
            ServiceState::NotInstalled => ServiceError::NotInstalled(self.state.advice()),
            other => ServiceError::Failed(other.advice()),
        }
    }
}

/// Which route controls the proxy on a Linux host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinuxRoute {
    /// `systemctl` with Duo's unit.
    Systemd,
    /// `<install>/bin/authproxyctl`.
    Authproxyctl(PathBuf),
    /// Neither exists.
    NotInstalled,
}

/// The route on Linux: systemd only when it is PID 1 and Duo's unit is installed,
/// else Duo's `authproxyctl` when it exists.
#[must_use]
pub fn choose_linux_route(pid1_name: &str, unit_installed: bool, authproxyctl: &Path) -> LinuxRoute {
    if pid1_name.trim() == "systemd" && unit_installed {
        LinuxRoute::Systemd
    } else if authproxyctl.is_file() {
        LinuxRoute::Authproxyctl(authproxyctl.to_path_buf())
    } else {
        LinuxRoute::NotInstalled
    }
}

/// The proxy's install directory: the folder above `conf/` for a config that lives in
/// one, else the default install location of this OS.
#[must_use]
pub fn install_dir_for(config: Option<&Path>) -> PathBuf {
    config.and_then(crate::config::file::inferred_install_dir).unwrap_or_else(default_install_dir)
}

/// Where the proxy installs by default on this OS.
#[must_use]
pub fn default_install_dir() -> PathBuf {
    if cfg!(windows) {
        let program_files =
            std::env::var_os("ProgramFiles").map_or_else(|| PathBuf::from(r"C:\Program Files"), PathBuf::from);
        program_files.join("Duo Security Authentication Proxy")
    } else {
        PathBuf::from("/opt/duoauthproxy")
    }
}

/// Where the installed proxy's config lives on this host, most likely first.
#[must_use]
pub fn default_config_paths() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if cfg!(windows) {
        let tail = Path::new("Duo Security Authentication Proxy").join("conf").join("authproxy.cfg");
        for var in ["ProgramFiles", "ProgramFiles(x86)"] {
            if let Some(dir) = std::env::var_os(var) {
                paths.push(PathBuf::from(dir).join(&tail));
            }
        }
        for fallback in [r"C:\Program Files", r"C:\Program Files (x86)"] {
            let path = Path::new(fallback).join(&tail);
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    } else {
        paths.push(installed_config(&default_install_dir()));
    }
    paths
}

/// The config the proxy installed at `install_dir` reads.
#[must_use]
pub fn installed_config(install_dir: &Path) -> PathBuf {
    install_dir.join("conf").join("authproxy.cfg")
}

/// Whether two paths name the same file (after resolving links; by their absolute form when
/// either does not exist).
#[must_use]
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => std::path::absolute(a).ok().is_some_and(|a| std::path::absolute(b).ok().is_some_and(|b| a == b)),
    }
}

/// The proxy service the window controls, and the config that service reads.
///
/// Only the real install is controlled: `install_dir` when the user named one, else the
/// default install (on Windows the one of the two Program Files folders that holds a config).
/// The window turns the buttons off for any other file ([`same_file`] with the returned
/// config), so a config from anywhere else (a support bundle, a copy) never causes a program of
/// its folder to run.
#[must_use]
pub fn installed_service(install_dir: Option<&Path>) -> (Box<dyn ServiceControl>, PathBuf) {
    let install = match install_dir {
        Some(dir) => dir.to_path_buf(),
        None => {
            let configs = default_config_paths();
            configs
                .iter()
                .find(|c| c.is_file())
                .or(configs.first())
                .and_then(|c| c.parent().and_then(Path::parent).map(Path::to_path_buf))
                .unwrap_or_else(default_install_dir)
        }
    };
    (host_service(&install), installed_config(&install))
}

/// The service control for this computer and install directory.
#[must_use]
pub fn host_service(install_dir: &Path) -> Box<dyn ServiceControl> {
    #[cfg(windows)]
    {
        let _ = install_dir;
        Box::new(windows::WindowsService::new(WINDOWS_SERVICE_NAME))
    }
    #[cfg(unix)]
    {
        let pid1 = std::fs::read_to_string("/proc/1/comm").unwrap_or_default();
        match choose_linux_route(&pid1, systemd::unit_installed(SYSTEMD_UNIT), &authproxyctl::script_path(install_dir))
        {
            LinuxRoute::Systemd => Box::new(systemd::Systemd::new(SYSTEMD_UNIT)),
            LinuxRoute::Authproxyctl(path) => Box::new(authproxyctl::Authproxyctl::new(path)),
            LinuxRoute::NotInstalled => Box::new(NoService { state: ServiceState::NotInstalled }),
        }
    }
    #[cfg(not(any(windows, unix)))]
    {
        let _ = install_dir;
        Box::new(NoService { state: ServiceState::Unavailable("Service control is not supported on this OS.".into()) })
    }
}

/// Whether this process runs as root (Linux) — starting and stopping need it.
#[cfg(unix)]
#[must_use]
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systemd_is_chosen_only_when_it_is_pid_1_and_the_unit_exists() {
        let dir = tempfile::tempdir().unwrap();
        let ctl = dir.path().join("authproxyctl");
        assert_eq!(choose_linux_route("systemd\n", true, &ctl), LinuxRoute::Systemd);
        assert_eq!(choose_linux_route("bash\n", true, &ctl), LinuxRoute::NotInstalled);
        assert_eq!(choose_linux_route("systemd\n", false, &ctl), LinuxRoute::NotInstalled);
        std::fs::write(&ctl, "#!/bin/sh\n").unwrap();
        assert_eq!(choose_linux_route("init", true, &ctl), LinuxRoute::Authproxyctl(ctl.clone()));
        assert_eq!(choose_linux_route("tini", false, &ctl), LinuxRoute::Authproxyctl(ctl.clone()));
        assert_eq!(choose_linux_route("systemd", true, &ctl), LinuxRoute::Systemd);
    }

    #[test]
    fn waiting_reports_the_last_state_on_timeout() {
        let mut states = vec![ServiceState::Starting, ServiceState::Starting, ServiceState::Running].into_iter();
        wait_for(&ServiceState::Running, Duration::from_secs(5), Duration::ZERO, || states.next().unwrap()).unwrap();
        let err =
            wait_for(&ServiceState::Running, Duration::ZERO, Duration::ZERO, || ServiceState::Stopped).unwrap_err();
        assert!(err.to_string().contains("did not become running"), "{err}");
        assert!(err.to_string().contains("it is stopped"), "{err}");
    }

    #[test]
    fn every_state_says_what_to_do() {
        for state in [
            ServiceState::Running,
            ServiceState::Stopped,
            ServiceState::Starting,
            ServiceState::Stopping,
            ServiceState::NotInstalled,
            ServiceState::AccessDenied,
        ] {
            assert!(state.advice().len() > 20, "{state:?}");
        }
        assert!(ServiceState::AccessDenied.advice().contains(if cfg!(windows) { "administrator" } else { "root" }));
    }

    #[test]
    fn the_install_dir_comes_from_a_conf_folder() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("conf");
        std::fs::create_dir(&conf).unwrap();
        let config = conf.join("authproxy.cfg");
        assert_eq!(install_dir_for(Some(&config)), std::path::absolute(dir.path()).unwrap());
        assert_eq!(install_dir_for(Some(Path::new("elsewhere.cfg"))), default_install_dir());
    }
}
