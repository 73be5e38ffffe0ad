//! `ntm`: the command-line face of the library. Parses arguments, calls the library, renders
//! results as tables or JSON, and errors with file, line and hint.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};
use serde::Serialize;

use ntm::catalog::Catalog;
use ntm::error::{Diagnostic, Error};
use ntm::scenario::{LoadOptions, Scenario};

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
        /// Also write the tables to this Excel workbook (with the commune data in import format).
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Check the published figures and targets against each other (kiểm tra số liệu công bố).
    Audit {
        /// Scenario folder (communes.csv and projects.csv are optional).
        scenario: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also write the findings to this Excel workbook.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Read commune status and projects from an Excel workbook into a scenario folder (nhập Excel).
    ImportXlsx {
        /// Workbook (.xlsx, .xls, .ods) with Vietnamese or English headers.
        workbook: PathBuf,
        /// Scenario folder to write communes.csv / projects.csv into.
        #[arg(long)]
        out: PathBuf,
        /// Year the status describes; needed only when the folder has no scenario.toml.
        #[arg(long)]
        year: Option<u16>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a scenario's communes and projects as an Excel workbook in import format (xuất Excel).
    ExportXlsx {
        /// Scenario folder.
        scenario: PathBuf,
        /// Workbook to write.
        file: PathBuf,
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
    /// Build a synthetic commune matrix that reproduces the published aggregates (giả lập số liệu xã),
    /// or with `--projects` synthetic candidate projects for every unmet criterion (dự án giả lập).
    Synthesize {
        /// Scenario folder.
        scenario: PathBuf,
        /// Seed of the tie-breaks (default: `[synthesize] seed` of the scenario).
        #[arg(long)]
        seed: Option<u64>,
        /// Synthesize projects.csv from the communes instead of communes.csv.
        #[arg(long)]
        projects: bool,
        /// Write communes.csv (projects.csv with `--projects`) into the scenario folder.
        #[arg(long)]
        write: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Dot,
    Json,
}

/// Writes to standard output; a closed pipe (`ntm … | head`) ends the program quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("cannot write output: {e}");
        std::process::exit(1);
    }
}

fn print_json(value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Solver(e.to_string()))?;
    emit(&format!("{text}\n"));
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
                emit(&format!(
                    "{}: ok ({} communes, {} projects, {} capital sources, {} targets)\n",
                    s.name,
                    s.communes.len(),
                    s.projects.len(),
                    s.capital_sources.len(),
                    s.targets.len()
                ));
            }
        }
        Command::Evaluate {
            scenario,
            json,
            communes,
            xlsx,
        } => {
            let s = Scenario::load(&scenario)?;
            let evaluation = ntm::evaluate::evaluate(&s);
            if let Some(path) = xlsx {
                ntm::xlsx::write_workbook(&path, &ntm::xlsx::evaluation_sheets(&evaluation, &s))?;
            }
            if json {
                print_json(&evaluation)?;
            } else {
                emit(&ntm::report::render_evaluation(&evaluation, communes));
            }
        }
        Command::Audit {
            scenario,
            json,
            xlsx,
        } => {
            let options = LoadOptions {
                allow_missing_communes: true,
                skip_projects: true,
            };
            let s = Scenario::load_with(&scenario, options)?;
            let audit = ntm::audit::audit(&s);
            if let Some(path) = xlsx {
                ntm::xlsx::write_workbook(&path, &ntm::report::audit_sheets(&audit))?;
            }
            if json {
                print_json(&audit)?;
            } else {
                print!("{}", ntm::report::render_audit(&audit));
            }
        }
        Command::ImportXlsx {
            workbook,
            out,
            year,
            json,
        } => {
            let report = ntm::xlsx::import_workbook(&workbook, &out, year)?;
            if json {
                print_json(&report)?;
            } else {
                for (what, sheet, n) in [
                    ("communes (xã)", &report.communes_sheet, report.communes),
                    ("projects (dự án)", &report.projects_sheet, report.projects),
                ] {
                    if let Some(sheet) = sheet {
                        println!("{n} {what} from sheet `{sheet}`");
                    }
                }
                for column in &report.ignored_columns {
                    println!("ignored column (bỏ qua cột): {column}");
                }
                for file in &report.files {
                    println!("wrote {}", file.display());
                }
            }
        }
        Command::ExportXlsx { scenario, file } => {
            let s = Scenario::load(&scenario)?;
            ntm::xlsx::write_workbook(&file, &ntm::xlsx::scenario_sheets(&s))?;
            println!("wrote {}", file.display());
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
                (GraphFormat::Dot, false) => emit(&graph.to_dot(&c)),
            }
        }
        Command::Synthesize {
            scenario,
            seed,
            projects: true,
            write,
            json,
        } => {
            use ntm::synthesize::projects;
            let options = ntm::scenario::LoadOptions {
                skip_projects: true,
                ..Default::default()
            };
            let s = Scenario::load_with(&scenario, options)?;
            let seed = seed.unwrap_or(s.synthesize.seed);
            let costs = projects::UnitCosts::built_in()?;
            let list =
                projects::synthesize(&s, &costs, &projects::ProjectOptions::with_seed(seed))?;
            let mut summary = projects::summarize(&s, &list, seed);
            if write {
                summary.written = Some(projects::write(&s, &list)?);
            }
            if json {
                print_json(&summary)?;
            } else {
                print!("{}", ntm::report::render_projects_summary(&summary));
            }
        }
        Command::Synthesize {
            scenario,
            seed,
            projects: false,
            write,
            json,
        } => {
            let options = ntm::synthesize::SynthesisOptions { seed };
            let synthesis = ntm::synthesize::synthesize_path(&scenario, options)?;
            if write {
                synthesis.write()?;
            }
            let written = write.then_some(synthesis.communes_file.as_path());
            if json {
                print_json(&synthesis)?;
            } else {
                emit(&ntm::report::render_synthesis(&synthesis, written));
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
    let title = d.file.display().to_string();
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
