//! Long solves as jobs (tác vụ): at most one per core at a time, each with a time limit,
//! cancellable, reporting progress to the page that polls it.
//!
//! The solver cannot be interrupted mid-solve, so cancelling marks the job cancelled at once
//! (the page stops waiting and its result is dropped) while its core stays taken until the
//! solver returns, at the latest at the job's time limit. That way "one per core" always holds.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::workspace::Opened;
use crate::document::{DraftPlanOptions, PlanDocument};
use crate::error::{Error, Result};
use crate::plan::{Objective, Plan, PlanOptions};
use crate::whatif::compare::{CompareOptions, Comparison};
use crate::whatif::drafting::{DraftOptions, Drafting};
use crate::whatif::sweep::{BudgetAxis, Sweep, SweepOptions};

/// Jobs kept for polling after they end.
const KEPT: usize = 64;

/// What a job computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobKind {
    /// `ntm plan`.
    Plan,
    /// `ntm compare --optimal`.
    Compare,
    /// `ntm targets`.
    Targets,
    /// `ntm sweep`.
    Sweep,
    /// `ntm draft-plan`: the plan document (Kế hoạch) of the scenario as it stands, planned.
    DraftPlan,
}

/// A job request, as the API and the pages send it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobRequest {
    /// What to compute.
    pub kind: JobKind,
    /// Plan objective: `max-standard` (default), `min-cost`, `max-criteria`.
    #[serde(default)]
    pub objective: Option<String>,
    /// Seconds per solve (capped by the server).
    #[serde(default)]
    pub time_limit: Option<f64>,
    /// Built-in rule ids for compare and sweep (default: qd07-2022 and equal).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Sweep range of budget multipliers, e.g. `0.5..2`.
    #[serde(default)]
    pub budget: Option<String>,
    /// Sweep points.
    #[serde(default)]
    pub steps: Option<usize>,
    /// Budget year (default: the first planning year with a budget).
    #[serde(default)]
    pub year: Option<u16>,
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobState {
    /// Waiting for a free core.
    Queued,
    /// Solving.
    Running,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
    /// Cancelled by the user.
    Cancelled,
}

/// What a finished job produced: the same values the CLI's `--json` prints.
#[derive(Debug, Clone)]
pub enum JobResult {
    /// A plan.
    Plan(Box<Plan>),
    /// A comparison.
    Compare(Box<Comparison>),
    /// Drafted targets.
    Targets(Box<Drafting>),
    /// A sweep.
    Sweep(Box<Sweep>),
    /// A plan document draft.
    Document(Box<PlanDocument>),
}

impl JobResult {
    /// The CLI's `--json` value.
    pub fn to_json(&self) -> serde_json::Value {
        let value = match self {
            JobResult::Plan(p) => serde_json::to_value(crate::report::PlanReport {
                plan: p,
                marginal: None,
            }),
            JobResult::Compare(c) => serde_json::to_value(c),
            JobResult::Targets(d) => serde_json::to_value(d),
            JobResult::Sweep(s) => serde_json::to_value(s),
            JobResult::Document(d) => serde_json::to_value(d),
        };
        value.unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Debug)]
struct Outcome {
    state: JobState,
    result: Option<Arc<JobResult>>,
    error: Option<String>,
    error_vi: Option<&'static str>,
    hint: Option<String>,
    seconds: Option<f64>,
}

/// One job.
#[derive(Debug)]
pub struct Job {
    /// Id.
    pub id: u64,
    /// Scenario id it runs on.
    pub scenario: String,
    /// What it computes.
    pub kind: JobKind,
    /// Time limit per solve, seconds.
    pub time_limit: f64,
    created: Instant,
    started: Mutex<Option<Instant>>,
    cancelled: AtomicBool,
    steps_done: AtomicUsize,
    steps_total: usize,
    outcome: Mutex<Outcome>,
}

/// A job as the API reports it.
#[derive(Debug, Serialize)]
pub struct JobView {
    /// Id.
    pub id: u64,
    /// Scenario id.
    pub scenario: String,
    /// What it computes.
    pub kind: JobKind,
    /// Where it is.
    pub state: JobState,
    /// 0 … 1: solves done (sweep) or time used of the limit (other jobs), capped below 1 until
    /// done.
    pub progress: f64,
    /// Seconds since it started solving.
    pub elapsed: f64,
    /// Time limit per solve, seconds.
    pub time_limit: f64,
    /// The error, when failed (the library's English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What kind of failure it is, in Vietnamese (shown first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_vi: Option<&'static str>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The result (the CLI's `--json`), when done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
}

impl Job {
    fn lock(&self) -> std::sync::MutexGuard<'_, Outcome> {
        self.outcome.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where it is.
    pub fn state(&self) -> JobState {
        self.lock().state
    }

    /// The result, when done.
    pub fn result(&self) -> Option<Arc<JobResult>> {
        self.lock().result.clone()
    }

