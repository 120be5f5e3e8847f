# GitHub Actions deploy role module used in many accounts: the account's GitHub OIDC provider
# is created by the first stack only (`count = var.create_provider ? 1 : 0`); elsewhere the
# existing one is looked up by its URL. The role trusts whichever it is, for one repository's
# main branch and its production environment.

variable "create_provider" {
  description = "Create the account's GitHub OIDC provider (false where it exists already)."
  type        = bool
  default     = true
}

variable "repository" {
  description = "owner/name of the repository allowed to deploy."
  type        = string
  default     = "acme/payments"
}

variable "name" {
  type    = string
  default = "github-deploy-payments"
}

variable "deploy_bucket" {
  type    = string
  default = "acme-payments-artifacts"
}

locals {
  github_url   = "https://token.actions.githubusercontent.com"
  provider_arn = var.create_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
}

resource "aws_iam_openid_connect_provider" "github" {
  count           = var.create_provider ? 1 : 0
  url             = local.github_url
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_provider ? 0 : 1
  url   = local.github_url
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values = [
        "repo:${var.repository}:ref:refs/heads/main",
        "repo:${var.repository}:environment:production",
      ]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["arn:aws:s3:::${var.deploy_bucket}/*"]
  }
  statement {
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::${var.deploy_bucket}"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

output "role_arn" {
  value = aws_iam_role.deploy.arn
}
