def test_a_cluster_without_providers_reports_empty_lists(aws):
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="no-providers")
    [cluster] = ecs.describe_clusters(clusters=["no-providers"])["clusters"]
    assert cluster["capacityProviders"] == []
    assert cluster["defaultCapacityProviderStrategy"] == []
