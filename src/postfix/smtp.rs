//! `smtp` and `lmtp` messages: the Postfix SMTP/LMTP client.
//!
//! Besides the delivery-status line (read by [`super::delivery`], kind `smtp.delivery`), the client logs
//! what happened on the way to the remote server:
//!
//! | kind (`smtp.` or `lmtp.`) | message |
//! | --- | --- |
//! | `connect-failed` | `connect to H[IP]:PORT: REASON` (no queue id) |
//! | `host-said` | `QID: host H[IP] said: REPLY (in reply to CMD command)` |
//! | `refused-to-talk` | `QID: host H[IP] refused to talk to me: REPLY` |
//! | `lost-connection` | `QID: lost connection with H[IP] while STAGE` |
//! | `conversation-timeout` | `QID: conversation with H[IP] timed out while STAGE` |
//! | `sasl-auth-failed` | `QID: SASL authentication failed; server H[IP] said: REPLY` |
//! | `tls-failed` | `QID: Cannot start TLS: REASON` |
//! | `tls-established`, `tls-reused` | `Verified TLS connection established to H[IP]:PORT: TLSv1.3 with cipher C ...` |
//! | `ssl-connect-error` | `SSL_connect error to H[IP]:PORT: REASON` |
//! | `certificate-verification-failed` | `certificate verification failed for H[IP]:PORT: REASON` |
//! | `starttls-offered` | `Host offered STARTTLS: [H]` |
//! | `used-tls` | `QID: Used TLS for H[IP]:PORT` (a patched Postfix) |
//! | `pix-workarounds` | `QID: enabling PIX workarounds: LIST for H[IP]:PORT` |
//! | `breaking-line` | `QID: breaking line > N bytes with <CR><LF>SPACE` |
//! | `greeted-own-hostname` | `warning: host H[IP]:PORT greeted me with my own hostname N` (mail loop) |
//! | `tls-library-problem` | `warning: TLS library problem: ...` |
//! | `invalid-hostname` | `warning: valid_hostname: REASON` |
//! | `mx-numeric-domain`, `mx-malformed-domain` | `warning: numeric|malformed domain name in resource data of MX record for D[: IP]` |
//! | `no-mx-address` | `warning: no MX|SRV host for D has a valid address record` |
//! | `service-problem` | `warning: problem talking to service S: REASON` |
//! | `dns-lookup` | `virtual_dns_lookup: D (TYPE)` (debug) |
//! | `service-failure` | `warning: QID: defer service failure` |
//!
//! Remote ends are `dest_host`/`dest_ip`/`dest_port`; replies give `reject_code`, `reject_dsn`,
//! `smtp_command` and the reply text as `additional_info`. A `connect to` line has no queue id: its first
//! word is never taken for one.

use super::common;
use super::delivery::{self, kind};
use super::lex;
use super::Msg;
use crate::event::{LineEvent, Name};

macro_rules! k {
    ($m:expr, $suffix:literal) => {
        kind!($m.daemon, ["smtp", "lmtp"], $suffix)
    };
}

