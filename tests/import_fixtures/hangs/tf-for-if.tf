variable "arns" {
  type    = list(string)
  default = ["arn:aws:s3:::a"]
}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy" "p" {
  name = "p"
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = [for a in var.arns : a if a != ""] }]
  })
}
