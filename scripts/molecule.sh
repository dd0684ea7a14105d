#!/usr/bin/env bash
# Run every molecule scenario (one per role) against a private emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/emulator.sh
emulator_start_private
trap emulator_stop_private EXIT
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
scenarios=${MOLECULE_SCENARIOS:-$(ls extensions/molecule | grep -v '^shared$')}
for scenario in $scenarios; do
  echo "==> molecule test -s $scenario"
  molecule test -s "$scenario"
done
