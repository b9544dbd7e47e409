//! Correlation on fixtures with the edge cases a small real run does not produce (the live Postfix test
//! covers the ordinary ones): interleaving, out-of-order lines, queue id reuse, a content filter, alias
//! expansion with a bounce, expiry, the memory bound, and a restart from `--state`.

use std::path::Path;

use postfix_enrich::config::Limits;
use postfix_enrich::{Config, Engine, NdjsonSink};
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/correlate")
            .join(name),
    )
    .unwrap()
}

fn config(limits: Limits) -> Config {
    Config {
        year: Some(2024),
        org_email_domains: vec!["corp.example".into()],
        limits,
        ..Config::default()
    }
}

/// Message records of a run over `input`, in output order.
fn messages(input: &[u8], limits: Limits) -> Vec<Value> {
    let mut engine = Engine::new(config(limits), 0).unwrap();
    let mut sink = NdjsonSink {
        no_lines: true,
        ..NdjsonSink::default()
    };
    engine.process_chunk(input, &mut sink);
    engine.finish(&mut sink);
    engine.flush(&mut sink);
    String::from_utf8(sink.buf)
        .expect("NDJSON is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn by_qid<'a>(ms: &'a [Value], qid: &str) -> Vec<&'a Value> {
    ms.iter().filter(|m| m["queue_id"] == qid).collect()
}

fn recipient<'a>(m: &'a Value, address: &str) -> &'a Value {
    m["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} in {m}"))
}

#[test]
fn interleaved_messages_are_kept_apart_and_deferred_ones_report_early() {
    let ms = messages(&fixture("interleaved.log"), Limits::default());
    // The inbound message closes first, at its `removed`.
    let inbound = by_qid(&ms, "5A6B7C8D9E");
    assert_eq!(inbound.len(), 1);
    let m = inbound[0];
    assert_eq!(m["complete"], true);
    assert_eq!(m["src_ip"], "198.51.100.20");
    assert_eq!(m["src_port"], 41234);
    assert_eq!(m["sender"], "anna@outside.example");
    assert_eq!(m["email_subject"], "Re: Überweisung");
    assert_eq!(m["internet_message_id"], "CAF=x1@outside.example");
    assert_eq!(m["direction"], "inbound");
    assert_eq!(m["activity_type"], "email-receive:success");
    assert_eq!(m["event_type"], "dlp-email-alert-in");
    assert_eq!(recipient(m, "jdoe@corp.example")["status"], "sent");

    // The outbound one: an early record ten minutes after its deferral, then the final record.
    let out = by_qid(&ms, "4F1A2B3C4D");
    assert_eq!(out.len(), 2, "{out:?}");
    let (early, last) = (out[0], out[1]);
    assert_eq!(early["complete"], false);
    assert_eq!(recipient(early, "johndoe1987@gmail.com")["status"], "sent");
    assert_eq!(
        recipient(early, "partner@fabrikam.example")["status"],
        "deferred"
    );
    assert_eq!(recipient(early, "partner@fabrikam.example")["dsn"], "4.4.1");
    assert_eq!(last["complete"], true);
    assert_eq!(last["result"], "sent");
    assert_eq!(last["user"], "jdoe");
    assert_eq!(last["src_ip"], "10.1.2.17");
    assert_eq!(last["sender"], "john.doe@corp.example");
    assert_eq!(last["bytes"], 48213);
    assert_eq!(last["num_recipients"], 2);
    assert_eq!(last["email_subject"], "My resume - John Doe");
    assert_eq!(last["attachments"], serde_json::json!(["John_Doe_CV.pdf"]));
    assert_eq!(last["direction"], "outbound");
    assert_eq!(last["activity_type"], "email-send:success");
    let partner = recipient(last, "partner@fabrikam.example");
    assert_eq!(
        (partner["status"].as_str(), partner["attempts"].as_i64()),
        (Some("sent"), Some(2))
    );
    assert_eq!(
        (partner["dest_ip"].as_str(), partner["dest_port"].as_i64()),
        (Some("203.0.113.25"), Some(25))
    );
    let gmail = recipient(last, "johndoe1987@gmail.com");
    assert_eq!(gmail["dest_host"], "gmail-smtp-in.l.google.com");
    assert_eq!(gmail["delay"], 1.1);
    assert_eq!(ms.len(), 3);
}

