"""Data and messaging resources: RDS, Aurora, DynamoDB, ElastiCache Redis, S3, SQS, SNS.

Every data store is encrypted at rest and private; databases keep a final snapshot when deleted
(``DeletionPolicy: Snapshot``) and buckets are retained with their data.
"""

from __future__ import annotations

from tools.architecture.cfn.access import security_group_id
from tools.architecture.cfn.base import Json, Template, att, logical, ref, sub
from tools.architecture.cfn.network import subnets_of
from tools.architecture.spec import Component

SNAPSHOT = {"DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"}
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def _db_subnets(t: Template, component: Component, kind: str) -> str:
    network = t.spec.network
    assert network is not None
    group = logical(component.name, "SubnetGroup")
    if kind == "rds":
        t.add(
            group,
            "AWS::RDS::DBSubnetGroup",
            {
                "DBSubnetGroupDescription": f"{t.spec.name} {component.name} data subnets",
                "SubnetIds": subnets_of(network, "data"),
                "Tags": t.tags(f"{component.name}-subnets"),
            },
        )
    else:
        t.add(
            group,
            "AWS::ElastiCache::SubnetGroup",
            {
                "Description": f"{t.spec.name} {component.name} data subnets",
                "SubnetIds": subnets_of(network, "data"),
            },
        )
    return group


def add_rds(t: Template, c: Component) -> None:
    """An RDS PostgreSQL or MySQL instance in the data subnets.

    Args:
        t: the template.
        c: the component.
    """
    group = _db_subnets(t, c, "rds")
    db = t.add(
        logical(c.name, "Database"),
        "AWS::RDS::DBInstance",
        {
            "Engine": c.engine or "postgres",
            "DBInstanceClass": c.instance_type,
            "AllocatedStorage": str(c.storage_gb),
            "StorageType": "gp3",
            "StorageEncrypted": c.encrypted,
            "MultiAZ": c.multi_az,
            "PubliclyAccessible": c.public,
            "DBSubnetGroupName": ref(group),
            "VPCSecurityGroups": [att(security_group_id(c), "GroupId")],
            "MasterUsername": "app",
            "ManageMasterUserPassword": True,
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": True,
            "Port": str(c.port),
            "Tags": t.tags(c.name),
        },
        **SNAPSHOT,
    )
    t.component_resource[c.name] = db
    t.output(logical(c.name, "Endpoint"), att(db, "Endpoint.Address"), f"{c.name} endpoint")


def add_aurora(t: Template, c: Component) -> None:
    """An Aurora PostgreSQL cluster with a writer (and readers).

    Args:
        t: the template.
        c: the component.
    """
    group = _db_subnets(t, c, "rds")
    cluster = t.add(
        logical(c.name, "Cluster"),
        "AWS::RDS::DBCluster",
        {
            "Engine": "aurora-postgresql",
            "MasterUsername": "app",
            "ManageMasterUserPassword": True,
            "StorageEncrypted": c.encrypted,
            "DBSubnetGroupName": ref(group),
            "VpcSecurityGroupIds": [att(security_group_id(c), "GroupId")],
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": True,
            "Port": c.port,
            "Tags": t.tags(c.name),
        },
        **SNAPSHOT,
    )
    for index in range(c.count):
        t.add(
            logical(c.name, f"Instance{index + 1}"),
            "AWS::RDS::DBInstance",
            {
                "Engine": "aurora-postgresql",
                "DBClusterIdentifier": ref(cluster),
                "DBInstanceClass": c.instance_type,
                "PubliclyAccessible": c.public,
                "DBSubnetGroupName": ref(group),
                "Tags": t.tags(f"{c.name}-{index + 1}"),
            },
        )
    t.component_resource[c.name] = cluster
    t.output(
        logical(c.name, "Endpoint"), att(cluster, "Endpoint.Address"), f"{c.name} writer endpoint"
    )


def add_redis(t: Template, c: Component) -> None:
    """An ElastiCache Redis replication group, encrypted at rest and in transit.

    Args:
        t: the template.
        c: the component.
    """
    group = _db_subnets(t, c, "cache")
    cache = t.add(
        logical(c.name, "Cache"),
        "AWS::ElastiCache::ReplicationGroup",
        {
            "ReplicationGroupDescription": f"{t.spec.name} {c.name}",
            "Engine": "redis",
            "CacheNodeType": c.instance_type,
            "NumCacheClusters": c.count,
            "AutomaticFailoverEnabled": c.multi_az and c.count > 1,
            "MultiAZEnabled": c.multi_az and c.count > 1,
            "AtRestEncryptionEnabled": c.encrypted,
            "TransitEncryptionEnabled": True,
            "CacheSubnetGroupName": ref(group),
            "SecurityGroupIds": [att(security_group_id(c), "GroupId")],
            "Port": c.port,
            "Tags": t.tags(c.name),
        },
        **SNAPSHOT,
    )
    t.component_resource[c.name] = cache


def add_dynamodb(t: Template, c: Component) -> None:
    """An on-demand DynamoDB table with encryption and point-in-time recovery.

    Args:
        t: the template.
        c: the component.
    """
    table = t.add(
        logical(c.name, "Table"),
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "SSESpecification": {"SSEEnabled": c.encrypted},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "Tags": t.tags(c.name),
        },
        **RETAIN,
    )
    t.component_resource[c.name] = table
    t.output(logical(c.name, "TableName"), ref(table), f"{c.name} table")


def bucket_name(t: Template, c: Component) -> Json:
    """A bucket name known before the bucket exists (so policies need no circular reference).

    Args:
        t: the template.
        c: the bucket component.
    """
    return sub(f"${{AWS::StackName}}-{c.name}-${{AWS::AccountId}}")


def add_bucket(t: Template, c: Component) -> None:
    """A private, encrypted, versioned S3 bucket (retained on delete).

    Args:
        t: the template.
        c: the component.
    """
    properties: Json = {
        "BucketName": bucket_name(t, c),
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]
        },
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": not c.public,
            "BlockPublicPolicy": not c.public,
            "IgnorePublicAcls": not c.public,
            "RestrictPublicBuckets": not c.public,
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "VersioningConfiguration": {"Status": "Enabled"},
        "Tags": t.tags(c.name),
    }
    if not c.encrypted:
        del properties["BucketEncryption"]
    queues = [
        link.target
        for link in t.spec.connections
        if link.source == c.name and link.access == "notify"
    ]
    extra: Json = dict(RETAIN)
    if queues:
        properties["NotificationConfiguration"] = {
            "QueueConfigurations": [
                {"Event": "s3:ObjectCreated:*", "Queue": att(t.component_resource[q], "Arn")}
                for q in queues
            ]
        }
        extra["DependsOn"] = [logical(q, "QueuePolicy") for q in queues]
    bucket = t.add(logical(c.name, "Bucket"), "AWS::S3::Bucket", properties, **extra)
    t.component_resource[c.name] = bucket
    t.output(logical(c.name, "BucketName"), ref(bucket), f"{c.name} bucket")


def add_queue(t: Template, c: Component) -> None:
    """An SQS queue with server-side encryption and a dead-letter queue.

    Args:
        t: the template.
        c: the component.
    """
    dlq = t.add(
        logical(c.name, "DeadLetterQueue"),
        "AWS::SQS::Queue",
        {
            "SqsManagedSseEnabled": c.encrypted,
            "MessageRetentionPeriod": 1209600,
            "Tags": t.tags(f"{c.name}-dlq"),
        },
    )
    queue = t.add(
        logical(c.name, "Queue"),
        "AWS::SQS::Queue",
        {
            "SqsManagedSseEnabled": c.encrypted,
            "VisibilityTimeout": 360,
            "RedrivePolicy": {"deadLetterTargetArn": att(dlq, "Arn"), "maxReceiveCount": 5},
            "Tags": t.tags(c.name),
        },
    )
    t.component_resource[c.name] = queue
    t.output(logical(c.name, "QueueUrl"), ref(queue), f"{c.name} queue URL")


def add_queue_policies(t: Template) -> None:
    """Let the declared senders (a bucket's events, a topic) deliver to their queues, only them.

    Args:
        t: the template.
    """
    spec = t.spec
    for queue in spec.of_kind("sqs"):
        senders = [
            spec.component(link.source)
            for link in spec.connections
            if link.target == queue.name and link.access == "notify"
        ]
        if not senders:
            continue
        statements = [_send_statement(t, queue, sender) for sender in senders]
        t.add(
            logical(queue.name, "QueuePolicy"),
            "AWS::SQS::QueuePolicy",
            {
                "Queues": [ref(t.component_resource[queue.name])],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            },
        )


def _send_statement(t: Template, queue: Component, sender: Component) -> Json:
    if sender.kind == "s3":
        principal, source = (
            "s3.amazonaws.com",
            sub(
                f"arn:${{AWS::Partition}}:s3:::${{AWS::StackName}}-{sender.name}-${{AWS::AccountId}}"
            ),
        )
    else:
        principal, source = "sns.amazonaws.com", ref(t.component_resource[sender.name])
    return {
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": "sqs:SendMessage",
        "Resource": att(t.component_resource[queue.name], "Arn"),
        "Condition": {"ArnEquals": {"aws:SourceArn": source}},
    }


def add_topic(t: Template, c: Component) -> None:
    """An SNS topic (encrypted) with its declared queue subscriptions.

    Args:
        t: the template.
        c: the component.
    """
    properties: Json = {"Tags": t.tags(c.name)}
    if c.encrypted:
        properties["KmsMasterKeyId"] = "alias/aws/sns"
    topic = t.add(logical(c.name, "Topic"), "AWS::SNS::Topic", properties)
    t.component_resource[c.name] = topic
    for link in t.spec.connections:
        if link.source == c.name and link.access == "notify":
            t.add(
                logical(f"{c.name}-to-{link.target}", "Subscription"),
                "AWS::SNS::Subscription",
                {
                    "TopicArn": ref(topic),
                    "Protocol": "sqs",
                    "RawMessageDelivery": True,
                    "Endpoint": att(t.component_resource[link.target], "Arn"),
                },
            )
    t.output(logical(c.name, "TopicArn"), ref(topic), f"{c.name} topic")
