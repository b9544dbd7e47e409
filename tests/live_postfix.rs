//! Live test: message correlation against a REAL Postfix, not against lines we wrote.
//!
//! The test starts a private Postfix instance (`postfix -c DIR`, its own queue, `maillog_file` written by
//! postlogd) on 127.0.0.1, with small SMTP servers of its own as the next hops: one accepts (but refuses
//! `nosuch*` and defers `full*` local parts), one greylists, one rejects at RCPT, one rejects after DATA, and one
//! port where nothing listens. It submits a fixed plan of messages over SMTP (plain, and SASL-authenticated
//! submission with a Dovecot-protocol auth server it runs itself) and with `sendmail` (as root and as `nobody`),
//! waits until the queue is empty (deferred mail expires within seconds), stops Postfix, and runs
//! `postfix-enrich` on the log as written, re-framed as RFC 5424, and re-framed as JSON lines. The message
//! records must say what was sent: sender, recipients and their final status, subject, attachment names,
//! client and SASL user; the bounce notifications Postfix generated must be messages of their own; and all
//! three framings must give identical message records. Expectations come from the plan, and for the
//! notifications from what the sinks received, never from the product's output.
//!
//! Needs root and Debian's Postfix: `sudo scripts/install-postfix.sh`. `LIVE_POSTFIX_KEEP=1` keeps the temp dir
//! (config, queue, maillog) for inspection; `LIVE_POSTFIX_BIN=PATH` runs another build of the command (e.g.
//! `target/release/postfix-enrich`) with the same arguments.
//!
//! A non-root `sendmail` may not name a private config directory (the set-gid `postdrop` refuses any directory
//! not listed in `/etc/postfix/main.cf`), so the instance has its own `command_directory` holding links to the
//! system commands and a plain (not set-gid) copy of `postdrop`, and its `maildrop` directory is made writable
//! for all, as Postfix allowed before set-gid `postdrop` existed. Postfix logs the same lines either way.

#[path = "live/mail.rs"]
mod mail;
#[path = "live/reframe.rs"]
mod reframe;
#[path = "live/servers.rs"]
mod servers;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mail::{Attachment, Naming};
use serde_json::Value;
use servers::{Mode, Received};

const POSTFIX: &str = "/usr/sbin/postfix";
const SENDMAIL: &str = "/usr/sbin/sendmail";
const INSTALL_HINT: &str =
    "Postfix is not installed: run `sudo scripts/install-postfix.sh` (CI does this before `cargo test`)";
/// The whole test must end well within this.
const SETTLE_LIMIT: Duration = Duration::from_secs(240);
const NOBODY: u32 = 65534;

/// How a planned message enters Postfix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// SMTP to the plain smtpd listener (client in `mynetworks`).
    Smtp,
    /// SMTP to the submission listener, `AUTH PLAIN` as carol.
    Submission,
    /// `sendmail -C DIR [-f SENDER]` as root.
    SendmailRoot,
    /// `sendmail` as `nobody` (sender defaults to `nobody@live.test`).
    SendmailNobody,
}

/// One planned message.
struct Plan {
    tag: &'static str,
    via: Via,
    /// Envelope sender; for sendmail without `-f` the sender Postfix gives it.
    sender: &'static str,
    /// `-f` is passed to sendmail only when true.
    explicit_sender: bool,
    rcpts: Vec<String>,
    /// The `Subject:` header as written (encoded, possibly folded with CRLF SP).
    subject_header: Option<String>,
    /// What a reader sees.
    subject: Option<String>,
    /// Postfix logs at most 200 characters of a header: the logged subject is only a prefix.
    subject_cut: bool,
    attachments: Vec<Attachment>,
}

impl Plan {
    fn message_id(&self) -> String {
        format!("{}.live-postfix@client.live.test", self.tag)
    }
}

fn addrs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn range(prefix: &str, domain: &str, from: u32, to: u32) -> Vec<String> {
    (from..=to)
        .map(|i| format!("{prefix}{i:02}@{domain}"))
        .collect()
}

fn att(name: &'static str, mime: &'static str, size: usize, naming: Naming) -> Attachment {
    Attachment {
        name,
        mime,
        size,
        naming,
    }
}

