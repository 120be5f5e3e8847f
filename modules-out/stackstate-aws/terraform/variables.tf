variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "agent_on_ec2" {
  type        = bool
  default     = false
  description = "The StackState agent runs on an EC2 instance in this account (trust ec2.amazonaws.com) instead of outside AWS (trust the agent's account with an external id)."
}

variable "agent_account_id" {
  type        = string
  default     = ""
  description = "AWS account id of the IAM user or account the StackState agent uses when it runs outside AWS (required unless AgentOnEc2)."

  validation {
    condition     = can(regex("^(?:([0-9]{12})?)$", var.agent_account_id))
    error_message = "The value of agent_account_id must match the pattern ([0-9]{12})?."
  }
}

variable "agent_principal" {
  type        = string
  default     = "root"
  description = "Who in AgentAccountId may assume the integration role, as the end of its ARN - root (the account, any principal it allows) or user/<name> (one IAM user)."

  validation {
    condition     = can(regex("^(?:root|user/[A-Za-z0-9+=,.@_/-]+)$", var.agent_principal))
    error_message = "The value of agent_principal must match the pattern root|user/[A-Za-z0-9+=,.@_/-]+."
  }
}

variable "external_id" {
  type        = string
  default     = ""
  description = "External id the StackState agent passes when it assumes the integration role (required unless AgentOnEc2)."
  sensitive   = true

  validation {
    condition     = length(var.external_id) <= 1224
    error_message = "The value of external_id must be at most 1224 characters long."
  }

  validation {
    condition     = can(regex("^(?:([A-Za-z0-9+=,.@:/_-][A-Za-z0-9+=,.@:/_-]+)?)$", var.external_id))
    error_message = "The value of external_id must match the pattern ([A-Za-z0-9+=,.@:/_-][A-Za-z0-9+=,.@:/_-]+)?."
  }
}

variable "delivery_stream_name" {
  type        = string
  default     = "stackstate-eventbridge-stream"
  description = "Name of the Kinesis Firehose delivery stream the EventBridge rule targets."
}

variable "integration_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the integration role instead of the spec's; empty: the spec's."
}

variable "integration_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the integration role instead of the spec's; empty: the spec's."
}

variable "integration_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the integration role instead of the spec's; empty: the spec's."
}

variable "integration_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the integration role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.integration_max_session_duration == null ? true : var.integration_max_session_duration >= 3600 && var.integration_max_session_duration <= 43200
    error_message = "The value of integration_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "integration_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the integration role, beyond what the spec grants; empty: none."
}

variable "eventbridge_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the eventbridge role instead of the spec's; empty: the spec's."
}

variable "eventbridge_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the eventbridge role instead of the spec's; empty: the spec's."
}

variable "eventbridge_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the eventbridge role instead of the spec's; empty: the spec's."
}

variable "eventbridge_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the eventbridge role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.eventbridge_max_session_duration == null ? true : var.eventbridge_max_session_duration >= 3600 && var.eventbridge_max_session_duration <= 43200
    error_message = "The value of eventbridge_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "eventbridge_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the eventbridge role, beyond what the spec grants; empty: none."
}

variable "firehose_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the firehose role instead of the spec's; empty: the spec's."
}

variable "firehose_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the firehose role instead of the spec's; empty: the spec's."
}

variable "firehose_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the firehose role instead of the spec's; empty: the spec's."
}

variable "firehose_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the firehose role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.firehose_max_session_duration == null ? true : var.firehose_max_session_duration >= 3600 && var.firehose_max_session_duration <= 43200
    error_message = "The value of firehose_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "firehose_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the firehose role, beyond what the spec grants; empty: none."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
