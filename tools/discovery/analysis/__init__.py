"""Analyses over the inventory and the dependency graph (blast radius, migration, security...)."""
