//! The import/export entry points: format detection from bytes and file name, and dispatch.

use serde::{Deserialize, Serialize};

use crate::builtin::{CPSF_1_0, JC_STAR_1, builtin_frameworks};
use crate::ciso;
use crate::crosswalk::Crosswalk;
use crate::csv_template;
use crate::error::{ErrorKind, ExportError, ImportError, Location, as_text, check_size, parse_json};
use crate::model::Framework;
use crate::oscal;
use crate::xlsx_template;

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Detect from the content and the file name.
    Auto,
    /// mamori's own JSON (a serialized [`Framework`], or a list of them).
    MamoriJson,
    /// OSCAL JSON: catalog, profile (needs a catalog to resolve against) or mapping-collection.
    OscalJson,
    /// OSCAL XML catalog or profile.
    OscalXml,
    /// CISO Assistant library YAML.
    CisoAssistant,
    /// The generic mamori CSV template.
    Csv,
    /// The generic mamori template as an XLSX workbook.
    Xlsx,
    /// CPSF official list CSV (fills the built-in CPSF skeleton).
    CpsfCsv,
    /// JC-STAR ★1 list CSV (fills the built-in JC-STAR skeleton).
    JcStarCsv,
}

/// The result of an import. Nothing is produced unless the whole file is valid.
#[derive(Debug, Default)]
pub struct Imported {
    /// Frameworks found.
    pub frameworks: Vec<Framework>,
    /// Crosswalks found.
    pub mappings: Vec<Crosswalk>,
    /// The format that was used.
    pub format: Option<Format>,
    /// For crosswalks whose links name requirements by identifiers that must resolve (CISO
    /// Assistant URNs): where each link's source and target were written, parallel to `mappings`.
    /// Crosswalks without entries are not checked by [`Imported::resolve_links`].
    pub link_locations: Vec<Vec<(Location, Location)>>,
}

