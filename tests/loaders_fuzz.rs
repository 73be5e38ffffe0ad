//! No input makes the loaders panic: property tests over random and mutated files.

use std::path::Path;

use ntm::number::parse_decimal;
use ntm::scenario::Scenario;
use proptest::prelude::*;

const SCENARIO: &str = include_str!("fixtures/evaluate-small/scenario.toml");
const COMMUNES: &str = include_str!("fixtures/evaluate-small/communes.csv");
const PROJECTS: &str = "id,commune,category,cost,year_from,year_to,gains,must\nP1,X4,transport,\"1.250,5\",2023,2023,c13:0.5;c14:1,\nP2,Mù Cả,production,300,2023,2023,c10:1,fund\n";

/// Loads a scenario made of the given files; must return, never panic.
fn load(scenario: &str, communes: &[u8], projects: &[u8]) -> Result<Scenario, ntm::Error> {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!("projects = \"projects.csv\"\n{scenario}");
    std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
    std::fs::write(dir.path().join("communes.csv"), communes).unwrap();
    std::fs::write(dir.path().join("projects.csv"), projects).unwrap();
    Scenario::load(dir.path())
}

fn mutate(base: &str, at: usize, insert: &str, delete: usize) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + delete).min(chars.len());
    chars.splice(at..end, insert.chars());
    chars.into_iter().collect()
}

#[test]
fn unmutated_files_load() {
    let s = load(SCENARIO, COMMUNES.as_bytes(), PROJECTS.as_bytes()).unwrap();
    assert_eq!(s.projects.len(), 2);
    assert_eq!(s.projects[0].cost.to_string(), "1250.5");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_bytes_never_panic(a in proptest::collection::vec(any::<u8>(), 0..400),
                                b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = load(SCENARIO, &a, &b);
        let _ = load(&String::from_utf8_lossy(&a), COMMUNES.as_bytes(), &b);
    }

    #[test]
    fn mutated_files_never_panic(at in 0usize..4000, insert in "[-,;.\"\\n01cđ\u{feff}\u{0300} a-z0-9=\\[\\]{}]{0,12}", delete in 0usize..20, which in 0u8..3) {
        let (s, c, p) = match which {
            0 => (mutate(SCENARIO, at, &insert, delete), COMMUNES.to_string(), PROJECTS.to_string()),
            1 => (SCENARIO.to_string(), mutate(COMMUNES, at, &insert, delete), PROJECTS.to_string()),
            _ => (SCENARIO.to_string(), COMMUNES.to_string(), mutate(PROJECTS, at, &insert, delete)),
        };
        if let Err(ntm::Error::Invalid(problems)) = load(&s, c.as_bytes(), p.as_bytes()) {
            prop_assert!(!problems.is_empty());
            for problem in problems {
                prop_assert!(!problem.message.is_empty());
            }
        }
    }

    #[test]
    fn numbers_never_panic_and_thousands_round_trip(text in "\\PC{0,16}", n in 0u64..10_000_000_000) {
        let _ = parse_decimal(&text);
        let digits = n.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(ch);
        }
        prop_assert_eq!(parse_decimal(&grouped).unwrap(), rust_decimal::Decimal::from(n));
    }
}

#[test]
fn empty_and_bom_files() {
    assert!(matches!(
        load(SCENARIO, b"", PROJECTS.as_bytes()),
        Err(ntm::Error::Invalid(_))
    ));
    let with_bom = format!("\u{feff}{COMMUNES}");
    assert!(load(SCENARIO, with_bom.as_bytes(), PROJECTS.as_bytes()).is_ok());
    assert!(Scenario::load(Path::new("tests/fixtures/does-not-exist")).is_err());
}

#[test]
fn nfd_commune_names_match_nfc_projects() {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = COMMUNES.nfd().collect();
    let s = load(SCENARIO, nfd.as_bytes(), PROJECTS.as_bytes()).unwrap();
    assert!(s.communes.iter().any(|c| c.name == "Mù Cả"));
    assert_eq!(s.projects[1].commune, 4);
}
