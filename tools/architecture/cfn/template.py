"""Assembling the whole template from a spec, in dependency order."""

from __future__ import annotations

from collections.abc import Callable

import yaml

from tools.architecture.cfn import compute, data, edge
from tools.architecture.cfn.access import add_security_groups
from tools.architecture.cfn.base import Json, Template
from tools.architecture.cfn.network import add_network
from tools.architecture.spec import ArchitectureSpec, Component

Builder = Callable[[Template, Component], None]
STAGES: tuple[tuple[str, Builder], ...] = (
    ("sqs", data.add_queue),
    ("sns", data.add_topic),
    ("s3", data.add_bucket),
    ("dynamodb", data.add_dynamodb),
    ("rds", data.add_rds),
    ("aurora", data.add_aurora),
    ("redis", data.add_redis),
    ("alb", compute.add_alb),
    ("lambda", compute.add_lambda),
    ("asg", compute.add_asg),
    ("fargate", compute.add_fargate),
    ("apigateway", edge.add_api),
    ("cloudfront", edge.add_cdn),
)
"""Kinds in the order their resources are added: what others reference comes first."""


def build_template(spec: ArchitectureSpec) -> Json:
    """The CloudFormation template of ``spec`` as a dict.

    Args:
        spec: the architecture.
    """
    t = Template(spec)
    if spec.network is not None:
        add_network(t, spec.network)
    add_security_groups(t)
    for kind, build in STAGES:
        for component in spec.of_kind(kind):
            build(t, component)
        if kind == "sns":
            data.add_queue_policies(t)
    return t.body()


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values out in full: CloudFormation rejects YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def to_yaml(template: Json) -> str:
    """The template as YAML (long-form intrinsics, readable by any YAML loader).

    Args:
        template: from ``build_template``.
    """
    return yaml.dump(
        template, Dumper=_PlainDumper, sort_keys=False, default_flow_style=False, width=100
    )
