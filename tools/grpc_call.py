#!/usr/bin/python3
"""A small gRPC client over server reflection, with only Debian's python3-grpcio (1.51).

grpcurl is not packaged in Debian 12; this does the part of it the dev stack needs:

  /usr/bin/python3 tools/grpc_call.py ADDR list
  /usr/bin/python3 tools/grpc_call.py ADDR describe ccms.records.v1.CaseService
  /usr/bin/python3 tools/grpc_call.py ADDR call ccms.records.v1.CaseService/ListCases '{"pageSize": 5}'

TLS when a CA is given: --ca-file, else $CCMS_GRPC_CA_FILE (the dev stack's .run/env sets it), with
the client certificate of --cert-file/--key-file ($CCMS_GRPC_CLIENT_CERT_FILE/_KEY_FILE) and the
name checked in the server's certificate of --server-name ($CCMS_GRPC_TLS_SERVER_NAME); plaintext
when no CA is given. The bearer token is $CCMS_TOKEN (or --token).
The server must serve reflection: the dev stack turns it on (CCMS_GRPC_REFLECTION=true).
Requests and responses are JSON (protobuf's JSON mapping: lowerCamelCase field names).
"""
import argparse
import os
import signal
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

_REFLECTION = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


def _reflection_messages():
    """The reflection protocol's messages, declared here (Debian ships no reflection module).

    proto2, so that a field set to "" (list_services) is still sent."""
    f = descriptor_pb2.FileDescriptorProto(
        name="grpc_call_reflection.proto", package="grpc.reflection.v1alpha", syntax="proto2")
    T = descriptor_pb2.FieldDescriptorProto
    one, many = T.LABEL_OPTIONAL, T.LABEL_REPEATED

    def message(name, *fields):
        m = f.message_type.add(name=name)
        for number, field, kind, label, type_name in fields:
            m.field.add(name=field, number=number, type=kind, label=label,
                        type_name=type_name or None)

    message("ServerReflectionRequest", (1, "host", T.TYPE_STRING, one, ""),
            (4, "file_containing_symbol", T.TYPE_STRING, one, ""),
            (7, "list_services", T.TYPE_STRING, one, ""))
    message("FileDescriptorResponse", (1, "file_descriptor_proto", T.TYPE_BYTES, many, ""))
    message("ServiceResponse", (1, "name", T.TYPE_STRING, one, ""))
    message("ListServiceResponse", (1, "service", T.TYPE_MESSAGE, many, ".grpc.reflection.v1alpha.ServiceResponse"))
    message("ErrorResponse", (1, "error_code", T.TYPE_INT32, one, ""),
            (2, "error_message", T.TYPE_STRING, one, ""))
    message("ServerReflectionResponse",
            (4, "file_descriptor_response", T.TYPE_MESSAGE, one, ".grpc.reflection.v1alpha.FileDescriptorResponse"),
            (6, "list_services_response", T.TYPE_MESSAGE, one, ".grpc.reflection.v1alpha.ListServiceResponse"),
            (7, "error_response", T.TYPE_MESSAGE, one, ".grpc.reflection.v1alpha.ErrorResponse"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    factory = message_factory.MessageFactory(pool)
    get = lambda n: factory.GetPrototype(pool.FindMessageTypeByName("grpc.reflection.v1alpha." + n))
    return get("ServerReflectionRequest"), get("ServerReflectionResponse")


class Reflection:
    def __init__(self, channel, metadata):
        self._request, response = _reflection_messages()
        self._call = channel.stream_stream(_REFLECTION,
                                           request_serializer=self._request.SerializeToString,
                                           response_deserializer=response.FromString)
        self._metadata = metadata

    def ask(self, **fields):
        try:
            (reply,) = list(self._call(iter([self._request(**fields)]), metadata=self._metadata))
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.UNIMPLEMENTED:
                sys.exit("reflection: the server does not serve it; it is on in the dev stack and "
                         "off elsewhere unless CCMS_GRPC_REFLECTION=true (docs/operations.md)")
            sys.exit(f"reflection: {e.code().name}: {e.details()}")
        if reply.HasField("error_response"):
            sys.exit("reflection: " + reply.error_response.error_message)
        return reply

    def services(self):
        return [s.name for s in self.ask(list_services="").list_services_response.service]

    def pool_for(self, symbol):
        """A descriptor pool holding `symbol`'s file and everything it imports."""
        files = {}
        for raw in self.ask(file_containing_symbol=symbol).file_descriptor_response.file_descriptor_proto:
            fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[fd.name] = fd
        pool, added = descriptor_pool.DescriptorPool(), set()

        def add(name):
            if name in added or name not in files:
                return
            for dep in files[name].dependency:
                add(dep)
            pool.Add(files[name])
            added.add(name)

        for name in files:
            add(name)
        return pool


def _read(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        sys.exit(f"grpc_call.py: cannot read the {what} {path}: {e.strerror}")


def _channel(args):
    """TLS when a CA is given (the server verified against it), else plaintext."""
    if not args.ca_file:
        if args.cert_file or args.key_file or args.server_name:
            sys.exit("grpc_call.py: --cert-file, --key-file and --server-name need --ca-file")
        return grpc.insecure_channel(args.addr)
    if bool(args.cert_file) != bool(args.key_file):
        sys.exit("grpc_call.py: --cert-file and --key-file go together")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read(args.ca_file, "CA file"),
        private_key=_read(args.key_file, "client key") if args.key_file else None,
        certificate_chain=_read(args.cert_file, "client certificate") if args.cert_file else None)
    options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
    return grpc.secure_channel(args.addr, credentials, options=options)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addr", help="host:port, e.g. $CCMS_RECORDS_ADDR")
    parser.add_argument("command", choices=["list", "describe", "call"])
    parser.add_argument("target", nargs="?", help="a service (describe) or Service/Method (call)")
    parser.add_argument("json", nargs="?", default="{}", help="the request (call), JSON")
    parser.add_argument("--token", default=os.environ.get("CCMS_TOKEN", ""))
    parser.add_argument("--timeout", type=float, default=10)
    env = os.environ.get
    parser.add_argument("--ca-file", default=env("CCMS_GRPC_CA_FILE", ""),
                        help="CA to verify the server against (TLS); empty: plaintext")
    parser.add_argument("--cert-file", default=env("CCMS_GRPC_CLIENT_CERT_FILE", ""),
                        help="client certificate (PEM) to present")
    parser.add_argument("--key-file", default=env("CCMS_GRPC_CLIENT_KEY_FILE", ""),
                        help="its private key (PEM)")
    parser.add_argument("--server-name", default=env("CCMS_GRPC_TLS_SERVER_NAME", ""),
                        help="name checked in the server's certificate instead of ADDR's host")
    args = parser.parse_args()
    metadata = [("authorization", "Bearer " + args.token)] if args.token else []
    with _channel(args) as channel:
        reflection = Reflection(channel, metadata)
        if args.command == "list":
            print("\n".join(reflection.services()))
            return
        if not args.target:
            sys.exit("grpc_call.py: name a service or Service/Method")
        service_name, _, method_name = args.target.partition("/")
        service = reflection.pool_for(service_name).FindServiceByName(service_name)
        if args.command == "describe":
            for m in service.methods:
                print(f"rpc {m.name}({m.input_type.full_name}) returns ({m.output_type.full_name})")
            return
        method = service.methods_by_name.get(method_name)
        if method is None:
            sys.exit(f"grpc_call.py: {service_name} has no method {method_name!r}")
        factory = message_factory.MessageFactory(method.input_type.file.pool)
        request_type = factory.GetPrototype(method.input_type)
        response_type = factory.GetPrototype(method.output_type)
        call = channel.unary_unary(f"/{service_name}/{method_name}",
                                   request_serializer=request_type.SerializeToString,
                                   response_deserializer=response_type.FromString)
        try:
            response = call(json_format.Parse(args.json, request_type()), metadata=metadata,
                            timeout=args.timeout)
        except grpc.RpcError as e:
            sys.exit(f"{e.code().name}: {e.details()}")
        print(json_format.MessageToJson(response, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
