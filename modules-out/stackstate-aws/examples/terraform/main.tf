# Example: the stackstate-aws module with the example values of
# cloudformation/stackstate-aws.params.json (the stack's example parameters).
# Copy this folder, set your own values and run `terraform init && terraform apply`;
# the provider takes its region and credentials from the environment (AWS_REGION,
# AWS_PROFILE, ...).

terraform {
  required_version = ">= 1.1"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
  }
}

provider "aws" {}

module "stackstate_aws" {
  source = "../../terraform"

  agent_account_id = "111122223333"
  external_id      = "stackstate-external-id-example"
  tags             = { team = "platform" }
}
