//! Tests against the tables of `testdata/conformance/`: what Go, or upstream's own code, made of
//! many inputs, one row a line (`#` starts a comment line).

/// Runs `check` on every row of `table` and fails with every row it rejects, or when the table
/// has fewer than `min_rows` rows (a truncated table must not pass).
pub(crate) fn check_rows(table: &str, min_rows: usize, mut check: impl FnMut(&str) -> Result<(), String>) {
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        rows += 1;
        if let Err(e) = check(line) {
            failures.push(e);
        }
    }
    assert!(rows >= min_rows, "the table has {rows} rows, fewer than {min_rows}");
    assert!(failures.is_empty(), "{} of {rows} differ:\n{}", failures.len(), failures.join("\n"));
}

/// A row's tab-separated fields, exactly `N` of them.
pub(crate) fn fields<const N: usize>(line: &str) -> [&str; N] {
    let fields: Vec<&str> = line.splitn(N, '\t').collect();
    fields.try_into().unwrap_or_else(|_| panic!("{N} fields: {line:?}"))
}

/// A JSON field.
pub(crate) fn json<T: serde::de::DeserializeOwned>(field: &str) -> T {
    serde_json::from_str(field).unwrap_or_else(|e| panic!("JSON {field:?}: {e}"))
}

/// A small deterministic generator for the panic tests: each call gives the next number.
pub(crate) fn numbers(mut seed: u64) -> impl FnMut() -> usize {
    move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap_or(0)
    }
}
