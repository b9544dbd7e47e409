//! `scache` messages: the shared connection cache's periodic statistics.
//!
//! | kind | message |
//! | --- | --- |
//! | `scache.start-interval` | `statistics: start interval Jun 10 06:48:17` |
//! | `scache.domain-lookup` | `statistics: domain lookup hits=0 miss=1 success=0%` |
//! | `scache.address-lookup` | `statistics: address lookup hits=0 miss=2 success=0%` |
//! | `scache.max-simultaneous` | `statistics: max simultaneous domains=1 addresses=1 connection=1` |
//!
//! `additional_info` holds the text after the statistic's name (the time, or the counters as logged).

use super::lex::QueueId;
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises an `scache` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.queue != QueueId::None {
        return None;
    }
    let r = m.body.strip_prefix("statistics: ")?;
    const KINDS: &[(&str, &str)] = &[
        ("start interval ", "scache.start-interval"),
        ("domain lookup ", "scache.domain-lookup"),
        ("address lookup ", "scache.address-lookup"),
        ("max simultaneous ", "scache.max-simultaneous"),
    ];
    let (text, kind) = KINDS
        .iter()
        .find_map(|(p, k)| r.strip_prefix(p).map(|t| (t, *k)))?;
    ev.put(Name::additional_info, text);
    Some(kind)
}

#[cfg(test)]
mod tests {
    use crate::postfix::smtpd::testing::{exact, parse, V::*};

    #[test]
    fn statistics() {
        for (line, kind, info) in [
            ("2013 Jun 10 06:51:58.123 gds39d postfix/scache[31130]: statistics: domain lookup hits=0 miss=1 success=0%", "scache.domain-lookup", "hits=0 miss=1 success=0%"),
            ("2013 Jun 10 06:51:58.123 gds39d postfix/scache[31130]: statistics: start interval Jun 10 06:48:17", "scache.start-interval", "Jun 10 06:48:17"),
            ("2013 Jun 10 06:51:58.123 gds39d postfix/scache[31130]: statistics: address lookup hits=0 miss=2 success=0%", "scache.address-lookup", "hits=0 miss=2 success=0%"),
            ("2013 Jun 10 06:57:20.123 gds39d postfix/scache[10694]: statistics: max simultaneous domains=1 addresses=1 connection=1", "scache.max-simultaneous", "domains=1 addresses=1 connection=1"),
        ] {
            exact(&parse(line), kind, &[("additional_info", S(info))]);
        }
    }

    #[test]
    fn untagged_statistics_are_scache_not_anvil() {
        let ev = parse("statistics: start interval Dec  6 21:20:35");
        assert_eq!(
            (ev.kind, ev.daemon),
            ("scache.start-interval", Some("scache"))
        );
    }
}
