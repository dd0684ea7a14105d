#!/usr/bin/env bash
# Install, test and build the sample app (backend + frontend) without a
# container engine. Safe to run repeatedly, from any directory.
#   examples/app/build.sh [RELEASE [DEST]]
# RELEASE (the image tag the release deploys) becomes the Next.js build id,
# the directory .next/static/<RELEASE>/ the build manifests go in: the same
# release builds the same files, so uploading it again changes nothing.
# Prints the absolute path of the frontend's built static directory
# (.next/static), which the deploy playbook uploads to S3 under _next/static/;
# with DEST, a copy of it made there (DEST is replaced) and DEST's path: a
# copy the next build in this directory does not rewrite while it is uploaded.
# Builds in this directory take turns (flock, where the system has it): npm ci
# and the Next.js build write into it.
# Only that path goes to stdout; npm's output and progress go to stderr, so
#   static_dir="$(examples/app/build.sh)"
# works.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
backend="$here/backend"
frontend="$here/frontend"

# The highest "engines.node" of the two package.json files (next@16 needs it).
min_node="20.9.0"

die() { echo "build.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*" >&2; }

command -v node >/dev/null 2>&1 || die "node is not installed or not on PATH (need Node.js >= $min_node)"
command -v npm >/dev/null 2>&1 || die "npm is not installed or not on PATH (it ships with Node.js >= $min_node)"

node_version="$(node -p 'process.versions.node')" || die "could not run 'node'"
version_ge() { # version_ge A B: true if A >= B (numeric x.y.z)
  local IFS=.
  local -a a=($1) b=($2)
  local i
  for i in 0 1 2; do
    if (( ${a[i]:-0} > ${b[i]:-0} )); then return 0; fi
    if (( ${a[i]:-0} < ${b[i]:-0} )); then return 1; fi
  done
  return 0
}
version_ge "$node_version" "$min_node" \
  || die "Node.js $node_version is too old: next and fastify here need Node.js >= $min_node"

npm_version="$(npm --version)" || die "could not run 'npm'"
version_ge "$npm_version" "7.0.0" \
  || die "npm $npm_version is too old: the lockfiles (lockfileVersion 3) need npm >= 7"

for f in "$backend/package-lock.json" "$frontend/package-lock.json"; do
  [[ -f "$f" ]] || die "missing $f (npm ci needs the lockfile)"
done

export NEXT_TELEMETRY_DISABLED=1
release="${1:-}"
dest="${2:-}"
if [[ -n "$release" ]]; then
  [[ "$release" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] \
    || die "RELEASE '$release' is not an image tag (letters, digits, '_', '.', '-'; at most 128)"
  export NEXT_BUILD_ID="$release"
fi
if [[ -n "$dest" ]]; then
  mkdir -p "$(dirname -- "$dest")"
  dest="$(cd -- "$(dirname -- "$dest")" && pwd)/$(basename -- "$dest")"
  [[ "$(basename -- "$dest")" != / && "$dest/" != "$here/"* ]] || die "DEST '$dest' must be a directory outside $here"
fi
npm_ci=(npm ci --no-audit --no-fund)

# (the lock's descriptor, 9, is closed for npm and what it starts)
if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.build.lock"
  flock 9 || die "could not lock $here/.build.lock"
fi

step "backend: npm ci (node $node_version, npm $npm_version)"
(cd "$backend" && "${npm_ci[@]}") >&2 9>&-

step "backend: npm test"
(cd "$backend" && npm test) >&2 9>&-

step "frontend: npm ci"
(cd "$frontend" && "${npm_ci[@]}") >&2 9>&-

step "frontend: npm run build"
(cd "$frontend" && npm run build) >&2 9>&-

static_dir="$frontend/.next/static"
[[ -d "$static_dir" ]] || die "the frontend build produced no $static_dir"
[[ -f "$frontend/.next/standalone/server.js" ]] \
  || die "the frontend build produced no .next/standalone/server.js (is output: 'standalone' set?)"

if [[ -n "$dest" ]]; then
  rm -rf "$dest"
  cp -R "$static_dir" "$dest"
  static_dir="$dest"
fi

step "done; static assets:"
echo "$static_dir"
