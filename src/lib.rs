//! rolegen: compile YAML specs of AWS IAM roles into Terraform modules and CloudFormation stacks.
