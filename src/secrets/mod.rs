//! Secrets: the proxy's DPAPI protection of `*_protected` values, behind the
//! [`Protector`] trait, and in-place protection of plaintext secrets.
//!
//! Duo's proxy decrypts `*_protected` values with Windows DPAPI
//! (`CryptUnprotectData`) using a fixed entropy and machine scope. The real
//! implementation lives in `dpapi.rs`, compiled on Windows only and the only
//! place in the crate with `unsafe`; other platforms get [`Unavailable`].

#[cfg(windows)]
mod dpapi;
pub mod protect;
mod secret;
#[cfg(not(windows))]
mod unavailable;

#[cfg(windows)]
pub use dpapi::Dpapi;
pub use protect::{plaintext_secrets, protect_all, protect_entry, protected_name, PlaintextSecret, ProtectRefusal};
pub use secret::Secret;
#[cfg(not(windows))]
pub use unavailable::Unavailable;

/// The optional entropy the proxy passes to DPAPI: the 9 ASCII bytes `AU$HPRO$Y`.
pub const ENTROPY: &[u8] = b"AU$HPRO$Y";
/// `CRYPTPROTECT_UI_FORBIDDEN` (never show a prompt).
pub const CRYPTPROTECT_UI_FORBIDDEN: u32 = 0x1;
/// `CRYPTPROTECT_LOCAL_MACHINE` (any account on this machine may decrypt; no other machine can).
pub const CRYPTPROTECT_LOCAL_MACHINE: u32 = 0x4;
/// The flags the proxy uses both to protect and to unprotect.
pub const FLAGS: u32 = CRYPTPROTECT_UI_FORBIDDEN | CRYPTPROTECT_LOCAL_MACHINE;
/// How every real DPAPI blob starts once base64-encoded: version 1, the DPAPI
/// provider GUID, master-key version 1.
pub const DPAPI_BASE64_PREFIX: &str = "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA";

/// Why a secret could not be protected or unprotected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtectError {
    /// This operating system has no DPAPI.
    #[error(
        "protecting secrets is not available on this OS: *_protected values use Windows DPAPI; run this on the \
         Windows server where the proxy runs"
    )]
    Unavailable,
    /// The stored value is not standard base64.
    #[error("the value is not base64, so it cannot be a protected value")]
    NotBase64,
    /// DPAPI refused; typically the blob was made on another machine.
    #[error("DPAPI could not decrypt it (error {code}): protected values only decrypt on the machine that made them")]
    Undecryptable {
        /// The Windows error code.
        code: u32,
    },
    /// DPAPI failed to encrypt.
    #[error("DPAPI could not encrypt the secret (error {code})")]
    EncryptFailed {
        /// The Windows error code.
        code: u32,
    },
    /// The decrypted bytes are not UTF-8 text.
    #[error("the decrypted value is not UTF-8 text, so the proxy could not use it either")]
    NotUtf8,
}

/// Encrypts and decrypts secrets exactly as the proxy does.
pub trait Protector: Send + Sync {
    /// Whether this host can protect and unprotect at all.
    fn available(&self) -> bool;

    /// Encrypts `secret` (as UTF-8) and returns standard base64 with padding.
    ///
    /// # Errors
    /// [`ProtectError::Unavailable`] off Windows, [`ProtectError::EncryptFailed`] when DPAPI refuses.
    fn protect(&self, secret: &Secret) -> Result<String, ProtectError>;

    /// Decrypts a base64 `*_protected` value.
    ///
    /// # Errors
    /// [`ProtectError::NotBase64`], [`ProtectError::Undecryptable`], [`ProtectError::NotUtf8`], or
    /// [`ProtectError::Unavailable`] off Windows.
    fn unprotect(&self, base64_blob: &str) -> Result<Secret, ProtectError>;
}

/// The protector for this host: DPAPI on Windows, [`Unavailable`] elsewhere.
#[must_use]
pub fn host_protector() -> Box<dyn Protector> {
    #[cfg(windows)]
    {
        Box::new(Dpapi)
    }
    #[cfg(not(windows))]
    {
        Box::new(Unavailable)
    }
}
