"""CreateService keeps the settings DescribeServices returns on AWS."""


def test_a_new_service_reports_its_settings(aws):
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="settings")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    deployment = {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    placement = [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]
    ecs.create_service(
        cluster="settings",
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        capacityProviderStrategy=strategy,
        deploymentConfiguration=deployment,
        healthCheckGracePeriodSeconds=60,
        placementStrategy=placement,
        enableECSManagedTags=True,
    )
    [service] = ecs.describe_services(cluster="settings", services=["web"])["services"]
    assert service["capacityProviderStrategy"] == strategy
    assert service["deploymentConfiguration"] == deployment
    assert service["healthCheckGracePeriodSeconds"] == 60
    assert service["placementStrategy"] == placement
    assert service["enableECSManagedTags"] is True


def test_a_service_without_them_is_unchanged(aws):
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="plain")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster="plain", serviceName="web", taskDefinition="web", desiredCount=1)
    [service] = ecs.describe_services(cluster="plain", services=["web"])["services"]
    assert "healthCheckGracePeriodSeconds" not in service
