//! `postfix-enrich`: Postfix log lines on stdin, NDJSON records on stdout.
//!
//! The same source builds the native command and the WASI command component; see `--help`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use postfix_enrich::{Config, Engine, Format, NdjsonSink};

const USAGE: &str = "usage: postfix-enrich [--config FILE] [--format cim] [--year YYYY] [--timezone ZONE] [--no-lines]
  Reads Postfix log lines on stdin and writes one NDJSON line record per input line, plus message records.
  --config FILE      JSON configuration (output.md); without it the embedded defaults apply
  --format NAME      field names of the output: cim (default)
  --year YYYY        year of year-less (RFC 3164) time stamps at the start of the input (default: this year)
  --timezone ZONE    zone of year-less time stamps: UTC (default) or an offset such as +02:00
  --no-lines         print only message records
  --state FILE       load the state (open messages) from FILE if it exists, write it back at the end;
                     open messages then stay in the state instead of being printed incomplete
  --checkpoint-every N  also write the state every N input lines
  --flush            at the end, print open messages (complete: false) even with --state";

struct Args {
    config: Option<String>,
    format: Format,
    year: Option<i32>,
    timezone: Option<String>,
    no_lines: bool,
    state: Option<String>,
    checkpoint_every: Option<u64>,
    flush: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        config: None,
        format: Format::Cim,
        year: None,
        timezone: None,
        no_lines: false,
        state: None,
        checkpoint_every: None,
        flush: false,
    };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name}: missing value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--config" => a.config = Some(value("--config")?),
            "--format" => a.format = Format::parse(&value("--format")?)?,
            "--year" => {
                let v = value("--year")?;
                let y: i32 = v.parse().map_err(|_| format!("--year {v}: not a year"))?;
                if !(1970..=9999).contains(&y) {
                    return Err(format!("--year {v}: out of range 1970-9999"));
                }
                a.year = Some(y);
            }
            "--timezone" => a.timezone = Some(value("--timezone")?),
            "--no-lines" => a.no_lines = true,
            "--rules" => {
                return Err("--rules: the rule catalogue comes with the detection content; not in this build yet".into())
            }
            "--flush" => a.flush = true,
            "--state" => a.state = Some(value("--state")?),
            "--checkpoint-every" => {
                let v = value("--checkpoint-every")?;
                match v.parse::<u64>() {
                    Ok(n) if n > 0 => a.checkpoint_every = Some(n),
                    _ => {
                        return Err(format!(
                            "--checkpoint-every {v}: not a positive number of lines"
                        ))
                    }
                }
            }
            other => return Err(format!("{other}: unknown option (see --help)")),
        }
    }
    Ok(Some(a))
}

fn load_config(a: &Args) -> Result<Config, String> {
    let mut config = match &a.config {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("--config {path}: {e}"))?;
            Config::from_json(&text).map_err(|e| format!("--config {path}: {e}"))?
        }
        None => Config::default(),
    };
    if a.year.is_some() {
        config.year = a.year;
    }
    if let Some(tz) = &a.timezone {
        if postfix_enrich::time::parse_offset(tz).is_none() {
            return Err(format!(
                "--timezone {tz}: not UTC or a fixed offset such as +02:00"
            ));
        }
        config.timezone = Some(tz.clone());
    }
    Ok(config)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("postfix-enrich: {e}");
            return postfix_enrich::fault_exit_code();
        }
    };
    let engine =
        load_config(&args).and_then(|c| Engine::new(c, now_secs()).map_err(|e| e.to_string()));
    let mut engine = match engine {
        Ok(e) => e,
        Err(e) => {
            eprintln!("postfix-enrich: {e}");
            return postfix_enrich::fault_exit_code();
        }
    };
    let mut sink = NdjsonSink {
        buf: Vec::with_capacity(1 << 20),
        format: args.format,
        no_lines: args.no_lines,
    };
    if let Some(path) = &args.state {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Err(e) = engine.import_state(&text) {
                    eprintln!("postfix-enrich: --state {path}: {e}");
                    return ExitCode::from(2);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                eprintln!("postfix-enrich: --state {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let result = run(&mut engine, &mut sink, &args);
    // The process ends here: freeing the engine's tables piece by piece would only cost time.
    std::mem::forget(engine);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed stdout (a pipe into `head`) ends the run quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("postfix-enrich: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(engine: &mut Engine, sink: &mut NdjsonSink, args: &Args) -> io::Result<()> {
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut chunk = vec![0u8; 256 << 10];
    let mut since_checkpoint = 0u64;
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let data = &chunk[..n];
        match (&args.state, args.checkpoint_every) {
            (Some(path), Some(every)) => {
                // Checkpoints fall on line boundaries, after the records of those lines are written.
                let mut rest = data;
                while !rest.is_empty() {
                    let want = (every - since_checkpoint) as usize;
                    let cut = nth_newline(rest, want);
                    let (head, tail) = rest.split_at(cut.map_or(rest.len(), |i| i + 1));
                    engine.process_chunk(head, sink);
                    rest = tail;
                    since_checkpoint += head.iter().filter(|&&b| b == b'\n').count() as u64;
                    if since_checkpoint >= every {
                        stdout.write_all(&sink.buf)?;
                        sink.buf.clear();
                        stdout.flush()?;
                        save_state(path, engine)?;
                        since_checkpoint = 0;
                    }
                }
            }
            _ => engine.process_chunk(data, sink),
        }
        if sink.buf.len() >= 1 << 20 {
            stdout.write_all(&sink.buf)?;
            sink.buf.clear();
        }
    }
    engine.finish(sink);
    if args.state.is_none() || args.flush {
        engine.flush(sink);
    }
    stdout.write_all(&sink.buf)?;
    stdout.flush()?;
    if let Some(path) = &args.state {
        save_state(path, engine)?;
    }
    Ok(())
}

/// Offset of the `n`-th newline (1-based) in `data`.
fn nth_newline(data: &[u8], n: usize) -> Option<usize> {
    data.iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
}

/// Writes the state atomically: a temporary file beside it, then a rename.
fn save_state(path: &str, engine: &Engine) -> io::Result<()> {
    let tmp = format!("{path}.tmp");
    std::fs::write(&tmp, engine.export_state())?;
    std::fs::rename(&tmp, path)
}
