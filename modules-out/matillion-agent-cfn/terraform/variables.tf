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
    condition     = alltrue([for v in var.secret_arns : can(regex("^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@*?-]+)$", v))])
    error_message = "The value of secret_arns must match the pattern arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@*?-]+."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
