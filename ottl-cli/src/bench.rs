//! `ottl bench`: nanoseconds per record for each backend, and each backend's speed-up over the
//! interpreter.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ottl_jit::bench::{self, Workload};
use ottl_jit::exec::{Backend, Payload};
use ottl_types::context::ContextId;

/// The built-in suite (`testdata/bench/suite.yaml`), so `--suite` works from any directory.
const SUITE: &str = include_str!("../../testdata/bench/suite.yaml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchBackend {
    All,
    Interp,
    Jit,
    Wasm,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["file", "suite"]))]
pub struct BenchArgs {
    /// Which backends to measure (`all`: each, with its ratio to the interpreter).
    #[arg(long, value_enum, default_value = "all")]
    backend: BenchBackend,
    /// The context of the `-f` statements.
    #[arg(long)]
    context: Option<String>,
    /// A `.ottl` file of statements to measure (one group).
    #[arg(short = 'f', long = "file")]
    file: Option<PathBuf>,
    /// Measure the built-in suite of typical statements on generated records.
    #[arg(long)]
    suite: bool,
    /// An OTLP/JSON request whose first record is copied (default: a generated record).
    #[arg(long)]
    input: Option<PathBuf>,
    /// How many copies of the record one run processes.
    #[arg(long, default_value_t = 10_000)]
    records: usize,
    /// How many runs the median is taken over.
    #[arg(long, default_value_t = 7)]
    runs: usize,
}

pub fn run(args: &BenchArgs) -> Result<ExitCode, String> {
    let workloads = if args.suite {
        bench::suite(SUITE)?
    } else {
        let path = args.file.as_ref().ok_or("give `-f FILE` or `--suite`")?;
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let context = args.context.clone().ok_or("`-f` needs `--context`")?;
        let record = default_record(&context)?.to_string();
        let statements = ottl_syntax::source::split(&text).snippets().map(|s| s.text.clone()).collect();
        vec![Workload { name: path.display().to_string(), context, record, statements }]
    };
    let backends: &[Backend] = match args.backend {
        BenchBackend::All => &Backend::ALL,
        BenchBackend::Interp => &[Backend::Interp],
        BenchBackend::Jit => &[Backend::Jit],
        BenchBackend::Wasm => &[Backend::Wasm],
    };
    let given = match &args.input {
        Some(p) => Some(Payload::from_json(
            &std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        )?),
        None => None,
    };
    print!("{:<20}", "workload");
    for b in backends {
        print!("{:>14}", format!("{} ns/rec", b.name()));
    }
    for b in backends.iter().skip_while(|b| **b != Backend::Interp).skip(1) {
        print!("{:>14}", format!("{}/interp", b.name()));
    }
    println!();
    let mut speedups: Vec<Vec<f64>> = vec![Vec::new(); backends.len()];
    for w in &workloads {
        let context = ContextId::from_name(&w.context)
            .ok_or_else(|| format!("{}: unknown context `{}`", w.name, w.context))?;
        let one = match &given {
            Some(p) => p.clone(),
            None => bench::record(&w.record)?,
        };
        let input = bench::replicate(&one, args.records.max(1))?;
        let programs = backends
            .iter()
            .map(|b| bench::compile(context, &w.statements, *b).map_err(|e| format!("{}: {e}", w.name)))
            .collect::<Result<Vec<_>, _>>()?;
        let programs: Vec<_> = programs.iter().collect();
        // Interleaved runs, so that drift in the machine's speed weighs on every backend alike.
        let times: Vec<f64> =
            bench::measure_each(&programs, &input, args.runs).iter().map(|t| t.as_secs_f64() * 1e9).collect();
        print!("{:<20}", w.name);
        for t in &times {
            print!("{t:>14.1}");
        }
        if let Some(i) = backends.iter().position(|b| *b == Backend::Interp) {
            for (j, t) in times.iter().enumerate().skip(i + 1) {
                let ratio = times[i] / t;
                speedups[j].push(ratio);
                print!("{ratio:>13.2}x");
            }
        }
        println!();
    }
    if workloads.len() > 1 && speedups.iter().any(|s| !s.is_empty()) {
        print!("{:<20}", "geometric mean");
        print!("{:>1$}", "", 14 * backends.len());
        for s in speedups.iter().filter(|s| !s.is_empty()) {
            #[allow(clippy::cast_precision_loss)] // a handful of workloads
            let mean = (s.iter().map(|r| r.ln()).sum::<f64>() / s.len() as f64).exp();
            print!("{mean:>13.2}x");
        }
        println!();
    }
    Ok(ExitCode::SUCCESS)
}

/// The generated record a context's statements run on when no `--input` is given.
fn default_record(context: &str) -> Result<&'static str, String> {
    Ok(match context {
        "log" | "resource" | "scope" | "instrumentation_scope" => "log",
        "span" | "spanevent" => "span",
        "metric" | "datapoint" => "metric",
        other => return Err(format!("no generated record for the `{other}` context: give `--input`")),
    })
}
