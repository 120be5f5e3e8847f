# Queue workers for a team whose landing zone may require a permissions boundary: the
# boundary variable is null unless the account needs one (the usual module idiom), the path
# is optional with the `!= ""` test, the session length comes from a variable.

variable "name" {
  type    = string
  default = "billing"
}

variable "permissions_boundary" {
  description = "ARN of the policy used as the permissions boundary of every role (null: none)"
  type        = string
  default     = null
}

variable "role_path" {
  description = "Path of the roles; empty for /"
  type        = string
  default     = ""
}

variable "max_session_duration" {
  description = "Maximum session of the support role, in seconds"
  type        = number
  default     = 7200

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "Between one and twelve hours."
  }
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
  queue   = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${local.account}:${var.name}-jobs"
}

data "aws_iam_policy_document" "ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "Jobs"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [local.queue]
  }
}

resource "aws_iam_role" "worker" {
  name                 = "${var.name}-worker"
  path                 = var.role_path != "" ? var.role_path : null
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks.json
}

resource "aws_iam_role_policy" "worker" {
  name   = "jobs"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

resource "aws_iam_role" "scheduler" {
  name                 = "${var.name}-scheduler"
  path                 = var.role_path != "" ? var.role_path : null
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks.json
}

resource "aws_iam_role_policy_attachment" "scheduler" {
  role       = aws_iam_role.scheduler.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "support_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account}:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "support" {
  name                 = "${var.name}-support"
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.support_trust.json
}

resource "aws_iam_role_policy_attachment" "support" {
  role       = aws_iam_role.support.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}
