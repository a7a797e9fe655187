//! "Did you mean ...?": the known names closest to one the user mistyped, by edit distance.

/// Up to three of `known` close to `name` (edit distance at most a third of its length, at
/// least 1; or `name` being a prefix of one), closest first.
pub(crate) fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            let distance = strsim::levenshtein(&lower, &k.to_lowercase());
            let prefix = !lower.is_empty() && k.to_lowercase().starts_with(&lower);
            (distance <= limit || prefix).then_some((if prefix { 0 } else { distance }, k))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// ` (did you mean A or B?)`, or nothing when nothing is close.
pub(crate) fn hint<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let close = closest(name, known);
    match close.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        many => {
            let (last, rest) = many.split_last().expect("not empty");
            format!(" (did you mean {} or {last}?)", rest.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested_closest_first() {
        let ops = [
            "WireguardgatewaysGet",
            "WireguardgatewaysPost",
            "IpsecgatewaysGet",
        ];
        assert_eq!(
            closest("WireguardgatewayGet", ops)[0],
            "WireguardgatewaysGet"
        );
        assert_eq!(
            closest("wireguardgatewaysget", ops)[0],
            "WireguardgatewaysGet"
        );
        assert!(closest("nothing-like-it", ops).is_empty());
        assert_eq!(hint("fr", ["fra", "jp"]), " (did you mean fra?)");
        assert_eq!(hint("x", ["fra"]), "");
    }
}
