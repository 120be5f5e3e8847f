data "aws_partition" "current" {}

data "aws_iam_policy_document" "task_trust" {
  version = "2012-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type = "Service"
      identifiers = [
        "ecs-tasks.amazonaws.com",
        "ec2.amazonaws.com",
      ]
    }
  }
}

resource "aws_iam_role" "task" {
  count              = var.create ? 1 : 0
  name               = "${var.name_prefix}-task"
  description        = "Role the running Streaming agent uses."
  assume_role_policy = data.aws_iam_policy_document.task_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task_execution_trust" {
  version = "2012-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task_execution" {
  count              = var.create ? 1 : 0
  name               = "${var.name_prefix}-task-execution"
  description        = "Role ECS and Fargate use to start the agent and read its credentials."
  assume_role_policy = data.aws_iam_policy_document.task_execution_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task_execution_agent_secrets" {
  version = "2012-10-17"

  statement {
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.secret_arns
  }
}

resource "aws_iam_role_policy" "task_execution_agent_secrets" {
  count  = var.create ? 1 : 0
  name   = "agent-secrets"
  role   = aws_iam_role.task_execution[0].id
  policy = data.aws_iam_policy_document.task_execution_agent_secrets.json
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  for_each = var.create ? {
    amazon_ecs_task_execution_role_policy = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
  } : {}
  role       = aws_iam_role.task_execution[0].name
  policy_arn = each.value
}
