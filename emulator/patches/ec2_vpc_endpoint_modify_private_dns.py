"""EC2 ModifyVpcEndpoint: ``PrivateDnsEnabled`` turns private DNS on or off.

AWS (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html,
"PrivateDnsEnabled - (Interface endpoint) Indicates whether a private hosted
zone is associated with the VPC. Type: Boolean. Required: No.") changes the
endpoint's private DNS, and DescribeVpcEndpoints then returns the new
``PrivateDnsEnabled``. moto ignores the parameter, so an endpoint whose private
DNS was switched off can never be switched back on.
"""

import functools

from moto.ec2.responses.vpcs import VPCs


def apply():
    original = VPCs.modify_vpc_endpoint
    if getattr(original, "_kumo_patched", False):  # the unit tests apply it too, in the same process
        return

    @functools.wraps(original)
    def modify_vpc_endpoint(self):
        result = original(self)
        private_dns = self._get_bool_param("PrivateDnsEnabled")
        if private_dns is not None:
            endpoint = self.ec2_backend.get_vpc_end_point(self._get_param("VpcEndpointId"))
            endpoint.private_dns_enabled = private_dns
        return result

    modify_vpc_endpoint._kumo_patched = True
    VPCs.modify_vpc_endpoint = modify_vpc_endpoint
