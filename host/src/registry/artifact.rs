//! What portico puts in a registry and takes out of it.
//!
//! **The adapter** is a CNCF Wasm artifact, as `oci-wasm` writes it: an image manifest
//! (`application/vnd.oci.image.manifest.v1+json`) whose config
//! (`application/vnd.wasm.config.v0+json`) lists the component's imports and exports and names
//! the world it targets (`portico:adapter/provider@VERSION`), and whose one layer
//! (`application/wasm`) is the component, byte for byte. Other Wasm tooling (`wkg`, Spin,
//! wasmCloud) pulls it as any component.
//!
//! **Its signature** is a companion artifact under the tag `sha256-<HEX>.sig`, where `HEX` is
//! the adapter manifest's digest (the tag cosign uses), with `subject` pointing at the adapter
//! manifest, artifact type [`SIGNATURE_ARTIFACT_TYPE`], an empty config and one layer: the
//! `.minisig` text, made over the component's bytes exactly as for a file. A tag rather than
//! the referrers API because a tag works on every registry (distribution 2.8, the one Debian
//! ships, has no referrers API), and `subject` is set so a registry that has the API lists
//! the signature as a referrer too.
//!
//! Every blob is checked against its digest by `oci-client` while it is read, and a read stops
//! at the size the (digest-checked) manifest gives, so a tampered or endless blob is refused
//! before anything is installed.

use super::{AdapterRef, Registry};
use anyhow::{Result, anyhow, bail};
use oci_client::client::{Config, ImageLayer};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciDescriptor, OciImageManifest};
use oci_wasm::{WASM_LAYER_MEDIA_TYPE, WASM_MANIFEST_MEDIA_TYPE, WasmConfig};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The artifact type of a portico signature artifact.
pub(crate) const SIGNATURE_ARTIFACT_TYPE: &str = "application/vnd.portico.adapter.signature.v1";
/// The media type of its layer, a minisign signature file.
pub(crate) const SIGNATURE_MEDIA_TYPE: &str = "application/vnd.portico.minisign.v1";
/// The OCI empty descriptor's media type (a config that says nothing).
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// Largest signature layer read; real ones are a few hundred bytes.
const MAX_SIGNATURE_BYTES: i64 = 64 * 1024;

/// The tag of the signature artifact of the manifest with `digest` (`sha256:HEX`).
pub(crate) fn signature_tag(digest: &str) -> String {
    format!("{}.sig", digest.replacen(':', "-", 1))
}

/// What a push left in the registry.
#[derive(Debug, Clone)]
pub(crate) struct Pushed {
    /// The digest of the adapter manifest.
    pub digest: String,
    /// Its size in bytes.
    pub size: i64,
}

/// An adapter read from a registry, every byte checked against its digest.
#[derive(Debug)]
pub(crate) struct Pulled {
    /// The digest of the manifest read.
    pub digest: String,
    /// The component.
    pub bytes: Vec<u8>,
    /// The world the config says the component targets, if it says.
    pub world: Option<String>,
    /// The text of the signature artifact's minisign signature, if there is one.
    pub signature: Option<String>,
}

impl Registry {
    /// The digest `reference` names now: its own, or the one its tag resolves to.
    pub(crate) async fn resolve(&self, reference: &AdapterRef) -> Result<String> {
        if let Some(digest) = reference.digest() {
            return Ok(digest.to_string());
        }
        self.client
            .fetch_manifest_digest(reference.oci(), &self.auth)
            .await
            .map_err(|e| self.explain(e, &format!("resolve {reference}")))
    }

    /// Every tag of `reference`'s repository.
    pub(crate) async fn tags(&self, reference: &AdapterRef) -> Result<Vec<String>> {
        const PAGE: usize = 1000;
        let what = format!("list the tags of {}", reference.repository());
        let mut tags: Vec<String> = Vec::new();
        loop {
            let last = tags.last().cloned();
            let page = self
                .client
                .list_tags(reference.oci(), &self.auth, Some(PAGE), last.as_deref())
                .await
                .map_err(|e| self.explain(e, &what))?;
            let full = page.tags.len() >= PAGE;
            tags.extend(page.tags);
            if !full || tags.last() == last.as_ref() {
                return Ok(tags);
            }
        }
    }

