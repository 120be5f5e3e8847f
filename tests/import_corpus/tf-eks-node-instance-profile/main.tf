# EKS managed node group role and instance profile: the AWS managed worker policies attached
# with for_each over a set, SSM switched by a variable, the CNI policy optional (IRSA for the
# VPC CNI instead), a permissions boundary from a variable, and a launch template that is
# not IAM.

variable "cluster_name" {
  type    = string
  default = "platform"
}

variable "attach_cni_policy" {
  type    = bool
  default = true
}

variable "enable_ssm" {
  type    = bool
  default = true
}

variable "permissions_boundary" {
  type    = string
  default = "arn:aws:iam::111122223333:policy/org/eks-node-boundary"
}

data "aws_partition" "current" {}

locals {
  policy_prefix = "arn:${data.aws_partition.current.partition}:iam::aws:policy"
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "EKSNodeAssumeRole"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name                  = "${var.cluster_name}-node"
  path                  = "/eks/"
  description           = "EKS managed node group role"
  assume_role_policy    = data.aws_iam_policy_document.assume.json
  permissions_boundary  = var.permissions_boundary
  force_detach_policies = true
}

resource "aws_iam_role_policy_attachment" "worker" {
  for_each = toset([
    "${local.policy_prefix}/AmazonEKSWorkerNodePolicy",
    "${local.policy_prefix}/AmazonEC2ContainerRegistryReadOnly",
  ])
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

resource "aws_iam_role_policy_attachment" "cni" {
  count      = var.attach_cni_policy ? 1 : 0
  role       = aws_iam_role.node.name
  policy_arn = "${local.policy_prefix}/AmazonEKS_CNI_Policy"
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count      = var.enable_ssm ? 1 : 0
  role       = aws_iam_role.node.name
  policy_arn = "${local.policy_prefix}/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "node" {
  name = "${var.cluster_name}-node"
  path = "/eks/"
  role = aws_iam_role.node.name
}

resource "aws_launch_template" "node" {
  name_prefix = "${var.cluster_name}-node-"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}
