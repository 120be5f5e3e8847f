# S3 same-account cross-region replication: source and destination buckets named from
# variables, the replication role from the S3 user guide, KMS re-encryption scoped with
# kms:ViaService and the S3 encryption context, and the bucket's replication configuration
# (not IAM) naming the role.

variable "source_bucket" {
  type    = string
  default = "acme-logs-eu-west-1"
}

variable "destination_bucket" {
  type    = string
  default = "acme-logs-replica-eu-central-1"
}

variable "source_region" {
  type    = string
  default = "eu-west-1"
}

variable "destination_region" {
  type    = string
  default = "eu-central-1"
}

variable "source_kms_key_arn" {
  type = string
}

variable "destination_kms_key_arn" {
  type = string
}

data "aws_partition" "current" {}

locals {
  src = "arn:${data.aws_partition.current.partition}:s3:::${var.source_bucket}"
  dst = "arn:${data.aws_partition.current.partition}:s3:::${var.destination_bucket}"
}

data "aws_iam_policy_document" "s3_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "replication" {
  statement {
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [local.src]
  }

  statement {
    actions   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
    resources = ["${local.src}/*"]
  }

  statement {
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = ["${local.dst}/*"]
  }

  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.source_kms_key_arn]
    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["s3.${var.source_region}.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = ["${local.src}/*"]
    }
  }

  statement {
    actions   = ["kms:Encrypt"]
    resources = [var.destination_kms_key_arn]
    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["s3.${var.destination_region}.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = ["${local.dst}/*"]
    }
  }
}

resource "aws_iam_role" "replication" {
  name_prefix        = "s3-replication-"
  path               = "/service-role/"
  assume_role_policy = data.aws_iam_policy_document.s3_assume.json
}

resource "aws_iam_role_policy" "replication" {
  name   = "replication"
  role   = aws_iam_role.replication.id
  policy = data.aws_iam_policy_document.replication.json
}

resource "aws_s3_bucket" "source" {
  bucket = var.source_bucket
}

resource "aws_s3_bucket_versioning" "source" {
  bucket = aws_s3_bucket.source.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_replication_configuration" "source" {
  depends_on = [aws_s3_bucket_versioning.source]
  role       = aws_iam_role.replication.arn
  bucket     = aws_s3_bucket.source.id

  rule {
    id     = "everything"
    status = "Enabled"
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }
    destination {
      bucket = local.dst
      encryption_configuration {
        replica_kms_key_id = var.destination_kms_key_arn
      }
    }
  }
}
