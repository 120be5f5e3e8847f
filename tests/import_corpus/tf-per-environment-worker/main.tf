# A worker's role in a module instantiated once per environment (`orders-staging`,
# `orders-prod`): the role, its inline policies and the resources they name all carry the
# deployment's name, given as `stack_name` because the same IAM is also deployed as
# CloudFormation stacks of that name. The queue and the table are made elsewhere.

variable "stack_name" {
  type        = string
  description = "Name of the deployment (the CloudFormation stack name where the stack is used)"
}

variable "table_name" {
  type    = string
  default = "orders"
}

variable "enable_dlq_redrive" {
  type    = bool
  default = false
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  queue_arn = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${var.stack_name}-jobs"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.stack_name}-worker"
  description        = "Job worker of ${var.stack_name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags = {
    Deployment = var.stack_name
  }
}

data "aws_iam_policy_document" "jobs" {
  statement {
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
    resources = [local.queue_arn]
  }
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = ["arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.stack_name}-${var.table_name}"]
  }
}

resource "aws_iam_role_policy" "jobs" {
  name   = "${var.stack_name}-jobs"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.jobs.json
}

data "aws_iam_policy_document" "redrive" {
  statement {
    actions = ["sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks"]
    resources = [
      "${local.queue_arn}-dlq",
    ]
  }
}

resource "aws_iam_role_policy" "redrive" {
  count  = var.enable_dlq_redrive ? 1 : 0
  name   = "${var.stack_name}-dlq-redrive"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.redrive.json
}

output "worker_role_arn" {
  value = aws_iam_role.worker.arn
}
