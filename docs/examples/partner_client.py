#!/usr/bin/python3
"""An example partner client of ccms-employment (docs/employment.md, "Partner view and API").

A partner agency's own program: over mutual TLS with the agency's partner certificate (its SAN URI
ccms-partner://<agency_id>) and a token of role partner for the same agency, it lists the
referrals sent to the agency and, if asked, answers one. Only Debian's packages: python3-grpcio
(1.51), python3-protobuf and the system protoc (3.21), which generates the message classes from
proto/ when the client starts (Debian's grpc_tools bundles a protoc too old for proto3 optional);
calls go through grpcio's generic unary methods.

  /usr/bin/python3 docs/examples/partner_client.py --addr 127.0.0.1:50064 \\
      --ca .run/tls/ca.crt --cert .run/tls/partner.crt --key .run/tls/partner.key \\
      --token "$PARTNER_TOKEN" [--accept REFERRAL_ID | --decline REFERRAL_ID --reason NO_VACANCY]

It prints one line per referral: code, id, status, given name ("(withheld)" for a minor without
the guardian's consent). Exit status 0, or 1 with "error: CODE message" when a call is refused.
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
SERVICE = "/ccms.employment.v1.AgencyReferralService/"


def load_messages(workdir):
    """Generates the Python message classes of the partner API into `workdir` and imports them."""
    protos = ["ccms/employment/v1/agency_referral_service.proto",
              "ccms/employment/v1/referral_service.proto"]
    subprocess.run(["protoc", "--python_out=" + workdir, "-I", os.path.join(ROOT, "proto"),
                    "-I", GOOGLEAPIS] + protos + ["google/type/date.proto"], check=True)
    sys.path.insert(0, workdir)
    agency = importlib.import_module("ccms.employment.v1.agency_referral_service_pb2")
    referral = importlib.import_module("ccms.employment.v1.referral_service_pb2")
    return agency, referral


def status_name(referral, value):
    """SENT for REFERRAL_STATUS_SENT."""
    return referral.ReferralStatus.Name(value)[len("REFERRAL_STATUS_"):]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def call(channel, method, request, response_type, token):
    rpc = channel.unary_unary(SERVICE + method, request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=response_type.FromString)
    return rpc(request, metadata=[("authorization", "Bearer " + token)], timeout=10)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--addr", required=True, help="HOST:PORT of ccms-employment")
    p.add_argument("--ca", required=True, help="CA of the service's certificate (PEM)")
    p.add_argument("--cert", required=True, help="the agency's partner certificate (PEM)")
    p.add_argument("--key", required=True, help="its private key (PEM)")
    p.add_argument("--token", default=os.environ.get("CCMS_PARTNER_TOKEN", ""),
                   help="bearer token, role partner (default $CCMS_PARTNER_TOKEN)")
    p.add_argument("--server-name", help="name checked in the server's certificate")
    answer = p.add_mutually_exclusive_group()
    answer.add_argument("--accept", metavar="REFERRAL_ID", help="accept this referral")
    answer.add_argument("--decline", metavar="REFERRAL_ID", help="decline this referral")
    p.add_argument("--reason", default="", help="decline code (policy referral.decline_reasons)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="ccms-partner-client.") as workdir:
        agency, referral = load_messages(workdir)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca), private_key=read(args.key),
            certificate_chain=read(args.cert))
        options = []
        if args.server_name:
            options.append(("grpc.ssl_target_name_override", args.server_name))
        with grpc.secure_channel(args.addr, credentials, options=options) as channel:
            try:
                if args.accept or args.decline:
                    req = agency.AnswerAgencyReferralRequest(
                        request_id=str(uuid.uuid4()), referral_id=args.accept or args.decline,
                        to_status=(referral.REFERRAL_STATUS_ACCEPTED if args.accept
                                   else referral.REFERRAL_STATUS_DECLINED),
                        reason_code=args.reason)
                    resp = call(channel, "AnswerAgencyReferral", req,
                                agency.AnswerAgencyReferralResponse, args.token)
                    print("answered %s %s" % (resp.referral.referral_code,
                                              status_name(referral, resp.referral.status)))
                page_token = ""
                while True:
                    resp = call(channel, "ListAgencyReferrals",
                                agency.ListAgencyReferralsRequest(page_size=100,
                                                                  page_token=page_token),
                                agency.ListAgencyReferralsResponse, args.token)
                    for r in resp.referrals:
                        name = "(withheld)" if r.identity_withheld else r.given_name
                        print("%s %s %s %s" % (r.referral_code, r.referral_id,
                                               status_name(referral, r.status), name))
                    page_token = resp.next_page_token
                    if not page_token:
                        break
            except grpc.RpcError as e:
                print("error: %s %s" % (e.code().name, e.details()), file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
