def test_describe_key_on_alias_aws_ecr_makes_the_aws_managed_key_once(aws):
    kms = aws("kms", "eu-west-3")
    first = kms.describe_key(KeyId="alias/aws/ecr")["KeyMetadata"]
    assert first["KeyManager"] == "AWS" and first["KeyState"] == "Enabled"
    again = kms.describe_key(KeyId="alias/aws/ecr")["KeyMetadata"]
    assert again["Arn"] == first["Arn"]
    aliases = kms.list_aliases(KeyId=first["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in aliases] == ["alias/aws/ecr"]


def test_a_customer_managed_key_stays_customer_managed(aws):
    kms = aws("kms", "eu-west-3")
    assert kms.create_key()["KeyMetadata"]["KeyManager"] == "CUSTOMER"


def test_an_ecr_repository_is_encrypted_with_the_managed_key(aws):
    kms, ecr = aws("kms", "eu-west-3"), aws("ecr", "eu-west-3")
    managed = kms.describe_key(KeyId="alias/aws/ecr")["KeyMetadata"]["Arn"]
    repository = ecr.create_repository(
        repositoryName="kumo-patch-test/managed",
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": managed},
    )["repository"]
    try:
        assert repository["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": managed}
    finally:
        ecr.delete_repository(repositoryName="kumo-patch-test/managed", force=True)
