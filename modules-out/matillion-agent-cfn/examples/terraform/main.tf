# Example: the matillion-agent-cfn module with the example values of
# cloudformation/matillion-agent-cfn.params.json (the stack's example parameters).
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

module "matillion_agent_cfn" {
  source = "../../terraform"

  staging_bucket = "matillion-staging-example"
  secret_arns    = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-key-name-AbCdEf", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:database-password-AbCdEf"]
  tags           = { team = "platform" }
}
