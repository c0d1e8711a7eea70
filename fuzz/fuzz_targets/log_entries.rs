//! Arbitrary bytes as a whole text log (`authproxy.log`): every entry lies inside the file, in
//! order and without overlap, with its system field and message inside its head line; every
//! non-blank line belongs to an entry; timestamps print without a panic and parse back.
#![no_main]

use authproxy_core::logfile::{parse_text, time};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let entries = parse_text(data);
    let mut previous_end = 0;
    for (i, entry) in entries.iter().enumerate() {
        assert!(entry.range().start <= entry.range().end && entry.range().end <= data.len());
        assert!(i == 0 || entry.range().start > previous_end, "entries overlap");
        previous_end = entry.range().end;
        let head_end =
            data[entry.range().start..].iter().position(|&b| b == b'\n').map_or(data.len(), |n| entry.range().start + n);
        for part in [entry.system(), entry.message_range(data)] {
            assert!(part.start >= entry.range().start && part.end <= head_end.min(entry.range().end), "outside its head line");
        }
        if let Some(moment) = entry.time() {
            let printed = moment.to_string();
            let (again, _) = time::parse(printed.as_bytes()).expect("a printed timestamp parses");
            assert_eq!(again.utc_micros, moment.utc_micros);
        }
        let _ = entry.text(data);
    }
    // Every line with text is inside an entry.
    let mut start = 0;
    for line in data.split(|&b| b == b'\n') {
        let text = line.strip_suffix(b"\r").unwrap_or(line);
        if !text.is_empty() {
            let inside = entries.iter().any(|e| e.range().start <= start && start < e.range().end.max(e.range().start + 1));
            assert!(inside, "the line at byte {start} is in no entry");
        }
        start += line.len() + 1;
    }
});