/// Recognises a message of the SMTP or LMTP client.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    if b.starts_with("to=") {
        return deliver(m, ev);
    }
    if let Some((_, level, rest)) = common::severity(b) {
        return warning(m, level, rest, ev);
    }
    if let Some(rest) = b.strip_prefix("connect to ") {
        let rest = delivery::dest_at(ev, rest)?;
        let reason = rest.strip_prefix(": ")?;
        // Postfix before 2.3 wrote `connect to H[IP]: reason (port 25)`.
        let reason = match delivery::legacy_port(reason) {
            Some(p) if ev.get(Name::dest_port).is_none() => {
                ev.put_int(Name::dest_port, p);
                reason[..reason.rfind(" (port ").unwrap_or(reason.len())].trim_end()
            }
            _ => reason,
        };
        ev.put(Name::additional_info, reason);
        return k!(m, "connect-failed");
    }
    if let Some(rest) = b.strip_prefix("host ") {
        let rest = delivery::dest_at(ev, rest)?;
        if let Some(r) = rest.strip_prefix(" said: ") {
            delivery::push_reply(ev, r, true);
            return k!(m, "host-said");
        }
        let r = rest.strip_prefix(" refused to talk to me: ")?;
        delivery::push_reply(ev, r, true);
        return k!(m, "refused-to-talk");
    }
    if let Some(rest) = b.strip_prefix("lost connection with ") {
        let stage = delivery::dest_at(ev, rest)?.strip_prefix(" while ")?;
        ev.put(Name::additional_info, stage);
        return k!(m, "lost-connection");
    }
    if let Some(rest) = b.strip_prefix("conversation with ") {
        let stage = delivery::dest_at(ev, rest)?.strip_prefix(" timed out while ")?;
        ev.put(Name::additional_info, stage);
        return k!(m, "conversation-timeout");
    }
    if let Some(rest) = b.strip_prefix("SASL authentication failed; ") {
        let at = lex::find(rest, "server ")?;
        let after = delivery::dest_at(ev, &rest[at + 7..])?;
        match after.strip_prefix(" said: ") {
            Some(r) => delivery::push_reply(ev, r, true),
            None => ev.put(Name::additional_info, rest),
        }
        return k!(m, "sasl-auth-failed");
    }
    if let Some(reason) = b.strip_prefix("Cannot start TLS: ") {
        ev.put(Name::additional_info, reason);
        return k!(m, "tls-failed");
    }
    if let Some(rest) = b.strip_prefix("SSL_connect error to ") {
        let reason = delivery::dest_at(ev, rest)?.strip_prefix(": ")?;
        ev.put(Name::additional_info, reason);
        return k!(m, "ssl-connect-error");
    }
    if let Some(at) = lex::find(b, "certificate verification failed for ") {
        // `certificate verification failed for H[IP]:25: why`, or with a role word before it.
        if at > 0 && !b[..at].ends_with(' ') {
            return None;
        }
        let rest = &b[at + 36..];
        let reason = match delivery::dest_at(ev, rest) {
            Some(after) => after.strip_prefix(": ")?,
            None => rest,
        };
        ev.put(Name::additional_info, reason);
        return k!(m, "certificate-verification-failed");
    }
    if let Some(kind) = tls_summary(m, ev) {
        return Some(kind);
    }
    if let Some(host) = b
        .strip_prefix("Host offered STARTTLS: [")
        .and_then(|r| r.strip_suffix(']'))
    {
        ev.put(Name::dest_host, host);
        return k!(m, "starttls-offered");
    }
    if let Some(rest) = b.strip_prefix("Used TLS for ") {
        delivery::dest_at(ev, rest)?;
        return k!(m, "used-tls");
    }
    if let Some(rest) = delivery::after_phrase(b, "enabling PIX workarounds") {
        let at = rest.rfind(" for ")?;
        delivery::dest_at(ev, &rest[at + 5..])?;
        ev.put(Name::additional_info, &rest[..at]);
        return k!(m, "pix-workarounds");
    }
    if b.starts_with("breaking line > ") {
        ev.put(Name::additional_info, b);
        return k!(m, "breaking-line");
    }
    if let Some(rest) = b.strip_prefix("virtual_dns_lookup: ") {
        let (name, kind) = rest.split_once(" (")?;
        ev.put(Name::dest_email_domain, name);
        ev.put(
            Name::additional_info,
            kind.strip_suffix(')').unwrap_or(kind),
        );
        return k!(m, "dns-lookup");
    }
    None
}

/// A delivery-status line. Without a tag, only one that an SMTP client would log is taken: a network relay,
/// or `relay=none` with a deferral or bounce other than the `error` agent's `delivery temporarily
/// suspended`.
fn deliver<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let d = delivery::read(m.body)?;
    if delivery::headerless(ev) {
        let network = lex::endpoint(d.relay).is_some();
        let failed_here = d.relay == "none"
            && matches!(d.status, "deferred" | "bounced")
            && !d
                .text
                .is_some_and(|t| t.starts_with("delivery temporarily suspended"));
        if !network && !failed_here {
            return None;
        }
    }
    delivery::push(&d, m.daemon, ev);
    k!(m, "delivery")
}

/// `Verified TLS connection established to H[IP]:PORT: TLSv1.2 with cipher C (256/256 bits) ...`.
fn tls_summary<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let (trust, rest) = lex::word(m.body);
    if !matches!(trust, "Anonymous" | "Untrusted" | "Trusted" | "Verified") {
        return None;
    }
    let rest = rest.strip_prefix("TLS connection ")?;
    let (reused, rest) = match rest.strip_prefix("established to ") {
        Some(r) => (false, r),
        None => (true, rest.strip_prefix("reused to ")?),
    };
    let rest = delivery::dest_at(ev, rest)?.strip_prefix(": ")?;
    ev.put(Name::tls_trust, trust);
    let (proto, rest) = lex::word(rest);
    ev.put(Name::tls_protocol, proto);
    if let Some(c) = rest.strip_prefix("with cipher ") {
        ev.put(Name::tls_cipher, lex::word(c).0);
    }
    if reused {
        k!(m, "tls-reused")
    } else {
        k!(m, "tls-established")
    }
}

