"""X-Ray sampling rules: CreateSamplingRule, GetSamplingRules, UpdateSamplingRule,
DeleteSamplingRule, and the tagging calls on a rule's ARN.

AWS (https://docs.aws.amazon.com/xray/latest/api/API_CreateSamplingRule.html):
"Creates a rule to control sampling behavior for instrumented applications."
and answers ``{"SamplingRuleRecord": {"SamplingRule": {..., "RuleARN": ...},
"CreatedAt": ..., "ModifiedAt": ...}}``; GetSamplingRules
(https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingRules.html)
returns ``{"SamplingRuleRecords": [...]}``, always including the account's
``Default`` rule (priority 10000, 1 request per second and 5 % of the rest);
UpdateSamplingRule takes a ``SamplingRuleUpdate`` naming the rule by
``RuleName`` or ``RuleARN``; DeleteSamplingRule returns the deleted record;
a rule that does not exist is ``InvalidRequestException``. moto 5.2 implements
none of these calls (its X-Ray backend only knows traces), so every request
answers 404.
"""

import datetime
import json

from moto.xray import urls
from moto.xray.responses import XRayResponse

_PATHS = (
    "CreateSamplingRule",
    "GetSamplingRules",
    "UpdateSamplingRule",
    "DeleteSamplingRule",
    "ListTagsForResource",
    "TagResource",
    "UntagResource",
)
_UPDATABLE = (
    "ResourceARN",
    "Priority",
    "FixedRate",
    "ReservoirSize",
    "Host",
    "ServiceName",
    "ServiceType",
    "HTTPMethod",
    "URLPath",
    "Attributes",
)


def _now():
    return datetime.datetime.now(datetime.UTC).timestamp()


def _rules(backend):
    """name -> {"rule": SamplingRule, "created": ts, "modified": ts, "tags": {}}; starts with Default."""
    if not hasattr(backend, "kumo_sampling_rules"):
        arn = f"arn:aws:xray:{backend.region_name}:{backend.account_id}:sampling-rule/Default"
        default = {
            "RuleName": "Default",
            "RuleARN": arn,
            "ResourceARN": "*",
            "Priority": 10000,
            "FixedRate": 0.05,
            "ReservoirSize": 1,
            "ServiceName": "*",
            "ServiceType": "*",
            "Host": "*",
            "HTTPMethod": "*",
            "URLPath": "*",
            "Version": 1,
            "Attributes": {},
        }
        backend.kumo_sampling_rules = {"Default": {"rule": default, "created": 0.0, "modified": 0.0, "tags": {}}}
    return backend.kumo_sampling_rules


def _record(entry):
    return {"SamplingRule": entry["rule"], "CreatedAt": entry["created"], "ModifiedAt": entry["modified"]}


def _invalid(message):
    return json.dumps({"__type": "InvalidRequestException", "Message": message}), {"status": 400}


def _find(rules, name=None, arn=None):
    for rule_name, entry in rules.items():
        if rule_name == name or (arn and entry["rule"]["RuleARN"] == arn):
            return entry
    return None


def create_sampling_rule(self):
    rules = _rules(self.xray_backend)
    rule = dict(self._get_param("SamplingRule") or {})
    name = rule.get("RuleName")
    if not name:
        return _invalid("RuleName is required")
    if name in rules:
        return _invalid(f"Sampling rule {name} already exists")
    rule["RuleARN"] = f"arn:aws:xray:{self.region}:{self.current_account}:sampling-rule/{name}"
    rule.setdefault("Attributes", {})
    now = _now()
    tags = {t["Key"]: t["Value"] for t in self._get_param("Tags") or []}
    rules[name] = {"rule": rule, "created": now, "modified": now, "tags": tags}
    return json.dumps({"SamplingRuleRecord": _record(rules[name])})


def get_sampling_rules(self):
    records = [_record(e) for e in _rules(self.xray_backend).values()]
    return json.dumps({"SamplingRuleRecords": records})


def update_sampling_rule(self):
    rules = _rules(self.xray_backend)
    update = self._get_param("SamplingRuleUpdate") or {}
    entry = _find(rules, update.get("RuleName"), update.get("RuleARN"))
    if entry is None:
        return _invalid("Sampling rule does not exist")
    entry["rule"].update({k: v for k, v in update.items() if k in _UPDATABLE})
    entry["modified"] = _now()
    return json.dumps({"SamplingRuleRecord": _record(entry)})


def delete_sampling_rule(self):
    rules = _rules(self.xray_backend)
    entry = _find(rules, self._get_param("RuleName"), self._get_param("RuleARN"))
    if entry is None or entry["rule"]["RuleName"] == "Default":
        return _invalid("Sampling rule does not exist or cannot be deleted")
    del rules[entry["rule"]["RuleName"]]
    return json.dumps({"SamplingRuleRecord": _record(entry)})


def _tagged(self):
    entry = _find(_rules(self.xray_backend), arn=self._get_param("ResourceARN"))
    if entry is None:
        return None, json.dumps({"__type": "ResourceNotFoundException", "Message": "No such resource"}), 404
    return entry, None, None


def list_tags_for_resource(self):
    entry, error, status = _tagged(self)
    if entry is None:
        return error, {"status": status}
    return json.dumps({"Tags": [{"Key": k, "Value": v} for k, v in entry["tags"].items()]})


def tag_resource(self):
    entry, error, status = _tagged(self)
    if entry is None:
        return error, {"status": status}
    entry["tags"].update({t["Key"]: t["Value"] for t in self._get_param("Tags") or []})
    return "{}"


def untag_resource(self):
    entry, error, status = _tagged(self)
    if entry is None:
        return error, {"status": status}
    for key in self._get_param("TagKeys") or []:
        entry["tags"].pop(key, None)
    return "{}"


def apply():
    for handler in (
        create_sampling_rule,
        get_sampling_rules,
        update_sampling_rule,
        delete_sampling_rule,
        list_tags_for_resource,
        tag_resource,
        untag_resource,
    ):
        setattr(XRayResponse, handler.__name__, handler)
    for path in _PATHS:
        urls.url_paths.setdefault("{0}/" + path + "$", XRayResponse.dispatch)
