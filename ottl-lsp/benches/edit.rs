//! What the server does per keystroke on a large configuration: a Collector YAML file with 500
//! statements is re-analysed after a one-character edit (diagnostics), and completion is asked
//! in it. `cargo bench -p ottl-lsp --bench edit`.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ottl_lsp::analysis::{Analysis, Kind};

fn config(statements: usize, edit: usize) -> String {
    let mut text = String::from(
        "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n",
    );
    for i in 0..statements {
        let key = if i == edit { "y" } else { "x" };
        let _ = writeln!(
            text,
            "          - set(attributes[\"{key}{i}\"], Concat([body, attributes[\"k{i}\"]], \"-\")) where severity_number >= SEVERITY_NUMBER_INFO"
        );
    }
    text
}

fn edit(c: &mut Criterion) {
    let texts: Vec<String> = (0..16).map(|e| config(500, e)).collect();
    let mut i = 0;
    c.bench_function("diagnostics of 500 YAML statements after an edit", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            black_box(Analysis::new(Kind::Yaml, &texts[i]).diagnostics.len())
        });
    });
    let analysis = Analysis::new(Kind::Yaml, &texts[0]);
    let offset = texts[0].find("Concat").expect("a call") as u32 + 3;
    c.bench_function("completion in a 500-statement YAML file", |b| {
        b.iter(|| black_box(analysis.complete(black_box(offset)).map(|(_, c)| c.len())));
    });
}

criterion_group!(benches, edit);
criterion_main!(benches);
