//! `verify` messages: the address verification service.
//!
//! | kind | message |
//! | --- | --- |
//! | `verify.cache-cleanup` | `cache lmdb:/var/lib/postfix/verify_cache full cleanup: retained=N dropped=N entries` |
//!
//! The cache cleanup line is written by Postfix's `dict_cache` module, which `postscreen` uses too; its
//! reader `cache_cleanup` is shared.

use super::lex::QueueId;
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a `verify` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.queue != QueueId::None {
        return None;
    }
    cache_cleanup(ev, m.body).then_some("verify.cache-cleanup")
}

/// Reads `cache NAME full|partial cleanup: retained=N dropped=N entries`: `result` = `full` or `partial`,
/// `additional_info` = the whole message. Returns whether the message is one.
pub(crate) fn cache_cleanup<'a>(ev: &mut LineEvent<'a>, body: &'a str) -> bool {
    let Some(rest) = body.strip_prefix("cache ") else {
        return false;
    };
    let Some((head, counts)) = rest.split_once(" cleanup: ") else {
        return false;
    };
    let Some((_, scope)) = head.rsplit_once(' ') else {
        return false;
    };
    if !matches!(scope, "full" | "partial")
        || !counts.starts_with("retained=")
        || !counts.ends_with(" entries")
    {
        return false;
    }
    ev.put(Name::result, scope);
    ev.put(Name::additional_info, body);
    true
}

#[cfg(test)]
mod tests {
    use crate::engine::parse_line;
    use crate::event::Name;
    use crate::time::YearClock;

    #[test]
    fn cache_cleanup() {
        // grok-patterns.log (message-only), framed with the daemon's tag.
        let line = "Oct 26 18:13:50 mx postfix/verify[123]: cache lmdb:/var/lib/postfix/verify_cache full cleanup: retained=724 dropped=6 entries";
        let ev = parse_line(line, None, &mut YearClock::new(Some(2026), 0, 0));
        assert_eq!(ev.kind, "verify.cache-cleanup");
        assert_eq!(ev.get_str(Name::result), Some("full"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("cache lmdb:/var/lib/postfix/verify_cache full cleanup: retained=724 dropped=6 entries")
        );
    }

    #[test]
    fn untagged_cache_cleanup_of_the_verify_cache() {
        let ev = parse_line(
            "cache lmdb:/var/lib/postfix/verify_cache full cleanup: retained=724 dropped=6 entries",
            None,
            &mut YearClock::new(Some(2026), 0, 0),
        );
        assert_eq!(
            (ev.kind, ev.daemon),
            ("verify.cache-cleanup", Some("verify"))
        );
        let ev = parse_line(
            "cache ??????????????????????????????????? partial cleanup: retained=1 dropped=0 entries",
            None,
            &mut YearClock::new(Some(2026), 0, 0),
        );
        assert_eq!(ev.get_str(Name::result), Some("partial"));
    }
}
