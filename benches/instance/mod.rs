//! Seeded synthetic planning instances for the benches (synthetic: invented communes, costs
//! and budgets; shapes follow Lai Châu 2023: 8 sources, construction vs recurrent categories,
//! a local counterpart rule).

use std::fmt::Write as _;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ntm::scenario::Scenario;

/// Main category per criterion (shared vocabulary, assumption).
const CATEGORY: [&str; 19] = [
    "planning",
    "transport",
    "irrigation",
    "electricity",
    "school",
    "cultural-facility",
    "commerce",
    "ict",
    "housing",
    "production",
    "livelihood",
    "training",
    "production",
    "training",
    "health",
    "culture",
    "environment",
    "governance",
    "security",
];

/// Unit cost per criterion, million VND (invented magnitudes).
const COST: [u32; 19] = [
    300, 9000, 6000, 4000, 8000, 3000, 2500, 800, 1500, 2000, 1500, 600, 1200, 700, 3500, 500,
    2500, 300, 300,
];

const CONSTRUCTION: &str = r#"["transport", "irrigation", "electricity", "school", "cultural-facility", "commerce", "ict", "health", "environment"]"#;
const RECURRENT: &str = r#"["planning", "production", "livelihood", "training", "culture", "governance", "security", "housing"]"#;

/// Writes an instance with `communes` communes into `dir` and loads it. Budgets are `share`
/// of the cost of closing every gap the cheapest way.
pub fn write(dir: &Path, communes: usize, seed: u64, share: f64) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = String::from("id,name");
    for k in 1..=19 {
        let _ = write!(rows, ",c{k}");
    }
    rows.push('\n');
    let mut projects = String::from("id,commune,category,cost,year_from,year_to,gains,must\n");
    let mut id = 0;
    let mut need = 0.0;
    for c in 0..communes {
        // A third of the communes are at standard; the others lack 1 to 12 criteria.
        let lacking = if rng.random_bool(0.33) {
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
        for &k in &unmet {
            let base = f64::from(COST[usize::from(k - 1)]);
            let category = CATEGORY[usize::from(k - 1)];
            // Alternatives: one whole project, two halves, sometimes a second whole one.
            let mut cheapest = f64::INFINITY;
            let emit = |projects: &mut String, cost: f64, gain: &str, id: &mut usize| {
                *id += 1;
                let _ = writeln!(
                    projects,
                    "P{id:06},x{c:04},{category},{},2023,2023,c{k}:{gain},",
                    cost.round()
                );
            };
            let whole = base * rng.random_range(0.7..1.3);
            emit(&mut projects, whole, "1", &mut id);
            cheapest = cheapest.min(whole);
            let half_a = base * rng.random_range(0.3..0.7);
            let half_b = base * rng.random_range(0.3..0.7);
            emit(&mut projects, half_a, "0.5", &mut id);
            emit(&mut projects, half_b, "0.5", &mut id);
            cheapest = cheapest.min(half_a + half_b);
            if rng.random_bool(0.3) {
                let other = base * rng.random_range(0.7..1.3);
                emit(&mut projects, other, "1", &mut id);
                cheapest = cheapest.min(other);
            }
            need += cheapest;
        }
        // Income and poverty move together: a joint livelihood project where both lack.
        if unmet.contains(&10) && unmet.contains(&11) {
            id += 1;
            let cost: f64 = 2500.0 * rng.random_range(0.8..1.2);
            let _ = writeln!(
                projects,
                "P{id:06},x{c:04},livelihood,{},2023,2023,c10:0.5;c11:1,",
                cost.round()
            );
        }
    }
    let total = need * share;
    let sources = [
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
    let mut toml = format!(
        "name = \"bench-{communes}\"\nprovince = \"Synthetic\"\ncatalog = \"qd318-2022\"\nbaseline_year = 2022\nyears = [2023]\nhierarchy = [\"province\", \"commune\"]\nsynthetic = \"seeded synthetic bench instance (seed {seed})\"\nprojects = \"projects.csv\"\n"
    );
    for (sid, kind, categories, part) in sources {
        let _ = write!(
            toml,
            "[[capital_sources]]\nid = \"{sid}\"\nkind = \"{kind}\"\nname_vi = \"{sid}\"\nname_en = \"{sid}\"\nbudget = {{ 2023 = {} }}\ncategories = {categories}\neligibility = \"assumption: bench\"\nsource = \"synthetic\"\n",
            (total * part).round()
        );
    }
    toml.push_str("[[counterpart]]\nsource = \"local\"\nof = [\"central-investment\", \"central-recurrent\"]\nratio = \"0,3\"\nbasis = \"assumption: bench\"\n");
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    std::fs::write(dir.join("communes.csv"), rows).unwrap();
    std::fs::write(dir.join("projects.csv"), projects).unwrap();
    Scenario::load(dir).unwrap()
}
