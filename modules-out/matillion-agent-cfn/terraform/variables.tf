variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "name_prefix" {
  type        = string
  default     = "matillion-agent"
  description = "Prefix of the role names."
}

variable "staging_bucket" {
  type        = string
  description = "Name of the S3 bucket the agent stages data in."

  validation {
    condition     = can(regex("^(?:[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$", var.staging_bucket))
    error_message = "The value of staging_bucket must match the pattern [a-z0-9][a-z0-9.-]{1,61}[a-z0-9]."
  }
}

variable "secret_arns" {
  type        = list(string)
  description = "Full ARNs of the Secrets Manager secrets the agent reads (platform key, database passwords)."

  validation {
    condition     = length(var.secret_arns) > 0
    error_message = "secret_arns must hold at least one value."
  }

  validation {
    condition     = alltrue([for v in var.secret_arns : can(regex("^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@*?-]+)$", v))])
    error_message = "The value of secret_arns must match the pattern arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@*?-]+."
  }
}

variable "task_execution_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the task-execution role instead of the spec's; empty: the spec's."
}

variable "task_execution_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the task-execution role instead of the spec's; empty: the spec's."
}

variable "task_execution_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the task-execution role instead of the spec's; empty: the spec's."
}

variable "task_execution_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the task-execution role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.task_execution_max_session_duration == null ? true : var.task_execution_max_session_duration >= 3600 && var.task_execution_max_session_duration <= 43200
    error_message = "The value of task_execution_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "task_execution_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the task-execution role, beyond what the spec grants; empty: none."
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
