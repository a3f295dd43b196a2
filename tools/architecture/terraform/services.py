"""Translators of the managed services: ECS, Lambda, API Gateway, RDS/Aurora, ElastiCache,
DynamoDB, S3, SQS, SNS and CloudFront."""

from __future__ import annotations

from tools.architecture.terraform.resources import Made, _named, _plain, primary_type
from tools.architecture.terraform.values import Json, Refs, block, snake, tags_of


def _final_snapshot(refs: Refs, logical_id: str, resource: Json) -> Json:
    if resource.get("DeletionPolicy") != "Snapshot":
        return {"skip_final_snapshot": True}
    name = refs.value(
        {"Fn::Sub": f"${{AWS::StackName}}-{snake(logical_id).replace('_', '-')}-final"}
    )
    return {"skip_final_snapshot": False, "final_snapshot_identifier": name}


def ecs_cluster(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_ecs_cluster``."""
    return [
        (
            "aws_ecs_cluster",
            snake(logical_id),
            {"name": _named(refs, logical_id)} | tags_of(refs, resource["Properties"]),
        )
    ]


def task_definition(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_ecs_task_definition`` (container definitions as ``jsonencode``)."""
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "Family",
        "NetworkMode",
        "RequiresCompatibilities",
        "Cpu",
        "Memory",
        "ExecutionRoleArn",
        "TaskRoleArn",
    )
    body["container_definitions"] = refs.jsonencode(props["ContainerDefinitions"])
    return [("aws_ecs_task_definition", snake(logical_id), body)]


