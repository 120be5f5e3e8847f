data "aws_partition" "current" {}

data "aws_iam_policy_document" "task_trust" {
  version = "2012-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = var.task_on_ec2 ? [1] : []

    content {
      effect  = "Allow"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = ["ec2.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "task" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.task_name, "${var.name_prefix}-task")
  path                 = var.task_path
  description          = "Role the running Streaming agent uses."
  max_session_duration = var.task_max_session_duration
  permissions_boundary = var.task_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.task_trust.json
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "task_additional" {
  count      = var.create ? length(var.task_additional_policy_arns) : 0
  role       = aws_iam_role.task[0].name
  policy_arn = var.task_additional_policy_arns[count.index]
}

resource "aws_iam_instance_profile" "task" {
  count = var.create && var.task_on_ec2 ? 1 : 0
  name  = coalesce(var.task_name, "${var.name_prefix}-task")
  role  = aws_iam_role.task[0].name
  tags  = var.tags
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
  count                = var.create ? 1 : 0
  name                 = coalesce(var.task_execution_name, "${var.name_prefix}-task-execution")
  path                 = var.task_execution_path
  description          = "Role ECS and Fargate use to start the agent and read its credentials."
  max_session_duration = var.task_execution_max_session_duration
  permissions_boundary = var.task_execution_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.task_execution_trust.json
  tags                 = var.tags
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

resource "aws_iam_role_policy_attachment" "task_execution_additional" {
  count      = var.create ? length(var.task_execution_additional_policy_arns) : 0
  role       = aws_iam_role.task_execution[0].name
  policy_arn = var.task_execution_additional_policy_arns[count.index]
}
