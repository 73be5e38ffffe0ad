//! Charts (`ntm::chart`): snapshots of the SVG text, and every chart laid out and rendered with a
//! real font (resvg, DejaVu Sans) to check that no text leaves the canvas or runs into another
//! text, that the outermost pixels are background, and that the sweep's y axes are fitted to the
//! data. The README's images (docs/img/*.png) are rendered here too: run with
//! `NTM_WRITE_IMAGES=1` to rewrite them.
//!
//! The Lai Châu sweep is precomputed (tests/fixtures/charts/lai-chau-2023-sweep.json, the
//! `--json` output of `ntm sweep scenarios/lai-chau-2023 --budget 0.5..2 --steps 8`): solving its
//! eight plans takes minutes in a debug build.

use std::path::Path;

use ntm::chart::{self, Bar, BarChart, BarPanel, Reference, Unit};
use ntm::rules::Rule;
use ntm::scenario::Scenario;
use ntm::whatif::compare::{self, CompareOptions};
use ntm::whatif::sweep::Sweep;
use resvg::tiny_skia::Pixmap;
use resvg::usvg::{self, Node, Rect};

const FONTS: [&str; 2] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
];

fn options() -> usvg::Options<'static> {
    let mut options = usvg::Options::default();
    let db = options.fontdb_mut();
    for font in FONTS {
        let data = std::fs::read(font).unwrap_or_else(|e| {
            panic!("{font}: {e}; install the DejaVu fonts (apt-get install fonts-dejavu-core)")
        });
        db.load_font_data(data);
    }
    db.set_sans_serif_family("DejaVu Sans");
    options
}

fn collect_texts(group: &usvg::Group, out: &mut Vec<Rect>) {
    for node in group.children() {
        match node {
            Node::Group(g) => collect_texts(g, out),
            Node::Text(t) => out.push(t.abs_bounding_box()),
            _ => {}
        }
    }
}

/// Lays out and renders `svg`; checks every text is laid out inside the canvas and clear of
/// every other text, and that the border pixels are white. Returns the picture.
fn render_checked(name: &str, svg: &str) -> Pixmap {
    let tree = usvg::Tree::from_str(svg, &options()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let size = tree.size();
    let mut texts = Vec::new();
    collect_texts(tree.root(), &mut texts);
    // Every <text> was laid out (none dropped for want of a font).
    let doc = roxmltree::Document::parse(svg).unwrap();
    let sources: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or(""))
        .collect();
    assert_eq!(texts.len(), sources.len(), "{name}: texts laid out");
    for (rect, source) in texts.iter().zip(&sources) {
        assert!(rect.width() > 0.0, "{name}: `{source}` has no width");
        assert!(
            rect.left() >= 0.0
                && rect.top() >= 0.0
                && rect.right() <= size.width()
                && rect.bottom() <= size.height(),
            "{name}: `{source}` at {rect:?} leaves the {}×{} canvas",
            size.width(),
            size.height()
        );
    }
    for (i, a) in texts.iter().enumerate() {
        for (b, source_b) in texts.iter().zip(&sources).skip(i + 1) {
            let overlap_x = a.right().min(b.right()) - a.left().max(b.left());
            let overlap_y = a.bottom().min(b.bottom()) - a.top().max(b.top());
            assert!(
                overlap_x <= 0.5 || overlap_y <= 0.5,
                "{name}: `{}` and `{source_b}` overlap",
                sources[i]
            );
        }
    }
    let mut pixmap = Pixmap::new(size.width().ceil() as u32, size.height().ceil() as u32).unwrap();
    resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
    let (w, h) = (pixmap.width(), pixmap.height());
    let border = (0..w)
        .flat_map(|x| [(x, 0), (x, h - 1)])
        .chain((0..h).flat_map(|y| [(0, y), (w - 1, y)]));
    for (x, y) in border {
        let p = pixmap.pixel(x, y).unwrap();
        assert!(
            (p.red(), p.green(), p.blue()) == (255, 255, 255),
            "{name}: pixel ({x}, {y}) on the border is not background"
        );
    }
    // For a look at every chart: NTM_CHART_DIR=/tmp/charts cargo test --test charts
    if let Some(dir) = std::env::var_os("NTM_CHART_DIR") {
        let file = Path::new(&dir).join(format!("{}.png", name.replace(' ', "-")));
        pixmap.save_png(file).unwrap();
    }
    pixmap
}

