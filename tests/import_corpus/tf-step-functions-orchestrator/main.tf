# Step Functions execution role for an order workflow: invoke the workflow's functions, run
# ECS tasks (and pass their roles), send to a queue, the `.sync` integration's EventBridge
# managed rule, logs delivery and X-Ray switched by a variable. Names from locals; the
# policy with jsonencode() and a `for` expression over the step names.

variable "workflow" {
  type    = string
  default = "order-fulfilment"
}

variable "steps" {
  type    = list(string)
  default = ["validate", "reserve-stock", "charge", "ship"]
}

variable "cluster_name" {
  type    = string
  default = "workers"
}

variable "enable_xray" {
  type    = bool
  default = false
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  account   = data.aws_caller_identity.current.account_id
  lambda    = format("arn:%s:lambda:%s:%s", local.partition, local.region, local.account)
  ecs       = format("arn:%s:ecs:%s:%s", local.partition, local.region, local.account)
}

resource "aws_iam_role" "sfn" {
  name = "${var.workflow}-sfn"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })
}

resource "aws_iam_role_policy" "orchestrate" {
  name = "orchestrate"
  role = aws_iam_role.sfn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeSteps"
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = [for s in var.steps : "${local.lambda}:function:${var.workflow}-${s}"]
      },
      {
        Sid      = "RunTasks"
        Effect   = "Allow"
        Action   = ["ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks"]
        Resource = ["${local.ecs}:task-definition/${var.workflow}-*", "${local.ecs}:task/${var.cluster_name}/*"]
        Condition = {
          ArnEquals = { "ecs:cluster" = "${local.ecs}:cluster/${var.cluster_name}" }
        }
      },
      {
        Sid      = "PassTaskRoles"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.workflow}-task-*"
        Condition = {
          StringLike = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" }
        }
      },
      {
        Sid      = "SyncRule"
        Effect   = "Allow"
        Action   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
        Resource = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:rule/StepFunctionsGetEventsForECSTaskRule"
      },
      {
        Sid      = "LogDelivery"
        Effect   = "Allow"
        Action   = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "xray" {
  count      = var.enable_xray ? 1 : 0
  role       = aws_iam_role.sfn.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess"
}

resource "aws_sfn_state_machine" "this" {
  name     = var.workflow
  role_arn = aws_iam_role.sfn.arn
  definition = jsonencode({
    StartAt = "Done"
    States  = { Done = { Type = "Succeed" } }
  })
}
