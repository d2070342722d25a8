//! Benchmarks: importing the SP 800-53 HIGH resolved catalog, and listing crosswalk links for CSF 2.0.

use std::time::Instant;

use mamori_catalog::{CrosswalkIndex, Format, builtin, builtin_crosswalks, import};

const HIGH: &[u8] =
    include_bytes!("../tests/fixtures/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json");

fn time<T>(label: &str, runs: u32, mut f: impl FnMut() -> T) {
    let mut best = f64::MAX;
    let mut total = 0.0;
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        let us = start.elapsed().as_secs_f64() * 1e6;
        best = best.min(us);
        total += us;
    }
    println!(
        "{label}: best {:.3} ms ({best:.1} µs), mean {:.3} ms over {runs} runs",
        best / 1000.0,
        total / f64::from(runs) / 1000.0
    );
}

fn main() {
    time("import SP 800-53 HIGH resolved catalog (370 controls, target < 1000 ms)", 10, || {
        let got = import(HIGH, "high.json", Format::Auto).map(|i| i.frameworks.len());
        assert_eq!(got.ok(), Some(1));
    });
    let crosswalks = match builtin_crosswalks() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("built-in crosswalks failed to load: {e}");
            return;
        }
    };
    time("build CrosswalkIndex over all built-in links", 50, || CrosswalkIndex::from_crosswalks(&crosswalks));
    let index = CrosswalkIndex::from_crosswalks(&crosswalks);
    println!("links for {}: {}", builtin::CSF_2_0, index.links_for(builtin::CSF_2_0).len());
    time("list all crosswalk links for CSF 2.0 (target < 10 ms)", 200, || index.links_for(builtin::CSF_2_0).len());
    time("map SCS 4-3-4 to ISO 27001 (direct + one pivot)", 200, || {
        index.map(builtin::SCS, "4-3-4", builtin::ISO_27001_2022).len()
    });
}
