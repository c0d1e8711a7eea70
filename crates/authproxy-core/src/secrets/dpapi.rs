//! Windows DPAPI with the proxy's parameters. The only `unsafe` code in the crate.
#![allow(unsafe_code)]

use std::ptr::{null, null_mut};

use windows_sys::Win32::Foundation::{GetLastError, LocalFree};
use windows_sys::Win32::Security::Cryptography::{CryptProtectData, CryptUnprotectData, CRYPT_INTEGER_BLOB};
use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};

use super::{ProtectError, Protector, Secret, ENTROPY, FLAGS};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// `CryptProtectData` / `CryptUnprotectData` with entropy `AU$HPRO$Y` and machine scope.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dpapi;

/// The description Duo's tool stores inside each blob (not needed to decrypt), as UTF-16.
const DESCRIPTION: &[u16] = &[
    b'w' as u16,
    b'i' as u16,
    b'n' as u16,
    b'3' as u16,
    b'2' as u16,
    b'c' as u16,
    b'r' as u16,
    b'y' as u16,
    b'p' as u16,
    b't' as u16,
    b'o' as u16,
    b'.' as u16,
    b'p' as u16,
    b'y' as u16,
    0,
];

fn blob(bytes: &[u8]) -> Result<CRYPT_INTEGER_BLOB, ProtectError> {
    let len = u32::try_from(bytes.len()).map_err(|_| ProtectError::EncryptFailed { code: 87 })?;
    // DPAPI only reads input blobs; the pointer is `*mut` in the C declaration only.
    Ok(CRYPT_INTEGER_BLOB { cbData: len, pbData: bytes.as_ptr().cast_mut() })
}

/// Whether DPAPI's output buffer holds a plaintext, to be wiped before it goes back to the heap.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Blob,
    Plaintext,
}

/// Copies DPAPI's output and frees it with `LocalFree`, wiping a plaintext first.
fn take_output(out: CRYPT_INTEGER_BLOB, kind: Output) -> Vec<u8> {
    if out.pbData.is_null() {
        return Vec::new();
    }
    // SAFETY: on success DPAPI sets `pbData` to a LocalAlloc'ed buffer of `cbData` bytes, which we
    // copy (and, for a plaintext, overwrite) before freeing it exactly once.
    unsafe {
        let bytes = copy_out(std::slice::from_raw_parts_mut(out.pbData, out.cbData as usize), kind);
        LocalFree(out.pbData.cast());
        bytes
    }
}

/// A copy of `buffer`; a plaintext is then overwritten with zeros where DPAPI left it.
fn copy_out(buffer: &mut [u8], kind: Output) -> Vec<u8> {
    let bytes = buffer.to_vec();
    if kind == Output::Plaintext {
        zeroize::Zeroize::zeroize(buffer);
    }
    bytes
}

/// Whether this Windows is Wine (its ntdll exports `wine_get_version`). Wine's DPAPI
/// works but writes its own provider marker and ignores machine scope.
#[must_use]
pub fn running_under_wine() -> bool {
    let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
    // SAFETY: both strings are NUL-terminated and outlive the calls; ntdll is always loaded,
    // and a null module handle is checked before use.
    unsafe {
        let module = GetModuleHandleW(ntdll.as_ptr());
        !module.is_null() && GetProcAddress(module, b"wine_get_version\0".as_ptr()).is_some()
    }
}

impl Protector for Dpapi {
    fn available(&self) -> bool {
        true
    }

    fn protect(&self, secret: &Secret) -> Result<String, ProtectError> {
        let input = blob(secret.expose().as_bytes())?;
        let entropy = blob(ENTROPY)?;
        let mut out = CRYPT_INTEGER_BLOB { cbData: 0, pbData: null_mut() };
        // SAFETY: every pointer refers to a live, correctly sized value for the duration of the call;
        // reserved and prompt arguments are null as the API allows.
        let ok = unsafe { CryptProtectData(&input, DESCRIPTION.as_ptr(), &entropy, null(), null(), FLAGS, &mut out) };
        if ok == 0 {
            // SAFETY: reads the calling thread's last-error value; no memory is touched.
            let code = unsafe { GetLastError() };
            tracing::debug!(code, "CryptProtectData failed");
            return Err(ProtectError::EncryptFailed { code });
        }
        Ok(STANDARD.encode(take_output(out, Output::Blob)))
    }

