//! The real binary in a real X window (Xvfb): it starts on a sample, takes typing
//! from xdotool, shows the Form tab (F4), saves with Ctrl+S, and renders text (checked on
//! screenshots: the second, of the form, kept as target/tmp/xvfb-form.png).
//!
//! Needs `Xvfb`, `xdotool`, `xclip` and ImageMagick (`import`, `convert`, `compare`); `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{samples_dir, wait_until};

/// Kills the process when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn require(tool: &str) {
    let found =
        std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()));
    assert!(found, "{tool} is not installed: apt-get install xvfb xdotool xclip imagemagick (see README, Tests)");
}

/// One X server test at a time: two looking for a free display at once could pick the same one.
static ONE_DISPLAY_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Whether an X lock file names a process that no longer runs.
fn lock_is_stale(lock: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else { return false };
    text.trim().parse::<u32>().is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
}

fn start_xvfb() -> (Running, String) {
    for n in 90..130 {
        let (lock, socket) = (PathBuf::from(format!("/tmp/.X{n}-lock")), PathBuf::from(format!("/tmp/.X11-unix/X{n}")));
        if lock_is_stale(&lock) {
            // Left by an X server that was killed: no process holds the display.
            let _ = std::fs::remove_file(&lock);
            let _ = std::fs::remove_file(&socket);
        }
        if lock.exists() || socket.exists() {
            continue;
        }
        let child = Command::new("Xvfb")
            .args([
                format!(":{n}"),
                "-screen".into(),
                "0".into(),
                "1280x800x24".into(),
                "-nolisten".into(),
                "tcp".into(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let xvfb = Running(child);
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if socket.exists() {
            // The server is up once it answers a query; only then may an app start on it.
            let display = format!(":{n}");
            let ready = wait_until(Duration::from_millis(200), Duration::from_secs(30), || {
                !xdotool(&display, &["getdisplaygeometry"]).is_empty()
            });
            assert!(ready, "Xvfb on {display} answers");
            return (xvfb, display);
        }
    }
    panic!("no free X display between :90 and :129");
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool").args(args).env("DISPLAY", display).output().expect("xdotool runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn wait_for_window(display: &str, name: &str, timeout: Duration) -> Option<String> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let found = xdotool(display, &["search", "--name", name]);
        if let Some(id) = found.lines().next().filter(|l| !l.is_empty()) {
            return Some(id.to_string());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

/// Starts the app on `config` in `display`, its settings in `home`; returns it and its window.
/// A window that has not appeared after 45 s gets one more launch (a loaded CI machine
/// starting a fresh debug build); each failed launch's log is printed.
fn launch_window(display: &str, home: &Path, runtime: &Path, config: &Path) -> (Running, String) {
    let launch = |attempt: u32| {
        let log_path = home.join(format!("app-{attempt}.log"));
        let log = std::fs::File::create(&log_path).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
            .args(["--log-level", "info", "--config"])
            .arg(config)
            .env("DISPLAY", display)
            .env("XDG_RUNTIME_DIR", runtime)
            // The window's settings and recent files stay in this test's folder.
            .env("XDG_CONFIG_HOME", home)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the app starts");
        (Running(child), log_path)
    };
    let mut failures = Vec::new();
    for attempt in 1..=2 {
        let (mut app, log_path) = launch(attempt);
        if let Some(window) = wait_for_window(display, "authproxy-manager", Duration::from_secs(45)) {
            return (app, window);
        }
        let exited = app.0.try_wait().ok().flatten();
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let failure = format!("launch {attempt}: no window within 45 s (exit status: {exited:?}); its log:\n{log}");
        eprintln!("{failure}");
        failures.push(failure);
    }
    panic!("the app never showed a window:\n{}", failures.join("\n"))
}

/// A private runtime folder, as a desktop session gives one.
fn runtime_dir(home: &Path) -> PathBuf {
    let runtime = home.join("xdg");
    std::fs::create_dir(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    runtime
}

/// Takes a screenshot of the whole display into `name` under the test's kept folder.
fn screenshot(display: &str, name: &str) -> PathBuf {
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let status = Command::new("import").args(["-window", "root"]).arg(&shot).env("DISPLAY", display).status().unwrap();
    assert!(status.success(), "screenshot {name} taken");
    shot
}

/// The mean brightness of a screenshot, 0 (black) to 1 (white).
fn mean_brightness(shot: &Path) -> f64 {
    let out = Command::new("convert")
        .arg(shot)
        .args(["-colorspace", "Gray", "-format", "%[fx:mean]", "info:"])
        .output()
        .expect("ImageMagick's convert runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().parse().unwrap_or_else(|_| panic!("a brightness for {}: {text:?}", shot.display()))
}

#[test]
fn the_real_window_renders_takes_typing_and_saves() {
    let _one = ONE_DISPLAY_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for tool in ["Xvfb", "xdotool", "import", "convert", "compare"] {
        require(tool);
    }
    let (_xvfb, display) = start_xvfb();
    let dir = tempfile::tempdir().unwrap();
    let runtime = runtime_dir(dir.path());
    let config = dir.path().join("authproxy.cfg");
    let original = std::fs::read(samples_dir().join("i03_typo_key.cfg")).unwrap();
    std::fs::write(&config, &original).unwrap();

    let (_app, window) = launch_window(&display, dir.path(), &runtime, &config);
    let titled = wait_until(Duration::from_millis(200), Duration::from_secs(30), || {
        xdotool(&display, &["getwindowname", &window]) == "authproxy.cfg - authproxy-manager"
    });
    assert!(titled, "the title names the file: {:?}", xdotool(&display, &["getwindowname", &window]));
    std::thread::sleep(Duration::from_secs(2));
    xdotool(&display, &["windowfocus", "--sync", &window]);
    xdotool(&display, &["mousemove", "--window", &window, "500", "300", "click", "1"]);
    xdotool(&display, &["key", "--window", &window, "ctrl+End", "Return"]);
    xdotool(&display, &["type", "--delay", "60", "debug=true"]);
    xdotool(&display, &["key", "Escape"]);
    let modified = wait_until(Duration::from_millis(200), Duration::from_secs(20), || {
        xdotool(&display, &["getwindowname", &window]) == "*authproxy.cfg - authproxy-manager"
    });
    assert!(modified, "typing marks the file modified: {}", xdotool(&display, &["getwindowname", &window]));
    std::thread::sleep(Duration::from_millis(800));

    let shot = screenshot(&display, "xvfb-smoke.png");
    let colours = Command::new("convert").arg(&shot).args(["-format", "%k", "info:"]).output().unwrap();
    let colours: usize = String::from_utf8_lossy(&colours.stdout).trim().parse().unwrap_or(0);
    assert!(
        colours > 50,
        "the window shows rendered text, not a blank surface ({colours} colours in {})",
        shot.display()
    );

    // F4 shows the section at the caret as a form beside the text: the right-hand panel changes.
    xdotool(&display, &["key", "--window", &window, "F4"]);
    std::thread::sleep(Duration::from_millis(1500));
    let form_shot = screenshot(&display, "xvfb-form.png");
    let brightness = mean_brightness(&form_shot);
    assert!(brightness < 0.3, "without a theme setting X11 gets the dark theme (mean brightness {brightness:.2})");
    let compared = Command::new("compare")
        .args(["-metric", "AE"])
        .arg(&shot)
        .arg(&form_shot)
        .arg("null:")
        .output()
        .expect("ImageMagick's compare runs");
    let differing: f64 =
        String::from_utf8_lossy(&compared.stderr).split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0.0);
    assert!(
        differing > 20_000.0,
        "the Form tab replaced the Problems list ({differing} pixels differ; {} and {})",
        shot.display(),
        form_shot.display()
    );

    xdotool(&display, &["key", "--window", &window, "ctrl+s"]);
    let saved = wait_until(Duration::from_millis(200), Duration::from_secs(20), || {
        std::fs::read(&config).is_ok_and(|bytes| bytes != original)
    });
    assert!(saved, "Ctrl+S saved the file");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with(std::str::from_utf8(&original).unwrap()), "untouched bytes are kept");
    assert!(text.trim_end().ends_with("debug=true"), "the typed line is saved: {text:?}");
    assert_eq!(std::fs::read(dir.path().join("authproxy.cfg.bak")).unwrap(), original);
}

/// The light theme, chosen in the settings, gives a light window whose form is still drawn
/// (kept as target/tmp/xvfb-form-light.png; the palette's contrast is a unit test).
#[test]
fn the_light_theme_setting_gives_a_light_window_and_form() {
    let _one = ONE_DISPLAY_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for tool in ["Xvfb", "xdotool", "import", "convert"] {
        require(tool);
    }
    let (_xvfb, display) = start_xvfb();
    let dir = tempfile::tempdir().unwrap();
    let runtime = runtime_dir(dir.path());
    let settings = dir.path().join("authproxy-manager").join("settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, br#"{ "theme": "light" }"#).unwrap();
    let config = dir.path().join("authproxy.cfg");
    std::fs::copy(samples_dir().join("i03_typo_key.cfg"), &config).unwrap();

    let (_app, window) = launch_window(&display, dir.path(), &runtime, &config);
    let titled = wait_until(Duration::from_millis(200), Duration::from_secs(30), || {
        xdotool(&display, &["getwindowname", &window]) == "authproxy.cfg - authproxy-manager"
    });
    assert!(titled, "the title names the file");
    std::thread::sleep(Duration::from_secs(2));
    xdotool(&display, &["windowfocus", "--sync", &window]);
    xdotool(&display, &["mousemove", "--window", &window, "500", "300", "click", "1"]);
    xdotool(&display, &["key", "--window", &window, "F4"]);
    std::thread::sleep(Duration::from_millis(1500));
    let shot = screenshot(&display, "xvfb-form-light.png");
    let brightness = mean_brightness(&shot);
    assert!(
        brightness > 0.75,
        "the light theme gives a light window (mean brightness {brightness:.2}, {})",
        shot.display()
    );
    let colours = Command::new("convert").arg(&shot).args(["-format", "%k", "info:"]).output().unwrap();
    let colours: usize = String::from_utf8_lossy(&colours.stdout).trim().parse().unwrap_or(0);
    assert!(colours > 50, "text and the form are drawn, not a blank light surface ({colours} colours)");
}

/// The window's own test hooks: a panic in a frame writes a crash report and exits 70 without
/// quoting input; `EFRAME_SCREENSHOT_TO`, a test-only hook, does nothing in this build.
#[cfg(debug_assertions)]
#[test]
fn a_window_panic_writes_a_report_and_no_screenshot_hook_runs() {
    let _one = ONE_DISPLAY_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for tool in ["Xvfb", "xdotool"] {
        require(tool);
    }
    let (_xvfb, display) = start_xvfb();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("authproxy.cfg");
    std::fs::copy(samples_dir().join("i03_typo_key.cfg"), &config).unwrap();
    let app = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_authproxy-manager"));
        command
            .args(["--renderer", "glow", "--config"])
            .arg(&config)
            .env("DISPLAY", &display)
            .env("XDG_STATE_HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env_remove("WAYLAND_DISPLAY");
        command
    };

    let shot = dir.path().join("shot.png");
    let o = app().arg("--exit-after-first-frame").env("EFRAME_SCREENSHOT_TO", &shot).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("first frame after"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("XSETTINGS") && !err.contains("XRandR"), "winit's start-up noise is filtered: {err}");
    assert!(!shot.exists(), "a shipped build never writes a screenshot where an environment variable says");

    let o = app()
        .env("AUTHPROXY_MANAGER_TEST_PANIC", "window")
        .env("AUTHPROXY_MANAGER_TEST_PANIC_INPUT", "radius_secret_1=Window-Panic-Secret")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(70), "{err}");
    assert!(err.contains("internal error, report at"), "{err}");
    assert!(!err.contains("Window-Panic-Secret"), "{err}");
    let reports = dir.path().join("authproxy-manager/crash-reports");
    let report = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("crash-")));
    let body = std::fs::read_to_string(report.expect("a crash report")).unwrap();
    assert!(body.contains("location: src/app/run.rs:") && !body.contains("Window-Panic-Secret"), "{body}");
}

/// Runs `xclip` on `display` with `args`, feeding it `input`; returns what it printed.
fn xclip(display: &str, args: &[&str], input: Option<&str>) -> String {
    let mut child = Command::new("xclip")
        .args(args)
        .env("DISPLAY", display)
        .stdin(Stdio::piped())
        // The process that stays to serve a clipboard it set must not hold our pipe open.
        .stdout(if input.is_some() { Stdio::null() } else { Stdio::piped() })
        .stderr(Stdio::null())
        .spawn()
        .expect("xclip runs");
    if let Some(text) = input {
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    // Setting the clipboard: xclip forks a process that serves it, and this one ends.
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
}

/// The system clipboard in a real X window: an integration key pasted in from another program,
/// text copied out of the editor, and Copy report (Ctrl+Shift+C) all go through X11's
/// CLIPBOARD selection, read and written here by xclip.
#[test]
fn paste_in_copy_out_and_copy_report_use_the_system_clipboard() {
    let _one = ONE_DISPLAY_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for tool in ["Xvfb", "xdotool", "xclip"] {
        require(tool);
    }
    let (_xvfb, display) = start_xvfb();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("authproxy.cfg");
    let original = std::fs::read_to_string(samples_dir().join("i03_typo_key.cfg")).unwrap();
    std::fs::write(&config, &original).unwrap();
    let log = std::fs::File::create(dir.path().join("app.log")).unwrap();
    let _app = Running(
        Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
            .args(["--renderer", "glow", "--platform", "linux", "--config"])
            .arg(&config)
            .env("DISPLAY", &display)
            .env("XDG_CONFIG_HOME", dir.path())
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the app starts"),
    );
    let window = wait_for_window(&display, "authproxy-manager", Duration::from_secs(60)).unwrap_or_else(|| {
        panic!("no window; log:\n{}", std::fs::read_to_string(dir.path().join("app.log")).unwrap_or_default())
    });
    std::thread::sleep(Duration::from_secs(2));
    xdotool(&display, &["windowfocus", "--sync", &window]);
    xdotool(&display, &["mousemove", "--window", &window, "400", "300", "click", "1"]);

    // Paste in: the ikey as copied from the Duo Admin Panel.
    xclip(&display, &["-selection", "clipboard"], Some("DIWJ8X6AEYOR5OMC6TQ1"));
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&display, &["key", "--window", &window, "ctrl+End", "Return"]);
    xdotool(&display, &["type", "--delay", "60", "; pasted "]);
    xdotool(&display, &["key", "ctrl+v"]);
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&display, &["key", "--window", &window, "ctrl+s"]);
    let pasted = wait_until(Duration::from_millis(200), Duration::from_secs(20), || {
        std::fs::read_to_string(&config).is_ok_and(|t| t.contains("; pasted DIWJ8X6AEYOR5OMC6TQ1"))
    });
    assert!(pasted, "Ctrl+V pasted the clipboard: {:?}", std::fs::read_to_string(&config).unwrap_or_default());

    // Copy out: the first line, selected with the keyboard.
    xdotool(&display, &["key", "--window", &window, "ctrl+Home", "shift+End", "ctrl+c"]);
    let first_line = original.lines().next().unwrap().to_string();
    let copied = wait_until(Duration::from_millis(200), Duration::from_secs(10), || {
        xclip(&display, &["-selection", "clipboard", "-o"], None) == first_line
    });
    assert!(copied, "Ctrl+C copied the selection: {:?}", xclip(&display, &["-selection", "clipboard", "-o"], None));

    // Copy report: Validate, then Ctrl+Shift+C.
    xdotool(&display, &["key", "--window", &window, "F5"]);
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&display, &["key", "--window", &window, "ctrl+shift+c"]);
    let report = wait_until(Duration::from_millis(200), Duration::from_secs(10), || {
        xclip(&display, &["-selection", "clipboard", "-o"], None).starts_with("Validate authproxy.cfg")
    });
    let got = xclip(&display, &["-selection", "clipboard", "-o"], None);
    assert!(report && got.contains("UnexpectedKey"), "Copy report put the report there: {got:?}");
}
