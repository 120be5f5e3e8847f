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
# Modules rolegen generated before the `create` toggle kept unswitched resources without
# an index; these blocks move such state to the `[0]` instances (Terraform >= 1.1), so an
# upgrade changes no role. Addresses that are not in the state are ignored.

moved {
  from = aws_iam_role.task
  to   = aws_iam_role.task[0]
}

moved {
  from = aws_iam_role.task_execution
  to   = aws_iam_role.task_execution[0]
}

moved {
  from = aws_iam_role_policy.task_execution_agent_secrets
  to   = aws_iam_role_policy.task_execution_agent_secrets[0]
}
output "task_arn" {
  description = "ARN of the task role."
  value       = one(aws_iam_role.task[*].arn)
}

output "task_name" {
  description = "Name of the task role."
  value       = one(aws_iam_role.task[*].name)
}

output "task_unique_id" {
  description = "Stable unique id of the task role."
  value       = one(aws_iam_role.task[*].unique_id)
}

output "task_execution_arn" {
  description = "ARN of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].arn)
}

output "task_execution_name" {
  description = "Name of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].name)
}

output "task_execution_unique_id" {
  description = "Stable unique id of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].unique_id)
}
variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "name_prefix" {
  type        = string
  default     = "matillion-streaming"
  description = "Prefix of the role names."

  validation {
    condition     = can(regex("^(?:[A-Za-z0-9+=,.@_-]{1,40})$", var.name_prefix))
    error_message = "The value of name_prefix must match the pattern [A-Za-z0-9+=,.@_-]{1,40}."
  }
}

variable "secret_arns" {
  type        = list(string)
  default     = ["*"]
  description = "ARNs of the Secrets Manager secrets that hold the agent's credentials."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
terraform {
  required_version = ">= 1.1"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
