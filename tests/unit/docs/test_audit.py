"""make audit's inputs and verdict: every finding audit/mutelist.yml accepts
names its reason, Prowler is pinned, and scripts/audit_report.py fails on a
FAIL on the environment's resources that the list does not accept."""

import importlib.util
import json
import re

import pytest
import yaml

from kumo_testlib import ROOT

MUTELIST = ROOT / "audit" / "mutelist.yml"
spec = importlib.util.spec_from_file_location("audit_report", ROOT / "scripts" / "audit_report.py")
audit_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_report)


def entries():
    return yaml.safe_load(MUTELIST.read_text())["Mutelist"]["Accounts"]["*"]["Checks"]


@pytest.mark.parametrize("check", sorted(entries()))
def test_each_accepted_finding_names_its_resources_and_reason(check):
    entry = entries()[check]
    assert re.fullmatch(r"[a-z0-9_]+", check), "a check name, not a wildcard: each acceptance is argued alone"
    assert entry["Regions"] and entry["Resources"], entry
    assert len(entry["Description"].split()) >= 8, f"{check}: say why it is accepted"


def test_prowler_is_pinned():
    lines = [line for line in (ROOT / "audit" / "requirements.txt").read_text().splitlines() if line[:1] not in "#"]
    assert [line.split("==")[0] for line in lines if line] == ["prowler"]
    assert all("==" in line for line in lines if line)


def finding(check, uid, status="New", labels=()):
    return {
        "metadata": {"event_code": check, "product": {"version": "5.46.0"}},
        "status_code": "FAIL",
        "status": status,
        "status_detail": f"{check} on {uid}",
        "resources": [{"uid": uid, "name": uid.rsplit("/", 1)[-1], "labels": list(labels)}],
    }


def verdict(tmp_path, monkeypatch, capsys, findings):
    report = tmp_path / "scan.ocsf.json"
    report.write_text(json.dumps(findings))
    monkeypatch.setattr(audit_report, "env_ids", lambda env: {"vpc-0prod", "i-0prod"})
    monkeypatch.setattr("sys.argv", ["audit_report.py", "--env", "prod", "--mutelist", str(MUTELIST), str(report)])
    code = audit_report.main()
    return code, capsys.readouterr()


ACCEPTED = finding("vpc_different_regions", "arn:aws:ec2:ap-northeast-1:1:vpc/vpc-0prod", status="Suppressed")
THE_DEV_ONE = finding("sns_topics_kms_encryption_at_rest_enabled", "arn:aws:sns:ap-northeast-1:1:kumo-dev-alerts")
ACCOUNT = finding("iam_password_policy_minimum_length_14", "arn:aws:iam::1:root")


def test_accepted_and_outside_findings_pass(tmp_path, monkeypatch, capsys):
    code, out = verdict(tmp_path, monkeypatch, capsys, [ACCEPTED, THE_DEV_ONE, ACCOUNT])
    assert code == 0, out.err
    assert "1 FAIL in 1 checks; 1 in 1 checks accepted" in out.out
    assert "2 FAIL in 2 checks" in out.out  # dev's and the account's, not gated


@pytest.mark.parametrize(
    "open_one",
    [
        finding("sns_topics_kms_encryption_at_rest_enabled", "arn:aws:sns:ap-northeast-1:1:kumo-prod-alerts"),
        finding("ec2_instance_imdsv2_enabled", "arn:aws:ec2:ap-northeast-1:1:instance/i-0prod"),  # untagged, by id
        finding("ec2_networkacl_allow_ingress_any_port", "acl-1", labels=["Environment:prod"]),
    ],
    ids=["named", "by-id", "tagged"],
)
def test_a_fail_on_the_environments_resources_not_accepted_fails(tmp_path, monkeypatch, capsys, open_one):
    code, out = verdict(tmp_path, monkeypatch, capsys, [ACCEPTED, open_one, ACCOUNT])
    assert code == 1
    assert f"OPEN           {open_one['metadata']['event_code']}" in out.out
    assert "not in" in out.err
