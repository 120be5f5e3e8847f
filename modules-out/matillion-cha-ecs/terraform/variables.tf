variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "name_prefix" {
  type        = string
  default     = "matillion-cha"
  description = "Prefix of the role name."
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

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
