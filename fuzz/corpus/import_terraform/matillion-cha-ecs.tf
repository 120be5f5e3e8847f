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
}

resource "aws_iam_role" "task" {
  count              = var.create ? 1 : 0
  name               = "${var.name_prefix}-task"
  description        = "ECS task role of the Matillion customer-hosted agent."
  assume_role_policy = data.aws_iam_policy_document.task_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task_matillion_agent_minimum" {
  version = "2012-10-17"

  statement {
    sid    = "StmtMinS3"
    effect = "Allow"
    actions = [
      "s3:ListAllMyBuckets",
      "s3:ListBucket",
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:GetBucketLocation",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "StmtMinSQS"
    effect = "Allow"
    actions = [
      "sqs:DeleteMessage",
      "sqs:ListQueues",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
      "sqs:GetQueueUrl",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "StmtMinRDS"
    effect    = "Allow"
    actions   = ["rds:DescribeDBInstances"]
    resources = ["*"]
  }

  statement {
    sid    = "StmtMinEC2"
    effect = "Allow"
    actions = [
      "ec2:CreateSnapshot",
      "ec2:CreateTags",
      "ec2:DescribeInstances",
      "ec2:DescribeVolumes",
      "ec2:DescribeRegions",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "StmtMinSNS"
    effect = "Allow"
    actions = [
      "sns:ListTopics",
      "sns:CreateTopic",
      "sns:Publish",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "StmtMinCloudwatch"
    effect = "Allow"
    actions = [
      "cloudwatch:PutMetricData",
      "cloudwatch:ListMetrics",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "StmtMinCloudwatchLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:logs:*:*:*"]
  }

  statement {
    sid    = "StmtMinKMS"
    effect = "Allow"
    actions = [
      "kms:ListAliases",
      "kms:Encrypt",
      "kms:Decrypt",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "StmtMinDynamoDB"
    effect = "Allow"
    actions = [
      "dynamodb:ListTables",
      "dynamodb:DescribeTable",
      "dynamodb:Scan",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task_matillion_agent_minimum" {
  count  = var.create ? 1 : 0
  name   = "matillion-agent-minimum"
  role   = aws_iam_role.task[0].id
  policy = data.aws_iam_policy_document.task_matillion_agent_minimum.json
}

resource "aws_iam_role_policy_attachment" "task" {
  for_each = var.create ? merge(
    !var.use_cloud_watch_full_access_v2 ? {
      cloud_watch_full_access = "arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchFullAccess"
    } : {},
    var.use_cloud_watch_full_access_v2 ? {
      cloud_watch_full_access_v2 = "arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchFullAccessV2"
    } : {},
    {
      secrets_manager_read_write = "arn:${data.aws_partition.current.partition}:iam::aws:policy/SecretsManagerReadWrite"
    },
    var.enable_bedrock ? {
      amazon_bedrock_full_access = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonBedrockFullAccess"
    } : {},
  ) : {}
  role       = aws_iam_role.task[0].name
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
  from = aws_iam_role_policy.task_matillion_agent_minimum
  to   = aws_iam_role_policy.task_matillion_agent_minimum[0]
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
  default     = "matillion-cha"
  description = "Prefix of the role name."
}

variable "enable_bedrock" {
  type        = bool
  default     = false
  description = "Attach AmazonBedrockFullAccess for the agent's LLM prompt features (the document's optional extra)."
}

variable "use_cloud_watch_full_access_v2" {
  type        = bool
  default     = false
  description = "Attach CloudWatchFullAccessV2 instead of the deprecated CloudWatchFullAccess."
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
