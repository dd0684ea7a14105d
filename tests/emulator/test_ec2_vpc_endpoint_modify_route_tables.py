def _endpoint_routes(ec2, route_table_id, endpoint_id):
    table = ec2.describe_route_tables(RouteTableIds=[route_table_id])["RouteTables"][0]
    return [r for r in table["Routes"] if r.get("GatewayId") == endpoint_id]


def test_modify_vpc_endpoint_adds_and_removes_gateway_routes(aws):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    first, second = (ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for _ in range(2))
    endpoint_id = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.ap-northeast-1.s3", VpcEndpointType="Gateway", RouteTableIds=[first]
    )["VpcEndpoint"]["VpcEndpointId"]
    [created] = _endpoint_routes(ec2, first, endpoint_id)
    assert created["DestinationPrefixListId"].startswith("pl-")

    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[second], RemoveRouteTableIds=[first])

    [added] = _endpoint_routes(ec2, second, endpoint_id)
    assert added["DestinationPrefixListId"] == created["DestinationPrefixListId"]
    assert _endpoint_routes(ec2, first, endpoint_id) == []
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
    assert endpoint["RouteTableIds"] == [second]
