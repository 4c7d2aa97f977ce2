#!/usr/bin/python3
"""ccms city day: one working day of a city's offices replayed against the five services.

  /usr/bin/python3 tests/bench/cityday.py --env RUN/env [--offices 200] [--speed 10]
                   [--cases-per-office 150] [--pids-dir RUN/pids] [--kv] [--seed 1]

A driver next to ccms-load (tests/bench/run part (i); docs/benchmarks.md, "A city's working
day"): every call goes over gRPC (TLS, .run/env's CA and client certificate) with Debian's
python3-grpcio through server reflection (tools/grpc_call.py), so it runs on the dev stack as
deploy/dev/up or tests/bench/run brings it up.

Set-up (not measured): each office gets its cases (OpenCase, then the intake check-in that makes
them ACTIVE), each district a partner (employment RegisterPartner), and the driver waits until
the consumers have followed (no consumer lag left). The day (measured): every office's working
day of 8 hours (08:30-16:30) is planned from the ratios below, then replayed at --speed times
real speed (10: 48 minutes; the smoke run uses thousands), open loop: each call is sent at its
planned time whatever the answers before it, and its latency counts from that time.

Per office and working day, for --cases-per-office cases on register (the issue's city: 30,000
active cases over 200 offices = 150 an office; seeds/004: 13-46 per 司法所 in the counties it
describes, with "周联系月汇报", monthly face-to-face talks, 8 hours of study a month, every leave
approved in advance):
  check-ins    cases / 5        weekly contact (phone, video, in person), RecordContact
  visits       cases / 21       a monthly face-to-face talk or home visit: GetCase, then RecordContact
  leave        cases / 63       one leave request a quarter per person, RequestLeave
  sessions     1 a day          a routine study session for cases / 10 people: ScheduleSession,
                                EnrolCase each, RecordAttendance (one bulk call) when it ends
  referrals    1 a day          CreateReferral, SendReferral 5 minutes later, and the partner's
                                answer (RecordReferralStep ACCEPTED) 2 hours after
  assessments  cases / 63       a periodic assessment a quarter, RecordAssessment
  report runs  2 a day          the month's figures by district, RunReport
  intakes      cases / 500      new cases (30,000 active on terms of about two years), OpenCase
                                and the intake check-in an hour later

Reports (--kv): per RPC the calls, p50/p99 (ms, from the planned send time) and errors by code;
CPU seconds per service over the day (from /proc, --pids-dir), i.e. per simulated day; events
per second each service wrote to its outbox during the day; consumer lag per group (the
services' ccms_consumer_lag gauges, scraped every 2 s: the largest and the last).
"""
import argparse
import datetime
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import grpc
from google.protobuf import json_format, message_factory

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import grpc_call  # noqa: E402  (the reflection client)

SERVICES = ["records", "assessment", "education", "employment", "reporting"]
DISTRICTS = ["110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
             "110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119"]
DAY_S = 8 * 3600  # the working day, 08:30-16:30
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def log(msg):
    print(time.strftime("%H:%M:%S") + " cityday: " + msg, file=sys.stderr, flush=True)


def read_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*export\s+([A-Z0-9_]+)='?([^']*)'?\s*$", line)
            if m:
                env[m.group(1)] = m.group(2)
    return env


# ---------------------------------------------------------------------------------------------
# gRPC over reflection

class Stub:
    """Unary calls of every method of the services named, by "Service/Method"."""

    def __init__(self, channel, services):
        self._methods = {}
        reflection = grpc_call.Reflection(channel, [])
        for name in services:
            service = reflection.pool_for(name).FindServiceByName(name)
            factory = message_factory.MessageFactory(service.file.pool)
            for m in service.methods:
                req, resp = factory.GetPrototype(m.input_type), factory.GetPrototype(m.output_type)
                call = channel.unary_unary(f"/{name}/{m.name}",
                                           request_serializer=req.SerializeToString,
                                           response_deserializer=resp.FromString)
                self._methods[f"{name.rsplit('.', 1)[1]}/{m.name}"] = (call, req)

    def future(self, method, body, token, timeout=10):
        call, req = self._methods[method]
        return call.future(json_format.ParseDict(body, req()),
                           metadata=[("authorization", "Bearer " + token)], timeout=timeout)


