"""taxii2-client + stix2 + stix2-validator against a fresh `mamori serve --demo`.

Any protocol slip makes taxii2-client raise; every object we serve must parse with stix2
and validate with stix2-validator with zero errors."""
import json
import sys
import uuid

import requests
import stix2
import stix2validator
from taxii2client.common import TokenAuth
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

BASE, PASSWORD = sys.argv[1], sys.argv[2]
USER = "owner@sakura-motors.example"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TLP2_GREEN_DEF = {
    "type": "marking-definition", "spec_version": "2.1", "id": TLP_GREEN,
    "created": "2022-10-01T00:00:00.000Z", "name": "TLP:GREEN",
    "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
        "extension_type": "property-extension", "tlp_2_0": "green"}},
}
served = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise SystemExit(f"FAIL: {what}")


def collect(envelope):
    for o in envelope.get("objects", []):
        served.append(o)
    return envelope


# Discovery and API roots (Basic auth).
server = Server(f"{BASE}/taxii2/", user=USER, password=PASSWORD)
check(server.title, "discovery has a title")
roots = {r.url.rstrip("/").split("/")[-1]: r for r in server.api_roots}
check({"council", "auto-isac"} <= set(roots), f"sakura sees council and auto-isac, got {sorted(roots)}")
check("elec-isac" not in roots, "sakura does not see the electronics ISAC")
root = roots["auto-isac"]
check("application/taxii+json;version=2.1" in root.versions, "api root lists TAXII 2.1")
check(root.max_content_length > 0, "max_content_length is positive")
cols = {c.alias: c for c in root.collections}
col = cols["shared"]
check(col.can_read and col.can_write, "shared is read/write for sakura")
check(cols["alerts"].can_read and not cols["alerts"].can_write, "alerts is read-only for sakura")

# Add objects: 250 GREEN indicators from stix2, then the same envelope again (idempotent).
indicators = [
    stix2.Indicator(
        name=f"interop {i}", pattern=f"[ipv4-addr:value = '10.{i // 250}.{i % 250}.7']", pattern_type="stix",
        valid_from="2025-01-01T00:00:00Z", object_marking_refs=[TLP_GREEN])
    for i in range(250)
]
envelope = {"objects": [TLP2_GREEN_DEF] + [json.loads(i.serialize()) for i in indicators]}
status = col.add_objects(json.dumps(envelope), wait_for_completion=True)
check(status.status == "complete" and status.success_count == 251 and status.failure_count == 0,
      f"first POST succeeds: {status.success_count}/{status.failure_count}")
again = col.add_objects(json.dumps(envelope), wait_for_completion=True)
check(again.success_count == 251 and again.failure_count == 0, "duplicate POST is not a failure")
fetched = root.get_status(status.id)
check(fetched.id == status.id and fetched.total_count == 251, "status is retrievable at {root}/status/{id}/")

# Partly invalid envelope: one good, one bad object.
good = stix2.Indicator(pattern="[domain-name:value = 'interop.example']", pattern_type="stix",
                       valid_from="2025-01-01T00:00:00Z", object_marking_refs=[TLP_GREEN])
bad = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
       "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z"}
partial = col.add_objects(json.dumps({"objects": [json.loads(good.serialize()), bad]}), wait_for_completion=True)
check(partial.success_count == 1 and partial.failure_count == 1, "partly invalid envelope is partly accepted")
check(partial.failures[0]["id"] == bad["id"] and partial.failures[0].get("message"), "failure names the object")

# Pagination: every object exactly once.
seen = []
for page in as_pages(col.get_objects, per_request=40):
    collect(page)
    seen.extend(o["id"] for o in page.get("objects", []))
check(len(seen) == len(set(seen)), "pagination repeats nothing")
check({i.id for i in indicators} <= set(seen), "pagination skips nothing")
manifest_ids = []
for page in as_pages(col.get_manifest, per_request=33):
    manifest_ids.extend(r["id"] for r in page.get("objects", []))
check(set(manifest_ids) == set(seen), "manifest lists the same objects")

# Filters.
only = collect(col.get_objects(type="marking-definition"))
check(all(o["type"] == "marking-definition" for o in only["objects"]), "match[type] filters")
one = collect(col.get_object(indicators[0].id))
check([o["id"] for o in one["objects"]] == [indicators[0].id], "get_object returns that object")

# Versions.
v2 = indicators[0].new_version(name="interop 0, revised")
col.add_objects(json.dumps({"objects": [json.loads(v2.serialize())]}), wait_for_completion=True)
versions = col.object_versions(indicators[0].id)
check(len(versions["versions"]) == 2, f"two versions listed: {versions}")
last = collect(col.get_object(indicators[0].id))
check(last["objects"][0]["name"] == "interop 0, revised", "default version is the last")
first = collect(col.get_object(indicators[0].id, version="first"))
check(first["objects"][0]["name"] == "interop 0", "match[version]=first")
every = collect(col.get_object(indicators[0].id, version="all"))
check(len(every["objects"]) == 2, "match[version]=all")

# Delete.
col.delete_object(indicators[1].id)
try:
    col.get_object(indicators[1].id)
    check(False, "deleted object must be gone")
except (TAXIIServiceException, requests.HTTPError) as e:
    check("404" in str(e), f"deleted object answers 404: {e}")

# Bearer token: the REST login issues one, TAXII accepts it.
tok = requests.post(f"{BASE}/api/v1/auth/token", json={"email": USER, "password": PASSWORD}).json()["token"]
col_b = Collection(col.url, auth=TokenAuth(tok))
collect(col_b.get_objects(limit=5))
check(col_b.can_read, "bearer token works")

# Demo content of every readable collection.
for c in root.collections + roots["council"].collections:
    if c.can_read:
        for page in as_pages(c.get_objects, per_request=100):
            collect(page)

# stix2 parses everything; stix2-validator reports no errors.
for o in served:
    stix2.parse(o, allow_custom=False)
bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list({o["id"] + o.get("modified", ""): o for o in served}.values())}
results = stix2validator.validate_string(json.dumps(bundle), stix2validator.ValidationOptions(version="2.1"))
object_results = getattr(results, "object_results", None) or [results]
errors = [e for r in object_results for e in (r.errors or [])]
for e in errors[:10]:
    print("validator error:", e)
check(not errors, f"stix2-validator: {len(errors)} errors on {len(bundle['objects'])} objects")
print(f"interop OK: {checks} checks, {len(served)} objects served, parsed and validated")
