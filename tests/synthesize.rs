//! `ntm synthesize`: exactness of the matrix method (property tests with a brute-force oracle),
//! the four seed scenarios reproduced exactly and byte for byte, impossible figures reported.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use ntm::error::Error;
use ntm::evaluate::evaluate_communes;
use ntm::scenario::Scenario;
use ntm::synthesize::matrix::{solve, BandCount, Margins};
use ntm::synthesize::{synthesize, synthesize_path, SynthesisOptions};

const SEEDS: [&str; 4] = [
    "lai-chau-2023",
    "lang-son-2022",
    "muong-te-2021-2025",
    "lam-dong-2025",
];

fn seed_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

#[test]
fn seeds_reproduce_every_published_aggregate() {
    for name in SEEDS {
        let scenario = Scenario::load(&seed_dir(name)).unwrap();
        let s = synthesize(&scenario, SynthesisOptions::default()).unwrap();
        assert!(s.reproduces_all(), "{name}: {:?}", s.checks);
        // Independently of the checks: evaluate the matrix and compare with [published].
        let e = evaluate_communes(&scenario.catalog, &s.communes, None);
        let p = &scenario.published;
        assert_eq!(Some(e.summary.communes as u32), p.communes, "{name}");
        if let Some(standard) = p.standard {
            assert_eq!(e.summary.standard as u32, standard, "{name}");
        }
        if let Some(advanced) = p.advanced {
            assert_eq!(e.summary.advanced as u32, advanced, "{name}");
        }
        if let Some(model) = p.model {
            assert_eq!(e.summary.model as u32, model, "{name}");
        }
        for (band, count) in &e.summary.bands {
            if let Some(published) = p.bands.get(band) {
                assert_eq!(*count as u32, *published, "{name} band {band}");
            }
        }
        for c in &e.criteria {
            let key = format!("c{}", c.id);
            let want = p
                .criteria
                .get(&key)
                .or(scenario.synthesize.assumed_criteria.get(&key));
            if let Some(want) = want {
                assert_eq!(c.met as u32, *want, "{name} {key}");
            }
        }
        if let Some(average) = p.average_criteria {
            let got = e
                .summary
                .average_criteria
                .round_dp_with_strategy(average.0.scale(), RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(got, average.0, "{name} average");
        }
        if let Some(villages) = p.villages {
            let sum: u32 = s.communes.iter().filter_map(|c| c.villages).sum();
            assert_eq!(sum, villages, "{name} villages");
        }
        if let Some(villages) = p.villages_standard {
            let sum: u32 = s.communes.iter().filter_map(|c| c.villages_standard).sum();
            assert_eq!(sum, villages, "{name} villages at standard");
        }
    }
}

#[test]
fn committed_communes_files_are_the_synthesizer_output_byte_for_byte() {
    for name in SEEDS {
        let s = synthesize_path(&seed_dir(name), SynthesisOptions::default()).unwrap();
        let committed = std::fs::read(seed_dir(name).join("communes.csv")).unwrap();
        assert!(
            s.to_csv().unwrap() == committed,
            "{name}: re-run `cargo run -- synthesize scenarios/{name} --write`"
        );
    }
}

#[test]
fn another_seed_gives_another_matrix_with_the_same_aggregates() {
    let a = synthesize_path(
        &seed_dir("lai-chau-2023"),
        SynthesisOptions { seed: Some(1) },
    )
    .unwrap();
    let b = synthesize_path(
        &seed_dir("lai-chau-2023"),
        SynthesisOptions { seed: Some(2) },
    )
    .unwrap();
    assert_ne!(a.to_csv().unwrap(), b.to_csv().unwrap());
    assert!(a.reproduces_all() && b.reproduces_all());
}

/// Writes a scenario whose figures cannot hold together: c10 = 30 with 39 communes at standard,
/// and bands that allow at most 39 × 19 + 15 × 14 + 40 × 9 = 1.311 criteria against 1.400.
fn impossible_scenario(dir: &Path) {
    let criteria: Vec<String> = (1..=19)
        .map(|id| {
            let count = match id {
                10 => 30,
                _ => 75 + u32::from(id % 3 == 0),
            };
            format!("c{id} = {count}")
        })
        .collect();
    // Sum: c10 30 + 18 criteria at 75 + 6 of them (c3, c6, … c18) one more → 30 + 1350 + 6 = 1386.
    // With c10 = 39 instead: 1395.
    let toml = format!(
        r#"name = "impossible"
province = "Test"
catalog = "qd318-2022"
baseline_year = 2022
years = [2023]
hierarchy = ["province", "commune"]

[published]
communes = 94
standard = 39
average_criteria = "12,5"

[published.bands]
"19" = 39
"15-18" = 0
"10-14" = 15
"5-9" = 40
"0-4" = 0

[published.criteria]
{}
"#,
        criteria.join("\n")
    );
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
}

#[test]
fn impossible_figures_are_reported_with_their_arithmetic() {
    let dir = tempfile::tempdir().unwrap();
    impossible_scenario(dir.path());
    let Err(Error::Invalid(problems)) = synthesize_path(dir.path(), SynthesisOptions::default())
    else {
        panic!("expected the figures to be reported");
    };
    let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "published figures cannot hold together: c10 = 30 but 39 communes are at standard, and a commune at standard meets every criterion"
        ]
    );
    // The line of c10 in [published.criteria]: header on line 20, c1 on 21, c10 on 30.
    assert_eq!(problems[0].line, Some(30));

    // With c10 fixed, the total is the problem: 1.395 against the bands' 1.091..1.311.
    let path = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("c10 = 30", "c10 = 39");
    std::fs::write(&path, text).unwrap();
    let Err(Error::Invalid(problems)) = synthesize_path(dir.path(), SynthesisOptions::default())
    else {
        panic!("expected the figures to be reported");
    };
    let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "published figures cannot hold together: the bands allow 1091..1311 criteria met in total, but the per-criterion counts sum to 1395",
            "published figures cannot hold together: average 12,5 × 94 communes = 1175 (1171..1179 within the rounding of 12,5), but the per-criterion counts sum to 1395",
        ]
    );
}

