//! In-process token buckets for login attempts and API calls.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A keyed token-bucket limiter: `burst` requests at once, refilled at `per_minute`.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Buckets untouched this long are dropped when the map grows.
const STALE: Duration = Duration::from_secs(600);
const MAX_KEYS: usize = 100_000;

impl RateLimiter {
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter {
            burst: f64::from(burst),
            per_sec: f64::from(per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`. On refusal returns the seconds until the next token.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Ok(mut map) = self.buckets.lock() else { return Ok(()) };
        if map.len() > MAX_KEYS {
            map.retain(|_, (_, t)| now.duration_since(*t) < STALE);
        }
        let entry = map.entry(key.to_string()).or_insert((self.burst, now));
        let elapsed = now.duration_since(entry.1).as_secs_f64();
        entry.0 = (entry.0 + elapsed * self.per_sec).min(self.burst);
        entry.1 = now;
        if entry.0 >= 1.0 {
            entry.0 -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - entry.0) / self.per_sec).ceil();
            Err(wait.max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_until_refilled() {
        let rl = RateLimiter::new(3, 60);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(rl.check("ip", t0).is_ok());
        }
        assert_eq!(rl.check("ip", t0), Err(1));
        assert!(rl.check("other", t0).is_ok(), "keys are independent");
        assert!(rl.check("ip", t0 + Duration::from_millis(1100)).is_ok());
    }
}
