#!/usr/bin/python3
"""Prints what one ccms event carries, for the e2e scripts' "codes only" checks.

  /usr/bin/python3 tests/e2e/event_fields.py EVENT.bin

EVENT.bin is one Kafka record value (a ccms.events.v1.Envelope, as `kcat -c 1 -f '%s'` writes
it). Prints "type TYPE", "payload MESSAGE", then one line "FIELD VALUE" per field set in the
payload, unpacked from the envelope's Any with the message classes generated from proto/ by the
system protoc (as docs/examples/partner_client.py does).
"""
import glob
import importlib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOOGLEAPIS = os.environ.get("CCMS_GOOGLEAPIS_DIR",
                            "/usr/share/gocode/src/github.com/gogo/googleapis")


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    with tempfile.TemporaryDirectory(prefix="ccms-event-fields.") as workdir:
        proto_dir = os.path.join(ROOT, "proto")
        protos = sorted(os.path.relpath(p, proto_dir)
                        for p in glob.glob(os.path.join(proto_dir, "ccms", "*", "v1", "*.proto")))
        subprocess.run(["protoc", "--python_out=" + workdir, "-I", proto_dir, "-I", GOOGLEAPIS]
                       + protos + ["google/type/date.proto"], check=True)
        sys.path.insert(0, workdir)
        envelope_pb2 = importlib.import_module("ccms.events.v1.envelope_pb2")
        from google.protobuf import symbol_database
        for p in protos:  # registers every payload type for the Any
            importlib.import_module(p[:-len(".proto")].replace("/", ".") + "_pb2")
        envelope = envelope_pb2.Envelope.FromString(raw)
        name = envelope.payload.TypeName()
        payload = symbol_database.Default().GetSymbol(name)()
        envelope.payload.Unpack(payload)
        print("type %s" % envelope.type)
        print("payload %s" % name)
        for field, value in payload.ListFields():
            print("%s %s" % (field.name, str(value).replace("\n", " ")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
