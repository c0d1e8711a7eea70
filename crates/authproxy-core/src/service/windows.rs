//! The Windows Service Control Manager, through the `windows-service` crate.

use std::ffi::OsStr;
use std::time::Duration;

use windows_service::service::{ServiceAccess, ServiceState as ScmState};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};

use super::{wait_for, ServiceControl, ServiceError, ServiceState, SETTLE_TIMEOUT};

const ERROR_ACCESS_DENIED: i32 = 5;
const ERROR_SERVICE_DOES_NOT_EXIST: i32 = 1060;
const ERROR_SERVICE_ALREADY_RUNNING: i32 = 1056;
const ERROR_SERVICE_NOT_ACTIVE: i32 = 1062;

/// A Windows service by name, `DuoAuthProxy` for the proxy.
pub struct WindowsService {
    name: String,
    /// How long start and stop may take to settle.
    pub timeout: Duration,
}

fn os_code(error: &windows_service::Error) -> Option<i32> {
    match error {
        windows_service::Error::Winapi(e) => e.raw_os_error(),
        _ => None,
    }
}

impl WindowsService {
    /// Controls the service called `name`.
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self { name: name.to_string(), timeout: SETTLE_TIMEOUT }
    }

    fn open(&self, access: ServiceAccess) -> Result<windows_service::service::Service, ServiceError> {
        let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
            .map_err(|e| self.error("open the Service Control Manager", &e))?;
        manager.open_service(&self.name, access).map_err(|e| self.error("open the service", &e))
    }

    fn error(&self, doing: &str, error: &windows_service::Error) -> ServiceError {
        let detail = match error {
            windows_service::Error::Winapi(e) => e.to_string(),
            other => other.to_string(),
        };
        match os_code(error) {
            Some(ERROR_SERVICE_DOES_NOT_EXIST) => ServiceError::NotInstalled(format!("no service named {}", self.name)),
            Some(ERROR_ACCESS_DENIED) => {
                ServiceError::AccessDenied { detail: format!("Windows refused to {doing} {}", self.name) }
            }
            _ => ServiceError::Failed(format!("could not {doing} {}: {detail}", self.name)),
        }
    }
}

fn state_of(state: ScmState) -> ServiceState {
    match state {
        ScmState::Running => ServiceState::Running,
        ScmState::Stopped => ServiceState::Stopped,
        ScmState::StartPending | ScmState::ContinuePending => ServiceState::Starting,
        ScmState::StopPending | ScmState::PausePending => ServiceState::Stopping,
        ScmState::Paused => ServiceState::Unknown("the service is paused".into()),
    }
}

impl ServiceControl for WindowsService {
    fn describe(&self) -> String {
        format!("Windows service {}", self.name)
    }

    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    fn state(&mut self) -> ServiceState {
        let status = self
            .open(ServiceAccess::QUERY_STATUS)
            .and_then(|service| service.query_status().map_err(|e| self.error("query", &e)));
        match status {
            Ok(status) => state_of(status.current_state),
            Err(ServiceError::NotInstalled(_)) => ServiceState::NotInstalled,
            Err(ServiceError::AccessDenied { .. }) => ServiceState::AccessDenied,
            Err(other) => ServiceState::Unknown(other.to_string()),
        }
    }

    fn start(&mut self) -> Result<(), ServiceError> {
        let service = self.open(ServiceAccess::QUERY_STATUS | ServiceAccess::START)?;
        if let Err(e) = service.start(&[] as &[&OsStr]) {
            if os_code(&e) != Some(ERROR_SERVICE_ALREADY_RUNNING) {
                return Err(self.error("start", &e));
            }
        }
        let timeout = self.timeout;
        wait_for(&ServiceState::Running, timeout, Duration::from_millis(250), || self.state())
    }

    fn stop(&mut self) -> Result<(), ServiceError> {
        let service = self.open(ServiceAccess::QUERY_STATUS | ServiceAccess::STOP)?;
        if let Err(e) = service.stop() {
            if os_code(&e) != Some(ERROR_SERVICE_NOT_ACTIVE) {
                return Err(self.error("stop", &e));
            }
        }
        let timeout = self.timeout;
        wait_for(&ServiceState::Stopped, timeout, Duration::from_millis(250), || self.state())
    }
}
