# A bastion host module: the instance role's name (and its instance profile's) is the
# caller's choice, else Terraform generates one (the usual null-default module idiom); the
# SSM session role next to it may be named by an empty-default variable with the conditional
# form; the audit log bucket is outside IAM.

variable "name" {
  description = "Name of the bastion, used in its log bucket"
  type        = string
  default     = "bastion"
}

variable "role_name" {
  description = "Name of the instance role and its instance profile (null: generated)"
  type        = string
  default     = null
}

variable "session_role_name" {
  description = "Name of the session manager role; empty for a generated name"
  type        = string
  default     = ""
}

variable "tags" {
  type    = map(string)
  default = {}
}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "ssm" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ssm.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "${var.name}-session-logs"
  tags   = var.tags
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "SessionLogs"
    actions   = ["s3:PutObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.name}-session-logs/*"]
  }
}

resource "aws_iam_role" "bastion" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.ec2.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "logs" {
  name   = "session-logs"
  role   = aws_iam_role.bastion.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.bastion.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "bastion" {
  name = var.role_name
  role = aws_iam_role.bastion.name
  tags = var.tags
}

resource "aws_iam_role" "session" {
  name               = var.session_role_name == "" ? null : var.session_role_name
  assume_role_policy = data.aws_iam_policy_document.ssm.json
  tags               = var.tags
}

output "instance_profile_name" {
  value = aws_iam_instance_profile.bastion.name
}
