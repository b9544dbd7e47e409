//! End-to-end checks of the three front ends of postfix-enrich: the native command, the command component run
//! by `postfix-host run`, and the library component streamed by `postfix-host enrich`.
//!
//! They need the built artifacts (`cargo build --release` and `make wasm host`, or simply `make test-wasm`); a
//! missing one fails with the command that builds it. The trap-marker guest is built by the test itself.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::JoinHandle;

/// Unlike the guests' parsers, which other work changes, these comparisons hold whatever the parsers do:
/// the front ends must agree with each other, byte for byte.
const YEAR: &str = "2013";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-test sits in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

fn artifact(rel: &str, make: &str) -> PathBuf {
    let path = target_dir().join(rel);
    assert!(
        path.is_file(),
        "{} is missing: run `{make}` first (or `make test-wasm`, which builds everything these tests need)",
        path.display()
    );
    path
}

fn native() -> PathBuf {
    artifact("release/postfix-enrich", "cargo build --release")
}

fn command_component() -> PathBuf {
    artifact("wasm32-wasip2/release/postfix-enrich.wasm", "make wasm")
}

fn library_component() -> PathBuf {
    artifact("wasm32-wasip2/release/postfix_enrich.wasm", "make wasm")
}

/// The library component built with `--features trap-marker` as well, built here (into its own target dir,
/// so that no shipped artifact is ever the trapping one) so that it is never older than the core it is
/// compared with.
fn trap_component() -> PathBuf {
    let dir = target_dir().join("trap-guest");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "--release", "--target", "wasm32-wasip2", "--lib"])
        .args(["--features", "component,trap-marker", "--target-dir"])
        .arg(&dir)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building the trap-marker guest failed (try `make trap-guest`)"
    );
    artifact(
        "trap-guest/wasm32-wasip2/release/postfix_enrich.wasm",
        "make trap-guest",
    )
}

fn host() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_postfix-host"))
}

/// Starts `program args` with pipes for stdin, stdout and stderr, and feeds it `input` from a thread (the
/// output may fill its pipe before the input is all written).
fn start(program: &Path, args: &[&str], input: Vec<u8>) -> (Child, JoinHandle<()>) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    (child, feeder)
}

/// Runs `program args` with `input` on stdin.
fn run(program: &Path, args: &[&str], input: &[u8]) -> Output {
    let (child, feeder) = start(program, args, input.to_vec());
    let out = child.wait_with_output().expect("child runs");
    feeder.join().expect("feeder");
    out
}

fn ok(out: Output, what: &str) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{what}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The output of each front end for `input`, in the order native, command component, library component.
fn three_outputs(input: &[u8], args: &[&str]) -> [Vec<u8>; 3] {
    let cmd = command_component();
    let lib = library_component();
    let mut run_args = vec!["run", "--component", cmd.to_str().unwrap(), "--"];
    run_args.extend_from_slice(args);
    let mut enrich_args = vec!["enrich", "--component", lib.to_str().unwrap()];
    enrich_args.extend_from_slice(args);
    [
        ok(run(&native(), args, input), "native"),
        ok(run(&host(), &run_args, input), "postfix-host run"),
        ok(run(&host(), &enrich_args, input), "postfix-host enrich"),
    ]
}

/// Lines as the contract frames them: split at `\n`, the last one needs none.
fn input_lines(input: &[u8]) -> Vec<&[u8]> {
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    if input.is_empty() {
        return Vec::new();
    }
    body.split(|&b| b == b'\n').collect()
}

/// The parsed records of an NDJSON output.
fn records(out: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(out).expect("output is UTF-8");
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:.200}")))
        .collect()
}

fn line_records(out: &[u8]) -> Vec<serde_json::Value> {
    records(out)
        .into_iter()
        .filter(|r| r["event_kind"] == "line")
        .collect()
}

fn assert_same_everywhere(name: &str, input: &[u8]) {
    let [native, command, library] = three_outputs(input, &["--year", YEAR]);
    assert!(
        native == command,
        "{name}: the command component differs from the native command"
    );
    assert!(
        native == library,
        "{name}: postfix-host enrich differs from the native command"
    );
    let lines = line_records(&native);
    let expected = input_lines(input);
    assert_eq!(
        lines.len(),
        expected.len(),
        "{name}: one line record per input line"
    );
    for (rec, line) in lines.iter().zip(&expected) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let raw = rec["raw"].as_str().expect("raw is a string");
        // A line past the framing limit is kept cut; every other one whole.
        assert!(
            String::from_utf8_lossy(line).starts_with(raw),
            "{name}: raw is not the input line: {raw:.200}"
        );
    }
}

