//! The full per-keystroke work of the desktop app on a 10,000-line file: one egui
//! frame with a typed character (the edit, re-parse and re-validation, highlighting,
//! text layout, gutter, underlines, completion, the Problems list) plus tessellation; and an idle
//! frame. A second keystroke case checks the file with Windows rules, where every plaintext
//! secret is a warning, so the Problems list holds thousands of findings.
//!
//! Run with `cargo bench --bench editor_keystroke`.

use std::hint::black_box;

use authproxy_manager::app::files::NativeDialogs;
use authproxy_manager::app::{AuthProxyApp, Environment};
use authproxy_manager::schema::Platform;
use criterion::{criterion_group, criterion_main, Criterion};
use egui::{Context, Event, Pos2, RawInput, Rect};

#[path = "../crates/authproxy-core/benches/common/generate.rs"]
mod generate;

fn input(events: Vec<Event>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        events,
        ..RawInput::default()
    }
}

fn frame(ctx: &Context, app: &mut AuthProxyApp, events: Vec<Event>) -> usize {
    let output = ctx.run_ui(input(events), |ui| app.show(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn backspace_event() -> Event {
    Event::Key {
        key: egui::Key::Backspace,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// A window on the generated file, with the caret at the end of a value in its middle.
fn window(path: &std::path::Path, platform: Platform, ctx: &Context) -> AuthProxyApp {
    let env = Environment::detached(
        Box::new(NativeDialogs),
        std::sync::Arc::from(authproxy_manager::secrets::host_protector()),
    );
    let mut app = AuthProxyApp::new(Some(path), platform, env);
    for _ in 0..3 {
        frame(ctx, &mut app, Vec::new());
    }
    let middle = app.text().match_indices('\n').nth(generate::LINES / 2).map_or(0, |(i, _)| i);
    app.go_to(middle);
    for _ in 0..3 {
        frame(ctx, &mut app, Vec::new());
    }
    let before = app.text().len();
    frame(ctx, &mut app, vec![Event::Text("a".into())]);
    assert_eq!(app.text().len(), before + 1, "the keystroke reached the editor");
    frame(ctx, &mut app, vec![backspace_event()]);
    assert_eq!(app.text().len(), before, "backspace reached the editor");
    app
}

/// Types a character, then deletes it, so the line keeps its real length however many
/// iterations run; both are keystrokes with the full re-analysis and re-layout.
fn keystrokes(c: &mut Criterion, name: &str, ctx: &Context, app: &mut AuthProxyApp) {
    let backspace = backspace_event();
    let mut typed = true;
    c.bench_function(name, |b| {
        b.iter(|| {
            typed = !typed;
            let event = if typed { backspace.clone() } else { Event::Text("a".into()) };
            black_box(frame(ctx, app, vec![event]))
        });
    });
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, generate::generate()).expect("write the file");
    let ctx = Context::default();
    let mut app = window(&path, Platform::Linux, &ctx);
    keystrokes(c, "keystroke_frame_10k", &ctx, &mut app);
    c.bench_function("idle_frame_10k", |b| b.iter(|| black_box(frame(&ctx, &mut app, Vec::new()))));

    // The Form tab beside the text: the caret's section as a form, rebuilt every frame.
    app.run(authproxy_manager::app::commands::Command::ShowForm, &ctx);
    frame(&ctx, &mut app, Vec::new());
    keystrokes(c, "keystroke_frame_10k_form_tab", &ctx, &mut app);

    // With Windows rules every plaintext secret is a warning: the Problems list has thousands of rows.
    let ctx = Context::default();
    let mut app = window(&path, Platform::Windows, &ctx);
    let findings = app.diagnostics().len();
    assert!(findings > 1000, "{findings} findings");
    keystrokes(c, "keystroke_frame_10k_thousands_of_findings", &ctx, &mut app);
}

criterion_group!(benches, bench);
criterion_main!(benches);
