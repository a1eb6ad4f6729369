#!/usr/bin/env bash
# Vendor the API documentation pages' assets (Swagger UI for /docs, ReDoc for /redoc) and axe-core
# (the browser suite's accessibility check) from the npm registry. Runs at install time; the
# files are not kept in git. No CDN is used at run time: /docs and /redoc work offline.
set -euo pipefail
SWAGGER=5.17.14
REDOC=2.1.5
AXE=4.10.2
DEST=kgbp/web/static/vendor
STAMP="$DEST/docs.VERSION"
WANT="swagger-ui-dist@$SWAGGER redoc@$REDOC axe-core@$AXE"
[ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() {  # package version dest files...
  local pkg=$1 version=$2 dest=$3; shift 3
  mkdir -p "$tmp/$pkg" "$dest"
  (cd "$tmp/$pkg" && npm pack --silent "$pkg@$version" >/dev/null 2>&1)
  tar -xzf "$tmp/$pkg"/*.tgz -C "$tmp/$pkg"
  for f in "$@"; do cp "$tmp/$pkg/package/$f" "$dest/"; done
  [ -f "$tmp/$pkg/package/LICENSE" ] && cp "$tmp/$pkg/package/LICENSE" "$dest/LICENSE"
  echo "$version" > "$dest/VERSION"
}
fetch swagger-ui-dist "$SWAGGER" "$DEST/swagger-ui" swagger-ui-bundle.js swagger-ui.css
fetch redoc "$REDOC" "$DEST/redoc" bundles/redoc.standalone.js
fetch axe-core "$AXE" "$DEST/axe-core" axe.min.js
echo "$WANT" > "$STAMP"
echo "vendored $WANT into $DEST"
