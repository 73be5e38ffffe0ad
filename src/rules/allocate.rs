//! Dividing capital among communes by a rule (phân bổ vốn cho các xã).
//!
//! For each source the rule divides, in order:
//! 1. set-asides: `budget × share`, rounded down to the rounding unit, stay at province level;
//! 2. the rest (distributable) is divided in proportion to the communes' coefficients:
//!    exact quota = distributable × coefficient / Σ coefficients;
//! 3. floors, then caps (a floor the money cannot give every commune is lowered to an equal
//!    split): communes whose quota is under the floor get the floor, those over the
//!    cap get the cap, and the quotas of the others are recomputed on what is left (each commune
//!    is fixed once); money no commune can take under its cap stays unallocated;
//! 4. largest remainder at the rounding unit: every quota is rounded down to the unit, and the
//!    units left go one each to the largest remainders (ties: file order). A residue smaller
//!    than one unit stays unallocated.
//!
//! So budget = Σ commune amounts + set-asides + unallocated, exactly, for every source.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::Rule;
use crate::catalog::TierId;
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate;
use crate::scenario::Scenario;

/// What to allocate.
#[derive(Debug, Clone, Default)]
pub struct AllocateOptions {
    /// Budget year (default: [`super::budget_year`]).
    pub year: Option<u16>,
    /// Sources to divide instead of the rule's own list.
    pub sources: Vec<String>,
}

/// One commune's amount from one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceShare {
    /// Exact quota before rounding (4 decimals shown), million VND.
    pub exact: Decimal,
    /// Amount allocated, million VND.
    pub amount: Decimal,
    /// `floor` or `cap` when a limit decided the amount.
    pub limited: Option<&'static str>,
}

/// A commune's allocation (phân bổ cho xã).
#[derive(Debug, Clone, Serialize)]
pub struct CommuneAllocation {
    /// Commune id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Criteria met at baseline.
    pub criteria_met: u32,
    /// Band at baseline.
    pub band: String,
    /// Tier at baseline.
    pub tier: Option<TierId>,
    /// Coefficient (hệ số).
    pub coefficient: Decimal,
    /// How the coefficient was reached, e.g. `under-15 5.0, atk ≥ 5.0`.
    pub coefficient_basis: String,
    /// The same in Vietnamese, with the coefficient's label: `Xã dưới 15 tiêu chí 5,0, xã ATK ≥ 5,0`.
    pub coefficient_basis_vi: String,
    /// Amount per source id.
    pub amounts: BTreeMap<String, SourceShare>,
    /// Sum over sources, million VND.
    pub total: Decimal,
    /// Counterpart granted from the counterpart source, million VND.
    pub counterpart: Decimal,
}

/// How one source was divided.
#[derive(Debug, Clone, Serialize)]
pub struct SourceAllocation {
    /// Source id.
    pub id: String,
    /// Budget in the year, million VND.
    pub budget: Decimal,
    /// Kept at province level, by set-aside id.
    pub set_asides: BTreeMap<String, Decimal>,
    /// Budget less set-asides.
    pub distributable: Decimal,
    /// Σ coefficients.
    pub total_weight: Decimal,
    /// Money per coefficient point for communes no floor or cap holds (4 decimals): the
    /// distributable ÷ Σ coefficients when no limit binds.
    pub per_weight: Decimal,
    /// Floor per commune.
    pub floor: Option<Decimal>,
    /// The rule's floor times the communes exceeds the money: lowered to an equal split.
    pub floor_lowered: bool,
    /// Cap per commune.
    pub cap: Option<Decimal>,
    /// Given to communes.
    pub allocated: Decimal,
    /// Left unallocated: rounding residue and money above every cap.
    pub unallocated: Decimal,
}

/// The counterpart communes add (vốn đối ứng).
#[derive(Debug, Clone, Serialize)]
pub struct CounterpartAllocation {
    /// Counterpart source id.
    pub source: String,
    /// Ratio to the allocation.
    pub ratio: Decimal,
    /// Legal basis.
    pub basis: String,
    /// Σ ratio × allocation.
    pub required: Decimal,
    /// Budget of the counterpart source in the year.
    pub available: Decimal,
    /// Granted to communes (the required amount, or what the budget allows).
    pub granted: Decimal,
    /// Required but not covered by the budget.
    pub shortfall: Decimal,
}

