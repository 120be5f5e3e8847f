# A Lambda function's execution role as a shared module writes it: the basic execution
# policy, tracing when asked, and callers' extra managed policies from two list variables —
# one empty by default (`count = length(...)`, as terraform-aws-modules' lambda module does),
# one with the team's read-only default (`for_each = toset(...)`) under a switch.

variable "function_name" {
  type    = string
  default = "orders-api"
}

variable "tracing" {
  type    = bool
  default = false
}

variable "attach_team_policies" {
  type    = bool
  default = true
}

variable "policy_arns" {
  description = "More managed policies for the function's role"
  type        = list(string)
  default     = []
}

variable "team_policy_arns" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = "${var.function_name}-lambda"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy_attachment" "tracing" {
  count      = var.tracing ? 1 : 0
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_role_policy_attachment" "additional" {
  count      = length(var.policy_arns)
  role       = aws_iam_role.lambda.name
  policy_arn = var.policy_arns[count.index]
}

resource "aws_iam_role" "operator" {
  name               = "${var.function_name}-operator"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "team" {
  for_each   = var.attach_team_policies ? toset(var.team_policy_arns) : []
  role       = aws_iam_role.operator.name
  policy_arn = each.value
}

output "role_arn" {
  value = aws_iam_role.lambda.arn
}
