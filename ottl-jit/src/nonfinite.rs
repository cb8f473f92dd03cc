//! NaN and the infinities in OTLP/JSON. The protobuf JSON mapping writes a double that is not
//! finite as the string `"NaN"`, `"Infinity"` or `"-Infinity"` (as the Collector's JSON
//! marshaler does), but `serde_json` values cannot hold such numbers and the generated OTLP types
//! read them only for summary quantiles. So reading takes them out of the JSON tree, by JSON
//! pointer, before the typed decoding and puts them back into the typed payload after it; writing
//! patches the typed payload's non-finite doubles into the JSON tree by pointer.
//!
//! One walker, written once for shared and once for exclusive references, names every double
//! field of the four signals by the pointer OTLP/JSON gives it.

use std::collections::HashMap;
use std::fmt::Write as _;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{exemplar, metric, number_data_point};

use crate::exec::Payload;

/// The object keys whose values are doubles somewhere in OTLP/JSON (elements of
/// `explicitBounds` too); only string values under them are read as special doubles. (Summary
/// quantiles are left out: the generated types read their special strings themselves.)
const DOUBLE_KEYS: [&str; 7] =
    ["doubleValue", "asDouble", "sum", "min", "max", "zeroThreshold", "explicitBounds"];

/// The double a special OTLP/JSON string stands for.
fn special(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// The OTLP/JSON string of a double that is not finite.
fn name(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("NaN")
    } else if x.is_infinite() {
        Some(if x > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        None
    }
}

/// Special doubles taken out of a JSON tree, by pointer.
#[derive(Debug, Default)]
pub(crate) struct Taken(HashMap<String, f64>);

impl Taken {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Replaces every special double string under a double key with `0` and remembers it.
pub(crate) fn take(v: &mut serde_json::Value) -> Taken {
    fn walk(v: &mut serde_json::Value, at: &mut String, double: bool, taken: &mut Taken) {
        match v {
            serde_json::Value::String(text) if double => {
                if let Some(x) = special(text) {
                    taken.0.insert(at.clone(), x);
                    *v = serde_json::Value::from(0);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let len = at.len();
                    at.push('/');
                    pointer_token(at, key);
                    walk(value, at, DOUBLE_KEYS.contains(&key.as_str()), taken);
                    at.truncate(len);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = at.len();
                    let _ = write!(at, "/{i}");
                    walk(item, at, double, taken);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut taken = Taken::default();
    walk(v, &mut String::new(), false, &mut taken);
    taken
}

/// Appends a key to a JSON pointer, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
fn pointer_token(at: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => at.push_str("~0"),
            '/' => at.push_str("~1"),
            c => at.push(c),
        }
    }
}

/// Puts the taken doubles into the decoded payload; a special string that was not in a double
/// field is an error.
pub(crate) fn put(payload: &mut Payload, mut taken: Taken) -> Result<(), String> {
    if taken.is_empty() {
        return Ok(());
    }
    each_mut(payload, &mut |at, x| {
        if let Some(v) = taken.0.remove(at) {
            *x = v;
        }
    });
    match taken.0.keys().min() {
        None => Ok(()),
        Some(at) => Err(format!("{at}: a string where no double is expected")),
    }
}

/// Writes the payload's non-finite doubles into its JSON tree as their OTLP/JSON strings.
pub(crate) fn patch(payload: &Payload, v: &mut serde_json::Value) {
    each(payload, &mut |at, x| {
        if let (Some(text), Some(slot)) = (name(*x), v.pointer_mut(at)) {
            *slot = serde_json::Value::String(text.into());
        }
    });
}

/// Generates a walker over the double fields of a payload, for `&` or `&mut` references.
macro_rules! walker {
    ($walk:ident, $each:ident, $($m:tt)?) => {
        struct $walk<'f> {
            at: String,
            f: &'f mut dyn FnMut(&str, &$($m)? f64),
        }

        impl $walk<'_> {
            fn field(&mut self, name: &str, g: impl FnOnce(&mut Self)) {
                let len = self.at.len();
                self.at.push('/');
                self.at.push_str(name);
                g(self);
                self.at.truncate(len);
            }

            fn list<T>(&mut self, name: &str, items: &$($m)? [T], mut g: impl FnMut(&mut Self, &$($m)? T)) {
                self.field(name, |w| {
                    for (i, item) in items.into_iter().enumerate() {
                        let len = w.at.len();
                        let _ = write!(w.at, "/{i}");
                        g(w, item);
                        w.at.truncate(len);
                    }
                });
            }

            fn double(&mut self, name: &str, x: &$($m)? f64) {
                self.field(name, |w| (w.f)(&w.at, x));
            }

            fn optional(&mut self, name: &str, x: Option<&$($m)? f64>) {
                if let Some(x) = x {
                    self.double(name, x);
                }
            }

            fn attributes(&mut self, name: &str, kvs: &$($m)? [KeyValue]) {
                self.list(name, kvs, |w, kv| {
                    if let Some(v) = &$($m)? kv.value {
                        w.field("value", |w| w.any(v));
                    }
                });
            }

            fn any(&mut self, v: &$($m)? AnyValue) {
                match &$($m)? v.value {
                    Some(any_value::Value::DoubleValue(x)) => self.double("doubleValue", x),
                    Some(any_value::Value::ArrayValue(a)) => {
                        self.field("arrayValue", |w| w.list("values", &$($m)? a.values, |w, v| w.any(v)));
                    }
                    Some(any_value::Value::KvlistValue(l)) => {
                        self.field("kvlistValue", |w| w.attributes("values", &$($m)? l.values));
                    }
                    _ => {}
                }
            }

            fn resource(&mut self, r: Option<&$($m)? opentelemetry_proto::tonic::resource::v1::Resource>) {
                if let Some(r) = r {
                    self.field("resource", |w| w.attributes("attributes", &$($m)? r.attributes));
                }
            }

            fn scope(&mut self, s: Option<&$($m)? opentelemetry_proto::tonic::common::v1::InstrumentationScope>) {
                if let Some(s) = s {
                    self.field("scope", |w| w.attributes("attributes", &$($m)? s.attributes));
                }
            }

            fn exemplars(&mut self, items: &$($m)? [opentelemetry_proto::tonic::metrics::v1::Exemplar]) {
                self.list("exemplars", items, |w, e| {
                    w.attributes("filteredAttributes", &$($m)? e.filtered_attributes);
                    if let Some(exemplar::Value::AsDouble(x)) = &$($m)? e.value {
                        w.double("asDouble", x);
                    }
                });
            }

            fn numbers(&mut self, points: &$($m)? [opentelemetry_proto::tonic::metrics::v1::NumberDataPoint]) {
                self.list("dataPoints", points, |w, p| {
                    w.attributes("attributes", &$($m)? p.attributes);
                    if let Some(number_data_point::Value::AsDouble(x)) = &$($m)? p.value {
                        w.double("asDouble", x);
                    }
                    w.exemplars(&$($m)? p.exemplars);
                });
            }

            fn metric(&mut self, m: &$($m)? opentelemetry_proto::tonic::metrics::v1::Metric) {
                self.attributes("metadata", &$($m)? m.metadata);
                match &$($m)? m.data {
                    Some(metric::Data::Gauge(g)) => self.field("gauge", |w| w.numbers(&$($m)? g.data_points)),
                    Some(metric::Data::Sum(s)) => self.field("sum", |w| w.numbers(&$($m)? s.data_points)),
                    Some(metric::Data::Histogram(h)) => self.field("histogram", |w| {
                        w.list("dataPoints", &$($m)? h.data_points, |w, p| {
                            w.attributes("attributes", &$($m)? p.attributes);
                            w.optional("sum", Option::from(&$($m)? p.sum));
                            w.list("explicitBounds", &$($m)? p.explicit_bounds, |w, x| (w.f)(&w.at, x));
                            w.exemplars(&$($m)? p.exemplars);
                            w.optional("min", Option::from(&$($m)? p.min));
                            w.optional("max", Option::from(&$($m)? p.max));
                        });
                    }),
                    Some(metric::Data::ExponentialHistogram(h)) => self.field("exponentialHistogram", |w| {
                        w.list("dataPoints", &$($m)? h.data_points, |w, p| {
                            w.attributes("attributes", &$($m)? p.attributes);
                            w.optional("sum", Option::from(&$($m)? p.sum));
                            w.exemplars(&$($m)? p.exemplars);
                            w.optional("min", Option::from(&$($m)? p.min));
                            w.optional("max", Option::from(&$($m)? p.max));
                            w.double("zeroThreshold", &$($m)? p.zero_threshold);
                        });
                    }),
                    Some(metric::Data::Summary(s)) => self.field("summary", |w| {
                        w.list("dataPoints", &$($m)? s.data_points, |w, p| {
                            w.attributes("attributes", &$($m)? p.attributes);
                            w.double("sum", &$($m)? p.sum);
                            w.list("quantileValues", &$($m)? p.quantile_values, |w, q| {
                                w.double("quantile", &$($m)? q.quantile);
                                w.double("value", &$($m)? q.value);
                            });
                        });
                    }),
                    None => {}
                }
            }
        }

        /// Calls `f` with the OTLP/JSON pointer of every double field of the payload.
        fn $each(payload: &$($m)? Payload, f: &mut dyn FnMut(&str, &$($m)? f64)) {
            let mut w = $walk { at: String::new(), f };
            match payload {
                Payload::Logs(r) => w.list("resourceLogs", &$($m)? r.resource_logs, |w, rl| {
                    w.resource(Option::from(&$($m)? rl.resource));
                    w.list("scopeLogs", &$($m)? rl.scope_logs, |w, sl| {
                        w.scope(Option::from(&$($m)? sl.scope));
                        w.list("logRecords", &$($m)? sl.log_records, |w, lr| {
                            if let Some(body) = &$($m)? lr.body {
                                w.field("body", |w| w.any(body));
                            }
                            w.attributes("attributes", &$($m)? lr.attributes);
                        });
                    });
                }),
                Payload::Traces(r) => w.list("resourceSpans", &$($m)? r.resource_spans, |w, rs| {
                    w.resource(Option::from(&$($m)? rs.resource));
                    w.list("scopeSpans", &$($m)? rs.scope_spans, |w, ss| {
                        w.scope(Option::from(&$($m)? ss.scope));
                        w.list("spans", &$($m)? ss.spans, |w, s| {
                            w.attributes("attributes", &$($m)? s.attributes);
                            w.list("events", &$($m)? s.events, |w, e| w.attributes("attributes", &$($m)? e.attributes));
                            w.list("links", &$($m)? s.links, |w, l| w.attributes("attributes", &$($m)? l.attributes));
                        });
                    });
                }),
                Payload::Metrics(r) => w.list("resourceMetrics", &$($m)? r.resource_metrics, |w, rm| {
                    w.resource(Option::from(&$($m)? rm.resource));
                    w.list("scopeMetrics", &$($m)? rm.scope_metrics, |w, sm| {
                        w.scope(Option::from(&$($m)? sm.scope));
                        w.list("metrics", &$($m)? sm.metrics, |w, m| w.metric(m));
                    });
                }),
                Payload::Profiles(r) => {
                    w.list("resourceProfiles", &$($m)? r.resource_profiles, |w, rp| {
                        w.resource(Option::from(&$($m)? rp.resource));
                        w.list("scopeProfiles", &$($m)? rp.scope_profiles, |w, sp| w.scope(Option::from(&$($m)? sp.scope)));
                    });
                    if let Some(d) = &$($m)? r.dictionary {
                        w.field("dictionary", |w| {
                            w.list("attributeTable", &$($m)? d.attribute_table, |w, kv| {
                                if let Some(v) = &$($m)? kv.value {
                                    w.field("value", |w| w.any(v));
                                }
                            });
                        });
                    }
                }
            }
        }
    };
}

walker!(Walk, each,);
walker!(WalkMut, each_mut, mut);

#[cfg(test)]
mod tests {
    use crate::exec::Payload;

    #[test]
    fn a_special_string_where_no_double_is_expected_is_refused_with_its_place() {
        // `sum` names a double in data points, but here it is the metric's `Sum` message.
        let text = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":"NaN"}]}]}]}"#;
        assert_eq!(
            Payload::from_json(text).unwrap_err(),
            "invalid OTLP metrics: /resourceMetrics/0/scopeMetrics/0/metrics/0/sum: a string where no double is expected"
        );
        // An AnyValue that is a bare string keeps the error the text as written gives.
        let text = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"x","value":"NaN"}]}]}]}]}"#;
        assert_eq!(
            Payload::from_json(text).unwrap_err(),
            r#"invalid OTLP logs: invalid type: string "NaN", expected struct AnyValue"#
        );
    }

    #[test]
    fn special_doubles_survive_json_and_protobuf() {
        let text =
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"doubleValue":"-Infinity"}}]}]}]}"#;
        let p = Payload::from_json(text).unwrap();
        let back = p.decode_like(&p.to_protobuf()).unwrap();
        assert!(
            back.to_json_line().contains(r#""body":{"doubleValue":"-Infinity"}"#),
            "{}",
            back.to_json_line()
        );
    }
}
