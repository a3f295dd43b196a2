"""Workflows from plain language: typed specs, triggers, steps, templates, a run recorder.

A workflow is a ``WorkflowSpec`` (``spec.py``): one trigger and ordered steps. Words become a
spec in ``words.py``; ``templates.py`` holds ready-made ones; ``preview.py`` builds what the
approver sees; ``store.py``/``service.py`` keep workflows and their runs; ``runner.py`` runs a
spec's steps through a ``StepExecutor`` (in-process by default, a durable engine later).
"""
