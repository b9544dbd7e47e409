//! Golden files: each `tests/golden/NAME.log` (real corpus lines, provenance in `tests/golden/README.md`) run
//! through the command line with `--year 2026` must print exactly `tests/golden/NAME.ndjson`.
//!
//! The expected files were written once by `UPDATE_GOLDEN=1 cargo test --test golden` and then reviewed by
//! reading every record against its input line. A regenerated file must be read again before it is committed:
//! this test only proves the output did not change, not that it is right.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The CLI's stdout for `input`.
fn run_cli(input: Vec<u8>) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_postfix-enrich"))
        .args(["--year", "2026"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the postfix-enrich binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from a thread so that a large output cannot block the child while we still write.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("the binary finishes");
    writer
        .join()
        .expect("writer thread")
        .expect("stdin accepts the input");
    assert!(
        out.status.success(),
        "exit {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The first record that differs, with its neighbours' context, for a readable failure.
fn first_difference(name: &str, want: &[u8], got: &[u8]) -> String {
    let want = String::from_utf8_lossy(want);
    let got = String::from_utf8_lossy(got);
    let (mut w, mut g) = (want.lines(), got.lines());
    let mut n = 1;
    loop {
        match (w.next(), g.next()) {
            (Some(a), Some(b)) if a == b => n += 1,
            (None, None) => {
                return format!("{name}: same records, different bytes (line endings?)")
            }
            (a, b) => {
                return format!(
                    "{name}.ndjson record {n} differs\n  expected: {}\n  got:      {}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of output>")
                )
            }
        }
    }
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5, "golden inputs: {inputs:?}");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read(input).expect("golden input");
        let lines = text.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        assert!(
            (10..=40).contains(&lines.count()),
            "{name}.log: 10 to 40 lines"
        );
        let got = run_cli(text);
        let expected = input.with_extension("ndjson");
        if update {
            std::fs::write(&expected, &got).expect("write golden output");
            eprintln!(
                "wrote {} (read every record before committing it)",
                expected.display()
            );
            continue;
        }
        let want = std::fs::read(&expected).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; generate it with UPDATE_GOLDEN=1 and review it",
                expected.display()
            )
        });
        if want != got {
            failures.push(first_difference(&name, &want, &got));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
