//! The command line as users run it: configuration faults exit 2 with one line that names the fault, and a
//! run stopped and restarted with `--state` prints the same message records as one uninterrupted run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_postfix-enrich"))
}

fn run(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("postfix-enrich-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn configuration_faults_exit_2_with_one_line_naming_them() {
    let bad_key = temp("bad-key.json");
    std::fs::write(&bad_key, r#"{"limits": {"open_mesages": 10}}"#).unwrap();
    let bad_table = temp("bad-table.json");
    std::fs::write(
        &bad_table,
        r#"{"context": {"content_filter_relays": ["not-an-ip"]}}"#,
    )
    .unwrap();
    let cases: [(Vec<&str>, &str); 6] = [
        (vec!["--config", bad_key.to_str().unwrap()], "open_mesages"),
        (
            vec!["--config", bad_table.to_str().unwrap()],
            "content_filter_relays",
        ),
        (
            vec!["--config", "/nonexistent/postfix-enrich.json"],
            "/nonexistent/postfix-enrich.json",
        ),
        (vec!["--year", "twenty"], "--year"),
        (vec!["--timezone", "Mars/Olympus"], "--timezone"),
        (vec!["--frobnicate"], "--frobnicate"),
    ];
    for (args, names) in cases {
        let (code, out, err) = run(
            &args,
            b"Dec  4 19:40:01 mx1 postfix/qmgr[1]: ABCDE12345: removed\n",
        );
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} printed records");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains(names),
            "{args:?}: {err:?} does not name {names}"
        );
    }
}

#[test]
fn a_restart_with_state_gives_the_same_message_records() {
    let input =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample.log")).unwrap();
    let (code, whole, _) = run(&["--year", "2026", "--no-lines"], &input);
    assert_eq!(code, 0);
    assert!(whole.lines().count() > 30);
    let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    for cut in [lines.len() / 3, lines.len() / 2, 2 * lines.len() / 3] {
        let state = temp(&format!("state-{cut}.json"));
        let _ = std::fs::remove_file(&state);
        let s = state.to_str().unwrap();
        let (c1, first, _) = run(
            &["--year", "2026", "--no-lines", "--state", s],
            &lines[..cut].concat(),
        );
        let (c2, second, _) = run(
            &["--year", "2026", "--no-lines", "--state", s, "--flush"],
            &lines[cut..].concat(),
        );
        assert_eq!((c1, c2), (0, 0));
        assert_eq!(first + &second, whole, "restart after line {cut}");
    }
}

#[test]
fn checkpoints_do_not_change_the_output() {
    let input =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample.log")).unwrap();
    let plain_state = temp("plain.json");
    let checkpointed = temp("checkpoint.json");
    let _ = std::fs::remove_file(&plain_state);
    let _ = std::fs::remove_file(&checkpointed);
    let (c1, plain, _) = run(
        &["--year", "2026", "--state", plain_state.to_str().unwrap()],
        &input,
    );
    let args = [
        "--year",
        "2026",
        "--state",
        checkpointed.to_str().unwrap(),
        "--checkpoint-every",
        "7",
    ];
    let (c2, with_checkpoints, _) = run(&args, &input);
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(with_checkpoints, plain);
    assert_eq!(
        std::fs::read(&checkpointed).unwrap(),
        std::fs::read(&plain_state).unwrap()
    );
}
