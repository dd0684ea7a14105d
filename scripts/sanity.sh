#!/usr/bin/env bash
# `make sanity`: build the collection, install the tarball into a scratch
# collections tree beside amazon.aws and community.aws, and run
# `ansible-test sanity --local` there (no containers).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ansible-galaxy collection build --force --output-path "$work/build" . >/dev/null
tarball=$(ls "$work"/build/kumo-platform-*.tar.gz)
ANSIBLE_COLLECTIONS_PATH="$work/c" ansible-galaxy collection install --force --no-deps -p "$work/c" "$tarball" >/dev/null

# The dependencies come from the pinned `ansible` package.
site=$(.venv/bin/python -c 'import ansible_collections.amazon.aws as m, os; print(os.path.dirname(os.path.dirname(list(m.__path__)[0])))')
mkdir -p "$work/c/ansible_collections/amazon" "$work/c/ansible_collections/community"
ln -s "$site/amazon/aws" "$work/c/ansible_collections/amazon/aws"
ln -s "$site/community/aws" "$work/c/ansible_collections/community/aws"

# ansible-test bootstraps pip in each sanity venv with a script it downloads
# from ci-files.testing.ansible.com; where that host is out of reach, the
# interpreter's own ensurepip does the same job.
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
for version in 24.2; do
  script="$cache/get_pip_${version//./_}.py"
  [ -s "$script" ] || printf 'import ensurepip\nensurepip.bootstrap(upgrade=True)\n' >"$script"
done

cd "$work/c/ansible_collections/kumo/platform"
ansible-test sanity --local --python 3.11 --color no "$@"
