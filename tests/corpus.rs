//! Whole-corpus properties of the engine, on the real lines of `tests/corpus/public` (see its README for
//! sources and licences): coverage of the grammar, one line record per input line whatever the input,
//! framing independence, and no panic on a million mangled lines.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use postfix_enrich::engine::parse_line;
use postfix_enrich::time::YearClock;
use postfix_enrich::{Config, Engine, NdjsonSink};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/public")
}

/// Every `.log` file of the corpus with its lines.
fn corpus_logs() -> Vec<(String, Vec<String>)> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("corpus file");
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, text.lines().map(str::to_string).collect())
        })
        .collect()
}

/// Lines the corpus README marks as deliberately malformed (sergeymakinen's negative tests).
fn malformed() -> HashSet<String> {
    let text =
        std::fs::read_to_string(corpus_dir().join("sergeymakinen-postfix-exporter.expect.jsonl"))
            .unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["deliberately_malformed_or_unsupported"] == true)
        .map(|v| v["line"].as_str().unwrap().to_string())
        .collect()
}

fn run_engine(input: &[u8]) -> String {
    let config = Config {
        year: Some(2026),
        ..Config::default()
    };
    let mut engine = Engine::new(config, 0).unwrap();
    let mut sink = NdjsonSink::default();
    engine.process_chunk(input, &mut sink);
    engine.finish(&mut sink);
    engine.flush(&mut sink);
    String::from_utf8(sink.buf).expect("NDJSON is UTF-8")
}

