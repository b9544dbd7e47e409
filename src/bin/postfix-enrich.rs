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
  --no-lines         print only message records";

struct Args {
    config: Option<String>,
    format: Format,
    year: Option<i32>,
    timezone: Option<String>,
    no_lines: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        config: None,
        format: Format::Cim,
        year: None,
        timezone: None,
        no_lines: false,
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
        buf: String::with_capacity(1 << 20),
        format: args.format,
        no_lines: args.no_lines,
    };
    match run(&mut engine, &mut sink) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed stdout (a pipe into `head`) ends the run quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("postfix-enrich: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(engine: &mut Engine, sink: &mut NdjsonSink) -> io::Result<()> {
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut chunk = vec![0u8; 256 << 10];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        engine.process_chunk(&chunk[..n], sink);
        if sink.buf.len() >= 1 << 20 {
            stdout.write_all(sink.buf.as_bytes())?;
            sink.buf.clear();
        }
    }
    engine.finish(sink);
    engine.flush(sink);
    stdout.write_all(sink.buf.as_bytes())?;
    stdout.flush()
}
