//! Stage benchmark: CPU time of parsing alone, parsing plus correlation, and the whole engine with NDJSON
//! output, in one process over the same lines (`cargo bench --bench pipeline -- FILE`).
//! It reports what correlation adds to parsing, which the CLI-level benchmark cannot separate.
//!
//! The parse stage does what the engine does for each line (decode, JSON envelope check, framing, grammar,
//! one reused field list), so that what correlation adds is measured against the parsing a user's run pays.
//! The three take turns in five rounds, so that a slow spell of a shared machine hits them alike; each
//! stage's best time is reported, and what correlation adds also round by round, with its spread.
//! Correlation is also timed alone, over lines parsed beforehand in batches, as a check on the difference.
//!
//! `-- FILE --only parse` (or `correlate`) runs that one stage once and prints nothing, for a profiler:
//! under callgrind, what correlation costs per line is the difference of the two runs' instructions, and
//! what parsing costs is the parse run's less that of `--only read` (reading and splitting the file).

use std::time::Instant;

use postfix_enrich::config::Limits;
use postfix_enrich::correlate::Correlator;
use postfix_enrich::engine::{decode, FieldBuffer, BATCH};
use postfix_enrich::event::LineEvent;
use postfix_enrich::syslog;
use postfix_enrich::time::YearClock;
use postfix_enrich::{Config, Engine, NdjsonSink};

const RUNS: usize = 5;

/// The time of each stage in each of [`RUNS`] rounds, the stages taking turns within a round: on a shared
/// machine a slow spell then hits every stage alike rather than one stage's every run.
fn in_turns<const N: usize>(mut stages: [&mut dyn FnMut(); N]) -> [[f64; N]; RUNS] {
    let mut rounds = [[0.0; N]; RUNS];
    for round in &mut rounds {
        for (stage, t) in stages.iter_mut().zip(round.iter_mut()) {
            let start = Instant::now();
            stage();
            *t = start.elapsed().as_secs_f64();
        }
    }
    rounds
}

/// Parses every line as the engine does (decode, JSON envelope check, framing, grammar, a reused field list
/// per line of a batch), a batch of [`BATCH`] lines at a time, and hands each batch's events to `then`: the
/// engine correlates a batch after parsing it.
fn parse_each(lines: &[&[u8]], mut then: impl FnMut(&[LineEvent<'_>])) {
    let mut clock = YearClock::new(Some(2013), 0, 0);
    let mut fields: Vec<FieldBuffer> = (0..BATCH).map(|_| FieldBuffer::default()).collect();
    for batch in lines.chunks(BATCH) {
        let texts: Vec<_> = batch.iter().map(|l| decode(l)).collect();
        let envelopes: Vec<_> = texts.iter().map(|t| syslog::envelope(t)).collect();
        let events: Vec<_> = (texts.iter().zip(&envelopes).zip(&mut fields))
            .map(|((text, envelope), f)| f.parse(text, envelope.as_ref(), &mut clock))
            .collect();
        then(&events);
        for (ev, f) in events.into_iter().zip(&mut fields) {
            f.give_back(ev);
        }
    }
}

fn correlator() -> Correlator {
    Correlator::new(
        Limits::default(),
        &[],
        Config::default().content_filter_relays().unwrap(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = (args.iter().position(|a| a == "--only")).and_then(|i| args.get(i + 1).cloned());
    let path = args
        .iter()
        .find(|a| !a.starts_with("--") && Some(*a) != only.as_ref());
    let Some(path) = path else {
        eprintln!("usage: cargo bench --bench pipeline -- FILE");
        return;
    };
    let data = std::fs::read(path).expect("corpus");
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let n = lines.len() as f64;

    let mut parse_stage = || {
        parse_each(&lines, |events| {
            std::hint::black_box(events);
        })
    };
    let mut correlate_stage = || {
        let mut c = correlator();
        let mut out = Vec::new();
        parse_each(&lines, |events| {
            for ev in events {
                c.feed(ev, &mut out);
            }
            // As the engine does: spent records go back to the correlator.
            for m in out.drain(..) {
                c.recycle(m);
            }
        });
        c.flush(&mut out);
        std::hint::black_box(&out);
    };
    match only.as_deref() {
        // The lines read and split, nothing more: what the other two include besides their stage.
        Some("read") => {
            std::hint::black_box(&lines);
            return;
        }
        Some("parse") => return parse_stage(),
        Some("correlate") => return correlate_stage(),
        Some(other) => panic!("--only {other}: read, parse or correlate"),
        None => {}
    }
    let mut full_stage = || {
        let config = Config {
            year: Some(2013),
            ..Config::default()
        };
        let mut engine = Engine::new(config, 0).expect("engine");
        let mut sink = NdjsonSink::default();
        for batch in lines.chunks(BATCH) {
            engine.process_lines(batch, &mut sink);
            sink.buf.clear();
        }
        engine.flush(&mut sink);
        std::hint::black_box(&sink.buf);
    };
    let rounds = in_turns([&mut parse_stage, &mut correlate_stage, &mut full_stage]);
    let best = |stage: usize| {
        rounds
            .iter()
            .map(|r| r[stage])
            .fold(f64::INFINITY, f64::min)
    };
    let (parse, correlate, full) = (best(0), best(1), best(2));
    // What correlation adds within each round, where both stages met the same spell of the machine.
    let mut added: Vec<f64> = rounds.iter().map(|r| (r[1] / r[0] - 1.0) * 100.0).collect();
    added.sort_by(f64::total_cmp);
    let texts: Vec<_> = lines.iter().map(|l| decode(l)).collect();
    let alone = (0..RUNS)
        .map(|_| {
            let mut clock = YearClock::new(Some(2013), 0, 0);
            let mut c = correlator();
            let mut out = Vec::new();
            let mut spent = 0.0;
            for batch in texts.chunks(4096) {
                let events: Vec<_> = (batch.iter())
                    .map(|t| postfix_enrich::engine::parse_line(t, None, &mut clock))
                    .collect();
                let t = Instant::now();
                for ev in &events {
                    c.feed(ev, &mut out);
                    for m in out.drain(..) {
                        c.recycle(m);
                    }
                }
                spent += t.elapsed().as_secs_f64();
            }
            spent
        })
        .fold(f64::INFINITY, f64::min);
    println!("{:<40} {:>10} {:>12}", "stage (in process)", "s", "lines/s");
    for (name, s) in [
        ("parse", parse),
        ("parse + correlate", correlate),
        ("parse + correlate + NDJSON", full),
        ("correlate alone (lines parsed before)", alone),
    ] {
        println!("{name:<40} {s:>10.3} {:>12.0}", n / s);
    }
    println!(
        "correlation adds {:.1}% to parsing (target <= 30%); round by round {:.1}% to {:.1}%, median {:.1}%",
        (correlate / parse - 1.0) * 100.0,
        added[0],
        added[RUNS - 1],
        added[RUNS / 2]
    );
}
