"""observe_alb against moto in-process: a small prod alb layer built as the role builds it."""

import datetime
import json
from pathlib import Path

import boto3
import jinja2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.module_utils import layer_state, observe_alb
from emulator.patches import elbv2_alb_default_attributes, elbv2_stickiness_duration
from kumo_testlib import CountingClients

elbv2_alb_default_attributes.apply()
elbv2_stickiness_duration.apply()

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
SCOPE = layer_state.Scope("kumo", "prod", "kumo-prod", REGION, ACCOUNT, "aws")
PREFIX = SCOPE.name_prefix
BUCKET = f"{PREFIX}-alb-logs-{ACCOUNT}"
SELF_SIGNED = f"{PREFIX}-alb-self-signed"
SECRET = "emulator-only-origin-verify-not-a-secret"
TAGS = {"Project": "kumo", "Environment": "prod", "ManagedBy": "ansible"}
BUDGET = 16
TEMPLATES = Path(__file__).parents[4] / "roles" / "alb" / "templates"


def tag_list(name):
    return [{"Key": k, "Value": v} for k, v in dict(TAGS, Name=name).items()]


def self_signed():
    """A certificate and key as roles/alb/tasks/certificate.yml makes them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{PREFIX}-alb.kumo.invalid")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(f"{PREFIX}-alb.kumo.invalid")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ),
    )


def observe():
    clients = CountingClients()
    return observe_alb.observe(clients, SCOPE), clients.calls


def header_condition(secret=SECRET):
    return {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Origin-Verify", "Values": [secret]}}


def add_rules(elbv2, listener, groups):
    elbv2.create_rule(
        ListenerArn=listener,
        Priority=10,
        Conditions=[header_condition(), {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}],
        Actions=[{"Type": "forward", "TargetGroupArn": groups["backend"]}],
    )
    elbv2.create_rule(
        ListenerArn=listener,
        Priority=20,
        Conditions=[header_condition()],
        Actions=[{"Type": "forward", "TargetGroupArn": groups["frontend"]}],
    )


def build():
    """The prod alb layer, as roles/alb creates it."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("acd")
    ]
    group = ec2.create_security_group(GroupName=f"{PREFIX}-alb", Description="alb", VpcId=vpc)["GroupId"]

    certificate, key = self_signed()
    acm = boto3.client("acm", region_name=REGION)
    certificate_arn = acm.import_certificate(Certificate=certificate, PrivateKey=key, Tags=tag_list(SELF_SIGNED))[
        "CertificateArn"
    ]

    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    policy = jinja2.Template((TEMPLATES / "access_log_bucket_policy.json.j2").read_text()).render(
        alb_access_log_bucket=BUCKET,
        alb_account_id=ACCOUNT,
        kumo_region=REGION,
        alb_elb_log_accounts={REGION: "582318560864"},
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": tag_list(BUCKET)})
    put_lifecycle(s3, 30)

    elbv2 = boto3.client("elbv2", region_name=REGION)
    groups = {}
    for name, port in (("frontend", 3000), ("backend", 3001)):
        arn = elbv2.create_target_group(
            Name=f"{PREFIX}-{name}",
            Protocol="HTTP",
            Port=port,
            VpcId=vpc,
            TargetType="instance",
            HealthCheckProtocol="HTTP",
            HealthCheckPort="traffic-port",
            HealthCheckPath="/api/health",
            HealthCheckIntervalSeconds=30,
            Matcher={"HttpCode": "200"},
            Tags=tag_list(f"{PREFIX}-{name}"),
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.modify_target_group_attributes(
            TargetGroupArn=arn,
            Attributes=[
                {"Key": "stickiness.enabled", "Value": "true"},
                {"Key": "stickiness.type", "Value": "lb_cookie"},
                {"Key": "stickiness.lb_cookie.duration_seconds", "Value": "86400"},
                {"Key": "deregistration_delay.timeout_seconds", "Value": "60"},
            ],
        )
        groups[name] = arn

    balancer = elbv2.create_load_balancer(
        Name=f"{PREFIX}-alb",
        Subnets=subnets,
        SecurityGroups=[group],
        Scheme="internet-facing",
        Type="application",
        IpAddressType="ipv4",
        Tags=tag_list(f"{PREFIX}-alb"),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=balancer,
        Attributes=[
            {"Key": "deletion_protection.enabled", "Value": "true"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            {"Key": "routing.http.desync_mitigation_mode", "Value": "defensive"},
            {"Key": "idle_timeout.timeout_seconds", "Value": "60"},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": BUCKET},
            {"Key": "access_logs.s3.prefix", "Value": ""},
        ],
    )
    http = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
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
        ],
    )["Listeners"][0]["ListenerArn"]
    https = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": certificate_arn}],
        DefaultActions=[
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"ContentType": "text/plain", "MessageBody": "Forbidden", "StatusCode": "403"},
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    # prod has no alb_origin_domain: CloudFront reaches the ALB over HTTP, and both listeners forward.
    add_rules(elbv2, http, groups)
    add_rules(elbv2, https, groups)
    return {
        "certificate": certificate_arn,
        "balancer": balancer,
        "groups": groups,
        "listeners": {"http": http, "https": https},
    }


def put_lifecycle(s3, days):
    s3.put_bucket_lifecycle_configuration(
        Bucket=BUCKET,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-access-logs",
                    "Filter": {"Prefix": ""},
                    "Status": "Enabled",
                    "Expiration": {"Days": days},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        },
    )


