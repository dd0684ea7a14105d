"""S3 object requests: a bucket-policy statement whose condition is not met does not apply.

AWS (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html):
"The Condition element (or Condition block) lets you specify conditions for
when a policy is in effect. [...] If the condition is not met, the statement
does not apply." The usual TLS-only statement (S3.5,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
is ``Deny s3:* when {"Bool": {"aws:SecureTransport": "false"}}``: on AWS it
blocks only plain-HTTP requests, and the SDKs reach S3 over HTTPS.

moto evaluates a bucket policy for object requests (``FakeBucket.get_permission``)
with no request context and does not understand the ``Bool`` operator, so the
TLS-only Deny applies to every request: any bucket with one refuses every
PutObject/GetObject with 403. The patch evaluates each statement's condition
against the request context of an SDK call over HTTPS (``aws:SecureTransport``
"true"; the emulator's HTTP endpoint stands in for S3's HTTPS one) and skips a
statement whose condition is not met (a key the context lacks does not match,
as on AWS, unless the operator ends in ``IfExists``).
"""

import fnmatch

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.s3.models import FakeBucket

# What every request through an AWS SDK to S3's HTTPS endpoint carries.
REQUEST_CONTEXT = {"aws:SecureTransport": "true"}


def _statements(policy):
    statements = policy.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def condition_met(condition, context):
    """Whether every operator/key pair of a Condition block holds in the request context."""
    lowered = {key.lower(): value for key, value in context.items()}
    for operator, pairs in condition.items():
        base = operator[: -len("IfExists")] if operator.endswith("IfExists") else operator
        for key, expected in pairs.items():
            wanted = [str(value) for value in (expected if isinstance(expected, list) else [expected])]
            actual = lowered.get(key.lower())
            if actual is None:
                if operator.endswith("IfExists"):
                    continue
                return False
            if base == "Bool":
                met = actual.lower() in [value.lower() for value in wanted]
            elif base in ("StringEquals", "ArnEquals"):
                met = actual in wanted
            elif base in ("StringNotEquals", "ArnNotEquals"):
                met = actual not in wanted
            elif base in ("StringLike", "ArnLike"):
                met = any(fnmatch.fnmatchcase(actual, value) for value in wanted)
            else:
                met = False
            if not met:
                return False
    return True


def apply():
    import json

    def get_permission(self, action, resource):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        permitted = False
        for raw in _statements(json.loads(self.policy.decode())):
            if raw.get("Condition") and not condition_met(raw["Condition"], REQUEST_CONTEXT):
                continue  # the condition is not met: the statement does not apply
            statement = IAMPolicyStatement({key: value for key, value in raw.items() if key != "Condition"})
            result = statement.is_action_permitted(action, resource)
            if result == PermissionResult.DENIED:
                return result
            permitted = permitted or result == PermissionResult.PERMITTED
        return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission
