"""The CloudFormation template being built: resources, parameters, outputs, tags, references.

Intrinsic functions are written in their long form (``{"Ref": ...}``, ``{"Fn::GetAtt": ...}``)
so the YAML reads back with a plain safe loader, and the Terraform export can translate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.architecture.spec import ArchitectureSpec

Json = dict[str, Any]
TAG_KEY = "cloudfabric:architecture"
"""Tag on every taggable resource: the architecture it belongs to (drift and discovery use it)."""


def ref(logical_id: str) -> Json:
    """``{"Ref": logical_id}``.

    Args:
        logical_id: resource or parameter.
    """
    return {"Ref": logical_id}


def att(logical_id: str, attribute: str) -> Json:
    """``{"Fn::GetAtt": [logical_id, attribute]}``.

    Args:
        logical_id: resource.
        attribute: attribute name (``Arn``, ``GroupId``...).
    """
    return {"Fn::GetAtt": [logical_id, attribute]}


def sub(text: str) -> Json:
    """``{"Fn::Sub": text}``.

    Args:
        text: template with ``${...}`` references.
    """
    return {"Fn::Sub": text}


def logical(name: str, suffix: str = "") -> str:
    """A logical id from a component name: ``app`` + ``Role`` -> ``AppRole``.

    Args:
        name: component or subnet name (lower case, digits, dashes).
        suffix: what the resource is.
    """
    parts = [p for p in name.replace("_", "-").split("-") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) + suffix


@dataclass
class Template:
    """A template under construction for one spec.

    Attributes:
        spec: the architecture.
        resources: logical id -> resource.
        parameters: logical id -> parameter.
        outputs: logical id -> output.
        security_groups: component name -> its security group's logical id.
        roles: component name -> its IAM role's logical id.
        component_resource: component name -> the logical id of its main resource.
    """

    spec: ArchitectureSpec
    resources: dict[str, Json] = field(default_factory=dict)
    parameters: dict[str, Json] = field(default_factory=dict)
    outputs: dict[str, Json] = field(default_factory=dict)
    security_groups: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    component_resource: dict[str, str] = field(default_factory=dict)

    def add(self, logical_id: str, kind: str, properties: Json, **extra: Any) -> str:
        """Add a resource and return its logical id.

        Args:
            logical_id: unique id.
            kind: CloudFormation type.
            properties: its properties.
            **extra: other resource keys (DependsOn, DeletionPolicy, UpdateReplacePolicy).
        """
        if logical_id in self.resources:
            raise ValueError(f"duplicate logical id {logical_id}")
        self.resources[logical_id] = {"Type": kind, **extra, "Properties": properties}
        return logical_id

    def tags(self, name: str) -> list[dict[str, str]]:
        """The tags of one resource, in CloudFormation list form.

        Args:
            name: what the resource is (appended to the architecture name for ``Name``).
        """
        spec = self.spec
        return [
            {"Key": "Name", "Value": f"{spec.name}-{name}"},
            {"Key": TAG_KEY, "Value": spec.name},
            {"Key": "env", "Value": spec.environment},
        ]

    def output(self, logical_id: str, value: Any, description: str) -> None:
        """Add a stack output.

        Args:
            logical_id: output key.
            value: value (usually a Ref or GetAtt).
            description: what it is.
        """
        self.outputs[logical_id] = {"Description": description, "Value": value}

    def body(self) -> Json:
        """The whole template as a dict."""
        spec = self.spec
        body: Json = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": (
                f"CloudFabric architecture {spec.name} ({spec.pattern}, {spec.environment}, "
                f"{spec.region})."
            ),
        }
        if spec.network is not None:
            body["Metadata"] = {
                "CloudFabric": {
                    "VpcCidr": spec.network.cidr,
                    "CidrSource": spec.network.cidr_source,
                }
            }
        if self.parameters:
            body["Parameters"] = self.parameters
        body["Resources"] = self.resources
        if self.outputs:
            body["Outputs"] = self.outputs
        return body
