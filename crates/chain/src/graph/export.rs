//! CSV and GraphML export of a supply graph with optional labels and postures.

use super::{Posture, SupplyGraph};
use std::fmt::Write as _;

fn csv_field(out: &mut String, s: &str) {
    // RFC 4180: quote fields containing separators, quotes or line breaks.
    // A leading formula character is prefixed with an apostrophe so that a
    // spreadsheet opening the export does not execute it (CSV injection).
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn label<L: AsRef<str>>(labels: &[L], v: u32) -> &str {
    labels.get(v as usize).map_or("", AsRef::as_ref)
}

fn posture_text(postures: &[Posture], v: u32) -> String {
    match postures.get(v as usize).and_then(|p| p.value()) {
        Some(s) => s.to_string(),
        None => "unknown".to_owned(),
    }
}

/// Exports `(nodes_csv, edges_csv)`.
///
/// Nodes: `id,label,posture` (posture is 0–100 or `unknown`).
/// Edges: `buyer,supplier,criticality`. CRLF line endings per RFC 4180.
pub fn export_csv<L: AsRef<str>>(graph: &SupplyGraph, labels: &[L], postures: &[Posture]) -> (String, String) {
    let mut nodes = String::from("id,label,posture\r\n");
    for v in 0..graph.node_count() as u32 {
        let _ = write!(nodes, "{v},");
        csv_field(&mut nodes, label(labels, v));
        let _ = write!(nodes, ",{}\r\n", posture_text(postures, v));
    }
    let mut edges = String::from("buyer,supplier,criticality\r\n");
    for (b, s, c) in graph.edges() {
        let _ = write!(edges, "{b},{s},{}\r\n", c.as_str());
    }
    (nodes, edges)
}

fn xml_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Tab, LF and CR are allowed but would be normalised by parsers.
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            // Other C0 controls and U+FFFE/U+FFFF are not allowed in XML 1.0
            // even as character references; replace them.
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Exports GraphML (directed, buyer → supplier) with node keys `label` and
/// `posture` and edge key `criticality`.
pub fn export_graphml<L: AsRef<str>>(graph: &SupplyGraph, labels: &[L], postures: &[Posture]) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" ",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns ",
        "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
        "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n",
        "  <key id=\"posture\" for=\"node\" attr.name=\"posture\" attr.type=\"string\"/>\n",
        "  <key id=\"criticality\" for=\"edge\" attr.name=\"criticality\" attr.type=\"string\"/>\n",
        "  <graph id=\"supply\" edgedefault=\"directed\">\n",
    ));
    for v in 0..graph.node_count() as u32 {
        let _ = write!(out, "    <node id=\"n{v}\"><data key=\"label\">");
        xml_escape(&mut out, label(labels, v));
        let _ = writeln!(out, "</data><data key=\"posture\">{}</data></node>", posture_text(postures, v));
    }
    for (i, (b, s, c)) in graph.edges().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"n{b}\" target=\"n{s}\"><data key=\"criticality\">{}</data></edge>",
            c.as_str()
        );
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