/// Writes the README image when `NTM_WRITE_IMAGES` is set; otherwise checks the committed image
/// has the size of the chart drawn now (a stale image after a layout change fails).
fn readme_image(pixmap: &Pixmap, file: &str) {
    let path = Path::new("docs/img").join(file);
    if std::env::var_os("NTM_WRITE_IMAGES").is_some() {
        pixmap.save_png(&path).unwrap();
    }
    let committed = Pixmap::load_png(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run NTM_WRITE_IMAGES=1 cargo test --test charts",
            path.display()
        )
    });
    assert_eq!(
        (committed.width(), committed.height()),
        (pixmap.width(), pixmap.height()),
        "{} is stale: run NTM_WRITE_IMAGES=1 cargo test --test charts",
        path.display()
    );
}

fn lai_chau_sweep() -> Sweep {
    let text = std::fs::read_to_string("tests/fixtures/charts/lai-chau-2023-sweep.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `(axis low, axis high, data min, data max)` of each panel of a step chart.
fn panel_ranges(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("panel"))
        .map(|n| {
            let a = |k: &str| n.attribute(k).unwrap().parse::<f64>().unwrap();
            (
                a("data-y-min"),
                a("data-y-max"),
                a("data-data-min"),
                a("data-data-max"),
            )
        })
        .collect()
}

#[test]
fn lai_chau_sweep_chart() {
    let sweep = lai_chau_sweep();
    let svg = ntm::report::sweep_svg(&sweep);
    // The data: optimal 48 → 68 communes, the rules 39 throughout; criteria 1.252 … 1.558.
    let ranges = panel_ranges(&svg);
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[0].2..=ranges[0].3, 39.0..=68.0);
    assert_eq!(ranges[1].2..=ranges[1].3, 1252.0..=1558.0);
    for (lo, hi, min, max) in &ranges {
        assert!(*lo <= *min && *max <= *hi, "the axis holds the data");
        assert!(
            hi - lo <= 3.0 * (max - min),
            "axis {lo}..{hi} for data {min}..{max}"
        );
        assert!(*lo > 0.0, "fitted, not from zero");
    }
    // Both axes of both panels start above zero: four break marks.
    assert_eq!(svg.matches("class=\"axis-break\"").count(), 4);
    // All the text drawn, lines joined (notes are wrapped over several lines).
    let drawn: String = roxmltree::Document::parse(&svg)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    // Ticks in Vietnamese units, the title names what moves, the banner is whole.
    assert!(svg.contains(">1.500 tỷ<"), "money ticks in tỷ");
    assert!(drawn.contains("×1: vốn năm 2023 (the year's budget), 1.798.045 triệu"));
    assert!(drawn.contains("mọi nguồn ngân sách nhà nước thay đổi ×0,5–×2"));
    assert!(drawn.contains(
        "Không tính (left out, not state budget, no rule divides them): credit, community."
    ));
    // What the optimal curve optimises (the plan is tie-broken: least state spend).
    assert!(sweep.tie_break);
    assert!(drawn.contains("it does not maximise criteria met, so its criteria curve may fall"));
    assert!(
        drawn.contains("optimal plan: most communes at standard, then least state-budget spend")
    );
    assert!(svg.contains("<title id=\"chart-title\">"));
    assert!(svg.contains("<desc id=\"chart-desc\">"));
    // Every word of the synthetic note is drawn (wrapped, not cut).
    for word in sweep.synthetic.as_deref().unwrap().split_whitespace() {
        assert!(drawn.contains(word), "banner word `{word}` missing");
    }
    let pixmap = render_checked("sweep", &svg);
    readme_image(&pixmap, "sweep-lai-chau-2023.png");
    insta::assert_snapshot!("sweep-lai-chau-2023", svg);
}

/// The complaint: 39 → 40 communes on a 0–50 axis is a hair's width. Fitted, the step
/// spans half the panel.
#[test]
fn a_step_of_one_commune_is_visible() {
    let mut sweep = lai_chau_sweep();
    for (i, p) in sweep.points.iter_mut().enumerate() {
        p.values[0].standard = if i < 4 { 39 } else { 40 };
        p.values[0].carried = i == 5;
    }
    let svg = ntm::report::sweep_svg(&sweep);
    let ranges = panel_ranges(&svg);
    assert_eq!(ranges[0], (38.5, 40.5, 39.0, 40.0));
    assert!(svg.contains("Điểm rỗng"), "carried points explained");
    render_checked("one-commune step", &svg);
}

