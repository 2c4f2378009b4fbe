#!/usr/bin/env python3
"""Calls one gRPC method over TLS with Python grpcio, as a client VxDB did not write would.

usage: grpc_tls_call.py --target HOST:PORT --ca CA.pem [--cert CERT.pem --key KEY.pem]
                        [--metadata NAME=VALUE ...] [--request-hex HEX] METHOD

METHOD is the full path, e.g. /grpc.health.v1.Health/Check. The request is the serialized message
given in hex (default: empty, every field at its default), so no generated stubs are needed.
Credentials: grpc.ssl_channel_credentials with the CA as root certificates and, for mutual TLS, the
certificate chain and private key. Prints one JSON line: {"reply_hex": "..."} or
{"error": {"code": "<status code name>", "details": "..."}}; exits 0 either way.
"""
import argparse
import json

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--metadata", action="append", default=[])
    parser.add_argument("--request-hex", default="")
    parser.add_argument("method")
    args = parser.parse_args()

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key) if args.key else None,
        certificate_chain=read(args.cert) if args.cert else None)
    metadata = [tuple(m.split("=", 1)) for m in args.metadata]
    with grpc.secure_channel(args.target, credentials) as channel:
        call = channel.unary_unary(args.method)  # bytes in, bytes out
        try:
            reply = call(bytes.fromhex(args.request_hex), timeout=30, metadata=metadata or None)
            answer = {"reply_hex": reply.hex()}
        except grpc.RpcError as e:
            answer = {"error": {"code": e.code().name, "details": e.details()}}
    print(json.dumps(answer, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
