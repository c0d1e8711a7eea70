//! The log explorer's budget: 100 MB of logs (ten rotated 10 MiB files of `authproxy.log`, with
//! `authevents.log`) read, merged, grouped and explained in a second; any filter over that index
//! in 50 ms; the index at most half the bytes it covers.
//!
//! Run with `cargo bench -p authproxy-core --bench log_index`.

#[path = "../tests/support/loggen.rs"]
mod loggen;

use std::hint::black_box;

use authproxy_core::logfile::filter::Query;
use authproxy_core::logfile::{parse_text, LogIndex, Outcome};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let log = loggen::LogGen::new(42).mixed(100 * 1024 * 1024);
    let dir = tempfile::tempdir().expect("a temporary folder");
    log.write(dir.path(), 10 * 1024 * 1024).expect("the logs are written");
    let index = LogIndex::read_dir(dir.path()).expect("the folder is read");
    eprintln!(
        "{} files, {} bytes of logs, {} entries, {} requests; index {} bytes ({:.3} of the logs)",
        index.files.len(),
        index.log_bytes(),
        index.order.len(),
        index.requests.len(),
        index.index_bytes(),
        index.index_bytes() as f64 / index.log_bytes() as f64
    );

    let mut group = c.benchmark_group("log_index");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(index.log_bytes() as u64));
    group.bench_function("read_dir_100MB", |b| {
        b.iter(|| LogIndex::read_dir(black_box(dir.path())).map(|i| i.order.len()))
    });
    let first = &index.files.iter().find(|f| !f.name.family.is_json()).expect("a text log").bytes;
    group.throughput(Throughput::Bytes(first.len() as u64));
    group.bench_function("parse_text_10MiB", |b| b.iter(|| parse_text(black_box(first)).len()));
    group.finish();

    let mut filters = c.benchmark_group("log_filter");
    filters.sample_size(20);
    let queries = [
        ("user", Query { user: Some("müller".into()), ..Query::default() }),
        ("outcome_timeout", Query { outcomes: vec![Outcome::Timeout], ..Query::default() }),
        ("text", Query { text: Some("login timed out".into()), ..Query::default() }),
        ("all_lines_folded", Query::default()),
    ];
    for (name, query) in queries {
        let found = query.run(&index);
        eprintln!("{name}: {} requests, {} lines, {} folded", found.requests.len(), found.lines.len(), found.folded);
        filters.bench_function(name, |b| b.iter(|| black_box(&query).run(&index).lines.len()));
    }
    filters.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
