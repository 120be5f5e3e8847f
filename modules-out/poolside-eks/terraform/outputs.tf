output "eks_pod_arn" {
  description = "ARN of the eks-pod role."
  value       = one(aws_iam_role.eks_pod[*].arn)
}

output "eks_pod_name" {
  description = "Name of the eks-pod role."
  value       = one(aws_iam_role.eks_pod[*].name)
}

output "eks_pod_unique_id" {
  description = "Stable unique id of the eks-pod role."
  value       = one(aws_iam_role.eks_pod[*].unique_id)
}

output "eks_pod_path" {
  description = "Path of the eks-pod role."
  value       = one(aws_iam_role.eks_pod[*].path)
}

output "bastion_host_arn" {
  description = "ARN of the bastion-host role."
  value       = one(aws_iam_role.bastion_host[*].arn)
}

output "bastion_host_name" {
  description = "Name of the bastion-host role."
  value       = one(aws_iam_role.bastion_host[*].name)
}

output "bastion_host_unique_id" {
  description = "Stable unique id of the bastion-host role."
  value       = one(aws_iam_role.bastion_host[*].unique_id)
}

output "bastion_host_path" {
  description = "Path of the bastion-host role."
  value       = one(aws_iam_role.bastion_host[*].path)
}

output "bastion_host_instance_profile_arn" {
  description = "ARN of the bastion-host instance profile."
  value       = one(aws_iam_instance_profile.bastion_host[*].arn)
}

output "bastion_host_instance_profile_name" {
  description = "Name of the bastion-host instance profile."
  value       = one(aws_iam_instance_profile.bastion_host[*].name)
}

output "load_balancer_controller_arn" {
  description = "ARN of the load-balancer-controller role."
  value       = one(aws_iam_role.load_balancer_controller[*].arn)
}

output "load_balancer_controller_name" {
  description = "Name of the load-balancer-controller role."
  value       = one(aws_iam_role.load_balancer_controller[*].name)
}

output "load_balancer_controller_unique_id" {
  description = "Stable unique id of the load-balancer-controller role."
  value       = one(aws_iam_role.load_balancer_controller[*].unique_id)
}

output "load_balancer_controller_path" {
  description = "Path of the load-balancer-controller role."
  value       = one(aws_iam_role.load_balancer_controller[*].path)
}

output "aws_load_balancer_controller_policy_arn" {
  description = "ARN of the aws-load-balancer-controller managed policy."
  value       = one(aws_iam_policy.aws_load_balancer_controller[*].arn)
}
