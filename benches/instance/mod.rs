//! Seeded synthetic planning instances for the benches (synthetic: invented communes and
//! budgets; candidate projects from [`ntm::synthesize::projects::synthesize`] with the built-in
//! assumed unit costs; shapes follow Lai Châu 2023: 8 sources, construction vs recurrent
//! categories, a local counterpart rule).

pub mod replicate;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use ntm::scenario::{LoadOptions, Project, Scenario};
use ntm::synthesize::projects::{self, ProjectOptions, UnitCosts};

const CONSTRUCTION: &str = r#"["transport", "irrigation", "electricity", "school", "cultural-facility", "commerce", "ict", "health", "environment"]"#;
const RECURRENT: &str = r#"["planning", "production", "livelihood", "training", "culture", "governance", "security", "housing"]"#;

/// The 8 sources: id, kind, categories, share of the total budget.
const SOURCES: [(&str, &str, &str, f64); 8] = [
    (
        "central-investment",
        "central-investment",
        CONSTRUCTION,
        0.10,
    ),
    ("central-recurrent", "central-recurrent", RECURRENT, 0.05),
    ("central-carryover", "central-carryover", CONSTRUCTION, 0.05),
    ("local", "local", r#"["*"]"#, 0.06),
    (
        "integrated-poverty",
        "integrated",
        r#"["housing", "livelihood", "production", "training"]"#,
        0.14,
    ),
    (
        "integrated-ethnic",
        "integrated",
        r#"["housing", "transport", "school", "electricity", "ict", "health", "production", "livelihood", "training", "culture", "cultural-facility"]"#,
        0.30,
    ),
    (
        "credit",
        "credit",
        r#"["housing", "production", "livelihood"]"#,
        0.20,
    ),
    (
        "community",
        "community",
        r#"["transport", "cultural-facility", "environment", "housing", "culture"]"#,
        0.10,
    ),
];

/// Writes an instance with `communes` seeded random communes into `dir`, synthesizes its
/// candidate projects at `density_percent` and loads it. Budgets are `share` of the cost of
/// closing every gap at the cheapest cost per unit of gain.
pub fn write(dir: &Path, communes: usize, seed: u64, density_percent: u32, share: f64) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = String::from("id,name");
    for k in 1..=19 {
        let _ = write!(rows, ",c{k}");
    }
    rows.push('\n');
    for c in 0..communes {
        // A fifth of the communes are at standard; the others lack 1 to 12 criteria (enough gaps for
        // 94 communes to give 1,000 candidates: the synthesizer offers at most ~2 per gap).
        let lacking = if rng.random_bool(0.2) {
            0
        } else {
            rng.random_range(1..=12)
        };
        let mut unmet: Vec<u8> = Vec::new();
        while unmet.len() < lacking {
            let k = rng.random_range(1..=19u8);
            if !unmet.contains(&k) {
                unmet.push(k);
            }
        }
        let _ = write!(rows, "x{c:04},Xã {c:04}");
        for k in 1..=19u8 {
            rows.push_str(if unmet.contains(&k) { ",0" } else { ",1" });
        }
        rows.push('\n');
    }
    std::fs::write(dir.join("communes.csv"), rows).unwrap();
    // Budgets depend on the projects: synthesize with zero budgets first.
    write_toml(dir, communes, seed, 0.0);
    let skip = LoadOptions {
        skip_projects: true,
        ..LoadOptions::default()
    };
    let scenario = Scenario::load_with(dir, skip).unwrap();
    let options = ProjectOptions {
        seed,
        density_percent,
    };
    let costs = UnitCosts::built_in().unwrap();
    let candidates = projects::synthesize(&scenario, &costs, &options).unwrap();
    projects::write(&scenario, &candidates, true).unwrap();
    write_toml(dir, communes, seed, cheapest_need(&candidates) * share);
    Scenario::load(dir).unwrap()
}

/// Sum over (commune, criterion) of the lowest cost per unit of gain, million VND: about the
/// cost of closing every gap the cheapest way.
fn cheapest_need(candidates: &[Project]) -> f64 {
    let mut best: BTreeMap<(usize, u8), Decimal> = BTreeMap::new();
    for p in candidates {
        for g in p.gains.iter().filter(|g| g.fraction > Decimal::ZERO) {
            let per = p.cost / g.fraction;
            best.entry((p.commune, g.criterion))
                .and_modify(|b| *b = (*b).min(per))
                .or_insert(per);
        }
    }
    best.values().sum::<Decimal>().to_f64().unwrap_or(0.0)
}

/// Writes `scenario.toml` with the 8 sources sharing `total` million VND.
fn write_toml(dir: &Path, communes: usize, seed: u64, total: f64) {
    let mut toml = format!(
        "name = \"bench-{communes}\"\nprovince = \"Synthetic\"\ncatalog = \"qd318-2022\"\nbaseline_year = 2022\nyears = [2023]\nhierarchy = [\"province\", \"commune\"]\nsynthetic = \"seeded synthetic bench instance (seed {seed})\"\nprojects = \"projects.csv\"\n"
    );
    for (sid, kind, categories, part) in SOURCES {
        let _ = write!(
            toml,
            "[[capital_sources]]\nid = \"{sid}\"\nkind = \"{kind}\"\nname_vi = \"{sid}\"\nname_en = \"{sid}\"\nbudget = {{ 2023 = {} }}\ncategories = {categories}\neligibility = \"assumption: bench\"\nsource = \"synthetic\"\n",
            (total * part).round()
        );
    }
    toml.push_str("[[counterpart]]\nsource = \"local\"\nof = [\"central-investment\", \"central-recurrent\"]\nratio = \"0,3\"\nbasis = \"assumption: bench\"\n");
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
}
