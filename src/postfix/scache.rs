//! `scache` messages. (Grammar to be filled in.)

use super::Msg;
use crate::event::LineEvent;

/// Recognises a `scache` message; see the module docs for the shapes.
pub fn parse<'a>(_m: &Msg<'a>, _ev: &mut LineEvent<'a>) -> Option<&'static str> {
    None
}
