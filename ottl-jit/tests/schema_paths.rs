//! Every path of every context's schema runs on the interpreter: it compiles to a record field,
//! or it names a pdata list (which `Len` and `IsList` take), or it is one of the few listed
//! below with the reason. A path the checker accepts that no backend runs shows up here, not at
//! a user's first record.

use ottl_jit::record::{Field, PdataList};
use ottl_types::context::{self, ContextId};
use ottl_types::hir::PathRef;

fn walk(
    ctx: ContextId,
    prefix: &mut Vec<&'static context::Field>,
    fields: &'static [context::Field],
    missing: &mut Vec<String>,
) {
    for field in fields {
        prefix.push(field);
        let path = PathRef {
            context: ctx,
            fields: prefix.clone(),
            cache: false,
            keys: Vec::new(),
            kind: field.kind,
            settable: field.settable,
        };
        if Field::compile(&path).is_err() && PdataList::compile(&path).is_none() {
            let name: Vec<&str> = prefix.iter().map(|f| f.name).collect();
            missing.push(format!("{}.{}", ctx.name(), name.join(".")));
        }
        walk(ctx, prefix, field.children, missing);
        prefix.pop();
    }
}

/// The paths the interpreter refuses to compile (with a message naming the path), and why.
const NOT_RUN: &[(&str, &str)] = &[
    ("span.status", "a ptrace.Status, read and set through status.code and status.message"),
    (
        "datapoint.positive",
        "an exponential histogram's buckets, read and set through positive.offset and positive.bucket_counts",
    ),
    ("datapoint.negative", "the same, through negative.offset and negative.bucket_counts"),
    ("profile.sample_type", "a pprofile struct: no OTTL value, and no list Len or IsList takes"),
    ("profile.sample", "the same"),
    ("profile.period_type", "the same"),
    (
        "profile.mapping_table",
        "not in the Profile of the profiles proto this build reads (v1development of opentelemetry-proto 0.33 moved it to the dictionary)",
    ),
    ("profile.location_table", "the same"),
    ("profile.location_indices", "the same"),
    ("profile.function_table", "the same"),
    ("profile.attribute_table", "the same"),
    ("profile.attribute_units", "the same"),
    ("profile.link_table", "the same"),
    ("profile.string_table", "the same"),
    ("profile.comment_string_indices", "the same"),
    ("profile.default_sample_type_string_index", "the same"),
];

#[test]
fn every_schema_path_compiles() {
    let mut missing = Vec::new();
    let mut count = 0;
    for ctx in ContextId::ALL {
        count += ctx.fields().len();
        walk(ctx, &mut Vec::new(), ctx.fields(), &mut missing);
    }
    assert!(count > 50, "the schemas hold {count} top-level fields");
    let mut listed: Vec<&str> = NOT_RUN.iter().map(|(path, _)| *path).collect();
    listed.sort_unstable();
    missing.sort_unstable();
    assert_eq!(
        missing, listed,
        "the paths the interpreter cannot compile, against the list of those it should not"
    );
}
