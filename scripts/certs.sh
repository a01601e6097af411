#!/usr/bin/env bash
# Generates the throwaway certificates of the TLS tests (never committed) into $RXSTOMP_BROKER_DIR/certs:
#   ca.crt/.key                     the test CA every broker's server certificate comes from
#   server.crt/.key/.p12            localhost, 127.0.0.1, ::1 (serverAuth), signed by the CA
#   client.crt/.key/.pfx            a client certificate (clientAuth) for mutual TLS; client.pfx and
#   client-encrypted.key            are protected by the password in client.password
#   expired-server.crt/.key/.pfx    like server, but valid only in 2020
#   other-ca.crt, other-server.*    a server certificate from a CA nobody trusts
#   other-client.crt/.key           a client certificate from that other CA
#   truststore.p12                  the CA for Java (ActiveMQ), password in store.password
# Idempotent: existing certificates are kept (running brokers use them), unless --force.
# Usage: scripts/certs.sh [--force]
set -euo pipefail

DIR="${RXSTOMP_BROKER_DIR:-/tmp/rxstomp-brokers}/certs"
if [ -s "$DIR/complete" ] && [ "${1:-}" != "--force" ]; then
  exit 0
fi
command -v openssl >/dev/null || { echo "certs: openssl not found: run scripts/install-brokers.sh" >&2; exit 1; }

rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
STORE_PASSWORD=rxstomp-store
CLIENT_PASSWORD=rxstomp-client
echo "$STORE_PASSWORD" > store.password
echo "$CLIENT_PASSWORD" > client.password

ca() { # name subject
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout "$1.key" -out "$1.crt" \
    -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# name ca usage san [startdate enddate]: a key and a certificate signed by 'ca' through 'openssl ca', which
# (unlike 'openssl x509 -req') accepts explicit validity dates for the expired certificate.
leaf() {
  local name=$1 issuer=$2 usage=$3 san=$4 start=${5:-} end=${6:-}
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=rxstomp-$name" 2>/dev/null
  local work; work=$(mktemp -d)
  : > "$work/index.txt"
  cat > "$work/ca.conf" <<EOF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = $usage
${san:+subjectAltName = $san}
EOF
  openssl rand -hex 16 > "$work/serial"
  local dates=(-days 825)
  if [ -n "$start" ]; then dates=(-startdate "$start" -enddate "$end"); fi
  openssl ca -batch -config "$work/ca.conf" -extensions ext -cert "$issuer.crt" -keyfile "$issuer.key" \
    "${dates[@]}" -in "$name.csr" -out "$name.crt" -notext 2>/dev/null
  rm -rf "$work" "$name.csr"
}

pfx() { # name password
  openssl pkcs12 -export -in "$1.crt" -inkey "$1.key" -out "$1.${3:-pfx}" -passout "pass:$2" -name "$1"
}

SAN="DNS:localhost,IP:127.0.0.1,IP:::1"
ca ca "rxstomp test CA"
ca other-ca "rxstomp untrusted CA"
leaf server ca serverAuth "$SAN"
leaf client ca clientAuth ""
leaf expired-server ca serverAuth "$SAN" 20200101000000Z 20200102000000Z
leaf other-server other-ca serverAuth "$SAN"
leaf other-client other-ca clientAuth ""

pfx server "$STORE_PASSWORD" p12
pfx client "$CLIENT_PASSWORD"
pfx expired-server "$STORE_PASSWORD"
pfx other-server "$STORE_PASSWORD"
openssl pkey -in client.key -out client-encrypted.key -aes256 -passout "pass:$CLIENT_PASSWORD"

# Java cannot read trusted-certificate entries that OpenSSL 3 writes: keytool makes the truststore.
if command -v keytool >/dev/null; then
  keytool -importcert -noprompt -storetype pkcs12 -keystore truststore.p12 -storepass "$STORE_PASSWORD" \
    -alias rxstomp-ca -file ca.crt >/dev/null 2>&1
fi

# Throwaway keys, read by the brokers' own users (rabbitmq): world-readable on purpose.
chmod 755 "$DIR"
chmod 644 "$DIR"/*
date -u +%FT%TZ > complete
echo "certs: generated in $DIR"
