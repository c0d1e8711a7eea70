//! The Log tab's frame over a million log lines: the request table scrolled, and every line
//! (routine chatter included) scrolled, each a whole egui frame of the window plus tessellation.
//! Only the rows in view are drawn, so the frame does not grow with the log.
//!
//! Run with `cargo bench --bench log_tab_frame`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use authproxy_manager::app::files::NativeDialogs;
use authproxy_manager::app::log_explorer::View;
use authproxy_manager::app::output::Tab;
use authproxy_manager::app::{AuthProxyApp, Environment};
use authproxy_manager::schema::Platform;
use criterion::{criterion_group, criterion_main, Criterion};
use egui::{Context, Event, MouseWheelSource, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase};

#[path = "../crates/authproxy-core/tests/support/loggen.rs"]
mod loggen;

fn frame(ctx: &Context, app: &mut AuthProxyApp, events: Vec<Event>) -> usize {
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        events,
        ..RawInput::default()
    };
    let output = ctx.run_ui(input, |ui| app.show(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn scroll(delta: f32) -> Vec<Event> {
    vec![
        Event::PointerMoved(Pos2::new(1050.0, 650.0)),
        Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: egui::vec2(0.0, delta),
            phase: TouchPhase::Move,
            source: MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        },
    ]
}

fn bench(c: &mut Criterion) {
    let install = tempfile::tempdir().expect("a temporary folder");
    let (conf, log) = (install.path().join("conf"), install.path().join("log"));
    std::fs::create_dir_all(&conf).and_then(|()| std::fs::create_dir_all(&log)).expect("folders");
    std::fs::write(
        conf.join("authproxy.cfg"),
        "[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nradius_ip_1=10.0.0.1\n",
    )
    .expect("the config");
    loggen::LogGen::new(1).mixed(180 * 1024 * 1024).write(&log, 10 * 1024 * 1024).expect("the logs");

    let ctx = Context::default();
    let env = Environment::detached(
        Box::new(NativeDialogs),
        std::sync::Arc::from(authproxy_manager::secrets::host_protector()),
    );
    let mut app = AuthProxyApp::new(Some(&conf.join("authproxy.cfg")), Platform::Linux, env);
    frame(&ctx, &mut app, Vec::new());
    app.set_tab(Tab::Log);
    let started = Instant::now();
    while app.log_explorer().is_none_or(|e| e.busy() || e.index().is_none()) {
        frame(&ctx, &mut app, Vec::new());
        std::thread::sleep(Duration::from_millis(20));
        assert!(started.elapsed() < Duration::from_secs(120), "the logs were not read");
    }
    frame(&ctx, &mut app, Vec::new());
    let lines = app.log_explorer().and_then(|e| e.index()).map_or(0, |i| i.order.len());
    eprintln!("{lines} log lines read in {:.2} s", started.elapsed().as_secs_f64());

    let mut down = true;
    c.bench_function("log_tab_requests_scroll", |b| {
        b.iter(|| {
            down = !down;
            black_box(frame(&ctx, &mut app, scroll(if down { -400.0 } else { 300.0 })))
        });
    });
    if let Some(explorer) = app.log_explorer_mut() {
        explorer.set_view(View::Lines);
        explorer.show_routine_lines(true);
    }
    frame(&ctx, &mut app, Vec::new());
    let shown = app.log_explorer().map_or(0, |e| e.matches().lines.len());
    eprintln!("{shown} lines in the Lines view");
    c.bench_function("log_tab_million_lines_scroll", |b| {
        b.iter(|| {
            down = !down;
            black_box(frame(&ctx, &mut app, scroll(if down { -400.0 } else { 300.0 })))
        });
    });
    c.bench_function("log_tab_idle", |b| b.iter(|| black_box(frame(&ctx, &mut app, Vec::new()))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
