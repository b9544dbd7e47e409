//! The buffers of emitted message records, emptied and reused for the next messages: a message's texts are
//! one buffer and its recipients one list, and taking them from here costs much less than allocating them
//! afresh. Only the buffers are kept, not whole records, so that giving one back and taking it again moves
//! a hundred bytes rather than the whole record several times.

use super::text::{Span, Texts};
use super::{Message, Recipient};
use crate::event::Tag;

/// Buffers kept. Messages close in bursts (a time-out sweep, a queue run's deliveries): with 256, nearly
/// all misses are the growth of the number of open messages.
const POOL_DEPTH: usize = 256;

/// Larger text buffers are freed rather than kept, so that a rare long message does not make every message
/// that later reuses its buffer hold that much memory.
const POOLED_TEXT: usize = 2048;

/// Longer recipient lists are freed rather than kept, for the same reason.
const POOLED_RECIPIENTS: usize = 4;

/// The buffers of one message, emptied.
#[derive(Debug)]
struct Buffers {
    text: Texts,
    attachments: Vec<Span>,
    recipients: Vec<Recipient>,
    tags: Vec<Tag>,
}

/// Buffers of spent messages, given back by [`super::Correlator::recycle`]. Bounded ([`POOL_DEPTH`]
/// messages' worth, of at most [`POOLED_TEXT`] bytes of text and [`POOLED_RECIPIENTS`] recipients) and
/// apart from the open messages, so that they hold no more memory than without it.
#[derive(Debug, Default)]
pub(super) struct Pool {
    buffers: Vec<Buffers>,
}

impl Pool {
    /// Gives `m`, an empty message that owns no buffers yet, those of a spent message; when none is kept, a
    /// text buffer with room for its texts.
    pub(super) fn fill(&mut self, m: &mut Message) {
        match self.buffers.pop() {
            Some(b) => {
                m.text = b.text;
                m.attachments = b.attachments;
                m.recipients = b.recipients;
                m.tags = b.tags;
            }
            None => m.text = Texts::with_room(),
        }
    }

    /// Keeps the buffers of a message that is done with, emptied, for [`Pool::fill`].
    pub(super) fn put(&mut self, m: Message) {
        if self.buffers.len() < POOL_DEPTH
            && m.text.capacity() <= POOLED_TEXT
            && m.recipients.capacity() <= POOLED_RECIPIENTS
        {
            let Message {
                mut text,
                mut attachments,
                mut recipients,
                mut tags,
                ..
            } = m;
            text.clear();
            attachments.clear();
            recipients.clear();
            tags.clear();
            self.buffers.push(Buffers {
                text,
                attachments,
                recipients,
                tags,
            });
        }
    }

    /// Whether no buffers are kept.
    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.buffers.is_empty()
    }
}
