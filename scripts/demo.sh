#!/usr/bin/env bash
# `make demo`: start (or reuse) the emulator, build the dev stack on it, build
# the sample application (examples/app: the backend's tests, the frontend's
# Next.js build), deploy it as a release of both services with ecspresso (the
# static assets to S3, /_next/static/* invalidated), and print what is live.
# Run it again and nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/emulator.sh
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_DISPLAY_OK_HOSTS=false

# The release is the commit the sample app is built from: the tag the GitHub
# workflow gives the images it builds and pushes to ECR (a container engine's
# work, not done here), the Next.js build id of the static assets.
commit="$(git rev-parse HEAD 2>/dev/null)" \
  || { echo "make demo: the release is named after the commit; run it from a git clone" >&2; exit 1; }
release="${commit::12}"
echo "==> building the sample application (examples/app) for release $release"
# A copy of the static assets the demo uploads, beside the emulator's state:
# another build of examples/app cannot rewrite it meanwhile.
static_dir="$(examples/app/build.sh "$release" "$STATE_DIR/static")"

if emulator_running; then
  echo "==> reusing the emulator on port $(cat "$STATE_DIR/port")"
else
  echo "==> starting the AWS emulator (moto, patched) on loopback"
  EMULATOR_PORT=${EMULATOR_PORT:-0} _emulator_spawn "$STATE_DIR"
fi
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$STATE_DIR/port")"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=ap-northeast-1
echo "    AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL"

echo "==> building the dev stack: ansible-playbook site.yml -i inventories/dev (changed tasks are shown)"
ansible-playbook site.yml -i inventories/dev

echo "==> deploying release $release with $(ecspresso version): ansible-playbook playbooks/deploy.yml -e image_tag=$release"
ansible-playbook playbooks/deploy.yml -i inventories/dev -e image_tag="$release" -e deploy_static_dir="$static_dir"

echo "==> what is live now"
ANSIBLE_DISPLAY_OK_HOSTS=true ansible-playbook playbooks/summary.yml -i inventories/dev
cat <<MSG
The emulator keeps running: export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
and run ansible-playbook against it; \`make emulator-stop\` stops it.
MSG