    /// The report for the API; `with_result` adds the result value.
    pub fn view(&self, with_result: bool) -> JobView {
        let outcome = self.lock();
        let started = *self.started.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = outcome
            .seconds
            .or_else(|| started.map(|s| s.elapsed().as_secs_f64()))
            .unwrap_or(0.0);
        let progress = match outcome.state {
            JobState::Done => 1.0,
            JobState::Queued => 0.0,
            _ if self.steps_total > 0 => {
                self.steps_done.load(Ordering::Relaxed) as f64 / self.steps_total as f64
            }
            _ => (elapsed / self.time_limit.max(0.001)).min(0.99),
        };
        JobView {
            id: self.id,
            scenario: self.scenario.clone(),
            kind: self.kind,
            state: outcome.state,
            progress: progress.min(1.0),
            elapsed,
            time_limit: self.time_limit,
            error: outcome.error.clone(),
            error_vi: outcome.error_vi,
            hint: outcome.hint.clone(),
            result: if with_result {
                outcome.result.as_ref().map(|r| r.to_json())
            } else {
                None
            },
        }
    }

    fn finish(&self, result: Result<JobResult>) {
        let mut outcome = self.lock();
        if outcome.state == JobState::Cancelled {
            return;
        }
        let started = *self.started.lock().unwrap_or_else(|e| e.into_inner());
        outcome.seconds = Some(started.unwrap_or(self.created).elapsed().as_secs_f64());
        match result {
            Ok(r) => {
                outcome.state = JobState::Done;
                outcome.result = Some(Arc::new(r));
            }
            Err(e) => {
                outcome.state = JobState::Failed;
                let (message, hint) = super::error_text(&e);
                outcome.error = Some(message);
                outcome.error_vi = Some(super::i18n::Lang::Vi.error_kind(&e));
                outcome.hint = hint;
            }
        }
    }
}

/// The job queue.
#[derive(Debug)]
pub struct Jobs {
    cores: Arc<tokio::sync::Semaphore>,
    jobs: Mutex<BTreeMap<u64, Arc<Job>>>,
    next: AtomicU64,
    /// Largest time limit a job may ask for, seconds.
    pub max_time_limit: f64,
}

/// A checked request, ready to run.
#[derive(Debug, Clone)]
struct Prepared {
    kind: JobKind,
    objective: Objective,
    time_limit: f64,
    rules: Vec<crate::rules::Rule>,
    range: (Decimal, Decimal),
    steps: usize,
    year: Option<u16>,
}

