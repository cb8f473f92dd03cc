//! The filter processor: items for which any condition is true are dropped; resources and
//! scopes left empty go too, and a metric whose data points were all dropped. `resource`
//! conditions run first and drop a resource with everything under it.

use ottl_jit::exec::{Payload, visit};
use ottl_jit::interp::{CBool, ErrorMode, StatementError};
use ottl_jit::record::Record;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

use crate::config::FilterSettings;
use crate::signal::Signal;

/// Conditions with their text (for errors).
type Conditions = Vec<(String, CBool)>;

/// The compiled conditions of one filter processor.
#[derive(Debug)]
pub struct Filter {
    error_mode: ErrorMode,
    /// Per signal, `(context, conditions)` in the order they apply.
    lists: Vec<(Signal, ContextId, Conditions)>,
}

/// What a filter did to one payload.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Filtered {
    pub dropped: usize,
    /// Condition errors that `ignore` mode logs.
    pub warnings: Vec<StatementError>,
}

impl Filter {
    pub fn compile(s: &FilterSettings) -> Result<Filter, String> {
        let mut lists = Vec::new();
        for (signal, contexts) in &s.conditions {
            for (name, conditions) in contexts {
                let context = match name.as_str() {
                    "log_record" => ContextId::Log,
                    other => {
                        ContextId::from_name(other).ok_or_else(|| format!("unknown context `{other}`"))?
                    }
                };
                let env = Env { context, mode: PathMode::Unprefixed, component: Component::Filter };
                let compiled = conditions
                    .iter()
                    .map(|c| ottl_jit::exec::compile_condition(env, c).map(|b| (c.clone(), b)))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string())?;
                lists.push((*signal, context, compiled));
            }
        }
        Ok(Filter { error_mode: s.error_mode, lists })
    }

    /// Drops the matching items of `p`. Under `propagate` the first condition error fails the
    /// payload (and nothing is dropped by that condition list).
    pub fn apply(&self, p: &mut Payload) -> Result<Filtered, StatementError> {
        let signal = crate::signal::signal_of(p);
        let mut out = Filtered::default();
        for (sig, context, conditions) in &self.lists {
            if *sig != signal {
                continue;
            }
            let mut drop = Vec::new();
            let mut decide = |rec: &mut Record<'_>| {
                drop.push(self.matches(conditions, rec, &mut out.warnings)?);
                Ok(())
            };
            visit(p, *context, &mut decide)?;
            out.dropped += drop.iter().filter(|d| **d).count();
            remove(p, *context, &drop);
        }
        Ok(out)
    }

    /// Whether any condition is true (`or`-ed: the first true one wins).
    fn matches(
        &self,
        conditions: &[(String, CBool)],
        rec: &Record<'_>,
        warnings: &mut Vec<StatementError>,
    ) -> Result<bool, StatementError> {
        for (text, c) in conditions {
            match c.eval(rec) {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                Err(error) => {
                    let e = StatementError { statement: text.as_str().into(), error };
                    match self.error_mode {
                        ErrorMode::Propagate => return Err(e),
                        ErrorMode::Ignore => warnings.push(e),
                        ErrorMode::Silent => {}
                    }
                }
            }
        }
        Ok(false)
    }
}

