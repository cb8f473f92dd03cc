//! Feature gates, as the Collector's `--feature-gates` flag sets them: a comma-separated list of
//! gate ids, each enabled as written or with `+`, disabled with `-`. Only the gates this runtime
//! implements are known; any other id is refused, as the Collector refuses an unregistered one.

/// The gates this runtime knows, with whether each is on by default.
const KNOWN: &[(&str, bool)] = &[
    // Alpha upstream: lets the transform processor's `flatten_data` give each log record its own
    // copy of its resource and scope.
    ("transform.flatten.logs", false),
];

/// The state of every known gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureGates {
    enabled: Vec<&'static str>,
}

impl Default for FeatureGates {
    fn default() -> Self {
        FeatureGates { enabled: KNOWN.iter().filter(|(_, on)| *on).map(|(id, _)| *id).collect() }
    }
}

impl FeatureGates {
    /// Applies `--feature-gates` values (each may itself be a comma-separated list).
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<FeatureGates, String> {
        let mut gates = FeatureGates::default();
        for item in values.iter().flat_map(|v| v.as_ref().split(',')) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (on, id) = match item.strip_prefix('-') {
                Some(id) => (false, id),
                None => (true, item.strip_prefix('+').unwrap_or(item)),
            };
            let Some((known, _)) = KNOWN.iter().find(|(k, _)| *k == id) else {
                let ids: Vec<&str> = KNOWN.iter().map(|(k, _)| *k).collect();
                return Err(format!("no such feature gate `{id}`; this runtime knows: {}", ids.join(", ")));
            };
            gates.enabled.retain(|g| g != known);
            if on {
                gates.enabled.push(known);
            }
        }
        Ok(gates)
    }

    /// Every known gate on (for reading a configuration's statements without running it).
    pub fn all() -> FeatureGates {
        FeatureGates { enabled: KNOWN.iter().map(|(id, _)| *id).collect() }
    }

    /// Whether the gate is on.
    pub fn is_enabled(&self, id: &str) -> bool {
        self.enabled.contains(&id)
    }
}

/// `transform.flatten.logs`.
pub const FLATTEN_LOGS: &str = "transform.flatten.logs";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_turn_on_and_off_in_order() {
        assert!(!FeatureGates::default().is_enabled(FLATTEN_LOGS));
        assert!(FeatureGates::parse(&["transform.flatten.logs"]).unwrap().is_enabled(FLATTEN_LOGS));
        assert!(FeatureGates::parse(&["+transform.flatten.logs"]).unwrap().is_enabled(FLATTEN_LOGS));
        let off = FeatureGates::parse(&["transform.flatten.logs,-transform.flatten.logs"]).unwrap();
        assert!(!off.is_enabled(FLATTEN_LOGS));
        let err = FeatureGates::parse(&["transform.nope"]).unwrap_err();
        assert!(err.contains("transform.nope"), "{err}");
    }
}
