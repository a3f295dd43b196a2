"""The CloudFormation service role deploys run under, and the permissions it needs.

CloudFabric itself only creates, checks and executes change sets and passes this role
(``iam:PassRole``); CloudFormation acting as the role creates the resources. The role's policy
is derived from the resource types the generated templates use
(``deploy/iam/architecture-deploy-role.json``, ``cloudfabric iam-policy --deploy-role``).
"""

from __future__ import annotations

from typing import Any

from tools.context import ToolContext
from tools.errors import ToolError

SANDBOX_ROLE = "CloudFabricDeploy"
EC2_NETWORK = (
    "ec2:Describe*",
    "ec2:CreateTags",
    "ec2:DeleteTags",
)
SERVICE_ROLE_ACTIONS: dict[str, tuple[str, ...]] = {
    "AWS::EC2::VPC": ("ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute"),
    "AWS::EC2::Subnet": ("ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute"),
    "AWS::EC2::InternetGateway": ("ec2:CreateInternetGateway", "ec2:DeleteInternetGateway"),
    "AWS::EC2::VPCGatewayAttachment": ("ec2:AttachInternetGateway", "ec2:DetachInternetGateway"),
    "AWS::EC2::RouteTable": ("ec2:CreateRouteTable", "ec2:DeleteRouteTable"),
    "AWS::EC2::Route": ("ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute"),
    "AWS::EC2::SubnetRouteTableAssociation": (
        "ec2:AssociateRouteTable",
        "ec2:DisassociateRouteTable",
    ),
    "AWS::EC2::EIP": ("ec2:AllocateAddress", "ec2:ReleaseAddress"),
    "AWS::EC2::NatGateway": ("ec2:CreateNatGateway", "ec2:DeleteNatGateway"),
    "AWS::EC2::VPCEndpoint": (
        "ec2:CreateVpcEndpoint",
        "ec2:DeleteVpcEndpoints",
        "ec2:ModifyVpcEndpoint",
    ),
    "AWS::EC2::SecurityGroup": (
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
    ),
    "AWS::EC2::SecurityGroupIngress": (
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
    ),
    "AWS::EC2::LaunchTemplate": (
        "ec2:CreateLaunchTemplate",
        "ec2:DeleteLaunchTemplate",
        "ec2:CreateLaunchTemplateVersion",
        "ssm:GetParameters",
    ),
    "AWS::AutoScaling::AutoScalingGroup": (
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:Describe*",
        "autoscaling:CreateOrUpdateTags",
        "ec2:RunInstances",
        "ec2:TerminateInstances",
        "iam:CreateServiceLinkedRole",
    ),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:Describe*",
        "elasticloadbalancing:AddTags",
    ),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyTargetGroup",
    ),
    "AWS::ElasticLoadBalancingV2::Listener": (
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
    ),
    "AWS::IAM::Role": (
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:GetRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PassRole",
    ),
    "AWS::IAM::InstanceProfile": (
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:GetInstanceProfile",
    ),
    "AWS::Logs::LogGroup": (
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DescribeLogGroups",
    ),
    "AWS::ECS::Cluster": (
        "ecs:CreateCluster",
        "ecs:DeleteCluster",
        "ecs:DescribeClusters",
        "ecs:TagResource",
    ),
    "AWS::ECS::TaskDefinition": (
        "ecs:RegisterTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
    ),
    "AWS::ECS::Service": (
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:DeleteService",
        "ecs:DescribeServices",
    ),
    "AWS::Lambda::Function": (
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:TagResource",
    ),
    "AWS::Lambda::EventSourceMapping": (
        "lambda:CreateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
        "lambda:GetEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
    ),
    "AWS::Lambda::Permission": ("lambda:AddPermission", "lambda:RemovePermission"),
    "AWS::ApiGateway::RestApi": (
        "apigateway:POST",
        "apigateway:DELETE",
        "apigateway:GET",
        "apigateway:PATCH",
    ),
    "AWS::ApiGateway::Resource": ("apigateway:POST", "apigateway:DELETE", "apigateway:GET"),
    "AWS::ApiGateway::Method": ("apigateway:PUT", "apigateway:DELETE", "apigateway:GET"),
    "AWS::ApiGateway::Deployment": ("apigateway:POST", "apigateway:DELETE", "apigateway:GET"),
    "AWS::RDS::DBSubnetGroup": (
        "rds:CreateDBSubnetGroup",
        "rds:DeleteDBSubnetGroup",
        "rds:ModifyDBSubnetGroup",
    ),
    "AWS::RDS::DBInstance": (
        "rds:CreateDBInstance",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        "rds:DescribeDBInstances",
        "rds:AddTagsToResource",
        "rds:CreateDBSnapshot",
        "secretsmanager:CreateSecret",
        "kms:DescribeKey",
    ),
    "AWS::RDS::DBCluster": (
        "rds:CreateDBCluster",
        "rds:ModifyDBCluster",
        "rds:DeleteDBCluster",
        "rds:DescribeDBClusters",
        "rds:CreateDBClusterSnapshot",
        "secretsmanager:CreateSecret",
    ),
    "AWS::ElastiCache::SubnetGroup": (
        "elasticache:CreateCacheSubnetGroup",
        "elasticache:DeleteCacheSubnetGroup",
    ),
    "AWS::ElastiCache::ReplicationGroup": (
        "elasticache:CreateReplicationGroup",
        "elasticache:ModifyReplicationGroup",
        "elasticache:DeleteReplicationGroup",
        "elasticache:DescribeReplicationGroups",
        "elasticache:CreateSnapshot",
    ),
    "AWS::DynamoDB::Table": (
        "dynamodb:CreateTable",
        "dynamodb:DeleteTable",
        "dynamodb:DescribeTable",
        "dynamodb:UpdateTable",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:TagResource",
    ),
    "AWS::S3::Bucket": (
        "s3:CreateBucket",
        "s3:PutBucketEncryption",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketVersioning",
        "s3:PutBucketNotification",
        "s3:PutBucketTagging",
    ),
    "AWS::S3::BucketPolicy": ("s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:GetBucketPolicy"),
    "AWS::SQS::Queue": (
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:TagQueue",
    ),
    "AWS::SQS::QueuePolicy": ("sqs:SetQueueAttributes",),
    "AWS::SNS::Topic": (
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:TagResource",
    ),
    "AWS::SNS::Subscription": ("sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes"),
    "AWS::CloudFront::OriginAccessControl": (
        "cloudfront:CreateOriginAccessControl",
        "cloudfront:DeleteOriginAccessControl",
        "cloudfront:GetOriginAccessControl",
    ),
    "AWS::CloudFront::Distribution": (
        "cloudfront:CreateDistribution",
        "cloudfront:UpdateDistribution",
        "cloudfront:DeleteDistribution",
        "cloudfront:GetDistribution",
        "cloudfront:TagResource",
    ),
}
"""Per resource type the generated templates use: what CloudFormation needs to manage it."""


def service_role_policy() -> dict[str, Any]:
    """The service role's policy: the actions of every resource type the templates can use."""
    actions = sorted(
        {a for group in SERVICE_ROLE_ACTIONS.values() for a in group} | set(EC2_NETWORK)
    )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "CloudFabricStacks", "Effect": "Allow", "Action": actions, "Resource": "*"}
        ],
    }


def trust_policy() -> dict[str, Any]:
    """Who may assume the service role: CloudFormation only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudformation.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def role_arn(ctx: ToolContext, region: str) -> str:
    """The service role deploys pass to CloudFormation.

    Args:
        ctx: tool context (``architecture_deploy_role_arn``, or the sandbox's role).
        region: region of the stack (for the STS call).
    """
    configured = ctx.settings.architecture_deploy_role_arn
    if configured:
        return configured
    if not ctx.settings.is_sandbox:
        raise ToolError(
            "Deploys run under a CloudFormation service role: set CF_ARCHITECTURE_DEPLOY_ROLE_ARN "
            "(policy in deploy/iam/architecture-deploy-role.json)."
        )
    account = ctx.aws.client("sts", region).get_caller_identity()["Account"]
    return f"arn:aws:iam::{account}:role/{SANDBOX_ROLE}"
