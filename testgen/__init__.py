"""Blueprints, the assembler (pure MILP core) and booklet variants."""
