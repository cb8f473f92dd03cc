//! The Collector's configuration shape: `receivers`, `processors`, `exporters`, `connectors`,
//! `extensions` and `service`, read strictly. An unknown key, a value of the wrong shape, a
//! component no pipeline can use and every OTTL error are reported with the file, line and key;
//! a configuration with any error does not start.

use crate::gates::FeatureGates;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ottl_jit::interp::ErrorMode;
use ottl_syntax::TextRange;
use ottl_syntax::yaml::{self as yaml_tree, Node};

use crate::routing::RequestCondition;
use crate::signal::Signal;

/// One configuration error: where, which key, what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    /// The dotted key path (`processors.batch.timeout`).
    pub key: String,
    pub message: String,
    /// A rendered OTTL diagnostic (source line and caret), when the error is in a statement.
    pub detail: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, "\n{}", detail.trim_end())?;
        }
        Ok(())
    }
}

/// Every error of a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The whole configuration, with the text it came from (statements compile from it).
#[derive(Clone, Debug)]
pub struct Config {
    pub file: PathBuf,
    pub text: String,
    pub receivers: BTreeMap<String, Receiver>,
    pub processors: BTreeMap<String, Processor>,
    pub exporters: BTreeMap<String, Exporter>,
    pub connectors: BTreeMap<String, Connector>,
    pub extensions: BTreeMap<String, Extension>,
    pub pipelines: BTreeMap<String, Pipeline>,
    pub telemetry: Telemetry,
    /// OTTL warnings (`ottl check`'s, located in the file): statements the Collector loads and
    /// runs, as this runtime does, that are likely mistakes. Logged when the service starts.
    pub warnings: Vec<ConfigError>,
}

/// `receivers.otlp` and `receivers.profiling`.
#[derive(Clone, Debug)]
pub enum Receiver {
    Otlp(OtlpReceiver),
    Profiling(crate::profiling::Settings),
}

#[derive(Clone, Debug, Default)]
pub struct OtlpReceiver {
    pub grpc: Option<ServerSettings>,
    pub http: Option<ServerSettings>,
}

/// A listening endpoint and its limits.
#[derive(Clone, Debug)]
pub struct ServerSettings {
    pub endpoint: String,
    /// The largest request body accepted, as sent (compressed or not).
    pub max_request_size: usize,
    /// The largest request body accepted once decompressed.
    pub max_decompressed_size: usize,
    /// The id of the `bearertokenauth` extension guarding this endpoint.
    pub auth: Option<String>,
    /// Serve TLS with this certificate (`tls.cert_file`, `tls.key_file`).
    pub tls: Option<Box<TlsServer>>,
    /// `include_metadata`: HTTP headers travel with the payload (for routing on `request`).
    /// gRPC metadata always does, as the Collector's gRPC context carries it.
    pub include_metadata: bool,
}

/// A server's `tls` section, its files read when the configuration loads.
#[derive(Clone, Debug)]
pub struct TlsServer {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    /// `client_ca_file`: clients must present a certificate signed by one of these.
    pub client_ca_pem: Option<Vec<u8>>,
}

/// An exporter's TLS settings (present when it connects with TLS).
#[derive(Clone, Debug, Default)]
pub struct TlsClient {
    /// `ca_file`: trust these instead of the system's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// `cert_file` and `key_file`: a client certificate.
    pub identity: Option<(Vec<u8>, Vec<u8>)>,
    /// `server_name_override`.
    pub server_name: Option<String>,
}

/// `extensions.bearertokenauth`.
#[derive(Clone, Debug)]
pub enum Extension {
    BearerToken {
        token: String,
    },
    /// Ours: an HTTP endpoint on loopback that swaps a transform processor's WASM module
    /// (`PUT /v1/module?processor=ID`, the module as the body, `Authorization: Bearer TOKEN`).
    Admin {
        endpoint: String,
        token: String,
    },
}

#[derive(Clone, Debug)]
pub enum Processor {
    Batch(BatchSettings),
    Transform(TransformSettings),
    Filter(FilterSettings),
    MemoryLimiter(MemoryLimiterSettings),
}

#[derive(Clone, Copy, Debug)]
pub struct BatchSettings {
    pub send_batch_size: usize,
    /// Zero: no upper bound.
    pub send_batch_max_size: usize,
    pub timeout: Duration,
}

/// Which backend runs a transform processor's statements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Executor {
    Jit,
    Interpreter,
    /// A module compiled by `ottl compile`, reloaded when the file changes.
    Wasm(PathBuf),
}

#[derive(Clone, Debug)]
pub struct TransformSettings {
    pub executor: Executor,
    pub error_mode: ErrorMode,
    /// `flatten_data`: each log record gets its own resource and scope while the statements
    /// run (needs the `transform.flatten.logs` gate).
    pub flatten_logs: bool,
    /// Per signal, the statement groups in order.
    pub groups: BTreeMap<Signal, Vec<StatementGroup>>,
}

/// One statement group as the transform processor sees it.
#[derive(Clone, Debug)]
pub struct StatementGroup {
    pub context: Option<ottl_types::context::ContextId>,
    pub error_mode: ErrorMode,
    pub conditions: Vec<String>,
    pub statements: Vec<String>,
    /// Where the group is (for errors found while compiling).
    pub key: String,
    pub at: TextRange,
}

#[derive(Clone, Debug)]
pub struct FilterSettings {
    pub error_mode: ErrorMode,
    /// `(context name as written, conditions)` per signal, in the Collector's order.
    pub conditions: BTreeMap<Signal, Vec<(String, Vec<String>)>>,
}

#[derive(Clone, Copy, Debug)]
pub struct MemoryLimiterSettings {
    pub check_interval: Duration,
    pub limit_bytes: u64,
    pub spike_limit_bytes: u64,
}

