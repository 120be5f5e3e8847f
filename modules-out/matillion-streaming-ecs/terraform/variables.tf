variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "name_prefix" {
  type        = string
  default     = "matillion-streaming"
  description = "Prefix of the role names."

  validation {
    condition     = can(regex("^(?:[A-Za-z0-9+=,.@_-]{1,40})$", var.name_prefix))
    error_message = "The value of name_prefix must match the pattern [A-Za-z0-9+=,.@_-]{1,40}."
  }
}

variable "secret_arns" {
  type        = list(string)
  default     = ["*"]
  description = "ARNs of the Secrets Manager secrets that hold the agent's credentials."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
