#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: config_recorder_status
version_added: 0.1.0
short_description: Start or stop an AWS Config configuration recorder
description:
  - Starts or stops an existing AWS Config configuration recorder
    (StartConfigurationRecorder / StopConfigurationRecorder), after reading
    its status with DescribeConfigurationRecorderStatus.
  - community.aws.config_recorder and community.aws.config_delivery_channel
    create the recorder and its delivery channel but never start recording,
    so Config records nothing until this module runs (Security Hub Config.1).
  - AWS starts a recorder only once it has a delivery channel, and deletes a
    delivery channel only while the recorder is stopped.
author:
  - Kumo developers (@kumo-platform)
options:
  name:
    description: The configuration recorder's name.
    required: true
    type: str
  recording:
    description: V(true) starts the recorder, V(false) stops it.
    type: bool
    default: true
  missing_ok:
    description:
      - When the recorder does not exist, V(true) reports no change (for stopping
        a recorder that may already be gone); V(false) fails.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Start recording
  kumo.platform.config_recorder_status:
    name: kumo-prod-config

- name: Stop recording before the delivery channel is deleted
  kumo.platform.config_recorder_status:
    name: kumo-prod-config
    recording: false
    missing_ok: true
"""

RETURN = r"""
recorder_status:
  description: The recorder's status (DescribeConfigurationRecorderStatus, snake_case); empty when missing.
  returned: always
  type: dict
  contains:
    name:
      description: The recorder's name.
      type: str
      sample: kumo-prod-config
    recording:
      description: Whether the recorder is recording.
      type: bool
      sample: true
    last_status:
      description: The status of the last recording attempt.
      type: str
      sample: SUCCESS
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSRetry.jittered_backoff()
def describe_status(client, name):
    try:
        statuses = client.describe_configuration_recorder_status(ConfigurationRecorderNames=[name])
    except is_boto3_error_code("NoSuchConfigurationRecorderException"):
        return None
    found = statuses.get("ConfigurationRecordersStatus", [])
    return found[0] if found else None


@AWSRetry.jittered_backoff()
def start_recorder(client, name):
    return client.start_configuration_recorder(ConfigurationRecorderName=name)


@AWSRetry.jittered_backoff()
def stop_recorder(client, name):
    return client.stop_configuration_recorder(ConfigurationRecorderName=name)


def describe(status):
    return camel_dict_to_snake_dict(status) if status else {}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        recording=dict(type="bool", default=True),
        missing_ok=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("config", retry_decorator=AWSRetry.jittered_backoff())
    name, recording = module.params["name"], module.params["recording"]
    try:
        status = describe_status(client, name)
        if status is None:
            if module.params["missing_ok"]:
                module.exit_json(changed=False, recorder_status={})
            module.fail_json(msg=f"The configuration recorder {name} does not exist; create it first.")
        changed = bool(status.get("recording")) != recording
        if changed and not module.check_mode:
            (start_recorder if recording else stop_recorder)(client, name)
        current = describe_status(client, name) if not module.check_mode else dict(status, recording=recording)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not set the recording of configuration recorder {name}")
    module.exit_json(
        changed=changed,
        recorder_status=describe(current),
        diff={"before": {"recording": bool(status.get("recording"))}, "after": {"recording": recording}},
    )


if __name__ == "__main__":
    main()