    /// Pushes `component` to `reference` (a tag), its config naming `world`, with the manifest
    /// `annotations`; returns the manifest the tag now names.
    pub(crate) async fn push(
        &self,
        reference: &AdapterRef,
        component: Vec<u8>,
        world: &str,
        annotations: BTreeMap<String, String>,
    ) -> Result<Pushed> {
        let what = format!("push {reference}");
        let (mut config, layer) = WasmConfig::from_raw_component(component, None)
            .map_err(|e| anyhow!("{e:#}").context("the file is not a WebAssembly component"))?;
        if let Some(component) = &mut config.component {
            component.target = Some(world.to_string());
        }
        let layer_digest = layer.sha256_digest();
        self.client
            .push(
                reference.oci(),
                &self.auth,
                layer,
                config,
                Some(annotations),
            )
            .await
            .map_err(|e| self.explain_any(e, &what))?;
        // Read back what the tag names: its digest and size are the signature's subject, and
        // its layer must be the one just pushed (nobody moved the tag meanwhile).
        let (body, digest) = self
            .client
            .pull_manifest_raw(reference.oci(), &self.auth, &[WASM_MANIFEST_MEDIA_TYPE])
            .await
            .map_err(|e| self.explain(e, &what))?;
        let manifest: OciImageManifest = serde_json::from_slice(&body)?;
        if manifest.layers.first().map(|l| l.digest.as_str()) != Some(layer_digest.as_str()) {
            bail!("tag {reference} was moved by someone else while it was being pushed");
        }
        Ok(Pushed {
            digest,
            size: i64::try_from(body.len())?,
        })
    }

    /// Pushes `signature` (a `.minisig` text) as the signature artifact of `subject`.
    pub(crate) async fn push_signature(
        &self,
        reference: &AdapterRef,
        subject: &Pushed,
        signature: &str,
        title: &str,
    ) -> Result<AdapterRef> {
        let at = reference.with_tag(&signature_tag(&subject.digest));
        let annotations = BTreeMap::from([(
            "org.opencontainers.image.title".to_string(),
            title.to_string(),
        )]);
        let layer = ImageLayer::new(
            signature.as_bytes().to_vec(),
            SIGNATURE_MEDIA_TYPE.to_string(),
            Some(annotations),
        );
        let config = Config::new(b"{}".to_vec(), EMPTY_MEDIA_TYPE.to_string(), None);
        let mut manifest = OciImageManifest::build(std::slice::from_ref(&layer), &config, None);
        manifest.media_type = Some(OCI_IMAGE_MEDIA_TYPE.to_string());
        manifest.artifact_type = Some(SIGNATURE_ARTIFACT_TYPE.to_string());
        manifest.subject = Some(OciDescriptor {
            media_type: WASM_MANIFEST_MEDIA_TYPE.to_string(),
            digest: subject.digest.clone(),
            size: subject.size,
            ..OciDescriptor::default()
        });
        let client: &oci_client::Client = self.client.as_ref();
        client
            .push(at.oci(), &[layer], config, &self.auth, Some(manifest))
            .await
            .map_err(|e| self.explain(e, &format!("push the signature {at}")))?;
        Ok(at)
    }

    /// Reads the adapter `reference` names, pinned to `digest`, and its signature; the layer
    /// may be at most `max_bytes`.
    pub(crate) async fn pull(
        &self,
        reference: &AdapterRef,
        digest: &str,
        max_bytes: u64,
    ) -> Result<Pulled> {
        let pinned = reference.pinned(digest);
        let what = format!("pull {pinned}");
        let (manifest, config, got) = self
            .client
            .pull_manifest_and_config(&pinned, &self.auth)
            .await
            .map_err(|e| self.explain_any(e, &what))?;
        if got != digest {
            bail!(
                "digest mismatch ({what}): registry {} served manifest {got}",
                self.host
            );
        }
        let Some(layer) = manifest.layers.first() else {
            bail!("{what}: the manifest has no layer");
        };
        if layer.media_type != WASM_LAYER_MEDIA_TYPE {
            bail!(
                "{what}: the layer is {}, not a component ({WASM_LAYER_MEDIA_TYPE})",
                layer.media_type
            );
        }
        if u64::try_from(layer.size).map_or(true, |size| size > max_bytes) {
            bail!(
                "{what}: the component is {} bytes, more than the {max_bytes} an adapter may be",
                layer.size
            );
        }
        let bytes = self.blob(&pinned, layer, &what).await?;
        let signature = self.signature(reference, digest).await?;
        Ok(Pulled {
            digest: got,
            bytes,
            world: config.component.and_then(|c| c.target),
            signature,
        })
    }

