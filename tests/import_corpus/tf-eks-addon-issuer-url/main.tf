# EKS add-on roles fed the cluster's issuer URL (`aws_eks_cluster.x.identity[0].oidc[0].issuer`,
# https:// included). The issuer without the scheme is cut with `split("//", …)[1]` in a local
# and with `element(split(…), 1)` inline; the region's geography names a bucket. The trust
# documents key their conditions by the issuer.

variable "cluster_name" {
  type    = string
  default = "platform"
}

variable "cluster_oidc_issuer_url" {
  type        = string
  description = "The cluster's OIDC issuer URL, https:// included"
  default     = "https://oidc.eks.eu-west-1.amazonaws.com/id/5C8F0123456789ABCDEF0123456789AB"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  issuer    = split("//", var.cluster_oidc_issuer_url)[1]
  geo       = split("-", data.aws_region.current.name)[0]
}

data "aws_iam_policy_document" "cert_manager_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.issuer}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = ["system:serviceaccount:cert-manager:cert-manager"]
    }
  }
}

data "aws_iam_policy_document" "cert_manager" {
  statement {
    actions   = ["route53:GetChange"]
    resources = ["arn:${local.partition}:route53:::change/*"]
  }
  statement {
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
    resources = ["arn:${local.partition}:route53:::hostedzone/*"]
  }
}

resource "aws_iam_role" "cert_manager" {
  name               = "${var.cluster_name}-cert-manager"
  assume_role_policy = data.aws_iam_policy_document.cert_manager_trust.json
}

resource "aws_iam_role_policy" "cert_manager" {
  name   = "route53-dns01"
  role   = aws_iam_role.cert_manager.id
  policy = data.aws_iam_policy_document.cert_manager.json
}

data "aws_iam_policy_document" "velero_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${element(split("//", var.cluster_oidc_issuer_url), 1)}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${element(split("//", var.cluster_oidc_issuer_url), 1)}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${element(split("//", var.cluster_oidc_issuer_url), 1)}:sub"
      values   = ["system:serviceaccount:velero:velero-server"]
    }
  }
}

data "aws_iam_policy_document" "velero" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["arn:${local.partition}:s3:::${var.cluster_name}-backups-${local.geo}/*"]
  }
  statement {
    actions   = ["ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:DescribeSnapshots", "ec2:DescribeVolumes"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "velero" {
  name               = "${var.cluster_name}-velero"
  assume_role_policy = data.aws_iam_policy_document.velero_trust.json
}

resource "aws_iam_role_policy" "velero" {
  name   = "backups"
  role   = aws_iam_role.velero.id
  policy = data.aws_iam_policy_document.velero.json
}
