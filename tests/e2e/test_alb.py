"""The alb layer, converged on the emulator and read back (SPEC.md, "ALB" and "Security baseline" ELB.*)."""

import json
import os

import botocore.exceptions
import pytest

from kumo_testlib import expected_tags, sampled, tags_of

pytestmark = pytest.mark.e2e

AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
DEREGISTRATION_DELAY = {"dev": "30", "staging": "60", "prod": "60"}
DELETION_PROTECTION = {"dev": "false", "staging": "false", "prod": "true"}
ACCESS_LOGS = {"dev": False, "staging": True, "prod": True}
LOG_RETENTION = {"staging": 14, "prod": 30}
# kumo_deploy_strategy blue_green: a second target group per service, and only
# the listener CloudFront reaches (HTTP:80 here) forwards.
BLUE_GREEN = {"dev": False, "staging": True, "prod": True}
# The test listener of blue/green releases (group_vars/all/listeners.yml).
TEST_PORT = 8443
ELB_LOG_ACCOUNT = "582318560864"  # Elastic Load Balancing's account in ap-northeast-1
HEADER = "X-Origin-Verify"
# What the repository's inventories fall back to on the emulator.
SECRET = os.environ.get("KUMO_ALB_ORIGIN_VERIFY_SECRET", "emulator-only-origin-verify-not-a-secret")
REDIRECT = {
    "Type": "redirect",
    "RedirectConfig": {
        "Protocol": "HTTPS",
        "Port": "443",
        "Host": "#{host}",
        "Path": "/#{path}",
        "Query": "#{query}",
        "StatusCode": "HTTP_301",
    },
}
FORBIDDEN = {
    "Type": "fixed-response",
    "FixedResponseConfig": {"ContentType": "text/plain", "MessageBody": "Forbidden", "StatusCode": "403"},
}


@pytest.fixture(scope="module")
def alb(stacks, env):
    stack = stacks[env]
    stack.converged("network", "alb")
    elbv2 = stack.client("elbv2")
    [balancer] = elbv2.describe_load_balancers(Names=[f"kumo-{env}-alb"])["LoadBalancers"]
    return stack, elbv2, balancer


def _attributes(answer):
    return {a["Key"]: a["Value"] for a in answer["Attributes"]}


def _listeners(elbv2, balancer):
    answer = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])
    return {listener["Port"]: listener for listener in answer["Listeners"]}


def _target_group_names(env):
    suffixes = ["", "-alt"] if BLUE_GREEN[env] else [""]
    return [f"kumo-{env}-{service}{suffix}" for service in ("frontend", "backend") for suffix in suffixes]


def _target_groups(elbv2, env):
    groups = elbv2.describe_target_groups(Names=_target_group_names(env))["TargetGroups"]
    return {g["TargetGroupName"]: g for g in groups}


def _rules(elbv2, listener_arn, env):
    """(priority, conditions, target group name) of each non-default rule, and the default rule's actions."""
    names = {g["TargetGroupArn"]: name for name, g in _target_groups(elbv2, env).items()}
    rules = elbv2.describe_rules(ListenerArn=listener_arn)["Rules"]
    found = []
    for rule in rules:
        if rule["IsDefault"]:
            continue
        conditions = {}
        for condition in rule["Conditions"]:
            if condition["Field"] == "http-header":
                config = condition["HttpHeaderConfig"]
                conditions["http-header"] = (config["HttpHeaderName"], config["Values"])
            else:
                conditions[condition["Field"]] = condition["PathPatternConfig"]["Values"]
        [action] = rule["Actions"]
        assert action["Type"] == "forward"
        found.append((rule["Priority"], conditions, names[action["TargetGroupArn"]]))
    return sorted(found)


def _secret_forwarding(env):
    return [
        ("10", {"http-header": (HEADER, [SECRET]), "path-pattern": ["/api/*"]}, f"kumo-{env}-backend"),
        ("20", {"http-header": (HEADER, [SECRET])}, f"kumo-{env}-frontend"),
    ]


def test_second_run_changes_nothing(alb):
    stack, _, _ = alb
    first, second = stack.converged("network", "alb")
    assert second.changed == 0, second.changed_tasks()
    for run in (first, second):
        assert SECRET not in run.output


