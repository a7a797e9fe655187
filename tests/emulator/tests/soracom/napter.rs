//! Napter port mappings.

use super::*;

pub(super) fn napter_by_sim(sim: &str) -> Value {
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