fn corpus() -> PathBuf {
    workspace().join("tests/corpus/public")
}

#[test]
fn corpus_files_give_the_same_bytes_on_every_front_end() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "corpus files found: {files:?}");
    for f in files {
        let input = std::fs::read(&f).expect("read corpus file");
        assert_same_everywhere(&f.display().to_string(), &input);
    }
}

fn real_log() -> Vec<u8> {
    let gz = corpus().join("fgforrest-real-mail.log.2.gz");
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(&gz)
        .output()
        .expect("gzip runs");
    assert!(out.status.success(), "gzip -dc {}", gz.display());
    out.stdout
}

#[test]
fn real_log_gives_the_same_bytes_on_every_front_end() {
    let input = real_log();
    assert!(input.len() > 10 << 20);
    assert_same_everywhere("fgforrest-real-mail.log.2", &input);
}

/// Everything that is not a log line: every line must still get its record, the same on every front end.
fn junk() -> Vec<u8> {
    let mut j = Vec::new();
    j.extend_from_slice(b"\n\n");
    j.extend_from_slice(
        b"Jun 10 06:27:30 gds39d postfix/smtpd[5530]: connect from nms.active24.cz[81.95.96.49]\r\n",
    );
    j.extend_from_slice(b"\r\n\r\n");
    j.extend((0u8..=255).filter(|&b| b != b'\n'));
    j.push(b'\n');
    j.extend_from_slice(b"invalid utf-8: \xc3\x28 \xff\xfe \xed\xa0\x80 \xf0\x9f\x98\n");
    j.extend_from_slice(b"nul \0 and lone cr \r in the middle\n");
    j.extend_from_slice(
        b"Jun 10 06:27:30 host postfix/qmgr[1]: 4E5D11234: from=<\xff@x>, size=1, nrcpt=1\n",
    );
    let mut big =
        b"Jun 10 06:27:31 gds39d postfix/cleanup[1]: 4E5D11234: warning: header Subject: ".to_vec();
    big.resize(1 << 20, b'x');
    j.extend_from_slice(&big);
    j.push(b'\n');
    // Longer than the framing limit (8 MiB): cut, and forwarded by the host in pieces.
    j.extend(std::iter::repeat_n(b'y', (8 << 20) + 12345));
    j.extend_from_slice(b"\r\n");
    j.extend_from_slice(b"{\"message\": \"not json");
    j.push(b'\n');
    j.extend_from_slice(b"the last line has no newline");
    j
}

#[test]
fn junk_gives_a_record_per_line_and_the_same_bytes_on_every_front_end() {
    let input = junk();
    assert_same_everywhere("junk", &input);
    // The same junk again, with a final CR and nothing else on the last line.
    let mut again = input;
    again.extend_from_slice(b"\n\r");
    assert_same_everywhere("junk ending in a lone CR", &again);
}

#[test]
fn options_give_the_same_bytes_on_every_front_end() {
    let input = std::fs::read(corpus().join("fgforrest-deliverability.log")).expect("corpus");
    for args in [
        &["--year", "2013", "--no-lines"][..],
        &["--year", "2012", "--timezone", "+02:00"],
        &["--timezone", "-05:30", "--year", "2020"],
    ] {
        let [native, command, library] = three_outputs(&input, args);
        assert!(native == command, "{args:?}: command component differs");
        assert!(native == library, "{args:?}: postfix-host enrich differs");
        if args.contains(&"--no-lines") {
            assert!(
                line_records(&native).is_empty(),
                "--no-lines printed line records"
            );
        }
    }
}

