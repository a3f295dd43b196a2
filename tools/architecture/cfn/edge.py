"""Front doors at the edge: API Gateway REST APIs and CloudFront distributions."""

from __future__ import annotations

from tools.architecture.cfn.base import Template, att, logical, ref, sub
from tools.architecture.spec import Component

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""AWS managed CloudFront cache policy ``Managed-CachingOptimized``."""


def add_api(t: Template, c: Component) -> None:
    """A regional REST API proxying every path to the function it invokes.

    Args:
        t: the template.
        c: the component.
    """
    [target] = t.spec.targets(c.name, "invoke")
    function = t.component_resource[target]
    api = t.add(
        logical(c.name, "RestApi"),
        "AWS::ApiGateway::RestApi",
        {
            "Name": f"{t.spec.name}-{c.name}",
            "EndpointConfiguration": {"Types": ["REGIONAL"]},
            "Tags": t.tags(c.name),
        },
    )
    proxy = t.add(
        logical(c.name, "ProxyResource"),
        "AWS::ApiGateway::Resource",
        {
            "RestApiId": ref(api),
            "ParentId": att(api, "RootResourceId"),
            "PathPart": "{proxy+}",
        },
    )
    uri = sub(
        f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{function}.Arn}}/invocations"
    )
    methods = []
    for suffix, resource in (
        ("RootMethod", att(api, "RootResourceId")),
        ("ProxyMethod", ref(proxy)),
    ):
        methods.append(
            t.add(
                logical(c.name, suffix),
                "AWS::ApiGateway::Method",
                {
                    "RestApiId": ref(api),
                    "ResourceId": resource,
                    "HttpMethod": "ANY",
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "AWS_PROXY",
                        "IntegrationHttpMethod": "POST",
                        "Uri": uri,
                    },
                },
            )
        )
    t.add(
        logical(c.name, "Deployment"),
        "AWS::ApiGateway::Deployment",
        {
            "RestApiId": ref(api),
            "StageName": "v1",
        },
        DependsOn=methods,
    )
    t.add(
        logical(c.name, "InvokePermission"),
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": ref(function),
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": sub(
                f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/*"
            ),
        },
    )
    t.component_resource[c.name] = api
    t.output(
        logical(c.name, "Url"),
        sub(f"https://${{{api}}}.execute-api.${{AWS::Region}}.amazonaws.com/v1"),
        f"{c.name} URL",
    )


def add_cdn(t: Template, c: Component) -> None:
    """A CloudFront distribution reading its bucket through origin access control.

    Args:
        t: the template.
        c: the component.
    """
    [origin] = t.spec.targets(c.name, "read")
    bucket = t.component_resource[origin]
    oac = t.add(
        logical(c.name, "OriginAccess"),
        "AWS::CloudFront::OriginAccessControl",
        {
            "OriginAccessControlConfig": {
                "Name": f"{t.spec.name}-{c.name}",
                "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4",
            },
        },
    )
    distribution = t.add(
        logical(c.name, "Distribution"),
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": {
                "Enabled": True,
                "DefaultRootObject": "index.html",
                "PriceClass": "PriceClass_100",
                "HttpVersion": "http2",
                "Origins": [
                    {
                        "Id": "site",
                        "DomainName": att(bucket, "RegionalDomainName"),
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                        "OriginAccessControlId": att(oac, "Id"),
                    }
                ],
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "CachePolicyId": CACHING_OPTIMIZED,
                    "Compress": True,
                },
                "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            },
            "Tags": t.tags(c.name),
        },
    )
    t.add(
        logical(origin, "BucketPolicy"),
        "AWS::S3::BucketPolicy",
        {
            "Bucket": ref(bucket),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudfront.amazonaws.com"},
                        "Action": "s3:GetObject",
                        "Resource": sub(f"${{{bucket}.Arn}}/*"),
                        "Condition": {
                            "StringEquals": {
                                "AWS:SourceArn": sub(
                                    f"arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/${{{distribution}}}"
                                )
                            }
                        },
                    },
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [att(bucket, "Arn"), sub(f"${{{bucket}.Arn}}/*")],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                ],
            },
        },
    )
    t.component_resource[c.name] = distribution
    t.output(logical(c.name, "Domain"), att(distribution, "DomainName"), f"{c.name} domain")
