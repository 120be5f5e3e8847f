# EKS add-on role: the Karpenter controller (IRSA) with its node role and instance profile,
# locals for names, `dynamic "statement"` over a list of service account subjects, a switch
# for the interruption queue statement, PassRole only of the node role.

variable "cluster_name" {
  type    = string
  default = "prod"
}

variable "oidc_provider" {
  type        = string
  description = "oidc.eks.<region>.amazonaws.com/id/<id>"
  default     = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

variable "enable_spot_termination" {
  type    = bool
  default = true
}

variable "queue_name" {
  type    = string
  default = "karpenter-interruptions"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  region       = data.aws_region.current.name
  provider_arn = "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${var.oidc_provider}"
  node_role    = "KarpenterNodeRole-${var.cluster_name}"
  subjects     = ["system:serviceaccount:karpenter:karpenter"]
}

data "aws_iam_policy_document" "controller_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_provider}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_provider}:sub"
      values   = local.subjects
    }
  }
}

data "aws_iam_policy_document" "controller" {
  statement {
    sid = "AllowScopedEC2InstanceAccessActions"
    actions = ["ec2:RunInstances", "ec2:CreateFleet"]
    resources = [
      "arn:${local.partition}:ec2:${local.region}::image/*",
      "arn:${local.partition}:ec2:${local.region}::snapshot/*",
      "arn:${local.partition}:ec2:${local.region}:*:security-group/*",
      "arn:${local.partition}:ec2:${local.region}:*:subnet/*",
    ]
  }

  statement {
    sid       = "AllowScopedResourceCreationTagging"
    actions   = ["ec2:CreateTags"]
    resources = ["arn:${local.partition}:ec2:${local.region}:*:fleet/*", "arn:${local.partition}:ec2:${local.region}:*:instance/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes.io/cluster/${var.cluster_name}"
      values   = ["owned"]
    }
    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]
    }
  }

  statement {
    sid       = "AllowScopedDeletion"
    actions   = ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]
    resources = ["arn:${local.partition}:ec2:${local.region}:*:instance/*", "arn:${local.partition}:ec2:${local.region}:*:launch-template/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/kubernetes.io/cluster/${var.cluster_name}"
      values   = ["owned"]
    }
  }

  statement {
    sid       = "AllowPassingInstanceRole"
    actions   = ["iam:PassRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${local.node_role}"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
  }

  statement {
    sid       = "AllowRegionalReadActions"
    actions   = ["ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "pricing:GetProducts", "ssm:GetParameter"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.enable_spot_termination ? [1] : []
    content {
      sid       = "AllowInterruptionQueueActions"
      actions   = ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]
      resources = ["arn:${local.partition}:sqs:${local.region}:${local.account_id}:${var.queue_name}"]
    }
  }
}

resource "aws_iam_role" "controller" {
  name               = "KarpenterController-${var.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.controller_trust.json
}

resource "aws_iam_role_policy" "controller" {
  name   = "KarpenterController"
  role   = aws_iam_role.controller.id
  policy = data.aws_iam_policy_document.controller.json
}

data "aws_iam_policy_document" "node_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = local.node_role
  assume_role_policy = data.aws_iam_policy_document.node_trust.json
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
  ])
  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

resource "aws_iam_instance_profile" "node" {
  name = local.node_role
  role = aws_iam_role.node.name
}

resource "aws_sqs_queue" "interruptions" {
  count                     = var.enable_spot_termination ? 1 : 0
  name                      = var.queue_name
  message_retention_seconds = 300
  sqs_managed_sse_enabled   = true
}

output "controller_role_arn" {
  value = aws_iam_role.controller.arn
}