/// Lines of the real log with the trap marker in some of them: the first, two in a row, one in the middle,
/// the one right after a line longer than the framing limit (so that the replay must re-feed that long line,
/// which the host forwarded in pieces), one at the start of a 2 MiB line, and the last (which has no
/// newline). Returns the input and which lines carry the marker.
fn trap_input() -> (Vec<u8>, Vec<bool>) {
    let real = real_log();
    let mut lines: Vec<(Vec<u8>, bool)> = input_lines(&real)
        .into_iter()
        .take(5000)
        .map(|l| (l.to_vec(), false))
        .collect();
    for i in [0, 1000, 1001, 2500] {
        lines[i].0.extend_from_slice(b" POSTFIX-ENRICH-TRAP");
        lines[i].1 = true;
    }
    lines.push((vec![b'z'; (9 << 20) + 7], false));
    lines.push((
        b"right after the long line POSTFIX-ENRICH-TRAP".to_vec(),
        true,
    ));
    let mut two_mib = b"POSTFIX-ENRICH-TRAP ".to_vec();
    two_mib.resize(2 << 20, b'w');
    lines.push((two_mib, true));
    let tail: Vec<(Vec<u8>, bool)> = input_lines(&real)
        .into_iter()
        .skip(5000)
        .take(20)
        .map(|l| (l.to_vec(), false))
        .collect();
    lines.extend(tail);
    let last = lines.len() - 1;
    lines[last].0.extend_from_slice(b" POSTFIX-ENRICH-TRAP");
    lines[last].1 = true;
    let mut input = Vec::new();
    for (i, (line, _)) in lines.iter().enumerate() {
        input.extend_from_slice(line);
        if i != last {
            input.push(b'\n');
        }
    }
    (input, lines.into_iter().map(|(_, m)| m).collect())
}

#[test]
fn a_trap_costs_only_the_line_that_caused_it() {
    let (input, marked) = trap_input();
    let normal = ok(
        run(
            &host(),
            &[
                "enrich",
                "--component",
                library_component().to_str().unwrap(),
                "--year",
                YEAR,
            ],
            &input,
        ),
        "normal guest",
    );
    let trapping = run(
        &host(),
        &[
            "enrich",
            "--component",
            trap_component().to_str().unwrap(),
            "--year",
            YEAR,
        ],
        &input,
    );
    let stderr = String::from_utf8_lossy(&trapping.stderr).into_owned();
    assert!(
        stderr.contains("trapped"),
        "the guest did not trap: {stderr:.2000}"
    );
    let trapped = ok(trapping, "trapping guest");

    // The same keys as a line record that the guest writes for a line it cannot parse.
    let keys = |r: &serde_json::Value| -> std::collections::BTreeSet<String> {
        r.as_object()
            .expect("a record is an object")
            .keys()
            .cloned()
            .collect()
    };
    let unparsed = line_records(&ok(
        run(&native(), &[], b"nothing to parse here\n"),
        "native",
    ));
    let mut note_keys = keys(&unparsed[0]);
    note_keys.insert("additional_info".to_owned());

    let want = line_records(&normal);
    let got = line_records(&trapped);
    assert_eq!(want.len(), marked.len());
    assert_eq!(
        got.len(),
        marked.len(),
        "one line record per input line, traps or not"
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        if marked[i] {
            assert_eq!(g["postfix_kind"], "unknown", "line {i}");
            assert_eq!(g["raw"], w["raw"], "line {i}");
            let info = g["additional_info"].as_str().unwrap_or_default();
            assert!(info.contains("trapped"), "line {i}: {info}");
            assert_eq!(keys(g), note_keys, "line {i}");
        } else {
            assert!(g == w, "line {i}: differs from the run without traps");
        }
    }
}

fn bad_config(dir: &Path) -> PathBuf {
    let path = dir.join("bad-config.json");
    std::fs::write(&path, br#"{"limits": {"open_mesages": 5}}"#).expect("write config");
    path
}

fn assert_config_fault(out: Output, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}: exit status");
    assert!(out.stdout.is_empty(), "{what}: printed records");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{what}: not one line: {err}");
    assert!(
        err.contains("open_mesages"),
        "{what}: does not name the key: {err}"
    );
}

#[test]
fn a_bad_configuration_exits_2_with_one_line_naming_the_key() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let config = bad_config(&dir);
    let config = config.to_str().unwrap();
    let input =
        b"Jun 10 06:27:30 gds39d postfix/smtpd[5530]: connect from nms.active24.cz[81.95.96.49]\n";
    assert_config_fault(run(&native(), &["--config", config], input), "native");
    let lib = library_component();
    assert_config_fault(
        run(
            &host(),
            &[
                "enrich",
                "--component",
                lib.to_str().unwrap(),
                "--config",
                config,
            ],
            input,
        ),
        "postfix-host enrich",
    );
    let cmd = command_component();
    assert_config_fault(
        run(
            &host(),
            &[
                "run",
                "--component",
                cmd.to_str().unwrap(),
                "--dir",
                dir.to_str().unwrap(),
                "--",
                "--config",
                config,
            ],
            input,
        ),
        "postfix-host run",
    );
}

