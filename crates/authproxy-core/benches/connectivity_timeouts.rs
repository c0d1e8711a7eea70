//! Ten `[ad_client]` sections whose host never answers, each with `timeout=3`: probed at once,
//! the run takes about as long as one timeout (Duo's tool, testing one after another, takes
//! ten times 30 s). The silent host is a loopback listener whose accept queue is kept full, so
//! the kernel drops every further SYN.

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use authproxy_core::config::Document;
use authproxy_core::connectivity::{build_plan, runner, Cancel, StepKind, StepOutcome};
use authproxy_core::secrets::Unavailable;
use criterion::{criterion_group, criterion_main, Criterion};
use socket2::{Domain, Socket, Type};

/// A listener with a full accept queue, and the connections that fill it.
fn silent_listener() -> (Socket, Vec<TcpStream>, SocketAddr) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    socket.bind(&"127.0.0.1:0".parse::<SocketAddr>().expect("address").into()).expect("bind");
    socket.listen(0).expect("listen");
    let addr = socket.local_addr().expect("address").as_socket().expect("inet");
    let mut fillers = Vec::new();
    for _ in 0..3 {
        if let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            fillers.push(s);
        }
    }
    (socket, fillers, addr)
}

fn ten_silent_sections(c: &mut Criterion) {
    let (_listener, _fillers, addr) = silent_listener();
    let text: String = (1..=10)
        .map(|i| {
            format!(
                "[ad_client{i}]\nhost=127.0.0.1\nport={}\ntimeout=3\nauth_type=plain\nbind_dn=x\nservice_account_password=x\nsearch_dn=x\n",
                addr.port()
            )
        })
        .collect();
    let probes = build_plan(&Document::parse(&text), None, None);
    assert_eq!(probes.len(), 10);
    let mut group = c.benchmark_group("connectivity");
    group.sample_size(10).measurement_time(Duration::from_secs(35)).warm_up_time(Duration::from_secs(1));
    group.bench_function("ten_silent_hosts_timeout_3s", |b| {
        b.iter(|| {
            let results = runner::run(&probes, Arc::new(Unavailable), Arc::new(|_| {}), Cancel::default()).expect("runtime");
            let timed_out = results
                .iter()
                .filter(|r| r.steps.iter().any(|s| s.step == StepKind::Tcp && matches!(&s.outcome, StepOutcome::Failed { problem } if problem.class() == "connect_timeout")))
                .count();
            assert_eq!(timed_out, 10, "every probe must time out at the TCP step");
        });
    });
    group.finish();
}

criterion_group!(benches, ten_silent_sections);
criterion_main!(benches);
