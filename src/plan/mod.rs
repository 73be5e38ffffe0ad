//! The planner (lập kế hoạch phân bổ vốn): a mixed-integer model that funds projects from
//! capital sources to reach commune-count targets under budget limits. See `docs/model.md`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::evaluate::Evaluation;
use crate::outcome::TargetOutcome;
use crate::scenario::Scenario;

/// What the plan optimises (mục tiêu tối ưu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// Reach all targets at least state-budget cost.
    MinCost,
    /// Most communes at standard within budgets.
    MaxStandard,
    /// Most criteria met within budgets.
    MaxCriteria,
}

/// Solver backend compiled into this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// good_lp's pure-Rust microlp (always available).
    Microlp,
    /// HiGHS (cargo feature `highs`).
    Highs,
}

/// How to plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOptions {
    /// Objective.
    pub objective: Objective,
    /// Solver backend.
    pub backend: Backend,
    /// Wall-clock limit in seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which to stop.
    pub gap: Option<f64>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            objective: Objective::MaxStandard,
            backend: Backend::Microlp,
            time_limit: Some(30.0),
            gap: None,
        }
    }
}

/// Whether the plan is proven optimal (trạng thái lời giải).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStatus {
    /// Proven optimal.
    Optimal,
    /// Feasible, not proven optimal; see `gap`.
    Feasible,
    /// Targets cannot all be met with the money.
    Infeasible,
}

/// A funded project and where its money comes from.
#[derive(Debug, Clone, Serialize)]
pub struct FundedProject {
    /// Project id.
    pub id: String,
    /// Commune id.
    pub commune: String,
    /// Year funded.
    pub year: u16,
    /// Cost, million VND.
    pub cost: Decimal,
    /// Amount per capital source id; sums exactly to `cost`.
    pub funding: BTreeMap<String, Decimal>,
}

/// A plan and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Optimal, feasible or infeasible.
    pub status: PlanStatus,
    /// Objective value.
    pub objective: f64,
    /// Proven relative gap (0 when optimal).
    pub gap: Option<f64>,
    /// Spend per source id, million VND.
    pub spend_by_source: BTreeMap<String, Decimal>,
    /// Budget per source id over the planning years, million VND.
    pub budget_by_source: BTreeMap<String, Decimal>,
    /// Targets against the outcome.
    pub targets: Vec<TargetOutcome>,
    /// Funded projects.
    pub projects: Vec<FundedProject>,
    /// Status of the communes after the plan.
    #[serde(skip)]
    pub after: Evaluation,
}

/// Plans a scenario.
pub fn plan(_scenario: &Scenario, _options: &PlanOptions) -> Result<Plan> {
    Err(Error::Unsupported {
        message: "the planner is not built yet".into(),
        hint: "see issue 4".into(),
    })
}
