# A platform team's Lambda role module written for the AWS provider 4.x: the role owns its
# managed policies exclusively (`managed_policy_arns`), the AWS managed basic execution
# policy followed by whatever the caller passes (`concat([...], var.extra_policy_arns)`), and
# a sibling read-only role attached exactly the caller's list (`managed_policy_arns =
# var.readonly_policy_arns`, empty by default: the role then has none).

variable "function_name" {
  type    = string
  default = "invoice-renderer"
}

variable "extra_policy_arns" {
  description = "Managed policies the function needs beyond basic execution."
  type        = list(string)
  default     = ["arn:aws:iam::111122223333:policy/invoice-bucket-rw"]
}

variable "readonly_policy_arns" {
  description = "Managed policies of the support role (none by default)."
  type        = list(string)
  default     = []
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "function" {
  name = "${var.function_name}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  managed_policy_arns = concat(
    ["arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
    var.extra_policy_arns,
  )
}

resource "aws_iam_role" "support" {
  name = "${var.function_name}-support"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
  managed_policy_arns = var.readonly_policy_arns
}

resource "aws_lambda_function" "renderer" {
  function_name = var.function_name
  role          = aws_iam_role.function.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "build/renderer.zip"
}

output "function_role_arn" {
  value = aws_iam_role.function.arn
}