/// The messages the test sends. Domains decide the outcome: see [`expected_status`].
fn plan() -> Vec<Plan> {
    let p = |tag, via, sender, rcpts: Vec<String>, subject: Option<(&str, &str)>| Plan {
        tag,
        via,
        sender,
        explicit_sender: true,
        rcpts,
        subject_header: subject.map(|s| s.0.to_string()),
        subject: subject.map(|s| s.1.to_string()),
        subject_cut: false,
        attachments: Vec::new(),
    };
    let mut m03 = range("a", "ok.test", 1, 8);
    m03.insert(4, "z1@blocked.test".into());
    m03.extend(range("g", "grey.test", 1, 4));
    m03.insert(11, "z2@blocked.test".into());
    m03.extend(range("d", "down.test", 1, 3));
    m03.extend(addrs(&["b01@bad.test", "b02@bad.test", "full1@ok.test"]));
    let long_ascii = "Re: Fwd: Minutes of the architecture review board, action items for the migration of the legacy billing system";
    let long_utf8 = "Überprüfung der Änderungen an der Zugriffsverwaltung für die Abteilungen Personalwesen, Finanzbuchhaltung und Geschäftsführung – bitte bis Freitag bestätigen";
    let long_utf8_header = mail::rfc2047_b(long_utf8, 45);
    let mut v = vec![
        p(
            "m01",
            Via::Smtp,
            "alice@live.test",
            addrs(&["bob@ok.test"]),
            Some(("Quarterly report", "Quarterly report")),
        ),
        Plan {
            attachments: vec![att(
                "Übersicht 2026.pdf",
                "application/pdf",
                20_000,
                Naming::Rfc2231Utf8,
            )],
            ..p(
                "m02",
                Via::Smtp,
                "alice@live.test",
                addrs(&[
                    "r1@ok.test",
                    "r2@ok.test",
                    "nosuch1@ok.test",
                    "x@bad.test",
                    "y@spam.test",
                ]),
                Some((
                    "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4g4oCTIMOcYmVyc2ljaHQ=?=",
                    "Grüße aus Köln – Übersicht",
                )),
            )
        },
        p(
            "m03",
            Via::Smtp,
            "bob@live.test",
            m03,
            Some((
                "=?UTF-8?Q?Caf=C3=A9_meeting_=E2=80=94_agenda?=",
                "Café meeting — agenda",
            )),
        ),
        Plan {
            attachments: vec![att(
                "backup.tar.gz",
                "application/gzip",
                3_000_000,
                Naming::Plain,
            )],
            ..p(
                "m04",
                Via::Smtp,
                "bob@live.test",
                addrs(&["carol@ok.test"]),
                Some(("Nightly backup 2026-12-04", "Nightly backup 2026-12-04")),
            )
        },
        Plan {
            subject_header: Some(mail::fold("Subject", long_ascii)),
            subject: Some(long_ascii.to_string()),
            ..p(
                "m05",
                Via::Smtp,
                "dave@live.test",
                addrs(&["team@live.test", "frank@ok.test"]),
                None,
            )
        },
        p(
            "m06",
            Via::Smtp,
            "ghost@bad.test",
            addrs(&["nosuch2@ok.test"]),
            Some(("Backscatter probe", "Backscatter probe")),
        ),
        p(
            "m07",
            Via::Smtp,
            "mallory@live.test",
            addrs(&["victim@ok.test"]),
            Some((
                "[reject-me] You have won a prize",
                "[reject-me] You have won a prize",
            )),
        ),
        p(
            "m08",
            Via::Smtp,
            "eve@live.test",
            addrs(&["z3@blocked.test"]),
            Some(("Never queued", "Never queued")),
        ),
        Plan {
            attachments: vec![
                att(
                    "報告書_2026年12月_最終版.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    40_000,
                    Naming::Continuation,
                ),
                att("photo.jpg", "image/jpeg", 150_000, Naming::Plain),
                att("data.csv", "text/csv", 2_000, Naming::DispositionOnly),
            ],
            ..p(
                "m09",
                Via::Smtp,
                "alice@live.test",
                addrs(&["h1@ok.test", "h2@ok.test", "g05@grey.test"]),
                Some((
                    "=?UTF-8?B?5pyI5qyh5aCx5ZGK5pu444Gu6YCB5LuY44Gr44Gk44GE44Gm?=",
                    "月次報告書の送付について",
                )),
            )
        },
        Plan {
            subject_header: Some(long_utf8_header),
            subject: Some(long_utf8.to_string()),
            subject_cut: true,
            ..p(
                "m10",
                Via::Smtp,
                "bob@live.test",
                addrs(&["i1@ok.test"]),
                None,
            )
        },
        Plan {
            attachments: vec![att(
                "Lebenslauf_Jürgen.pdf",
                "application/pdf",
                60_000,
                Naming::Rfc2231Latin1,
            )],
            ..p(
                "m11",
                Via::Submission,
                "carol@live.test",
                addrs(&["k1@ok.test", "k2@ok.test", "k3@ok.test"]),
                Some((
                    "=?ISO-8859-1?Q?R=E9sum=E9_f=FCr_J=FCrgen?=",
                    "Résumé für Jürgen",
                )),
            )
        },
        p(
            "m12",
            Via::Submission,
            "carol@live.test",
            addrs(&["d04@down.test", "d05@down.test", "k4@ok.test"]),
            Some(("Status =?UTF-8?Q?=E2=9C=93?= done", "Status ✓ done")),
        ),
        p(
            "m13",
            Via::SendmailRoot,
            "dave@live.test",
            addrs(&["l1@ok.test", "l2@ok.test", "b03@bad.test"]),
            Some((
                "Cron <root@mx> /usr/local/bin/backup.sh",
                "Cron <root@mx> /usr/local/bin/backup.sh",
            )),
        ),
        Plan {
            explicit_sender: false,
            ..p(
                "m14",
                Via::SendmailRoot,
                "root@live.test",
                addrs(&["l3@ok.test"]),
                // A real "? " that is no fold.
                Some(("Disk full? Check /var now", "Disk full? Check /var now")),
            )
        },
        Plan {
            explicit_sender: false,
            ..p(
                "m15",
                Via::SendmailNobody,
                "nobody@live.test",
                addrs(&["n01@ok.test", "g06@grey.test"]),
                Some((
                    "Web form contact: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
                    "Web form contact: Grüße",
                )),
            )
        },
        Plan {
            explicit_sender: false,
            attachments: vec![att(
                "newsletter-12.pdf",
                "application/pdf",
                300_000,
                Naming::Rfc2231Utf8,
            )],
            ..p(
                "m16",
                Via::SendmailNobody,
                "nobody@live.test",
                range("n", "ok.test", 10, 21),
                Some(("Newsletter December", "Newsletter December")),
            )
        },
    ];
    // Alias expansion is planned, not observed: team@live.test has two members (main.cf.in).
    v.sort_by_key(|p| p.tag);
    v
}

