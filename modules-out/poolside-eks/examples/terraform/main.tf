# Example: the poolside-eks module with the example values of
# cloudformation/poolside-eks.params.json (the stack's example parameters).
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

module "poolside_eks" {
  source = "../../terraform"

  oidc_provider               = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E"
  bucket_name                 = "poolside-deployment-123456789012"
  kms_key_arn                 = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  terraform_state_bucket_name = "poolside-terraform-state-123456789012"
  tags                        = { team = "platform" }
}
