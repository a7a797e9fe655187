//! TLS mode: HTTPS verified against the emulator's test CA works (by address and by name, and
//! for SCP's signed URLs), while a client trusting only an unrelated CA, and plain HTTP to the
//! TLS port, fail.

use std::sync::Arc;

use portico_emulator::{Config, Emulator, FaultRule, unrelated_ca_pem};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A client that trusts exactly the certificates in `pems`.
fn client(pems: &[&str]) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for pem in pems {
        let cert = CertificateDer::from_pem_slice(pem.as_bytes()).expect("a PEM certificate");
        roots.add(cert).expect("a usable root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("client")
}

async fn tls_emulator() -> (Emulator, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        tls: true,
        tls_ca_out: Some(dir.path().join("emulator-ca.pem")),
        ..Config::default()
    };
    (Emulator::start(config).await.expect("start"), dir)
}

#[tokio::test]
async fn https_verified_against_the_test_ca_works() {
    let (emu, dir) = tls_emulator().await;
    let url = emu.url();
    let port = emu.addr().port();
    assert_eq!(url, format!("https://127.0.0.1:{port}"));
    let ca = emu.ca_pem().expect("a CA in TLS mode");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
    let path = dir.path().join("emulator-ca.pem");
    assert_eq!(emu.ca_path(), Some(path.as_path()));
    assert_eq!(std::fs::read_to_string(&path).expect("CA file"), ca);

    let client = client(&[ca]);
    let token = &emu.config().ionos_token;
    for base in [url.clone(), format!("https://localhost:{port}")] {
        let reply = client
            .get(format!("{base}/wireguardgateways"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{base}: {e:?}"));
        assert_eq!(reply.status(), 200, "{base}");
        let body = reply.text().await.expect("body");
        // Links the provider builds carry the scheme the client used.
        assert!(body.contains("\"self\":\"https://"), "{body}");
    }

    // Faults work over TLS as over plain HTTP.
    emu.add_fault(FaultRule::lose_response("/wireguardgateways"));
    let lost = client
        .get(format!("{url}/wireguardgateways"))
        .bearer_auth(token)
        .send()
        .await;
    assert!(
        lost.as_ref().is_err_and(|e| e.status().is_none()),
        "{lost:?}"
    );
}

#[tokio::test]
async fn a_client_trusting_only_an_unrelated_ca_refuses_the_server() {
    let (emu, _dir) = tls_emulator().await;
    let wrong = emu.wrong_ca_pem().expect("TLS mode").to_owned();
    assert_ne!(Some(wrong.as_str()), emu.ca_pem());
    let wrong_file = std::fs::read_to_string(emu.wrong_ca_path().expect("TLS mode"));
    assert_eq!(wrong_file.expect("wrong CA file"), wrong);
    let another = unrelated_ca_pem().expect("a CA");
    for ca in [wrong.as_str(), another.as_str()] {
        let refused = client(&[ca])
            .get(format!("{}/wireguardgateways", emu.url()))
            .send()
            .await
            .expect_err("an unknown issuer is refused");
        assert!(refused.is_connect(), "{refused:?}");
    }
    assert!(emu.requests().is_empty(), "no request got through");
}

#[tokio::test]
async fn plain_http_to_the_tls_port_gets_no_http_response() {
    let (emu, _dir) = tls_emulator().await;
    let plain = client(&[]);
    let url = format!("http://{}/wireguardgateways", emu.addr());
    let failed = plain.get(url).send().await;
    assert!(failed.is_err(), "{failed:?}");

    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let request = "GET /wireguardgateways HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    assert!(
        !bytes.starts_with(b"HTTP/"),
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn plain_mode_has_no_ca_and_tls_options_need_tls() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    assert!(emu.url().starts_with("http://"));
    assert!(emu.ca_pem().is_none() && emu.ca_path().is_none() && emu.wrong_ca_pem().is_none());
    let config = Config {
        tls_ca_out: Some("/tmp/never-written.pem".into()),
        ..Config::default()
    };
    let err = Emulator::start(config).await.expect_err("needs tls");
    assert!(format!("{err:#}").contains("without TLS"), "{err:#}");
}

#[tokio::test]
async fn the_temporary_ca_file_lives_as_long_as_the_emulator() {
    let emu = Emulator::start(Config {
        tls: true,
        ..Config::default()
    })
    .await
    .expect("start");
    let path = emu.ca_path().expect("TLS mode").to_owned();
    assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), emu.ca_pem());
    emu.shutdown().await;
    assert!(!path.exists(), "{} outlived the emulator", path.display());
}

/// SCP's signature: Base64 of HMAC-SHA256 over method, URL, timestamp, key, account, client.
fn scp_signature(secret: &str, method: &str, url: &str, timestamp: &str, key: &str) -> String {
    use base64::Engine as _;
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{method}{url}{timestamp}{key}Openapi").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn scp_signatures_cover_the_https_url_in_tls_mode() {
    let (emu, _dir) = tls_emulator().await;
    let client = client(&[emu.ca_pem().expect("TLS mode")]);
    let config = emu.config();
    let url = format!("{}/v1/vpn-gateways", emu.url());
    let plain_url = url.replacen("https://", "http://", 1);
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis()
        .to_string();
    let mut statuses = Vec::new();
    for signed in [&url, &plain_url] {
        let signature = scp_signature(
            &config.scp_secret_key,
            "GET",
            signed,
            &timestamp,
            &config.scp_access_key,
        );
        let reply = client
            .get(&url)
            .header("Scp-AccessKey", &config.scp_access_key)
            .header("Scp-Timestamp", &timestamp)
            .header("Scp-Signature", signature)
            .header("Scp-ClientType", "Openapi")
            .send()
            .await
            .expect("send");
        statuses.push(reply.status().as_u16());
    }
    assert_eq!(statuses, [200, 401], "signed over https, not over http");
}
