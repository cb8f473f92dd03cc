//! TLS end to end: a relay exports over OTLP/gRPC with mutual TLS and over OTLP/HTTP with TLS to
//! a runtime that listens only with TLS; every log arrives once per exporter. Clients without
//! the CA, or without a client certificate where one is required, are refused. Certificates
//! are made fresh by the test (rcgen).

mod common;

use std::path::Path;
use std::time::Duration;

use common::{config, file_items, out_dir};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// Writes ca.pem, server.pem/.key (localhost, 127.0.0.1) and client.pem/.key into `dir`.
fn make_certificates(dir: &Path) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, &ca_key);
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    for (name, sans) in [
        ("server", vec!["localhost".to_string(), "127.0.0.1".to_string()]),
        ("client", vec!["client".to_string()]),
    ] {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(sans).unwrap().signed_by(&key, &issuer).unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    }
}

fn logs(n: usize) -> ExportLogsServiceRequest {
    let records = (0..n)
        .map(|i| LogRecord {
            body: Some(AnyValue { value: Some(any_value::Value::StringValue(format!("tls {i}"))) }),
            ..LogRecord::default()
        })
        .collect();
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..ScopeLogs::default() }],
            ..ResourceLogs::default()
        }],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_over_tls_and_mutual_tls() {
    let dir = out_dir("tls");
    make_certificates(&dir);
    let d = dir.to_string_lossy().into_owned();
    let downstream = runtime::start(&config("tls_downstream.yaml", &[("DIR", &d)])).await.unwrap();
    let grpc = downstream.address("otlp", "grpc").unwrap();
    let http = downstream.address("otlp", "http").unwrap();
    let upstream = runtime::start(&config(
        "tls_upstream.yaml",
        &[("DIR", &d), ("GRPC", &grpc.to_string()), ("HTTP", &format!("localhost:{}", http.port()))],
    ))
    .await
    .unwrap();

    let mut client =
        LogsServiceClient::connect(format!("http://{}", upstream.address("otlp", "grpc").unwrap()))
            .await
            .unwrap();
    client.export(logs(5)).await.unwrap();
    client.export(logs(3)).await.unwrap();
    upstream.shutdown(Duration::from_secs(10)).await.unwrap();
    downstream.shutdown(Duration::from_secs(10)).await.unwrap();

    let mut got = file_items(&dir.join("received.jsonl"), "logs");
    got.sort();
    let mut want: Vec<String> = Vec::new();
    for n in [5, 3] {
        for i in 0..n {
            want.push(format!("tls {i}"));
            want.push(format!("tls {i}"));
        }
    }
    want.sort();
    assert_eq!(got.len(), want.len(), "each log once per exporter: {got:?}");
    for w in &want {
        assert!(got.iter().any(|g| g.contains(&format!("\"{w}\""))), "{w} missing from {got:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_without_trust_or_certificate_are_refused() {
    use tonic::transport::{Certificate, Channel, ClientTlsConfig};
    let dir = out_dir("tls-refused");
    make_certificates(&dir);
    let d = dir.to_string_lossy().into_owned();
    let downstream = runtime::start(&config("tls_downstream.yaml", &[("DIR", &d)])).await.unwrap();
    let grpc = downstream.address("otlp", "grpc").unwrap();
    let http = downstream.address("otlp", "http").unwrap();

    // Plaintext gRPC to a TLS port.
    let plain = LogsServiceClient::connect(format!("http://{grpc}")).await;
    let refused = match plain {
        Err(_) => true,
        Ok(mut c) => c.export(logs(1)).await.is_err(),
    };
    assert!(refused, "plaintext gRPC must not get through");

    // TLS that trusts the CA but has no client certificate: mutual TLS refuses it.
    let ca = Certificate::from_pem(std::fs::read(dir.join("ca.pem")).unwrap());
    let channel = Channel::from_shared(format!("https://localhost:{}", grpc.port()))
        .unwrap()
        .tls_config(ClientTlsConfig::new().ca_certificate(ca))
        .unwrap()
        .connect()
        .await;
    let refused = match channel {
        Err(_) => true,
        Ok(ch) => LogsServiceClient::new(ch).export(logs(1)).await.is_err(),
    };
    assert!(refused, "gRPC without a client certificate must be refused");

    // HTTPS from a client that does not trust the test CA.
    let body = prost::Message::encode_to_vec(&logs(1));
    let untrusting = reqwest::Client::builder().build().unwrap();
    let url = format!("https://localhost:{}/v1/logs", http.port());
    let err = untrusting.post(&url).body(body.clone()).send().await.expect_err("an unknown CA is refused");
    assert!(err.is_connect(), "{err:?}");

    // And one that does gets in.
    let ca = reqwest::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
    let trusting =
        reqwest::Client::builder().tls_built_in_root_certs(false).add_root_certificate(ca).build().unwrap();
    let response =
        trusting.post(&url).header("content-type", "application/x-protobuf").body(body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    downstream.shutdown(Duration::from_secs(10)).await.unwrap();
    assert_eq!(file_items(&dir.join("received.jsonl"), "logs").len(), 1);
}