impl Jobs {
    /// A queue running at most `workers` jobs at once.
    pub fn new(workers: usize, max_time_limit: f64) -> Jobs {
        Jobs {
            cores: Arc::new(tokio::sync::Semaphore::new(workers.max(1))),
            jobs: Mutex::new(BTreeMap::new()),
            next: AtomicU64::new(1),
            max_time_limit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The job `id`.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.lock().get(&id).cloned()
    }

    /// Cancels the job `id`; false when there is none.
    pub fn cancel(&self, id: u64) -> bool {
        let Some(job) = self.get(id) else {
            return false;
        };
        job.cancelled.store(true, Ordering::Relaxed);
        let mut outcome = job.lock();
        if matches!(outcome.state, JobState::Queued | JobState::Running) {
            outcome.state = JobState::Cancelled;
            outcome.seconds = Some(job.created.elapsed().as_secs_f64());
        }
        true
    }

    fn prepare(&self, request: &JobRequest) -> Result<Prepared> {
        let bad = |message: String, hint: &str| Error::Unsupported {
            message,
            hint: hint.to_string(),
        };
        let objective = match request.objective.as_deref() {
            None | Some("") => Objective::MaxStandard,
            Some(text) => <Objective as clap::ValueEnum>::from_str(text, true).map_err(|_| {
                bad(
                    format!("unknown objective `{text}`"),
                    "use max-standard, min-cost or max-criteria",
                )
            })?,
        };
        let time_limit = request.time_limit.unwrap_or(30.0);
        if !(time_limit.is_finite() && time_limit > 0.0) {
            return Err(bad(
                format!("time limit {time_limit} is not a positive number of seconds"),
                "use e.g. 30",
            ));
        }
        let known: Vec<&str> = crate::rules::built_in_ids().collect();
        let names = if request.rules.is_empty() {
            vec!["qd07-2022".to_string(), "equal".to_string()]
        } else {
            request.rules.clone()
        };
        let mut rules = Vec::new();
        for name in &names {
            if !known.contains(&name.as_str()) {
                return Err(bad(
                    format!("unknown rule `{name}`"),
                    &format!("use one of {}", known.join(", ")),
                ));
            }
            rules.push(crate::rules::Rule::load(name)?);
        }
        let range =
            crate::whatif::sweep::parse_range(request.budget.as_deref().unwrap_or("0.5..1.5"))?;
        let steps = request.steps.unwrap_or(6);
        if !(2..=40).contains(&steps) {
            return Err(bad(
                format!("{steps} sweep points"),
                "the workbench draws 2 to 40 points",
            ));
        }
        Ok(Prepared {
            kind: request.kind,
            objective,
            time_limit: time_limit.min(self.max_time_limit),
            rules,
            range,
            steps,
            year: request.year,
        })
    }

    /// Checks `request` and queues it on `scenario`; the job starts when a core is free.
    pub fn submit(
        self: &Arc<Self>,
        scenario: Arc<Opened>,
        request: &JobRequest,
    ) -> Result<Arc<Job>> {
        let prepared = self.prepare(request)?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let job = Arc::new(Job {
            id,
            scenario: scenario.id.clone(),
            kind: prepared.kind,
            time_limit: prepared.time_limit,
            created: Instant::now(),
            started: Mutex::new(None),
            cancelled: AtomicBool::new(false),
            steps_done: AtomicUsize::new(0),
            steps_total: if prepared.kind == JobKind::Sweep {
                prepared.steps
            } else {
                0
            },
            outcome: Mutex::new(Outcome {
                state: JobState::Queued,
                result: None,
                error: None,
                error_vi: None,
                hint: None,
                seconds: None,
            }),
        });
        {
            let mut jobs = self.lock();
            jobs.insert(id, job.clone());
            while jobs.len() > KEPT {
                let oldest = jobs.keys().next().copied();
                if let Some(oldest) = oldest {
                    jobs.remove(&oldest);
                }
            }
        }
        let cores = self.cores.clone();
        let running = job.clone();
        tokio::spawn(async move {
            let Ok(permit) = cores.acquire_owned().await else {
                return;
            };
            if running.cancelled.load(Ordering::Relaxed) {
                return;
            }
            *running.started.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
            {
                let mut outcome = running.lock();
                if outcome.state == JobState::Queued {
                    outcome.state = JobState::Running;
                }
            }
            let worker = running.clone();
            let result = tokio::task::spawn_blocking(move || {
                // The core stays taken until the solver returns, even after a cancel.
                let _core = permit;
                run(&scenario, &prepared, &worker)
            })
            .await
            .unwrap_or_else(|_| Err(Error::Solver("the job stopped unexpectedly".into())));
            running.finish(result);
        });
        Ok(job)
    }

    /// Runs `request` and waits for it (the API's synchronous calls).
    pub async fn run_to_end(
        self: &Arc<Self>,
        scenario: Arc<Opened>,
        request: &JobRequest,
    ) -> Result<Arc<Job>> {
        let job = self.submit(scenario, request)?;
        while matches!(job.state(), JobState::Queued | JobState::Running) {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Ok(job)
    }
}

fn run(opened: &Opened, p: &Prepared, job: &Job) -> Result<JobResult> {
    let s = &opened.scenario;
    let plan = PlanOptions {
        objective: p.objective,
        time_limit: Some(p.time_limit),
        ..Default::default()
    };
    Ok(match p.kind {
        JobKind::Plan => JobResult::Plan(Box::new(crate::plan::plan(s, &plan)?)),
        JobKind::Compare => {
            let options = CompareOptions {
                year: p.year,
                divided: Vec::new(),
                optimal: true,
                plan,
            };
            JobResult::Compare(Box::new(crate::whatif::compare::compare(
                s, &p.rules, &options,
            )?))
        }
        JobKind::Targets => {
            let options = DraftOptions { year: p.year, plan };
            JobResult::Targets(Box::new(crate::whatif::drafting::draft(s, &options)?))
        }
        JobKind::Sweep => {
            let options = SweepOptions {
                year: p.year,
                from: p.range.0,
                to: p.range.1,
                steps: p.steps,
                axis: BudgetAxis::Multiplier,
                divided: Vec::new(),
                scaled: Vec::new(),
                plan,
            };
            let tick = || {
                job.steps_done.fetch_add(1, Ordering::Relaxed);
            };
            JobResult::Sweep(Box::new(crate::whatif::sweep::sweep(
                s, &p.rules, &options, &tick,
            )?))
        }
        JobKind::DraftPlan => {
            let options = DraftPlanOptions {
                plan,
                ..DraftPlanOptions::default()
            };
            let receipt = draft_receipt(opened, job.id);
            JobResult::Document(Box::new(crate::document::draft_plan(
                s, &options, &receipt,
            )?))
        }
    })
}

/// The receipt a plan document made in the workbench quotes in its closing note: the command,
/// the workspace scenario and job, and the hash of every file of the scenario as edited.
pub fn draft_receipt(opened: &Opened, job: u64) -> crate::receipt::Receipt {
    let mut receipt = crate::receipt::Receipt::new(serde_json::json!({
        "command": "draft-plan",
        "scenario": opened.id,
        "job": job,
    }));
    receipt.scenario(&opened.dir);
    receipt
}
