//! Windows API calls beyond DPAPI: replacing a file in place, and reaching the console of
//! the program that started us. Every `unsafe` block here wraps one documented call.
#![allow(unsafe_code)]

use std::os::windows::ffi::OsStrExt as _;
use std::path::Path;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicBool, Ordering};

use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, ReplaceFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING, REPLACEFILE_WRITE_THROUGH,
};
use windows_sys::Win32::System::Console::{
    AttachConsole, GetStdHandle, SetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE, STD_HANDLE, STD_INPUT_HANDLE,
    STD_OUTPUT_HANDLE,
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
