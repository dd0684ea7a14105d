"""Reading a release back from the emulator: the services, their task
definitions, tasks and targets, the listeners, CodeDeploy's deployments and the
invalidations (tests/e2e/test_deploy.py tells each environment's release story,
tests/e2e/test_demo.py dev's on the stack `make demo` leaves)."""

# The emulator's account (moto's default).
ACCOUNT_ID = "123456789012"
# A new service starts with the scalable target's minimum, else the inventory's count.
FIRST_COUNT = {"dev": 1, "staging": 2, "prod": 3}
# kumo_deploy_strategy: blue_green releases go through CodeDeploy.
BLUE_GREEN = {"dev": False, "staging": True, "prod": True}
PORTS = {"frontend": 3000, "backend": 3001}
# The ALB's test listener with blue/green (group_vars/all/listeners.yml).
TEST_PORT = 8443
SERVICES = ("frontend", "backend")
ECS_WRITES = ("RegisterTaskDefinition", "CreateService", "UpdateService", "DeregisterTaskDefinition")


def find_cdn(emulator, env):
    """The bucket and distribution the cdn_waf layer made (Name tag kumo-<env>-cdn)."""
    cloudfront = emulator.client("cloudfront", "us-east-1")
    for summary in cloudfront.list_distributions()["DistributionList"].get("Items", []):
        tags = cloudfront.list_tags_for_resource(Resource=summary["ARN"])["Tags"]["Items"]
        if {"Key": "Name", "Value": f"kumo-{env}-cdn"} in tags:
            return f"kumo-{env}-static-assets-{ACCOUNT_ID}", summary["Id"]
    raise AssertionError(f"cdn_waf made no distribution tagged kumo-{env}-cdn")


def listener_arns(elbv2, env):
    """Port -> ARN of each listener of the environment's ALB."""
    [balancer] = elbv2.describe_load_balancers(Names=[f"kumo-{env}-alb"])["LoadBalancers"]
    listeners = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    return {listener["Port"]: listener["ListenerArn"] for listener in listeners}


def forwarded_to(elbv2, env, port=80):
    """Service -> the target group a listener forwards its requests to: by
    default the one CloudFront reaches (HTTP:80, the inventories set no origin
    domain); TEST_PORT, the blue/green test listener."""
    names = {}
    for rule in elbv2.describe_rules(ListenerArn=listener_arns(elbv2, env)[port])["Rules"]:
        for action in rule["Actions"]:
            if action["Type"] == "forward":
                name = action["TargetGroupArn"].split(":targetgroup/", 1)[1].split("/", 1)[0]
                names[name.removeprefix(f"kumo-{env}-").removesuffix("-alt")] = name
    return names


