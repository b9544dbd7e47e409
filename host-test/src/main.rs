//! `postfix-host`: a small wasmtime host for the postfix-enrich components.
//!
//! - `enrich` streams stdin through the library component (`postfix_enrich.wasm`, the WIT world in `wit/`)
//!   with `process-json-to-sink`, the form a log shipper's transform stage uses, and prints what the native
//!   command prints. The guest's `sink.write` is written to stdout from the guest's memory, uncopied.
//! - `run` runs the command component (`postfix-enrich.wasm`) as `wasmtime run` would.
//! - `compile` compiles either ahead of time, as `wasmtime compile` does.
//! - `events` drives the typed methods, to check them against the NDJSON.
//!
//! The host reads the configuration file and the clock itself and passes them in: the library component
//! needs no capability. A trap in the guest costs one line, never more: see [`Stream::recover`].

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use postfix_enrich::event::{LineEvent, Name, UNKNOWN};
use postfix_enrich::input::MAX_LINE;
use postfix_enrich::{Format, NdjsonSink, Sink};
use wasmtime::component::{Component, Linker, ResourceAny, ResourceTable, WasmList};
use wasmtime::{Engine, OptLevel, Precompiled, Store, StoreContextMut, Trap};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

mod bindings {
    wasmtime::component::bindgen!({ path: "../wit", world: "enricher" });
}

use bindings::{Enricher, EnricherPre};

/// Bytes read from stdin per guest call: small enough that the guest's output for them (about five times
/// the input) is still in the CPU's cache when the host writes it, and that the replay after a trap stays
/// short; large enough that the cost of a call does not show. On the bench corpus 32 KiB took about 7% less
/// CPU than 256 KiB, and 8 KiB no less than 32 KiB.
const CHUNK: usize = 32 << 10;

/// A line still open after this many bytes is forwarded in pieces rather than held. Besides bounding the
/// host's buffer, this frames long lines as the native command's 256 KiB reads do: the guest cuts a line
/// at [`MAX_LINE`] only when it arrives in pieces.
const HOLD: usize = 1 << 20;

const USAGE: &str = "usage:
  postfix-host enrich --component PATH [--config FILE] [--format cim] [--year YYYY] [--timezone ZONE] [--no-lines]
      streams stdin through the library component (postfix_enrich.wasm) and prints NDJSON, as postfix-enrich does
  postfix-host run --component PATH [--dir DIR]... [-- ARGS...]
      runs the command component (postfix-enrich.wasm) with ARGS, stdin, stdout and stderr; --dir DIR makes the
      host directory DIR visible to it under the same path
  postfix-host events --component PATH [--year YYYY]
      streams stdin through the typed methods (process-batch, flush) and prints one summary line per event:
      `line KIND QUEUE_ID` or `message QUEUE_ID RECIPIENTS COMPLETE` (a check of the typed interface)
  postfix-host compile --component PATH -o FILE
      compiles a component ahead of time; FILE then serves as --component PATH of enrich or run, without
      compiling on every start (only load files that this postfix-host wrote)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let result = match args.next().as_deref() {
        Some("enrich") => enrich(args),
        Some("run") => run(args),
        Some("compile") => compile(args),
        Some("events") => events(args),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(Fail::Usage(
            "expected a command: enrich or run (see --help)".into(),
        )),
    };
    match result {
        Ok(code) => code,
        Err(Fail::Usage(e)) => {
            eprintln!("postfix-host: {e}");
            ExitCode::from(2)
        }
        Err(Fail::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Fail::Io(e)) => {
            eprintln!("postfix-host: {e}");
            ExitCode::FAILURE
        }
        Err(Fail::Wasm(e)) => {
            eprintln!("postfix-host: {e:?}");
            ExitCode::FAILURE
        }
    }
}

/// Why a command failed: usage and configuration faults exit 2, the others 1.
enum Fail {
    Usage(String),
    Io(io::Error),
    Wasm(wasmtime::Error),
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Self {
        Fail::Io(e)
    }
}

impl From<wasmtime::Error> for Fail {
    fn from(e: wasmtime::Error) -> Self {
        Fail::Wasm(e)
    }
}

