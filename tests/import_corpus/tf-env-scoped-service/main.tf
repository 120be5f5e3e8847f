# One module instantiated per environment (the terraform-aws-modules style of `count` over
# `var.environment == "prod"`): a service role whose policy grows with what the caller passes
# (`var.kms_key_arn != ""`, `length(var.alarm_topic_arn) > 0`), a Deny that only production
# gets, an X-Ray attachment everywhere but production (`cond ? 0 : 1`), a debug policy behind
# a flag outside production, and an operator role for the shared environments.

variable "name" {
  description = "Service name, used in every resource name."
  type        = string
  default     = "orders"
}

variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "kms_key_arn" {
  description = "KMS key of the data bucket; empty when the bucket uses S3-managed keys."
  type        = string
  default     = ""
}

variable "alarm_topic_arn" {
  description = "SNS topic the service publishes alarms to; empty for none."
  type        = string
  default     = ""
}

variable "enable_debug" {
  description = "Lets the service read its own logs (never in production)."
  type        = bool
  default     = false
}

locals {
  is_prod        = var.environment == "prod"
  bucket         = "${var.name}-${var.environment}-data"
  debug_allowed  = var.enable_debug && !local.is_prod
  shared_account = var.environment == "prod" || var.environment == "staging"
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "data" {
  bucket = local.bucket
}

resource "aws_cloudwatch_log_group" "service" {
  name              = "/ecs/${var.name}-${var.environment}"
  retention_in_days = local.is_prod ? 365 : 14
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "service" {
  name               = "${var.name}-${var.environment}-service"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags = {
    Environment = var.environment
  }
}

data "aws_iam_policy_document" "service" {
  statement {
    sid       = "ReadWriteData"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${local.bucket}/*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn != "" ? [1] : []
    content {
      sid       = "DataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.alarm_topic_arn) > 0 ? [1] : []
    content {
      sid       = "Alarms"
      actions   = ["sns:Publish"]
      resources = [var.alarm_topic_arn]
    }
  }

  dynamic "statement" {
    for_each = local.is_prod ? [1] : []
    content {
      sid       = "KeepProductionData"
      effect    = "Deny"
      actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      resources = ["arn:${data.aws_partition.current.partition}:s3:::${local.bucket}/*"]
    }
  }
}

resource "aws_iam_role_policy" "service" {
  name   = "service"
  role   = aws_iam_role.service.id
  policy = data.aws_iam_policy_document.service.json
}

resource "aws_iam_role_policy_attachment" "xray" {
  count      = var.environment == "prod" ? 0 : 1
  role       = aws_iam_role.service.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

data "aws_iam_policy_document" "debug" {
  statement {
    actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = ["${aws_cloudwatch_log_group.service.arn}:*"]
  }
}

resource "aws_iam_role_policy" "debug" {
  count  = local.debug_allowed ? 1 : 0
  name   = "debug"
  role   = aws_iam_role.service.id
  policy = data.aws_iam_policy_document.debug.json
}

data "aws_iam_policy_document" "operator_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_iam_role" "operator" {
  count              = local.shared_account ? 1 : 0
  name               = "${var.name}-${var.environment}-operator"
  assume_role_policy = data.aws_iam_policy_document.operator_assume.json
}

resource "aws_iam_role_policy_attachment" "operator_read" {
  count      = local.shared_account ? 1 : 0
  role       = aws_iam_role.operator[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchReadOnlyAccess"
}

resource "aws_iam_role_policy" "operator_alarms" {
  count = local.shared_account && var.alarm_topic_arn != "" ? 1 : 0
  name  = "alarms"
  role  = aws_iam_role.operator[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]
      Resource = var.alarm_topic_arn
    }]
  })
}

output "service_role_arn" {
  value = aws_iam_role.service.arn
}

output "operator_role_arn" {
  value = try(aws_iam_role.operator[0].arn, null)
}
