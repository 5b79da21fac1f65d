#!/usr/bin/env bash
# Debian packages the build and the tests need: a C++ toolchain for the native addons
# (the HNSW index binding), openssl, which the TLS tests use to make their certificates, and
# prometheus / prometheus-alertmanager, whose promtool and amtool check the generated alert
# rules and Alertmanager config, and whose servers the monitoring integration test
# (apps/server/test/prometheus) runs against a real Needle server; and chromium, the browser
# the Playwright tests of e2e/ drive (Playwright cannot download its own here) with a font to
# render pages in.
# Safe to run again; does nothing when all are present.
set -euo pipefail

packages=(python3 make g++ openssl prometheus prometheus-alertmanager chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
