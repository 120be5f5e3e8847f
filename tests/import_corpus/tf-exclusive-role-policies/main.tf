# A role that owns its policies exclusively, the AWS provider 4.x style: `inline_policy`
# blocks and `managed_policy_arns` on the role itself (anything attached elsewhere is removed
# on the next apply). A data-pipeline role for AWS Glue jobs and DataBrew.

variable "env" {
  type    = string
  default = "prod"
}

variable "lake_bucket" {
  type    = string
  default = "acme-lake"
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "pipeline" {
  name        = "data-pipeline-${var.env}"
  description = "Glue and DataBrew jobs of the ${var.env} lake"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["glue.amazonaws.com", "databrew.amazonaws.com"] }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })

  managed_policy_arns = [
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSGlueServiceRole",
  ]

  inline_policy {
    name = "lake"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ListLake"
          Effect   = "Allow"
          Action   = "s3:ListBucket"
          Resource = "arn:${data.aws_partition.current.partition}:s3:::${var.lake_bucket}"
          Condition = { StringLike = { "s3:prefix" = ["raw/*", "curated/*"] } }
        },
        {
          Sid      = "ReadRaw"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = "arn:${data.aws_partition.current.partition}:s3:::${var.lake_bucket}/raw/*"
        },
        {
          Sid      = "WriteCurated"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:DeleteObject"]
          Resource = "arn:${data.aws_partition.current.partition}:s3:::${var.lake_bucket}/curated/*"
        },
      ]
    })
  }

  inline_policy {
    name = "catalog"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect = "Allow"
        Action = ["glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:BatchCreatePartition"]
        Resource = [
          "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:catalog",
          "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:database/${var.env}_*",
          "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.env}_*/*",
        ]
      }]
    })
  }

  tags = {
    env = var.env
  }
}

resource "aws_glue_job" "curate" {
  name     = "curate-${var.env}"
  role_arn = aws_iam_role.pipeline.arn
  command {
    script_location = "s3://${var.lake_bucket}/scripts/curate.py"
  }
}
