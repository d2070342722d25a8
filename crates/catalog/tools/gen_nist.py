#!/usr/bin/env python3
"""One-off extraction of NIST CSF 2.0 and its SP 800-53 r5 / ISO 27001:2022 crosswalks from the CPRT export.

Usage: python3 gen_nist.py /path/to/csf-export.json
Writes ../data/nist-csf-2.0.json, ../data/xw-csf2-sp800-53r5.json and ../data/xw-csf2-iso27001-2022.json.
The shipped JSON files are what the crate loads at runtime; this script only documents how they were made.
"""
import hashlib, json, re, sys, os, collections

SRC = sys.argv[1]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
raw = open(SRC, "rb").read()
sha = hashlib.sha256(raw).hexdigest()
doc = json.loads(raw)["response"]["elements"]
export_source = {
    "title": "NIST CPRT JSON export of CSF 2.0 (third-party copy)",
    "url": "https://github.com/kimberapittman/Municipal-Cybersecurity-Reasoning-Prototype/blob/88148636128cda1dae05796a4ba30cb53799de43/data/csf-export.json",
    "date": "2025",
    "note": f"file data/csf-export.json at commit 88148636128cda1dae05796a4ba30cb53799de43, sha256 {sha}; "
            "original download: https://csrc.nist.gov/extensions/nudp/services/json/csf/download",
}
FUNC_JA = {"GV": "統治", "ID": "識別", "PR": "防御", "DE": "検知", "RS": "対応", "RC": "復旧"}
els = [e for e in doc["elements"] if e["doc_identifier"] == "CSF_2_0_0"]
parent = {}
for r in doc["relationships"]:
    if r["relationship_identifier"] == "projection":
        parent[r["dest_element_identifier"]] = r["source_element_identifier"]
nodes = []
order = {"function": 0, "category": 1, "subcategory": 2}
by_type = collections.defaultdict(list)
for e in els:
    if e["element_type"] in order:
        by_type[e["element_type"]].append(e)
def add(e):
    rid = e["element_identifier"]
    func = rid[:2]
    kind = e["element_type"]
    n = {"ref_id": rid}
    if kind != "function":
        n["parent"] = parent[rid]
    if kind == "subcategory":
        n["kind"] = "requirement"; n["assessable"] = True
        n["title"] = {"ja": e["text"], "en": e["text"]}
    else:
        n["kind"] = "group"; n["assessable"] = False
        title = e["title"].capitalize() if kind == "function" else e["title"]
        ja = FUNC_JA[func] if kind == "function" else title
        n["title"] = {"ja": ja, "en": title}
        n["text"] = {"ja": e["text"], "en": e["text"]}
    n["tags"] = [{"type": "csf_function", "value": func}]
    n["verification"] = "verified"
    nodes.append(n)
# Parents before children, in CSF order.
funcs = [e for e in by_type["function"]]
for f in funcs:
    add(f)
    for c in [c for c in by_type["category"] if parent[c["element_identifier"]] == f["element_identifier"]]:
        add(c)
        for s in [s for s in by_type["subcategory"] if parent[s["element_identifier"]] == c["element_identifier"]]:
            add(s)
assert len(nodes) == 6 + 22 + 106, len(nodes)
fw = {
    "id": "nist-csf-2.0",
    "name": {"ja": "NIST サイバーセキュリティフレームワーク (CSF) 2.0", "en": "NIST Cybersecurity Framework (CSF) 2.0"},
    "publisher": "NIST",
    "version": "2.0",
    "published": "2024-02-26",
    "description": {"ja": "6つの機能、22のカテゴリ、106のサブカテゴリからなるサイバーセキュリティ成果の分類。",
                    "en": "Taxonomy of cybersecurity outcomes: 6 functions, 22 categories, 106 subcategories."},
    "provenance": [export_source,
                   {"title": "The NIST Cybersecurity Framework (CSF) 2.0, NIST CSWP 29", "url": "https://doi.org/10.6028/NIST.CSWP.29", "date": "2024-02-26"}],
    "licence_note": "NIST content: US Government work, not subject to copyright in the US (17 U.S.C. 105). Attribute NIST; no endorsement implied. English wording is NIST's.",
    "verification": "verified",
    "scales": [], "nodes": nodes,
    "notes": ["Japanese function names follow IPA's Japanese translation of CSF 2.0 (統治/識別/防御/検知/対応/復旧).",
              "Category and subcategory Japanese text is not provided yet: ja repeats the English (NIST) wording until IPA's translation is vendored."],
}
json.dump(fw, open(os.path.join(OUT, "nist-csf-2.0.json"), "w"), ensure_ascii=False, indent=1)