/// The result of dividing money by a rule.
#[derive(Debug, Clone, Serialize)]
pub struct Allocation {
    /// Present when the commune data is synthetic.
    pub synthetic: Option<String>,
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub rule_title: String,
    /// Rule's legal source.
    pub rule_source: String,
    /// Whether the rule has assumed values.
    pub rule_has_assumptions: bool,
    /// Budget year.
    pub year: u16,
    /// Rounding unit, million VND.
    pub rounding_unit: Decimal,
    /// Why that unit.
    pub rounding_basis: String,
    /// How amounts are computed.
    pub method: &'static str,
    /// Per divided source.
    pub sources: Vec<SourceAllocation>,
    /// Sources the rule divides that the scenario does not have.
    pub skipped_sources: Vec<String>,
    /// Per commune, in scenario order.
    pub communes: Vec<CommuneAllocation>,
    /// Counterpart, when the rule requires one.
    pub counterpart: Option<CounterpartAllocation>,
    /// Σ budgets of the divided sources.
    pub budget: Decimal,
    /// Σ given to communes.
    pub allocated: Decimal,
    /// Σ set-asides.
    pub set_aside: Decimal,
    /// Σ unallocated.
    pub unallocated: Decimal,
}

/// Largest budget of one source in one year, million VND (far above any province's).
pub const LIMIT_BUDGET: u64 = 1_000_000_000_000;
/// Largest coefficient after extras.
pub const LIMIT_COEFFICIENT: u64 = 1_000_000;

/// The method, as printed in reports.
pub const METHOD: &str = "amount = coefficient × (distributable ÷ Σ coefficients), floors then caps, largest remainder at the rounding unit; budget = allocated + set-aside + unallocated exactly";

fn floor_to(value: Decimal, unit: Decimal) -> Decimal {
    (value / unit).floor() * unit
}

/// Rounds `quotas` to multiples of `unit` so that they add up to `total` less a residue under
/// one unit (Hamilton's largest-remainder method; ties go to the earlier quota).
pub fn largest_remainder(total: Decimal, quotas: &[Decimal], unit: Decimal) -> Vec<Decimal> {
    let mut amounts: Vec<Decimal> = quotas.iter().map(|q| floor_to(*q, unit)).collect();
    if quotas.is_empty() || unit <= Decimal::ZERO {
        return amounts;
    }
    let left = total - amounts.iter().sum::<Decimal>();
    let mut units = (left / unit).floor();
    let mut order: Vec<usize> = (0..quotas.len()).collect();
    order.sort_by(|a, b| {
        (quotas[*b] - amounts[*b])
            .cmp(&(quotas[*a] - amounts[*a]))
            .then(a.cmp(b))
    });
    for i in order.iter().cycle() {
        if units <= Decimal::ZERO {
            break;
        }
        amounts[*i] += unit;
        units -= Decimal::ONE;
    }
    amounts
}

/// Exact quotas after floors and caps.
struct Quotas {
    /// Per commune.
    amounts: Vec<Decimal>,
    /// `floor` or `cap` where a limit decided.
    limited: Vec<Option<&'static str>>,
    /// Money no commune can take (all at their cap, or no weight).
    unplaced: Decimal,
    /// Money per coefficient point for the communes no limit holds.
    per_point: Decimal,
}

