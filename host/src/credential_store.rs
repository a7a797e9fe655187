//! Named credentials and where they come from.
//!
//! A credential is a name plus fields (`token`, `username`, `password`, ...). Fields are looked
//! up, in order, in:
//! 1. environment variables `PORTICO_CREDENTIAL_<NAME>_<FIELD>` (upper case, `-` becomes `_`);
//! 2. the credentials file `config/credentials.toml`, which the host refuses to read when its
//!    group or others may read it;
//! 3. a `credential_process` command named in that file, which prints the fields as a JSON
//!    object on stdout.
//!
//! Values live in [`SecretString`]s and are never printed; listings show names and field names.

use crate::home::{self, Area, Home};
use crate::secret::SecretString;
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use zeroize::Zeroize as _;

const FILE: &str = "credentials.toml";
const PROCESS_KEY: &str = "credential_process";

/// A resolved credential.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credential {
    /// Its fields.
    pub fields: BTreeMap<String, SecretString>,
}

impl Credential {
    /// A field's value, if set and non-empty.
    pub(crate) fn field(&self, field: &str) -> Option<&SecretString> {
        self.fields.get(field).filter(|v| !v.is_empty())
    }
}

/// Where a stored credential comes from, for listings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Source {
    /// Values in the credentials file.
    File,
    /// A `credential_process` command.
    Process,
    /// Environment variables only.
    Environment,
}

/// A listing entry: the name, field names and source, never values.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Summary {
    /// Credential name.
    pub name: String,
    /// Field names.
    pub fields: Vec<String>,
    /// Where it comes from.
    pub source: Source,
}

/// The credentials of one portico home.
#[derive(Debug, Clone)]
pub(crate) struct CredentialStore {
    home: Home,
    /// Credentials that replace stored ones for this process (the conformance suite's wrong
    /// credential), by name.
    overrides: std::sync::Arc<BTreeMap<String, Credential>>,
}

type FileTable = BTreeMap<String, BTreeMap<String, String>>;

impl CredentialStore {
    /// The store of `home`.
    pub(crate) fn new(home: Home) -> Self {
        Self {
            home,
            overrides: Default::default(),
        }
    }

    /// This store, with credential `name` replaced by `fields` (nothing is written).
    pub(crate) fn with_override(&self, name: &str, fields: BTreeMap<String, SecretString>) -> Self {
        let mut overrides = (*self.overrides).clone();
        overrides.insert(name.to_string(), Credential { fields });
        Self {
            home: self.home.clone(),
            overrides: std::sync::Arc::new(overrides),
        }
    }

    /// Resolves credential `name`; `fields` are the field names to look for in the environment.
    pub(crate) fn resolve(&self, name: &str, fields: &[String]) -> Result<Credential> {
        home::validate_name("credential", name)?;
        if let Some(credential) = self.overrides.get(name) {
            return Ok(credential.clone());
        }
        let mut credential = Credential {
            fields: BTreeMap::new(),
        };
        let mut table = self.read_file()?;
        if let Some(mut entry) = table.remove(name) {
            if let Some(command) = entry.remove(PROCESS_KEY) {
                credential.fields.extend(run_process(name, &command)?);
            }
            for (field, mut value) in entry {
                credential
                    .fields
                    .insert(field, SecretString::new(value.clone()));
                value.zeroize();
            }
        }
        zeroize_table(table);
        for field in fields {
            if let Ok(value) = std::env::var(env_var(name, field)) {
                credential
                    .fields
                    .insert(field.clone(), SecretString::new(value));
            }
        }
        if credential.fields.is_empty() {
            let known: Vec<String> = self
                .list()
                .map(|l| l.into_iter().map(|s| s.name).collect())
                .unwrap_or_default();
            let hint = crate::suggest::hint(name, known.iter().map(String::as_str));
            bail!(
                "credential {name:?} not found{hint}: store it with `portico credential set \
                 {name}` or set {}",
                env_var(name, fields.first().map_or("FIELD", String::as_str))
            );
        }
        Ok(credential)
    }