def channel_for(addr, env):
    def read(k):
        with open(env[k], "rb") as f:
            return f.read()
    creds = grpc.ssl_channel_credentials(root_certificates=read("CCMS_GRPC_CA_FILE"),
                                         private_key=read("CCMS_GRPC_CLIENT_KEY_FILE"),
                                         certificate_chain=read("CCMS_GRPC_CLIENT_CERT_FILE"))
    opts = []
    if env.get("CCMS_GRPC_TLS_SERVER_NAME"):
        opts.append(("grpc.ssl_target_name_override", env["CCMS_GRPC_TLS_SERVER_NAME"]))
    return grpc.secure_channel(addr, creds, options=opts)


# ---------------------------------------------------------------------------------------------
# Requests

def id_number(n, salt):
    """A valid 18-digit resident identity number (GB 11643) for person n; adults born 1960-1999."""
    h = int(hashlib.sha256(f"{salt}:{n}".encode()).hexdigest(), 16)
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=h % 14600)
    # the sequence's last digit odd: a man (the requests say SEX_MALE)
    first17 = "110101" + birth.strftime("%Y%m%d") + f"{(h >> 20) % 500 * 2 + 1:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


def today():
    return datetime.datetime.now(SHANGHAI).date()


def pb_date(d):
    return {"year": d.year, "month": d.month, "day": d.day}


def open_case_body(district, office, n, salt):
    t = today()
    return {
        "requestId": str(uuid.uuid4()),
        "person": {"name": "城市一日", "idNumber": id_number(n, salt), "sex": "SEX_MALE",
                   "phone": "13800000000", "householdAddress": "测试市测试区测试街道一号",
                   "residenceAddress": "测试市测试区测试街道二号"},
        "sentence": {"kind": "SENTENCE_KIND_PROBATION", "offenceCategory": "theft",
                     "decidingAuthority": "测试市人民法院",
                     "judgmentEffectiveDate": pb_date(t - datetime.timedelta(days=3)),
                     "startDate": pb_date(t - datetime.timedelta(days=3)),
                     "endDate": pb_date(t + datetime.timedelta(days=700))},
        "assignment": {"districtCode": district, "officeId": office},
    }


ANSWERS = [("offence_history", "two_or_more"), ("age_first_offence", "under_18"),
           ("employment", "none"), ("family_support", "none_or_conflict"),
           ("substance_use", "current"), ("peers", "criminal"), ("attitude", "ambivalent"),
           ("compliance", "minor_breaches")]


# ---------------------------------------------------------------------------------------------
# Figures

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat = {}     # method -> [ms]
        self.codes = {}   # method -> {code: n}

    def record(self, method, ms, code):
        with self.lock:
            self.lat.setdefault(method, []).append(ms)
            c = self.codes.setdefault(method, {})
            c[code] = c.get(code, 0) + 1


def pct(sorted_ms, q):
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, max(0, int(len(sorted_ms) * q + 0.999999) - 1))]


def scrape(addr):
    try:
        with urllib.request.urlopen(f"http://{addr}/metrics", timeout=2) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return ""


def consumer_gauges(env, name):
    """{(service, consumer): value} of a per-consumer metric of every service."""
    out = {}
    for svc in SERVICES:
        addr = env.get(f"CCMS_{svc.upper()}_METRICS")
        if not addr:
            continue
        for line in scrape(addr).splitlines():
            m = re.match(name + r'\{[^}]*consumer="([^"]+)"[^}]*\}\s+([0-9.eE+-]+)$', line)
            if m:
                out[(svc, m.group(1))] = out.get((svc, m.group(1)), 0) + float(m.group(2))
    return out


def proc_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# The driver

