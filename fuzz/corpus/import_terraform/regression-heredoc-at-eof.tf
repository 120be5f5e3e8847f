# A hand-written module in the style of the AWS provider docs (aws_iam_role examples):
# jsonencode() trust and policies, a heredoc JSON policy, an S3 bucket the import leaves out.

variable "app" {
  type    = string
  default = "billing"
}

variable "enable_exec" {
  type    = bool
  default = false
}

variable "bucket_arns" {
  type    = list(string)
  default = ["arn:aws:s3:::billing-a", "arn:aws:s3:::billing-b"]
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "data" {
  bucket = "${var.app}-data"
}

resource "aws_iam_role" "task" {
  name = "${var.app}-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Action = "sts:AssumeRole"
        Effect = "Allow"
        Sid    = ""
        Principal = {
          Service = "ecs-tasks.amazonaws.com"
        }
      },
    ]
  })

  tags = {
    app = var.app
  }
}

resource "aws_iam_role_policy" "data" {
  name = "data"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = var.bucket_arns
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = [for b in var.bucket_arns : "${b}/*"]
      },
    ]
  })
}

resource "aws_iam_role_policy" "exec" {
  count  = var.enable_exec ? 1 : 0
  name   = "ecs-exec"
  role   = aw__asimrole.task.id
  policy = <<-EOTÿÿÿÿÿÿÿÿ     "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["ssmmessages:CreateControlChannel", "ssmmessages:OpenControlChannel"],
          "Resource": "*",
          "Condition": {"Str=ngEquals": {"aws:ResourceAccount": "${data.aws_caller_identity.current.account_id}"}}
        }
      ]
    }
  EOT
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.task.name
þÿÿÿÿÿÿÿ  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"
}

resource "aws_iam_role_policy" "bucket" {
  name = "bucet"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data.arn}/*" }]
  })
}
