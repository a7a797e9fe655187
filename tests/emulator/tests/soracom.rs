//! End-to-end tests of the Soracom part of the emulator (auth, VPG and its sub-resources, Napter)
//! over real loopback connections, with a deliberately tiny HTTP/1.1 client.

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

#[tokio::test]
async fn auth_issues_pairs_and_every_call_needs_both_headers() {
    let emu = start(Config::default()).await;
    let wrong = json!({ "authKeyId": emu.config().soracom_auth_key_id, "authKey": "secret-nope" });
    auth(&emu, wrong).await.error(401);
    auth(&emu, json!({ "email": "a@example.com", "password": "x" }))
        .await
        .error(401);
    let mut too_long = good_key(&emu);
    too_long["tokenTimeoutSeconds"] = 172_801.into();
    auth(&emu, too_long).await.error(400);
    auth(&emu, json!("not an object")).await.error(400);

    let reply = auth(&emu, good_key(&emu)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert!(
        body["apiKey"]
            .as_str()
            .is_some_and(|k| k.starts_with("api-"))
    );
    assert!(body["token"].as_str().is_some_and(|t| t.len() >= 64));
    assert_eq!(body["operatorId"], emu.soracom_operator_id());
    assert!(emu.soracom_operator_id().starts_with("OP00"));
    assert!(body["userName"].is_null());
    let (key, token) = (
        body["apiKey"].as_str().unwrap_or_default(),
        body["token"].as_str().unwrap_or_default(),
    );

    let path = "/v1/virtual_private_gateways";
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("X-Soracom-API-Key", key)],
        &[("X-Soracom-Token", token)],
        &[("X-Soracom-API-Key", key), ("X-Soracom-Token", "wrong")],
    ];
    for headers in cases {
        raw(&emu, "GET", path, headers, "").await.error(401);
    }
    let good = [("X-Soracom-API-Key", key), ("X-Soracom-Token", token)];
    let reply = raw(&emu, "GET", path, &good, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!([]));

    let auths = emu
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/auth")
        .count();
    assert_eq!(auths, 5);
}

#[tokio::test]
async fn tokens_expire_on_the_emulator_clock_and_logout_revokes() {
    let emu = start(Config::default()).await;
    let mut short = good_key(&emu);
    short["tokenTimeoutSeconds"] = 60.into();
    let short = Api::login_with(&emu, short).await;
    let long = Api::login(&emu).await;
    assert_eq!(short.get("/port_mappings").await.status, 200);
    emu.advance_clock(Duration::from_secs(61));
    short.get("/port_mappings").await.error(401);
    assert_eq!(long.get("/port_mappings").await.status, 200);
    emu.advance_clock(Duration::from_secs(86_400));
    long.get("/port_mappings").await.error(401);

    let api = Api::login(&emu).await;
    api.post_empty("/auth/logout").await.empty(204);
    api.get("/port_mappings").await.error(401);
}

#[tokio::test]
async fn expire_switch_revokes_every_issued_token() {
    let emu = start(Config::default()).await;
    let first = Api::login(&emu).await;
    let second = Api::login(&emu).await;
    emu.expire_soracom_tokens();
    first.get("/port_mappings").await.error(401);
    second.get("/port_mappings").await.error(401);
    let fresh = Api::login(&emu).await;
    assert_eq!(fresh.get("/port_mappings").await.status, 200);

    // The same switch over the admin endpoint.
    let reply = raw(&emu, "POST", "/_emulator/soracom/expire_tokens", &[], "").await;
    assert_eq!(reply.status, 204);
    fresh.get("/port_mappings").await.error(401);
}

#[tokio::test]
async fn uses_switch_expires_new_tokens_after_n_requests() {
    let emu = start(Config::default()).await;
    let before = Api::login(&emu).await;
    emu.set_soracom_token_uses(Some(2));
    let limited = Api::login(&emu).await;
    assert_eq!(limited.get("/port_mappings").await.status, 200);
    assert_eq!(limited.get("/virtual_private_gateways").await.status, 200);
    limited.get("/port_mappings").await.error(401);
    for _ in 0..3 {
        assert_eq!(before.get("/port_mappings").await.status, 200);
    }

    let set = raw(
        &emu,
        "PUT",
        "/_emulator/soracom/token_uses",
        &[],
        r#"{"uses": 1}"#,
    )
    .await;
    assert_eq!(set.json(), json!({ "uses": 1 }));
    let once = Api::login(&emu).await;
    assert_eq!(once.get("/port_mappings").await.status, 200);
    once.get("/port_mappings").await.error(401);
    emu.set_soracom_token_uses(None);
    let unlimited = Api::login(&emu).await;
    for _ in 0..3 {
        assert_eq!(unlimited.get("/port_mappings").await.status, 200);
    }
    let auths = emu
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/auth")
        .count();
    assert_eq!(auths, 4);
}

