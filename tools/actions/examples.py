"""How people ask for the EBS actions, one tuple per tool: what the offline classifier learns from.

The ``ebs`` domain has no package of its own: its tools live in ``tools/actions/ebs.py``, so their
phrasings are kept beside them here. Every one is a request to change a named volume.
"""

from __future__ import annotations

MODIFY_VOLUME_TYPE: tuple[str, ...] = (
    "change old-data from gp2 to gp3",
    "migrate vol-0abc123def4567890 to gp3",
    "convert old-data to gp3",
    "@cloudfabric switch volume vol-0123456789abcdef0 to gp3",
    "upgrade the gp2 volume old-data to gp3",
    "change the volume type of vol-0abc123def4567890 to io2",
    "make old-data a gp3 volume",
    "please move vol-0abc123def4567890 and vol-0123456789abcdef0 to gp3",
    "could you please convert the old-data EBS volume to gp3 in us-east-1",
    "modify volume old-data to type gp3",
    "switch old-data's storage to st1",
    "change ebs volume vol-0abc123def4567890 type to sc1",
    "gp2 -> gp3 for old-data",
    "convert vol-0abc123def4567890 from gp2 to gp3 without detaching it",
    "retype volume old-data as io1",
    "move the old-data disk to gp3",
    "update old-data volume type to gp3 in N. Virginia",
    "change the disk type of vol-0123456789abcdef0 to gp3",
    "go ahead and convert old-data to gp3",
    "set vol-0abc123def4567890 to gp3",
    "switch web-1's root volume vol-0123456789abcdef0 to gp3",
    "migrate volumes vol-0abc123def4567890 and vol-0fedcba9876543210 to gp3",
    "change the old-data disk to gp3",
    "move volume old-data onto io2",
    "switch the disk vol-0abc123def4567890 to st1",
    "put the old-data ebs volume on gp3 in us-east-1",
)

SNAPSHOT_AND_DELETE_VOLUME: tuple[str, ...] = (
    "snapshot old-data then delete it",
    "back up and delete vol-0abc123def4567890",
    "delete the unattached volume old-data after taking a snapshot",
    "@cloudfabric snapshot and remove old-data",
    "take a final snapshot of old-data and get rid of the volume",
    "please snapshot and delete vol-0abc123def4567890 in us-east-1",
    "archive old-data to a snapshot and delete the volume",
    "clean up the unattached volume old-data, keep a snapshot",
    "could you please delete old-data once it's snapshotted",
    "delete volume vol-0123456789abcdef0 with a backup snapshot first",
    "remove the detached ebs volume old-data (snapshot it first)",
    "snapshot + delete old-data",
    "make a snapshot of vol-0abc123def4567890 and then delete it",
    "retire the old-data volume: snapshot, then delete",
    "delete the old-data disk but keep a snapshot",
    "get rid of the unattached volumes old-data and vol-0123456789abcdef0 after snapshotting them",
    "back up old-data to a snapshot and drop the volume",
    "delete unattached EBS volume vol-0abc123def4567890, snapshot first",
    "snapshot then remove the orphaned volume old-data",
    "go ahead and snapshot and delete old-data",
    "decommission volume old-data with a final snapshot",
    "snapshot and delete vol-0abc123def4567890 in N. Virginia",
    "delete the ebs volume vol-0abc123def4567890",
    "delete old-data",
    "delete volume old-data in eu-west-1",
    "drop volume vol-0123456789abcdef0",
    "drop the unused old-data volume",
    "get rid of the old-data disk",
    "remove the old-data ebs volume",
    "delete the disk old-data in us-east-1",
)
