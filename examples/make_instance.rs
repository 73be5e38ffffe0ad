//! Writes the benches' instances to a folder, so that `ntm plan` and the plain-model
//! exporter can run on exactly what the benches solve (scripts/make-instances.sh calls it):
//!
//! - `make_instance replicate SOURCE OUT FACTOR [NAME [SEED]]`: a scenario copied FACTOR times
//!   (suffixed ids; budgets and commune-count targets ×FACTOR), e.g. Lai Châu ×10; with SEED,
//!   each copy's costs and each source's budget perturbed (a family of instances, one per seed);
//! - `make_instance synthetic OUT COMMUNES SEED DENSITY_PERCENT SHARE`: a seeded synthetic
//!   instance from the benches' synthesizer (the same code and calibration as `plan_large`).

#[path = "../benches/instance/mod.rs"]
mod instance;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("make_instance: {message}");
            eprintln!("usage: make_instance replicate SOURCE OUT FACTOR [NAME [SEED]]");
            eprintln!("       make_instance synthetic OUT COMMUNES SEED DENSITY_PERCENT SHARE");
            ExitCode::FAILURE
        }
    }
}

fn number<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> Result<T, String> {
    let text = args.get(i).ok_or_else(|| format!("missing {what}"))?;
    text.parse()
        .map_err(|_| format!("{what} `{text}` is not a number"))
}

fn run(args: &[String]) -> Result<String, String> {
    let out = |i: usize| args.get(i).map(PathBuf::from).ok_or("missing OUT");
    let scenario = match args.first().map(String::as_str) {
        Some("replicate") => {
            let source = args.get(1).map(PathBuf::from).ok_or("missing SOURCE")?;
            let out = out(2)?;
            let factor: u32 = number(args, 3, "FACTOR")?;
            let name = args
                .get(4)
                .cloned()
                .unwrap_or_else(|| format!("replicated-x{factor}"));
            let seed = match args.get(5) {
                Some(_) => Some(number(args, 5, "SEED")?),
                None => None,
            };
            instance::replicate::replicate(&source, &out, factor, &name, seed)?;
            ntm::scenario::Scenario::load(&out).map_err(|e| format!("{e:?}"))?
        }
        Some("synthetic") => {
            let out = out(1)?;
            std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
            instance::write(
                &out,
                number(args, 2, "COMMUNES")?,
                number(args, 3, "SEED")?,
                number(args, 4, "DENSITY_PERCENT")?,
                number(args, 5, "SHARE")?,
            )
        }
        _ => return Err("the first argument is `replicate` or `synthetic`".into()),
    };
    Ok(format!(
        "{}: {} communes, {} projects",
        scenario.name,
        scenario.communes.len(),
        scenario.projects.len()
    ))
}
