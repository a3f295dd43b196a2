"""Architecture proposals: spec, patterns, validation, cost, diagram, IaC and change-set deploy."""