    /// The minisign text of the signature artifact of manifest `digest`, if there is one
    /// (a `.sig` tag holding something else, such as a cosign signature, is not one).
    async fn signature(&self, reference: &AdapterRef, digest: &str) -> Result<Option<String>> {
        let at = reference.with_tag(&signature_tag(digest));
        let what = format!("pull the signature {at}");
        let body = match self
            .client
            .pull_manifest_raw(at.oci(), &self.auth, &[OCI_IMAGE_MEDIA_TYPE])
            .await
        {
            Ok((body, _)) => body,
            Err(e) if super::not_found(&e) => return Ok(None),
            Err(e) => return Err(self.explain(e, &what)),
        };
        let manifest: OciImageManifest = serde_json::from_slice(&body)
            .map_err(|e| anyhow!("{what}: not an image manifest ({e})"))?;
        let ours = manifest.artifact_type.as_deref() == Some(SIGNATURE_ARTIFACT_TYPE)
            && manifest.subject.as_ref().map(|s| s.digest.as_str()) == Some(digest);
        let layer = manifest
            .layers
            .iter()
            .find(|l| l.media_type == SIGNATURE_MEDIA_TYPE);
        let (true, Some(layer)) = (ours, layer) else {
            tracing::debug!("{at} is not a portico signature of {digest}");
            return Ok(None);
        };
        if layer.size > MAX_SIGNATURE_BYTES {
            bail!("{what}: {} bytes is too large for a signature", layer.size);
        }
        let bytes = self.blob(at.oci(), layer, &what).await?;
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| anyhow!("{what}: the signature is not text"))
    }

    /// Reads blob `layer`, checked against its digest, stopping at its declared size.
    async fn blob(
        &self,
        at: &oci_client::Reference,
        layer: &OciDescriptor,
        what: &str,
    ) -> Result<Vec<u8>> {
        let limit = usize::try_from(layer.size)?;
        let mut out = Capped {
            bytes: Vec::with_capacity(limit),
            limit,
        };
        self.client
            .pull_blob(at, layer, &mut out)
            .await
            .map_err(|e| self.explain(e, what))?;
        Ok(out.bytes)
    }

    /// [`Registry::explain`] for the errors `oci-wasm` wraps.
    fn explain_any(&self, err: anyhow::Error, what: &str) -> anyhow::Error {
        match err.downcast::<OciDistributionError>() {
            Ok(e) => self.explain(e, what),
            Err(e) => anyhow!(self.scrub(format!("registry {} ({what}): {e:#}", self.host))),
        }
    }
}

/// A buffer that refuses to grow past `limit` bytes.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl tokio::io::AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.bytes.len() + buf.len() > self.limit {
            return Poll::Ready(Err(std::io::Error::other(format!(
                "the registry sent more than the {} bytes the manifest declares",
                self.limit
            ))));
        }
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt as _;

    #[test]
    fn the_signature_tag_is_the_cosign_one() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        assert_eq!(
            signature_tag(&digest),
            format!("sha256-{}.sig", "ab".repeat(32))
        );
    }

    #[tokio::test]
    async fn a_blob_longer_than_declared_is_cut_off() {
        let mut out = Capped {
            bytes: Vec::new(),
            limit: 4,
        };
        out.write_all(b"abcd").await.unwrap();
        let err = out.write_all(b"e").await.unwrap_err();
        assert!(err.to_string().contains("more than the 4 bytes"), "{err}");
        assert_eq!(out.bytes, b"abcd");
    }
}
