//! Command-line definitions (clap). Behaviour lives in [`crate::commands`].

mod apply;
mod ipsec;
mod remote;

pub(crate) use apply::{ApplyArgs, PlanArgs};
pub(crate) use ipsec::IpsecArgs;
pub(crate) use remote::{PeerConfigArgs, TunnelConfigArgs, TunnelConfigFormat};

use crate::complete;
use crate::output::Format;
use clap::{ArgAction, Args, Parser, Subcommand};
use clap_complete::engine::ArgValueCompleter;
use std::time::Duration;

/// Manage cloud VPN gateways, tunnels, peers and port mappings through sandboxed provider
/// adapters.
#[derive(Debug, Parser)]
#[command(
    name = "portico",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl GlobalArgs {
    /// The options of a command line without any (the environment's `PORTICO_PROFILE` still
    /// counts), for completers that need a profile.
    pub(crate) fn for_completion() -> Self {
        Cli::try_parse_from(["portico", "op", "list"])
            .map(|c| c.global)
            .unwrap_or_else(|_| Self {
                profile: Vec::new(),
                all_profiles: false,
                output: Format::Table,
                quiet: false,
                show_provider: false,
                all: false,
                wait: false,
                wait_timeout: std::time::Duration::from_secs(600),
                verbose: 0,
                record: None,
                replay: None,
            })
    }
}

impl Cli {
    /// How many `-v` were given.
    pub fn verbosity(&self) -> u8 {
        self.global.verbose
    }
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Profile to use (defaults to the only profile, if there is exactly one). `list` commands
    /// take several (`-p fra -p jp`) and run them at once.
    #[arg(
        short,
        long,
        env = "PORTICO_PROFILE",
        global = true,
        help_heading = "Global options",
        add = ArgValueCompleter::new(complete::profiles)
    )]
    pub profile: Vec<String>,
    /// Every profile (for `list` commands).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        conflicts_with = "profile"
    )]
    pub all_profiles: bool,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table, global = true, help_heading = "Global options")]
    pub output: Format,
    /// Print only ids, one a line (the same as `-o name`).
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,
    /// With one resource shown as a table, also print the provider's own document.
    #[arg(long, global = true, help_heading = "Global options")]
    pub show_provider: bool,
    /// Follow every page of a list.
    #[arg(long, global = true, help_heading = "Global options")]
    pub all: bool,
    /// After create, update or delete, poll until the resource is ready (or gone).
    #[arg(long, global = true, help_heading = "Global options")]
    pub wait: bool,
    /// Give up waiting after this long (e.g. 90s, 10m).
    #[arg(long, global = true, help_heading = "Global options", default_value = "10m", value_parser = humantime::parse_duration)]
    pub wait_timeout: Duration,
    /// More diagnostics on stderr (-v info, -vv debug).
    #[arg(short, long, action = ArgAction::Count, global = true, help_heading = "Global options")]
    pub verbose: u8,
    /// Write every request the adapter makes, and its answer, to a cassette (secrets stay
    /// placeholders, so it can be committed).
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        help_heading = "Global options",
        conflicts_with = "replay"
    )]
    pub record: Option<std::path::PathBuf>,
    /// Answer every request from a cassette instead of the network; a request the cassette
    /// does not hold fails. No credentials are needed.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        help_heading = "Global options"
    )]
    pub replay: Option<std::path::PathBuf>,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Install, list, inspect and remove adapters.
    #[command(subcommand)]
    Adapter(AdapterCommand),
    /// Manage profiles (an adapter + credential + settings such as region or endpoint).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Manage named credentials (values are read from stdin or a prompt, never from argv).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// VPN gateways.
    #[command(subcommand)]
    Gateway(GatewayCommand),
    /// Site-to-site tunnels.
    #[command(subcommand)]
    Tunnel(TunnelCommand),
    /// Peers of a gateway.
    #[command(subcommand)]
    Peer(PeerCommand),
    /// Port mappings, address maps and routes.
    #[command(subcommand)]
    Mapping(MappingCommand),
    /// Every provider operation, by name.
    #[command(subcommand)]
    Op(OpCommand),
    /// Show what `apply` would change to make the providers match a topology file. Exit code
    /// 0: nothing to change; 2: changes pending; 1: an error.
    Plan(apply::PlanArgs),
    /// Make the providers match a topology file: shows the plan, asks, then creates, updates
    /// and (with --prune) deletes, parents before children.
    Apply(apply::ApplyArgs),
    /// Print the JSON Schema of the topology file (for editors).
    Schema,
    /// Print the shell completion script: `source <(portico completion bash)` (zsh, fish and
    /// powershell alike). It completes subcommands, flags, and profile, adapter, credential and
    /// operation names.
    Completion {
        /// bash, zsh, fish, powershell or elvish.
        shell: String,
    },
    /// Write man pages for every command into DIR (`just man`).
    #[command(hide = true)]
    Man {
        /// Where the pages go.
        dir: std::path::PathBuf,
    },
}

