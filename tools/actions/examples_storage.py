"""How people ask for an RDS snapshot and for an S3 lifecycle transition, one tuple per tool:
what the offline classifier learns from.

The ``rds`` and ``s3`` domains have no package of their own: their tools live in
``tools/actions/rds_snapshot.py`` and ``tools/actions/s3_lifecycle.py``, so their phrasings are
kept beside them here. Every one is a request, said once and now, naming a real database or
bucket (a schedule makes it a workflow instead).
"""

from __future__ import annotations

CREATE_DB_SNAPSHOT: tuple[str, ...] = (
    "snapshot db-prod",
    "take a snapshot of db-prod",
    "create an rds snapshot of db-prod",
    "back up the db-prod database now",
    "@cloudfabric snapshot the db-prod database",
    "make a manual snapshot of db-prod before the migration",
    "please take a db snapshot of db-prod in us-east-1",
    "snapshot db-prod and keep 7 days of snapshots",
    "take a snapshot of db-prod, keep them for 14 days",
    "could you back up db-prod to a manual snapshot",
    "create a database snapshot for db-prod",
    "rds snapshot db-prod please",
    "snapshot the postgres database db-prod right now",
    "I need a fresh snapshot of db-prod",
    "take a backup snapshot of db-prod for safety",
    "go ahead and snapshot db-prod",
    "db-prod needs a snapshot before we upgrade it",
    "back up db-prod, retain 30 days",
    "grab a snapshot of db-prod in N. Virginia",
    "create a manual db snapshot of db-prod and delete ones older than 7 days",
    "snapshot db-prod and keep a week of them",
    "make a backup of database db-prod",
    "capture a point-in-time snapshot of db-prod",
    "take an rds backup of db-prod now",
    "db snapshot for db-prod",
)

PUT_LIFECYCLE: tuple[str, ...] = (
    "move objects in cf-demo-logs to glacier after 90 days",
    "add a lifecycle rule to cf-demo-logs: glacier after 90 days",
    "transition cf-demo-logs to glacier after 30 days",
    "@cloudfabric archive cf-demo-logs objects to glacier after 60 days",
    "set a lifecycle policy on cf-demo-logs moving objects to glacier after 90 days",
    "please put a lifecycle rule on cf-demo-assets to go to glacier after 180 days",
    "archive old objects in cf-demo-logs to glacier after 90 days",
    "s3 lifecycle: cf-demo-logs to glacier after 120 days",
    "could you make cf-demo-logs objects move to deep archive after 365 days",
    "send cf-demo-logs objects to glacier once they are 90 days old",
    "configure cf-demo-logs to transition to glacier instant retrieval after 30 days",
    "move files older than 90 days in cf-demo-logs to glacier",
    "tier cf-demo-assets down to standard-ia after 30 days",
    "create a glacier lifecycle rule for bucket cf-demo-logs after 45 days",
    "put cf-demo-logs objects in cold storage after 90 days",
    "lifecycle cf-demo-logs to glacier at 90 days",
    "age out cf-demo-logs to glacier after 60 days",
    "go ahead and add a glacier transition to cf-demo-logs after 90 days",
    "objects in bucket cf-demo-logs should move to glacier after 90 days",
    "move the logs prefix of cf-demo-logs to glacier after 30 days",
    "make cf-demo-logs archive to glacier after 100 days",
    "add an s3 lifecycle transition on cf-demo-assets to glacier after 365 days",
    "transition objects in cf-demo-logs to deep archive after 180 days",
    "glacier after 90 days for cf-demo-logs",
    "set cf-demo-logs to move data to glacier after two months, 60 days",
    "let cf-demo-assets shift objects to infrequent access after 45 days",
)
