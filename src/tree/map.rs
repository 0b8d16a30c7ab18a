//! The overview map of a tree: a layered drawing as inline SVG, made at build time.
//!
//! Layers are columns, left to right, from the longest path from the start
//! (so every edge points right): troubleshooting trees are much wider than
//! deep, and a tall map scrolls more naturally than a wide one. Nodes within
//! a layer are ordered by the barycentre of their
//! neighbours over a few sweeps, which removes most edge crossings for trees
//! of this size. Each node is a link to its step; questions and remedies get
//! different shapes so the difference does not rest on colour alone.

use std::fmt::Write as _;

use super::Tree;
use crate::escape::escape_attr;

const W: f64 = 176.0;
const H: f64 = 44.0;
/// Between columns (layers).
const GAP_X: f64 = 48.0;
/// Between nodes of one column.
const GAP_Y: f64 = 10.0;
const PAD: f64 = 8.0;
const CHARS_PER_LINE: usize = 24;

/// Node positions of a drawn tree.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Top-left corner of each node, by node index.
    pub pos: Vec<(f64, f64)>,
    /// Total width and height.
    pub size: (f64, f64),
    /// Pairs of edges that cross (edges drawn as straight lines).
    pub crossings: usize,
}

/// Places the nodes of `tree` in layers.
pub fn layout(tree: &Tree) -> Layout {
    layout_with(tree, true)
}

/// `layout`, with or without the neighbour swaps after the sweeps.
fn layout_with(tree: &Tree, swaps: bool) -> Layout {
    let n = tree.nodes.len();
    // Longest-path layering over a topological order (the graph is acyclic).
    let order = topological(tree);
    let mut layer = vec![0usize; n];
    for &u in &order {
        for a in tree.nodes[u].answers() {
            layer[a.next] = layer[a.next].max(layer[u] + 1);
        }
    }
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for &u in &tree.bfs_order() {
        rows[layer[u]].push(u);
    }
    let incoming = tree.incoming();
    let mut index = vec![0.0f64; n];
    let set_index = |rows: &Vec<Vec<usize>>, index: &mut Vec<f64>| {
        for row in rows {
            for (i, &u) in row.iter().enumerate() {
                index[u] = i as f64;
            }
        }
    };
    set_index(&rows, &mut index);
    for sweep in 0..6 {
        let down = sweep % 2 == 0;
        let range: Vec<usize> = if down {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for r in range {
            let mut keyed: Vec<(f64, f64, usize)> = rows[r]
                .iter()
                .map(|&u| {
                    let neighbours: Vec<f64> = if down {
                        incoming[u].iter().map(|&(q, _)| index[q]).collect()
                    } else {
                        tree.nodes[u]
                            .answers()
                            .iter()
                            .map(|a| index[a.next])
                            .collect()
                    };
                    let bary = if neighbours.is_empty() {
                        index[u]
                    } else {
                        neighbours.iter().sum::<f64>() / neighbours.len() as f64
                    };
                    (bary, index[u], u)
                })
                .collect();
            keyed.sort_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(&b.2))
            });
            rows[r] = keyed.into_iter().map(|k| k.2).collect();
            set_index(&rows, &mut index);
        }
    }
    // Then swap neighbours in a column while that removes crossings (the
    // barycentre sweeps leave some, mostly around edges that skip columns).
    let edges: Vec<(usize, usize)> = tree
        .nodes
        .iter()
        .enumerate()
        .flat_map(|(u, node)| node.answers().iter().map(move |a| (u, a.next)))
        .collect();
    let mut best = crossings(&rows, &layer, &edges);
    for _ in 0..if swaps { 8 } else { 0 } {
        let mut improved = false;
        for r in 0..depth {
            for i in 0..rows[r].len().saturating_sub(1) {
                rows[r].swap(i, i + 1);
                let c = crossings(&rows, &layer, &edges);
                if c < best {
                    best = c;
                    improved = true;
                } else {
                    rows[r].swap(i, i + 1);
                }
            }
        }
        if !improved {
            break;
        }
    }
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let total_h = PAD * 2.0 + tallest * H + (tallest - 1.0).max(0.0) * GAP_Y;
    let mut pos = vec![(0.0, 0.0); n];
    for (r, row) in rows.iter().enumerate() {
        let col_h = row.len() as f64 * H + (row.len() as f64 - 1.0).max(0.0) * GAP_Y;
        let y0 = (total_h - col_h) / 2.0;
        for (i, &u) in row.iter().enumerate() {
            pos[u] = (PAD + r as f64 * (W + GAP_X), y0 + i as f64 * (H + GAP_Y));
        }
    }
    let total_w = PAD * 2.0 + depth as f64 * W + (depth as f64 - 1.0) * GAP_X;
    Layout {
        pos,
        size: (total_w, total_h),
        crossings: best,
    }
}

/// Vertical centre of each node when the columns are stacked and centred
/// (in node slots, as `layout` places them).
fn centres(rows: &[Vec<usize>], n: usize) -> Vec<f64> {
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let mut y = vec![0.0; n];
    for row in rows {
        let offset = (tallest - row.len() as f64) / 2.0;
        for (i, &u) in row.iter().enumerate() {
            y[u] = offset + i as f64;
        }
    }
    y
}

