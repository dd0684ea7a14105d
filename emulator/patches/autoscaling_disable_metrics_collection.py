"""Auto Scaling DisableMetricsCollection: implemented, as on AWS.

AWS (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DisableMetricsCollection.html):
"Disables group metrics collection for the specified Auto Scaling group.
... Metrics — Identifies the metrics to disable. ... If you omit this
property, all metrics are disabled." The answer is an empty
DisableMetricsCollectionResponse. moto implements EnableMetricsCollection but
answers DisableMetricsCollection with HTTP 500 (NotImplementedError), and
amazon.aws ``autoscaling_group`` calls it on every update of a group that does
not collect metrics.
"""

from moto.autoscaling.models import AutoScalingBackend
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import EmptyResult


def _disable_metrics_collection_backend(self, group_name, metrics):
    group = self.describe_auto_scaling_groups([group_name])[0]
    group.metrics = [m for m in group.metrics if metrics and m not in metrics]


def _disable_metrics_collection(self):
    group_name = self._get_param("AutoScalingGroupName")
    metrics = self._get_param("Metrics")
    self.autoscaling_backend.disable_metrics_collection(group_name, metrics)
    return EmptyResult()


def apply():
    AutoScalingBackend.disable_metrics_collection = _disable_metrics_collection_backend
    AutoScalingResponse.disable_metrics_collection = _disable_metrics_collection
