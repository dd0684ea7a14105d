#!/usr/bin/env python3
"""make audit's verdict on a Prowler scan (OCSF JSON) of one environment.

A finding is the environment's when its resource is: named or tagged for it
(``kumo-<env>``, ``Environment=<env>``), or in its VPC, or one of the instances
its Auto Scaling group launched or their volumes (which carry no tags). Prowler
has already marked the findings audit/mutelist.yml accepts (status
``Suppressed``). This prints the environment's FAILs by check, accepted and
open, and the account-wide FAILs outside it (not gated: an account's IAM
password policy, say, is not this stack's), and exits 1 when any is open.

    scripts/audit_report.py --env prod OUTPUT.ocsf.json
"""

import argparse
import collections
import json
import sys

import boto3
import yaml

MUTELIST = "audit/mutelist.yml"


def env_ids(env):
    """Ids of the environment's untagged resources, read from the account."""
    ec2 = boto3.client("ec2")
    ids = set()
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [env]}])["Vpcs"]
    ids.update(v["VpcId"] for v in vpcs)
    if vpcs:
        acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": sorted(ids)}])["NetworkAcls"]
        ids.update(a["NetworkAclId"] for a in acls)
    autoscaling = boto3.client("autoscaling")
    for group in autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"kumo-{env}-ecs"])[
        "AutoScalingGroups"
    ]:
        instances = [i["InstanceId"] for i in group["Instances"]]
        ids.update(instances)
        if instances:
            for reservation in ec2.describe_instances(InstanceIds=instances)["Reservations"]:
                for instance in reservation["Instances"]:
                    ids.update(b["Ebs"]["VolumeId"] for b in instance.get("BlockDeviceMappings", []))
    return ids


def is_env(finding, env, ids):
    for resource in finding.get("resources", []):
        text = json.dumps(resource)
        if f"kumo-{env}" in text or f"Environment:{env}" in resource.get("labels", []):
            return True
        if any(i in text for i in ids):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True)
    parser.add_argument("--mutelist", default=MUTELIST)
    parser.add_argument("report")
    args = parser.parse_args()
    with open(args.report, encoding="utf-8") as handle:
        findings = [f for f in json.load(handle) if f["status_code"] == "FAIL"]
    ids = env_ids(args.env)
    ours = [f for f in findings if is_env(f, args.env, ids)]
    accepted = collections.Counter(f["metadata"]["event_code"] for f in ours if f["status"] == "Suppressed")
    open_ = [f for f in ours if f["status"] != "Suppressed"]
    outside = collections.Counter(f["metadata"]["event_code"] for f in findings if f not in ours)
    version = findings[0]["metadata"]["product"]["version"] if findings else "?"

    checks = {f["metadata"]["event_code"] for f in ours}
    print(
        f"Prowler {version} on {args.env}'s resources: {len(ours)} FAIL in {len(checks)} checks; "
        f"{sum(accepted.values())} in {len(accepted)} checks accepted by audit/mutelist.yml, "
        f"{len(open_)} in {len({f['metadata']['event_code'] for f in open_})} checks open"
    )
    for check, count in sorted(accepted.items()):
        print(f"  accepted  {count:3}  {check}")
    for finding in sorted(open_, key=lambda f: (f["metadata"]["event_code"], f["status_detail"])):
        print(f"  OPEN           {finding['metadata']['event_code']}: {finding['status_detail']}")
    total = sum(outside.values())
    print(f"Outside {args.env}'s resources (account-wide, not gated): {total} FAIL in {len(outside)} checks")
    for check, count in sorted(outside.items()):
        print(f"  account   {count:4}  {check}")
    with open(args.mutelist, encoding="utf-8") as handle:
        listed = set(yaml.safe_load(handle)["Mutelist"]["Accounts"]["*"]["Checks"])
    unused = sorted(listed - set(accepted))
    if unused:
        print(f"Entries of {args.mutelist} no FAIL on {args.env}'s resources needed: {', '.join(unused)}")
    if open_:
        print(f"make audit: {len(open_)} FAIL on {args.env}'s resources not in {args.mutelist}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
