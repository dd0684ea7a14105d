"""An in-process emulator (patched moto behind the request log) on a free port."""

import base64
import json
import threading
import types
import uuid

import boto3
import pytest

from emulator.server import make_emulator


@pytest.fixture(scope="session")
def emulator_url():
    server = make_emulator("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def aws(emulator_url):
    """aws(service, region='ap-northeast-1') -> a boto3 client on the emulator."""

    def client(service, region="ap-northeast-1"):
        return boto3.client(
            service,
            endpoint_url=emulator_url,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return client


@pytest.fixture
def auto_scaling_group(aws):
    """auto_scaling_group(name, mixed=None, **settings) -> (autoscaling client,
    launch template id): a new t3.small launch template ``name`` and a group
    ``name`` on it in ap-northeast-1a (MinSize 0, MaxSize 1 unless ``settings``
    say otherwise). ``mixed``, InstancesDistribution and instance types, makes
    it a mixed instances group on that template instead."""

    def create(name, mixed=None, **settings):
        template = aws("ec2").create_launch_template(
            LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"}
        )["LaunchTemplate"]["LaunchTemplateId"]
        spec = {"LaunchTemplateId": template, "Version": "$Latest"}
        if mixed is None:
            launch = {"LaunchTemplate": spec}
        else:
            distribution, types = mixed
            overrides = [{"InstanceType": t} for t in types]
            launch = {
                "MixedInstancesPolicy": {
                    "LaunchTemplate": {"LaunchTemplateSpecification": spec, "Overrides": overrides},
                    "InstancesDistribution": distribution,
                }
            }
        autoscaling = aws("autoscaling")
        group = {"MinSize": 0, "MaxSize": 1, "AvailabilityZones": ["ap-northeast-1a"], **launch, **settings}
        autoscaling.create_auto_scaling_group(AutoScalingGroupName=name, **group)
        return autoscaling, template

    return create


@pytest.fixture
def ecs_world(aws):
    """ecs_world(instance_type='t3.small', desired=1, max_size=3) -> a namespace
    with a cluster whose Auto Scaling group launches container instances
    (ECS_CLUSTER in the launch template's user data), a capacity provider with
    managed scaling, a target group, and ``service(image, count, ...)`` that
    registers a bridge-mode task definition and creates a service on it. Names
    are unique per call, so tests share the session's emulator."""

    def build(instance_type="t3.small", desired=1, max_size=3, managed_scaling="ENABLED"):
        name = f"w{uuid.uuid4().hex[:8]}"
        ec2, autoscaling, ecs, elbv2 = aws("ec2"), aws("autoscaling"), aws("ecs"), aws("elbv2")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"ap-northeast-1{az}")["Subnet"][
                "SubnetId"
            ]
            for i, az in enumerate("acd")
        ]
        user_data = base64.b64encode(f"#!/bin/bash\necho ECS_CLUSTER={name} >> /etc/ecs/ecs.config\n".encode())
        ec2.create_launch_template(
            LaunchTemplateName=name,
            LaunchTemplateData={
                "ImageId": "ami-12c6146b",
                "InstanceType": instance_type,
                "UserData": user_data.decode(),
            },
        )
        ecs.create_cluster(clusterName=name)
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": name, "Version": "$Latest"},
            MinSize=0,
            MaxSize=max_size,
            DesiredCapacity=desired,
            VPCZoneIdentifier=",".join(subnets),
        )
        [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        ecs.create_capacity_provider(
            name=name,
            autoScalingGroupProvider={
                "autoScalingGroupArn": group["AutoScalingGroupARN"],
                "managedScaling": {"status": managed_scaling, "targetCapacity": 100},
                "managedTerminationProtection": "DISABLED",
            },
        )
        ecs.put_cluster_capacity_providers(
            cluster=name,
            capacityProviders=[name],
            defaultCapacityProviderStrategy=[{"capacityProvider": name, "weight": 1}],
        )
        target_group = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance")[
            "TargetGroups"
        ][0]["TargetGroupArn"]

        def service(image="repo/app:v1", family=None, cpu="256", memory="512"):
            family = family or f"{name}-app"
            td = ecs.register_task_definition(
                family=family,
                networkMode="bridge",
                requiresCompatibilities=["EC2"],
                cpu=cpu,
                memory=memory,
                containerDefinitions=[
                    {
                        "name": "app",
                        "image": image,
                        "essential": True,
                        "portMappings": [{"containerPort": 3000, "hostPort": 0}],
                    }
                ],
            )["taskDefinition"]["taskDefinitionArn"]
            return td

        def create_service(task_definition, count=2, rollback=True, controller="ECS"):
            deployment = {"maximumPercent": 200, "minimumHealthyPercent": 100}
            if controller == "ECS":  # the circuit breaker is the ECS controller's only
                deployment["deploymentCircuitBreaker"] = {"enable": True, "rollback": rollback}
            return ecs.create_service(
                cluster=name,
                serviceName=f"{name}-app",
                taskDefinition=task_definition,
                desiredCount=count,
                capacityProviderStrategy=[{"capacityProvider": name, "weight": 1, "base": 0}],
                deploymentConfiguration=deployment,
                deploymentController={"type": controller},
                loadBalancers=[{"targetGroupArn": target_group, "containerName": "app", "containerPort": 3000}],
                placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}],
            )["service"]

        def describe():
            return ecs.describe_services(cluster=name, services=[f"{name}-app"])["services"][0]

        def targets():
            return elbv2.describe_target_health(TargetGroupArn=target_group)["TargetHealthDescriptions"]

        def wait_stable():
            """The services-stable waiter ecspresso and the AWS CLI use, given two looks."""
            world.ecs.get_waiter("services_stable").wait(
                cluster=name, services=[f"{name}-app"], WaiterConfig={"Delay": 1, "MaxAttempts": 2}
            )

        def instances():
            arns = ecs.list_container_instances(cluster=name)["containerInstanceArns"]
            return (
                ecs.describe_container_instances(cluster=name, containerInstances=arns)["containerInstances"]
                if arns
                else []
            )

        world = types.SimpleNamespace(
            name=name,
            vpc=vpc,
            subnets=subnets,
            group=name,
            cluster=name,
            service_name=f"{name}-app",
            target_group=target_group,
            register=service,
            create_service=create_service,
            describe=describe,
            targets=targets,
            instances=instances,
            ecs=ecs,
            ec2=ec2,
            autoscaling=autoscaling,
            elbv2=elbv2,
            wait_stable=wait_stable,
        )
        return world

    return build


