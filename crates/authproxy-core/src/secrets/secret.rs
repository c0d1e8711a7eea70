//! A secret string that never shows itself by accident.

use zeroize::Zeroize;

/// A plaintext secret. `Debug` and `Display` print `*****`; the memory is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a plaintext secret.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plaintext. Call only where the value is really needed (DPAPI, an explicit reveal).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The mask shown in place of the value, the same whatever its length.
    #[must_use]
    pub fn masked(&self) -> &'static str {
        super::MASK
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(*****)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("*****")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_formats_its_value() {
        let s = Secret::new("hunter2-Zz9");
        assert_eq!(format!("{s}"), "*****");
        assert_eq!(format!("{s:?}"), "Secret(*****)");
        assert_eq!(format!("{s:#?}"), "Secret(*****)");
        assert_eq!(s.expose(), "hunter2-Zz9");
    }
}
