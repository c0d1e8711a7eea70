//! Arbitrary bytes as a Duo API host's whole answer: the HTTP parser (head, chunked and
//! length-framed bodies) and the reading of ping and check answers never panic.
#![no_main]

use authproxy_core::connectivity::duo::{check_result, ping_time};
use authproxy_core::connectivity::http::{dechunk, parse_head, parse_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = parse_response(data) {
        let _ = ping_time(&response);
        let _ = check_result(&response);
        let _ = response.header("content-type");
    }
    if let Ok(Some((len, _))) = parse_head(data) {
        assert!(len <= data.len());
    }
    if let Ok(Some(body)) = dechunk(data) {
        assert!(body.len() <= data.len());
    }
});
