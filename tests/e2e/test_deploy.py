"""playbooks/deploy.yml on the emulator (SPEC.md "Deploy", "ECS capacity" tasks,
per-environment task size, service auto scaling, X-Ray sidecar, ECS.2/4/8/9).

ecspresso cannot be built here, so the deploy runs a FAKE ecspresso
(tests/fake_ecspresso.py) that registers the task definition, creates or
updates the service in the emulator with boto3 and waits for it to be stable
(the emulator reports running tasks: MOTO_ECS_SERVICE_RUNNING, emulator/server.py);
nothing here claims the real binary ran.

The fixture runs the whole release sequence once per environment and records
what it reads back after each step, so the tests do not depend on their order
(pytest-xdist may split them across workers): rel1, rel1 again, a check-mode
plan, rel2, rel2 again, then rel3 with the frontend deploy made to fail
(FAKE_ECSPRESSO_FAIL_DEPLOY), which must roll the frontend back and fail the play.
"""

import fake_ecspresso
import pytest

from kumo_testlib import REGION

pytestmark = pytest.mark.e2e

ACCOUNT_ID = "123456789012"
TASK_SIZE = {"dev": ("256", "512"), "staging": ("512", "1024"), "prod": ("1024", "2048")}
SCALING = {"staging": (2, 6, 70.0, 60, 300), "prod": (3, 12, 60.0, 60, 600)}
XRAY = {"dev": False, "staging": True, "prod": True}
PORTS = {"frontend": 3000, "backend": 3001}
SERVICES = ("frontend", "backend")
LAYERS = ("network", "ecs_capacity", "alb", "cdn_waf", "monitoring")


def find_cdn(stack, env):
    """The bucket and distribution the cdn_waf layer made (Name tag kumo-<env>-cdn)."""
    cloudfront = stack.client("cloudfront", "us-east-1")
    for summary in cloudfront.list_distributions()["DistributionList"].get("Items", []):
        tags = cloudfront.list_tags_for_resource(Resource=summary["ARN"])["Tags"]["Items"]
        if {"Key": "Name", "Value": f"kumo-{env}-cdn"} in tags:
            return f"kumo-{env}-static-assets-{ACCOUNT_ID}", summary["Id"]
    raise AssertionError(f"cdn_waf made no distribution tagged kumo-{env}-cdn")


def snapshot(stack, env, distribution):
    """What the deploy left: each service and the task definition it runs, the invalidations."""
    ecs = stack.client("ecs")
    state = {"services": {}, "task_definitions": {}}
    for name in SERVICES:
        found = ecs.describe_services(cluster=f"kumo-{env}-cluster", services=[f"kumo-{env}-{name}"])["services"]
        active = [s for s in found if s["status"] != "INACTIVE"]
        if active:
            state["services"][name] = active[0]
            td = ecs.describe_task_definition(taskDefinition=active[0]["taskDefinition"])["taskDefinition"]
            state["task_definitions"][name] = td
    cloudfront = stack.client("cloudfront", "us-east-1")
    items = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    state["invalidations"] = [
        cloudfront.get_invalidation(DistributionId=distribution, Id=i["Id"])["Invalidation"] for i in items
    ]
    return state


