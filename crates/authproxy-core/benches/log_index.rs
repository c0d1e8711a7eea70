//! Reading a 10 MiB `authproxy.log` into entries (offsets, UTC times, levels): the first step of
//! the log explorer, which must index 100 MB in a second.
//!
//! Run with `cargo bench -p authproxy-core --bench log_index`.

use std::hint::black_box;

use authproxy_core::logfile::parse_text;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A log in the proxy's grammar: RADIUS requests, directory-sync chatter, start-up dumps with
/// continuation lines, CRLF and a few non-ASCII user names.
fn generate(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 512);
    let mut n = 0u64;
    while out.len() < bytes {
        n += 1;
        let (second, micro) = (n % 60, n * 7919 % 1_000_000);
        let stamp = format!("2023-01-11T08:{:02}:{second:02}.{micro:06}-0500", n / 60 % 60);
        let user = if n.is_multiple_of(50) { "müller" } else { "alice" };
        let line = match n % 8 {
            0 => format!("{stamp} [duoauthproxy.lib.log#info] (('10.0.0.9', 41{:03}), {user}, {}): Sending request from 10.0.0.9 to radius_server_auto\n", n % 1000, n % 256),
            1 => format!("{stamp} [duoauthproxy.lib.http._DuoHTTPClientFactory#info] Starting factory <_DuoHTTPClientFactory>\r\n"),
            2 => format!("{stamp} [LdapSyncClientProtocol,DIXXXXXXXXXXXXXXXXXX,client] Summary: drpc_ldap_sync ok\n"),
            3 => format!("{stamp} [duoauthproxy.lib.log#info] Section config:\n\t{{'ikey': 'DIXXXXXXXXXXXXXXXXXX',\n\t 'skey': '*****[40]'}}\n"),
            4 => format!("{stamp} [-] (('10.0.0.9', 41{:03}), {user}, {}): Duo authentication returned 'allow': 'Success'\n", n % 1000, n % 256),
            5 => format!("{stamp} [duoauthproxy.lib.log#error] Traceback (most recent call last):\n\tFile \"x.py\", line 1\n"),
            6 => format!("{stamp} [Uninitialized] Received duplicate request\n"),
            _ => format!("{stamp} [duoauthproxy.lib.log#debug] Packet dump - received from 10.0.0.9:\n"),
        };
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn bench(c: &mut Criterion) {
    let log = generate(10 * 1024 * 1024);
    let entries = parse_text(&log);
    eprintln!("generated {} bytes, {} entries", log.len(), entries.len());
    let mut group = c.benchmark_group("log_index");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group.sample_size(20);
    group.bench_function("parse_text_10MiB", |b| b.iter(|| parse_text(black_box(&log))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