#[test]
fn tiers_and_keys_that_cannot_hold_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let toml = r#"name = "tiers"
province = "Test"
catalog = "qd318-2022"
baseline_year = 2025
years = [2025]
hierarchy = ["province", "commune"]
communes = "status.csv"

[published]
communes = 10
standard = 4
advanced = 5
model = 1

[published.bands]
"12-13" = 1

[published.criteria]
c1 = 10

[synthesize.assumed_criteria]
c1 = 9
c20 = 3
"#;
    std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
    let Err(Error::Invalid(problems)) = synthesize_path(dir.path(), SynthesisOptions::default())
    else {
        panic!("expected the figures to be reported");
    };
    let messages: Vec<String> = problems.iter().map(|d| d.message.clone()).collect();
    let prefix = "published figures cannot hold together: ";
    assert_eq!(
        messages,
        [
            format!("{prefix}unknown band `12-13` (bands are 19, 15-18, 10-14, 5-9, 0-4)"),
            format!("{prefix}unknown criterion `c20` (write c1..c19)"),
            format!("{prefix}c1 is both published and assumed; keep one"),
            format!("{prefix}5 communes at advanced but only 4 at standard (advanced requires standard)"),
        ]
    );
    // Lines: "12-13" on 16, c20 on 23, c1 of the assumed table on 22, advanced on 12.
    let lines: Vec<Option<usize>> = problems.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(16), Some(23), Some(22), Some(12)]);
    // The file `--write` would use is the one scenario.toml names.
    let scenario = ntm::scenario::Scenario::load_with(
        dir.path(),
        ntm::scenario::LoadOptions {
            allow_missing_communes: true,
            skip_projects: true,
        },
    )
    .unwrap();
    assert_eq!(scenario.communes_file, dir.path().join("status.csv"));
}

