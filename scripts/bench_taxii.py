#!/usr/bin/env python3
"""TAXII 2.1 HTTP benchmark client, used by scripts/bench-taxii.sh for mamori and medallion.

Standard library only. For each cumulative size it POSTs the missing objects as envelopes of
`--batch` indicators (timing only the requests, not the data generation), then times the
first page of GET objects (limit=100). Prints one table row per size:
    server  objects  ingest_obj_per_s  first_page_ms
A first page slower than --get-timeout is reported as ">N s" and stops the larger sizes.
"""

import argparse
import base64
import http.client
import json
import sys
import time
import urllib.parse
import uuid

MEDIA = "application/taxii+json;version=2.1"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


def indicator(i, now):
    """The same synthetic indicator as `mamori bench taxii` (one IPv4 per object)."""
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--%s" % uuid.UUID(int=(0x6D616D6F72 << 64) | i, version=4),
        "created": now,
        "modified": now,
        "name": "bench %d" % i,
        "pattern_type": "stix",
        "valid_from": now,
        "pattern": "[ipv4-addr:value = '10.%d.%d.%d']" % ((i >> 16) & 255, (i >> 8) & 255, i & 255),
        "object_marking_refs": [TLP_GREEN],
    }


class Client:
    def __init__(self, url, user, password, timeout):
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = u.hostname, u.port, u.path
        self.timeout = timeout
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        self.headers = {"Authorization": "Basic " + token, "Accept": MEDIA}
        self.conn = None

    def request(self, method, path, body=None):
        """Returns (status, seconds, body bytes) over one kept-alive connection."""
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = MEDIA
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.connect()
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                took = time.perf_counter() - start
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status, took, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--url", required=True, help="collection URL ending in /")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--get-runs", type=int, default=5)
    p.add_argument("--get-timeout", type=float, default=60.0)
    a = p.parse_args()
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    c = Client(a.url, a.user, a.password, a.get_timeout)
    objects = c.path + "objects/"
    have = 0
    for size in [int(s) for s in a.sizes.split(",") if s]:
        spent = 0.0
        added = size - have
        while have < size:
            n = min(a.batch, size - have)
            body = json.dumps({"objects": [indicator(i, now) for i in range(have, have + n)]}).encode()
            status, took, data = c.request("POST", objects, body)
            if status != 202:
                sys.exit("%s: POST failed with %d: %s" % (a.server, status, data[:300]))
            reply = json.loads(data)
            if reply.get("failure_count", 0):
                sys.exit("%s: POST reported failures: %s" % (a.server, json.dumps(reply.get("failures", [])[:3])))
            spent += took
            have += n
        times = []
        slow = False
        for _ in range(max(1, a.get_runs)):
            try:
                status, took, data = c.request("GET", objects + "?limit=100")
            except (TimeoutError, OSError):
                slow = True
                break
            if status != 200:
                sys.exit("%s: GET failed with %d: %s" % (a.server, status, data[:300]))
            if len(json.loads(data).get("objects", [])) != 100:
                sys.exit("%s: first page does not hold 100 objects" % a.server)
            times.append(took)
            if took > a.get_timeout / 4:
                break  # one slow sample is enough; do not spend minutes on the median
        rate = added / spent if spent > 0 else float("inf")
        if slow:
            page = ">%.0f s (timeout)" % a.get_timeout
        else:
            times.sort()
            page = "%.2f" % (times[len(times) // 2] * 1000.0)
        print("%-10s %10d %16.0f %18s" % (a.server, size, rate, page), flush=True)
        if slow:
            print("%-10s %10s %16s %18s" % (a.server, "larger", "skipped", "(first page timed out)"), flush=True)
            return


if __name__ == "__main__":
    main()
