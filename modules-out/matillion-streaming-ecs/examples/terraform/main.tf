# Example: the matillion-streaming-ecs module with the example values of
# cloudformation/matillion-streaming-ecs.params.json (the stack's example parameters).
# Copy this folder, set your own values and run `terraform init && terraform apply`;
# the provider takes its region and credentials from the environment (AWS_REGION,
# AWS_PROFILE, ...).

terraform {
  required_version = ">= 1.1"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}

provider "aws" {}

module "matillion_streaming_ecs" {
  source = "../../terraform"

  secret_arns = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:matillion-agent-AbCdEf"]
  tags        = { team = "platform" }
}