/// The store data: a WASI context, and where the guest's `sink.write` goes. The library component uses none
/// of WASI, but Rust's standard library in it imports a few interfaces (stderr for a panic message).
struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
    out: Output,
}

/// Where a run's records go: the guest's `sink.write` and the host's own writes (records of lines lost to a
/// trap, `process-json` results) take turns on it, in order. Shared, as a restart after a trap makes a new
/// store; `Send`, as WASI's store data must be.
type Output = Arc<Mutex<dyn Write + Send>>;

/// The writer behind `out`. A panic while it was held ends the process, so a poisoned lock is taken as is.
fn lock(out: &Output) -> MutexGuard<'_, dyn Write + Send + 'static> {
    out.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An output that goes nowhere, for the commands that do not use the sink.
fn no_output() -> Output {
    Arc::new(Mutex::new(io::sink()))
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// The one wasmtime engine of the process; every command builds it with the same settings, so that what
/// `compile` writes, `enrich` and `run` can load.
fn engine() -> Result<Engine, Fail> {
    let mut config = wasmtime::Config::new();
    config.cranelift_opt_level(OptLevel::Speed);
    // A 32-bit memory lives in its 4 GiB reservation and never moves, so the compiled code may keep its base
    // in a register; and Cranelift may inline the small functions LLVM left as calls. Each cut the guest's
    // instructions by about 4% on the bench corpus (callgrind), for about a second more compilation.
    config.memory_may_move(false);
    config.compiler_inlining(wasmtime::Inlining::Yes);
    #[cfg(feature = "perfmap")]
    config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    Ok(Engine::new(&config)?)
}

/// The component at `path`, compiled once for the whole run, or loaded as `postfix-host compile` wrote it.
fn load(path: &Path) -> Result<(Engine, Component), Fail> {
    let engine = engine()?;
    let fault = |e: wasmtime::Error| Fail::Usage(format!("--component {}: {e}", path.display()));
    let bytes = std::fs::read(path)
        .map_err(|e| Fail::Usage(format!("--component {}: {e}", path.display())))?;
    let component = match Engine::detect_precompiled(&bytes) {
        // SAFETY: wasmtime runs the machine code of a precompiled file as it is, so the file must be one that
        // `postfix-host compile` wrote; wasmtime itself checks that it was made by this version with these
        // settings. Only a file whose header says so takes this path.
        Some(Precompiled::Component) => unsafe { Component::deserialize(&engine, &bytes) },
        _ => Component::new(&engine, &bytes),
    }
    .map_err(fault)?;
    Ok((engine, component))
}

/// `postfix-host compile`: compiles a component ahead of time, so that each run skips the compilation
/// (a third of a second for the library component).
fn compile(mut args: impl Iterator<Item = String>) -> Result<ExitCode, Fail> {
    let mut component = None;
    let mut output = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--component" => component = Some(PathBuf::from(value(&mut args, "--component")?)),
            "-o" | "--output" => output = Some(PathBuf::from(value(&mut args, "--output")?)),
            other => return Err(Fail::Usage(format!("{other}: unknown option (see --help)"))),
        }
    }
    let component = component.ok_or_else(|| Fail::Usage("--component PATH is required".into()))?;
    let output = output.ok_or_else(|| Fail::Usage("-o FILE is required".into()))?;
    let wasm = std::fs::read(&component)
        .map_err(|e| Fail::Usage(format!("--component {}: {e}", component.display())))?;
    let compiled = engine()?
        .precompile_component(&wasm)
        .map_err(|e| Fail::Usage(format!("--component {}: {e}", component.display())))?;
    std::fs::write(&output, compiled)?;
    Ok(ExitCode::SUCCESS)
}

fn linker(engine: &Engine) -> Result<Linker<Host>, Fail> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    // By hand rather than through `bindgen!`'s trait, whose `write` would take the bytes as a `Vec` copied out
    // of the guest: a `WasmList` is read where it lies.
    linker
        .root()
        .instance("postfix:enrich/sink@0.1.0")?
        .func_wrap(
            "write",
            |cx: StoreContextMut<'_, Host>, (ndjson,): (WasmList<u8>,)| {
                lock(&cx.data().out).write_all(ndjson.as_le_slice(&cx))?;
                Ok(())
            },
        )?;
    Ok(linker)
}