/// The client's diagnostics that carry meaning; others fall to [`common`].
fn warning<'a>(
    m: &Msg<'a>,
    level: &'static str,
    rest: &'a str,
    ev: &mut LineEvent<'a>,
) -> Option<&'static str> {
    let kind = if let Some(t) = rest.strip_prefix("TLS library problem: ") {
        ev.put(Name::additional_info, t);
        k!(m, "tls-library-problem")
    } else if let Some(t) = rest.strip_prefix("valid_hostname: ") {
        ev.put(Name::additional_info, t);
        k!(m, "invalid-hostname")
    } else if let Some(t) =
        rest.strip_prefix("numeric domain name in resource data of MX record for ")
    {
        let (domain, ip) = t.split_once(": ")?;
        ev.put(Name::dest_email_domain, domain);
        ev.put(Name::additional_info, ip);
        k!(m, "mx-numeric-domain")
    } else if let Some(t) =
        rest.strip_prefix("malformed domain name in resource data of MX record for ")
    {
        let domain = t.trim_end_matches(':').trim_end();
        ev.put(Name::dest_email_domain, domain);
        k!(m, "mx-malformed-domain")
    } else if let Some(t) = rest
        .strip_prefix("no MX host for ")
        .or_else(|| rest.strip_prefix("no SRV host for "))
    {
        let domain = t.strip_suffix(" has a valid address record")?;
        ev.put(Name::dest_email_domain, domain);
        k!(m, "no-mx-address")
    } else if let Some(t) = rest.strip_prefix("problem talking to service ") {
        let (service, reason) = t.split_once(": ")?;
        ev.put(Name::service, service);
        ev.put(Name::additional_info, reason);
        k!(m, "service-problem")
    } else if let Some(t) = rest.strip_prefix("host ") {
        let after = delivery::dest_at(ev, t)?;
        let name = after
            .strip_prefix(" greeted me with my own hostname ")
            .or_else(|| after.strip_prefix(" replied to HELO/EHLO with my own hostname "))?;
        ev.put(Name::additional_info, name);
        k!(m, "greeted-own-hostname")
    } else if !delivery::headerless(ev) {
        // Without a tag this warning is attributed to the `error` agent (see `delivery`).
        return delivery::service_failure(m, level, rest, ev);
    } else {
        None
    }?;
    ev.put(Name::severity, level);
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::{line, tagged};
    use super::*;
    use crate::event::Value;

    fn float(ev: &LineEvent<'_>, name: Name) -> Option<f64> {
        ev.get(name).and_then(Value::as_f64)
    }

    #[test]
    fn delivery_sent() {
        let ev = line("Feb 24 16:18:40 letterman postfix/smtp[59649]: 5270320179: to=<hebj@telia.com>, relay=mail.telia.com[81.236.60.210]:25, delay=2017, delays=0.1/2017/0.03/0.05, dsn=2.0.0, status=sent (250 2.0.0 6FVIjIMwUJwU66FVIjAEB0 mail accepted for delivery)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.queue_id, Some("5270320179"));
        assert_eq!(ev.get_str(Name::dest_email_address), Some("hebj@telia.com"));
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("telia.com"));
        assert_eq!(ev.get_str(Name::email_recipients), Some("hebj@telia.com"));
        assert!(ev.get(Name::dest_user).is_none());
        assert_eq!(ev.get_str(Name::dest_host), Some("mail.telia.com"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("81.236.60.210"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert!(ev.get(Name::relay).is_none());
        assert_eq!(float(&ev, Name::delay), Some(2017.0));
        assert_eq!(ev.get_str(Name::delays), Some("0.1/2017/0.03/0.05"));
        assert_eq!(ev.get_str(Name::dsn), Some("2.0.0"));
        assert_eq!(ev.get_str(Name::result), Some("sent"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("250 2.0.0 6FVIjIMwUJwU66FVIjAEB0 mail accepted for delivery")
        );
        assert!(ev.get(Name::queued_as).is_none());
    }

    #[test]
    fn delivery_bounced_with_remote_reply() {
        let ev = line("Dec 29 03:03:48 mail postfix/smtp[8492]: 732BB407C3: to=<redacted@domain.com>, relay=mail.domain.com[1.1.1.1]:25, delay=582, delays=563/16/1.7/0.81, dsn=5.0.0, status=bounced (host mail.domain.com[1.1.1.1] said: 554 DT:SPM 163 mx9,O8CowEDJVFKCokVaRhz+AA--.26016S3 1514513028,please see http://mail.domain.com/help/help_spam.htm?ip= (in reply to end of DATA command))");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::result), Some("bounced"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("1.1.1.1"));
        assert_eq!(ev.get_int(Name::reject_code), Some(554));
        assert_eq!(ev.get(Name::reject_dsn), None);
        assert_eq!(ev.get_str(Name::smtp_command), Some("end of DATA"));
        assert!(ev
            .get_str(Name::additional_info)
            .is_some_and(|t| t.starts_with("host mail.domain.com[1.1.1.1] said: 554 DT:SPM")));
        // The relay named the server: it is not pushed twice.
        assert_eq!(ev.fields.iter().filter(|f| f.0 == Name::dest_ip).count(), 1);
    }

    #[test]
    fn delivery_deferred() {
        let ev = line("Dec 29 02:54:12 mail postfix/smtp[7648]: 732BB407C3: to=<redacted@domain.com>, relay=mail.domain.com[1.1.1.1]:25, delay=6.2, delays=0.1/0/5.2/0.87, dsn=4.0.0, status=deferred (host mail.domain.com[1.1.1.1] said: 451 DT:SPM 163 mx40,WsCowAAnEhlCoEVa5GjcAA--.20089S3 1514512452, please try again 15min later (in reply to end of DATA command))");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::result), Some("deferred"));
        assert_eq!(float(&ev, Name::delay), Some(6.2));
        assert_eq!(ev.get_int(Name::reject_code), Some(451));
        assert_eq!(ev.activity_type, Some("email-send:fail"));
    }

    #[test]
    fn delivery_content_filter_hop_and_orig_to() {
        let ev = line("0D9633D: to=<jos@example.com>, orig_to=<bestuur@example.com>, relay=mail1.example.net[10.74.103.11]:25, delay=11, delays=5.4/0.06/5.1/0.03, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as F12DF84004)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.daemon, Some("smtp"));
        assert_eq!(ev.get_str(Name::orig_to), Some("bestuur@example.com"));
        assert_eq!(ev.get_str(Name::queued_as), Some("F12DF84004"));
    }

    #[test]
    fn delivery_conn_use_and_ipv6() {
        let ev = line("3mPVKl0Mhjz7sXv: to=<jpayne@recipient.com>, relay=mail2.sender.com[66.100.32.07]:25, conn_use=2, delay=2.5, delays=1.6/0.01/0.08/0.81, dsn=5.7.1, status=bounced (host mail2.sender.com[66.100.32.07] said: 550 5.7.1 Unable to deliver to <jpayne@recipient.com> (in reply to RCPT TO command))");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_int(Name::conn_use), Some(2));
        assert_eq!(ev.get_int(Name::reject_code), Some(550));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("5.7.1"));
        assert_eq!(ev.get_str(Name::smtp_command), Some("RCPT TO"));
        let ev = line("4E74613FE76: to=<redacted@gmail.com>, relay=gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: 550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked. Please visit 550-5.7.1 http://support.google.com/mail/bin/answer.py?hl=en&answer=188131 for 550 5.7.1 more information. qc12si8475009pab.211 - gsmtp (in reply to end of DATA command))");
        assert_eq!(ev.get_str(Name::dest_ip), Some("2607:f8b0:400e:c04::1b"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("5.7.1"));
    }

    #[test]
    fn delivery_without_brackets_and_bare() {
        let ev = line("Jul  5 06:52:11 prd-mx1 postfix/smtp[22030]: 3mPVKl0Mhjz7sXv: to=56597@continuity.delivery, relay=10.2.2.85[10.2.2.85]:2527, delay=0.51, delays=0.44/0.01/0.05/0.01, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 3mKPTL0WpJz45Shm)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(
            ev.get_str(Name::dest_email_address),
            Some("56597@continuity.delivery")
        );
        assert_eq!(ev.get_int(Name::dest_port), Some(2527));
        assert_eq!(ev.get_str(Name::queued_as), Some("3mKPTL0WpJz45Shm"));
        let ev = line("to=<susan.bck@example.org>, relay=mpafm.example.org[24.100.200.21]:25, conn_use=2, delay=1.2, delays=0.76/0.01/0.09/0.34, dsn=2.0.0, status=sent (250 2.0.0 t5UI2nBt018923-t5UI2nBw018923 Message accepted for delivery)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.queue_id, None);
        assert_eq!(ev.get_str(Name::dest_host), Some("mpafm.example.org"));
    }

    #[test]
    fn delivery_relay_none_takes_connect_target() {
        let ev = line("3mPVKl0Mhjz7sXv: to=<health-example-ahslott=foo.com@bar.com>, relay=none, delay=55175, delays=55144/0.05/30/0, dsn=4.4.1, status=deferred (connect to dc-452452f6.bar.com[63.200.300.49]:25: Connection timed out)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::relay), Some("none"));
        assert_eq!(ev.get_str(Name::dest_host), Some("dc-452452f6.bar.com"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("63.200.300.49"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
    }

    #[test]
    fn delivery_tls_features() {
        let ev = line("7EE668039: to=<user@example.com>, relay=mail.example.com[1.2.3.4]:25, delay=3.6, delays=0.08/0.02/0.85/0.14, tls=dane/requiretls, dsn=2.1.5, status=sent (250 2.0.0 Ok: queued as 153053D)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::tls_features), Some("dane/requiretls"));
        assert_eq!(ev.get_str(Name::dsn), Some("2.1.5"));
        assert_eq!(ev.get_str(Name::queued_as), Some("153053D"));
    }

    #[test]
    fn delivery_unix_socket_relay() {
        let ev = line("AD6E41CDC05C: to=<admin@example.com>, relay=sub1.example.com[private/dovecot-lmtp], delay=0.15, delays=0.04/0/0.02/0.08, dsn=2.0.0, status=sent (250 2.0.0 <admin@example.com> qYyyBMsl9FRuZQAAA15QOA Saved)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::dest_host), Some("sub1.example.com"));
        assert_eq!(
            ev.get_str(Name::relay),
            Some("sub1.example.com[private/dovecot-lmtp]")
        );
        assert!(ev.get(Name::dest_ip).is_none());
    }

    #[test]
    fn truncated_delivery_is_unknown() {
        let ev =
            line("Jul  5 06:52:11 prd-mx1 postfix/smtp[22030]: 3mPVKl0Mhjz7sXv: to=<56597@con");
        assert_eq!(ev.kind, "unknown");
        assert!(ev.fields.is_empty());
    }

    #[test]
    fn host_said() {
        let ev = line("Dec 29 02:54:09 mail postfix/smtp[7648]: 732BB407C3: host mail.domain.com[1.1.1.1] said: 451 DT:SPM 163 mx13,P8CowECpNVM_oEVaenoEAQ--.23796S3 1514512449, please try again 15min later (in reply to end of DATA command)");
        assert_eq!(ev.kind, "smtp.host-said");
        assert_eq!(ev.queue_id, Some("732BB407C3"));
        assert_eq!(ev.get_str(Name::dest_host), Some("mail.domain.com"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("1.1.1.1"));
        assert_eq!(ev.get_int(Name::reject_code), Some(451));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("DT:SPM 163 mx13,P8CowECpNVM_oEVaenoEAQ--.23796S3 1514512449, please try again 15min later")
        );
        assert_eq!(ev.get_str(Name::smtp_command), Some("end of DATA"));
        let ev = line("1234ABCDEF: host relay.example.com[192.0.2.1] said: 450 4.1.8 root@localhost.localdomain: Sender address rejected: Domain not found (in reply to RCPT TO command)");
        assert_eq!(ev.kind, "smtp.host-said");
        assert_eq!(ev.get_str(Name::reject_dsn), Some("4.1.8"));
        assert_eq!(ev.get_str(Name::smtp_command), Some("RCPT TO"));
    }

    #[test]
    fn refused_to_talk() {
        let ev = line("2013 Jun 10 09:38:17.123 gds39d postfix/smtp[31494]: 630A1C2C3B4XXXX: host in.smtp.cz[81.95.97.102] refused to talk to me: 421 4.7.0 in.smtp.cz Error: too many connections from 81.95.98.2");
        assert_eq!(ev.kind, "smtp.refused-to-talk");
        assert_eq!(ev.queue_id, Some("630A1C2C3B4XXXX"));
        assert_eq!(ev.get_str(Name::dest_host), Some("in.smtp.cz"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("81.95.97.102"));
        assert_eq!(ev.get_int(Name::reject_code), Some(421));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("4.7.0"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("in.smtp.cz Error: too many connections from 81.95.98.2")
        );
    }

    #[test]
    fn tls_established() {
        let ev = line("Jul 24 04:38:17 mail postfix/smtp[30582]: Verified TLS connection established to gmail-smtp-in.l.google.com[108.177.14.26]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256");
        assert_eq!(ev.kind, "smtp.tls-established");
        assert_eq!(ev.queue_id, None);
        assert_eq!(
            ev.get_str(Name::dest_host),
            Some("gmail-smtp-in.l.google.com")
        );
        assert_eq!(ev.get_str(Name::dest_ip), Some("108.177.14.26"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(ev.get_str(Name::tls_trust), Some("Verified"));
        assert_eq!(ev.get_str(Name::tls_protocol), Some("TLSv1.3"));
        assert_eq!(ev.get_str(Name::tls_cipher), Some("TLS_AES_256_GCM_SHA384"));
        let ev = line("Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:2525: TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)");
        assert_eq!(ev.kind, "smtp.tls-established");
        assert_eq!(ev.get_str(Name::tls_trust), Some("Untrusted"));
        assert_eq!(ev.get_int(Name::dest_port), Some(2525));
    }

    #[test]
    fn lost_connection() {
        let ev = line("2020-03-19T09:29:04.507835+00:00 638fbdd7968d postfix/smtp[156]: CA1AD20189: lost connection with mta6.am0.yahoodns.net[67.195.204.79] while sending RCPT TO");
        assert_eq!(ev.kind, "smtp.lost-connection");
        assert_eq!(ev.queue_id, Some("CA1AD20189"));
        assert_eq!(ev.get_str(Name::dest_host), Some("mta6.am0.yahoodns.net"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("67.195.204.79"));
        assert_eq!(ev.get_str(Name::additional_info), Some("sending RCPT TO"));
    }

    #[test]
    fn connect_failed_has_no_queue_id() {
        for (raw, host, ip, why) in [
            ("2013 Jun 10 06:43:38.123 gds39d postfix/smtp[19496]: connect to cetrum.cz[46.28.105.16]:25: Connection timed out", "cetrum.cz", "46.28.105.16", "Connection timed out"),
            ("2013 Jun 10 06:53:17.123 gds39d postfix/smtp[10710]: connect to mail.cps-cz.cz[199.80.62.165]:25: No route to host", "mail.cps-cz.cz", "199.80.62.165", "No route to host"),
        ] {
            let ev = line(raw);
            assert_eq!(ev.kind, "smtp.connect-failed");
            assert_eq!(ev.queue_id, None);
            assert_eq!(ev.get_str(Name::dest_host), Some(host));
            assert_eq!(ev.get_str(Name::dest_ip), Some(ip));
            assert_eq!(ev.get_int(Name::dest_port), Some(25));
            assert_eq!(ev.get_str(Name::additional_info), Some(why));
            assert_eq!(ev.activity_type, Some("network-traffic:fail"));
        }
    }

    #[test]
    fn connect_failed_ipv6_unreachable() {
        let ev = line("May 10 09:21:32 vm-debian10 postfix/smtp[5901]: connect to smtp.gmail.com[2a00:1450:400c:c00::6d]:587: Network is unreachable");
        assert_eq!(ev.kind, "smtp.connect-failed");
        assert_eq!(ev.get_str(Name::dest_ip), Some("2a00:1450:400c:c00::6d"));
        assert_eq!(ev.get_int(Name::dest_port), Some(587));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Network is unreachable")
        );
    }

    #[test]
    fn connect_refused_legacy_port() {
        let ev = line("scorpion postfix/smtp[9144]: connect to rmailb2.walla.co.il[192.118.82.145]: Connection refused (port 25)");
        assert_eq!(ev.kind, "smtp.connect-failed");
        assert_eq!(ev.get_str(Name::dest_host), Some("rmailb2.walla.co.il"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("192.118.82.145"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Connection refused")
        );
    }

    #[test]
    fn pix_workarounds_with_and_without_artefact() {
        let ev = line("2013 Jun 10 09:31:44.123 gds39d postfix/smtp[13362]: 42FA6C2C2B4XXXX: enabling PIX workaroundsXXXX: disable_esmtp delay_dotcrlf for mx-2.reykjavik.is[82.112.88.141]:25");
        assert_eq!(ev.kind, "smtp.pix-workarounds");
        assert_eq!(ev.queue_id, Some("42FA6C2C2B4XXXX"));
        assert_eq!(ev.get_str(Name::dest_host), Some("mx-2.reykjavik.is"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("82.112.88.141"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("disable_esmtp delay_dotcrlf")
        );
        let ev = line("B0ADE20FC7: enabling PIX workarounds: disable_esmtp delay_dotcrlf for example.com[93.184.216.34]:25");
        assert_eq!(ev.kind, "smtp.pix-workarounds");
    }

    #[test]
    fn ssl_connect_error() {
        let ev = line("SSL_connect error to 64.200.28.300[64.200.28.300]:25: lost connection");
        assert_eq!(ev.kind, "smtp.ssl-connect-error");
        assert_eq!(ev.get_str(Name::dest_ip), Some("64.200.28.300"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(ev.get_str(Name::additional_info), Some("lost connection"));
    }

    #[test]
    fn invalid_hostname_warning() {
        let ev = line("2013 Jun 10 09:32:27.123 gds39d postfix/smtp[10738]: warning: valid_hostname: empty hostname");
        assert_eq!(ev.kind, "smtp.invalid-hostname");
        assert_eq!(ev.get_str(Name::severity), Some("warning"));
        assert_eq!(ev.get_str(Name::additional_info), Some("empty hostname"));
    }

    #[test]
    fn used_tls_patched() {
        // A patched Postfix (no licensed corpus line); the shape of the kinds checklist.
        let ev = line("Jun 10 09:32:27 mx postfix/smtp[10738]: 1A2B3C4D5E: Used TLS for mx.example.org[192.0.2.9]:25");
        assert_eq!(ev.kind, "smtp.used-tls");
        assert_eq!(ev.get_str(Name::dest_ip), Some("192.0.2.9"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
    }

    #[test]
    fn conversation_timeout() {
        let ev = line("3mRyTc5Y5Nz7sXc: conversation with smtpb.mail.medcity.net[199.91.36.34] timed out while receiving the initial server greeting");
        assert_eq!(ev.kind, "smtp.conversation-timeout");
        assert_eq!(ev.queue_id, Some("3mRyTc5Y5Nz7sXc"));
        assert_eq!(ev.get_str(Name::dest_host), Some("smtpb.mail.medcity.net"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("receiving the initial server greeting")
        );
    }

    #[test]
    fn certificate_verification_failed() {
        // smtpd reports client certificates the same way; only a tag tells them apart.
        let text = "certificate verification failed for mail.example.com[113.169.17.115]:25: self-signed certificate.";
        let (kind, ev) = tagged("smtp", text, parse);
        assert_eq!(kind, Some("smtp.certificate-verification-failed"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("113.169.17.115"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("self-signed certificate.")
        );
    }

    #[test]
    fn mx_record_warnings() {
        let ev = line("2013 Jun 10 10:43:25.123 gds39d postfix/smtp[28778]: warning: numeric domain name in resource data of MX record for iscali.cz: 31.31.75.114");
        assert_eq!(ev.kind, "smtp.mx-numeric-domain");
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("iscali.cz"));
        assert_eq!(ev.get_str(Name::additional_info), Some("31.31.75.114"));
        let ev = line("2013 Jun 10 09:32:27.123 gds39d postfix/smtp[10738]: warning: malformed domain name in resource data of MX record for ahoo.com:");
        assert_eq!(ev.kind, "smtp.mx-malformed-domain");
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("ahoo.com"));
        let ev = line("2013 Jun 10 15:33:23.123 gds39d postfix/smtp[3930]: warning: no MX host for unicef.eu has a valid address record");
        assert_eq!(ev.kind, "smtp.no-mx-address");
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("unicef.eu"));
    }

    #[test]
    fn service_problem() {
        let text = "warning: problem talking to service private/scache: Connection timed out";
        let (kind, ev) = tagged("smtp", text, parse);
        assert_eq!(kind, Some("smtp.service-problem"));
        assert_eq!(ev.get_str(Name::service), Some("private/scache"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Connection timed out")
        );
    }

    #[test]
    fn sasl_auth_failed() {
        let ev = line("D0F29603B4: SASL authentication failed; server xyz.example.com[1.2.3.4] said: 535 5.7.8 Error: authentication failed: authentication failure");
        assert_eq!(ev.kind, "smtp.sasl-auth-failed");
        assert_eq!(ev.queue_id, Some("D0F29603B4"));
        assert_eq!(ev.get_str(Name::dest_host), Some("xyz.example.com"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("1.2.3.4"));
        assert_eq!(ev.get_int(Name::reject_code), Some(535));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("5.7.8"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Error: authentication failed: authentication failure")
        );
    }

    #[test]
    fn dns_lookup_debug() {
        let ev = line("virtual_dns_lookup: example.com (MX)");
        assert_eq!(ev.kind, "smtp.dns-lookup");
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("example.com"));
        assert_eq!(ev.get_str(Name::additional_info), Some("MX"));
    }

    #[test]
    fn not_running_is_generic_fatal() {
        let ev = line("May 13 09:20:38 vm-debian10 postfix/smtp[5901]: fatal: the Postfix mail system is not running");
        assert_eq!(ev.kind, "smtp.fatal");
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("the Postfix mail system is not running")
        );
    }

    #[test]
    fn cannot_start_tls() {
        let ev = line("3mPz615lB2z7sZt: Cannot start TLS: handshake failure");
        assert_eq!(ev.kind, "smtp.tls-failed");
        assert_eq!(ev.queue_id, Some("3mPz615lB2z7sZt"));
        assert_eq!(ev.get_str(Name::additional_info), Some("handshake failure"));
    }

    #[test]
    fn tls_library_problem() {
        let ev = line("warning: TLS library problem: error:14082174:SSL routines:SSL3_CHECK_CERT_AND_ALGORITHM:dh key too small:s3_clnt.c:3347:");
        assert_eq!(ev.kind, "smtp.tls-library-problem");
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("error:14082174:SSL routines:SSL3_CHECK_CERT_AND_ALGORITHM:dh key too small:s3_clnt.c:3347:")
        );
    }

    // Gap kinds: no corpus line; built from the format strings of Postfix 3.x smtp_proto.c,
    // smtp_addr.c and smtp_connect.c.
    #[test]
    fn greeted_own_hostname_and_loop() {
        let ev = line("Jun 10 09:32:27 mx postfix/smtp[1]: warning: host mx.example.org[192.0.2.9]:25 greeted me with my own hostname mx.example.org");
        assert_eq!(ev.kind, "smtp.greeted-own-hostname");
        assert_eq!(ev.get_str(Name::dest_ip), Some("192.0.2.9"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(ev.get_str(Name::additional_info), Some("mx.example.org"));
        let ev = line("Jun 10 09:32:27 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@example.org>, relay=mx.example.org[192.0.2.9]:25, delay=0.3, delays=0.1/0/0.2/0, dsn=5.4.6, status=bounced (mail for example.org loops back to myself)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::dsn), Some("5.4.6"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("mail for example.org loops back to myself")
        );
    }

    #[test]
    fn session_details() {
        // No corpus line; built from the format strings of smtp_proto.c and tls_misc.c.
        let ev =
            line("Jun 10 09:32:27 mx postfix/smtp[1]: Host offered STARTTLS: [mx.example.org]");
        assert_eq!(ev.kind, "smtp.starttls-offered");
        assert_eq!(ev.get_str(Name::dest_host), Some("mx.example.org"));
        let ev = line("Jun 10 09:32:27 mx postfix/smtp[1]: 1A2B3C4D5E: breaking line > 998 bytes with <CR><LF>SPACE");
        assert_eq!(ev.kind, "smtp.breaking-line");
        assert_eq!(ev.queue_id, Some("1A2B3C4D5E"));
        let ev = line("Jun 10 09:32:27 mx postfix/smtp[1]: Trusted TLS connection reused to mx.example.org[192.0.2.9]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)");
        assert_eq!(ev.kind, "smtp.tls-reused");
        assert_eq!(
            ev.get_str(Name::tls_cipher),
            Some("ECDHE-RSA-AES256-GCM-SHA384")
        );
    }

    #[test]
    fn smtp_suspended_is_smtp_when_tagged() {
        let ev = line("Jun 10 09:32:27 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@example.org>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[192.0.2.9]:25: Connection refused)");
        assert_eq!(ev.kind, "smtp.delivery");
        assert_eq!(ev.get_str(Name::dest_host), Some("mx.example.org"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
    }

    #[test]
    fn lmtp_kinds() {
        let ev = line("Jan 1 00:00:00 hostname postfix/lmtp[12345]: 123456789AB: to=<user@example.com>, relay=example.com[path], delay=0.12, delays=0.12/0.12/0.12/0.12, dsn=1.2.3, status=sent (250 2.0.0 Ok: queued as aaaaaaaaaaaaa)");
        assert_eq!(ev.kind, "lmtp.delivery");
        assert_eq!(ev.get_str(Name::dest_host), Some("example.com"));
        assert_eq!(ev.get_str(Name::relay), Some("example.com[path]"));
        assert!(ev.get(Name::dest_ip).is_none());
        assert_eq!(ev.get_str(Name::queued_as), Some("aaaaaaaaaaaaa"));
        let ev = line("2023-02-01T01:02:04.123456+00:00 hostname postfix/lmtp[12345]: 123456789AB: to=<user@example.com>, relay=example.com[123.45.67.89]:25, delay=1.23, delays=1.23/1.23/1.23/1.23, dsn=1.2.3, status=bounced (123 #1.2.3 Reasons)");
        assert_eq!(ev.kind, "lmtp.delivery");
        assert_eq!(ev.get_str(Name::result), Some("bounced"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("123 #1.2.3 Reasons")
        );
        let ev = line("2023-02-01T01:02:04.123456+00:00 hostname postfix/lmtp[12345]: 123456789AB: to=<user@example.com>, relay=example.com[/var/run/dovecot/lmtp], delay=1.23, delays=1.23/1.23/1.23/1.23, dsn=1.2.3, status=deferred (host example.com[/var/run/dovecot/lmtp] said: 452 4.2.2 <user@example.com> Quota exceeded (mailbox for user is full) (in reply to end of DATA command))");
        assert_eq!(ev.kind, "lmtp.delivery");
        assert_eq!(
            ev.get_str(Name::relay),
            Some("example.com[/var/run/dovecot/lmtp]")
        );
        assert_eq!(ev.get_int(Name::reject_code), Some(452));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("4.2.2"));
        assert_eq!(ev.get_str(Name::smtp_command), Some("end of DATA"));
    }

    #[test]
    fn lmtp_unix_socket_connect_error() {
        // Gap kind, built from smtp_connect.c's `connect to %s[%s]: %m` for a UNIX-domain destination.
        let ev = line("Jun 10 09:32:27 mx postfix/lmtp[1]: 1A2B3C4D5E: to=<a@example.org>, relay=none, delay=0.01, delays=0/0/0.01/0, dsn=4.4.1, status=deferred (connect to mail.example.org[private/dovecot-lmtp]: No such file or directory)");
        assert_eq!(ev.kind, "lmtp.delivery");
        assert_eq!(ev.get_str(Name::dest_host), Some("mail.example.org"));
        assert_eq!(ev.get_str(Name::relay), Some("none"));
        assert_eq!(ev.fields.iter().filter(|f| f.0 == Name::relay).count(), 1);
        let ev = line("Jun 10 09:32:27 mx postfix/lmtp[1]: connect to mail.example.org[private/dovecot-lmtp]: No such file or directory");
        assert_eq!(ev.kind, "lmtp.connect-failed");
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("No such file or directory")
        );
    }

    #[test]
    fn other_daemons_lines_are_not_taken_without_tag() {
        for text in [
            "Trusted TLS connection established from mail.example.com[192.0.2.1]:25: TLSv1.2 with cipher X (256/256 bits)",
            "SSL_accept error from unknown[72.13.58.7]: lost connection",
            "connect from 061238241086.static.ctinets.com[61.238.241.86]",
            "0F5383D: to=<tom@example.com>, relay=dovecot, delay=4.3, delays=4.1/0.01/0/0.15, dsn=2.0.0, status=sent (delivered via dovecot service)",
            "to=<logspam@system.alerts>, relay=local, delay=3.1, delays=1.8/0.86/0/0.44, dsn=2.0.0, status=sent (forwarded as 3mLQKK4rDdz7sVS)",
        ] {
            let ev = line(text);
            assert!(!ev.kind.starts_with("smtp."), "{text}: {}", ev.kind);
        }
    }
}
