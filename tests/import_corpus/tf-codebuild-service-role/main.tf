# CodeBuild service role for a container build: logs of its own project, the artifact
# bucket's prefix, pushes to one ECR repository, VPC network interfaces limited to the build
# subnets (ec2:AuthorizedService / ec2:Subnet), and reading one SSM path; the project itself
# is left out.

variable "project" {
  type    = string
  default = "api-image"
}

variable "artifact_bucket" {
  type    = string
  default = "acme-ci-artifacts"
}

variable "repository_arn" {
  type    = string
  default = "arn:aws:ecr:eu-west-1:111122223333:repository/api"
}

variable "subnet_arns" {
  type = list(string)
  default = [
    "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0a1b2c3d",
    "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-4e5f6a7b",
  ]
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "build" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/codebuild/${var.project}",
      "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/codebuild/${var.project}:*",
    ]
  }

  statement {
    sid       = "Artifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["arn:aws:s3:::${var.artifact_bucket}/${var.project}/*"]
  }

  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPush"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
      "ecr:BatchGetImage",
    ]
    resources = [var.repository_arn]
  }

  statement {
    sid       = "VpcDescribe"
    actions   = ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]
    resources = ["*"]
  }

  statement {
    sid       = "VpcAttach"
    actions   = ["ec2:CreateNetworkInterfacePermission"]
    resources = ["arn:aws:ec2:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:network-interface/*"]
    condition {
      test     = "StringEquals"
      variable = "ec2:AuthorizedService"
      values   = ["codebuild.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "ec2:Subnet"
      values   = var.subnet_arns
    }
  }

  statement {
    sid       = "BuildParameters"
    actions   = ["ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = ["arn:aws:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter/ci/${var.project}/*"]
  }
}

resource "aws_iam_role" "codebuild" {
  name               = "codebuild-${var.project}"
  path               = "/service-role/"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "codebuild" {
  name   = "build"
  role   = aws_iam_role.codebuild.name
  policy = data.aws_iam_policy_document.build.json
}

resource "aws_codebuild_project" "this" {
  name         = var.project
  service_role = aws_iam_role.codebuild.arn
  artifacts {
    type = "NO_ARTIFACTS"
  }
  environment {
    compute_type    = "BUILD_GENERAL1_SMALL"
    image           = "aws/codebuild/standard:7.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = true
  }
  source {
    type = "NO_SOURCE"
    buildspec = "version: 0.2\nphases:\n  build:\n    commands: [docker build .]\n"
  }
}
