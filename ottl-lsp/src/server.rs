//! The LSP side: documents kept with incremental sync, analysed on every change, answered in
//! LSP's positions (UTF-16 columns).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ottl_syntax::{Severity, TextRange};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, CodeDescription, CompletionItem, CompletionItemKind, CompletionOptions,
    CompletionParams, CompletionResponse, CompletionTextEdit, Diagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, Documentation, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, InitializedParams, InsertTextFormat, MarkupContent, MarkupKind,
    MessageType, NumberOrString, OneOf, ParameterInformation, ParameterLabel, Position, Range, SemanticToken,
    SemanticTokenType, SemanticTokens, SemanticTokensFullOptions, SemanticTokensLegend,
    SemanticTokensOptions, SemanticTokensParams, SemanticTokensResult, SemanticTokensServerCapabilities,
    ServerCapabilities, ServerInfo, SignatureHelp, SignatureHelpOptions, SignatureHelpParams,
    SignatureInformation, TextDocumentContentChangeEvent, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Url, WorkspaceEdit,
};
use tower_lsp::{Client, LanguageServer, LspService};

use crate::analysis::{self, Analysis, Kind, TOKEN_TYPES};
use ottl_types::complete::CandidateKind;

/// Line starts of a text, for converting between byte offsets and LSP positions.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn position(&self, offset: u32) -> Position {
        let offset = (offset as usize).min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self.text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        Position { line: line as u32, character: column as u32 }
    }

    fn range(&self, r: TextRange) -> Range {
        Range { start: self.position(r.start), end: self.position(r.end) }
    }

    fn offset(&self, p: Position) -> u32 {
        let Some(&start) = self.starts.get(p.line as usize) else { return self.text.len() as u32 };
        let end = self.starts.get(p.line as usize + 1).copied().unwrap_or(self.text.len());
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= p.character as usize {
                return (start + i) as u32;
            }
            units += c.len_utf16();
        }
        end as u32
    }
}

#[derive(Debug)]
struct Document {
    text: String,
    analysis: Arc<Analysis>,
}

/// The language server.
#[derive(Debug)]
pub struct Server {
    client: Client,
    documents: Mutex<HashMap<Url, Document>>,
    /// Told when the client has shut the server down (its `exit` follows).
    done: Arc<tokio::sync::Notify>,
}