/// The final status a recipient must reach, from its address alone (the sinks' behaviour).
fn expected_status(addr: &str) -> &'static str {
    let (local, domain) = addr.split_once('@').unwrap_or((addr, ""));
    match domain {
        "blocked.test" => "rejected",
        "bad.test" | "spam.test" => "bounced",
        "grey.test" | "down.test" => "expired",
        "ok.test" if local.starts_with("nosuch") => "bounced",
        "ok.test" if local.starts_with("full") => "expired",
        _ => "sent",
    }
}

/// The envelope recipients Postfix queues for a planned recipient: `(address, orig_to)`.
fn expand(rcpt: &str) -> Vec<(String, Option<String>)> {
    match rcpt {
        "team@live.test" => vec![
            ("carol.t@ok.test".into(), Some(rcpt.into())),
            ("erin@grey.test".into(), Some(rcpt.into())),
        ],
        _ => vec![(rcpt.to_string(), None)],
    }
}

fn severity(status: &str) -> u8 {
    match status {
        "sent" => 0,
        "deferred" => 1,
        "rejected" => 2,
        "bounced" => 3,
        "expired" => 4,
        _ => 9,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Processes and files

fn run(cmd: &mut Command, what: &str, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: no exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("collect output")
}

fn checked(cmd: &mut Command, what: &str) -> String {
    let out = run(cmd, what, Duration::from_secs(60));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}): {text}",
        out.status
    );
    text
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

fn euid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// A TCP port on 127.0.0.1 that nothing uses, below Linux's ephemeral range (32768-60999) so that no
/// outgoing connection is given it meanwhile: Postfix binds it later, or (for the refused next hop) nobody.
fn quiet_port(taken: &mut BTreeSet<u16>) -> u16 {
    let seed = std::process::id() as u16
        ^ SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_micros() as u16);
    (0..10_000u16)
        .map(|i| 20_000 + (seed.wrapping_add(i.wrapping_mul(7919))) % 10_000)
        .find(|&p| {
            !taken.contains(&p)
                && std::net::TcpListener::bind(("127.0.0.1", p)).is_ok()
                && taken.insert(p)
        })
        .expect("no free port in 20000-29999 on 127.0.0.1")
}

fn utc_year() -> i32 {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    postfix_enrich::time::civil_from_days(days).0
}

/// The private instance; dropping it stops Postfix (by the master's pid if `postfix stop` fails) and removes
/// the temp dir, also when the test fails.
struct Instance {
    dir: PathBuf,
    started: bool,
}

impl Instance {
    fn conf(&self) -> PathBuf {
        self.dir.join("conf")
    }

