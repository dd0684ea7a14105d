#!/usr/bin/env bash
# `make ecspresso`: put an ecspresso v2 at $BIN/ecspresso, or fail saying why.
#   1. an ecspresso already there that runs is kept;
#   2. go install $MODULE@$VERSION (the newest v2);
#   3. where the Go module proxy refuses it, build the release source archive
#      named by ECSPRESSO_SRC (top directory ecspresso-X.Y.Z/, as
#      `git archive --prefix=ecspresso-X.Y.Z/ vX.Y.Z` makes), its version set
#      with -ldflags -X main.Version.
# Deploy is part of the product: no binary, no install.
set -euo pipefail
: "${BIN:?}" "${MODULE:?}" "${VERSION:?}"
src=${ECSPRESSO_SRC:-}
target="$BIN/ecspresso"

if [ -x "$target" ] && found=$("$target" version 2>/dev/null); then
  echo "==> keeping $target ($found)"
  exit 0
fi
mkdir -p "$BIN"
log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT

fail() {  # $1: what go install answered, $2: what became of ECSPRESSO_SRC
  {
    echo "ERROR: no ecspresso at $target, and deploy needs it."
    echo "  go install $MODULE@$VERSION answered:"
    sed 's/^/    /' <<<"$1"
    echo "  $2."
    echo "  Fix: make install ECSPRESSO_SRC=path/to/ecspresso-X.Y.Z.tar.gz (a release source archive),"
    echo "  or put an ecspresso v2 >= 2.3.0 at $target."
  } >&2
  exit 1
}

command -v go >/dev/null || fail "go is not on PATH" "ECSPRESSO_SRC cannot be built without go either"

echo "==> go install $MODULE@$VERSION"
if GOBIN="$BIN" go install "$MODULE@$VERSION" >"$log" 2>&1 && "$target" version; then
  exit 0
fi
install_answer=$(tail -n 3 "$log")

[ -n "$src" ] || fail "$install_answer" "ECSPRESSO_SRC is unset"
[ -f "$src" ] || fail "$install_answer" "ECSPRESSO_SRC=$src does not exist"
top=$(tar -tzf "$src" 2>/dev/null | awk -F/ 'NR == 1 {print $1}')
version=${top#ecspresso-}
if [[ "$top" != ecspresso-* || ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  fail "$install_answer" "ECSPRESSO_SRC=$src is not an ecspresso release archive (its top directory is '$top', not ecspresso-X.Y.Z/)"
fi
echo "==> go install failed; building ecspresso v$version from $src"
if tar -xzf "$src" -C "$work" >"$log" 2>&1 \
  && (cd "$work/$top" && go build -trimpath -ldflags "-s -w -X main.Version=v$version" -o "$target" ./cmd/ecspresso) >>"$log" 2>&1 \
  && "$target" version; then
  exit 0
fi
rm -f "$target"
fail "$install_answer" "ECSPRESSO_SRC=$src failed to build: $(tail -n 3 "$log")"