/// `portico adapter ...`
#[derive(Debug, Subcommand)]
pub(crate) enum AdapterCommand {
    /// Install an adapter component: shows what it asks for, asks, and pins its sha256.
    ///
    /// Re-installing an adapter (an upgrade) shows what changed since the approved version:
    /// hosts, credentials and secret inputs added (+) or removed (-), a new version, contract
    /// version, sha256, signature or registry digest (~). It needs
    /// approval again (a terminal answer or --yes); until then the approved version stays
    /// installed and keeps working.
    ///
    /// Signatures: when `[trust] keys` in `config/config.toml` lists minisign public keys, the
    /// component must carry a valid minisign signature by one of them (`--signature PATH`, or
    /// `COMPONENT.minisig` beside it), or install is refused unless --allow-unsigned is given.
    /// Without trusted keys, install is allowed and the component is recorded as unsigned. The
    /// outcome is recorded in the lock file and shown by `adapter list` and `adapter inspect`.
    ///
    /// From a registry: `oci://REGISTRY/NAMESPACE/NAME:TAG` (or `@sha256:DIGEST`) resolves the
    /// tag to a manifest digest, reads the component pinned to it (every blob checked against
    /// its digest), checks the signature published beside it (tag `sha256-<HEX>.sig`) as for a
    /// file, and records the reference and digest in the lock file. The registry's credential,
    /// CA file and protocol come from `[registries."HOST"]` in `config/config.toml`.
    Install {
        /// Path to the adapter's .wasm component, or `oci://REGISTRY/NAMESPACE/NAME:TAG`.
        #[arg(value_name = "FILE|oci://REF")]
        path: std::path::PathBuf,
        /// Approve without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Grant only these of the declared hosts (repeatable); default: all declared hosts.
        #[arg(long = "grant", value_name = "HOST")]
        grant: Vec<String>,
        /// Minisign signature of the component; default: `PATH.minisig` if it exists.
        #[arg(long, value_name = "SIGNATURE")]
        signature: Option<std::path::PathBuf>,
        /// Install even though trusted keys are configured and the component is not signed by
        /// one of them; recorded in the lock file.
        #[arg(long)]
        allow_unsigned: bool,
    },
    /// Push an adapter component to an OCI registry, in the CNCF layout for Wasm artifacts
    /// (one `application/wasm` layer, a config naming the component's world, imports and
    /// exports), so portico and other Wasm tooling can pull it.
    ///
    /// The tag must be the version the adapter describes. With --sign, the component is signed
    /// with that minisign secret key (its password, if it has one, is asked for on the terminal
    /// or read from the first line of stdin) and the signature is pushed beside it, under the
    /// tag `sha256-<HEX>.sig` of the adapter manifest's digest. Prints `oci://REF@DIGEST`.
    Publish {
        /// The adapter's .wasm component.
        file: std::path::PathBuf,
        /// Where to push it: `REGISTRY/NAMESPACE/NAME:VERSION` (`oci://` in front is optional).
        #[arg(value_name = "REF")]
        reference: String,
        /// Minisign secret key to sign the component with (as `minisign -S -s KEY`).
        #[arg(long, value_name = "KEY")]
        sign: Option<std::path::PathBuf>,
    },
    /// List adapters installed from a registry that have a newer release in the same major
    /// version, or whose tag now names another build (a moved tag).
    Outdated,
    /// Upgrade an adapter installed from a registry: to the newest release in its major
    /// version (or its tag's new build when the tag moved), or to --to VERSION.
    ///
    /// Shows what changed (hosts, credentials, secret inputs, contract version, digest) and
    /// needs approval like any install; the approved build keeps running until then.
    Upgrade {
        /// Adapter name.
        #[arg(add = ArgValueCompleter::new(complete::adapters))]
        name: String,
        /// The version (tag) to install instead of the newest.
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Approve without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Grant only these of the declared hosts (repeatable); default: all declared hosts.
        #[arg(long = "grant", value_name = "HOST")]
        grant: Vec<String>,
        /// Install even though trusted keys are configured and the component is not signed by
        /// one of them; recorded in the lock file.
        #[arg(long)]
        allow_unsigned: bool,
    },
    /// Write a new adapter project: a buildable Rust, Python or JavaScript adapter for the
    /// made-up Toy VPN API the bundled emulator serves.
    ///
    /// The project has the manifest (a host, a bearer credential, the `endpoint` setting), one
    /// noun (gateway: list, get, create, delete), a unit test against a fake host, and a README
    /// with the build command. It is written to DIR, which must be new or empty.
    New {
        /// Adapter name, kebab-case (e.g. `acme-vpn`); package names derive from it.
        name: String,
        /// Language of the project.
        #[arg(long, default_value = "rust", value_parser = ["rust", "python", "js"])]
        lang: String,
        /// Directory to write the project to (new or empty); default `./NAME`.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
        /// Rust: the `adapters/sdk` directory of a portico checkout; default: the one this
        /// portico was built from.
        #[arg(long, value_name = "PATH")]
        sdk: Option<std::path::PathBuf>,
    },
    /// List installed adapters.
    List,
    /// Run the conformance suite against an installed adapter and the active profile's
    /// endpoint (or a cassette, with --replay): one row per check, non-zero exit on a failure.
    Test {
        /// Adapter name.
        #[arg(add = ArgValueCompleter::new(complete::adapters))]
        name: String,
    },
    /// Show an adapter's description, grants and operation count.
    Inspect {
        /// Adapter name.
        #[arg(add = ArgValueCompleter::new(complete::adapters))]
        name: String,
    },
    /// Remove an adapter.
    Remove {
        /// Adapter name.
        #[arg(add = ArgValueCompleter::new(complete::adapters))]
        name: String,
    },
}

