//! Seeded random faults: rates per kind of fault, one draw per matching request from a ChaCha8
//! generator seeded with the given seed (stable across platforms and releases), and the
//! compact text form of the binary's `--random-faults`.

use std::fmt;
use std::str::FromStr;

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::Fault;

/// Seeded random faults for provider requests under `path_prefix`.
///
/// Each matching request that no [`super::FaultRule`] fired for draws one number `r` in
/// `[0, 1)`, and the kinds take consecutive slices of that interval in this order: `drop`,
/// `lose_response`, `status_503`, `status_429`; past their sum the request is served normally.
/// The same seed and the same request sequence therefore give the same faults (requests draw
/// in the order they reach the emulator, so concurrent clients replay only as far as their
/// arrival order does).
///
/// JSON form (`PUT /_emulator/faults/random`): `{"seed": 42, "path_prefix": "/", "rates":
/// {"status_503": 0.2, "status_429": 0.1, "retry_after_secs": 1, "drop": 0.05,
/// "lose_response": 0.01}}`; `path_prefix` defaults to `/` and every rate to 0.
///
/// Text form (`--random-faults`, [`FromStr`] and [`fmt::Display`]):
/// `42:503=0.2,429=0.1,retry-after=1,drop=0.05,lost=0.01` with an optional `prefix=/path`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomFaults {
    /// Seed of the generator; print it with the rates so a failing run can be replayed.
    pub seed: u64,
    /// Only requests whose path starts with this prefix draw.
    #[serde(default = "root")]
    pub path_prefix: String,
    /// How often each kind of fault happens.
    pub rates: FaultRates,
}

/// Probabilities (each in `[0, 1]`, together at most 1) of each kind of random fault.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRates {
    /// Answer 503 in the provider's error dialect.
    #[serde(default)]
    pub status_503: f64,
    /// Answer 429 in the provider's error dialect, with `Retry-After` if `retry_after_secs`.
    #[serde(default)]
    pub status_429: f64,
    /// `Retry-After` seconds on the injected 429 responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// Drop the connection before the handler runs (nothing is committed).
    #[serde(default)]
    pub drop: f64,
    /// Run the handler, then drop the connection before the response (the change is committed).
    #[serde(default)]
    pub lose_response: f64,
}

fn root() -> String {
    "/".to_owned()
}

impl RandomFaults {
    /// Random faults with `rates` for every provider request (`path_prefix` `/`).
    pub fn new(seed: u64, rates: FaultRates) -> Self {
        RandomFaults {
            seed,
            path_prefix: root(),
            rates,
        }
    }

    /// Only requests under `prefix` draw.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = prefix.into();
        self
    }

    /// Every rate finite and in `[0, 1]`, their sum at most 1, and a prefix that is a path.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let rates = &self.rates;
        let named = [
            ("drop", rates.drop),
            ("lose_response", rates.lose_response),
            ("status_503", rates.status_503),
            ("status_429", rates.status_429),
        ];
        if let Some((name, rate)) = named.iter().find(|(_, rate)| !(0.0..=1.0).contains(rate)) {
            return Err(format!("rate {name} = {rate} is not between 0 and 1"));
        }
        let sum: f64 = named.iter().map(|(_, rate)| rate).sum();
        // Tolerates rounding in sums such as 0.7 + 0.2 + 0.1.
        if sum > 1.0 + 1e-9 {
            return Err(format!("the rates add up to {sum}, more than 1"));
        }
        if !self.path_prefix.starts_with('/') {
            return Err(format!(
                "path prefix {:?} does not start with /",
                self.path_prefix
            ));
        }
        Ok(())
    }
}

const SYNTAX: &str = "expected SEED:KIND=RATE,... with kinds 503, 429, drop and lost, \
                      and optionally retry-after=SECS and prefix=/PATH";

impl FromStr for RandomFaults {
    type Err = String;

    /// Parses `42:503=0.2,429=0.1,retry-after=1,drop=0.05,lost=0.01[,prefix=/path]`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (seed, list) = text
            .split_once(':')
            .ok_or_else(|| format!("no seed in {text:?}: {SYNTAX}"))?;
        let seed = seed
            .trim()
            .parse()
            .map_err(|_| format!("seed {seed:?} is not an unsigned integer: {SYNTAX}"))?;
        let mut faults = RandomFaults::new(seed, FaultRates::default());
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?} has no `=`: {SYNTAX}"))?;
            let rate = || {
                value
                    .parse::<f64>()
                    .map_err(|_| format!("rate {value:?} of {key} is not a number"))
            };
            let rates = &mut faults.rates;
            match key {
                "503" => rates.status_503 = rate()?,
                "429" => rates.status_429 = rate()?,
                "drop" => rates.drop = rate()?,
                "lost" => rates.lose_response = rate()?,
                "retry-after" => {
                    let secs = value
                        .parse()
                        .map_err(|_| format!("retry-after {value:?} is not whole seconds"))?;
                    rates.retry_after_secs = Some(secs);
                }
                "prefix" => faults.path_prefix = value.to_owned(),
                _ => return Err(format!("unknown kind {key:?}: {SYNTAX}")),
            }
        }
        faults.validate()?;
        Ok(faults)
    }
}

