# An observability agent's role on EC2 (the OpenTelemetry collector style): traces, logs and
# metrics each behind a variable, as a `dynamic "statement"` switch, a counted inline policy
# and a counted managed attachment; an instance profile.

variable "name" {
  type    = string
  default = "otel-collector"
}

variable "enable_traces" {
  type    = bool
  default = true
}

variable "enable_logs" {
  type    = bool
  default = true
}

variable "enable_prometheus" {
  type    = bool
  default = false
}

variable "prometheus_workspace_arn" {
  type    = string
  default = "arn:aws:aps:eu-west-1:111122223333:workspace/ws-0a1b2c3d"
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "collector" {
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["OTel/*", "CWAgent"]
    }
  }

  dynamic "statement" {
    for_each = var.enable_logs ? [1] : []
    content {
      sid       = "Logs"
      actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/otel/*"]
    }
  }
}

resource "aws_iam_role" "collector" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "collector" {
  name   = "collector"
  role   = aws_iam_role.collector.id
  policy = data.aws_iam_policy_document.collector.json
}

resource "aws_iam_role_policy_attachment" "xray" {
  count      = var.enable_traces ? 1 : 0
  role       = aws_iam_role.collector.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
}

resource "aws_iam_role_policy" "prometheus" {
  count = var.enable_prometheus ? 1 : 0
  name  = "prometheus-remote-write"
  role  = aws_iam_role.collector.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["aps:RemoteWrite"]
      Resource = var.prometheus_workspace_arn
    }]
  })
}

resource "aws_iam_instance_profile" "collector" {
  name = var.name
  role = aws_iam_role.collector.name
}
