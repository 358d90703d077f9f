#!/bin/sh
# Installs what the Spring SpEL conformance test needs (Debian packages), only if missing:
# a JDK (javac), Spring's expression language and Jackson. Safe to run again.
set -eu

PACKAGES="libspring-expression-java libspring-core-java libjackson2-databind-java libcommons-logging-java"
missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
if ! command -v javac >/dev/null 2>&1; then
  missing="$missing openjdk-17-jdk-headless"
fi

if [ -z "$missing" ]; then
  echo "Spring SpEL conformance: dependencies already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Spring SpEL conformance: installing$missing"
$SUDO apt-get update
# shellcheck disable=SC2086 # the package list is meant to split
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
