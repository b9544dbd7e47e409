//! The configuration file (`output.md` "Configuration"): parsed strictly, so that a misspelt key is an error
//! that names it rather than a setting silently ignored.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A configuration fault: one line that names the key, file or option at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The context tables of `rules.md` D.1 that the `context` object may name (each also as `+name`).
pub const CONTEXT_TABLES: &[&str] = &[
    "users",
    "executives",
    "peer_groups",
    "personal_addresses",
    "personal_email_domains",
    "public_email_domains",
    "disposable_email_domains",
    "disposable_allowlist",
    "competitor_domains",
    "privacy_keywords",
    "job_search_keywords",
    "source_code_extensions",
    "confidential_file_patterns",
    "tor_exit_ips",
    "threat_intel_domains",
    "log4j_ips",
    "log4j_patterns",
    "deactivated_accounts",
    "network_zones",
    "mta_assets",
    "smarthosts",
    "content_filter_relays",
    "geoip_mmdb",
];

/// The whole configuration. Every key is optional; defaults are those of `output.md`.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The organisation's mail domains (subdomains implied).
    #[serde(default)]
    pub org_email_domains: Vec<String>,
    /// Zone of year-less (RFC 3164) time stamps: `UTC` or an offset such as `+02:00`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Year of year-less time stamps at the start of the input (default: the current year).
    #[serde(default)]
    pub year: Option<i32>,
    /// Context tables by name (`rules.md` D.1), inline or `{"file": PATH}`.
    #[serde(default)]
    pub context: BTreeMap<String, serde_json::Value>,
    /// Rule switches and parameters.
    #[serde(default)]
    pub rules: RulesConfig,
    /// Behavioural model settings.
    #[serde(default)]
    pub models: ModelsConfig,
    /// Memory bounds.
    #[serde(default)]
    pub limits: Limits,
}

/// `rules`: which rules run and with what parameters.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule ids that do not run.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Score overrides by rule id.
    #[serde(default)]
    pub scores: BTreeMap<String, i64>,
    /// Parameter overrides, `RULE-ID.name` -> value.
    #[serde(default)]
    pub thresholds: BTreeMap<String, f64>,
    /// Whether DLP-Log4j-String-2 also matches outbound mail.
    #[serde(default)]
    pub log4j_match_outbound: Option<bool>,
}

/// `models`: convergence gates and memory of the behavioural models.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ModelsConfig {
    /// Observations before a model is trusted.
    pub min_observations: Option<u64>,
    /// Confidence before a model is trusted.
    pub min_confidence: Option<f64>,
    /// Age of a scope before its model is trusted.
    pub min_scope_age_days: Option<u64>,
    /// How long observations are remembered.
    pub memory_days: Option<u64>,
    /// Share below which a value is abnormal.
    pub abnormal_percentile: Option<f64>,
    /// Whether asset models train on successful connections.
    pub train_asset_models_on_success: Option<bool>,
}

/// `limits`: the bounds that keep memory finite whatever the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Messages held open at once; the oldest is emitted incomplete when one more arrives.
    pub open_messages: usize,
    /// Seconds of log time after which an open message is emitted incomplete.
    pub message_timeout_s: u64,
    /// Keys the behavioural models may hold.
    pub model_keys: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            open_messages: 100_000,
            message_timeout_s: 518_400,
            model_keys: 1_000_000,
        }
    }
}

impl Config {
    /// Parses and checks a configuration document.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let config: Config =
            serde_json::from_str(text).map_err(|e| ConfigError(format!("configuration: {e}")))?;
        config.check()?;
        Ok(config)
    }

    /// Checks what the types alone cannot: table names, the zone, the bounds.
    pub fn check(&self) -> Result<(), ConfigError> {
        for name in self.context.keys() {
            let bare = name.strip_prefix('+').unwrap_or(name);
            if !CONTEXT_TABLES.contains(&bare) {
                return Err(ConfigError(format!(
                    "configuration: unknown context table `context.{name}`"
                )));
            }
        }
        if let Some(tz) = &self.timezone {
            if crate::time::parse_offset(tz).is_none() {
                return Err(ConfigError(format!(
                    "configuration: `timezone` {tz:?} is not UTC or a fixed offset such as +02:00"
                )));
            }
        }
        self.content_filter_relays()?;
        if self.limits.open_messages == 0 {
            return Err(ConfigError(
                "configuration: `limits.open_messages` must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The content-filter relays (`context.content_filter_relays`, default loopback): a delivery to one
    /// of them is a hop inside this MTA, not mail leaving it (`rules.md` E.3.3).
    pub fn content_filter_relays(&self) -> Result<Vec<crate::net::IpNet>, ConfigError> {
        let key = "content_filter_relays";
        let Some(v) = self.context.get(key) else {
            return Ok(["127.0.0.0/8", "::1"]
                .iter()
                .filter_map(|s| crate::net::IpNet::parse(s))
                .collect());
        };
        let items = v.as_array().ok_or_else(|| {
            ConfigError(format!(
                "configuration: `context.{key}` must be a list of addresses or CIDR ranges"
            ))
        })?;
        items
            .iter()
            .map(|i| {
                i.as_str().and_then(crate::net::IpNet::parse).ok_or_else(|| {
                    ConfigError(format!("configuration: `context.{key}` has {i}, which is no address or CIDR range"))
                })
            })
            .collect()
    }

    /// The zone offset of year-less time stamps, seconds east of UTC.
    pub fn offset_s(&self) -> i64 {
        self.timezone
            .as_deref()
            .and_then(crate::time::parse_offset)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let e = Config::from_json(r#"{"limits": {"open_mesages": 5}}"#).unwrap_err();
        assert!(e.0.contains("open_mesages"), "{e}");
        let e = Config::from_json(r#"{"context": {"userz": []}}"#).unwrap_err();
        assert!(e.0.contains("context.userz"), "{e}");
        let e = Config::from_json(r#"{"timezone": "Mars/Base"}"#).unwrap_err();
        assert!(e.0.contains("timezone"), "{e}");
        assert!(!e.0.contains('\n'));
    }

    #[test]
    fn example_of_the_contract_parses() {
        let c = Config::from_json(
            r#"{"org_email_domains": ["example.com"], "timezone": "UTC",
                "context": {"executives": ["ceo@example.com"], "+personal_email_domains": ["example-mail.net"],
                            "users": {"file": "users.csv"}},
                "rules": {"disabled": ["EM-OD-A"], "scores": {"EM-DED": 30}, "thresholds": {"EM-BSum-5MB.bytes": 5242880}},
                "models": {"min_observations": 10, "min_confidence": 0.8, "min_scope_age_days": 14, "memory_days": 90,
                           "abnormal_percentile": 0.1},
                "limits": {"open_messages": 100000, "message_timeout_s": 518400, "model_keys": 1000000}}"#,
        )
        .unwrap();
        assert_eq!(c.limits.open_messages, 100_000);
        assert_eq!(c.rules.scores["EM-DED"], 30);
    }
}
