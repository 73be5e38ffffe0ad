//! Whether the sources can pay (nguồn vốn có đủ chi trả không): the one home of the money
//! checks outside the planning model.
//!
//! - [`max_funding`]: how much of the needs per category the sources can pay over a period,
//!   each source up to its budget and only for the categories it funds (the synthesizer's
//!   calibration);
//! - [`pay`]: a commune paying one project from its pots (the rules simulator); it pays exactly
//!   when [`max_funding`] says the eligible pots can, and splits the cost most restricted pot
//!   first.
//!
//! The planner's own check is a linear program over years with counterpart rules
//! (`plan::funding`), since a counterpart ratio is not a flow; for one year without counterpart
//! rules it agrees with [`max_funding`].

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::scenario::CapitalSource;

/// Most of `needs` (per category) the sources can pay, each source up to its budget and only for
/// the categories it funds: a max flow (Edmonds-Karp) over categories → sources, exact decimals.
pub fn max_funding(needs: &[Decimal], sources: &[(Decimal, Vec<bool>)]) -> Decimal {
    let (n_cat, n_src) = (needs.len(), sources.len());
    let nodes = n_cat + n_src + 2;
    let (start, sink) = (0, nodes - 1);
    let mut capacity = vec![vec![Decimal::ZERO; nodes]; nodes];
    for (c, need) in needs.iter().enumerate() {
        capacity[start][1 + c] = *need;
        for (s, (_, funds)) in sources.iter().enumerate() {
            if funds.get(c).copied().unwrap_or(false) {
                capacity[1 + c][1 + n_cat + s] = *need;
            }
        }
    }
    for (s, (budget, _)) in sources.iter().enumerate() {
        capacity[1 + n_cat + s][sink] = *budget;
    }
    let mut flow = Decimal::ZERO;
    loop {
        let mut parent = vec![usize::MAX; nodes];
        parent[start] = start;
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(u) = queue.pop_front() {
            for v in 0..nodes {
                if parent[v] == usize::MAX && capacity[u][v] > Decimal::ZERO {
                    parent[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if parent[sink] == usize::MAX {
            return flow;
        }
        let mut bottleneck = Decimal::MAX;
        let mut v = sink;
        while v != start {
            bottleneck = bottleneck.min(capacity[parent[v]][v]);
            v = parent[v];
        }
        let mut v = sink;
        while v != start {
            let u = parent[v];
            capacity[u][v] -= bottleneck;
            capacity[v][u] += bottleneck;
            v = u;
        }
        flow += bottleneck;
    }
}

/// A commune's pot of money from one source.
#[derive(Clone)]
pub struct Pot<'a> {
    /// The source.
    pub source: &'a CapitalSource,
    /// What is left in it, million VND.
    pub left: Decimal,
}

/// Pays `cost` of a `category` project from the pots; `None` when they cannot cover it.
pub fn pay(pots: &mut [Pot], category: &str, cost: Decimal) -> Option<BTreeMap<String, Decimal>> {
    let mut order: Vec<usize> = (0..pots.len())
        .filter(|i| pots[*i].source.funds(category) && pots[*i].left > Decimal::ZERO)
        .collect();
    let eligible: Vec<(Decimal, Vec<bool>)> =
        order.iter().map(|i| (pots[*i].left, vec![true])).collect();
    if max_funding(&[cost], &eligible) < cost {
        return None;
    }
    let breadth = |p: &Pot| {
        if p.source.categories.iter().any(|c| c == "*") {
            usize::MAX
        } else {
            p.source.categories.len()
        }
    };
    order.sort_by_key(|i| (breadth(&pots[*i]), *i));
    let mut funding = BTreeMap::new();
    let mut due = cost;
    for i in order {
        let take = due.min(pots[i].left);
        if take > Decimal::ZERO {
            pots[i].left -= take;
            *funding
                .entry(pots[i].source.id.clone())
                .or_insert(Decimal::ZERO) += take;
            due -= take;
        }
    }
    Some(funding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::SourceKind;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_flow_sends_each_category_to_the_sources_that_fund_it() {
        // Needs: roads 100, schools 50. Source A (80) funds roads only, source B (60) both.
        // Roads take A's 80 and 20 of B; schools take the 40 left in B: 140 of 150.
        let needs = [dec("100"), dec("50")];
        let sources = [
            (dec("80"), vec![true, false]),
            (dec("60"), vec![true, true]),
        ];
        assert_eq!(max_funding(&needs, &sources), dec("140"));
        // With B at 70 everything is paid: roads 80 from A and 20 from B, schools 50 from B
        // (a split sending all of roads' 100 to B first would leave schools short).
        let sources = [
            (dec("80"), vec![true, false]),
            (dec("70"), vec![true, true]),
        ];
        assert_eq!(max_funding(&needs, &sources), dec("150"));
        // Nobody funds schools: only roads, up to 100.
        let sources = [(dec("500"), vec![true, false])];
        assert_eq!(max_funding(&needs, &sources), dec("100"));
        assert_eq!(
            max_funding(&[dec("0.001")], &[(dec("1"), vec![true])]),
            dec("0.001")
        );
    }

    fn source(id: &str, categories: &[&str]) -> CapitalSource {
        CapitalSource {
            id: id.to_string(),
            kind: SourceKind::Local,
            name_vi: id.to_string(),
            name_en: id.to_string(),
            budget: BTreeMap::new(),
            budget_kind: Default::default(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            eligibility: "test".to_string(),
            source: "test".to_string(),
        }
    }

    #[test]
    fn a_commune_pays_from_the_most_restricted_pot_first() {
        let roads = source("roads", &["road"]);
        let any = source("any", &["*"]);
        let mut pots = vec![
            Pot {
                source: &any,
                left: dec("100"),
            },
            Pot {
                source: &roads,
                left: dec("30"),
            },
        ];
        // A road of 50: 30 from the road pot (restricted), 20 from the open one.
        let split = pay(&mut pots, "road", dec("50")).unwrap();
        assert_eq!(split["roads"], dec("30"));
        assert_eq!(split["any"], dec("20"));
        assert_eq!((pots[0].left, pots[1].left), (dec("80"), dec("0")));
        // A school of 81 does not fit the 80 left; nothing is taken.
        assert_eq!(pay(&mut pots, "school", dec("81")), None);
        assert_eq!(pots[0].left, dec("80"));
        // A school of 80 does, from the open pot only.
        let split = pay(&mut pots, "school", dec("80")).unwrap();
        assert_eq!(split.len(), 1);
        assert_eq!(pots[0].left, dec("0"));
    }
}
