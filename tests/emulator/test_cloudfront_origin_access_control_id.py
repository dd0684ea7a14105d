from test_cloudfront_s3_origin_config import distribution_config


def test_an_s3_origin_keeps_its_origin_access_control(aws):
    cloudfront = aws("cloudfront", "us-east-1")
    oac = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "oac",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    created = cloudfront.create_distribution(DistributionConfig=distribution_config("oac-kept", oac))
    [origin] = cloudfront.get_distribution(Id=created["Distribution"]["Id"])["Distribution"]["DistributionConfig"][
        "Origins"
    ]["Items"]
    assert origin["OriginAccessControlId"] == oac