# One environment in make test: the layer's tasks are the same in each (the
# shared stack's second run already ran every task of every layer in both).
@sampled("dev")
def test_the_alb_tag_alone_changes_nothing_and_hides_the_secret(alb, env):
    stack, _, _ = alb
    run = stack.run(tags=["alb"], refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()
    assert SECRET not in run.output
    # Only the alb layer ran (it found the network layer by its tags).
    assert "TASK [kumo.platform.alb : Create the load balancer and its listeners]" in run.output
    assert "TASK [kumo.platform.network : Create the VPC]" not in run.output


@sampled("dev")
def test_check_mode_on_the_converged_stack_changes_nothing(alb, env):
    stack, _, _ = alb
    run = stack.run(tags=["alb"], check=True, diff=True, refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()
    assert SECRET not in run.output


def test_one_internet_facing_alb_across_the_three_public_subnets(alb, env):
    stack, elbv2, balancer = alb
    ec2 = stack.client("ec2")
    assert [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]].count(
        f"kumo-{env}-alb"
    ) == 1
    assert balancer["Scheme"] == "internet-facing"
    assert balancer["Type"] == "application"
    assert balancer["IpAddressType"] == "ipv4"
    subnets = ec2.describe_subnets(SubnetIds=[z["SubnetId"] for z in balancer["AvailabilityZones"]])["Subnets"]
    assert sorted(tags_of(s)["Name"] for s in subnets) == [f"kumo-{env}-public-{az[-1]}" for az in AZS]
    assert sorted(s["AvailabilityZone"] for s in subnets) == AZS  # ELB.13
    groups = ec2.describe_security_groups(GroupIds=balancer["SecurityGroups"])["SecurityGroups"]
    assert sorted(g["GroupName"] for g in groups) == [f"kumo-{env}-alb", f"kumo-{env}-alb-http", f"kumo-{env}-alb-test"]
    [tags] = elbv2.describe_tags(ResourceArns=[balancer["LoadBalancerArn"]])["TagDescriptions"]
    assert tags_of(tags) == expected_tags(env, f"kumo-{env}-alb")


def test_load_balancer_attributes(alb, env):
    stack, elbv2, balancer = alb
    attributes = _attributes(elbv2.describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"]))
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"  # ELB.4
    assert attributes["routing.http.desync_mitigation_mode"] in ("defensive", "strictest")  # ELB.12
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    assert attributes["deletion_protection.enabled"] == DELETION_PROTECTION[env]  # ELB.6
    assert attributes["idle_timeout.timeout_seconds"] == "60"
    if ACCESS_LOGS[env]:  # ELB.5
        account = stack.client("sts").get_caller_identity()["Account"]
        assert attributes["access_logs.s3.enabled"] == "true"
        assert attributes["access_logs.s3.bucket"] == f"kumo-{env}-alb-logs-{account}"
    else:
        assert attributes["access_logs.s3.enabled"] == "false"


def test_http_redirects_to_https_and_forwards_only_with_the_secret_header(alb, env):
    _, elbv2, balancer = alb
    listeners = _listeners(elbv2, balancer)
    assert set(listeners) == ({80, 443, TEST_PORT} if BLUE_GREEN[env] else {80, 443})
    http = listeners[80]
    assert http["Protocol"] == "HTTP"
    assert http["DefaultActions"] == [REDIRECT]  # ELB.1
    # No origin domain in the inventory: CloudFront comes over HTTP with the header.
    assert _rules(elbv2, http["ListenerArn"], env) == _secret_forwarding(env)


def test_https_presents_the_certificate_and_answers_403_without_the_secret_header(alb, env):
    stack, elbv2, balancer = alb
    listeners = _listeners(elbv2, balancer)
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"  # ELB.17
    assert https["DefaultActions"] == [FORBIDDEN]
    # With blue/green CodeDeploy moves the rules of one listener, the one CloudFront reaches.
    assert _rules(elbv2, https["ListenerArn"], env) == ([] if BLUE_GREEN[env] else _secret_forwarding(env))

    # No certificate ARN in the inventory: one self-signed certificate, imported once.
    acm = stack.client("acm")
    [certificate] = https["Certificates"]
    named = [
        c["CertificateArn"]
        for c in acm.list_certificates()["CertificateSummaryList"]
        if tags_of(acm.list_tags_for_certificate(CertificateArn=c["CertificateArn"])).get("Name")
        == f"kumo-{env}-alb-self-signed"
    ]
    assert named == [certificate["CertificateArn"]]
    described = acm.describe_certificate(CertificateArn=certificate["CertificateArn"])["Certificate"]
    assert described["Type"] == "IMPORTED"
    assert described["DomainName"] == f"kumo-{env}-alb.kumo.invalid"
    assert tags_of(acm.list_tags_for_certificate(CertificateArn=certificate["CertificateArn"])) == expected_tags(
        env, f"kumo-{env}-alb-self-signed"
    )


def test_the_test_listener_forwards_as_production_does_and_admits_only_the_nat_gateways(alb, env):
    stack, elbv2, balancer = alb
    test = _listeners(elbv2, balancer).get(TEST_PORT)
    ec2 = stack.client("ec2")
    [group] = ec2.describe_security_groups(
        Filters=[
            {"Name": "group-name", "Values": [f"kumo-{env}-alb-test"]},
            {"Name": "vpc-id", "Values": [balancer["VpcId"]]},
        ]
    )["SecurityGroups"]
    assert group["IpPermissionsEgress"] == []
    if not BLUE_GREEN[env]:
        assert test is None and group["IpPermissions"] == []
        return
    assert (test["Protocol"], test["SslPolicy"]) == ("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    assert test["DefaultActions"] == [FORBIDDEN]
    assert test["Certificates"] == _listeners(elbv2, balancer)[443]["Certificates"]
    # CodeDeploy moves its rules to a release's new task set first: at rest they
    # forward where the production listener's do.
    assert _rules(elbv2, test["ListenerArn"], env) == _secret_forwarding(env)
    nat_gateways = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [balancer["VpcId"]]}])["NatGateways"]
    nat_ips = sorted(
        a["PublicIp"] + "/32" for n in nat_gateways if n["State"] == "available" for a in n["NatGatewayAddresses"]
    )
    assert nat_ips
    [rule] = group["IpPermissions"]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", TEST_PORT, TEST_PORT)
    assert sorted(r["CidrIp"] for r in rule["IpRanges"]) == nat_ips
    assert rule["UserIdGroupPairs"] == [] and rule["PrefixListIds"] == []


