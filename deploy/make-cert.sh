#!/usr/bin/env bash
# Makes a self-signed TLS certificate for nginx (deploy/nginx/certs/samesong.{crt,key}).
# Usage: deploy/make-cert.sh [hostname]   (default: localhost). Browsers will warn: it is self-signed.
set -euo pipefail
host="${1:-localhost}"
dir="$(cd "$(dirname "$0")" && pwd)/nginx/certs"
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -sha256 -days 825 -nodes \
  -keyout "$dir/samesong.key" -out "$dir/samesong.crt" \
  -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 600 "$dir/samesong.key"
echo "certificate for $host in $dir"
