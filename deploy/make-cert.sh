#!/usr/bin/env bash
# Makes a self-signed TLS certificate for nginx: samesong.crt and samesong.key.
#
#   deploy/make-cert.sh [HOST] [FOLDER]
#
# HOST    the name (or IP address) browsers use to reach Samesong; default localhost. The
#         certificate names it, and also localhost, 127.0.0.1 and ::1.
# FOLDER  where the two files go; default deploy/nginx/certs, which compose mounts into nginx.
#
# Browsers warn about a self-signed certificate until it is trusted by hand. For a public host use
# a certificate from a real authority (e.g. Let's Encrypt) saved under the same two names instead.
set -euo pipefail

host="${1:-localhost}"
dir="${2:-$(cd "$(dirname "$0")" && pwd)/nginx/certs}"

if [[ "$host" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || "$host" =~ ^[0-9A-Fa-f:]+:[0-9A-Fa-f:]*$ ]]; then
  first="IP:$host"
elif [[ "$host" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ && ${#host} -le 253 ]]; then
  first="DNS:$host"
else
  echo "make-cert.sh: '$host' is neither a host name nor an IP address" >&2
  exit 2
fi
names="$first"
for extra in DNS:localhost IP:127.0.0.1 IP:::1; do
  [ "$extra" = "$first" ] || names="$names,$extra"
done

mkdir -p "$dir"
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
# a configuration of its own: the system's openssl.cnf would add CA extensions to a server
# certificate
cat >"$config" <<EOF
[req]
distinguished_name = subject
prompt = no
x509_extensions = server

[subject]
CN = $host

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $names
EOF

# 825 days: the longest validity Apple's platforms accept for a TLS server certificate
(umask 077 && openssl req -x509 -newkey rsa:2048 -sha256 -days 825 -nodes -config "$config" \
  -keyout "$dir/samesong.key" -out "$dir/samesong.crt" 2>/dev/null) || {
  echo "make-cert.sh: openssl could not make the certificate" >&2
  exit 1
}
chmod 644 "$dir/samesong.crt"
echo "self-signed certificate for $names in $dir (samesong.crt, samesong.key)"
