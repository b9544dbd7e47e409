//! Emitted message records, emptied and reused for the next messages: a message's texts are one buffer
//! and its recipients one list, and taking them from here costs much less than allocating them afresh.

use super::Message;

/// Messages kept. Messages close in bursts (a time-out sweep, a queue run's deliveries): with 256, nearly
/// all misses are the growth of the number of open messages.
const POOL_DEPTH: usize = 256;

/// Larger text buffers are freed rather than kept, so that a rare long message does not make every message
/// that later reuses its buffer hold that much memory.
const POOLED_TEXT: usize = 2048;

/// Longer recipient lists are freed rather than kept, for the same reason.
const POOLED_RECIPIENTS: usize = 4;

/// Spent messages, given back by [`super::Correlator::recycle`], emptied. Bounded ([`POOL_DEPTH`] messages
/// of at most [`POOLED_TEXT`] bytes of text and [`POOLED_RECIPIENTS`] recipients) and apart from the open
/// messages, so that they hold no more memory than without it.
#[derive(Debug, Default)]
pub(super) struct Pool {
    pub(super) messages: Vec<Message>,
}

impl Pool {
    /// An empty message, with buffers of a spent one when there is one.
    pub(super) fn take(&mut self) -> Message {
        self.messages.pop().unwrap_or_default()
    }

    /// Keeps a message that is done with, emptied, for [`Pool::take`].
    pub(super) fn put(&mut self, m: Message) {
        if self.messages.len() < POOL_DEPTH
            && m.text.capacity() <= POOLED_TEXT
            && m.recipients.capacity() <= POOLED_RECIPIENTS
        {
            self.messages.push(m.emptied());
        }
    }
}
