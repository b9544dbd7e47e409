//! The command component's exit status (`postfix-enrich.wasm`): `wasi:cli/exit.exit-with-code`.
//!
//! A module of its own, apart from the library component's exports, so that the command links it without
//! them.

/// Exit with `code`, for the command component: Rust's standard library on WASI p2 can only report success
/// or failure (status 1), while the command promises status 2 for a usage or configuration fault.
pub(crate) fn with_code(code: u8) -> ! {
    bindings::wasi::cli::exit::exit_with_code(code);
    unreachable!("wasi:cli/exit.exit-with-code returned")
}

mod bindings {
    wit_bindgen::generate!({
        inline: r#"
            package wasi:cli@0.2.12;
            interface exit {
                exit: func(status: result);
                exit-with-code: func(status-code: u8);
            }
            world command-exit {
                import exit;
            }
        "#,
        world: "command-exit",
    });
}