@pytest.fixture
def layer():
    with mock_aws():
        yield build()


def test_two_observations_are_equal_and_json(layer):
    first = observe()[0]
    second = observe()[0]
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert set(first) == {
        "certificates",
        "access_log_bucket",
        "target_groups",
        "load_balancer",
        "listeners",
        "listener_rules",
    }


def test_the_observation_holds_the_managed_settings(layer):
    observed = observe()[0]
    assert observed["certificates"] == [{"CertificateArn": layer["certificate"], "Tags": dict(TAGS, Name=SELF_SIGNED)}]

    bucket = observed["access_log_bucket"]
    assert bucket["Tags"] == dict(TAGS, Name=BUCKET)
    assert bucket["Policy"]["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::582318560864:root"}
    assert bucket["OwnershipControls"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["PublicAccessBlock"]["RestrictPublicBuckets"] is True
    assert bucket["Encryption"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["Lifecycle"][0]["Expiration"] == {"Days": 30}

    groups = observed["target_groups"]
    assert [g["TargetGroupName"] for g in groups] == [f"{PREFIX}-backend", f"{PREFIX}-frontend"]
    assert groups[0]["HealthCheckPath"] == "/api/health"
    assert groups[0]["Attributes"]["deregistration_delay.timeout_seconds"] == "60"
    assert groups[0]["Attributes"]["stickiness.type"] == "lb_cookie"
    assert groups[0]["Tags"]["Name"] == f"{PREFIX}-backend"

    balancer = observed["load_balancer"]
    assert balancer["LoadBalancerArn"] == layer["balancer"]
    assert balancer["Attributes"]["deletion_protection.enabled"] == "true"
    assert balancer["Attributes"]["access_logs.s3.bucket"] == BUCKET
    assert balancer["Tags"]["Name"] == f"{PREFIX}-alb"
    assert "State" not in balancer and "CreatedTime" not in balancer

    assert [(listener["Protocol"], listener["Port"]) for listener in observed["listeners"]] == [
        ("HTTP", 80),
        ("HTTPS", 443),
    ]
    assert observed["listeners"][1]["Certificates"][0]["CertificateArn"] == layer["certificate"]

    rules = observed["listener_rules"]
    assert [rule["Priority"] for rule in rules] == ["10", "20"] * 2
    assert SECRET not in json.dumps(observed)


def test_calls_per_observation_are_within_budget(layer):
    calls = observe()[1]
    assert len(calls) <= BUDGET, calls


def untag_certificate(layer):
    boto3.client("acm", region_name=REGION).remove_tags_from_certificate(
        CertificateArn=layer["certificate"], Tags=[{"Key": "Name", "Value": SELF_SIGNED}]
    )


def shorten_log_retention(layer):
    put_lifecycle(boto3.client("s3", region_name=REGION), 7)


def open_public_access(layer):
    boto3.client("s3", region_name=REGION).delete_public_access_block(Bucket=BUCKET)


def drop_bucket_policy(layer):
    boto3.client("s3", region_name=REGION).delete_bucket_policy(Bucket=BUCKET)


def retag_bucket(layer):
    boto3.client("s3", region_name=REGION).put_bucket_tagging(
        Bucket=BUCKET, Tagging={"TagSet": tag_list(BUCKET) + [{"Key": "Owner", "Value": "someone"}]}
    )


def change_health_check_path(layer):
    boto3.client("elbv2", region_name=REGION).modify_target_group(
        TargetGroupArn=layer["groups"]["frontend"], HealthCheckPath="/"
    )


def change_deregistration_delay(layer):
    boto3.client("elbv2", region_name=REGION).modify_target_group_attributes(
        TargetGroupArn=layer["groups"]["backend"],
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "300"}],
    )


def untag_target_group(layer):
    boto3.client("elbv2", region_name=REGION).remove_tags(
        ResourceArns=[layer["groups"]["backend"]], TagKeys=["ManagedBy"]
    )


def change_idle_timeout(layer):
    boto3.client("elbv2", region_name=REGION).modify_load_balancer_attributes(
        LoadBalancerArn=layer["balancer"], Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "120"}]
    )