impl Imported {
    /// Rewrites link ends that name a node by its source identifier (a URN) to the node's
    /// `ref_id`, looking in `known` (this file's frameworks and those already stored). A URN
    /// whose last segment equals a `ref_id` apart from case also resolves (CISO Assistant's
    /// own libraries build node URNs that way). A checked link whose framework is known but
    /// whose node is not is an error located where the link was written.
    pub fn resolve_links(&mut self, known: &[Framework]) -> Result<(), ImportError> {
        for (i, xw) in self.mappings.iter_mut().enumerate() {
            xw.resolve_source_ids(known);
            let Some(locations) = self.link_locations.get(i).filter(|l| !l.is_empty()) else { continue };
            for (link, (src_at, tgt_at)) in xw.links.iter_mut().zip(locations) {
                let ends = [
                    (&mut link.source, src_at, "source_requirement_urn"),
                    (&mut link.target, tgt_at, "target_requirement_urn"),
                ];
                for (end, at, field) in ends {
                    let Some(fw) = known.iter().find(|f| f.id == end.framework) else { continue };
                    if fw.node(&end.ref_id).is_some() {
                        continue;
                    }
                    let last = end.ref_id.rsplit(':').next().unwrap_or_default();
                    match fw.nodes.iter().find(|n| n.ref_id.eq_ignore_ascii_case(last)) {
                        Some(n) if end.ref_id.starts_with("urn:") => end.ref_id = n.ref_id.clone(),
                        _ => {
                            return Err(ImportError::new(
                                at.clone(),
                                ErrorKind::BadValue {
                                    field: field.into(),
                                    reason: format!("framework {} has no requirement with urn {:?}", fw.id, end.ref_id),
                                },
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Options for [`import_with`].
#[derive(Debug, Default, Clone)]
pub struct ImportOptions<'a> {
    /// Use this framework id instead of the one derived from the file.
    pub framework_id: Option<&'a str>,
    /// Catalog to resolve an OSCAL profile against.
    pub catalog: Option<&'a Framework>,
}

/// Guesses the format from the first bytes and the file name.
pub fn detect(bytes: &[u8], filename: &str) -> Option<Format> {
    let name = filename.to_ascii_lowercase();
    if xlsx_template::looks_like_xlsx(bytes) {
        return Some(Format::Xlsx);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_string();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') {
        return Some(Format::OscalXml);
    }
    if head.starts_with('{') || head.starts_with('[') {
        let oscal = ["\"catalog\"", "\"profile\"", "\"mapping-collection\""];
        let first_key = head.trim_start_matches(['{', '[']).trim_start();
        if oscal.iter().any(|k| first_key.starts_with(k)) || head.contains("\"oscal-version\"") {
            return Some(Format::OscalJson);
        }
        return Some(Format::MamoriJson);
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") || head.starts_with("urn:") || head.contains("\nobjects:") {
        return Some(Format::CisoAssistant);
    }
    if name.ends_with(".csv") || head.starts_with('#') || head.starts_with("ref_id") || head.starts_with("id,") {
        if head.starts_with("id,") && head.contains("CPS.") {
            return Some(Format::CpsfCsv);
        }
        if head.starts_with("id,") && head.contains("S1.1-") {
            return Some(Format::JcStarCsv);
        }
        return Some(Format::Csv);
    }
    None
}

/// Imports a file. See [`import_with`].
pub fn import(bytes: &[u8], filename: &str, format: Format) -> Result<Imported, ImportError> {
    import_with(bytes, filename, format, &ImportOptions::default())
}

fn skeleton(id: &str) -> Result<Framework, ImportError> {
    builtin_frameworks()
        .map_err(|e| ImportError::new(Location::None, ErrorKind::Unsupported(e.to_string())))?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ImportError::new(Location::None, ErrorKind::Unsupported(format!("built-in {id} missing"))))
}

/// Imports frameworks and/or crosswalks from `bytes`. Errors name the file and the line or JSON pointer.
pub fn import_with(
    bytes: &[u8],
    filename: &str,
    format: Format,
    opts: &ImportOptions<'_>,
) -> Result<Imported, ImportError> {
    let run = || -> Result<Imported, ImportError> {
        let format = match format {
            Format::Auto => {
                detect(bytes, filename).ok_or_else(|| ImportError::new(Location::None, ErrorKind::UnknownFormat))?
            }
            f => f,
        };
        let mut out = Imported { format: Some(format), ..Default::default() };
        if format == Format::Xlsx {
            check_size(bytes)?;
            out.frameworks.push(xlsx_template::import_xlsx(bytes)?);
            return Ok(out);
        }
        let text = as_text(bytes)?;
        match format {
            Format::Auto | Format::Xlsx => return Err(ImportError::new(Location::None, ErrorKind::UnknownFormat)),
            Format::MamoriJson => {
                let v = parse_json(text)?;
                let list = if v.is_array() { v } else { serde_json::Value::Array(vec![v]) };
                let frameworks: Vec<Framework> =
                    serde_json::from_value(list).map_err(|e| ImportError::at("", ErrorKind::Syntax(e.to_string())))?;
                for (i, f) in frameworks.iter().enumerate() {
                    f.validate().map_err(|e| ImportError::at(&format!("/{i}"), ErrorKind::Invalid(e)))?;
                }
                out.frameworks = frameworks;
            }
            Format::OscalJson => oscal_value(&parse_json(text)?, opts, &mut out)?,
            Format::OscalXml => {
                let (v, lines) = oscal::xml_to_value(text)?;
                oscal_value(&v, opts, &mut out).map_err(|e| oscal::relocate(e, &lines))?;
            }
            Format::CisoAssistant => {
                let lib = ciso::import_ciso(text)?;
                out.frameworks.extend(lib.framework);
                out.mappings = lib.crosswalks;
                out.link_locations = lib.link_locations;
            }
            Format::Csv => out.frameworks.push(csv_template::import_csv(text)?),
            Format::CpsfCsv => {
                out.frameworks.push(csv_template::import_cpsf_csv(text, &skeleton(CPSF_1_0)?, filename)?)
            }
            Format::JcStarCsv => {
                out.frameworks.push(csv_template::import_jcstar_csv(text, &skeleton(JC_STAR_1)?, filename)?)
            }
        }
        if let Some(id) = opts.framework_id {
            for f in &mut out.frameworks {
                f.id = id.to_owned();
            }
        }
        Ok(out)
    };
    run().map_err(|e| e.in_file(filename))
}

fn oscal_value(v: &serde_json::Value, opts: &ImportOptions<'_>, out: &mut Imported) -> Result<(), ImportError> {
    if v.get("catalog").is_some() {
        out.frameworks.push(oscal::catalog_from_value(v, opts.framework_id)?);
    } else if v.get("profile").is_some() {
        let sel = oscal::profile_from_value(v)?;
        let catalog = opts.catalog.ok_or_else(|| {
            ImportError::at(
                "/profile/imports",
                ErrorKind::Unsupported("a profile needs a catalog to resolve against".into()),
            )
        })?;
        out.frameworks.push(oscal::resolve_profile(&sel, catalog, opts.framework_id)?);
    } else if v.get("mapping-collection").is_some() {
        out.mappings = oscal::mapping_from_value(v)?;
    } else {
        let root = v.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
        return Err(ImportError::at(
            "",
            ErrorKind::Unsupported(format!("OSCAL model {root:?}; expected catalog, profile or mapping-collection")),
        ));
    }
    Ok(())
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// mamori JSON.
    MamoriJson,
    /// OSCAL catalog JSON.
    OscalJson,
    /// OSCAL catalog XML.
    OscalXml,
    /// CISO Assistant framework library YAML.
    CisoAssistant,
    /// Generic CSV template.
    Csv,
    /// Generic template as an XLSX workbook.
    Xlsx,
}

/// Exports a crosswalk: OSCAL mapping JSON, CISO Assistant mapping library YAML (which names
/// nodes through `frameworks`), or mamori JSON. `last_modified` as for [`export`].
pub fn export_crosswalk(
    xw: &Crosswalk,
    frameworks: &[Framework],
    format: ExportFormat,
    last_modified: &str,
) -> Result<Vec<u8>, ExportError> {
    match format {
        ExportFormat::OscalJson => {
            let v = oscal::mapping_to_value(std::slice::from_ref(xw), &xw.name, last_modified)?;
            serde_json::to_vec_pretty(&v).map_err(|e| ExportError::Serialize(e.to_string()))
        }
        ExportFormat::CisoAssistant => ciso::export_ciso_mappings(
            std::slice::from_ref(xw),
            &format!("urn:mamori:risk:library:{}", xw.id),
            frameworks,
        ),
        ExportFormat::MamoriJson => serde_json::to_vec_pretty(xw).map_err(|e| ExportError::Serialize(e.to_string())),
        ExportFormat::OscalXml | ExportFormat::Csv | ExportFormat::Xlsx => Err(ExportError::Unsupported {
            format: match format {
                ExportFormat::Csv => "csv",
                ExportFormat::Xlsx => "xlsx",
                _ => "oscal-xml",
            },
            reason: "crosswalks export as oscal, ciso-assistant or json".into(),
        }),
    }
}

/// Exports a framework. `last_modified` (RFC 3339) is written into OSCAL metadata and as the XLSX
/// document date; the caller passes
/// the clock because this crate does not read it.
pub fn export(fw: &Framework, format: ExportFormat, last_modified: &str) -> Result<Vec<u8>, ExportError> {
    match format {
        ExportFormat::MamoriJson => serde_json::to_vec_pretty(fw).map_err(|e| ExportError::Serialize(e.to_string())),
        ExportFormat::OscalJson => {
            let v = oscal::catalog_to_value(fw, last_modified)?;
            serde_json::to_vec_pretty(&v).map_err(|e| ExportError::Serialize(e.to_string()))
        }
        ExportFormat::OscalXml => oscal::catalog_to_xml(&oscal::catalog_to_value(fw, last_modified)?),
        ExportFormat::CisoAssistant => ciso::export_ciso_framework(fw),
        ExportFormat::Csv => csv_template::export_csv(fw),
        ExportFormat::Xlsx => xlsx_template::export_xlsx(fw, last_modified),
    }
}