/// Removes the items whose flag is set, in `visit` order, then empty scopes and resources.
pub fn remove(p: &mut Payload, context: ContextId, drop: &[bool]) {
    let mut flags = drop.iter().copied();
    let mut keep = || !flags.next().unwrap_or(false);
    if context == ContextId::Resource {
        match p {
            Payload::Logs(r) => r.resource_logs.retain(|_| keep()),
            Payload::Traces(r) => r.resource_spans.retain(|_| keep()),
            Payload::Metrics(r) => r.resource_metrics.retain(|_| keep()),
            Payload::Profiles(r) => r.resource_profiles.retain(|_| keep()),
        }
        return;
    }
    if context == ContextId::Scope {
        match p {
            Payload::Logs(r) => {
                r.resource_logs.iter_mut().for_each(|x| x.scope_logs.retain(|_| keep()));
                r.resource_logs.retain(|x| !x.scope_logs.is_empty());
            }
            Payload::Traces(r) => {
                r.resource_spans.iter_mut().for_each(|x| x.scope_spans.retain(|_| keep()));
                r.resource_spans.retain(|x| !x.scope_spans.is_empty());
            }
            Payload::Metrics(r) => {
                r.resource_metrics.iter_mut().for_each(|x| x.scope_metrics.retain(|_| keep()));
                r.resource_metrics.retain(|x| !x.scope_metrics.is_empty());
            }
            Payload::Profiles(r) => {
                r.resource_profiles.iter_mut().for_each(|x| x.scope_profiles.retain(|_| keep()));
                r.resource_profiles.retain(|x| !x.scope_profiles.is_empty());
            }
        }
        return;
    }
    match p {
        Payload::Logs(r) => {
            for rl in &mut r.resource_logs {
                for sl in &mut rl.scope_logs {
                    sl.log_records.retain(|_| keep());
                }
                rl.scope_logs.retain(|s| !s.log_records.is_empty());
            }
            r.resource_logs.retain(|r| !r.scope_logs.is_empty());
        }
        Payload::Traces(r) => {
            for rs in &mut r.resource_spans {
                for ss in &mut rs.scope_spans {
                    if context == ContextId::SpanEvent {
                        for span in &mut ss.spans {
                            span.events.retain(|_| keep());
                        }
                    } else {
                        ss.spans.retain(|_| keep());
                    }
                }
                rs.scope_spans.retain(|s| !s.spans.is_empty());
            }
            r.resource_spans.retain(|r| !r.scope_spans.is_empty());
        }
        Payload::Metrics(r) => {
            for rm in &mut r.resource_metrics {
                for sm in &mut rm.scope_metrics {
                    if context == ContextId::DataPoint {
                        let mut emptied = Vec::with_capacity(sm.metrics.len());
                        for m in &mut sm.metrics {
                            let had = ottl_jit::data_point_count(m);
                            retain_data_points(m, &mut keep);
                            emptied.push(had > 0 && ottl_jit::data_point_count(m) == 0);
                        }
                        let mut emptied = emptied.into_iter();
                        sm.metrics.retain(|_| !emptied.next().unwrap_or(false));
                    } else {
                        sm.metrics.retain(|_| keep());
                    }
                }
                rm.scope_metrics.retain(|s| !s.metrics.is_empty());
            }
            r.resource_metrics.retain(|r| !r.scope_metrics.is_empty());
        }
        Payload::Profiles(r) => {
            for rp in &mut r.resource_profiles {
                for sp in &mut rp.scope_profiles {
                    sp.profiles.retain(|_| keep());
                }
                rp.scope_profiles.retain(|s| !s.profiles.is_empty());
            }
            r.resource_profiles.retain(|r| !r.scope_profiles.is_empty());
        }
    }
}

fn retain_data_points(
    m: &mut opentelemetry_proto::tonic::metrics::v1::Metric,
    keep: &mut impl FnMut() -> bool,
) {
    use opentelemetry_proto::tonic::metrics::v1::metric::Data;
    match &mut m.data {
        Some(Data::Gauge(g)) => g.data_points.retain(|_| keep()),
        Some(Data::Sum(s)) => s.data_points.retain(|_| keep()),
        Some(Data::Histogram(h)) => h.data_points.retain(|_| keep()),
        Some(Data::ExponentialHistogram(e)) => e.data_points.retain(|_| keep()),
        Some(Data::Summary(s)) => s.data_points.retain(|_| keep()),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
    use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
    use opentelemetry_proto::tonic::profiles::v1development::{Profile, ResourceProfiles, ScopeProfiles};
    use opentelemetry_proto::tonic::resource::v1::Resource;

    use super::*;

    fn process(exe: &str, periods: &[i64]) -> ResourceProfiles {
        let attr = KeyValue {
            key: "process.executable.name".into(),
            value: Some(AnyValue { value: Some(any_value::Value::StringValue(exe.into())) }),
            ..KeyValue::default()
        };
        ResourceProfiles {
            resource: Some(Resource { attributes: vec![attr], ..Resource::default() }),
            scope_profiles: vec![ScopeProfiles {
                profiles: periods.iter().map(|&period| Profile { period, ..Profile::default() }).collect(),
                ..ScopeProfiles::default()
            }],
            ..ResourceProfiles::default()
        }
    }

    /// `profiles.resource` drops a process; `profiles.profile` drops profiles, and a resource
    /// left without any goes too.
    #[test]
    fn profiles_by_resource_and_profile() {
        let conditions = BTreeMap::from([(
            Signal::Profiles,
            vec![
                (
                    "resource".to_string(),
                    vec![r#"attributes["process.executable.name"] == "noisy""#.to_string()],
                ),
                ("profile".to_string(), vec!["period > 1000".to_string()]),
            ],
        )]);
        let filter =
            Filter::compile(&FilterSettings { error_mode: ErrorMode::Propagate, conditions }).unwrap();
        let mut p = Payload::Profiles(ExportProfilesServiceRequest {
            resource_profiles: vec![
                process("noisy", &[10]),
                process("app", &[10, 5000]),
                process("batch", &[5000]),
            ],
            dictionary: None,
        });
        let filtered = filter.apply(&mut p).unwrap();
        let Payload::Profiles(r) = p else { unreachable!() };
        let left: Vec<(String, Vec<i64>)> = r
            .resource_profiles
            .iter()
            .map(|rp| {
                let exe = rp.resource.as_ref().unwrap().attributes[0].value.as_ref().unwrap().value.clone();
                let Some(any_value::Value::StringValue(exe)) = exe else { panic!() };
                (exe, rp.scope_profiles.iter().flat_map(|s| &s.profiles).map(|p| p.period).collect())
            })
            .collect();
        assert_eq!(left, [("app".to_string(), vec![10])]);
        assert_eq!(filtered.dropped, 3, "one resource, then two profiles");
    }
}