#[test]
fn the_binary_reports_and_writes_nothing_when_figures_conflict() {
    let dir = tempfile::tempdir().unwrap();
    impossible_scenario(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["synthesize", "--write"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("c10 = 30 but 39 communes are at"),
        "{stderr}"
    );
    assert!(!dir.path().join("communes.csv").exists());
}

#[test]
fn human_output_is_labelled_synthetic() {
    let s = synthesize_path(&seed_dir("muong-te-2021-2025"), SynthesisOptions::default()).unwrap();
    insta::assert_snapshot!(ntm::report::render_synthesis(
        &s,
        None,
        ntm::number::NumberStyle::Vietnamese
    ));
}

// ---- Property tests -------------------------------------------------------------------------

fn real_bands() -> Vec<(String, u32, u32)> {
    vec![
        ("19".into(), 19, 19),
        ("15-18".into(), 15, 18),
        ("10-14".into(), 10, 14),
        ("5-9".into(), 5, 9),
        ("0-4".into(), 0, 4),
    ]
}

/// Aggregates of a matrix as a document would publish them.
fn aggregates(
    cells: &[Vec<bool>],
    bands: &[(String, u32, u32)],
    width: u32,
    hide_band_run: Option<(usize, usize)>,
    hidden_criteria: &[bool],
    average_places: Option<u32>,
) -> Margins {
    let n = cells.len() as u32;
    let rows: Vec<u32> = cells
        .iter()
        .map(|r| r.iter().filter(|c| **c).count() as u32)
        .collect();
    let total: u32 = rows.iter().sum();
    Margins {
        communes: n,
        standard: Some(rows.iter().filter(|r| **r == width).count() as u32)
            .filter(|_| hide_band_run.is_none()),
        bands: bands
            .iter()
            .enumerate()
            .map(|(i, (id, min, max))| BandCount {
                id: id.clone(),
                min: *min,
                max: *max,
                count: match hide_band_run {
                    Some((from, to)) if (from..=to).contains(&i) => None,
                    _ => Some(rows.iter().filter(|r| (*min..=*max).contains(*r)).count() as u32),
                },
            })
            .collect(),
        criteria: (0..width as usize)
            .map(|j| {
                let count = cells.iter().filter(|r| r[j]).count() as u32;
                ((j + 1) as u8, (!hidden_criteria[j]).then_some(count))
            })
            .collect(),
        average: average_places.filter(|_| n > 0).map(|places| {
            (Decimal::from(total) / Decimal::from(n))
                .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        }),
    }
}

/// Whether a matrix with row sums `rows` and column sums `columns` meets every given figure.
fn meets(m: &Margins, rows: &[u32], columns: &[u32], width: u32) -> bool {
    let n = rows.len() as u32;
    if n != m.communes {
        return false;
    }
    if m.standard
        .is_some_and(|s| s != rows.iter().filter(|r| **r == width).count() as u32)
    {
        return false;
    }
    for b in &m.bands {
        if let Some(count) = b.count {
            if count != rows.iter().filter(|r| (b.min..=b.max).contains(*r)).count() as u32 {
                return false;
            }
        }
    }
    for ((_, want), got) in m.criteria.iter().zip(columns) {
        if want.is_some_and(|w| w != *got) {
            return false;
        }
    }
    if let Some(average) = m.average {
        let total: u32 = rows.iter().sum();
        let got = (Decimal::from(total) / Decimal::from(n))
            .round_dp_with_strategy(average.scale(), RoundingStrategy::MidpointAwayFromZero);
        if got != average {
            return false;
        }
    }
    true
}

fn sums(cells: &[Vec<bool>], width: usize) -> (Vec<u32>, Vec<u32>) {
    let rows = cells
        .iter()
        .map(|r| r.iter().filter(|c| **c).count() as u32)
        .collect();
    let columns = (0..width)
        .map(|j| cells.iter().filter(|r| r[j]).count() as u32)
        .collect();
    (rows, columns)
}

fn matrix_strategy(max_rows: usize, width: usize) -> impl Strategy<Value = Vec<Vec<bool>>> {
    // Rows biased towards many criteria met, as in the documents.
    (1..=max_rows).prop_flat_map(move |n| {
        prop::collection::vec(
            (0.0f64..1.0)
                .prop_flat_map(move |p| prop::collection::vec(prop::bool::weighted(p), width)),
            n,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Aggregates of a random 19-criterion matrix are always reproduced exactly.
    #[test]
    fn feasible_aggregates_are_reproduced_exactly(
        cells in matrix_strategy(40, 19),
        hide_run in prop::option::of((0usize..5, 0usize..5)),
        hidden in prop::collection::vec(prop::bool::weighted(0.15), 19),
        places in prop::option::of(1u32..=2),
        seed in any::<u64>(),
    ) {
        let hide_run = hide_run.map(|(a, b)| (a.min(b), a.max(b)));
        // Unknown counts need the average to pin the total, as in the documents.
        let places = if hidden.iter().any(|h| *h) { Some(places.unwrap_or(2)) } else { places };
        let m = aggregates(&cells, &real_bands(), 19, hide_run, &hidden, places);
        let x = solve(&m, 19, seed).expect("margins of a real matrix are feasible");
        let (rows, columns) = sums(&x.cells, 19);
        prop_assert_eq!(&rows, &x.rows);
        prop_assert_eq!(&columns, &x.columns);
        prop_assert!(meets(&m, &rows, &columns, 19));
    }

    /// On small cases the method agrees with brute force: it produces a matrix exactly when one
    /// exists, and otherwise reports.
    #[test]
    fn small_cases_agree_with_brute_force(
        n in 1usize..=4,
        counts in prop::collection::vec(prop::option::of(0u32..=4), 3),
        standard in prop::option::of(0u32..=4),
        criteria in prop::collection::vec(prop::option::of(0u32..=4), 3),
        average in prop::option::of(0u32..=30),
        hide in prop::option::of((0usize..3, 0usize..3)),
    ) {
        // A 3-criterion catalog with bands 3 / 1-2 / 0; unknown bands form one run.
        let bands = [("3", 3, 3), ("1-2", 1, 2), ("0", 0, 0)];
        let run = hide.map(|(a, b)| (a.min(b), a.max(b)));
        let m = Margins {
            communes: n as u32,
            standard,
            bands: bands.iter().enumerate().map(|(i, (id, min, max))| BandCount {
                id: (*id).into(),
                min: *min,
                max: *max,
                count: match run {
                    Some((a, b)) if (a..=b).contains(&i) => None,
                    _ => counts[i].or(Some(0)),
                },
            }).collect(),
            criteria: criteria.iter().enumerate().map(|(j, c)| ((j + 1) as u8, *c)).collect(),
            average: average.map(|a| Decimal::new(i64::from(a), 1)),
        };
        let mut exists = false;
        for bits in 0u32..(1 << (3 * n)) {
            let cells: Vec<Vec<bool>> = (0..n)
                .map(|i| (0..3).map(|j| bits & (1 << (3 * i + j)) != 0).collect())
                .collect();
            let (rows, columns) = sums(&cells, 3);
            if meets(&m, &rows, &columns, 3) {
                exists = true;
                break;
            }
        }
        match solve(&m, 3, 0) {
            Ok(x) => {
                let (rows, columns) = sums(&x.cells, 3);
                prop_assert!(exists);
                prop_assert!(meets(&m, &rows, &columns, 3));
            }
            Err(conflicts) => {
                prop_assert!(!exists, "reported {:?} but a matrix exists", conflicts);
                prop_assert!(!conflicts.is_empty());
            }
        }
    }
}
