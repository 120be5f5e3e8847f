# A log delivery role deployed in several regions and partitions: the regional log archive
# bucket and the ELB account come from flat maps keyed by the region, the service principal
# and the DNS suffix from a table keyed by the partition, the retention account from a map
# keyed by an environment variable, read with `local.x[...]` and `lookup(local.x[...], "k")`.

variable "environment" {
  type    = string
  default = "prod"

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "tags" {
  type    = map(string)
  default = {}
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  log_archive_buckets = {
    us-east-1 = "acme-log-archive-use1"
    us-west-2 = "acme-log-archive-usw2"
    eu-west-1 = "acme-log-archive-euw1"
  }

  elb_accounts = {
    us-east-1 = "127311923021"
    us-west-2 = "797873946194"
    eu-west-1 = "156460612806"
  }

  partition_services = {
    aws = {
      firehose = "firehose.amazonaws.com"
      suffix   = "amazonaws.com"
    }
    aws-cn = {
      firehose = "firehose.amazonaws.com.cn"
      suffix   = "amazonaws.com.cn"
    }
    aws-us-gov = {
      firehose = "firehose.amazonaws.com"
      suffix   = "amazonaws.com"
    }
  }

  retention_accounts = {
    dev  = { account = "111122223333" }
    prod = { account = "444455556666" }
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [local.partition_services[data.aws_partition.current.partition].firehose]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "log_delivery" {
  name               = "log-delivery-${data.aws_region.current.name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "delivery" {
  statement {
    sid     = "WriteArchive"
    effect  = "Allow"
    actions = ["s3:PutObject", "s3:GetBucketLocation"]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::${local.log_archive_buckets[data.aws_region.current.name]}",
      "arn:${data.aws_partition.current.partition}:s3:::${local.log_archive_buckets[data.aws_region.current.name]}/*",
    ]
  }

  statement {
    sid       = "ReadElbLogs"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::elb-logs-${local.elb_accounts[data.aws_region.current.name]}/*"]
  }

  statement {
    sid       = "ReplicateToRetention"
    effect    = "Allow"
    actions   = ["sts:AssumeRole"]
    resources = ["arn:${data.aws_partition.current.partition}:iam::${lookup(local.retention_accounts[var.environment], "account")}:role/log-retention"]
  }

  statement {
    sid       = "Kms"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.${local.partition_services[data.aws_partition.current.partition]["suffix"]}"]
    }
  }
}

resource "aws_iam_role_policy" "delivery" {
  name   = "delivery"
  role   = aws_iam_role.log_delivery.id
  policy = data.aws_iam_policy_document.delivery.json
}