impl fmt::Display for RandomFaults {
    /// The text form [`FromStr`] reads, listing only the non-zero rates.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rates = &self.rates;
        let mut items = Vec::new();
        for (key, rate) in [
            ("503", rates.status_503),
            ("429", rates.status_429),
            ("drop", rates.drop),
            ("lost", rates.lose_response),
        ] {
            if rate != 0.0 {
                items.push(format!("{key}={rate}"));
            }
        }
        if let Some(secs) = rates.retry_after_secs {
            items.push(format!("retry-after={secs}"));
        }
        if self.path_prefix != "/" {
            items.push(format!("prefix={}", self.path_prefix));
        }
        write!(f, "{}:{}", self.seed, items.join(","))
    }
}

/// Random faults with their generator, restarted from the seed whenever they are set.
#[derive(Debug)]
pub(super) struct Generator {
    faults: RandomFaults,
    rng: ChaCha8Rng,
}

impl Generator {
    pub(super) fn new(faults: RandomFaults) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(faults.seed);
        Generator { faults, rng }
    }

    pub(super) fn faults(&self) -> &RandomFaults {
        &self.faults
    }

    /// `None` when `path` is outside the prefix (no draw); otherwise the drawn outcome.
    pub(super) fn draw(&mut self, path: &str) -> Option<Option<Fault>> {
        if !path.starts_with(&self.faults.path_prefix) {
            return None;
        }
        let rates = &self.faults.rates;
        let status = |code, retry_after| Fault::Status { code, retry_after };
        let slices = [
            (rates.drop, Fault::Drop),
            (rates.lose_response, Fault::Lose),
            (rates.status_503, status(503, None)),
            (rates.status_429, status(429, rates.retry_after_secs)),
        ];
        let r: f64 = self.rng.random();
        let mut upper = 0.0;
        for (rate, fault) in slices {
            upper += rate;
            if r < upper {
                return Some(Some(fault));
            }
        }
        Some(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soak() -> RandomFaults {
        RandomFaults::new(
            42,
            FaultRates {
                status_503: 0.2,
                status_429: 0.1,
                retry_after_secs: Some(1),
                drop: 0.05,
                lose_response: 0.01,
            },
        )
    }

    #[test]
    fn text_form_round_trips() {
        let text = "42:503=0.2,429=0.1,drop=0.05,lost=0.01,retry-after=1";
        let parsed: RandomFaults = text.parse().expect("valid");
        assert_eq!(parsed, soak());
        assert_eq!(parsed.to_string(), text);
        let scoped: RandomFaults = "7:drop=1,prefix=/v1".parse().expect("valid");
        assert_eq!(scoped.path_prefix, "/v1");
        assert_eq!(scoped.to_string().parse::<RandomFaults>(), Ok(scoped));
    }

    #[test]
    fn bad_text_forms_say_what_is_wrong() {
        for (text, needle) in [
            ("503=0.2", "no seed"),
            ("x:503=0.2", "not an unsigned integer"),
            ("1:500=0.2", "unknown kind \"500\""),
            ("1:503", "has no `=`"),
            ("1:503=lots", "not a number"),
            ("1:503=1.5", "not between 0 and 1"),
            ("1:503=0.6,429=0.5", "more than 1"),
            ("1:503=NaN", "not between 0 and 1"),
            ("1:retry-after=0.5", "whole seconds"),
            ("1:prefix=v1", "does not start with /"),
        ] {
            let err = text.parse::<RandomFaults>().expect_err(text);
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn json_form_defaults_prefix_and_rates() {
        let parsed: RandomFaults =
            serde_json::from_str(r#"{"seed": 3, "rates": {"drop": 0.5}}"#).expect("valid");
        assert_eq!(parsed.path_prefix, "/");
        assert_eq!(parsed.rates.status_503, 0.0);
        assert_eq!(parsed.rates.drop, 0.5);
    }

    fn outcomes(faults: RandomFaults, n: usize) -> Vec<Option<Fault>> {
        let mut generator = Generator::new(faults);
        (0..n).filter_map(|_| generator.draw("/x")).collect()
    }

    #[test]
    fn same_seed_same_sequence_and_rates_roughly_hold() {
        let first = outcomes(soak(), 2000);
        assert_eq!(first, outcomes(soak(), 2000));
        let other = RandomFaults { seed: 43, ..soak() };
        assert_ne!(first, outcomes(other, 2000));
        let count = |wanted: Fault| first.iter().filter(|o| **o == Some(wanted)).count();
        let s503 = count(Fault::Status {
            code: 503,
            retry_after: None,
        });
        let s429 = count(Fault::Status {
            code: 429,
            retry_after: Some(1),
        });
        // Deterministic for seed 42; the bounds only check the slices are the right sizes.
        assert!((300..500).contains(&s503), "{s503}");
        assert!((130..270).contains(&s429), "{s429}");
        assert!(
            (50..150).contains(&count(Fault::Drop)),
            "{}",
            count(Fault::Drop)
        );
        assert!(count(Fault::Lose) < 50);
        assert!(first.iter().filter(|o| o.is_none()).count() > 1000);
    }

    #[test]
    fn paths_outside_the_prefix_do_not_draw() {
        let mut generator = Generator::new(soak().path_prefix("/v1"));
        assert_eq!(generator.draw("/wireguardgateways"), None);
        assert!(generator.draw("/v1/vpg").is_some());
    }
}