#[test]
fn lines_out_of_order_within_a_second_still_make_one_message() {
    let ms = messages(&fixture("out-of-order.log"), Limits::default());
    assert_eq!(ms.len(), 1, "{ms:?}");
    let m = &ms[0];
    assert_eq!(m["complete"], true);
    assert_eq!(m["src_host"], "app1.corp.example");
    assert_eq!(m["internet_message_id"], "ooo-1@corp.example");
    assert_eq!(m["bytes"], 2200);
}

#[test]
fn a_log_replayed_while_its_time_stands_still_gives_every_message_again() {
    // The same log twice, as a replay or a concatenation does it: the second copy reuses every queue id
    // within the grace after its `removed`. The bounce notification has no client or pickup line; its
    // first line is cleanup's, which is never a late line of a message already removed.
    let once = fixture("alias-bounce.log");
    let twice = [once.as_slice(), once.as_slice()].concat();
    let (one, two) = (
        messages(&once, Limits::default()),
        messages(&twice, Limits::default()),
    );
    assert_eq!(one.len(), 2, "{one:?}");
    assert_eq!(two.len(), 4, "{two:?}");
    let ndrs = by_qid(&two, "2D3E4F5A6B");
    assert_eq!(ndrs.len(), 2, "{two:?}");
    for ndr in ndrs {
        assert_eq!(
            (
                ndr["complete"].as_bool(),
                ndr["link"].as_str(),
                ndr["bytes"].as_i64()
            ),
            (Some(true), Some("bounce"), Some(5100))
        );
        assert_eq!(recipient(ndr, "list@sender.example")["status"], "sent");
    }
}

#[test]
fn a_reused_short_queue_id_starts_a_new_message() {
    let ms = messages(&fixture("reuse.log"), Limits::default());
    let all = by_qid(&ms, "1A2B3C4D5E");
    assert_eq!(all.len(), 3, "{ms:?}");
    // Local submission, removed.
    assert_eq!(
        (all[0]["user"].as_str(), all[0]["complete"].as_bool()),
        (Some("alice"), Some(true))
    );
    assert_eq!(all[0]["sender"], "alice@corp.example");
    // Reused after removal, then reused again without a `removed` line: emitted incomplete, not merged.
    assert_eq!(
        (all[1]["sender"].as_str(), all[1]["complete"].as_bool()),
        (Some("spam@bulk.example"), Some(false))
    );
    assert_eq!(all[1]["src_ip"], "203.0.113.9");
    assert_eq!(all[1]["src_host"], Value::Null);
    assert_eq!(
        (all[2]["sender"].as_str(), all[2]["complete"].as_bool()),
        (Some("news@other.example"), Some(true))
    );
    assert_eq!(all[2]["recipients"].as_array().unwrap().len(), 1);
}

#[test]
fn a_content_filter_hop_links_the_reinjected_message_to_the_original() {
    let ms = messages(&fixture("content-filter.log"), Limits::default());
    let first = by_qid(&ms, "3C4D5E6F7A")[0];
    let second = by_qid(&ms, "9F8E7D6C5B")[0];
    assert_eq!(second["orig_queue_id"], "3C4D5E6F7A");
    assert_eq!(second["link"], "content-filter");
    // The re-injected copy came from localhost with no SASL login or header warnings of its own.
    assert_eq!(second["user"], "carol");
    assert_eq!(second["src_ip"], "10.1.9.9");
    assert_eq!(second["email_subject"], "Q3 numbers");
    assert_eq!(second["attachments"], serde_json::json!(["q3.xls"]));
    assert_eq!(
        recipient(second, "cfo@partner.example")["dest_ip"],
        "192.0.2.44"
    );
    assert_eq!(second["direction"], "outbound");
    // The hop to the filter is not an outbound delivery.
    assert_eq!(first["direction"], "internal");
}