class City:
    def __init__(self, args, env):
        self.args, self.env = args, env
        self.rng = random.Random(args.seed)
        self.salt = f"{args.seed}-{time.time_ns()}"
        self.person_n = 0
        self.stats = Stats()
        # Calls in flight; only the planning thread waits on it (a callback that chains a call
        # must never block gRPC's thread).
        self.pending = 0
        self.pending_cv = threading.Condition()
        self.lock = threading.Lock()
        ctl = args.ctl
        keys = env["CCMS_JWT_KEYS_FILE"]

        def token(*extra):
            return subprocess.run([ctl, "token", "--key-set", keys, "--ttl-hours", "12", *extra],
                                  check=True, capture_output=True, text=True).stdout.strip()
        self.admin = token("--role", "city_admin", "--districts", "*", "--subject", "cityday-admin")
        self.staff = {d: token("--role", "office_staff", "--districts", d, "--subject", f"cityday-{d}")
                      for d in DISTRICTS}
        self.stubs = {}
        names = {"records": ["ccms.records.v1.CaseService", "ccms.records.v1.SupervisionService",
                             "ccms.records.v1.LeaveService"],
                 "assessment": ["ccms.assessment.v1.AssessmentService"],
                 "education": ["ccms.education.v1.SessionService"],
                 "employment": ["ccms.employment.v1.PartnerService",
                                "ccms.employment.v1.ReferralService"],
                 "reporting": ["ccms.reporting.v1.ReportingService"]}
        self.channels = []
        for svc, services in names.items():
            ch = channel_for(env[f"CCMS_{svc.upper()}_ADDR"], env)
            self.channels.append(ch)
            self.stubs[svc] = Stub(ch, services)
        self.offices = []
        for i in range(args.offices):
            d = DISTRICTS[i % len(DISTRICTS)]
            self.offices.append({"district": d, "office": f"cityday-{i:03d}", "cases": [],
                                 "referrals": {}, "sessions": {}, "new": {}, "ready": {}})
        self.partners = {}

    # One call: sends at once, records latency from `due` (the planned time; now if None) and
    # calls then(response) on success.
    def call(self, svc, method, body, token, due=None, then=None, measured=True, wait=False,
             signal=None):
        with self.pending_cv:
            while wait and self.pending >= self.args.max_inflight:
                self.pending_cv.wait()
            self.pending += 1
        start = due if due is not None else time.monotonic()
        fut = self.stubs[svc].future(method, body, token)
        short = method.split("/", 1)[1]

        def done(f):
            ms = (time.monotonic() - start) * 1000
            try:
                resp, code = f.result(), "OK"
            except grpc.RpcError as e:
                resp, code = None, e.code().name
            if measured:
                self.stats.record(short, ms, code)
            elif code != "OK":
                with self.lock:
                    self.setup_errors[short + "." + code] = self.setup_errors.get(short + "." + code, 0) + 1
            if resp is not None and then is not None:
                try:
                    then(resp)
                except Exception as e:  # noqa: BLE001 (a driver bug must not hang the run)
                    log(f"{short}: {e!r}")
            if signal is not None:
                signal.set()
            with self.pending_cv:
                self.pending -= 1
                self.pending_cv.notify_all()
        fut.add_done_callback(done)
        return fut

    def next_person(self):
        with self.lock:
            self.person_n += 1
            return self.person_n

    # -- set-up ----------------------------------------------------------------------------------
    def setup(self):
        self.setup_errors = {}
        t0 = time.monotonic()
        for o in self.offices:
            tok = self.staff[o["district"]]
            for _ in range(self.args.cases_per_office):
                body = open_case_body(o["district"], o["office"], self.next_person(), self.salt)

                def opened(resp, o=o, tok=tok):
                    cid = getattr(resp, "case").case_id
                    o["cases"].append(cid)
                    self.call("records", "CaseService/RecordIntakeCheckIn",
                              {"requestId": str(uuid.uuid4()), "caseId": cid}, tok, measured=False)
                self.call("records", "CaseService/OpenCase", body, tok, then=opened, measured=False,
                          wait=True)
        for d in sorted({o["district"] for o in self.offices}):
            body = {"requestId": str(uuid.uuid4()), "agencyId": f"cityday-{self.salt}-{d}",
                    "name": f"城市一日合作单位 {d}", "kind": "PARTNER_KIND_ENTERPRISE",
                    "districtCode": d}
            self.call("employment", "PartnerService/RegisterPartner", body, self.staff[d],
                      measured=False,
                      then=lambda r, d=d: self.partners.__setitem__(d, r.partner.partner_id))
        self.drain_inflight()  # the opens and the check-ins they chained
        ncases = sum(len(o["cases"]) for o in self.offices)
        log(f"set-up: {ncases} cases in {len(self.offices)} offices, {len(self.partners)} partners "
            f"in {time.monotonic() - t0:.1f} s; errors {self.setup_errors or 'none'}")
        self.wait_consumers()

    def drain_inflight(self):
        with self.pending_cv:
            while self.pending > 0:
                self.pending_cv.wait()

    def wait_consumers(self, timeout=600):
        """Until every consumer has applied what there is: no lag, and nothing applied for 3 s."""
        t0 = time.monotonic()
        last, still = None, 0
        while time.monotonic() - t0 < timeout:
            applied = consumer_gauges(self.env, "ccms_consumer_events_applied_total")
            lag = consumer_gauges(self.env, "ccms_consumer_lag")
            if applied == last and all(v == 0 for v in lag.values()):
                still += 1
                if still >= 3:
                    log(f"consumers caught up after {time.monotonic() - t0:.1f} s")
                    return
            else:
                still = 0
            last = applied
            time.sleep(1)
        log("consumers still busy after the set-up; the day starts anyway")

    # -- the day ---------------------------------------------------------------------------------
    def plan(self):
        """[(simulated second, office index, action, argument)] for every office's day."""
        ev = []
        r = self.rng
        for i, o in enumerate(self.offices):
            n = max(1, len(o["cases"]))

            def at(lo, hi, action, arg=None):
                ev.append((r.uniform(lo, hi), i, action, arg))

            def count(x):  # a fractional count: the integer part and the rest as a chance
                return int(x) + (1 if r.random() < x - int(x) else 0)
            for _ in range(count(n / 5)):
                at(0, DAY_S, "check_in")
            for _ in range(count(n / 21)):
                at(1800, DAY_S - 1800, "visit")
            # the first office has at least one of each of the rarer calls (a small city's day
            # still covers every call)
            first = 1 if i == 0 else 0
            for k in range(max(first, count(n / 63))):
                at(0, DAY_S, "leave", k)
            # the session: scheduled in the morning, enrolment, attendance when it ends (14:30)
            at(0, 1800, "session_schedule")
            for k in range(max(1, n // 10)):
                at(1800, 3600, "session_enrol", k)
            at(6 * 3600, 6 * 3600 + 600, "session_attend")
            t = r.uniform(0, DAY_S - 3 * 3600)
            ev.append((t, i, "referral_create", None))
            ev.append((t + 300, i, "referral_send", None))
            ev.append((t + 2 * 3600, i, "referral_answer", None))
            for _ in range(max(first, count(n / 63))):
                at(0, DAY_S, "assessment")
            at(0, 1800, "report")
            at(DAY_S - 1800, DAY_S, "report")
            for k in range(max(first, count(n / 500))):
                t = r.uniform(0, DAY_S - 3600)
                ev.append((t, i, "intake_open", k))
                ev.append((t + 3600, i, "intake_check_in", k))
        ev.sort(key=lambda e: e[0])
        return ev

    def act(self, due, i, action, arg):
        o = self.offices[i]
        d, tok, r = o["district"], self.staff[o["district"]], self.rng
        rid = str(uuid.uuid4())
        cases = o["cases"]
        pick = (lambda: cases[r.randrange(len(cases))]) if cases else (lambda: None)
        t = today()
        if action == "check_in":
            kind = r.choice(["CONTACT_KIND_CHECK_IN_PHONE", "CONTACT_KIND_CHECK_IN_VIDEO",
                             "CONTACT_KIND_CHECK_IN_IN_PERSON"])
            self.call("records", "SupervisionService/RecordContact",
                      {"requestId": rid, "caseId": pick(), "kind": kind}, tok, due)
        elif action == "visit":
            cid = pick()
            kind = r.choice(["CONTACT_KIND_HOME_VISIT", "CONTACT_KIND_WORKPLACE_VISIT"])
            self.call("records", "CaseService/GetCase", {"caseId": cid}, tok, due,
                      then=lambda _resp: self.call(
                          "records", "SupervisionService/RecordContact",
                          {"requestId": rid, "caseId": cid, "kind": kind,
                           "notes": "走访，情况正常"}, tok))
        elif action == "leave":
            # distinct people: the k-th of the day's leave requests, from the end of the register
            cid = cases[-1 - arg % len(cases)] if cases else None
            start = t + datetime.timedelta(days=3 + arg % 5)
            self.call("records", "LeaveService/RequestLeave",
                      {"requestId": rid, "caseId": cid, "startDate": pb_date(start),
                       "endDate": pb_date(start + datetime.timedelta(days=2)),
                       "destination": "测试市", "reason": "探亲"}, tok, due)
        elif action == "session_schedule":
            now = datetime.datetime.now(datetime.timezone.utc)
            body = {"requestId": rid, "districtCode": d, "officeId": o["office"],
                    "kind": "SESSION_KIND_ROUTINE", "form": "SESSION_FORM_FACE_TO_FACE",
                    "venue": "司法所教室",
                    "startTime": (now - datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "endTime": (now + datetime.timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "provider": {"kind": "PROVIDER_KIND_STAFF", "id": f"cityday-{d}"},
                    "capacity": max(1, len(cases) // 10) + 5, "audience": "AUDIENCE_ADULTS_ONLY"}
            self.call("education", "SessionService/ScheduleSession", body, tok, due,
                      then=lambda resp: o["sessions"].__setitem__("id", resp.sessions[0].session_id),
                      signal=self.ready(o, "session"))
        elif action == "session_enrol":
            self.after(o, "session")
            sid = o["sessions"].get("id")
            if sid is None or not cases:
                self.ready(o, f"enrol{arg}").set()
                return self.skip("EnrolCase")
            cid = cases[arg % len(cases)]
            self.call("education", "SessionService/EnrolCase",
                      {"requestId": rid, "sessionId": sid, "caseId": cid}, tok, due,
                      then=lambda _resp: o["sessions"].setdefault("enrolled", []).append(cid),
                      signal=self.ready(o, f"enrol{arg}"))
        elif action == "session_attend":
            for k in range(max(1, len(cases) // 10)):
                self.after(o, f"enrol{k}")
            sid, people = o["sessions"].get("id"), o["sessions"].get("enrolled", [])
            if sid is None or not people:
                return self.skip("RecordAttendance")
            entries = [{"caseId": c, "outcome": "ATTENDANCE_OUTCOME_ATTENDED"
                        if r.random() < 0.9 else "ATTENDANCE_OUTCOME_LATE"} for c in people]
            self.call("education", "SessionService/RecordAttendance",
                      {"requestId": rid, "sessionId": sid, "entries": entries}, tok, due)
        elif action == "referral_create":
            partner = self.partners.get(d)
            if partner is None or not cases:
                self.ready(o, "referral").set()
                return self.skip("CreateReferral")
            cid = pick()
            self.call("employment", "ReferralService/CreateReferral",
                      {"requestId": rid, "caseId": cid, "partnerId": partner,
                       "kind": "REFERRAL_KIND_JOB_PLACEMENT", "givenName": "一日",
                       "skills": ["forklift"], "availability": "weekdays"}, tok, due,
                      then=lambda resp: o["referrals"].__setitem__("id", resp.referral.referral_id),
                      signal=self.ready(o, "referral"))
        elif action == "referral_send":
            self.after(o, "referral")
            ref = o["referrals"].get("id")
            if ref is None:
                self.ready(o, "sent").set()
                return self.skip("SendReferral")
            self.call("employment", "ReferralService/SendReferral",
                      {"requestId": rid, "referralId": ref, "consentRecordedOn": pb_date(t)}, tok, due,
                      signal=self.ready(o, "sent"))
        elif action == "referral_answer":
            self.after(o, "sent")
            ref = o["referrals"].get("id")
            if ref is None:
                return self.skip("RecordReferralStep")
            self.call("employment", "ReferralService/RecordReferralStep",
                      {"requestId": rid, "referralId": ref, "toStatus": "REFERRAL_STATUS_ACCEPTED"},
                      tok, due)
        elif action == "assessment":
            self.call("assessment", "AssessmentService/RecordAssessment",
                      {"requestId": rid, "caseId": pick(), "instrumentId": "social_risk",
                       "kind": "ASSESSMENT_KIND_PERIODIC",
                       "answers": [{"itemId": a, "optionId": b} for a, b in ANSWERS]}, tok, due)
        elif action == "report":
            self.call("reporting", "ReportingService/RunReport",
                      {"periodKind": "PERIOD_KIND_MONTH", "periodDay": pb_date(t),
                       "breakdown": "district"}, tok, due)
        elif action == "intake_open":
            body = open_case_body(d, o["office"], self.next_person(), self.salt)
            self.call("records", "CaseService/OpenCase", body, tok, due,
                      then=lambda resp: o["new"].__setitem__(arg, getattr(resp, "case").case_id),
                      signal=self.ready(o, f"new{arg}"))
        elif action == "intake_check_in":
            self.after(o, f"new{arg}")
            cid = o["new"].get(arg)
            if cid is None:
                return self.skip("RecordIntakeCheckIn")
            self.call("records", "CaseService/RecordIntakeCheckIn",
                      {"requestId": rid, "caseId": cid}, tok, due)
        return None

    def ready(self, o, key):
        """The event set when the call that `key` depends on has answered."""
        with self.lock:
            return o["ready"].setdefault(key, threading.Event())

    def after(self, o, key):
        """Waits (at most 10 s) for the call `key` depends on: at a high --speed a step can come
        before the answer of the step it follows (at 10x they are minutes apart)."""
        self.ready(o, key).wait(10)

    def skip(self, method):
        self.stats.record(method, 0.0, "SKIPPED_NO_PREREQUISITE")

    def day(self):
        events = self.plan()
        speed = self.args.speed
        wall = DAY_S / speed
        log(f"the day: {len(events)} calls planned in {len(self.offices)} offices, "
            f"{DAY_S / 3600:.0f} h at {speed}x: {wall:.1f} s")
        pids = {}
        for svc in SERVICES + ["devkafka"]:
            try:
                with open(os.path.join(self.args.pids_dir, svc)) as f:
                    pids[svc] = int(f.read().strip())
            except (OSError, ValueError, TypeError):
                pass
        lag_max, lag_last = {}, {}
        stop = threading.Event()

        def sample():
            while True:
                for k, v in consumer_gauges(self.env, "ccms_consumer_lag").items():
                    lag_max[k] = max(lag_max.get(k, 0), v)
                    lag_last[k] = v
                if stop.wait(2):
                    return
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        ticks0 = {s: proc_ticks(p) for s, p in pids.items()}
        start_wall, start = time.time(), time.monotonic()
        late = 0
        for sim_t, i, action, arg in events:
            due = start + sim_t / speed
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.05:
                late += 1
            self.act(due, i, action, arg)
        self.drain_inflight()
        end_wall = time.time()
        ticks1 = {s: proc_ticks(p) for s, p in pids.items()}
        # The lag once the day's events have been followed: how far behind the consumers were at
        # the end (the largest sample is in lag_max).
        time.sleep(2.5)
        stop.set()
        sampler.join()
        hz = os.sysconf("SC_CLK_TCK")
        cpu = {s: (ticks1[s] - ticks0[s]) / hz for s in pids
               if ticks0.get(s) is not None and ticks1.get(s) is not None}
        return {"events": events, "start": start_wall, "end": end_wall, "cpu": cpu,
                "lag_max": lag_max, "lag_last": lag_last, "late": late}

    def outbox_events(self, start, end):
        host, _, port = self.env.get("CCMS_PG_ADDR", "127.0.0.1:55432").partition(":")
        out = {}
        for svc in SERVICES:
            q = ("SELECT count(*) FROM outbox WHERE occurred_at >= to_timestamp(%f) "
                 "AND occurred_at < to_timestamp(%f)" % (start, end + 1))
            try:
                r = subprocess.run(["psql", "-X", "-At", "-h", host, "-p", port, "-U", "postgres",
                                    "-d", f"ccms_{svc}", "-c", q],
                                   capture_output=True, text=True, timeout=30)
                if r.returncode == 0 and r.stdout.strip().isdigit():
                    out[svc] = int(r.stdout.strip())
            except (OSError, subprocess.TimeoutExpired):
                pass
        return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--env", required=True, help="the stack's env file (deploy/dev/up's .run/env)")
    p.add_argument("--offices", type=int, default=200)
    p.add_argument("--speed", type=float, default=10, help="times real speed (10: 8 h in 48 min)")
    p.add_argument("--cases-per-office", type=int, default=150)
    p.add_argument("--pids-dir", default="", help="the stack's pids/ folder (CPU per service)")
    p.add_argument("--ctl", default="", help="ccmsctl (tokens); default: build/tools/ccmsctl")
    p.add_argument("--max-inflight", type=int, default=64)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kv", action="store_true", help="key=value lines on stdout")
    args = p.parse_args()
    env = read_env(args.env)
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    if not args.ctl:
        args.ctl = os.path.join(os.environ.get("CCMS_BUILD_DIR", os.path.join(root, "build")),
                                "tools", "ccmsctl", "ccmsctl")
    if not args.pids_dir:
        args.pids_dir = os.path.join(os.path.dirname(os.path.abspath(args.env)), "pids")
    city = City(args, env)
    city.setup()
    res = city.day()
    events = city.outbox_events(res["start"], res["end"])
    wall = res["end"] - res["start"]
    out = [("cityday.offices", args.offices), ("cityday.speed", args.speed),
           ("cityday.cases", sum(len(o["cases"]) for o in city.offices)),
           ("cityday.planned", len(res["events"])), ("cityday.wall_s", round(wall, 2)),
           ("cityday.late_sends", res["late"])]
    total_calls = total_err = 0
    for method in sorted(city.stats.lat):
        lat = sorted(city.stats.lat[method])
        codes = city.stats.codes[method]
        errs = sum(n for c, n in codes.items() if c != "OK")
        total_calls += len(lat)
        total_err += errs
        key = f"cityday.rpc.{method}"
        out += [(key + ".calls", len(lat)), (key + ".p50_ms", round(pct(lat, 0.5), 2)),
                (key + ".p99_ms", round(pct(lat, 0.99), 2)), (key + ".errors", errs)]
        out += [(f"{key}.code.{c}", n) for c, n in sorted(codes.items()) if c != "OK"]
    out += [("cityday.calls", total_calls), ("cityday.errors", total_err)]
    for svc, s in sorted(res["cpu"].items()):
        out.append((f"cityday.cpu.{svc}_s", round(s, 2)))
    for svc, n in sorted(events.items()):
        out.append((f"cityday.events.{svc}", n))
        out.append((f"cityday.events.{svc}.per_s", round(n / wall, 1) if wall > 0 else 0))
    out.append(("cityday.events.per_s", round(sum(events.values()) / wall, 1) if wall > 0 else 0))
    for (svc, group), v in sorted(res["lag_max"].items()):
        out.append((f"cityday.lag.{svc}.{group}.max", int(v)))
        out.append((f"cityday.lag.{svc}.{group}.last", int(res["lag_last"].get((svc, group), 0))))
    for ch in city.channels:
        ch.close()
    if args.kv:
        for k, v in out:
            print(f"{k}={v}")
    else:
        print(json.dumps(dict(out), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
