"""The release story with the real ecspresso on the emulator, then the teardown
of the running stack (SPEC.md "Deploy", "ECS capacity" tasks, per-environment
task size, service auto scaling, X-Ray sidecar, ECS.2/4/8/9; "Recovery").

ecspresso is the binary `make install` put in .venv/bin (the newest v2 from the
Go module proxy, else built from a release source archive); nothing stands in
for it. The emulator runs ECS as AWS does (emulator/patches/ecs_*.py): the
Auto Scaling group's instances register, tasks are placed within their CPU and
memory and registered in the target groups, rollouts respect the deployment
configuration, and an image tagged ``*-broken`` never starts, so the circuit
breaker rolls the service back for real. With blue/green (staging, prod),
CodeDeploy runs each release as the emulator's codedeploy_ecs_deployments
patch does: a replacement task set on the pair's other target group, the
listener moved to it, the original deleted; or a failure rolled back.

Each environment's story runs on a stack of its own, since it ends by tearing
the stack down: prod's is the one the fault-injection test built (test_safety
reads that build's result, taken before this story starts), dev's a plain
build. The fixture runs the story once and records what it reads back after
each step, so the tests do not depend on their order: rel1, rel1 again, a
check-mode plan, rel2, rel2 again, rel3-broken (the play fails, rel2 keeps
serving), ecspresso's other commands on the frontend (render, status, verify,
scale up and back, rollback: tests/e2e/playbooks/ecspresso_commands.yml),
a release interrupted (SIGINT, as Ctrl-C sends it) while ecspresso waits on
ECS, then run again, and one killed (SIGKILL), then the teardown and a second
teardown.

`make test` tells prod's story (blue/green releases through CodeDeploy, service
auto scaling, the X-Ray sidecar, the fault-injected build) and a sample of
dev's (ECS rolling updates: a release, one rolled back, the same again) on the
stack `make demo` leaves (test_demo); `make test-all` every environment's in full.
"""

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kumo_releases import (
    ACCOUNT_ID,
    BLUE_GREEN,
    FIRST_COUNT,
    PORTS,
    SERVICES,
    TEST_PORT,
    assert_failed_and_kept,
    assert_one_steady_rollout,
    assert_released,
    ecs_writes,
    find_cdn,
    forwarded_to,
    listener_arns,
    snapshot,
)
from kumo_testlib import (
    REGION,
    ROOT,
    VENV_BIN,
    RunProcesses,
    account_inventory,
    files_under,
    run_playbook,
    sampled,
    start_playbook,
    static_objects,
)

# Each story on a stack of its own, in a group of its own: prod's is the
# fault-injected build, which test_safety reads first. make test tells prod's
# (blue/green through CodeDeploy); make test-all dev's too (ECS rolling
# updates): a build of its own beside prod's would take make test past 30
# minutes on two cores, so make test rolls dev on the demo's stack instead.
# Each story deploys a copy of its build of examples/app, and the builds take
# turns (build.sh locks the directory).
pytestmark = [pytest.mark.e2e, sampled("prod", group="release-{}")]

TASK_SIZE = {"dev": ("256", "512"), "staging": ("512", "1024"), "prod": ("1024", "2048")}
SCALING = {"staging": (2, 6, 70.0, 60, 300), "prod": (3, 12, 60.0, 60, 600)}
XRAY = {"dev": False, "staging": True, "prod": True}
# Stopping a deploy while ecspresso waits on ECS: the emulator holds ecspresso's
# calls (aws-sdk-go-v2) this long.
ECSPRESSO_AGENT = "aws-sdk-go-v2"
HELD = 30
# How long the processes of a stopped run may take to exit.
GRACE = 10
STORY = (
    ("rel1", "rel1", False),
    ("rel1_again", "rel1", False),
    ("plan", "rel-plan", True),
    ("rel2", "rel2", False),
    ("rel2_again", "rel2", False),
    ("rel3_failed", "rel3-broken", False),
)


