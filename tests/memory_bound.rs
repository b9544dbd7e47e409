//! The memory bound of correlation: a million distinct queue ids that are never removed stay within
//! `limits.open_messages`, and every one of them still comes out as a message record (`complete: false`).
//! Alone in its test binary, so that the process's peak RSS is this test's.

use postfix_enrich::config::Limits;
use postfix_enrich::output::Sink;
use postfix_enrich::{correlate::Message, event::LineEvent, Config, Engine};

/// Counts records without keeping them.
#[derive(Default)]
struct Count {
    lines: usize,
    messages: usize,
    incomplete: usize,
}

impl Sink for Count {
    fn line(&mut self, _: &LineEvent<'_>) {
        self.lines += 1;
    }
    fn message(&mut self, m: &Message) {
        self.messages += 1;
        self.incomplete += usize::from(!m.complete);
    }
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_million_open_queue_ids_stay_bounded_and_all_come_out() {
    const N: usize = 1_000_000;
    const OPEN: usize = 20_000;
    let config = Config {
        year: Some(2026),
        limits: Limits {
            open_messages: OPEN,
            ..Limits::default()
        },
        ..Config::default()
    };
    let mut engine = Engine::new(config, 0).unwrap();
    let mut sink = Count::default();
    let before = peak_rss_kib();
    for i in 0..N {
        let s = i % 86_400;
        let line = format!(
            "Jun 10 {:02}:{:02}:{:02} mx1 postfix/qmgr[880]: {:010X}: from=<sender{i}@example.com>, size={}, nrcpt=1 (queue active)",
            s / 3600,
            s / 60 % 60,
            s % 60,
            i + 0x10_0000,
            1000 + i
        );
        engine.process_line(line.as_bytes(), &mut sink);
    }
    let during = peak_rss_kib();
    engine.flush(&mut sink);
    assert_eq!(sink.lines, N);
    assert_eq!(
        sink.messages, N,
        "every queue id comes out as a message record"
    );
    assert_eq!(sink.incomplete, N, "none was removed, so none is complete");
    if let (Some(before), Some(during)) = (before, during) {
        let grown_mib = (during.saturating_sub(before)) / 1024;
        println!("peak RSS grew by {grown_mib} MiB for {OPEN} open messages ({during} KiB peak)");
        // ~1.5 KiB per open message measured; the bound is what matters: far below a million messages' worth.
        assert!(
            grown_mib < 100,
            "peak RSS grew by {grown_mib} MiB with open_messages = {OPEN}"
        );
    }
}