/// `portico profile ...`
#[derive(Debug, Subcommand)]
pub(crate) enum ProfileCommand {
    /// Add (or replace) a profile.
    Add {
        /// Profile name.
        name: String,
        /// Installed adapter the profile uses.
        #[arg(long, add = ArgValueCompleter::new(complete::adapters))]
        adapter: String,
        /// Stored credential to use: `NAME` for the adapter's only credential, or
        /// `ADAPTER-CREDENTIAL=NAME` (repeatable).
        #[arg(long, add = ArgValueCompleter::new(complete::credentials))]
        credential: Vec<String>,
        /// Setting `key=value` (repeatable), e.g. `region=de-fra`, `endpoint=http://127.0.0.1:8080`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// PEM file of the CA certificates this profile's HTTPS requests trust instead of the
        /// system's (a corporate proxy, a private endpoint, the emulator's `--tls`).
        #[arg(long, value_name = "PATH")]
        ca_file: Option<std::path::PathBuf>,
    },
    /// List profiles.
    List,
    /// Show a profile.
    Show {
        /// Profile name.
        #[arg(add = ArgValueCompleter::new(complete::profiles))]
        name: String,
    },
    /// Remove a profile.
    Remove {
        /// Profile name.
        #[arg(add = ArgValueCompleter::new(complete::profiles))]
        name: String,
    },
}

/// `portico credential ...`
#[derive(Debug, Subcommand)]
pub(crate) enum CredentialCommand {
    /// Store a credential. Values come from stdin (one line per field, in order) or a prompt
    /// without echo; never from the command line.
    Set {
        /// Credential name.
        name: String,
        /// Field to set (repeatable); default `token`.
        #[arg(long = "field", value_name = "FIELD")]
        fields: Vec<String>,
        /// Instead of values, store a command that prints the fields as a JSON object.
        #[arg(long, value_name = "COMMAND", conflicts_with = "fields")]
        process: Option<String>,
    },
    /// List credentials (names and field names only).
    List,
    /// Remove a credential.
    Remove {
        /// Credential name.
        #[arg(add = ArgValueCompleter::new(complete::credentials))]
        name: String,
    },
}