    /// Stores `fields` under `name`, replacing what was there.
    pub(crate) fn set(&self, name: &str, fields: BTreeMap<String, SecretString>) -> Result<()> {
        home::validate_name("credential", name)?;
        let mut table = self.read_file()?;
        let entry = fields
            .into_iter()
            .map(|(k, v)| (k, v.expose().to_string()))
            .collect();
        if let Some(old) = table.insert(name.to_string(), entry) {
            zeroize_table(BTreeMap::from([(String::new(), old)]));
        }
        self.write_file(table)
    }

    /// Stores a `credential_process` command under `name`.
    pub(crate) fn set_process(&self, name: &str, command: &str) -> Result<()> {
        let fields = BTreeMap::from([(
            PROCESS_KEY.to_string(),
            SecretString::new(command.to_string()),
        )]);
        self.set(name, fields)
    }

    /// Removes `name`; `false` when it was not stored.
    pub(crate) fn remove(&self, name: &str) -> Result<bool> {
        home::validate_name("credential", name)?;
        let mut table = self.read_file()?;
        let removed = table.remove(name);
        let found = removed.is_some();
        if let Some(old) = removed {
            zeroize_table(BTreeMap::from([(String::new(), old)]));
            self.write_file(table)?;
        } else {
            zeroize_table(table);
        }
        Ok(found)
    }

    /// Stored credentials and credentials found only in the environment.
    pub(crate) fn list(&self) -> Result<Vec<Summary>> {
        let table = self.read_file()?;
        let mut out: Vec<Summary> = table
            .iter()
            .map(|(name, entry)| Summary {
                name: name.clone(),
                fields: entry.keys().cloned().collect(),
                source: if entry.contains_key(PROCESS_KEY) {
                    Source::Process
                } else {
                    Source::File
                },
            })
            .collect();
        zeroize_table(table);
        for (key, _) in std::env::vars_os() {
            let Some(rest) = key
                .to_str()
                .and_then(|k| k.strip_prefix("PORTICO_CREDENTIAL_"))
            else {
                continue;
            };
            out.push(Summary {
                name: format!("PORTICO_CREDENTIAL_{rest}"),
                fields: Vec::new(),
                source: Source::Environment,
            });
        }
        Ok(out)
    }

    fn read_file(&self) -> Result<FileTable> {
        let dir = self.home.dir(Area::Config)?;
        let path = self.home.path(Area::Config).join(FILE);
        let metadata = match dir.metadata(FILE) {
            Ok(m) => m,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(FileTable::new()),
            Err(err) => {
                return Err(err).with_context(|| format!("failed to read {}", path.display()));
            }
        };
        #[cfg(unix)]
        {
            use cap_std::fs::PermissionsExt as _;
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                bail!(
                    "refusing to read credentials file {}: it is readable by group or others \
                     (mode {mode:o}); run `chmod 600 {}`",
                    path.display(),
                    path.display()
                );
            }
        }
        #[cfg(not(unix))]
        let _ = metadata;
        let mut bytes = dir
            .read(FILE)
            .with_context(|| format!("failed to read {}", path.display()))?;
        let parsed = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| toml::from_str::<FileTable>(text).ok());
        bytes.zeroize();
        // The parse error is not shown: it could quote a secret value.
        parsed.with_context(|| {
            format!(
                "credentials file {} is not valid: expected [name] tables of string fields",
                path.display()
            )
        })
    }

    fn write_file(&self, table: FileTable) -> Result<()> {
        let dir = self.home.dir(Area::Config)?;
        let mut text = toml::to_string(&table).context("failed to encode credentials")?;
        zeroize_table(table);
        let result = home::write_atomic(&dir, FILE, text.as_bytes(), 0o600);
        text.zeroize();
        result
    }
}

