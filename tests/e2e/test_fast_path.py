"""The fast path (kumo.platform.layer, kumo_refresh=fast): a layer that is as
its last full converge left it is skipped after a few batched reads, and a
layer that drifted converges in full.

The shared stacks' second run uses kumo_refresh=full, so every module still
proves itself idempotent; these tests check what the default run does.
"""

import pytest

from kumo_testlib import LAYERS, account_inventory, is_write, managed_resources

pytestmark = pytest.mark.e2e

# The target for a no-op run: API calls per managed resource.
MAX_CALLS_PER_RESOURCE = 1.5


def test_a_noop_run_skips_every_layer_reads_little_and_writes_nothing(stacks, env):
    stack = stacks[env]
    stack.converged()
    stack.emulator.clear_requests()
    run = stack.run()
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()
    requests = stack.emulator.requests()
    writes = [(r["service"], r["action"]) for r in requests if is_write(r)]
    assert writes == [], writes
    for layer in LAYERS:
        assert f"{layer}: as recorded after its last full converge" in run.output, layer
    resources = managed_resources(account_inventory(stack.emulator, env))
    assert len(requests) / resources < MAX_CALLS_PER_RESOURCE, (len(requests), resources)
    print(f"fast no-op {env}: {len(requests)} calls for {resources} resources")


def test_each_layer_has_a_tagged_record(stacks, env):
    stack = stacks[env]
    stack.converged()
    ssm = stack.client("ssm")
    records = ssm.get_parameters_by_path(Path=f"/kumo/kumo-{env}/layer-state")["Parameters"]
    assert sorted(p["Name"].rsplit("/", 1)[1] for p in records) == sorted(LAYERS)
    for parameter in records:
        tags = {
            t["Key"]: t["Value"]
            for t in ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=parameter["Name"])["TagList"]
        }
        layer = parameter["Name"].rsplit("/", 1)[1]
        assert tags == {
            "Project": "kumo",
            "Environment": env,
            "ManagedBy": "ansible",
            "Name": f"kumo-{env}-{layer}-state",
        }


@pytest.mark.xdist_group(name="prod")
def test_drift_in_one_layer_converges_that_layer_only(stacks):
    """A rule removed from the ALB security group (network layer): the network
    layer converges in full and puts it back; its record is unchanged after the
    repair, so the layers above stay skipped."""
    stack = stacks["prod"]
    stack.converged()
    ec2 = stack.client("ec2")
    [group] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["kumo-prod-alb"]}])[
        "SecurityGroups"
    ]
    https = [p for p in group["IpPermissions"] if p.get("FromPort") == 443]  # from CloudFront's prefix list
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=https)

    repair = stack.run()
    assert repair.returncode == 0, repair.tail()
    assert "network: full converge: drift in security_groups" in repair.output, repair.tail()
    for layer in LAYERS[1:]:
        assert f"{layer}: as recorded after its last full converge" in repair.output, layer
    [now] = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"]
    assert any(p.get("FromPort") == 443 for p in now["IpPermissions"])
    assert stack.run().changed == 0
