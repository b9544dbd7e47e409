//! # postfix-enrich
//!
//! Postfix mail-log parsing, correlation and detection content, as one plain-Rust core that runs natively,
//! as a WASI component inside log shippers, and in the browser.
//!
//! Data flows one way, one module per stage:
//!
//! 1. [`input`]: bytes into lines;
//! 2. [`syslog`]: a line into its time, host, program, pid and message, whatever the framing;
//! 3. [`postfix`]: the message into a `postfix_kind` and normalised fields ([`event::LineEvent`]);
//! 4. [`exabeam`]: the Exabeam parser, activity type and event type of the line;
//! 5. [`correlate`]: lines joined by queue id into message records;
//! 6. [`output`]: records written as NDJSON.
//!
//! [`engine::Engine`] runs the pipeline and owns its state. It reads no clock, file or environment: the
//! caller passes the configuration and "now", so the library component needs no capability at all.

// The library component's exports, only in the build of it (`make wasm`): the command component links this
// crate too, and with them it would import the `sink` that they write to.
#[cfg(all(target_os = "wasi", target_env = "p2", feature = "component"))]
mod component;
pub mod config;
pub mod correlate;
pub mod engine;
pub mod event;
pub mod exabeam;
pub mod hash;
pub mod input;
pub mod json;
pub mod net;
pub mod output;
pub mod postfix;
pub mod syslog;
pub mod time;
#[cfg(all(target_os = "wasi", target_env = "p2"))]
mod wasi_exit;

pub use config::{Config, ConfigError};
pub use engine::Engine;
pub use output::{Format, NdjsonSink, Sink};

/// The exit status of a usage or configuration fault: 2, as `output.md` promises. Rust's standard library
/// on WASI p2 can only report 0 or 1, so there the command exits at once through
/// `wasi:cli/exit.exit-with-code` instead of returning.
pub fn fault_exit_code() -> std::process::ExitCode {
    #[cfg(all(target_os = "wasi", target_env = "p2"))]
    wasi_exit::with_code(2);
    #[cfg(not(all(target_os = "wasi", target_env = "p2")))]
    std::process::ExitCode::from(2)
}
