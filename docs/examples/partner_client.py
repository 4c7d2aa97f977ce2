#!/usr/bin/python3
"""An example partner client of ccms-employment (docs/employment.md, "Partner view and API").

A partner agency's own program: over mutual TLS with the agency's partner certificate (its SAN URI
ccms-partner://<agency_id>) and a token of role partner for the same agency, it lists the
referrals sent to the agency and answers one; as an employer it lists and confirms the retention
checks of the people it employs, and posts, lists and closes its job openings; as a training
provider it lists its programmes with their enrolments and records hours attended. Only Debian's packages: python3-grpcio (1.51),
python3-protobuf and the system protoc (3.21), which generates the message classes from proto/
when the client starts (Debian's grpc_tools bundles a protoc too old for proto3 optional); calls
go through grpcio's generic unary methods.

  /usr/bin/python3 docs/examples/partner_client.py --addr 127.0.0.1:50064 \\
      --ca .run/tls/ca.crt --cert .run/tls/partner.crt --key .run/tls/partner.key \\
      --token "$PARTNER_TOKEN" [--json] [ACTION]

ACTION is one of (none: list the referrals)
  --get REFERRAL_ID                            one referral
  --accept REFERRAL_ID                         accept it, then list the referrals
  --decline REFERRAL_ID --reason NO_VACANCY    decline it, then list the referrals
  --checks                                     the retention checks of the people it employs
  --confirm SPELL_ID:DAY                       confirm the check of that day (30, 90, 180) today
  --programmes                                 its training programmes and their enrolments
  --enrolments PROGRAMME_ID                    one programme's enrolments
  --attend ENROLMENT_ID:HOURS                  record hours attended today
  --openings                                   its job openings, closed ones too
  --post-opening TITLE --district D --sector S --hours H --places N --closes-on YYYY-MM-DD
                [--skill CODE ...] [--work-days 1,2,3,4,5 --shift 09:00-17:00]
                                               post an opening (its weekly shifts, Asia/Shanghai
                                               time; an end before the start: the next day),
                                               then list them
  --close-opening OPENING_ID --reason FILLED   close one, then list them

It prints one line per object: "CODE ID STATUS NAME" for a referral (NAME "(withheld)" for a
minor without the guardian's consent), "check SPELL_ID DAY DUE_ON STATUS", "programme ID CODE
TAKEN/PLACES", "enrolment ID CODE STATUS HOURS", "opening ID CODE STATUS FILLED/PLACES TITLE", and
"answered", "confirmed", "attended", "posted", "closed" lines for what it recorded. With --json, every message received instead as "MESSAGE {JSON}", each of its
fields named as in proto/ (also the empty ones): what ccms sends the agency, field by field.
Exit status 0, or 1 with "error: CODE message" when a call is refused.
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import uuid

import grpc
from google.protobuf import json_format

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOOGLEAPIS = os.environ.get("CCMS_GOOGLEAPIS_DIR",
                            "/usr/share/gocode/src/github.com/gogo/googleapis")
PACKAGE = "/ccms.employment.v1."


def load_messages(workdir):
    """Generates the Python message classes of the partner API into `workdir` and imports them."""
    names = ["agency_referral_service", "referral_service", "retention_service",
             "training_service", "opening_service"]
    subprocess.run(["protoc", "--python_out=" + workdir, "-I", os.path.join(ROOT, "proto"),
                    "-I", GOOGLEAPIS] + ["ccms/employment/v1/%s.proto" % n for n in names]
                   + ["google/type/date.proto"], check=True)
    sys.path.insert(0, workdir)
    return [importlib.import_module("ccms.employment.v1.%s_pb2" % n) for n in names]


def enum_name(enum, value, prefix):
    """SENT for REFERRAL_STATUS_SENT."""
    return enum.Name(value)[len(prefix):]


def day(d):
    return "%04d-%02d-%02d" % (d.year, d.month, d.day)


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Client:
    """Calls the partner API over one channel with the agency's token; prints what it receives."""

    def __init__(self, channel, token, as_json):
        self.channel = channel
        self.token = token
        self.as_json = as_json

    def call(self, method, request, response_type):
        rpc = self.channel.unary_unary(PACKAGE + method,
                                       request_serializer=lambda m: m.SerializeToString(),
                                       response_deserializer=response_type.FromString)
        return rpc(request, metadata=[("authorization", "Bearer " + self.token)], timeout=10)

    def pages(self, method, request, response_type, items):
        """Every item of a paged list."""
        while True:
            resp = self.call(method, request, response_type)
            yield from getattr(resp, items)
            request.page_token = resp.next_page_token
            if not request.page_token:
                return

    def show(self, message, line):
        if self.as_json:
            print(message.DESCRIPTOR.name, json_format.MessageToJson(
                message, including_default_value_fields=True, preserving_proto_field_name=True,
                indent=None, ensure_ascii=False))
        else:
            print(line)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--addr", required=True, help="HOST:PORT of ccms-employment")
    p.add_argument("--ca", required=True, help="CA of the service's certificate (PEM)")
    p.add_argument("--cert", required=True, help="the agency's partner certificate (PEM)")
    p.add_argument("--key", required=True, help="its private key (PEM)")
    p.add_argument("--token", default=os.environ.get("CCMS_PARTNER_TOKEN", ""),
                   help="bearer token, role partner (default $CCMS_PARTNER_TOKEN)")
    p.add_argument("--server-name", help="name checked in the server's certificate")
    p.add_argument("--json", action="store_true", help="print every message received as JSON")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--get", metavar="REFERRAL_ID", help="show this referral")
    action.add_argument("--accept", metavar="REFERRAL_ID", help="accept this referral")
    action.add_argument("--decline", metavar="REFERRAL_ID", help="decline this referral")
    action.add_argument("--checks", action="store_true", help="list the retention checks")
    action.add_argument("--confirm", metavar="SPELL_ID:DAY", help="confirm a retention check")
    action.add_argument("--programmes", action="store_true", help="list the training programmes")
    action.add_argument("--enrolments", metavar="PROGRAMME_ID", help="a programme's enrolments")
    action.add_argument("--attend", metavar="ENROLMENT_ID:HOURS", help="record training hours")
    action.add_argument("--openings", action="store_true", help="list the job openings")
    action.add_argument("--post-opening", metavar="TITLE", help="post a job opening")
    action.add_argument("--close-opening", metavar="OPENING_ID", help="close a job opening")
    p.add_argument("--reason", default="",
                   help="decline code (policy referral.decline_reasons) or an opening's close "
                        "reason (employment.openings.close_reasons)")
    p.add_argument("--district", default="", help="an opening's district code")
    p.add_argument("--sector", default="", help="an opening's sector (employment.openings.sectors)")
    p.add_argument("--hours", type=int, default=0, help="an opening's hours per week")
    p.add_argument("--places", type=int, default=0, help="an opening's places")
    p.add_argument("--closes-on", default="", help="an opening's last day (YYYY-MM-DD)")
    p.add_argument("--skill", action="append", default=[],
                   help="a skill an opening requires (employment.skills.codes); repeatable")
    p.add_argument("--work-days", default="",
                   help="an opening's working days, 1 (Monday) to 7 (Sunday): 1,2,3,4,5")
    p.add_argument("--shift", default="",
                   help="an opening's shift, HH:MM-HH:MM in Asia/Shanghai time")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="ccms-partner-client.") as workdir:
        agency, referral, retention, training, opening = load_messages(workdir)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca), private_key=read(args.key),
            certificate_chain=read(args.cert))
        options = []
        if args.server_name:
            options.append(("grpc.ssl_target_name_override", args.server_name))
        with grpc.secure_channel(args.addr, credentials, options=options) as channel:
            c = Client(channel, args.token, args.json)

            def show_referral(r):
                name = "(withheld)" if r.identity_withheld else r.given_name
                c.show(r, "%s %s %s %s" % (
                    r.referral_code, r.referral_id,
                    enum_name(referral.ReferralStatus, r.status, "REFERRAL_STATUS_"), name))

            def show_check(k, prefix="check"):
                c.show(k, "%s %s %d %s %s" % (
                    prefix, k.spell_id, k.day_offset, day(k.due_on),
                    enum_name(retention.RetentionCheckStatus, k.status,
                              "RETENTION_CHECK_STATUS_")))

            def show_enrolments(programme_id):
                for e in c.pages("TrainingService/ListTrainingEnrolments",
                                 training.ListTrainingEnrolmentsRequest(
                                     programme_id=programme_id, page_size=100),
                                 training.ListTrainingEnrolmentsResponse, "enrolments"):
                    c.show(e, "enrolment %s %s %s %d" % (
                        e.enrolment_id, e.enrolment_code,
                        enum_name(training.TrainingEnrolmentStatus, e.status,
                                  "TRAINING_ENROLMENT_STATUS_"), e.hours_attended))

            def show_opening(o, prefix="opening"):
                c.show(o, "%s %s %s %s %d/%d %s" % (
                    prefix, o.opening_id, o.opening_code,
                    enum_name(opening.OpeningStatus, o.status, "OPENING_STATUS_"),
                    o.places_filled, o.places, o.title))

            try:
                if args.openings or args.post_opening or args.close_opening:
                    if args.post_opening:
                        year, month, mday = (int(x) for x in args.closes_on.split("-"))
                        req = opening.PostOpeningRequest(
                            request_id=str(uuid.uuid4()), district_code=args.district,
                            title=args.post_opening, sector_code=args.sector,
                            hours_per_week=args.hours, required_skill_codes=args.skill,
                            places=args.places)
                        req.closes_on.year, req.closes_on.month, req.closes_on.day = (
                            year, month, mday)
                        if args.work_days or args.shift:
                            start, _, end = args.shift.partition("-")
                            req.schedule.days_of_week.extend(
                                int(d) for d in args.work_days.split(",") if d)
                            req.schedule.start_local_time = start
                            req.schedule.end_local_time = end
                        show_opening(c.call("OpeningService/PostOpening", req,
                                            opening.PostOpeningResponse).opening, "posted")
                    if args.close_opening:
                        show_opening(c.call("OpeningService/CloseOpening",
                                            opening.CloseOpeningRequest(
                                                request_id=str(uuid.uuid4()),
                                                opening_id=args.close_opening,
                                                reason_code=args.reason),
                                            opening.CloseOpeningResponse).opening, "closed")
                    for o in c.pages("OpeningService/ListOpenings",
                                     opening.ListOpeningsRequest(include_closed=True,
                                                                 page_size=100),
                                     opening.ListOpeningsResponse, "openings"):
                        show_opening(o)
                elif args.get:
                    resp = c.call("AgencyReferralService/GetAgencyReferral",
                                  agency.GetAgencyReferralRequest(referral_id=args.get),
                                  agency.GetAgencyReferralResponse)
                    show_referral(resp.referral)
                elif args.checks or args.confirm:
                    if args.confirm:
                        spell_id, offset = args.confirm.rsplit(":", 1)
                        resp = c.call("RetentionService/ConfirmRetentionCheck",
                                      retention.ConfirmRetentionCheckRequest(
                                          request_id=str(uuid.uuid4()), spell_id=spell_id,
                                          day_offset=int(offset)),
                                      retention.ConfirmRetentionCheckResponse)
                        show_check(resp.check, "confirmed")
                    for k in c.pages("RetentionService/ListAgencyRetentionChecks",
                                     retention.ListAgencyRetentionChecksRequest(page_size=100),
                                     retention.ListAgencyRetentionChecksResponse, "checks"):
                        show_check(k)
                elif args.programmes:
                    for t in c.pages("TrainingService/ListTrainingProgrammes",
                                     training.ListTrainingProgrammesRequest(page_size=100),
                                     training.ListTrainingProgrammesResponse, "programmes"):
                        c.show(t, "programme %s %s %d/%d" % (t.programme_id, t.code, t.taken,
                                                             t.places))
                        show_enrolments(t.programme_id)
                elif args.enrolments:
                    show_enrolments(args.enrolments)
                elif args.attend:
                    enrolment_id, hours = args.attend.rsplit(":", 1)
                    resp = c.call("TrainingService/RecordTrainingAttendance",
                                  training.RecordTrainingAttendanceRequest(
                                      request_id=str(uuid.uuid4()), enrolment_id=enrolment_id,
                                      hours=int(hours)),
                                  training.RecordTrainingAttendanceResponse)
                    e = resp.enrolment
                    c.show(e, "attended %s hours %d" % (e.enrolment_code, e.hours_attended))
                else:
                    if args.accept or args.decline:
                        req = agency.AnswerAgencyReferralRequest(
                            request_id=str(uuid.uuid4()), referral_id=args.accept or args.decline,
                            to_status=(referral.REFERRAL_STATUS_ACCEPTED if args.accept
                                       else referral.REFERRAL_STATUS_DECLINED),
                            reason_code=args.reason)
                        r = c.call("AgencyReferralService/AnswerAgencyReferral", req,
                                   agency.AnswerAgencyReferralResponse).referral
                        c.show(r, "answered %s %s" % (r.referral_code, enum_name(
                            referral.ReferralStatus, r.status, "REFERRAL_STATUS_")))
                    for r in c.pages("AgencyReferralService/ListAgencyReferrals",
                                     agency.ListAgencyReferralsRequest(page_size=100),
                                     agency.ListAgencyReferralsResponse, "referrals"):
                        show_referral(r)
            except grpc.RpcError as e:
                print("error: %s %s" % (e.code().name, e.details()), file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
