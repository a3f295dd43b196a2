"""CloudFormation generated from an ArchitectureSpec (``build_template`` / ``to_yaml``)."""

from tools.architecture.cfn.template import build_template, to_yaml

__all__ = ["build_template", "to_yaml"]