@pytest.fixture(scope="module")
def deployed(stacks, env, tmp_path_factory):
    stack = stacks[env]
    stack.converged(*LAYERS)
    bucket, distribution = find_cdn(stack, env)
    work = tmp_path_factory.mktemp(f"deploy-{env}")
    binary = fake_ecspresso.install(work / "fakebin")
    static = work / "static"
    (static / "chunks").mkdir(parents=True)
    (static / "chunks" / "app-3f2a.js").write_text("console.log('kumo');\n")
    (static / "css").mkdir()
    (static / "css" / "app-91bc.css").write_text("body{margin:0}\n")
    extra = {
        "deploy_ecspresso_path": str(binary),
        "deploy_static_dir": str(static),
        "deploy_render_dir": str(work / "render"),
        "deploy_invalidation_paths": ["/index.html"],
    }

    def deploy(tag=None, check=False, env_vars=None, **more):
        variables = dict(extra, **more)
        if tag is not None:
            variables["image_tag"] = tag
        return stack.run(playbook="playbooks/deploy.yml", extra_vars=variables, check=check, env=env_vars)

    runs, states, marks = {}, {}, {}
    for step, tag, check, env_vars in (
        ("rel1", "rel1", False, None),
        ("rel1_again", "rel1", False, None),
        ("plan", "rel-plan", True, None),
        ("rel2", "rel2", False, None),
        ("rel2_again", "rel2", False, None),
        ("rel3_failed", "rel3", False, {"FAKE_ECSPRESSO_FAIL_DEPLOY": "frontend"}),
    ):
        marks[step] = len(fake_ecspresso.calls(binary.parent))
        runs[step] = deploy(tag, check=check, env_vars=env_vars)
        states[step] = snapshot(stack, env, distribution)
        if step != "rel3_failed":
            assert runs[step].returncode == 0, f"{step}:\n{runs[step].tail()}"
    return {
        "stack": stack,
        "runs": runs,
        "states": states,
        "marks": marks,
        "fake": binary.parent,
        "bucket": bucket,
        "distribution": distribution,
    }


def calls_of(deployed, step, following):
    """The fake's calls (version checks left out) made by one step."""
    calls = fake_ecspresso.calls(deployed["fake"])
    end = deployed["marks"].get(following, len(calls))
    return [c for c in calls[deployed["marks"][step] : end] if c["command"] != "version"]


# Bad deploy input (image tag, ecspresso missing or too old, ...): tests/e2e/test_preflight.py.