#[test]
fn alias_expansion_and_the_bounce_it_causes() {
    let ms = messages(&fixture("alias-bounce.log"), Limits::default());
    let orig = by_qid(&ms, "7B8C9D0E1F")[0];
    let dave = recipient(orig, "dave@corp.example");
    assert_eq!(
        (dave["orig_to"].as_str(), dave["status"].as_str()),
        (Some("sales@corp.example"), Some("sent"))
    );
    let erin = recipient(orig, "erin@corp.example");
    assert_eq!(
        (erin["status"].as_str(), erin["dsn"].as_str()),
        (Some("bounced"), Some("5.2.2"))
    );
    assert_eq!(orig["result"], "bounced");
    let ndr = by_qid(&ms, "2D3E4F5A6B")[0];
    assert_eq!(ndr["sender"], "");
    assert_eq!(
        (ndr["orig_queue_id"].as_str(), ndr["link"].as_str()),
        (Some("7B8C9D0E1F"), Some("bounce"))
    );
    // A bounce does not inherit the original's client.
    assert_eq!(ndr["src_ip"], Value::Null);
    assert_eq!(ndr["complete"], true);
}

#[test]
fn expiry_turns_deferred_recipients_into_expired() {
    let ms = messages(&fixture("expired.log"), Limits::default());
    let all = by_qid(&ms, "6D5C4B3A29");
    assert_eq!(all.len(), 2, "{ms:?}");
    assert_eq!(all[0]["complete"], false);
    let last = all[1];
    assert_eq!(last["complete"], true);
    assert_eq!(recipient(last, "ok@fast.example")["status"], "sent");
    let slow = recipient(last, "slow@gone.example");
    assert_eq!(
        (slow["status"].as_str(), slow["attempts"].as_i64()),
        (Some("expired"), Some(2))
    );
    assert_eq!(last["result"], "expired");
    assert_eq!(last["user"], "www-data");
}

#[test]
fn the_memory_bound_splits_a_message_but_loses_nothing() {
    let limits = Limits {
        open_messages: 1,
        ..Limits::default()
    };
    let ms = messages(&fixture("interleaved.log"), limits);
    // With room for one message, the two interleaved messages push each other out.
    let out = by_qid(&ms, "4F1A2B3C4D");
    assert!(out.len() >= 2, "{ms:?}");
    assert!(out[..out.len() - 1].iter().all(|m| m["complete"] == false));
    assert_eq!(out.last().unwrap()["complete"], true);
    // Every recipient outcome is in some record.
    let seen = |addr: &str, status: &str| {
        out.iter().any(|m| {
            m["recipients"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["address"] == addr && r["status"] == status)
        })
    };
    assert!(seen("johndoe1987@gmail.com", "sent"));
    assert!(seen("partner@fabrikam.example", "deferred"));
    assert!(seen("partner@fabrikam.example", "sent"));
}

#[test]
fn a_restart_from_state_gives_the_same_message_records() {
    let mut input = Vec::new();
    for f in [
        "interleaved.log",
        "content-filter.log",
        "alias-bounce.log",
        "reuse.log",
    ] {
        input.extend_from_slice(&fixture(f));
    }
    let whole = messages(&input, Limits::default());
    let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    for cut in [1, 5, 13, 17, 25, lines.len() - 1] {
        let mut engine = Engine::new(config(Limits::default()), 0).unwrap();
        let mut sink = NdjsonSink {
            no_lines: true,
            ..NdjsonSink::default()
        };
        for l in &lines[..cut] {
            engine.process_chunk(l, &mut sink);
        }
        let state = engine.export_state();
        let mut engine = Engine::new(config(Limits::default()), 0).unwrap();
        engine.import_state(&state).unwrap();
        for l in &lines[cut..] {
            engine.process_chunk(l, &mut sink);
        }
        engine.finish(&mut sink);
        engine.flush(&mut sink);
        let resumed: Vec<Value> = std::str::from_utf8(&sink.buf)
            .expect("NDJSON is UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(resumed, whole, "cut after line {cut}");
    }
}
