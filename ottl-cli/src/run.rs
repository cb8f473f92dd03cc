//! `ottl run` (the embedded runtime) and `ottl loadgen` (its load generator).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use runtime::config::{Config, DEFAULT_CONFIG};
use runtime::loadgen;
use runtime::signal::Signal;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A Collector configuration (receivers, processors, exporters, connectors, service).
    /// Without it: OTLP gRPC and HTTP on loopback → batch → debug.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Load and compile everything, print the pipelines, and exit without listening.
    #[arg(long)]
    dry_run: bool,
    /// Feature gates to turn on (`id` or `+id`) or off (`-id`), comma-separated, as the
    /// Collector's flag: `transform.flatten.logs` allows the transform processor's
    /// `flatten_data`.
    #[arg(long, value_delimiter = ',')]
    feature_gates: Vec<String>,
    /// How long shutdown may take to drain and flush before what is left counts as lost.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    shutdown_timeout: Duration,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let nanos = ottl_jit::parse_duration(s)?;
    u64::try_from(nanos).map(Duration::from_nanos).map_err(|_| "a duration cannot be negative".to_string())
}

fn tokio() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start tokio: {e}"))
}

pub fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let gates = runtime::gates::FeatureGates::parse(&args.feature_gates)?;
    let loaded = match &args.config {
        Some(path) => Config::load_with(path, &gates),
        None => Config::parse_with(std::path::Path::new("<embedded default>"), DEFAULT_CONFIG, &gates),
    };
    let config = match loaded {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("error: the configuration has {} error(s); nothing was started", errors.0.len());
            return Ok(ExitCode::from(1));
        }
    };
    for w in &config.warnings {
        eprintln!("warning: {w}");
    }
    if args.dry_run {
        if let Err(e) = runtime::Compiled::new(&config) {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        print!("{}", runtime::describe(&config));
        println!("configuration OK: {}", config.file.display());
        return Ok(ExitCode::SUCCESS);
    }
    let rt = tokio()?;
    rt.block_on(async {
        let running = match runtime::start(&config).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(1));
            }
        };
        for ((id, protocol), addr) in &running.addresses {
            eprintln!("info\treceivers.{id}\tOTLP/{protocol} listening on {addr}");
        }
        if let Some(addr) = running.metrics_address {
            eprintln!("info\tservice.telemetry\tPrometheus metrics on http://{addr}/metrics");
        }
        wait_for_signal().await?;
        eprintln!("info\tservice\tshutting down: draining pipelines and flushing exporters");
        match running.shutdown(args.shutdown_timeout).await {
            Ok(()) => {
                eprintln!("info\tservice\tstopped");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(ExitCode::from(1))
            }
        }
    })
}

async fn wait_for_signal() -> Result<(), String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| format!("cannot handle SIGINT: {e}"))?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SignalArg {
    Logs,
    Traces,
    Metrics,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ProtocolArg {
    Grpc,
    Http,
}

#[derive(Debug, Args)]
pub struct LoadgenArgs {
    #[arg(long, value_enum, default_value = "logs")]
    signal: SignalArg,
    #[arg(long, value_enum, default_value = "grpc")]
    protocol: ProtocolArg,
    /// Where to send (default: the OTLP port of the protocol on loopback).
    #[arg(long)]
    endpoint: Option<String>,
    /// Items per second over all workers (default: as fast as the receiver answers).
    #[arg(long)]
    rate: Option<f64>,
    #[arg(long, default_value_t = 4)]
    workers: usize,
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Items per request.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Compress requests with gzip.
    #[arg(long)]
    gzip: bool,
    /// Instead of sending: measure bare protobuf decode+encode of the same requests on one core.
    #[arg(long)]
    baseline: bool,
}

pub fn loadgen_cmd(args: &LoadgenArgs) -> Result<ExitCode, String> {
    let signal = match args.signal {
        SignalArg::Logs => Signal::Logs,
        SignalArg::Traces => Signal::Traces,
        SignalArg::Metrics => Signal::Metrics,
    };
    if args.baseline {
        let rate = loadgen::codec_baseline(signal, args.batch, args.duration);
        println!(
            "protobuf decode+encode of {} ({} per request): {rate:.0} {}/s on one core",
            signal.name(),
            args.batch,
            signal.item_name()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (protocol, default) = match args.protocol {
        ProtocolArg::Grpc => (loadgen::Protocol::Grpc, "127.0.0.1:4317"),
        ProtocolArg::Http => (loadgen::Protocol::Http, "127.0.0.1:4318"),
    };
    let options = loadgen::Options {
        signal,
        protocol,
        endpoint: args.endpoint.clone().unwrap_or_else(|| default.to_string()),
        rate: args.rate,
        workers: args.workers,
        duration: args.duration,
        batch: args.batch,
        gzip: args.gzip,
    };
    let report = tokio()?.block_on(loadgen::run(&options))?;
    println!("{report}");
    Ok(if report.accepted_requests > 0 && report.failed_requests == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
