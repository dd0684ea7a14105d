import contextlib


@contextlib.contextmanager
def trails(aws, region, *names):
    """Trails of ``region`` (their ARNs), deleted afterwards: the emulator is the session's."""
    cloudtrail, arns = aws("cloudtrail", region), []
    for name in names:
        bucket = f"{name}-logs"
        aws("s3", region).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        arns.append(cloudtrail.create_trail(Name=name, S3BucketName=bucket)["TrailARN"])
    try:
        yield arns
    finally:
        for arn in arns:
            cloudtrail.delete_trail(Name=arn)


def test_a_name_list_returns_only_the_trails_it_names(aws):
    cloudtrail = aws("cloudtrail", "ca-central-1")
    with trails(aws, "ca-central-1", "kumo-prod-trail", "kumo-staging-trail") as (prod, _):
        assert cloudtrail.describe_trails(trailNameList=["kumo-dev-trail"])["trailList"] == []
        [named] = cloudtrail.describe_trails(trailNameList=["kumo-prod-trail"])["trailList"]
        [by_arn] = cloudtrail.describe_trails(trailNameList=[prod])["trailList"]
        assert named["TrailARN"] == by_arn["TrailARN"] == prod
        # an empty list still returns every trail
        assert len(cloudtrail.describe_trails()["trailList"]) == 2


def test_a_name_matches_the_current_region_only_an_arn_any(aws):
    cloudtrail = aws("cloudtrail", "ca-central-1")
    with trails(aws, "sa-east-1", "kumo-far-trail") as (arn,):
        assert cloudtrail.describe_trails(trailNameList=["kumo-far-trail"])["trailList"] == []
        [found] = cloudtrail.describe_trails(trailNameList=[arn])["trailList"]
        assert (found["TrailARN"], found["HomeRegion"]) == (arn, "sa-east-1")