def ecspresso_version():
    out = subprocess.run([str(VENV_BIN / "ecspresso"), "version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def build_sample_app(release, dest):
    """examples/app/build.sh RELEASE DEST (npm ci, the backend's tests, the
    Next.js build): the copy of the frontend's .next/static it made at DEST,
    which another story's build does not rewrite."""
    built = subprocess.run(
        [str(ROOT / "examples" / "app" / "build.sh"), release, str(dest)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return Path(built.stdout.strip())


@pytest.fixture(scope="module")
def released(request, env, emulator_factory, tmp_path_factory):
    if env == "prod":
        emulator, build, *_ = request.getfixturevalue("faulty_prod")
    else:
        emulator = emulator_factory(f"release-{env}")
        build = run_playbook(emulator, inventory=f"inventories/{env}")
    assert build.returncode == 0, build.tail()
    bucket, distribution = find_cdn(emulator, env)
    work = tmp_path_factory.mktemp(f"deploy-{env}")
    # The sample application's Next.js build (examples/app), for the release rel1.
    static = build_sample_app("rel1", work / "static")
    extra = {"deploy_static_dir": str(static), "deploy_invalidation_paths": ["/index.html"]}
    # Each run makes its own render directory under TMPDIR and removes it.
    private_tmp = work / "tmp"
    private_tmp.mkdir()

    story = {"runs": {}, "states": {}, "requests": {}, "seconds": {}, "version": ecspresso_version()}
    story["render_dirs_left"] = []
    for step, tag, check in STORY:
        if step == "rel1_again":
            # Built again, as CI builds each run: the same files, newer timestamps.
            story["rebuilt_static"] = build_sample_app("rel1", static)
        emulator.clear_requests()
        started = time.monotonic()
        story["runs"][step] = run_playbook(
            emulator,
            playbook="playbooks/deploy.yml",
            inventory=f"inventories/{env}",
            extra_vars={**extra, "image_tag": tag},
            check=check,
            env={"TMPDIR": str(private_tmp)},
        )
        story["render_dirs_left"] += sorted(p.name for p in private_tmp.glob("kumo-deploy-*"))
        story["seconds"][step] = time.monotonic() - started
        story["requests"][step] = emulator.requests()
        story["states"][step] = snapshot(emulator, env, distribution)
        if step == "rel1":
            story["static_files"] = files_under(static)
            story["static_objects"] = static_objects(emulator.client("s3"), bucket)
        if step != "rel3_failed":
            assert story["runs"][step].returncode == 0, f"{step}:\n{story['runs'][step].tail()}"
    if BLUE_GREEN[env]:
        codedeploy = emulator.client("codedeploy")
        story["deployment_groups"] = {
            name: codedeploy.get_deployment_group(
                applicationName=f"kumo-{env}-{name}", deploymentGroupName=f"kumo-{env}-{name}"
            )["deploymentGroupInfo"]
            for name in SERVICES
        }
        story["listener_arns"] = listener_arns(emulator.client("elbv2"), env)
    # The other strategy than the services were created with: refused before any change.
    emulator.clear_requests()
    other = "rolling" if BLUE_GREEN[env] else "blue_green"
    story["other_strategy"] = run_playbook(
        emulator,
        playbook="playbooks/deploy.yml",
        inventory=f"inventories/{env}",
        extra_vars={**extra, "image_tag": "rel2", "kumo_deploy_strategy": other},
    )
    story["requests"]["other_strategy"] = emulator.requests()
    # After CodeDeploy moved the listener: a converge of the stack, and of the alb
    # layer in full, keeps it where it is and changes nothing.
    story["site_after_release"] = run_playbook(emulator, inventory=f"inventories/{env}")
    story["alb_after_release"] = run_playbook(
        emulator, inventory=f"inventories/{env}", tags=["alb"], extra_vars={"kumo_refresh": "full"}
    )
    story["forwarded_after_converge"] = forwarded_to(emulator.client("elbv2"), env)
    if BLUE_GREEN[env]:
        story["test_forwarded_after_converge"] = forwarded_to(emulator.client("elbv2"), env, port=TEST_PORT)
    print(
        f"{env}: {story['version']}; release rel2 of both services took {story['seconds']['rel2']:.1f} s "
        f"and {len(story['requests']['rel2'])} API calls; the same release again "
        f"{story['seconds']['rel2_again']:.1f} s and {len(story['requests']['rel2_again'])} calls"
    )

    # The other ecspresso commands, on the frontend (it runs rel2, after rel1 and rel3-broken).
    render = work / "render"
    kept = run_playbook(
        emulator,
        playbook="playbooks/deploy.yml",
        inventory=f"inventories/{env}",
        extra_vars={**extra, "image_tag": "rel2", "deploy_render_dir": str(render)},
    )
    assert kept.returncode == 0 and kept.changed == 0, kept.tail()
    results = work / "commands.json"
    story["commands_run"] = run_playbook(
        emulator,
        playbook="tests/e2e/playbooks/ecspresso_commands.yml",
        inventory=f"inventories/{env}",
        extra_vars={
            "config": str(render / "frontend" / "ecspresso.yml"),
            "tasks": FIRST_COUNT[env],
            "results_file": str(results),
        },
    )
    assert story["commands_run"].returncode == 0, story["commands_run"].tail()
    story["commands"] = json.loads(results.read_text())
    story["after_commands"] = snapshot(emulator, env, distribution)
    story["revisions_after_rollback"] = emulator.client("ecs").list_task_definitions(
        familyPrefix=f"kumo-{env}-frontend", status="ACTIVE"
    )["taskDefinitionArns"]

    scaling = emulator.client("application-autoscaling")
    story["scalable_targets"] = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    story["scaling_policies"] = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    iam = emulator.client("iam")
    story["task_role_policies"] = {
        name: [
            p["PolicyArn"]
            for p in iam.list_attached_role_policies(RoleName=f"kumo-{env}-{name}-task")["AttachedPolicies"]
        ]
        for name in SERVICES
    }

    # A release stopped by Ctrl-C while ecspresso waits on ECS, then run again; one killed.
    deploy = {
        "inventory": f"inventories/{env}",
        "extra_vars": {**extra, "image_tag": "rel4"},
        "trigger": "CreateDeployment" if BLUE_GREEN[env] else "UpdateService",
    }
    story["rel4_interrupted"] = stop_a_deploy(emulator, work / "rel4.log", signum=signal.SIGINT, **deploy)
    story["states"]["rel4_interrupted"] = snapshot(emulator, env, distribution)
    story["runs"]["rel4_resumed"] = run_playbook(
        emulator, playbook="playbooks/deploy.yml", inventory=deploy["inventory"], extra_vars=deploy["extra_vars"]
    )
    story["states"]["rel4_resumed"] = snapshot(emulator, env, distribution)
    deploy["extra_vars"]["image_tag"] = "rel5"
    story["rel5_killed"] = stop_a_deploy(emulator, work / "rel5.log", signum=signal.SIGKILL, **deploy)

    teardown = {"kumo_teardown_keep_logs": False, "teardown_confirm": env}
    story["down"] = run_playbook(
        emulator, playbook="playbooks/teardown.yml", inventory=f"inventories/{env}", extra_vars=teardown
    )
    story["left"] = {kind: names for kind, names in account_inventory(emulator, env).items() if names}
    ecs, scaling = emulator.client("ecs"), emulator.client("application-autoscaling")
    story["left"]["task_definitions"] = ecs.list_task_definitions(familyPrefix=f"kumo-{env}-", status="ACTIVE")[
        "taskDefinitionArns"
    ]
    story["left"]["scalable_targets"] = [
        t["ResourceId"]
        for t in scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
        if t["ResourceId"].startswith(f"service/kumo-{env}-cluster/")
    ]
    story["left"] = {kind: names for kind, names in story["left"].items() if names}
    story["down_again"] = run_playbook(
        emulator, playbook="playbooks/teardown.yml", inventory=f"inventories/{env}", extra_vars=teardown
    )
    story.update(emulator=emulator, bucket=bucket, distribution=distribution)
    return story


def stop_a_deploy(emulator, log_path, inventory, extra_vars, signum, trigger):
    """Start a deploy; once ecspresso has asked ECS to roll the frontend
    (``trigger``: UpdateService, or CodeDeploy's CreateDeployment with
    blue/green), hold ecspresso's calls and send ``signum`` to the run's
    process group. Returns the run's exit code, its output, and what is still
    alive of it GRACE seconds later (ecspresso included)."""
    emulator.clear_requests()  # an earlier run's UpdateService is not this one's
    with open(log_path, "w", encoding="utf-8") as log:
        process = start_playbook(
            emulator, log, playbook="playbooks/deploy.yml", inventory=inventory, extra_vars=extra_vars
        )
        run = RunProcesses(process.pid)
        try:
            end = time.monotonic() + 300
            while not any(
                r["action"] == trigger and r["agent"].startswith(ECSPRESSO_AGENT) for r in emulator.requests()
            ):
                assert process.poll() is None and time.monotonic() < end, log_path.read_text(encoding="utf-8")
                run.record()
                time.sleep(0.05)
            emulator.faults(rate=1.0, kinds=["slow"], slow_seconds=HELD, agents=[ECSPRESSO_AGENT])
            time.sleep(1)  # ecspresso's next call (its wait) is held now
            assert any("ecspresso" in p.cmdline and " deploy" in p.cmdline for p in run.record().values())
            os.killpg(process.pid, signum)
            returncode = process.wait(timeout=60)
            end = time.monotonic() + GRACE
            while run.left() and time.monotonic() < end:
                time.sleep(0.2)
            left = [f"pid={p.pid} ppid={p.ppid} sid={p.sid} {p.cmdline}" for p in run.left()]
        finally:
            for leftover in run.left():
                os.kill(leftover.pid, signal.SIGKILL)
            emulator.faults(rate=0)
    return returncode, log_path.read_text(encoding="utf-8"), left


@pytest.mark.parametrize("name", SERVICES)
def test_task_definition_has_the_spec_values(released, env, name):
    td = released["states"]["rel1"]["task_definitions"][name]
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
def test_service_is_wired_to_its_target_group_and_capacity_provider(released, env, name):
    found = released["states"]["rel1"]["services"][name]
    tg = released["states"]["rel1"]["target_groups"][name]
    assert tg["TargetType"] == "instance"
    assert found["loadBalancers"] == [
        {"targetGroupArn": tg["TargetGroupArn"], "containerName": name, "containerPort": PORTS[name]}
    ]
    assert found["capacityProviderStrategy"] == [{"capacityProvider": f"kumo-{env}-ecs", "weight": 1, "base": 0}]
    if BLUE_GREEN[env]:
        # CodeDeploy runs the releases: the service starts on the first of its two target groups
        assert found["deploymentController"] == {"type": "CODE_DEPLOY"}
        assert tg["TargetGroupName"] == f"kumo-{env}-{name}"
        assert "deploymentCircuitBreaker" not in found["deploymentConfiguration"]
    else:
        assert found["deploymentController"] == {"type": "ECS"}
        breaker = found["deploymentConfiguration"]["deploymentCircuitBreaker"]
        assert breaker == {"enable": True, "rollback": True}
    assert found["healthCheckGracePeriodSeconds"] == 60
    assert "networkConfiguration" not in found  # bridge mode: no public IP (ECS.2)


@pytest.mark.parametrize("name", SERVICES)
def test_the_deploy_waited_until_the_tasks_run_and_serve(released, env, name):
    state = released["states"]["rel1"]
    found = state["services"][name]
    assert found["desiredCount"] == found["runningCount"] == FIRST_COUNT[env]
    assert_one_steady_rollout(found, env)
    tasks = state["tasks"][name]
    assert len(tasks) == FIRST_COUNT[env] and {t["lastStatus"] for t in tasks} == {"RUNNING"}
    assert {t["taskDefinitionArn"] for t in tasks} == {found["taskDefinition"]}
    # Each task is a target: its instance, on the host port ECS gave its container port.
    bound = sorted(
        (
            t["ec2InstanceId"],
            next(b["hostPort"] for c in t["containers"] if c["name"] == name for b in c["networkBindings"]),
        )
        for t in tasks
    )
    assert state["targets"][name] == bound


def test_ecspresso_made_the_ecs_changes_on_the_emulator(released):
    writes = ecs_writes(released["requests"]["rel1"])
    assert sorted({w["action"] for w in writes}) == ["CreateService", "RegisterTaskDefinition"]
    assert {w["agent"].split("/")[0] for w in writes} == {"aws-sdk-go-v2"}  # ecspresso, not boto3
    assert re.match(r"ecspresso v2\.\d+\.\d+", released["version"]), released["version"]


def test_service_auto_scaling(released, env):
    targets, policies = released["scalable_targets"], released["scaling_policies"]
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


def test_the_sample_apps_static_assets_are_uploaded_immutable(released):
    files = released["static_files"]
    # what a Next.js build leaves: its chunks and the release's build manifest
    assert any(f.startswith("chunks/") and f.endswith(".js") for f in files), files
    assert "rel1/_buildManifest.js" in files, files
    uploaded = [
        r
        for r in released["requests"]["rel1"]
        if r["service"] == "s3" and r["method"] == "PUT" and "_next" in r["path"]
    ]
    assert sorted(r["path"].split("/_next/static/", 1)[1] for r in uploaded) == files
    objects = released["static_objects"]
    assert sorted(objects) == [f"_next/static/{f}" for f in files]
    for key, (cache_control, content_type) in objects.items():
        assert cache_control == "public, max-age=31536000, immutable", key
        if key.endswith(".js"):
            assert content_type in ("application/javascript", "text/javascript"), (key, content_type)


def test_a_rebuild_of_the_same_release_uploads_nothing(released):
    assert released["rebuilt_static"].is_dir()
    uploads = [r for r in released["requests"]["rel1_again"] if r["service"] == "s3" and r["method"] == "PUT"]
    assert uploads == []


def test_one_invalidation_of_the_static_and_extra_paths(released, env):
    [made] = released["states"]["rel1"]["invalidations"]
    assert sorted(made["InvalidationBatch"]["Paths"]["Items"]) == ["/_next/static/*", "/index.html"]
    assert made["InvalidationBatch"]["CallerReference"].startswith(f"kumo-{env}-rel1-")


def test_the_same_release_again_changes_nothing(released):
    again = released["runs"]["rel1_again"]
    assert again.changed == 0, again.changed_tasks()
    assert ecs_writes(released["requests"]["rel1_again"]) == []
    assert len(released["states"]["rel1_again"]["invalidations"]) == 1
    for name in SERVICES:
        assert released["states"]["rel1_again"]["task_definitions"][name]["revision"] == 1


def test_check_mode_plans_a_new_release_and_changes_nothing(released):
    plan = released["runs"]["plan"]
    assert plan.changed > 0
    assert ecs_writes(released["requests"]["plan"]) == []
    before, after = released["states"]["rel1_again"], released["states"]["plan"]
    for name in SERVICES:
        assert after["services"][name]["taskDefinition"] == before["services"][name]["taskDefinition"]
    assert len(after["invalidations"]) == 1


def test_a_new_release_rolls_both_services(released, env):
    rel2 = released["states"]["rel2"]
    assert_released(rel2, env, "rel2", revision=2)
    for name in SERVICES:
        if BLUE_GREEN[env]:
            service = rel2["services"][name]
            # CodeDeploy started rel2 on the other target group and moved the listener to it
            assert rel2["target_groups"][name]["TargetGroupName"] == f"kumo-{env}-{name}-alt"
            assert (
                service["taskSets"][0]["loadBalancers"][0]["targetGroupArn"]
                == (rel2["target_groups"][name]["TargetGroupArn"])
            )
            assert rel2["idle_targets"][name] == []
            assert rel2["test_forwarded"][name] == f"kumo-{env}-{name}-alt"
            [deployment] = rel2["code_deploy"][name]
            assert deployment["status"] == "Succeeded", deployment
            assert deployment["deploymentStyle"] == {
                "deploymentType": "BLUE_GREEN",
                "deploymentOption": "WITH_TRAFFIC_CONTROL",
            }
    assert len(rel2["invalidations"]) == 2
    again = released["runs"]["rel2_again"]
    assert again.changed == 0, again.changed_tasks()
    assert len(released["states"]["rel2_again"]["invalidations"]) == 2


def test_each_blue_green_service_has_a_deployment_group_with_both_listeners(released, env):
    if not BLUE_GREEN[env]:
        assert "deployment_groups" not in released
        return
    for name, group in released["deployment_groups"].items():
        assert group["serviceRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/kumo-{env}-codedeploy"
        assert group["ecsServices"] == [{"serviceName": f"kumo-{env}-{name}", "clusterName": f"kumo-{env}-cluster"}]
        assert group["deploymentConfigName"] == "CodeDeployDefault.ECSAllAtOnce"
        assert group["autoRollbackConfiguration"]["enabled"] is True
        assert sorted(group["autoRollbackConfiguration"]["events"]) == [
            "DEPLOYMENT_FAILURE",
            "DEPLOYMENT_STOP_ON_REQUEST",
        ]
        [pair] = group["loadBalancerInfo"]["targetGroupPairInfoList"]
        assert sorted(g["name"] for g in pair["targetGroups"]) == [f"kumo-{env}-{name}", f"kumo-{env}-{name}-alt"]
        # CloudFront's listener is the production route; the test listener the test route
        assert pair["prodTrafficRoute"]["listenerArns"] == [released["listener_arns"][80]]
        assert pair["testTrafficRoute"]["listenerArns"] == [released["listener_arns"][TEST_PORT]]
        blue_green = group["blueGreenDeploymentConfiguration"]
        assert blue_green["terminateBlueInstancesOnDeploymentSuccess"] == {
            "action": "TERMINATE",
            "terminationWaitTimeInMinutes": 0,
        }


def test_a_converge_after_a_release_keeps_the_listener_where_the_release_moved_it(released, env):
    for step in ("site_after_release", "alb_after_release"):
        run = released[step]
        assert run.returncode == 0, run.tail()
        why = [line for line in run.output.splitlines() if "full converge" in line or "drift" in line]
        assert run.changed == 0, (step, run.changed_tasks(), why)
    suffix = "-alt" if BLUE_GREEN[env] else ""
    assert released["forwarded_after_converge"] == {name: f"kumo-{env}-{name}{suffix}" for name in SERVICES}
    if BLUE_GREEN[env]:
        assert released["test_forwarded_after_converge"] == released["forwarded_after_converge"]


def test_a_strategy_the_services_were_not_created_with_is_refused_naming_them(released, env):
    run = released["other_strategy"]
    assert run.returncode != 0
    said = " ".join(run.output.split())
    other = "rolling" if BLUE_GREEN[env] else "blue_green"
    assert f"kumo_deploy_strategy is {other}" in said, run.tail()
    assert f"kumo-{env}-frontend, kumo-{env}-backend already run with another deployment controller" in said
    writes = [
        r for r in released["requests"]["other_strategy"] if not r["action"].startswith(("Describe", "List", "Get"))
    ]
    assert [w["action"] for w in writes] == [], writes


def test_a_release_that_cannot_start_fails_the_play_and_the_previous_one_keeps_serving(released, env):
    run, state = released["runs"]["rel3_failed"], released["states"]["rel3_failed"]
    said = assert_failed_and_kept(run, state, released["requests"]["rel3_failed"], env, "rel2", revision=2)
    if BLUE_GREEN[env]:
        assert "CodeDeploy rolled the blue/green deployment back (the old task set serves)" in said, run.tail()
        [*_, failed, rollback] = state["code_deploy"]["frontend"]
        assert (failed["status"], failed["creator"]) == ("Failed", "user"), failed
        assert failed["rollbackInfo"]["rollbackDeploymentId"] == rollback["deploymentId"]
        # the play failed once CodeDeploy's rollback had deleted the new task set
        assert (rollback["status"], rollback["creator"]) == ("Succeeded", "codeDeployRollback"), rollback
        # the listener still forwards to rel2's task set, on the group it moved to
        assert state["target_groups"]["frontend"]["TargetGroupName"] == f"kumo-{env}-frontend-alt"
        assert state["test_forwarded"]["frontend"] == f"kumo-{env}-frontend-alt"
    assert len(state["invalidations"]) == 2


def test_each_run_renders_into_a_directory_of_its_own_and_removes_it(released):
    assert released["render_dirs_left"] == []


def test_render_status_and_verify_read_without_changing(released, env):
    commands = released["commands"]
    assert [commands[c]["changed"] for c in ("render", "status", "verify")] == [False] * 3
    assert f"kumo-{env}-cluster" in commands["render"]["stdout"]
    assert f"Service: kumo-{env}-frontend" in commands["status"]["stdout"]
    # verify checks the definitions' roles on the emulator, then assumes the
    # execution role, and ecspresso builds that session's clients without the
    # endpoint override: its image check goes to ECR's public endpoint, which
    # this machine cannot reach (see the module's notes).
    verify = commands["verify"]["stdout"]
    for role in ("ecs-task-execution", "frontend-task"):
        assert f"Role[arn:aws:iam::{ACCOUNT_ID}:role/kumo-{env}-{role}]\n    --> [OK]" in verify, verify
    assert commands["verify"]["rc"] != 0 and commands["verify"]["msg"].startswith("ecspresso verify failed")
    assert "Image[" in verify and "api.ecr.ap-northeast-1.amazonaws.com" in verify, verify


def test_scale_changes_the_count_and_the_tasks_follow(released, env):
    commands = released["commands"]
    assert commands["scale_up"]["changed"] is True
    assert commands["scale_up"]["service"]["desired_count"] == FIRST_COUNT[env] + 1
    assert commands["scale_up"]["service"]["running_count"] == FIRST_COUNT[env] + 1
    assert commands["scale_again"]["changed"] is False
    assert commands["scale_back"]["service"]["running_count"] == FIRST_COUNT[env]


def test_rollback_puts_the_service_on_the_revision_before_and_deregisters_the_one_it_left(released, env):
    rollback = released["commands"]["rollback"]
    family = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/kumo-{env}-frontend"
    assert (rollback["previous_task_definition_arn"], rollback["task_definition_arn"]) == (f"{family}:2", f"{family}:1")
    after = released["after_commands"]
    assert after["services"]["frontend"]["taskDefinition"] == f"{family}:1"
    assert {t["taskDefinitionArn"] for t in after["tasks"]["frontend"]} == {f"{family}:1"}
    assert after["task_definitions"]["frontend"]["containerDefinitions"][0]["image"].endswith(":rel1")
    # the family's revisions after the rollback (read before the teardown)
    assert released["revisions_after_rollback"] == [f"{family}:1", f"{family}:3"]


def test_teardown_of_the_running_stack_leaves_nothing_of_the_environment(released):
    down = released["down"]
    assert down.returncode == 0, down.tail()
    assert released["left"] == {}
    again = released["down_again"]
    assert again.returncode == 0, again.tail()
    assert again.changed == 0, again.changed_tasks()


def test_ctrl_c_mid_deploy_leaves_the_rollout_to_ecs_and_the_next_run_carries_on(released, env):
    returncode, output, left = released["rel4_interrupted"]
    said = " ".join(output.split())
    assert returncode == 99, output[-3000:]
    assert "SIGINT: the run stopped in task 'kumo.platform.deploy : Deploy the service with ecspresso'" in said
    assert f"while service kumo-{env}-frontend deployed" in said
    assert "a deployment it had started is left to ECS (CodeDeploy with blue/green), which finishes it" in said
    assert left == [], "\n".join(left)
    # ecspresso had started the frontend's rel4 when it was stopped; the backend was not reached
    stopped = released["states"]["rel4_interrupted"]
    images = {name: stopped["task_definitions"][name]["containerDefinitions"][0]["image"] for name in SERVICES}
    if BLUE_GREEN[env]:
        # CodeDeploy's deployment of rel4 (ecspresso had created it) went on without ecspresso
        assert (
            len(stopped["code_deploy"]["frontend"])
            == len(released["states"]["rel3_failed"]["code_deploy"]["frontend"]) + 2
        )
    else:
        assert images["frontend"].endswith(":rel4")
    assert not images["backend"].endswith(":rel4")

    resumed, state = released["runs"]["rel4_resumed"], released["states"]["rel4_resumed"]
    assert resumed.returncode == 0, resumed.tail()
    for name in SERVICES:
        td = state["task_definitions"][name]
        assert td["containerDefinitions"][0]["image"].endswith(f"kumo/{name}:rel4")
        assert_one_steady_rollout(state["services"][name], env)
        assert {t["taskDefinitionArn"] for t in state["tasks"][name]} == {td["taskDefinitionArn"]}


def test_a_killed_deploy_leaves_no_process_behind_ecspresso_included(released, env):
    returncode, output, left = released["rel5_killed"]
    assert returncode == -signal.SIGKILL, output[-3000:]
    assert left == [], "\n".join(left)


@pytest.mark.parametrize("name", SERVICES)
def test_the_task_role_lets_the_xray_sidecar_write(released, env, name):
    assert released["states"]["rel1"]["task_definitions"][name]["taskRoleArn"].endswith(f":role/kumo-{env}-{name}-task")
    assert "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" in released["task_role_policies"][name]
