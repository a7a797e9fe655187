//! References to adapters in registries: `REGISTRY/NAMESPACE/NAME:TAG` or
//! `REGISTRY/NAMESPACE/NAME@sha256:DIGEST`, optionally written with `oci://` in front.
//!
//! The registry host must be written out: a bare `name:tag` would mean Docker Hub to other
//! tools, and an adapter is not something to fetch from a default nobody chose.

use crate::error::input;
use anyhow::Result;
use oci_client::Reference;
use std::fmt;

/// The scheme that marks a registry reference where a file path could stand.
pub(crate) const SCHEME: &str = "oci://";

/// A reference to an adapter in a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AdapterRef {
    inner: Reference,
    /// Whether the text named a tag (the parser fills in `latest` when it did not).
    tagged: bool,
}

impl AdapterRef {
    /// Parses `text` (with or without `oci://`).
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let bare = text.strip_prefix(SCHEME).unwrap_or(text);
        let explicit_host = bare.split_once('/').is_some_and(|(first, _)| {
            first.contains('.') || first.contains(':') || first == "localhost"
        });
        if !explicit_host {
            return Err(input(format!(
                "{text:?}: name the registry host first, as in \
                 oci://registry.example.com/namespace/name:1.0.0"
            )));
        }
        let inner = Reference::try_from(bare)
            .map_err(|e| input(format!("{text:?} is not an OCI reference: {e}")))?;
        let last = bare.rsplit('/').next().unwrap_or_default();
        let tagged = last
            .split('@')
            .next()
            .is_some_and(|name| name.contains(':'));
        Ok(Self { inner, tagged })
    }

    /// The registry host (with its port), as written.
    pub(crate) fn registry(&self) -> &str {
        self.inner.registry()
    }

    /// `REGISTRY/REPOSITORY`, without tag or digest.
    pub(crate) fn repository(&self) -> String {
        format!("{}/{}", self.inner.registry(), self.inner.repository())
    }

    /// The tag, if the reference names one.
    pub(crate) fn tag(&self) -> Option<&str> {
        self.tagged.then(|| self.inner.tag()).flatten()
    }

    /// The digest, if the reference names one.
    pub(crate) fn digest(&self) -> Option<&str> {
        self.inner.digest()
    }

    /// The same repository at `tag`.
    pub(crate) fn with_tag(&self, tag: &str) -> Self {
        Self {
            inner: Reference::with_tag(
                self.inner.registry().to_string(),
                self.inner.repository().to_string(),
                tag.to_string(),
            ),
            tagged: true,
        }
    }

    /// This reference pinned to `digest`: what the client fetches, whatever the tag says now.
    pub(crate) fn pinned(&self, digest: &str) -> Reference {
        self.inner.clone_with_digest(digest.to_string())
    }

    /// The reference as the client takes it.
    pub(crate) fn oci(&self) -> &Reference {
        &self.inner
    }
}

impl fmt::Display for AdapterRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repository())?;
        if let Some(tag) = self.tag() {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = self.digest() {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn tags_digests_and_the_registry_host() {
        let r = AdapterRef::parse("oci://127.0.0.1:5000/portico/toy-vpn:0.1.0").unwrap();
        assert_eq!(r.registry(), "127.0.0.1:5000");
        assert_eq!(r.repository(), "127.0.0.1:5000/portico/toy-vpn");
        assert_eq!(r.tag(), Some("0.1.0"));
        assert_eq!(r.digest(), None);
        assert_eq!(r.to_string(), "127.0.0.1:5000/portico/toy-vpn:0.1.0");
        let d = AdapterRef::parse(&format!("registry.example.com/a/b@{DIGEST}")).unwrap();
        assert_eq!((d.tag(), d.digest()), (None, Some(DIGEST)));
        assert_eq!(d.to_string(), format!("registry.example.com/a/b@{DIGEST}"));
        let untagged = AdapterRef::parse("localhost/a/b").unwrap();
        assert_eq!(untagged.tag(), None, "no implied `latest`");
        assert_eq!(untagged.with_tag("1.2.3").tag(), Some("1.2.3"));
        assert_eq!(
            untagged.pinned(DIGEST).to_string(),
            format!("localhost/a/b@{DIGEST}")
        );
    }

    #[test]
    fn a_reference_without_a_registry_host_is_refused() {
        for text in ["toy-vpn:0.1.0", "oci://portico/toy-vpn:0.1.0", "oci://"] {
            let err = AdapterRef::parse(text).unwrap_err().to_string();
            assert!(err.contains("name the registry host"), "{text}: {err}");
        }
        let err = AdapterRef::parse("registry.example.com/a/b@sha256:00")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an OCI reference"), "{err}");
    }
}
