# Worker pool consuming queues: each environment lists its queues, and leaves a slot empty
# where it has no such queue (the validation accepts "" for that), so the policy gathers them
# with compact(concat(...)) beside the dead-letter queue every environment has.

variable "name" {
  type    = string
  default = "billing-worker"
}

variable "queue_arns" {
  type    = list(string)
  default = ["arn:aws:sqs:eu-west-1:111122223333:billing-events", "arn:aws:sqs:eu-west-1:111122223333:billing-retries"]
  validation {
    condition     = alltrue([for a in var.queue_arns : can(regex("^(arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+)?$", a))])
    error_message = "Each item is an SQS queue ARN, or empty for a queue this environment does not have."
  }
}

variable "dead_letter_queue_arn" {
  type    = string
  default = "arn:aws:sqs:eu-west-1:111122223333:billing-dlq"
  validation {
    condition     = can(regex("^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.dead_letter_queue_arn))
    error_message = "An SQS queue ARN."
  }
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "consume" {
  statement {
    sid       = "Consume"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = compact(concat(var.queue_arns, [var.dead_letter_queue_arn]))
  }
}

resource "aws_iam_role_policy" "consume" {
  name   = "consume"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.consume.json
}