/// Options of `list`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ListArgs {
    /// Parent gateway (for tunnels, peers and gateway-bound mappings).
    #[arg(long, visible_alias = "parent")]
    pub gateway: Option<String>,
    /// Only this kind (the adapter's kinds of this noun: `portico adapter inspect`).
    #[arg(long)]
    pub kind: Option<String>,
    /// Provider filter `key=value` (repeatable).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Page size.
    #[arg(long)]
    pub limit: Option<u32>,
    /// Continue from a cursor printed by a previous page.
    #[arg(long)]
    pub cursor: Option<String>,
}

/// Options naming one resource.
#[derive(Debug, Clone, Args)]
pub(crate) struct TargetArgs {
    /// Resource id.
    pub id: String,
    /// Parent gateway (for tunnels, peers and gateway-bound mappings).
    #[arg(long, visible_alias = "parent")]
    pub gateway: Option<String>,
    /// Kind, when the id alone is ambiguous.
    #[arg(long)]
    pub kind: Option<String>,
}

/// Options every create/update takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct CommonSpecArgs {
    /// Kind to create, one of the adapter's kinds of this noun (`portico adapter inspect`).
    #[arg(long)]
    pub kind: Option<String>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// Provider-specific settings: a JSON object, `@FILE`, or `-` for stdin.
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub properties: Option<String>,
    /// Secret input `NAME=SOURCE`, SOURCE one of `stdin`, `prompt`, `env:VAR`,
    /// `credential:CRED.FIELD` (repeatable). Values are never taken from the command line.
    #[arg(long = "secret", value_name = "NAME=SOURCE")]
    pub secrets: Vec<String>,
    /// Label `KEY=VALUE` to set (repeatable), where the provider has labels or tags.
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// On update: empty this field (repeatable), e.g. `description`, `networks`, `labels`.
    #[arg(long = "clear", value_name = "FIELD")]
    pub clear: Vec<String>,
}

/// Gateway fields.
#[derive(Debug, Clone, Args)]
pub(crate) struct GatewaySpecArgs {
    /// Common fields.
    #[command(flatten)]
    pub common: CommonSpecArgs,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Public address.
    #[arg(long)]
    pub public_address: Option<String>,
    /// Network (CIDR) to serve (repeatable).
    #[arg(long = "network", value_name = "CIDR")]
    pub networks: Vec<String>,
    /// On create, where the adapter declares a WireGuard private key input: make the key
    /// pair, send the private key through that secret input (the adapter sees a placeholder)
    /// and keep it in the credential store (credential `wg-gateway-ID`, field `private-key`).
    #[arg(long)]
    pub generate_key: bool,
}

/// Tunnel fields.
#[derive(Debug, Clone, Args)]
pub(crate) struct TunnelSpecArgs {
    /// Common fields.
    #[command(flatten)]
    pub common: CommonSpecArgs,
    /// Gateway the tunnel belongs to.
    #[arg(long, visible_alias = "parent")]
    pub gateway: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Remote peer address or host name.
    #[arg(long)]
    pub remote_address: Option<String>,
    /// Cloud-side network (repeatable).
    #[arg(long = "local-network", value_name = "CIDR")]
    pub local_networks: Vec<String>,
    /// Remote-side network (repeatable).
    #[arg(long = "remote-network", value_name = "CIDR")]
    pub remote_networks: Vec<String>,
    /// IPSec parameters.
    #[command(flatten)]
    pub ipsec: IpsecArgs,
}

/// Peer fields.
#[derive(Debug, Clone, Args)]
pub(crate) struct PeerSpecArgs {
    /// Common fields.
    #[command(flatten)]
    pub common: CommonSpecArgs,
    /// Gateway the peer belongs to.
    #[arg(long, visible_alias = "parent")]
    pub gateway: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// The peer's public key.
    #[arg(long, conflicts_with = "generate_key")]
    pub public_key: Option<String>,
    /// On create: make a WireGuard key pair, send the public key and keep the private key in
    /// the credential store (credential `wg-peer-ID`, field `private-key`) for `peer config`.
    #[arg(long)]
    pub generate_key: bool,
    /// The peer's endpoint, `host[:port]`.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Network routed to the peer (repeatable).
    #[arg(long = "allowed-network", value_name = "CIDR")]
    pub allowed_networks: Vec<String>,
}

