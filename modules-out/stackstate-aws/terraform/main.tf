data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "stackstate_integration_key_policy" {
  version   = "2012-10-17"
  policy_id = "default"

  statement {
    sid    = "AllowKeyAdministration"
    effect = "Allow"
    actions = [
      "kms:Create*",
      "kms:Describe*",
      "kms:Enable*",
      "kms:List*",
      "kms:Put*",
      "kms:Update*",
      "kms:Revoke*",
      "kms:Disable*",
      "kms:Get*",
      "kms:Delete*",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ScheduleKeyDeletion",
      "kms:CancelKeyDeletion",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid    = "AllowS3Access"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid    = "AllowVpcFlowLogAccess"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "stackstate_integration" {
  count               = var.create ? 1 : 0
  description         = "stackstate-integration key for the StackState logs bucket."
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.stackstate_integration_key_policy.json
  tags                = var.tags
}

resource "aws_kms_alias" "stackstate_integration" {
  count         = var.create ? 1 : 0
  name          = "alias/stackstate-integration"
  target_key_id = aws_kms_key.stackstate_integration[0].key_id
}

data "aws_iam_policy_document" "integration_trust" {
  version = "2008-10-17"

  dynamic "statement" {
    for_each = !var.agent_on_ec2 ? [1] : []

    content {
      effect  = "Allow"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = ["arn:${data.aws_partition.current.partition}:iam::${var.agent_account_id}:${var.agent_principal}"]
      }

      condition {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [var.external_id]
      }
    }
  }

  dynamic "statement" {
    for_each = var.agent_on_ec2 ? [1] : []

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

resource "aws_iam_role" "integration" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.integration_name, "StackStateAwsIntegrationRole")
  path                 = var.integration_path
  description          = "Read-only role the StackState agent assumes to discover AWS resources."
  max_session_duration = var.integration_max_session_duration
  permissions_boundary = var.integration_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.integration_trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "integration_stack_state_aws_integration_policy" {
  version = "2012-10-17"

  statement {
    sid    = "SelfAccess"
    effect = "Allow"
    actions = [
      "cloudtrail:LookupEvents",
      "iam:ListAccountAliases",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "MetricsAccess"
    effect = "Allow"
    actions = [
      "cloudwatch:GetMetricData",
      "cloudwatch:ListMetrics",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "EventsS3Access"
    effect = "Allow"
    actions = [
      "s3:DeleteObject",
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:ListBucket",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::stackstate-logs-${data.aws_caller_identity.current.account_id}",
      "arn:${data.aws_partition.current.partition}:s3:::stackstate-logs-${data.aws_caller_identity.current.account_id}/*",
    ]
  }

  statement {
    sid    = "Ec2Access"
    effect = "Allow"
    actions = [
      "ec2:DescribeInstances",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
      "ec2:DescribeVpnGateways",
      "ec2:DescribeNetworkInterfaces",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "LoadBalancingAccess"
    effect = "Allow"
    actions = [
      "elasticloadbalancing:DescribeInstanceHealth",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "AutoScalingAccess"
    effect    = "Allow"
    actions   = ["autoscaling:DescribeAutoScalingGroups"]
    resources = ["*"]
  }

  statement {
    sid       = "RedshiftAccess"
    effect    = "Allow"
    actions   = ["redshift:DescribeClusters"]
    resources = ["*"]
  }

  statement {
    sid    = "EcsAccess"
    effect = "Allow"
    actions = [
      "ecs:DescribeClusters",
      "ecs:DescribeContainerInstances",
      "ecs:DescribeServices",
      "ecs:DescribeTasks",
      "ecs:ListClusters",
      "ecs:ListContainerInstances",
      "ecs:ListServices",
      "ecs:ListTasks",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "ServiceDiscoveryAccess"
    effect = "Allow"
    actions = [
      "servicediscovery:GetNamespace",
      "servicediscovery:GetService",
      "servicediscovery:ListInstances",
      "servicediscovery:ListServices",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "FirehoseAccess"
    effect = "Allow"
    actions = [
      "firehose:DescribeDeliveryStream",
      "firehose:ListDeliveryStreams",
      "firehose:ListTagsForDeliveryStream",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "S3Access"
    effect = "Allow"
    actions = [
      "s3:GetBucketNotification",
      "s3:GetBucketTagging",
      "s3:ListAllMyBuckets",
      "s3:ListBucket",
      "s3:GetBucketVersioning",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "RdsAccess"
    effect = "Allow"
    actions = [
      "rds:DescribeDBClusters",
      "rds:DescribeDBInstances",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "Route53Access"
    effect = "Allow"
    actions = [
      "route53:GetHostedZone",
      "route53:ListHostedZones",
      "route53:ListResourceRecordSets",
      "route53:ListTagsForResource",
      "route53domains:GetDomainDetail",
      "route53domains:ListDomains",
      "route53domains:ListTagsForDomain",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "LambdaAccess"
    effect = "Allow"
    actions = [
      "lambda:GetFunction",
      "lambda:ListAliases",
      "lambda:ListEventSourceMappings",
      "lambda:ListFunctions",
      "lambda:ListTags",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "SnsAccess"
    effect = "Allow"
    actions = [
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
      "sns:ListTopics",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "SqsAccess"
    effect = "Allow"
    actions = [
      "sqs:GetQueueAttributes",
      "sqs:ListQueues",
      "sqs:ListQueueTags",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "DynamoDbAccess"
    effect = "Allow"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:ListTables",
      "dynamodb:ListTagsOfResource",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "KinesisAccess"
    effect = "Allow"
    actions = [
      "kinesis:DescribeStreamSummary",
      "kinesis:ListStreams",
      "kinesis:ListTagsForStream",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ApiGatewayAccess"
    effect    = "Allow"
    actions   = ["apigateway:GET"]
    resources = ["*"]
  }

  statement {
    sid    = "CloudFormationAccess"
    effect = "Allow"
    actions = [
      "cloudformation:DescribeStackResources",
      "cloudformation:DescribeStacks",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "StepFunctionsAccess"
    effect = "Allow"
    actions = [
      "states:DescribeStateMachine",
      "states:ListActivities",
      "states:ListStateMachines",
      "states:ListTagsForResource",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "integration_stack_state_aws_integration_policy" {
  count  = var.create ? 1 : 0
  name   = "StackStateAwsIntegrationPolicy"
  role   = aws_iam_role.integration[0].id
  policy = data.aws_iam_policy_document.integration_stack_state_aws_integration_policy.json
}

resource "aws_iam_role_policy_attachment" "integration_additional" {
  count      = var.create ? length(var.integration_additional_policy_arns) : 0
  role       = aws_iam_role.integration[0].name
  policy_arn = var.integration_additional_policy_arns[count.index]
}

resource "aws_iam_instance_profile" "integration" {
  count = var.create && var.agent_on_ec2 ? 1 : 0
  name  = coalesce(var.integration_name, "StackStateAwsIntegrationRole")
  role  = aws_iam_role.integration[0].name
  tags  = var.tags
}

data "aws_iam_policy_document" "eventbridge_trust" {
  version = "2008-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "eventbridge" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.eventbridge_name, "StackStateEventBridgeRole-${data.aws_region.current.name}")
  path                 = var.eventbridge_path
  description          = "Role EventBridge assumes to put events into the StackState Firehose delivery stream."
  max_session_duration = var.eventbridge_max_session_duration
  permissions_boundary = var.eventbridge_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.eventbridge_trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "eventbridge_stack_state_event_bridge_policy" {
  version = "2012-10-17"

  statement {
    effect = "Allow"
    actions = [
      "firehose:PutRecord",
      "firehose:PutRecordBatch",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:firehose:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:deliverystream/${var.delivery_stream_name}"]
  }
}

resource "aws_iam_role_policy" "eventbridge_stack_state_event_bridge_policy" {
  count  = var.create ? 1 : 0
  name   = "StackStateEventBridgePolicy"
  role   = aws_iam_role.eventbridge[0].id
  policy = data.aws_iam_policy_document.eventbridge_stack_state_event_bridge_policy.json
}

resource "aws_iam_role_policy_attachment" "eventbridge_additional" {
  count      = var.create ? length(var.eventbridge_additional_policy_arns) : 0
  role       = aws_iam_role.eventbridge[0].name
  policy_arn = var.eventbridge_additional_policy_arns[count.index]
}

data "aws_iam_policy_document" "firehose_trust" {
  version = "2008-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["firehose.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "firehose" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.firehose_name, "StackStateFirehoseRole-${data.aws_region.current.name}")
  path                 = var.firehose_path
  description          = "Role Kinesis Firehose assumes to deliver events into the StackState logs bucket."
  max_session_duration = var.firehose_max_session_duration
  permissions_boundary = var.firehose_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.firehose_trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "firehose_stack_state_firehose_policy" {
  version = "2012-10-17"

  statement {
    effect = "Allow"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:GetBucketLocation",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:PutObject",
      "s3:PutObjectAcl",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::stackstate-logs-${data.aws_caller_identity.current.account_id}/AWSLogs/${data.aws_caller_identity.current.account_id}/EventBridge/${data.aws_region.current.name}/*",
      "arn:${data.aws_partition.current.partition}:s3:::stackstate-logs-${data.aws_caller_identity.current.account_id}",
    ]
  }

  statement {
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:kms:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = ["arn:${data.aws_partition.current.partition}:s3:::stackstate-logs-${data.aws_caller_identity.current.account_id}/AWSLogs/${data.aws_caller_identity.current.account_id}/EventBridge/${data.aws_region.current.name}/*"]
    }

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = ["alias/stackstate-integration"]
    }
  }
}

resource "aws_iam_role_policy" "firehose_stack_state_firehose_policy" {
  count  = var.create ? 1 : 0
  name   = "StackStateFirehosePolicy"
  role   = aws_iam_role.firehose[0].id
  policy = data.aws_iam_policy_document.firehose_stack_state_firehose_policy.json
}

resource "aws_iam_role_policy_attachment" "firehose_additional" {
  count      = var.create ? length(var.firehose_additional_policy_arns) : 0
  role       = aws_iam_role.firehose[0].name
  policy_arn = var.firehose_additional_policy_arns[count.index]
}
