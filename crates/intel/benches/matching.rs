//! Indicator-matching benchmark: builds 1M synthetic indicators (40% IPv4 with some CIDRs,
//! 30% domains, 20% SHA-256, 10% URLs) from STIX patterns and measures single-threaded
//! lookups per second for typed observables, for the allocating `lookup`, and for raw strings
//! through `classify`. Run with `cargo bench -p mamori-intel --bench matching`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::Instant;

use mamori_intel::matching::{MatchIndex, Observable, classify};

/// SplitMix64: a tiny deterministic generator, enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 16] = [
    "update", "secure", "login", "cdn", "mail", "portal", "cloud", "sync", "api", "files", "static", "auth", "vpn",
    "news", "shop", "data",
];
const TLDS: [&str; 8] = ["com", "net", "org", "info", "jp", "io", "biz", "example"];

fn domain(r: &mut Rng, i: u64) -> String {
    let a = WORDS[r.below(16) as usize];
    let b = WORDS[r.below(16) as usize];
    let t = TLDS[r.below(8) as usize];
    format!("{a}-{b}{i}.{t}")
}

fn sha256(r: &mut Rng) -> String {
    (0..4).map(|_| format!("{:016x}", r.next())).collect()
}

fn ipv4(r: &mut Rng) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::from(r.next() as u32)
}

/// The raw values of indicator `i` (regenerated for lookups with the same seed).
#[derive(Clone)]
enum Synth {
    Ip(std::net::Ipv4Addr),
    Cidr(std::net::Ipv4Addr, u8),
    Domain(String),
    Hash(String),
    Url(String),
}

fn synth(r: &mut Rng, i: u64) -> Synth {
    match r.below(100) {
        0 => {
            let len = [16u8, 20, 24][r.below(3) as usize];
            Synth::Cidr(ipv4(r), len)
        }
        1..=39 => Synth::Ip(ipv4(r)),
        40..=69 => Synth::Domain(domain(r, i)),
        70..=89 => Synth::Hash(sha256(r)),
        _ => Synth::Url(format!("http://{}/{}/{}.php", domain(r, i), WORDS[r.below(16) as usize], r.below(1_000_000))),
    }
}

fn pattern(s: &Synth) -> String {
    match s {
        Synth::Ip(ip) => format!("[ipv4-addr:value = '{ip}']"),
        Synth::Cidr(ip, len) => format!("[ipv4-addr:value = '{ip}/{len}']"),
        Synth::Domain(d) => format!("[domain-name:value = '{d}']"),
        Synth::Hash(h) => format!("[file:hashes.'SHA-256' = '{h}']"),
        Synth::Url(u) => format!("[url:value = '{u}']"),
    }
}

fn raw(s: &Synth) -> String {
    match s {
        Synth::Ip(ip) | Synth::Cidr(ip, _) => ip.to_string(),
        Synth::Domain(d) => format!("www.{d}"),
        Synth::Hash(h) => h.to_uppercase(),
        Synth::Url(u) => u.clone(),
    }
}

fn main() {
    const N: u64 = 1_000_000;
    const LOOKUPS: usize = 2_000_000;

    let mut r = Rng(42);
    let synth_all: Vec<Synth> = (0..N).map(|i| synth(&mut r, i)).collect();
    let patterns: Vec<String> = synth_all.iter().map(pattern).collect();
    let ids: Vec<String> = (0..N).map(|i| format!("indicator--{i:08x}-0000-4000-8000-000000000000")).collect();

    let t = Instant::now();
    let mut idx: MatchIndex<u32> = MatchIndex::new(0x5eed);
    for (i, (id, p)) in ids.iter().zip(&patterns).enumerate() {
        idx.add_indicator(id, "stix", p, i as u32).unwrap();
    }
    let build = t.elapsed();
    println!(
        "build: {} indicators from STIX patterns in {:.2} s ({:.0} indicators/s)",
        idx.len(),
        build.as_secs_f64(),
        idx.len() as f64 / build.as_secs_f64()
    );

    // Lookups: half are values (or subdomains / addresses inside CIDRs) of indexed indicators,
    // half are fresh random values that miss, in the same type mix.
    let mut q = Rng(7);
    let mut misses = Rng(99);
    let raws: Vec<String> = (0..LOOKUPS)
        .map(|i| {
            if q.below(2) == 0 { raw(&synth_all[q.below(N) as usize]) } else { raw(&synth(&mut misses, N + i as u64)) }
        })
        .collect();
    let observables: Vec<Observable> = raws.iter().map(|s| classify(s).unwrap()).collect();

    for round in 0..2 {
        let t = Instant::now();
        let mut hits = 0u64;
        for o in &observables {
            idx.for_each_match(o, |i, _| hits += u64::from(i) & 1 | 1);
        }
        let e = t.elapsed();
        println!(
            "round {round}: typed for_each_match: {:.2} M lookups/s ({} lookups, {hits} hit-weight, {:.0} ns/lookup)",
            LOOKUPS as f64 / e.as_secs_f64() / 1e6,
            LOOKUPS,
            e.as_nanos() as f64 / LOOKUPS as f64
        );
    }

    let t = Instant::now();
    let mut found = 0usize;
    for o in &observables {
        found += idx.lookup_visible(o, |m| m % 3 != 0).len();
    }
    let e = t.elapsed();
    println!(
        "lookup_visible (Vec, ACL filter): {:.2} M lookups/s ({found} visible matches)",
        LOOKUPS as f64 / e.as_secs_f64() / 1e6
    );

    let t = Instant::now();
    let mut n = 0usize;
    for s in &raws {
        if let Ok(o) = classify(black_box(s)) {
            idx.for_each_match(&o, |_, _| n += 1);
        }
    }
    let e = t.elapsed();
    println!(
        "classify + match from raw strings: {:.2} M lookups/s ({n} matches)",
        LOOKUPS as f64 / e.as_secs_f64() / 1e6
    );

    let kinds = ["ipv4", "domain", "hash", "url"];
    for kind in kinds {
        let subset: Vec<&Observable> = observables.iter().filter(|o| o.kind() == kind).collect();
        let t = Instant::now();
        let mut h = 0u64;
        for o in &subset {
            idx.for_each_match(o, |_, _| h += 1);
        }
        let e = t.elapsed();
        println!(
            "  {kind:6}: {:.2} M lookups/s over {} lookups ({h} matches)",
            subset.len() as f64 / e.as_secs_f64() / 1e6,
            subset.len()
        );
    }
}
