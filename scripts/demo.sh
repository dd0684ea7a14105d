#!/usr/bin/env bash
# `make demo`: start (or reuse) the emulator, build the dev stack on it, deploy
# a release of both services with ecspresso (static assets from
# examples/demo-static, the stand-in for a Next.js build), and print what is
# live. Run it again and nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/emulator.sh
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_DISPLAY_OK_HOSTS=false

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

# The images themselves need a container engine and a push to ECR, which the
# GitHub workflow does; here the task definitions name the tag it would push.
echo "==> deploying release 'demo' with $(ecspresso version): ansible-playbook playbooks/deploy.yml -e image_tag=demo"
ansible-playbook playbooks/deploy.yml -i inventories/dev -e image_tag=demo -e deploy_static_dir="$PWD/examples/demo-static"

echo "==> what is live now"
ANSIBLE_DISPLAY_OK_HOSTS=true ansible-playbook playbooks/summary.yml -i inventories/dev
cat <<MSG
The emulator keeps running: export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
and run ansible-playbook against it; \`make emulator-stop\` stops it.
MSG
