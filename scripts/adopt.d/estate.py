"""Creates an IAM estate in a moto server with boto3 and dumps it with
GetAccountAuthorizationDetails (what `aws iam get-account-authorization-details` prints).

Usage: estate.py ENDPOINT create|dump DUMP.json ROLES.json

DUMP.json is the account dump, ROLES.json the output of ListRoles (which carries the
descriptions and maximum session durations that the dump's RoleDetail lacks).

The estate: 36 roles in four paths (/, /apps/, /data/etl/, /ci/), inline policies, AWS
managed and customer managed attachments, a customer managed policy shared between paths,
permission boundaries, tags, instance profiles (one named after its role, one not), one
service-linked role, and a role excluded by pattern (legacy-*).
"""

import json
import sys

import boto3


def client(endpoint):
    return boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def trust(service):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def doc(actions, resource):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
        }
    )


def create(iam):
    account = boto3.client(
        "sts",
        endpoint_url=iam.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).get_caller_identity()["Account"]
    shared = iam.create_policy(
        PolicyName="shared-read-config",
        Path="/shared/",
        Description="Read the shared configuration bucket",
        PolicyDocument=doc(["s3:GetObject"], "arn:aws:s3:::config-bucket/*"),
    )["Policy"]["Arn"]
    boundary = iam.create_policy(
        PolicyName="apps-boundary",
        Path="/apps/",
        PolicyDocument=doc(["s3:*", "logs:*", "sqs:*"], "*"),
    )["Policy"]["Arn"]
    etl_policy = iam.create_policy(
        PolicyName="etl-queue",
        Path="/data/etl/",
        PolicyDocument=doc(
            ["sqs:SendMessage", "sqs:ReceiveMessage"],
            f"arn:aws:sqs:us-east-1:{account}:etl-*",
        ),
    )["Policy"]["Arn"]
    paths = ["/", "/apps/", "/data/etl/", "/ci/"]
    services = ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]
    for i in range(36):
        path = paths[i % 4]
        name = f"{path.strip('/').replace('/', '-') or 'core'}-role-{i:02d}"
        kwargs = {
            "RoleName": name,
            "Path": path,
            "AssumeRolePolicyDocument": trust(services[i % 3]),
            "Description": f"Role {i} of the estate",
            "Tags": [{"Key": "team", "Value": ["red", "blue", "green"][i % 3]}],
        }
        if path == "/apps/":
            kwargs["PermissionsBoundary"] = boundary
        if i % 9 == 0:
            kwargs["MaxSessionDuration"] = 7200
        iam.create_role(**kwargs)
        iam.put_role_policy(
            RoleName=name,
            PolicyName="logs",
            PolicyDocument=doc(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                f"arn:aws:logs:us-east-1:{account}:log-group:/estate/{name}:*",
            ),
        )
        if i % 2 == 0:
            iam.attach_role_policy(
                RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
            )
        if i % 5 == 0:
            iam.attach_role_policy(RoleName=name, PolicyArn=shared)
        if path == "/data/etl/":
            iam.attach_role_policy(RoleName=name, PolicyArn=etl_policy)
        if i % 6 == 0 and services[i % 3] == "ec2.amazonaws.com":
            iam.create_instance_profile(InstanceProfileName=name)
            iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    iam.create_instance_profile(InstanceProfileName="ci-runner-profile", Path="/ci/")
    iam.add_role_to_instance_profile(
        InstanceProfileName="ci-runner-profile", RoleName="ci-role-03"
    )
    iam.create_role(
        RoleName="legacy-deployer",
        AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"),
    )
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")


def dump(iam):
    out = {"RoleDetailList": [], "Policies": []}
    for page in iam.get_paginator("get_account_authorization_details").paginate(
        Filter=["Role", "LocalManagedPolicy"]
    ):
        out["RoleDetailList"] += page.get("RoleDetailList", [])
        out["Policies"] += page.get("Policies", [])
    return out


def list_roles(iam):
    roles = []
    for page in iam.get_paginator("list_roles").paginate():
        roles += page["Roles"]
    return {"Roles": roles}


def main():
    endpoint, what, path, roles_path = sys.argv[1:5]
    iam = client(endpoint)
    if what == "create":
        create(iam)
    with open(path, "w") as f:
        json.dump(dump(iam), f, indent=1, default=str, sort_keys=True)
    with open(roles_path, "w") as f:
        json.dump(list_roles(iam), f, indent=1, default=str, sort_keys=True)


if __name__ == "__main__":
    main()
