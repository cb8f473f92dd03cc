//! Any text as log statements (one per line) run by the interpreter on a realistic record:
//! compiling may reject it, running may fail, nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ottl_jit::exec::{Backend, Hooks, Payload, Program, compile_group};
use ottl_jit::interp::ErrorMode;
use ottl_jit::types::context::ContextId;

const RECORD: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"host","value":{"stringValue":"h"}}]},
 "scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1","severityNumber":9,"body":{"kvlistValue":{"values":[
 {"key":"k","value":{"stringValue":"v"}},{"key":"l","value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":2.5}]}}}]}},
 "attributes":[{"key":"a","value":{"stringValue":"héllo wörld"}},{"key":"n","value":{"intValue":"-9223372036854775808"}},
 {"key":"b","value":{"bytesValue":"AAE="}},{"key":"m","value":{"kvlistValue":{"values":[{"key":"x","value":{}}]}}}]}]}]}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let statements: Vec<String> = text.lines().map(str::to_string).collect();
    let Ok(group) = compile_group(ContextId::Log, &statements, &[], ErrorMode::Ignore, Backend::Interp) else { return };
    let Ok(mut payload) = Payload::from_json(RECORD) else { return };
    let program = Program { context: ContextId::Log, groups: vec![group] };
    let _ = program.run(&mut payload, &mut Hooks::default());
    let _ = payload.to_json();
});
