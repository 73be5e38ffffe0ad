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
use ntm::scenario::{LoadOptions, Scenario};

/// Rules engine and what-if planner for Vietnam's New Rural Development program (nông thôn mới).
#[derive(Parser)]
#[command(name = "ntm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Let scenario files (`communes =`, `projects =`, `catalog =`) name paths outside the
    /// scenario folder.
    #[arg(long, global = true)]
    allow_outside: bool,
    /// Write numbers the English way (4,916,475; 12.5) instead of the Vietnamese (4.916.475; 12,5).
    #[arg(long, global = true)]
    en_numbers: bool,
}

#[derive(Subcommand, Serialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
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
        /// Also draw the status chart (criteria and bands) to this SVG file.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Re-evaluate under another criteria set through the mapping between the sets (e.g.
        /// `qd318-2022` for a scenario on `qd1980-2016`); prints the mapping's assumptions.
        #[arg(long, value_name = "ID")]
        catalog: Option<String>,
    },
    /// Criteria sets (bộ tiêu chí): compare two of them.
    Catalog {
        #[command(subcommand)]
        #[serde(rename = "catalog-command")]
        command: CatalogCommand,
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
        /// The workbook holds old communes: carry them into the new ones by this mapping (as
        /// `ntm merge`) and write the new communes' scenario to --out (needs --year).
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// With --mapping: replace an existing, non-empty --out folder.
        #[arg(long, requires = "mapping")]
        force: bool,
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
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Divide capital among communes by a rule, then simulate what they do with it (phân bổ vốn).
    Allocate {
        /// Scenario folder.
        scenario: PathBuf,
        /// Rule id (qd07-2022, equal, lai-chau-nq14-2022) or rule file.
        #[arg(long)]
        rule: String,
        /// Divide these capital sources instead of the rule's own.
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Budget year (default: the first planning year with a budget).
        #[arg(long)]
        year: Option<u16>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare allocation rules side by side, with the optimal plan and each rule's price (so sánh).
    Compare {
        /// Scenario folder.
        scenario: PathBuf,
        /// Rule ids or files (repeat).
        #[arg(long = "rule", required = true)]
        rules: Vec<String>,
        /// Divide these capital sources instead of the rules' own.
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Add the optimal plan and each rule's price.
        #[arg(long)]
        optimal: bool,
        /// Compare with another variant of the scenario: what changed in inputs and results.
        #[arg(long)]
        with: Option<PathBuf>,
        /// Budget year (default: the first planning year with a budget).
        #[arg(long)]
        year: Option<u16>,
        /// Time limit for the whole command, seconds (giới hạn thời gian).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Also draw the rules side by side to this SVG file.
        #[arg(long, value_name = "FILE", conflicts_with = "with")]
        svg: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Budget–outcome curve for the optimal plan and rules, as CSV and SVG (đường cong vốn).
    Sweep {
        /// Scenario folder.
        scenario: PathBuf,
        /// Budget range FROM..TO (multipliers, or amounts with --by amount).
        #[arg(long)]
        budget: String,
        /// Points on the curve.
        #[arg(long, default_value_t = 20)]
        steps: usize,
        /// What the range is given in.
        #[arg(long, value_enum, default_value = "multiplier")]
        by: ntm::whatif::sweep::BudgetAxis,
        /// Rules to draw besides the optimal plan (default: qd07-2022 and equal).
        #[arg(long = "rule")]
        rules: Vec<String>,
        /// Sources the rules divide and the curve moves (default: every state-budget source).
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Scale only these sources (default: all in play).
        #[arg(long = "scale")]
        scale: Vec<String>,
        /// Budget year (default: the first planning year with a budget).
        #[arg(long)]
        year: Option<u16>,
        /// Folder for sweep.csv and sweep.svg.
        #[arg(long, default_value = "sweep")]
        out: PathBuf,
        /// Time limit for the whole command, seconds (giới hạn thời gian).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draft the year's achievable targets, in both languages and as [[targets]] TOML (dự thảo chỉ tiêu).
    Targets {
        /// Scenario folder.
        scenario: PathBuf,
        /// Year the targets are for (default: the first planning year with a budget).
        #[arg(long)]
        year: Option<u16>,
        /// Write the [[targets]] TOML to this file (otherwise it is printed).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Time limit for the whole command, seconds (giới hạn thời gian).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
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
        /// Stop the search after this many seconds, for the whole command (the best plan found
        /// is returned).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Stop when the proven relative gap is at most this (0.01 = 1 %).
        #[arg(long)]
        gap: Option<f64>,
        /// Keep the first plan with the best objective: skip the tie-break stages (least
        /// state-budget spend, then least total spend).
        #[arg(long)]
        no_tie_break: bool,
        /// Also write the model to this file in LP format.
        #[arg(long)]
        export_lp: Option<PathBuf>,
        /// With `--export-lp`: write the plain one-binary-per-project model there instead, and
        /// stop (the benchmarks' yardstick, solved by HiGHS outside ntm).
        #[arg(long, requires = "export_lp")]
        plain: bool,
        /// Also compute marginal costs (one more commune at standard / meeting a criterion).
        #[arg(long)]
        marginal: bool,
        /// Say why this project (its id) is or is not in the plan, instead of the plan report
        /// (vì sao dự án được / không được chọn).
        #[arg(long, value_name = "PROJECT", conflicts_with_all = ["marginal", "csv"])]
        why: Option<String>,
        /// Write the tables as CSV files into this folder.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draft the year's plan document (Kế hoạch) as an editable Word file (dự thảo kế hoạch).
    DraftPlan {
        /// Scenario folder.
        scenario: PathBuf,
        /// Write the draft to this .docx file.
        #[arg(long, value_name = "FILE")]
        docx: Option<PathBuf>,
        /// Replace FILE if it exists (it may hold hand edits).
        #[arg(long)]
        force: bool,
        /// Divide the capital by this rule (id or file) and add the allocation.
        #[arg(long)]
        rule: Option<String>,
        /// Draft the targets with `ntm targets` when the scenario has none.
        #[arg(long)]
        draft_targets: bool,
        /// Issuing area, e.g. "Huyện Mường Tè" (default: the scenario's province).
        #[arg(long)]
        issuer: Option<String>,
        /// Place of the date line (default: the area's name).
        #[arg(long)]
        place: Option<String>,
        /// What the plan optimises.
        #[arg(long, value_enum, default_value = "max-standard")]
        objective: Objective,
        /// Time limit for the whole command, seconds (giới hạn thời gian).
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Print the document's outline as JSON.
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
    /// Local web workbench in the browser: status, plan, rules, targets, sweep, audit (bàn làm việc).
    Serve {
        /// Address to listen on (127.0.0.1 keeps it on this computer).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 8321)]
        port: u16,
        /// The workbench's own folder: opened scenarios are copied here and edited here.
        #[arg(long, default_value = "ntm-workspace")]
        workspace: PathBuf,
        /// Another folder scenarios may be opened from (repeat).
        #[arg(long = "root")]
        roots: Vec<PathBuf>,
        /// Do not open the browser.
        #[arg(long)]
        no_open: bool,
        /// Also answer requests for this host name (`name` or `name:port`; repeat), e.g. the
        /// name a reverse proxy forwards. Others get 421.
        #[arg(long = "allow-host")]
        allow_hosts: Vec<String>,
        /// No session token (kiosk use): any program on this computer may use the workbench.
        /// Refused with a --host other than this computer's.
        #[arg(long)]
        no_token: bool,
    },
    /// Carry a scenario from the old communes to the new ones of the 2025 reorganisation:
    /// status combined by a rule, projects moved, targets carried or listed to re-set (sáp nhập xã).
    Merge {
        /// Scenario folder; several when provinces merge (with --province-mapping).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Mapping CSV: old_id,new_id,new_name[,new_group][,source][,population][,households].
        #[arg(long, value_name = "FILE")]
        mapping: PathBuf,
        /// Folder to write the merged scenario into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Province mapping CSV: old_province,new_province[,source].
        #[arg(long, value_name = "FILE")]
        province_mapping: Option<PathBuf>,
        /// Merge rule file (default: the built-in merge-rule-default, every entry an assumption).
        #[arg(long, value_name = "FILE")]
        rule: Option<PathBuf>,
        /// Replace an existing, non-empty output folder (files ntm did not write are kept as .bak).
        #[arg(long)]
        force: bool,
        /// Also write the merge report to this Excel workbook.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        /// Print JSON.
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
        /// With `--write`: replace a file ntm did not write (it is kept as NAME.bak).
        #[arg(long, requires = "write")]
        force: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Serialize)]
#[serde(rename_all = "kebab-case")]
enum CatalogCommand {
    /// Old criterion → new criterion, what carries over and what must be re-assessed (so sánh bộ tiêu chí).
    Diff {
        /// Old catalog id or file, e.g. `qd1980-2016`.
        from: String,
        /// New catalog id or file, e.g. `qd318-2022`.
        to: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
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

/// Tells where replaced files were kept.
fn report_backups(written: &ntm::output::Written) {
    for backup in &written.backups {
        eprintln!("kept the replaced file as {}", backup.display());
    }
}

/// A report on scenario `s` with the scenario's Vietnamese synthetic-data note first (the
/// English beside it); `width` as the report was wrapped.
fn vietnamese_first(s: &Scenario, text: String, width: Option<usize>) -> String {
    ntm::report::vietnamese_note_first(
        text,
        s.synthetic.as_deref(),
        s.synthetic_vi.as_deref(),
        width,
    )
}

/// Prints `value` as JSON with `--json`, otherwise its human rendering.
fn show(json: bool, value: &impl Serialize, render: impl FnOnce() -> String) -> Result<(), Error> {
    if json {
        print_json(value)
    } else {
        emit(&render());
        Ok(())
    }
}

/// The receipt of this run, attached to every JSON output (set once in `main`).
static RECEIPT: std::sync::OnceLock<ntm::receipt::Receipt> = std::sync::OnceLock::new();

/// Prints `value` as JSON, with the run's receipt as its first field.
fn print_json(value: &impl Serialize) -> Result<(), Error> {
    let value = serde_json::to_value(value).map_err(|e| Error::Internal(e.to_string()))?;
    let value = match RECEIPT.get() {
        Some(receipt) => ntm::receipt::attach(receipt, value),
        None => value,
    };
    let text = serde_json::to_string_pretty(&value).map_err(|e| Error::Internal(e.to_string()))?;
    emit(&format!("{text}\n"));
    Ok(())
}

impl Command {
    /// Whether the output is JSON (on failure too).
    fn json(&self) -> bool {
        match self {
            Command::Check { json, .. }
            | Command::Evaluate { json, .. }
            | Command::Audit { json, .. }
            | Command::ImportXlsx { json, .. }
            | Command::Allocate { json, .. }
            | Command::Compare { json, .. }
            | Command::Sweep { json, .. }
            | Command::Targets { json, .. }
            | Command::Plan { json, .. }
            | Command::Synthesize { json, .. }
            | Command::Merge { json, .. }
            | Command::ExportXlsx { json, .. }
            | Command::DraftPlan { json, .. } => *json,
            Command::Graph { json, format, .. } => *json || matches!(format, GraphFormat::Json),
            Command::Catalog {
                command: CatalogCommand::Diff { json, .. },
            } => *json,
            Command::Serve { .. } => false,
        }
    }

    /// The receipt: options as given and a hash of every input the command reads.
    fn receipt(&self) -> ntm::receipt::Receipt {
        let options = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let mut receipt = ntm::receipt::Receipt::new(options);
        match self {
            Command::ImportXlsx {
                workbook, mapping, ..
            } => {
                receipt.file("workbook", &workbook.display().to_string(), workbook);
                if let Some(mapping) = mapping {
                    receipt.file("mapping", &mapping.display().to_string(), mapping);
                    receipt.built_in(
                        "merge-rule",
                        ntm::merge::rule::DEFAULT_ID,
                        ntm::merge::rule::DEFAULT_TEXT,
                    );
                }
            }
            Command::Graph { catalog, .. } => {
                receipt.catalog(catalog, Path::new("."));
            }
            Command::Check { scenario, .. }
            | Command::Evaluate { scenario, .. }
            | Command::Audit { scenario, .. }
            | Command::ExportXlsx { scenario, .. }
            | Command::Targets { scenario, .. }
            | Command::Plan { scenario, .. }
            | Command::Synthesize { scenario, .. } => {
                receipt.scenario(scenario);
            }
            Command::Allocate { scenario, rule, .. } => {
                receipt.scenario(scenario).rule(rule);
            }
            Command::DraftPlan { scenario, rule, .. } => {
                receipt.scenario(scenario);
                if let Some(rule) = rule {
                    receipt.rule(rule);
                }
            }
            Command::Merge {
                scenarios,
                mapping,
                province_mapping,
                rule,
                ..
            } => {
                for scenario in scenarios {
                    receipt.scenario(scenario);
                }
                receipt.file("mapping", &mapping.display().to_string(), mapping);
                if let Some(p) = province_mapping {
                    receipt.file("province-mapping", &p.display().to_string(), p);
                }
                match rule {
                    Some(r) => {
                        receipt.file("merge-rule", &r.display().to_string(), r);
                    }
                    None => {
                        receipt.built_in(
                            "merge-rule",
                            ntm::merge::rule::DEFAULT_ID,
                            ntm::merge::rule::DEFAULT_TEXT,
                        );
                    }
                }
            }
            Command::Serve { .. } => {}
            Command::Catalog {
                command: CatalogCommand::Diff { from, to, .. },
            } => {
                receipt.catalog(from, Path::new("."));
                receipt.catalog(to, Path::new("."));
            }
            Command::Compare {
                scenario,
                rules,
                with,
                ..
            } => {
                receipt.scenario(scenario);
                if let Some(other) = with {
                    receipt.scenario(other);
                }
                for rule in rules {
                    receipt.rule(rule);
                }
            }
            Command::Sweep {
                scenario, rules, ..
            } => {
                receipt.scenario(scenario);
                let defaults = ["qd07-2022".to_string(), "equal".to_string()];
                let rules = if rules.is_empty() {
                    &defaults[..]
                } else {
                    rules
                };
                for rule in rules {
                    receipt.rule(rule);
                }
            }
        }
        receipt
    }
}

/// The JSON of a failure: `{"error", "kind", "problems": [{file, line, column, message, hint}],
/// "receipt"}`.
fn failure_json(error: &Error) -> serde_json::Value {
    let problem = |file: Option<&Path>, message: String, hint: Option<&str>| {
        serde_json::json!({
            "file": file.map(|f| f.display().to_string()),
            "line": null,
            "column": null,
            "message": message,
            "hint": hint,
        })
    };
    let (kind, problems) = match error {
        Error::Invalid(problems) => (
            "invalid",
            problems
                .iter()
                .map(|p| serde_json::to_value(p).unwrap_or(serde_json::Value::Null))
                .collect(),
        ),
        Error::Io { path, .. } => ("io", vec![problem(Some(path), error.to_string(), None)]),
        Error::Solver(_) => ("solver", vec![problem(None, error.to_string(), None)]),
        Error::Internal(_) => ("internal", vec![problem(None, error.to_string(), None)]),
        Error::Unsupported { message, hint } => (
            "unsupported",
            vec![problem(None, message.clone(), Some(hint))],
        ),
    };
    let mut out = serde_json::json!({
        "error": error.to_string(),
        "kind": kind,
        "problems": problems,
    });
    if let Some(receipt) = RECEIPT.get() {
        out["receipt"] = receipt.to_json();
    }
    out
}

/// A spinner on a terminal for work that may take more than a couple of seconds.
fn spinner(message: &str, json: bool) -> ntm::progress::Progress {
    ntm::progress::Progress::spinner(message, ntm::progress::visible(json))
}

/// Planner options with a time limit (the objective is the command's own).
fn plan_options(time_limit: f64) -> PlanOptions {
    PlanOptions {
        time_limit: Some(time_limit),
        // What-ifs compare counts: the tie-break stages of `plan` would only cost time.
        tie_break: false,
        ..Default::default()
    }
    .with_deadline()
}

fn load_rules(references: &[String]) -> Result<Vec<ntm::rules::Rule>, Error> {
    references
        .iter()
        .map(|r| ntm::rules::Rule::load(r))
        .collect()
}

fn run(cli: Cli) -> Result<(), Error> {
    let style = if cli.en_numbers {
        ntm::number::NumberStyle::English
    } else {
        ntm::number::NumberStyle::Vietnamese
    };
    match cli.command {
        Command::Check { scenario, json } => {
            let busy = spinner("Đang kiểm tra dữ liệu (checking)", json);
            let s = Scenario::load(&scenario)?;
            drop(busy);
            let summary = ntm::scenario::CheckSummary::of(&s);
            show(json, &summary, || summary.render(style))?;
        }
        Command::Evaluate {
            scenario,
            json,
            communes,
            xlsx,
            svg,
            catalog: Some(catalog),
        } => {
            let s = Scenario::load(&scenario)?;
            let target = Catalog::load(&catalog, &s.dir)?;
            let r = ntm::reevaluate::reevaluate(&s, &target)?;
            if let Some(path) = xlsx {
                ntm::xlsx::write_workbook(&path, &ntm::xlsx::evaluation_sheets(&r.evaluation, &s))?;
            }
            if let Some(path) = svg {
                let chart = ntm::report::evaluation_svg(&r.evaluation, &s.name);
                ntm::text::write_atomic(&path, chart.as_bytes())?;
            }
            show(json, &r, || {
                vietnamese_first(
                    &s,
                    ntm::report::render_reevaluation(&r, communes, style),
                    None,
                )
            })?;
        }
        Command::Catalog {
            command: CatalogCommand::Diff { from, to, json },
        } => {
            let a = Catalog::load(&from, Path::new("."))?;
            let b = Catalog::load(&to, Path::new("."))?;
            let d = ntm::catalog::diff(&a, &b)?;
            show(json, &d, || ntm::report::render_catalog_diff(&d))?;
        }
        Command::Evaluate {
            scenario,
            json,
            communes,
            xlsx,
            svg,
            catalog: None,
        } => {
            let busy = spinner("Đang đánh giá (evaluating)", json);
            let s = Scenario::load(&scenario)?;
            // Every commune's status only for the outputs that list them.
            let detail = if communes || json || xlsx.is_some() {
                ntm::evaluate::Detail::PerCommune
            } else {
                ntm::evaluate::Detail::Counts
            };
            let evaluation = ntm::evaluate::evaluate_with(&s, detail);
            drop(busy);
            if let Some(path) = xlsx {
                ntm::xlsx::write_workbook(&path, &ntm::xlsx::evaluation_sheets(&evaluation, &s))?;
            }
            if let Some(path) = svg {
                let chart = ntm::report::evaluation_svg(&evaluation, &s.name);
                ntm::text::write_atomic(&path, chart.as_bytes())?;
            }
            show(json, &evaluation, || {
                vietnamese_first(
                    &s,
                    ntm::report::render_evaluation(&evaluation, communes, style),
                    None,
                )
            })?;
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
            let audit = ntm::audit::audit_with(&s, style);
            if let Some(path) = xlsx {
                ntm::xlsx::write_workbook(&path, &ntm::report::audit_sheets(&audit, style))?;
            }
            show(json, &audit, || {
                vietnamese_first(&s, ntm::report::render_audit(&audit, style), None)
            })?;
        }
        Command::ImportXlsx {
            workbook,
            out,
            year,
            mapping: Some(mapping),
            force,
            json,
        } => {
            let busy = spinner(
                "Đang nhập Excel theo xã mới (importing into the new communes)",
                json,
            );
            let (done, written) = ntm::xlsx::import_merged(&workbook, &mapping, &out, year, force)?;
            drop(busy);
            report_backups(&written);
            show(json, &done, || ntm::merge::render(&done.merge, style))?;
        }
        Command::ImportXlsx {
            workbook,
            out,
            year,
            mapping: None,
            json,
            ..
        } => {
            let busy = spinner("Đang nhập Excel (importing)", json);
            let report = ntm::xlsx::import_workbook(&workbook, &out, year)?;
            drop(busy);
            if json {
                print_json(&report)?;
            } else {
                for (what, sheet, n) in [
                    ("xã (communes)", &report.communes_sheet, report.communes),
                    ("dự án (projects)", &report.projects_sheet, report.projects),
                ] {
                    if let Some(sheet) = sheet {
                        emit(&format!(
                            "{n} {what} từ trang tính (from sheet) `{sheet}`\n"
                        ));
                    }
                }
                for column in &report.ignored_columns {
                    emit(&format!("bỏ qua cột (ignored column): {column}\n"));
                }
                for range in &report.merged_cells {
                    emit(&format!(
                        "ô gộp {range}: mọi ô lấy giá trị ô trên cùng bên trái, như Excel hiển thị (merged cells read as Excel shows them: the top-left value in every cell)\n"
                    ));
                }
                for file in &report.files {
                    emit(&format!("đã ghi (wrote) {}\n", file.display()));
                }
            }
        }
        Command::ExportXlsx {
            scenario,
            file,
            json,
        } => {
            let s = Scenario::load(&scenario)?;
            ntm::xlsx::write_workbook(&file, &ntm::xlsx::scenario_sheets(&s))?;
            let summary = serde_json::json!({
                "scenario": s.name,
                "communes": s.communes.len(),
                "projects": s.projects.len(),
                "file": file,
            });
            show(json, &summary, || {
                format!("đã ghi (wrote) {}\n", file.display())
            })?;
        }
        Command::Allocate {
            scenario,
            rule,
            sources,
            year,
            json,
        } => {
            let s = Scenario::load(&scenario)?;
            let rule = ntm::rules::Rule::load(&rule)?;
            let options = ntm::rules::AllocateOptions { year, sources };
            let allocation = ntm::rules::allocate(&s, &rule, &options)?;
            let simulation = ntm::rules::simulate(&s, &allocation);
            show(
                json,
                &serde_json::json!({
                    "allocation": allocation,
                    "simulation": simulation,
                }),
                || {
                    vietnamese_first(
                        &s,
                        ntm::report::render_allocation(&allocation, &simulation, style),
                        None,
                    )
                },
            )?;
        }
        Command::Compare {
            scenario,
            rules,
            sources,
            optimal,
            with,
            year,
            time_limit,
            svg,
            json,
        } => {
            let busy = spinner("Đang so sánh (comparing)", json);
            let s = Scenario::load(&scenario)?;
            let rules = load_rules(&rules)?;
            let options = ntm::whatif::compare::CompareOptions {
                year,
                divided: sources,
                optimal,
                plan: plan_options(time_limit),
            };
            match with {
                Some(other) => {
                    let other = Scenario::load(&other)?;
                    let v = ntm::whatif::compare::compare_variants(&s, &other, &rules, &options)?;
                    drop(busy);
                    show(json, &v, || {
                        vietnamese_first(&s, ntm::report::render_variants(&v, style), None)
                    })?;
                }
                None => {
                    let c = ntm::whatif::compare::compare(&s, &rules, &options)?;
                    drop(busy);
                    if let Some(path) = svg {
                        let chart = ntm::report::comparison_svg(&c);
                        ntm::text::write_atomic(&path, chart.as_bytes())?;
                    }
                    show(json, &c, || {
                        vietnamese_first(&s, ntm::report::render_comparison(&c, style), None)
                    })?;
                }
            }
        }
        Command::Sweep {
            scenario,
            budget,
            steps,
            by,
            rules,
            sources,
            scale,
            year,
            out,
            time_limit,
            json,
        } => {
            let s = Scenario::load(&scenario)?;
            let rules = if rules.is_empty() {
                load_rules(&["qd07-2022".into(), "equal".into()])?
            } else {
                load_rules(&rules)?
            };
            let (from, to) = ntm::whatif::sweep::parse_range(&budget)?;
            let options = ntm::whatif::sweep::SweepOptions {
                year,
                from,
                to,
                steps,
                axis: by,
                divided: sources,
                scaled: scale,
                plan: plan_options(time_limit),
            };
            let bar = ntm::progress::Progress::bar(
                steps as u64,
                "Đang tính đường cong vốn (sweeping)",
                ntm::progress::visible(json),
            );
            let curve = ntm::whatif::sweep::sweep(&s, &rules, &options, &|| bar.inc())?;
            drop(bar);
            let written = ntm::report::write_sweep(&curve, &out)?;
            if json {
                print_json(&curve)?;
            } else {
                emit(&vietnamese_first(
                    &s,
                    ntm::report::render_sweep(&curve, style),
                    None,
                ));
                for path in written {
                    emit(&format!("đã ghi (wrote) {}\n", path.display()));
                }
            }
        }
        Command::Targets {
            scenario,
            year,
            out,
            time_limit,
            json,
        } => {
            let s = Scenario::load(&scenario)?;
            let options = ntm::whatif::drafting::DraftOptions {
                year,
                plan: plan_options(time_limit),
            };
            let busy = spinner("Đang dự thảo chỉ tiêu (drafting targets)", json);
            let drafting = ntm::whatif::drafting::draft(&s, &options)?;
            drop(busy);
            if let Some(path) = &out {
                ntm::text::write_atomic(path, drafting.toml.as_bytes())?;
            }
            if json {
                print_json(&drafting)?;
            } else {
                emit(&vietnamese_first(
                    &s,
                    ntm::report::render_drafting(&drafting, style),
                    None,
                ));
                match &out {
                    Some(path) => emit(&format!("\nđã ghi (wrote) {}\n", path.display())),
                    None => emit(&format!("\n{}", drafting.toml)),
                }
            }
        }
        Command::Plan {
            scenario,
            objective,
            solver,
            time_limit,
            gap,
            no_tie_break,
            export_lp,
            plain,
            marginal,
            why,
            csv,
            json,
        } => {
            // The time limit bounds the whole command, loading included.
            let options = PlanOptions {
                objective,
                backend: solver,
                time_limit: Some(time_limit),
                gap,
                export_lp,
                tie_break: !no_tie_break,
                deadline: None,
                quick: false,
            }
            .with_deadline();
            let s = Scenario::load(&scenario)?;
            if let (true, Some(path)) = (plain, &options.export_lp) {
                let size = ntm::plan::plain::export_plain_lp(&s, objective, path)?;
                let summary = format!(
                    "wrote {}: plain model, {} variables ({} integer), {} rows\n",
                    path.display(),
                    size.variables,
                    size.integers,
                    size.rows
                );
                if json {
                    print_json(&serde_json::json!({
                        "lp": path.display().to_string(),
                        "variables": size.variables,
                        "integers": size.integers,
                        "rows": size.rows,
                    }))?;
                } else {
                    emit(&summary);
                }
                return Ok(());
            }
            if let Some(project) = &why {
                ntm::whatif::why::find_project(&s, project)?;
            }
            let busy = spinner("Đang lập kế hoạch (planning)", json);
            let plan = ntm::plan::plan(&s, &options)?;
            if let Some(project) = why {
                busy.set_message("Đang giải thích (explaining)");
                let why = ntm::whatif::why::why(&s, &options, &plan, &project)?;
                drop(busy);
                return show(json, &why, || {
                    vietnamese_first(&s, ntm::report::render_why(&why, style), None)
                });
            }
            let marginal = if marginal {
                busy.set_message("Đang tính chi phí cận biên (marginal costs)");
                Some(ntm::whatif::marginal::marginal(&s, &options, &plan)?)
            } else {
                None
            };
            drop(busy);
            if let Some(dir) = csv {
                let files: Vec<(PathBuf, Vec<u8>)> = ntm::report::plan_csv(&plan)
                    .into_iter()
                    .map(|(name, contents)| (dir.join(name), contents.into_bytes()))
                    .collect();
                ntm::output::write_all(&files)?;
            }
            show(
                json,
                &ntm::report::PlanReport {
                    plan: &plan,
                    marginal: marginal.as_deref(),
                },
                || {
                    let width = ntm::report::width_from_env();
                    vietnamese_first(
                        &s,
                        ntm::report::render_plan_within(
                            &plan,
                            marginal.as_deref(),
                            style,
                            width,
                            &s.capital_sources,
                        ),
                        width,
                    )
                },
            )?;
        }
        Command::DraftPlan {
            scenario,
            docx,
            force,
            rule,
            draft_targets,
            issuer,
            place,
            objective,
            time_limit,
            json,
        } => {
            let s = Scenario::load(&scenario)?;
            if let Some(path) = &docx {
                ntm::document::check_overwrite(path, force)?;
            }
            let options = ntm::document::DraftPlanOptions {
                plan: PlanOptions {
                    objective,
                    ..plan_options(time_limit)
                },
                rule: rule.as_deref().map(ntm::rules::Rule::load).transpose()?,
                draft_targets,
                issuer,
                place,
            };
            let busy = spinner("Đang soạn dự thảo kế hoạch (drafting the plan)", json);
            let receipt = RECEIPT
                .get()
                .cloned()
                .unwrap_or_else(|| ntm::receipt::Receipt::new(serde_json::Value::Null));
            let document = ntm::document::draft_plan(&s, &options, &receipt);
            drop(busy);
            let document = document?;
            if let Some(path) = &docx {
                ntm::document::write_docx(&document, path)?;
            }
            show(json, &document, || match &docx {
                Some(path) => format!("wrote {}\n", path.display()),
                None => ntm::document::render_text(&document),
            })?;
        }
        Command::Serve {
            host,
            port,
            workspace,
            roots,
            no_open,
            allow_hosts,
            no_token,
        } => {
            ntm::serve::run(ntm::serve::ServeOptions {
                host,
                port,
                workspace,
                roots,
                open_browser: !no_open,
                allow_hosts,
                token: !no_token,
                ..ntm::serve::ServeOptions::new()
            })?;
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
        Command::Merge {
            scenarios,
            mapping,
            out,
            province_mapping,
            rule,
            force,
            xlsx,
            json,
        } => {
            let busy = spinner("Đang sáp nhập xã (merging communes)", json);
            let options = ntm::merge::MergeOptions {
                scenarios,
                mapping,
                province_mapping,
                rule,
                out,
            };
            let (report, written) = ntm::merge::merge(&options, force)?;
            drop(busy);
            report_backups(&written);
            if let Some(file) = &xlsx {
                ntm::xlsx::write_workbook(file, &ntm::xlsx::merge_sheets(&report))?;
            }
            show(json, &report, || ntm::merge::render(&report, style))?;
        }
        Command::Synthesize {
            scenario,
            seed,
            projects: true,
            write,
            force,
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
                let (path, written) = projects::write(&s, &list, force)?;
                report_backups(&written);
                summary.written = Some(path);
            }
            show(json, &summary, || {
                ntm::report::render_projects_summary(&summary, style)
            })?;
        }
        Command::Synthesize {
            scenario,
            seed,
            projects: false,
            write,
            force,
            json,
        } => {
            let options = ntm::synthesize::SynthesisOptions { seed };
            let synthesis = ntm::synthesize::synthesize_path(&scenario, options)?;
            if write {
                report_backups(&synthesis.write(force)?);
            }
            let written = write.then_some(synthesis.communes_file.as_path());
            show(json, &synthesis, || {
                ntm::report::render_synthesis(&synthesis, written, style)
            })?;
        }
    }
    Ok(())
}

/// A miette report for one input problem, with the offending line shown where possible.
fn report_of(
    d: &Diagnostic,
    sources: &mut std::collections::BTreeMap<PathBuf, Option<String>>,
) -> Report {
    let mut diagnostic = MietteDiagnostic::new(d.message.clone());
    if let Some(hint) = &d.hint {
        diagnostic = diagnostic.with_help(hint.clone());
    }
    let title = d.file.display().to_string();
    // The offending line is shown only from a small file and when it is short: an error never
    // echoes more than a short excerpt of the input.
    let source = sources
        .entry(d.file.clone())
        .or_insert_with(|| {
            ntm::text::read_bounded(&d.file, 1024 * 1024)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
        })
        .clone();
    if let (Some(source), Some(line)) = (source, d.line.filter(|l| *l > 0)) {
        let start: usize = source
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let start = start.min(source.len());
        let len = source[start..].find('\n').unwrap_or(source.len() - start);
        if len > 200 {
            return Report::new(diagnostic.with_code(title));
        }
        diagnostic = diagnostic.with_label(LabeledSpan::at(start..start + len, "here"));
        return Report::new(diagnostic).with_source_code(NamedSource::new(title, source));
    }
    Report::new(diagnostic.with_code(title))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    ntm::scenario::allow_outside(cli.allow_outside);
    let json = cli.command.json();
    let _ = RECEIPT.set(cli.command.receipt());
    let result = run(cli);
    if let (true, Err(e)) = (json, &result) {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&failure_json(e)).unwrap_or_default()
        ));
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Invalid(problems)) => {
            let mut sources = std::collections::BTreeMap::new();
            for problem in &problems {
                eprintln!("{:?}", report_of(problem, &mut sources));
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
