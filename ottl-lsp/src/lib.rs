//! The OTTL language server (`ottl lsp`), over `ottl-syntax` and `ottl-types` only: diagnostics
//! as you type, completion, hover, signature help, formatting, semantic tokens and quick fixes,
//! for `.ottl` files and for the statements inside Collector YAML.

pub mod analysis;
mod server;

pub use server::Server;

/// Serves LSP over standard input and output until the client shuts the server down or
/// closes its input.
pub async fn serve_stdio() {
    let done = std::sync::Arc::new(tokio::sync::Notify::new());
    let (service, socket) = Server::service(done.clone());
    let serve = tower_lsp::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service);
    tokio::select! {
        () = serve => {}
        () = done.notified() => {}
    }
}
