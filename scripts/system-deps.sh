#!/usr/bin/env bash
# Install the Debian packages the test suites need, only when missing.
set -euo pipefail
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)      # HermiT reasoner test
command -v chromium >/dev/null 2>&1 || need+=(chromium)               # browser tests
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# diagrams: text is measured and drawn with Noto Sans CJK; PNG needs cairo (no pipes into grep -q: pipefail)
[[ "$(fc-list : family 2>/dev/null)" == *"Noto Sans CJK"* ]] || need+=(fonts-noto-cjk fontconfig)
[[ "$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null)" == *libcairo.so.2* ]] || need+=(libcairo2)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-impress)    # slides: exported .pptx opened headless
# slides name Arial (and Microsoft YaHei, falling back to Noto Sans CJK): Liberation Sans has Arial's metrics
[[ "$(fc-list : family 2>/dev/null)" == *"Liberation Sans"* ]] || need+=(fonts-liberation2)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)          # slides: its PDF turned into a PNG
[ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc)  # meeting pack: its .xlsx opened headless
# SPARQL clients test: Apache Jena's jars, and a JDK to compile the small Java client against them
[ -f /usr/share/java/jena-rdfconnection.jar ] || need+=(libapache-jena-java)
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# store suite: Virtuoso 7 as the external SPARQL server (binaries only; scripts/virtuoso.sh runs it)
bash "$(dirname "$0")/virtuoso.sh" install