def snapshot(emulator, env, distribution):
    """What the deploy left: each service, its task definition, running tasks and targets; the invalidations."""
    ecs, elbv2 = emulator.client("ecs"), emulator.client("elbv2")
    cluster = f"kumo-{env}-cluster"
    state = {"services": {}, "task_definitions": {}, "tasks": {}, "targets": {}}
    for name in SERVICES:
        found = ecs.describe_services(cluster=cluster, services=[f"kumo-{env}-{name}"])["services"]
        active = [s for s in found if s["status"] == "ACTIVE"]
        if not active:
            continue
        state["services"][name] = active[0]
        state["task_definitions"][name] = ecs.describe_task_definition(taskDefinition=active[0]["taskDefinition"])[
            "taskDefinition"
        ]
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
        state["tasks"][name] = [t for t in tasks if t["group"] == f"service:kumo-{env}-{name}"]
        for task in state["tasks"][name]:
            [instance] = ecs.describe_container_instances(
                cluster=cluster, containerInstances=[task["containerInstanceArn"]]
            )["containerInstances"]
            task["ec2InstanceId"] = instance["ec2InstanceId"]
        # The target group the listener CloudFront reaches forwards the service's requests to.
        live = forwarded_to(elbv2, env)[name]
        [group] = elbv2.describe_target_groups(Names=[live])["TargetGroups"]
        state.setdefault("target_groups", {})[name] = group
        health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
        state["targets"][name] = sorted((t["Target"]["Id"], t["Target"]["Port"]) for t in health)
        if BLUE_GREEN[env]:
            [other] = {f"kumo-{env}-{name}", f"kumo-{env}-{name}-alt"} - {live}
            [idle] = elbv2.describe_target_groups(Names=[other])["TargetGroups"]
            idle_health = elbv2.describe_target_health(TargetGroupArn=idle["TargetGroupArn"])
            state.setdefault("idle_targets", {})[name] = idle_health["TargetHealthDescriptions"]
    if BLUE_GREEN[env]:
        # CodeDeploy moves the test listener's rules to the new task set first.
        state["test_forwarded"] = forwarded_to(elbv2, env, port=TEST_PORT)
        codedeploy = emulator.client("codedeploy")
        for name in state["services"]:
            ids = codedeploy.list_deployments(
                applicationName=f"kumo-{env}-{name}", deploymentGroupName=f"kumo-{env}-{name}"
            )["deployments"]
            found = codedeploy.batch_get_deployments(deploymentIds=ids)["deploymentsInfo"] if ids else []
            state.setdefault("code_deploy", {})[name] = sorted(found, key=lambda d: d["createTime"])
    cloudfront = emulator.client("cloudfront", "us-east-1")
    items = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    state["invalidations"] = [
        cloudfront.get_invalidation(DistributionId=distribution, Id=i["Id"])["Invalidation"] for i in items
    ]
    [group] = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[f"kumo-{env}-ecs"])[
        "AutoScalingGroups"
    ]
    state["instances"] = len(group["Instances"])
    return state


def ecs_writes(requests):
    return [r for r in requests if r["service"] == "ecs" and r["action"] in ECS_WRITES]


def assert_one_steady_rollout(service, env):
    """ECS's rolling update completed; or, blue/green, one task set, the primary one, steady."""
    if not BLUE_GREEN[env]:
        assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]
        return
    [task_set] = service["taskSets"]
    assert (task_set["status"], task_set["stabilityStatus"]) == ("PRIMARY", "STEADY_STATE")
    assert task_set["taskDefinition"] == service["taskDefinition"]
    assert task_set["runningCount"] == service["desiredCount"]


def assert_released(state, env, tag, revision):
    """Each service runs release ``tag`` (its task definition's ``revision``)
    and nothing else, steady, with as many tasks as it started with (the count
    is auto scaling's: a deploy leaves it), each task a target."""
    for name in SERVICES:
        td = state["task_definitions"][name]
        assert td["containerDefinitions"][0]["image"].endswith(f"kumo/{name}:{tag}")
        assert td["revision"] == revision
        service = state["services"][name]
        assert service["runningCount"] == service["desiredCount"] == FIRST_COUNT[env]
        assert_one_steady_rollout(service, env)
        assert {t["taskDefinitionArn"] for t in state["tasks"][name]} == {td["taskDefinitionArn"]}
        assert len(state["targets"][name]) == FIRST_COUNT[env]


def assert_failed_and_kept(run, state, requests, env, tag, revision):
    """A release whose frontend cannot start: the play failed naming it, the
    frontend serves release ``tag`` (``revision``) again, and the backend was
    not deployed. Returns what the play said, on one line."""
    assert run.returncode != 0
    said = " ".join(run.output.split())
    assert f"The deploy of kumo-{env}-frontend failed" in said
    if not BLUE_GREEN[env]:
        # ECS's deployment circuit breaker rolled the service back
        assert "rolled the deployment back" in said, run.tail()
    frontend = state["task_definitions"]["frontend"]
    assert frontend["revision"] == revision and frontend["containerDefinitions"][0]["image"].endswith(f":{tag}")
    assert {t["taskDefinitionArn"] for t in state["tasks"]["frontend"]} == {frontend["taskDefinitionArn"]}
    assert len(state["targets"]["frontend"]) == FIRST_COUNT[env]
    assert_one_steady_rollout(state["services"]["frontend"], env)
    registered = [r for r in requests if r["service"] == "ecs" and r["action"] == "RegisterTaskDefinition"]
    assert len(registered) == 1
    assert state["task_definitions"]["backend"]["revision"] == revision
    return said
