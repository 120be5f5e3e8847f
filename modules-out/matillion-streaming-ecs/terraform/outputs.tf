output "task_arn" {
  description = "ARN of the task role."
  value       = one(aws_iam_role.task[*].arn)
}

output "task_name" {
  description = "Name of the task role."
  value       = one(aws_iam_role.task[*].name)
}

output "task_unique_id" {
  description = "Stable unique id of the task role."
  value       = one(aws_iam_role.task[*].unique_id)
}

output "task_path" {
  description = "Path of the task role."
  value       = one(aws_iam_role.task[*].path)
}

output "task_instance_profile_arn" {
  description = "ARN of the task instance profile."
  value       = one(aws_iam_instance_profile.task[*].arn)
}

output "task_instance_profile_name" {
  description = "Name of the task instance profile."
  value       = one(aws_iam_instance_profile.task[*].name)
}

output "task_execution_arn" {
  description = "ARN of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].arn)
}

output "task_execution_name" {
  description = "Name of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].name)
}

output "task_execution_unique_id" {
  description = "Stable unique id of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].unique_id)
}

output "task_execution_path" {
  description = "Path of the task-execution role."
  value       = one(aws_iam_role.task_execution[*].path)
}
