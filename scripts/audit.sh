#!/usr/bin/env bash
# `make audit`: converge one environment (AUDIT_ENV, prod by default) on a
# private emulator, scan it with Prowler (the pinned version make puts in .audit) over
# the services the stack uses, and fail on any FAIL on the environment's
# resources that audit/mutelist.yml does not accept with a reason
# (scripts/audit_report.py prints the findings by check).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/emulator.sh
env="${AUDIT_ENV:-prod}"
[ -d "inventories/$env" ] || { echo "make audit: AUDIT_ENV=$env is not one of: $(ls inventories | tr '\n' ' ')" >&2; exit 2; }
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"

[ -x .audit/bin/prowler ] || { echo "make audit: Prowler is not in .audit; run make audit, which installs it" >&2; exit 2; }

out="$(mktemp -d)"
emulator_start_private
trap 'emulator_stop_private; rm -rf "$out"' EXIT
echo "==> converging $env on a private emulator ($AWS_ENDPOINT_URL)"
ansible-playbook site.yml -i "inventories/$env" >"$out/converge.log" 2>&1 \
  || { tail -n 40 "$out/converge.log" >&2; echo "make audit: the converge of $env failed" >&2; exit 1; }

# The stack's region, and us-east-1 where CloudFront's web ACL and certificate live.
region="$(.venv/bin/python -c "import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[\"kumo_region\"])" "inventories/$env/group_vars/all/main.yml")"
echo "==> $(.audit/bin/prowler --version) over $region and us-east-1"
.audit/bin/prowler aws --region "$region" us-east-1 \
  --service acm autoscaling cloudfront cloudtrail cloudwatch config ec2 ecr ecs elbv2 guardduty iam kms s3 sns ssm vpc wafv2 \
  --mutelist-file audit/mutelist.yml --output-formats json-ocsf --output-directory "$out" \
  --no-banner --no-color --ignore-exit-code-3 >"$out/prowler.log" 2>&1 \
  || { tail -n 40 "$out/prowler.log" >&2; echo "make audit: Prowler failed" >&2; exit 1; }
.venv/bin/python scripts/audit_report.py --env "$env" "$out"/*.ocsf.json
