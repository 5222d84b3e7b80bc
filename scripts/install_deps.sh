#!/usr/bin/env bash
# Installs the Debian packages blis needs, only those missing (Debian 12 "bookworm").
set -euo pipefail
packages=(build-essential cmake pkg-config python3
          libluajit-5.1-dev libyaml-cpp-dev libfmt-dev doctest-dev libxxhash-dev
          zlib1g-dev  # gzip'd profile tables of the profiled latency model
          locales  # localedef, for the de_DE.UTF-8 test of tests/safety
          clang-14 libclang-rt-14-dev)  # clang: the libFuzzer harnesses (make test-fuzz)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
