"""EC2 ModifyVpcEndpoint: adding or removing a Gateway endpoint's route table adds or removes its route.

AWS (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html,
"AddRouteTableIds - (Gateway endpoint) The IDs of the route tables to
associate with the endpoint." / "RemoveRouteTableIds - (Gateway endpoint) The
IDs of the route tables to disassociate from the endpoint.") and the VPC
guide (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html,
"we add a route to each route table that you associate with the endpoint ...
the destination is the prefix list ID of the service and the target is the
endpoint ID"). moto adds those routes on CreateVpcEndpoint only: after
ModifyVpcEndpoint the endpoint lists the route table but the table has no
route to it (and a removed table keeps its route).
"""

import functools

from moto.ec2.models.vpcs import VPCBackend


def apply():
    original = VPCBackend.modify_vpc_endpoint
    if getattr(original, "_kumo_patched", False):  # the unit tests apply it too, in the same process
        return

    @functools.wraps(original)
    def modify_vpc_endpoint(self, vpc_id, *args, **kwargs):
        endpoint = self.get_vpc_end_point(vpc_id)
        before = set(endpoint.route_table_ids or [])
        original(self, vpc_id, *args, **kwargs)
        prefix_list = endpoint.destination_prefix_list_id
        if not prefix_list:
            return
        after = set(endpoint.route_table_ids or [])
        for route_table_id in sorted(after - before):
            self.create_route(route_table_id, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list)
        for route_table_id in sorted(before - after):
            self.delete_route(route_table_id, None, destination_prefix_list_id=prefix_list)

    modify_vpc_endpoint._kumo_patched = True
    VPCBackend.modify_vpc_endpoint = modify_vpc_endpoint
