import botocore.exceptions
import pytest

RULE = {
    "RuleName": "checkout",
    "ResourceARN": "*",
    "Priority": 100,
    "FixedRate": 0.1,
    "ReservoirSize": 2,
    "ServiceName": "*",
    "ServiceType": "*",
    "Host": "*",
    "HTTPMethod": "*",
    "URLPath": "*",
    "Version": 1,
}


def _names(xray):
    return [r["SamplingRule"]["RuleName"] for r in xray.get_sampling_rules()["SamplingRuleRecords"]]


def test_the_account_starts_with_the_default_rule(aws):
    xray = aws("xray", "eu-central-1")
    [default] = xray.get_sampling_rules()["SamplingRuleRecords"]
    assert default["SamplingRule"]["RuleName"] == "Default"
    assert default["SamplingRule"]["Priority"] == 10000
    assert default["SamplingRule"]["FixedRate"] == 0.05


def test_create_update_tag_and_delete_a_rule(aws):
    xray = aws("xray", "eu-north-1")
    created = xray.create_sampling_rule(SamplingRule=RULE, Tags=[{"Key": "Name", "Value": "checkout"}])
    rule = created["SamplingRuleRecord"]["SamplingRule"]
    assert rule["RuleARN"] == "arn:aws:xray:eu-north-1:123456789012:sampling-rule/checkout"
    assert _names(xray) == ["Default", "checkout"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        xray.create_sampling_rule(SamplingRule=RULE)
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"

    updated = xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "checkout", "FixedRate": 0.5})
    assert updated["SamplingRuleRecord"]["SamplingRule"]["FixedRate"] == 0.5
    assert updated["SamplingRuleRecord"]["SamplingRule"]["ReservoirSize"] == 2

    xray.tag_resource(ResourceARN=rule["RuleARN"], Tags=[{"Key": "Team", "Value": "web"}])
    xray.untag_resource(ResourceARN=rule["RuleARN"], TagKeys=["Name"])
    assert xray.list_tags_for_resource(ResourceARN=rule["RuleARN"])["Tags"] == [{"Key": "Team", "Value": "web"}]

    deleted = xray.delete_sampling_rule(RuleName="checkout")
    assert deleted["SamplingRuleRecord"]["SamplingRule"]["RuleName"] == "checkout"
    assert _names(xray) == ["Default"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        xray.delete_sampling_rule(RuleName="checkout")
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
