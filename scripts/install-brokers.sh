#!/usr/bin/env bash
# Installs the real STOMP brokers the integration tests run against (Debian 12):
# RabbitMQ (STOMP + Web-STOMP plugins ship inside rabbitmq-server), ActiveMQ Classic
# (pulls a Java runtime) and openssl (throwaway TLS certificates in test set-up).
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

packages=(rabbitmq-server activemq openssl)

missing=()
for p in "${packages[@]}"; do
  # dpkg-query exits 0 even for "deinstall" states, so check the status text.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-brokers: already installed: ${packages[*]}"
  exit 0
fi

# Root on CI and on the dev machines; fall back to sudo elsewhere.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "install-brokers: installing ${missing[*]}"
start=$SECONDS
# The package lists may be empty or stale on a fresh machine.
$SUDO apt-get update -qq
# --no-install-recommends: the only recommendation dropped is velocity (for activemq),
# which the broker does not need; it saves download time.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-brokers: done in $((SECONDS - start)) s"
