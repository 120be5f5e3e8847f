# EKS add-on role: external-dns (IRSA), in the terraform-aws-modules style: a `create`
# toggle, the trust built with aws_iam_policy_document from the provider ARN and the issuer,
# the hosted zones as a list variable, tags merged.

variable "create" {
  type    = bool
  default = true
}

variable "cluster_name" {
  type = string
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the cluster's IAM OIDC provider"
}

variable "oidc_issuer" {
  type        = string
  description = "Issuer URL without https://"
}

variable "namespace" {
  type    = string
  default = "external-dns"
}

variable "hosted_zone_arns" {
  type    = list(string)
  default = ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]
}

variable "tags" {
  type    = map(string)
  default = {}
}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "assume" {
  count = var.create ? 1 : 0

  statement {
    sid     = "ExternalDnsServiceAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:external-dns"]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "route53" {
  count = var.create ? 1 : 0

  statement {
    sid       = "ChangeRecords"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = var.hosted_zone_arns
  }

  statement {
    sid = "ListZones"
    actions = [
      "route53:ListHostedZones",
      "route53:ListResourceRecordSets",
      "route53:ListTagsForResource",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name                 = "${var.cluster_name}-external-dns"
  description          = "external-dns for ${var.cluster_name}"
  assume_role_policy   = data.aws_iam_policy_document.assume[0].json
  max_session_duration = 3600
  force_detach_policies = true

  tags = merge(var.tags, { "eks-addon" = "external-dns" })
}

resource "aws_iam_policy" "route53" {
  count = var.create ? 1 : 0

  name_prefix = "${var.cluster_name}-external-dns-"
  description = "external-dns Route 53 access"
  policy      = data.aws_iam_policy_document.route53[0].json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "route53" {
  count = var.create ? 1 : 0

  role       = aws_iam_role.this[0].name
  policy_arn = aws_iam_policy.route53[0].arn
}

output "iam_role_arn" {
  description = "Annotate the external-dns service account with this ARN"
  value       = try(aws_iam_role.this[0].arn, null)
}
