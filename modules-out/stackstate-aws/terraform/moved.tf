# Modules rolegen generated before the `create` toggle kept unswitched resources without
# an index; these blocks move such state to the `[0]` instances (Terraform >= 1.1), so an
# upgrade changes no role. Addresses that are not in the state are ignored.

moved {
  from = aws_kms_key.stackstate_integration
  to   = aws_kms_key.stackstate_integration[0]
}

moved {
  from = aws_kms_alias.stackstate_integration
  to   = aws_kms_alias.stackstate_integration[0]
}

moved {
  from = aws_iam_role.integration
  to   = aws_iam_role.integration[0]
}

moved {
  from = aws_iam_role_policy.integration_stack_state_aws_integration_policy
  to   = aws_iam_role_policy.integration_stack_state_aws_integration_policy[0]
}

moved {
  from = aws_iam_role.eventbridge
  to   = aws_iam_role.eventbridge[0]
}

moved {
  from = aws_iam_role_policy.eventbridge_stack_state_event_bridge_policy
  to   = aws_iam_role_policy.eventbridge_stack_state_event_bridge_policy[0]
}

moved {
  from = aws_iam_role.firehose
  to   = aws_iam_role.firehose[0]
}

moved {
  from = aws_iam_role_policy.firehose_stack_state_firehose_policy
  to   = aws_iam_role_policy.firehose_stack_state_firehose_policy[0]
}
