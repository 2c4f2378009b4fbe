#!/usr/bin/env bash
# Makes a development certificate authority and certificates for a local VxDB cluster, with openssl.
#   ops/security/dev-certs.sh OUT_DIR [--force] [--renew] [NAME ...]
# NAMEs default to: node-1 node-2 node-3 coordinator client. For each NAME it writes NAME.pem (the
# certificate) and NAME.key (an unencrypted PKCS#8 EC P-256 key, mode 600), signed by OUT_DIR/ca.pem
# (the CA, with its key OUT_DIR/ca.key). Every certificate names localhost and 127.0.0.1 as subject
# alternative names and may serve (serverAuth) and dial (clientAuth), so one file set serves mutual TLS.
#
# Safe to run again: an existing CA is kept, and so is a certificate the CA signed whose key matches.
#   --renew   issue new certificates (new keys and serials) from the existing CA: certificate rotation
#   --force   make a new CA as well (every certificate signed by the old one stops being trusted)
# Files are written next to their final name and renamed into place, key first, so a server that
# reloads them (tls.reload_interval) never reads half a file.
# These are development certificates: the CA key sits beside them unprotected. Not for production.
set -euo pipefail

usage() { echo "usage: dev-certs.sh OUT_DIR [--force] [--renew] [NAME ...]" >&2; exit 2; }
die() { echo "dev-certs: $*" >&2; exit 1; }

OUT=""
FORCE=0
RENEW=0
NAMES=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --renew) RENEW=1 ;;
    -h|--help) usage ;;
    -*) echo "dev-certs: unknown option '$arg'" >&2; usage ;;
    *) if [[ -z "$OUT" ]]; then OUT="$arg"; else NAMES+=("$arg"); fi ;;
  esac
done
[[ -n "$OUT" ]] || usage
((${#NAMES[@]})) || NAMES=(node-1 node-2 node-3 coordinator client)
for name in "${NAMES[@]}"; do
  [[ "$name" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || die "'$name' is not a valid name: use 1-64 letters, digits, '_' or '-'"
  [[ "$name" != ca ]] || die "'ca' is the CA's own file name; choose another certificate name"
done
command -v openssl >/dev/null 2>&1 || die "openssl not found (ops/install-deps.sh installs it)"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "$OUT/.dev-certs.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
umask 077

ORG="VxDB development"
CA_DAYS=3650
LEAF_DAYS=825

new_key() { # FILE: an EC P-256 key, PKCS#8 PEM ("BEGIN PRIVATE KEY")
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
    -out "$1" 2>/dev/null
}

serial() { # a random positive 128-bit serial
  echo "0x7$(openssl rand -hex 16 | cut -c2-)"
}

describe() { # CERT: "serial S, expires DATE"
  local s e
  s="$(openssl x509 -in "$1" -noout -serial | cut -d= -f2)"
  e="$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)"
  echo "serial $s, expires $e"
}

key_matches() { # CERT KEY
  [[ "$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null)" == "$(openssl pkey -in "$2" -pubout 2>/dev/null)" ]]
}

place() { # KEY CERT NAME: rename the new key, then the new certificate, into place
  mv -f "$1" "$OUT/$3.key"
  chmod 644 "$2"
  mv -f "$2" "$OUT/$3.pem"
}

if ((FORCE)) || [[ ! -f "$OUT/ca.pem" || ! -f "$OUT/ca.key" ]]; then
  new_key "$WORK/ca.key"
  openssl req -new -x509 -key "$WORK/ca.key" -sha256 -days "$CA_DAYS" -set_serial "$(serial)" \
    -subj "/O=$ORG/CN=VxDB development CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$WORK/ca.pem"
  place "$WORK/ca.key" "$WORK/ca.pem" ca
  RENEW=1
  echo "dev-certs: created CA $OUT/ca.pem, key $OUT/ca.key ($(describe "$OUT/ca.pem"))"
else
  key_matches "$OUT/ca.pem" "$OUT/ca.key" || die "$OUT/ca.key does not match $OUT/ca.pem; use --force for a new CA"
  echo "dev-certs: kept CA $OUT/ca.pem ($(describe "$OUT/ca.pem"))"
fi

cat > "$WORK/leaf.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF

for name in "${NAMES[@]}"; do
  cert="$OUT/$name.pem"
  key="$OUT/$name.key"
  if ((!RENEW)) && [[ -f "$cert" && -f "$key" ]] && key_matches "$cert" "$key" \
      && openssl verify -CAfile "$OUT/ca.pem" "$cert" >/dev/null 2>&1; then
    echo "dev-certs: kept $name: $cert, key $key ($(describe "$cert"))"
    continue
  fi
  new_key "$WORK/$name.key"
  openssl req -new -key "$WORK/$name.key" -subj "/O=$ORG/CN=$name" -out "$WORK/$name.csr"
  openssl x509 -req -in "$WORK/$name.csr" -CA "$OUT/ca.pem" -CAkey "$OUT/ca.key" -set_serial "$(serial)" \
    -days "$LEAF_DAYS" -sha256 -extfile "$WORK/leaf.ext" -out "$WORK/$name.pem" 2>/dev/null
  place "$WORK/$name.key" "$WORK/$name.pem" "$name"
  echo "dev-certs: issued $name: $cert, key $key (CN=$name, SAN localhost 127.0.0.1, $(describe "$cert"))"
done
