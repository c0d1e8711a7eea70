//! Which proxy a file is for, Windows or Linux, as far as the file and its place tell.

use std::path::Path;

use crate::config::Document;
use crate::schema::{find_key, Platform, SectionType, ValueType};

/// A platform and what in the file points to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The platform the file is for.
    pub platform: Platform,
    /// Why, in a few words ("it has *_protected values").
    pub reason: String,
}

/// What the file's text says: `*_protected` values (only the Windows proxy decrypts them) or
/// a Windows path (`C:\…`) in a file or folder setting mean Windows; an absolute `/…` path
/// there means Linux.
#[must_use]
pub fn from_file(doc: &Document) -> Option<Evidence> {
    let mut linux_path = None;
    for section in &doc.sections {
        let ty = SectionType::from_section_name(&section.name);
        for entry in &section.entries {
            if crate::app::reveal::is_protected_key(&entry.name) && !entry.value.trim().is_empty() {
                return Some(Evidence {
                    platform: Platform::Windows,
                    reason: format!("it has *_protected values ({}), which only the Windows proxy reads", entry.key),
                });
            }
            let is_path = ty
                .and_then(|t| find_key(t, &entry.name))
                .is_some_and(|m| matches!(m.spec.value_type, ValueType::ReadableFile | ValueType::Directory));
            if !is_path {
                continue;
            }
            let value = entry.value.trim();
            if is_windows_path(value) {
                return Some(Evidence {
                    platform: Platform::Windows,
                    reason: format!("{} is a Windows path", entry.key),
                });
            }
            if value.starts_with('/') && linux_path.is_none() {
                linux_path = Some(format!("{} is a Linux path", entry.key));
            }
        }
    }
    linux_path.map(|reason| Evidence { platform: Platform::Linux, reason })
}

fn is_windows_path(value: &str) -> bool {
    let bytes = value.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && matches!(bytes[2], b'\\' | b'/');
    drive || value.starts_with("\\\\")
}

/// What the file's place says: the Linux proxy's `/opt/duoauthproxy`, or the Windows proxy's
/// "Duo Security Authentication Proxy" folder.
#[must_use]
pub fn from_path(path: &Path) -> Option<Platform> {
    let text = path.to_string_lossy();
    if text.starts_with("/opt/duoauthproxy/") {
        Some(Platform::Linux)
    } else if text.contains("Duo Security Authentication Proxy") {
        Some(Platform::Windows)
    } else {
        None
    }
}

/// The platform to check `doc` (from `path`) with when none was chosen: what the file says,
/// else what its place says, else this computer's.
#[must_use]
pub fn infer(doc: &Document, path: Option<&Path>) -> Platform {
    from_file(doc).map(|e| e.platform).or_else(|| path.and_then(from_path)).unwrap_or_else(Platform::host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_values_and_paths_tell_the_platform() {
        let windows = Document::parse("[radius_server_auto]\nskey_protected=AQAAANCMnd8B\n");
        assert_eq!(from_file(&windows).unwrap().platform, Platform::Windows);
        let paths = Document::parse("[ad_client]\nhost=dc\nssl_ca_certs_file=C:\\certs\\ca.pem\n");
        assert_eq!(from_file(&paths).unwrap().platform, Platform::Windows);
        let linux = Document::parse("[ad_client]\nhost=dc\nssl_ca_certs_file=/etc/ssl/ca.pem\n");
        assert_eq!(from_file(&linux).unwrap().platform, Platform::Linux);
        let neither = Document::parse("[ad_client]\nhost=dc\n; C:\\ in a comment\n");
        assert!(from_file(&neither).is_none());
        assert_eq!(from_path(Path::new("/opt/duoauthproxy/conf/authproxy.cfg")), Some(Platform::Linux));
        assert_eq!(
            from_path(Path::new("C:\\Program Files\\Duo Security Authentication Proxy\\conf\\authproxy.cfg")),
            Some(Platform::Windows)
        );
        assert_eq!(infer(&windows, Some(Path::new("/opt/duoauthproxy/conf/authproxy.cfg"))), Platform::Windows);
        assert_eq!(infer(&neither, Some(Path::new("/opt/duoauthproxy/conf/authproxy.cfg"))), Platform::Linux);
    }
}
