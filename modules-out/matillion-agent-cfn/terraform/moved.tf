# Modules rolegen generated before the `create` toggle kept unswitched resources without
# an index; these blocks move such state to the `[0]` instances (Terraform >= 1.1), so an
# upgrade changes no role. Addresses that are not in the state are ignored.

moved {
  from = aws_iam_role.task_execution
  to   = aws_iam_role.task_execution[0]
}

moved {
  from = aws_iam_role_policy.task_execution_ecr_and_cloudwatch
  to   = aws_iam_role_policy.task_execution_ecr_and_cloudwatch[0]
}

moved {
  from = aws_iam_role.task
  to   = aws_iam_role.task[0]
}

moved {
  from = aws_iam_role_policy.task_agent_task
  to   = aws_iam_role_policy.task_agent_task[0]
}
