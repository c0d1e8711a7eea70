//! Parse and validate a realistic 10,000-line `authproxy.cfg`, and read it from disk bytes in a
//! Windows code page.
//!
//! Run with `cargo bench --bench parse_validate`.

use std::hint::black_box;

use authproxy_core::config::{decode_in, encode, CodePage, Document};
use authproxy_core::schema::Platform;
use authproxy_core::schema::ProxyVersion;
use authproxy_core::validate::{validate, Options};
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/generate.rs"]
mod generate;
use generate::generate;

fn options() -> Options<'static> {
    Options { platform: Some(Platform::Linux), ..Options::default() }
}

fn bench(c: &mut Criterion) {
    let text = generate();
    // `BENCH_DUMP_CFG=path cargo bench ...` writes the generated file out for inspection.
    if let Some(path) = std::env::var_os("BENCH_DUMP_CFG") {
        std::fs::write(path, &text).expect("write the generated file");
    }
    let doc = Document::parse(&text);
    assert!(doc.loads(), "the generated file should load: {:?}", doc.errors.first());
    let diagnostics = validate(&doc, &options());
    eprintln!(
        "generated {} lines, {} bytes, {} sections; {} findings on Linux",
        doc.lines.len(),
        text.len(),
        doc.sections.len(),
        diagnostics.len()
    );

    c.bench_function("parse_10k", |b| b.iter(|| Document::parse(black_box(&text))));
    c.bench_function("validate_10k", |b| b.iter(|| validate(black_box(&doc), &options())));
    let for_6_8 = Options { proxy_version: Some(ProxyVersion::new(6, 8, 0)), ..options() };
    c.bench_function("validate_10k_for_6_8", |b| b.iter(|| validate(black_box(&doc), &for_6_8)));
    // The same file with a Cyrillic comment on every 20th line, as a Windows-1251 server keeps it.
    let cyrillic: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i % 20 == 0 { format!("; Примечание {i}\n") } else { format!("{l}\n") })
        .collect();
    let page = CodePage::new(1251).expect("1251 is known");
    let bytes = encode(&cyrillic, decode_in(b"\xff", page).encoding).expect("Cyrillic fits 1251");
    c.bench_function("decode_10k_cp1251", |b| b.iter(|| decode_in(black_box(&bytes), page)));
    c.bench_function("parse_and_validate_10k", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(&text));
            validate(&doc, &options())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
