# ECS service module: execution and task roles, optional ECS Exec and optional secrets
# access (count on the policies), the secrets ARNs assembled with concat() and compact(), the
# execution role's managed policy attached with aws_iam_policy_attachment (exclusive), tags
# merged from a variable.

variable "name" {
  type    = string
  default = "payments-api"
}

variable "enable_execute_command" {
  type    = bool
  default = false
}

variable "read_secrets" {
  type    = bool
  default = true
}

variable "secret_arns" {
  type    = list(string)
  default = ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/db-AbCdEf"]
}

variable "tags" {
  type    = map(string)
  default = {}
}

locals {
  shared_secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/datadog-api-key-XyZ123"
  all_secrets   = compact(concat(var.secret_arns, [local.shared_secret, ""]))
  ecs_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = local.ecs_trust
  tags               = merge(var.tags, { role = "execution" })
}

resource "aws_iam_policy_attachment" "execution" {
  name       = "${var.name}-execution"
  roles      = [aws_iam_role.execution.name]
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "secrets" {
  count = var.read_secrets ? 1 : 0
  name  = "secrets"
  role  = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = local.all_secrets
    }]
  })
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = local.ecs_trust
  tags               = merge(var.tags, { role = "task" })
}

resource "aws_iam_role_policy" "exec" {
  count = var.enable_execute_command ? 1 : 0
  name  = "ecs-exec"
  role  = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "task" {
  name = "app"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = "arn:aws:sqs:eu-west-1:111122223333:${var.name}-*"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "arn:aws:s3:::${var.name}-assets/*"
      },
    ]
  })
}
