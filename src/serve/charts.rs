//! The workbench's charts (biểu đồ): the same charts as the command line's `--svg` files, built by
//! `ntm::report` as data and drawn by `ntm::chart`. This file only picks the chart for a page
//! and readies an SVG for inlining into HTML ([`inline`]); it draws nothing itself.

use crate::chart::{self, BarChart};
use crate::evaluate::Evaluation;
use crate::plan::Plan;
use crate::report;
use crate::scenario::Scenario;
use crate::whatif::compare::Comparison;
use crate::whatif::sweep::Sweep;

use super::i18n::Lang;

/// The status chart of `ntm evaluate --svg`: communes meeting each criterion, then communes
/// per band.
pub fn status_chart(e: &Evaluation, scenario: &Scenario) -> String {
    report::evaluation_svg(e, &scenario.name)
}

/// The status chart with only its panel `index` (0: criteria, 1: bands). The title and notes
/// stay with the criteria; the bands take their panel's heading as title. Both keep the
/// synthetic-data banner, since either may be downloaded alone.
fn status_panel(e: &Evaluation, scenario: &Scenario, index: usize) -> String {
    let mut full = report::evaluation_chart(e, &scenario.name);
    let panel = full.panels.swap_remove(index);
    let chart = if index == 0 {
        BarChart {
            panels: vec![panel],
            ..full
        }
    } else {
        BarChart {
            title: format!("{}: {}", scenario.name, panel.heading),
            banner: full.banner,
            description: full.description,
            panels: vec![panel],
            numbers: full.numbers,
            ..BarChart::default()
        }
    };
    chart::bars(&chart)
}

/// Communes meeting each criterion (số xã đạt từng tiêu chí), against the commune count.
pub fn criteria_chart(e: &Evaluation, scenario: &Scenario) -> String {
    status_panel(e, scenario, 0)
}

/// Communes per band (số xã theo nhóm tiêu chí đạt).
pub fn band_chart(e: &Evaluation, scenario: &Scenario) -> String {
    status_panel(e, scenario, 1)
}

/// Spend by source against its budget (chi theo nguồn vốn).
pub fn spend_chart(plan: &Plan, scenario: &Scenario) -> String {
    chart::bars(&report::spend_chart(plan, &scenario.capital_sources))
}

/// Rules and the optimal plan side by side, as `ntm compare --svg`.
pub fn compare_chart(c: &Comparison) -> String {
    report::comparison_svg(c)
}

/// The budget–outcome curve, as `ntm sweep`'s SVG.
pub fn sweep_chart(s: &Sweep) -> String {
    report::sweep_svg(s)
}

/// An SVG file made fit to sit inside an HTML page: without its XML declaration, and with the
/// ids of its title and description prefixed by `id` so that two charts on one page keep their
/// own accessible names.
pub fn inline(svg: &str, id: &str) -> String {
    let body = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, b)| b).trim_start(),
        None => svg,
    };
    body.replace("\"chart-title", &format!("\"{id}-title"))
        .replace(" chart-desc\"", &format!(" {id}-desc\""))
        .replace("\"chart-desc\"", &format!("\"{id}-desc\""))
}

/// A capital source's name in `lang` (its id if unknown).
pub fn source_name(scenario: &Scenario, id: &str, lang: Lang) -> String {
    scenario
        .capital_sources
        .iter()
        .find(|s| s.id == id)
        .map_or(id.to_string(), |s| match lang {
            Lang::Vi => s.name_vi.clone(),
            Lang::En => s.name_en.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_drops_the_declaration_and_gives_the_chart_its_own_ids() {
        let file = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n<title id=\"chart-title\">T</title>\n<desc id=\"chart-desc\">D</desc></svg>\n";
        let html = inline(file, "bands");
        assert_eq!(
            html,
            "<svg role=\"img\" aria-labelledby=\"bands-title bands-desc\">\n<title id=\"bands-title\">T</title>\n<desc id=\"bands-desc\">D</desc></svg>\n"
        );
        assert_eq!(inline("<svg/>", "x"), "<svg/>");
    }
}
