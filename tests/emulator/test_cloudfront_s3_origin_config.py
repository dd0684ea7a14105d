def distribution_config(reference, oac_id=""):
    origin = {
        "Id": "s3",
        "DomainName": "bucket.s3.ap-northeast-1.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    if oac_id:
        origin["OriginAccessControlId"] = oac_id
    return {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "s3",
            "ViewerProtocolPolicy": "redirect-to-https",
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "MinTTL": 0,
        },
    }


def test_an_s3_origin_reports_its_s3_origin_config(aws):
    cloudfront = aws("cloudfront", "us-east-1")
    created = cloudfront.create_distribution(DistributionConfig=distribution_config("s3-config"))
    [origin] = cloudfront.get_distribution(Id=created["Distribution"]["Id"])["Distribution"]["DistributionConfig"][
        "Origins"
    ]["Items"]
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert "CustomOriginConfig" not in origin