    fn master_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("queue/pid/master.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn stop(&mut self) {
        if !self.started {
            return;
        }
        self.started = false;
        let pid = self.master_pid();
        let _ = Command::new(POSTFIX)
            .arg("-c")
            .arg(self.conf())
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Some(pid) = pid {
            let start = Instant::now();
            while pid_alive(pid) && start.elapsed() < Duration::from_secs(15) {
                std::thread::sleep(Duration::from_millis(100));
            }
            if pid_alive(pid) {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stop();
        if std::env::var_os("LIVE_POSTFIX_KEEP").is_some() {
            eprintln!("live_postfix: kept {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

fn queue_size(queue: &Path) -> usize {
    fn count(p: &Path) -> usize {
        std::fs::read_dir(p).map_or(0, |rd| {
            rd.flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        count(&path)
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    ["maildrop", "incoming", "active", "deferred", "hold"]
        .iter()
        .map(|d| count(&queue.join(d)))
        .sum()
}

fn sendmail(inst: &Instance, plan: &Plan, data: &[u8]) {
    let mut cmd = Command::new(SENDMAIL);
    if plan.via == Via::SendmailRoot {
        cmd.arg("-C").arg(inst.conf());
    } else {
        // sendmail itself is not set-gid, so it may take MAIL_CONFIG from a non-root caller.
        cmd.env("MAIL_CONFIG", inst.conf())
            .env("HOME", "/")
            .env("USER", "nobody")
            .env("LOGNAME", "nobody")
            .current_dir("/")
            .uid(NOBODY)
            .gid(NOBODY);
    }
    cmd.arg("-i");
    if plan.explicit_sender {
        cmd.args(["-f", plan.sender]);
    }
    cmd.arg("--").args(&plan.rcpts);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sendmail");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = writer.join();
    let out = child.wait_with_output().expect("sendmail output");
    assert!(
        out.status.success(),
        "{}: sendmail failed ({}): {}",
        plan.tag,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_product(input: &str, year: i32) -> Vec<Value> {
    let bin = std::env::var_os("LIVE_POSTFIX_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_postfix-enrich")),
        PathBuf::from,
    );
    // The test's next hops listen on loopback, where a production MTA would have its content filter:
    // this configuration says there is none, so deliveries to 127.0.0.1 count as mail leaving the MTA.
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/product.json");
    let mut child = Command::new(&bin)
        .args(["--year", &year.to_string()])
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start postfix-enrich");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("read output");
    let _ = writer.join();
    let status = child.wait().expect("wait postfix-enrich");
    assert!(status.success(), "postfix-enrich exited with {status}");
    stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("output is not JSON ({e}): {l}"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Record access

fn s<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn unangle(id: &str) -> &str {
    id.trim_start_matches('<').trim_end_matches('>')
}

fn recipients(v: &Value) -> Vec<&Value> {
    v.get("recipients")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The shape of a message, to group unrecognised lines: the queue id masked, then up to three words, cut at
/// the first value (`=`, `<`, `[`, digit).
fn shape(msg: &str) -> String {
    let msg = match msg.split_once(": ") {
        Some((id, rest)) if id.len() >= 10 && id.bytes().all(|b| b.is_ascii_alphanumeric()) => rest,
        _ => msg,
    };
    let head = msg
        .split(|c: char| "=<[".contains(c) || c.is_ascii_digit())
        .next()
        .unwrap_or("");
    head.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Failures gathered over the whole run, so one run shows everything that is wrong.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }

    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, ctx: &str, key: &str, got: T, want: T) {
        if got != want {
            self.0
                .push(format!("{ctx}: {key} is {got:?}, expected {want:?}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------

#[test]
fn live_postfix_correlation() {
    let t0 = Instant::now();
    assert!(
        Path::new(POSTFIX).exists() && Path::new(SENDMAIL).exists(),
        "{INSTALL_HINT}"
    );
    assert_eq!(
        euid(),
        Some(0),
        "tests/live_postfix.rs must run as root: it starts a private Postfix instance"
    );
    let year = utc_year();

    // The next hops. Declared before the instance, so they outlive it on drop.
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let ok = servers::sink(Mode::Accept, received.clone()).expect("accepting sink");
    let grey = servers::sink(Mode::Greylist, received.clone()).expect("greylisting sink");
    let bad = servers::sink(Mode::Reject, received.clone()).expect("rejecting sink");
    let spam = servers::sink(Mode::RejectData, received.clone()).expect("DATA-rejecting sink");
    let auth = servers::dovecot_auth(&[("carol", "s3cret-pass")]).expect("auth server");
    let mut taken = BTreeSet::new();
    let down_port = quiet_port(&mut taken);
    let smtpd_port = quiet_port(&mut taken);
    let submission_port = quiet_port(&mut taken);

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // Not $TMPDIR: the postfix account must be able to walk every parent of its queue directory.
    let dir = Path::new("/tmp").join(format!("postfix-live-{}-{nanos}", std::process::id()));
    std::fs::create_dir(&dir).expect("create temp dir");
    let mut inst = Instance {
        dir: dir.clone(),
        started: false,
    };
    chmod(&dir, 0o755);
    for d in ["conf", "queue", "bin"] {
        std::fs::create_dir(dir.join(d)).expect("create dir");
        chmod(&dir.join(d), 0o755);
    }
    let vars = [
        ("@DIR@", dir.display().to_string()),
        ("@OK_PORT@", ok.port.to_string()),
        ("@GREY_PORT@", grey.port.to_string()),
        ("@BAD_PORT@", bad.port.to_string()),
        ("@SPAM_PORT@", spam.port.to_string()),
        ("@DOWN_PORT@", down_port.to_string()),
        ("@SMTPD_PORT@", smtpd_port.to_string()),
        ("@SUBMISSION_PORT@", submission_port.to_string()),
        ("@AUTH_PORT@", auth.port.to_string()),
    ];
    let fill = |t: &str| vars.iter().fold(t.to_string(), |t, (k, v)| t.replace(k, v));
    let conf = inst.conf();
    std::fs::write(conf.join("main.cf"), fill(include_str!("live/main.cf.in"))).unwrap();
    std::fs::write(
        conf.join("master.cf"),
        fill(include_str!("live/master.cf.in")),
    )
    .unwrap();
    std::fs::write(
        conf.join("header_checks"),
        include_str!("live/header_checks"),
    )
    .unwrap();
    std::fs::write(conf.join("bounce.cf"), include_str!("live/bounce.cf")).unwrap();
    for entry in std::fs::read_dir("/usr/sbin").expect("/usr/sbin").flatten() {
        let name = entry.file_name();
        let n = name.to_string_lossy();
        if (n.starts_with("post") || n == "sendmail") && n != "postdrop" && n != "postqueue" {
            std::os::unix::fs::symlink(entry.path(), dir.join("bin").join(&name)).unwrap();
        }
    }
    // Copies, so that `postfix check` finds the ownership it wants; postdrop stays without set-gid.
    for (name, mode) in [("postqueue", 0o2755), ("postdrop", 0o755)] {
        let copy = dir.join("bin").join(name);
        std::fs::copy(Path::new("/usr/sbin").join(name), &copy).expect("copy postdrop/postqueue");
        checked(
            Command::new("chown").arg("root:postdrop").arg(&copy),
            "chown",
        );
        chmod(&copy, mode);
    }

    // Set first: should start fail half-way, the guard still stops whatever did start.
    inst.started = true;
    let start_out = checked(
        Command::new(POSTFIX)
            .arg("-c")
            .arg(&conf)
            .arg("start")
            .env("TZ", "UTC"),
        "postfix start",
    );
    chmod(&dir.join("queue/maildrop"), 0o1733);
    let ready = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", submission_port)).is_err()
        || std::net::TcpStream::connect(("127.0.0.1", smtpd_port)).is_err()
    {
        assert!(
            ready.elapsed() < Duration::from_secs(20),
            "Postfix did not listen on {smtpd_port}/{submission_port}: {start_out}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Submit the plan.
    let plan = plan();
    let mut outcomes: BTreeMap<&str, mail::Outcome> = BTreeMap::new();
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &plan {
        let data = mail::build(
            p.sender,
            &p.rcpts,
            p.subject_header.as_deref(),
            &p.message_id(),
            &p.attachments,
        );
        sizes.insert(p.tag, data.len());
        match p.via {
            Via::Smtp | Via::Submission => {
                let (port, auth) = if p.via == Via::Smtp {
                    (smtpd_port, None)
                } else {
                    (submission_port, Some(("carol", "s3cret-pass")))
                };
                let o = mail::Client::send(port, auth, p.sender, &p.rcpts, &data)
                    .unwrap_or_else(|e| panic!("{}: SMTP submission failed: {e}", p.tag));
                for (r, code) in p.rcpts.iter().zip(&o.rcpt_codes) {
                    let want = if expected_status(r) == "rejected" {
                        554
                    } else {
                        250
                    };
                    assert_eq!(*code, want, "{}: RCPT TO:<{r}> answered {code}", p.tag);
                }
                outcomes.insert(p.tag, o);
            }
            Via::SendmailRoot | Via::SendmailNobody => sendmail(&inst, p, &data),
        }
    }
    let submitted = t0.elapsed();

    // Wait until every message, bounce and notification has left the queue.
    let queue = dir.join("queue");
    let settle = Instant::now();
    let mut empty_polls = 0;
    while empty_polls < 3 {
        assert!(
            settle.elapsed() < SETTLE_LIMIT,
            "queue did not empty within {SETTLE_LIMIT:?} ({} files left; keep the dir with LIVE_POSTFIX_KEEP=1)",
            queue_size(&queue)
        );
        std::thread::sleep(Duration::from_millis(1000));
        empty_polls = if queue_size(&queue) == 0 {
            empty_polls + 1
        } else {
            0
        };
    }
    inst.stop();
    let log = std::fs::read_to_string(dir.join("maillog")).expect("read maillog");
    let lines: Vec<&str> = log.lines().collect();
    eprintln!(
        "live_postfix: submitted in {submitted:?}, queue empty after {:?} more, {} log lines",
        settle.elapsed(),
        lines.len()
    );

    // --- The harness itself: did Postfix do what the plan intends? (From the log and the sinks only.)
    let received = received.lock().unwrap().clone();
    let mut delivered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &received {
        if let Some(id) = &r.message_id {
            delivered
                .entry(id.clone())
                .or_default()
                .extend(r.rcpts.iter().cloned());
        }
    }
    for p in &plan {
        let want: BTreeSet<String> = p
            .rcpts
            .iter()
            .flat_map(|r| expand(r))
            .map(|(a, _)| a)
            .filter(|a| expected_status(a) == "sent" && p.tag != "m07")
            .collect();
        let got = delivered.get(&p.message_id()).cloned().unwrap_or_default();
        assert_eq!(
            got, want,
            "{}: the accepting sink got other recipients than planned",
            p.tag
        );
    }
    for needle in [
        "sasl_method=PLAIN, sasl_username=carol",
        "uid=65534 from=<nobody>",
        "uid=0 from=<dave@live.test>",
        "status=expired, returned to sender",
        "sender non-delivery notification",
        "sender delay notification",
        "warning: header Subject:",
        "warning: header Content-Disposition: attachment;? filename*0*=",
        "reject: RCPT from localhost[127.0.0.1]",
        "reject: header Subject: [reject-me]",
        ": removed",
    ] {
        assert!(
            log.contains(needle),
            "the maillog lacks `{needle}`: the harness did not produce what it intends"
        );
    }
    // Messages Postfix wrote itself (bounce, delay and postmaster notifications), as the sinks got them.
    let planned: BTreeSet<String> = plan.iter().map(Plan::message_id).collect();
    let notices: Vec<&Received> = received
        .iter()
        .filter(|r| !r.message_id.as_ref().is_some_and(|m| planned.contains(m)))
        .collect();
    assert!(
        notices.iter().any(|r| r.from.is_empty())
            && notices
                .iter()
                .any(|r| r.from == "double-bounce@mx.live.test"),
        "no sender or postmaster notification reached the sink"
    );

    // --- The product on three framings.
    let rfc5424: String = lines
        .iter()
        .map(|l| reframe::parse(l, year).map_or(l.to_string(), |p| reframe::rfc5424(&p)) + "\n")
        .collect();
    let json: String = lines
        .iter()
        .map(|l| reframe::parse(l, year).map_or(l.to_string(), |p| reframe::json(&p)) + "\n")
        .collect();
    let out_plain = run_product(&log, year);
    let out_5424 = run_product(&rfc5424, year);
    let out_json = run_product(&json, year);

    let mut f = Failures::default();
    let messages = |out: &[Value]| -> Vec<Value> {
        out.iter()
            .filter(|v| s(v, "event_kind") == Some("message"))
            .cloned()
            .collect()
    };
    let line_records = out_plain
        .iter()
        .filter(|v| s(v, "event_kind") == Some("line"))
        .count();
    f.eq("line records", "count", line_records, lines.len());
    // Real lines the parsers do not know yet, one example per shape.
    let mut unknown: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for v in out_plain
        .iter()
        .filter(|v| s(v, "event_kind") == Some("line"))
    {
        let kind = s(v, "postfix_kind").unwrap_or("(none)");
        if kind == "unknown" || kind == "not-postfix" {
            let raw = s(v, "raw").unwrap_or("");
            let (app, msg) = reframe::parse(raw, year).map_or(("", raw), |p| (p.app, p.msg));
            let e = unknown
                .entry(format!("{kind} {app}: {}", shape(msg)))
                .or_insert((0, msg.to_string()));
            e.0 += 1;
        }
    }
    for (shape, (n, example)) in &unknown {
        f.0.push(format!(
            "{n} line(s) not recognised, {shape}..., e.g. {example}"
        ));
    }
    let msgs = messages(&out_plain);
    f.eq(
        "message records",
        "RFC 5424 framing",
        &messages(&out_5424),
        &msgs,
    );
    f.eq(
        "message records",
        "JSON framing",
        &messages(&out_json),
        &msgs,
    );

    let complete: Vec<&Value> = msgs
        .iter()
        .filter(|v| v.get("complete") == Some(&Value::Bool(true)))
        .collect();
    let removed: BTreeSet<&str> = lines
        .iter()
        .filter_map(|l| reframe::parse(l, year))
        .filter_map(|p| p.msg.strip_suffix(": removed"))
        .collect();
    let complete_ids: BTreeSet<&str> = complete.iter().filter_map(|v| s(v, "queue_id")).collect();
    let missing: Vec<&&str> = removed.difference(&complete_ids).collect();
    // A message that cleanup rejected never gets a `removed` line, yet it is final: either flag may close it.
    let cleanup_rejected: BTreeSet<&str> = lines
        .iter()
        .filter_map(|l| reframe::parse(l, year))
        .filter(|p| p.app.ends_with("/cleanup"))
        .filter_map(|p| p.msg.split_once(": reject: ").map(|(q, _)| q))
        .collect();
    let extra: Vec<&&str> = complete_ids
        .difference(&removed)
        .filter(|q| !cleanup_rejected.contains(**q))
        .collect();
    f.check(missing.is_empty() && extra.is_empty(), || {
        format!(
            "complete message records: none for {} queue id(s) with a `removed` line {missing:?}; \
             {} without one {extra:?}",
            missing.len(),
            extra.len()
        )
    });

    let by_mid = |mid: &str| -> Vec<&Value> {
        msgs.iter()
            .filter(|v| s(v, "internet_message_id").map(unangle) == Some(mid))
            .collect()
    };

    // --- Each planned message.
    let mut n_rcpts = 0;
    for p in &plan {
        let ctx = format!("{} ({})", p.tag, p.sender);
        let mid = p.message_id();
        n_rcpts += p.rcpts.iter().flat_map(|r| expand(r)).count();
        let outcome = outcomes.get(p.tag);
        if p.tag == "m08" {
            // Every recipient refused at RCPT: NOQUEUE, no queue file, no message.
            f.check(
                !msgs.iter().any(|v| s(v, "sender") == Some(p.sender)),
                || format!("{ctx}: a message record exists for a transaction that never got a queue id"),
            );
            continue;
        }
        if p.tag == "m07" {
            // Refused by header_checks at end of DATA: has a queue id (smtpd client=, cleanup reject) but
            // never reaches qmgr.
            let found: Vec<&Value> = msgs
                .iter()
                .filter(|v| s(v, "sender") == Some(p.sender))
                .collect();
            f.check(found.len() == 1, || {
                format!(
                    "{ctx}: {} message records for the cleanup-rejected message, expected 1",
                    found.len()
                )
            });
            if let Some(v) = found.first() {
                let st = recipients(v)
                    .iter()
                    .find(|r| s(r, "address") == Some("victim@ok.test"))
                    .and_then(|r| s(r, "status"));
                f.eq(&ctx, "status of victim@ok.test", st, Some("rejected"));
                f.eq(
                    &ctx,
                    "email_subject",
                    s(v, "email_subject"),
                    p.subject.as_deref(),
                );
                f.eq(&ctx, "src_ip", s(v, "src_ip"), Some("127.0.0.1"));
            }
            continue;
        }
        let found: Vec<&Value> = match outcome.and_then(|o| o.queue_id.as_deref()) {
            Some(qid) => complete
                .iter()
                .copied()
                .filter(|v| s(v, "queue_id") == Some(qid))
                .collect(),
            None => by_mid(&mid)
                .into_iter()
                .filter(|v| v.get("complete") == Some(&Value::Bool(true)))
                .collect(),
        };
        if found.len() != 1 {
            f.0.push(format!(
                "{ctx}: {} complete message records (queue id {:?}, message-id {mid}), expected 1",
                found.len(),
                outcome.and_then(|o| o.queue_id.as_deref())
            ));
            continue;
        }
        let v = found[0];
        f.eq(
            &ctx,
            "internet_message_id",
            s(v, "internet_message_id").map(unangle),
            Some(mid.as_str()),
        );
        f.eq(&ctx, "sender", s(v, "sender"), Some(p.sender));
        f.eq(&ctx, "host", s(v, "host"), Some("mx"));
        if p.subject_cut {
            // The log holds the first encoded words whole and the next one cut: all whole words must be
            // decoded, and nothing but the subject's own text may appear.
            let want = p.subject.as_deref().unwrap_or("");
            let got = s(v, "email_subject");
            let whole = "Überprüfung der Änderungen an der Zugriffsverwaltung für die Abteilungen Personalwesen";
            f.check(got.is_some_and(|g| want.starts_with(g) && g.starts_with(whole)), || {
                format!("{ctx}: email_subject is {got:?}, expected a prefix of {want:?} that holds at least {whole:?}")
            });
        } else {
            f.eq(
                &ctx,
                "email_subject",
                s(v, "email_subject"),
                p.subject.as_deref(),
            );
        }
        let want_att: Vec<&str> = p.attachments.iter().map(|a| a.name).collect();
        let got_att: Vec<&str> = v
            .get("attachments")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        f.eq(&ctx, "attachments", got_att, want_att);
        let size = sizes[p.tag] as i64;
        let bytes = v.get("bytes").and_then(Value::as_i64).unwrap_or(-1);
        f.check(bytes >= size && bytes < size + 4096, || {
            format!("{ctx}: bytes is {bytes}, expected the submitted {size} plus Postfix's headers")
        });
        match p.via {
            Via::Smtp | Via::Submission => {
                f.eq(&ctx, "src_ip", s(v, "src_ip"), Some("127.0.0.1"));
                f.eq(&ctx, "src_host", s(v, "src_host"), Some("localhost"));
                if p.via == Via::Submission {
                    f.eq(&ctx, "user", s(v, "user"), Some("carol"));
                    let port = outcome.map(|o| i64::from(o.local_port));
                    f.eq(
                        &ctx,
                        "src_port",
                        v.get("src_port").and_then(Value::as_i64),
                        port,
                    );
                } else {
                    f.eq(&ctx, "user", s(v, "user"), None);
                }
            }
            Via::SendmailRoot | Via::SendmailNobody => {
                f.eq(&ctx, "src_ip", s(v, "src_ip"), None);
                // Postfix logs the submitting uid only (`pickup: uid=65534 from=<nobody>`); the output contract
                // says "the local account that submitted it" without fixing name or number: accept either.
                let (name, uid) = if p.via == Via::SendmailRoot {
                    ("root", "0")
                } else {
                    ("nobody", "65534")
                };
                let user = v
                    .get("user")
                    .map(|u| u.to_string().trim_matches('"').to_string());
                let uid_form = format!("uid:{uid}");
                f.check(user.as_deref() == Some(name) || user.as_deref() == Some(uid_form.as_str()), || {
                    format!("{ctx}: user is {user:?}, expected the submitting account {name:?} (or uid {uid})")
                });
            }
        }
        // Recipients.
        let want: Vec<(String, Option<String>)> = p.rcpts.iter().flat_map(|r| expand(r)).collect();
        let queued = want
            .iter()
            .filter(|(a, _)| expected_status(a) != "rejected")
            .count();
        f.eq(
            &ctx,
            "num_recipients",
            v.get("num_recipients").and_then(Value::as_i64),
            Some(queued as i64),
        );
        let got = recipients(v);
        f.eq(&ctx, "recipient count", got.len(), want.len());
        for (addr, orig_to) in &want {
            let rctx = format!("{ctx} -> {addr}");
            let Some(r) = got.iter().find(|r| s(r, "address") == Some(addr)) else {
                f.0.push(format!("{rctx}: recipient missing"));
                continue;
            };
            let status = expected_status(addr);
            f.eq(&rctx, "status", s(r, "status"), Some(status));
            f.eq(&rctx, "orig_to", s(r, "orig_to"), orig_to.as_deref());
            let dsn = s(r, "dsn").unwrap_or("");
            let dsn_class = match status {
                "sent" => "2.",
                "expired" | "deferred" => "4.",
                _ => "5.",
            };
            f.check(dsn.starts_with(dsn_class), || {
                format!("{rctx}: dsn is {dsn:?}, expected {dsn_class}x.x")
            });
            let attempts = r.get("attempts").and_then(Value::as_i64).unwrap_or(0);
            match status {
                "sent" => {
                    f.eq(&rctx, "dest_ip", s(r, "dest_ip"), Some("127.0.0.1"));
                    f.eq(
                        &rctx,
                        "dest_port",
                        r.get("dest_port").and_then(Value::as_i64),
                        Some(i64::from(ok.port)),
                    );
                    f.eq(&rctx, "attempts", attempts, 1);
                    f.check(s(r, "response").is_some_and(|t| t.contains("250 2.0.0 Ok: queued as SINK")), || {
                        format!("{rctx}: response is {:?}, expected the sink's `250 2.0.0 Ok: queued as ...`", s(r, "response"))
                    });
                }
                "expired" => f.check(attempts >= 2, || {
                    format!("{rctx}: attempts is {attempts}, expected retries before expiry")
                }),
                "bounced" => {
                    let want_text = if addr.ends_with("@spam.test") {
                        "end of DATA"
                    } else {
                        "RCPT TO"
                    };
                    f.check(s(r, "response").is_some_and(|t| t.contains(want_text)), || {
                        format!("{rctx}: response is {:?}, expected the remote reply `... (in reply to {want_text} command)`", s(r, "response"))
                    });
                }
                _ => {}
            }
        }
        let worst = want
            .iter()
            .map(|(a, _)| expected_status(a))
            .max_by_key(|s| severity(s))
            .unwrap_or("sent");
        f.eq(&ctx, "result", s(v, "result"), Some(worst));
        let any_sent = want.iter().any(|(a, _)| expected_status(a) == "sent");
        let activity = s(v, "activity_type").unwrap_or("");
        f.check(
            activity.ends_with(if any_sent { ":success" } else { ":fail" }),
            || {
                format!(
                    "{ctx}: activity_type is {activity:?} with {} recipient(s) sent",
                    if any_sent { "some" } else { "no" }
                )
            },
        );
        // A message with failed recipients must have produced a notification to its sender.
        let failed = want
            .iter()
            .any(|(a, _)| matches!(expected_status(a), "bounced" | "expired"));
        if failed {
            let ndr = msgs.iter().any(|n| {
                s(n, "sender") == Some("")
                    && recipients(n)
                        .iter()
                        .any(|r| s(r, "address") == Some(p.sender))
            });
            f.check(ndr, || {
                format!(
                    "{ctx}: no notification message (sender \"\") to {}",
                    p.sender
                )
            });
        }
    }

    // --- Notifications Postfix generated, as the sinks received them: each is a message of its own, with the
    // envelope sender the sink saw ("" for sender notices, double-bounce@ for postmaster copies).
    for n in &notices {
        let Some(mid) = n.message_id.as_deref() else {
            f.0.push(format!("notification without Message-ID to {:?}", n.rcpts));
            continue;
        };
        let found = by_mid(mid);
        let ctx = format!("notification {mid}");
        let Some(v) = found.first() else {
            f.0.push(format!("{ctx}: no message record"));
            continue;
        };
        f.eq(&ctx, "sender", s(v, "sender"), Some(n.from.as_str()));
        f.eq(
            &ctx,
            "complete",
            v.get("complete"),
            Some(&Value::Bool(true)),
        );
        for r in &n.rcpts {
            let st = recipients(v)
                .iter()
                .find(|x| s(x, "address") == Some(r))
                .and_then(|x| s(x, "status"));
            f.eq(&format!("{ctx} -> {r}"), "status", st, Some("sent"));
        }
    }
    // The notification to ghost@bad.test was itself refused: its record must say so (and not be lost).
    let backscatter = msgs.iter().any(|v| {
        s(v, "sender") == Some("")
            && recipients(v).iter().any(|r| {
                s(r, "address") == Some("ghost@bad.test") && s(r, "status") == Some("bounced")
            })
    });
    f.check(backscatter, || {
        "the bounce to ghost@bad.test is not a message with that recipient bounced".into()
    });

    let queued = plan.len() - 1;
    eprintln!(
        "live_postfix: {} planned messages ({queued} queued, {n_rcpts} recipients), {} notifications delivered, \
         {} log lines, {} message records, {:?} in all",
        plan.len(),
        notices.len(),
        lines.len(),
        msgs.len(),
        t0.elapsed()
    );
    if !f.0.is_empty() {
        panic!(
            "{} problem(s) in the product's output for a real Postfix log:\n  {}",
            f.0.len(),
            f.0.join("\n  ")
        );
    }
}
