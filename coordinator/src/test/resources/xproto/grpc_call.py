#!/usr/bin/env python3
"""Calls one vxdb.v1 RPC with Python grpcio, as a client VxDB did not write would.

usage: grpc_call.py --target HOST:PORT --stubs DIR SERVICE METHOD

Reads requests from stdin, one per line, in the proto3 JSON mapping (google.protobuf.json_format),
calls SERVICE/METHOD once per line and prints one line per call: the reply in the same mapping
(field names as in the .proto, fields at their default value included), or
{"error": {"code": "<status code name>", "details": "<description>"}} when the call failed.
Exits 0 when every line was answered, whatever the answers.
"""
import argparse
import json
import sys


def as_dict(json_format, message):
    """The message in the proto3 JSON mapping, field names as in the .proto, defaults included."""
    try:
        return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                         including_default_value_fields=True)
    except TypeError:  # protobuf 26 renamed the option
        return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                         always_print_fields_with_no_presence=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("service")
    parser.add_argument("method")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    import grpc
    from google.protobuf import json_format
    from vxdb.v1 import vxdb_pb2 as pb
    from vxdb.v1 import vxdb_pb2_grpc as rpc

    method = pb.DESCRIPTOR.services_by_name[args.service].methods_by_name[args.method]
    request_type = getattr(pb, method.input_type.name)
    with grpc.insecure_channel(args.target) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        call = getattr(getattr(rpc, args.service + "Stub")(channel), args.method)
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json_format.Parse(line, request_type())
            try:
                reply = call(request, timeout=30)
                answer = as_dict(json_format, reply)
            except grpc.RpcError as e:
                answer = {"error": {"code": e.code().name, "details": e.details()}}
            print(json.dumps(answer, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
