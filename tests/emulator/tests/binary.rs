//! Tests of the `portico-emulator` binary: its announced lines, serving, and clean exit.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
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
