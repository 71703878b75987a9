"""Blueprints, the assembler (pure MILP core) and booklet variants."""

from testgen import authz as _authz  # noqa: F401  (registers testgen's actions before any service runs)
