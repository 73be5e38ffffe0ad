//! A solver-neutral mixed-integer model (mô hình): variables with bounds, linear rows with
//! ranges, an objective. The formulation builds one; the backends translate it to good_lp; the
//! LP writer prints it in the standard LP file format.

use std::fmt::Write as _;

/// Money in the solver is in billion VND (scenario amounts are million VND): keeps the
/// coefficients of selection and budget rows near 1.
pub(crate) const MONEY_SCALE: f64 = 1e-3;

/// An LP-file-safe name: letters, digits and `_`.
pub(crate) fn lp_name(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Index of a variable in a [`Model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Var(pub usize);

/// A variable's definition.
#[derive(Debug, Clone)]
pub struct VarDef {
    /// Name (LP-file safe).
    pub name: String,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound (may be infinite).
    pub hi: f64,
    /// Integer (binary when bounds are 0 and 1).
    pub integer: bool,
    /// Objective coefficient.
    pub obj: f64,
}

/// A linear row `lo ≤ Σ coef·var ≤ hi`.
#[derive(Debug, Clone)]
pub struct Row {
    /// Name (LP-file safe).
    pub name: String,
    /// Terms.
    pub terms: Vec<(Var, f64)>,
    /// Lower bound (may be −∞).
    pub lo: f64,
    /// Upper bound (may be +∞).
    pub hi: f64,
}

/// Direction of the objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Maximise.
    Maximize,
    /// Minimise.
    Minimize,
}

impl Sense {
    /// Whether `value` improves on `than` by more than rounding.
    pub fn is_better(self, value: f64, than: f64) -> bool {
        let tol = 1e-9 * than.abs().max(1.0);
        match self {
            Sense::Maximize => value > than + tol,
            Sense::Minimize => value < than - tol,
        }
    }

    /// Whether `value` is within `gap` (relative, as a plan reports it) of `bound`.
    pub fn within(self, value: f64, bound: f64, gap: f64) -> bool {
        let room = gap * value.abs().max(1.0) + 1e-6 * bound.abs().max(1.0);
        match self {
            Sense::Maximize => value >= bound - room,
            Sense::Minimize => value <= bound + room,
        }
    }

    /// The tighter of two bounds (the smaller when maximising).
    pub fn tighter(self, a: f64, b: f64) -> f64 {
        match self {
            Sense::Maximize => a.min(b),
            Sense::Minimize => a.max(b),
        }
    }
}

/// The commune (block) of every variable of a model, `None` for variables every commune shares
/// (`Formulation::blocks`; the decomposition's blocks).
#[derive(Debug, Clone)]
pub(crate) struct Blocks {
    pub of: Vec<Option<usize>>,
}

impl Blocks {
    /// The distinct blocks, ascending.
    pub fn ids(&self) -> Vec<usize> {
        self.of
            .iter()
            .flatten()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// Number of distinct blocks.
    pub fn count(&self) -> usize {
        self.ids().len()
    }
}

/// A mixed-integer linear model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Variables.
    pub vars: Vec<VarDef>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Objective direction.
    pub sense: Sense,
    /// Constant added to the objective.
    pub obj_constant: f64,
}

impl Model {
    /// An empty model.
    pub fn new(sense: Sense) -> Model {
        Model {
            vars: Vec::new(),
            rows: Vec::new(),
            sense,
            obj_constant: 0.0,
        }
    }

    /// A binary variable.
    pub fn binary(&mut self, name: String) -> Var {
        self.var(name, 0.0, 1.0, true)
    }

    /// A variable with bounds.
    pub fn var(&mut self, name: String, lo: f64, hi: f64, integer: bool) -> Var {
        self.vars.push(VarDef {
            name,
            lo,
            hi,
            integer,
            obj: 0.0,
        });
        Var(self.vars.len() - 1)
    }

    /// Adds `coef` to a variable's objective coefficient.
    pub fn add_obj(&mut self, var: Var, coef: f64) {
        self.vars[var.0].obj += coef;
    }

    /// Adds a row; rows without terms are dropped (their feasibility is the caller's check).
    pub fn row(&mut self, name: String, terms: Vec<(Var, f64)>, lo: f64, hi: f64) {
        if !terms.is_empty() {
            self.rows.push(Row {
                name,
                terms,
                lo,
                hi,
            });
        }
    }

    /// Objective value of an assignment.
    pub fn objective_of(&self, values: &[f64]) -> f64 {
        self.obj_constant
            + self
                .vars
                .iter()
                .zip(values)
                .map(|(v, x)| v.obj * x)
                .sum::<f64>()
    }

    /// Whether an assignment satisfies bounds, integrality and rows within `tol`.
    pub fn is_feasible(&self, values: &[f64], tol: f64) -> bool {
        let bounds = self.vars.iter().zip(values).all(|(v, x)| {
            *x >= v.lo - tol && *x <= v.hi + tol && (!v.integer || (x - x.round()).abs() <= tol)
        });
        bounds
            && self.rows.iter().all(|r| {
                let lhs: f64 = r.terms.iter().map(|(v, c)| c * values[v.0]).sum();
                lhs >= r.lo - tol * (1.0 + r.lo.abs()) && lhs <= r.hi + tol * (1.0 + r.hi.abs())
            })
    }

    /// The model in the standard LP file format (CPLEX LP), readable by HiGHS, CPLEX, Gurobi,
    /// SCIP and CBC.
    pub fn to_lp(&self) -> String {
        let mut out = String::new();
        out.push_str(match self.sense {
            Sense::Maximize => "Maximize\n",
            Sense::Minimize => "Minimize\n",
        });
        let obj: Vec<(Var, f64)> = self
            .vars
            .iter()
            .enumerate()
            .filter(|(_, v)| v.obj != 0.0)
            .map(|(i, v)| (Var(i), v.obj))
            .collect();
        let _ = write!(out, " obj:{}", self.terms_text(&obj));
        if self.obj_constant != 0.0 {
            let _ = write!(
                out,
                " {} {}",
                sign(self.obj_constant),
                num(self.obj_constant.abs())
            );
        }
        if obj.is_empty() && self.obj_constant == 0.0 {
            out.push_str(" 0");
        }
        out.push_str("\nSubject To\n");
        for row in &self.rows {
            let terms = self.terms_text(&row.terms);
            if row.lo == row.hi {
                let _ = writeln!(out, " {}:{terms} = {}", row.name, num(row.lo));
            } else {
                if row.lo.is_finite() {
                    let suffix = if row.hi.is_finite() { "_lo" } else { "" };
                    let _ = writeln!(out, " {}{suffix}:{terms} >= {}", row.name, num(row.lo));
                }
                if row.hi.is_finite() {
                    let suffix = if row.lo.is_finite() { "_hi" } else { "" };
                    let _ = writeln!(out, " {}{suffix}:{terms} <= {}", row.name, num(row.hi));
                }
            }
        }
        out.push_str("Bounds\n");
        for v in &self.vars {
            if v.integer && v.lo == 0.0 && v.hi == 1.0 {
                continue;
            }
            let hi = if v.hi.is_finite() {
                num(v.hi)
            } else {
                "+inf".into()
            };
            let _ = writeln!(out, " {} <= {} <= {hi}", num(v.lo), v.name);
        }
        let binaries: Vec<&str> = self
            .vars
            .iter()
            .filter(|v| v.integer && v.lo == 0.0 && v.hi == 1.0)
            .map(|v| v.name.as_str())
            .collect();
        let generals: Vec<&str> = self
            .vars
            .iter()
            .filter(|v| v.integer && !(v.lo == 0.0 && v.hi == 1.0))
            .map(|v| v.name.as_str())
            .collect();
        for (title, names) in [("Binaries", binaries), ("Generals", generals)] {
            if !names.is_empty() {
                let _ = writeln!(out, "{title}");
                for chunk in names.chunks(8) {
                    let _ = writeln!(out, " {}", chunk.join(" "));
                }
            }
        }
        out.push_str("End\n");
        out
    }

    fn terms_text(&self, terms: &[(Var, f64)]) -> String {
        let mut text = String::new();
        for (i, (v, c)) in terms.iter().enumerate() {
            let name = &self.vars[v.0].name;
            let s = sign(*c);
            let s = if i == 0 && s == "+" { "" } else { s };
            let sep = if s.is_empty() { "" } else { " " };
            if (c.abs() - 1.0).abs() < f64::EPSILON {
                let _ = write!(text, " {s}{sep}{name}");
            } else {
                let _ = write!(text, " {s}{sep}{} {name}", num(c.abs()));
            }
            if i % 8 == 7 && i + 1 < terms.len() {
                text.push_str("\n  ");
            }
        }
        text
    }
}

fn sign(c: f64) -> &'static str {
    if c < 0.0 {
        "-"
    } else {
        "+"
    }
}

/// A float written so it reads back exactly and deterministically.
fn num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lp_text_has_every_section() {
        let mut m = Model::new(Sense::Maximize);
        let x = m.binary("x".into());
        let f = m.var("f".into(), 0.0, 2.5, false);
        m.add_obj(x, 1.0);
        m.row("r".into(), vec![(x, 1.5), (f, -1.0)], 0.0, f64::INFINITY);
        m.row("e".into(), vec![(f, 1.0)], 1.0, 1.0);
        let lp = m.to_lp();
        assert_eq!(
            lp,
            "Maximize\n obj: x\nSubject To\n r: 1.5 x - f >= 0\n e: f = 1\nBounds\n 0 <= f <= 2.5\nBinaries\n x\nEnd\n"
        );
        assert!(m.is_feasible(&[1.0, 1.0], 1e-9));
        assert!(!m.is_feasible(&[0.0, 1.0], 1e-9));
    }
}