/// The environment variable that holds `field` of credential `name`.
pub(crate) fn env_var(name: &str, field: &str) -> String {
    let upper = |s: &str| s.to_ascii_uppercase().replace('-', "_");
    format!("PORTICO_CREDENTIAL_{}_{}", upper(name), upper(field))
}

fn zeroize_table(table: FileTable) {
    for (_, entry) in table {
        for (_, mut value) in entry {
            value.zeroize();
        }
    }
}

fn run_process(name: &str, command: &str) -> Result<BTreeMap<String, SecretString>> {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("failed to run the credential_process of {name:?}"))?;
    let mut stdout = output.stdout;
    if !output.status.success() {
        stdout.zeroize();
        bail!(
            "the credential_process of {name:?} failed ({})",
            output.status
        );
    }
    let parsed: Option<BTreeMap<String, serde_json::Value>> = serde_json::from_slice(&stdout).ok();
    stdout.zeroize();
    let parsed = parsed.with_context(|| {
        format!("the credential_process of {name:?} did not print a JSON object")
    })?;
    let mut fields = BTreeMap::new();
    for (field, value) in parsed {
        match value {
            serde_json::Value::String(s) => {
                fields.insert(field, SecretString::new(s));
            }
            _ => bail!("the credential_process of {name:?} printed a non-string field {field:?}"),
        }
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, CredentialStore) {
        let tmp = tempfile::tempdir().unwrap();
        let store = CredentialStore::new(Home::at(tmp.path().to_path_buf()));
        (tmp, store)
    }

    #[test]
    fn env_var_names() {
        assert_eq!(
            env_var("my-ionos", "token"),
            "PORTICO_CREDENTIAL_MY_IONOS_TOKEN"
        );
        assert_eq!(
            env_var("a_b", "auth-key"),
            "PORTICO_CREDENTIAL_A_B_AUTH_KEY"
        );
    }

    #[test]
    fn set_resolve_remove_round_trip() {
        let (tmp, store) = store();
        let fields = BTreeMap::from([("token".to_string(), SecretString::new("s3cr3t".into()))]);
        store.set("unit-round-trip", fields).unwrap();
        let path = tmp.path().join("config").join(FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let cred = store.resolve("unit-round-trip", &["token".into()]).unwrap();
        assert_eq!(cred.field("token").unwrap().expose(), "s3cr3t");
        let listed = store.list().unwrap();
        assert!(
            listed
                .iter()
                .any(|s| s.name == "unit-round-trip" && s.fields == ["token"])
        );
        assert!(!format!("{listed:?}").contains("s3cr3t"));
        assert!(store.remove("unit-round-trip").unwrap());
        assert!(store.resolve("unit-round-trip", &["token".into()]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_readable_file() {
        use std::os::unix::fs::PermissionsExt as _;
        let (tmp, store) = store();
        let dir = tmp.path().join("config");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        std::fs::write(&path, "[x]\ntoken = \"leaky-value\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = store.resolve("x", &["token".into()]).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("readable by group or others"), "{msg}");
        assert!(!msg.contains("leaky-value"));
    }

    #[test]
    fn process_fields() {
        let (_tmp, store) = store();
        store
            .set_process("proc", r#"printf '{"token":"from-process"}'"#)
            .unwrap();
        let cred = store.resolve("proc", &["token".into()]).unwrap();
        assert_eq!(cred.field("token").unwrap().expose(), "from-process");
        store.set_process("bad", "exit 3").unwrap();
        assert!(store.resolve("bad", &[]).is_err());
    }

    #[test]
    fn invalid_file_error_does_not_quote_it() {
        let (tmp, store) = store();
        let dir = tmp.path().join("config");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        std::fs::write(&path, "[x]\ntoken = \"unterminated-secret\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let msg = format!("{:#}", store.resolve("x", &[]).unwrap_err());
        assert!(!msg.contains("unterminated-secret"), "{msg}");
    }
}
