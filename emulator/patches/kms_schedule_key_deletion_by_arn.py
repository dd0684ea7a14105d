"""KMS ScheduleKeyDeletion: the key may be named by its ARN.

AWS (https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html):
"KeyId - The unique identifier of the KMS key to delete. Specify the key ID or
key ARN of the KMS key. For example: Key ID: 1234abcd-12ab-34cd-56ef-1234567890ab
Key ARN: arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab".
moto indexes its keys by id and answers a key ARN (what amazon.aws.kms_key
sends) with an HTTP 500 (KeyError).
"""

import functools

from moto.kms.models import KmsBackend


def apply():
    original = KmsBackend.schedule_key_deletion

    @functools.wraps(original)
    def schedule_key_deletion(self, key_id, pending_window_in_days):
        return original(self, self.any_id_to_key_id(key_id), pending_window_in_days)

    KmsBackend.schedule_key_deletion = schedule_key_deletion
