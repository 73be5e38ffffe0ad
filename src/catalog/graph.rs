//! Dependency graph (đồ thị điều kiện) over criteria and tiers, on petgraph.

use std::collections::BTreeMap;
use std::path::Path;

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::{Catalog, Dependency, TierId};
use crate::error::Diagnostic;
use crate::text;

/// A node: a criterion or a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// Criterion by id.
    Criterion(u8),
    /// Tier.
    Tier(TierId),
}

impl Node {
    /// Parses `c7`, `standard`, `advanced`, `model`.
    pub fn parse(text: &str) -> Option<Node> {
        let t = text.trim();
        if let Some(n) = t.strip_prefix('c').or_else(|| t.strip_prefix('C')) {
            return n.parse().ok().map(Node::Criterion);
        }
        TierId::ALL
            .into_iter()
            .find(|tier| tier.as_str() == t)
            .map(Node::Tier)
    }

    /// Display name: `c7` or a tier name.
    pub fn label(&self) -> String {
        match self {
            Node::Criterion(id) => format!("c{id}"),
            Node::Tier(t) => t.as_str().to_string(),
        }
    }
}

/// The catalog's dependencies as a directed acyclic graph.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    graph: DiGraph<Node, Dependency>,
    order: Vec<Node>,
}

impl DependencyGraph {
    /// Builds the graph; unknown nodes and cycles are problems located in `text`.
    pub fn build(
        catalog: &Catalog,
        text: &str,
        path: &Path,
    ) -> Result<DependencyGraph, Vec<Diagnostic>> {
        let mut graph = DiGraph::new();
        let mut index: BTreeMap<Node, NodeIndex> = BTreeMap::new();
        for c in &catalog.criteria {
            index.insert(Node::Criterion(c.id), graph.add_node(Node::Criterion(c.id)));
        }
        for t in &catalog.tiers {
            index.insert(Node::Tier(t.id), graph.add_node(Node::Tier(t.id)));
        }
        let mut problems = Vec::new();
        for dep in &catalog.dependencies {
            let ends: Vec<Option<NodeIndex>> = [&dep.from, &dep.to]
                .iter()
                .map(|name| {
                    let found = Node::parse(name).and_then(|n| index.get(&n).copied());
                    if found.is_none() {
                        problems.push(
                            Diagnostic::new(
                                path,
                                text::line_of(text, &format!("\"{name}\"")),
                                format!("dependency names unknown criterion or tier `{name}`"),
                            )
                            .hint("use c1..c19, standard, advanced or model"),
                        );
                    }
                    found
                })
                .collect();
            if let [Some(a), Some(b)] = ends[..] {
                graph.add_edge(a, b, dep.clone());
            }
        }
        let order = match toposort(&graph, None) {
            Ok(order) => order.into_iter().map(|i| graph[i]).collect(),
            Err(_) => {
                for scc in tarjan_scc(&graph) {
                    let cyclic = scc.len() > 1 || graph.contains_edge(scc[0], scc[0]);
                    if !cyclic {
                        continue;
                    }
                    let mut names: Vec<Node> = scc.iter().map(|i| graph[*i]).collect();
                    names.sort();
                    let labels: Vec<String> = names.iter().map(Node::label).collect();
                    let first = labels.first().cloned().unwrap_or_default();
                    problems.push(
                        Diagnostic::new(
                            path,
                            text::line_of(text, &format!("from = \"{first}\"")),
                            format!("dependency cycle among {}", labels.join(" → ")),
                        )
                        .hint("a criterion cannot depend on itself, directly or through others: remove one edge of the cycle"),
                    );
                }
                Vec::new()
            }
        };
        if problems.is_empty() {
            Ok(DependencyGraph { graph, order })
        } else {
            Err(problems)
        }
    }

    /// Nodes in topological order (prerequisites first).
    pub fn order(&self) -> &[Node] {
        &self.order
    }