fn value(args: &mut impl Iterator<Item = String>, name: &str) -> Result<String, Fail> {
    args.next()
        .ok_or_else(|| Fail::Usage(format!("{name}: missing value")))
}

/// `postfix-host enrich`.
fn enrich(mut args: impl Iterator<Item = String>) -> Result<ExitCode, Fail> {
    let mut component = None;
    let mut config_path = None;
    let mut format = "cim".to_owned();
    let mut year = None;
    let mut timezone = None;
    let mut no_lines = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--component" => component = Some(PathBuf::from(value(&mut args, "--component")?)),
            "--config" => config_path = Some(value(&mut args, "--config")?),
            "--format" => format = value(&mut args, "--format")?,
            // The same checks and messages as the native command, so both refuse the same options.
            "--year" => {
                let v = value(&mut args, "--year")?;
                let y: i32 = v
                    .parse()
                    .map_err(|_| Fail::Usage(format!("--year {v}: not a year")))?;
                if !(1970..=9999).contains(&y) {
                    return Err(Fail::Usage(format!("--year {v}: out of range 1970-9999")));
                }
                year = Some(y);
            }
            "--timezone" => {
                let tz = value(&mut args, "--timezone")?;
                if postfix_enrich::time::parse_offset(&tz).is_none() {
                    return Err(Fail::Usage(format!(
                        "--timezone {tz}: not UTC or a fixed offset such as +02:00"
                    )));
                }
                timezone = Some(tz);
            }
            "--no-lines" => no_lines = true,
            other => return Err(Fail::Usage(format!("{other}: unknown option (see --help)"))),
        }
    }
    let component = component.ok_or_else(|| Fail::Usage("--component PATH is required".into()))?;
    let format_checked = Format::parse(&format).map_err(Fail::Usage)?;
    let config = match &config_path {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Fail::Usage(format!("--config {path}: {e}")))?,
        None => "{}".to_owned(),
    };
    let config = with_overrides(config, year, timezone);

    let (engine, component) = load(&component)?;
    let pre = EnricherPre::new(linker(&engine)?.instantiate_pre(&component)?)?;
    let setup = Setup {
        engine,
        pre,
        config,
        now: now_secs(),
        format,
        no_lines,
        out: Arc::new(Mutex::new(io::stdout())),
    };
    let guest = match setup.start()? {
        Ok(g) => g,
        Err(message) => {
            return Err(Fail::Usage(match &config_path {
                Some(path) => format!("--config {path}: {message}"),
                None => message,
            }))
        }
    };
    let mut stream = Stream {
        notes: NdjsonSink {
            buf: Vec::new(),
            format: format_checked,
            no_lines,
        },
        setup,
        guest,
        long: None,
    };
    stream.run(&mut io::stdin().lock())?;
    Ok(ExitCode::SUCCESS)
}

