//! Tests of the `portico-emulator` binary: its announced lines, serving (plain and TLS), its
//! flags, and clean exit.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;

use rustls::pki_types::pem::PemObject as _;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_portico-emulator");

#[test]
fn announces_url_and_tokens_then_serves_until_sigterm() {
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--ionos-token",
            "tok",
            "--provision-delay",
            "2s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn emulator");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("first line");
    let url = line
        .trim_end()
        .strip_prefix("listening on http://")
        .expect(&line)
        .to_owned();
    line.clear();
    stdout.read_line(&mut line).expect("token line");
    assert_eq!(line, "ionos token: tok\n");
    line.clear();
    stdout.read_line(&mut line).expect("read-only line");
    assert!(line.starts_with("ionos read-only token: "), "{line}");

    let mut stream = TcpStream::connect(&url).expect("connect");
    let request = format!(
        "GET /wireguardgateways HTTP/1.1\r\nHost: {url}\r\nAuthorization: Bearer tok\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
}

#[test]
fn refuses_a_non_loopback_address() {
    let output = Command::new(BIN)
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .expect("run emulator");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("non-loopback"), "{stderr}");
}

/// Reads announced lines up to the one starting with `prefix`, returning its remainder.
fn announced(stdout: &mut impl std::io::BufRead, prefix: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(
            stdout.read_line(&mut line).expect("line"),
            0,
            "no {prefix:?} line"
        );
        if let Some(rest) = line.trim_end().strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
}

#[test]
fn tls_latency_and_random_fault_flags_take_effect() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_out = dir.path().join("ca.pem");
    let mut child = Command::new(BIN)
        .args(["--tls", "--tls-ca-out"])
        .arg(&ca_out)
        .args([
            "--latency",
            "10ms",
            "--random-faults",
            "42:503=1,prefix=/v1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn emulator");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let addr = announced(&mut stdout, "listening on https://");
    assert_eq!(
        announced(&mut stdout, "tls ca: "),
        ca_out.display().to_string()
    );
    let wrong = announced(&mut stdout, "tls unrelated ca: ");
    assert!(std::fs::read_to_string(wrong).is_ok_and(|pem| pem.contains("BEGIN CERTIFICATE")));
    assert_eq!(announced(&mut stdout, "latency: "), "10ms");
    assert_eq!(
        announced(&mut stdout, "random faults: "),
        "42:503=1,prefix=/v1"
    );

    // One HTTPS request, verified against the CA file the flag named.
    let pem = std::fs::read(&ca_out).expect("CA file");
    let mut roots = rustls::RootCertStore::empty();
    let ca = rustls::pki_types::CertificateDer::from_pem_slice(&pem).expect("PEM");
    roots.add(ca).expect("root");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = "127.0.0.1".try_into().expect("server name");
    let tls = rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("client");
    let tcp = TcpStream::connect(&addr).expect("connect");
    let mut stream = rustls::StreamOwned::new(tls, tcp);
    let request = "GET /v1/anything HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 503"), "{response}");

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(killed.expect("kill").success());
    assert!(child.wait().expect("wait").success());
}

#[test]
fn refuses_invalid_random_faults_and_a_ca_path_without_tls() {
    let output = Command::new(BIN)
        .args(["--random-faults", "1:503=0.7,drop=0.5"])
        .output()
        .expect("run emulator");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("more than 1"), "{stderr}");

    let output = Command::new(BIN)
        .args(["--tls-ca-out", "/tmp/never.pem"])
        .output()
        .expect("run emulator");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tls"), "{stderr}");
}
