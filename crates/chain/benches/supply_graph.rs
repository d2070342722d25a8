//! Supply-graph benchmark: 1,000,000 organizations and 5,000,000 edges
//! (override with `MAMORI_BENCH_ORGS` / `MAMORI_BENCH_EDGES`).

use std::time::Duration;

fn main() {
    let orgs = env_or("MAMORI_BENCH_ORGS", 1_000_000);
    let edges = env_or("MAMORI_BENCH_EDGES", 5_000_000);
    println!("supply-graph benchmark: {orgs} orgs, {edges} edges, seed 42");
    let mut target = Duration::ZERO;
    let mut total = Duration::ZERO;
    let summary = mamori_chain::bench::run_bench(orgs, edges, 42, &mut |phase, d| {
        use mamori_chain::bench::Phase;
        println!("{phase:>14}: {:>9.3} s", d.as_secs_f64());
        total += d;
        if matches!(phase, Phase::Tiers | Phase::Rollup | Phase::Concentration) {
            target += d;
        }
    });
    println!("{summary:#?}");
    println!("tiers + roll-up + concentration: {:.3} s (target < 2 s)", target.as_secs_f64());
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
