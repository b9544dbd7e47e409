//! Building the test's messages (MIME, RFC 2047 / RFC 2231 encodings) and submitting them over SMTP.
//!
//! Everything is written by hand with std only, so the bytes Postfix sees are exactly the bytes planned.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (with padding), no line breaks.
pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64, ignoring anything outside the alphabet; `None` on a dangling character.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = B64.iter().position(|&x| x == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    (bits < 6).then_some(out)
}

/// One RFC 2047 "B" encoded word per chunk of at most `max` bytes (split on char boundaries), joined by
/// folding whitespace, as mail clients write long non-ASCII subjects.
pub fn rfc2047_b(text: &str, max: usize) -> String {
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > max && end > start {
            words.push(format!(
                "=?UTF-8?B?{}?=",
                base64(&text.as_bytes()[start..end])
            ));
            start = end;
        }
        end = i + c.len_utf8();
    }
    words.push(format!(
        "=?UTF-8?B?{}?=",
        base64(&text.as_bytes()[start..end])
    ));
    words.join("\r\n ")
}

/// Folds a header value as mail clients do: at the last space that keeps each line within 78 columns,
/// counting `Name: ` on the first line.
pub fn fold(name: &str, value: &str) -> String {
    let mut out = String::new();
    let mut col = name.len() + 2;
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            if col + 1 + word.len() > 78 {
                out.push_str("\r\n");
                col = 0;
            }
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.len();
    }
    out
}

/// RFC 2231 percent encoding of a parameter value.
pub fn pct(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// How an attachment names itself in its MIME headers.
#[derive(Clone, Copy, Debug)]
pub enum Naming {
    /// `name="plain.ext"` and `filename="plain.ext"`.
    Plain,
    /// `name="=?UTF-8?B?..?="` (RFC 2047 inside a parameter, as Outlook and Gmail write) and
    /// `filename*=UTF-8''%..` (RFC 2231).
    Rfc2231Utf8,
    /// `filename*=iso-8859-1''%..` only (Content-Type without a name).
    Rfc2231Latin1,
    /// RFC 2231 continuations `name*0*=`/`name*1*=` on folded lines, as Thunderbird writes long names.
    Continuation,
    /// Only `Content-Disposition: attachment; filename=bare.ext` (unquoted), Content-Type without a name.
    DispositionOnly,
}

/// An attachment of a planned message.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// The file name a user would see.
    pub name: &'static str,
    /// MIME type.
    pub mime: &'static str,
    /// Size of the content before base64.
    pub size: usize,
    /// Header style.
    pub naming: Naming,
}

fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// The MIME part headers naming `a` (CRLF separated, no final CRLF).
fn part_headers(a: &Attachment) -> String {
    let n = a.name;
    match a.naming {
        Naming::Plain => format!(
            "Content-Type: {}; name=\"{n}\"\r\nContent-Disposition: attachment; filename=\"{n}\"",
            a.mime
        ),
        Naming::Rfc2231Utf8 => format!(
            "Content-Type: {};\r\n name=\"=?UTF-8?B?{}?=\"\r\nContent-Disposition: attachment;\r\n filename*=UTF-8''{}",
            a.mime,
            base64(n.as_bytes()),
            pct(n.as_bytes())
        ),
        Naming::Rfc2231Latin1 => format!(
            "Content-Type: {}\r\nContent-Disposition: attachment; filename*=iso-8859-1''{}",
            a.mime,
            pct(&latin1(n))
        ),
        Naming::Continuation => {
            let enc = pct(n.as_bytes());
            // Split between whole %XX escapes.
            let mut cut = enc.len() / 2;
            while enc.as_bytes()[cut..].first() != Some(&b'%') && cut < enc.len() {
                cut += 1;
            }
            let (p0, p1) = enc.split_at(cut);
            format!(
                "Content-Type: {};\r\n name*0*=UTF-8''{p0};\r\n name*1*={p1}\r\nContent-Disposition: attachment;\r\n filename*0*=UTF-8''{p0};\r\n filename*1*={p1}",
                a.mime
            )
        }
        Naming::DispositionOnly => format!(
            "Content-Type: {}\r\nContent-Disposition: attachment; filename={n}",
            a.mime
        ),
    }
}

/// Deterministic filler bytes (an LCG) so sizes are real and content is not trivially compressible.
fn filler(size: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..size)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

