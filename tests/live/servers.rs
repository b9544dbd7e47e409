//! The little servers the test's Postfix talks to on 127.0.0.1: SMTP sinks that accept, greylist, reject or
//! reject after DATA, and a Dovecot-protocol SASL server for the submission service.
//!
//! Each runs on its own thread with a non-blocking accept loop that polls a stop flag, so the test can end it;
//! each connection has read timeouts, so nothing waits forever.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a sink answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 250 to every RCPT, except local parts `nosuch*` (550 user unknown) and `full*` (452 mailbox full).
    Accept,
    /// 450 greylisting at RCPT.
    Greylist,
    /// 550 relay denied at RCPT.
    Reject,
    /// 250 at RCPT, 554 content rejected after DATA.
    RejectData,
}

/// One message as a sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Envelope sender (empty for `MAIL FROM:<>`).
    pub from: String,
    /// Recipients the sink accepted.
    pub rcpts: Vec<String>,
    /// The `Message-ID` header value, without angle brackets.
    pub message_id: Option<String>,
}

/// A running server thread and its stop flag.
pub struct Server {
    /// The port it listens on.
    pub port: u16,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Server {
    /// Stops the accept loop and waits for it (connections in flight end by their timeouts).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> std::io::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handler = Arc::new(handler);
    let handle = std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((s, _)) => {
                    let h = handler.clone();
                    let _ = s.set_nonblocking(false);
                    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                    let _ = s.set_write_timeout(Some(Duration::from_secs(30)));
                    std::thread::spawn(move || h(s));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    Ok(Server {
        port,
        stop,
        handle: Some(handle),
    })
}

/// Starts an SMTP sink; what it accepts is appended to `log`.
pub fn sink(mode: Mode, log: Arc<Mutex<Vec<Received>>>) -> std::io::Result<Server> {
    serve(move |s| {
        let _ = smtp_session(s, mode, &log);
    })
}

fn addr_in(arg: &str) -> String {
    let a = arg.split_once('<').map_or(arg, |(_, r)| r);
    a.split_once('>').map_or(a, |(l, _)| l).to_string()
}

fn smtp_session(s: TcpStream, mode: Mode, log: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut w = s.try_clone()?;
    let mut r = BufReader::new(s);
    let say = |w: &mut TcpStream, text: &str| w.write_all(format!("{text}\r\n").as_bytes());
    say(&mut w, "220 sink.live.test ESMTP test sink")?;
    let mut from = None::<String>;
    let mut rcpts = Vec::new();
    let mut n = 0u32;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => say(
                &mut w,
                "250-sink.live.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES",
            )?,
            "HELO" => say(&mut w, "250 sink.live.test")?,
            "MAIL" => {
                from = Some(addr_in(line.get(5..).unwrap_or("")));
                rcpts.clear();
                say(&mut w, "250 2.1.0 Ok")?;
            }
            "RCPT" => {
                let a = addr_in(line.get(3..).unwrap_or(""));
                let local = a.split('@').next().unwrap_or("");
                let reply = match mode {
                    Mode::Greylist => format!(
                        "450 4.2.0 <{a}>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/sink.live.test.html"
                    ),
                    Mode::Reject => format!("550 5.7.1 <{a}>: Relay access denied"),
                    Mode::Accept if local.starts_with("nosuch") => format!(
                        "550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table"
                    ),
                    Mode::Accept if local.starts_with("full") => {
                        format!("452 4.2.2 <{a}>: Mailbox full")
                    }
                    _ => {
                        rcpts.push(a);
                        "250 2.1.5 Ok".to_string()
                    }
                };
                say(&mut w, &reply)?;
            }
            "DATA" => {
                if rcpts.is_empty() {
                    say(&mut w, "554 5.5.1 Error: no valid recipients")?;
                    continue;
                }
                say(&mut w, "354 End data with <CR><LF>.<CR><LF>")?;
                let mut message_id = None;
                let mut in_headers = true;
                loop {
                    let mut l = Vec::new();
                    if r.read_until(b'\n', &mut l)? == 0 {
                        return Ok(());
                    }
                    if l == b".\r\n" || l == b".\n" {
                        break;
                    }
                    let text = String::from_utf8_lossy(&l);
                    if text.trim_end().is_empty() {
                        in_headers = false;
                    }
                    if in_headers && message_id.is_none() {
                        if let Some(v) = text
                            .get(..11)
                            .filter(|h| h.eq_ignore_ascii_case("message-id:"))
                            .and(text.get(11..))
                        {
                            message_id = Some(addr_in(v.trim()));
                        }
                    }
                }
                if mode == Mode::RejectData {
                    say(
                        &mut w,
                        "554 5.7.1 Message rejected: content looks like spam (score 27.3)",
                    )?;
                } else {
                    n += 1;
                    log.lock().unwrap().push(Received {
                        from: from.clone().unwrap_or_default(),
                        rcpts: std::mem::take(&mut rcpts),
                        message_id,
                    });
                    say(&mut w, &format!("250 2.0.0 Ok: queued as SINK{n:04X}"))?;
                }
                rcpts.clear();
            }
            "RSET" => {
                rcpts.clear();
                say(&mut w, "250 2.0.0 Ok")?;
            }
            "NOOP" => say(&mut w, "250 2.0.0 Ok")?,
            "QUIT" => {
                say(&mut w, "221 2.0.0 Bye")?;
                return Ok(());
            }
            _ => say(&mut w, "502 5.5.2 Error: command not recognized")?,
        }
    }
}

/// Starts a server speaking the Dovecot authentication protocol (what `smtpd_sasl_type = dovecot` uses), over
/// TCP: it offers PLAIN and LOGIN and accepts exactly the `(user, password)` pairs given.
pub fn dovecot_auth(users: &'static [(&'static str, &'static str)]) -> std::io::Result<Server> {
    serve(move |s| {
        let _ = auth_session(s, users);
    })
}

fn auth_session(s: TcpStream, users: &[(&str, &str)]) -> std::io::Result<()> {
    let mut w = s.try_clone()?;
    let mut r = BufReader::new(s);
    w.write_all(
        b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t4242\nCUID\t1\nCOOKIE\t0123456789abcdef0123456789abcdef\nDONE\n",
    )?;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut f = line.trim_end().split('\t');
        if f.next() != Some("AUTH") {
            continue;
        }
        let id = f.next().unwrap_or("0").to_string();
        let resp = f.find_map(|p| p.strip_prefix("resp="));
        let creds = resp.and_then(super::mail::unbase64).map(|raw| {
            let parts: Vec<String> = raw
                .split(|&b| b == 0)
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            parts
        });
        let ok = creds.as_ref().and_then(|p| {
            let (user, pass) = (p.get(1)?, p.get(2)?);
            users
                .iter()
                .any(|(u, pw)| u == user && pw == pass)
                .then(|| user.clone())
        });
        let reply = match ok {
            Some(user) => format!("OK\t{id}\tuser={user}\n"),
            None => format!("FAIL\t{id}\treason=Authentication failed\n"),
        };
        w.write_all(reply.as_bytes())?;
    }
}