    /// Gating prerequisites of a node.
    pub fn gates_of(&self, node: Node) -> Vec<Node> {
        self.edges()
            .filter(|(_, to, dep)| *to == node && dep.gate)
            .map(|(from, _, _)| from)
            .collect()
    }

    /// All edges as (from, to, dependency), in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = (Node, Node, &Dependency)> {
        self.graph.edge_indices().filter_map(move |e| {
            let (a, b) = self.graph.edge_endpoints(e)?;
            Some((self.graph[a], self.graph[b], &self.graph[e]))
        })
    }

    /// Graphviz DOT text; law edges solid, assumptions dashed, advice-only edges grey.
    pub fn to_dot(&self, catalog: &Catalog) -> String {
        let mut out = format!("digraph \"{}\" {{\n  rankdir=LR;\n", catalog.id);
        for node in self.graph.node_weights() {
            let label = match node {
                Node::Criterion(id) => {
                    let c = catalog.criterion(*id);
                    format!(
                        "c{id} {}\\n{}",
                        c.map(|c| c.name_en.as_str()).unwrap_or(""),
                        c.map(|c| c.name_vi.as_str()).unwrap_or("")
                    )
                }
                Node::Tier(t) => {
                    let tier = catalog.tier(*t);
                    format!(
                        "{}\\n{}",
                        tier.map(|t| t.name_en.as_str()).unwrap_or(""),
                        tier.map(|t| t.name_vi.as_str()).unwrap_or("")
                    )
                }
            };
            let shape = if matches!(node, Node::Tier(_)) {
                "box"
            } else {
                "ellipse"
            };
            out.push_str(&format!(
                "  \"{}\" [label=\"{}\", shape={shape}];\n",
                node.label(),
                label.replace('"', "'")
            ));
        }
        out.push_str(&sets_dot(catalog));
        for (from, to, dep) in self.edges() {
            let style = match dep.basis {
                super::Basis::Law => "solid",
                super::Basis::Assumption => "dashed",
            };
            let color = if dep.gate { "black" } else { "grey50" };
            out.push_str(&format!(
                "  \"{}\" -> \"{}\" [style={style}, color={color}, tooltip=\"{}\"];\n",
                from.label(),
                to.label(),
                dep.reason.replace('"', "'")
            ));
        }
        out.push_str("}\n");
        out
    }

    /// JSON value: nodes in topological order and edges with reason and basis.
    pub fn to_json(&self, catalog: &Catalog) -> serde_json::Value {
        let edges: Vec<serde_json::Value> = self
            .edges()
            .map(|(from, to, dep)| {
                serde_json::json!({
                    "from": from.label(),
                    "to": to.label(),
                    "reason": dep.reason,
                    "basis": dep.basis,
                    "gate": dep.gate,
                    "source": dep.source,
                })
            })
            .collect();
        serde_json::json!({
            "catalog": catalog.id,
            "order": self.order.iter().map(Node::label).collect::<Vec<_>>(),
            "edges": edges,
            "sets": sets_json(catalog),
            "criteria": catalog.criteria,
            "groups": catalog.groups,
            "indicators": catalog.indicators,
            "indicator_count": catalog.indicator_count,
            "province_conditions": catalog.province_conditions,
        })
    }
}

/// The criteria sets of a catalog and the tier each decides: the standard set (`c1..`), the
/// advanced set (`a1..`, its own list) and the model conditions.
fn sets_json(catalog: &Catalog) -> serde_json::Value {
    let list = |criteria: &[super::Criterion], prefix: &str| -> Vec<serde_json::Value> {
        criteria
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": format!("{prefix}{}", c.id),
                    "name_vi": c.name_vi,
                    "name_en": c.name_en,
                    "standard": c.standard,
                    "source": c.source,
                })
            })
            .collect()
    };
    let tier = |t: TierId| catalog.tier(t);
    let mut sets = vec![serde_json::json!({
        "id": "standard",
        "decides": "standard",
        "requires": serde_json::Value::Null,
        "source": tier(TierId::Standard).map(|t| t.source.clone()),
        "criteria": list(&catalog.criteria, "c"),
    })];
    if tier(TierId::Advanced).is_some() {
        sets.push(serde_json::json!({
            "id": "advanced",
            "decides": "advanced",
            "requires": tier(TierId::Advanced).and_then(|t| t.requires),
            "source": tier(TierId::Advanced).map(|t| t.source.clone()),
            "criteria": list(&catalog.advanced_criteria, "a"),
        }));
    }
    if let Some(model) = tier(TierId::Model) {
        sets.push(serde_json::json!({
            "id": "model",
            "decides": "model",
            "requires": model.requires,
            "source": model.source,
            "criteria": list(&catalog.model_conditions, "m"),
        }));
    }
    serde_json::Value::Array(sets)
}

