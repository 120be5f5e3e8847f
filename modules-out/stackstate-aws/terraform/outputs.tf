output "integration_arn" {
  description = "ARN of the integration role."
  value       = one(aws_iam_role.integration[*].arn)
}

output "integration_name" {
  description = "Name of the integration role."
  value       = one(aws_iam_role.integration[*].name)
}

output "integration_unique_id" {
  description = "Stable unique id of the integration role."
  value       = one(aws_iam_role.integration[*].unique_id)
}

output "integration_path" {
  description = "Path of the integration role."
  value       = one(aws_iam_role.integration[*].path)
}

output "integration_instance_profile_arn" {
  description = "ARN of the integration instance profile."
  value       = one(aws_iam_instance_profile.integration[*].arn)
}

output "integration_instance_profile_name" {
  description = "Name of the integration instance profile."
  value       = one(aws_iam_instance_profile.integration[*].name)
}

output "eventbridge_arn" {
  description = "ARN of the eventbridge role."
  value       = one(aws_iam_role.eventbridge[*].arn)
}

output "eventbridge_name" {
  description = "Name of the eventbridge role."
  value       = one(aws_iam_role.eventbridge[*].name)
}

output "eventbridge_unique_id" {
  description = "Stable unique id of the eventbridge role."
  value       = one(aws_iam_role.eventbridge[*].unique_id)
}

output "eventbridge_path" {
  description = "Path of the eventbridge role."
  value       = one(aws_iam_role.eventbridge[*].path)
}

output "firehose_arn" {
  description = "ARN of the firehose role."
  value       = one(aws_iam_role.firehose[*].arn)
}

output "firehose_name" {
  description = "Name of the firehose role."
  value       = one(aws_iam_role.firehose[*].name)
}

output "firehose_unique_id" {
  description = "Stable unique id of the firehose role."
  value       = one(aws_iam_role.firehose[*].unique_id)
}

output "firehose_path" {
  description = "Path of the firehose role."
  value       = one(aws_iam_role.firehose[*].path)
}

output "stackstate_integration_key_arn" {
  description = "ARN of the stackstate-integration KMS key."
  value       = one(aws_kms_key.stackstate_integration[*].arn)
}

output "stackstate_integration_key_id" {
  description = "Id of the stackstate-integration KMS key."
  value       = one(aws_kms_key.stackstate_integration[*].key_id)
}
