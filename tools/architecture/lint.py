"""cfn-lint, in process, off the proposal's critical path.

Loading cfn-lint's rules and schemas takes seconds, so a proposal never waits for it: templates
are linted when they are exported and before a deploy plan is shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LintIssue:
    """One cfn-lint match.

    Attributes:
        rule: rule id (E... errors, W... warnings, I... information).
        message: what is wrong.
        path: where in the template.
    """

    rule: str
    message: str
    path: str

    @property
    def is_error(self) -> bool:
        """True for E rules (a template with any cannot be deployed)."""
        return self.rule.startswith("E")


def lint(template_yaml: str, region: str) -> list[LintIssue]:
    """Every cfn-lint match of a template for one region.

    Args:
        template_yaml: the template.
        region: the region it deploys to.
    """
    from cfnlint.api import lint as run

    matches = run(template_yaml, regions=[region])
    return [
        LintIssue(m.rule.id, m.message, "/".join(str(p) for p in getattr(m, "path", []) or []))
        for m in matches
    ]


def errors(template_yaml: str, region: str) -> list[LintIssue]:
    """The errors only.

    Args:
        template_yaml: the template.
        region: the region it deploys to.
    """
    return [issue for issue in lint(template_yaml, region) if issue.is_error]