#[tokio::test]
async fn errors_use_the_soracom_dialect() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    api.get("/no_such_thing").await.error(404);
    api.delete("/virtual_private_gateways").await.error(405);
    let message = api.get("/virtual_private_gateways/nope").await.error(404);
    assert!(message.contains("nope"), "{message}");
    emu.add_fault(FaultRule::status("/v1/port_mappings", 503));
    api.get("/port_mappings").await.error(503);
    assert_eq!(api.get("/port_mappings").await.status, 200);
}

#[tokio::test]
async fn vpgs_are_created_listed_filtered_and_paged() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    api.post("/virtual_private_gateways", &json!({ "type": 13 }))
        .await
        .error(400);
    api.post("/virtual_private_gateways", &json!({}))
        .await
        .error(400);
    api.post(
        "/virtual_private_gateways",
        &json!({ "type": 14, "deviceSubnetCidrRange": "10.0.0.1/8" }),
    )
    .await
    .error(400);

    let created = api
        .post(
            "/virtual_private_gateways",
            &json!({ "type": 14, "tags": { "name": "alpha", "env": "prod-1" } }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let vpg = created.json();
    assert_eq!(vpg["status"], "running");
    assert_eq!(vpg["type"], 14);
    assert_eq!(vpg["operatorId"], emu.soracom_operator_id());
    assert_eq!(vpg["deviceSubnetCidrRange"], "10.128.0.0/9");
    assert_eq!(vpg["placement"]["region"], "ap-northeast-1");
    assert_eq!(vpg["useInternetGateway"], true);
    assert_eq!(vpg["gateOpened"], false);
    assert_eq!(vpg["gateVxlanId"], 10);
    assert_eq!(vpg["mirroring"], json!({ "peers": {} }));
    assert!(
        vpg["createdTime"]
            .as_u64()
            .is_some_and(|t| t > 1_600_000_000_000)
    );
    let alpha = vpg["vpgId"].as_str().unwrap_or_default().to_owned();
    let beta = api
        .create_vpg(
            json!({ "type": 15, "placement": { "region": "eu-central-1" },
                            "tags": { "env": "prod-2" } }),
        )
        .await;
    let gamma = api
        .create_vpg(json!({ "type": 242, "tags": { "env": "staging" } }))
        .await;
    assert_eq!(
        api.vpg(&beta).await["tags"],
        json!({ "env": "prod-2", "name": "" })
    );

    let first = api.get("/virtual_private_gateways?limit=2").await;
    assert_eq!(ids(&first, "vpgId"), [alpha.as_str(), beta.as_str()]);
    assert_eq!(first.next_key(), Some(beta.as_str()));
    let second = api
        .get(&format!(
            "/virtual_private_gateways?limit=2&last_evaluated_key={beta}"
        ))
        .await;
    assert_eq!(ids(&second, "vpgId"), [gamma.as_str()]);
    assert_eq!(second.next_key(), None);
    let all = api.get("/virtual_private_gateways").await;
    assert_eq!(ids(&all, "vpgId").len(), 3);
    assert_eq!(all.next_key(), None);

    let exact = api
        .get("/virtual_private_gateways?tag_name=env&tag_value=prod-2")
        .await;
    assert_eq!(ids(&exact, "vpgId"), [beta.as_str()]);
    let prefix = api
        .get("/virtual_private_gateways?tag_name=env&tag_value=prod&tag_value_match_mode=prefix")
        .await;
    assert_eq!(ids(&prefix, "vpgId"), [alpha.as_str(), beta.as_str()]);
    api.get("/virtual_private_gateways?tag_name=env")
        .await
        .error(400);
    api.get("/virtual_private_gateways?tag_name=env&tag_value=x&tag_value_match_mode=regex")
        .await
        .error(400);
    api.get("/virtual_private_gateways?limit=0")
        .await
        .error(400);
}

#[tokio::test]
async fn tags_fixed_ips_routing_filter_and_traffic_filtering() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 14 })).await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.put(
        &vpg("/tags"),
        &json!([{ "tagName": "name", "tagValue": "edge" },
                                    { "tagName": "team", "tagValue": "iot" }]),
    )
    .await
    .empty(204);
    assert_eq!(
        api.vpg(&id).await["tags"],
        json!({ "name": "edge", "team": "iot" })
    );
    api.delete(&vpg("/tags/team")).await.empty(204);
    api.delete(&vpg("/tags/team")).await.error(404);
    api.delete(&vpg("/tags/name")).await.empty(204);
    assert_eq!(api.vpg(&id).await["tags"], json!({ "name": "" }));

    let assigned = api.post_empty(&vpg("/fixed_public_ip_addresses")).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.json()["fixedIpAddressesEnabled"], true);
    assert_eq!(
        assigned.json()["fixedPublicIpAddresses"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    api.post_empty(&vpg("/fixed_public_ip_addresses"))
        .await
        .error(400);
    let released = api.delete(&vpg("/fixed_public_ip_addresses")).await;
    assert_eq!(released.json()["fixedIpAddressesEnabled"], false);
    api.delete(&vpg("/fixed_public_ip_addresses"))
        .await
        .error(400);

    let filter = json!([{ "action": "deny", "ipRange": "192.168.0.0/16" },
                        { "action": "allow", "ipRange": "0.0.0.0/0" }]);
    api.post(&vpg("/set_routing_filter"), &filter)
        .await
        .empty(200);
    assert_eq!(api.vpg(&id).await["routingFilterEntries"], filter);
    api.post(
        &vpg("/set_routing_filter"),
        &json!([{ "action": "drop", "ipRange": "10.0.0.0/8" }]),
    )
    .await
    .error(400);

    api.post_empty(&vpg("/traffic_filtering/enable"))
        .await
        .empty(201);
    let fqdn = json!({ "rules": [{ "type": "fqdn", "protocol": 6, "action": "allow",
                                    "fqdnPattern": "*.example.com", "fromPort": 443, "toPort": 443 }] });
    api.put(&vpg("/traffic_filtering/fqdn_rules"), &fqdn)
        .await
        .empty(200);
    let bad = json!({ "rules": [{ "type": "fqdn", "protocol": 6, "action": "deny",
                                   "fqdnPattern": "example.com" }] });
    api.put(&vpg("/traffic_filtering/fqdn_rules"), &bad)
        .await
        .error(400);
    let uplink = json!({ "rules": [{ "type": "ip", "protocol": 255, "action": "deny",
                                      "cidr": "198.51.100.0/24" }] });
    api.put(&vpg("/traffic_filtering/uplink_rules"), &uplink)
        .await
        .empty(200);
    let shown = api.vpg(&id).await["trafficFiltering"].clone();
    assert_eq!(shown["enabled"], true);
    assert_eq!(shown["fqdnRules"][0]["fqdnPattern"], "*.example.com");
    assert_eq!(shown["uplinkRules"][0]["cidr"], "198.51.100.0/24");
    api.post_empty(&vpg("/traffic_filtering/disable"))
        .await
        .empty(204);
    assert_eq!(api.vpg(&id).await["trafficFiltering"]["enabled"], false);
}

#[tokio::test]
async fn terminate_removes_the_vpg_after_the_delete_delay() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let quick = api.create_vpg(json!({ "type": 14 })).await;
    api.post_empty(&format!("/virtual_private_gateways/{quick}/terminate"))
        .await
        .empty(200);
    api.get(&format!("/virtual_private_gateways/{quick}"))
        .await
        .error(404);
    api.post_empty(&format!("/virtual_private_gateways/{quick}/terminate"))
        .await
        .error(404);

    emu.set_delete_delay(Duration::from_secs(30));
    let slow = api.create_vpg(json!({ "type": 14 })).await;
    api.post_empty(&format!("/virtual_private_gateways/{slow}/terminate"))
        .await
        .empty(200);
    assert_eq!(api.vpg(&slow).await["status"], "terminating");
    api.post_empty(&format!("/virtual_private_gateways/{slow}/terminate"))
        .await
        .error(400);
    api.post_empty(&format!("/virtual_private_gateways/{slow}/gate/open"))
        .await
        .error(400);
    emu.advance_clock(Duration::from_secs(30));
    api.get(&format!("/virtual_private_gateways/{slow}"))
        .await
        .error(404);
    assert_eq!(api.get("/virtual_private_gateways").await.json(), json!([]));
}