def stop_access_logs(layer):
    boto3.client("elbv2", region_name=REGION).modify_load_balancer_attributes(
        LoadBalancerArn=layer["balancer"], Attributes=[{"Key": "access_logs.s3.enabled", "Value": "false"}]
    )


def retag_load_balancer(layer):
    boto3.client("elbv2", region_name=REGION).add_tags(
        ResourceArns=[layer["balancer"]], Tags=[{"Key": "Environment", "Value": "dev"}]
    )


def change_tls_policy(layer):
    boto3.client("elbv2", region_name=REGION).modify_listener(
        ListenerArn=layer["listeners"]["https"], SslPolicy="ELBSecurityPolicy-2016-08"
    )


def change_http_default_action(layer):
    boto3.client("elbv2", region_name=REGION).modify_listener(
        ListenerArn=layer["listeners"]["http"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": layer["groups"]["frontend"]}],
    )


def _rule(elbv2, listener, priority):
    rules = elbv2.describe_rules(ListenerArn=listener)["Rules"]
    return next(rule["RuleArn"] for rule in rules if rule["Priority"] == priority)


def change_origin_secret(layer):
    elbv2 = boto3.client("elbv2", region_name=REGION)
    elbv2.modify_rule(
        RuleArn=_rule(elbv2, layer["listeners"]["https"], "20"), Conditions=[header_condition("another-secret")]
    )


def change_path_pattern(layer):
    elbv2 = boto3.client("elbv2", region_name=REGION)
    elbv2.modify_rule(
        RuleArn=_rule(elbv2, layer["listeners"]["http"], "10"),
        Conditions=[header_condition(), {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/v2/*"]}}],
    )


def reorder_rules(layer):
    elbv2 = boto3.client("elbv2", region_name=REGION)
    listener = layer["listeners"]["https"]
    elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": _rule(elbv2, listener, "10"), "Priority": 30}])


# Applied one after another on one layer: a fresh moto account per drift costs seconds.
DRIFTS = [
    ("certificates", untag_certificate),
    ("access_log_bucket", shorten_log_retention),
    ("access_log_bucket", open_public_access),
    ("access_log_bucket", drop_bucket_policy),
    ("access_log_bucket", retag_bucket),
    ("target_groups", change_health_check_path),
    ("target_groups", change_deregistration_delay),
    ("target_groups", untag_target_group),
    ("load_balancer", change_idle_timeout),
    ("load_balancer", stop_access_logs),
    ("load_balancer", retag_load_balancer),
    ("listeners", change_tls_policy),
    ("listeners", change_http_default_action),
    ("listener_rules", change_origin_secret),
    ("listener_rules", change_path_pattern),
    ("listener_rules", reorder_rules),
]


def test_each_changed_setting_changes_its_kind_only(layer):
    for kind, change in DRIFTS:
        before = observe()[0]
        change(layer)
        after = observe()[0]
        assert after[kind] != before[kind], (kind, change)
        assert {k: v for k, v in after.items() if k != kind} == {k: v for k, v in before.items() if k != kind}


def test_an_empty_account_observes_as_nothing():
    with mock_aws():
        observed, calls = observe()
    assert observed == {
        "certificates": [],
        "access_log_bucket": None,
        "target_groups": [],
        "load_balancer": None,
        "listeners": [],
        "listener_rules": [],
    }
    assert len(calls) <= BUDGET


def test_a_blue_green_pair_forwards_as_one_target_group_however_elb_spells_it():
    base, alternate = "arn:tg/kumo-prod-frontend/1", "arn:tg/kumo-prod-frontend-alt/2"
    groups = [
        {"TargetGroupName": "kumo-prod-frontend", "TargetGroupArn": base},
        {"TargetGroupName": "kumo-prod-frontend-alt", "TargetGroupArn": alternate},
        {"TargetGroupName": "kumo-prod-backend", "TargetGroupArn": "arn:tg/kumo-prod-backend/3"},
    ]
    aliases = observe_alb.pair_aliases(groups)
    assert aliases == {alternate: base}
    plain = {"Type": "forward", "TargetGroupArn": base}
    moved = {"Type": "forward", "TargetGroupArn": alternate}
    configured = {
        "Type": "forward",
        "TargetGroupArn": base,
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": base, "Weight": 1}]},
    }
    shifting = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": base, "Weight": 90}, {"TargetGroupArn": alternate, "Weight": 10}]
        },
    }
    seen = [observe_alb._forward(action, aliases) for action in (plain, moved, configured, shifting)]
    assert seen[0] == seen[1] == seen[2] == seen[3]
    assert seen[0]["TargetGroups"] == [{"TargetGroupArn": base, "Weight": 1}]
    other = observe_alb._forward({"Type": "forward", "TargetGroupArn": "arn:tg/kumo-prod-backend/3"}, aliases)
    assert other != seen[0]
    fixed = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}
    assert observe_alb._forward(fixed, aliases) == fixed
