"""Federation against a TAXII server that is not mamori: medallion 3.0.0, the OASIS reference
server, as a pull and a push peer of a fresh `mamori serve --demo`.

medallion is loaded with GREEN indicators through taxii2-client; mamori (as sakura-motors'
owner, through the REST API) adds a peer for medallion's collection in both directions with a
GREEN ceiling, syncs it, and must end with every medallion object pulled (medallion pages by
at most 100, so paging with `next` is exercised), its own CLEAR/GREEN objects pushed and
nothing above GREEN pushed. A second sync pulls nothing new and pushes nothing twice.

Usage: federation.py MAMORI_BASE PASSWORD MEDALLION_COLLECTION_URL MEDALLION_USER MEDALLION_PASSWORD
"""
import json
import sys

import requests
import stix2
from taxii2client.v21 import Collection, Server, as_pages

BASE, PASSWORD, PEER_URL, PEER_USER, PEER_PASSWORD = sys.argv[1:6]
USER = "owner@sakura-motors.example"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise SystemExit(f"FAIL (federation): {what}")


def ids_of(collection):
    out = []
    for page in as_pages(collection.get_objects, per_request=100):
        out.extend(o["id"] for o in page.get("objects", []))
    return out


# medallion: 230 GREEN indicators, so a pull needs three pages of at most 100.
peer = Collection(PEER_URL, user=PEER_USER, password=PEER_PASSWORD)
remote = [
    stix2.Indicator(name=f"medallion {i}", pattern=f"[ipv4-addr:value = '10.200.{i // 200}.{i % 200}']",
                    pattern_type="stix", valid_from="2025-01-01T00:00:00Z", object_marking_refs=[TLP_GREEN])
    for i in range(230)
]
for start in range(0, len(remote), 100):
    chunk = [json.loads(o.serialize()) for o in remote[start:start + 100]]
    status = peer.add_objects(json.dumps({"objects": chunk}), wait_for_completion=True)
    check(status.success_count == len(chunk), f"medallion stored the batch: {status.success_count}")

# mamori: one GREEN and one AMBER object of sakura's own, then the peer.
server = Server(f"{BASE}/taxii2/", user=USER, password=PASSWORD)
root = next(r for r in server.api_roots if r.url.rstrip("/").endswith("auto-isac"))
local = next(c for c in root.collections if c.alias == "shared")
green = stix2.Indicator(name="sakura green", pattern="[domain-name:value = 'green.sakura.example']",
                        pattern_type="stix", valid_from="2025-01-01T00:00:00Z", object_marking_refs=[TLP_GREEN])
amber = stix2.Indicator(name="sakura amber", pattern="[domain-name:value = 'amber.sakura.example']",
                        pattern_type="stix", valid_from="2025-01-01T00:00:00Z", object_marking_refs=[TLP_AMBER])
sent = local.add_objects(json.dumps({"objects": [json.loads(green.serialize()), json.loads(amber.serialize())]}),
                         wait_for_completion=True)
check(sent.success_count == 2, "sakura's objects are stored")

api = requests.Session()
token = api.post(f"{BASE}/api/v1/auth/token", json={"email": USER, "password": PASSWORD}).json()["token"]
api.headers["Authorization"] = f"Bearer {token}"
created = api.post(f"{BASE}/api/v1/intel/peers", json={
    "name": "medallion 3.0.0", "collection_url": PEER_URL, "auth": "basic", "username": PEER_USER,
    "secret": PEER_PASSWORD, "direction": "both", "local_collection": local.id, "max_tlp": "green"})
check(created.status_code == 201, f"peer created: {created.status_code} {created.text}")
peer_id = created.json()["id"]

run = api.post(f"{BASE}/api/v1/intel/peers/{peer_id}/sync").json()
check(run.get("error") is None, f"first sync succeeds: {run}")
check(run["pulled"] == len(remote) and run["pages"] >= 3, f"every medallion object pulled, page by page: {run}")
check(run["pushed"] >= 1, f"something pushed: {run}")

# Pulled objects are readable in mamori with their markings; medallion holds what we pushed.
here = set(ids_of(local))
check({o.id for o in remote} <= here, "mamori holds every pulled object")
pulled = local.get_object(remote[0].id)["objects"][0]
check(pulled["object_marking_refs"] == [TLP_GREEN], "markings are kept")
there = set(ids_of(peer))
check(green.id in there, "sakura's GREEN object reached medallion")
check(amber.id not in there, "nothing above the GREEN ceiling left mamori")
# Exactly sakura's CLEAR and GREEN objects went (unmarked ones count as AMBER here).
OPEN = {TLP_GREEN, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}
expected = set()
for page in as_pages(local.get_objects, per_request=100, version="all"):
    for o in page.get("objects", []):
        refs = set(o.get("object_marking_refs", [])) | {g["marking_ref"] for g in o.get("granular_markings", [])}
        if refs and refs <= OPEN and o["id"] not in {r.id for r in remote}:
            expected.add(o["id"])
pushed_there = there - {o.id for o in remote}
check(pushed_there == expected, f"medallion holds exactly sakura's CLEAR/GREEN objects: {sorted(pushed_there ^ expected)[:5]}")

# Nothing new on either side: nothing pulled, nothing pushed again, nothing echoed back.
again = api.post(f"{BASE}/api/v1/intel/peers/{peer_id}/sync").json()
check(again.get("error") is None and again["pulled"] == 0 and again["pushed"] == 0, f"second sync is quiet: {again}")
check(set(ids_of(peer)) == there, "no object was pushed twice or echoed back")
state = api.get(f"{BASE}/api/v1/intel/peers/{peer_id}").json()
check(state.get("state", {}).get("failures", 0) == 0, f"the peer is healthy: {state}")
print(f"federation with medallion 3.0.0 OK: {checks} checks, {len(remote)} pulled, {run['pushed']} pushed")
