"""CloudFormation values as Terraform expressions, in python-hcl2's dict convention.

python-hcl2 (``hcl2.dumps``) writes a string ``'"text"'`` as a literal, ``'${expr}'`` as an
expression, and a dict with ``__is_block__`` as a block. Intrinsic functions become references:
``Ref``/``Fn::GetAtt`` to the Terraform resource standing for the logical id, ``Fn::Sub`` to a
template string, pseudo parameters to data sources.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

Json = dict[str, Any]
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
PSEUDO = {
    "AWS::Region": "data.aws_region.current.name",
    "AWS::AccountId": "data.aws_caller_identity.current.account_id",
    "AWS::Partition": "data.aws_partition.current.partition",
    "AWS::StackName": "local.stack_name",
    "AWS::URLSuffix": "data.aws_partition.current.dns_suffix",
}
ATTRIBUTES = {
    "Arn": "arn",
    "GroupId": "id",
    "AllocationId": "id",
    "DNSName": "dns_name",
    "RootResourceId": "root_resource_id",
    "LatestVersionNumber": "latest_version",
    "Id": "id",
    "DomainName": "domain_name",
    "RegionalDomainName": "bucket_regional_domain_name",
}
REF_ATTRIBUTE = {
    "aws_lb": "arn",
    "aws_lb_target_group": "arn",
    "aws_iam_role": "name",
    "aws_sns_topic": "arn",
    "aws_ecs_task_definition": "arn",
    "aws_lambda_function": "function_name",
    "aws_db_subnet_group": "name",
    "aws_elasticache_subnet_group": "name",
    "aws_dynamodb_table": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_sqs_queue": "url",
}
"""What a CloudFormation ``Ref`` returns, per Terraform type (``id`` when not listed)."""


def snake(name: str) -> str:
    """``PublicSubnetA`` -> ``public_subnet_a`` (Terraform resource names).

    Args:
        name: a logical id.
    """
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class Refs:
    """Resolves logical ids to Terraform addresses."""

    def __init__(self, primary: dict[str, str], parameters: set[str]) -> None:
        """Keep the mapping.

        Args:
            primary: logical id -> Terraform type of the resource standing for it.
            parameters: template parameter names (become variables).
        """
        self.primary = primary
        self.parameters = parameters

    def ref(self, name: str) -> str:
        """The expression a ``Ref`` becomes (no ``${}``).

        Args:
            name: a logical id, parameter or pseudo parameter.
        """
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return f"var.{snake(name)}"
        kind = self.primary[name]
        return f"{kind}.{snake(name)}.{REF_ATTRIBUTE.get(kind, 'id')}"

    def att(self, name: str, attribute: str) -> str:
        """The expression a ``Fn::GetAtt`` becomes.

        Args:
            name: logical id.
            attribute: CloudFormation attribute.
        """
        kind = self.primary[name]
        if attribute == "Endpoint.Address":
            return f"{kind}.{snake(name)}.{'endpoint' if kind == 'aws_rds_cluster' else 'address'}"
        return f"{kind}.{snake(name)}.{ATTRIBUTES[attribute]}"

    def sub(self, text: str) -> str:
        """A template string for ``Fn::Sub`` text (quotes included).

        Args:
            text: the ``${...}`` template.
        """

        def replace(found: re.Match[str]) -> str:
            inner = found.group(1)
            if "." in inner and inner not in PSEUDO:
                name, attribute = inner.split(".", 1)
                return "${" + self.att(name, attribute) + "}"
            return "${" + self.ref(inner) + "}"

        return json.dumps(re.sub(r"\$\{([^}]+)\}", replace, text))

    def expr(self, value: Any) -> str | None:
        """A bare expression for an intrinsic function, or None when ``value`` is not one.

        Args:
            value: any CloudFormation value.
        """
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                return self.att(arg[0], arg[1])
            if key == "Fn::Sub":
                return self.sub(arg)
        return None

    def value(self, value: Any) -> Any:
        """``value`` in python-hcl2's dict convention (an attribute's right-hand side).

        Args:
            value: any CloudFormation value.
        """
        expression = self.expr(value)
        if expression is not None:
            return "${" + expression + "}"
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float | Decimal):
            return value
        if isinstance(value, str):
            return json.dumps(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return {
            key if IDENTIFIER.match(key) else json.dumps(key): self.value(v)
            for key, v in value.items()
        }

    def literal(self, value: Any) -> str:
        """``value`` as HCL expression text (for ``jsonencode(...)`` arguments).

        Args:
            value: any CloudFormation value.
        """
        expression = self.expr(value)
        if expression is not None:
            return expression
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | Decimal):
            return str(value)
        if isinstance(value, str):
            return json.dumps(value).replace("${", "$${")
        if isinstance(value, list):
            return "[" + ", ".join(self.literal(v) for v in value) + "]"
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {self.literal(v)}" for k, v in value.items()) + "}"
        )

    def jsonencode(self, value: Any) -> str:
        """``jsonencode(<value>)`` as an attribute value.

        Args:
            value: a policy document or container definitions.
        """
        return "${jsonencode(" + self.literal(value) + ")}"


def block(**attributes: Any) -> Json:
    """A nested block in python-hcl2's convention.

    Args:
        **attributes: its attributes (already converted).
    """
    return {**attributes, "__is_block__": True}


def tags_of(refs: Refs, props: Json) -> Json:
    """``Tags`` (CloudFormation list) as a Terraform ``tags`` map.

    Args:
        refs: the resolver.
        props: resource properties.
    """
    tags = props.get("Tags") or []
    if not tags:
        return {}
    return {"tags": refs.value({t["Key"]: t["Value"] for t in tags})}