#[tokio::test]
async fn gate_peers_sim_routing_and_ip_address_map() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api
        .create_vpg(json!({ "type": 14, "deviceSubnetCidrRange": "10.0.0.0/24" }))
        .await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.10" }),
    )
    .await
    .error(400);
    api.post_empty(&vpg("/gate/routing/static/sims/enable"))
        .await
        .error(400);
    api.post_empty(&vpg("/gate/close")).await.error(400);
    api.post(&vpg("/gate/open"), &json!({ "vxlanId": 0 }))
        .await
        .error(400);
    api.post(
        &vpg("/gate/open"),
        &json!({ "vxlanId": 42, "privacySeparatorEnabled": true }),
    )
    .await
    .empty(200);
    api.post_empty(&vpg("/gate/open")).await.error(400);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["gateOpened"], true);
    assert_eq!(shown["gateVxlanId"], 42);
    assert_eq!(shown["gatePrivacySeparatorEnabled"], true);

    let peer = api
        .post(
            &vpg("/gate/peers"),
            &json!({ "outerIpAddress": "172.31.0.10" }),
        )
        .await;
    assert_eq!(peer.status, 200, "{}", peer.body);
    assert_eq!(
        peer.json(),
        json!({ "outerIpAddress": "172.31.0.10", "innerIpAddress": "10.0.0.2",
                "netmask": "255.255.255.0", "ownedByCustomer": true })
    );
    let explicit = api
        .post(
            &vpg("/gate/peers"),
            &json!({ "outerIpAddress": "172.31.0.11", "innerIpAddress": "10.0.0.50" }),
        )
        .await;
    assert_eq!(explicit.json()["innerIpAddress"], "10.0.0.50");
    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.10" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.12", "innerIpAddress": "10.9.0.1" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.12", "innerIpAddress": "10.0.0.50" }),
    )
    .await
    .error(400);
    let peers = api.get(&vpg("/gate/peers")).await.json();
    let peers = peers.as_array().cloned().unwrap_or_default();
    assert_eq!(peers.len(), 3);
    let own: Vec<&Value> = peers
        .iter()
        .filter(|p| p["ownedByCustomer"] == false)
        .collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["innerIpAddress"], "10.0.0.1");
    let own_outer = own[0]["outerIpAddress"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    api.post(
        &vpg("/gate/set_vxlan_id"),
        &json!({ "vxlanId": 16_777_216 }),
    )
    .await
    .error(400);
    api.post(&vpg("/gate/set_vxlan_id"), &json!({ "vxlanId": 7 }))
        .await
        .empty(204);
    assert_eq!(api.vpg(&id).await["gateVxlanId"], 7);
    let toggled = api
        .post_empty(&vpg("/gate/disable_privacy_separator"))
        .await;
    assert_eq!(toggled.json()["gatePrivacySeparatorEnabled"], false);
    let toggled = api.post_empty(&vpg("/gate/enable_privacy_separator")).await;
    assert_eq!(toggled.json()["gatePrivacySeparatorEnabled"], true);

    api.post_empty(&vpg("/gate/routing/static/sims/enable"))
        .await
        .empty(201);
    let routes = json!({ "8942310022000012345": "192.168.10.0/24" });
    api.put(&vpg("/gate/routing/static/sims/routes"), &routes)
        .await
        .empty(200);
    api.put(
        &vpg("/gate/routing/static/sims/routes"),
        &json!({ "sim": "nope" }),
    )
    .await
    .error(400);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["enableSimBasedRouting"], true);
    assert_eq!(shown["simBasedRoutingConfig"], routes);
    api.post_empty(&vpg("/gate/routing/static/sims/disable"))
        .await
        .empty(204);

    // IP address map: the gateway's own peer, customer peers and static entries.
    let entry = api
        .post(
            &vpg("/ip_address_map"),
            &json!({ "key": "440101234567890", "ipAddress": "10.0.0.20" }),
        )
        .await;
    assert_eq!(entry.status, 200, "{}", entry.body);
    assert_eq!(entry.json()["type"], "static");
    assert_eq!(entry.json()["hostId"], "440101234567890");
    let moved = api
        .post(
            &vpg("/ip_address_map"),
            &json!({ "key": "440101234567890", "ipAddress": "10.0.0.21" }),
        )
        .await;
    assert_eq!(moved.json()["ipAddress"], "10.0.0.21");
    api.post(
        &vpg("/ip_address_map"),
        &json!({ "key": "440101234567891", "ipAddress": "10.0.0.2" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/ip_address_map"),
        &json!({ "key": "10.0.0.2", "ipAddress": "10.0.0.30" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/ip_address_map"),
        &json!({ "key": "440101234567892", "ipAddress": "10.1.0.30" }),
    )
    .await
    .error(400);
    let map = api.get(&vpg("/ip_address_map")).await;
    let types: Vec<String> = ids(&map, "type");
    assert_eq!(
        types,
        ["gatePeer", "customerGatePeer", "customerGatePeer", "static"]
    );
    let page = api.get(&vpg("/ip_address_map?limit=3")).await;
    assert_eq!(ids(&page, "key"), ["10.0.0.1", "10.0.0.2", "10.0.0.50"]);
    assert_eq!(page.next_key(), Some("10.0.0.50"));
    let rest = api
        .get(&vpg("/ip_address_map?limit=3&last_evaluated_key=10.0.0.50"))
        .await;
    assert_eq!(ids(&rest, "key"), ["440101234567890"]);
    assert_eq!(rest.next_key(), None);
    api.delete(&vpg("/ip_address_map/10.0.0.2"))
        .await
        .error(400);
    api.delete(&vpg("/ip_address_map/440101234567890"))
        .await
        .empty(204);
    api.delete(&vpg("/ip_address_map/440101234567890"))
        .await
        .error(404);

    api.delete(&vpg(&format!("/gate/peers/{own_outer}")))
        .await
        .error(400);
    api.delete(&vpg("/gate/peers/172.31.0.10")).await.empty(204);
    api.delete(&vpg("/gate/peers/172.31.0.10")).await.error(404);
    api.post_empty(&vpg("/gate/close")).await.empty(200);
    assert_eq!(api.get(&vpg("/gate/peers")).await.json(), json!([]));
    assert_eq!(api.vpg(&id).await["gateOpened"], false);
    api.get("/virtual_private_gateways/missing/gate/peers")
        .await
        .error(404);
}

#[tokio::test]
async fn junction_mirroring_inspection_and_redirection() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 14 })).await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.post(
        &vpg("/junction/mirroring/peers"),
        &json!({ "protocol": "gre" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/junction/mirroring/peers"),
        &json!({ "ipAddress": "10.1.1.1", "protocol": "gre", "description": "tap" }),
    )
    .await
    .empty(201);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["mirroring"]["peers"]["10.1.1.1"]["enabled"], false);
    assert_eq!(shown["junctionEnabled"], false);
    let update =
        json!([{ "key": "enabled", "value": "true" }, { "key": "description", "value": "on" }]);
    api.put(&vpg("/junction/mirroring/peers/10.1.1.1"), &update)
        .await
        .empty(200);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["mirroring"]["peers"]["10.1.1.1"]["description"], "on");
    assert_eq!(shown["junctionEnabled"], true);
    api.put(
        &vpg("/junction/mirroring/peers/10.1.1.1"),
        &json!([{ "key": "color", "value": "x" }]),
    )
    .await
    .error(400);
    api.put(&vpg("/junction/mirroring/peers/10.9.9.9"), &update)
        .await
        .error(404);
    api.delete(&vpg("/junction/mirroring/peers/10.1.1.1"))
        .await
        .empty(204);
    api.delete(&vpg("/junction/mirroring/peers/10.1.1.1"))
        .await
        .error(404);

    api.post(
        &vpg("/junction/set_inspection"),
        &json!({ "enabled": true }),
    )
    .await
    .empty(200);
    assert_eq!(api.vpg(&id).await["inspection"], json!({ "enabled": true }));
    api.post_empty(&vpg("/junction/unset_inspection"))
        .await
        .empty(200);
    assert_eq!(
        api.vpg(&id).await["inspection"],
        json!({ "enabled": false })
    );
    api.post(
        &vpg("/junction/set_redirection"),
        &json!({ "enabled": true, "gateway": "bad" }),
    )
    .await
    .error(400);
    let redirection = json!({ "enabled": true, "gateway": "10.2.2.2", "description": "fw" });
    api.post(&vpg("/junction/set_redirection"), &redirection)
        .await
        .empty(200);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["redirection"], redirection);
    assert_eq!(shown["junctionEnabled"], true);
    api.post_empty(&vpg("/junction/unset_redirection"))
        .await
        .empty(200);
    assert_eq!(api.vpg(&id).await["junctionEnabled"], false);
}

