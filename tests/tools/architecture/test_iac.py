"""Every generated template passes cfn-lint with no errors (in-process) in its region, and every
Terraform export parses back (python-hcl2) to the same resource set, CIDRs, variables, outputs."""

from __future__ import annotations

from typing import get_args

import cfnlint.api
import hcl2
import pytest
import yaml

from tests.tools.architecture.conftest import REQUESTS, call
from tools.architecture.cfn import build_template, to_yaml
from tools.architecture.spec import ComponentKind
from tools.architecture.terraform import expected_resources, parsed_resources, to_hcl
from tools.context import ToolContext

pytestmark = pytest.mark.slow
EXTRA = (
    "prod web app with aurora and a redis cache in eu-west-1, 1500 requests per second",
    "static site with a cdn for prod in ap-northeast-1",
)
"""More variants of the types moto does not deploy (Aurora, ElastiCache, CloudFront)."""


@pytest.mark.parametrize("text", [*REQUESTS, *EXTRA])
def test_template_lints_clean_and_terraform_reads_back_the_same_resources(
    arch_ctx: ToolContext, text: str
) -> None:
    spec = call(arch_ctx, "architecture.propose", request=text).spec
    template = build_template(spec)
    body = to_yaml(template)

    matches = cfnlint.api.lint(body, regions=[spec.region])

    errors = [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")]
    assert errors == []
    assert yaml.safe_load(body) == template, "long-form intrinsics: plain YAML reads it back"
    hcl = to_hcl(template, spec.stack_name, spec.region)
    assert parsed_resources(hcl) == expected_resources(template)
    parsed = hcl2.loads(hcl)
    outputs = {name.strip('"') for entry in parsed["output"] for name in entry}
    assert outputs == {_snake(name) for name in template["Outputs"]}
    if spec.network is not None:
        assert f'"{spec.network.cidr}"' in hcl
        assert all(f'"{s.cidr}"' in hcl for s in spec.network.subnets)
    variables = {name.strip('"') for entry in parsed.get("variable", []) for name in entry}
    assert variables == {_snake(name) for name in template.get("Parameters", {})}


def _snake(name: str) -> str:
    from tools.architecture.terraform.values import snake

    return snake(name)


def test_every_kind_the_proposer_uses_is_exported(arch_ctx: ToolContext) -> None:
    kinds = set()
    for text in [*REQUESTS, *EXTRA]:
        spec = call(arch_ctx, "architecture.propose", request=text).spec
        kinds |= {c.kind for c in spec.components}
    assert kinds == set(get_args(ComponentKind))