#[derive(Clone, Debug)]
pub enum Exporter {
    Otlp(OtlpExporter),
    OtlpHttp(OtlpExporter),
    File {
        path: PathBuf,
    },
    Debug {
        verbosity: Verbosity,
    },
    /// Ours: each profiles payload as a gzipped pprof file in `directory`.
    Pprof {
        directory: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Basic,
    Normal,
    Detailed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

#[derive(Clone, Debug)]
pub struct OtlpExporter {
    pub endpoint: String,
    pub compression: Compression,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub retry: RetrySettings,
    pub queue_size: usize,
    pub num_consumers: usize,
    /// Connect with TLS (the endpoint is then `https://`).
    pub tls: Option<TlsClient>,
}

#[derive(Clone, Copy, Debug)]
pub struct RetrySettings {
    pub enabled: bool,
    pub initial_interval: Duration,
    pub max_interval: Duration,
    /// Zero: retry until shutdown.
    pub max_elapsed_time: Duration,
}

#[derive(Clone, Debug)]
pub enum Connector {
    Routing(RoutingSettings),
}

#[derive(Clone, Debug)]
pub struct RoutingSettings {
    pub error_mode: ErrorMode,
    pub default_pipelines: Vec<String>,
    pub table: Vec<Route>,
}

#[derive(Clone, Debug)]
pub struct Route {
    /// The context name as written (`resource` when omitted).
    pub context: String,
    /// What selects the route.
    pub selector: Selector,
    pub pipelines: Vec<String>,
    pub key: String,
}

/// A route's `condition:`, or its `statement:` (normally `route() where <condition>`; the
/// editor runs on what the route takes).
#[derive(Clone, Debug)]
pub enum Selector {
    Condition(String),
    Statement(String),
    /// A `request` route's condition, read by [`RequestCondition::parse`].
    Request {
        text: String,
        condition: RequestCondition,
    },
}

#[derive(Clone, Debug)]
pub struct Pipeline {
    pub signal: Signal,
    pub receivers: Vec<String>,
    pub processors: Vec<String>,
    pub exporters: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Telemetry {
    /// Where Prometheus metrics are served, if anywhere.
    pub metrics_address: Option<String>,
}

/// The pipeline `ottl run` runs without a configuration: OTLP in on loopback, batched, printed.
pub const DEFAULT_CONFIG: &str = "\
# The embedded default of `ottl run`: OTLP over gRPC and HTTP on loopback, batched, printed.
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:4317
      http:
        endpoint: 127.0.0.1:4318
processors:
  batch:
exporters:
  debug:
    verbosity: basic
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    profiles:
      receivers: [otlp]
      exporters: [debug]
  telemetry:
    metrics:
      address: 127.0.0.1:8888
";

impl Config {
    /// Reads a configuration file, with the feature gates at their defaults.
    pub fn load(file: &Path) -> Result<Config, ConfigErrors> {
        Config::load_with(file, &FeatureGates::default())
    }

    /// Reads a configuration file with the given feature gates (`--feature-gates`).
    pub fn load_with(file: &Path, gates: &FeatureGates) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(file).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: file.to_path_buf(),
                line: 0,
                column: 0,
                key: String::new(),
                message: format!("cannot read the configuration: {e}"),
                detail: None,
            }])
        })?;
        Config::parse_with(file, &text, gates)
    }

    /// Reads a configuration from its text; `file` names it in errors.
    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigErrors> {
        Config::parse_with(file, text, &FeatureGates::default())
    }

    /// [`Config::parse`] with the given feature gates.
    pub fn parse_with(file: &Path, text: &str, gates: &FeatureGates) -> Result<Config, ConfigErrors> {
        let text = expand_env(text);
        let mut r = Reader { file, text: &text, gates, errors: Vec::new(), declared: Vec::new() };
        let root = match yaml_tree::parse_tree(&text) {
            Ok(root) => root,
            Err(d) => {
                r.error_at(d.range(), "", d.message.clone());
                return Err(ConfigErrors(r.errors));
            }
        };
        let mut config = r.config(&root);
        config.warnings = r.ottl_diagnostics();
        if r.errors.is_empty() {
            Ok(config)
        } else {
            r.errors.sort_by_key(|e| (e.line, e.column));
            Err(ConfigErrors(r.errors))
        }
    }
}

