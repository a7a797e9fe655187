//! End-to-end tests of the Soracom part of the emulator (auth, VPG and its sub-resources, Napter)
//! over real loopback connections, with a deliberately tiny HTTP/1.1 client. This file holds the
//! client and shared helpers; each module tests one part of the API.

mod auth;
mod canal;
mod gate;
mod napter;
mod vpg;

use std::time::Duration;

use portico_emulator::{Config, Emulator, FaultRule};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    fn next_key(&self) -> Option<&str> {
        self.header("x-soracom-next-key")
    }

    /// Asserts the status and the flat `{code, message}` body; returns the message.
    fn error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        let body = self.json();
        let code = body["code"].as_str().unwrap_or_default();
        let shaped = code.len() == 7
            && code[..3].bytes().all(|b| b.is_ascii_uppercase())
            && code[3..].bytes().all(|b| b.is_ascii_digit());
        assert!(shaped, "{body}");
        assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
        body["message"].as_str().unwrap_or_default().to_owned()
    }

    /// Asserts a success with an empty body.
    fn empty(&self, status: u16) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.body.is_empty(), "{}", self.body);
    }
}

async fn raw(
    emu: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{extra}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        emu.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    parse(&String::from_utf8_lossy(&bytes)).unwrap_or_else(|| panic!("no response to {path}"))
}

fn parse(text: &str) -> Option<Reply> {
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let reply = Reply {
        status,
        headers,
        body: String::new(),
    };
    let length: usize = reply
        .header("content-length")
        .map_or(Some(0), |l| l.parse().ok())?;
    (rest.len() == length).then(|| Reply {
        body: rest.to_owned(),
        ..reply
    })
}

/// A client holding one API key + token pair.
struct Api<'a> {
    emu: &'a Emulator,
    key: String,
    token: String,
}

async fn auth(emu: &Emulator, body: Value) -> Reply {
    raw(emu, "POST", "/v1/auth", &[], &body.to_string()).await
}

fn good_key(emu: &Emulator) -> Value {
    let config = emu.config();
    json!({ "authKeyId": config.soracom_auth_key_id, "authKey": config.soracom_auth_key })
}

impl<'a> Api<'a> {
    async fn login(emu: &'a Emulator) -> Api<'a> {
        Self::login_with(emu, good_key(emu)).await
    }

    async fn login_with(emu: &'a Emulator, body: Value) -> Api<'a> {
        let reply = auth(emu, body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        Api {
            emu,
            key: body["apiKey"].as_str().expect("apiKey").to_owned(),
            token: body["token"].as_str().expect("token").to_owned(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let body = body.map(Value::to_string).unwrap_or_default();
        let headers = [
            ("X-Soracom-API-Key", self.key.as_str()),
            ("X-Soracom-Token", self.token.as_str()),
            ("X-Soracom-Lang", "en"),
        ];
        raw(self.emu, method, &format!("/v1{path}"), &headers, &body).await
    }

    async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call("POST", path, Some(body)).await
    }

    async fn post_empty(&self, path: &str) -> Reply {
        self.call("POST", path, None).await
    }

    async fn put(&self, path: &str, body: &Value) -> Reply {
        self.call("PUT", path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path, None).await
    }

    /// Creates a VPG and returns its id.
    async fn create_vpg(&self, body: Value) -> String {
        let reply = self.post("/virtual_private_gateways", &body).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()["vpgId"].as_str().expect("vpgId").to_owned()
    }

    async fn vpg(&self, id: &str) -> Value {
        let reply = self.get(&format!("/virtual_private_gateways/{id}")).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    }
}

async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

fn ids(reply: &Reply, field: &str) -> Vec<String> {
    let body = reply.json();
    let items = body.as_array().unwrap_or_else(|| panic!("array: {body}"));
    items
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_owned())
        .collect()
}
