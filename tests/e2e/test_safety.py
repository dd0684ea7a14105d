"""The operator is never surprised: plan mode writes nothing, retries carry a
converge through throttling and server errors, teardown refuses prod unless told.

Tests that count or break every request get an emulator of their own; the
drift and fault-injection tests reuse stacks that are built anyway (the
shared dev and prod stacks; the stack built through the fault injector is the
one tests/e2e/test_deploy.py then deploys to and tears down).
"""

import pytest

from kumo_testlib import FAULT_RATE, account_inventory, run_playbook, sampled

pytestmark = pytest.mark.e2e


def assert_no_write(emulator, what):
    writes = emulator.writes()
    assert writes == [], f"{what} wrote: {[(w['service'], w['action']) for w in writes][:20]}"


def test_plan_on_an_empty_account_lists_the_changes_and_writes_nothing(emulator):
    emulator.clear_requests()
    plan = run_playbook(emulator, inventory="inventories/prod", check=True, diff=True)
    assert plan.returncode == 0, plan.tail()
    assert plan.changed > 0
    assert any(task.endswith("Create the VPC") for task in plan.changed_tasks()), plan.changed_tasks()
    for layer in ("endpoints", "ecs_capacity", "alb", "cdn_waf", "monitoring"):
        assert f"Plan: the {layer} layer needs" in plan.output, layer
    assert_no_write(emulator, "a plan on an empty account")
    assert all(not names for names in account_inventory(emulator, "prod").values())


@sampled("prod")
def test_a_plan_of_the_converged_stack_shows_no_change_and_writes_nothing(stacks, env):
    stack = stacks[env]
    stack.converged()
    stack.emulator.clear_requests()
    plan = stack.run(check=True, diff=True, refresh="full")
    assert plan.returncode == 0, plan.tail()
    assert plan.changed == 0, plan.changed_tasks()
    assert_no_write(stack.emulator, "a plan of the converged stack")


# On the shared dev stack (in the dev group), which the last converge puts back.
@pytest.mark.xdist_group(name="dev")
def test_plan_on_a_drifted_account_shows_the_drift_and_writes_nothing(stacks):
    stack = stacks["dev"]
    stack.converged()
    emulator = stack.emulator
    autoscaling = emulator.client("autoscaling")
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="kumo-dev-ecs", MaxSize=7)
    ec2 = emulator.client("ec2")
    [group] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["kumo-dev-alb"]}])[
        "SecurityGroups"
    ]
    https = [p for p in group["IpPermissions"] if p.get("FromPort") == 443]  # from CloudFront's prefix list
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=https)

    def max_size():
        return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["kumo-dev-ecs"])["AutoScalingGroups"][0][
            "MaxSize"
        ]

    def opens_https():
        [now] = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"]
        return any(p.get("FromPort") == 443 for p in now["IpPermissions"])

    emulator.clear_requests()
    plan = run_playbook(emulator, inventory="inventories/dev", check=True, diff=True)
    assert plan.returncode == 0, plan.tail()
    assert_no_write(emulator, "a plan on a drifted account")
    changed = plan.changed_tasks()
    assert any("Auto Scaling group" in task for task in changed), changed
    asg_plan = plan.output[plan.output.find("Plan the changes to the existing Auto Scaling group") :][:600]
    assert "max_size" in asg_plan and "min_size" not in asg_plan, asg_plan
    assert any("security group" in task.lower() for task in changed), changed
    assert (max_size(), opens_https()) == (7, False)

    repair = stack.run(tags=["network", "ecs_capacity"])  # the two drifted layers
    assert repair.returncode == 0, repair.tail()
    assert (max_size(), opens_https()) == (3, True)


# With test_deploy's prod story, which then deploys to this stack (tests/conftest.py).
@pytest.mark.xdist_group(name="release-prod")
def test_the_prod_converge_survives_throttling_and_server_errors(faulty_prod):
    _, run, injected, inventory, rerun, after = faulty_prod
    assert run.returncode == 0, run.tail()
    assert injected["throttle"] > 0 and injected["error"] > 0, injected
    # Nothing twice (instances aside, which are listed by id prefix) ...
    doubled = {kind: names for kind, names in inventory.items() if kind != "instance" and len(set(names)) < len(names)}
    assert doubled == {}
    # ... and nothing missing or wrong: a clean converge of every task changes nothing.
    assert rerun.returncode == 0, rerun.tail()
    assert rerun.changed == 0, rerun.changed_tasks()
    assert after == inventory
    assert {"vpc", "nat_gateway", "load_balancer", "cloudfront_distribution", "guardduty_detector"} <= set(inventory)
    print(f"faults survived at rate {FAULT_RATE}: {injected}")


def test_teardown_refuses_prod_without_confirmation(emulator):
    emulator.clear_requests()
    run = run_playbook(emulator, playbook="playbooks/teardown.yml", inventory="inventories/prod")
    assert run.returncode != 0
    assert "teardown_confirm=prod" in run.output
    assert emulator.requests() == []
