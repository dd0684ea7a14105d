"""ELBv2 DescribeLoadBalancerAttributes: every Application Load Balancer attribute, with its default.

AWS reports each attribute of an Application Load Balancer whether or not it
was ever set
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html:
"access_logs.s3.enabled - Indicates whether access logs are enabled. The value
is true or false. The default is false." ... "idle_timeout.timeout_seconds -
The idle timeout value, in seconds. The valid range is 1-4000 seconds. The
default is 60 seconds." ... "routing.http.desync_mitigation_mode - ... The
default is defensive." ... "routing.http2.enabled - ... The default is true.").
moto starts a load balancer with five of them, so amazon.aws
``elb_application_lb`` fails with a KeyError when it compares any other one.
"""

import functools

from moto.elbv2.models import FakeLoadBalancer

# The defaults the reference documents for an Application Load Balancer.
APPLICATION_DEFAULTS = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "client_keep_alive.seconds": "3600",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "load_balancing.cross_zone.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}


def apply():
    original = FakeLoadBalancer.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.type == "application":
            # Cross-zone load balancing is always on for an ALB, whatever moto starts with.
            self.attrs["load_balancing.cross_zone.enabled"] = "true"
            for key, value in APPLICATION_DEFAULTS.items():
                self.attrs.setdefault(key, value)

    FakeLoadBalancer.__init__ = __init__
