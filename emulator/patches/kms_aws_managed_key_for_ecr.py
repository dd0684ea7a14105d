"""KMS DescribeKey: the predefined alias alias/aws/ecr names ECR's AWS managed key.

AWS (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html):
"If you call the DescribeKey operation on a predefined AWS alias, that is, an
AWS alias with no key ID, AWS KMS creates an AWS managed key. Then, it
associates the alias with the new KMS key, and returns the KeyId and Arn of
the new KMS key in the response." and KeyMetadata.KeyManager: "The manager of
the KMS key. KMS keys in your AWS account are either customer managed or AWS
managed" (https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html).
moto's list of predefined aliases lacks alias/aws/ecr (DescribeKey answers
NotFoundException), and the keys it makes for predefined aliases say
KeyManager CUSTOMER.
"""

import functools

from moto.kms import utils
from moto.kms.models import KmsBackend

ALIAS = "alias/aws/ecr"


def apply():
    if ALIAS not in utils.RESERVED_ALIASES:
        utils.RESERVED_ALIASES.append(ALIAS)  # the list moto.kms.models reads
    original = KmsBackend._generate_default_keys

    @functools.wraps(original)
    def generate_default_keys(self, alias_name):
        key_id = original(self, alias_name)
        if key_id is not None:
            self.keys[key_id].key_manager = "AWS"
        return key_id

    KmsBackend._generate_default_keys = generate_default_keys
