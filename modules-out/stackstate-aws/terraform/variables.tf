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
  description = "AWS account id of the IAM user or account the StackState agent uses when it runs outside AWS."

  validation {
    condition     = can(regex("^(?:[0-9]{12})$", var.agent_account_id))
    error_message = "The value of agent_account_id must match the pattern [0-9]{12}."
  }
}

variable "external_id" {
  type        = string
  description = "External id the StackState agent passes when it assumes the integration role."
  sensitive   = true

  validation {
    condition     = length(var.external_id) >= 2 && length(var.external_id) <= 1224
    error_message = "The value of external_id must be 2 to 1224 characters long."
  }

  validation {
    condition     = can(regex("^(?:[A-Za-z0-9+=,.@:/_-]+)$", var.external_id))
    error_message = "The value of external_id must match the pattern [A-Za-z0-9+=,.@:/_-]+."
  }
}

variable "delivery_stream_name" {
  type        = string
  default     = "stackstate-eventbridge-stream"
  description = "Name of the Kinesis Firehose delivery stream the EventBridge rule targets."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