#[test]
fn lai_chau_status_chart() {
    let s = Scenario::load(Path::new("scenarios/lai-chau-2023")).unwrap();
    let e = ntm::evaluate::evaluate(&s);
    let svg = ntm::report::evaluation_svg(&e, &s.name);
    // KH 1563 §II.2: planning met by 63 of 94 communes; bands 39 / 0 / 15 / 40 / 0.
    assert!(svg.contains(">63/94<"));
    assert!(svg.contains(">94 xã (communes)<"));
    for band in [">39 xã<", ">0 xã<", ">15 xã<", ">40 xã<"] {
        assert!(svg.contains(band), "{band}");
    }
    assert!(svg.contains("bình quân (average) 12,5 tiêu chí/xã"));
    let pixmap = render_checked("status", &svg);
    readme_image(&pixmap, "status-lai-chau-2023.png");
    insta::assert_snapshot!("status-lai-chau-2023", svg);
}

#[test]
fn comparison_chart_of_rules_5() {
    let s = Scenario::load(Path::new("tests/fixtures/rules-5")).unwrap();
    let rules: Vec<Rule> = ["qd07", "equal"]
        .iter()
        .map(|r| Rule::load(r).unwrap())
        .collect();
    let options = CompareOptions {
        optimal: true,
        ..CompareOptions::default()
    };
    let c = compare::compare(&s, &rules, &options).unwrap();
    let svg = ntm::report::comparison_svg(&c);
    // tests/compare.rs: QĐ 07 spends 535 of 1.200 and reaches 80 criteria.
    assert!(svg.contains(">535<"));
    assert!(svg.contains(">80<"));
    assert!(svg.contains("tổng vốn (budget): 1.200"));
    render_checked("compare", &svg);
    insta::assert_snapshot!("compare-rules-5", svg);
}

/// Long labels wrap, a long word breaks, a reference near zero keeps its label clear of the bar
/// labels, money reads in triệu; all inside the canvas.
#[test]
fn long_labels_wrap_inside_the_canvas() {
    let long = "Tổ chức sản xuất và phát triển kinh tế nông thôn gắn với chuỗi giá trị nông sản chủ lực (production organisation & rural economy) Supercalifragilisticexpialidociouslylongwordwithoutspaces";
    let chart = BarChart {
        title: format!("{long} {long}"),
        notes: vec![long.into()],
        banner: Some(format!("DỮ LIỆU GIẢ LẬP (synthetic data): {long}")),
        description: "test".into(),
        panels: vec![BarPanel {
            heading: long.into(),
            unit: Unit::MillionVnd,
            bars: vec![
                Bar {
                    label: long.into(),
                    value: 9_876.5,
                    series: 1,
                    text: None,
                },
                Bar {
                    label: "x".into(),
                    value: 0.0,
                    series: 6,
                    text: Some("0 (không có)".into()),
                },
            ],
            reference: Some(Reference {
                value: 10.0,
                label: "a reference label near zero (mốc)".into(),
            }),
        }],
        ..BarChart::default()
    };
    let svg = chart::bars(&chart);
    assert!(svg.contains(">9.876,5 triệu<"));
    render_checked("long labels", &svg);
}

#[test]
fn same_data_same_bytes() {
    let sweep = lai_chau_sweep();
    assert_eq!(
        ntm::report::sweep_svg(&sweep),
        ntm::report::sweep_svg(&sweep.clone())
    );
}

/// The CLI writes the charts: `evaluate --svg` and `compare --svg` (and refuses `--svg` with
/// `--with`, which compares variants, not rules).
#[test]
fn cli_writes_status_and_comparison_charts() {
    let dir = tempfile::tempdir().unwrap();
    let status = dir.path().join("status.svg");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ntm"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "evaluate",
        "tests/fixtures/rules-5",
        "--svg",
        status.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(&status).unwrap();
    assert!(svg.contains("Số xã đạt từng tiêu chí (communes meeting each criterion)"));
    render_checked("cli status", &svg);
    let comparison = dir.path().join("compare.svg");
    let out = run(&[
        "compare",
        "tests/fixtures/rules-5",
        "--rule",
        "qd07",
        "--rule",
        "equal",
        "--svg",
        comparison.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(&comparison).unwrap();
    assert!(svg.contains("Quy tắc qd07-2022 (rule qd07-2022)"));
    let out = run(&[
        "compare",
        "tests/fixtures/rules-5",
        "--rule",
        "qd07",
        "--with",
        "tests/fixtures/rules-5-more",
        "--svg",
        dir.path().join("no.svg").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(!dir.path().join("no.svg").exists());
}
