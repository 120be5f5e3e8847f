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
  count                = var.create ? 1 : 0
  name                 = coalesce(var.task_execution_name, "${var.name_prefix}-task-execution")
  path                 = var.task_execution_path
  description          = "ECS task execution role of the Matillion agent (pulls images from ECR Public and ECR, writes logs)."
  max_session_duration = var.task_execution_max_session_duration
  permissions_boundary = var.task_execution_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.task_execution_trust.json
  tags                 = var.tags
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

resource "aws_iam_role_policy_attachment" "task_execution_additional" {
  count      = var.create ? length(var.task_execution_additional_policy_arns) : 0
  role       = aws_iam_role.task_execution[0].name
  policy_arn = var.task_execution_additional_policy_arns[count.index]
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
  count                = var.create ? 1 : 0
  name                 = coalesce(var.task_name, "${var.name_prefix}-task")
  path                 = var.task_path
  description          = "ECS task role of the Matillion agent (staging bucket and its secrets)."
  max_session_duration = var.task_max_session_duration
  permissions_boundary = var.task_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.task_trust.json
  tags                 = var.tags
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

resource "aws_iam_role_policy_attachment" "task_additional" {
  count      = var.create ? length(var.task_additional_policy_arns) : 0
  role       = aws_iam_role.task[0].name
  policy_arn = var.task_additional_policy_arns[count.index]
}