    fn unprotect(&self, base64_blob: &str) -> Result<Secret, ProtectError> {
        let bytes = STANDARD.decode(base64_blob.trim()).map_err(|_| ProtectError::NotBase64)?;
        let input = blob(&bytes)?;
        let entropy = blob(ENTROPY)?;
        let mut out = CRYPT_INTEGER_BLOB { cbData: 0, pbData: null_mut() };
        // SAFETY: as in `protect`; the description output pointer is null, so nothing else is allocated.
        let ok = unsafe { CryptUnprotectData(&input, null_mut(), &entropy, null(), null(), FLAGS, &mut out) };
        if ok == 0 {
            // SAFETY: reads the calling thread's last-error value.
            let code = unsafe { GetLastError() };
            tracing::debug!(code, "CryptUnprotectData failed");
            return Err(ProtectError::Undecryptable { code });
        }
        let plain = take_output(out, Output::Plaintext);
        String::from_utf8(plain).map(Secret::new).map_err(|e| {
            let mut bytes = e.into_bytes();
            zeroize::Zeroize::zeroize(&mut bytes);
            ProtectError::NotUtf8
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{dpapi_provider, DPAPI_BASE64_PREFIX, WINDOWS_DPAPI_PROVIDER, WINE_DPAPI_PROVIDER};

    /// Real Windows blobs carry the DPAPI provider GUID (base64 prefix `AQAAANCMnd8B…`); Wine's carry its own marker.
    fn assert_dpapi_header(blob: &str) {
        if running_under_wine() {
            assert_eq!(dpapi_provider(blob), Some(WINE_DPAPI_PROVIDER), "{blob}");
        } else {
            assert!(blob.starts_with(DPAPI_BASE64_PREFIX), "{blob}");
            assert_eq!(dpapi_provider(blob), Some(WINDOWS_DPAPI_PROVIDER));
        }
    }

    #[test]
    fn round_trip_with_the_proxys_parameters() {
        for plain in ["muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd", "Pässw0rd!Ü1", ""] {
            let blob = Dpapi.protect(&Secret::new(plain)).unwrap();
            assert_dpapi_header(&blob);
            assert_eq!(Dpapi.unprotect(&blob).unwrap().expose(), plain);
        }
    }

    #[test]
    fn a_decrypted_plaintext_is_wiped_from_the_buffer_dpapi_returned() {
        let mut buffer = b"Spring-Rain-4471".to_vec();
        assert_eq!(copy_out(&mut buffer, Output::Plaintext), b"Spring-Rain-4471");
        assert!(buffer.iter().all(|b| *b == 0), "{buffer:?}");
        let mut blob = b"AQAA".to_vec();
        assert_eq!(copy_out(&mut blob, Output::Blob), b"AQAA");
        assert_eq!(blob, b"AQAA", "a blob is no secret");
    }

    #[test]
    fn a_blob_made_without_the_entropy_does_not_decrypt() {
        let input = blob(b"secret-without-entropy").unwrap();
        let mut out = CRYPT_INTEGER_BLOB { cbData: 0, pbData: null_mut() };
        // SAFETY: as in `protect`, with no entropy.
        let ok = unsafe { CryptProtectData(&input, null(), null(), null(), null(), FLAGS, &mut out) };
        assert_ne!(ok, 0);
        let blob = STANDARD.encode(take_output(out, Output::Blob));
        assert_dpapi_header(&blob);
        assert!(matches!(Dpapi.unprotect(&blob), Err(ProtectError::Undecryptable { .. })));
    }

    #[test]
    fn tampered_and_foreign_values_are_rejected() {
        let blob = Dpapi.protect(&Secret::new("x")).unwrap();
        let mut bytes = STANDARD.decode(&blob).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        assert!(matches!(Dpapi.unprotect(&STANDARD.encode(&bytes)), Err(ProtectError::Undecryptable { .. })));
        assert_eq!(Dpapi.unprotect("not base64!").unwrap_err(), ProtectError::NotBase64);
        // The stand-in blob of the sample configs is valid base64 but not DPAPI.
        let fake = "RkFLRURQQVBJfEFVJEhQUk8kWXxtdWFwdHQwQXpuMEROUlVReEE3MXAyVGQ4VktxeHJ5bzFuSWo3QlJk";
        assert!(matches!(Dpapi.unprotect(fake), Err(ProtectError::Undecryptable { .. })));
    }
}
