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
  count                = var.create ? 1 : 0
  name                 = coalesce(var.task_name, "${var.name_prefix}-task")
  path                 = var.task_path
  description          = "ECS task role of the Matillion customer-hosted agent."
  max_session_duration = var.task_max_session_duration
  permissions_boundary = var.task_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.task_trust.json
  tags                 = var.tags
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

resource "aws_iam_role_policy_attachment" "task_additional" {
  count      = var.create ? length(var.task_additional_policy_arns) : 0
  role       = aws_iam_role.task[0].name
  policy_arn = var.task_additional_policy_arns[count.index]
}
