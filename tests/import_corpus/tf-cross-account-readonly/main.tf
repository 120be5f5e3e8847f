# Cross-account audit roles in a member account: a vendor's read-only role behind an
# external id (sensitive variable), and the security team's role requiring MFA from the
# security account, both under /audit/ with the AWS managed audit policies, plus a Deny of
# data reads on the vendor's role.

variable "vendor_account_id" {
  type    = string
  default = "464622532012"
  validation {
    condition     = can(regex("^[0-9]{12}$", var.vendor_account_id))
    error_message = "An AWS account id is 12 digits."
  }
}

variable "vendor_external_id" {
  type      = string
  sensitive = true
}

variable "security_account_id" {
  type    = string
  default = "210987654321"
}

variable "max_session_hours" {
  type    = number
  default = 1
}

data "aws_partition" "current" {}

resource "aws_iam_role" "vendor_audit" {
  name                 = "VendorReadOnlyAudit"
  path                 = "/audit/"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${var.vendor_account_id}:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.vendor_external_id } }
    }]
  })
  tags = {
    owner   = "security"
    purpose = "third-party-audit"
  }
}

resource "aws_iam_role_policy_attachment" "vendor_security_audit" {
  role       = aws_iam_role.vendor_audit.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_role_policy_attachment" "vendor_view_only" {
  role       = aws_iam_role.vendor_audit.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/job-function/ViewOnlyAccess"
}

resource "aws_iam_role_policy" "vendor_no_data" {
  name = "deny-data-reads"
  role = aws_iam_role.vendor_audit.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "NoData"
      Effect   = "Deny"
      Action   = ["s3:GetObject", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "secretsmanager:GetSecretValue", "ssm:GetParameter*", "kms:Decrypt"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "security_team" {
  name                 = "SecurityTeamAudit"
  path                 = "/audit/"
  max_session_duration = 14400
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${var.security_account_id}:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = {
        Bool            = { "aws:MultiFactorAuthPresent" = "true" }
        NumericLessThan = { "aws:MultiFactorAuthAge" = "3600" }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "security_team" {
  role       = aws_iam_role.security_team.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/SecurityAudit"
}
