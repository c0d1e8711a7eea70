//! Starting the real window: wgpu first, glow if wgpu cannot start.

use std::path::PathBuf;
use std::time::Instant;

use super::{AuthProxyApp, Environment};
use crate::schema::Platform;

/// Which renderer to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RendererChoice {
    /// wgpu, then glow if wgpu fails (the default).
    Auto,
    /// Only wgpu (DirectX 12, Vulkan, Metal or GL).
    Wgpu,
    /// Only OpenGL 2+ through glow.
    Glow,
}

/// How to start the window.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// The file to open; `None` opens the proxy's default config or a starter document.
    pub config: Option<PathBuf>,
    /// The proxy's install folder, when the user named one (default: the standard install).
    pub install_dir: Option<PathBuf>,
    /// Whose semantics to validate with (`None`: inferred from each file opened).
    pub platform: Option<Platform>,
    /// Which renderer.
    pub renderer: RendererChoice,
    /// Print the time to the first frame and exit (for measuring startup).
    pub exit_after_first_frame: bool,
    /// When the process started.
    pub started: Instant,
}

struct Window {
    app: AuthProxyApp,
    probe: Option<Instant>,
    frames: u32,
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        #[cfg(debug_assertions)]
        if self.frames == 0 && std::env::var("AUTHPROXY_MANAGER_TEST_PANIC").is_ok_and(|v| v == "window") {
            let input = std::env::var("AUTHPROXY_MANAGER_TEST_PANIC_INPUT").unwrap_or_default();
            panic!("a test panic in the window quoting input: {input}");
        }
        self.app.show(ui);
        self.frames += 1;
        if let Some(started) = self.probe {
            // The first frame is painted after this call returns; report on the second.
            if self.frames == 2 {
                println!("first frame after {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ui.ctx().request_repaint();
            }
        }
    }
}

/// The window and taskbar icon (the exe's own icon on Windows comes from its resources).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon-256.png");

fn native_options(renderer: eframe::Renderer, title: String) -> eframe::NativeOptions {
    let mut viewport = egui::ViewportBuilder::default();
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(e) => tracing::warn!("the window icon could not be decoded: {e}"),
    }
    eframe::NativeOptions {
        renderer,
        viewport: viewport
            .with_title(title)
            .with_app_id("authproxy-manager")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..eframe::NativeOptions::default()
    }
}

/// Opens the window and runs until it closes.
///
/// # Errors
/// When no renderer could open a window (for example, no display).
pub fn run(options: &LaunchOptions) -> Result<(), String> {
    // With the test-only feature, eframe saves a screenshot for EFRAME_SCREENSHOT_TO, only with glow.
    #[cfg(feature = "ci-screenshot")]
    let screenshot = std::env::var_os("EFRAME_SCREENSHOT_TO").is_some();
    #[cfg(not(feature = "ci-screenshot"))]
    let screenshot = {
        // eframe built without its screenshot hook refuses to start when the variable is set.
        std::env::remove_var("EFRAME_SCREENSHOT_TO");
        false
    };
    let renderers: &[eframe::Renderer] = match options.renderer {
        _ if screenshot => &[eframe::Renderer::Glow],
        RendererChoice::Auto => &[eframe::Renderer::Wgpu, eframe::Renderer::Glow],
        RendererChoice::Wgpu => &[eframe::Renderer::Wgpu],
        RendererChoice::Glow => &[eframe::Renderer::Glow],
    };
    let mut errors = Vec::new();
    // The install folder of the command line, else the one set in the window.
    let saved = super::settings::SettingsStore::load(super::settings::default_path()).settings;
    let install_dir = options.install_dir.clone().or(saved.install_dir);
    // With an install folder alone, the window opens that install's config.
    let config = options.config.clone().or_else(|| {
        let dir = install_dir.as_deref()?;
        Some(crate::service::installed_config(dir)).filter(|c| c.is_file())
    });
    for &renderer in renderers {
        let env = Environment::installed(install_dir.as_deref());
        let app = match options.platform {
            Some(platform) => AuthProxyApp::new(config.as_deref(), platform, env),
            None => AuthProxyApp::with_inferred_platform(config.as_deref(), env),
        };
        let probe = options.exit_after_first_frame.then_some(options.started);
        let result = eframe::run_native(
            "authproxy-manager",
            native_options(renderer, app.window_title()),
            Box::new(move |cc| {
                cc.egui_ctx.set_fonts(super::fonts::definitions(&super::fonts::candidates()));
                Ok(Box::new(Window { app, probe, frames: 0 }))
            }),
        );
        match result {
            Ok(()) => return Ok(()),
            Err(e) => {
                tracing::warn!("the {renderer:?} renderer could not start: {e}");
                errors.push(format!("{renderer:?}: {e}"));
            }
        }
    }
    Err(format!(
        "could not open the window ({}). On a server without a desktop use the command line: authproxy-manager validate FILE",
        errors.join("; ")
    ))
}
