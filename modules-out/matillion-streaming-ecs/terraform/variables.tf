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
