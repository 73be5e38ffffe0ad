//! The year's plan document (Kế hoạch thực hiện Chương trình MTQG xây dựng nông thôn mới) as an
//! editable Word draft: `ntm draft-plan`.
//!
//! Two stages. The content stage ([`draft_plan`]) gathers the figures from `evaluate`, the
//! targets, `plan` and `allocate` into [`Facts`] and phrases them as the seed plans do into a
//! typed outline ([`PlanDocument`]); `--json` prints that outline. The writer stage
//! ([`write_docx`]) renders the outline's blocks with Word styles, in the administrative format
//! of Nghị định 30/2020/NĐ-CP. Nothing is computed while writing.

mod docx;
mod facts;
mod law;
pub mod outline;
mod sections;
mod shares;

use std::path::Path;

use crate::error::{Error, Result};
use crate::plan::{self, Plan, PlanOptions};
use crate::receipt::Receipt;
use crate::rules::{self, AllocateOptions, Rule};
use crate::scenario::Scenario;
use crate::whatif::drafting::{self, DraftOptions};

pub use docx::{docx_bytes, write_docx};
pub use facts::percent;
pub use outline::{Block, Facts, PlanDocument};
pub use sections::{period, Issuer};
pub use shares::percent_shares;

/// How to draft.
#[derive(Debug, Clone, Default)]
pub struct DraftPlanOptions {
    /// Planner options (objective, time limit).
    pub plan: PlanOptions,
    /// Allocation rule, when the capital is to be divided by one.
    pub rule: Option<Rule>,
    /// Draft the targets with `ntm targets` when the scenario has none for its years.
    pub draft_targets: bool,
    /// Issuing area in ordinary case (`Huyện Mường Tè`); default: the scenario's province.
    pub issuer: Option<String>,
    /// Place of the date line; default: the area's name.
    pub place: Option<String>,
}

/// Builds the plan document of a scenario: plans it, then [`plan_document`]. Every figure is
/// computed, nothing written. `receipt` is the run's (inputs and options), quoted in the
/// closing note.
pub fn draft_plan(
    scenario: &Scenario,
    options: &DraftPlanOptions,
    receipt: &Receipt,
) -> Result<PlanDocument> {
    let plan = plan::plan(scenario, &options.plan)?;
    plan_document(scenario, &plan, options, receipt)
}

/// The plan document of a scenario and a plan already solved for it (the workbench's plan
/// jobs): targets drafted and capital allocated as `options` say.
pub fn plan_document(
    scenario: &Scenario,
    plan: &Plan,
    options: &DraftPlanOptions,
    receipt: &Receipt,
) -> Result<PlanDocument> {
    let in_years = scenario
        .targets
        .iter()
        .any(|t| scenario.years.contains(&t.year));
    let drafting = if options.draft_targets && !in_years {
        Some(drafting::draft(
            scenario,
            &DraftOptions {
                year: None,
                plan: options.plan.clone(),
            },
        )?)
    } else {
        None
    };
    let allocation = match &options.rule {
        Some(rule) => Some(rules::allocate(
            scenario,
            rule,
            &AllocateOptions {
                year: None,
                sources: Vec::new(),
            },
        )?),
        None => None,
    };
    let inputs = facts::Inputs {
        scenario,
        before: &plan.before,
        plan,
        drafting: drafting.as_ref(),
        allocation: allocation.as_ref(),
        legal_bases: law::legal_bases(scenario.catalog.national_id(), &scenario.catalog.source),
    };
    let facts = facts::facts(&inputs);
    let issuer = issuer(scenario, options);
    Ok(PlanDocument {
        header: sections::header(&facts, &issuer),
        blocks: sections::blocks(&facts, &issuer, receipt, &scenario.catalog),
        facts,
        receipt: receipt.clone(),
    })
}

fn issuer(scenario: &Scenario, options: &DraftPlanOptions) -> Issuer {
    let mut issuer = match &options.issuer {
        Some(area) => {
            let area = crate::text::name(area);
            let place = area
                .split_once(' ')
                .map_or(area.clone(), |(_, name)| name.to_string());
            Issuer {
                body: "Ủy ban nhân dân".into(),
                area,
                place,
            }
        }
        None => Issuer::of_province(&scenario.province),
    };
    if let Some(place) = &options.place {
        issuer.place = crate::text::name(place);
    }
    issuer
}

/// Refuses to replace an existing file unless `force`: a draft may have been edited by hand.
pub fn check_overwrite(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(Error::Unsupported {
            message: format!("{} already exists", path.display()),
            hint: "it may hold hand edits; choose another file or pass --force to replace it"
                .into(),
        });
    }
    Ok(())
}

/// The outline as plain text, for a terminal.
pub fn render_text(doc: &PlanDocument) -> String {
    let h = &doc.header;
    let mut out = format!(
        "{}\n{}\n{}\n\n{}\n{}\n{}\n\n{}\n{}\n\n",
        h.issuer_parent,
        h.issuer,
        h.number,
        h.motto_country,
        h.motto,
        h.place_date,
        h.kind,
        h.title
    );
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } => out.push_str(&format!("\n{text}\n")),
            Block::Paragraph { text } => out.push_str(&format!("{text}\n")),
            Block::Item { text } => out.push_str(&format!("- {text}\n")),
            Block::Note { text } => out.push_str(&format!("  ({text})\n")),
            Block::Appendix { label, title } => {
                out.push_str(&format!("\n{}\n{title}\n", label.to_uppercase()))
            }
            Block::Table(t) => {
                let line = |cells: &[String]| format!("  | {} |\n", cells.join(" | "));
                let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
                out.push_str(&line(&titles));
                for row in t.rows.iter().chain(&t.total) {
                    out.push_str(&line(row));
                }
            }
            Block::Signature { recipients, signer } => {
                out.push('\n');
                for l in recipients.iter().chain(signer) {
                    out.push_str(&format!("{l}\n"));
                }
            }
        }
    }
    out
}
