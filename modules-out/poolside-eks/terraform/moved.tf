# Modules rolegen generated before the `create` toggle kept unswitched resources without
# an index; these blocks move such state to the `[0]` instances (Terraform >= 1.1), so an
# upgrade changes no role. Addresses that are not in the state are ignored.

moved {
  from = aws_iam_policy.aws_load_balancer_controller
  to   = aws_iam_policy.aws_load_balancer_controller[0]
}

moved {
  from = aws_iam_role.eks_pod
  to   = aws_iam_role.eks_pod[0]
}

moved {
  from = aws_iam_role_policy.eks_pod_s3_access
  to   = aws_iam_role_policy.eks_pod_s3_access[0]
}

moved {
  from = aws_iam_role_policy.eks_pod_marketplace_metering
  to   = aws_iam_role_policy.eks_pod_marketplace_metering[0]
}

moved {
  from = aws_iam_role_policy.eks_pod_kms_access
  to   = aws_iam_role_policy.eks_pod_kms_access[0]
}

moved {
  from = aws_iam_role_policy.eks_pod_bedrock_read_only
  to   = aws_iam_role_policy.eks_pod_bedrock_read_only[0]
}

moved {
  from = aws_iam_role_policy.eks_pod_bedrock_model_invocation
  to   = aws_iam_role_policy.eks_pod_bedrock_model_invocation[0]
}

moved {
  from = aws_iam_role_policy.eks_pod_bedrock_customization_job
  to   = aws_iam_role_policy.eks_pod_bedrock_customization_job[0]
}

moved {
  from = aws_iam_role.bastion_host
  to   = aws_iam_role.bastion_host[0]
}

moved {
  from = aws_iam_role_policy.bastion_host_ecr_access
  to   = aws_iam_role_policy.bastion_host_ecr_access[0]
}

moved {
  from = aws_iam_role_policy.bastion_host_cognito_management
  to   = aws_iam_role_policy.bastion_host_cognito_management[0]
}

moved {
  from = aws_iam_role_policy.bastion_host_ssm_parameters
  to   = aws_iam_role_policy.bastion_host_ssm_parameters[0]
}

moved {
  from = aws_iam_role_policy.bastion_host_acm_read
  to   = aws_iam_role_policy.bastion_host_acm_read[0]
}

moved {
  from = aws_iam_role_policy.bastion_host_terraform_state
  to   = aws_iam_role_policy.bastion_host_terraform_state[0]
}

moved {
  from = aws_iam_role_policy.bastion_host_bastion_default
  to   = aws_iam_role_policy.bastion_host_bastion_default[0]
}

moved {
  from = aws_iam_instance_profile.bastion_host
  to   = aws_iam_instance_profile.bastion_host[0]
}

moved {
  from = aws_iam_role.load_balancer_controller
  to   = aws_iam_role.load_balancer_controller[0]
}