/// How many pairs of edges cross, drawing each edge as a straight line from
/// its source column to its target column (edges that skip columns pass
/// the columns in between at the interpolated height).
fn crossings(rows: &[Vec<usize>], layer: &[usize], edges: &[(usize, usize)]) -> usize {
    let y = centres(rows, layer.len());
    let at = |(a, b): (usize, usize), x: f64| {
        let (xa, xb) = (layer[a] as f64, layer[b] as f64);
        y[a] + (y[b] - y[a]) * (x - xa) / (xb - xa)
    };
    let mut count = 0;
    for (i, &e) in edges.iter().enumerate() {
        for &f in &edges[i + 1..] {
            let lo = layer[e.0].max(layer[f.0]);
            let hi = layer[e.1].min(layer[f.1]);
            if lo >= hi || e.0 == f.0 || e.1 == f.1 {
                continue;
            }
            let d0 = at(e, lo as f64) - at(f, lo as f64);
            let d1 = at(e, hi as f64) - at(f, hi as f64);
            if d0 * d1 < 0.0 {
                count += 1;
            }
        }
    }
    count
}

fn topological(tree: &Tree) -> Vec<usize> {
    let n = tree.nodes.len();
    let mut indeg = vec![0usize; n];
    for node in &tree.nodes {
        for a in node.answers() {
            indeg[a.next] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).rev().collect();
    let mut out = Vec::with_capacity(n);
    while let Some(u) = ready.pop() {
        out.push(u);
        for a in tree.nodes[u].answers().iter().rev() {
            indeg[a.next] -= 1;
            if indeg[a.next] == 0 {
                ready.push(a.next);
            }
        }
    }
    out
}

/// The map as an inline `<svg>` element; each node links to its step (`#id`).
pub fn svg(tree: &Tree) -> String {
    let l = layout(tree);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg class=\"tree-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"group\" aria-label=\"Map of all questions and remedies\">",
        w = l.size.0,
        h = l.size.1
    );
    s.push_str("<defs><marker id=\"tree-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"map-arrow\"/></marker></defs>\n");
    for (u, node) in tree.nodes.iter().enumerate() {
        for a in node.answers() {
            let (x1, y1) = (l.pos[u].0 + W, l.pos[u].1 + H / 2.0);
            let (x2, y2) = (l.pos[a.next].0, l.pos[a.next].1 + H / 2.0);
            let mx = (x1 + x2) / 2.0;
            let _ = writeln!(
                s,
                "<path class=\"map-edge\" data-from=\"{}\" data-to=\"{}\" d=\"M {x1:.1} {y1:.1} C {mx:.1} {y1:.1}, {mx:.1} {y2:.1}, {:.1} {y2:.1}\" marker-end=\"url(#tree-arrow)\"><title>{}</title></path>",
                escape_attr(&node.id),
                escape_attr(&tree.nodes[a.next].id),
                x2 - 1.0,
                escape_attr(&a.label)
            );
        }
    }
    for (u, node) in tree.nodes.iter().enumerate() {
        let (x, y) = l.pos[u];
        let kind = if node.is_remedy() {
            "remedy"
        } else {
            "question"
        };
        let label = node
            .short
            .clone()
            .unwrap_or_else(|| node.heading().to_string());
        let lines = wrap(&label, CHARS_PER_LINE, 2);
        let _ = write!(
            s,
            "<a href=\"#{id}\" class=\"map-node map-{kind}\" data-node=\"{id}\"><title>{full}</title>",
            id = escape_attr(&node.id),
            full = escape_attr(node.heading())
        );
        let rx = if node.is_remedy() { 4.0 } else { H / 2.0 };
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W:.0}\" height=\"{H:.0}\" rx=\"{rx:.0}\"/>"
        );
        let line_h = 14.0;
        let first_y = y + H / 2.0 - (lines.len() as f64 - 1.0) * line_h / 2.0 + 4.0;
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + W / 2.0,
                first_y + i as f64 * line_h,
                escape_attr(line)
            );
        }
        s.push_str("</a>\n");
    }
    s.push_str("</svg>");
    s
}

/// Greedy word wrap into at most `max_lines` lines, with an ellipsis when cut.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", keep.trim_end());
    }
    for line in &mut lines {
        if line.chars().count() > width {
            let keep: String = line.chars().take(width - 1).collect();
            *line = format!("{keep}…");
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Source;

    fn bundled() -> Tree {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/content/troubleshoot/402.toml");
        let text = std::fs::read_to_string(path).unwrap();
        super::super::parse(&Source::new(path, text.as_str())).unwrap()
    }

    #[test]
    fn swaps_remove_crossings_of_the_bundled_tree() {
        let tree = bundled();
        let swept = layout_with(&tree, false).crossings;
        let swapped = layout(&tree).crossings;
        eprintln!("crossings: {swept} after the sweeps, {swapped} after the swaps");
        assert!(
            swapped < swept,
            "{swapped} crossings, {swept} before the swaps"
        );
    }

    #[test]
    fn every_label_of_the_bundled_tree_is_whole() {
        let tree = bundled();
        for node in &tree.nodes {
            let label = node
                .short
                .clone()
                .unwrap_or_else(|| node.heading().to_string());
            let lines = wrap(&label, CHARS_PER_LINE, 2);
            assert_eq!(
                lines.join(" "),
                label,
                "the map cuts the label of {}",
                node.id
            );
        }
    }
}
