# An "assumable role" module in the terraform-aws-modules iam-assumable-role style, cut down to
# what a spec can hold: the trust statement's MFA conditions are switched on and off by
# `dynamic "condition"` blocks (`aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge`
# under `var.role_requires_mfa`), beside a fixed condition; an admin role writes the switch
# the other way round (`var.allow_without_mfa ? [] : [1]`).

variable "role_name" {
  type    = string
  default = "ops-readonly"
}

variable "trusted_role_arns" {
  type    = list(string)
  default = ["arn:aws:iam::111122223333:root"]
}

variable "role_requires_mfa" {
  type    = bool
  default = true
}

variable "mfa_age" {
  type    = number
  default = 86400
}

variable "allow_without_mfa" {
  type    = bool
  default = false
}

variable "custom_role_policy_arns" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "TrustedAccounts"
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = var.trusted_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }

    dynamic "condition" {
      for_each = var.role_requires_mfa ? [1] : []
      content {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }

    dynamic "condition" {
      for_each = var.role_requires_mfa ? [1] : []
      content {
        test     = "NumericLessThan"
        variable = "aws:MultiFactorAuthAge"
        values   = [var.mfa_age]
      }
    }
  }
}

data "aws_iam_policy_document" "assume_admin" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = var.trusted_role_arns
    }

    dynamic "condition" {
      for_each = var.allow_without_mfa ? [] : [1]
      content {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
}

resource "aws_iam_role" "admin" {
  name               = "${var.role_name}-admin"
  assume_role_policy = data.aws_iam_policy_document.assume_admin.json
}

resource "aws_iam_role_policy_attachment" "custom" {
  count = length(var.custom_role_policy_arns)

  role       = aws_iam_role.this.name
  policy_arn = element(var.custom_role_policy_arns, count.index)
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