# What ecspresso sends as the AppSpec (appspec.NewWithService), for a task definition.
APPSPEC = """version: 0.0
Resources:
- TargetService:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: {task_definition}
      LoadBalancerInfo:
        ContainerName: app
        ContainerPort: 3000
"""


def forward_targets(actions):
    """The target groups a list of actions forwards to, {ARN: weight}."""
    [action] = actions
    if "ForwardConfig" in action:
        return {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]}
    return {action["TargetGroupArn"]: 100}


@pytest.fixture
def blue_green(aws, ecs_world):
    """blue_green(count=2, test_listener=True, create_group=True, **group) -> an
    ecs_world whose service (CODE_DEPLOY controller, image repo/app:v1, on
    t3.medium instances) sits behind an ALB: a production listener (port 80)
    whose default action and /api/* rule forward to the service's target
    group ``blue``, a test listener (8080) forwarding there too, a second target
    group ``green``, a CodeDeploy role and ECS application, and a deployment
    group over the pair (``group_settings``; ``group`` overrides them). Its
    ``deploy(image, **create_deployment)`` creates a deployment as ecspresso
    does; ``production()`` is what the default action and the rule forward to,
    ``test_route()`` what the test listener forwards to."""

    def build(count=2, test_listener=True, create_group=True, **group):
        world = ecs_world(instance_type="t3.medium", desired=1)
        elbv2, name, codedeploy = world.elbv2, world.name, aws("codedeploy")
        green = elbv2.create_target_group(
            Name=f"{name}-alt", Protocol="HTTP", Port=80, VpcId=world.vpc, TargetType="instance"
        )["TargetGroups"][0]["TargetGroupArn"]
        balancer = elbv2.create_load_balancer(Name=name, Subnets=world.subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        forward = [{"Type": "forward", "TargetGroupArn": world.target_group}]

        def listener(port):
            return elbv2.create_listener(LoadBalancerArn=balancer, Protocol="HTTP", Port=port, DefaultActions=forward)[
                "Listeners"
            ][0]["ListenerArn"]

        production_arn, test_arn = listener(80), listener(8080)
        elbv2.create_rule(
            ListenerArn=production_arn,
            Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
            Actions=forward,
        )
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
        role = aws("iam").create_role(RoleName=f"{name}-codedeploy", AssumeRolePolicyDocument=json.dumps(trust))
        world.create_service(world.register("repo/app:v1"), count=count, controller="CODE_DEPLOY")
        codedeploy.create_application(applicationName=name, computePlatform="ECS")
        route = {"prodTrafficRoute": {"listenerArns": [production_arn]}}
        if test_listener:
            route["testTrafficRoute"] = {"listenerArns": [test_arn]}
        settings = {
            "applicationName": name,
            "deploymentGroupName": name,
            "serviceRoleArn": role["Role"]["Arn"],
            "deploymentConfigName": "CodeDeployDefault.ECSAllAtOnce",
            "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
            "blueGreenDeploymentConfiguration": {
                "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 0},
                "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
            },
            "autoRollbackConfiguration": {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
            "ecsServices": [{"clusterName": name, "serviceName": world.service_name}],
            "loadBalancerInfo": {
                "targetGroupPairInfoList": [{"targetGroups": [{"name": name}, {"name": f"{name}-alt"}], **route}]
            },
            **group,
        }
        if create_group:
            codedeploy.create_deployment_group(**settings)

        def deploy(image, **options):
            content = APPSPEC.format(task_definition=world.register(image))
            return codedeploy.create_deployment(
                applicationName=name,
                deploymentGroupName=name,
                revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": content}},
                **options,
            )["deploymentId"]

        def deployment(deployment_id):
            return codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]

        def production():
            rules = elbv2.describe_rules(ListenerArn=production_arn)["Rules"]
            return [forward_targets(rule["Actions"]) for rule in rules]

        def test_route():
            [found] = elbv2.describe_listeners(ListenerArns=[test_arn])["Listeners"]
            return forward_targets(found["DefaultActions"])

        def registered(target_group):
            return elbv2.describe_target_health(TargetGroupArn=target_group)["TargetHealthDescriptions"]

        world.__dict__.update(
            blue=world.target_group,
            green=green,
            production_listener=production_arn,
            test_listener=test_arn,
            role=role["Role"]["Arn"],
            codedeploy=codedeploy,
            group_settings=settings,
            deploy=deploy,
            deployment=deployment,
            production=production,
            test_route=test_route,
            registered=registered,
        )
        return world

    return build


@pytest.fixture
def instant_codedeploy(monkeypatch):
    """CodeDeploy's lifecycle events take no time: a deployment has settled by the next request."""
    from emulator.patches import codedeploy_ecs_deployments

    monkeypatch.setattr(codedeploy_ecs_deployments, "EVENT_SECONDS", 0)