@pytest.mark.parametrize("name", SERVICES)
def test_task_definition_has_the_spec_values(deployed, env, name):
    td = deployed["states"]["rel1"]["task_definitions"][name]
    assert td["family"] == f"kumo-{env}-{name}" and td["revision"] == 1
    assert (td["cpu"], td["memory"]) == TASK_SIZE[env]
    assert td["networkMode"] == "bridge"
    assert td["requiresCompatibilities"] == ["EC2"]
    assert td["executionRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/kumo-{env}-ecs-task-execution"
    assert td["taskRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/kumo-{env}-{name}-task"
    containers = {c["name"]: c for c in td["containerDefinitions"]}
    app = containers[name]
    assert app["image"] == f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/kumo/{name}:rel1"
    assert app["essential"] is True
    assert app["portMappings"] == [{"containerPort": PORTS[name], "hostPort": 0, "protocol": "tcp"}]
    for container in containers.values():  # ECS.4, ECS.9
        assert container.get("privileged") is False
        log = container["logConfiguration"]
        assert log["logDriver"] == "awslogs"
        assert log["options"]["awslogs-group"] == f"/ecs/kumo-{env}/{name}"
        assert log["options"]["awslogs-region"] == REGION
        assert log["options"]["awslogs-stream-prefix"] in (name, "xray")
    environment = {e["name"]: e["value"] for e in app["environment"]}
    assert environment["PORT"] == str(PORTS[name])
    assert not [k for k in environment if any(s in k.upper() for s in ("SECRET", "PASSWORD", "TOKEN", "DATABASE_URL"))]
    if name == "backend":  # ECS.8: the secret comes from SSM
        assert app["secrets"] == [
            {
                "name": "DATABASE_URL",
                "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/kumo/{env}/backend/database-url",
            }
        ]
    else:
        assert app.get("secrets", []) == []
    assert ("xray-daemon" in containers) is XRAY[env]
    assert ("AWS_XRAY_DAEMON_ADDRESS" in environment) is XRAY[env]
    if XRAY[env]:
        xray = containers["xray-daemon"]
        assert xray["portMappings"] == [{"containerPort": 2000, "hostPort": 0, "protocol": "udp"}]
        assert xray["essential"] is False
        assert environment["AWS_XRAY_DAEMON_ADDRESS"] == "xray-daemon:2000"
        assert app["links"] == ["xray-daemon"]
    else:
        assert set(containers) == {name}


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_wired_to_its_target_group_and_capacity_provider(deployed, env, name):
    stack = deployed["stack"]
    found = deployed["states"]["rel1"]["services"][name]
    [tg] = stack.client("elbv2").describe_target_groups(Names=[f"kumo-{env}-{name}"])["TargetGroups"]
    assert tg["Port"] in (PORTS[name], 80) and tg["TargetType"] == "instance"
    assert found["loadBalancers"] == [
        {"targetGroupArn": tg["TargetGroupArn"], "containerName": name, "containerPort": PORTS[name]}
    ]
    assert found["capacityProviderStrategy"] == [{"capacityProvider": f"kumo-{env}-ecs", "weight": 1, "base": 0}]
    breaker = found["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}
    assert found["healthCheckGracePeriodSeconds"] == 60
    assert not found.get("networkConfiguration")  # bridge mode: no public IP (ECS.2)
    tags = {
        t["key"]: t["value"]
        for t in stack.client("ecs").list_tags_for_resource(resourceArn=found["serviceArn"])["tags"]
    }
    assert tags["Name"] == f"kumo-{env}-{name}" and tags["Environment"] == env


@pytest.mark.parametrize("name", SERVICES)
def test_the_deploy_waited_for_a_stable_service(deployed, env, name):
    found = deployed["states"]["rel1"]["services"][name]
    assert found["runningCount"] == found["desiredCount"] >= 1
    assert [d["rolloutState"] for d in found["deployments"]] == ["COMPLETED"]
    deploys = [c for c in calls_of(deployed, "rel1", "rel1_again") if c["command"] == "deploy"]
    assert [c["flags"] for c in deploys] == [["--wait-until", "stable"]] * 2


def test_ecspresso_got_the_emulator_endpoint_and_region(deployed):
    calls = [c for c in fake_ecspresso.calls(deployed["fake"]) if c["command"] != "version"]
    assert calls and {c["env"]["AWS_ENDPOINT_URL"] for c in calls} == {deployed["stack"].emulator.url}
    assert {c["env"]["AWS_REGION"] for c in calls} == {REGION}
    assert {c["config"]["region"] for c in calls} == {REGION}


def test_the_ecspresso_version_is_checked_before_each_run(deployed):
    commands = [c["command"] for c in fake_ecspresso.calls(deployed["fake"])]
    firsts = [i for i, command in enumerate(commands) if command in ("diff", "rollback")]
    assert firsts and all(commands[i - 1] == "version" for i in firsts)


def test_service_auto_scaling(deployed, env):
    scaling = deployed["stack"].client("application-autoscaling")
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    mine = [t for t in targets if t["ResourceId"].startswith(f"service/kumo-{env}-cluster/")]
    if env not in SCALING:
        assert mine == [] and [p for p in policies if p["PolicyName"].startswith(f"kumo-{env}-")] == []
        return
    low, high, target, out_cooldown, in_cooldown = SCALING[env]
    assert sorted(t["ResourceId"] for t in mine) == [
        f"service/kumo-{env}-cluster/kumo-{env}-backend",
        f"service/kumo-{env}-cluster/kumo-{env}-frontend",
    ]
    assert {(t["MinCapacity"], t["MaxCapacity"]) for t in mine} == {(low, high)}
    by_name = {p["PolicyName"]: p for p in policies}
    for name in SERVICES:
        for metric, predefined in (
            ("cpu", "ECSServiceAverageCPUUtilization"),
            ("memory", "ECSServiceAverageMemoryUtilization"),
        ):
            policy = by_name[f"kumo-{env}-{name}-{metric}"]
            assert policy["PolicyType"] == "TargetTrackingScaling"
            config = policy["TargetTrackingScalingPolicyConfiguration"]
            assert config["TargetValue"] == target
            assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == predefined
            assert (config["ScaleOutCooldown"], config["ScaleInCooldown"]) == (out_cooldown, in_cooldown)


def test_static_assets_are_uploaded_immutable(deployed):
    s3 = deployed["stack"].client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=deployed["bucket"])["Contents"])
    assert keys == ["_next/static/chunks/app-3f2a.js", "_next/static/css/app-91bc.css"]
    head = s3.head_object(Bucket=deployed["bucket"], Key="_next/static/chunks/app-3f2a.js")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"


def test_one_invalidation_of_the_static_and_extra_paths(deployed, env):
    [made] = deployed["states"]["rel1"]["invalidations"]
    assert sorted(made["InvalidationBatch"]["Paths"]["Items"]) == ["/_next/static/*", "/index.html"]
    assert made["InvalidationBatch"]["CallerReference"].startswith(f"kumo-{env}-rel1-")


def test_the_same_release_again_changes_nothing(deployed):
    again = deployed["runs"]["rel1_again"]
    assert again.changed == 0, again.changed_tasks()
    assert [c["command"] for c in calls_of(deployed, "rel1_again", "plan")] == ["diff", "diff"]
    assert len(deployed["states"]["rel1_again"]["invalidations"]) == 1
    for name in SERVICES:
        assert deployed["states"]["rel1_again"]["task_definitions"][name]["revision"] == 1


def test_check_mode_plans_a_new_release_and_changes_nothing(deployed):
    plan = deployed["runs"]["plan"]
    assert plan.changed > 0
    assert [c["command"] for c in calls_of(deployed, "plan", "rel2")] == ["diff", "diff"]
    before, after = deployed["states"]["rel1_again"], deployed["states"]["plan"]
    for name in SERVICES:
        assert after["services"][name]["taskDefinition"] == before["services"][name]["taskDefinition"]
    assert len(after["invalidations"]) == 1


def test_a_new_release_rolls_both_services(deployed):
    rel2 = deployed["states"]["rel2"]
    for name in SERVICES:
        td = rel2["task_definitions"][name]
        assert td["containerDefinitions"][0]["image"].endswith(f"kumo/{name}:rel2")
        assert td["revision"] == 2
        assert rel2["services"][name]["runningCount"] == rel2["services"][name]["desiredCount"]
    # a new release: one more invalidation, none when the same release runs again
    assert len(rel2["invalidations"]) == 2
    again = deployed["runs"]["rel2_again"]
    assert again.changed == 0, again.changed_tasks()
    assert len(deployed["states"]["rel2_again"]["invalidations"]) == 2


def test_a_failed_deploy_rolls_the_service_back_and_fails_the_play(deployed, env):
    run, state = deployed["runs"]["rel3_failed"], deployed["states"]["rel3_failed"]
    assert run.returncode != 0
    said = " ".join(run.output.split())
    reason = [line for line in run.output.splitlines() if "The deploy of" in line or "Roll the service back" in line]
    assert (
        f"The deploy of kumo-{env}-frontend failed (ecspresso deploy failed (exit code 1): Error: deploy failed" in said
    )
    assert f"rolled back to arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/kumo-{env}-frontend:2" in said, reason
    commands = [c["command"] for c in calls_of(deployed, "rel3_failed", None)]
    assert commands == ["diff", "deploy", "rollback"]  # the backend is not deployed after the failure
    frontend = state["task_definitions"]["frontend"]
    assert frontend["revision"] == 2 and frontend["containerDefinitions"][0]["image"].endswith(":rel2")
    assert state["task_definitions"]["backend"]["revision"] == 2
    failed = deployed["stack"].client("ecs").describe_task_definition(taskDefinition=f"kumo-{env}-frontend:3")
    assert failed["taskDefinition"]["status"] == "INACTIVE"  # deregistered by the rollback
    assert failed["taskDefinition"]["containerDefinitions"][0]["image"].endswith(":rel3")
    assert len(state["invalidations"]) == 2


@pytest.mark.parametrize("name", SERVICES)
def test_the_task_role_lets_the_xray_sidecar_write(deployed, env, name):
    td = deployed["states"]["rel1"]["task_definitions"][name]
    role = td["taskRoleArn"].rsplit("/", 1)[-1]
    attached = deployed["stack"].client("iam").list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" in [p["PolicyArn"] for p in attached]
