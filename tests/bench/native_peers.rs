//! The native baseline of the `apply` bench row: the same peer creates `portico apply` makes,
//! sent straight from Rust (reqwest on tokio, `--concurrency` in flight), as a script author
//! without portico would. Prints the wall time in milliseconds.
//!
//! `native-peers URL TOKEN GATEWAY_ID COUNT CONCURRENCY` (the token is read from the
//! environment variable named by TOKEN, so it is not on the command line).

use futures_util::StreamExt as _;
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, token_var, gateway, count, concurrency] = args.as_slice() else {
        anyhow::bail!("usage: native-peers URL TOKEN_VAR GATEWAY_ID COUNT CONCURRENCY");
    };
    let token = std::env::var(token_var)?;
    let count: usize = count.parse()?;
    let concurrency: usize = concurrency.parse()?;
    let started = Instant::now();
    // reqwest is built without a default crypto provider here, as in portico.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let url = format!(
        "{}/wireguardgateways/{gateway}/peers",
        url.trim_end_matches('/')
    );
    let failures = futures_util::stream::iter(0..count)
        .map(|i| {
            let (client, url, token) = (&client, &url, &token);
            async move {
                let body = serde_json::json!({"properties": {
                    "name": format!("native-{i}"),
                    "publicKey": format!("{:0>43}=", i),
                    "allowedIPs": [format!("10.9.{}.{}/32", i / 250, i % 250 + 1)],
                }});
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await?;
                response.error_for_status()?.bytes().await?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(concurrency)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    println!("{}", started.elapsed().as_millis());
    anyhow::ensure!(failures == 0, "{failures} creates failed");
    Ok(())
}
