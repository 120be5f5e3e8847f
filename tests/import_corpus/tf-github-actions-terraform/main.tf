# CI roles for a Terraform pipeline on GitHub Actions (OIDC): pull requests may plan
# (read-only, state read and lock), the main branch may apply (assumes the deploy role of each
# target account). The provider already exists in the CI account; its ARN is built from the
# caller identity. Policies written with jsonencode().

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "github_org" {
  type = string
}

variable "repository" {
  type = string
}

variable "state_bucket" {
  type    = string
  default = "acme-terraform-state"
}

variable "lock_table" {
  type    = string
  default = "terraform-locks"
}

variable "target_deploy_roles" {
  type = list(string)
  default = [
    "arn:aws:iam::222233334444:role/terraform-deploy",
    "arn:aws:iam::555566667777:role/terraform-deploy",
  ]
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  github_provider = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"
  repo            = "repo:${var.github_org}/${var.repository}"
  state_arn       = "arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}"
  lock_arn        = "arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.lock_table}"
}

resource "aws_iam_role" "plan" {
  name = "${var.repository}-tf-plan"
  path = "/ci/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.github_provider }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "${local.repo}:pull_request" }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "plan_state" {
  name = "state-read-and-lock"
  role = aws_iam_role.plan.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadState"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetObject"]
        Resource = [local.state_arn, "${local.state_arn}/${var.repository}/*"]
      },
      {
        Sid      = "Lock"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = local.lock_arn
      },
    ]
  })
}

resource "aws_iam_role" "apply" {
  name                 = "${var.repository}-tf-apply"
  path                 = "/ci/"
  max_session_duration = 7200
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.github_provider }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = ["${local.repo}:ref:refs/heads/main", "${local.repo}:environment:production"]
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "apply" {
  name = "state-and-targets"
  role = aws_iam_role.apply.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "State"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = [local.state_arn, "${local.state_arn}/${var.repository}/*"]
      },
      {
        Sid      = "Lock"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = local.lock_arn
      },
      {
        Sid      = "AssumeTargets"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole", "sts:TagSession"]
        Resource = var.target_deploy_roles
      },
    ]
  })
}

output "plan_role_arn" {
  value = aws_iam_role.plan.arn
}

output "apply_role_arn" {
  value = aws_iam_role.apply.arn
}
