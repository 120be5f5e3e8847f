# A platform team's baseline policy documents merged into each workload's policy with
# source_policy_documents, and a security override (override_policy_documents) that replaces
# the workload's own statement with the same Sid: the way landing-zone modules compose
# policies. The worker role has the merged policy inline.

variable "service" {
  type    = string
  default = "indexer"
}

variable "queue_arn" {
  type    = string
  default = "arn:aws:sqs:eu-west-1:111122223333:indexer-jobs"
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "baseline_logs" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/svc/${var.service}:*"]
  }
}

data "aws_iam_policy_document" "baseline_metrics" {
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Svc/${var.service}"]
    }
  }
}

data "aws_iam_policy_document" "security_override" {
  statement {
    sid       = "Queue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
    resources = [var.queue_arn]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }

  statement {
    sid       = "NoPublicS3"
    effect    = "Deny"
    actions   = ["s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "worker" {
  source_policy_documents = [
    data.aws_iam_policy_document.baseline_logs.json,
    data.aws_iam_policy_document.baseline_metrics.json,
  ]
  override_policy_documents = [data.aws_iam_policy_document.security_override.json]

  statement {
    sid       = "Queue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "Index"
    actions   = ["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpGet"]
    resources = ["arn:aws:es:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:domain/${var.service}/*"]
  }
}

data "aws_iam_policy_document" "trust" {
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

resource "aws_iam_role" "worker" {
  name               = "${var.service}-worker"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy" "worker" {
  name   = "worker"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}