/// A complete RFC 5322 message with CRLF line ends.
pub fn build(
    from: &str,
    to: &[String],
    subject_header: Option<&str>,
    message_id: &str,
    attachments: &[Attachment],
) -> Vec<u8> {
    let mut m = String::new();
    m.push_str(&format!("From: <{from}>\r\n"));
    m.push_str(&format!(
        "To: {}\r\n",
        to.first().map_or("", |s| s.as_str())
    ));
    if let Some(s) = subject_header {
        m.push_str(&format!("Subject: {s}\r\n"));
    }
    m.push_str("Date: Fri, 04 Dec 2026 12:00:00 +0000\r\n");
    m.push_str(&format!("Message-ID: <{message_id}>\r\n"));
    m.push_str("MIME-Version: 1.0\r\n");
    let body = "Hello,\r\n\r\nthis message was written by tests/live_postfix.rs.\r\n";
    if attachments.is_empty() {
        m.push_str(
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        );
        m.push_str(body);
        return m.into_bytes();
    }
    let boundary = format!("=_live_{}", message_id.len());
    m.push_str(&format!(
        "Content-Type: multipart/mixed;\r\n boundary=\"{boundary}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n"
    ));
    m.push_str(&format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}"
    ));
    for (i, a) in attachments.iter().enumerate() {
        m.push_str(&format!(
            "--{boundary}\r\n{}\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            part_headers(a)
        ));
        let b = base64(&filler(a.size, i as u64 + a.size as u64));
        for line in b.as_bytes().chunks(76) {
            m.push_str(std::str::from_utf8(line).unwrap_or(""));
            m.push_str("\r\n");
        }
    }
    m.push_str(&format!("--{boundary}--\r\n"));
    m.into_bytes()
}

/// What the server said to one SMTP transaction.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Reply code to each `RCPT TO`, in order.
    pub rcpt_codes: Vec<u16>,
    /// Reply to the end of data (`None` when no DATA was sent).
    pub data_reply: Option<(u16, String)>,
    /// The queue id from `250 2.0.0 Ok: queued as ID`.
    pub queue_id: Option<String>,
    /// The client's own port (what Postfix logs as the client port).
    pub local_port: u16,
}

/// A minimal SMTP client: one transaction per connection.
pub struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    /// Connects and reads the greeting.
    pub fn connect(port: u16) -> std::io::Result<(Client, u16)> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        s.set_write_timeout(Some(Duration::from_secs(60)))?;
        let local = s.local_addr()?.port();
        let mut c = Client {
            r: BufReader::new(s.try_clone()?),
            w: s,
        };
        let (code, text) = c.reply()?;
        if code != 220 {
            return Err(std::io::Error::other(format!("greeting {code} {text}")));
        }
        Ok((c, local))
    }

    fn reply(&mut self) -> std::io::Result<(u16, String)> {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            if self.r.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("connection closed"));
            }
            let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            text.push_str(line.get(4..).unwrap_or("").trim_end());
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok((code, text));
            }
            text.push('\n');
        }
    }

    /// Sends one command line and reads its reply.
    pub fn cmd(&mut self, line: &str) -> std::io::Result<(u16, String)> {
        self.w.write_all(format!("{line}\r\n").as_bytes())?;
        self.reply()
    }

    /// Runs a whole transaction: EHLO, optional AUTH PLAIN, MAIL, RCPTs, DATA when any RCPT was taken, QUIT.
    pub fn send(
        port: u16,
        auth: Option<(&str, &str)>,
        from: &str,
        rcpts: &[String],
        data: &[u8],
    ) -> std::io::Result<Outcome> {
        let (mut c, local_port) = Client::connect(port)?;
        let mut out = Outcome {
            local_port,
            ..Outcome::default()
        };
        expect(c.cmd("EHLO client.live.test")?, 250)?;
        if let Some((user, pass)) = auth {
            let token = base64(format!("\0{user}\0{pass}").as_bytes());
            expect(c.cmd(&format!("AUTH PLAIN {token}"))?, 235)?;
        }
        expect(
            c.cmd(&format!("MAIL FROM:<{from}> SIZE={}", data.len()))?,
            250,
        )?;
        for r in rcpts {
            out.rcpt_codes.push(c.cmd(&format!("RCPT TO:<{r}>"))?.0);
        }
        if out.rcpt_codes.contains(&250) {
            expect(c.cmd("DATA")?, 354)?;
            let mut stuffed = Vec::with_capacity(data.len() + 1024);
            for line in data.split_inclusive(|&b| b == b'\n') {
                if line.first() == Some(&b'.') {
                    stuffed.push(b'.');
                }
                stuffed.extend_from_slice(line);
            }
            stuffed.extend_from_slice(b".\r\n");
            c.w.write_all(&stuffed)?;
            let (code, text) = c.reply()?;
            out.queue_id = text
                .split_once("queued as ")
                .map(|(_, id)| id.trim().to_string());
            out.data_reply = Some((code, text));
        } else {
            c.cmd("RSET")?;
        }
        let _ = c.cmd("QUIT");
        let mut rest = Vec::new();
        let _ = c.r.read_to_end(&mut rest);
        Ok(out)
    }
}

fn expect(reply: (u16, String), code: u16) -> std::io::Result<()> {
    if reply.0 == code {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "expected {code}, got {} {}",
            reply.0, reply.1
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_at_78_columns() {
        let v = "Re: Fwd: Minutes of the architecture review board, action items for the migration of the legacy billing system";
        let f = fold("Subject", v);
        assert_eq!(f.replace("\r\n", ""), v);
        let first = f.split("\r\n").next().unwrap();
        assert!(first.len() + 9 <= 78 && first.len() + 9 > 70, "{first}");
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64(b"\0carol\0secret"), "AGNhcm9sAHNlY3JldA==");
        assert_eq!(
            unbase64("AGNhcm9sAHNlY3JldA==").unwrap(),
            b"\0carol\0secret"
        );
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
