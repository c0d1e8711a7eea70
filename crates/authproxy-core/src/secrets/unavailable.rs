//! Non-Windows hosts: there is no DPAPI, so protected values can be neither made nor read.

use super::{ProtectError, Protector, Secret};

/// The protector of hosts without DPAPI: every call says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unavailable;

impl Protector for Unavailable {
    fn available(&self) -> bool {
        false
    }

    fn protect(&self, _secret: &Secret) -> Result<String, ProtectError> {
        Err(ProtectError::Unavailable)
    }

    fn unprotect(&self, _base64_blob: &str) -> Result<Secret, ProtectError> {
        Err(ProtectError::Unavailable)
    }
}