def ecs_service(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_ecs_service``."""
    props = resource["Properties"]
    network = props["NetworkConfiguration"]["AwsvpcConfiguration"]
    body = _plain(refs, props, "Cluster", "LaunchType", "DesiredCount", "TaskDefinition")
    body["name"] = _named(refs, logical_id)
    body["network_configuration"] = [
        block(
            subnets=refs.value(network["Subnets"]),
            security_groups=refs.value(network["SecurityGroups"]),
            assign_public_ip=network["AssignPublicIp"] == "ENABLED",
        )
    ]
    body["load_balancer"] = [
        block(
            container_name=refs.value(lb["ContainerName"]),
            container_port=lb["ContainerPort"],
            target_group_arn=refs.value(lb["TargetGroupArn"]),
        )
        for lb in props.get("LoadBalancers", [])
    ]
    if not body["load_balancer"]:
        del body["load_balancer"]
    return [("aws_ecs_service", snake(logical_id), body)]


def log_group(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_cloudwatch_log_group``."""
    props = resource["Properties"]
    body = _plain(refs, props, "RetentionInDays", LogGroupName="name")
    body.setdefault(
        "name", refs.value({"Fn::Sub": f"/cloudfabric/${{AWS::StackName}}/{snake(logical_id)}"})
    )
    return [("aws_cloudwatch_log_group", snake(logical_id), body)]


def function(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_lambda_function`` (code from the ``archive_file`` data source of the same name)."""
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "FunctionName",
        "Runtime",
        "Handler",
        "Role",
        "Timeout",
        MemorySize="memory_size",
    )
    archive = f"data.archive_file.{snake(logical_id)}"
    body["filename"] = "${" + archive + ".output_path}"
    body["source_code_hash"] = "${" + archive + ".output_base64sha256}"
    return [("aws_lambda_function", snake(logical_id), body)]


def api_method(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_api_gateway_method`` and its ``aws_api_gateway_integration``."""
    props = resource["Properties"]
    method = _plain(
        refs, props, "RestApiId", "ResourceId", "HttpMethod", AuthorizationType="authorization"
    )
    integration = props["Integration"]
    name = snake(logical_id)
    wiring = {
        "rest_api_id": method["rest_api_id"],
        "resource_id": method["resource_id"],
        "http_method": "${aws_api_gateway_method." + name + ".http_method}",
        "type": refs.value(integration["Type"]),
        "integration_http_method": refs.value(integration["IntegrationHttpMethod"]),
        "uri": refs.value(integration["Uri"]),
    }
    return [("aws_api_gateway_method", name, method), ("aws_api_gateway_integration", name, wiring)]


def api_deployment(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_api_gateway_deployment`` and the ``aws_api_gateway_stage`` CloudFormation names."""
    props = resource["Properties"]
    name = snake(logical_id)
    stage = {
        "rest_api_id": refs.value(props["RestApiId"]),
        "stage_name": refs.value(props["StageName"]),
        "deployment_id": "${aws_api_gateway_deployment." + name + ".id}",
    }
    return [
        ("aws_api_gateway_deployment", name, {"rest_api_id": refs.value(props["RestApiId"])}),
        ("aws_api_gateway_stage", name, stage),
    ]


def db_instance(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_db_instance``, or ``aws_rds_cluster_instance`` inside an Aurora cluster."""
    props = resource["Properties"]
    kind = primary_type(resource)
    if kind == "aws_rds_cluster_instance":
        body = _plain(
            refs,
            props,
            "Engine",
            "PubliclyAccessible",
            "DBSubnetGroupName",
            DBClusterIdentifier="cluster_identifier",
            DBInstanceClass="instance_class",
        )
        return [(kind, snake(logical_id), body)]
    body = _plain(
        refs,
        props,
        "Engine",
        "StorageType",
        "StorageEncrypted",
        "PubliclyAccessible",
        "ManageMasterUserPassword",
        "BackupRetentionPeriod",
        "CopyTagsToSnapshot",
        DBInstanceClass="instance_class",
        MultiAZ="multi_az",
        MasterUsername="username",
        DBSubnetGroupName="db_subnet_group_name",
        VPCSecurityGroups="vpc_security_group_ids",
    )
    body["allocated_storage"] = int(props["AllocatedStorage"])
    body["port"] = int(props["Port"])
    return [(kind, snake(logical_id), body | _final_snapshot(refs, logical_id, resource))]


def db_cluster(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_rds_cluster``."""
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "Engine",
        "StorageEncrypted",
        "ManageMasterUserPassword",
        "BackupRetentionPeriod",
        "CopyTagsToSnapshot",
        "Port",
        MasterUsername="master_username",
        DBSubnetGroupName="db_subnet_group_name",
        VpcSecurityGroupIds="vpc_security_group_ids",
    )
    return [
        ("aws_rds_cluster", snake(logical_id), body | _final_snapshot(refs, logical_id, resource))
    ]


def cache_subnets(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_elasticache_subnet_group``."""
    body = _plain(refs, resource["Properties"], "Description", "SubnetIds")
    return [
        (
            "aws_elasticache_subnet_group",
            snake(logical_id),
            body | {"name": _named(refs, logical_id)},
        )
    ]


def replication_group(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_elasticache_replication_group``."""
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "Engine",
        "NumCacheClusters",
        "AutomaticFailoverEnabled",
        "AtRestEncryptionEnabled",
        "TransitEncryptionEnabled",
        "SecurityGroupIds",
        "Port",
        CacheNodeType="node_type",
        ReplicationGroupDescription="description",
        MultiAZEnabled="multi_az_enabled",
        CacheSubnetGroupName="subnet_group_name",
    )
    body["replication_group_id"] = _named(refs, logical_id)
    body["final_snapshot_identifier"] = refs.value(
        {"Fn::Sub": f"${{AWS::StackName}}-{snake(logical_id).replace('_', '-')}-final"}
    )
    return [("aws_elasticache_replication_group", snake(logical_id), body)]


def table(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_dynamodb_table``."""
    props = resource["Properties"]
    body = _plain(refs, props, "BillingMode")
    body |= {
        "name": _named(refs, logical_id),
        "hash_key": refs.value(props["KeySchema"][0]["AttributeName"]),
        "attribute": [
            block(name=refs.value(a["AttributeName"]), type=refs.value(a["AttributeType"]))
            for a in props["AttributeDefinitions"]
        ],
        "server_side_encryption": [block(enabled=props["SSESpecification"]["SSEEnabled"])],
        "point_in_time_recovery": [block(enabled=True)],
    }
    return [("aws_dynamodb_table", snake(logical_id), body)]


def bucket(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_s3_bucket`` and its encryption, public-access block, ownership, versioning and
    notification resources (separate resources in the AWS provider)."""
    props = resource["Properties"]
    name = snake(logical_id)
    ref = "${aws_s3_bucket." + name + ".id}"
    made: Made = [("aws_s3_bucket", name, _plain(refs, props, BucketName="bucket"))]
    if "BucketEncryption" in props:
        algorithm = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ]["SSEAlgorithm"]
        made.append(
            (
                "aws_s3_bucket_server_side_encryption_configuration",
                name,
                {
                    "bucket": ref,
                    "rule": [
                        block(
                            apply_server_side_encryption_by_default=[
                                block(sse_algorithm=refs.value(algorithm))
                            ]
                        )
                    ],
                },
            )
        )
    access = props["PublicAccessBlockConfiguration"]
    made.append(
        (
            "aws_s3_bucket_public_access_block",
            name,
            {"bucket": ref} | {snake(k): v for k, v in access.items()},
        )
    )
    made.append(
        (
            "aws_s3_bucket_ownership_controls",
            name,
            {"bucket": ref, "rule": [block(object_ownership='"BucketOwnerEnforced"')]},
        )
    )
    made.append(
        (
            "aws_s3_bucket_versioning",
            name,
            {"bucket": ref, "versioning_configuration": [block(status='"Enabled"')]},
        )
    )
    queues = props.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
    if queues:
        made.append(
            (
                "aws_s3_bucket_notification",
                name,
                {
                    "bucket": ref,
                    "queue": [
                        block(queue_arn=refs.value(q["Queue"]), events=[refs.value(q["Event"])])
                        for q in queues
                    ],
                },
            )
        )
    return made


def bucket_policy(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_s3_bucket_policy``."""
    props = resource["Properties"]
    body = {
        "bucket": refs.value(props["Bucket"]),
        "policy": refs.jsonencode(props["PolicyDocument"]),
    }
    return [("aws_s3_bucket_policy", snake(logical_id), body)]


def queue(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_sqs_queue``."""
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "SqsManagedSseEnabled",
        MessageRetentionPeriod="message_retention_seconds",
        VisibilityTimeout="visibility_timeout_seconds",
    )
    if "RedrivePolicy" in props:
        body["redrive_policy"] = refs.jsonencode(props["RedrivePolicy"])
    return [("aws_sqs_queue", snake(logical_id), body)]


def queue_policy(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_sqs_queue_policy``."""
    props = resource["Properties"]
    body = {
        "queue_url": refs.value(props["Queues"][0]),
        "policy": refs.jsonencode(props["PolicyDocument"]),
    }
    return [("aws_sqs_queue_policy", snake(logical_id), body)]


def subscription(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_sns_topic_subscription``."""
    body = _plain(
        refs, resource["Properties"], "TopicArn", "Protocol", "Endpoint", "RawMessageDelivery"
    )
    return [("aws_sns_topic_subscription", snake(logical_id), body)]


def origin_access(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_cloudfront_origin_access_control``."""
    config = resource["Properties"]["OriginAccessControlConfig"]
    body = {snake(k): refs.value(v) for k, v in config.items()}
    return [("aws_cloudfront_origin_access_control", snake(logical_id), body)]


def distribution(refs: Refs, logical_id: str, resource: Json) -> Made:
    """``aws_cloudfront_distribution``."""
    config = resource["Properties"]["DistributionConfig"]
    origin = config["Origins"][0]
    cache = config["DefaultCacheBehavior"]
    methods = refs.value(["GET", "HEAD"])
    body = {
        "enabled": True,
        "default_root_object": refs.value(config["DefaultRootObject"]),
        "price_class": refs.value(config["PriceClass"]),
        "http_version": refs.value(config["HttpVersion"]),
        "origin": [
            block(
                origin_id=refs.value(origin["Id"]),
                domain_name=refs.value(origin["DomainName"]),
                origin_access_control_id=refs.value(origin["OriginAccessControlId"]),
            )
        ],
        "default_cache_behavior": [
            block(
                target_origin_id=refs.value(cache["TargetOriginId"]),
                compress=True,
                viewer_protocol_policy=refs.value(cache["ViewerProtocolPolicy"]),
                cache_policy_id=refs.value(cache["CachePolicyId"]),
                allowed_methods=methods,
                cached_methods=methods,
            )
        ],
        "restrictions": [block(geo_restriction=[block(restriction_type='"none"')])],
        "viewer_certificate": [block(cloudfront_default_certificate=True)],
    } | tags_of(refs, resource["Properties"])
    return [("aws_cloudfront_distribution", snake(logical_id), body)]
