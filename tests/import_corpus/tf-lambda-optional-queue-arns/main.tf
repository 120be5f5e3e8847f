# Queue worker (Lambda) role from a shared module: the queue it consumes is required, a
# dead-letter queue (and the key it is encrypted with) only where the caller has one ("" by
# default). The module lists the ARNs with `compact([...])`, the idiom modules use so that an
# absent one leaves no empty item (in a policy document and in a jsonencode policy); a Deny
# keeps the worker from deleting or purging either queue.

variable "name" {
  type    = string
  default = "orders-worker"
}

variable "queue_arn" {
  type        = string
  description = "ARN of the queue the worker consumes."
  default     = "arn:aws:sqs:eu-west-1:111122223333:orders"

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.queue_arn))
    error_message = "queue_arn must be an SQS queue ARN."
  }
}

variable "dead_letter_queue_arn" {
  type        = string
  description = "ARN of the dead-letter queue, if any."
  default     = ""
}

variable "queue_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key the queue is encrypted with."
  default     = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$", var.queue_kms_key_arn))
    error_message = "queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "dead_letter_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key the dead-letter queue is encrypted with, if it has its own."
  default     = ""
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  queue_arns = compact([var.queue_arn, var.dead_letter_queue_arn])
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "Consume"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = local.queue_arns
  }

  statement {
    sid       = "Decrypt"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = compact([var.queue_kms_key_arn, var.dead_letter_kms_key_arn, ""])
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name}:*"]
  }

  statement {
    sid       = "NoQueueRemoval"
    effect    = "Deny"
    actions   = ["sqs:DeleteQueue", "sqs:PurgeQueue"]
    resources = local.queue_arns
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "worker"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

# Results go back to the queue it came from or, once retries are exhausted, to the
# dead-letter queue: written inline with jsonencode, as many modules do.
resource "aws_iam_role_policy" "requeue" {
  name = "requeue"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "Requeue"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = compact([var.queue_arn, var.dead_letter_queue_arn])
    }]
  })
}

resource "aws_lambda_function" "worker" {
  function_name = var.name
  role          = aws_iam_role.worker.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "worker.zip"
}

output "role_arn" {
  value = aws_iam_role.worker.arn
}