impl Server {
    pub fn service(done: Arc<tokio::sync::Notify>) -> (LspService<Server>, tower_lsp::ClientSocket) {
        LspService::new(|client| Server { client, documents: Mutex::default(), done })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Url, Document>> {
        self.documents.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Analyses a document's text and publishes its diagnostics.
    async fn update(&self, uri: Url, text: String, version: Option<i32>) {
        let kind = Kind::of(uri.path());
        let analysis = Arc::new(Analysis::new(kind, &text));
        let diagnostics = {
            let lines = Lines::new(&text);
            analysis.diagnostics.iter().map(|d| diagnostic(&lines, &uri, d)).collect()
        };
        self.lock().insert(uri.clone(), Document { text, analysis });
        self.client.publish_diagnostics(uri, diagnostics, version).await;
    }

    fn with<R>(&self, uri: &Url, f: impl FnOnce(&Document, &Lines<'_>) -> R) -> Option<R> {
        let docs = self.lock();
        let doc = docs.get(uri)?;
        let lines = Lines::new(&doc.text);
        Some(f(doc, &lines))
    }
}

fn diagnostic(lines: &Lines<'_>, uri: &Url, d: &ottl_syntax::Diagnostic) -> Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related = d
        .labels
        .iter()
        .skip(1)
        .map(|l| tower_lsp::lsp_types::DiagnosticRelatedInformation {
            location: tower_lsp::lsp_types::Location { uri: uri.clone(), range: lines.range(l.range) },
            message: l.message.clone(),
        })
        .collect::<Vec<_>>();
    let code = d.code.as_str();
    Diagnostic {
        range: lines.range(d.range()),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(code.to_string())),
        code_description: Url::parse(&format!(
            "https://example.invalid/ottl/blob/main/testdata/diagnostics/{code}_{}.ottl",
            d.code.info().slug
        ))
        .ok()
        .map(|href| CodeDescription { href }),
        source: Some("ottl".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data: d.fix.as_ref().map(|_| serde_json::json!({ "fix": true })),
        ..Diagnostic::default()
    }
}

/// A snippet for a function's required parameters: `Concat(${1:Vals}, ${2:Delimiter})`.
fn snippet(sig: &ottl_types::functions::Signature) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .filter(|p| !p.optional)
        .enumerate()
        .map(|(i, p)| format!("${{{}:{}}}", i + 1, p.name))
        .collect();
    format!("{}({})$0", sig.name, params.join(", "))
}

fn apply_change(text: &mut String, change: &TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let lines = Lines::new(text);
            let (start, end) = (lines.offset(range.start) as usize, lines.offset(range.end) as usize);
            if start <= end && end <= text.len() {
                text.replace_range(start..end, &change.text);
            }
        }
        None => text.clone_from(&change.text),
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Server {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "ottl".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some([".", "[", "\"", "("].map(String::from).to_vec()),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec!["(".into(), ",".into()]),
                    ..SignatureHelpOptions::default()
                }),
                document_formatting_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend: SemanticTokensLegend {
                            token_types: TOKEN_TYPES.iter().map(|t| SemanticTokenType::new(t)).collect(),
                            token_modifiers: Vec::new(),
                        },
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        ..SemanticTokensOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.client.log_message(MessageType::INFO, "ottl language server ready").await;
    }

    async fn shutdown(&self) -> Result<()> {
        // tower-lsp keeps reading after `exit` until its input ends; an editor that keeps the
        // pipe open would leave the process behind. The answer to `shutdown` goes out first.
        let done = self.done.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            done.notify_one();
        });
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.update(doc.uri, doc.text, Some(doc.version)).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(mut text) = self.lock().get(&uri).map(|d| d.text.clone()) else { return };
        for change in &params.content_changes {
            apply_change(&mut text, change);
        }
        self.update(uri, text, Some(params.text_document.version)).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.lock().remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        Ok(self
            .with(&at.text_document.uri, |doc, lines| {
                let (range, candidates) = doc.analysis.complete(lines.offset(at.position))?;
                let range = lines.range(range);
                let items = candidates
                    .into_iter()
                    .map(|c| {
                        let (kind, insert, format) = match (c.kind, c.function) {
                            (CandidateKind::Editor | CandidateKind::Converter, Some(sig)) => {
                                (CompletionItemKind::FUNCTION, snippet(sig), InsertTextFormat::SNIPPET)
                            }
                            (k, _) => (
                                match k {
                                    CandidateKind::Field => CompletionItemKind::FIELD,
                                    CandidateKind::Context => CompletionItemKind::MODULE,
                                    CandidateKind::Enum => CompletionItemKind::ENUM_MEMBER,
                                    CandidateKind::Key => CompletionItemKind::VALUE,
                                    _ => CompletionItemKind::KEYWORD,
                                },
                                c.text.clone(),
                                InsertTextFormat::PLAIN_TEXT,
                            ),
                        };
                        CompletionItem {
                            label: c.text.trim_end_matches('(').to_string(),
                            kind: Some(kind),
                            detail: Some(c.detail),
                            documentation: c.function.map(|s| Documentation::String(s.summary.to_string())),
                            insert_text_format: Some(format),
                            text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: insert })),
                            ..CompletionItem::default()
                        }
                    })
                    .collect();
                Some(CompletionResponse::Array(items))
            })
            .flatten())
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(self
            .with(&at.text_document.uri, |doc, lines| {
                let text = doc.analysis.hover(lines.offset(at.position))?;
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: None,
                })
            })
            .flatten())
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        Ok(self
            .with(&at.text_document.uri, |doc, lines| {
                let (sig, arg) = doc.analysis.signature(lines.offset(at.position))?;
                let parameters = sig
                    .params
                    .iter()
                    .map(|p| ParameterInformation {
                        label: ParameterLabel::Simple(p.name.to_string()),
                        documentation: Some(Documentation::String(p.doc.to_string())),
                    })
                    .collect();
                Some(SignatureHelp {
                    signatures: vec![SignatureInformation {
                        label: sig.render(),
                        documentation: Some(Documentation::String(sig.summary.to_string())),
                        parameters: Some(parameters),
                        active_parameter: Some(arg as u32),
                    }],
                    active_signature: Some(0),
                    active_parameter: Some(arg as u32),
                })
            })
            .flatten())
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self.with(&params.text_document.uri, |doc, lines| {
            analysis::format(doc.analysis.kind, &doc.text)
                .into_iter()
                .map(|e| TextEdit { range: lines.range(e.range), new_text: e.replacement })
                .collect()
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let wanted = params.range;
        Ok(self.with(&uri, |doc, lines| {
            doc.analysis
                .diagnostics
                .iter()
                .filter_map(|d| {
                    let fix = d.fix.as_ref()?;
                    let range = lines.range(d.range());
                    // The diagnostics that touch the requested range.
                    if range.end < wanted.start || wanted.end < range.start {
                        return None;
                    }
                    let edits = fix
                        .edits
                        .iter()
                        .map(|e| TextEdit { range: lines.range(e.range), new_text: e.replacement.clone() })
                        .collect();
                    Some(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.message.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic(lines, &uri, d)]),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(uri.clone(), edits)])),
                            ..WorkspaceEdit::default()
                        }),
                        is_preferred: Some(true),
                        ..CodeAction::default()
                    }))
                })
                .collect()
        }))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self.with(&params.text_document.uri, |doc, lines| {
            let mut data = Vec::new();
            let (mut line, mut col) = (0, 0);
            for (range, ty) in doc.analysis.tokens() {
                let (start, end) = (lines.position(range.start), lines.position(range.end));
                if start.line != end.line {
                    continue;
                }
                let delta_line = start.line - line;
                let delta_start = if delta_line == 0 { start.character - col } else { start.character };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: end.character - start.character,
                    token_type: ty,
                    token_modifiers_bitset: 0,
                });
                (line, col) = (start.line, start.character);
            }
            SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data })
        }))
    }
}
