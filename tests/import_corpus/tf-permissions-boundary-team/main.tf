# Permissions boundary delegation in Terraform: the team's boundary policy, a CI role that
# may create workload roles only with that boundary and path, and the boundary on the CI
# role itself (permissions_boundary = aws_iam_policy.boundary.arn).

variable "team" {
  type    = string
  default = "search"
}

variable "ci_account_id" {
  type    = string
  default = "999988887777"
}

data "aws_caller_identity" "current" {}

locals {
  account       = data.aws_caller_identity.current.account_id
  workload_path = "/workloads/${var.team}/"
}

data "aws_iam_policy_document" "boundary" {
  statement {
    sid       = "Services"
    actions   = ["s3:*", "sqs:*", "sns:*", "dynamodb:*", "lambda:*", "logs:*", "es:*"]
    resources = ["*"]
  }

  statement {
    sid       = "PassWorkloadRoles"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::${local.account}:role${local.workload_path}*"]
  }

  statement {
    sid    = "KeepTheBoundary"
    effect = "Deny"
    actions = [
      "iam:DeleteRolePermissionsBoundary",
      "iam:PutRolePermissionsBoundary",
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = "${var.team}-boundary"
  path        = "/boundaries/"
  description = "Boundary of every role the ${var.team} team creates"
  policy      = data.aws_iam_policy_document.boundary.json
}

data "aws_iam_policy_document" "ci_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.ci_account_id}:role/ci-runner"]
    }
  }
}

data "aws_iam_policy_document" "ci" {
  statement {
    sid       = "CreateBoundedRoles"
    actions   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy"]
    resources = ["arn:aws:iam::${local.account}:role${local.workload_path}*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [aws_iam_policy.boundary.arn]
    }
  }

  statement {
    sid       = "ManageWorkloadRoles"
    actions   = ["iam:GetRole", "iam:DeleteRole", "iam:TagRole", "iam:UpdateAssumeRolePolicy"]
    resources = ["arn:aws:iam::${local.account}:role${local.workload_path}*"]
  }
}

resource "aws_iam_role" "ci" {
  name                 = "${var.team}-ci"
  assume_role_policy   = data.aws_iam_policy_document.ci_trust.json
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy" "ci" {
  name   = "create-bounded-roles"
  role   = aws_iam_role.ci.id
  policy = data.aws_iam_policy_document.ci.json
}

resource "aws_iam_role_policy_attachment" "ci_power_user" {
  role       = aws_iam_role.ci.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