/// DOT clusters for the criteria sets, with each advanced-set criterion pointing at the tier it
/// decides and the model conditions at the model tier.
fn sets_dot(catalog: &Catalog) -> String {
    let mut out = String::from(
        "  subgraph cluster_standard {\n    label=\"Standard set (bộ tiêu chí xã NTM)\";\n",
    );
    for c in &catalog.criteria {
        out.push_str(&format!("    \"c{}\";\n", c.id));
    }
    out.push_str("  }\n");
    if !catalog.advanced_criteria.is_empty() {
        out.push_str(
            "  subgraph cluster_advanced {\n    label=\"Advanced set (bộ tiêu chí xã NTM nâng cao)\";\n",
        );
        for c in &catalog.advanced_criteria {
            out.push_str(&format!(
                "    \"a{}\" [label=\"a{} {}\\n{}\", shape=ellipse];\n",
                c.id,
                c.id,
                c.name_en.replace('"', "'"),
                c.name_vi.replace('"', "'")
            ));
        }
        out.push_str("  }\n");
        for c in &catalog.advanced_criteria {
            let style = if c.source.starts_with("assumption") {
                "dashed"
            } else {
                "solid"
            };
            out.push_str(&format!(
                "  \"a{}\" -> \"advanced\" [style={style}, color=black];\n",
                c.id
            ));
        }
    }
    for c in &catalog.model_conditions {
        out.push_str(&format!(
            "  \"m{}\" [label=\"{}\\n{}\", shape=note];\n  \"m{}\" -> \"model\" [style=solid, color=black];\n",
            c.id,
            c.name_en.replace('"', "'"),
            c.name_vi.replace('"', "'"),
            c.id
        ));
    }
    if let Some(model) = catalog
        .tier(TierId::Model)
        .filter(|_| catalog.model_conditions.is_empty())
    {
        out.push_str(&format!(
            "  \"model-conditions\" [label=\"Model conditions\\n{}\", shape=note];\n  \"model-conditions\" -> \"model\" [style=solid, color=black];\n",
            model.source.replace('"', "'")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn shipped_graph_orders_criteria_before_tiers() {
        let c = Catalog::load("qd318-2022", Path::new(".")).unwrap();
        let g = c.graph();
        let pos = |n: Node| g.order().iter().position(|x| *x == n).unwrap();
        assert!(pos(Node::Criterion(1)) < pos(Node::Criterion(2)));
        assert!(pos(Node::Criterion(19)) < pos(Node::Tier(TierId::Standard)));
        assert!(pos(Node::Tier(TierId::Standard)) < pos(Node::Tier(TierId::Advanced)));
        assert_eq!(g.gates_of(Node::Tier(TierId::Standard)).len(), 19);
    }

    #[test]
    fn cycle_is_named() {
        let mut text = include_str!("../../catalog/qd318-2022.toml").to_string();
        text.push_str(
            "[[dependencies]]\nfrom = \"c2\"\nto = \"c1\"\nreason = \"x\"\nbasis = \"assumption\"\ngate = true\n",
        );
        let Err(Error::Invalid(problems)) = Catalog::parse(&text, Path::new("cat.toml")) else {
            panic!("cycle not detected")
        };
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("c1 → c2"),
            "{}",
            problems[0].message
        );
        assert!(problems[0].line.is_some());
    }
}
