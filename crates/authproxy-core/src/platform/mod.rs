//! Thin, safe wrappers over operating-system calls that std does not offer.

#[cfg(windows)]
pub mod windows;
