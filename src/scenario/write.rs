//! Writing a communes file (ghi danh sách xã) in the loader's format: the one home of the
//! `communes.csv` layout that `synthesize` and `merge` write.

use super::Commune;
use crate::error::{Error, Result};

/// Which optional columns a communes file gets.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommuneColumns {
    /// `a1..aN` and `model`.
    pub tiers: bool,
    /// `villages,villages_standard`.
    pub villages: bool,
    /// `group` (nhóm xã, QĐ 51/2025): the commune's group number, empty where it has none
    /// (the loader then derives it from the attributes). Only for a catalog with groups.
    pub groups: bool,
}

/// The communes file: header `id,name,c1..cN`, then `a1..aN,model` with `tiers`, `attributes`
/// when any commune has one, `villages,villages_standard` with `villages` (a missing count is
/// written 0), `group` with `groups`. No district column: write it only for a hierarchy with
/// districts.
pub fn communes_csv(
    communes: &[Commune],
    criteria: &[u8],
    columns: CommuneColumns,
) -> Result<Vec<u8>> {
    let mut header: Vec<String> = vec!["id".into(), "name".into()];
    header.extend(criteria.iter().map(|id| format!("c{id}")));
    if columns.tiers {
        header.extend(criteria.iter().map(|id| format!("a{id}")));
        header.push("model".into());
    }
    let attributes = communes.iter().any(|c| !c.attributes.is_empty());
    if attributes {
        header.push("attributes".into());
    }
    if columns.villages {
        header.push("villages".into());
        header.push("villages_standard".into());
    }
    if columns.groups {
        header.push("group".into());
    }
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let fail = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(&header).map_err(fail)?;
    for c in communes {
        let mut record = vec![c.id.clone(), c.name.clone()];
        record.extend(criteria.iter().map(|id| flag(c.met.contains(*id))));
        if columns.tiers {
            record.extend(criteria.iter().map(|id| flag(c.advanced_met.contains(*id))));
            record.push(flag(c.model_conditions));
        }
        if attributes {
            let tags: Vec<&str> = c.attributes.iter().map(String::as_str).collect();
            record.push(tags.join(";"));
        }
        if columns.villages {
            record.push(c.villages.unwrap_or(0).to_string());
            record.push(c.villages_standard.unwrap_or(0).to_string());
        }
        if columns.groups {
            record.push(c.group.map_or(String::new(), |g| g.number().to_string()));
        }
        writer.write_record(&record).map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))
}