def test_one_target_group_per_service_or_a_pair_with_blue_green(alb, env):
    _, elbv2, _ = alb
    found = sorted(
        g["TargetGroupName"]
        for g in elbv2.describe_target_groups()["TargetGroups"]
        if g["TargetGroupName"].startswith(f"kumo-{env}-")
    )
    assert found == sorted(_target_group_names(env))


@pytest.mark.parametrize(("component", "port", "suffix"), [("frontend", 3000, ""), ("backend", 3001, "-alt")])
def test_target_groups(alb, env, component, port, suffix):
    _, elbv2, _ = alb
    name = f"kumo-{env}-{component}" + (suffix if BLUE_GREEN[env] else "")
    group = _target_groups(elbv2, env)[name]
    assert group["TargetType"] == "instance"
    assert group["Protocol"] == "HTTP"
    assert group["Port"] == port
    assert group["HealthCheckProtocol"] == "HTTP"
    assert group["HealthCheckPort"] == "traffic-port"
    assert group["HealthCheckPath"] == "/api/health"
    assert group["HealthCheckIntervalSeconds"] == 30
    assert group["Matcher"] == {"HttpCode": "200"}
    attributes = _attributes(elbv2.describe_target_group_attributes(TargetGroupArn=group["TargetGroupArn"]))
    assert attributes["stickiness.enabled"] == "true"
    assert attributes["stickiness.type"] == "lb_cookie"
    assert attributes["stickiness.lb_cookie.duration_seconds"] == "86400"
    assert attributes["deregistration_delay.timeout_seconds"] == DEREGISTRATION_DELAY[env]
    [tags] = elbv2.describe_tags(ResourceArns=[group["TargetGroupArn"]])["TagDescriptions"]
    assert tags_of(tags) == expected_tags(env, name)


def test_access_log_bucket(alb, env):
    stack, _, _ = alb
    s3 = stack.client("s3")
    account = stack.client("sts").get_caller_identity()["Account"]
    bucket = f"kumo-{env}-alb-logs-{account}"
    names = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(f"kumo-{env}-alb-logs")]
    if not ACCESS_LOGS[env]:
        assert names == []
        return
    assert names == [bucket]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"  # ELB logs need SSE-S3
    [controls] = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert controls["ObjectOwnership"] == "BucketOwnerEnforced"
    [expiry] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert expiry["Status"] == "Enabled"
    assert expiry["Expiration"]["Days"] == LOG_RETENTION[env]
    statements = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]}
    deny = statements["DenyInsecureTransport"]  # S3.5
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allow = statements["AllowElbLogDelivery"]
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"AWS": f"arn:aws:iam::{ELB_LOG_ACCOUNT}:root"}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Resource"] == f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*"
    assert tags_of(s3.get_bucket_tagging(Bucket=bucket), "TagSet") == expected_tags(env, bucket)


def test_deletion_protection_holds_where_it_is_on(alb, env):
    _, elbv2, balancer = alb
    attributes = _attributes(elbv2.describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"]))
    assert attributes["deletion_protection.enabled"] == DELETION_PROTECTION[env]
    if DELETION_PROTECTION[env] == "true":
        with pytest.raises(botocore.exceptions.ClientError) as error:
            elbv2.delete_load_balancer(LoadBalancerArn=balancer["LoadBalancerArn"])
        assert error.value.response["Error"]["Code"] == "OperationNotPermitted"
        assert elbv2.describe_load_balancers(Names=[f"kumo-{env}-alb"])["LoadBalancers"]
