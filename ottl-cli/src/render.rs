//! Rendering diagnostics: miette's report for people, JSON for tools.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use ottl_syntax::{Diagnostic, LineIndex, Severity};

/// Our diagnostic, as miette wants it.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.diag.labels.iter().enumerate().map(|(i, l)| {
            let span = SourceSpan::from(l.range.start as usize..l.range.end as usize);
            if i == 0 {
                LabeledSpan::new_primary_with_span(Some(l.message.clone()), span)
            } else {
                LabeledSpan::new_with_span(Some(l.message.clone()), span)
            }
        });
        Some(Box::new(labels))
    }
}

/// Renders `diag` against `text` (the file named `name`) with miette's graphical handler.
/// `color` picks the theme; snapshots use the plain one at a fixed width.
pub fn human(name: &str, text: &str, diag: &Diagnostic, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let report = Report { diag, source: NamedSource::new(name, text.to_string()) };
    let mut out = String::new();
    handler.render_report(&mut out, &report).expect("rendering to a String cannot fail");
    out
}

/// One diagnostic as a JSON object with one-based line and column.
#[derive(serde::Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

pub fn json<'a>(file: &'a str, text: &str, index: &LineIndex, diag: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let range = diag.range();
    let start = index.line_col(text, range.start);
    let end = index.line_col(text, range.end);
    JsonDiagnostic {
        file,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        code: diag.code.as_str(),
        severity: diag.severity,
        message: &diag.message,
        help: diag.help.as_deref(),
    }
}
