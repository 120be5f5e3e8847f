data "aws_partition" "current" {}

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
  description        = "ECS task execution role of the Matillion agent (pulls images from ECR Public and ECR, writes logs)."
  assume_role_policy = data.aws_iam_policy_document.task_execution_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task_execution_ecr_and_cloudwatch" {
  version = "2012-10-17"

  statement {
    sid    = "ECRAndCloudWatch"
    effect = "Allow"
    actions = [
      "ecr-public:GetAuthorizationToken",
      "sts:GetServiceBearerToken",
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchGetImage",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task_execution_ecr_and_cloudwatch" {
  count  = var.create ? 1 : 0
  name   = "ecr-and-cloudwatch"
  role   = aws_iam_role.task_execution[0].id
  policy = data.aws_iam_policy_document.task_execution_ecr_and_cloudwatch.json
}

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
}

resource "aws_iam_role" "task" {
  count              = var.create ? 1 : 0
  name               = "${var.name_prefix}-task"
  description        = "ECS task role of the Matillion agent (staging bucket and its secrets)."
  assume_role_policy = data.aws_iam_policy_document.task_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task_agent_task" {
  version = "2012-10-17"

  statement {
    sid    = "S3List"
    effect = "Allow"
    actions = [
      "s3:ListBucket",
      "s3:GetBucketLocation",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.staging_bucket}"]
  }

  statement {
    sid    = "S3Use"
    effect = "Allow"
    actions = [
      "s3:PutObject",
      "s3:PutObjectAcl",
      "s3:GetObject",
      "s3:GetObjectAcl",
      "s3:DeleteObject",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.staging_bucket}/*"]
  }

  statement {
    sid       = "SecretsManagerPerms"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.secret_arns
  }

  statement {
    sid       = "ListSecrets"
    effect    = "Allow"
    actions   = ["secretsmanager:ListSecrets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task_agent_task" {
  count  = var.create ? 1 : 0
  name   = "agent-task"
  role   = aws_iam_role.task[0].id
  policy = data.aws_iam_policy_document.task_agent_task.json
}
# Modules rolegen generated before the `create` toggle kept unswitched resources without
# an index; these blocks move such state to the `[0]` instances (Terraform >= 1.1), so an
# upgrade changes no role. Addresses that are not in the state are ignored.

moved {
  from = aws_iam_role.task_execution
  to   = aws_iam_role.task_execution[0]
}

moved {
  from = aws_iam_role_policy.task_execution_ecr_and_cloudwatch
  to   = aws_iam_role_policy.task_execution_ecr_and_cloudwatch[0]
}

moved {
  from = aws_iam_role.task
  to   = aws_iam_role.task[0]
}

moved {
  from = aws_iam_role_policy.task_agent_task
  to   = aws_iam_role_policy.task_agent_task[0]
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
variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "name_prefix" {
  type        = string
  default     = "matillion-agent"
  description = "Prefix of the role names."
}

variable "staging_bucket" {
  type        = string
  description = "Name of the S3 bucket the agent stages data in."

  validation {
    condition     = can(regex("^(?:[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$", var.staging_bucket))
    error_message = "The value of staging_bucket must match the pattern [a-z0-9][a-z0-9.-]{1,61}[a-z0-9]."
  }
}

variable "secret_arns" {
  type        = list(string)
  description = "Full ARNs of the Secrets Manager secrets the agent reads (platform key, database passwords)."

  validation {
    condition     = alltrue([for v in var.secret_arns : can(regex("^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)$", v))])
    error_message = "The value of secret_arns must match the pattern arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+."
  }
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
