#!/usr/bin/env bash
# Vendor YASGUI (the SPARQL editor) from the npm registry into the package's static files.
# Runs at install time; the files are not kept in git. No CDN is used at run time.
set -euo pipefail
VERSION=4.6.2
DEST=kgbp/web/static/vendor/yasgui
[ -f "$DEST/yasgui.min.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@zazuko/yasgui@$VERSION" >/dev/null 2>&1)
tar -xzf "$tmp"/zazuko-yasgui-$VERSION.tgz -C "$tmp" package/build/yasgui.min.js package/build/yasgui.min.css package/LICENSE 2>/dev/null \
  || tar -xzf "$tmp"/zazuko-yasgui-$VERSION.tgz -C "$tmp" package/build/yasgui.min.js package/build/yasgui.min.css
mkdir -p "$DEST"
cp "$tmp"/package/build/yasgui.min.js "$tmp"/package/build/yasgui.min.css "$DEST"/
[ -f "$tmp/package/LICENSE" ] && cp "$tmp/package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"
echo "vendored YASGUI $VERSION into $DEST"
