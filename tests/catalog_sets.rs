//! Criteria sets as data: the standard and advanced sets of QĐ 318, the model conditions of
//! QĐ 319, the 2016-2020 set of QĐ 1980, the mapping between sets, `ntm catalog diff`, and
//! re-evaluation of a scenario under a newer set.

use std::path::Path;
use std::process::Command;

use ntm::catalog::{diff, Catalog, Change};
use ntm::reevaluate::reevaluate;
use ntm::scenario::Scenario;

fn ntm(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn catalog(id: &str) -> Catalog {
    Catalog::load(id, Path::new(".")).unwrap()
}

#[test]
fn every_set_lists_its_criteria_with_a_source() {
    for id in ["qd1980-2016", "qd318-2022", "qd211-2024"] {
        let c = catalog(id);
        assert_eq!(c.criteria.len(), 19, "{id}");
        assert!(c.criteria.iter().all(|x| !x.source.is_empty()), "{id}");
        assert!(c.tiers.iter().all(|t| !t.source.is_empty()), "{id}");
    }
    // QĐ 318 Phụ lục II: its own list, with separate môi trường and chất lượng môi trường sống.
    let c = catalog("qd318-2022");
    assert_eq!(c.advanced_criteria.len(), 19);
    assert!(c
        .advanced_criteria
        .iter()
        .all(|x| x.source.contains("Phụ lục II")));
    assert_eq!(c.advanced_criterion(17).unwrap().name_vi, "Môi trường");
    assert_eq!(
        c.advanced_criterion(18).unwrap().name_vi,
        "Chất lượng môi trường sống"
    );
    assert_eq!(c.advanced_criterion(15).unwrap().name_vi, "Hành chính công");
    // Items we could not check against the text say so.
    assert!(c
        .advanced_criterion(15)
        .unwrap()
        .source
        .starts_with("assumption"));
    // QĐ 319: the model tier is conditions on top of the advanced set.
    assert!(c
        .tier(ntm::catalog::TierId::Model)
        .unwrap()
        .source
        .starts_with("QĐ 319/QĐ-TTg"));
}

#[test]
fn the_2016_2020_set_has_the_names_lang_son_writes() {
    // KH Lạng Sơn 2022 §I.2: "Tiêu chí số 3 về Thủy lợi", "số 11 về Hộ nghèo", "số 13 về Hình
    // thức tổ chức sản xuất".
    let c = catalog("qd1980-2016");
    let name = |id: u8| c.criterion(id).unwrap().name_vi.clone();
    assert_eq!(name(3), "Thủy lợi");
    assert_eq!(name(11), "Hộ nghèo");
    assert_eq!(name(12), "Lao động có việc làm");
    assert_eq!(name(13), "Tổ chức sản xuất");
    assert!(c
        .criteria
        .iter()
        .all(|x| x.source.contains("QĐ 1980/QĐ-TTg")));
    assert_eq!(c.effective_to.as_deref(), Some("2022-03-07"));
    let s = Scenario::load(Path::new("scenarios/lang-son-2022")).unwrap();
    assert_eq!(s.catalog.id, "qd1980-2016");
}

#[test]
fn catalog_diff_prints_the_mapping() {
    let d = diff(&catalog("qd1980-2016"), &catalog("qd318-2022")).unwrap();
    assert_eq!(d.rows.len(), 19);
    let reassess: Vec<u8> = d
        .rows
        .iter()
        .filter(|r| r.change == Change::Reassess)
        .filter_map(|r| r.from)
        .collect();
    assert_eq!(reassess, [3, 10, 11, 12, 13]);
    assert!(d.rows.iter().all(|r| r.change != Change::Dropped));
    let (ok, out) = ntm(&["catalog", "diff", "qd1980-2016", "qd318-2022"]);
    assert!(ok, "{out}");
    assert!(out.contains("Hộ nghèo"));
    assert!(out.contains("Nghèo đa chiều"));
    assert!(out.contains("đánh giá lại (re-assess)"));
    let (ok, out) = ntm(&["catalog", "diff", "qd1980-2016", "qd318-2022", "--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["rows"][10]["from_name_vi"], "Hộ nghèo");
    assert_eq!(json["rows"][10]["change"], "reassess");
    // Without a shipped mapping, criteria are matched by id and name, labelled assumption.
    let d = diff(&catalog("qd318-2022"), &catalog("qd211-2024")).unwrap();
    assert!(d.mapping.is_none());
    assert!(d.rows.iter().all(|r| r.change == Change::Carries));
}

#[test]
fn lang_son_re_evaluated_under_qd318_states_its_assumptions() {
    let s = Scenario::load(Path::new("scenarios/lang-son-2022")).unwrap();
    let r = reevaluate(&s, &catalog("qd318-2022")).unwrap();
    assert_eq!(r.evaluation.catalog, "qd318-2022");
    let met = |id: u8| {
        r.evaluation
            .criteria
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .met
    };
    // Carried over: c2 stays at its end-2021 count 102 − 12 = 90.
    assert_eq!(met(2), 90);
    // Not carried: c12 (181 under the old set) and c11 (112 − 11 = 101) are read as not met.
    assert_eq!((met(12), met(11)), (0, 0));
    let reset = |id: u8| r.reset.iter().find(|x| x.from == id).unwrap().communes;
    assert_eq!((reset(12), reset(11), reset(3)), (181, 101, 175));
    // With c12 unmet everywhere, no commune is at standard under the new set.
    assert_eq!(r.evaluation.summary.standard, 0);
    let (ok, out) = ntm(&[
        "evaluate",
        "scenarios/lang-son-2022",
        "--catalog",
        "qd318-2022",
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("Giả định của ánh xạ (assumptions of the mapping):"));
    assert!(out.contains("c12: 181 xã đạt theo qd1980-2016"));
    assert!(out.contains("(181 commune(s) met it under qd1980-2016;"));
    let (ok, out) = ntm(&[
        "evaluate",
        "scenarios/lang-son-2022",
        "--catalog",
        "qd1980-2016",
    ]);
    assert!(!ok);
    assert!(out.contains("already on catalog `qd1980-2016`"), "{out}");
}

#[test]
fn graph_shows_the_sets_and_how_the_tiers_depend_on_each_other() {
    let (ok, out) = ntm(&["graph", "--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sets = json["sets"].as_array().unwrap();
    let ids: Vec<&str> = sets.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["standard", "advanced", "model"]);
    assert_eq!(sets[1]["requires"], "standard");
    assert_eq!(sets[2]["requires"], "advanced");
    assert_eq!(sets[1]["criteria"].as_array().unwrap().len(), 19);
    assert_eq!(
        sets[1]["criteria"][17]["name_vi"],
        "Chất lượng môi trường sống"
    );
    // QĐ 319: four conditions on top of the advanced set, each with its source.
    let model = sets[2]["criteria"].as_array().unwrap();
    assert_eq!(model.len(), 4);
    assert!(model
        .iter()
        .all(|m| m["source"].as_str().unwrap().starts_with("QĐ 319/QĐ-TTg")));
    let (ok, dot) = ntm(&["graph"]);
    assert!(ok);
    assert!(dot.contains("subgraph cluster_advanced"));
    assert!(dot.contains("\"a18\" -> \"advanced\""));
    assert!(dot.contains("\"m3\" -> \"model\""));
    assert!(dot.contains("\"standard\" -> \"advanced\""));
}