#[test]
fn a_bad_option_exits_2_with_one_line() {
    let lib = library_component();
    for args in [
        &["--year", "12x"][..],
        &["--timezone", "Mars/Base"],
        &["--format", "xml"],
        &["--bogus"],
    ] {
        let mut enrich = vec!["enrich", "--component", lib.to_str().unwrap()];
        enrich.extend_from_slice(args);
        for (what, out) in [
            ("native", run(&native(), args, b"")),
            ("postfix-host enrich", run(&host(), &enrich, b"")),
        ] {
            assert_eq!(out.status.code(), Some(2), "{what} {args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(err.lines().count(), 1, "{what} {args:?}: {err}");
            assert!(err.contains(args[0]), "{what} {args:?}: {err}");
        }
    }
}

#[test]
fn a_precompiled_component_gives_the_same_bytes() {
    let cwasm = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("postfix_enrich.cwasm");
    let lib = library_component();
    ok(
        run(
            &host(),
            &[
                "compile",
                "--component",
                lib.to_str().unwrap(),
                "-o",
                cwasm.to_str().unwrap(),
            ],
            b"",
        ),
        "postfix-host compile",
    );
    let input = std::fs::read(corpus().join("fgforrest-deliverability.log")).expect("corpus");
    let native = ok(run(&native(), &["--year", YEAR], &input), "native");
    let precompiled = ok(
        run(
            &host(),
            &[
                "enrich",
                "--component",
                cwasm.to_str().unwrap(),
                "--year",
                YEAR,
            ],
            &input,
        ),
        "postfix-host enrich of the precompiled component",
    );
    assert!(native == precompiled, "the precompiled component differs");
}

/// A reader that stops early (`| head`) ends the run quietly and successfully, as it ends the native
/// command's: the library component's records reach stdout through its `sink.write` import, whose failed
/// write must end the run as a failed write of the host's own does, not as a failure of the guest.
#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    let lib = library_component();
    let native_args = ["--year", YEAR];
    let host_args = [
        "enrich",
        "--component",
        lib.to_str().unwrap(),
        "--year",
        YEAR,
    ];
    let runs: [(&Path, &[&str]); 2] = [(&native(), &native_args), (&host(), &host_args)];
    for (program, args) in runs {
        // Many times what a pipe holds, so that writes go on after the reader has gone.
        let (mut child, feeder) = start(program, args, real_log());
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut first)
            .expect("reads a line");
        assert!(first.starts_with("{\"event_kind\":\"line\""), "{first}");
        let out = child.wait_with_output().expect("child runs");
        feeder.join().expect("feeder");
        let what = format!("{} {args:?}", program.display());
        assert!(out.status.success(), "{what}: {}", out.status);
        assert!(
            out.stderr.is_empty(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `line KIND QUEUE_ID` / `message QUEUE_ID RECIPIENTS COMPLETE`, as `postfix-host events` prints them.
fn summary(ndjson: &[u8]) -> String {
    let mut s = String::new();
    for r in records(ndjson) {
        if r["event_kind"] == "line" {
            let q = r["queue_id"].as_str().unwrap_or("-");
            s += &format!("line {} {q}\n", r["postfix_kind"].as_str().unwrap());
        } else {
            let n = r["recipients"].as_array().map_or(0, Vec::len);
            s += &format!(
                "message {} {n} {}\n",
                r["queue_id"].as_str().unwrap(),
                r["complete"]
            );
        }
    }
    s
}

#[test]
fn the_typed_methods_give_the_records_of_the_ndjson() {
    let lib = library_component();
    for name in [
        "fgforrest-deliverability.log",
        "wazuh.log",
        "grok-patterns.log",
    ] {
        let input = std::fs::read(corpus().join(name)).expect("corpus");
        let native = ok(run(&native(), &["--year", YEAR], &input), "native");
        let typed = ok(
            run(
                &host(),
                &[
                    "events",
                    "--component",
                    lib.to_str().unwrap(),
                    "--year",
                    YEAR,
                ],
                &input,
            ),
            "postfix-host events",
        );
        assert_eq!(
            String::from_utf8(typed).unwrap(),
            summary(&native),
            "{name}"
        );
    }
}
