//! Short-lived bearer tokens, so the header function's refresh on reconnect is visible.

use crate::Demo;
use crate::streams::TOKEN_LIFETIME;
use axum::Json;
use axum::extract::State;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Issued tokens and when they expire.
#[derive(Clone, Default)]
pub struct Tokens(Arc<Mutex<(u64, HashMap<String, Instant>)>>);

impl Tokens {
    fn issue(&self) -> String {
        let mut guard = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (count, issued) = &mut *guard;
        *count += 1;
        let now = Instant::now();
        issued.retain(|_, expiry| *expiry > now);
        let token = format!("demo-token-{count}");
        issued.insert(token.clone(), now + TOKEN_LIFETIME);
        token
    }

    /// How long `token` stays valid, or `None` when it is unknown or expired.
    pub fn remaining(&self, token: &str) -> Option<Duration> {
        let guard = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let left = guard.1.get(token)?.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }
}

/// `POST /demo/auth/token`: a new token valid for a few seconds.
pub async fn issue(State(demo): State<Demo>) -> Json<serde_json::Value> {
    let token = demo.tokens.issue();
    Json(serde_json::json!({ "token": token, "expiresInMs": TOKEN_LIFETIME.as_millis() as u64 }))
}
