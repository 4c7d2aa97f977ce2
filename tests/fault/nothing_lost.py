#!/usr/bin/python3
"""The closing check of every fault test: nothing acknowledged was lost, nothing was doubled.

  nothing_lost.py --dsn "host=... dbname=..." --bootstrap HOST:PORT --acked FILE
                  [--topic T] [--resource cases.case_id] [--method-like %OpenCase%] [--wait 60]

Checks, on the service's database (psql) and the dev broker (kcat):
  1. every acknowledged command (FILE: "request_id [resource_id]" a line, as ccms-load --acked
     writes) is stored exactly once: its idempotency key is there, its stored first response
     names the resource the client was given, and that resource row exists once; the resource table has exactly as many rows as there
     are idempotency keys of --method-like (no request id made two rows, no row without a key);
  2. every outbox row (every stored change's event) is stamped sent and is on its topic with
     ce_id = its event_id; a message of one of these keys with a ce_id the outbox does not know is
     an error (a duplicate must carry the same ce_id); duplicates by ce_id are counted;
  3. per key (a case), the events' first appearances on the topic keep the outbox's order, and
     one key's events are all in one partition.
Waits up to --wait seconds for the relay to drain the outbox and the topic to show everything,
then prints the counts as "figure NAME=VALUE" lines and exits 0 (all good) or 1 (with reasons).
Only keys that occur in this database's outbox are looked at, so other tests' events on the same
topic do not matter. No payload is read or printed.
"""

import argparse
import collections
import subprocess
import sys
import time


def psql(dsn, sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-F", "\t", "-d", dsn, "-c", sql],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def read_topic(bootstrap, topic):
    """Messages of the topic as (partition, offset, key, ce_id), in offset order per partition."""
    proc = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
         "-f", "%p\t%o\t%k\t%h\n"],
        capture_output=True, text=True, timeout=60, errors="replace")
    if proc.returncode != 0:
        raise RuntimeError("kcat failed on %s: %s" % (topic, proc.stderr.strip()[-300:]))
    msgs = []
    for line in proc.stdout.splitlines():
        parts = line.split("\t", 3)
        if len(parts) < 4:
            continue
        ce_id = ""
        for header in parts[3].split(","):
            name, _, value = header.partition("=")
            if name == "ce_id":
                ce_id = value
        msgs.append((int(parts[0]), int(parts[1]), parts[2], ce_id))
    msgs.sort(key=lambda m: (m[0], m[1]))
    return msgs


def check_commands(args, problems, figures):
    acked = []
    with open(args.acked) as f:
        for line in f:
            words = line.split()
            if words:
                acked.append((words[0], words[1] if len(words) > 1 else ""))
    figures["acked"] = len(acked)
    dup_acks = len(acked) - len({a[0] for a in acked})
    if dup_acks:
        problems.append("%d request ids were acknowledged twice by the client" % dup_acks)
    table, column = args.resource.split(".")
    # request id -> the first response's bytes (what a retry is answered with)
    keys = {
        row[0]: bytes.fromhex(row[1])
        for row in psql(args.dsn, "SELECT request_id::text, encode(coalesce(response, ''), 'hex') "
                        "FROM idempotency_keys WHERE method LIKE '%s'"
                        % args.method_like.replace("'", "''"))
    }
    resources = collections.Counter(
        row[0] for row in psql(args.dsn, "SELECT %s::text FROM %s" % (column, table)))
    missing = wrong = absent = 0
    for request_id, resource_id in acked:
        response = keys.get(request_id)
        if response is None:
            missing += 1
        elif resource_id and resource_id.encode() not in response:
            wrong += 1
        elif resource_id and resources.get(resource_id, 0) != 1:
            absent += 1
    if missing:
        problems.append("%d acknowledged commands have no idempotency key" % missing)
    if wrong:
        problems.append("%d acknowledged commands' stored first responses name another "
                        "resource than the client was given" % wrong)
    if absent:
        problems.append("%d acknowledged commands' %s rows are missing" % (absent, table))
    doubled = sum(1 for n in resources.values() if n > 1)
    if len(resources) and sum(resources.values()) != len(keys):
        problems.append("%s has %d rows but there are %d idempotency keys like %s "
                        "(a request made two rows, or a row has no key)"
                        % (table, sum(resources.values()), len(keys), args.method_like))
    figures["idempotency_keys"] = len(keys)
    figures["resource_rows"] = sum(resources.values())
    figures["stored_once"] = len(acked) - missing - wrong - absent
    figures["doubled_rows"] = doubled


