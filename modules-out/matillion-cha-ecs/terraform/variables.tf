variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "name_prefix" {
  type        = string
  default     = "matillion-cha"
  description = "Prefix of the role name (1-59 of A-Z a-z 0-9 + = , . @ _ -)."

  validation {
    condition     = can(regex("^(?:[A-Za-z0-9+=,.@_-]{1,59})$", var.name_prefix))
    error_message = "The value of name_prefix must match the pattern [A-Za-z0-9+=,.@_-]{1,59}."
  }
}

variable "enable_bedrock" {
  type        = bool
  default     = false
  description = "Attach AmazonBedrockFullAccess for the agent's LLM prompt features (the document's optional extra)."
}

variable "use_cloud_watch_full_access_v2" {
  type        = bool
  default     = false
  description = "Attach CloudWatchFullAccessV2 instead of the deprecated CloudWatchFullAccess."
}

variable "task_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the task role instead of the spec's; empty: the spec's."
}

variable "task_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the task role instead of the spec's; empty: the spec's."
}

variable "task_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the task role instead of the spec's; empty: the spec's."
}

variable "task_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the task role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.task_max_session_duration == null ? true : var.task_max_session_duration >= 3600 && var.task_max_session_duration <= 43200
    error_message = "The value of task_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "task_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the task role, beyond what the spec grants; empty: none."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