/// grok-patterns.log lines that are not Postfix messages: the field-fragment pseudo-patterns and a
/// third-party milter's format (corpus README, "whyscream/postfix-grok-patterns").
fn not_postfix_by_source() -> HashSet<String> {
    const PSEUDO: [&str; 5] = [
        "POSTFIX_TLS_FEATURES",
        "POSTFIX_COMMAND_COUNTER_DATA",
        "POSTFIX_DELAYS",
        "POSTFIX_RELAY",
        "POSTFIX_MC_MILTER",
    ];
    let text = std::fs::read_to_string(corpus_dir().join("grok-tests.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| {
            v["grok_pattern_name"]
                .as_str()
                .is_some_and(|p| PSEUDO.contains(&p))
        })
        .map(|v| v["line"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn grammar_recognises_at_least_99_5_percent_of_the_corpus() {
    let skip = malformed();
    let pseudo = not_postfix_by_source();
    let (mut total, mut missed) = (0usize, Vec::new());
    for (file, lines) in corpus_logs() {
        for line in lines.iter().filter(|l| !skip.contains(*l)) {
            total += 1;
            let mut clock = YearClock::new(Some(2026), 0, 0);
            let ev = parse_line(line, None, &mut clock);
            // A line is recognised when it gets a kind; `not-postfix` is right only for the lines the
            // corpus itself says are not Postfix messages, and wrong for every other line.
            let expected_not_postfix = pseudo.contains(line);
            let right = match ev.kind {
                "unknown" => false,
                "not-postfix" => expected_not_postfix,
                _ => !expected_not_postfix,
            };
            if !right {
                missed.push(format!("{file}: {} | {line}", ev.kind));
            }
        }
    }
    let share = 1.0 - missed.len() as f64 / total as f64;
    println!("{:.2}% of {total} corpus lines recognised", share * 100.0);
    assert!(
        share >= 0.995,
        "{:.2}% of {total} corpus lines recognised; not recognised:\n{}",
        share * 100.0,
        missed.join("\n")
    );
}

#[test]
fn the_real_log_is_recognised_whole() {
    let gz = corpus_dir().join("fgforrest-real-mail.log.2.gz");
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(gz)
        .output()
        .expect("gzip");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut clock = YearClock::new(Some(2013), 0, 0);
    let missed: Vec<&str> = text
        .lines()
        .filter(|l| {
            let ev = parse_line(l, None, &mut clock);
            ev.kind == "unknown" || ev.kind == "not-postfix"
        })
        .collect();
    assert!(
        missed.len() * 1000 <= text.lines().count(),
        "{} unrecognised, e.g. {:?}",
        missed.len(),
        &missed[..missed.len().min(20)]
    );
}

/// A junk file: everything a log pipe can carry that is not a well-formed line.
fn junk() -> Vec<u8> {
    let mut j = Vec::new();
    j.extend_from_slice(b"\n\n   \n\t\n");
    j.extend_from_slice(b"\x00\x01\x02\xff\xfe binary\n");
    j.extend_from_slice(b"Dec  4 19:40:01 mx1 postfix/smtp[12]: \xc3\x28 invalid utf-8 \xa0\xa1\n");
    j.extend_from_slice(
        b"Dec  4 19:40:01 mx1 sshd[99]: Accepted publickey for root from 192.0.2.1 port 22\n",
    );
    j.extend_from_slice(b"Dec  4 19:40:01 mx1 dovecot: imap-login: Login: user=<a>\n");
    j.extend_from_slice(b"{\"message\": 5}\n{not json\n[1,2]\n");
    j.extend_from_slice(b"<34>1 - - - - - -\n<999999>\n<12>Dec 32 25:61:61 x y[z]: w\n");
    j.extend_from_slice(b"Dec  4 19:40:01 mx1 postfix/smtp[12]: ABCDEF12345: to=<");
    j.extend_from_slice(&vec![b'a'; 1 << 20]);
    j.extend_from_slice(b">, relay=none, status=deferred (\n");
    j.extend_from_slice(b"crlf line\r\nlast line without newline");
    j
}

fn count_lines(input: &[u8]) -> usize {
    let n = input.iter().filter(|&&b| b == b'\n').count();
    n + usize::from(!input.is_empty() && !input.ends_with(b"\n"))
}

#[test]
fn every_input_line_gives_exactly_one_line_record_in_order() {
    let mut input = Vec::new();
    for (_, lines) in corpus_logs() {
        for l in lines {
            input.extend_from_slice(l.as_bytes());
            input.push(b'\n');
        }
    }
    input.extend_from_slice(&junk());
    let out = run_engine(&input);
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect();
    let line_records: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["event_kind"] == "line")
        .collect();
    assert_eq!(line_records.len(), count_lines(&input));
    // In order, raw as received (lossily decoded), the 1 MiB line kept whole.
    let text = String::from_utf8_lossy(&input);
    for (rec, line) in line_records.iter().zip(text.split('\n')) {
        assert_eq!(
            rec["raw"].as_str().unwrap(),
            line.strip_suffix('\r').unwrap_or(line)
        );
    }
    assert!(line_records
        .iter()
        .any(|r| r["raw"].as_str().unwrap().len() > 1 << 20));
}

#[test]
fn framing_does_not_change_the_fields() {
    // Every RFC 3164 corpus line re-framed as RFC 5424 and as a JSON envelope gives the same record.
    let mut checked = 0;
    for (_, lines) in corpus_logs() {
        for line in &lines {
            let mut c = YearClock::new(Some(2026), 0, 0);
            let ev = parse_line(line, None, &mut c);
            let (Some(time), Some(host), Some(prog)) = (ev.time, ev.host, ev.process_name) else {
                continue;
            };
            if !line.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
                continue; // only the year-less form: the others carry zones the re-framing would drop
            }
            let msg = &line[line.find(": ").unwrap() + 2..];
            let pid = ev.process_id.map_or("-".to_string(), |p| p.to_string());
            let ts = time.rfc3339();
            let rfc5424 = format!("<22>1 {ts} {host} {prog} {pid} - - {msg}");
            let mut obj =
                serde_json::json!({"message": msg, "timestamp": ts, "host": host, "appname": prog});
            if let Some(p) = ev.process_id {
                obj["procid"] = p.into();
            }
            let json = obj.to_string();
            let env = postfix_enrich::syslog::envelope(&json).unwrap();
            for (form, other) in [
                ("rfc5424", parse_line(&rfc5424, None, &mut c)),
                ("json", parse_line(&json, Some(&env), &mut c)),
            ] {
                assert_eq!(
                    (
                        other.time,
                        other.host,
                        other.process_name,
                        other.process_id,
                        other.kind,
                        other.queue_id,
                        other.parser,
                        &other.fields
                    ),
                    (
                        ev.time,
                        ev.host,
                        ev.process_name,
                        ev.process_id,
                        ev.kind,
                        ev.queue_id,
                        ev.parser,
                        &ev.fields
                    ),
                    "{form} of {line}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} lines re-framed");
}

/// xorshift64*: a deterministic generator, so a failure is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn a_million_mangled_lines_do_not_panic() {
    let seeds: Vec<Vec<u8>> = corpus_logs()
        .into_iter()
        .flat_map(|(_, l)| l)
        .map(String::into_bytes)
        .collect();
    let tokens: [&[u8]; 12] = [
        b"<",
        b">",
        b"[",
        b"]",
        b":",
        b"=",
        b", ",
        b" (",
        b")",
        b"\xff",
        b"\xe2\x82",
        b"status=",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let config = Config {
        year: Some(2026),
        limits: postfix_enrich::config::Limits {
            open_messages: 1000,
            ..Default::default()
        },
        ..Config::default()
    };
    let mut engine = Engine::new(config, 0).unwrap();
    let mut sink = NdjsonSink::default();
    let mut lines = 0;
    for _ in 0..1_000_000 {
        let mut l = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            match rng.below(5) {
                0 if !l.is_empty() => l.truncate(rng.below(l.len())),
                1 if !l.is_empty() => {
                    let i = rng.below(l.len());
                    l[i] = rng.next() as u8;
                }
                2 => {
                    let i = rng.below(l.len() + 1);
                    let t = tokens[rng.below(tokens.len())];
                    l.splice(i..i, t.iter().copied());
                }
                3 => {
                    let other = &seeds[rng.below(seeds.len())];
                    let (a, b) = (rng.below(l.len() + 1), rng.below(other.len() + 1));
                    l.truncate(a);
                    l.extend_from_slice(&other[b..]);
                }
                _ => l.retain(|&c| c != b'\n'),
            }
        }
        l.retain(|&c| c != b'\n');
        engine.process_line(&l, &mut sink);
        lines += 1;
        if sink.buf.len() > 1 << 22 {
            sink.buf.clear();
        }
    }
    engine.flush(&mut sink);
    assert_eq!(lines, 1_000_000);
}
