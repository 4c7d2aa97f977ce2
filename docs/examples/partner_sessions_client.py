#!/usr/bin/python3
"""An example partner client of ccms-education (docs/education.md, "Partner view").

A partner agency that delivers education sessions (a school, a counselling centre, a trainer):
over mutual TLS with the agency's partner certificate (its SAN URI ccms-partner://<agency_id>)
and a token of role partner for the same agency, it lists the sessions the agency delivers, shows
the people enrolled in one (referral code and given name; a minor's withheld) and records their
attendance. The same packages as docs/examples/partner_client.py: python3-grpcio and the system
protoc, which generates the message classes from proto/ when the client starts.

  /usr/bin/python3 docs/examples/partner_sessions_client.py --addr 127.0.0.1:50063 \\
      --ca .run/tls/ca.crt --cert .run/tls/partner.crt --key .run/tls/partner.key \\
      --token "$PARTNER_TOKEN" [--session SESSION_ID [--attend CODE:OUTCOME[:EXCUSE] ...]]

Without --session: one line per session, "session ID KIND START STATUS enrolled N". With it: one
line per person, "CODE NAME OUTCOME MINUTES" ("(withheld)" for a minor, "-" before attendance),
after recording the --attend entries (outcome attended, late, excused, absent; excuse hospital,
work, other). Exit status 0, or 1 with "error: CODE message" when a call is refused.
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import uuid

import grpc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOOGLEAPIS = os.environ.get("CCMS_GOOGLEAPIS_DIR",
                            "/usr/share/gocode/src/github.com/gogo/googleapis")
SERVICE = "/ccms.education.v1.PartnerSessionService/"


def load_messages(workdir):
    """Generates the Python message classes of the partner view into `workdir`, imports them."""
    protos = ["ccms/education/v1/partner_session_service.proto",
              "ccms/education/v1/session_service.proto"]
    subprocess.run(["protoc", "--python_out=" + workdir, "-I", os.path.join(ROOT, "proto"),
                    "-I", GOOGLEAPIS] + protos + ["google/type/date.proto"], check=True)
    sys.path.insert(0, workdir)
    partner = importlib.import_module("ccms.education.v1.partner_session_service_pb2")
    session = importlib.import_module("ccms.education.v1.session_service_pb2")
    return partner, session


def name_of(enum, value, prefix):
    """ATTENDED for ATTENDANCE_OUTCOME_ATTENDED."""
    return enum.Name(value)[len(prefix):]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def call(channel, method, request, response_type, token):
    rpc = channel.unary_unary(SERVICE + method, request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=response_type.FromString)
    return rpc(request, metadata=[("authorization", "Bearer " + token)], timeout=10)


def print_people(session_pb, participants):
    for p in participants:
        name = "(withheld)" if p.identity_withheld else (p.given_name or "(none)")
        outcome = ("-" if p.outcome == 0 else
                   name_of(session_pb.AttendanceOutcome, p.outcome, "ATTENDANCE_OUTCOME_"))
        print("%s %s %s %d" % (p.referral_code, name, outcome, p.credited_minutes))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--addr", required=True, help="HOST:PORT of ccms-education")
    p.add_argument("--ca", required=True, help="CA of the service's certificate (PEM)")
    p.add_argument("--cert", required=True, help="the agency's partner certificate (PEM)")
    p.add_argument("--key", required=True, help="its private key (PEM)")
    p.add_argument("--token", default=os.environ.get("CCMS_PARTNER_TOKEN", ""),
                   help="bearer token, role partner (default $CCMS_PARTNER_TOKEN)")
    p.add_argument("--server-name", help="name checked in the server's certificate")
    p.add_argument("--session", help="show this session's people (and record --attend)")
    p.add_argument("--attend", action="append", default=[], metavar="CODE:OUTCOME[:EXCUSE]",
                   help="an attendance to record in --session (repeat)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="ccms-partner-sessions.") as workdir:
        partner, session_pb = load_messages(workdir)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca), private_key=read(args.key),
            certificate_chain=read(args.cert))
        options = []
        if args.server_name:
            options.append(("grpc.ssl_target_name_override", args.server_name))
        with grpc.secure_channel(args.addr, credentials, options=options) as channel:
            try:
                if args.session and args.attend:
                    req = partner.RecordPartnerAttendanceRequest(
                        request_id=str(uuid.uuid4()), session_id=args.session)
                    for entry in args.attend:
                        parts = entry.split(":")
                        e = req.entries.add(referral_code=parts[0])
                        e.outcome = session_pb.AttendanceOutcome.Value(
                            "ATTENDANCE_OUTCOME_" + parts[1].upper())
                        if len(parts) > 2:
                            e.excuse_reason = session_pb.ExcuseReason.Value(
                                "EXCUSE_REASON_" + parts[2].upper())
                    call(channel, "RecordPartnerAttendance", req,
                         partner.RecordPartnerAttendanceResponse, args.token)
                if args.session:
                    resp = call(channel, "GetPartnerSession",
                                partner.GetPartnerSessionRequest(session_id=args.session),
                                partner.GetPartnerSessionResponse, args.token)
                    print_people(session_pb, resp.participants)
                    return 0
                page_token = ""
                while True:
                    resp = call(channel, "ListPartnerSessions",
                                partner.ListPartnerSessionsRequest(page_size=100,
                                                                   page_token=page_token),
                                partner.ListPartnerSessionsResponse, args.token)
                    for s in resp.sessions:
                        print("session %s %s %s %s enrolled %d" % (
                            s.session_id, name_of(session_pb.SessionKind, s.kind, "SESSION_KIND_"),
                            s.start_time.ToJsonString(),
                            name_of(session_pb.SessionStatus, s.status, "SESSION_STATUS_"),
                            s.enrolled_count))
                    page_token = resp.next_page_token
                    if not page_token:
                        break
            except grpc.RpcError as e:
                print("error: %s %s" % (e.code().name, e.details()), file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