/// The configuration text with `--year`/`--timezone` set in it, as the native command sets them on its
/// parsed configuration. Text that is not a JSON object goes through unchanged: the guest names its fault.
fn with_overrides(text: String, year: Option<i32>, timezone: Option<String>) -> String {
    if year.is_none() && timezone.is_none() {
        return text;
    }
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(&text) else {
        return text;
    };
    if let Some(y) = year {
        map.insert("year".into(), y.into());
    }
    if let Some(tz) = timezone {
        map.insert("timezone".into(), tz.into());
    }
    serde_json::Value::Object(map).to_string()
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What it takes to start (and, after a trap, restart) the guest engine.
struct Setup {
    engine: Engine,
    pre: EnricherPre<Host>,
    config: String,
    now: i64,
    format: String,
    no_lines: bool,
    out: Output,
}

/// A live instance and the engine resource in it.
struct Guest {
    store: Store<Host>,
    api: Enricher,
    engine: ResourceAny,
}

impl Setup {
    /// A fresh store, instance and engine; the inner error is a configuration fault in the guest's words.
    fn start(&self) -> wasmtime::Result<Result<Guest, String>> {
        let host = Host {
            wasi: WasiCtxBuilder::new().inherit_stderr().build(),
            table: ResourceTable::new(),
            out: self.out.clone(),
        };
        let mut store = Store::new(&self.engine, host);
        let api = self.pre.instantiate(&mut store)?;
        let iface = api.postfix_enrich_enrich().engine();
        let engine = match iface.call_create(&mut store, &self.config, self.now)? {
            Ok(e) => e,
            Err(e) => return Ok(Err(e.message)),
        };
        if let Err(e) = iface.call_set_output(&mut store, engine, &self.format, self.no_lines)? {
            return Ok(Err(e.message));
        }
        Ok(Ok(Guest { store, api, engine }))
    }

    /// [`Setup::start`] after a trap, when the configuration is known to be good.
    fn restart(&self) -> wasmtime::Result<Guest> {
        self.start()?
            .map_err(|m| wasmtime::format_err!("restart refused the configuration: {m}"))
    }
}

impl Guest {
    fn process_json(&mut self, chunk: &[u8]) -> wasmtime::Result<Vec<u8>> {
        let iface = self.api.postfix_enrich_enrich().engine();
        iface.call_process_json(&mut self.store, self.engine, chunk)
    }

    /// `process-json-to-sink`: the records go to the store's output.
    fn process_json_to_sink(&mut self, chunk: &[u8]) -> wasmtime::Result<()> {
        let iface = self.api.postfix_enrich_enrich().engine();
        iface.call_process_json_to_sink(&mut self.store, self.engine, chunk)
    }

    /// `finish-json-to-sink`: the records go to the store's output.
    fn finish_json_to_sink(&mut self) -> wasmtime::Result<()> {
        let iface = self.api.postfix_enrich_enrich().engine();
        iface.call_finish_json_to_sink(&mut self.store, self.engine)
    }
}

/// A line longer than the guest keeps, forwarded before its end arrived.
struct LongLine {
    /// Its first [`MAX_LINE`] bytes: all the guest reads of it.
    head: Vec<u8>,
    /// Bytes forwarded so far.
    len: usize,
}

/// The stdin-to-stdout loop of `enrich`.
struct Stream {
    setup: Setup,
    guest: Guest,
    /// Writes the host's own line record for a line lost to a trap, as the guest would write a line record.
    notes: NdjsonSink,
    /// The line being forwarded in pieces, if any.
    long: Option<LongLine>,
}

impl Stream {
    /// Feeds `input` to the guest in chunks that end at a line boundary, so that the host always knows which
    /// lines a failed call held; a line too long to hold is forwarded in pieces.
    fn run(&mut self, input: &mut impl Read) -> Result<(), Fail> {
        // `buf[..filled]` holds what was read and not yet fed. The buffer is zeroed only when it grows, not
        // before every read.
        let mut buf: Vec<u8> = Vec::new();
        let mut filled = 0;
        loop {
            if buf.len() < filled + CHUNK {
                buf.resize(filled + CHUNK, 0);
            }
            let start = filled;
            let n = loop {
                match input.read(&mut buf[start..start + CHUNK]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            if n == 0 {
                break;
            }
            filled += n;
            if let Some(nl) = buf[start..filled].iter().rposition(|&b| b == b'\n') {
                let end = start + nl + 1;
                self.feed(&buf[..end])?;
                buf.copy_within(end..filled, 0);
                filled -= end;
            } else if filled > HOLD {
                self.feed_partial(&buf[..filled])?;
                filled = 0;
            }
        }
        buf.truncate(filled);
        // The last line needs no newline; giving it one frames it as the guest's `finish` would.
        if !buf.is_empty() || self.long.is_some() {
            buf.push(b'\n');
            self.feed(&buf)?;
        }
        if let Err(e) = self.guest.finish_json_to_sink() {
            let why = trap_of(e)?;
            eprintln!("postfix-host: the component trapped at the end of input ({why}): open messages were lost");
        }
        lock(&self.setup.out).flush()?;
        Ok(())
    }

    /// Feeds whole lines (`chunk` ends with a newline); on a trap, recovers them.
    fn feed(&mut self, chunk: &[u8]) -> Result<(), Fail> {
        match self.guest.process_json_to_sink(chunk) {
            Ok(()) => {
                self.long = None;
                Ok(())
            }
            Err(e) => {
                let why = trap_of(e)?;
                self.recover(chunk, &why)
            }
        }
    }

    /// Forwards the start of a line too long to hold; the guest keeps its first [`MAX_LINE`] bytes.
    fn feed_partial(&mut self, piece: &[u8]) -> Result<(), Fail> {
        let long = self.long.get_or_insert_with(|| LongLine {
            head: Vec::new(),
            len: 0,
        });
        let room = MAX_LINE - long.head.len();
        long.head.extend_from_slice(&piece[..room.min(piece.len())]);
        long.len += piece.len();
        // No line ends in `piece`, so the guest processes nothing and has nothing to trap on.
        let json = self.guest.process_json(piece)?;
        self.write(&json)?;
        Ok(())
    }

    /// After a trap on `chunk`: a new instance (the old one cannot be entered again), then the chunk's lines
    /// one by one, so that only the line that traps is lost from the guest. For that line the host writes a
    /// line record of its own that says so. The restart loses the messages the guest held open.
    fn recover(&mut self, chunk: &[u8], why: &str) -> Result<(), Fail> {
        eprintln!("postfix-host: the component trapped ({why}); restarting it and replaying the lines of the failed chunk");
        self.guest = self.setup.restart()?;
        let long = self.long.take();
        let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
        for (i, line) in body.split(|&b| b == b'\n').enumerate() {
            let replay = self.replay_line(line, if i == 0 { long.as_ref() } else { None });
            match replay {
                Ok(json) => self.write(&json)?,
                Err(e) => {
                    let why = trap_of(e)?;
                    match (i, &long) {
                        (0, Some(l)) => self.note(&[&l.head[..], line].concat(), &why)?,
                        _ => self.note(line, &why)?,
                    }
                    self.guest = self.setup.restart()?;
                }
            }
        }
        Ok(())
    }

    /// Feeds one line alone. A line that was forwarded in pieces is fed again as its head and the length of
    /// the rest: the guest reads no byte past [`MAX_LINE`] but counts them.
    fn replay_line(&mut self, line: &[u8], long: Option<&LongLine>) -> wasmtime::Result<Vec<u8>> {
        if let Some(l) = long {
            self.guest.process_json(&l.head)?;
            let mut rest = l.len - l.head.len();
            let filler = vec![b' '; CHUNK.min(rest)];
            while rest > 0 {
                let n = rest.min(filler.len());
                self.guest.process_json(&filler[..n])?;
                rest -= n;
            }
        }
        let mut one = Vec::with_capacity(line.len() + 1);
        one.extend_from_slice(line);
        one.push(b'\n');
        self.guest.process_json(&one)
    }

    /// The line record of a line lost to a trap: the keys of any line record, nothing parsed.
    fn note(&mut self, line: &[u8], why: &str) -> io::Result<()> {
        let line = &line[..line.len().min(MAX_LINE)];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let raw = String::from_utf8_lossy(line);
        let mut ev = LineEvent::new(&raw);
        ev.kind = UNKNOWN;
        ev.put_owned(
            Name::additional_info,
            format!("the postfix-enrich component trapped on this line ({why}) and was restarted; the messages it held open were lost"),
        );
        self.notes.line(&ev);
        self.write(&self.notes.buf)?;
        self.notes.buf.clear();
        Ok(())
    }

    /// Writes records the host holds (not the guest's `sink.write`) in their turn.
    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        lock(&self.setup.out).write_all(bytes)
    }
}

/// The trap behind a failed guest call, in one line; any other failure is the host's and ends the run (an
/// output error of `sink.write` as the same output error of a write of the host's own).
fn trap_of(e: wasmtime::Error) -> Result<String, Fail> {
    if let Some(t) = e.downcast_ref::<Trap>() {
        return Ok(t.to_string());
    }
    match e.downcast::<io::Error>() {
        Ok(io) => Err(Fail::Io(io)),
        Err(e) => Err(Fail::Wasm(e)),
    }
}

/// `postfix-host run`: the command component with inherited stdio, exiting with its exit status.
fn run(mut args: impl Iterator<Item = String>) -> Result<ExitCode, Fail> {
    let mut component = None;
    let mut dirs = Vec::new();
    let mut argv = vec!["postfix-enrich".to_owned()];
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--component" => component = Some(PathBuf::from(value(&mut args, "--component")?)),
            "--dir" => dirs.push(value(&mut args, "--dir")?),
            "--" => {
                argv.extend(args.by_ref());
            }
            other => return Err(Fail::Usage(format!("{other}: unknown option (see --help)"))),
        }
    }
    let component = component.ok_or_else(|| Fail::Usage("--component PATH is required".into()))?;
    let (engine, component) = load(&component)?;
    let mut wasi = WasiCtxBuilder::new();
    wasi.inherit_stdio().args(&argv);
    for dir in &dirs {
        wasi.preopened_dir(dir, dir, FsPerms::ReadWrite)
            .map_err(|e| Fail::Usage(format!("--dir {dir}: {e}")))?;
    }
    let mut store = Store::new(
        &engine,
        Host {
            wasi: wasi.build(),
            table: ResourceTable::new(),
            out: no_output(),
        },
    );
    let command = Command::instantiate(&mut store, &component, &linker(&engine)?)?;
    match command.wasi_cli_run().call_run(&mut store) {
        Ok(Ok(())) => Ok(ExitCode::SUCCESS),
        Ok(Err(())) => Ok(ExitCode::FAILURE),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(ExitCode::from(exit.0.clamp(0, 255) as u8)),
            None => Err(Fail::Wasm(e)),
        },
    }
}

