//! `ntm`: the command-line face of the library. Parses arguments, calls the library, renders
//! results as tables or JSON, and errors with file, line and hint.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};
use serde::Serialize;

use ntm::catalog::Catalog;
use ntm::error::{Diagnostic, Error};
use ntm::plan::{Backend, Objective, PlanOptions};
use ntm::scenario::Scenario;

/// Rules engine and what-if planner for Vietnam's New Rural Development program (nông thôn mới).
#[derive(Parser)]
#[command(name = "ntm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario without running anything (kiểm tra dữ liệu).
    Check {
        /// Scenario folder.
        scenario: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Where each commune stands: criteria, band, tier, blocking criteria (đánh giá).
    Evaluate {
        /// Scenario folder.
        scenario: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also list every commune.
        #[arg(long)]
        communes: bool,
    },
    /// Fund projects from capital sources to reach the targets (lập kế hoạch vốn).
    Plan {
        /// Scenario folder.
        scenario: PathBuf,
        /// What to optimise.
        #[arg(long, value_enum, default_value = "max-standard")]
        objective: Objective,
        /// Solver backend (`highs` needs a build with `--features highs`).
        #[arg(long, value_enum, default_value = "microlp")]
        solver: Backend,
        /// Stop the search after this many seconds (the best plan found is returned).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Stop when the proven relative gap is at most this (0.01 = 1 %).
        #[arg(long)]
        gap: Option<f64>,
        /// Also write the model to this file in LP format.
        #[arg(long)]
        export_lp: Option<PathBuf>,
        /// Also compute marginal costs (one more commune at standard / meeting a criterion).
        #[arg(long)]
        marginal: bool,
        /// Write the tables as CSV files into this folder.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the criteria dependency graph (đồ thị điều kiện).
    Graph {
        /// Catalog id or file.
        #[arg(long, default_value = "qd318-2022")]
        catalog: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
        /// Same as `--format json`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Dot,
    Json,
}

fn print_json(value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Solver(e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Check { scenario, json } => {
            let s = Scenario::load(&scenario)?;
            let summary = serde_json::json!({
                "ok": true,
                "scenario": s.name,
                "communes": s.communes.len(),
                "projects": s.projects.len(),
                "capital_sources": s.capital_sources.len(),
                "targets": s.targets.len(),
                "synthetic": s.synthetic,
            });
            if json {
                print_json(&summary)?;
            } else {
                println!(
                    "{}: ok ({} communes, {} projects, {} capital sources, {} targets)",
                    s.name,
                    s.communes.len(),
                    s.projects.len(),
                    s.capital_sources.len(),
                    s.targets.len()
                );
            }
        }
        Command::Evaluate {
            scenario,
            json,
            communes,
        } => {
            let s = Scenario::load(&scenario)?;
            let evaluation = ntm::evaluate::evaluate(&s);
            if json {
                print_json(&evaluation)?;
            } else {
                print!("{}", ntm::report::render_evaluation(&evaluation, communes));
            }
        }
        Command::Plan {
            scenario,
            objective,
            solver,
            time_limit,
            gap,
            export_lp,
            marginal,
            csv,
            json,
        } => {
            let s = Scenario::load(&scenario)?;
            let options = PlanOptions {
                objective,
                backend: solver,
                time_limit: Some(time_limit),
                gap,
                export_lp,
            };
            let plan = ntm::plan::plan(&s, &options)?;
            let marginal = if marginal {
                Some(ntm::plan::marginal(&s, &options, &plan)?)
            } else {
                None
            };
            if let Some(dir) = csv {
                for (name, contents) in ntm::report::plan_csv(&plan) {
                    ntm::text::write_atomic(&dir.join(name), contents.as_bytes())?;
                }
            }
            if json {
                print_json(&ntm::report::PlanReport {
                    plan: &plan,
                    marginal: marginal.as_deref(),
                })?;
            } else {
                print!("{}", ntm::report::render_plan(&plan, marginal.as_deref()));
            }
        }
        Command::Graph {
            catalog,
            format,
            json,
        } => {
            let c = Catalog::load(&catalog, Path::new("."))?;
            let graph = c.graph();
            match (format, json) {
                (GraphFormat::Json, _) | (_, true) => print_json(&graph.to_json(&c))?,
                (GraphFormat::Dot, false) => print!("{}", graph.to_dot(&c)),
            }
        }
    }
    Ok(())
}

/// A miette report for one input problem, with the offending line shown where possible.
fn report_of(d: &Diagnostic) -> Report {
    let mut diagnostic = MietteDiagnostic::new(d.message.clone());
    if let Some(hint) = &d.hint {
        diagnostic = diagnostic.with_help(hint.clone());
    }
    let title = match d.line {
        Some(line) => format!("{}:{line}", d.file.display()),
        None => d.file.display().to_string(),
    };
    let source = std::fs::read_to_string(&d.file).ok();
    if let (Some(source), Some(line)) = (source, d.line) {
        let start: usize = source
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let len = source[start.min(source.len())..]
            .find('\n')
            .unwrap_or(source.len() - start.min(source.len()));
        diagnostic = diagnostic.with_label(LabeledSpan::at(start..start + len, "here"));
        return Report::new(diagnostic).with_source_code(NamedSource::new(title, source));
    }
    Report::new(diagnostic.with_code(title))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Invalid(problems)) => {
            for problem in &problems {
                eprintln!("{:?}", report_of(problem));
            }
            eprintln!("{} problem(s) found.", problems.len());
            ExitCode::FAILURE
        }
        Err(e) => {
            let hint = match &e {
                Error::Unsupported { hint, .. } => Some(hint.clone()),
                _ => None,
            };
            let mut d = MietteDiagnostic::new(e.to_string());
            if let Some(hint) = hint {
                d = d.with_help(hint);
            }
            eprintln!("{:?}", Report::new(d));
            ExitCode::FAILURE
        }
    }
}
