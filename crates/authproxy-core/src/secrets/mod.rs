//! Secrets: the proxy's DPAPI protection of `*_protected` values, behind the
//! [`Protector`] trait, and in-place protection of plaintext secrets.
//!
//! Duo's proxy decrypts `*_protected` values with Windows DPAPI
//! (`CryptUnprotectData`) using a fixed entropy and machine scope. The real
//! implementation lives in `dpapi.rs`, compiled on Windows only and the only
//! place in the crate with `unsafe`; other platforms get [`Unavailable`].

mod backup;
#[cfg(windows)]
mod dpapi;
pub mod protect;
mod secret;
pub mod shape;
#[cfg(not(windows))]
mod unavailable;

pub use backup::backup_without_plaintext;
#[cfg(windows)]
pub use dpapi::{running_under_wine, Dpapi};
pub use protect::{plaintext_secrets, protect_all, protect_entry, protected_name, PlaintextSecret, ProtectRefusal};
pub use secret::Secret;
pub use shape::{looks_secret, MASK};
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

/// The DPAPI provider GUID real Windows writes into every blob, as stored (little-endian fields):
/// `{df9d8cd0-1501-11d1-8c7a-00c04fc297eb}`.
pub const WINDOWS_DPAPI_PROVIDER: [u8; 16] =
    [0xD0, 0x8C, 0x9D, 0xDF, 0x01, 0x15, 0xD1, 0x11, 0x8C, 0x7A, 0x00, 0xC0, 0x4F, 0xC2, 0x97, 0xEB];
/// What Wine writes in the same place: its blobs are not byte-compatible with Windows'.
pub const WINE_DPAPI_PROVIDER: [u8; 16] = *b"Wine Crypt32 ok\0";

/// The provider GUID of a base64 DPAPI blob (version 1 header), if it has one.
#[must_use]
pub fn dpapi_provider(base64_blob: &str) -> Option<[u8; 16]> {
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, base64_blob.trim()).ok()?;
    if bytes.get(..4)? != [1, 0, 0, 0] {
        return None;
    }
    bytes.get(4..20)?.try_into().ok()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_of_real_and_wine_blobs() {
        // The first 28 bytes of a real Windows blob and of a Wine blob.
        let windows = "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA";
        assert_eq!(dpapi_provider(windows), Some(WINDOWS_DPAPI_PROVIDER));
        let wine = "AQAAAFdpbmUgQ3J5cHQzMiBvawABAAAA";
        assert_eq!(dpapi_provider(wine), Some(WINE_DPAPI_PROVIDER));
        assert_eq!(dpapi_provider("RkFLRURQQVBJfEFVJEhQUk8kWXxtdWFwdHQw"), None, "the samples' stand-in blobs");
        assert_eq!(dpapi_provider("not base64"), None);
        assert!(windows.starts_with(DPAPI_BASE64_PREFIX));
    }
}

/// What the tests of this module share.
#[cfg(test)]
pub(crate) mod test_support {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

    use super::{ProtectError, Protector, Secret};

    /// Marks its output so tests can see what was protected; DPAPI itself is tested under Wine.
    pub struct Marker;

    impl Protector for Marker {
        fn available(&self) -> bool {
            true
        }
        fn protect(&self, secret: &Secret) -> Result<String, ProtectError> {
            Ok(STANDARD.encode(format!("P:{}", secret.expose())))
        }
        fn unprotect(&self, _blob: &str) -> Result<Secret, ProtectError> {
            Err(ProtectError::Undecryptable { code: 13 })
        }
    }
}
