//! Bench `memory`: peak heap of `evaluate` (load + evaluate) per byte of communes CSV and per
//! commune, and of `import-xlsx` per byte of workbook. A counting global allocator measures the
//! heap exactly (no sampling); run with `cargo bench --bench memory`.
//!
//! The figures in README.md ("Limits") come from this bench.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Peak heap growth while `f` runs, in bytes.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let value = f();
    (value, PEAK.load(Ordering::Relaxed) - base)
}

/// A scenario folder with `n` seeded communes in 100-commune districts.
fn scenario(dir: &Path, n: usize) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut csv = String::from("id,name,district");
    for c in 1..=19 {
        csv.push_str(&format!(",c{c}"));
    }
    csv.push('\n');
    for i in 0..n {
        csv.push_str(&format!("X{i:06},Xã {i:06},Huyện {:04}", i / 100));
        for _ in 1..=19 {
            csv.push_str(if rng.random_bool(0.7) { ",1" } else { ",0" });
        }
        csv.push('\n');
    }
    std::fs::write(dir.join("communes.csv"), &csv).unwrap();
    std::fs::write(
        dir.join("scenario.toml"),
        "name = \"memory\"\nprovince = \"Bench\"\ncatalog = \"qd318-2022\"\nbaseline_year = 2023\nyears = [2024]\nsynthetic = \"bench\"\n",
    )
    .unwrap();
    csv.len() as u64
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this once quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[2_000] } else { &[10_000, 100_000] };
    for &n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let csv_bytes = scenario(dir.path(), n);
        // `ntm evaluate` as it prints its tables: each commune's status folded into the counts.
        let (evaluation, peak) = peak_of(|| {
            let s = ntm::scenario::Scenario::load(dir.path()).unwrap();
            ntm::evaluate::evaluate_with(&s, ntm::evaluate::Detail::Counts)
        });
        assert_eq!(evaluation.summary.communes, n);
        println!(
            "evaluate {n} communes: CSV {csv_bytes} B, peak heap {peak} B = {:.1}× the CSV, {} B per commune",
            peak as f64 / csv_bytes as f64,
            peak / n
        );
        // With `--communes`, `--json` or `--xlsx`: every commune's status kept as well.
        let (evaluation, listed_peak) = peak_of(|| {
            let s = ntm::scenario::Scenario::load(dir.path()).unwrap();
            ntm::evaluate::evaluate_with(&s, ntm::evaluate::Detail::PerCommune)
        });
        assert_eq!(evaluation.per_commune.len(), n);
        drop(evaluation);
        println!(
            "  listing every commune: peak heap {listed_peak} B = {:.1}× the CSV, {} B per commune",
            listed_peak as f64 / csv_bytes as f64,
            listed_peak / n
        );
        let (s, load_peak) = peak_of(|| ntm::scenario::Scenario::load(dir.path()).unwrap());
        println!(
            "  of which loading: {load_peak} B = {:.1}× the CSV, {} B per commune",
            load_peak as f64 / csv_bytes as f64,
            load_peak / n
        );
        let book = dir.path().join("book.xlsx");
        ntm::xlsx::write_workbook(&book, &ntm::xlsx::scenario_sheets(&s)).unwrap();
        drop(s);
        let book_bytes = std::fs::metadata(&book).unwrap().len();
        let out = dir.path().join("imported");
        let (_, import_peak) = peak_of(|| {
            ntm::xlsx::import_workbook(&book, &out, Some(2023)).unwrap();
        });
        println!(
            "import-xlsx {n} communes: workbook {book_bytes} B, peak heap {import_peak} B = {:.1}× the workbook, {} B per commune",
            import_peak as f64 / book_bytes as f64,
            import_peak / n
        );
        // The workbook is a zip: its XML (the sheets and their shared strings) is what is read.
        let xml_bytes = xml_size(&book);
        println!(
            "  the workbook's XML unzipped: {xml_bytes} B, the peak = {:.1}× that",
            import_peak as f64 / xml_bytes as f64
        );
    }
}

/// Bytes of a workbook's XML once unzipped: the worksheets and the shared strings.
fn xml_size(book: &Path) -> u64 {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut total = 0;
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        if f.name().starts_with("xl/worksheets/") || f.name() == "xl/sharedStrings.xml" {
            total += f.size();
        }
    }
    total
}
