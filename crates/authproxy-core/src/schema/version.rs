//! Proxy versions: which release's rules apply.
//!
//! The rules are exact for 5.0.0, the newest release whose source exists. Later releases
//! (6.0 to 6.8 seen so far) added keys and changed a few rules; what is known of them is
//! listed in [`super::keys::LATER_KEYS`] and applied by version.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A proxy release, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProxyVersion {
    /// 5 for 5.0.0.
    pub major: u16,
    /// 8 for 6.8.0.
    pub minor: u16,
    /// 1 for 6.4.1.
    pub patch: u16,
}

impl ProxyVersion {
    /// The release the rules are exact for.
    pub const BASELINE: Self = Self::new(5, 0, 0);
    /// The first 6.x release: later keys accepted, SHA-1 domain controller certificates refused.
    pub const V6: Self = Self::new(6, 0, 0);

    /// A version from its parts.
    #[must_use]
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Self { major, minor, patch }
    }

    /// Whether this release is `other` or newer.
    #[must_use]
    pub fn at_least(self, other: Self) -> bool {
        self >= other
    }
}

/// Why a version string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a proxy version: write it as major.minor.patch, for example 6.8.0")]
pub struct VersionError(String);

impl FromStr for ProxyVersion {
    type Err = VersionError;

    /// Parses `6`, `6.8`, `6.8.0` or `6.8.0.1234` (a build number after the third part is ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || VersionError(s.chars().take(40).collect());
        let trimmed = s.trim();
        let trimmed = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
        let parts: Vec<&str> = trimmed.split('.').collect();
        if parts.is_empty() || parts.len() > 4 {
            return Err(error());
        }
        let mut numbers = [0u16; 3];
        for (slot, part) in parts.iter().enumerate() {
            // A fourth part is a build number, of any length; it is not kept.
            let too_long = slot < 3 && part.len() > 5;
            if part.is_empty() || too_long || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            if slot < 3 {
                numbers[slot] = part.parse().map_err(|_| error())?;
            }
        }
        Ok(Self::new(numbers[0], numbers[1], numbers[2]))
    }
}

impl fmt::Display for ProxyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for ProxyVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ProxyVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_administrators_write() {
        assert_eq!("6.8.0".parse::<ProxyVersion>().unwrap(), ProxyVersion::new(6, 8, 0));
        assert_eq!("6.4".parse::<ProxyVersion>().unwrap(), ProxyVersion::new(6, 4, 0));
        assert_eq!("v5".parse::<ProxyVersion>().unwrap(), ProxyVersion::new(5, 0, 0));
        assert_eq!("6.4.1.1234".parse::<ProxyVersion>().unwrap(), ProxyVersion::new(6, 4, 1));
        assert_eq!("6.4.1.12345678".parse::<ProxyVersion>().unwrap(), ProxyVersion::new(6, 4, 1));
        for bad in ["", "six", "6..1", "6.8.0.1.2", "99999999.0", "6.8-beta"] {
            assert!(bad.parse::<ProxyVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn orders_by_number_not_text() {
        assert!(ProxyVersion::new(6, 10, 0) > ProxyVersion::new(6, 9, 3));
        assert!(ProxyVersion::new(6, 0, 0).at_least(ProxyVersion::V6));
        assert!(!ProxyVersion::BASELINE.at_least(ProxyVersion::V6));
    }
}
