//! Path resolution: which context's data a path reads, which field, its kind and settability,
//! with upstream's rules for context prefixes and `cache`.

use ottl_syntax::ast::{Field as PathField, Ident, Path};
use ottl_syntax::{Diagnostic, TextRange};

use crate::context::{ContextId, Field, Keys, Settable};
use crate::diagnostics;
use crate::kind::Kind;

/// Whether paths must start with a context name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathMode {
    /// Upstream's parsers without `EnablePathContextNames`: a leading context name is optional.
    Unprefixed,
    /// With `EnablePathContextNames` (inferred contexts): required.
    ContextNamesRequired,
    /// A group with `context:` in the transform processor: a path whose first segment is not a
    /// valid prefix gets `<context>.` inserted before it, then names are required. (So below the
    /// scope `scope.name` becomes `span.scope.name`, an unknown path, as upstream.)
    InsertedPrefix,
}

/// A path bound to a context's schema.
#[derive(Clone, Debug)]
pub struct ResolvedPath {
    /// The context whose data the path reads (`resource` for `resource.attributes`).
    pub context: ContextId,
    /// The schema fields along the path; empty for `cache`.
    pub fields: Vec<&'static Field>,
    pub cache: bool,
    /// Whether the last segment has keys (then the value is an element, of any kind).
    pub keyed: bool,
    pub kind: Kind,
    pub settable: Settable,
}

/// Resolves `path` in context `ctx`.
pub fn resolve(ctx: ContextId, mode: PathMode, path: &Path) -> Result<ResolvedPath, Diagnostic> {
    // Upstream's grammar splits off the first segment as the "context" when a `.` follows; the
    // unprefixed parsers glue it back, so work on the full list of segments.
    let context_field;
    let mut segments: Vec<&PathField> = Vec::with_capacity(path.fields.len() + 1);
    if let Some(c) = &path.context {
        context_field = PathField { name: c.clone(), keys: Vec::new(), range: c.range };
        segments.push(&context_field);
    }
    segments.extend(path.fields.iter());

    let (target, rest) = match mode {
        PathMode::Unprefixed => match ContextId::from_name(&segments[0].name.name) {
            Some(named) if ctx.reachable().contains(&segments[0].name.name.as_str()) => {
                if segments.len() == 1 {
                    return Err(diagnostics::context_without_field(&segments[0].name, path.range));
                }
                (named, &segments[1..])
            }
            _ => (ctx, &segments[..]),
        },
        PathMode::InsertedPrefix
            if path.context.as_ref().is_none_or(|c| !ctx.prefixes().contains(&c.name.as_str())) =>
        {
            (ctx, &segments[..])
        }
        PathMode::ContextNamesRequired | PathMode::InsertedPrefix => {
            let Some(prefix) = &path.context else {
                return Err(diagnostics::missing_context_name(ctx, path));
            };
            if !ctx.prefixes().contains(&prefix.name.as_str()) {
                return Err(diagnostics::invalid_context_prefix(ctx, prefix));
            }
            let named = ContextId::from_name(&prefix.name).expect("prefixes are context names");
            (named, &segments[1..])
        }
    };

    if rest[0].name.name == "cache" {
        if target != ctx {
            return Err(diagnostics::foreign_cache(ctx, target, path.range));
        }
        if let Some(extra) = rest.get(1) {
            return Err(diagnostics::unused_segment(&extra.name, "cache"));
        }
        let keyed = !rest[0].keys.is_empty();
        let kind = if keyed { Kind::Any } else { Kind::Map };
        return Ok(ResolvedPath {
            context: target,
            fields: Vec::new(),
            cache: true,
            keyed,
            kind,
            settable: Settable::Yes,
        });
    }

    let mut fields: Vec<&'static Field> = Vec::new();
    let mut schema = target.fields();
    for (i, seg) in rest.iter().enumerate() {
        let Some(field) = schema.iter().find(|f| f.name == seg.name.name) else {
            return Err(match fields.last() {
                Some(parent) if schema.is_empty() => diagnostics::unused_segment(&seg.name, parent.name),
                _ => diagnostics::unknown_field(target, &seg.name, schema),
            });
        };
        let last = i + 1 == rest.len();
        check_keys(field, seg, last)?;
        fields.push(field);
        schema = field.children;
    }
    let leaf = *fields.last().expect("at least one segment");
    let keyed = !rest.last().expect("nonempty").keys.is_empty();
    let kind = if keyed { if leaf.keys == Keys::One { Kind::String } else { Kind::Any } } else { leaf.kind };
    Ok(ResolvedPath { context: target, fields, cache: false, keyed, kind, settable: leaf.settable })
}

fn check_keys(field: &Field, seg: &PathField, last: bool) -> Result<(), Diagnostic> {
    let Some(first) = seg.keys.first() else { return Ok(()) };
    let all = first.range.cover(seg.keys.last().expect("nonempty").range);
    match field.keys {
        // A segment with keys followed by more segments: upstream reads the sub-field and leaves
        // the keys unused (`body["a"].string`).
        _ if !last => Err(diagnostics::unused_keys(&seg.name, all, "keys are only read on the last segment")),
        Keys::None => Err(diagnostics::unused_keys(&seg.name, all, "this field takes no keys")),
        Keys::One if seg.keys.len() > 1 => {
            let extra = seg.keys[1].range.cover(seg.keys.last().expect("nonempty").range);
            Err(diagnostics::unused_keys(&seg.name, extra, "this field takes exactly one key"))
        }
        Keys::One | Keys::Any => Ok(()),
    }
}

/// The range of a path's first segment (for diagnostics that point at the prefix).
pub fn head_range(path: &Path) -> TextRange {
    path.context.as_ref().map_or_else(|| path.fields[0].name.range, |c: &Ident| c.range)
}
