//! Windows API calls beyond DPAPI: replacing a file in place, reaching the console of the
//! program that started us, reading a registry string and the ANSI code page. Every `unsafe` block here wraps one documented call.
#![allow(unsafe_code)]

use std::os::windows::ffi::OsStrExt as _;
use std::path::Path;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicBool, Ordering};

use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Globalization::GetACP;
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, ReplaceFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING, REPLACEFILE_WRITE_THROUGH,
};
use windows_sys::Win32::System::Console::{
    AttachConsole, GetStdHandle, SetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE, STD_HANDLE, STD_INPUT_HANDLE,
    STD_OUTPUT_HANDLE,
};
use windows_sys::Win32::System::Registry::{
    RegGetValueW, HKEY_LOCAL_MACHINE, RRF_RT_REG_SZ, RRF_SUBKEY_WOW6432KEY, RRF_SUBKEY_WOW6464KEY,
};

fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(std::iter::once(0)).collect()
}

/// Puts `replacement` in the place of `replaced`, keeping `replaced`'s ACL, attributes, creation
/// time and streams; the original file itself is moved to `backup`.
///
/// # Errors
/// The OS error when the replacement fails; `replaced` is then left as it was (or, in the rare
/// case Windows reports `ERROR_UNABLE_TO_MOVE_REPLACEMENT_2`, found under `backup`).
pub fn replace_file(replaced: &Path, replacement: &Path, backup: &Path) -> std::io::Result<()> {
    let (replaced, replacement, backup) = (wide(replaced), wide(replacement), wide(backup));
    // SAFETY: the three paths are NUL-terminated UTF-16 strings that outlive the call; the two
    // reserved arguments are null as documented.
    let ok = unsafe {
        ReplaceFileW(
            replaced.as_ptr(),
            replacement.as_ptr(),
            backup.as_ptr(),
            REPLACEFILE_WRITE_THROUGH,
            null(),
            null(),
        )
    };
    if ok == 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Connects standard input, output and error to the console of the program that started this
/// one (cmd, PowerShell), for a GUI-subsystem exe run from a prompt. Streams that are already
/// redirected (to a file or a pipe) are kept; without a parent console nothing changes.
pub fn use_parent_console() {
    let streams = [(STD_INPUT_HANDLE, "CONIN$"), (STD_OUTPUT_HANDLE, "CONOUT$"), (STD_ERROR_HANDLE, "CONOUT$")];
    if streams.iter().all(|(id, _)| std_handle_valid(*id)) {
        return;
    }
    // SAFETY: no pointers; fails harmlessly when there is no parent console.
    if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
        return;
    }
    for (id, device) in streams {
        if std_handle_valid(id) {
            continue;
        }
        let name: Vec<u16> = device.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: `name` is a NUL-terminated UTF-16 string that outlives the call; no security
        // attributes or template file are passed.
        let handle = unsafe {
            CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                null(),
                OPEN_EXISTING,
                0,
                null_mut(),
            )
        };
        if handle != INVALID_HANDLE_VALUE {
            // SAFETY: `handle` is a console handle just opened; the process keeps it open for its lifetime.
            unsafe { SetStdHandle(id, handle) };
            if id == STD_INPUT_HANDLE {
                INPUT_FROM_PARENT_CONSOLE.store(true, Ordering::SeqCst);
            }
        }
    }
}

/// Set when standard input is the console of the prompt that started us: that prompt does not
/// wait for a GUI-subsystem program, so it reads the same keys.
static INPUT_FROM_PARENT_CONSOLE: AtomicBool = AtomicBool::new(false);

/// Whether keys typed now may go to the prompt that started us as well as to us, so a hidden
/// secret must not be read from them.
#[must_use]
pub fn input_shared_with_parent_prompt() -> bool {
    INPUT_FROM_PARENT_CONSOLE.load(Ordering::SeqCst)
}

fn std_handle_valid(id: STD_HANDLE) -> bool {
    // SAFETY: no pointers.
    let handle = unsafe { GetStdHandle(id) };
    !handle.is_null() && handle != INVALID_HANDLE_VALUE
}

/// Which registry view to read: 64-bit programs' or 32-bit programs' (`WOW6432Node`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryView {
    /// The 64-bit view.
    Native64,
    /// The 32-bit view, where 32-bit installers (older proxies) write.
    Wow32,
}

/// A `REG_SZ` value under `HKEY_LOCAL_MACHINE\subkey`, or `None` when the key or value is absent
/// or not a string.
#[must_use]
pub fn hklm_string(subkey: &str, value: &str, view: RegistryView) -> Option<String> {
    let subkey: Vec<u16> = subkey.encode_utf16().chain(std::iter::once(0)).collect();
    let value: Vec<u16> = value.encode_utf16().chain(std::iter::once(0)).collect();
    let flags = RRF_RT_REG_SZ
        | match view {
            RegistryView::Native64 => RRF_SUBKEY_WOW6464KEY,
            RegistryView::Wow32 => RRF_SUBKEY_WOW6432KEY,
        };
    let mut buffer = vec![0u16; 512];
    let mut bytes = u32::try_from(buffer.len() * 2).ok()?;
    // SAFETY: the names are NUL-terminated UTF-16 strings; `buffer` holds `bytes` bytes, and the
    // call writes at most that many (it fails with ERROR_MORE_DATA otherwise).
    let status = unsafe {
        RegGetValueW(
            HKEY_LOCAL_MACHINE,
            subkey.as_ptr(),
            value.as_ptr(),
            flags,
            null_mut(),
            buffer.as_mut_ptr().cast(),
            &raw mut bytes,
        )
    };
    if status != 0 {
        return None;
    }
    let chars = usize::try_from(bytes).ok()? / 2;
    let text = &buffer[..chars.min(buffer.len())];
    let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
    Some(String::from_utf16_lossy(&text[..end]))
}

/// The machine's ANSI code page (1252 on western European Windows, 1250, 1251, 932 elsewhere).
#[must_use]
pub fn ansi_code_page() -> u32 {
    // SAFETY: no arguments.
    unsafe { GetACP() }
}