/// Mapping fields.
#[derive(Debug, Clone, Args)]
pub(crate) struct MappingSpecArgs {
    /// Common fields.
    #[command(flatten)]
    pub common: CommonSpecArgs,
    /// Resource the mapping belongs to.
    #[arg(long, visible_alias = "parent")]
    pub gateway: Option<String>,
    /// Where traffic arrives.
    #[arg(long)]
    pub source: Option<String>,
    /// Where traffic is sent.
    #[arg(long)]
    pub destination: Option<String>,
    /// Network allowed to use the mapping (repeatable).
    #[arg(long = "allowed-network", value_name = "CIDR")]
    pub allowed_networks: Vec<String>,
}

macro_rules! noun_command {
    ($name:ident, $spec:ty, $noun:literal $(, $($extra:tt)*)?) => {
        #[doc = concat!("`portico ", $noun, " ...`")]
        #[derive(Debug, Subcommand)]
        pub(crate) enum $name {
            // `about` is explicit: a newtype variant would otherwise take the argument
            // struct's doc comment as its description.
            #[doc = concat!("List ", $noun, "s.")]
            #[command(about = concat!("List ", $noun, "s"), long_about = None)]
            List(ListArgs),
            #[doc = concat!("Show one ", $noun, ".")]
            #[command(about = concat!("Show one ", $noun), long_about = None)]
            Get(TargetArgs),
            #[doc = concat!("Create a ", $noun, ".")]
            #[command(about = concat!("Create a ", $noun), long_about = None)]
            Create(Box<$spec>),
            #[doc = concat!("Change a ", $noun, " (fields not given are kept).")]
            #[command(
                about = concat!("Change a ", $noun, " (fields not given are kept; --clear empties one)"),
                long_about = None
            )]
            Update {
                /// Resource id.
                id: String,
                /// New field values.
                #[command(flatten)]
                spec: Box<$spec>,
            },
            #[doc = concat!("Delete a ", $noun, ".")]
            #[command(about = concat!("Delete a ", $noun), long_about = None)]
            Delete(TargetArgs),
            $($($extra)*)?
        }
    };
}

noun_command!(GatewayCommand, GatewaySpecArgs, "gateway");
noun_command!(TunnelCommand, TunnelSpecArgs, "tunnel",
    /// Print the remote site's strongSwan configuration for an IPSec tunnel.
    #[command(
        about = "Print the remote site's configuration (swanctl.conf, or a summary)",
        long_about = None
    )]
    Config(remote::TunnelConfigArgs),
);
noun_command!(PeerCommand, PeerSpecArgs, "peer",
    /// Print a wg-quick file for a WireGuard peer.
    #[command(about = "Print a wg-quick file for a WireGuard peer (--qr: as a QR code)", long_about = None)]
    Config(remote::PeerConfigArgs),
);
noun_command!(MappingCommand, MappingSpecArgs, "mapping");

/// `portico op ...`
#[derive(Debug, Subcommand)]
pub(crate) enum OpCommand {
    /// List the adapter's operation catalogue.
    List,
    /// Show one operation and its parameters.
    Show {
        /// Operation name.
        #[arg(add = ArgValueCompleter::new(complete::operations))]
        name: String,
    },
    /// Call an operation by name.
    Call {
        /// Operation name.
        #[arg(add = ArgValueCompleter::new(complete::operations))]
        name: String,
        /// Parameter `key=value` (path, query or header; repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// JSON body: inline JSON, `@FILE`, or `-` for stdin. Secret inputs go in as
        /// `{{secret:NAME}}`.
        #[arg(long, value_name = "JSON|@FILE|-")]
        body: Option<String>,
        /// Continue a paginated operation from a cursor.
        #[arg(long)]
        cursor: Option<String>,
        /// Secret input `NAME=SOURCE` (see `gateway create --help`).
        #[arg(long = "secret", value_name = "NAME=SOURCE")]
        secrets: Vec<String>,
    },
}
