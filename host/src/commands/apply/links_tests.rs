use super::*;
use crate::commands::apply::file::parse;

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| (*s).to_string()).collect()
}

fn support(enc: &[&str], integ: &[&str], dh: &[&str], versions: &[u8]) -> IpsecSupport {
    let phase = ProposalSupport {
        encryption: words(enc),
        integrity: words(integ),
        dh_groups: words(dh),
    };
    IpsecSupport {
        ike_versions: versions.to_vec(),
        ike: phase.clone(),
        esp: phase,
        ike_lifetime_secs: (3_600, 86_400),
        esp_lifetime_secs: (900, 28_800),
        dpd: true,
        local_networks: true,
    }
}

#[test]
fn the_strongest_shared_proposal_is_chosen_by_the_documented_order() {
    let a = support(
        &["aes128", "aes256gcm16", "aes256"],
        &["sha256", "sha384"],
        &["modp2048", "ecp384", "modp4096"],
        &[1, 2],
    );
    let b = support(
        &["aes256", "aes256gcm16"],
        &["sha384", "sha1"],
        &["modp4096", "ecp384"],
        &[2],
    );
    let p = choose(("IONOS", &a), Some(("UpCloud", &b))).unwrap();
    assert_eq!(p.ike_version, Some(2));
    let ike = p.ike.unwrap();
    assert_eq!(
        crate::ipsec::format(&ike, true),
        "aes256gcm16-prfsha384-ecp384"
    );
    // AEAD in ESP takes no integrity; the PFS group is the strongest shared one.
    let esp = p.esp.unwrap();
    assert!(esp.integrity.is_empty(), "{esp:?}");
    assert_eq!(esp.dh_groups, ["ecp384"]);
    assert_eq!(p.ike_lifetime_secs, Some(28_800));
    assert_eq!(p.esp_lifetime_secs, Some(3_600));
}

#[test]
fn nothing_in_common_names_both_providers_lists() {
    let a = support(&["aes256gcm16"], &["sha384"], &["ecp384"], &[2]);
    let b = support(&["aes128"], &["sha256"], &["modp2048"], &[2]);
    let err = choose(("IONOS", &a), Some(("SCP", &b)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("IONOS accepts aes256gcm16"), "{err}");
    assert!(err.contains("SCP accepts aes128"), "{err}");
    let v1 = support(&["aes256"], &["sha256"], &["modp2048"], &[1]);
    let err = choose(("A", &a), Some(("B", &v1))).unwrap_err().to_string();
    assert!(err.contains("IKE version"), "{err}");
}

#[test]
fn lifetimes_stay_within_both_ranges_and_pfs_may_be_off() {
    let mut a = support(&["aes256"], &["sha256"], &["modp2048"], &[2]);
    a.ike_lifetime_secs = (3_600, 10_800);
    a.esp.dh_groups.clear();
    let b = support(&["aes256"], &["sha256"], &["modp2048"], &[2]);
    let p = choose(("A", &a), Some(("B", &b))).unwrap();
    assert_eq!(p.ike_lifetime_secs, Some(10_800));
    assert!(p.esp.unwrap().dh_groups.is_empty());
    // One end alone (an unmanaged site) takes that provider's strongest.
    let alone = choose(("B", &b), None).unwrap();
    assert_eq!(
        crate::ipsec::format(&alone.ike.unwrap(), true),
        "aes256-sha256-modp2048"
    );
}

#[test]
fn links_are_read_from_the_file_and_checked() {
    let parsed = parse(
        "links:\n  - name: fra-lon\n    a: {profile: io, gateway: g, networks: [10.1.0.0/16]}\n    \
         b: {profile: up, gateway: h, networks: [10.2.0.0/16]}\n",
    )
    .unwrap();
    assert_eq!(parsed.links[0].name, "fra-lon");
    // Profiles only a link names are planned too.
    let names: Vec<&str> = parsed.profiles.iter().map(|p| p.profile.as_str()).collect();
    assert_eq!(names, ["io", "up"]);
    for (yaml, want) in [
        (
            "links:\n  - name: x\n    a: {profile: io, gateway: g, networks: [10.1.0.0/16]}\n",
            "either `b`",
        ),
        (
            "links:\n  - name: x\n    a: {profile: io, gateway: g, networks: []}\n    \
             remote: {address: 198.51.100.7, networks: [192.168.1.0/24]}\n",
            "needs its networks",
        ),
        (
            "links:\n  - name: 'a b'\n    a: {profile: io, gateway: g, networks: [10.1.0.0/16]}\n    \
             remote: {address: 198.51.100.7, networks: [192.168.1.0/24]}\n",
            "letters, digits",
        ),
        (
            "links:\n  - name: x\n    a: {profile: io, gateway: g, networks: [10.1.0.0/16]}\n    \
             remote: {address: 198.51.100.7, networks: [192.168.1.0/24]}\n    psk: hunter2\n",
            "psk",
        ),
    ] {
        let err = parse(yaml).unwrap_err().to_string();
        assert!(err.contains(want), "{yaml}: {err}");
    }
}

#[test]
fn generated_keys_are_long_random_and_distinct() {
    let (a, b) = (generate_psk(), generate_psk());
    assert_eq!(a.len(), 40);
    assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(a, b);
    assert_eq!(
        psk_credential("fra-lon"),
        ("link-fra-lon".into(), "psk".into())
    );
}
