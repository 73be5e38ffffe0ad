//! Bench `merge`: a national table of 10.000 old communes (in 100-commune districts, with
//! income values, villages and one project per commune) merged into 3.300 new ones, as
//! `ntm merge` does it (read, validate, combine, move, build, check by loading back, write).
//! Target (issue 21): under 2 s and under 200 MB. Prints the peak heap (counting allocator)
//! and the time of one run, then lets criterion time it. `cargo test --benches` runs a small
//! table once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use criterion::Criterion;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A scenario of `n` seeded old communes and a mapping of them into `new` communes (old
/// commune `i` goes into new commune `i * new / n`, so members are neighbours), with a
/// population for every old commune.
fn national(dir: &Path, n: usize, new: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut communes = String::from("id,name,district");
    for c in 1..=19 {
        communes.push_str(&format!(",c{c}"));
    }
    communes.push_str(",villages,villages_standard\n");
    let mut indicators = String::from("commune,indicator,year,value,source\n");
    let mut projects = String::from("id,commune,category,cost,year_from,year_to,gains\n");
    let mut mapping = String::from("old_id,new_id,new_name,population,households\n");
    for i in 0..n {
        communes.push_str(&format!("X{i:05},Xã {i:05},Huyện {:03}", i / 100));
        for _ in 1..=19 {
            communes.push_str(if rng.random_bool(0.8) { ",1" } else { ",0" });
        }
        let villages = rng.random_range(3..12);
        communes.push_str(&format!(",{villages},{}\n", rng.random_range(0..=villages)));
        indicators.push_str(&format!(
            "X{i:05},income-per-capita,2020,{},bench\n",
            rng.random_range(20..60)
        ));
        projects.push_str(&format!(
            "P{i:05},X{i:05},transport,{},2024,2025,c2:0.5\n",
            rng.random_range(100..5000)
        ));
        let to = i * new / n;
        mapping.push_str(&format!(
            "X{i:05},N{to:04},Xã mới {to:04},{},{}\n",
            rng.random_range(1000..20000),
            rng.random_range(200..5000)
        ));
    }
    // The indicator example's catalog: QĐ 318 with the cited 2020 income thresholds.
    let catalog = include_str!("../scenarios/example-indicators/catalog.toml");
    std::fs::write(dir.join("communes.csv"), communes).unwrap();
    std::fs::write(dir.join("indicators.csv"), indicators).unwrap();
    std::fs::write(dir.join("projects.csv"), projects).unwrap();
    std::fs::write(dir.join("mapping.csv"), mapping).unwrap();
    std::fs::write(dir.join("catalog.toml"), catalog).unwrap();
    std::fs::write(
        dir.join("scenario.toml"),
        "name = \"national\"\nprovince = \"Bench\"\nregion = \"northern-midlands-mountains\"\ncatalog = \"catalog.toml\"\nbaseline_year = 2020\nyears = [2024, 2025]\nsynthetic = \"bench\"\nprojects = \"projects.csv\"\nindicators = \"indicators.csv\"\n\n[[capital_sources]]\nid = \"central-investment\"\nkind = \"central-investment\"\nname_vi = \"Vốn\"\nname_en = \"Central\"\nbudget = { \"2024\" = \"4.916.475\", \"2025\" = \"4.916.475\" }\ncategories = [\"*\"]\neligibility = \"assumption: bench\"\nsource = \"bench\"\n",
    )
    .unwrap();
}

fn run(dir: &Path, out: &Path) -> ntm::merge::MergeReport {
    let _ = std::fs::remove_dir_all(out);
    let options = ntm::merge::MergeOptions {
        scenarios: vec![dir.to_path_buf()],
        mapping: dir.join("mapping.csv"),
        province_mapping: None,
        rule: None,
        out: out.to_path_buf(),
    };
    ntm::merge::merge(&options, false).unwrap().0
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let (n, new) = if quick { (1_000, 330) } else { (10_000, 3_300) };
    let dir = tempfile::tempdir().unwrap();
    national(dir.path(), n, new);
    let out = dir.path().join("merged");
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let report = run(dir.path(), &out);
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!((report.communes_before, report.communes_after), (n, new));
    assert!(report.totals_hold(), "{:?}", report.totals);
    println!(
        "merge {n} → {new} communes: {:.3} s, peak heap {:.1} MB",
        elapsed.as_secs_f64(),
        peak as f64 / 1e6
    );
    if quick {
        return;
    }
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    c.bench_function("merge 10.000 → 3.300 communes", |b| {
        b.iter(|| run(dir.path(), &out))
    });
    c.final_summary();
}
