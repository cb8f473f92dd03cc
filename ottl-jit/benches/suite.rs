//! The workloads of `testdata/bench/suite.yaml` (the same `ottl bench --suite` runs) on every
//! backend. Compilation happens once, outside the measurement; each iteration runs the group on
//! a fresh copy of one generated record, decoded from its protobuf encoding as the runtime's
//! receivers decode requests (the copy is made in the setup, not measured).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ottl_jit::bench;
use ottl_jit::exec::{Backend, Hooks};
use ottl_types::context::ContextId;

const SUITE: &str = include_str!("../../testdata/bench/suite.yaml");

fn suite(c: &mut Criterion) {
    let workloads = bench::suite(SUITE).expect("the bench suite parses");
    for backend in Backend::ALL {
        let mut group = c.benchmark_group(backend.name());
        for w in &workloads {
            let context = ContextId::from_name(&w.context).expect("a known context");
            let program =
                bench::compile(context, &w.statements, backend).unwrap_or_else(|e| panic!("{}: {e}", w.name));
            let record = bench::record(&w.record).expect("a known record kind");
            let bytes = record.to_protobuf();
            group.bench_function(&w.name, |b| {
                b.iter_batched_ref(
                    || record.decode_like(&bytes).expect("the record decodes"),
                    |p| program.run(p, &mut Hooks::default()),
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }
}

criterion_group!(benches, suite);
criterion_main!(benches);
