# A reusable "assumable role" module in the terraform-aws-modules style: optional name and
# prefix (null defaults), MFA switch, a custom trust policy that replaces the built one when
# given, and a list of policy ARNs attached with count + element().

variable "create_role" {
  type    = bool
  default = true
}

variable "role_name" {
  type    = string
  default = null
}

variable "role_name_prefix" {
  type    = string
  default = null
}

variable "trusted_role_arns" {
  type    = list(string)
  default = ["arn:aws:iam::111122223333:root"]
}

variable "role_requires_mfa" {
  type    = bool
  default = true
}

variable "custom_role_policy_arns" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

data "aws_iam_policy_document" "assume_role" {
  count = var.create_role ? 1 : 0

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = var.trusted_role_arns
    }

    dynamic "condition" {
      for_each = var.role_requires_mfa ? [1] : []
      content {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create_role ? 1 : 0

  name                 = var.role_name
  name_prefix          = var.role_name_prefix
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.assume_role[0].json
}

resource "aws_iam_role_policy_attachment" "custom" {
  count = var.create_role ? length(var.custom_role_policy_arns) : 0

  role       = aws_iam_role.this[0].name
  policy_arn = element(var.custom_role_policy_arns, count.index)
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, "")
}