#[tokio::test]
async fn packet_capture_sessions_move_with_the_clock() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 14 })).await;
    let sessions = format!("/virtual_private_gateways/{id}/packet_capture_sessions");

    api.post(&sessions, &json!({ "duration": 29 }))
        .await
        .error(400);
    api.post(&sessions, &json!({ "duration": 86_401 }))
        .await
        .error(400);
    api.post(
        &sessions,
        &json!({ "duration": 60, "prefix": "bad/prefix" }),
    )
    .await
    .error(400);
    api.post(&sessions, &json!({ "prefix": "x" }))
        .await
        .error(400);

    let created = api
        .post(&sessions, &json!({ "duration": 60, "prefix": "cap_1" }))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.json()["status"], "REQUESTED");
    let first = created.json()["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let one = |sid: &str| format!("{sessions}/{sid}");
    assert_eq!(api.get(&one(&first)).await.json()["status"], "CAPTURING");
    let stopped = api.post_empty(&format!("{}/stop", one(&first))).await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    assert_eq!(stopped.json()["status"], "STOPPED");
    assert!(stopped.json()["url"].is_string());
    api.post_empty(&format!("{}/stop", one(&first)))
        .await
        .error(400);

    let second = api.post(&sessions, &json!({ "duration": 30 })).await.json()["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    emu.advance_clock(Duration::from_secs(30));
    let done = api.get(&one(&second)).await.json();
    assert_eq!(done["status"], "DONE");
    assert!(done["startedTime"].is_string() && done["endedTime"].is_string());
    api.post_empty(&format!("{}/stop", one(&second)))
        .await
        .error(400);

    // With a provision delay every short step takes that long.
    emu.set_provision_delay(Duration::from_secs(10));
    let third = api.post(&sessions, &json!({ "duration": 30 })).await.json()["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let status = |reply: Reply| {
        reply.json()["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(status(api.get(&one(&third)).await), "REQUESTED");
    for (advance, expected) in [
        (10, "ACCEPTED"),
        (10, "CAPTURING"),
        (30, "POST_PROCESSING"),
        (10, "DONE"),
    ] {
        emu.advance_clock(Duration::from_secs(advance));
        assert_eq!(status(api.get(&one(&third)).await), expected);
    }

    let page = api.get(&format!("{sessions}?limit=2")).await;
    assert_eq!(ids(&page, "sessionId"), [first.as_str(), second.as_str()]);
    assert_eq!(page.next_key(), Some(second.as_str()));
    let rest = api
        .get(&format!("{sessions}?limit=2&last_evaluated_key={second}"))
        .await;
    assert_eq!(ids(&rest, "sessionId"), [third.as_str()]);
    assert_eq!(rest.next_key(), None);

    let deleted = api.delete(&one(&first)).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["sessionId"], first.as_str());
    api.get(&one(&first)).await.error(404);
    api.delete(&one(&first)).await.error(404);
}

#[tokio::test]
async fn canal_routes_peering_and_transit_gateways() {
    let emu = start(Config {
        provision_delay: Duration::from_secs(5),
        ..Config::default()
    })
    .await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 15 })).await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.post(
        &vpg("/customer_routes"),
        &json!({ "destinationCidr": "10.200.0.0/16", "target": "tgw-1" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/customer_routes"),
        &json!({ "destinationCidr": "172.16.0.0/16" }),
    )
    .await
    .error(400);
    let created = api
        .post(
            &vpg("/customer_routes"),
            &json!({ "destinationCidr": "172.16.0.0/16", "target": "tgw-1" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let route = created.json();
    assert_eq!(route["type"], "static");
    let route_id = route["id"].as_str().unwrap_or_default().to_owned();
    api.post(
        &vpg("/customer_routes"),
        &json!({ "destinationCidr": "10.200.0.0/16", "target": "tgw-1",
                      "ignoreDeviceSubnetCidrRangeOverlap": true }),
    )
    .await;
    let updated = api
        .put(
            &vpg(&format!("/customer_routes/{route_id}")),
            &json!({ "target": "tgw-2" }),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["target"], "tgw-2");
    assert_eq!(
        api.vpg(&id).await["customerRoutes"][&route_id]["target"],
        "tgw-2"
    );
    api.delete(&vpg(&format!("/customer_routes/{route_id}")))
        .await
        .empty(204);
    api.delete(&vpg(&format!("/customer_routes/{route_id}")))
        .await
        .error(404);
    api.put(&vpg("/customer_routes/nope"), &json!({ "target": "x" }))
        .await
        .error(404);

    let pcx_request = json!({ "destinationCidrBlock": "172.20.0.0/16", "peerOwnerId": "123456789012",
                              "peerRegion": "ap-northeast-1", "peerVpcId": "vpc-0abc" });
    let pcx = api
        .post(&vpg("/vpc_peering_connections"), &pcx_request)
        .await;
    assert_eq!(pcx.status, 201, "{}", pcx.body);
    let pcx_id = pcx.json()["id"].as_str().unwrap_or_default().to_owned();
    assert!(pcx_id.starts_with("pcx-"));
    assert_eq!(pcx.json()["peerVpcId"], "vpc-0abc");
    assert_eq!(
        api.vpg(&id).await["vpcPeeringConnections"][&pcx_id],
        "vpc-0abc"
    );
    api.delete(&vpg(&format!("/vpc_peering_connections/{pcx_id}")))
        .await
        .empty(204);
    api.delete(&vpg(&format!("/vpc_peering_connections/{pcx_id}")))
        .await
        .error(404);

    let peering_request = json!({ "customerAwsAccountId": "123456789012", "customerRegion": "us-west-2",
                                  "customerTransitGatewayId": "tgw-0cust", "name": "p" });
    api.post(
        &vpg("/transit_gateway_peering_connections"),
        &json!({ "name": "p" }),
    )
    .await
    .error(400);
    let peered = api
        .post(
            &vpg("/transit_gateway_peering_connections"),
            &peering_request,
        )
        .await;
    assert_eq!(peered.status, 201, "{}", peered.body);
    let peerings = peered.json()["soracomTransitGatewayPeeringConnections"].clone();
    let (peering_id, peering) = peerings
        .as_object()
        .and_then(|m| m.iter().next())
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("one peering");
    assert_eq!(peering["status"], "pending");
    emu.advance_clock(Duration::from_secs(5));
    let shown = api.vpg(&id).await;
    assert_eq!(
        shown["soracomTransitGatewayPeeringConnections"][&peering_id]["status"],
        "active"
    );
    api.delete(&vpg(&format!(
        "/transit_gateway_peering_connections/{peering_id}"
    )))
    .await
    .empty(204);
    api.delete(&vpg(&format!(
        "/transit_gateway_peering_connections/{peering_id}"
    )))
    .await
    .error(404);

    let attached = api
        .post(
            &vpg("/transit_gateway_vpc_attachments"),
            &json!({ "customerAwsAccountId": "123456789012", "customerVpcId": "vpc-1" }),
        )
        .await;
    assert_eq!(attached.status, 201, "{}", attached.body);
    let attachments = attached.json()["soracomTransitGatewayVpcAttachments"].clone();
    let attachment_id = attachments
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("one attachment");
    assert_eq!(attachments[&attachment_id]["status"], "acceptancePending");
    let accept = vpg(&format!(
        "/transit_gateway_vpc_attachments/{attachment_id}/accept"
    ));
    api.post_empty(&accept).await.empty(202);
    api.post_empty(&accept).await.error(400);
    let shown = api.vpg(&id).await;
    assert_eq!(
        shown["soracomTransitGatewayVpcAttachments"][&attachment_id]["status"],
        "active"
    );
    api.delete(&vpg(&format!(
        "/transit_gateway_vpc_attachments/{attachment_id}"
    )))
    .await
    .empty(204);
    api.post_empty(&accept).await.error(404);
}

fn napter_by_sim(sim: &str) -> Value {
    json!({ "destination": { "simId": sim, "service": "air", "port": 22 },
            "duration": 600, "source": { "ipRanges": ["198.51.100.0/24"] }, "tlsRequired": false })
}

#[tokio::test]
async fn napter_entries_are_created_listed_and_deleted() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    for bad in [
        json!({}),
        json!({ "destination": { "simId": "s" } }),
        json!({ "destination": { "port": 22 } }),
        json!({ "destination": { "simId": "s", "port": 22 }, "duration": 28_801 }),
        json!({ "destination": { "simId": "s", "port": 22, "service": "x" } }),
        json!({ "destination": { "simId": "s", "port": 22 }, "source": { "ipRanges": ["nope"] } }),
    ] {
        api.post("/port_mappings", &bad).await.error(400);
    }

    let created = api
        .post("/port_mappings", &napter_by_sim("8942310022000000001"))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let entry = created.json();
    let address = entry["ipAddress"].as_str().unwrap_or_default().to_owned();
    let port = entry["port"].as_u64().unwrap_or_default();
    assert!(address.starts_with("203.0.113."));
    assert_eq!(entry["endpoint"], format!("{address}:{port}"));
    assert!(entry["hostname"].is_string());
    assert_eq!(
        entry["destination"],
        json!({ "port": 22, "destinationChoosingStrategy": "AIR_PRIORITIZED",
                       "simId": "8942310022000000001" })
    );
    assert_eq!(entry["simId"], "8942310022000000001");
    assert_eq!(entry["duration"], 600);
    assert_eq!(entry["expired"], false);
    assert_eq!(entry["operatorId"], emu.soracom_operator_id());
    let created_ms = entry["createdTime"].as_u64().unwrap_or_default();
    assert_eq!(entry["expiredTime"].as_u64(), Some(created_ms + 600_000));

    let by_imsi = api
        .post(
            "/port_mappings",
            &json!({ "destination": { "imsi": "440101234567890", "port": 80 },
                                         "duration": 28_800, "tlsRequired": true }),
        )
        .await;
    assert_eq!(by_imsi.status, 201, "{}", by_imsi.body);
    assert_eq!(
        by_imsi.json()["destination"]["destinationChoosingStrategy"],
        "IMSI_PRIORITIZED"
    );
    assert_eq!(by_imsi.json()["source"]["ipRanges"], json!(["0.0.0.0/0"]));
    let for_sim = api
        .post(
            "/port_mappings/sims/8942310022000000001",
            &json!({ "destination": { "port": 443, "service": "arc" } }),
        )
        .await;
    assert_eq!(for_sim.status, 201, "{}", for_sim.body);
    assert_eq!(
        for_sim.json()["destination"]["destinationChoosingStrategy"],
        "ARC_PRIORITIZED"
    );
    assert_eq!(for_sim.json()["duration"], 3600);

    let sims = api.get("/port_mappings/sims/8942310022000000001").await;
    assert_eq!(sims.json().as_array().map(Vec::len), Some(2));
    api.get("/port_mappings/sims/unknown").await.error(404);
    let imsi = api.get("/port_mappings/subscribers/440101234567890").await;
    assert_eq!(imsi.json().as_array().map(Vec::len), Some(1));
    api.get("/port_mappings/subscribers/440109999999999")
        .await
        .error(404);

    let page = api.get("/port_mappings?limit=2").await;
    assert_eq!(page.json().as_array().map(Vec::len), Some(2));
    let key = page.next_key().expect("next key").to_owned();
    assert_eq!(ids(&page, "endpoint").last(), Some(&key));
    let rest = api
        .get(&format!("/port_mappings?limit=2&last_evaluated_key={key}"))
        .await;
    assert_eq!(rest.json().as_array().map(Vec::len), Some(1));
    assert_eq!(rest.next_key(), None);
    api.get("/port_mappings?last_evaluated_key=garbage")
        .await
        .error(400);

    api.delete(&format!("/port_mappings/{address}/{port}"))
        .await
        .empty(204);
    api.delete(&format!("/port_mappings/{address}/{port}"))
        .await
        .error(404);
    api.delete("/port_mappings/not-an-ip/1").await.error(404);
}

#[tokio::test]
async fn napter_entries_disappear_when_they_expire() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let mut short = napter_by_sim("8942310022000000002");
    short["duration"] = 60.into();
    assert_eq!(api.post("/port_mappings", &short).await.status, 201);
    assert_eq!(
        api.post("/port_mappings", &napter_by_sim("8942310022000000002"))
            .await
            .status,
        201
    );
    emu.advance_clock(Duration::from_secs(60));
    let left = api.get("/port_mappings").await.json();
    assert_eq!(left.as_array().map(Vec::len), Some(1));
    assert_eq!(left[0]["duration"], 600);
    emu.advance_clock(Duration::from_secs(540));
    assert_eq!(api.get("/port_mappings").await.json(), json!([]));
    api.get("/port_mappings/sims/8942310022000000002")
        .await
        .error(404);
}

#[tokio::test]
async fn reset_clears_resources_but_keeps_credentials() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    api.create_vpg(json!({ "type": 14 })).await;
    assert_eq!(
        api.post("/port_mappings", &napter_by_sim("s1"))
            .await
            .status,
        201
    );
    emu.set_soracom_token_uses(Some(1));
    emu.reset();
    assert_eq!(api.get("/virtual_private_gateways").await.json(), json!([]));
    assert_eq!(api.get("/port_mappings").await.json(), json!([]));
    let after = Api::login(&emu).await;
    for _ in 0..2 {
        assert_eq!(after.get("/port_mappings").await.status, 200);
    }
}

#[test]
fn binary_accepts_and_announces_soracom_keys() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_portico-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--soracom-auth-key-id",
            "keyId-demo",
            "--soracom-auth-key",
            "secret-demo",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn emulator");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    // A bounded wait, so a binary that never announces the keys fails instead of hanging.
    while let Ok(line) = receive.recv_timeout(Duration::from_secs(20)) {
        let last = line.starts_with("soracom auth key:");
        lines.push(line);
        if last {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"soracom auth key id: keyId-demo".to_owned()),
        "{lines:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("soracom auth key: secret-demo")
    );
}
