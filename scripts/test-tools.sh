#!/usr/bin/env bash
# The tools the tests need besides Node: Java 17+ and Maven (the Kafka brokers, resolved from Maven Central by
# test/kafka/), openssl (TLS material) and kcat (the librdkafka client of the codec interop tests).
# Runs before `npm test` (npm's pretest). Installs what is missing from Debian's packages when it can
# (root with apt-get, as on CI), otherwise says what to install and fails.
set -euo pipefail
missing=()
for pair in java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless mvn:maven openssl:openssl kcat:kcat; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
((${#missing[@]} == 0)) && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "installing the test tools: $packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
else
  echo "error: the tests need: $packages" >&2
  echo "hint: sudo apt-get install -y $packages (or your system's equivalent)" >&2
  exit 1
fi