/// `${env:NAME}` and `${NAME}` are replaced by the variable's value (empty when unset), as the
/// Collector's environment provider does; `$$` is a literal `$`.
fn expand_env(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(end) = tail.strip_prefix("${").and_then(|t| t.find('}')) {
            let name = &tail[2..2 + end];
            let name = name.strip_prefix("env:").unwrap_or(name);
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() {
                out.push_str(&std::env::var(name).unwrap_or_default());
            } else {
                out.push_str(&tail[..3 + end]);
            }
            rest = &tail[3 + end..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

struct Reader<'a> {
    file: &'a Path,
    text: &'a str,
    gates: &'a FeatureGates,
    errors: Vec<ConfigError>,
    /// Every component id declared, valid or not (a broken one is reported once, where it is,
    /// not again wherever a pipeline names it).
    declared: Vec<String>,
}

/// A mapping being read: every key read is marked, the rest are reported as unknown.
struct Map<'n> {
    path: String,
    entries: Vec<(&'n str, &'n Node, TextRange)>,
    used: Vec<bool>,
}

fn key_range(node: &Node, key: &str) -> TextRange {
    match node {
        Node::Map(entries) => entries
            .iter()
            .find_map(|(k, _)| k.scalar().filter(|(v, _)| v == key).map(|(_, r)| r))
            .unwrap_or_default(),
        _ => TextRange::default(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

impl<'n> Map<'n> {
    fn take(&mut self, key: &str) -> Option<(&'n Node, TextRange, String)> {
        let i = self.entries.iter().position(|(k, ..)| *k == key)?;
        self.used[i] = true;
        let (_, node, range) = self.entries[i];
        Some((node, range, join(&self.path, key)))
    }
}

impl Reader<'_> {
    fn error_at(&mut self, range: TextRange, key: &str, message: impl Into<String>) {
        let index = ottl_syntax::LineIndex::new(self.text);
        let at = index.line_col(self.text, range.start);
        self.errors.push(ConfigError {
            file: self.file.to_path_buf(),
            line: at.line,
            column: at.column,
            key: key.to_string(),
            message: message.into(),
            detail: None,
        });
    }

    /// Opens a mapping (null is an empty one, as `batch:` with no settings).
    fn map<'n>(&mut self, node: &'n Node, path: &str, at: TextRange) -> Option<Map<'n>> {
        match node {
            Node::Map(entries) => {
                let entries: Vec<_> = entries
                    .iter()
                    .filter_map(|(k, v)| match k {
                        Node::Scalar { value, range, .. } => Some((value.as_str(), v, *range)),
                        _ => None,
                    })
                    .collect();
                let used = vec![false; entries.len()];
                Some(Map { path: path.to_string(), entries, used })
            }
            Node::Scalar { value, .. } if is_null(value) => {
                Some(Map { path: path.to_string(), entries: Vec::new(), used: Vec::new() })
            }
            _ => {
                self.error_at(at, path, "expected a mapping");
                None
            }
        }
    }

    /// Reports the keys of `m` nobody read.
    fn finish(&mut self, m: &Map<'_>, known: &[&str]) {
        for (i, (key, _, range)) in m.entries.iter().enumerate() {
            if !m.used[i] {
                let hint = ottl_types::suggest::closest(key, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                let expected = if known.is_empty() {
                    String::new()
                } else {
                    format!(" (expected one of: {})", known.join(", "))
                };
                self.error_at(*range, &join(&m.path, key), format!("unknown key `{key}`{hint}{expected}"));
            }
        }
    }

    fn string(&mut self, m: &mut Map<'_>, key: &str) -> Option<String> {
        let (node, range, path) = m.take(key)?;
        match node {
            Node::Scalar { value, .. } if !is_null(value) => Some(value.clone()),
            Node::Scalar { .. } => None,
            _ => {
                self.error_at(range, &path, "expected a string");
                None
            }
        }
    }

    fn strings(&mut self, m: &mut Map<'_>, key: &str) -> Vec<String> {
        let Some((node, range, path)) = m.take(key) else { return Vec::new() };
        match node {
            Node::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let value = item.scalar().map(|(v, _)| v);
                    if value.is_none() {
                        self.error_at(range, &format!("{path}[{i}]"), "expected a string");
                    }
                    value
                })
                .collect(),
            Node::Scalar { value, .. } if is_null(value) => Vec::new(),
            _ => {
                self.error_at(range, &path, "expected a list of strings");
                Vec::new()
            }
        }
    }

    fn scalar_with<T>(
        &mut self,
        m: &mut Map<'_>,
        key: &str,
        what: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let (node, range, path) = m.take(key)?;
        let (value, vrange) = node.scalar().unwrap_or_default();
        if is_null(&value) && matches!(node, Node::Scalar { .. }) {
            return None;
        }
        let at = if matches!(node, Node::Scalar { .. }) { vrange } else { range };
        let parsed = parse(&value);
        if parsed.is_none() {
            self.error_at(at, &path, format!("expected {what}, got `{value}`"));
        }
        parsed
    }

    fn uint(&mut self, m: &mut Map<'_>, key: &str) -> Option<u64> {
        self.scalar_with(m, key, "a non-negative integer", |v| v.parse().ok())
    }

    fn bool(&mut self, m: &mut Map<'_>, key: &str) -> Option<bool> {
        self.scalar_with(m, key, "true or false", |v| match v {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        })
    }

    fn duration(&mut self, m: &mut Map<'_>, key: &str) -> Option<Duration> {
        self.scalar_with(m, key, "a duration such as `200ms` or `5s`", |v| {
            ottl_jit::parse_duration(v).ok().and_then(|n| u64::try_from(n).ok()).map(Duration::from_nanos)
        })
    }

    fn error_mode(&mut self, m: &mut Map<'_>, key: &str) -> Option<ErrorMode> {
        self.scalar_with(m, key, "ignore, silent or propagate", ErrorMode::parse)
    }

    fn config(&mut self, root: &Node) -> Config {
        let mut config = Config {
            file: self.file.to_path_buf(),
            text: self.text.to_string(),
            receivers: BTreeMap::new(),
            processors: BTreeMap::new(),
            exporters: BTreeMap::new(),
            connectors: BTreeMap::new(),
            extensions: BTreeMap::new(),
            pipelines: BTreeMap::new(),
            telemetry: Telemetry::default(),
            warnings: Vec::new(),
        };
        let Some(mut top) = self.map(root, "", TextRange::default()) else { return config };
        let sections = ["receivers", "processors", "exporters", "connectors", "extensions", "service"];
        for section in &sections[..5] {
            let Some((node, range, path)) = top.take(section) else { continue };
            let Some(mut m) = self.map(node, &path, range) else { continue };
            for i in 0..m.entries.len() {
                m.used[i] = true;
                let (id, node, range) = m.entries[i];
                let path = join(&path, id);
                self.declared.push(id.to_string());
                self.component(&mut config, section, id, node, range, &path);
            }
        }
        if let Some((node, range, path)) = top.take("service") {
            self.service(&mut config, node, range, &path);
        } else {
            self.error_at(TextRange::default(), "service", "missing `service` (with `pipelines`)");
        }
        self.finish(&top, &sections);
        self.check_references(&config, root);
        config
    }

    #[expect(clippy::too_many_lines, reason = "one short arm per component type")]
    fn component(
        &mut self,
        config: &mut Config,
        section: &str,
        id: &str,
        node: &Node,
        at: TextRange,
        path: &str,
    ) {
        let kind = id.split('/').next().unwrap_or(id);
        let Some(mut m) = self.map(node, path, at) else { return };
        match (section, kind) {
            ("receivers", "otlp") => {
                let r = self.otlp_receiver(&mut m);
                config.receivers.insert(id.to_string(), Receiver::Otlp(r));
                self.finish(&m, &["protocols"]);
            }
            ("receivers", "profiling") => {
                let r = self.profiling_receiver(&mut m, at, path);
                config.receivers.insert(id.to_string(), Receiver::Profiling(r));
                self.finish(&m, &["frequency", "report_interval", "mode", "pids", "max_stack_depth"]);
            }
            ("processors", "batch") => {
                let b = BatchSettings {
                    send_batch_size: self.uint(&mut m, "send_batch_size").map_or(8192, |n| n as usize),
                    send_batch_max_size: self.uint(&mut m, "send_batch_max_size").map_or(0, |n| n as usize),
                    timeout: self.duration(&mut m, "timeout").unwrap_or(Duration::from_millis(200)),
                };
                if b.send_batch_max_size != 0 && b.send_batch_max_size < b.send_batch_size {
                    self.error_at(
                        at,
                        path,
                        "`send_batch_max_size` must be greater or equal to `send_batch_size`",
                    );
                }
                config.processors.insert(id.to_string(), Processor::Batch(b));
                self.finish(&m, &["send_batch_size", "send_batch_max_size", "timeout"]);
            }
            ("processors", "transform") => {
                let t = self.transform(&mut m, path);
                config.processors.insert(id.to_string(), Processor::Transform(t));
                self.finish(
                    &m,
                    &[
                        "error_mode",
                        "trace_statements",
                        "metric_statements",
                        "log_statements",
                        "profile_statements",
                        "executor",
                        "flatten_data",
                    ],
                );
            }
            ("processors", "filter") => {
                let f = self.filter(&mut m);
                config.processors.insert(id.to_string(), Processor::Filter(f));
                self.finish(&m, &["error_mode", "traces", "metrics", "logs", "profiles"]);
            }
            ("processors", "memory_limiter") => {
                let mib = |n: u64| n * 1024 * 1024;
                let check_interval = self.duration(&mut m, "check_interval");
                let limit = self.uint(&mut m, "limit_mib");
                let spike = self.uint(&mut m, "spike_limit_mib");
                let Some(limit) = limit.filter(|&l| l > 0) else {
                    self.error_at(at, path, "`limit_mib` must be set and greater than zero");
                    return;
                };
                let spike = spike.unwrap_or(limit / 5);
                if spike >= limit {
                    self.error_at(at, path, "`spike_limit_mib` must be smaller than `limit_mib`");
                }
                let s = MemoryLimiterSettings {
                    check_interval: check_interval.unwrap_or(Duration::from_secs(1)),
                    limit_bytes: mib(limit),
                    spike_limit_bytes: mib(spike),
                };
                config.processors.insert(id.to_string(), Processor::MemoryLimiter(s));
                self.finish(&m, &["check_interval", "limit_mib", "spike_limit_mib"]);
            }
            ("exporters", "otlp" | "otlphttp") => {
                let e = self.otlp_exporter(&mut m, kind, at, path);
                let e = if kind == "otlp" { Exporter::Otlp(e) } else { Exporter::OtlpHttp(e) };
                config.exporters.insert(id.to_string(), e);
                self.finish(
                    &m,
                    &[
                        "endpoint",
                        "compression",
                        "headers",
                        "timeout",
                        "retry_on_failure",
                        "sending_queue",
                        "tls",
                    ],
                );
            }
            ("exporters", "file") => {
                match self.string(&mut m, "path") {
                    Some(p) => {
                        config.exporters.insert(id.to_string(), Exporter::File { path: PathBuf::from(p) });
                    }
                    None => self.error_at(at, path, "the file exporter needs a `path`"),
                }
                self.finish(&m, &["path"]);
            }
            ("exporters", "pprof") => {
                match self.string(&mut m, "directory") {
                    Some(d) => {
                        config
                            .exporters
                            .insert(id.to_string(), Exporter::Pprof { directory: PathBuf::from(d) });
                    }
                    None => self.error_at(at, path, "the pprof exporter needs a `directory`"),
                }
                self.finish(&m, &["directory"]);
            }
            ("exporters", "debug") => {
                let verbosity = self
                    .scalar_with(&mut m, "verbosity", "basic, normal or detailed", |v| match v {
                        "basic" => Some(Verbosity::Basic),
                        "normal" => Some(Verbosity::Normal),
                        "detailed" => Some(Verbosity::Detailed),
                        _ => None,
                    })
                    .unwrap_or(Verbosity::Basic);
                config.exporters.insert(id.to_string(), Exporter::Debug { verbosity });
                self.finish(&m, &["verbosity"]);
            }
            ("connectors", "routing") => {
                let r = self.routing(&mut m);
                config.connectors.insert(id.to_string(), Connector::Routing(r));
                self.finish(&m, &["error_mode", "default_pipelines", "table"]);
            }
            ("extensions", "bearertokenauth") => {
                match self.string(&mut m, "token") {
                    Some(token) => {
                        config.extensions.insert(id.to_string(), Extension::BearerToken { token });
                    }
                    None => self.error_at(at, path, "`bearertokenauth` needs a `token`"),
                }
                self.finish(&m, &["token"]);
            }
            ("extensions", "ottl_admin") => {
                let endpoint = self.string(&mut m, "endpoint").unwrap_or_else(|| "127.0.0.1:13133".into());
                match self.string(&mut m, "token") {
                    Some(token) => {
                        config.extensions.insert(id.to_string(), Extension::Admin { endpoint, token });
                    }
                    None => self.error_at(at, path, "`ottl_admin` needs a `token`"),
                }
                self.finish(&m, &["endpoint", "token"]);
            }
            _ => {
                let known: &[&str] = match section {
                    "receivers" => &["otlp", "profiling"],
                    "processors" => &["batch", "transform", "filter", "memory_limiter"],
                    "exporters" => &["otlp", "otlphttp", "file", "debug", "pprof"],
                    "connectors" => &["routing"],
                    _ => &["bearertokenauth", "ottl_admin"],
                };
                let hint = ottl_types::suggest::closest(kind, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error_at(
                    at,
                    path,
                    format!(
                        "unknown {} type `{kind}`{hint} (this runtime has: {})",
                        singular(section),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn server(&mut self, m: &mut Map<'_>, key: &str, default_endpoint: &str) -> Option<ServerSettings> {
        let (node, range, path) = m.take(key)?;
        let mut s = self.map(node, &path, range)?;
        let endpoint = self.string(&mut s, "endpoint").unwrap_or_else(|| default_endpoint.to_string());
        let mib =
            self.uint(&mut s, if key == "grpc" { "max_recv_msg_size_mib" } else { "max_request_body_size" });
        let max_request_size = match (key, mib) {
            ("grpc", Some(n)) => n as usize * 1024 * 1024,
            (_, Some(n)) => n as usize,
            _ => 4 * 1024 * 1024,
        };
        let max_decompressed_size =
            self.uint(&mut s, "max_decompressed_size").map_or(max_request_size * 8, |n| n as usize);
        let mut auth = None;
        if let Some((node, range, path)) = s.take("auth")
            && let Some(mut a) = self.map(node, &path, range)
        {
            auth = self.string(&mut a, "authenticator");
            self.finish(&a, &["authenticator"]);
        }
        let tls = s.take("tls").and_then(|(node, range, path)| self.tls_server(node, range, &path));
        let include_metadata = self.bool(&mut s, "include_metadata").unwrap_or(false);
        let size_key = if key == "grpc" { "max_recv_msg_size_mib" } else { "max_request_body_size" };
        let known = ["endpoint", size_key, "max_decompressed_size", "auth", "tls", "include_metadata"];
        self.finish(&s, &known);
        Some(ServerSettings {
            endpoint,
            max_request_size,
            max_decompressed_size,
            auth,
            tls,
            include_metadata,
        })
    }

    /// Reads a file a TLS setting names, with an error at the setting when it cannot.
    fn tls_file(&mut self, m: &mut Map<'_>, key: &str) -> Option<Vec<u8>> {
        let at = m.entries.iter().find(|(k, ..)| *k == key).map(|e| e.2).unwrap_or_default();
        let path = join(&m.path, key);
        let file = self.string(m, key)?;
        match std::fs::read(&file) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                self.error_at(at, &path, format!("cannot read `{file}`: {e}"));
                None
            }
        }
    }

    /// A receiver's `tls`: `cert_file` and `key_file` (both needed), `client_ca_file`.
    fn tls_server(&mut self, node: &Node, range: TextRange, path: &str) -> Option<Box<TlsServer>> {
        let mut t = self.map(node, path, range)?;
        let errors_before = self.errors.len();
        let cert = self.tls_file(&mut t, "cert_file");
        let key = self.tls_file(&mut t, "key_file");
        let client_ca = self.tls_file(&mut t, "client_ca_file");
        self.finish(&t, &["cert_file", "key_file", "client_ca_file"]);
        let (Some(cert_pem), Some(key_pem)) = (cert, key) else {
            if self.errors.len() == errors_before {
                self.error_at(range, path, "a TLS server needs both `cert_file` and `key_file`");
            }
            return None;
        };
        let tls = TlsServer { cert_pem, key_pem, client_ca_pem: client_ca };
        if let Err(e) = crate::tls::server_config(&tls, &[]) {
            self.error_at(range, path, e);
        }
        Some(Box::new(tls))
    }

    fn otlp_receiver(&mut self, m: &mut Map<'_>) -> OtlpReceiver {
        let mut r = OtlpReceiver::default();
        if let Some((node, range, path)) = m.take("protocols")
            && let Some(mut p) = self.map(node, &path, range)
        {
            r.grpc = self.server(&mut p, "grpc", "127.0.0.1:4317");
            r.http = self.server(&mut p, "http", "127.0.0.1:4318");
            self.finish(&p, &["grpc", "http"]);
        }
        r
    }

    fn profiling_receiver(
        &mut self,
        m: &mut Map<'_>,
        at: TextRange,
        path: &str,
    ) -> crate::profiling::Settings {
        use crate::profiling::{MAX_STACK_DEPTH, Mode, Settings};
        let key_at = |key: &str| m.entries.iter().find(|(k, ..)| *k == key).map_or(at, |e| e.2);
        let (frequency_at, interval_at, pids_at, depth_at) =
            (key_at("frequency"), key_at("report_interval"), key_at("pids"), key_at("max_stack_depth"));
        let mut s = Settings::default();
        if let Some(f) = self.uint(m, "frequency") {
            if f == 0 || f > 10_000 {
                self.error_at(
                    frequency_at,
                    &format!("{path}.frequency"),
                    "must be between 1 and 10000 (samples per second per CPU)",
                );
            } else {
                s.frequency = f;
            }
        }
        if let Some(d) = self.duration(m, "report_interval") {
            if d.is_zero() {
                self.error_at(interval_at, &format!("{path}.report_interval"), "must be greater than zero");
            } else {
                s.report_interval = d;
            }
        }
        if let Some(mode) = self.scalar_with(m, "mode", "auto, ebpf or perf", Mode::parse) {
            s.mode = mode;
        }
        s.pids = self
            .strings(m, "pids")
            .iter()
            .filter_map(|p| {
                let pid = p.parse::<u32>().ok();
                if pid.is_none() {
                    self.error_at(pids_at, &format!("{path}.pids"), format!("`{p}` is not a process id"));
                }
                pid
            })
            .collect();
        if let Some(d) = self.uint(m, "max_stack_depth") {
            if d == 0 || d > MAX_STACK_DEPTH as u64 {
                self.error_at(
                    depth_at,
                    &format!("{path}.max_stack_depth"),
                    format!("must be between 1 and {MAX_STACK_DEPTH}"),
                );
            } else {
                s.max_stack_depth = d as usize;
            }
        }
        s
    }

    fn transform(&mut self, m: &mut Map<'_>, path: &str) -> TransformSettings {
        let error_mode = self.error_mode(m, "error_mode").unwrap_or_default();
        let executor_at = m.entries.iter().find(|(k, ..)| *k == "executor").map(|e| e.2).unwrap_or_default();
        let executor = self
            .scalar_with(m, "executor", "jit, interpreter or the path of a .wasm module", |v| match v {
                "jit" => Some(Executor::Jit),
                "interpreter" => Some(Executor::Interpreter),
                p if Path::new(p).extension().is_some_and(|e| e.eq_ignore_ascii_case("wasm")) => {
                    Some(Executor::Wasm(PathBuf::from(p)))
                }
                _ => None,
            })
            .unwrap_or(Executor::Jit);
        let flatten_at =
            m.entries.iter().find(|(k, ..)| *k == "flatten_data").map(|e| e.2).unwrap_or_default();
        let flatten_logs = self.bool(m, "flatten_data").unwrap_or(false);
        if flatten_logs && !self.gates.is_enabled(crate::gates::FLATTEN_LOGS) {
            self.error_at(
                flatten_at,
                &join(path, "flatten_data"),
                "'flatten_data' requires the 'transform.flatten.logs' feature gate to be enabled \
                 (`ottl run --feature-gates=transform.flatten.logs`)",
            );
        }
        let mut groups = BTreeMap::new();
        for (key, signal) in [
            ("trace_statements", Signal::Traces),
            ("metric_statements", Signal::Metrics),
            ("log_statements", Signal::Logs),
            ("profile_statements", Signal::Profiles),
        ] {
            let Some((node, range, list_path)) = m.take(key) else { continue };
            let list = self.statement_groups(node, range, &list_path, error_mode);
            if !list.is_empty() {
                groups.insert(signal, list);
            }
        }
        if let Executor::Wasm(file) = &executor
            && !groups.is_empty()
        {
            self.error_at(
                executor_at,
                &join(path, "executor"),
                format!(
                    "with a module (`{}`) the statements come from the module; remove the statement lists",
                    file.display()
                ),
            );
        }
        TransformSettings { executor, error_mode, flatten_logs, groups }
    }

    fn statement_groups(
        &mut self,
        node: &Node,
        range: TextRange,
        path: &str,
        error_mode: ErrorMode,
    ) -> Vec<StatementGroup> {
        let Node::Seq(items) = node else {
            if !matches!(node, Node::Scalar { value, .. } if is_null(value)) {
                self.error_at(range, path, "expected a list of statements or of statement groups");
            }
            return Vec::new();
        };
        let basic = items.iter().filter(|i| matches!(i, Node::Scalar { .. })).count();
        if basic > 0 && basic < items.len() {
            self.error_at(range, path, "configuring multiple configuration styles is not supported");
            return Vec::new();
        }
        if basic > 0 {
            let statements = items.iter().filter_map(|i| i.scalar().map(|(s, _)| s)).collect();
            return vec![StatementGroup {
                context: None,
                error_mode,
                conditions: Vec::new(),
                statements,
                key: path.to_string(),
                at: range,
            }];
        }
        let mut out = Vec::new();
        for (gi, item) in items.iter().enumerate() {
            let gpath = format!("{path}[{gi}]");
            let Some(mut g) = self.map(item, &gpath, range) else { continue };
            let context = self.string(&mut g, "context").and_then(|c| {
                let id = ottl_types::context::ContextId::from_name(&c.to_ascii_lowercase());
                if id.is_none() {
                    self.error_at(
                        key_range(item, "context"),
                        &join(&gpath, "context"),
                        format!("unknown context `{c}`"),
                    );
                }
                id
            });
            let group_mode = self.error_mode(&mut g, "error_mode").unwrap_or(error_mode);
            let conditions = self.strings(&mut g, "conditions");
            let statements = self.strings(&mut g, "statements");
            self.finish(&g, &["context", "error_mode", "conditions", "statements"]);
            out.push(StatementGroup {
                context,
                error_mode: group_mode,
                conditions,
                statements,
                key: gpath,
                at: range,
            });
        }
        out
    }

    fn filter(&mut self, m: &mut Map<'_>) -> FilterSettings {
        let error_mode = self.error_mode(m, "error_mode").unwrap_or_default();
        let mut conditions = BTreeMap::new();
        // Resource conditions first: a dropped resource takes everything under it.
        for (key, signal, contexts) in [
            ("traces", Signal::Traces, &["resource", "span", "spanevent"][..]),
            ("metrics", Signal::Metrics, &["resource", "metric", "datapoint"][..]),
            ("logs", Signal::Logs, &["resource", "log_record"][..]),
            ("profiles", Signal::Profiles, &["resource", "profile"][..]),
        ] {
            let Some((node, range, path)) = m.take(key) else { continue };
            let Some(mut s) = self.map(node, &path, range) else { continue };
            let mut lists = Vec::new();
            for ctx in contexts {
                let list = self.strings(&mut s, ctx);
                if !list.is_empty() {
                    lists.push(((*ctx).to_string(), list));
                }
            }
            self.finish(&s, contexts);
            conditions.insert(signal, lists);
        }
        FilterSettings { error_mode, conditions }
    }

    fn otlp_exporter(&mut self, m: &mut Map<'_>, kind: &str, at: TextRange, path: &str) -> OtlpExporter {
        let endpoint = self.string(m, "endpoint").unwrap_or_else(|| {
            self.error_at(at, path, format!("the {kind} exporter needs an `endpoint`"));
            String::new()
        });
        let compression = self
            .scalar_with(m, "compression", "gzip, zstd or none", |v| match v {
                "gzip" => Some(Compression::Gzip),
                "zstd" => Some(Compression::Zstd),
                "none" | "" => Some(Compression::None),
                _ => None,
            })
            .unwrap_or(Compression::Gzip);
        let mut headers = Vec::new();
        if let Some((node, range, hpath)) = m.take("headers")
            && let Some(mut h) = self.map(node, &hpath, range)
        {
            for i in 0..h.entries.len() {
                h.used[i] = true;
                let (name, value, r) = h.entries[i];
                match value.scalar() {
                    Some((v, _)) => headers.push((name.to_string(), v)),
                    None => self.error_at(r, &join(&hpath, name), "expected a string"),
                }
            }
        }
        let timeout = self.duration(m, "timeout").unwrap_or(Duration::from_secs(5));
        let mut retry = RetrySettings {
            enabled: true,
            initial_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(30),
            max_elapsed_time: Duration::from_mins(5),
        };
        if let Some((node, range, rpath)) = m.take("retry_on_failure")
            && let Some(mut r) = self.map(node, &rpath, range)
        {
            retry.enabled = self.bool(&mut r, "enabled").unwrap_or(true);
            retry.initial_interval =
                self.duration(&mut r, "initial_interval").unwrap_or(retry.initial_interval);
            retry.max_interval = self.duration(&mut r, "max_interval").unwrap_or(retry.max_interval);
            retry.max_elapsed_time =
                self.duration(&mut r, "max_elapsed_time").unwrap_or(retry.max_elapsed_time);
            self.finish(
                &r,
                &[
                    "enabled",
                    "initial_interval",
                    "max_interval",
                    "max_elapsed_time",
                    "multiplier",
                    "randomization_factor",
                ],
            );
        }
        let (mut queue_size, mut num_consumers) = (1000, 10);
        if let Some((node, range, qpath)) = m.take("sending_queue")
            && let Some(mut q) = self.map(node, &qpath, range)
        {
            let enabled = self.bool(&mut q, "enabled").unwrap_or(true);
            queue_size = self.uint(&mut q, "queue_size").map_or(queue_size, |n| n as usize);
            num_consumers = self.uint(&mut q, "num_consumers").map_or(num_consumers, |n| n as usize);
            if !enabled {
                queue_size = 1;
            }
            self.finish(&q, &["enabled", "queue_size", "num_consumers"]);
        }
        // As the Collector: an endpoint without a scheme (gRPC) uses TLS unless `tls.insecure`;
        // `http://` never does, `https://` always does.
        let (insecure, client) = self.tls_client(m);
        let tls = if endpoint.starts_with("https://") {
            true
        } else if endpoint.contains("://") {
            false
        } else {
            kind == "otlp" && !insecure
        };
        let endpoint = match endpoint.split_once("://") {
            Some((_, rest)) if tls => format!("https://{rest}"),
            Some(_) => endpoint,
            None if tls => format!("https://{endpoint}"),
            None => format!("http://{endpoint}"),
        };
        OtlpExporter {
            endpoint,
            compression,
            headers,
            timeout,
            retry,
            queue_size: queue_size.max(1),
            num_consumers: num_consumers.max(1),
            tls: tls.then_some(client),
        }
    }

    /// An exporter's `tls`: whether it is `insecure`, and the client settings.
    fn tls_client(&mut self, m: &mut Map<'_>) -> (bool, TlsClient) {
        let mut client = TlsClient::default();
        let Some((node, range, path)) = m.take("tls") else { return (false, client) };
        let Some(mut t) = self.map(node, &path, range) else { return (false, client) };
        let insecure = self.bool(&mut t, "insecure").unwrap_or(false);
        client.ca_pem = self.tls_file(&mut t, "ca_file");
        let cert = self.tls_file(&mut t, "cert_file");
        let key = self.tls_file(&mut t, "key_file");
        match (cert, key) {
            (Some(c), Some(k)) => client.identity = Some((c, k)),
            (None, None) => {}
            _ => self.error_at(range, &path, "a client certificate needs both `cert_file` and `key_file`"),
        }
        client.server_name = self.string(&mut t, "server_name_override");
        self.finish(&t, &["insecure", "ca_file", "cert_file", "key_file", "server_name_override"]);
        (insecure, client)
    }

    fn routing(&mut self, m: &mut Map<'_>) -> RoutingSettings {
        let error_mode = self.error_mode(m, "error_mode").unwrap_or_default();
        let default_pipelines = self.strings(m, "default_pipelines");
        let mut table = Vec::new();
        if let Some((Node::Seq(items), range, path)) = m.take("table") {
            for (i, item) in items.iter().enumerate() {
                let rpath = format!("{path}[{i}]");
                let Some(mut r) = self.map(item, &rpath, range) else { continue };
                let context = self.string(&mut r, "context").unwrap_or_else(|| "resource".into());
                let condition = self.string(&mut r, "condition");
                let statement = self.string(&mut r, "statement");
                let pipelines = self.strings(&mut r, "pipelines");
                self.finish(&r, &["context", "condition", "statement", "pipelines"]);
                let selector = match (condition, statement) {
                    (Some(c), None) if context == "request" => match RequestCondition::parse(&c) {
                        Ok(condition) => Selector::Request { text: c, condition },
                        Err(e) => {
                            self.error_at(key_range(item, "condition"), &join(&rpath, "condition"), e);
                            continue;
                        }
                    },
                    (_, Some(_)) if context == "request" => {
                        self.error_at(
                            key_range(item, "statement"),
                            &join(&rpath, "statement"),
                            "the `request` context requires a `condition` (upstream's request grammar has no statements)",
                        );
                        continue;
                    }
                    (Some(c), None) => Selector::Condition(c),
                    (None, Some(s)) => Selector::Statement(s),
                    _ => {
                        self.error_at(
                            key_range(item, "pipelines"),
                            &rpath,
                            "a route needs exactly one of `condition` and `statement`",
                        );
                        continue;
                    }
                };
                if pipelines.is_empty() {
                    self.error_at(
                        key_range(item, "pipelines"),
                        &rpath,
                        "a route needs at least one pipeline",
                    );
                }
                table.push(Route { context, selector, pipelines, key: rpath });
            }
        }
        RoutingSettings { error_mode, default_pipelines, table }
    }

    fn service(&mut self, config: &mut Config, node: &Node, range: TextRange, path: &str) {
        let Some(mut s) = self.map(node, path, range) else { return };
        let _ = self.strings(&mut s, "extensions");
        if let Some((node, range, ppath)) = s.take("pipelines")
            && let Some(mut p) = self.map(node, &ppath, range)
        {
            for i in 0..p.entries.len() {
                p.used[i] = true;
                let (id, node, range) = p.entries[i];
                let path = join(&ppath, id);
                let signal = id.split('/').next().and_then(Signal::parse);
                let Some(signal) = signal else {
                    self.error_at(
                        range,
                        &path,
                        "a pipeline's id starts with traces, metrics, logs or profiles",
                    );
                    continue;
                };
                let Some(mut pm) = self.map(node, &path, range) else { continue };
                let receivers = self.strings(&mut pm, "receivers");
                let processors = self.strings(&mut pm, "processors");
                let exporters = self.strings(&mut pm, "exporters");
                self.finish(&pm, &["receivers", "processors", "exporters"]);
                if receivers.is_empty() || exporters.is_empty() {
                    self.error_at(range, &path, "a pipeline needs at least one receiver and one exporter");
                }
                config
                    .pipelines
                    .insert(id.to_string(), Pipeline { signal, receivers, processors, exporters });
            }
        } else {
            self.error_at(range, path, "missing `pipelines`");
        }
        if let Some((node, range, tpath)) = s.take("telemetry")
            && let Some(mut t) = self.map(node, &tpath, range)
        {
            if let Some((node, range, mpath)) = t.take("metrics")
                && let Some(mut mm) = self.map(node, &mpath, range)
            {
                config.telemetry.metrics_address = self.string(&mut mm, "address");
                let _ = self.string(&mut mm, "level");
                self.finish(&mm, &["address", "level"]);
            }
            let _ = t.take("logs");
            self.finish(&t, &["metrics", "logs"]);
        }
        self.finish(&s, &["pipelines", "telemetry", "extensions"]);
    }

    /// Every id a pipeline names exists, fits the pipeline's signal, and is used.
    fn check_references(&mut self, config: &Config, root: &Node) {
        let pipelines_node = root.get("service").and_then(|s| s.get("pipelines"));
        let at = |id: &str| pipelines_node.map(|p| key_range(p, id)).unwrap_or_default();
        for (id, p) in &config.pipelines {
            let path = format!("service.pipelines.{id}");
            for r in &p.receivers {
                if !self.declared.contains(r) {
                    self.error_at(
                        at(id),
                        &format!("{path}.receivers"),
                        format!("references receiver `{r}`, which is not configured"),
                    );
                }
            }
            for x in &p.processors {
                match config.processors.get(x) {
                    None if self.declared.contains(x) => {}
                    None => self.error_at(
                        at(id),
                        &format!("{path}.processors"),
                        format!("references processor `{x}`, which is not configured"),
                    ),
                    Some(Processor::MemoryLimiter(_)) if p.processors.first() != Some(x) => self.error_at(
                        at(id),
                        &format!("{path}.processors"),
                        "`memory_limiter` must be the first processor of a pipeline",
                    ),
                    _ => {}
                }
            }
            for e in &p.exporters {
                if !self.declared.contains(e) {
                    self.error_at(
                        at(id),
                        &format!("{path}.exporters"),
                        format!("references exporter `{e}`, which is not configured"),
                    );
                }
            }
        }
        let connectors_node = root.get("connectors");
        for (id, Connector::Routing(r)) in &config.connectors {
            let path = format!("connectors.{id}");
            let at = connectors_node.map(|c| key_range(c, id)).unwrap_or_default();
            for target in r.default_pipelines.iter().chain(r.table.iter().flat_map(|t| &t.pipelines)) {
                match config.pipelines.get(target) {
                    None => self.error_at(
                        at,
                        &path,
                        format!("routes to pipeline `{target}`, which is not configured"),
                    ),
                    Some(p) if !p.receivers.contains(id) => self.error_at(
                        at,
                        &path,
                        format!("routes to pipeline `{target}`, whose receivers do not include `{id}`"),
                    ),
                    _ => {}
                }
            }
        }
        for (id, p) in &config.pipelines {
            for r in &p.receivers {
                if matches!(config.receivers.get(r), Some(Receiver::Profiling(_)))
                    && p.signal != Signal::Profiles
                {
                    self.error_at(
                        at(id),
                        &format!("service.pipelines.{id}.receivers"),
                        format!("receiver `{r}` (profiling) only produces profiles; use it in a `profiles` pipeline"),
                    );
                }
            }
            for e in &p.exporters {
                if matches!(config.exporters.get(e), Some(Exporter::Pprof { .. }))
                    && p.signal != Signal::Profiles
                {
                    self.error_at(
                        at(id),
                        &format!("service.pipelines.{id}.exporters"),
                        format!(
                            "exporter `{e}` (pprof) only writes profiles; use it in a `profiles` pipeline"
                        ),
                    );
                }
            }
        }
        for (id, r) in &config.receivers {
            let Receiver::Otlp(o) = r else { continue };
            for s in o.grpc.iter().chain(&o.http) {
                if let Some(a) = &s.auth
                    && !config.extensions.contains_key(a)
                {
                    self.error_at(
                        TextRange::default(),
                        &format!("receivers.{id}"),
                        format!("references extension `{a}`, which is not configured"),
                    );
                }
            }
        }
    }

    /// Every OTTL diagnostic of the file, found by the same checks as `ottl check`: the errors
    /// join the configuration's errors; the warnings are returned.
    fn ottl_diagnostics(&mut self) -> Vec<ConfigError> {
        let diagnostics = ottl_types::source::check_yaml(self.text);
        if diagnostics.is_empty() {
            return Vec::new();
        }
        let snippets = ottl_syntax::yaml::extract(self.text).unwrap_or_default();
        let index = ottl_syntax::LineIndex::new(self.text);
        let mut warnings = Vec::new();
        for d in &diagnostics {
            let range = d.range();
            let at = index.line_col(self.text, range.start);
            // Already reported by the reader (an invalid `error_mode`, say).
            if d.is_error() && self.errors.iter().any(|e| (e.line, e.column) == (at.line, at.column)) {
                continue;
            }
            let key = snippets
                .iter()
                .find(|s| s.range().contains_range(range) || s.range().start == range.start)
                .map(|s| s.key_path.clone())
                .unwrap_or_default();
            let located = ConfigError {
                file: self.file.to_path_buf(),
                line: at.line,
                column: at.column,
                key,
                message: d.message.clone(),
                detail: Some(ottl_syntax::diagnostics::render_plain(self.text, d)),
            };
            if d.is_error() {
                self.errors.push(located);
            } else {
                warnings.push(located);
            }
        }
        warnings
    }
}

fn singular(section: &str) -> &str {
    section.strip_suffix('s').unwrap_or(section)
}

fn is_null(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}