docs = {d["doc_identifier"]: d for d in doc["documents"]}
def xw(dest_doc, prov_doc, xid, name, target_fw, norm, extra_notes):
    rels = [r for r in doc["relationships"] if r["dest_doc_identifier"] == dest_doc and r["provenance_doc_identifier"] == prov_doc]
    types = collections.Counter(r["relationship_identifier"] for r in rels)
    links, skipped = [], collections.Counter()
    seen = set()
    for r in rels:
        t = norm(r["dest_element_identifier"])
        if t is None:
            skipped[r["dest_element_identifier"].split(":")[0].strip() or "(empty)"] += 1
            continue
        key = (r["source_element_identifier"], t)
        if key in seen:
            skipped["duplicate after normalisation"] += 1
            continue
        seen.add(key)
        links.append([r["source_element_identifier"], t])
    p = docs[prov_doc]
    return {
        "id": xid, "name": name, "source_framework": "nist-csf-2.0", "target_framework": target_fw,
        "authorship": "official",
        "provenance": [export_source, {"title": p["name"] + " (NIST OLIR crosswalk " + p["version"] + ")", "url": p["website"], "note": f"CPRT provenance_doc_identifier {prov_doc!r}; target document {dest_doc!r} ({docs[dest_doc]['name']}, version {docs[dest_doc]['version']})"}],
        "notes": [f"CPRT relationship types in this set: {dict(types)}. The CPRT type 'external_reference' states an informative reference without a set relation, so every link is typed 'related'.",
                  f"Links not vendored: {dict(skipped)}."] + extra_notes,
        "relation": "related", "confidence": "high",
        "links": links,
    }
def norm_53(s):
    s = s.strip()
    m = re.fullmatch(r"([A-Z]{2})-0*(\d+)(?:\(0*(\d+)\))?", s)
    if m:
        return f"{m[1]}-{m[2]}" + (f"({m[3]})" if m[3] else "")
    if re.fullmatch(r"[A-Z]{2}", s):
        return s.lower()
    return None
def norm_iso(s):
    m = re.fullmatch(r"Annex A Controls:\s*([5-8]\.\d+)\s*,?", s.strip())
    return m[1] if m else None
a = xw("SP_800_53_5_1_1", "SP-800-53-Rev-5-to-Cybersecurity-Framework-v2.0", "nist-csf-2.0--nist-sp-800-53-r5",
       "CSF 2.0 → SP 800-53 Rev. 5.1.1 (NIST)", "nist-sp-800-53-r5",
       norm_53, ["Control ids are rewritten from CPRT's zero-padded form (AC-01, CM-07(02)) to the OSCAL label form (AC-1, CM-7(2)); family-level references (e.g. CP) point to the OSCAL group id (cp).",
                 "The export also holds a draft crosswalk to SP 800-53 5.2.0 (CSFv2.0-to-SP-800-53-Rev-5-2-0); the final 5.1.1 set is vendored because the OSCAL catalogs shipped as test data are 5.1.1."])
b = xw("ISO/IEC_27001:2022_2022", "ISO/IEC-27001:2022-to-CSF-v2.0", "nist-csf-2.0--iso-iec-27001-2022",
       "CSF 2.0 → ISO/IEC 27001:2022 Annex A (NIST CPRT)", "iso-iec-27001-2022",
       norm_iso, ["Only 'Annex A Controls: n.m' references are vendored; 'Mandatory Clause' references (clauses 4–10) and 'None' / 'All applicable controls' / empty entries are left out because the mamori ISO catalog models Annex A only."])
for x, f in ((a, "xw-csf2-sp800-53r5.json"), (b, "xw-csf2-iso27001-2022.json")):
    with open(os.path.join(OUT, f), "w") as fh:
        fh.write("{\n")
        for k in [k for k in x if k != "links"]:
            fh.write(f" {json.dumps(k)}: {json.dumps(x[k], ensure_ascii=False)},\n")
        fh.write(' "links": [\n' + ",\n".join("  " + json.dumps(l) for l in x["links"]) + "\n ]\n}\n")
    print(f, len(x["links"]), x["notes"][:2])
