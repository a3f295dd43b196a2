"""Approval policy as code: the policy file's model, its loader, the matcher, on-call rotations
and change freezes, and the read-only ``policy.explain`` tool.

The approvals domain decides with this package; the tool explains with it, so both give the same
answer from one decision path.
"""