/// Exact quotas with floors then caps.
fn quotas(
    distributable: Decimal,
    weights: &[Decimal],
    floor: Option<Decimal>,
    cap: Option<Decimal>,
) -> Quotas {
    let n = weights.len();
    let mut fixed: Vec<Option<(Decimal, &'static str)>> = vec![None; n];
    loop {
        let remaining = distributable
            - fixed
                .iter()
                .flatten()
                .map(|(amount, _)| *amount)
                .sum::<Decimal>();
        let free_weight: Decimal = (0..n)
            .filter(|i| fixed[*i].is_none())
            .map(|i| weights[i])
            .sum();
        let quota = |i: usize| {
            if free_weight.is_zero() {
                Decimal::ZERO
            } else {
                remaining * weights[i] / free_weight
            }
        };
        let free = || (0..n).filter(|i| fixed[*i].is_none());
        let under: Vec<usize> = match floor {
            Some(f) => free().filter(|i| quota(*i) < f).collect(),
            None => Vec::new(),
        };
        let over: Vec<usize> = match cap {
            Some(c) if under.is_empty() => free().filter(|i| quota(*i) > c).collect(),
            _ => Vec::new(),
        };
        if under.is_empty() && over.is_empty() {
            let amounts: Vec<Decimal> = (0..n)
                .map(|i| fixed[i].map_or_else(|| quota(i), |(a, _)| a))
                .collect();
            let unplaced = if free_weight.is_zero() {
                remaining
            } else {
                Decimal::ZERO
            };
            return Quotas {
                amounts,
                limited: fixed.iter().map(|f| f.map(|(_, why)| why)).collect(),
                unplaced,
                per_point: if free_weight.is_zero() {
                    Decimal::ZERO
                } else {
                    remaining / free_weight
                },
            };
        }
        for i in under {
            fixed[i] = floor.map(|f| (f, "floor"));
        }
        for i in over {
            fixed[i] = cap.map(|c| (c, "cap"));
        }
    }
}

/// Divides the year's budget of the rule's sources among the scenario's communes.
pub fn allocate(scenario: &Scenario, rule: &Rule, options: &AllocateOptions) -> Result<Allocation> {
    let year = super::budget_year(scenario, options.year)?;
    if !rule.in_force(year) {
        return Err(Error::Unsupported {
            message: format!(
                "rule `{}` is in force from {} to {}; {year} is outside",
                rule.id,
                rule.effective_from,
                rule.effective_to.as_deref().unwrap_or("today")
            ),
            hint: "pass --year within the rule's dates, or use the rule in force that year".into(),
        });
    }
    let known: Vec<&str> = scenario
        .capital_sources
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    // The rule's own sources that the scenario lacks are skipped (a province may have no
    // carried-over capital); sources asked for by name must exist.
    let (divided, skipped): (Vec<String>, Vec<String>) = if options.sources.is_empty() {
        rule.sources
            .iter()
            .cloned()
            .partition(|id| known.contains(&id.as_str()))
    } else {
        let missing: Vec<Diagnostic> = options
            .sources
            .iter()
            .filter(|id| !known.contains(&id.as_str()))
            .map(|id| {
                Diagnostic::new(
                    &scenario.dir.join("scenario.toml"),
                    None,
                    format!("scenario `{}` has no capital source `{id}`", scenario.name),
                )
                .hint(format!("the scenario's sources are {}", known.join(", ")))
            })
            .collect();
        if !missing.is_empty() {
            return Err(Error::Invalid(missing));
        }
        (options.sources.clone(), Vec::new())
    };
    if divided.is_empty() {
        return Err(Error::invalid(
            Diagnostic::new(
                &rule.origin,
                rule.line_of("sources"),
                format!(
                    "rule `{}` divides {}, none of which scenario `{}` has",
                    rule.id,
                    rule.sources.join(", "),
                    scenario.name
                ),
            )
            .hint(format!(
                "the scenario's sources are {}; pass --source to choose",
                known.join(", ")
            )),
        ));
    }
    let evaluation = evaluate::evaluate(scenario);
    let unit = rule.rounding_unit;
    let coefficients: Vec<(Decimal, super::Basis)> = evaluation
        .per_commune
        .iter()
        .zip(&scenario.communes)
        .map(|(status, commune)| rule.coefficient_of(status, commune))
        .collect();
    let weights: Vec<Decimal> = coefficients.iter().map(|(w, _)| *w).collect();
    // Exact decimals hold 28 digits: keep products of money and weights well inside them.
    let too_large = weights
        .iter()
        .any(|w| *w > Decimal::from(LIMIT_COEFFICIENT))
        || divided.iter().any(|id| {
            scenario
                .capital_sources
                .iter()
                .any(|s| &s.id == id && s.budget_in(year) > Decimal::from(LIMIT_BUDGET))
        });
    if too_large {
        return Err(Error::Unsupported {
            message: format!(
                "budgets above {LIMIT_BUDGET} million VND or coefficients above {LIMIT_COEFFICIENT} are out of range"
            ),
            hint: "check the units: budgets are million VND, coefficients are small weights".into(),
        });
    }
    let total_weight: Decimal = weights.iter().sum();
    let mut communes: Vec<CommuneAllocation> = evaluation
        .per_commune
        .iter()
        .zip(coefficients)
        .map(|(status, (coefficient, basis))| CommuneAllocation {
            id: status.id.clone(),
            name: status.name.clone(),
            criteria_met: status.criteria_met,
            band: status.band.clone(),
            tier: status.tier,
            coefficient,
            coefficient_basis: basis.en,
            coefficient_basis_vi: basis.vi,
            amounts: BTreeMap::new(),
            total: Decimal::ZERO,
            counterpart: Decimal::ZERO,
        })
        .collect();
    let mut sources = Vec::new();
    for id in &divided {
        let budget = scenario
            .capital_sources
            .iter()
            .find(|s| &s.id == id)
            .map_or(Decimal::ZERO, |s| s.budget_in(year));
        let set_asides: BTreeMap<String, Decimal> = rule
            .set_asides
            .iter()
            .map(|s| (s.id.clone(), floor_to(budget * s.share.get_ref().0, unit)))
            .collect();
        let distributable = budget - set_asides.values().sum::<Decimal>();
        let limit = rule.limits.get(id);
        let floor = limit.and_then(|l| l.floor.as_ref()).map(|f| f.get_ref().0);
        let cap = limit.and_then(|l| l.cap.as_ref()).map(|c| c.get_ref().0);
        // Floors that the money cannot cover for every commune are lowered to an equal split.
        let n = Decimal::from(communes.len().max(1));
        let floor_lowered = floor.is_some_and(|f| f * n > distributable);
        let floor = floor.map(|f| if floor_lowered { distributable / n } else { f });
        let Quotas {
            amounts: exact,
            limited,
            unplaced,
            per_point,
        } = quotas(distributable, &weights, floor, cap);
        let amounts = largest_remainder(distributable - unplaced, &exact, unit);
        let allocated: Decimal = amounts.iter().sum();
        for (i, commune) in communes.iter_mut().enumerate() {
            commune.amounts.insert(
                id.clone(),
                SourceShare {
                    exact: exact[i].round_dp(4),
                    amount: amounts[i],
                    limited: limited[i],
                },
            );
            commune.total += amounts[i];
        }
        sources.push(SourceAllocation {
            id: id.clone(),
            budget,
            set_asides,
            distributable,
            total_weight,
            per_weight: per_point.round_dp(4),
            floor,
            floor_lowered,
            cap,
            allocated,
            unallocated: distributable - allocated,
        });
    }
    let counterpart = rule.counterpart.as_ref().map(|c| {
        let ratio = c.ratio.get_ref().0;
        let available = scenario
            .capital_sources
            .iter()
            .find(|s| s.id == c.source)
            .map_or(Decimal::ZERO, |s| s.budget_in(year));
        let required_each: Vec<Decimal> = communes.iter().map(|a| a.total * ratio).collect();
        let required: Decimal = required_each.iter().sum();
        let granted_total = floor_to(required.min(available), unit);
        let scaled: Vec<Decimal> = required_each
            .iter()
            .map(|r| {
                if required.is_zero() {
                    Decimal::ZERO
                } else {
                    *r * granted_total / required
                }
            })
            .collect();
        let granted_each = largest_remainder(granted_total, &scaled, unit);
        for (commune, granted) in communes.iter_mut().zip(&granted_each) {
            commune.counterpart = *granted;
        }
        let granted: Decimal = granted_each.iter().sum();
        CounterpartAllocation {
            source: c.source.clone(),
            ratio,
            basis: c.basis.clone(),
            required: required.round_dp(4),
            available,
            granted,
            shortfall: (required - granted).max(Decimal::ZERO).round_dp(4),
        }
    });
    let sum = |f: &dyn Fn(&SourceAllocation) -> Decimal| sources.iter().map(f).sum::<Decimal>();
    Ok(Allocation {
        synthetic: scenario.synthetic.clone(),
        rule: rule.id.clone(),
        rule_title: rule.title.clone(),
        rule_source: rule.source.clone(),
        rule_has_assumptions: rule.has_assumptions,
        year,
        rounding_unit: unit,
        rounding_basis: rule.rounding_basis.clone(),
        method: METHOD,
        budget: sum(&|s| s.budget),
        allocated: sum(&|s| s.allocated),
        set_aside: sum(&|s| s.set_asides.values().sum()),
        unallocated: sum(&|s| s.unallocated),
        sources,
        skipped_sources: skipped,
        communes,
        counterpart,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn largest_remainder_is_exact() {
        // 10 into thirds: 3.33.. each, floors 3+3+3 = 9, one unit to the first (tie).
        let q = vec![d("10") / d("3"); 3];
        assert_eq!(
            largest_remainder(d("10"), &q, d("1")),
            vec![d("4"), d("3"), d("3")]
        );
        // 100 at 5/9/1 weights with unit 10: quotas 33.3, 60, 6.7 → 30, 60, 0 + one unit to 6.7.
        let q = vec![d("100") * d("5") / d("15"), d("60"), d("100") / d("15")];
        assert_eq!(
            largest_remainder(d("100"), &q, d("10")),
            vec![d("30"), d("60"), d("10")]
        );
    }

    #[test]
    fn floors_then_caps() {
        // 100 over weights 1, 1, 8 with floor 15: quotas 10, 10, 80 → two floors of 15, 70 left.
        let q = quotas(d("100"), &[d("1"), d("1"), d("8")], Some(d("15")), None);
        assert_eq!(q.amounts, vec![d("15"), d("15"), d("70")]);
        assert_eq!(q.limited, vec![Some("floor"), Some("floor"), None]);
        assert_eq!(q.unplaced, Decimal::ZERO);
        assert_eq!(q.per_point, d("8.75"));
        // Cap 30 on everyone: 90 placed, 10 left unplaced.
        let q = quotas(d("100"), &[d("1"), d("1"), d("8")], None, Some(d("30")));
        assert_eq!(q.amounts, vec![d("30"), d("30"), d("30")]);
        assert_eq!(q.unplaced, d("10"));
    }
}