/// `postfix-host events`: the typed interface, in batches of lines, summarised one line per event.
fn events(mut args: impl Iterator<Item = String>) -> Result<ExitCode, Fail> {
    use bindings::exports::postfix::enrich::enrich::Event;
    let mut component = None;
    let mut year = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--component" => component = Some(PathBuf::from(value(&mut args, "--component")?)),
            "--year" => {
                let v = value(&mut args, "--year")?;
                year = Some(
                    v.parse()
                        .map_err(|_| Fail::Usage(format!("--year {v}: not a year")))?,
                );
            }
            other => return Err(Fail::Usage(format!("{other}: unknown option (see --help)"))),
        }
    }
    let component = component.ok_or_else(|| Fail::Usage("--component PATH is required".into()))?;
    let (engine, component) = load(&component)?;
    let setup = Setup {
        pre: EnricherPre::new(linker(&engine)?.instantiate_pre(&component)?)?,
        engine,
        config: with_overrides("{}".into(), year, None),
        now: now_secs(),
        format: "cim".into(),
        no_lines: false,
        out: no_output(),
    };
    let mut guest = setup.start()?.map_err(Fail::Usage)?;
    let mut input = Vec::new();
    io::stdin().lock().read_to_end(&mut input)?;
    let body = input.strip_suffix(b"\n").unwrap_or(&input);
    // The lines as the guest's framing makes them: a CR before the newline dropped, the last needing none.
    let lines: Vec<Vec<u8>> = if input.is_empty() {
        Vec::new()
    } else {
        body.split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
            .collect()
    };
    let iface = guest.api.postfix_enrich_enrich().engine();
    let mut out = io::stdout().lock();
    let mut print = |events: Vec<Event>| -> io::Result<()> {
        for ev in events {
            match ev {
                Event::Line(l) => writeln!(
                    out,
                    "line {} {}",
                    l.postfix_kind,
                    l.queue_id.as_deref().unwrap_or("-")
                )?,
                Event::Message(m) => writeln!(
                    out,
                    "message {} {} {}",
                    m.queue_id,
                    m.recipients.len(),
                    m.complete
                )?,
            }
        }
        Ok(())
    };
    for batch in lines.chunks(1000) {
        print(iface.call_process_batch(&mut guest.store, guest.engine, batch)?)?;
    }
    print(iface.call_flush(&mut guest.store, guest.engine)?)?;
    Ok(ExitCode::SUCCESS)
}