def check_events(args, problems, figures):
    where = "" if not args.topic else " WHERE topic = '%s'" % args.topic.replace("'", "''")
    rows = psql(args.dsn, "SELECT id, event_id::text, topic, record_key, sent_at IS NOT NULL "
                "FROM outbox%s ORDER BY id" % where)
    dead = psql(args.dsn, "SELECT count(*) FROM dead_letters WHERE source = 'outbox' "
                "AND resolved_at IS NULL")[0][0]
    figures["outbox_rows"] = len(rows)
    figures["outbox_dead_letters"] = int(dead)
    unsent = sum(1 for r in rows if r[4] != "t")
    figures["unsent"] = unsent
    problems_before = len(problems)
    if unsent:
        problems.append("%d outbox rows are not sent" % unsent)
    if int(dead) and not args.allow_dead_letters:
        problems.append("%s outbox rows were dead-lettered" % dead)
    expected = collections.defaultdict(lambda: collections.defaultdict(list))  # topic->key->ids
    for _, event_id, topic, key, _ in rows:
        expected[topic][key].append(event_id)
    checked = duplicates = 0
    for topic, by_key in expected.items():
        msgs = [m for m in read_topic(args.bootstrap, topic) if m[2] in by_key]
        seen = collections.Counter(m[3] for m in msgs)
        known = {e for ids in by_key.values() for e in ids}
        unknown = [c for c in seen if c not in known]
        if unknown:
            problems.append("%s: %d messages of these keys carry a ce_id the outbox does not "
                            "know (a duplicate under a new id?)" % (topic, len(unknown)))
        missing = [e for e in known if e not in seen]
        if missing:
            problems.append("%s: %d stored events are not on the topic" % (topic, len(missing)))
        duplicates += sum(n - 1 for c, n in seen.items() if c in known)
        checked += len(known) - len(missing)
        first = collections.defaultdict(list)
        partitions = collections.defaultdict(set)
        for part, _, key, ce_id in msgs:
            partitions[key].add(part)
            if ce_id in known and ce_id not in first[key]:
                first[key].append(ce_id)
        split = [k for k, p in partitions.items() if len(p) > 1]
        if split:
            problems.append("%s: %d keys' events are in more than one partition"
                            % (topic, len(split)))
        out_of_order = [k for k, ids in by_key.items()
                        if [e for e in first[k]] != [e for e in ids if e in seen]]
        if out_of_order:
            problems.append("%s: %d keys' events are out of order" % (topic, len(out_of_order)))
    figures["events_checked"] = checked
    figures["duplicates_by_ce_id"] = duplicates
    figures["keys_checked"] = sum(len(k) for k in expected.values())
    return len(problems) == problems_before


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn", required=True, help="libpq connection string of the service's db")
    ap.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    ap.add_argument("--acked", required=True, help="file of acknowledged request ids")
    ap.add_argument("--topic", default="", help="only this topic's outbox rows (default: all)")
    ap.add_argument("--resource", default="cases.case_id",
                    help="TABLE.COLUMN the acknowledged commands made (default cases.case_id)")
    ap.add_argument("--method-like", default="%OpenCase%",
                    help="idempotency_keys.method pattern of those commands")
    ap.add_argument("--wait", type=float, default=60,
                    help="seconds to wait for the relay to publish everything")
    ap.add_argument("--allow-dead-letters", action="store_true",
                    help="dead-lettered outbox rows are expected (they are still counted)")
    args = ap.parse_args()

    t0 = time.monotonic()
    while True:
        problems, figures = [], {}
        check_commands(args, problems, figures)
        check_events(args, problems, figures)
        if not problems or time.monotonic() - t0 > args.wait:
            break
        time.sleep(0.5)
    figures["check_s"] = "%.1f" % (time.monotonic() - t0)
    for name, value in figures.items():
        print("figure %s=%s" % (name, value))
    for p in problems:
        print("LOST: " + p)
    print("nothing_lost: %s" % ("ok" if not problems else "FAILED"))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
